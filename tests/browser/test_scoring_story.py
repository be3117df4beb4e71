"""A court leader reads the court's evaluation in the sao web client.

The leader of 老城区 opens 考核评估 > 考核结果, opens last year's evaluation of
the court under the B–D targets scheme, reads the total the server computed
and the items with their reasons, and opens the item B6 (mediation success
rate) onto the values behind it.  Checked through RPC; a screenshot
(doc/screenshots/scoring_1_leader_evaluation.png) illustrates the guide.
"""
import contextlib
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402

COURT = '410302'
LEADER = f'leader_{COURT}'
PASSWORD = testdb.DEMO_PASSWORD
MODEL = 'court.scoring.evaluation'
MENU = ['Courts', 'Scoring', 'Evaluations']
VIEWPORT = {'width': 1280, 'height': 1000}
ALL = 3     # the filter tab "All" of the evaluations


@pytest.fixture(scope='module')
def leader(server):
    return server.rpc(LEADER, PASSWORD)


@contextlib.contextmanager
def session(browser, server, login):
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sao.login(page, server, login, PASSWORD)
        yield page
    except Exception:
        page.screenshot(path=str(
                sao.ARTIFACTS / f'scoring_failure_{login}.png'))
        raise
    finally:
        context.close()


@pytest.mark.flaky(reruns=2)
def test_leader_reads_the_evaluation(browser, server, leader,
        screenshot_dirs):
    rows = leader.model(MODEL, 'search_read', [
            ('scheme.code', '=', 'TARGETS-2026'),
            ('company.division_code', '=', COURT)], 0, 1, None,
        ['company.rec_name', 'total', 'rank', 'lines'])
    assert rows, "the demo holds last year's evaluation"
    evaluation, = rows
    court_name = evaluation['company.']['rec_name']
    lines = leader.model('court.scoring.evaluation.line', 'read',
        evaluation['lines'], ['code', 'reason'])
    b6, = [l for l in lines if l['code'] == 'B6']
    menu = sao.menu_path(leader, MENU)
    strings = sao.view_strings(leader, MODEL)

    with session(browser, server, LEADER) as page:
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, menu)
        sao.domain_tab(tab, steps, ALL, 'all')
        cell = tab.locator('.treeview tbody tr').filter(
            has_text=court_name).filter(has_text='诉源治理').locator(
            'div[title]').first
        steps.click(cell, 'evaluation row', double=True)
        total = tab.locator('[name="total"]').first
        total.wait_for(state='visible')
        expected = float(evaluation['total']['decimal']
            if isinstance(evaluation['total'], dict)
            else evaluation['total'])
        sao.expect(total).to_have_value(re.compile(
                r'^%s(\.0+)?$' % re.escape(('%g' % expected))))
        items = sao.one2many(tab, strings['lines'])
        items.locator('tbody tr').first.wait_for(state='visible')
        # the reason of B6 as the server wrote it
        sao.expect(items.locator('tbody')).to_contain_text(
            b6['reason'][:8])
        sao.screenshot(page, 'scoring_1_leader_evaluation', screenshot_dirs)
        sao.no_error_dialog(page)
        print('leader reads the evaluation in', steps.summary())
