"""Cross-court isolation through the wizards and the buttons that act on a
court or a record the user picks, as real users of another court through
JSON-RPC.

trytond 8.0 executes a wizard's states without access checks
(``wizard.*.execute`` is declared ``check_access=False``; only the records
of ``active_ids`` are read under the user's rules when the wizard starts):
whatever a wizard searches, reads or writes in its states ignores the
record rules, the field access and the access rows unless the wizard asks
for them.  Each test below failed before its fix (doc/reliability.md)."""
import io

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

COURT = '410302'    # 洛阳市老城区人民法院
OTHER = '410303'    # 洛阳市西工区人民法院
CITY = '4103'       # 洛阳市中级人民法院
PETITION = 'court.petition'
EVALUATION = 'court.scoring.evaluation'
VALUE = 'court.scoring.value'
CASE = 'court.mediation.case'
AREA = 'court.grid.area'
MEDIATOR = 'court.mediator'
YEAR = testdb.court_today().year - 1


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _denied(error):
    "Whether the server's answer is an access refusal"
    return error is not None and any(
        word in error.message for word in (
            *testdb.DENIED_WORDS, '没有运行向导程序'))


@pytest.fixture(scope='module')
def courts(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1, division
        return ids[0]
    return {'court': court(COURT), 'other': court(OTHER), 'city': court(CITY)}


# a. the petition lookup (关联查询 / repeat petitioners)

@pytest.fixture(scope='module')
def petitioner(admin, courts):
    """A person with petitions in 老城区 and none in 西工区: (party id, ID
    number, the ids of their petitions)"""
    rows = admin.model('court.petition.petitioner', 'search_read', [
            ('party.id_number', '!=', None)], 0, None, None,
        ['party', 'petition'])
    company = {r['id']: r['company'] for r in admin.model(PETITION, 'read',
            sorted({r['petition'] for r in rows}), ['company'])}
    by_party = {}
    for row in rows:
        by_party.setdefault(row['party'], set()).add(company[row['petition']])
    party = next(p for p, companies in sorted(by_party.items())
        if companies == {courts['court']})
    number, = admin.model('party.party', 'read', [party], ['id_number'])
    petitions = admin.model(PETITION, 'search', [
            ('petitioners.party', '=', party)], 0, None, None)
    assert petitions
    return party, number['id_number'], petitions


@pytest.mark.parametrize('role,court', [
        ('petition', OTHER), ('leader', OTHER), ('judge', OTHER),
        ('petition', COURT)])
def test_lookup_lists_only_what_the_user_sees(sessions, petitioner, role,
        court):
    "The lookup by ID number lists only the petitions the user may open"
    party, number, petitions = petitioner
    rpc = sessions(role, court)
    wizard = testdb.Wizard(rpc, 'court.petition.lookup')
    result = wizard.execute('result', {'start': {'id_number': number,
                'case_number': None}})
    found = result['view']['defaults']
    visible = set(rpc.model(PETITION, 'search', [
                ('petitioners.party', '=', party)], 0, None, None))
    assert set(found['petitions']) == visible
    if court == OTHER:
        # another court's petitions: neither listed nor counted
        assert not set(found['petitions']) & set(petitions)
        assert '信访件：0件' in found['summary'], found['summary']
    elif role == 'petition':
        # the court's own petition officer finds them all
        assert set(found['petitions']) == set(petitions)
    # what is listed opens (no access error in the client)
    if found['petitions']:
        rpc.model(PETITION, 'read', found['petitions'], ['rec_name'])
    if found.get('escalations'):
        rpc.model('court.petition.escalation', 'read',
            found['escalations'], ['rec_name'])


def test_lookup_by_case_number_other_court(sessions, admin, courts):
    "The lookup by an original case number stays in the user's court"
    rows = admin.model(PETITION, 'search_read', [
            ('company', '=', courts['court']),
            ('original_trial_number', '!=', None)], 0, 1, None,
        ['original_trial_number'])
    assert rows
    number = rows[0]['original_trial_number']
    theirs = set(admin.model(PETITION, 'search', [
                ('company', '=', courts['court']),
                ['OR', ('original_trial_number', '=', number),
                    ('original_enforcement_number', '=', number)]],
            0, None, None))
    rpc = sessions('petition', OTHER)
    wizard = testdb.Wizard(rpc, 'court.petition.lookup')
    result = wizard.execute('result', {'start': {'id_number': None,
                'case_number': number}})
    assert not set(result['view']['defaults']['petitions']) & theirs


# b. the ranking export (考核排名 Excel)

def _ranking(rpc, superior, scheme, level='basic'):
    wizard = testdb.Wizard(rpc, 'court.scoring.ranking.export', company=superior)
    result = wizard.execute('export', {'start': {
                'superior': superior, 'level': level, 'scheme': scheme,
                'period_kind': 'year', 'year': YEAR, 'period_number': 1}})
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(testdb.rpc_file(
                result['view']['defaults']['file'])))
    return [row[1] for row in book['排名'].iter_rows(min_row=2,
            values_only=True)]


