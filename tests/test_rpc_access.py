"""Access of every role to the court_base models, checked from the outside:
a real trytond process, JSON-RPC, each demo user logged in with its own
password (not as admin, not in-process)."""
import pytest

from court_tools.testdb import RPCError

COURT = '410302'   # 洛阳市老城区人民法院, the first basic court of the demo
CITY = '4103'      # 洛阳市中级人民法院

# login -> rights on each model: r(ead) w(rite) c(reate) d(elete)
WRITERS = {'clerk', 'filing', 'petition', 'roster', 'judge'}
MATRIX = {
    'party.party': {
        role: ('rwc' if role in WRITERS else 'r')
        for role in ['clerk', 'mediator', 'filing', 'judge', 'petition',
            'leader', 'roster', 'scoring']},
    'court.dispute.type': {role: 'r' for role in [
            'clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
            'roster', 'scoring']},
    'court.number.kind': {role: 'r' for role in [
            'clerk', 'mediator', 'leader', 'scoring']},
    'court.number.counter': {role: '' for role in [
            'clerk', 'mediator', 'leader', 'scoring']},
    'court.calendar.day': {role: 'r' for role in [
            'clerk', 'leader', 'scoring']},
    }
# who may read the sensitive party fields
ID_READERS = {'clerk', 'filing', 'judge', 'petition', 'roster'}
MOBILE_READERS = ID_READERS | {'mediator'}

def _valid_id(prefix):
    from trytond.modules.court_base.validators import (
        id_number_check_character)
    return prefix + id_number_check_character(prefix)


def _denied(call):
    try:
        call()
    except RPCError as error:
        return error
    return None



@pytest.mark.parametrize('model,role,rights', [
        (model, role, rights)
        for model, roles in MATRIX.items()
        for role, rights in roles.items()])
def test_model_access(sessions, admin, model, role, rights):
    rpc = sessions(role)
    # read
    error = _denied(lambda: rpc.model(model, 'search', [], 0, 5, None))
    assert (error is None) == ('r' in rights), (model, role, error)
    if model != 'party.party':
        return
    # create / write / delete on a party of its own
    values = {'name': f'测试{role}', 'party_kind': 'person'}
    error = _denied(lambda: rpc.model(model, 'create', [values]))
    assert (error is None) == ('c' in rights), (role, error)
    ids = admin.model(model, 'search', [('name', '=', f'测试{role}')],
        0, None, None)
    if not ids:
        ids = admin.model(model, 'create', [values])
    error = _denied(lambda: rpc.model(
            model, 'write', ids, {'name': f'测试{role}改'}))
    assert (error is None) == ('w' in rights), (role, error)
    error = _denied(lambda: rpc.model(model, 'delete', ids))
    assert error is not None, "no court role deletes parties"


@pytest.mark.parametrize('role', [
        'clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
        'roster', 'scoring'])
def test_sensitive_fields(sessions, role):
    rpc = sessions(role)
    ids = rpc.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 1, None)
    assert ids
    for field, readers in [
            ('id_number', ID_READERS), ('birth_date', ID_READERS),
            ('mobile_number', MOBILE_READERS)]:
        error = _denied(lambda: rpc.model(
                'party.party', 'read', ids, [field]))
        assert (error is None) == (role in readers), (role, field, error)
        # nor can it be searched on
        if role not in readers and field != 'birth_date':
            assert _denied(lambda: rpc.model('party.party', 'search',
                    [(field, '!=', None)], 0, 1, None)) is not None
    # the rest of the party stays readable
    assert rpc.model('party.party', 'read', ids, ['name'])[0]['name']


@pytest.mark.parametrize('role', [
        'clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
        'roster', 'scoring'])
def test_party_found_by_number(sessions, admin, role):
    "At intake a party is found by ID or mobile number, by who may read it"
    rpc = sessions(role)
    party, = admin.model('party.party', 'search_read', [
            ('party_kind', '=', 'person'), ('id_number', '!=', None),
            ('mobile_number', '!=', None)], 0, 1, [('id', 'ASC')],
        ['name', 'id_number', 'mobile_number'])
    for field, readers in [('id_number', ID_READERS),
            ('mobile_number', MOBILE_READERS)]:
        number = party[field]
        for clause in [('rec_name', 'ilike', f'%{number}%'),
                ('rec_name', '=', number.lower())]:
            found = rpc.model('party.party', 'search', [clause], 0, None,
                None)
            assert (party['id'] in found) == (role in readers), (
                role, field, clause)
        # the autocompletion of a party field
        names = [r['id'] for r in rpc.model('party.party', 'autocomplete',
                number, [], 10)]
        assert (party['id'] in names) == (role in readers), (role, field)
    # by name, for every role
    assert party['id'] in rpc.model('party.party', 'search', [
            ('rec_name', 'ilike', f"%{party['name']}%")], 0, None, None)


