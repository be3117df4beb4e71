"""Access of every demo role to the petitions (涉诉信访), checked from the
outside: a real trytond process, JSON-RPC, each demo user logged in with
its own password.

The expectations below are read from addons/court_petition/access.xml
(ir.model.access, ir.rule, ir.model.button groups), with the group
inheritance of court_base/res.xml: a superior-court supervisor is also a
court leader, a filing officer a station clerk, everyone a court user."""
import datetime as dt
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError
from trytond.modules.court_base import workday

COURT = '410302'    # 洛阳市老城区人民法院
OTHER = '410303'    # 洛阳市西工区人民法院, same city
CITY = '4103'       # 洛阳市中级人民法院
PETITION = 'court.petition'
BASIC_ROLES = ['clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
    'roster', 'scoring']
ALL_ROLES = [(r, COURT) for r in BASIC_ROLES] + [
    ('supervisor', CITY), ('petition', CITY), ('leader', CITY)]

# ir.model.access on court.petition: r(ead) w(rite) c(reate) d(elete)
ACCESS = {
    'clerk': '', 'mediator': '', 'filing': '', 'roster': '', 'scoring': '',
    'judge': 'rw',
    'petition': 'rwcd',
    'leader': 'rw',
    'supervisor': 'rw',     # inherited from court leader
    }
# ir.rule: which petitions each role sees
#   court: its court's petitions and those its court assigned down
#   own:   those assigned to the judge or to one of the judge's
#          departments (court.department: judge_ is in 执行局, judge2_ in
#          民一庭)
SCOPE = {'judge': 'own', 'petition': 'court', 'leader': 'court',
    'supervisor': 'court'}
# ir.model.button-res.group: who may press what
BUTTONS = {
    'register': {'petition'},
    'assign': {'petition'},
    'assign_down': {'petition'},
    'handle': {'petition', 'judge'},
    'reply': {'petition', 'judge'},
    'close': {'petition'},
    'extend': {'petition', 'leader', 'supervisor'},
    'assign_leader': {'leader', 'supervisor'},
    'approve_closure': {'leader', 'supervisor'},
    'send_feedback': {'petition', 'leader', 'supervisor'},
    'follow_up': {'petition'},
    'cancel': {'petition'},
    }

ACCESS_DENIED = re.compile(
    r'不允许在 .* 上点击按钮|没有访问|没有权限|不允许(读取|写入|删除|访问)'
    r'|You are not allowed|is not allowed')
CHINESE = re.compile(r'[\u4e00-\u9fff]')


def _json_date(date):
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def _date(value):
    return dt.date(value['year'], value['month'], value['day'])


def _json_time(hour, minute):
    return {'__class__': 'time', 'hour': hour, 'minute': minute,
        'second': 0, 'microsecond': 0}


def _time(value):
    return dt.time(value['hour'], value['minute'], value['second'])


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _denied(error):
    return error is not None and bool(ACCESS_DENIED.search(error.message))


def _refused(error, text):
    "A user error in Chinese naming what is wrong, not an access error"
    return (error is not None and not _denied(error)
        and text in error.message and bool(CHINESE.search(error.message)))


