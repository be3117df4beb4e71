"""The scoring administrator's day (考核管理员, scoring_410302) in the sao
web client, in Chinese:

1. after the login, the landing tab: 考核结果 on its filter 待确认 (the
   evaluations computed and waiting for the leader);
2. 数据填报: a reported value entered (indicator, year, value) with the
   document behind it uploaded;
3. the value corrected (更正) with a reason: the new value, and the
   correction kept under 更正记录;
4. 导入填报数值: the template downloaded, two rows filled in with
   openpyxl, the file uploaded, 预览 (two rows, no error), 导入;
5. the three values selected in the list and exported with 操作 ›
   导出填报值（导入格式）: the file has the import's columns and rows;
6. 考核评估法院: the court evaluated for the year (the scheme in force and
   the user's court proposed), its evaluation opens with its items;
   the score sheet exported (操作 › 导出考核评分表（Excel）).

Every task's clicks are counted (sao.Steps) and printed; the results are
checked through JSON-RPC as the same user; screenshots go to
doc/screenshots/scoring_admin_<n>_<step>.png.

The year is three years back: no other test of the shared demo database
reports or evaluates it (the demo reports and evaluates last year and this
year; tests/test_jobs.py the year before last, test_value_roundtrip five
years back), and nothing another test counts is left (the values and the
evaluation are the 老城区 court's, of that year only).
"""
import io
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from playwright.sync_api import expect  # noqa: E402
from court_tools import testdb  # noqa: E402

openpyxl = pytest.importorskip('openpyxl')

USER = 'scoring_410302'
DIVISION = '410302'
COURT = '洛阳市老城区人民法院'
VALUE = 'court.scoring.value'
EVALUATION = 'court.scoring.evaluation'
YEAR = testdb.court_today().year - 3
# entered in the form, then corrected
ENTERED, FIRST, CORRECTED = 'A3', '88.5', '93.5'
REASON = '原填报数未计入12月审核的案件'
DOCUMENT = '网上立案审核按期率统计表.pdf'
# imported from the template
IMPORTED = {'A4E': 96.0, 'A4I': 99.2}
COLUMNS = ['法院代码', '指标代码', '期间类型', '年度', '期号', '数值', '备注']
VIEWPORT = {'width': 1400, 'height': 1000}


def _exact(text):
    return re.compile(rf'^\s*{re.escape(text)}\s*$')


def _dialog(page, field):
    """The (wizard's) dialog showing the field `field`: found by its
    content, not as the last dialog (sao may show another one a moment)"""
    return page.locator('.modal-dialog:visible').filter(
        has=page.locator(f'[name="{field}"]')).last


def _dialog_button(dialog, text):
    return dialog.locator('button').filter(has_text=_exact(text)).first


def _menu(page, steps, names):
    """Open the menu `names` from the menu tree as it is: the folders
    already unfolded (by an earlier task) are not clicked again (a click
    would fold them)"""
    labels = [page.locator(sao.MENU_LABEL).filter(has_text=_exact(name)).first
        for name in names]
    start = 0
    for i in reversed(range(len(labels))):
        if labels[i].is_visible():
            start = i
            break
    for name, label in list(zip(names, labels))[start:]:
        steps.click(label, f'menu {name}')


def _choose_file(page, steps, form, field, path):
    """Upload `path` into the Binary `field`: its 选择... button opens the
    browser's file chooser (two clicks: the button, the file)"""
    with page.expect_file_chooser() as chooser:
        steps.click(form.locator(
                f'.form-binary:has([name="{field}"]) .input-file').first,
            f'choose {field}')
    chooser.value.set_files(str(path))
    steps.clicks += 1
    steps.log.append(('choose', path.name))
    sao.settle(page)


def _save_as(page, steps, dialog, field, what):
    "Download the Binary `field` of a dialog (its 另存为... button)"
    button = dialog.locator(
        f'.form-binary:has([name="{field}"]) button[title="另存为..."]').first
    button.wait_for(state='visible')
    with page.expect_download() as info:
        steps.click(button, what)
    return info.value


