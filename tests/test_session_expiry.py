"""Session expiry with a configuration of its own: in trytond 8.0
``[session] max_age`` is the life of a login (counted from the login,
whatever the activity: ``ir.session.check`` compares the session's creation
date), ``[session] timeout`` only the idleness after which a *sensitive*
call (``fresh_session`` RPCs: ``res.user.set_preferences``, which changes
the password) is refused — and the refusal ends the session
(``ir.session.check_timeout`` deletes it).  Ordinary calls are not
affected by ``timeout``."""
import time
from pathlib import Path

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

MAX_AGE = 12
TIMEOUT = 3


@pytest.fixture(scope='module')
def short_sessions(demo_db, tmp_path_factory):
    "The demo database served with short sessions (a config file)"
    demo = (testdb.ROOT / 'config' / 'demo.conf').read_text()
    head = demo.split('[session]')[0]
    tail = demo.split('[session]')[1].split('\n[', 1)[1]
    path = Path(tmp_path_factory.mktemp('session')) / 'session.conf'
    path.write_text(head + f'[session]\nmax_age = {MAX_AGE}\n'
        f'timeout = {TIMEOUT}\n\n[' + tail)
    with demo_db.server(config=str(path)) as server:
        yield server


def _refused(call):
    try:
        call()
    except RPCError as error:
        return error.code
    return None


def test_session_life_and_timeout(short_sessions):
    clerk = 'clerk_410302'
    active = short_sessions.rpc(clerk)
    started = time.monotonic()
    idle = short_sessions.rpc(clerk)
    sensitive = short_sessions.rpc(clerk)

    def read(rpc):
        return rpc.model('res.user', 'read', [rpc.user_id], ['login'])

    # beyond `timeout` of idleness, within `max_age`
    for _ in range(TIMEOUT + 1):
        time.sleep(1)
        assert read(active)
    assert time.monotonic() - started > TIMEOUT
    # an ordinary call after more than `timeout` idle: still logged in
    assert read(idle)
    # a sensitive call after more than `timeout` idle: refused (HTTP 401),
    # and the session is over
    assert _refused(lambda: sensitive('model.res.user.set_preferences',
            {})) == 'HTTP 401'
    assert _refused(lambda: read(sensitive)) in ('HTTP 401', 'HTTP 403')

    # `max_age` after the login, even a session in constant use ends
    while time.monotonic() - started < MAX_AGE - 1:
        assert read(active)
        time.sleep(1)
    time.sleep(max(0, MAX_AGE + 1 - (time.monotonic() - started)))
    for rpc in (active, idle):
        assert _refused(lambda: read(rpc)) in ('HTTP 401', 'HTTP 403')
    # a new login works
    assert read(short_sessions.rpc(clerk))
