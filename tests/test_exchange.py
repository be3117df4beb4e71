"""Exchange of mediation cases with the national mediation platform and
综治 platforms, through JSON-RPC as the demo users: who reads and
configures the profiles, who imports, the round trip of the demo's cases
from one court to another, and bad files refused in Chinese with nothing
written (addons/court_mediation/exchange.py, doc/court_mediation.md)."""
import base64
import io
from decimal import Decimal

import pytest

from court_tools.testdb import RPCError

openpyxl = pytest.importorskip('openpyxl')

CASE = 'court.mediation.case'
PROFILE = 'court.mediation.exchange'
EXPORT = 'wizard.court.mediation.exchange.export'
IMPORT = 'wizard.court.mediation.exchange.import'
COURT, OTHER, CITY = '410302', '410303', '4103'
ROLES = [(r, COURT) for r in ['clerk', 'mediator', 'filing', 'judge',
        'petition', 'leader', 'roster', 'scoring']] + [('supervisor', CITY)]
# exchange.xml: court and roster administrators configure, others read
CONFIGURE = {'roster'}
# the import wizard's groups (and the wizard's own check)
IMPORTERS = {'filing'}
COMPARED = ['source', 'received_date', 'accepted_date', 'concluded_date',
    'dispute_type', 'amount', 'facts', 'consent', 'complexity', 'mediator',
    'state', 'agreement', 'performance', 'satisfaction', 'filing_number']


def _bytes(data):
    return {'__class__': 'bytes', 'base64': base64.b64encode(data).decode()}


def _run(rpc, wizard, states, ids=None, model=CASE):
    """Run a wizard through its states [(state, {view: values})]; return
    the last answer"""
    context = dict(rpc.context, active_model=model, active_ids=ids or [],
        active_id=ids[0] if ids else None)
    session, start, _ = rpc._call(f'{wizard}.create', [context])
    try:
        answer = rpc._call(f'{wizard}.execute', [session, {}, start,
                context])
        data = {}
        for state, values in states:
            data.update(values)
            answer = rpc._call(f'{wizard}.execute', [session, data, state,
                    context])
        return answer
    finally:
        rpc._call(f'{wizard}.delete', [session, context])


def _profile(rpc, name='全国调解平台'):
    ids = rpc.model(PROFILE, 'search', [('name', '=', name)], 0, None,
        None)
    assert len(ids) == 1, (rpc.login, ids)
    return ids[0]


def _export(rpc, ids, profile):
    answer = _run(rpc, EXPORT, [('result', {'start': {
                        'profile': profile, 'records': len(ids)}})], ids)
    result = answer['view']['defaults']
    return base64.b64decode(result['file']['base64'])


def _preview(rpc, profile, data):
    start = {'start': {'profile': profile, 'file': _bytes(data),
            'filename': 'cases.xlsx'}}
    return _run(rpc, IMPORT, [('preview', start)])['view']['defaults']


def _import(rpc, profile, data):
    start = {'profile': profile, 'file': _bytes(data),
        'filename': 'cases.xlsx'}
    preview = _preview(rpc, profile, data)
    _run(rpc, IMPORT, [('preview', {'start': start}),
            ('import_', {'preview': {k: v for k, v in preview.items()
                        if k in {'rows', 'created', 'updated', 'errors',
                            'report'}}})])
    return preview


def _plain(value):
    "A value of JSON-RPC to compare: Decimal 8000 and 8000.00 are equal"
    if isinstance(value, dict) and value.get('__class__') == 'Decimal':
        return Decimal(value['decimal'])
    return value


