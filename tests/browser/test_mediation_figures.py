"""A court leader reads the mediation figures of the year in the web
client: the figures screen, cut by station, each figure against its target,
and the cases behind one line opened from it."""
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from playwright.sync_api import expect  # noqa: E402
from court_tools import testdb  # noqa: E402

LEADER = 'leader_410302'
MENU = ['Courts', 'Mediation', 'Mediation Figures']


def test_leader_reads_figures(page, server, screenshot_dirs):
    rpc = server.rpc(LEADER, testdb.DEMO_PASSWORD)
    menu = sao.menu_path(rpc, MENU)
    assert menu[-1] == '诉前调解指标'
    steps = sao.Steps()
    sao.login(page, server, LEADER, testdb.DEMO_PASSWORD)
    sao.open_menu(page, steps, menu)

    # the wizard's first form: the leader's court and this year by default
    form = page.locator('.modal:visible, #tabcontent > .tab-pane.active')
    court = form.locator('input[name="court"]').first
    expect(court).to_have_value(re.compile('洛阳市老城区人民法院'))
    steps.select(form.locator('select[name="grouping"]').first, 'station',
        'cut by')
    steps.click(form.locator('button').filter(has_text='计算').first,
        'button compute')

    # the result: one line per station and figure, with its target
    rows = form.locator('.treeview tbody tr')
    expect(rows.filter(has_text='B6').first).to_be_visible()
    b6 = rows.filter(has_text='调解成功率').first
    expect(b6).to_contain_text('≥ 50%')
    expect(b6).to_contain_text(re.compile('达标|未达标|无数据'))
    sao.no_error_dialog(page)
    sao.screenshot(page, 'leader_mediation_figures', screenshot_dirs)

    # the cases behind a line, in a new tab
    detail = form.locator('select[name="detail"]').first
    options = detail.locator('option')
    assert options.count() > 1
    label = options.nth(1).inner_text()
    detail.select_option(index=1)
    steps.click(form.locator('button').filter(has_text='查看明细').first,
        'button open records')
    tab = sao.active_tab(page)
    expect(page.locator('#tablist .active, .nav-tabs .active').first
        ).to_contain_text('调解案件')
    expect(tab.locator('.treeview tbody tr').first).to_be_visible()
    print(f'\nmediation figures by station, records of {label}: '
        f'{steps.summary()}')
