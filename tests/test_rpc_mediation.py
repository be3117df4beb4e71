"""Access of every demo role to the mediation cases and the roster, checked
from the outside: a real trytond process, JSON-RPC, each demo user logged in
with its own password.

The expectations below are read from addons/court_mediation/case.xml and
roster.xml (ir.model.access, ir.rule, ir.model.button groups), with the
group inheritance of court_base/res.xml: a filing officer is also a station
clerk, a superior-court supervisor is also a court leader, everyone is a
court user."""
import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

COURT = '410302'    # 洛阳市老城区人民法院
OTHER = '410303'    # 洛阳市西工区人民法院, same city
CITY = '4103'       # 洛阳市中级人民法院
CASE = 'court.mediation.case'
MEDIATOR = 'court.mediator'
BASIC_ROLES = ['clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
    'roster', 'scoring']
ALL_ROLES = [(r, COURT) for r in BASIC_ROLES] + [('supervisor', CITY)]

# ir.model.access: r(ead) w(rite) c(reate) d(elete)
CASE_ACCESS = {
    'clerk': 'rwcd',        # access_case_station_clerk
    'mediator': 'rw',       # access_case_mediator
    'filing': 'rwcd',       # access_case_filing_officer + inherited clerk
    'judge': 'rw',
    'petition': 'r',
    'leader': 'r',
    'roster': 'r',
    'scoring': 'r',
    'supervisor': 'r',      # inherited from court leader
    }
MEDIATOR_ACCESS = {role: 'r' for role, _ in ALL_ROLES}
MEDIATOR_ACCESS['roster'] = 'rwc'   # nobody deletes a mediator

# ir.rule: which cases each role sees
#   station: its stations' cases (or the cases it created), in its court
#   own:     the cases whose mediator is linked to the user
#   court:   all the cases of its court
#   city:    all the cases of the courts under its intermediate court
CASE_SCOPE = {
    'clerk': 'station', 'mediator': 'own', 'filing': 'court',
    'judge': 'court', 'petition': 'court', 'leader': 'court',
    'roster': 'court', 'scoring': 'court', 'supervisor': 'city',
    }

# ir.model.button-res.group (with inheritance): who may press what
CASE_BUTTONS = {
    'register': {'clerk', 'filing'},
    'assign': {'filing'},
    'reassign': {'filing'},
    'refuse': {'filing'},
    'extend': {'filing', 'mediator'},
    'succeed': {'filing', 'mediator'},
    'fail': {'filing', 'mediator'},
    'withdraw': {'filing', 'mediator', 'clerk'},
    'transfer': {'filing'},
    'cancel': {'filing', 'clerk'},
    }
MEDIATOR_BUTTONS = {
    'activate': {'roster'},
    'suspend': {'roster'},
    'remove': {'roster'},
    'renew': {'roster'},
    }

# the messages of access errors (zh_CN and the untranslated ones)
ACCESS_DENIED = re.compile(
    r'不允许在 .* 上点击按钮|没有访问|没有权限|不允许(读取|写入|删除)模型'
    r'|没有运行向导程序 .* 的权限|You are not allowed|is not allowed')


def _date(value):
    "A date of JSON-RPC"
    return dt.date(value['year'], value['month'], value['day'])


def _json_date(date):
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _denied(error):
    return error is not None and bool(ACCESS_DENIED.search(error.message))



@pytest.fixture(scope='module')
def demo(admin):
    "What the demo holds, seen by the administrator"
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1, division
        return ids[0]

    def cases(domain):
        return set(admin.model(CASE, 'search', domain, 0, None, None))

    info = {
        'court': court(COURT), 'other': court(OTHER), 'city': court(CITY)}
    info['stations'] = admin.model('court.station', 'search',
        [('users.login', '=', f'clerk_{COURT}')], 0, None, None)
    # a court's cases are its own and those of its people's tribunals
    # (the grid demo logs disputes in townships a tribunal serves)
    info['court_cases'] = cases([('company', 'child_of', [info['court']],
                'superior')])
    info['other_cases'] = cases([('company', 'child_of', [info['other']],
                'superior')])
    info['city_cases'] = cases([('company', 'child_of', [info['city']],
                'superior')])
    info['station_cases'] = cases([('company', '=', info['court']),
            ('station', 'in', info['stations'])])
    info['own_cases'] = cases([('mediator.user.login', '=',
                f'mediator_{COURT}')])
    info['mediators'] = set(admin.model(MEDIATOR, 'search',
            [('company', '=', info['city'])], 0, None, None))
    info['window'], = admin.model('court.station', 'search', [
            ('company', '=', info['court']), ('kind', '=', 'court_window')],
        0, None, None)
    info['dispute_type'], = admin.model('court.dispute.type', 'search',
        [('code', '=', 'neighbour')], 0, None, None)
    return info


