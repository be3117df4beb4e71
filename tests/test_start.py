"""The README's first command, as a newcomer runs it: ``./court start``
installs what is missing, creates the SQLite demo database on its first
run, prints the address and a demo login per role, and serves the web
client; run again, it reuses the database. (SQLite only: the command is
the embedded first run; its own database, so a running demo is left
alone.)"""
import contextlib
import os
import sqlite3
import subprocess
import threading
import time
import urllib.request

import pytest

from court_tools import demo as demo_tool
from court_tools import testdb

pytestmark = pytest.mark.skipif(
    os.environ.get('TRYTOND_DATABASE_URI', '').startswith('postgresql'),
    reason="./court start is the SQLite first run")

DB = 'court_start_test'
COURT = '410302'


@contextlib.contextmanager
def _start(port):
    env = dict(os.environ, COURT_DB=DB,
        TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}')
    for name in ['TRYTOND_DATABASE_URI', 'TRYTOND_DATABASE__PATH',
            'TRYTOND_CONFIG', 'TRYTONPASSFILE', 'DB_NAME']:
        env.pop(name, None)
    process = subprocess.Popen([str(testdb.ROOT / 'court'), 'start'],
        env=env, cwd=testdb.ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        yield process
    finally:
        testdb.stop_group(process)


def _printout(process, timeout=1500):
    "What the command prints before the server starts"
    lines = []
    deadline = time.time() + timeout
    for line in process.stdout:
        lines.append(line.rstrip('\n'))
        if "every court's logins" in line or time.time() > deadline:
            break
    # the server's log: read on, so that it never blocks on a full pipe
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return lines


def _wait(port, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f'http://127.0.0.1:{port}/', timeout=5)
            return True
        except OSError:
            time.sleep(0.5)
    return False


def _fingerprint(path):
    "The demo's people and cases, as a seed makes them"
    with contextlib.closing(sqlite3.connect(path)) as connection:
        parties = connection.execute('SELECT name, id_number FROM '
            'party_party ORDER BY name, id_number').fetchall()
        cases = connection.execute('SELECT state, COUNT(*) FROM '
            'court_mediation_case GROUP BY state ORDER BY state').fetchall()
        petitions = connection.execute(
            'SELECT COUNT(*) FROM court_petition').fetchall()
    return parties, cases, petitions


def test_court_start(demo_db):
    port = testdb.free_port()
    with _start(port) as process:
        printout = _printout(process)
        text = '\n'.join(printout)
        assert f'http://127.0.0.1:{port}/' in text, text
        assert _wait(port), text
        # one demo login per role of the first basic court, and they work
        for role in demo_tool.BASIC_ROLES:
            assert f'{role}_{COURT}' in text, (role, text)
        assert 'demo: ' not in text.split('演示用户密码')[1], text
        rpc = testdb.RPC(f'http://127.0.0.1:{port}', DB, f'clerk_{COURT}',
            testdb.DEMO_PASSWORD)
        assert rpc.user_id
        # the clerk's menus, in Chinese
        menus = rpc.model('ir.ui.menu', 'search_read', [], 0, None, None,
            ['name'])
        assert any(m['name'] == '法院' for m in menus), menus
        assert any('调解' in m['name'] for m in menus), menus
    created = 'creating the demo database' in text
    logins = (testdb.ROOT / 'var' / 'db' / f'{DB}.logins.txt').read_text()
    assert all(len(line.split('\t')) == 3
        for line in logins.splitlines()), logins[:500]
    # run again: the database is reused
    port = testdb.free_port()
    with _start(port) as process:
        again = '\n'.join(_printout(process, timeout=600))
        assert _wait(port), again
        assert 'creating the demo database' not in again, again
    # built today from the same seed as the tests' demo database (its
    # cached copy, as the generator left it: the session's copy has been
    # written by the tests before this one): the same people, cases and
    # petitions, the generator is deterministic
    pristine = testdb.CACHE / f'demo-{testdb.addons_hash()}.sqlite'
    if created and pristine.exists():
        theirs = testdb.ROOT / 'var' / 'db' / f'{DB}.sqlite'
        assert _fingerprint(pristine) == _fingerprint(theirs)
    elif created:
        pytest.skip("no cached demo to compare with")
