"""The grid story, told through the sao web client.

1. The demo grid member ``grid_410302`` logs a dispute in its cell
   (法官进网格 › 网格纠纷: new, applicant, dispute type, facts), saves it and
   refers it to the court: it becomes a draft mediation case carrying the
   cell (checked through RPC).  The clicks and keystrokes are counted.
2. The court leader opens the coverage lists: the townships without a
   liaison point (the rows sao shows are the ones RPC finds) and the 漏排
   warnings.

3. The court admin (``admin``) runs 导入行政区划 for a county of 洛阳
   the demo has not loaded (e.g. 涧西区 410305), served by the
   intermediate court: areas are created (their count, read back through
   RPC, is the one the wizard shows; removed again afterwards); then for
   410302's county (the demo imported it: nothing created, the areas
   unchanged; 导入行政区划 is the court administrators' only).  The
   filing officer ``filing_410302`` defines a grid cell under a village (区域: new) and a grid member covering it (网格人员:
   new), opens a new liaison point in a township (联络点: new), finds it in
   the list and prints its notice (the PDF comes back as a download).
4. The judge ``judge_410302`` logs an activity at its point (联络活动:
   new) and sees it in the list and in the calendar.

Screenshots: doc/screenshots/grid_<n>_<step>.png (also in
artifacts/browser/).  Menus are found by their English source names,
fields and buttons by their names.
"""
import contextlib
import csv
import re
import time

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402
from court_tools.demo import DIVISION_DIR  # noqa: E402

COURT = '410302'
GRID = f'grid_{COURT}'
LEADER = f'leader_{COURT}'
PASSWORD = testdb.DEMO_PASSWORD
MODEL = 'court.grid.dispute'
ACTIVITY_MODEL = 'court.grid.activity'
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
def session(browser, server, login, password=PASSWORD):
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sao.login(page, server, login, password)
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


FILING = f'filing_{COURT}'
JUDGE = f'judge_{COURT}'
MENU_IMPORT = ['Courts', 'Grid', 'Import Administrative Divisions']
MENU_AREAS = ['Courts', 'Grid', 'Areas']
MENU_PERSONS = ['Courts', 'Grid', 'Grid People']
MENU_POINTS = ['Courts', 'Grid', 'Liaison Points']
MENU_ACTIVITIES = ['Courts', 'Grid', 'Liaison Activities']
NOTES = '在联络点开展“百姓说事·法官说法”，浏览器测试记录。'


def _new_county(admin):
    """A county of 洛阳 (4103xx) in the division data that no demo court
    serves and that has no area yet"""
    served = {c['division_code'] for c in admin.model('company.company',
            'search_read', [('division_code', 'like', '4103%')], 0, None,
            None, ['division_code'])}
    with (DIVISION_DIR / 'areas.csv').open(encoding='utf-8') as f:
        rows = [r for r in csv.DictReader(f)
            if r['code'].startswith('4103') and r['code'] not in served]
    for row in sorted(rows, key=lambda r: r['code']):
        if not admin.model('court.grid.area', 'search_count',
                [('code', 'like', row['code'] + '%')]):
            return row
    pytest.fail('no county of 4103 left to import')


def _import(page, steps, rpc, county, court=None):
    "Run 导入行政区划 for the county (and court): the dialog's created count"
    for name in sao.menu_path(rpc, MENU_IMPORT):
        steps.click(page.locator(sao.MENU_LABEL).filter(
                has_text=re.compile(f'^{re.escape(name)}$')).first,
            f'menu {name}')
    dialog = page.locator('.modal:visible').last
    field = dialog.locator('input[name="county_code"]').first
    field.wait_for(state='visible')
    if court is not None:
        court_input = dialog.locator('input[name="court"]:visible').first
        if court_input.input_value() != court:
            steps.click(court_input, 'field court')
            court_input.fill('')
            sao.pick(page, steps, court_input, court, 'court')
    if field.input_value() != county:
        steps.click(field, 'field county_code')
        field.fill('')
        steps.type(page, county, 'county_code')
    return dialog


