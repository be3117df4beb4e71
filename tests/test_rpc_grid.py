"""Access of every demo role to the grid (court_grid), checked from the
outside: a real trytond process, JSON-RPC, each demo user logged in with
its own password.

Expectations read from addons/court_grid/*.xml (ir.model.access, ir.rule,
ir.model.button groups), with court_base's group inheritance (a filing
officer is also a station clerk, a supervisor also a court leader).  The
demo grid member ``grid_<division>`` is in the station clerk group and
covers cells of its court through its grid person record."""
import datetime as dt
import re

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

COURT = '410302'    # 洛阳市老城区人民法院
OTHER = '410303'    # 洛阳市西工区人民法院
CITY = '4103'
AREA = 'court.grid.area'
ACTIVITY = 'court.grid.activity'
DISPUTE = 'court.grid.dispute'
PERSON = 'court.grid.person'
STATION = 'court.station'
BASIC_ROLES = ['clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
    'roster', 'scoring', 'grid']
ALL_ROLES = [(r, COURT) for r in BASIC_ROLES] + [('supervisor', CITY)]

# ir.model.access: r(ead) w(rite) c(reate) d(elete)
AREA_ACCESS = {role: 'r' for role, _ in ALL_ROLES}
AREA_ACCESS['filing'] = 'rwcd'
ACTIVITY_ACCESS = dict(AREA_ACCESS, judge='rwcd')
DISPUTE_ACCESS = {
    'clerk': 'rwc', 'grid': 'rwc', 'filing': 'rwcd', 'judge': 'r',
    'leader': 'r', 'supervisor': 'r',
    'mediator': '', 'petition': '', 'roster': '', 'scoring': ''}
STATION_WRITE = {'filing'}
PERSON_WRITE = {'filing'}   # and the court admin (admin's session)

ACCESS_DENIED = re.compile(
    r'不允许在 .* 上点击按钮|没有访问|没有权限|不允许(读取|写入|删除|创建)'
    r'|You are not allowed|is not allowed')


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _denied(error):
    return error is not None and bool(ACCESS_DENIED.search(error.message))


def _json_date(date):
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def _search(rpc, model, domain):
    return rpc.model(model, 'search', domain, 0, None, None)


@pytest.fixture(scope='module')
def demo(admin):
    def court(division):
        ids = _search(admin, 'company.company',
            [('division_code', '=', division)])
        assert len(ids) == 1, division
        return ids[0]

    info = {'court': court(COURT), 'other': court(OTHER),
        'city': court(CITY)}
    for key in ['court', 'other']:
        info[f'{key}_areas'] = set(_search(admin, AREA,
                [('company', 'child_of', [info[key]], 'superior')]))
        info[f'{key}_activities'] = set(_search(admin, ACTIVITY,
                [('company', 'child_of', [info[key]], 'superior')]))
        info[f'{key}_disputes'] = set(_search(admin, DISPUTE,
                [('company', 'child_of', [info[key]], 'superior')]))
        info[f'{key}_persons'] = set(_search(admin, PERSON,
                [('company', 'child_of', [info[key]], 'superior')]))
        info[f'{key}_stations'] = set(_search(admin, STATION,
                [('company', 'child_of', [info[key]], 'superior'),
                    ('kind', '!=', 'court_window')]))
    grid_user, = _search(admin, 'res.user', [('login', '=', f'grid_{COURT}')])
    info['grid_user'] = grid_user
    person, = admin.model(PERSON, 'search_read',
        [('user', '=', grid_user)], 0, None, None, ['cells'])
    info['grid_cells'] = set(person['cells'])
    info['grid_disputes'] = set(_search(admin, DISPUTE,
            [('cell', 'in', sorted(info['grid_cells']))]))
    info['court_cells'] = _search(admin, AREA, [('level', '=', 'cell'),
            ('company', 'child_of', [info['court']], 'superior')])
    info['dispute_type'], = _search(admin, 'court.dispute.type',
        [('code', '=', 'neighbour')])
    info['party'] = _search(admin, 'party.party',
        [('party_kind', '=', 'person')])[:2]
    return info