def test_demo_data(demo, admin):
    "The demo holds a year of cases for every court, a roster, stations"
    assert len(demo['court_cases']) >= 200
    assert len(demo['other_cases']) >= 200
    assert demo['court_cases'] | demo['other_cases'] <= demo['city_cases']
    assert len(demo['stations']) == 1, "the demo clerk keeps one station"
    assert 0 < len(demo['station_cases']) < len(demo['court_cases'])
    assert 0 < len(demo['own_cases']) < len(demo['court_cases'])
    assert len(demo['mediators']) >= 30
    # the shares are those of the cases the demo made (user 0): the tests
    # sharing this database register cases of their own (on PostgreSQL,
    # test_numbering_concurrency runs before this module)
    made = set(admin.model(CASE, 'search', [
                ('id', 'in', sorted(demo['court_cases'])),
                ('create_uid', '=', 0)], 0, None, None))
    assert len(made) >= 200
    states = {}
    for row in admin.model(CASE, 'read', sorted(demo['court_cases']),
            ['state', 'number', 'received_date', 'accepted_date',
                'deadline', 'concluded_date']):
        if row['id'] in made:
            states[row['state']] = states.get(row['state'], 0) + 1
        if row['state'] != 'draft':
            assert re.fullmatch(r'\(\d{4}\)豫0302诉前调\d+号', row['number'])
            assert row['accepted_date'] == row['received_date']
            assert _date(row['deadline']) > _date(row['accepted_date'])
        if row['concluded_date']:
            assert (_date(row['received_date'])
                <= _date(row['concluded_date']) <= testdb.court_today())
    total = sum(states.values())
    assert 0.45 < states['succeeded'] / total < 0.7, states
    assert states.get('mediating') and states.get('registered'), states
    numbers = admin.model(CASE, 'search_count', [
            ('company', '=', demo['court']), ('number', '!=', None)])
    counters = admin.model('court.number.counter', 'search_read', [
            ('company', '=', demo['court']),
            ('kind.code', '=', 'mediation')], 0, None, None, ['last'])
    assert sum(c['last'] for c in counters) == numbers


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_case_read(sessions, demo, role, court):
    rpc = sessions(role, court)
    ids = set(rpc.model(CASE, 'search', [], 0, None, None))
    expected = {
        'station': demo['station_cases'],
        'own': demo['own_cases'],
        'court': demo['court_cases'],
        'city': demo['city_cases'],
        }[CASE_SCOPE[role]]
    assert expected <= ids, (role, len(expected), len(ids))
    # beside them, only cases created since by the tests
    assert not (ids - expected) & demo['city_cases'], role
    assert rpc.model(CASE, 'read', sorted(ids)[:10], ['number', 'state'])
    if CASE_SCOPE[role] != 'city':
        assert not ids & demo['other_cases']
    if CASE_SCOPE[role] in {'station', 'own'}:
        hidden = sorted(demo['court_cases'] - ids)[:3]
        assert _denied(_error(lambda: rpc.model(
                    CASE, 'read', hidden, ['number']))), role


def test_supervisor_sees_the_city(sessions, demo):
    rpc = sessions('supervisor', CITY)
    ids = set(rpc.model(CASE, 'search', [], 0, None, None))
    assert demo['court_cases'] | demo['other_cases'] <= ids
    companies = {r['company'] for r in rpc.model(
            CASE, 'read', sorted(ids), ['company'])}
    assert len(companies) >= 3
    # and writes nothing, presses nothing
    case = sorted(demo['court_cases'])[0]
    assert _denied(_error(lambda: rpc.model(
                CASE, 'write', [case], {'result_note': 'x'})))
    assert _denied(_error(lambda: rpc.model(CASE, 'withdraw', [case])))


def test_station_clerk_sees_its_station(sessions, demo):
    rpc = sessions('clerk')
    ids = rpc.model(CASE, 'search', [], 0, None, None)
    stations = {r['station'] for r in rpc.model(
            CASE, 'read', ids, ['station'])}
    assert stations == set(demo['stations'])


def test_mediator_sees_its_cases(sessions, demo, server):
    rpc = sessions('mediator')
    ids = rpc.model(CASE, 'search', [], 0, None, None)
    rows = rpc.model(CASE, 'read', ids, ['mediator.user'])
    assert {r['mediator.']['user'] for r in rows} == {rpc.user_id}


@pytest.mark.parametrize('role', ['clerk', 'filing'])
def test_cross_court_isolation(sessions, demo, admin, role):
    rpc = sessions(role, OTHER)
    mine = set(rpc.model(CASE, 'search', [], 0, None, None))
    assert mine and not mine & demo['court_cases']
    theirs = sorted(demo['court_cases'])[:5]
    # not by id, not by search, not through a party's name
    assert _denied(_error(lambda: rpc.model(
                CASE, 'read', theirs, ['number'])))
    assert _denied(_error(lambda: rpc.model(
                CASE, 'write', theirs[:1], {'result_note': 'x'})))
    assert _denied(_error(lambda: rpc.model(CASE, 'withdraw', theirs[:1])))
    assert not set(rpc.model(CASE, 'search',
            [('id', 'in', theirs)], 0, None, None))
    for case in admin.model(CASE, 'read', theirs, ['parties.party.name']):
        for party in case['parties.']:
            name = party['party.']['name']
            found = set(rpc.model(CASE, 'search',
                    [('parties.party.name', '=', name)], 0, None, None))
            assert not found & demo['court_cases'], name
            found = set(rpc.model(CASE, 'search',
                    [('rec_name', 'ilike', name)], 0, None, None))
            assert not found & demo['court_cases'], name


@pytest.mark.parametrize('role,court', [
        ('clerk', OTHER), ('filing', OTHER), ('mediator', COURT)])
def test_case_lines_follow_case_rules(sessions, demo, role, court):
    "The parties, assignments and sessions follow the rules of their case"
    rpc = sessions(role, court)
    visible = set(rpc.model(CASE, 'search', [], 0, None, None))
    hidden = sorted(demo['court_cases'] - visible)[:20]
    assert hidden
    for model in ['court.mediation.case.party',
            'court.mediation.case.assignment', 'court.mediation.session']:
        found = rpc.model(model, 'search', [('case', 'in', hidden)],
            0, None, None)
        assert not found, (model, len(found))


