"""Access of every demo role to the scoring schemes, the reported values and
the evaluations, checked from the outside: a real trytond process, JSON-RPC,
each demo user logged in with its own password.

The expectations are read from addons/court_scoring/scoring.xml
(ir.model.access, ir.rule, ir.model.button groups) with the group
inheritance of court_base/res.xml (a superior-court supervisor is also a
court leader; everyone is a court user).  The demo (court_scoring/demo.py)
computed last year's evaluations of every basic court under both shipped
schemes; the first basic court's 100-point evaluation is published, the
second one's confirmed."""
import base64
import datetime as dt
import io
import re

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

COURT = '410302'
OTHER = '410303'
CITY = '4103'
EVALUATION = 'court.scoring.evaluation'
VALUE = 'court.scoring.value'
SCHEME = 'court.scoring.scheme'
YEAR = testdb.court_today().year - 1
BASIC_ROLES = ['clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
    'roster', 'scoring']
ALL_ROLES = [(r, COURT) for r in BASIC_ROLES] + [
    (r, CITY) for r in ['supervisor', 'leader', 'scoring', 'petition']]

# which evaluations each role reads: all of its court (and the courts under
# it), or only the published ones
EVALUATION_SCOPE = {
    'leader': 'all', 'scoring': 'all', 'supervisor': 'all',
    'clerk': 'published', 'mediator': 'published', 'filing': 'published',
    'judge': 'published', 'petition': 'published', 'roster': 'published',
    }
# reported values: read by scoring administrators and leaders (and the
# supervisors, who are leaders); created only by scoring administrators
VALUE_ACCESS = {role: '' for role in EVALUATION_SCOPE}
VALUE_ACCESS.update({'scoring': 'rc', 'leader': 'r', 'supervisor': 'r'})

ACCESS_DENIED = re.compile(
    r'不允许在 .* 上点击按钮|没有访问|没有权限|不允许(读取|写入|删除|创建)'
    r'|不允许.*按钮|You are not allowed|is not allowed|不允许|没有运行向导程序')


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _denied(error):
    return error is not None and bool(ACCESS_DENIED.search(error.message))


def _decimal(value):
    return {'__class__': 'Decimal', 'decimal': str(value)}


def _number(value):
    if isinstance(value, dict):
        return float(value['decimal'])
    return value