def test_demo_grid(demo, admin):
    "Every demo basic court has its grid, points, people and activities"
    for division in ['410302', '410303', '410304']:
        levels = {}
        for row in admin.model(AREA, 'search_read',
                [('code', 'like', division + '%')], 0, None, None,
                ['level', 'company']):
            levels[row['level']] = levels.get(row['level'], 0) + 1
            assert row['company'], row
        assert levels['county'] == 1, levels
        assert levels['township'] >= 5 and levels['village'] >= 40, levels
        assert levels['cell'] >= 2 * levels['village'], levels
    assert len(demo['court_activities']) >= 100
    assert demo['grid_cells'] and demo['grid_disputes']
    points = admin.model(STATION, 'search_read', [
            ('company', '=', demo['court']),
            ('kind', '!=', 'court_window')], 0, None, None,
        ['grid_area', 'judge_count', 'kind'])
    assert len(points) >= 5
    assert all(p['grid_area'] for p in points)
    # the cases logged at a station carry an area of its township
    cases = admin.model('court.mediation.case', 'search_read', [
            ('company', '=', demo['court']), ('source', '=', 'station'),
            ('station.grid_area', '!=', None)], 0, None, None,
        ['grid_area', 'station'])
    assert cases
    stations = {s['id']: s['grid_area'] for s in admin.model(STATION, 'read',
            list({c['station'] for c in cases}), ['grid_area'])}
    codes = {a['id']: a['code'] for a in admin.model(AREA, 'read',
            list({c['grid_area'] for c in cases if c['grid_area']}
                | set(stations.values())), ['code'])}
    assert all(c['grid_area'] and codes[c['grid_area']].startswith(
                codes[stations[c['station']]]) for c in cases)
    assert {'liaison_point', 'mediation_station'} <= {p['kind']
        for p in points}
    # the coverage lists have something to show
    assert _search(admin, AREA, [('level', '=', 'township'),
            ('point_count', '=', 0)])
    assert _search(admin, AREA, [('level', '=', 'cell'),
            ('member_count', '=', 0)])
    assert _search(admin, STATION, [('kind', '!=', 'court_window'),
            ('judge_count', '=', 0)])
    assert _search(admin, 'res.user', [('court_judge', '=', True),
            ('grid_point_count', '=', 0)])
    assert _search(admin, 'court.grid.leak', [('warning', '=', True)])
    assert admin.model('court.grid.lawsuit.count', 'search_count', [])


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_area_access(sessions, demo, role, court):
    rpc = sessions(role, court)
    ids = set(_search(rpc, AREA, []))
    if role == 'supervisor':
        assert demo['court_areas'] | demo['other_areas'] <= ids
    else:
        assert ids == demo['court_areas'], role
        # another court's areas: not by search, not by id
        other = sorted(demo['other_areas'])[:3]
        assert _denied(_error(lambda: rpc.model(AREA, 'read', other,
                        ['name'])))
    cell = demo['court_cells'][0]
    row, = rpc.model(AREA, 'read', [cell], ['population', 'parent'])
    write = _error(lambda: rpc.model(AREA, 'write', [cell],
            {'population': row['population']}))
    new = {'name': '测试网格', 'level': 'cell', 'parent': row['parent'],
        'code': None}
    parent, = rpc.model(AREA, 'read', [row['parent']], ['code', 'company'])
    new['code'] = parent['code'] + '099'
    new['company'] = parent['company']
    created = []
    create = _error(lambda: created.extend(rpc.model(AREA, 'create', [new])))
    if 'w' in AREA_ACCESS[role]:
        assert write is None, (role, write)
        assert create is None, (role, create)
        assert rpc.model(AREA, 'delete', created) is None
    else:
        assert _denied(write), role
        assert _denied(create), role


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_station_write(sessions, demo, admin, role, court):
    rpc = sessions(role, court)
    station = _search(admin, STATION, [('company', '=', demo['court']),
            ('kind', '=', 'liaison_point')])[0]
    row, = admin.model(STATION, 'read', [station], ['opening_hours'])
    error = _error(lambda: rpc.model(STATION, 'write', [station],
            {'opening_hours': row['opening_hours']}))
    if role in STATION_WRITE:
        assert error is None, (role, error)
    else:
        assert _denied(error), role


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_activity_access(sessions, demo, admin, role, court):
    rpc = sessions(role, court)
    ids = set(_search(rpc, ACTIVITY, []))
    if role == 'supervisor':
        assert demo['court_activities'] | demo['other_activities'] <= ids
    else:
        assert demo['court_activities'] <= ids
        assert not ids & demo['other_activities']
    judge_id = rpc.user_id
    mine = _search(admin, ACTIVITY, ['OR', ('judge', '=', judge_id),
            ('point.judges', '=', judge_id)])
    others = _search(admin, ACTIVITY, [('company', '=', demo['court']),
            ('judge', '!=', judge_id), ('point.judges', '!=', judge_id)])
    assert others
    other_error = _error(lambda: rpc.model(ACTIVITY, 'write', others[:1],
            {'notes': '复核'}))
    if role == 'judge':
        assert mine
        assert rpc.model(ACTIVITY, 'write', mine[:1], {'notes': '已复核'}) \
            is None
        # not the other judges' activities
        assert _denied(other_error), other_error
        point = _search(admin, STATION, [('judges', '=', judge_id)])[0]
        created = rpc.model(ACTIVITY, 'create', [{
                    'kind': 'home_visit', 'point': point,
                    'company': demo['court'], 'judge': judge_id,
                    'date': _json_date(testdb.court_today()),
                    'attendance': 3, 'settled': 0}])
        assert rpc.model(ACTIVITY, 'delete', created) is None
    elif 'w' in ACTIVITY_ACCESS[role]:
        assert other_error is None, (role, other_error)
    else:
        assert _denied(other_error), role


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_dispute_access(sessions, demo, role, court):
    rpc = sessions(role, court)
    access = DISPUTE_ACCESS[role]
    error = _error(lambda: _search(rpc, DISPUTE, []))
    if not access:
        assert _denied(error), role
        return
    ids = set(_search(rpc, DISPUTE, []))
    expected = {
        'grid': demo['grid_disputes'],
        'clerk': set(),     # the demo clerk covers no cell
        }.get(role, demo['court_disputes'])
    if role == 'supervisor':
        assert demo['court_disputes'] | demo['other_disputes'] <= ids
    else:
        assert expected <= ids, (role, len(expected), len(ids))
        # beyond them only disputes the tests logged since
        assert not (ids - expected) & (demo['court_disputes']
            | demo['other_disputes']), role