LINES = ['court.mediation.case.party', 'court.mediation.case.assignment',
    'court.mediation.session']


def _lines(admin, case):
    "What the case's lines are, as the administrator reads them"
    return {model: admin.model(model, 'search_read', [('case', '=', case)],
            0, None, [('id', 'ASC')], [])
        for model in LINES}


@pytest.mark.parametrize('role', ['clerk', 'filing', 'mediator', 'judge'])
def test_case_lines_follow_case_state(sessions, demo, admin, role):
    """The lines of a case are fixed with it: parties once it is assigned,
    sessions once it is concluded, assignments always (派案 and 改派 write
    them; no role's own access does). Refused with the case's message, nothing written; who may write
    a case may not go round it through its lines."""
    rpc = sessions(role)
    visible = rpc.model(CASE, 'search', [('state', '=', 'succeeded'),
            ('sessions', '!=', None)], 0, 1, [('id', 'ASC')])
    assert visible, role
    case = visible[0]
    before = _lines(admin, case)
    party = before['court.mediation.case.party'][0]['id']
    session = before['court.mediation.session'][0]['id']
    assignment = before['court.mediation.case.assignment'][0]['id']
    person = admin.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 1, [('id', 'DESC')])[0]
    today = _json_date(testdb.court_today())
    attempts = [
        ('court.mediation.case.party', 'create', [[{'case': case,
                        'role': 'third', 'party': person}]]),
        ('court.mediation.case.party', 'write', [[party], {'agent': '改'}]),
        ('court.mediation.case.party', 'delete', [[party]]),
        ('court.mediation.session', 'create', [[{'case': case,
                        'date': today, 'mode': 'video'}]]),
        ('court.mediation.session', 'write', [[session], {'duration': 5}]),
        ('court.mediation.session', 'delete', [[session]]),
        ('court.mediation.case.assignment', 'create', [[{'case': case,
                        'mediator': demo['mediators'] and sorted(
                            demo['mediators'])[0], 'date': today}]]),
        ('court.mediation.case.assignment', 'write', [[assignment],
                {'reason': '改'}]),
        ('court.mediation.case.assignment', 'delete', [[assignment]]),
        ]
    for model, method, args in attempts:
        error = _error(lambda: rpc.model(model, method, *args))
        assert error is not None, (role, model, method)
        if model == 'court.mediation.case.assignment':
            # no role's own access writes assignments (court_base's
            # narrowing of line models): refused as an access error
            assert _denied(error), (role, model, method, error.message)
            continue
        if CASE_ACCESS[role] == 'rw' and method in {'create', 'delete'}:
            continue    # refused by the access of the case already
        assert error.code == 'UserError' and not _denied(error), (
            role, model, method, error.message)
        assert re.search('收案信息|调解记录|流程', error.message), (
            role, model, method, error.message)
    assert _lines(admin, case) == before


def test_parties_of_a_registered_case(sessions, demo, admin):
    "Until the case is assigned, its parties are the clerk's to change"
    clerk = sessions('clerk')
    persons = admin.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 3, [('id', 'ASC')])
    case, = clerk.model(CASE, 'create', [_new_case(demo,
                source='station', station=demo['stations'][0],
                consent=True, parties=[('create', [
                            {'role': 'applicant', 'party': persons[0]},
                            {'role': 'respondent', 'party': persons[1]},
                            ])])])
    clerk.model(CASE, 'register', [case])
    line, = clerk.model('court.mediation.case.party', 'create', [{
                'case': case, 'role': 'third', 'party': persons[2]}])
    clerk.model('court.mediation.case.party', 'write', [line],
        {'agent': '近亲属'})
    clerk.model('court.mediation.case.party', 'delete', [line])
    assert len(_lines(admin, case)['court.mediation.case.party']) == 2
    # nor may a line move to a case already concluded
    concluded = clerk.model(CASE, 'search', [('state', '=', 'succeeded')],
        0, 1, None)
    assert concluded
    line = clerk.model('court.mediation.case.party', 'search', [
            ('case', '=', case)], 0, 1, None)
    error = _error(lambda: clerk.model('court.mediation.case.party',
            'write', line, {'case': concluded[0]}))
    assert error is not None and '收案信息' in error.message, error
    assert len(_lines(admin, case)['court.mediation.case.party']) == 2
    clerk.model(CASE, 'write', [case], {'cancel_reason': '测试登记'})
    clerk.model(CASE, 'cancel', [case])


def test_mediator_cannot_read_id_numbers(sessions, demo):
    rpc = sessions('mediator')
    case = sorted(demo['own_cases'])[0]
    row, = rpc.model(CASE, 'read', [case], ['parties'])
    parties = rpc.model('court.mediation.case.party', 'read',
        row['parties'], ['party', 'party.name'])
    assert all(p['party.']['name'] for p in parties)
    party_ids = [p['party'] for p in parties]
    assert _denied(_error(lambda: rpc.model(
                'party.party', 'read', party_ids, ['id_number'])))
    assert _denied(_error(lambda: rpc.model(
                'court.mediation.case.party', 'read', row['parties'],
                ['party.id_number'])))
    assert _denied(_error(lambda: rpc.model(
                CASE, 'read', [case], ['parties.party.id_number'])))
    assert _denied(_error(lambda: rpc.model(CASE, 'search',
                [('parties.party.id_number', '!=', None)], 0, 1, None)))
    # the clerk who registers the parties may
    clerk = sessions('clerk')
    case = sorted(demo['station_cases'])[0]
    assert clerk.model(CASE, 'read', [case], ['parties.party.id_number'])


