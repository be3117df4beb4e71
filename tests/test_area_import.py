"""The Excel import and export of area data (区域数据导入, court_grid), as
real users through JSON-RPC against a real trytond process: export → import
changes nothing, edited rows change exactly those areas, bad rows are
refused with their zh_CN messages and nothing is written, and only court
administrators and filing officers import, for their courts."""
import io

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

COURT = '410302'        # 洛阳市老城区人民法院
OTHER = '410303'        # 洛阳市西工区人民法院
CITY = '4103'
TOWNSHIP = '410302003'  # 西北隅街道, served by 老城区 itself
AREA = 'court.grid.area'
IMPORT = 'court.grid.area.data.import'
EXPORT = 'court.grid.area.data.export'
HEADERS = ['区划代码', '名称', '层级', '上级区划代码', '常住人口', '服务法院代码']


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _rows(data):
    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [h.rstrip('*') for h in rows[0]] == HEADERS, rows[0]
    return rows[1:]


def _sheet(rows):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _start(data):
    return {'file': testdb.rpc_bytes(data), 'filename': 'areas.xlsx',
        'township': None}


def _preview(rpc, data):
    wizard = testdb.Wizard(rpc, IMPORT)
    result = wizard.execute('preview', {'start': _start(data)})
    return wizard, result['view']['defaults']


def _import(rpc, data):
    "Check then import as the client does; return the preview"
    wizard, preview = _preview(rpc, data)
    wizard.execute('import_', {'start': _start(data), 'preview': preview})
    return preview


def _snapshot(admin, prefix=COURT):
    "{code: (name, level, parent code, population, court, write_date)}"
    rows = admin.model(AREA, 'search_read', [
            ('code', 'like', prefix + '%'),
            ('active', 'in', [True, False])], 0, None, None,
        ['code', 'name', 'level', 'parent', 'population', 'company',
            'write_date'])
    codes = {r['id']: r['code'] for r in rows}
    parents = {r['parent'] for r in rows if r['parent']} - set(codes)
    if parents:
        codes.update({r['id']: r['code'] for r in admin.model(AREA, 'read',
                    sorted(parents), ['code'])})
    return {r['code']: (r['name'], r['level'], codes.get(r['parent']),
            r['population'], r['company'], str(r['write_date']))
        for r in rows}