def test_grid_member_logs_in_its_cells(sessions, demo, admin):
    "The grid member logs and refers disputes of its cells only"
    rpc = sessions('grid')
    cell = sorted(demo['grid_cells'])[0]
    other_cell = next(c for c in demo['court_cells']
        if c not in demo['grid_cells'])
    applicant, respondent = demo['party']
    values = {'cell': cell, 'applicant': applicant,
        'respondent': respondent, 'dispute_type': demo['dispute_type'],
        'facts': '邻里之间因排水问题发生争执'}
    dispute, = rpc.model(DISPUTE, 'create', [values])
    row, = rpc.model(DISPUTE, 'read', [dispute], ['company', 'state'])
    assert row['state'] == 'logged'
    assert _denied(_error(lambda: rpc.model(DISPUTE, 'create',
                [dict(values, cell=other_cell)])))
    hidden = sorted(demo['court_disputes'] - demo['grid_disputes'])[:2]
    assert _denied(_error(lambda: rpc.model(DISPUTE, 'read', hidden,
                    ['facts'])))
    assert _denied(_error(lambda: rpc.model(DISPUTE, 'refer', hidden[:1])))
    # referred: a draft mediation case of its cell, that it sees
    rpc.model(DISPUTE, 'refer', [dispute])
    row, = rpc.model(DISPUTE, 'read', [dispute], ['state', 'case'])
    assert row['state'] == 'referred' and row['case']
    case, = rpc.model('court.mediation.case', 'read', [row['case']],
        ['state', 'source', 'grid_area', 'company'])
    assert (case['state'], case['source'], case['grid_area']) == (
        'draft', 'grid', cell)
    # and cannot delete a referred dispute
    assert _error(lambda: rpc.model(DISPUTE, 'delete', [dispute]))