def _rows(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _sheet(rows, **changes):
    "An .xlsx of rows (headers first), some columns set to a value"
    book = openpyxl.Workbook()
    sheet = book.active
    headers = rows[0]
    sheet.append(headers)
    for row in rows[1:]:
        row = list(row)
        for header, value in changes.items():
            row[headers.index(header)] = value
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.fixture(scope='module')
def courts(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1
        return ids[0]
    return {d: court(d) for d in (COURT, OTHER, CITY)}


@pytest.mark.parametrize('role,court', ROLES)
def test_profiles_access(role, court, sessions, admin, courts):
    """Every role reads the shipped profiles; court and roster
    administrators create profiles of their court; nobody changes the
    shipped ones"""
    rpc = sessions(role, court)
    national = _profile(rpc)
    governance = _profile(rpc, '综治平台')
    columns = rpc.model(PROFILE, 'read', [national], ['columns'])[0][
        'columns']
    assert len(columns) > 10
    assert governance != national
    values = {'name': f'测试格式 {role}', 'target': 'other',
        'file_format': 'csv', 'date_format': '%Y%m%d',
        'columns': [('create', [{'header': '编号',
                        'field': 'external_number'}])]}
    if role in CONFIGURE:
        new, = rpc.model(PROFILE, 'create', [values])
        profile, = rpc.model(PROFILE, 'read', [new], ['company'])
        assert profile['company'] == courts[court]
        rpc.model(PROFILE, 'write', [new], {'name': f'改名 {role}'})
        rpc.model(PROFILE, 'delete', [new])
        # a copy of a shipped profile is the court's, with its columns
        copy, = rpc.model(PROFILE, 'copy', [national], {})
        profile, = rpc.model(PROFILE, 'read', [copy], ['company', 'columns'])
        assert profile['company'] == courts[court]
        assert len(profile['columns']) == len(columns)
        rpc.model(PROFILE, 'write', [copy], {'date_format': '%Y%m%d'})
        rpc.model(PROFILE, 'delete', [copy])
    else:
        with pytest.raises(RPCError):
            rpc.model(PROFILE, 'create', [values])
    # the shipped profile belongs to no court: nobody writes it
    with pytest.raises(RPCError):
        rpc.model(PROFILE, 'write', [national], {'name': '改名'})
    assert admin.model(PROFILE, 'read', [national], ['name'])[0][
        'name'] == '全国调解平台'


def test_admin_configures(admin):
    "The platform administrator (a court administrator) configures too"
    new, = admin.model(PROFILE, 'create', [{'name': '管理员格式',
                'target': 'governance', 'file_format': 'xlsx',
                'date_format': '%Y-%m-%d'}])
    admin.model(PROFILE, 'delete', [new])


@pytest.mark.parametrize('role,court', ROLES)
def test_import_groups(role, court, sessions):
    "Only filing officers (and court administrators) run the import"
    rpc = sessions(role, court)
    profile = _profile(rpc)
    data = _sheet([['平台案件编号'], ['X-1']])
    if role in IMPORTERS:
        preview = _preview(rpc, profile, data)
        assert preview['errors'] > 0 and '缺少' in preview['report']
    else:
        with pytest.raises(RPCError):
            _preview(rpc, profile, data)


def test_round_trip_other_court(sessions, admin, courts):
    """Export the 老城区 court's cases, import them as the 西工区 court
    would receive them: the same records; exported again: the same file;
    imported again: nothing created"""
    filing = sessions('filing', COURT)
    other = sessions('filing', OTHER)
    profile = _profile(filing)
    ids = []
    for state in ('registered', 'mediating', 'succeeded', 'failed',
            'withdrawn', 'transferred'):
        ids += filing.model(CASE, 'search', [('state', '=', state),
                ('company', '=', courts[COURT])], 0, 3, [('id', 'ASC')])
    assert len(ids) >= 12
    rows = _rows(_export(filing, ids, profile))
    headers = rows[0]
    assert len(rows) == len(ids) + 1
    assert '平台案件编号' in headers and '调解状态' in headers
    station, = admin.model('court.station', 'read', admin.model(
            'court.station', 'search', [('company', '=', courts[OTHER]),
                ('kind', '!=', 'court_window')], 0, 1, None), ['name'])
    stations = [r[headers.index('调解站点')] for r in rows[1:]]
    data = _sheet(rows, 法院代码='豫0303')
    # the stations are 老城区's: the rows of a station are refused
    preview = _preview(other, profile, data)
    if any(stations):
        assert '没有名为' in preview['report'], preview['report']
    # as the platform sends them to 西工区: its code, its station
    rows = [rows[0]] + [r[:headers.index('调解站点')] + [
            station['name'] if r[headers.index('调解站点')] else None]
        + r[headers.index('调解站点') + 1:] for r in rows[1:]]
    data = _sheet(rows, 法院代码='豫0303')
    before = set(admin.model(CASE, 'search', [
                ('company', '=', courts[OTHER])], 0, None, None))
    preview = _import(other, profile, data)
    assert preview['errors'] == 0, preview['report']
    assert (preview['created'], preview['updated']) == (len(ids), 0)
    new = set(admin.model(CASE, 'search', [
                ('company', '=', courts[OTHER])], 0, None, None)) - before
    assert len(new) == len(ids)
    originals = {r['number']: r for r in filing.model(CASE, 'read', ids,
            COMPARED + ['number', 'applicants', 'respondents'])}
    imported = other.model(CASE, 'read', sorted(new),
        COMPARED + ['external_number', 'number', 'applicants',
            'respondents', 'company'])
    for case in imported:
        original = originals[case['external_number']]
        for name in COMPARED + ['applicants', 'respondents']:
            assert _plain(case[name]) == _plain(original[name]), (
                name, case, original)
        assert case['company'] == courts[OTHER]
        assert case['number'] and case['number'] != original['number']
    # exported again by 西工区: the same file but for our numbers
    by_key = {c['external_number']: c['id'] for c in imported}
    again = _rows(_export(other, [by_key[r[0]] for r in rows[1:]],
            profile))
    skip = {headers.index(h) for h in ('法院案号', '法院代码', '受理法院')}
    assert [[v for i, v in enumerate(r) if i not in skip] for r in again] \
        == [[v for i, v in enumerate(r) if i not in skip] for r in rows]
    # imported again: matched on the external number, nothing created
    preview = _import(other, profile, data)
    assert (preview['created'], preview['updated']) == (0, len(ids))
    assert set(admin.model(CASE, 'search', [
                ('company', '=', courts[OTHER])], 0, None, None)) - before \
        == new


def test_bad_file_nothing_written(sessions, admin, courts):
    """Each bad value is reported by row and column in Chinese; the
    import is refused and nothing is written"""
    filing = sessions('filing', COURT)
    profile = _profile(filing)
    ids = filing.model(CASE, 'search', [('state', '=', 'registered'),
            ('company', '=', courts[COURT])], 0, 1, None)
    rows = _rows(_export(filing, ids, profile))
    headers = rows[0]
    row = rows[1]

    def changed(**changes):
        new = list(row)
        for header, value in changes.items():
            new[headers.index(header)] = value
        return new
    data = _sheet([headers,
            changed(平台案件编号='B-1', 调解状态='99'),
            changed(平台案件编号='B-2', 登记日期='2026年13月1日'),
            changed(平台案件编号='B-3', 申请人证件号码='410302198003033021'),
            changed(平台案件编号='B-4', 法院代码='豫0303'),
            changed(平台案件编号='B-5', 纠纷类型='邻居吵架'),
            changed(平台案件编号='B-5'),
            changed(平台案件编号='B-7', **{'标的金额（元）': -5}),
            ])
    cases = admin.model(CASE, 'search_count', [])
    parties = admin.model('party.party', 'search_count', [])
    preview = _preview(filing, profile, data)
    report = preview['report']
    for expected in [
            '第 2 行“调解状态”列：“99”既不是交换格式对照表中的代码',
            '第 3 行“登记日期”列：“2026年13月1日”不是交换格式规定的日期',
            '第 4 行“申请人证件号码”列：“410302198003033021”既不是有效的'
            '居民身份证号码',
            '第 5 行“法院代码”列：法院“豫0303”不是您所在的法院',
            '第 6 行“纠纷类型”列：“邻居吵架”既不是交换格式对照表中的代码',
            '第 7 行“平台案件编号”列：外部编号“B-5”已在第 6 行出现',
            '第 8 行“标的金额（元）”列：标的额 -5.00 不能为负数',
            ]:
        assert expected in report, (expected, report)
    assert preview['errors'] == 7, report
    with pytest.raises(RPCError) as info:
        _import(filing, profile, data)
    assert '第 2 行' in info.value.message
    assert admin.model(CASE, 'search_count', []) == cases
    assert admin.model('party.party', 'search_count', []) == parties
    assert not admin.model(CASE, 'search', [
            ('external_number', 'like', 'B-%')], 0, None, None)


def test_export_other_court_refused(sessions, admin, courts):
    "A case of another court refuses the export"
    theirs = admin.model(CASE, 'search', [
            ('company', '=', courts[COURT])], 0, 2, None)
    other = sessions('leader', OTHER)
    with pytest.raises(RPCError):
        _export(other, theirs, _profile(other))


def test_governance_csv_round_trip(sessions, courts):
    """The 综治 platform's CSV (UTF-8 with a byte-order mark, 20260301
    dates, its state texts), read back: the same cases, matched"""
    filing = sessions('filing', COURT)
    profile = _profile(filing, '综治平台')
    ids = filing.model(CASE, 'search', [('state', '=', 'succeeded'),
            ('company', '=', courts[COURT])], 0, 3, [('id', 'ASC')])
    data = _export(filing, ids, profile)
    assert data.startswith('\ufeff'.encode('utf-8'))
    text = data.decode('utf-8-sig')
    assert text.splitlines()[0].startswith('事件编号,')
    assert '化解成功' in text
    preview = _preview(filing, profile, data)
    assert preview['errors'] == 0, preview['report']
    assert (preview['created'], preview['updated']) == (0, len(ids))