@pytest.fixture(scope='module')
def courts(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1, division
        return ids[0]
    return {'court': court(COURT), 'other': court(OTHER), 'city': court(CITY)}


@pytest.fixture(scope='module')
def court_admin(server, admin, courts):
    "A court administrator of 老城区 (the demo has none but admin)"
    group, = admin.model('res.group', 'search', [
            ('name', '=', '平台管理员')], 0, None, None)
    login = f'areaadmin_{COURT}'
    user, = admin.model('res.user', 'create', [{
                'login': login, 'name': '老城区法院管理员（区域）',
                'password': testdb.DEMO_PASSWORD,
                'groups': [('add', [group])],
                'companies': [('add', [courts['court']])],
                'company': courts['court']}])
    yield server.rpc(login)
    admin.model('res.user', 'write', [user], {'active': False})


def _export(rpc):
    "The areas of the township, exported from the area list's action"
    ids = rpc.model(AREA, 'search', [('code', 'like', TOWNSHIP + '%')],
        0, None, None)
    assert len(ids) > 10
    wizard = testdb.Wizard(rpc, EXPORT, active_model=AREA, active_id=ids[0],
        active_ids=ids)
    result = wizard.execute('start')
    return testdb.rpc_file(result['view']['defaults']['file'])


def test_round_trip(sessions, admin):
    """Export → import: nothing changes; two populations changed and two
    cells added in the sheet: exactly those changes"""
    filing = sessions('filing', COURT)
    data = _export(filing)
    rows = _rows(data)
    before = _snapshot(admin)
    assert {r[0] for r in rows} == {c for c in before
        if c.startswith(TOWNSHIP)}
    township, = [r for r in rows if r[0] == TOWNSHIP]
    assert township[1:] == ['西北隅街道', '乡镇', COURT, 0, '豫0302']
    # the wizard's "download current data" gives the same sheet
    wizard = testdb.Wizard(filing, IMPORT)
    township_id, = admin.model(AREA, 'search', [('code', '=', TOWNSHIP)],
        0, None, None)
    result = wizard.execute('download', {'start': {'file': None,
                'township': township_id}})
    assert _rows(testdb.rpc_file(result['view']['values']['current'])) == rows

    preview = _import(filing, data)
    assert (preview['errors'], preview['updated'], preview['created']) == (
        0, 0, 0), preview
    assert preview['rows'] == len(rows)
    assert '没有错误' in preview['report'], preview['report']
    assert _snapshot(admin) == before

    villages = [r for r in rows if r[2] == '村']
    changed = {villages[0][0]: villages[0][4] + 120,
        villages[1][0]: villages[1][4] + 7}
    for row in rows:
        if row[0] in changed:
            row[4] = changed[row[0]]
    village = villages[2][0]
    new = {village + '901': ('第901网格', 350), village + '902': (
            '第902网格', 0)}
    for code, (name, population) in new.items():
        rows.append([code, name, '网格', village, population, None])
    preview = _import(filing, _sheet(rows))
    assert (preview['errors'], preview['updated'], preview['created']) == (
        0, 2, 2), preview
    after = _snapshot(admin)
    assert set(after) == set(before) | set(new)
    for code, values in before.items():
        if code in changed:
            assert after[code][3] == changed[code]
            assert after[code][:3] == values[:3]
            assert after[code][4] == values[4]
        else:
            assert after[code] == values, code
    court_of_village = before[village][4]
    for code, (name, population) in new.items():
        assert after[code][:5] == (name, 'cell', village, population,
            court_of_village)


BAD_ROWS = [
    # row 2: a good one (nothing of it may be written)
    (['{v}911', '好网格', '网格', '{v}', 10, None], None),
    (['{v}912', '无上级', '网格', '410302003999', 10, None],
        '上级区划代码“410302003999”既不在平台上也不在表格中'),
    (['{t}913', '错层级', '网格', '{t}', 10, None],
        '的层级不能位于“{t}”之下'),
    (['{v}914', '负人口', '网格', '{v}', -3, None],
        '常住人口“-3”不是大于或等于零的整数'),
    (['{v}915', '小数人口', '网格', '{v}', 12.5, None],
        '常住人口“12.5”不是大于或等于零的整数'),
    (['{v}91', '短代码', '网格', '{v}', 1, None],
        '区划代码“{v}91”应为15位数字'),
    (['{v}911', '重复', '网格', '{v}', 1, None],
        '区划代码“{v}911”与第2行重复'),
    (['{v}917', '外院', '网格', '{v}', 1, '豫0303'],
        '法院“洛阳市西工区人民法院”既不是本院也不是下级法院'),
    (['{v}918', '错名层级', '街区', '{v}', 1, None],
        '层级“街区”不是乡镇、村、网格之一'),
    ]


def test_bad_rows_refused(sessions, admin):
    "Every bad row listed with its number and reason; nothing written"
    filing = sessions('filing', COURT)
    village = admin.model(AREA, 'search_read', [
            ('code', 'like', TOWNSHIP + '%'), ('level', '=', 'village')],
        0, 1, [('code', 'ASC')], ['code'])[0]['code']
    fill = {'v': village, 't': TOWNSHIP}
    rows = [[c.format(**fill) if isinstance(c, str) else c for c in row]
        for row, _ in BAD_ROWS]
    before = _snapshot(admin)
    wizard, preview = _preview(filing, _sheet(rows))
    report = preview['report']
    # row 4 has two reasons (a cell's code too short, under a township)
    assert preview['errors'] == len(BAD_ROWS), report
    for number, (_, message) in enumerate(BAD_ROWS, start=2):
        lines = [l for l in report.splitlines()
            if l.startswith(f'第{number}行：')]
        if message is None:
            assert not lines, report
        else:
            assert any(message.format(**fill) in l for l in lines), (
                number, report)
    error = _error(lambda: wizard.execute('import_', {
                'start': _start(_sheet(rows)), 'preview': preview}))
    assert error is not None and '第3行' in error.message, error
    assert _snapshot(admin) == before
    # an unreadable file and a missing column: one message, nothing written
    _, preview = _preview(filing, b'not an excel file')
    assert '不是可读取的Excel工作簿' in preview['report']
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(['区划代码', '名称'])
    output = io.BytesIO()
    book.save(output)
    _, preview = _preview(filing, output.getvalue())
    assert '缺少“层级”列' in preview['report'], preview['report']
    assert _snapshot(admin) == before


@pytest.mark.parametrize('role,court', [
        ('clerk', COURT), ('mediator', COURT), ('judge', COURT),
        ('petition', COURT), ('leader', COURT), ('roster', COURT),
        ('scoring', COURT), ('grid', COURT), ('supervisor', CITY)])
def test_other_roles_refused(sessions, admin, role, court):
    "Who may not edit areas cannot start the import"
    before = _snapshot(admin)
    rpc = sessions(role, court)
    error = _error(lambda: _import(rpc, _export(sessions('filing', COURT))))
    assert error is not None and (
        '没有运行向导程序' in error.message
        or '只有法院管理员和立案庭干警可以导入区域数据' in error.message), error
    assert _snapshot(admin) == before


def test_other_court_refused(sessions, admin):
    """A filing officer of 西工区 cannot import 老城区's areas: every row
    refused, nothing written"""
    data = _export(sessions('filing', COURT))
    rows = _rows(data)
    for row in rows:
        row[4] = (row[4] or 0) + 1
    before = _snapshot(admin)
    rpc = sessions('filing', OTHER)
    wizard, preview = _preview(rpc, _sheet(rows))
    assert preview['errors'] >= len(rows), preview
    assert f'区划代码为“{TOWNSHIP}”的区域不由本院或下级法院服务' in \
        preview['report']
    error = _error(lambda: wizard.execute('import_', {
                'start': _start(_sheet(rows)), 'preview': preview}))
    assert error is not None and '不由本院或下级法院服务' in error.message
    assert _snapshot(admin) == before
    # nor download them
    township_id, = admin.model(AREA, 'search', [('code', '=', TOWNSHIP)],
        0, None, None)
    wizard = testdb.Wizard(rpc, IMPORT)
    error = _error(lambda: wizard.execute('download', {'start': {
                    'file': None, 'township': township_id}}))
    assert error is not None and '既不是本院也不是下级法院' in error.message


def test_court_admin_imports(court_admin, admin):
    "A court administrator of the court imports its areas"
    rows = _rows(_export(court_admin))
    village = next(r for r in rows if r[2] == '村')
    village[4] += 1
    before = _snapshot(admin)
    preview = _import(court_admin, _sheet([village]))
    assert (preview['errors'], preview['updated']) == (0, 1), preview
    after = _snapshot(admin)
    assert after[village[0]][3] == village[4]
    assert {c: v for c, v in after.items() if c != village[0]} == {
        c: v for c, v in before.items() if c != village[0]}


@pytest.mark.parametrize('role', ['clerk', 'leader'])
def test_readers_export(sessions, role):
    "Who reads areas exports them (the import is refused to them)"
    rows = _rows(_export(sessions(role, COURT)))
    assert any(r[0] == TOWNSHIP for r in rows)


# ------------------------------------------------------ large sheets: a job
#
# A sheet of more than [court] import_job_rows rows is imported by a
# background job (court.job, doc/jobs.md).  This module's job server lowers
# the threshold to JOB_ROWS through the environment; it has no queue
# worker, so Tryton runs the job in the request once its transaction is
# committed: when the wizard answers, the job is finished.  The same
# import through a real trytond-worker: test_large_import_through_worker.

JOB = 'court.job'
JOB_ROWS = 5
JOB_FIELDS = ['name', 'kind', 'state', 'done', 'total', 'progress', 'user',
    'company', 'started', 'finished', 'message', 'error', 'source']
JOB_ENV = {'TRYTOND_COURT__IMPORT_JOB_ROWS': str(JOB_ROWS)}


@pytest.fixture(scope='module')
def job_server(demo_db):
    with demo_db.server(extra_env=JOB_ENV) as server:
        yield server


@pytest.fixture(scope='module')
def job_login(job_server):
    cache = {}

    def get(role, court=COURT):
        key = f'{role}_{court}'
        if key not in cache:
            cache[key] = job_server.rpc(key)
        return cache[key]
    return get


def _job_of(result):
    "The job the wizard's answer opens"
    import json
    (action, _), = result['actions']
    assert action['res_model'] == JOB, action
    (field, operator, job_id), = json.loads(action['pyson_domain'])
    assert (field, operator) == ('id', '=')
    return job_id


def _import_direct(rpc, data):
    "导入 without the preview (as a client may): the wizard's answer"
    wizard = testdb.Wizard(rpc, IMPORT)
    return wizard.execute('import_', {'start': _start(data)})


def _notifications(rpc, job_id):
    import json
    return [n for n in rpc.model('res.notification', 'search_read',
            [('model', '=', JOB)], 0, None, None,
            ['label', 'description', 'records'])
        if json.loads(n['records']) == [job_id]]


def _edited(rows, village_index, cells):
    """rows with two villages' populations raised and `cells` new cells
    (code suffixes) under another village: (sheet rows, {code: population},
    {new code: name})"""
    rows = [list(r) for r in rows]
    villages = [r for r in rows if r[2] == '村']
    changed = {villages[0][0]: villages[0][4] + 31,
        villages[1][0]: villages[1][4] + 3}
    for row in rows:
        if row[0] in changed:
            row[4] = changed[row[0]]
    village = villages[village_index % len(villages)][0]
    new = {}
    for suffix in cells:
        code = village + suffix
        new[code] = f'第{suffix}网格'
        rows.append([code, new[code], '网格', village, 40, None])
    return rows, changed, new


def test_large_preview_stays_in_request(job_login, admin):
    """检查 of a large sheet answers in the request (no job) and says the
    import will run as a background job"""
    filing = job_login('filing')
    data = _export(filing)
    assert len(_rows(data)) > JOB_ROWS
    jobs = filing.model(JOB, 'search_count', [])
    _, preview = _preview(filing, data)
    assert (preview['errors'], preview['updated'], preview['created']) == (
        0, 0, 0), preview
    assert '后台任务' in preview['report'], preview['report']
    assert f'超过 {JOB_ROWS} 行' in preview['report'], preview['report']
    assert filing.model(JOB, 'search_count', []) == jobs


def test_large_import_runs_as_job(job_login, admin, courts):
    """导入 of a large sheet: a job of the filing officer, opened by the
    wizard, done with its progress and a Chinese outcome; exactly the
    sheet's changes; the exported sheet imported again by a job restores
    the populations (the new cells are removed afterwards)"""
    filing = job_login('filing')
    original = _rows(_export(filing))
    before = _snapshot(admin)
    rows, changed, new = _edited(original, 3, ['921', '922'])
    try:
        wizard, preview = _preview(filing, _sheet(rows))
        assert (preview['errors'], preview['updated'],
            preview['created']) == (0, 2, 2), preview
        result = wizard.execute('import_', {'start': _start(_sheet(rows)),
                'preview': preview})
        job_id = _job_of(result)
        job, = filing.model(JOB, 'read', [job_id], JOB_FIELDS)
        assert job['state'] == 'done', job
        assert job['kind'] == 'import'
        assert job['name'] == '导入区域数据：areas.xlsx', job
        assert (job['done'], job['total'], job['progress']) == (4, 4, 1.0)
        assert job['user'] == filing.user_id
        assert job['company'] == courts['court']
        assert job['started'] and job['finished'] and not job['error']
        assert job['message'] == (f'已导入 {len(rows)} 行区域数据：'
            '更新 2 个区域，新建 2 个。'), job
        # the sheet is not kept once the job is finished
        assert not job['source']
        notification, = _notifications(filing, job_id)
        assert '后台任务已完成' in notification['label'], notification
        after = _snapshot(admin)
        assert set(after) == set(before) | set(new)
        for code, values in before.items():
            if code in changed:
                assert after[code][3] == changed[code]
                assert after[code][:3] == values[:3]
            else:
                assert after[code] == values, code
        for code, name in new.items():
            assert after[code][:4] == (name, 'cell', code[:12], 40)

        # the exported sheet again, through a job: the populations back
        job_id = _job_of(_import_direct(filing, _sheet(original)))
        job, = filing.model(JOB, 'read', [job_id], JOB_FIELDS)
        assert job['state'] == 'done', job
        assert (job['done'], job['total']) == (2, 2), job
        assert '更新 2 个区域，新建 0 个' in job['message'], job
        restored = _snapshot(admin)
        for code, values in before.items():
            assert restored[code][:5] == values[:5], code
    finally:
        cells = admin.model(AREA, 'search', [
                ('code', 'in', sorted(new)),
                ('active', 'in', [True, False])], 0, None, None)
        if cells:
            admin.model(AREA, 'delete', cells)
    assert set(_snapshot(admin)) == set(before)


def test_large_import_job_fails_nothing_written(job_login, admin):
    """A bad row in a large sheet sent to 导入 without the preview: the job
    fails with the row's Chinese reason, nothing is written, the user is
    told"""
    filing = job_login('filing')
    rows, _, new = _edited(_rows(_export(filing)), 4, ['931', '932'])
    rows[-1][4] = -3                # the last row: a negative population
    number = len(rows) + 1          # its row number in the sheet
    before = _snapshot(admin)
    job_id = _job_of(_import_direct(filing, _sheet(rows)))
    job, = filing.model(JOB, 'read', [job_id], JOB_FIELDS)
    assert job['state'] == 'failed', job
    assert job['finished'] and not job['message'] and not job['source']
    assert f'第{number}行' in job['error'], job
    assert '常住人口“-3”不是大于或等于零的整数' in job['error'], job
    assert (job['done'], job['total']) == (0, 0), job
    assert _snapshot(admin) == before
    notification, = _notifications(filing, job_id)
    assert '后台任务失败' in notification['label'], notification
    assert f'第{number}行' in notification['description']


def test_large_import_of_another_court_refused(job_login, admin):
    """西工区's filing officer sends 老城区's areas (populations changed) to
    the import: the job checks the rows as the wizard does and fails on
    every row of the other court; nothing is written"""
    rows = _rows(_export(job_login('filing')))
    for row in rows:
        row[4] = (row[4] or 0) + 1
    before = _snapshot(admin)
    other = job_login('filing', OTHER)
    job_id = _job_of(_import_direct(other, _sheet(rows)))
    job, = other.model(JOB, 'read', [job_id], JOB_FIELDS)
    assert job['state'] == 'failed', job
    assert f'区划代码为“{TOWNSHIP}”的区域不由本院或下级法院服务' in \
        job['error'], job
    # an error line a row: the notification has them on one line
    assert len(job['error'].splitlines()) >= len(rows), job
    notification, = _notifications(other, job_id)
    assert '后台任务失败' in notification['label'], notification
    assert '第2行' in notification['description'], notification
    assert _snapshot(admin) == before
    # the job is 西工区's filing officer's: 老城区's does not see it
    assert job_id not in job_login('filing').model(JOB, 'search', [], 0,
        None, None)


@pytest.mark.parametrize('role,court', [('clerk', COURT), ('judge', COURT)])
def test_large_import_refused_without_job(job_login, admin, role, court):
    "Who may not import is refused at once: no job is made"
    data = _export(job_login('filing'))
    rpc = job_login(role, court)
    jobs = admin.model(JOB, 'search_count', [])
    before = _snapshot(admin)
    error = _error(lambda: _import_direct(rpc, data))
    assert error is not None and (
        '没有运行向导程序' in error.message
        or '只有法院管理员和立案庭干警可以导入区域数据' in error.message), error
    assert admin.model(JOB, 'search_count', []) == jobs
    assert _snapshot(admin) == before


def test_large_import_through_worker(demo_db, admin):
    """With ``[queue] worker = True`` the request only queues the job (it
    stays 队列中) until a real trytond-worker runs it (PostgreSQL: SQLite
    has no worker)"""
    import os
    import subprocess
    import time
    if not demo_db.env.get('TRYTOND_DATABASE_URI', '').startswith(
            'postgresql'):
        pytest.skip('the queue worker runs on PostgreSQL')
    env = dict(JOB_ENV, TRYTOND_QUEUE__WORKER='True')
    with demo_db.server(extra_env=env) as server:
        filing = server.rpc(f'filing_{COURT}')
        original = _rows(_export(filing))
        before = _snapshot(admin)
        rows, changed, new = _edited(original, 5, ['941'])
        worker = None
        try:
            job_id = _job_of(_import_direct(filing, _sheet(rows)))

            def read():
                job, = filing.model(JOB, 'read', [job_id], JOB_FIELDS)
                return job
            time.sleep(1)
            job = read()
            assert job['state'] == 'queued', job
            assert _snapshot(admin) == before
            log = open(os.path.join(demo_db.workdir, 'worker.log'), 'wb')
            worker = subprocess.Popen([str(testdb.BIN / 'trytond-worker'),
                    '-c', str(testdb.ROOT / 'config' / 'demo.conf'),
                    '-d', demo_db.name, '-n', '1'],
                env=dict(demo_db.env, **env), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
            log.close()
            deadline = time.monotonic() + 90
            while job['state'] in {'queued', 'running'}:
                assert time.monotonic() < deadline, job
                assert worker.poll() is None, open(log.name).read()
                time.sleep(0.3)
                job = read()
            assert job['state'] == 'done', job
            assert (job['done'], job['total']) == (3, 3), job
            after = _snapshot(admin)
            assert set(after) == set(before) | set(new)
            for code, population in changed.items():
                assert after[code][3] == population
        finally:
            if worker is not None:
                testdb.stop_group(worker)
            cells = admin.model(AREA, 'search', [
                    ('code', 'in', sorted(new)),
                    ('active', 'in', [True, False])], 0, None, None)
            if cells:
                admin.model(AREA, 'delete', cells)
            # the populations back, in the request (the job is tested)
            restore = [r for r in original if r[0] in changed]
            _import(filing, _sheet(restore))
    restored = _snapshot(admin)
    for code, values in before.items():
        assert restored[code][:5] == values[:5], code