@pytest.mark.parametrize('role', ['mediator', 'petition', 'leader', 'judge'])
def test_dispute_buttons_denied(sessions, demo, role):
    rpc = sessions(role)
    dispute = sorted(demo['court_disputes'])[0]
    assert _denied(_error(lambda: rpc.model(DISPUTE, 'settle', [dispute])))


def _person_access(rpc, demo, admin):
    "What the session may do to the court's grid people: the errors"
    person = sorted(demo['court_persons'])[0]
    row, = admin.model(PERSON, 'read', [person], ['phone'])
    write = _error(lambda: rpc.model(PERSON, 'write', [person],
            {'phone': row['phone']}))
    cell = demo['court_cells'][0]
    created = []
    create = _error(lambda: created.extend(rpc.model(PERSON, 'create', [{
                        'party': demo['party'][0], 'role': 'member',
                        'phone': '13912345678', 'company': demo['court'],
                        'cells': [('add', [cell])]}])))
    delete = None
    if created:
        row, = admin.model(PERSON, 'read', created, ['company', 'cells'])
        assert (row['company'], row['cells']) == (demo['court'], [cell])
        delete = _error(lambda: rpc.model(PERSON, 'delete', created))
        assert not _search(admin, PERSON, [('id', 'in', created),
                ('active', 'in', [True, False])])
    else:
        # someone else's person, as the test may not create its own
        delete = _error(lambda: rpc.model(PERSON, 'delete', [person]))
        assert _search(admin, PERSON, [('id', '=', person)])
    return write, create, delete


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_person_access(sessions, demo, admin, role, court):
    "Grid people: every court user reads; the filing officer manages them"
    rpc = sessions(role, court)
    ids = set(_search(rpc, PERSON, []))
    assert demo['court_persons'] and demo['other_persons']
    if role == 'supervisor':
        assert demo['court_persons'] | demo['other_persons'] <= ids
    else:
        assert demo['court_persons'] <= ids, role
        assert not ids & demo['other_persons'], role
    errors = _person_access(rpc, demo, admin)
    if role in PERSON_WRITE:
        assert errors == (None, None, None), (role, errors)
    else:
        assert all(_denied(e) for e in errors), (role, errors)


def test_person_court_admin(demo, admin):
    "The court admin (the administrator's session) manages grid people"
    assert _person_access(admin, demo, admin) == (None, None, None)


def test_cross_court_isolation(sessions, demo):
    rpc = sessions('filing', OTHER)
    for model, key in [(AREA, 'court_areas'), (ACTIVITY, 'court_activities'),
            (DISPUTE, 'court_disputes'), (STATION, 'court_stations'),
            (PERSON, 'court_persons')]:
        theirs = sorted(demo[key])[:3]
        assert len(theirs) == 3, key
        assert not set(_search(rpc, model, [('id', 'in', theirs)]))
        assert _denied(_error(lambda: rpc.model(model, 'read', theirs,
                        ['id'])))
        assert _denied(_error(lambda: rpc.model(model, 'write', theirs[:1],
                        {})) or _error(lambda: rpc.model(model, 'write',
                        theirs[:1], {'create_uid': None})))


def test_leader_coverage_lists(sessions, demo):
    "The leader opens the coverage and 漏排 lists of the court"
    rpc = sessions('leader')
    townships = _search(rpc, AREA, [('level', '=', 'township'),
            ('point_count', '=', 0)])
    assert townships
    assert set(townships) <= demo['court_areas']
    leaks = rpc.model('court.grid.leak', 'search_read',
        [('warning', '=', True)], 0, None, None, ['count', 'threshold',
            'company'])
    assert leaks
    assert all(l['count'] >= l['threshold'] for l in leaks)
    courts = {demo['court']} | set(_search(rpc, 'company.company',
            [('superior', '=', demo['court'])]))
    assert {l['company'] for l in leaks} <= courts
    points = _search(rpc, STATION, [('kind', '!=', 'court_window'),
            ('judge_count', '=', 0)])
    assert points


