"""A court leader's score in the web client:

1. the leader opens the scoring dashboard (考核看板) of the court from the
   menu: this year so far, every target of the schemes in force with where
   it stands, what is missing and the items at risk; opens the mediation
   cases behind B6's rate in a tab and comes back to the dashboard;
2. the leader downloads the dashboard as an Excel file, and reads the
   weekly list of items without points (每周未得分项目).

Figures are checked against the server (JSON-RPC as the same user);
screenshots go to doc/screenshots/scoring_<n>_<step>.png.
"""
import io
import json
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from playwright.sync_api import expect  # noqa: E402
from court_tools import testdb  # noqa: E402

LEADER = 'leader_410302'
COURT = '洛阳市老城区人民法院'


def test_leader_reads_the_score(browser, server, screenshot_dirs):
    import openpyxl
    rpc = server.rpc(LEADER, testdb.DEMO_PASSWORD)
    context = browser.new_context(viewport={'width': 1400, 'height': 900},
        locale='zh-CN', timezone_id=sao.TIMEZONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        _story(page, server, rpc, screenshot_dirs, openpyxl)
    except Exception:
        page.screenshot(path=str(sao.ARTIFACTS / 'scoring_failure.png'))
        raise
    finally:
        context.close()


def _story(page, server, rpc, screenshot_dirs, openpyxl):
    steps = sao.Steps()
    sao.login(page, server, LEADER, testdb.DEMO_PASSWORD)

    # 1. the dashboard, from the menu: the leader's court, this year
    menu = sao.menu_path(rpc, ['Courts', 'Scoring', 'Scoring Dashboard'])
    assert menu[-1] == '考核看板'
    sao.open_menu(page, steps, menu)
    tabs = page.locator('#tablist > li')
    tabs_before = tabs.count()
    tab = sao.active_tab(page)
    title = tab.locator('[name="title"]').first
    year = sao.today().year
    expect(title).to_have_value(re.compile(f'^{COURT} {year}年'))
    rows = tab.locator('.treeview tbody tr')
    expect(rows.first).to_be_visible()
    # the lines are those the server gives the leader (sao shows the first
    # ones and the rest on scrolling)
    figures = _dashboard_rpc(rpc)
    first = figures['lines'][0]
    expect(rows.first).to_contain_text(first['item'])
    expect(rows.first).to_contain_text(first['value'])
    assert rows.count() <= len(figures['lines'])
    standings = {'met': '已达标', 'at_risk': '临界', 'not_met': '未达标',
        'no_data': '无数据', 'info': '记录'}
    expect(rows.first).to_contain_text(standings[first['standing']])
    summary = tab.locator('[name="summary"]').first
    expect(summary).to_have_value(re.compile('目前得'))
    at_risk = tab.locator('[name="at_risk"]').first
    expect(at_risk).to_have_value(figures['at_risk'])
    sao.no_error_dialog(page)
    sao.screenshot(page, 'scoring_1_dashboard', screenshot_dirs)
    b6_server = [l for l in figures['lines']
        if l['item'].startswith('B6 ')][0]
    assert b6_server['target'] == '调解成功率 ≥ 50%', b6_server

    # the records behind B6's rate: the mediation cases, in a tab of their
    # own; the dashboard stays as it was
    b6_details = [l for l in json_details(figures) if l.startswith('B6 ')]
    assert b6_details, json_details(figures)
    detail = tab.locator('select[name="detail"]').first
    detail.select_option(label=b6_details[0])
    steps.click(tab.locator('button').filter(has_text='打开记录').first,
        'button open records')
    expect(tabs).to_have_count(tabs_before + 1)
    records = sao.active_tab(page)
    expect(records.locator('.treeview tbody tr').first).to_contain_text(
        '诉前调')
    sao.settle(page)
    sao.no_error_dialog(page)
    sao.screenshot(page, 'scoring_2_records', screenshot_dirs)
    expect(page.locator('#tablist > li.active')).to_contain_text('B6')
    steps.click(tabs.filter(has_text='考核看板').first, 'tab dashboard')
    tab = sao.active_tab(page)
    expect(tab.locator('[name="title"]').first).to_have_value(
        re.compile(f'^{COURT} {year}年'))

    # 2. the Excel file
    tab = sao.active_tab(page)
    steps.click(tab.locator('button').filter(has_text='导出Excel').first,
        'button export')
    tab = sao.active_tab(page)
    file_widget = tab.locator('[name="file"]').first
    file_widget.wait_for(state='visible')
    titles = [b.get_attribute('title') or '' for b in tab.locator(
            'button[title], a[title]').all()]
    save = [t for t in titles if '另存' in t or 'Save' in t]
    assert save, titles
    with page.expect_download() as download_info:
        steps.click(tab.locator(f'[title="{save[0]}"]').first, 'save as')
    download = download_info.value
    assert download.suggested_filename.endswith('考核看板.xlsx'), (
        download.suggested_filename)
    book = openpyxl.load_workbook(io.BytesIO(
            open(download.path(), 'rb').read()))
    sheet = book['考核看板']
    assert COURT in sheet['A1'].value
    header = [c.value for c in sheet[2]]
    assert header[:8] == ['考核方案', '项目', '指标', '目标', '当前值', '来源',
        '状态', '差距']
    items = [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)
        if r[1]]
    assert any(i.startswith('B6 ') for i in items)
    lines = []
    for r in sheet.iter_rows(min_row=3, values_only=True):
        if not r[0]:
            break       # the blank row before the summary
        lines.append(r)
    assert len(lines) == len(figures['lines'])

    # the weekly list of items without points
    menu = sao.menu_path(rpc, ['Courts', 'Scoring',
            'Weekly Items Without Points'])
    assert menu[-1] == '每周未得分项目'
    shortfalls = sao.open_menu(page, steps, menu)
    expect(shortfalls.locator('.treeview tbody tr').first).to_be_visible()
    sao.screenshot(page, 'scoring_3_shortfalls', screenshot_dirs)
    sao.no_error_dialog(page)
    print(f'\nscoring dashboard, Excel, weekly list: '
        f'{steps.summary()}')


def json_details(figures):
    "The labels of the figures whose records can be opened"
    return [label for label, _, _ in json.loads(figures['details'])]


def _dashboard_rpc(rpc):
    session_id, start, _ = rpc._call('wizard.court.scoring.dashboard.create',
        [rpc.context])
    result = rpc._call('wizard.court.scoring.dashboard.execute',
        [session_id, {}, start, rpc.context])
    return result['view']['defaults']