NOTES_READERS = {'mediator', 'filing', 'judge'}


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_session_notes_for_who_mediates(sessions, demo, admin, role, court):
    """A session's notes are read by mediators, filing officers and judges
    only; the others see the session without them, and cannot search,
    export or write them"""
    rpc = sessions(role, court)
    ids = rpc.model('court.mediation.session', 'search', [], 0, 1,
        [('id', 'ASC')])
    assert ids, role
    row, = rpc.model('court.mediation.session', 'read', ids,
        ['date', 'mode', 'case'])
    assert row['mode'] and row['case']
    readers = role in NOTES_READERS
    logged = admin.model('court.export.log', 'search_count',
        [('user', '=', rpc.user_id)])
    for call in [
            lambda: rpc.model('court.mediation.session', 'read', ids,
                ['notes']),
            lambda: rpc.model(CASE, 'read', [row['case']],
                ['sessions.notes']),
            lambda: rpc.model('court.mediation.session', 'search',
                [('notes', 'ilike', '%调解%')], 0, 1, None),
            lambda: rpc.model('court.mediation.session', 'export_data', ids,
                ['date', 'notes']),
            lambda: rpc.model(CASE, 'export_data', [row['case']],
                ['number', 'sessions/notes']),
            ]:
        error = _error(call)
        if readers:
            assert error is None, (role, error)
        else:
            assert _denied(error), (role, error)
    # the session form leaves the field out for who may not read it
    view = rpc.model('court.mediation.session', 'fields_view_get', None,
        'form')
    assert ('notes' in view['fields']) == readers, role
    # the readers' exports of notes are logged, as personal data
    assert admin.model('court.export.log', 'search_count',
        [('user', '=', rpc.user_id)]) == logged + (2 if readers else 0)
    if not readers:
        before = admin.model('court.mediation.session', 'read', ids,
            ['notes'])
        assert _error(lambda: rpc.model('court.mediation.session', 'write',
                ids, {'notes': '改写'})) is not None
        assert admin.model('court.mediation.session', 'read', ids,
            ['notes']) == before


def number_of(rpc, case):
    return rpc.model(CASE, 'read', [case], ['number'])[0]['number']


def _new_case(demo, **values):
    return {
        'company': demo['court'],
        'source': 'window',
        'station': demo['window'],
        'received_date': _json_date(testdb.court_today()),
        'dispute_type': demo['dispute_type'],
        'facts': '测试：邻居排水纠纷',
        **values,
        }


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_case_write_create_delete(sessions, demo, admin, role, court):
    rights = CASE_ACCESS[role]
    rpc = sessions(role, court)
    # write: the value it reads, on a case it sees
    case = rpc.model(CASE, 'search', [('state', '=', 'succeeded')],
        0, 1, None)
    assert case, role
    note = rpc.model(CASE, 'read', case, ['result_note'])[0]['result_note']
    error = _error(lambda: rpc.model(
            CASE, 'write', case, {'result_note': note}))
    if 'w' in rights:
        assert error is None, (role, error)
    else:
        assert _denied(error), (role, error)
    # create: a draft case of its court
    values = _new_case(demo, facts=f'测试{role}')
    if role == 'clerk':
        values.update(source='station', station=demo['stations'][0])
    error = _error(lambda: rpc.model(CASE, 'create', [values]))
    if 'c' in rights:
        assert error is None, (role, error)
    else:
        assert _denied(error), (role, error)
    # delete: a draft case (created by the filing officer at the clerk's
    # station) and, for who may delete, not a registered one
    filing = sessions('filing')
    draft, = filing.model(CASE, 'create', [_new_case(demo,
                source='station', station=demo['stations'][0],
                facts=f'测试删除{role}')])
    error = _error(lambda: rpc.model(CASE, 'delete', [draft]))
    if 'd' in rights:
        assert error is None, (role, error)
        assert not admin.model(CASE, 'search', [('id', '=', draft)],
            0, None, None)
        registered = rpc.model(CASE, 'search',
            [('state', '=', 'succeeded')], 0, 1, None)
        error = _error(lambda: rpc.model(CASE, 'delete', registered))
        assert error is not None and not _denied(error), error
    else:
        assert _denied(error), (role, error)
        filing.model(CASE, 'delete', [draft])


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_case_buttons(sessions, demo, role, court):
    """Every button on a succeeded case: who may not press it gets an
    access error; who may gets at most a state error (nothing changes)"""
    rpc = sessions(role, court)
    case = rpc.model(CASE, 'search', [('state', '=', 'succeeded')],
        0, 1, None)
    assert case
    for button, groups in CASE_BUTTONS.items():
        error = _error(lambda: rpc.model(CASE, button, case))
        if role in groups:
            assert not _denied(error), (role, button, error)
        else:
            assert _denied(error), (role, button, error)
    state, = rpc.model(CASE, 'read', case, ['state'])
    assert state['state'] == 'succeeded'


