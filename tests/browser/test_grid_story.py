"""The grid story, told through the sao web client.

1. The demo grid member ``grid_410302`` logs a dispute in its cell
   (法官进网格 › 网格纠纷: new, applicant, dispute type, facts), saves it and
   refers it to the court: it becomes a draft mediation case carrying the
   cell (checked through RPC).  The clicks and keystrokes are counted.
2. The court leader opens the coverage lists: the townships without a
   liaison point (the rows sao shows are the ones RPC finds) and the 漏排
   warnings.

Screenshots: doc/screenshots/grid_<n>_<step>.png (also in
artifacts/browser/).  Menus are found by their English source names,
fields and buttons by their names.
"""
import contextlib

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402

COURT = '410302'
GRID = f'grid_{COURT}'
LEADER = f'leader_{COURT}'
PASSWORD = testdb.DEMO_PASSWORD
MODEL = 'court.grid.dispute'
MENU_DISPUTES = ['Courts', 'Grid', 'Grid Disputes']
MENU_TOWNSHIPS = ['Courts', 'Grid', 'Coverage and Warnings',
    'Townships without a Liaison Point']
MENU_LEAKS = ['Courts', 'Grid', 'Coverage and Warnings',
    'Disputes Straight to the Court (漏排)']
VIEWPORT = {'width': 1280, 'height': 1000}
FACTS = '邻居加盖二层楼房遮挡采光，双方多次争吵，请求网格员协调。'


@pytest.fixture(scope='module')
def rpc(server):
    return {login: server.rpc(login, password) for login, password in [
            ('admin', testdb.ADMIN_PASSWORD), (GRID, PASSWORD),
            (LEADER, PASSWORD)]}


@pytest.fixture(scope='module')
def story(rpc):
    grid = rpc[GRID]
    admin = rpc['admin']
    person, = admin.model('court.grid.person', 'search_read',
        [('user.login', '=', GRID)], 0, None, None, ['cells'])
    cells = grid.model('court.grid.area', 'read', person['cells'],
        ['rec_name'])
    persons = grid.model('party.party', 'search_read',
        [('party_kind', '=', 'person')], 0, 300, [('id', 'ASC')], ['name'])
    counts = {}
    for p in persons:
        counts[p['name']] = counts.get(p['name'], 0) + 1
    unique = [p for p in persons
        if counts[p['name']] == 1 and len(p['name']) >= 2]
    assert unique, 'no person with a unique name'
    dispute_type, = grid.model('court.dispute.type', 'search_read',
        [('code', '=', 'neighbour')], 0, 1, None, ['rec_name'])
    return {
        'cell': cells[0], 'applicant': unique[0],
        'dispute_type': dispute_type,
        'menu_disputes': sao.menu_path(grid, MENU_DISPUTES),
        'menu_townships': sao.menu_path(rpc[LEADER], MENU_TOWNSHIPS),
        'menu_leaks': sao.menu_path(rpc[LEADER], MENU_LEAKS),
        }


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
        page.screenshot(path=str(sao.ARTIFACTS / f'grid_failure_{login}.png'))
        raise
    finally:
        context.close()


@pytest.mark.flaky(reruns=2)
def test_grid_story(browser, server, rpc, story, screenshot_dirs):
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'grid_{name}', screenshot_dirs)
    before = set(rpc[GRID].model(MODEL, 'search', [], 0, None, None))

    # 1. the grid member logs a dispute and refers it to the court
    with session(browser, server, GRID) as page:
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, story['menu_disputes'])
        sao.toolbar(tab, steps, 'new_', 'new dispute')
        sao.settle(page)
        if not sao.widget(tab, 'cell').input_value():
            sao.pick(page, steps, sao.widget(tab, 'cell'),
                story['cell']['rec_name'], 'cell')
        sao.pick(page, steps, sao.widget(tab, 'applicant'),
            story['applicant']['name'], 'applicant')
        sao.pick(page, steps, sao.widget(tab, 'dispute_type'),
            story['dispute_type']['rec_name'].split(' / ')[-1][:4],
            'dispute type')
        sao.fill(page, steps, tab, 'facts', FACTS)
        steps.key(page, 'Tab', 'leave facts')
        shot(page, '1_grid_new')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        sao.button(tab, steps, 'refer')
        sao.wait_value(tab, 'state', 'referred')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        shot(page, '2_grid_referred')
        print(f'\nlogging and referring a grid dispute: {steps.summary()}')

    new = set(rpc[GRID].model(MODEL, 'search', [], 0, None, None)) - before
    assert len(new) == 1, new
    dispute, = rpc[GRID].model(MODEL, 'read', sorted(new),
        ['state', 'cell', 'applicant', 'case', 'facts'])
    assert dispute['state'] == 'referred'
    assert dispute['cell'] == story['cell']['id']
    assert dispute['applicant'] == story['applicant']['id']
    assert dispute['facts'] == FACTS
    case, = rpc[GRID].model('court.mediation.case', 'read',
        [dispute['case']], ['state', 'source', 'grid_area', 'applicants'])
    assert (case['state'], case['source'], case['grid_area']) == (
        'draft', 'grid', story['cell']['id'])
    assert case['applicants'] == story['applicant']['name']

    # 2. the leader reads the coverage lists
    leader = rpc[LEADER]
    townships = leader.model('court.grid.area', 'search_read', [
            ('level', '=', 'township'), ('point_count', '=', 0)],
        0, None, None, ['name'])
    assert townships
    with session(browser, server, LEADER) as page:
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, story['menu_townships'])
        rows = tab.locator('.treeview tbody tr')
        sao.expect(rows.filter(has_text=townships[0]['name'])).not_to_have_count(0)
        sao.expect(rows).to_have_count(len(townships))
        shot(page, '3_leader_townships')
        tab = sao.open_menu(page, steps, story['menu_leaks'][-1:])
        sao.domain_tab(tab, steps, 0, 'warnings')
        rows = tab.locator('.treeview tbody tr')
        rows.first.wait_for(state='visible')
        warnings = leader.model('court.grid.leak', 'search_count',
            [('warning', '=', True)])
        assert warnings
        sao.expect(rows).to_have_count(min(warnings, 1000))
        shot(page, '4_leader_leaks')
