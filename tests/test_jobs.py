"""后台任务 (court.job): a large Excel export, a large roster import and the
evaluation of many courts run as background jobs; the user follows them in
法院 › 后台任务 and gets a notification when they end.

The server of this module lowers the thresholds through the environment
(``[court] export_job_rows`` 50, ``import_job_rows`` 5,
``evaluate_job_courts`` 2). No queue worker is configured here, so Tryton
runs each job in the request once its transaction is committed: when the
wizard answers, the job is finished. The same export through a real
``trytond-worker`` on PostgreSQL is in tests/test_multiprocess.py."""
import base64
import contextlib
import io
import json

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError, denied

openpyxl = pytest.importorskip('openpyxl')

JOB = 'court.job'
CASE = 'court.mediation.case'
MEDIATOR = 'court.mediator'
EVALUATION = 'court.scoring.evaluation'
COURT = '410302'
OTHER = '410303'
CITY = '4103'
YEAR = testdb.court_today().year - 1
# the evaluations this module makes (they are computed: nobody may delete
# them) are of a year the demo's evaluations and the tests counting them
# (test_rpc_scoring.py) do not look at: the database is shared
EARLIER = YEAR - 1
JOB_FIELDS = ['name', 'kind', 'state', 'done', 'total', 'progress', 'user',
    'company', 'started', 'finished', 'message', 'error', 'result_name']


@pytest.fixture(scope='module')
def job_server(demo_db):
    with demo_db.server(extra_env={
                'TRYTOND_COURT__EXPORT_JOB_ROWS': '50',
                'TRYTOND_COURT__IMPORT_JOB_ROWS': '5',
                'TRYTOND_COURT__EVALUATE_JOB_COURTS': '2',
                }) as server:
        yield server


@pytest.fixture(scope='module')
def login(job_server):
    cache = {}

    def get(role, court=COURT):
        key = f'{role}_{court}'
        if key not in cache:
            cache[key] = job_server.rpc(key)
        return cache[key]
    return get


@pytest.fixture(scope='module')
def job_admin(job_server):
    "The administrator's session on this module's server"
    return job_server.rpc('admin', testdb.ADMIN_PASSWORD)


def _court(admin, division):
    court, = admin.model('company.company', 'search',
        [('division_code', '=', division)], 0, None, None)
    return court


def _wizard(rpc, name, data, state, context=None):
    context = context or rpc.context
    session, start, _ = rpc._call(f'wizard.{name}.create', [context])
    try:
        return rpc._call(f'wizard.{name}.execute',
            [session, data, state, context])
    finally:
        rpc._call(f'wizard.{name}.delete', [session, context])


def _job_of(result):
    "The job the wizard's answer opens"
    (action, _), = result['actions']
    assert action['res_model'] == JOB, action
    (field, operator, job_id), = json.loads(action['pyson_domain'])
    assert (field, operator) == ('id', '=')
    return job_id


def _export(rpc, model, ids):
    context = dict(rpc.context, active_model=model, active_ids=ids,
        active_id=ids[0])
    return _wizard(rpc, 'court.export.xlsx', {}, 'start', context)


def _notifications(rpc, job_id):
    return [n for n in rpc.model('res.notification', 'search_read',
            [('model', '=', JOB)], 0, None, None,
            ['label', 'description', 'records'])
        if json.loads(n['records']) == [job_id]]


def test_small_export_stays_direct(login):
    leader = login('leader')
    ids = leader.model(CASE, 'search', [], 0, 10, [('id', 'ASC')])
    result = _export(leader, CASE, ids)
    assert result['view']['defaults']['records'] == 10
    assert not result.get('actions')