def test_case_workflow_by_roles(sessions, demo, admin):
    """A case from intake to success, each step by the role that does it;
    the number continues the demo's counter"""
    clerk = sessions('clerk')
    filing = sessions('filing')
    mediator_rpc = sessions('mediator')
    judge = sessions('judge')
    persons = admin.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 2, None)
    case, = clerk.model(CASE, 'create', [_new_case(demo,
                source='station', station=demo['stations'][0],
                consent=True, parties=[('create', [
                            {'role': 'applicant', 'party': persons[0]},
                            {'role': 'respondent', 'party': persons[1]},
                            ])])])
    assert _denied(_error(lambda: judge.model(CASE, 'register', [case])))
    year = testdb.court_today().year
    last, = admin.model('court.number.counter', 'search_read', [
            ('company', '=', demo['court']), ('year', '=', year),
            ('kind.code', '=', 'mediation')], 0, None, None, ['last'])
    clerk.model(CASE, 'register', [case])
    row, = clerk.model(CASE, 'read', [case], ['number', 'state', 'deadline'])
    assert row['state'] == 'registered'
    assert row['number'] == f'({year})豫0302诉前调{last["last"] + 1}号'
    # the clerk may not assign, the filing officer does
    mediator, = admin.model(MEDIATOR, 'search',
        [('user.login', '=', f'mediator_{COURT}')], 0, None, None)
    assert _denied(_error(lambda: clerk.model(CASE, 'assign', [case])))
    filing.model(CASE, 'write', [case],
        {'complexity': 'simple', 'mediator': mediator})
    filing.model(CASE, 'assign', [case])
    # a text message to the mediator's mobile, kept in court.sms, which
    # only the administrator reads
    mobile = admin.model(MEDIATOR, 'read', [mediator],
        ['party.mobile_number'])[0]['party.']['mobile_number']
    sms, = admin.model('court.sms', 'search_read', [
            ('origin', '=', f'{CASE},{case}')], 0, None, None,
        ['number', 'state', 'text'])
    assert sms['number'] == mobile and sms['state'] == 'sent', sms
    assert number_of(clerk, case) in sms['text'] and '已分派给您' in sms['text']
    for rpc in [clerk, filing, mediator_rpc]:
        assert _denied(_error(lambda: rpc.model('court.sms', 'search', [],
                    0, 1, None)))
    # now the mediator sees it and holds a session
    assert case in mediator_rpc.model(CASE, 'search', [], 0, None, None)
    mediator_rpc.model('court.mediation.session', 'create', [{
                'case': case, 'date': _json_date(testdb.court_today()),
                'mode': 'video', 'duration': 60}])
    assert mediator_rpc.model(CASE, 'read', [case],
        ['state'])[0]['state'] == 'mediating'
    assert _denied(_error(lambda: judge.model(CASE, 'succeed', [case])))
    mediator_rpc.model(CASE, 'write', [case],
        {'agreement': '双方自愿和解。', 'performance': 'voluntary'})
    mediator_rpc.model(CASE, 'succeed', [case])
    row, = admin.model(CASE, 'read', [case], ['state', 'concluded_date'])
    assert row['state'] == 'succeeded' and row['concluded_date']


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_mediator_access(sessions, demo, admin, role, court):
    rights = MEDIATOR_ACCESS[role]
    rpc = sessions(role, court)
    # the whole city roster is shared with the courts below
    ids = set(rpc.model(MEDIATOR, 'search', [], 0, None, None))
    assert demo['mediators'] <= ids, role
    mediator = sorted(demo['mediators'])[0]
    row, = rpc.model(MEDIATOR, 'read', [mediator], ['name', 'studio'])
    assert row['name']
    error = _error(lambda: rpc.model(
            MEDIATOR, 'write', [mediator], {'studio': row['studio']}))
    if 'w' in rights:
        assert error is None, (role, error)
    else:
        assert _denied(error), (role, error)
    # a new candidate, from a person not on the roster yet
    on_roster = {r['party'] for r in admin.model(
            MEDIATOR, 'read', sorted(ids), ['party'])}
    person = next(p for p in admin.model('party.party', 'search',
            [('party_kind', '=', 'person')], 0, None, None)
        if p not in on_roster)
    values = {'company': demo['city'], 'party': person}
    error = _error(lambda: rpc.model(MEDIATOR, 'create', [values]))
    if 'c' in rights:
        assert error is None, (role, error)
        new = admin.model(MEDIATOR, 'search', [('party', '=', person)],
            0, None, None)
    else:
        assert _denied(error), (role, error)
        new = admin.model(MEDIATOR, 'create', [values])
    # buttons on the new candidate
    admin.model(MEDIATOR, 'write', new,
        {'term_end': _json_date(dt.date(2027, 6, 30))})
    for button in ['activate', 'suspend', 'renew', 'remove']:
        if button in {'suspend', 'remove'}:
            admin.model(MEDIATOR, 'write', new, {'state_reason': '测试'})
        error = _error(lambda: rpc.model(MEDIATOR, button, new))
        if role in MEDIATOR_BUTTONS[button]:
            assert error is None, (role, button, error)
        else:
            assert _denied(error), (role, button, error)
    # nobody deletes a mediator
    assert _denied(_error(lambda: rpc.model(MEDIATOR, 'delete', new)))


