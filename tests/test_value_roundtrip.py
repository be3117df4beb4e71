"""导出填报值（导入格式）: a court's reported values of a period exported in
the import sheet's layout (法院代码, 指标代码, 期间类型, 年度, 期号, 数值, 备注)
import back, through JSON-RPC as the court's scoring administrator.

A reported value is changed only by a correction, with its reason: the
import leaves a row alone when the value is already reported with the same
value (so the exported file imports back without error and writes
nothing), and refuses the row when the value differs. The same file moved
to a fresh period creates the same values; bad rows are refused row by row
and nothing is written."""
import base64
import io

import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

openpyxl = pytest.importorskip('openpyxl')
COURT, OTHER = '410302', '410303'
VALUE = 'court.scoring.value'
HEADERS = ['法院代码', '指标代码', '期间类型', '年度', '期号', '数值', '备注']
YEAR = testdb.court_today().year - 1
FRESH = YEAR - 5    # a period nothing else in the demo reports


def _export(rpc, ids):
    context = dict(rpc.context, active_model=VALUE, active_ids=ids,
        active_id=ids[0])
    result = rpc.wizard('court.scoring.value.export', None,
        context=context)
    return base64.b64decode(result['view']['defaults']['file']['base64'])


def _import(rpc, data, state):
    return rpc.wizard('court.scoring.value.import', state, {'start': {
                'file': {'__class__': 'bytes',
                    'base64': base64.b64encode(data).decode()},
                'filename': '填报.xlsx', 'document': None}})


def _rows(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def _sheet(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _number(value):
    return float(value['decimal']) if isinstance(value, dict) else value


def _records(rpc, ids):
    "(court code, code, period, value, note) of the values ids"
    return sorted((r['company.']['court_code'], r['code.']['code'],
            r['period_kind'], r['year'], r['period_number'],
            _number(r['value']), r['note'] or '') for r in rpc.model(VALUE,
            'read', ids, ['company.court_code', 'code.code', 'period_kind',
                'year', 'period_number', 'value', 'note']))


def _file_records(rows):
    kinds = {'年': 'year', '半年': 'half', '季度': 'quarter', '月': 'month'}
    return sorted((r[0], r[1], kinds[r[2]], r[3], r[4], r[5], r[6] or '')
        for r in rows)


@pytest.fixture(scope='module')
def scoring(sessions):
    return sessions('scoring', COURT)


@pytest.fixture(scope='module')
def court(admin):
    court, = admin.model('company.company', 'search',
        [('division_code', '=', COURT)], 0, 1, None)
    return court


def test_values_round_trip(scoring, court, sessions):
    ids = scoring.model(VALUE, 'search', [('company', '=', court),
            ('period_kind', '=', 'year'), ('year', '=', YEAR)], 0, None,
        None)
    assert len(ids) >= 3, 'the demo reports last year\'s values'
    data = _export(scoring, ids)
    headers, rows = _rows(data)
    assert headers == HEADERS
    assert _file_records(rows) == _records(scoring, ids)
    count = scoring.model(VALUE, 'search_count', [])

    # imported back: every row is an unchanged value, left alone
    defaults = _import(scoring, data, 'preview')['view']['defaults']
    assert (defaults['rows'], defaults['unchanged']) == (0, len(ids)), (
        defaults)
    assert not defaults['errors']
    _import(scoring, data, 'import_')
    assert scoring.model(VALUE, 'search_count', []) == count
    assert _file_records(rows) == _records(scoring, ids)
    assert not any(r['corrections'] for r in scoring.model(VALUE, 'read',
            ids, ['corrections']))

    # the same rows in a fresh period: created, and they export the same
    fresh = [[r[0], r[1], '半年', FRESH, 2, r[5], r[6]] for r in rows]
    defaults = _import(scoring, _sheet(fresh), 'preview')['view'][
        'defaults']
    assert (defaults['rows'], defaults['unchanged']) == (len(ids), 0), (
        defaults)
    _import(scoring, _sheet(fresh), 'import_')
    created = scoring.model(VALUE, 'search', [('company', '=', court),
            ('period_kind', '=', 'half'), ('year', '=', FRESH)], 0, None,
        None)
    assert len(created) == len(ids)
    assert scoring.model(VALUE, 'search_count', []) == count + len(ids)
    headers, again = _rows(_export(scoring, created))
    assert headers == HEADERS
    assert _file_records(again) == _file_records(fresh) == _records(
        scoring, created)
    origins = {r['origin'] for r in scoring.model(VALUE, 'read', created,
            ['origin'])}
    assert origins == {'import'}

    # a changed value and a bad row: refused row by row, nothing written
    before = _records(scoring, created)
    changed = [list(r) for r in fresh]
    old = changed[0][5]
    changed[0][5] = 0 if old else 1
    bad = changed + [['豫9999', changed[1][1], '半年', FRESH, 2, 1, None]]
    defaults = _import(scoring, _sheet(bad), 'preview')['view']['defaults']
    errors = defaults['errors'].splitlines()
    assert len(errors) == 2, errors
    assert errors[0].startswith('第 2 行') and '已填报' in errors[0] and (
        '更正' in errors[0]), errors
    assert errors[1].startswith(f'第 {len(bad) + 1} 行'), errors
    assert defaults['unchanged'] == len(ids) - 1
    with pytest.raises(RPCError) as refused:
        _import(scoring, _sheet(bad), 'import_')
    assert '没有导入' in refused.value.message or '未导入' in (
        refused.value.message), refused.value.message
    assert scoring.model(VALUE, 'search_count', []) == count + len(ids)
    assert _records(scoring, created) == before

    # the correction path, with its reason: then the file matches again
    target, = scoring.model(VALUE, 'search', [('id', 'in', created),
            ('code.code', '=', changed[0][1])], 0, None, None)
    context = dict(scoring.context, active_model=VALUE, active_id=target,
        active_ids=[target])
    scoring.wizard('court.scoring.value.correct', 'correct', {'start': {
                'new_value': {'__class__': 'Decimal',
                    'decimal': str(changed[0][5])},
                'reason': '复核后按统计年报更正'}}, context)
    defaults = _import(scoring, _sheet(changed), 'preview')['view'][
        'defaults']
    assert not defaults['errors'], defaults
    assert (defaults['rows'], defaults['unchanged']) == (0, len(ids))
    correction, = scoring.model(VALUE, 'read', [target],
        ['corrections'])[0]['corrections']
    assert scoring.model('court.scoring.value.correction', 'read',
        [correction], ['reason'])[0]['reason'] == '复核后按统计年报更正'

    # another court's scoring administrator may not export them
    with pytest.raises(RPCError):
        _export(sessions('scoring', OTHER), ids)
