"""Exchange with the national mediation platform, through the sao web
client: the platform administrator selects three cases of the 老城区
court in the case list, exports them with the profile 全国调解平台
(导出交换文件 among the list's actions) and downloads the .xlsx; then opens
诉前调解 › 从交换文件导入案件, uploads that file, reads the check (three
cases matched, none to create, no error) and imports it.  The clicks are
counted and printed; the cases are checked through RPC (the same cases,
no new one); screenshots (doc/screenshots/exchange_<n>_<step>.png)
illustrate the user guide.
"""
import io
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402

openpyxl = pytest.importorskip('openpyxl')

COURT = '410302'
MODEL = 'court.mediation.case'
MENU = ['Courts', 'Mediation', 'Mediation Cases']
IMPORT_MENU = ['Courts', 'Mediation', 'Import Cases from Exchange File']
VIEWPORT = {'width': 1280, 'height': 1000}
PROFILE = '全国调解平台'
CASES = 3
CONCLUDED = 3   # the case list's filter tab (act_window domains)


@pytest.fixture(scope='module')
def admin(server):
    return server.rpc('admin', testdb.ADMIN_PASSWORD)


def test_exchange_story(browser, server, admin, screenshot_dirs, tmp_path):
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'exchange_{name}', screenshot_dirs)
    court, = admin.model('company.company', 'search', [
            ('division_code', '=', COURT), ('court_level', '=', 'basic')],
        0, 1, None)
    # the admin works in the 老城区 court (its import goes there)
    admin.model('res.user', 'set_preferences', {'company': court})
    admin.context = admin('model.res.user.get_preferences', True)
    total = admin.model(MODEL, 'search_count', [])
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sao.login(page, server, 'admin', testdb.ADMIN_PASSWORD)

        # 1. export: three cases of the list, the action, the profile
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, sao.menu_path(admin, MENU))
        # concluded cases: numbered (a draft has no number to match on)
        sao.domain_tab(tab, steps, CONCLUDED, 'concluded')
        sao.settle(page)
        rows = tab.locator('.treeview tbody tr')
        rows.first.wait_for(state='visible')
        numbers = []
        rows.nth(CASES - 1).wait_for(state='visible')
        page.wait_for_timeout(1000)
        sao.settle(page)
        selected = tab.locator('.treeview tbody tr.selected')
        for i in range(CASES):
            steps.click(rows.nth(i).locator('td.selection-state'),
                f'select row {i + 1}')
            sao.expect(selected).to_have_count(i + 1)
        steps.click(tab.locator('button#action'), 'actions')
        steps.click(page.locator('ul.dropdown-menu:visible a').filter(
                has_text=re.compile('^导出交换文件$')).first,
            'export for exchange')
        dialog = page.locator('.modal-dialog:visible').last
        sao.expect(sao.widget(dialog, 'profile')).to_have_value(PROFILE)
        sao.expect(sao.widget(dialog, 'records')).to_have_value(str(CASES))
        shot(page, '1_export_start')
        steps.click(dialog.locator('button').filter(
                has_text=re.compile(r'^\s*导出\s*$')).first, 'export')
        dialog = page.locator('.modal-dialog:visible').last
        save_as = dialog.locator('button[title="另存为..."], '
            'button[title="Save As..."]').first
        save_as.wait_for(state='visible')
        shot(page, '2_export_result')
        with page.expect_download() as info:
            steps.click(save_as, 'save as')
        path = tmp_path / 'cases.xlsx'
        info.value.save_as(path)
        steps.click(dialog.locator('button').filter(
                has_text=re.compile(r'^\s*关闭\s*$')).first, 'close')
        export_steps = steps
        print(f'\nexport for exchange: {steps.summary()}')

        sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())
            ).worksheets[0]
        data = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert data[0][:3] == ['平台案件编号', '法院案号', '法院代码']
        assert len(data) == CASES + 1
        numbers = [r[1] for r in data[1:]]
        assert all(n and '诉前调' in n for n in numbers), numbers

        # 2. import: the menu, the profile, the file, check, import
        steps = sao.Steps()
        names = sao.menu_path(admin, IMPORT_MENU)
        for name in names:
            label = page.locator(sao.MENU_LABEL).filter(
                has_text=re.compile(f'^{re.escape(name)}$'))
            steps.click(label.first, f'menu {name}')
        dialog = page.locator('.modal-dialog:visible').last
        # the first profile is the default: nothing to choose
        sao.expect(sao.widget(dialog, 'profile')).to_have_value(PROFILE)
        dialog.locator('input[type=file]').first.set_input_files(str(path))
        steps.clicks += 2   # the file button and the file in the chooser
        steps.log.append(('upload', path.name))
        shot(page, '3_import_start')
        steps.click(dialog.locator('button').filter(
                has_text=re.compile(r'^\s*检查\s*$')).first, 'check')
        dialog = page.locator('.modal-dialog:visible').last
        report = dialog.locator('textarea[name="report"]')
        sao.expect(report).to_have_value(re.compile('全部数据行检查通过'))
        sao.expect(sao.widget(dialog, 'created')).to_have_value('0')
        sao.expect(sao.widget(dialog, 'updated')).to_have_value(str(CASES))
        shot(page, '4_import_preview')
        steps.click(dialog.locator('button').filter(
                has_text=re.compile(r'^\s*导入\s*$')).first, 'import')
        page.locator('.modal-dialog:visible').wait_for(state='detached')
        sao.no_error_dialog(page)
        print(f'import from the platform: {steps.summary()}')
        for action in export_steps.log + steps.log:
            print('   ', *action)
    except Exception:
        page.screenshot(path=str(sao.ARTIFACTS / 'exchange_failure.png'))
        raise
    finally:
        context.close()

    # the same cases, none created
    assert admin.model(MODEL, 'search_count', []) == total
    for number in numbers:
        assert len(admin.model(MODEL, 'search', [
                    ('number', '=', number)], 0, None, None)) == 1