@pytest.fixture(scope='module')
def model_scheme(admin):
    scheme, = admin.model('court.scoring.scheme', 'search',
        [('code', '=', 'MODEL-COURT-2026')], 0, 1, None)
    return scheme


def test_ranking_only_published_for_who_sees_published(sessions, admin,
        courts, model_scheme):
    """A petition officer of the city (who reads published evaluations
    only) exports the city's ranking: the unpublished ones are left out;
    the supervisor's ranking has them"""
    domain = [('company.superior', '=', courts['city']),
        ('company.court_level', '=', 'basic'),
        ('scheme', '=', model_scheme), ('period_kind', '=', 'year'),
        ('year', '=', YEAR)]
    def names(state):
        rows = admin.model(EVALUATION, 'search_read', domain + [state],
            0, None, None, ['company'])
        return sorted(r['rec_name'] for r in admin.model('company.company',
                'read', [r['company'] for r in rows], ['rec_name']))
    published = names(('state', '=', 'published'))
    computed = names(('state', '!=', 'draft'))
    # the demo publishes the first basic court's only
    assert 0 < len(published) < len(computed)
    officer = sessions('petition', CITY)
    rows = _ranking(officer, courts['city'], model_scheme)
    assert sorted(rows) == published
    supervisor = sessions('supervisor', CITY)
    rows = _ranking(supervisor, courts['city'], model_scheme)
    assert sorted(rows) == computed


def test_ranking_of_another_court_refused(sessions, courts, model_scheme):
    "A basic court's user cannot rank the city's courts nor its neighbour"
    clerk = sessions('clerk', COURT)
    for superior in [courts['city'], courts['other']]:
        error = _error(lambda: _ranking(clerk, superior, model_scheme))
        assert error is not None and '只能操作本院及下级法院' in error.message, \
            error
    # its own court: its published evaluation only
    assert len(_ranking(clerk, courts['court'], model_scheme)) <= 1


# c. the county import of the grid (导入行政区划)

def _area_count(admin):
    return admin.model(AREA, 'search_count', [])


def _import_areas(rpc, county, court):
    wizard = testdb.Wizard(rpc, 'court.grid.area.import', company=court)
    return wizard.execute('import_', {'start': {
                'county_code': county, 'court': court}})


@pytest.fixture(scope='module')
def court_admin(server, admin, courts):
    "A court administrator of 西工区 (the demo has none but admin)"
    # court_base.group_court_admin (ir.model.data is not served by RPC)
    group, = admin.model('res.group', 'search', [
            ('name', '=', '平台管理员')], 0, None, None)
    user, = admin.model('res.user', 'create', [{
                'login': f'courtadmin_{OTHER}', 'name': '西工区法院管理员',
                'password': testdb.DEMO_PASSWORD,
                'groups': [('add', [group])],
                'companies': [('add', [courts['other']])],
                'company': courts['other']}])
    yield server.rpc(f'courtadmin_{OTHER}')
    admin.model('res.user', 'write', [user], {'active': False})


