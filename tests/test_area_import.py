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