def test_notice_pdf(sessions, demo, admin):
    "Every role that sees a point may print its notice (PDF)"
    rpc = sessions('leader')
    point = _search(admin, STATION, [('company', '=', demo['court']),
            ('kind', '=', 'liaison_point'), ('judge_count', '>', 0)])[0]
    ext, content, _, name = rpc('report.court.station.grid_notice.execute',
        [point], {'model': STATION, 'id': point, 'ids': [point]})
    assert ext == 'pdf'
    data = content['base64'] if isinstance(content, dict) else content
    import base64
    assert base64.b64decode(data)[:5] == b'%PDF-'


def test_judges_without_point(sessions):
    "The list of judges without a point, as the leader's menu opens it"
    for court, expected in [('410302', set()), ('410304', {'judge2_410304'})]:
        rpc = sessions('leader', court)
        ids = _search(rpc, 'res.user', [('court_judge', '=', True),
                ('grid_point_count', '=', 0),
                ('companies', 'in', rpc.context.get('companies')
                    or [rpc.context['company']])])
        logins = {u['login'] for u in rpc.model('res.user', 'read', ids,
                ['login'])}
        assert logins == expected, (court, logins)


def test_leak_threshold_per_court(sessions, admin):
    "A court sets its own 漏排 threshold; not another court's"
    THRESHOLD = 'court.grid.leak.threshold'
    court, = admin.model('company.company', 'search',
        [('division_code', '=', COURT)], 0, 1, None)
    other, = admin.model('company.company', 'search',
        [('division_code', '=', OTHER)], 0, 1, None)
    filing = sessions('filing')
    mine, = filing.model(THRESHOLD, 'create', [{'leak_threshold': 4}])
    try:
        row, = filing.model(THRESHOLD, 'read', [mine], ['company'])
        assert row['company'] == court
        # the clerk reads it, does not change it
        clerk = sessions('clerk')
        assert clerk.model(THRESHOLD, 'read', [mine], ['leak_threshold'])
        assert _denied(_error(lambda: clerk.model(
                    THRESHOLD, 'write', [mine], {'leak_threshold': 9})))
        # the other court's officer neither sees nor changes it, nor
        # creates one for this court
        neighbour = sessions('filing', OTHER)
        assert not neighbour.model(THRESHOLD, 'search', [], 0, None, None)
        assert _error(lambda: neighbour.model(
                THRESHOLD, 'write', [mine], {'leak_threshold': 9}))
        assert _error(lambda: neighbour.model(THRESHOLD, 'create', [{
                        'company': court, 'leak_threshold': 9}]))
        # a threshold below 1 is refused with a message
        error = _error(lambda: filing.model(
                THRESHOLD, 'write', [mine], {'leak_threshold': 0}))
        assert error and re.search('[\u4e00-\u9fff]', error.message)
        assert filing.model(THRESHOLD, 'read', [mine],
            ['leak_threshold'])[0]['leak_threshold'] == 4
        del other
    finally:
        filing.model(THRESHOLD, 'delete', [mine])


def test_tribunal_serves_townships(sessions, demo, admin):
    """The filing officer gives a people's tribunal a second township: its
    villages and cells follow; the leader may not; back again"""
    tribunals = _search(admin, 'company.company', [
            ('superior', '=', demo['court']),
            ('court_level', '=', 'tribunal')])
    assert tribunals
    tribunal = tribunals[0]
    township, = admin.model(AREA, 'search_read', [
            ('level', '=', 'township'), ('company', '=', demo['court'])],
        0, 1, None, ['code'])
    below = _search(admin, AREA, [('code', 'like', township['code'] + '_%'),
            ('company', '=', demo['court'])])
    assert below
    leader = sessions('leader')
    assert _denied(_error(lambda: leader.model(AREA, 'write',
                [township['id']], {'company': tribunal})))
    filing = sessions('filing')
    # another court's tribunal cannot serve it: nothing written
    other_tribunal = _search(admin, 'company.company', [
            ('superior', '=', demo['other']),
            ('court_level', '=', 'tribunal')])[0]
    assert _error(lambda: filing.model(AREA, 'write', [township['id']],
            {'company': other_tribunal}))
    villages_before = _search(admin, AREA, [
            ('level', '=', 'village'),
            ('company.court_level', '!=', 'tribunal'),
            ('company', 'child_of', [demo['court']], 'superior')])
    filing.model(AREA, 'write', [township['id']], {'company': tribunal})
    try:
        companies = {r['company'] for r in admin.model(AREA, 'read',
                below + [township['id']], ['company'])}
        assert companies == {tribunal}
        served = _search(filing, AREA, [('level', '=', 'township'),
                ('company', '=', tribunal)])
        assert township['id'] in served and len(served) >= 2
        # the coverage list of villages not served by a tribunal shrinks
        villages_after = _search(filing, AREA, [
                ('level', '=', 'village'),
                ('company.court_level', '!=', 'tribunal')])
        moved = set(below) & set(villages_before)
        assert moved and not moved & set(villages_after)
        assert set(villages_after) == set(villages_before) - moved
    finally:
        filing.model(AREA, 'write', [township['id']],
            {'company': demo['court']})
    companies = {r['company'] for r in admin.model(AREA, 'read', below,
            ['company'])}
    assert companies == {demo['court']}