def _human_click(steps, locator, what):
    """Click as a hand does: the button goes down, and up a moment later.

    The year typed last is taken when the field loses the focus (button
    down); sao then redraws the form, and its selection widgets show their
    first option until their value is set again, a moment later. A click
    whose button comes up at once (Playwright's) is handled within that
    moment: the wizard took 半年 (the first option) for the period kind
    shown as 年度."""
    locator.click(delay=150)
    steps.clicks += 1
    steps.log.append(('click', what))


def _number(value):
    return float(value['decimal']) if isinstance(value, dict) else value


@pytest.fixture(scope='module')
def rpc(server):
    return server.rpc(USER, testdb.DEMO_PASSWORD)


def test_scoring_admin_story(browser, server, rpc, screenshot_dirs, tmp_path):
    court, = rpc.model('company.company', 'search',
        [('division_code', '=', DIVISION)], 0, 1, None)
    assert rpc.context['company'] == court
    code, = rpc.model('company.company', 'read', [court], ['court_code'])
    court_code = code['court_code']
    # nothing of that year yet: the story's values and evaluation are its own
    assert not rpc.model(VALUE, 'search', [('year', '=', YEAR)],
        0, None, None)
    assert not rpc.model(EVALUATION, 'search', [('year', '=', YEAR)],
        0, None, None)
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    counts = {}
    try:
        _story(page, server, rpc, screenshot_dirs, tmp_path, court,
            court_code, counts)
    except Exception:
        page.screenshot(path=str(sao.ARTIFACTS / 'scoring_admin_failure.png'))
        raise
    finally:
        context.close()
    print('\nscoring administrator, steps per task:')
    for task, steps in counts.items():
        print(f'  {task}: {steps.summary()}')
        for action in steps.log:
            print('     ', *action)