@pytest.fixture(scope='module')
def demo(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1, division
        return ids[0]

    def petitions(domain):
        return set(admin.model(PETITION, 'search', domain, 0, None, None))

    def user(login):
        ids = admin.model('res.user', 'search', [('login', '=', login)],
            0, None, None)
        return ids[0]

    info = {'court': court(COURT), 'other': court(OTHER),
        'city': court(CITY)}
    info['court_petitions'] = petitions([('company', '=', info['court'])])
    info['other_petitions'] = petitions([('company', '=', info['other'])])
    info['city_petitions'] = petitions(['OR',
            ('company', '=', info['city']),
            ('assigning_court', '=', info['city'])])
    info['judge_petitions'] = petitions(['OR',
            ('assignee.login', '=', f'judge_{COURT}'),
            ('department.users.login', '=', f'judge_{COURT}')])

    def departments(court):
        return {d['name']: d['id'] for d in admin.model('court.department',
                'search_read', [('company', '=', court)], 0, None, None,
                ['name'])}
    info['departments'] = departments(info['court'])
    info['other_departments'] = departments(info['other'])
    info['judge'] = user(f'judge_{COURT}')
    info['leader'] = user(f'leader_{COURT}')
    info['other_leader'] = user(f'leader_{OTHER}')
    persons = admin.model('party.party', 'search_read',
        [('party_kind', '=', 'person'), ('id_number', '!=', None)],
        0, 3, None, ['id', 'id_number', 'name'])
    info['persons'] = persons
    return info


def _scope(demo, role, court):
    if SCOPE[role] == 'own':
        return demo['judge_petitions']
    if court == CITY:
        return demo['city_petitions']
    return demo['court_petitions']


def test_demo_data(demo, admin):
    "Two years of petitions in every court, key, repeat, assigned down"
    assert len(demo['court_petitions']) >= 150
    assert len(demo['other_petitions']) >= 150
    rows = admin.model(PETITION, 'read', sorted(demo['court_petitions']),
        ['received_date', 'state', 'number', 'key', 'repeat', 'channel',
            'assigning_court', 'feedback_date', 'finish_deadline',
            'registered_date'])
    dates = [_date(r['received_date']) for r in rows]
    today = testdb.court_today()
    assert (today - min(dates)).days > 600
    assert sum(1 for r in rows if r['repeat']) >= 5
    assert sum(1 for r in rows if r['key']) >= 5
    superior = [r for r in rows if r['channel'] == 'superior']
    assert superior and all(r['assigning_court'] == demo['city']
        for r in superior)
    assert any(r['feedback_date'] for r in superior)
    for r in rows:
        if r['state'] != 'draft':
            assert re.fullmatch(r'\(\d{4}\)豫0302信访\d+号', r['number'])
            assert _date(r['finish_deadline']) > _date(r['registered_date'])
    states = {r['state'] for r in rows}
    assert {'closed', 'assigned'} <= states, states
    assert len(demo['judge_petitions'] & demo['court_petitions']) > 5
    escalations = admin.model('court.petition.escalation', 'search_count',
        [('company', '=', demo['court'])])
    assert escalations > 5


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_petition_read(sessions, demo, role, court):
    rpc = sessions(role, court)
    if 'r' not in ACCESS[role]:
        assert _denied(_error(lambda: rpc.model(
                    PETITION, 'search', [], 0, None, None))), role
        assert _denied(_error(lambda: rpc.model(
                    PETITION, 'read', sorted(demo['court_petitions'])[:2],
                    ['number']))), role
        return
    ids = set(rpc.model(PETITION, 'search', [], 0, None, None))
    expected = _scope(demo, role, court)
    assert expected <= ids, (role, court, len(expected), len(ids))
    known = (demo['court_petitions'] | demo['other_petitions']
        | demo['city_petitions'])
    assert not (ids - expected) & known, (role, court)
    if court == COURT:
        assert not ids & demo['other_petitions']
        hidden = sorted(demo['court_petitions'] - ids)[:3]
        if SCOPE[role] == 'own':
            assert hidden
            assert _denied(_error(lambda: rpc.model(
                        PETITION, 'read', hidden, ['number'])))
    else:
        # the superior court sees what it assigned, not the rest of the
        # courts below
        assert not (demo['court_petitions'] - demo['city_petitions']) & ids


@pytest.mark.parametrize('role', ['petition', 'leader'])
def test_cross_court_isolation(sessions, demo, admin, role):
    rpc = sessions(role, OTHER)
    mine = set(rpc.model(PETITION, 'search', [], 0, None, None))
    assert mine and not mine & demo['court_petitions']
    theirs = sorted(demo['court_petitions'])[:5]
    assert _denied(_error(lambda: rpc.model(
                PETITION, 'read', theirs, ['number'])))
    assert _denied(_error(lambda: rpc.model(
                PETITION, 'write', theirs[:1], {'followup_note': 'x'})))
    assert _denied(_error(lambda: rpc.model(PETITION, 'cancel', theirs[:1])))
    for row in admin.model(PETITION, 'read', theirs,
            ['petitioners.party.name']):
        for line in row['petitioners.']:
            name = line['party.']['name']
            found = set(rpc.model(PETITION, 'search',
                    [('rec_name', 'ilike', name)], 0, None, None))
            assert not found & demo['court_petitions'], name
    # nor the lines of its petitions
    for model in ['court.petition.petitioner', 'court.petition.report']:
        assert not rpc.model(model, 'search',
            [('petition', 'in', theirs)], 0, None, None)


def _new(demo, person=0, **values):
    return {
        'company': demo['court'],
        'channel': 'window',
        'received_date': _json_date(testdb.court_today()),
        'matter': '测试：反映执行问题',
        'demand': '请求尽快执行',
        'demand_kind': 'request',
        'category': 'enforcement',
        'petitioners': [('create', [
                    {'party': demo['persons'][person]['id']}])],
        **values,
        }


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_petition_write_create_delete(sessions, demo, admin, role, court):
    rights = ACCESS[role]
    rpc = sessions(role, court)
    officer = sessions('petition', COURT)
    closed = sorted(demo['court_petitions'])
    target = closed[:1]
    if 'r' in rights:
        visible = rpc.model(PETITION, 'search',
            [('state', '=', 'closed')], 0, 1, None)
        assert visible, role
        target = visible
    note = admin.model(PETITION, 'read', target,
        ['followup_note'])[0]['followup_note']
    error = _error(lambda: rpc.model(
            PETITION, 'write', target, {'followup_note': note}))
    if 'w' in rights:
        assert error is None, (role, error)
    else:
        assert _denied(error), (role, error)
    values = _new(demo, matter=f'测试{role}{court}')
    if court == CITY:
        values['company'] = demo['city']
    error = _error(lambda: rpc.model(PETITION, 'create', [values]))
    if 'c' in rights:
        assert error is None, (role, error)
    else:
        assert _denied(error), (role, error)
    draft, = officer.model(PETITION, 'create', [
            _new(demo, matter=f'测试删除{role}{court}')])
    error = _error(lambda: rpc.model(PETITION, 'delete', [draft]))
    if 'd' in rights and court == COURT:
        assert error is None, (role, error)
        assert not admin.model(PETITION, 'search', [('id', '=', draft)],
            0, None, None)
        # a registered petition is never deleted
        error = _error(lambda: rpc.model(PETITION, 'delete', target))
        assert error is not None and not _denied(error), error
    else:
        assert _denied(error), (role, error)
        officer.model(PETITION, 'delete', [draft])


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_petition_buttons(sessions, demo, admin, role, court):
    """Every button on a closed petition it sees (or one of the court):
    who may not press it gets an access error; who may gets at most a
    state error (nothing changes)"""
    rpc = sessions(role, court)
    petition = sorted(demo['court_petitions'])
    if 'r' in ACCESS[role]:
        petition = rpc.model(PETITION, 'search',
            [('state', '=', 'closed'), ('feedback_date', '!=', None)]
            if court == CITY else [('state', '=', 'closed')], 0, 1, None)
    petition = petition[:1]
    assert petition
    before, = admin.model(PETITION, 'read', petition,
        ['state', 'write_date'])
    for button, roles in BUTTONS.items():
        error = _error(lambda: rpc.model(PETITION, button, petition))
        if role in roles:
            assert not _denied(error), (role, button, error)
        else:
            assert _denied(error), (role, button, error)
    after, = admin.model(PETITION, 'read', petition, ['state', 'write_date'])
    assert after == before, (role, before, after)


def test_workflow_by_roles(sessions, demo, admin):
    """A window visit from intake to follow-up, each step by the role
    that does it, with the refusals of bad input"""
    officer = sessions('petition')
    judge = sessions('judge')
    leader = sessions('leader')
    # no petitioner and no channel: refused, nothing written
    error = _error(lambda: officer.model(PETITION, 'create', [_new(demo,
                    channel=None, petitioners=[], matter='测试空信访')]))
    assert _refused(error, '信访人'), error
    assert not admin.model(PETITION, 'search',
        [('matter', '=', '测试空信访')], 0, None, None)
    # a petition is created as a draft
    error = _error(lambda: officer.model(PETITION, 'create', [_new(demo,
                    state='closed')]))
    assert _refused(error, '草稿'), error
    petition, = officer.model(PETITION, 'create', [_new(demo,
                original_enforcement_number='(2025)豫0302执1号',
                received_time=_json_time(9, 40))])
    assert _denied(_error(lambda: judge.model(
                PETITION, 'register', [petition])))
    officer.model(PETITION, 'register', [petition])
    row, = officer.model(PETITION, 'read', [petition],
        ['state', 'number', 'finish_deadline', 'quality_ok',
            'received_date', 'received_time', 'registered_date'])
    assert row['state'] == 'registered' and row['quality_ok']
    # the time received is kept through registration, the judge sees it
    assert _time(row['received_time']) == dt.time(9, 40)
    assert _date(row['registered_date']) == _date(row['received_date'])
    year = testdb.court_today().year
    assert row['number'].startswith(f'({year})豫0302信访')
    # reply before the assignment: refused
    officer.model(PETITION, 'write', [petition], {'reply_text': '答复'})
    error = _error(lambda: officer.model(PETITION, 'reply', [petition]))
    assert _refused(error, '尚未交办'), error
    # the state and dates are the buttons'
    error = _error(lambda: officer.model(PETITION, 'write', [petition],
            {'state': 'closed'}))
    assert _refused(error, '流程按钮'), error
    # assigned to the judge, who now sees it
    assert petition not in judge.model(PETITION, 'search', [], 0, None,
        None)
    officer.model(PETITION, 'write', [petition],
        {'department': demo['departments']['执行局'],
            'assignee': demo['judge']})
    officer.model(PETITION, 'assign', [petition])
    assert petition in judge.model(PETITION, 'search', [], 0, None, None)
    seen, = judge.model(PETITION, 'read', [petition], ['received_time'])
    assert _time(seen['received_time']) == dt.time(9, 40)
    # the intake is fixed: sent unchanged with the form it passes, changed
    # it is refused
    matter = officer.model(PETITION, 'read', [petition], ['matter'])[0][
        'matter']
    officer.model(PETITION, 'write', [petition], {'matter': matter})
    error = _error(lambda: officer.model(PETITION, 'write', [petition],
            {'matter': '改过的事项'}))
    assert _refused(error, '不能修改'), error
    # closure without reply: refused
    error = _error(lambda: officer.model(PETITION, 'close', [petition]))
    assert _refused(error, '尚未答复'), error
    judge.model(PETITION, 'write', [petition],
        {'handling_note': '已约谈被执行人。', 'reply_text': '已督促履行。'})
    judge.model(PETITION, 'handle', [petition])
    judge.model(PETITION, 'reply', [petition])
    # the petitioners with a mobile number were told by text message of
    # the registration and of the reply (court.sms)
    parties = [p['party'] for p in admin.model(
            'court.petition.petitioner', 'search_read',
            [('petition', '=', petition)], 0, None, None, ['party'])]
    mobiles = sorted(p['mobile_number'] for p in admin.model(
            'party.party', 'read', parties, ['mobile_number'])
        if p['mobile_number'])
    assert mobiles
    texts = admin.model('court.sms', 'search_read', [
            ('origin', '=', f'{PETITION},{petition}')], 0, None,
        [('id', 'ASC')], ['number', 'text', 'state'])
    assert sorted(t['number'] for t in texts) == sorted(mobiles * 2), texts
    assert all(row['number'] in t['text'] for t in texts), texts
    assert any('已登记' in t['text'] for t in texts)
    assert any('已答复' in t['text'] for t in texts)
    # one extension; a second is refused
    officer.model(PETITION, 'write', [petition],
        {'extension_days': 10, 'extension_reason': '等待评估结果'})
    officer.model(PETITION, 'extend', [petition])
    error = _error(lambda: officer.model(PETITION, 'extend', [petition]))
    assert _refused(error, '不得再次延期'), error
    # marked key: the owning leader is the court's, not another court's
    officer.model(PETITION, 'write', [petition], {'key': True})
    before, = admin.model(PETITION, 'read', [petition],
        ['owner_leader', 'leader_assigned_date', 'write_date'])
    assert before['owner_leader'] is None
    error = _error(lambda: leader.model(PETITION, 'write', [petition],
            {'owner_leader': demo['other_leader']}))
    assert _refused(error, '不是'), error
    # nothing written: re-read, the petition is as it was
    after, = admin.model(PETITION, 'read', [petition],
        ['owner_leader', 'leader_assigned_date', 'write_date'])
    assert after == before, (before, after)
    leader.model(PETITION, 'write', [petition],
        {'owner_leader': demo['leader']})
    leader.model(PETITION, 'assign_leader', [petition])
    mine = leader.model(PETITION, 'search',
        [('owner_leader', '=', leader.user_id)], 0, None, None)
    assert petition in mine
    officer.model(PETITION, 'write', [petition],
        {'outcome': 'resolved', 'outcome_reason': '执行到位。'})
    error = _error(lambda: officer.model(PETITION, 'close', [petition]))
    assert _refused(error, '审批'), error
    leader.model(PETITION, 'approve_closure', [petition])
    officer.model(PETITION, 'close', [petition])
    row, = admin.model(PETITION, 'read', [petition],
        ['state', 'closed_date', 'closure_approved'])
    assert row['state'] == 'closed' and row['closure_approved']


def test_superior_assigns_down(sessions, demo, admin):
    """The intermediate court assigns a petition down; the basic court
    handles it, the superior approves the closure and gets the feedback"""
    city = sessions('petition', CITY)
    supervisor = sessions('supervisor', CITY)
    officer = sessions('petition', COURT)
    other = sessions('petition', OTHER)
    values = _new(demo, person=1, company=demo['city'], channel='letter',
        matter='测试：上级交办', received_time=_json_time(8, 5))
    petition, = city.model(PETITION, 'create', [values])
    city.model(PETITION, 'register', [petition])
    city.model(PETITION, 'write', [petition],
        {'assigned_to_court': demo['court']})
    before = dt.datetime.now(ZoneInfo(testdb.COURT_TIMEZONE)).replace(
        second=0, microsecond=0, tzinfo=None)
    city.model(PETITION, 'assign_down', [petition])
    after = dt.datetime.now(ZoneInfo(testdb.COURT_TIMEZONE)).replace(
        tzinfo=None)
    row, = city.model(PETITION, 'read', [petition],
        ['state', 'subordinate_petitions'])
    assert row['state'] == 'assigned'
    copy, = row['subordinate_petitions']
    assert copy in officer.model(PETITION, 'search', [], 0, None, None)
    assert copy not in other.model(PETITION, 'search', [], 0, None, None)
    row, = officer.model(PETITION, 'read', [copy],
        ['channel', 'key', 'state', 'meet_deadline', 'assigning_court',
            'received_date', 'received_time', 'registered_date',
            'report_deadline'])
    assert row['channel'] == 'superior' and row['key']
    assert row['state'] == 'registered'
    # received by the court below when assigned (date and time, the
    # court's time zone), registered the same day and due to be reported
    # that day (the next working day when it is a rest day)
    received = dt.datetime.combine(_date(row['received_date']),
        _time(row['received_time']))
    assert before <= received <= after, (before, received, after)
    assert _date(row['registered_date']) == _date(row['received_date'])
    assert _date(row['report_deadline']) == workday.add_working_days(
        _date(row['received_date']), 0)
    # the superior court's own record keeps the time its letter came
    row, = city.model(PETITION, 'read', [petition], ['received_time'])
    assert _time(row['received_time']) == dt.time(8, 5)
    row, = officer.model(PETITION, 'read', [copy],
        ['channel', 'key', 'state', 'meet_deadline', 'assigning_court'])
    assert row['assigning_court'] == demo['city']
    officer.model(PETITION, 'write', [copy],
        {'department': demo['departments']['立案庭']})
    officer.model(PETITION, 'assign', [copy])
    officer.model(PETITION, 'write', [copy], {
            'handling_note': '已接谈。', 'reply_text': '已答复信访人。'})
    officer.model(PETITION, 'reply', [copy])
    # the president cannot approve what the superior court assigned
    leader = sessions('leader', COURT)
    error = _error(lambda: leader.model(PETITION, 'approve_closure', [copy]))
    assert _refused(error, '审批'), error
    supervisor.model(PETITION, 'approve_closure', [copy])
    officer.model(PETITION, 'write', [copy], {
            'outcome': 'resolved', 'outcome_reason': '息诉罢访。',
            'feedback_text': '已化解。'})
    officer.model(PETITION, 'close', [copy])
    officer.model(PETITION, 'send_feedback', [copy])
    row, = city.model(PETITION, 'read', [copy], ['feedback_date'])
    assert _date(row['feedback_date']) == testdb.court_today()


def test_department_users(sessions, demo, admin):
    """A department's user (judge2_, of 民一庭, never the assigned judge)
    sees the petitions assigned to its department and nothing else of the
    court, and handles them; the user of another department (judge_, of
    执行局) does not see them; a department of another court is refused"""
    officer = sessions('petition')
    civil = sessions('judge2')
    enforcement = sessions('judge')
    other_civil = sessions('judge2', OTHER)
    departments = demo['departments']
    assert departments.keys() >= {'立案庭', '民一庭', '执行局', '信访办'}
    # the demo: what 民一庭 was given, exactly
    assigned = set(admin.model(PETITION, 'search', [
                ('company', '=', demo['court']),
                ('department', '=', departments['民一庭'])], 0, None, None))
    assert assigned
    seen = set(civil.model(PETITION, 'search', [], 0, None, None))
    assert seen == assigned, (len(seen), len(assigned))
    # the other department's judge sees of them only those assigned to
    # him in person
    personal = set(admin.model(PETITION, 'search', [
                ('department', '=', departments['民一庭']),
                ('assignee', '=', demo['judge'])], 0, None, None))
    assert seen & demo['judge_petitions'] == personal
    assert seen - personal
    assert _denied(_error(lambda: enforcement.model(PETITION, 'read',
                sorted(seen - personal)[:3], ['number'])))
    assert _denied(_error(lambda: civil.model(PETITION, 'read',
                sorted(demo['court_petitions'] - assigned)[:3],
                ['number'])))
    # a new petition assigned to 民一庭 only
    petition, = officer.model(PETITION, 'create', [_new(demo,
                matter='测试：交办民一庭', category='trial')])
    officer.model(PETITION, 'register', [petition])
    assert petition not in civil.model(PETITION, 'search', [], 0, None,
        None)
    # another court's department: refused in Chinese, nothing written
    error = _error(lambda: officer.model(PETITION, 'write', [petition],
            {'department': demo['other_departments']['民一庭']}))
    assert _refused(error, '不是信访件'), error
    row, = admin.model(PETITION, 'read', [petition], ['department'])
    assert row['department'] is None
    officer.model(PETITION, 'write', [petition],
        {'department': departments['民一庭']})
    officer.model(PETITION, 'assign', [petition])
    assert petition in civil.model(PETITION, 'search', [], 0, None, None)
    assert petition not in enforcement.model(PETITION, 'search', [], 0,
        None, None)
    assert _denied(_error(lambda: enforcement.model(
                PETITION, 'read', [petition], ['number'])))
    assert petition not in other_civil.model(PETITION, 'search', [], 0,
        None, None)
    # told of it, handles it and replies, as the assigned judge would
    notified = civil.model('res.notification', 'search_read',
        [('records', '=', str([petition]))], 0, None, None, ['label'])
    assert notified, notified
    assert _denied(_error(lambda: enforcement.model(PETITION, 'write',
                [petition], {'handling_note': '越权'})))
    civil.model(PETITION, 'write', [petition], {
            'handling_note': '已调阅原审卷宗。', 'reply_text': '原判并无不当。'})
    civil.model(PETITION, 'handle', [petition])
    civil.model(PETITION, 'reply', [petition])
    row, = admin.model(PETITION, 'read', [petition], ['state'])
    assert row['state'] == 'replied'
    # the lines follow
    assert civil.model('court.petition.petitioner', 'search',
        [('petition', '=', petition)], 0, None, None)
    assert not enforcement.model('court.petition.petitioner', 'search',
        [('petition', '=', petition)], 0, None, None)


def test_departments_access(sessions, demo):
    "Every court user reads its court's departments; none writes them"
    for role in ['clerk', 'judge', 'petition', 'leader']:
        rpc = sessions(role)
        ids = set(rpc.model('court.department', 'search', [], 0, None,
                None))
        assert ids == set(demo['departments'].values()), role
        assert _denied(_error(lambda: rpc.model('court.department',
                    'write', sorted(ids)[:1], {'name': '改名'}))), role
        assert _denied(_error(lambda: rpc.model('court.department',
                    'create', [{'company': demo['court'],
                            'name': '新部门'}]))), role


def test_lines_follow_petition_rules(sessions, demo):
    "Petitioners and reports follow the rules of their petition"
    judge = sessions('judge')
    visible = set(judge.model(PETITION, 'search', [], 0, None, None))
    hidden = sorted(demo['court_petitions'] - visible)[:20]
    assert hidden
    for model in ['court.petition.petitioner', 'court.petition.report',
            'court.petition.supervision']:
        assert not judge.model(model, 'search',
            [('petition', 'in', hidden)], 0, None, None), model


def test_escalations_access(sessions, demo):
    officer = sessions('petition')
    leader = sessions('leader')
    clerk = sessions('clerk')
    person = demo['persons'][2]['id']
    escalation, = officer.model('court.petition.escalation', 'create', [{
                'company': demo['court'], 'destination': 'beijing',
                'party': person,
                'date': _json_date(testdb.court_today())}])
    assert escalation in leader.model('court.petition.escalation', 'search',
        [], 0, None, None)
    assert _denied(_error(lambda: leader.model(
                'court.petition.escalation', 'write', [escalation],
                {'note': 'x'})))
    assert _denied(_error(lambda: clerk.model(
                'court.petition.escalation', 'search', [], 0, None, None)))
    other = sessions('petition', OTHER)
    assert escalation not in other.model('court.petition.escalation',
        'search', [], 0, None, None)


@pytest.mark.parametrize('role,court', [(r, c) for r, c in ALL_ROLES
        if 'r' in ACCESS[r]])
def test_form_opens(sessions, role, court):
    """The form of the petitions a role sees opens as sao opens it: every
    field of the view with the names of the records it links to (a related
    petition or mediation case of another court must not be offered)"""
    rpc = sessions(role, court)
    view = rpc(f'model.{PETITION}.fields_view_get', None, 'form')
    fields = []
    for name, field in view['fields'].items():
        fields.append(name)
        if field['type'] in {'many2one', 'reference'}:
            fields.append(f'{name}.rec_name')
    ids = set()
    for domain in [[('repeat', '=', True)], [('channel', '=', 'superior')],
            [('key', '=', True)], []]:
        ids.update(rpc.model(PETITION, 'search', domain, 0, 5, None))
    assert ids
    refused = [f for f in fields if _error(lambda: rpc.model(
                PETITION, 'read', sorted(ids), [f]))]
    assert not refused, (role, court, refused)
    rows = rpc.model(PETITION, 'read', sorted(ids), fields)
    for row in rows:
        for name in ['related_petitions', 'subordinate_petitions']:
            if row.get(name):
                rpc.model(PETITION, 'read', row[name], ['rec_name'])
        if row.get('mediation_cases'):
            rpc.model('court.mediation.case', 'read', row['mediation_cases'],
                ['rec_name'])


def test_graph_counts_petitions(sessions, demo):
    """The petitions' graph view adds up its y field (sao sums it): the
    sum over the officer's petitions is their number"""
    officer = sessions('petition')
    view = officer.model(PETITION, 'fields_view_get', None, 'graph')
    y_fields = [f.get('name') for f in ET.fromstring(view['arch']).iter(
            'field') if f.get('name') != 'category']
    assert y_fields, view['arch']
    ids = officer.model(PETITION, 'search', [], 0, 200, None)
    assert len(ids) > 1
    rows = officer.model(PETITION, 'read', ids, y_fields)
    for name in y_fields:
        assert sum(r[name] or 0 for r in rows) == len(ids), name