def _refused(call, text):
    "The call is refused with the zh_CN message that contains text"
    error = _error(call)
    assert error is not None, text
    assert text in error.message, (text, error.message)
    assert not _denied(error), error.message


def test_bad_input_refused_in_chinese(sessions, demo, admin):
    """The filing officer's bad input through RPC: refused with the zh_CN
    message, nothing written"""
    filing = sessions('filing')
    village, = admin.model(AREA, 'search_read', [('level', '=', 'village'),
            ('company', '=', demo['court'])], 0, 1, None,
        ['code', 'company', 'parent', 'population'])
    township, = admin.model(AREA, 'read', [village['parent']],
        ['code', 'company'])
    areas_before = admin.model(AREA, 'search_count', [])
    # an invalid division code (not all digits)
    _refused(lambda: filing.model(AREA, 'create', [{'name': '错码网格',
                    'level': 'cell', 'parent': village['id'],
                    'code': village['code'] + '0A1',
                    'company': village['company']}]),
        '应为15位数字')
    # an area under the wrong parent level: a cell under a township
    _refused(lambda: filing.model(AREA, 'create', [{'name': '越级网格',
                    'level': 'cell', 'parent': township['id'],
                    'code': township['code'] + '999001',
                    'company': township['company']}]),
        '必须直接隶属于上一层级的区域')
    # codes of the right shape absent from the division data (the demo
    # was built from it): a township, a village
    county, = admin.model(AREA, 'search_read',
        [('code', '=', township['code'][:6])], 0, 1, None, ['code'])
    _refused(lambda: filing.model(AREA, 'create', [{'name': '虚构街道',
                    'level': 'township', 'parent': county['id'],
                    'code': county['code'] + '099',
                    'company': township['company']}]),
        '不存在于行政区划数据中')
    _refused(lambda: filing.model(AREA, 'create', [{'name': '虚构社区',
                    'level': 'village', 'parent': township['id'],
                    'code': township['code'] + '999',
                    'company': township['company']}]),
        '不存在于行政区划数据中')
    # a negative population
    _refused(lambda: filing.model(AREA, 'write', [village['id']],
            {'population': -5}), '常住人口不能为负数')
    assert admin.model(AREA, 'search_count', []) == areas_before
    assert admin.model(AREA, 'read', [village['id']], ['population'])[0][
        'population'] == village['population']

    # an activity with no judge
    point = _search(admin, STATION, [('company', '=', demo['court']),
            ('kind', '=', 'liaison_point')])[0]
    activities_before = admin.model(ACTIVITY, 'search_count', [])
    _refused(lambda: filing.model(ACTIVITY, 'create', [{
                    'kind': 'home_visit', 'point': point,
                    'company': demo['court'], 'judge': None,
                    'date': _json_date(testdb.court_today()),
                    'attendance': 3, 'settled': 0}]), '必须有法官')
    activity = sorted(demo['court_activities'])[0]
    _refused(lambda: filing.model(ACTIVITY, 'write', [activity],
            {'judge': None}), '必须有法官')
    assert admin.model(ACTIVITY, 'search_count', []) == activities_before
    assert admin.model(ACTIVITY, 'read', [activity], ['judge'])[0]['judge']

    # a point outside its court's areas: a tribunal's point in a township
    # the basic court serves itself; a point without its area
    tribunal = _search(admin, 'company.company', [
            ('superior', '=', demo['court']),
            ('court_level', '=', 'tribunal')])[0]
    own = _search(admin, AREA, [('level', '=', 'township'),
            ('company', '=', demo['court'])])[0]
    stations_before = admin.model(STATION, 'search_count',
        [('active', 'in', [True, False])])
    _refused(lambda: filing.model(STATION, 'create', [{
                    'name': '越界联络点', 'kind': 'liaison_point',
                    'company': tribunal, 'grid_area': own}]),
        '该区域不属于')
    _refused(lambda: filing.model(STATION, 'create', [{
                    'name': '无区域联络点', 'kind': 'liaison_point',
                    'company': demo['court']}]), '必须填写所在区域')
    _refused(lambda: filing.model(STATION, 'write', [point],
            {'grid_area': None}), '必须填写所在区域')
    assert admin.model(STATION, 'search_count',
        [('active', 'in', [True, False])]) == stations_before
    assert admin.model(STATION, 'read', [point], ['grid_area'])[0][
        'grid_area']


