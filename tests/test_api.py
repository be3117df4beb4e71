"""The REST API of the court_* models (issue 9, Integration): the OpenAPI
document generated from the models validates, names every court_* model
and describes routes the server really has; the example client, run as an
outside system would run it, works with a key issued as doc/api.md says,
and the key's user sees its court only."""
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from court_tools import api_client_example, openapi, testdb

COURT = '410302'    # 洛阳市老城区人民法院: the key's user
OTHER = '410303'    # 洛阳市西工区人民法院
CASE = 'court.mediation.case'
DOC = testdb.ROOT / 'doc' / 'openapi.json'
EXAMPLE = testdb.ROOT / 'court_tools' / 'api_client_example.py'


@pytest.fixture(scope='module')
def document(demo_db, tmp_path_factory):
    "The document generated from the test database by the command"
    output = tmp_path_factory.mktemp('openapi') / 'openapi.json'
    subprocess.run([sys.executable, '-m', 'court_tools.openapi',
            '-d', demo_db.name, '-c', demo_db.env['TRYTOND_CONFIG'],
            '-o', str(output)], env=demo_db.env, cwd=testdb.ROOT,
        check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return json.loads(output.read_text())


def test_openapi_document_validates(document):
    from openapi_spec_validator import validate
    validate(document)
    # and the validator does refuse a broken document
    broken = json.loads(json.dumps(document))
    broken['paths']['/rest/model/court.mediation.case']['get'][
        'responses']['200']['content']['application/json']['schema'] = {
        '$ref': '#/components/schemas/no.such.model'}
    with pytest.raises(Exception):
        validate(broken)


def test_openapi_every_court_model(document, admin):
    "Every court_* model with records has its schema and its routes"
    models = admin.model('ir.model', 'search_read',
        [('module', 'like', 'court_%')], 0, None, None, ['name'])
    assert len(models) > 40
    schemas = document['components']['schemas']
    missing = []
    for model in (m['name'] for m in models):
        if model in schemas:
            assert f'/rest/model/{model}' in document['paths'], model
            assert f'/rest/model/{model}/{{id}}' in document['paths'], model
        else:
            missing.append(model)
    # the ones left out are the forms of wizards: no records, no search
    for model in missing:
        with pytest.raises(testdb.RPCError):
            admin.model(model, 'search', [], 0, 1, None)
    assert CASE in schemas and 'court.mediation.case.party' in schemas


def test_openapi_case_schema(document, admin):
    "The schema is fields_get's: types, selection, relation, both labels"
    fields = admin.model(CASE, 'fields_get', None)
    case = document['components']['schemas'][CASE]['properties']
    assert set(fields) <= set(case)
    state = case['state']
    assert state['enum'] == [v for v, _ in fields['state']['selection']]
    assert state['readOnly'] and '调解成功' in state['description'] \
        and 'Succeeded' in state['description']
    assert case['dispute_type']['x-tryton-relation'] == 'court.dispute.type'
    assert case['received_date']['allOf'] == [
        {'$ref': '#/components/schemas/Date'}]
    assert 'Dispute Type / 案由' in case['dispute_type']['description']
    register = document['paths'][
        f'/rest/model/{CASE}/{{id}}/register']['post']
    assert '登记' in register['summary'] and register['x-tryton-groups']
    # the key as trytond reads it: Bearer, or Basic with it as password
    schemes = document['components']['securitySchemes']
    assert {(s['type'], s['scheme']) for s in schemes.values()} == {
        ('http', 'bearer'), ('http', 'basic')}
    assert sorted(name for alternative in document['security']
        for name in alternative) == sorted(schemes)


def test_openapi_committed_document(document):
    "doc/openapi.json is the generated one (regenerate it: doc/api.md)"
    committed = json.loads(DOC.read_text())
    for doc in (committed, document):
        doc.pop('servers')
    assert committed == document, (
        "doc/openapi.json is stale: regenerate it from the demo database "
        "(doc/api.md, 'The OpenAPI document')")


@pytest.fixture(scope='module')
def users(admin):
    def user(login):
        found = admin.model('res.user', 'search', [('login', '=', login)],
            0, 1, None)
        return found[0]
    return {'court': user(f'filing_{COURT}')}


def _request_key(server, login):
    "Ask for a key as an outside system does: POST /<db>/user/application/"
    request = urllib.request.Request(
        f'{server.url}/{server.database}/user/application/',
        data=json.dumps({'user': login, 'application': 'rest'}).encode(),
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _example(server, key, *args):
    "The example client as a plain script, with the standard library only"
    return subprocess.run([sys.executable, '-I', '-S', str(EXAMPLE),
            '--url', server.url, '--database', server.database, *args],
        env={'COURT_API_KEY': key, 'PATH': '/usr/bin:/bin'},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        timeout=120)


@pytest.fixture(scope='module')
def api_key(server, admin, users):
    "A key asked for by the outside system, validated by the administrator"
    key = _request_key(server, f'filing_{COURT}')
    application, = admin.model('res.user.application', 'search', [
            ('key', '=', key)], 0, None, None)
    found, = admin.model('res.user.application', 'read', [application],
        ['state', 'user', 'application'])
    assert (found['state'], found['user'], found['application']) == (
        'requested', users['court'], 'rest')
    # not usable before it is validated
    result = _example(server, key)
    assert result.returncode == 1 and 'HTTP 401' in result.stderr, result
    admin.model('res.user.application', 'validate_', [application])
    yield key, application
    admin.model('res.user.application', 'delete', [application])


def test_api_example_client(server, admin, api_key):
    key, _ = api_key
    court, = admin.model('company.company', 'search', [
            ('division_code', '=', COURT)], 0, 1, None)
    visible = set(admin.model(CASE, 'search', [
                ('company', 'child_of', [court], 'superior')],
            0, None, None))
    result = _example(server, key, '--limit', '1000')
    assert result.returncode == 0, result.stderr
    lines = [line.split('\t') for line in result.stdout.splitlines()]
    kinds = [line[0] for line in lines]
    assert kinds[0] == 'court' and lines[0][1:] == [
        str(court), '洛阳市老城区人民法院']
    listed = {int(line[1]) for line in lines if line[0] == 'case'}
    assert ['listed', str(len(listed))] in lines
    # the court's cases, and its tribunals', all of them and no other
    assert listed == visible and len(listed) > 50
    created, = [int(line[1]) for line in lines if line[0] == 'created']
    try:
        assert created not in visible
        case, = admin.model(CASE, 'read', [created],
            ['state', 'company', 'source', 'facts', 'dispute_type'])
        assert (case['state'], case['company'], case['source']) == (
            'draft', court, 'online')
        read, = [line for line in lines if line[0] == 'read']
        assert read[1:3] == [str(created), 'draft']
        assert read[-1] == case['facts'] == '外部系统提交：邻里排水纠纷（API 示例）'
        assert read[3] == testdb.court_today().isoformat()
    finally:
        # a draft is deleted by its court's filing officer (the
        # administrator has no access to cases)
        api_client_example.Client(server.url, server.database, key).call(
            'DELETE', f'model/{CASE}/{created}')
    assert not admin.model(CASE, 'search', [('id', '=', created)],
        0, None, None)


def test_api_other_court_invisible(server, admin, api_key):
    "Another court's cases: not listed, not read, not written, not pressed"
    key, _ = api_key
    other, = admin.model('company.company', 'search', [
            ('division_code', '=', OTHER)], 0, 1, None)
    theirs = admin.model(CASE, 'search', [('company', '=', other)],
        0, 5, None)
    assert theirs
    client = api_client_example.Client(server.url, server.database, key)
    assert not client.search(CASE, [['company', '=', other]])
    assert not client.search(CASE, [['id', 'in', theirs]])
    for case in theirs[:3]:
        for call in (
                lambda: client.read(CASE, case, ['number']),
                lambda: client.call('PUT', f'model/{CASE}/{case}',
                    {'facts': 'x'}),
                lambda: client.call('DELETE', f'model/{CASE}/{case}'),
                lambda: client.call('POST', f'model/{CASE}/{case}/register',
                    {})):
            with pytest.raises(api_client_example.APIError) as error:
                call()
            assert error.value.status in (403, 404), error.value
    # nor created for it
    client.context = {'company': other}
    with pytest.raises(api_client_example.APIError) as error:
        client.create(CASE, {'source': 'online', 'dispute_type': 1})
    assert error.value.status in (400, 403)
    assert admin.model(CASE, 'search', [('company', '=', other)],
        0, 5, None) == theirs


def _validated_key(admin, user):
    "A key made by the administrator in the user's form (应用程序 tab)"
    application, = admin.model('res.user.application', 'create', [{
                'user': user, 'application': 'rest'}])
    key, = admin.model('res.user.application', 'read', [application],
        ['key', 'state'])
    assert key['state'] == 'validated'
    return key['key'], application


def test_api_wrong_and_revoked_key(server, admin, api_key, users):
    key, _ = api_key
    for wrong in ('not-a-key', key[:-1] + ('0' if key[-1] != '0' else '1')):
        result = _example(server, wrong)
        assert result.returncode == 1 and 'HTTP 401' in result.stderr
    # revoked (取消): refused from the next request on
    other_key, application = _validated_key(admin, users['court'])
    client = api_client_example.Client(server.url, server.database,
        other_key)
    try:
        assert client.search(CASE, limit=1)
        admin.model('res.user.application', 'cancel', [application])
        result = _example(server, other_key)
        assert result.returncode == 1 and 'HTTP 401' in result.stderr
        with pytest.raises(api_client_example.APIError) as error:
            client.search(CASE, limit=1)
        assert error.value.status == 401
    finally:
        admin.model('res.user.application', 'delete', [application])
    # the first key still works
    assert api_client_example.Client(
        server.url, server.database, key).search(CASE, limit=1)


def test_openapi_routes_are_real(document, server, admin):
    """Every documented button and record method is a route of the
    server: 404 on a record that does not exist, where a method the server
    does not expose answers 403 (with the administrator's key, who may
    search every court_* model)"""
    key, application = _validated_key(admin, admin.user_id)
    client = api_client_example.Client(server.url, server.database, key)
    try:
        with pytest.raises(api_client_example.APIError) as error:
            client.call('POST', f'model/{CASE}/0/no_such_button', {})
        assert error.value.status == 403
        checked = 0
        for path in sorted(document['paths']):
            if not path.startswith('/rest/model/') or '{id}/' not in path:
                continue
            model, action = path[len('/rest/model/'):].split('/{id}/')
            with pytest.raises(api_client_example.APIError) as error:
                client.call('POST', f'model/{model}/0/{action}', {})
            assert error.value.status == 404, (path, error.value)
            checked += 1
        assert checked > 30
        # and the search route of every model
        searched = 0
        for path, item in sorted(document['paths'].items()):
            if path.count('/') == 3 and 'get' in item:
                model = path[len('/rest/model/'):]
                assert isinstance(client.search(model, limit=1), list)
                searched += 1
        assert searched == len([s for s in document['components'][
                    'schemas'] if '.' in s])
    finally:
        admin.model('res.user.application', 'delete', [application])


@pytest.fixture
def system_user(admin):
    """A dedicated user for an outside system, as doc/api.md sets one up:
    its court, one role (here 立案/诉讼服务中心工作人员, the filing
    officer: reads the court's cases and logs new ones), no password"""
    court, = admin.model('company.company', 'search', [
            ('division_code', '=', COURT)], 0, 1, None)
    group, = admin.model('res.group', 'search', [
            ('name', '=', '立案/诉讼服务中心工作人员')], 0, None, None)
    user, = admin.model('res.user', 'create', [{
                'name': '全国调解平台接口（测试）',
                'login': f'api_test_{COURT}',
                'company': court,
                'companies': [('add', [court])],
                'groups': [('add', [group])],
                }])
    yield user
    applications = admin.model('res.user.application', 'search', [
            ('user', '=', user)], 0, None, None)
    admin.model('res.user.application', 'delete', applications)
    admin.model('res.user', 'write', [user], {'active': False})


def test_api_system_user_revoked(server, admin, system_user):
    "The key of a system's user: cancelled, or its user deactivated: 401"
    key, application = _validated_key(admin, system_user)
    client = api_client_example.Client(server.url, server.database, key)
    assert client.search(CASE, limit=1)
    admin.model('res.user.application', 'cancel', [application])
    with pytest.raises(api_client_example.APIError) as error:
        client.search(CASE, limit=1)
    assert error.value.status == 401
    key, application = _validated_key(admin, system_user)
    client = api_client_example.Client(server.url, server.database, key)
    assert client.search(CASE, limit=1)
    # deactivating the user ends its keys (court_base: trytond 8.0 kept
    # them working)
    admin.model('res.user', 'write', [system_user], {'active': False})
    with pytest.raises(api_client_example.APIError) as error:
        client.search(CASE, limit=1)
    assert error.value.status == 401
    admin.model('res.user', 'write', [system_user], {'active': True})
    assert client.search(CASE, limit=1)