def test_large_export_runs_as_job(login, job_admin):
    leader = login('leader')
    ids = leader.model(CASE, 'search', [], 0, 60, [('id', 'ASC')])
    assert len(ids) == 60
    job_id = _job_of(_export(leader, CASE, ids))
    job, = leader.model(JOB, 'read', [job_id], JOB_FIELDS + ['result'])
    assert job['state'] == 'done', job
    assert job['kind'] == 'export'
    assert (job['done'], job['total']) == (60, 60)
    assert job['progress'] == 1.0
    assert job['user'] == leader.user_id
    assert job['company'] == _court(job_admin, COURT)
    assert job['started'] and job['finished']
    assert '导出' in job['name'] and '60' in job['message'], job
    assert job['error'] is None
    assert job['result_name'].endswith('.xlsx')
    data = job['result']
    data = base64.b64decode(data['base64']) if isinstance(data, dict) \
        else data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.max_row == 61
    headers = [c.value for c in sheet[1]]
    numbers = {row[headers.index('案号')] for row in sheet.iter_rows(
            min_row=2, values_only=True)}
    assert numbers == {r['number'] for r in leader.model(CASE, 'read', ids,
            ['number'])}
    # the leader is told in the web client
    notification, = _notifications(leader, job_id)
    assert '后台任务已完成' in notification['label'], notification


def test_large_export_of_another_court_refused(login, job_admin):
    theirs = job_admin.model(CASE, 'search',
        [('company', '=', _court(job_admin, COURT))], 0, 60, None)
    other = login('leader', OTHER)
    before = other.model(JOB, 'search_count', [])
    assert denied(lambda: _export(other, CASE, theirs))
    # refused before any job is made
    assert other.model(JOB, 'search_count', []) == before


def test_job_access_role_by_role(login, job_admin, job_server):
    "A user sees their own jobs, a court administrator those of the court"
    leader = login('leader')
    jobs = leader.model(JOB, 'search', [('kind', '=', 'export')], 0, None,
        None)
    assert jobs
    mine = jobs[0]
    # every other role of the court, and the other court, sees none of them
    for role, court in [('clerk', COURT), ('mediator', COURT),
            ('judge', COURT), ('scoring', COURT), ('roster', COURT),
            ('leader', OTHER), ('scoring', CITY)]:
        rpc = login(role, court)
        assert not set(jobs) & set(rpc.model(JOB, 'search', [], 0, None,
                None)), (role, court)
        assert denied(lambda: rpc.model(JOB, 'read', [mine], ['name'])), (
            role, court)
    # nobody writes, creates or deletes a job through the client
    assert denied(lambda: leader.model(JOB, 'write', [mine],
            {'name': 'x'}))
    assert denied(lambda: leader.model(JOB, 'delete', [mine]))
    assert denied(lambda: leader.model(JOB, 'create', [{
                    'name': 'x', 'kind': 'export',
                    'user': leader.user_id}]))
    # a court administrator of the court sees them, one of another court
    # does not
    group = job_admin.model('ir.model.data', 'get_id', 'court_base',
        'group_court_admin')
    password = 'Jobs-' + 'x9Q!' * 4
    for division in (COURT, OTHER):
        login_name = f'job_admin_{division}'
        if not job_admin.model('res.user', 'search',
                [('login', '=', login_name)], 0, None, None):
            court = _court(job_admin, division)
            job_admin.model('res.user', 'create', [{
                        'name': f'后台任务管理员{division}',
                        'login': login_name, 'password': password,
                        'company': court, 'companies': [('add', [court])],
                        'groups': [('add', [group])],
                        }])
    ours = job_server.rpc('job_admin_' + COURT, password)
    theirs = job_server.rpc('job_admin_' + OTHER, password)
    assert set(jobs) <= set(ours.model(JOB, 'search', [], 0, None, None))
    assert ours.model(JOB, 'read', [mine], ['name'])
    assert not set(jobs) & set(theirs.model(JOB, 'search', [], 0, None,
            None))
    assert denied(lambda: theirs.model(JOB, 'read', [mine], ['name']))


def _id(body):
    from trytond.modules.court_base.validators import (
        id_number_check_character)
    return body + id_number_check_character(body)