@pytest.mark.parametrize('role', ['filing', 'grid', 'clerk', 'leader'])
def test_area_import_court_admin_only(sessions, admin, courts, role):
    "Only a court administrator imports a county (filing officers did)"
    before = _area_count(admin)
    rpc = sessions(role, COURT)
    error = _error(lambda: _import_areas(rpc, COURT, courts['court']))
    assert error is not None and '只有法院管理员可以导入行政区划' in \
        error.message, error
    assert _area_count(admin) == before


def test_area_import_own_courts_only(court_admin, admin, courts):
    "A court administrator imports for its courts, not another one"
    before = _area_count(admin)
    error = _error(lambda: _import_areas(court_admin, COURT,
            courts['court']))
    assert error is not None and '老城区' in error.message \
        and '导入' in error.message, error
    assert _area_count(admin) == before
    # its own county, already loaded by the demo: nothing to create
    result = _import_areas(court_admin, OTHER, courts['other'])
    assert result['view']['defaults']['created'] == 0
    assert _area_count(admin) == before


# d. the other wizards acting on a picked court or record

def _roster_sheet(number):
    import xlsxwriter
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ['姓名', '居民身份证号码', '手机号码', '专长案由',
            '加入日期'])
    sheet.write_row(1, 0, ['跨院导入测试', number, '13800138000', '邻里纠纷',
            '2026-01-05'])
    book.close()
    return output.getvalue()


@pytest.mark.parametrize('field', ['company', 'appoint'])
def test_roster_import_other_court(sessions, admin, courts, field):
    "A roster administrator cannot import mediators into another court"
    rpc = sessions('roster', COURT)
    values = {'file': testdb.rpc_bytes(_roster_sheet('11010519491231002X')),
        'filename': 'roster.xlsx', 'company': courts['court'],
        'appoint': None}
    values[field] = courts['other']
    before = admin.model(MEDIATOR, 'search_count', [])
    wizard = testdb.Wizard(rpc, 'court.mediator.import')
    error = _error(lambda: wizard.execute('preview', {'start': values}))
    assert error is not None and '不能为“洛阳市西工区人民法院”导入调解员' in \
        error.message, error
    error = _error(lambda: wizard.execute('import_', {'start': values,
                'preview': {'rows': 1, 'errors': 0, 'report': ''}}))
    assert error is not None and '西工区' in error.message, error
    assert admin.model(MEDIATOR, 'search_count', []) == before


def _value_sheet(court_code, code='C2'):
    import xlsxwriter
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = book.add_worksheet('填报')
    sheet.write_row(0, 0, ['法院代码', '指标代码', '期间类型', '年度', '期号',
            '数值', '备注'])
    sheet.write_row(1, 0, [court_code, code, '季度', YEAR, 2, 80, '跨院'])
    book.close()
    return output.getvalue()


def test_value_import_other_court(sessions, admin, courts):
    """A scoring administrator cannot import the reported values of
    another court (the court code in the sheet)"""
    other, = admin.model('company.company', 'read', [courts['other']],
        ['court_code'])
    rpc = sessions('scoring', COURT)
    before = admin.model(VALUE, 'search_count', [])
    wizard = testdb.Wizard(rpc, 'court.scoring.value.import')
    start = {'file': testdb.rpc_bytes(_value_sheet(other['court_code'])),
        'filename': 'values.xlsx', 'document': None, 'document_name': None}
    result = wizard.execute('preview', {'start': start})
    preview = result['view']['defaults']
    assert not preview['valid'] and preview['rows'] == 0
    assert '既不是本院也不是下级法院' in preview['errors'], preview
    error = _error(lambda: wizard.execute('import_', {'start': start}))
    assert error is not None and '未导入任何数据' in error.message, error
    assert admin.model(VALUE, 'search_count', []) == before
    # the same row for its own court is accepted by the check
    own, = admin.model('company.company', 'read', [courts['court']],
        ['court_code'])
    wizard = testdb.Wizard(rpc, 'court.scoring.value.import')
    result = wizard.execute('preview', {'start': dict(start,
                file=testdb.rpc_bytes(_value_sheet(own['court_code'])))})
    assert '既不是本院' not in (result['view']['defaults']['errors'] or '')


