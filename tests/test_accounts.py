"""Accounts as a court configures them (config/postgresql.conf and
multiprocess.conf): forbidden passwords (the demo ones) refused when set and
at login, a minimal length, login attempts limited, sessions expired;
and the log of who exported personal data, and when."""
import time

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

FORBIDDEN = testdb.ROOT / 'config' / 'forbidden-passwords.txt'
GOOD_PASSWORD = 'Xq7-Court-Tree-91'


@pytest.fixture(scope='module')
def production(demo_db):
    "The demo database served with the production account settings"
    with demo_db.server(extra_env={
                'TRYTOND_PASSWORD__FORBIDDEN': str(FORBIDDEN),
                'TRYTOND_PASSWORD__LENGTH': '10',
                'TRYTOND_SESSION__MAX_ATTEMPT': '5',
                'TRYTOND_SESSION__MAX_AGE': '4',
                }) as server:
        yield server


def _login_error(server, login, password):
    try:
        server.rpc(login, password)
    except RPCError as error:
        return error
    return None


def test_demo_password_refused_outside_demo(production, server):
    # in demo mode (the session's server, config/demo.conf) it opens
    assert server.rpc('clerk_410302', testdb.DEMO_PASSWORD).user_id
    # with the production settings, the same user and password do not
    error = _login_error(production, 'clerk_410302', testdb.DEMO_PASSWORD)
    assert error is not None


@pytest.fixture(scope='module')
def account(admin):
    "A user of its own, so that failed logins do not block demo users"
    court, = admin.model('company.company', 'search',
        [('division_code', '=', '410302')], 0, 1, None)
    user, = admin.model('res.user', 'create', [{
                'name': '账户测试', 'login': 'account_test',
                'password': GOOD_PASSWORD,
                'companies': [('add', [court])], 'company': court}])
    yield user
    admin.model('res.user', 'write', [user], {'active': False})


def test_password_rules_when_set(production, account):
    admin = production.rpc('admin', testdb.ADMIN_PASSWORD)
    for password, word in [
            (testdb.DEMO_PASSWORD, '禁止'),     # forbidden list
            ('Ab-3', '10'),                     # too short
            ]:
        with pytest.raises(RPCError) as error:
            admin.model('res.user', 'write', [account],
                {'password': password})
        assert word in error.value.message, error.value.message
    # the good one still opens a session
    assert production.rpc('account_test', GOOD_PASSWORD).user_id


def test_session_expires(production, account):
    "A session ends max_age after the login (a working day in production)"
    rpc = production.rpc('account_test', GOOD_PASSWORD)
    assert rpc.model('res.user', 'read', [account], ['name'])
    time.sleep(6)
    with pytest.raises(RPCError) as error:
        rpc.model('res.user', 'read', [account], ['name'])
    assert error.value.code in ('HTTP 401', 'HTTP 403'), error.value


def test_login_attempts_limited(production, account):
    for _ in range(6):
        assert _login_error(production, 'account_test', 'wrong-password')
    # blocked now, even with the right password
    error = _login_error(production, 'account_test', GOOD_PASSWORD)
    assert error is not None and error.code == 'HTTP 429', error


def test_exports_of_personal_data_logged(sessions, admin):
    clerk = sessions('clerk')
    cases = clerk.model('court.mediation.case', 'search', [], 0, 3, None)
    before = admin.model('court.export.log', 'search_count', [])
    # names only: not personal data in the log's sense
    clerk.model('court.mediation.case', 'export_data', cases,
        ['number', 'parties/party/name'])
    assert admin.model('court.export.log', 'search_count', []) == before
    clerk.model('court.mediation.case', 'export_data', cases,
        ['number', 'parties/party/id_number'])
    logs = admin.model('court.export.log', 'search_read', [], 0, 1, None,
        ['user', 'model', 'sensitive', 'records', 'record_ids', 'date'])
    assert admin.model('court.export.log', 'search_count', []) == before + 1
    log, = logs
    assert log['user'] == clerk.user_id
    assert log['model'] == 'court.mediation.case'
    assert log['sensitive'] == 'parties/party/id_number'
    assert log['records'] == len(cases)
    assert sorted(map(int, log['record_ids'].split())) == sorted(cases)
    # the clerk does not read the log; the court administrator does
    with pytest.raises(RPCError):
        clerk.model('court.export.log', 'search', [], 0, 1, None)