@pytest.fixture(scope='module')
def demo(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1, division
        return ids[0]
    info = {'court': court(COURT), 'other': court(OTHER), 'city': court(CITY)}
    # the demo's evaluations (made by the demo loader, as root): not those
    # other tests of the shared database made as scoring administrators
    rows = admin.model(EVALUATION, 'search_read', [('create_uid', '=', 0)],
        0, None, None,
        ['company', 'state', 'scheme', 'total', 'rank', 'peer_count',
            'values_computed', 'values_reported', 'values_missing', 'year',
            'period_kind', 'superior', 'period_number'])
    info['evaluations'] = {r['id']: r for r in rows}
    info['schemes'] = {r['code']: r['id'] for r in admin.model(
            SCHEME, 'search_read', [], 0, None, None, ['code'])}
    info['values'] = {r['id']: r for r in admin.model(VALUE, 'search_read',
            [], 0, None, None, ['company', 'code', 'year'])}
    return info


def _evaluations(demo, court=None, state=None, scheme=None, year=YEAR,
        kind='year'):
    "Last year's evaluations (by default) of the demo"
    return {i for i, r in demo['evaluations'].items()
        if (court is None or r['company'] in court)
        and (year is None or r['year'] == year)
        and (kind is None or r['period_kind'] == kind)
        and (state is None or r['state'] == state)
        and (scheme is None or r['scheme'] == demo['schemes'][scheme])}


def test_demo_evaluations(demo):
    """Every demo basic court is evaluated for last year and for this
    year so far under both schemes; the first two courts month by month"""
    every = list(demo['evaluations'].values())
    rows = [r for r in every if r['year'] == YEAR]
    basic = {r['company'] for r in rows}
    assert len(basic) >= 3 and demo['court'] in basic
    assert len(rows) == 2 * len(basic)
    assert {r['period_kind'] for r in rows} == {'year'}
    this_year = [r for r in every if r['year'] == YEAR + 1]
    assert {(r['company'], r['scheme']) for r in this_year
        if r['period_kind'] == 'year'} == {(r['company'], r['scheme'])
        for r in rows}
    months = [r for r in this_year if r['period_kind'] == 'month']
    assert len(months) == 2 * (testdb.court_today().month - 1)
    assert demo['court'] in {r['company'] for r in months}
    assert {r['year'] for r in every} == {YEAR, YEAR + 1}
    assert {'published', 'confirmed', 'computed'} <= {r['state'] for r in rows}
    for scheme in demo['schemes'].values():
        ranks = sorted(r['rank'] for r in rows if r['scheme'] == scheme
            and r['superior'] == demo['city'])
        assert ranks[0] == 1 and len(ranks) == len(basic)
    model = [r for r in rows
        if r['scheme'] == demo['schemes']['MODEL-COURT-2026']]
    # honest figures: values reported, and the petition codes missing
    assert all(r['values_reported'] > 0 for r in model)
    assert all(r['values_missing'] > 0 for r in model)
    # the targets scheme reads the mediation figures through court.indicator
    targets = [r for r in rows
        if r['scheme'] == demo['schemes']['TARGETS-2026']]
    assert all(r['values_computed'] >= 5 for r in targets)


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_evaluation_read(sessions, demo, role, court):
    rpc = sessions(role, court)
    ids = set(rpc.model(EVALUATION, 'search', [], 0, None, None))
    courts = ([demo['court']] if court == COURT
        else [r['company'] for r in demo['evaluations'].values()])
    state = 'published' if EVALUATION_SCOPE[role] == 'published' else None
    expected = _evaluations(demo, courts, state, year=None, kind=None)
    assert expected <= ids, (role, court)
    assert not (ids - expected) & set(demo['evaluations']), (role, court)
    if court == COURT:
        hidden = sorted(_evaluations(demo, [demo['other']]))[:1]
        assert _denied(_error(lambda: rpc.model(
                    EVALUATION, 'read', hidden, ['total'])))
    if ids:
        lines = rpc.model('court.scoring.evaluation.line', 'search_read',
            [('evaluation', 'in', sorted(ids))], 0, 5, None,
            ['code', 'points', 'reason'])
        assert lines


@pytest.mark.parametrize('role,court', ALL_ROLES)
def test_reported_value_access(sessions, demo, role, court):
    rpc = sessions(role, court)
    perms = VALUE_ACCESS[role]
    call = lambda: rpc.model(VALUE, 'search', [], 0, None, None)
    if 'r' not in perms:
        assert _denied(_error(call)), role
        return
    ids = set(call())
    courts = ({demo['court']} if court == COURT
        else {r['company'] for r in demo['values'].values()})
    expected = {i for i, r in demo['values'].items()
        if r['company'] in courts}
    assert expected <= ids
    assert not (ids - expected) & set(demo['values'])


def _code(rpc, code):
    ids = rpc.model('court.scoring.code', 'search', [('code', '=', code)],
        0, None, None)
    return ids[0]


@pytest.mark.parametrize('role', BASIC_ROLES)
def test_reported_value_create(sessions, demo, role):
    "Only the scoring administrator reports, and only for its court"
    rpc = sessions(role, COURT)
    values = {
        'company': demo['court'],
        'code': _code(rpc, 'C5'),
        'period_kind': 'month',
        'year': testdb.court_today().year,
        'period_number': 1 + BASIC_ROLES.index(role),
        'value': _decimal('66.5'),
        }
    error = _error(lambda: rpc.model(VALUE, 'create', [values]))
    if 'c' in VALUE_ACCESS[role]:
        assert error is None, error
        other = dict(values, company=demo['other'])
        assert _denied(_error(lambda: rpc.model(VALUE, 'create', [other])))
    else:
        assert _denied(error), (role, error)


def test_reported_value_refusals(sessions, demo):
    "Bad input refused with a zh_CN message"
    rpc = sessions('scoring', COURT)
    base = {
        'company': demo['court'], 'code': _code(rpc, 'C2'),
        'period_kind': 'quarter', 'year': YEAR, 'period_number': 1,
        'value': _decimal(80)}
    for values, message in [
            (dict(base, value=_decimal(101)), '比例须在 0 至 100%'),
            (dict(base, period_number=5), '期间不存在'),
            (dict(base, year=YEAR + 3), '尚未开始'),
            ]:
        error = _error(lambda: rpc.model(VALUE, 'create', [values]))
        assert error is not None and message in error.message, error
    assert not rpc.model(VALUE, 'search', [('code.code', '=', 'C2'),
            ('period_kind', '=', 'quarter')], 0, None, None)


def test_correction_keeps_history(sessions, demo):
    "A value is changed only through the correction wizard, with a reason"
    rpc = sessions('scoring', COURT)
    value_id, = rpc.model(VALUE, 'create', [{
                'company': demo['court'], 'code': _code(rpc, 'C7'),
                'period_kind': 'half', 'year': YEAR, 'period_number': 1,
                'value': _decimal(28), 'document': {'__class__': 'bytes',
                    'base64': base64.b64encode(b'%PDF-1.4 demo').decode()},
                'document_name': '依据.pdf'}])
    error = _error(lambda: rpc.model(VALUE, 'write', [value_id],
            {'value': _decimal(35)}))
    assert error is not None and '更正' in error.message
    context = dict(rpc.context, active_model=VALUE, active_id=value_id,
        active_ids=[value_id])
    session_id, _, _ = rpc._call('wizard.court.scoring.value.correct.create',
        [context])
    rpc._call('wizard.court.scoring.value.correct.execute', [session_id, {
                'start': {'new_value': _decimal(35),
                    'reason': '原填报口径错误，按年报更正'}},
            'correct', context])
    row, = rpc.model(VALUE, 'read', [value_id],
        ['value', 'corrections', 'entered_by', 'entered_at'])
    assert _number(row['value']) == 35
    assert row['entered_by'] == rpc.user_id and row['entered_at']
    correction, = rpc.model('court.scoring.value.correction', 'read',
        row['corrections'], ['old_value', 'new_value', 'reason',
            'corrected_by'])
    assert (_number(correction['old_value']), _number(
            correction['new_value'])) == (28, 35)
    assert correction['corrected_by'] == rpc.user_id
    # a leader reads it but cannot correct
    leader = sessions('leader', COURT)
    assert leader.model(VALUE, 'read', [value_id], ['value'])
    assert _denied(_error(lambda: leader.model(VALUE, 'correct',
                [value_id])))


def test_buttons_by_role(sessions, demo):
    "compute: scoring administrators; confirm: leaders; publish: superiors"
    model = 'MODEL-COURT-2026'
    targets = 'TARGETS-2026'
    own, = _evaluations(demo, [demo['court']], scheme=targets)
    other, = _evaluations(demo, [demo['other']], scheme=targets)
    scoring = sessions('scoring', COURT)
    leader = sessions('leader', COURT)
    supervisor = sessions('supervisor', CITY)
    clerk = sessions('clerk', COURT)
    # compute
    assert _denied(_error(lambda: leader.model(EVALUATION, 'compute', [own])))
    assert _denied(_error(lambda: scoring.model(
                EVALUATION, 'compute', [other])))
    scoring.model(EVALUATION, 'compute', [own])
    row, = scoring.model(EVALUATION, 'read', [own],
        ['state', 'computed_at', 'computed_by'])
    assert row['state'] == 'computed' and row['computed_by'] == \
        scoring.user_id
    # confirm
    assert _denied(_error(lambda: scoring.model(
                EVALUATION, 'confirm', [own])))
    assert _denied(_error(lambda: clerk.model(EVALUATION, 'confirm', [own])))
    leader.model(EVALUATION, 'confirm', [own])
    # publish
    assert _denied(_error(lambda: leader.model(
                EVALUATION, 'publish', [own])))
    supervisor.model(EVALUATION, 'publish', [own])
    row, = clerk.model(EVALUATION, 'read', [own], ['state', 'total'])
    assert row['state'] == 'published'
    # published: frozen
    assert _error(lambda: scoring.model(EVALUATION, 'compute', [own]))
    error = _error(lambda: scoring.model(EVALUATION, 'write', [own],
            {'year': YEAR - 1}))
    assert error is not None
    published, = _evaluations(demo, [demo['court']], scheme=model)
    assert _error(lambda: scoring.model(EVALUATION, 'compute', [published]))


def test_open_records(sessions, demo):
    "Every computed value opens onto the records behind it"
    rpc = sessions('leader', COURT)
    values = rpc.model('court.scoring.evaluation.value', 'search_read', [
            ('line.evaluation.company', '=', demo['court']),
            ('source', '=', 'computed'), ('record_count', '>', 0)],
        0, 1, None, ['code', 'record_count'])
    assert values
    action = rpc.model('court.scoring.evaluation.value', 'open_records',
        [values[0]['id']])
    # the model of the records behind the first value found (mediation
    # cases, grid lawsuit counts...)
    assert action['res_model'].startswith('court.'), action['res_model']
    assert 'id' in action['pyson_domain']


def test_scheme_access(sessions, demo):
    scheme = demo['schemes']['MODEL-COURT-2026']
    clerk = sessions('clerk', COURT)
    assert clerk.model(SCHEME, 'read', [scheme], ['name'])
    assert _denied(_error(lambda: clerk.model(SCHEME, 'write', [scheme],
                {'notes': 'x'})))
    leader = sessions('leader', COURT)
    assert _denied(_error(lambda: leader.model(SCHEME, 'copy', [scheme],
                {})))
    scoring = sessions('scoring', CITY)
    copy, = scoring.model(SCHEME, 'copy', [scheme], {'code': 'RPC-COPY'})
    row, = scoring.model(SCHEME, 'read', [copy], ['state', 'sections'])
    assert row['state'] == 'draft' and len(row['sections']) == 4
    # a scheme in force is not changed
    error = _error(lambda: scoring.model(SCHEME, 'write', [scheme],
            {'total': _decimal(90)}))
    assert error is not None and '执行' in error.message


def test_evaluate_and_export_ranking(sessions, demo):
    "A superior court evaluates its courts at once and exports the ranking"
    import openpyxl
    rpc = sessions('scoring', CITY)
    scheme = demo['schemes']['TARGETS-2026']
    context = dict(rpc.context, company=demo['city'])
    session_id, _, _ = rpc._call('wizard.court.scoring.evaluate.create',
        [context])
    result = rpc._call('wizard.court.scoring.evaluate.execute', [
            session_id, {'start': {
                    'superior': demo['city'], 'level': 'basic',
                    'scheme': scheme, 'period_kind': 'quarter',
                    'year': YEAR, 'period_number': 4}},
            'evaluate', context])
    assert result['actions']
    ids = rpc.model(EVALUATION, 'search', [('period_kind', '=', 'quarter'),
            ('year', '=', YEAR), ('scheme', '=', scheme)], 0, None, None)
    rows = rpc.model(EVALUATION, 'read', ids, ['company', 'rank', 'state'])
    assert len(rows) == len({r['company'] for r in
            demo['evaluations'].values()})
    assert sorted(r['rank'] for r in rows)[0] == 1
    # a basic court's scoring administrator cannot evaluate its neighbour
    basic = sessions('scoring', COURT)
    context = dict(basic.context)
    session_id, _, _ = basic._call('wizard.court.scoring.evaluate.create',
        [context])
    error = _error(lambda: basic._call(
            'wizard.court.scoring.evaluate.execute', [session_id, {
                    'start': {'superior': demo['other'],
                        'level': 'basic', 'scheme': scheme,
                        'period_kind': 'year', 'year': YEAR,
                        'period_number': 1}}, 'evaluate', context]))
    assert error is not None and '只能操作本院及下级法院' in error.message
    # the ranking, in Excel
    supervisor = sessions('supervisor', CITY)
    context = dict(supervisor.context, company=demo['city'])
    session_id, _, _ = supervisor._call(
        'wizard.court.scoring.ranking.export.create', [context])
    result = supervisor._call('wizard.court.scoring.ranking.export.execute', [
            session_id, {'start': {
                    'superior': demo['city'], 'level': 'basic',
                    'scheme': demo['schemes']['MODEL-COURT-2026'],
                    'period_kind': 'year', 'year': YEAR,
                    'period_number': 1}},
            'export', context])
    file = result['view']['defaults']['file']
    data = base64.b64decode(file['base64']) if isinstance(file, dict) \
        else file
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book['排名']
    assert [c.value for c in sheet[1]][:2] == ['排名', '法院']
    assert sheet.max_row - 1 == len(_evaluations(
            demo, scheme='MODEL-COURT-2026'))


def _dashboard(rpc, court, **params):
    context = dict(rpc.context, company=court)
    session_id, start, _ = rpc._call('wizard.court.scoring.dashboard.create',
        [context])
    result = rpc._call('wizard.court.scoring.dashboard.execute',
        [session_id, {}, start, context])
    if params:
        values = dict(result['view']['defaults'])
        result = rpc._call('wizard.court.scoring.dashboard.execute', [
                session_id, {'result': dict(values, lines=[])}, 'params',
                context])
        values = dict(result['view']['defaults'], **params)
        result = rpc._call('wizard.court.scoring.dashboard.execute',
            [session_id, {'params': values}, 'result', context])
    return session_id, context, result


def test_dashboard_by_role(sessions, demo):
    """A leader lands on the dashboard of the court: every target of the
    schemes in force, where it stands this year, the gap, the records; other
    roles and other courts are refused"""
    leader = sessions('leader', COURT)
    session_id, context, result = _dashboard(leader, demo['court'])
    view = result['view']
    assert view['state'] == 'result'
    data = view['defaults']
    court_name, = leader.model('company.company', 'read', [demo['court']],
        ['rec_name'])
    assert data['title'].startswith(court_name['rec_name'])
    assert '%d年' % testdb.court_today().year in data['title']
    standings = {l['standing'] for l in data['lines']}
    assert 'met' in standings and standings <= {
        'met', 'at_risk', 'not_met', 'no_data', 'info'}
    assert '目前得' in data['summary'] and '临界' in data['summary']
    # the mediation figures are computed, their records are the cases
    computed = [l for l in data['lines'] if l['source'] == '平台计算'
        and l['records']]
    assert computed
    import json
    details = json.loads(data['details'])
    index = [i for i, d in enumerate(details)
        if d[1] == 'court.mediation.case'][0]
    result = leader._call('wizard.court.scoring.dashboard.execute', [
            session_id, {'result': dict(data, detail=str(index),
                    lines=[])}, 'open_', context])
    action = result['actions'][0][0]
    assert action['res_model'] == 'court.mediation.case'
    ids = details[index][2]
    # the leader reads those cases (they are the court's)
    assert set(leader.model('court.mediation.case', 'search',
            [('id', 'in', ids)], 0, None, None)) == set(ids)
    # another court: refused
    session_id, start, _ = leader._call(
        'wizard.court.scoring.dashboard.create', [context])
    leader._call('wizard.court.scoring.dashboard.execute',
        [session_id, {}, start, context])
    error = _error(lambda: leader._call(
            'wizard.court.scoring.dashboard.execute', [session_id, {
                    'params': {'court': demo['other'],
                        'schemes': [demo['schemes']['TARGETS-2026']],
                        'period_kind': 'year',
                        'year': testdb.court_today().year,
                        'period_number': 1,
                        'as_of': testdb.court_today().isoformat(),
                        'margin': _decimal(5)}}, 'result', context]))
    assert error is not None and '不能查看' in error.message, error
    # the city's supervisor reads a basic court's dashboard
    supervisor = sessions('supervisor', CITY)
    _, _, result = _dashboard(supervisor, demo['city'])
    assert result['view']['state'] == 'result'
    # a station clerk has no dashboard
    clerk = sessions('clerk', COURT)
    error = _error(lambda: _dashboard(clerk, demo['court']))
    assert _denied(error), error


def test_shortfalls_by_role(sessions, demo):
    """The weekly list of items without points: read by leaders and
    scoring administrators of the court, the cause and measure written by
    them, nothing else; unseen by other roles and other courts"""
    SHORTFALL = 'court.scoring.shortfall'
    leader = sessions('leader', COURT)
    rows = leader.model(SHORTFALL, 'search_read', [], 0, None, None,
        ['company', 'code', 'state', 'evaluation'])
    assert rows and {r['company'] for r in rows} == {demo['court']}
    # every item without points of the court's evaluations is listed
    lines = leader.model('court.scoring.evaluation.line', 'search_read', [
            ('evaluation.company', '=', demo['court']),
            ('status', 'in', ['zero', 'no_data', 'disqualified'])],
        0, None, None, ['evaluation', 'code'])
    assert {(l['evaluation'], l['code']) for l in lines} <= {
        (r['evaluation'], r['code']) for r in rows}
    first = rows[0]['id']
    leader.model(SHORTFALL, 'write', [first], {
            'cause': '数据未及时填报', 'measure': '周五前补报并复核'})
    row, = leader.model(SHORTFALL, 'read', [first], ['measure'])
    assert row['measure'] == '周五前补报并复核'
    error = _error(lambda: leader.model(SHORTFALL, 'write', [first],
            {'points': _decimal(10)}))
    assert error is not None and '只能修改' in error.message, error
    assert _denied(_error(lambda: leader.model(SHORTFALL, 'delete',
                [first])))
    scoring = sessions('scoring', COURT)
    assert first in scoring.model(SHORTFALL, 'search', [], 0, None, None)
    # the neighbour court's leader sees none of them
    other = sessions('leader', OTHER)
    others = other.model(SHORTFALL, 'search', [], 0, None, None)
    assert others and first not in others
    assert _denied(_error(lambda: other.model(SHORTFALL, 'read', [first],
                ['cause'])))
    for role in ['clerk', 'mediator', 'petition']:
        rpc = sessions(role, COURT)
        assert _denied(_error(lambda: rpc.model(SHORTFALL, 'search', [],
                    0, None, None)))