def _close_import(page, steps):
    # the done view fully shown first: a click while sao still shows it
    # (requests under way, the dialog fading in) was lost once, the dialog
    # left open
    sao.settle(page)
    page.wait_for_function('''() => {
            const modals = [...document.querySelectorAll('.modal.in')];
            return modals.length && modals.every(
                m => getComputedStyle(m).opacity === '1');
        }''')
    steps.click(page.locator('.modal:visible').last.locator(
            'button').filter(has_text=re.compile('关闭|Close')).first,
        'button close')
    sao.expect(page.locator('.modal:visible')).to_have_count(0)


def _press_import(page, steps, dialog):
    steps.click(dialog.locator('button').filter(
            has_text=re.compile('^\\s*(导入|Import)\\s*$')).first,
        'button import')
    # the done view's count (sao keeps the start view's field too: not
    # waited for as visible)
    created = page.locator('.modal:visible input[name="created"]').last
    sao.expect(created).to_have_value(re.compile(r'^\d+$'),
        timeout=300_000)
    return created


def _unique(rows, key='name'):
    counts = {}
    for row in rows:
        counts[row[key]] = counts.get(row[key], 0) + 1
    return [r for r in rows if counts[r[key]] == 1]


@pytest.mark.flaky(reruns=2)
def test_grid_officer_story(browser, server, screenshot_dirs):
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'grid_{name}', screenshot_dirs)
    admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
    filing = server.rpc(FILING, PASSWORD)
    judge = server.rpc(JUDGE, PASSWORD)
    court, = filing.model('company.company', 'search',
        [('division_code', '=', COURT)], 0, 1, None)
    areas_before = admin.model('court.grid.area', 'search_count',
        [('code', 'like', COURT + '%')])
    villages = _unique(filing.model('court.grid.area', 'search_read', [
                ('level', '=', 'village'), ('company', '=', court)],
            0, None, [('code', 'ASC')], ['name', 'code']))
    village = villages[0]
    taken = {a['code'] for a in admin.model('court.grid.area',
            'search_read', [('parent', '=', village['id'])], 0, None, None,
            ['code'])}
    cell_code = next(f"{village['code']}{n:03d}" for n in range(99, 1000)
        if f"{village['code']}{n:03d}" not in taken)
    cell_name = f'浏览器测试网格{cell_code[-3:]}'
    member_party = _unique(filing.model('party.party', 'search_read',
            [('party_kind', '=', 'person')], 0, 300, [('id', 'DESC')],
            ['name']))[0]
    point, = admin.model('court.station', 'search_read', [
            ('company', '=', court), ('kind', '=', 'liaison_point'),
            ('judges.login', '=', JUDGE)], 0, 1, [('id', 'ASC')],
        ['name', 'rec_name'])

    townships = _unique(filing.model('court.grid.area', 'search_read', [
                ('level', '=', 'township'), ('company', '=', court)],
            0, None, [('code', 'ASC')], ['name', 'code']))
    township = townships[0]
    point_name = f'浏览器测试联络点{int(time.time()) % 100000:05d}'
    city, = admin.model('company.company', 'search_read',
        [('division_code', '=', COURT[:4])], 0, 1, None, ['rec_name'])
    county = _new_county(admin)
    new_areas = [('code', 'like', county['code'] + '%')]

    # 3. the court admin imports a county the demo has not loaded, served
    # by the intermediate court (a basic court serves its own county only)
    try:
        with session(browser, server, 'admin',
                testdb.ADMIN_PASSWORD) as page:
            steps = sao.Steps()
            # a wizard: sao opens it in a dialog, not in a tab
            dialog = _import(page, steps, admin, county['code'],
                city['rec_name'])
            shot(page, '5_admin_import')
            created = _press_import(page, steps, dialog)
            shot(page, '6_admin_imported')
            sao.expect(created).not_to_have_value('0')
            shown = int(created.input_value())
            _close_import(page, steps)
            print(f"\nimporting {county['name']} ({county['code']}): "
                f"{shown} areas, {steps.summary()}")
            # 410302's county again: the demo imported it, nothing created
            dialog = _import(page, steps, admin, COURT)
            created = _press_import(page, steps, dialog)
            sao.expect(created).to_have_value('0')
            _close_import(page, steps)
        areas = admin.model('court.grid.area', 'search_read', new_areas,
            0, None, None, ['level', 'company'])
        assert len(areas) > 0 and len(areas) == shown, (len(areas), shown)
        assert {a['company'] for a in areas} == {city['id']}
        levels = {a['level'] for a in areas}
        assert {'county', 'township', 'village'} <= levels, levels
    finally:
        admin.model('court.grid.area', 'delete', admin.model(
                'court.grid.area', 'search', new_areas, 0, None,
                [('code', 'DESC')]))

    assert admin.model('court.grid.area', 'search_count',
        [('code', 'like', COURT + '%')]) == areas_before

    # the filing officer (导入行政区划 is the court administrators' only):
    # a cell, a grid member, a new liaison point and its notice
    with session(browser, server, FILING) as page:
        steps = sao.Steps()

        tab = sao.open_menu(page, steps, sao.menu_path(filing, MENU_AREAS))
        sao.toolbar(tab, steps, 'new_', 'new area')
        sao.fill(page, steps, tab, 'name', cell_name)
        sao.pick(page, steps, sao.widget(tab, 'parent'), village['name'],
            'parent')
        sao.wait_value(tab, 'code', village['code'])
        code = sao.widget(tab, 'code')
        steps.click(code, 'field code')
        code.press('End')
        steps.type(page, cell_code[-3:], 'code')
        steps.key(page, 'Tab', 'leave code')
        sao.toolbar(tab, steps, 'save', 'save cell')
        sao.no_error_dialog(page)
        shot(page, '7_officer_cell')
        cell, = admin.model('court.grid.area', 'search_read',
            [('code', '=', cell_code)], 0, 1, None,
            ['name', 'level', 'parent', 'company'])
        assert (cell['name'], cell['level'], cell['parent']) == (
            cell_name, 'cell', village['id'])

        tab = sao.open_menu(page, steps, sao.menu_path(filing, MENU_PERSONS))
        sao.toolbar(tab, steps, 'new_', 'new grid person')
        sao.pick(page, steps, sao.widget(tab, 'party'), member_party['name'],
            'party')
        steps.select(tab.locator('select[name="role"]').first,
            'member', 'role')
        sao.fill(page, steps, tab, 'phone', '13803799876')
        cells = tab.locator('.form-many2many').first
        entry = cells.locator('.form-many2many-toolbar input').first
        steps.click(entry, 'field cells')
        steps.type(page, cell_code, 'cells')
        steps.click(page.locator(sao.COMPLETION).filter(
                has_text=cell_name).first, f'completion {cell_name}')
        sao.expect(cells.locator('tbody tr').filter(has_text=cell_name)
            ).to_have_count(1)
        sao.toolbar(tab, steps, 'save', 'save grid person')
        sao.no_error_dialog(page)
        shot(page, '8_officer_member')
        person, = admin.model('court.grid.person', 'search_read',
            [('cells', '=', cell['id'])], 0, None, None,
            ['party', 'role', 'phone'])
        assert (person['party'], person['role'], person['phone']) == (
            member_party['id'], 'member', '13803799876')
        assert admin.model('court.grid.area', 'read', [cell['id']],
            ['member_count'])[0]['member_count'] == 1

        menu_points = sao.menu_path(filing, MENU_POINTS)
        tab = sao.open_menu(page, steps, menu_points)
        sao.toolbar(tab, steps, 'new_', 'new liaison point')
        sao.settle(page)
        steps.select(tab.locator('select[name="kind"]').first,
            'liaison_point', 'kind')
        sao.pick(page, steps, sao.widget(tab, 'grid_area'), township['name'],
            'grid_area')
        sao.wait_value(tab, 'division_code', township['code'])
        sao.settle(page)
        sao.fill(page, steps, tab, 'name', point_name)
        sao.fill(page, steps, tab, 'opening_hours', '每周三 9:00-12:00')
        sao.wait_value(tab, 'name', point_name)
        sao.toolbar(tab, steps, 'save', 'save liaison point')
        sao.no_error_dialog(page)
        shot(page, '9_officer_point')
        new_point, = admin.model('court.station', 'search_read',
            [('name', '=', point_name)], 0, None, None,
            ['kind', 'grid_area', 'company', 'division_code', 'name'])
        assert (new_point['kind'], new_point['grid_area'],
            new_point['company']) == ('liaison_point', township['id'], court)

        # the list (a new tab of the menu): the point, its notice printed
        tab = sao.open_menu(page, steps, menu_points[-1:])
        sao.search(page, steps, tab, point_name)
        row = tab.locator('.treeview tbody tr').filter(has_text=point_name)
        sao.expect(row).to_have_count(1)
        sao.settle(page)
        # the point selected in the list: the print button acts on it
        steps.click(row.first.locator('input[type=checkbox]').first,
            'select row')
        sao.expect(row.first.locator('input[type=checkbox]').first
            ).to_be_checked()
        steps.click(tab.locator('button#print').first, 'print')
        entry = page.locator('.dropdown-menu:visible a').filter(
            has_text='联络点公示牌').first
        entry.wait_for(state='visible')
        steps.click(entry, 'notice')
        # sao offers the report's file in its download dialog
        link = page.locator('a[download]').last
        link.wait_for(state='attached', timeout=120_000)
        name = link.get_attribute('download')
        assert name.endswith('.pdf') and point_name in name, name
        # the file sao offers: a PDF
        head = page.evaluate('''async url => {
            const response = await fetch(url);
            const bytes = new Uint8Array(await response.arrayBuffer());
            return String.fromCharCode(...bytes.slice(0, 5));
            }''', link.get_attribute('href'))
        assert head == '%PDF-', head
        shot(page, '9_officer_notice')
        print(f'\nimport, cell, grid member, new point, notice: '
            f'{steps.summary()}')

    # 4. the judge logs an activity and finds it in the list and calendar
    before = set(judge.model(ACTIVITY_MODEL, 'search', [], 0, None, None))
    with session(browser, server, JUDGE) as page:
        steps = sao.Steps()
        menu = sao.menu_path(judge, MENU_ACTIVITIES)
        tab = sao.open_menu(page, steps, menu)
        sao.toolbar(tab, steps, 'new_', 'new activity')
        sao.pick(page, steps, sao.widget(tab, 'point'), point['rec_name'],
            'point')
        attendance = sao.widget(tab, 'attendance')
        steps.click(attendance, 'field attendance')
        attendance.fill('')
        steps.type(page, '23', 'attendance')
        settled = sao.widget(tab, 'settled')
        steps.click(settled, 'field settled')
        settled.fill('')
        steps.type(page, '1', 'settled')
        sao.fill(page, steps, tab, 'notes', NOTES)
        sao.toolbar(tab, steps, 'save', 'save activity')
        sao.no_error_dialog(page)
        # saved: the record has its position among the activities
        sao.expect(tab.locator('.badge, .selected-record, '
                'button#record-count, .navbar-text').filter(
                has_text=re.compile(r'^\s*1\s*/')).first).to_be_visible()
        new = set()
        for _ in range(20):
            new = set(judge.model(ACTIVITY_MODEL, 'search', [], 0, None,
                    None)) - before
            if new:
                break
            page.wait_for_timeout(500)
        assert len(new) == 1, new
        activity, = judge.model(ACTIVITY_MODEL, 'read', sorted(new),
            ['judge', 'point', 'attendance', 'settled', 'notes', 'month',
                'rec_name'])
        assert (activity['point'], activity['attendance'],
            activity['settled'], activity['notes']) == (
            point['id'], 23, 1, NOTES)
        shot(page, '10_judge_activity')
        # the list (a new tab of the menu): the activity, with its month
        tab = sao.open_menu(page, steps, menu[-1:])
        # as many rows and events of the point this month as the judge
        # has activities there (the new one included)
        mine = judge.model(ACTIVITY_MODEL, 'search_count', [
                ('judge', '=', judge.user_id), ('point', '=', point['id']),
                ('month', '=', activity['month'])])
        row = tab.locator('.treeview tbody tr').filter(
            has_text=point['rec_name']).filter(has_text=activity['month'])
        sao.expect(row).to_have_count(mine)
        # the calendar (this month)
        sao.toolbar(tab, steps, 'switch_', 'calendar')
        event = tab.locator('.fc-event').filter(has_text=point['rec_name'])
        sao.expect(event).to_have_count(mine)
        shot(page, '11_judge_calendar')
        print(f'logging an activity, list and calendar: {steps.summary()}')
