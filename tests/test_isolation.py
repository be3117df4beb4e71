"""Cross-court isolation and sensitive fields through the other doors of
the server: exports (what the web client's 导出 calls), reports, the REST
API (user applications) — each as a real user of one court asking for the
records of another.  (Search, read, count and related-field searches are
in tests/test_rpc_mediation.py.)"""
import base64
import json
import urllib.error
import urllib.request

import pytest

from court_tools import testdb

COURT = '410302'    # 洛阳市老城区人民法院
OTHER = '410303'    # 洛阳市西工区人民法院
CITY = '4103'
CASE = 'court.mediation.case'
_denied = testdb.denied


@pytest.fixture(scope='module')
def courts(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        return ids[0]
    info = {'court': court(COURT), 'other': court(OTHER)}
    info['court_cases'] = admin.model(CASE, 'search', [
            ('company', '=', info['court']), ('state', '=', 'succeeded')],
        0, 20, None)
    info['other_cases'] = admin.model(CASE, 'search', [
            ('company', '=', info['other']), ('number', '!=', None)],
        0, 20, None)
    assert info['court_cases'] and info['other_cases']
    return info


@pytest.mark.parametrize('role', ['filing', 'leader', 'petition'])
def test_export_other_court(sessions, courts, role):
    "export_data (导出) of another court's cases is refused"
    rpc = sessions(role, OTHER)
    theirs = courts['court_cases'][:5]
    assert _denied(lambda: rpc.model(
            CASE, 'export_data', theirs, ['number', 'facts']))
    # their own court's: exported
    rows = rpc.model(CASE, 'export_data', courts['other_cases'][:5],
        ['number', 'company/rec_name'])
    assert len(rows) == 5 and all(r[0] for r in rows)


def test_export_domain_other_court(sessions, courts):
    "export_data_domain (export of a whole search) stays in the court"
    rpc = sessions('filing', OTHER)
    rows = rpc.model(CASE, 'export_data_domain', [], ['company'], 0, None,
        None)
    assert rows and {r[0] for r in rows} == {'洛阳市西工区人民法院'}


def test_export_sensitive_fields(sessions, admin):
    "A mediator exporting its cases cannot take the parties' ID numbers"
    rpc = sessions('mediator')
    own = rpc.model(CASE, 'search', [], 0, 5, None)
    assert own
    assert rpc.model(CASE, 'export_data', own, ['parties/party/name'])
    assert _denied(lambda: rpc.model(
            CASE, 'export_data', own, ['parties/party/id_number']))
    # mediators call the parties: the mobile numbers are theirs to read
    assert rpc.model(CASE, 'export_data', own, ['parties/party/mobile_number'])


def test_report_other_court(sessions, courts):
    "The agreement of another court's case is not printed"
    rpc = sessions('filing', OTHER)
    assert _denied(lambda: rpc(
            'report.court.mediation.case.agreement.execute',
            courts['court_cases'][:1], {}))


@pytest.fixture(scope='module')
def rest_key(admin, server):
    "A validated REST application key of the other court's filing officer"
    user, = admin.model('res.user', 'search', [
            ('login', '=', f'filing_{OTHER}')], 0, 1, None)
    application, = admin.model('res.user.application', 'create', [{
                'user': user, 'application': 'rest', 'state': 'validated'}])
    key, = admin.model('res.user.application', 'read', [application],
        ['key'])
    yield key['key']
    admin.model('res.user.application', 'delete', [application])


def _rest(server, key, path):
    request = urllib.request.Request(
        f'{server.url}/{server.database}/rest/{path}', headers={
            'Authorization': f'Bearer {key}',
            'X-Tryton-Context': base64.urlsafe_b64encode(json.dumps(
                    {'company': None}).encode()).decode(),
            })
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def test_rest_other_court(server, courts, rest_key):
    "The REST API answers under the same rules as the web client"
    status, rows = _rest(server, rest_key,
        f'model/{CASE}?f=company&s=1000')
    assert status == 200, status
    assert rows and {r['company'] for r in rows} == {courts['other']}
    for case in courts['court_cases'][:3]:
        status, _ = _rest(server, rest_key, f'model/{CASE}/{case}')
        assert status in (403, 404), status
    # the other court's own case is served
    status, row = _rest(server, rest_key,
        f'model/{CASE}/{courts["other_cases"][0]}?f=number')
    assert status == 200 and row['number']


def test_rest_needs_a_key(server, courts):
    status, _ = _rest(server, 'not-a-key', f'model/{CASE}')
    assert status == 401