def test_mediator_suspension_needs_reason(sessions, demo, admin):
    rpc = sessions('roster')
    new = rpc.model(MEDIATOR, 'search', [('state', '=', 'candidate')],
        0, 1, None)
    assert new
    rpc.model(MEDIATOR, 'activate', new)
    error = _error(lambda: rpc.model(MEDIATOR, 'suspend', new))
    assert error is not None and not _denied(error), error
    rpc.model(MEDIATOR, 'write', new, {'state_reason': '暂停测试'})
    rpc.model(MEDIATOR, 'suspend', new)
    changes = admin.model('court.mediator.state_change', 'search_read',
        [('mediator', '=', new[0])], 0, None, None,
        ['to_state', 'reason', 'date'])
    assert {c['to_state'] for c in changes} >= {'active', 'suspended'}
    # the history is the buttons': not written by hand, even by the
    # roster's administrator or the platform's
    for login in ['roster', 'admin']:
        who = admin if login == 'admin' else rpc
        ids = [c['id'] for c in changes]
        for method, args in [
                ('write', [ids, {'reason': '改写'}]),
                ('create', [[{'mediator': new[0], 'date': changes[0]['date'],
                                'to_state': 'removed'}]]),
                ('delete', [ids])]:
            error = _error(lambda: who.model(
                    'court.mediator.state_change', method, *args))
            assert error is not None, (login, method)
            assert _denied(error) or '状态' in error.message, (
                login, method, error.message)
    assert admin.model('court.mediator.state_change', 'search_read',
        [('mediator', '=', new[0])], 0, None, None,
        ['to_state', 'reason', 'date']) == changes


def test_mediator_renewal(sessions, demo, admin):
    """续聘 by the roster administrator: the term end moves by the
    configured years and the renewal is kept, read by every court user,
    written by nobody by hand; a removed mediator is not renewed; the
    list of terms ending follows"""
    rpc = sessions('roster')
    judge = sessions('judge')
    years = admin.model('court.mediation.configuration', 'read', [1],
        ['renewal_years'])[0]['renewal_years']
    new = rpc.model(MEDIATOR, 'search', [('state', '=', 'candidate')],
        0, 1, None)
    assert new
    soon = testdb.court_today() + dt.timedelta(days=30)
    rpc.model(MEDIATOR, 'write', new, {'term_end': _json_date(soon)})
    assert new[0] in rpc.model(MEDIATOR, 'search',
        [('term_ending', '=', True)], 0, None, None)
    assert _denied(_error(lambda: judge.model(MEDIATOR, 'renew', new)))
    rpc.model(MEDIATOR, 'renew', new)
    row, = rpc.model(MEDIATOR, 'read', new, ['term_end', 'renewals'])
    assert _date(row['term_end']) == soon.replace(year=soon.year + years)
    renewal, = judge.model('court.mediator.renewal', 'read',
        row['renewals'], ['previous_term_end', 'term_end', 'years'])
    assert (_date(renewal['previous_term_end']), renewal['years']) == (
        soon, years)
    assert new[0] not in rpc.model(MEDIATOR, 'search',
        [('term_ending', '=', True)], 0, None, None)
    for who in [rpc, admin]:
        for method, args in [
                ('write', [row['renewals'], {'years': 10}]),
                ('create', [[{'mediator': new[0],
                                'date': _json_date(soon),
                                'previous_term_end': _json_date(soon),
                                'term_end': _json_date(soon), 'years': 0}]]),
                ('delete', [row['renewals']])]:
            error = _error(lambda: who.model(
                    'court.mediator.renewal', method, *args))
            assert error is not None, method
            assert _denied(error) or '续聘' in error.message, error.message
    # removed: the button is refused, the term end stays
    rpc.model(MEDIATOR, 'write', new, {'state_reason': '续聘测试'})
    rpc.model(MEDIATOR, 'remove', new)
    error = _error(lambda: rpc.model(MEDIATOR, 'renew', new))
    assert error is not None
    assert rpc.model(MEDIATOR, 'read', new,
        ['term_end', 'renewals'])[0] == row


def test_workflow_fields_not_writable(sessions, demo):
    "The state and the number change only through the workflow"
    filing = sessions('filing')
    judge = sessions('judge')
    draft, = filing.model(CASE, 'create', [_new_case(demo, facts='测试状态')])
    try:
        # the judge may write a case but press no button
        error = _error(lambda: judge.model(CASE, 'write', [draft], {
                    'state': 'succeeded', 'number': '(2026)豫0302诉前调1号'}))
        assert error is not None, "state written without the workflow"
    finally:
        # (the state is refused, as it should; tolerate the write)
        _error(lambda: filing.model(CASE, 'write', [draft], {'state': 'draft'}))
        filing.model(CASE, 'delete', [draft])


def _refused(call, expected):
    """call is refused with the zh_CN message expected (a string, or a
    compiled pattern when a part of it is not known in advance)"""
    error = _error(call)
    assert error is not None, expected
    if isinstance(expected, str):
        assert error.message == expected, (error.message, expected)
    else:
        assert expected.fullmatch(error.message), (error.message, expected)