def test_activities_per_month(sessions, demo):
    "The leader filters the activities by month (as the client sends it)"
    rpc = sessions('leader')
    # the month of the latest activity (the 1st of a month may have none)
    latest, = rpc.model(ACTIVITY, 'search_read', [], 0, 1, None, ['month'])
    month = latest['month']
    rows = rpc.model(ACTIVITY, 'search_read',
        [('month', 'ilike', f'%{month}%')], 0, None, [('month', 'DESC')],
        ['month', 'date'])
    assert rows and {r['month'] for r in rows} == {month}
    everything = rpc.model(ACTIVITY, 'search_read', [], 0, None, None,
        ['month'])
    assert len(rows) == sum(1 for r in everything if r['month'] == month)
    earlier = rpc.model(ACTIVITY, 'search_read', [('month', '<', month)],
        0, None, None, ['month'])
    assert earlier and all(r['month'] < month for r in earlier)


def test_dispute_court_of_its_cell(sessions, demo, admin):
    """A grid dispute whose court is not its cell's court (here a tribunal
    of the same court, which the filing officer may otherwise write for)
    is refused with the zh_CN message, nothing written"""
    filing = sessions('filing')
    tribunal = _search(admin, 'company.company', [
            ('superior', '=', demo['court']),
            ('court_level', '=', 'tribunal')])[0]
    cell, = admin.model(AREA, 'search_read', [('level', '=', 'cell'),
            ('company', '=', demo['court'])], 0, 1, None, ['company'])
    applicant, respondent = demo['party']
    values = {'cell': cell['id'], 'applicant': applicant,
        'respondent': respondent, 'dispute_type': demo['dispute_type'],
        'facts': '宅基地边界争议'}
    before = admin.model(DISPUTE, 'search_count', [])
    message = '应属于其网格的服务法院'
    _refused(lambda: filing.model(DISPUTE, 'create', [
                dict(values, company=tribunal)]), message)
    assert admin.model(DISPUTE, 'search_count', []) == before
    # an existing dispute moved to another court than its cell's
    dispute, = admin.model(DISPUTE, 'search_read', [
            ('company', '=', demo['court']), ('state', '=', 'logged'),
            ('cell.company', '=', demo['court'])], 0, 1, None,
        ['company', 'cell'])
    _refused(lambda: filing.model(DISPUTE, 'write', [dispute['id']],
            {'company': tribunal}), message)
    assert admin.model(DISPUTE, 'read', [dispute['id']], ['company'])[0][
        'company'] == demo['court']
    # the same values with the cell's court: accepted (the check is not
    # refusing everything)
    created = filing.model(DISPUTE, 'create', [
            dict(values, company=cell['company'])])
    assert filing.model(DISPUTE, 'delete', created) is None


