"""The REST API of the court_* models (issue 9, Integration): the OpenAPI
document generated from the models validates and names every court_*
model."""
import json
import subprocess
import sys

import pytest

from court_tools import testdb

COURT = '410302'    # 洛阳市老城区人民法院: the key's user
OTHER = '410303'    # 洛阳市西工区人民法院
CASE = 'court.mediation.case'
DOC = testdb.ROOT / 'doc' / 'openapi.json'


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
    assert document['components']['securitySchemes']['bearerKey'] == {
        'type': 'http', 'scheme': 'bearer',
        'description': document['components']['securitySchemes'][
            'bearerKey']['description']}


def test_openapi_committed_document(document):
    "doc/openapi.json is the generated one (regenerate it: doc/api.md)"
    committed = json.loads(DOC.read_text())
    for doc in (committed, document):
        doc.pop('servers')
    assert committed == document, (
        "doc/openapi.json is stale: python -m court_tools.openapi "
        "-d court_demo -c config/demo.conf -o doc/openapi.json")