def test_superior_supervisor(sessions):
    rpc = sessions('supervisor', CITY)
    ids = rpc.model('party.party', 'search', [], 0, 1, None)
    assert _denied(lambda: rpc.model(
            'party.party', 'read', ids, ['id_number'])) is not None
    assert _denied(lambda: rpc.model(
            'court.dispute.type', 'create',
            [{'name': 'x', 'code': 'x'}])) is not None


def test_invalid_party_refused_in_chinese(sessions, admin):
    rpc = sessions('clerk')
    before = admin.model('party.party', 'search_count', [])
    for values, words in [
            ({'name': '李四', 'id_number': '110105194912310021'},
                '居民身份证号码'),
            ({'name': '李四', 'mobile_number': '12345'}, '手机号码'),
            ({'name': '某公司', 'party_kind': 'organisation',
                    'credit_code': '91110108551385082A'},
                '统一社会信用代码'),
            ]:
        error = _denied(lambda: rpc.model('party.party', 'create', [values]))
        assert error is not None, values
        assert error.code == 'UserError', error.error
        assert words in error.message, error.message
    assert admin.model('party.party', 'search_count', []) == before


def test_one_party_per_id_number(sessions, admin):
    rpc = sessions('clerk')
    number = _valid_id('41030219750505111')
    rpc.model('party.party', 'create', [{'name': '周八', 'id_number': number}])
    error = _denied(lambda: rpc.model('party.party', 'create', [
                {'name': '周八（重复）', 'id_number': number.lower()}]))
    assert error is not None and '已' in error.message, error
    assert admin.model('party.party', 'search_count',
        [('id_number', '=', number)]) == 1


def test_users_see_their_court(sessions):
    for role in ['clerk', 'leader']:
        rpc = sessions(role)
        prefs = rpc('model.res.user.get_preferences', False)
        companies = rpc.model('company.company', 'read',
            prefs['companies'], ['court_code'])
        assert [c['court_code'] for c in companies] == ['豫0302']


@pytest.mark.parametrize('role', [
        'clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
        'roster', 'scoring'])
def test_contact_mechanisms(sessions, admin, role):
    """Phone numbers kept as contact mechanisms are as hidden as the
    party's mobile number: a role that may not read it reads neither the
    mechanisms nor the party's phone and e-mail fields built on them"""
    rpc = sessions(role)
    party = admin.model('party.party', 'search', [
            ('party_kind', '=', 'person'), ('name', '=', '测试联系方式')],
        0, 1, None)
    if not party:
        party = admin.model('party.party', 'create', [{
                    'name': '测试联系方式', 'party_kind': 'person',
                    'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '0379-63912345'},
                                ])]}])
    reader = role in MOBILE_READERS
    error = _denied(lambda: rpc.model('party.contact_mechanism', 'search',
            [('party', '=', party[0])], 0, None, None))
    assert (error is None) == reader, (role, error)
    for field in ['phone', 'contact_mechanisms']:
        error = _denied(lambda: rpc.model('party.party', 'read', party,
                [field]))
        if error is None and not reader:
            value = rpc.model('party.party', 'read', party, [field])[0]
            assert not value.get(field), (role, field, value)
        if reader:
            assert error is None, (role, field, error)


def test_contact_mechanism_mobile_checked(sessions, admin):
    "A bad mobile number is refused as a contact mechanism too"
    clerk = sessions('clerk')
    party, = clerk.model('party.party', 'create', [{
                'name': '测试手机号', 'party_kind': 'person'}])
    error = _denied(lambda: clerk.model('party.contact_mechanism', 'create',
            [{'party': party, 'type': 'mobile', 'value': '12345'}]))
    assert error is not None and '手机号' in error.message, error
    assert not admin.model('party.contact_mechanism', 'search',
        [('party', '=', party)], 0, None, None)
    clerk.model('party.contact_mechanism', 'create',
        [{'party': party, 'type': 'mobile', 'value': '13912345678'}])