def _sheet(rows):
    from trytond.modules.court_mediation import roster_import
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([h for _, h, _ in roster_import.COLUMNS])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _import(rpc, court, data):
    return _wizard(rpc, 'court.mediator.import', {'start': {
                'file': {'__class__': 'bytes',
                    'base64': base64.b64encode(data).decode()},
                'filename': '名册.xlsx', 'company': court,
                'appoint': None}}, 'import_')


def _people(first):
    return [[f'任务测试{i}', _id(f'41039919610101{i:03d}'), None]
        for i in range(first, first + 6)]


def test_large_import_fails_with_chinese_message_nothing_imported(
        login, job_admin):
    roster = login('roster')
    court = _court(job_admin, COURT)
    rows = _people(900)
    rows[3][2] = '123'      # row 5 of the sheet: not a mobile number
    before = roster.model(MEDIATOR, 'search_count', [])
    job_id = _job_of(_import(roster, court, _sheet(rows)))
    job, = roster.model(JOB, 'read', [job_id], JOB_FIELDS)
    assert job['state'] == 'failed', job
    assert job['kind'] == 'import'
    assert '第 5 行' in job['error'] and '手机号码' in job['error'], job
    assert job['finished'] and not job['message']
    # nothing half-imported
    assert roster.model(MEDIATOR, 'search_count', []) == before
    assert not job_admin.model('party.party', 'search',
        [('id_number', 'in', [r[1] for r in rows])], 0, None, None)
    notification, = _notifications(roster, job_id)
    assert '后台任务失败' in notification['label'], notification
    assert '第 5 行' in notification['description']


def test_large_import_runs_as_job(login, job_admin):
    roster = login('roster')
    court = _court(job_admin, COURT)
    rows = _people(920)
    job_id = _job_of(_import(roster, court, _sheet(rows)))
    job, = roster.model(JOB, 'read', [job_id], JOB_FIELDS + ['source'])
    try:
        assert job['state'] == 'done', job
        assert (job['done'], job['total']) == (6, 6)
        assert '6' in job['message'] and '导入' in job['message'], job
        # the sheet is not kept once the job is finished
        assert not job['source']
        mediators = roster.model(MEDIATOR, 'search',
            [('party.id_number', 'in', [r[1] for r in rows])], 0, None, None)
        assert len(mediators) == 6
    finally:
        mediators = job_admin.model(MEDIATOR, 'search',
            [('party.id_number', 'in', [r[1] for r in rows])], 0, None, None)
        with contextlib.suppress(RPCError):
            job_admin.model(MEDIATOR, 'delete', mediators)


def test_evaluation_of_many_courts_runs_as_job(login, job_admin):
    scoring = login('scoring', CITY)
    city = _court(job_admin, CITY)
    scheme, = job_admin.model('court.scoring.scheme', 'search',
        [('code', '=', 'TARGETS-2026')], 0, None, None)
    context = dict(scoring.context, company=city)
    result = _wizard(scoring, 'court.scoring.evaluate', {'start': {
                'superior': city, 'level': 'basic', 'scheme': scheme,
                'period_kind': 'month', 'year': EARLIER,
                'period_number': 7}}, 'evaluate', context)
    job_id = _job_of(result)
    job, = scoring.model(JOB, 'read', [job_id], JOB_FIELDS)
    assert job['state'] == 'done', job
    assert job['kind'] == 'evaluation'
    assert job['total'] == job['done'] == 3
    rows = scoring.model(EVALUATION, 'search_read', [
            ('scheme', '=', scheme), ('period_kind', '=', 'month'),
            ('year', '=', EARLIER), ('period_number', '=', 7)], 0, None, None,
        ['state', 'rank', 'peer_count'])
    assert len(rows) == 3
    assert {r['state'] for r in rows} == {'computed'}
    assert all(r['peer_count'] == 3 for r in rows), rows
    assert '3' in job['message']
