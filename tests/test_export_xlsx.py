"""导出Excel: the selected cases as an .xlsx workbook with the list's
columns under Chinese headers, dates as dates, the header row frozen; read
under the user's rules (another court's cases are refused)."""
import base64
import datetime as dt
import io

import pytest

from court_tools.testdb import RPCError

openpyxl = pytest.importorskip('openpyxl')
WIZARD = 'wizard.court.export.xlsx'
CASE = 'court.mediation.case'


def _export(rpc, model, ids):
    context = dict(rpc.context, active_model=model, active_ids=ids,
        active_id=ids[0] if ids else None)
    session, start, _ = rpc._call(f'{WIZARD}.create', [context])
    try:
        result = rpc._call(f'{WIZARD}.execute', [session, {}, start,
                context])
        return result['view']['defaults']
    finally:
        rpc._call(f'{WIZARD}.delete', [session, context])


def test_export_cases(sessions, admin):
    leader = sessions('leader')
    ids = leader.model(CASE, 'search', [('number', '!=', None)], 0, 25,
        [('id', 'ASC')])
    result = _export(leader, CASE, ids)
    assert result['records'] == 25
    assert result['filename'].endswith('.xlsx')
    data = base64.b64decode(result['file']['base64'])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    # the list view's labels, in Chinese
    view = leader(f'model.{CASE}.fields_view_get', None, 'tree')
    assert '案号' in headers and '收案日期' in headers, headers
    assert all(h in {f['string'] for f in view['fields'].values()}
        for h in headers)
    assert sheet.freeze_panes == 'A2'
    assert sheet.max_row == 26
    numbers = {row[headers.index('案号')] for row in sheet.iter_rows(
            min_row=2, values_only=True)}
    expected = {r['number'] for r in leader.model(CASE, 'read', ids,
            ['number'])}
    assert numbers == expected
    dates = [row[headers.index('收案日期')] for row in sheet.iter_rows(
            min_row=2, values_only=True)]
    assert all(isinstance(d, dt.datetime) for d in dates)
    # the export of a list is not personal data: nothing logged for names
    # and numbers; the log is tested in tests/test_accounts.py


def test_export_other_court_refused(sessions, admin):
    court, = admin.model('company.company', 'search',
        [('division_code', '=', '410302')], 0, 1, None)
    theirs = admin.model(CASE, 'search', [('company', '=', court)], 0, 3,
        None)
    other = sessions('leader', '410303')
    with pytest.raises(RPCError):
        _export(other, CASE, theirs)