def test_bad_input_in_chinese(sessions, demo, admin):
    """Each bad input of issue 3, sent by the role that would send it
    through JSON-RPC in zh_CN: the exact message of locale/zh_CN.po and
    nothing written"""
    clerk = sessions('clerk')
    filing = sessions('filing')
    mediator_rpc = sessions('mediator')
    today = testdb.court_today()
    persons = admin.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 2, None)
    mediator, = admin.model(MEDIATOR, 'search',
        [('user.login', '=', f'mediator_{COURT}')], 0, None, None)

    def count(model, domain=None):
        return admin.model(model, 'search_count', domain or [])

    def rec_name(case):
        return filing.model(CASE, 'read', [case], ['rec_name'])[0][
            'rec_name']

    def state(case):
        return admin.model(CASE, 'read', [case], [
                'state', 'number', 'amount', 'concluded_date', 'deadline',
                'extended', 'session_count'])[0]

    # a case with no party: kept as a draft, not registered
    draft, = filing.model(CASE, 'create', [_new_case(demo, consent=True,
                facts='测试：无当事人')])
    before = state(draft)
    _refused(lambda: filing.model(CASE, 'register', [draft]),
        f'“未登记案件 #{draft}”至少应有一名申请人和一名被申请人。')
    assert state(draft) == before and before['state'] == 'draft'
    assert before['number'] is None

    # an invalid ID number (wrong check character): no party
    body = '41030219900303401'
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = '10X98765432'[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    wrong = '0' if check != '0' else '1'
    parties = count('party.party')
    # wrong check character, 19 characters, 13th month
    for bad in [body + wrong, body + check + '9', '41030219901303401X']:
        _refused(lambda: clerk.model('party.party', 'create',
                [{'name': '钱三', 'id_number': bad}]),
            f'“{bad}”不是有效的居民身份证号码：应为18位，出生日期真实有效，'
            '且校验码正确（GB 11643）。')
    assert count('party.party') == parties

    # a negative amount: neither created nor written
    cases = count(CASE)
    _refused(lambda: filing.model(CASE, 'create', [_new_case(demo,
                    amount={'__class__': 'Decimal', 'decimal': '-100.5'},
                    facts='测试：负数金额')]),
        re.compile(r'“未登记案件 #\d+”的争议金额不能为负数（-100\.50）。'))
    assert count(CASE) == cases
    _refused(lambda: filing.model(CASE, 'write', [draft],
            {'amount': {'__class__': 'Decimal', 'decimal': '-1'}}),
        f'“未登记案件 #{draft}”的争议金额不能为负数（-1.00）。')
    assert state(draft) == before

    # an assigned case of the mediator
    case, = filing.model(CASE, 'create', [_new_case(demo, consent=True,
                facts='测试：错误输入', parties=[('create', [
                            {'role': 'applicant', 'party': persons[0]},
                            {'role': 'respondent', 'party': persons[1]},
                            ])])])
    filing.model(CASE, 'register', [case])
    filing.model(CASE, 'write', [case],
        {'complexity': 'simple', 'mediator': mediator})
    filing.model(CASE, 'assign', [case])
    number = rec_name(case)

    # a session before the case was received
    sessions_before = count('court.mediation.session')
    day_before = today - dt.timedelta(days=1)
    _refused(lambda: mediator_rpc.model('court.mediation.session', 'create',
            [{'case': case, 'date': _json_date(day_before),
                    'mode': 'in_person', 'duration': 30}]),
        f'“{number}”{day_before} 的调解记录，日期应在收案日期（{today}）'
        '至今天之间。')
    assert count('court.mediation.session') == sessions_before
    assert state(case)['state'] == 'assigned'

    # an outcome without a session: refused while assigned (the button
    # is not offered) and once the only session has been removed
    mediator_rpc.model(CASE, 'write', [case], {'agreement': '双方和解。'})
    assigned = state(case)
    _refused(lambda: mediator_rpc.model(CASE, 'succeed', [case]),
        f'“{number}”（调解案件）当前的状态不能执行“succeed”操作。')
    assert state(case) == assigned
    session, = mediator_rpc.model('court.mediation.session', 'create', [{
                'case': case, 'date': _json_date(today), 'mode': 'video',
                'duration': 30}])
    # (a mediator does not delete sessions; the filing officer does)
    filing.model('court.mediation.session', 'delete', [session])
    mediating = state(case)
    assert (mediating['state'], mediating['session_count']) == (
        'mediating', 0)
    _refused(lambda: mediator_rpc.model(CASE, 'succeed', [case]),
        f'登记调解结果前，请至少录入一次“{number}”的调解记录。')
    assert state(case) == mediating

    # an extension without the parties' consent
    mediator_rpc.model(CASE, 'write', [case], {'extension_days': 10})
    _refused(lambda: mediator_rpc.model(CASE, 'extend', [case]),
        f'“{number}”须经当事人同意方可延长调解期限。')
    assert state(case) == mediating

    # a transition not allowed from the current state: a succeeded case
    # is not withdrawn (nor failed, nor registered again)
    mediator_rpc.model('court.mediation.session', 'create', [{
                'case': case, 'date': _json_date(today), 'mode': 'video',
                'duration': 30}])
    mediator_rpc.model(CASE, 'succeed', [case])
    succeeded = state(case)
    assert succeeded['state'] == 'succeeded'
    for button in ['withdraw', 'fail', 'register']:
        _refused(lambda: filing.model(CASE, button, [case]),
            f'“{number}”（调解案件）当前的状态不能执行“{button}”操作。')
    assert state(case) == succeeded


FIGURES = 'wizard.court.mediation.figures'
FIGURES_READERS = {'filing', 'leader', 'roster', 'scoring', 'supervisor'}


def _figures(rpc, start_values):
    "Run the figures screen as rpc's user: the lines it shows"
    session, _, _ = rpc(f'{FIGURES}.create')
    try:
        first = rpc(f'{FIGURES}.execute', session, {}, 'start')
        defaults = first['view']['defaults']
        values = {
            'court': defaults.get('court'),
            'start_date': defaults['start_date'],
            'end_date': defaults['end_date'],
            'grouping': 'total', 'codes': [],
            }
        values.update(start_values)
        result = rpc(f'{FIGURES}.execute', session, {'start': values},
            'result')
        return defaults, result['view']['defaults']
    finally:
        rpc(f'{FIGURES}.delete', session)


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_figures_screen_access(sessions, demo, role, court):
    "Who may open the mediation figures (the menu's action groups)"
    rpc = sessions(role, court)
    error = _error(lambda: _figures(rpc, {'codes': ['B3']}))
    if role in FIGURES_READERS:
        assert error is None, error
    else:
        assert _denied(error), error


def test_figures_screen(sessions, demo, admin):
    "The leader's figures of the year, in total and by station"
    leader = sessions('leader')
    year = testdb.court_today().year
    start, end = dt.date(year, 1, 1), testdb.court_today()
    defaults, result = _figures(leader, {
            'court': demo['court'], 'codes': ['B6', 'B3', 'B5N'],
            'start_date': _json_date(start), 'end_date': _json_date(end)})
    assert defaults['court'] == demo['court']
    lines = {line['code']: line for line in result['lines']}
    assert set(lines) == {'B6', 'B3', 'B5N'}
    # B6's numerator: the court's cases that succeeded in the period
    succeeded = admin.model(CASE, 'search_count', [
            ('company', '=', demo['court']), ('state', '=', 'succeeded'),
            ('concluded_date', '>=', _json_date(start)),
            ('concluded_date', '<=', _json_date(end))])
    assert succeeded and lines['B6']['numerator'] == succeeded
    assert lines['B6']['target'] == '≥ 50%'
    assert lines['B6']['status'] == (
        'met' if succeeded / lines['B6']['denominator'] >= 0.5
        else 'not_met')
    registered = admin.model(CASE, 'search_count', [
            ('company', '=', demo['court']),
            ('state', 'not in', ['draft', 'cancelled']),
            ('source', '!=', 'entrusted'),
            ('received_date', '>=', _json_date(start)),
            ('received_date', '<=', _json_date(end))])
    assert lines['B5N']['value'] == str(registered)
    assert lines['B3']['status'] in {'met', 'not_met'}

    # by station: one line per station of the court for each case figure,
    # none for the roster figure B3; the station lines add up to the total
    _, by_station = _figures(leader, {
            'court': demo['court'], 'codes': ['B5N', 'B3'],
            'grouping': 'station',
            'start_date': _json_date(start), 'end_date': _json_date(end)})
    stations = admin.model('court.station', 'search', [
            ('company', '=', demo['court'])], 0, None, None)
    assert {line['code'] for line in by_station['lines']} == {'B5N'}
    assert len(by_station['lines']) == len(stations)
    assert sum(int(line['value']) for line in by_station['lines']) <= (
        registered)


def test_demo_figures_are_not_trivial(sessions, demo):
    """Every B figure of the demo court over the last twelve months has a
    value, and every ratio has records on both sides: the demo's year of
    activity exercises each formula (a figure left empty or at a bound by
    missing data would hide a wrong formula)"""
    leader = sessions('leader')
    end = testdb.court_today()
    start = end - dt.timedelta(days=364)
    _, result = _figures(leader, {
            'court': demo['court'], 'codes': [],
            'start_date': _json_date(start), 'end_date': _json_date(end)})
    lines = {line['code']: line for line in result['lines']}
    assert set(lines) >= {'B1', 'B2', 'B2_under', 'B3', 'B4', 'B5N', 'B6',
        'B7', 'B8', 'B9', 'B10', 'B11', 'B12', 'B16M', 'B18'}, set(lines)
    for code, line in lines.items():
        assert line['value'] not in (None, ''), (code, line)
        assert line['status'] != 'no_data', (code, line)
        if line['denominator'] is not None:
            assert line['denominator'] > 0, (code, line)
            # a share whose numerator is 0 or all of its denominator says
            # nothing of its formula (B1 is a growth: it may pass 100%)
            if line['value'].endswith('%') and code not in {'B1'}:
                assert 0 < line['numerator'] < line['denominator'], (
                    code, line)
    # at least one figure misses its target and one meets it: the demo is
    # a court with work to do, not a court that passes everything
    statuses = {line['status'] for line in lines.values()}
    assert {'met', 'not_met'} <= statuses, statuses


def test_graph_counts_cases(sessions, demo):
    """The cases' graph view adds up its y field (sao sums it): the sum
    over the officer's cases is their number"""
    officer = sessions('filing')
    view = officer.model(CASE, 'fields_view_get', None, 'graph')
    x = ET.fromstring(view['arch']).find('x')
    y_fields = [f.get('name') for f in ET.fromstring(view['arch']).find(
            'y').iter('field')]
    assert x is not None and y_fields, view['arch']
    ids = officer.model(CASE, 'search', [], 0, 300, None)
    assert len(ids) > 1
    rows = officer.model(CASE, 'read', ids, y_fields)
    for name in y_fields:
        assert sum(r[name] or 0 for r in rows) == len(ids), name


def test_figures_screen_other_court(sessions, demo):
    "A basic court's leader may not read a neighbour court's figures"
    leader = sessions('leader')
    error = _error(lambda: _figures(leader, {'court': demo['other']}))
    assert error is not None and '不能查看' in error.message, error
    # the supervisor of the city reads both
    supervisor = sessions('supervisor', CITY)
    _, result = _figures(supervisor, {
            'court': demo['other'], 'codes': ['B5N']})
    assert [line['code'] for line in result['lines']] == ['B5N']


def test_agreement_pdf(sessions, demo, admin):
    "The filing officer prints a mediation agreement: a PDF"
    filing = sessions('filing')
    case = admin.model(CASE, 'search', [
            ('company', '=', demo['court']), ('state', '=', 'succeeded')],
        0, 1, None)
    ext, content, _, name = filing(
        'report.court.mediation.case.agreement.execute', case, {})
    assert ext == 'pdf'
    data = content['base64'] if isinstance(content, dict) else content
    import base64
    assert base64.b64decode(data).startswith(b'%PDF-')
    assert '调解协议书' in name