# the relation models behind a point's judges, mediators and grid people
# (not exposed through RPC themselves: they are written through the point)
POINT_PEOPLE = ['judges', 'mediators', 'grid_persons']
POINT_PEOPLE_WRITE = {'filing'}     # and the court admin (admin's session)


def _point_people(admin, demo):
    """A liaison point of the court and, for each of its relations, a
    judge / mediator / grid person of the court not on it yet"""
    point, = admin.model(STATION, 'search_read', [
            ('company', '=', demo['court']), ('kind', '=', 'liaison_point'),
            ('judge_count', '>', 0)], 0, 1, [('id', 'ASC')], POINT_PEOPLE)
    judges = _search(admin, 'res.user', [('court_judge', '=', True),
            ('companies', 'in', [demo['court']]),
            ('id', 'not in', point['judges'])])
    mediators = _search(admin, 'party.party', [
            ('party_kind', '=', 'person'),
            ('id', 'not in', point['mediators'])])
    persons = _search(admin, PERSON, [
            ('company', 'child_of', [demo['court']], 'superior'),
            ('id', 'not in', point['grid_persons'])])
    assert judges and mediators and persons, (judges, persons)
    return point, {'judges': judges[0], 'mediators': mediators[0],
        'grid_persons': persons[0]}


def _point_people_errors(rpc, admin, demo):
    """Add, then remove, a judge, a mediator and a grid person on a point
    as `rpc` (the point written as sao saves its form: 'add' and 'remove'
    of the Many2Many): {(field, add|remove): error or None}, each checked
    against what the administrator reads back; the point is as it was
    afterwards"""
    point, new = _point_people(admin, demo)
    errors = {}

    def on_point(field, target):
        now, = admin.model(STATION, 'read', [point['id']], [field])
        return target in now[field]

    for field in POINT_PEOPLE:
        target = new[field]
        errors[field, 'add'] = _error(lambda: rpc.model(STATION, 'write',
                [point['id']], {field: [('add', [target])]}))
        assert on_point(field, target) == (errors[field, 'add'] is None), (
            field, errors)
        if not on_point(field, target):
            # the administrator adds it, so that the removal can be tried
            admin.model(STATION, 'write', [point['id']],
                {field: [('add', [target])]})
        errors[field, 'remove'] = _error(lambda: rpc.model(STATION, 'write',
                [point['id']], {field: [('remove', [target])]}))
        assert on_point(field, target) == (
            errors[field, 'remove'] is not None), (field, errors)
        if on_point(field, target):
            admin.model(STATION, 'write', [point['id']],
                {field: [('remove', [target])]})
    assert admin.model(STATION, 'read', [point['id']], POINT_PEOPLE)[0] == {
        'id': point['id'], **{f: point[f] for f in POINT_PEOPLE}}
    # removed from the point, not deleted
    assert admin.model('res.user', 'read', [new['judges']], ['id'])
    assert admin.model('party.party', 'read', [new['mediators']], ['id'])
    assert admin.model(PERSON, 'read', [new['grid_persons']], ['id'])
    return errors


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_point_people_access(sessions, demo, admin, role, court):
    """Judges, mediators and grid people added to and removed from a
    liaison point: by the filing officer (and the court admin), by no
    other role; every court user reads them"""
    rpc = sessions(role, court)
    point, _ = _point_people(admin, demo)
    row, = rpc.model(STATION, 'read', [point['id']], POINT_PEOPLE)
    assert row == {'id': point['id'], **{f: point[f] for f in POINT_PEOPLE}}
    errors = _point_people_errors(rpc, admin, demo)
    if role in POINT_PEOPLE_WRITE:
        assert all(e is None for e in errors.values()), (role, errors)
    else:
        assert all(_denied(e) for e in errors.values()), (role, errors)


def test_point_people_court_admin(demo, admin):
    "The court admin (the administrator's session) manages them too"
    errors = _point_people_errors(admin, admin, demo)
    assert all(e is None for e in errors.values()), errors


def test_point_people_other_court(sessions, demo, admin):
    "Another court's filing officer adds and removes none of them"
    errors = _point_people_errors(sessions('filing', OTHER), admin, demo)
    assert all(_denied(e) for e in errors.values()), errors