def _story(page, server, rpc, dirs, tmp_path, court, court_code, counts):
    shot = lambda name: sao.screenshot(  # noqa: E731
        page, f'scoring_admin_{name}', dirs)

    # 1. the landing: 考核结果, 待确认 (computed, waiting for the leader)
    sao.login(page, server, USER, testdb.DEMO_PASSWORD)
    tab = sao.active_tab(page)
    expect(page.locator('#tablist > li.active')).to_contain_text('考核结果')
    domains = tab.locator('.tab-domain a[role=tab]')
    expect(domains.first).to_contain_text('待确认')
    expect(tab.locator('.tab-domain li.active a[role=tab]')).to_contain_text(
        '待确认')
    computed = rpc.model(EVALUATION, 'search_count',
        [('state', '=', 'computed')])
    assert computed, 'the demo leaves evaluations to confirm'
    rows = tab.locator('.treeview tbody tr')
    expect(rows.first).to_contain_text(COURT)
    # the filter tab counts them
    expect(domains.first).to_have_text(
        re.compile(rf'^\s*待确认\s*{computed}\s*$'))
    sao.settle(page)
    sao.no_error_dialog(page)
    shot('1_landing')

    # 2. 数据填报: a value of the year, the document behind it uploaded
    steps = counts['数据填报（录入一个数值并上传依据文件）'] = sao.Steps()
    tab = sao.open_menu(page, steps, sao.menu_path(rpc,
            ['Courts', 'Scoring', 'Reported Values']))
    sao.toolbar(tab, steps, 'new_', 'new')
    # proposed: the user's court, a yearly value, last year
    sao.wait_value(tab, 'origin', 'entry')
    expect(sao.widget(tab, 'company')).to_have_value(COURT)
    sao.wait_value(tab, 'period_kind', 'year')
    sao.wait_value(tab, 'year', str(testdb.court_today().year - 1))
    sao.pick(page, steps, sao.widget(tab, 'code'), ENTERED, 'indicator')
    steps.click(sao.widget(tab, 'year'), 'field year')
    steps.key(page, 'Control+a', 'select the year')
    steps.type(page, str(YEAR), 'year')
    sao.settle(page)
    sao.fill(page, steps, tab, 'value', FIRST)
    document = tmp_path / DOCUMENT
    document.write_bytes(b'%PDF-1.4\n% reported value\n')
    _choose_file(page, steps, tab, 'document', document)
    expect(sao.widget(tab, 'document_name')).to_have_value(DOCUMENT)
    shot('2_entry')
    sao.toolbar(tab, steps, 'save', 'save')
    sao.no_error_dialog(page)
    expect(sao.widget(tab, 'period_name')).to_have_value(f'{YEAR}年')
    expect(sao.widget(tab, 'entered_by')).to_have_value(
        re.compile('考核管理员'))
    entered, = rpc.model(VALUE, 'search_read', [('year', '=', YEAR)],
        0, None, None, ['company', 'code.code', 'period_kind', 'value',
            'document_name', 'entered_by', 'origin'])
    assert entered['company'] == court
    assert entered['code.']['code'] == ENTERED
    assert entered['period_kind'] == 'year'
    assert _number(entered['value']) == float(FIRST)
    assert entered['document_name'] == DOCUMENT
    assert entered['entered_by'] == rpc.user_id
    assert entered['origin'] == 'entry'
    document_data, = rpc.model(VALUE, 'read', [entered['id']], ['document'])
    assert testdb.rpc_file(document_data['document']) == \
        document.read_bytes()

    # 3. 更正: the new value with its reason; the correction is kept
    steps = counts['更正（填写新数值和理由）'] = sao.Steps()
    sao.button(tab, steps, 'correct')
    dialog = _dialog(page, 'new_value')
    sao.widget(dialog, 'new_value').wait_for(state='visible')
    sao.settle(page)
    expect(dialog.locator('[name="old_value"]').first).to_have_value(
        re.compile(f'^{re.escape(FIRST)}'))
    sao.fill(page, steps, dialog, 'new_value', CORRECTED)
    sao.fill(page, steps, dialog, 'reason', REASON)
    shot('3_correction')
    steps.click(_dialog_button(dialog, '更正'), 'correct')
    dialog.wait_for(state='detached')
    sao.settle(page)
    sao.no_error_dialog(page)
    expect(sao.widget(tab, 'value')).to_have_value(
        re.compile(f'^{re.escape(CORRECTED)}'))
    history = sao.one2many(tab, '更正记录').locator('tbody tr')
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text(REASON)
    expect(history.first).to_contain_text(FIRST)
    shot('4_corrected')
    value, = rpc.model(VALUE, 'read', [entered['id']],
        ['value', 'corrections', 'document_name'])
    assert _number(value['value']) == float(CORRECTED)
    assert value['document_name'] == DOCUMENT
    correction, = rpc.model('court.scoring.value.correction', 'read',
        value['corrections'], ['old_value', 'new_value', 'reason',
            'corrected_by'])
    assert _number(correction['old_value']) == float(FIRST)
    assert _number(correction['new_value']) == float(CORRECTED)
    assert correction['reason'] == REASON
    assert correction['corrected_by'] == rpc.user_id

    # 4. 导入填报数值: template, two rows, 预览, 导入
    steps = counts['导入填报数值（模板、填两行、预览、导入）'] = sao.Steps()
    _menu(page, steps, sao.menu_path(rpc,
            ['Courts', 'Scoring', 'Reported Values',
                'Import Reported Values']))
    dialog = _dialog(page, 'template')
    sao.widget(dialog, 'template').wait_for(state='visible')
    sao.settle(page)
    download = _save_as(page, steps, dialog, 'template', 'save the template')
    assert download.suggested_filename == '考核数据填报模板.xlsx'
    template = tmp_path / '考核数据填报.xlsx'
    download.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == COLUMNS
    # the example row makes way for the court's rows
    sheet.delete_rows(2, sheet.max_row)
    for indicator, number in IMPORTED.items():
        sheet.append([court_code, indicator, '年', YEAR, 1, number,
                '浏览器导入'])
    book.save(template)
    _choose_file(page, steps, dialog, 'file', template)
    steps.click(_dialog_button(dialog, '预览'), 'preview')
    dialog = _dialog(page, 'preview')
    rows_widget = dialog.locator('[name="rows"]').first
    rows_widget.wait_for(state='visible')
    sao.settle(page)
    expect(rows_widget).to_have_value(str(len(IMPORTED)))
    expect(dialog.locator('[name="unchanged"]').first).to_have_value('0')
    expect(dialog.locator('textarea[name="errors"]')).to_have_value('')
    preview = dialog.locator('textarea[name="preview"]')
    for indicator in IMPORTED:
        expect(preview).to_have_value(re.compile(
                f'{re.escape(COURT)}\t{indicator}\t{YEAR}年'))
    shot('5_import_preview')
    steps.click(_dialog_button(dialog, '导入'), 'import')
    dialog.wait_for(state='detached')
    sao.settle(page)
    sao.no_error_dialog(page)
    imported = rpc.model(VALUE, 'search_read', [('year', '=', YEAR),
            ('origin', '=', 'import')], 0, None, None,
        ['company', 'code.code', 'value', 'note', 'entered_by'])
    assert {r['code.']['code']: _number(r['value'])
        for r in imported} == IMPORTED
    assert all(r['company'] == court and r['note'] == '浏览器导入'
        and r['entered_by'] == rpc.user_id for r in imported)

    # 5. the year's three values, 操作 › 导出填报值（导入格式）
    steps = counts['导出填报值（导入格式）'] = sao.Steps()
    tabs = page.locator('#tablist > li')
    steps.click(tabs.filter(has_text='数据填报').first, 'tab 数据填报')
    tab = sao.active_tab(page)
    # back to the list (the form shows the value entered); the message
    # "record saved" fades out by itself
    sao.dismiss_notification(page)
    sao.toolbar(tab, steps, 'switch_', 'switch to the list')
    sao.search(page, steps, tab, f'年度: {YEAR}')
    rows = tab.locator('.treeview tbody tr')
    expect(rows).to_have_count(1 + len(IMPORTED))
    expect(rows.first).to_contain_text(f'{YEAR}年')
    sao.settle(page)
    # the value opened in the form is selected already (sao then shows the
    # header's box ticked: a click on it would clear the selection): the
    # other rows' boxes are ticked
    for i in range(rows.count()):
        row = rows.nth(i)
        if 'selected' not in (row.get_attribute('class') or '').split():
            steps.click(row.locator('td.selection-state'),
                f'select row {i + 1}')
    expect(tab.locator('.treeview tbody tr.selected')).to_have_count(
        1 + len(IMPORTED))
    steps.click(tab.locator('button#action'), 'actions')
    steps.click(page.locator('ul.dropdown-menu:visible a').filter(
            has_text=_exact('导出填报值（导入格式）')).first, 'export')
    dialog = _dialog(page, 'file')
    download = _save_as(page, steps, dialog, 'file', 'save as')
    shot('6_export')
    assert download.suggested_filename == '考核数据填报（导入格式）.xlsx'
    sheet = openpyxl.load_workbook(io.BytesIO(
            open(download.path(), 'rb').read())).worksheets[0]
    data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert data[0] == COLUMNS
    exported = {r[1]: r for r in data[1:]}
    assert set(exported) == {ENTERED, *IMPORTED}
    assert exported[ENTERED][:6] == [court_code, ENTERED, '年', YEAR, 1,
        float(CORRECTED)]
    for indicator, number in IMPORTED.items():
        assert exported[indicator][:7] == [court_code, indicator, '年',
            YEAR, 1, number, '浏览器导入']
    steps.click(_dialog_button(dialog, '关闭'), 'close')
    dialog.wait_for(state='detached')

    # 6. 考核评估法院: the court, the scheme in force proposed; the year
    steps = counts['考核评估法院并查看考核结果各项'] = sao.Steps()
    scheme, = rpc.model('court.scoring.scheme', 'search',
        [('state', '=', 'active')], 0, 1, None)
    scheme_name, = rpc.model('court.scoring.scheme', 'read', [scheme],
        ['rec_name'])
    _menu(page, steps, sao.menu_path(rpc,
            ['Courts', 'Scoring', 'Evaluate Courts']))
    dialog = _dialog(page, 'superior')
    sao.widget(dialog, 'year').wait_for(state='visible')
    sao.settle(page)
    expect(sao.widget(dialog, 'superior')).to_have_value(COURT)
    expect(sao.widget(dialog, 'scheme')).to_have_value(
        scheme_name['rec_name'])
    steps.click(sao.widget(dialog, 'year'), 'field year')
    steps.key(page, 'Control+a', 'select the year')
    steps.type(page, str(YEAR), 'year')
    sao.settle(page)
    shot('7_evaluate')
    _human_click(steps, _dialog_button(dialog, '评估'), 'evaluate')
    dialog.wait_for(state='detached')
    sao.settle(page)
    sao.no_error_dialog(page)
    tab = sao.active_tab(page)
    expect(page.locator('#tablist > li.active')).to_contain_text('考核结果')
    # one court: its evaluation opens in the form
    expect(tab.locator('input[name="year"]:visible').first).to_have_value(
        str(YEAR))
    lines = sao.one2many(tab, '项目').locator('tbody tr')
    expect(lines.first).to_be_visible()
    sao.settle(page)
    sao.no_error_dialog(page)
    shot('8_evaluation')
    evaluation, = rpc.model(EVALUATION, 'search_read',
        [('year', '=', YEAR)], 0, None, None,
        ['company', 'scheme', 'period_kind', 'state', 'computed_by',
            'lines', 'values_reported', 'total'])
    assert evaluation['company'] == court
    assert evaluation['scheme'] == scheme
    assert evaluation['period_kind'] == 'year'
    assert evaluation['state'] == 'computed'
    assert evaluation['computed_by'] == rpc.user_id
    expect(sao.widget(tab, 'total')).to_have_value(
        re.compile(rf'^{_number(evaluation["total"]):.2f}'))
    # the values reported (the corrected one) are those the items used
    used = rpc.model('court.scoring.evaluation.value', 'search_read',
        [('line.evaluation', '=', evaluation['id']),
            ('code', 'in', [ENTERED, *IMPORTED])], 0, None, None,
        ['code', 'value', 'reported'])
    assert {u['code']: _number(u['value']) for u in used} == dict(
        IMPORTED, **{ENTERED: float(CORRECTED)})
    assert evaluation['values_reported'] >= 1 + len(IMPORTED)
    a3, = [u for u in used if u['code'] == ENTERED]
    assert a3['reported'] == entered['id']
    line_names = rpc.model('court.scoring.evaluation.line', 'read',
        evaluation['lines'][:1], ['code', 'name'])
    expect(lines.first).to_contain_text(line_names[0]['name'])

    # the score sheet, from the evaluation: 操作 › 导出考核评分表（Excel）
    steps = counts['导出考核评分表（Excel）'] = sao.Steps()
    steps.click(tab.locator('button#action'), 'actions')
    steps.click(page.locator('ul.dropdown-menu:visible a').filter(
            has_text=_exact('导出考核评分表（Excel）')).first,
        'export the score sheet')
    dialog = _dialog(page, 'file')
    download = _save_as(page, steps, dialog, 'file', 'save as')
    assert download.suggested_filename == f'{COURT}{YEAR}年考核评分表.xlsx'
    sheet = openpyxl.load_workbook(io.BytesIO(
            open(download.path(), 'rb').read()))['评分表']
    assert sheet['A1'].value == f'{COURT} {YEAR}年 考核评分表'
    assert [c.value for c in sheet[3]] == ['项目', '基本要求', '分值',
        '考核标准', '得分', '说明', '数值（来源）', '状态']
    items = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert len([i for i in items if i and ENTERED in i.split()]) == 1
    steps.click(_dialog_button(dialog, '关闭'), 'close')
    dialog.wait_for(state='detached')