def test_value_correction_other_court(sessions, admin, courts):
    "The correction wizard does not open another court's value"
    value = admin.model(VALUE, 'search', [
            ('company', '=', courts['court'])], 0, 1, None)
    assert value
    before, = admin.model(VALUE, 'read', value, ['value'])
    rpc = sessions('scoring', OTHER)
    error = _error(lambda: testdb.Wizard(rpc, 'court.scoring.value.correct',
            active_model=VALUE, active_id=value[0], active_ids=value))
    assert _denied(error), error
    after, = admin.model(VALUE, 'read', value, ['value'])
    assert after == before


@pytest.fixture(scope='module')
def open_case(admin, courts, sessions):
    "A case of the clerk's station being mediated, and another mediator"
    # preferably one the clerk, the judge and the mediator all see
    domain = [('state', 'in', ['assigned', 'mediating'])]
    seen = [set(sessions(role, COURT).model(CASE, 'search', domain, 0, None,
                None)) for role in ['clerk', 'mediator', 'judge']]
    cases = sorted(set.intersection(*seen)) or sorted(seen[1]) or sorted(
        seen[2])
    assert cases
    case, = admin.model(CASE, 'read', cases[:1], ['mediator'])
    return case


@pytest.mark.parametrize('role', ['clerk', 'judge', 'mediator'])
def test_reassign_filing_officers_only(sessions, admin, open_case, role):
    """Only filing officers reassign a case (the wizard's own group check
    was skipped: it asked for transaction.check_access, which a wizard's
    execution does not set)"""
    rpc = sessions(role, COURT)
    visible = rpc.model(CASE, 'search', [('id', '=', open_case['id'])],
        0, None, None)
    if not visible:
        pytest.skip(f'{role} does not see the case')
    other, = [m for m in admin.model(MEDIATOR, 'search', [
                ('state', '=', 'active'),
                ('id', '!=', open_case['mediator'])], 0, 1, None)]
    wizard = testdb.Wizard(rpc, 'court.mediation.case.reassign',
        active_model=CASE, active_id=open_case['id'],
        active_ids=[open_case['id']])
    error = _error(lambda: wizard.execute('reassign', {'start': {
                    'mediator': other, 'reason': '跨角色改派测试'}}))
    assert error is not None and '只有立案/诉讼服务中心工作人员' in \
        error.message, error
    row, = admin.model(CASE, 'read', [open_case['id']],
        ['mediator', 'assignments'])
    assert row['mediator'] == open_case['mediator']


def test_reassign_other_court_case(sessions, admin, open_case):
    "A filing officer of another court cannot reassign (nor open) the case"
    rpc = sessions('filing', OTHER)
    error = _error(lambda: testdb.Wizard(rpc, 'court.mediation.case.reassign',
            active_model=CASE, active_id=open_case['id'],
            active_ids=[open_case['id']]))
    assert _denied(error), error
    row, = admin.model(CASE, 'read', [open_case['id']], ['mediator'])
    assert row['mediator'] == open_case['mediator']


# the groups of a wizard's action, whatever action id the client sends

@pytest.mark.parametrize('action', ['bogus', 'other'])
def test_wizard_groups_not_lifted_by_action_id(sessions, admin, courts,
        action):
    """A station clerk cannot start the evaluation wizard (its action is
    the scoring and court administrators') by sending the id of no action,
    or of another wizard's action without groups, as ``action_id``: trytond
    found no action of the wizard with that id, hence no group to check"""
    other, = admin.model('ir.action.wizard', 'search', [
            ('wiz_name', '=', 'court.scoring.ranking.export')], 0, 1, None)
    action_id = 10 ** 9 if action == 'bogus' else other
    clerk = sessions('clerk', COURT)
    before = admin.model(EVALUATION, 'search_count', [])
    error = _error(lambda: testdb.Wizard(clerk, 'court.scoring.evaluate',
            action_id=action_id, company=courts['court']))
    assert _denied(error), error
    assert admin.model(EVALUATION, 'search_count', []) == before
    # the scoring administrator still starts it, with or without the id
    testdb.Wizard(sessions('scoring', COURT), 'court.scoring.evaluate',
        action_id=action_id, company=courts['court'])
