"""The roster administrator's day, told through the sao web client
(名册管理员 of 洛阳市老城区人民法院, ``roster_410302``), in Chinese.

1. At login the roster's health is on top (名册状况: B3 mediators active,
   B1 growth, B4 organisations, B2 caseload and the number under target,
   for the court this year, as the server computes them); the row's
   button 未达标或挂名 (two clicks: the first selects the row) lists the
   mediators under the target or with no case.
2. A new mediator: in the 特邀调解员 list (opened at login behind the
   health), a new record with the person, the organisation, the join date
   and the term's end, and an appointment to the court (its court and
   start date are the defaults); saved, it is a candidate.
3. It is activated (启用) with the date and reason of the change in
   状态变更记录.
4. Another mediator (made active through RPC for the story) is found in
   the list and suspended (暂停) with a reason.
5. 从 Excel 导入特邀调解员: the template downloaded, three rows filled with
   openpyxl (valid resident ID numbers and mobiles), uploaded, checked
   (检查) and imported; they are candidates appointed to the court (the
   court to appoint to is the user's by default).
6. The three are selected in the list's 候选 tab and exported with
   操作 › 导出名册（导入格式）; the file has the template's columns and
   their ID numbers.

The clicks and keys of each task are counted (sao.Steps) and printed;
every result is checked through RPC; screenshots
(doc/screenshots/roster_<n>_<step>.png) illustrate the user guide.  The
people of the story have names and ID numbers of their own (a tag per
run); no one deletes a mediator, so at the end the story's mediators
are removed (除名) as of the day they became active: a change of the same
day supersedes it, and they never count as active in the figures of the
shared demo database (their people and the court's organisation of the
story stay).
"""
import contextlib
import datetime as dt
import io
import random
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402

openpyxl = pytest.importorskip('openpyxl')

COURT = '410302'
ROSTER = f'roster_{COURT}'
PASSWORD = testdb.DEMO_PASSWORD
MEDIATOR = 'court.mediator'
ORGANISATION_NAME = '老城区西关街道人民调解委员会'
MENU = ['Courts', 'Mediation', 'Roster', 'Invited Mediators']
IMPORT_MENU = ['Courts', 'Mediation', 'Roster', 'Import Mediators from Excel']
VIEWPORT = {'width': 1280, 'height': 1000}
HEADERS = ['姓名', '居民身份证号码', '手机号码', '调解组织', '调解工作室',
    '专长案由', '服务区域代码', '加入日期', '任期届满日期']
# the filter tabs of the mediator list (act_window domains, by sequence)
ACTIVE, CANDIDATES, UNDER, SUSPENDED, ALL = range(5)
SUSPEND_REASON = '本人申请，暂停接案半年'
ACTIVATE_REASON = '经审核，聘为特邀调解员'
SAVE_AS = 'button[title="另存为..."], button[title="Save As..."]'


def _id_number(rng, existing):
    "A valid 18-character resident ID number of 老城区 not in existing"
    from trytond.modules.court_base import validators
    while True:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(12000))
        body = f'{COURT}{birth:%Y%m%d}{rng.randrange(1000):03d}'
        number = body + validators.id_number_check_character(body)
        assert validators.normalize_id_number(number) == number
        if number not in existing:
            existing.add(number)
            return number


def _mobile(rng):
    from trytond.modules.court_base import validators
    return validators.normalize_mobile(f'139{rng.randrange(10 ** 8):08d}')


@pytest.fixture(scope='module')
def story(server):
    """The story's users and data: a tag of this run in every name, the
    persons of the new and the suspended mediator, an organisation of the
    court; the story's mediators removed afterwards"""
    admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
    roster = server.rpc(ROSTER, PASSWORD)
    court, = admin.model('company.company', 'search', [
            ('division_code', '=', COURT), ('court_level', '=', 'basic')],
        0, 1, None)
    rng = random.Random()
    tag = f'{rng.randrange(10000):04d}'
    ids = set()
    names = {
        'new': f'郑新聘{tag}',
        'other': f'冯暂停{tag}',
        'imported': [f'{s}导入{tag}' for s in ['秦', '尤', '许']],
        }
    parties = admin.model('party.party', 'create', [
            {'name': names['new'], 'party_kind': 'person',
                'id_number': _id_number(rng, ids)},
            {'name': names['other'], 'party_kind': 'person',
                'id_number': _id_number(rng, ids)}])
    organisations = roster.model('court.mediation.organisation', 'search',
        [('company', '=', court), ('name', '=', ORGANISATION_NAME)],
        0, 1, None)
    if not organisations:
        # kept: found again by its name on later runs
        organisations = roster.model('court.mediation.organisation',
            'create', [{'company': court, 'name': ORGANISATION_NAME,
                    'kind': 'people'}])
    today = testdb.court_today()
    # the mediator the administrator suspends: active since January
    other, = roster.model(MEDIATOR, 'create', [{
                'company': court, 'party': parties[1],
                'organisation': organisations[0],
                'join_date': testdb.json_date(today.replace(month=1, day=1)),
                'appointments': [('create', [{'company': court,
                                'date_start': testdb.json_date(today.replace(
                                        month=1, day=1))}])],
                }])
    roster.model(MEDIATOR, 'write', [other], {
            'state_date': testdb.json_date(today.replace(month=1, day=1))})
    roster.model(MEDIATOR, 'activate', [other])
    dispute_type, = roster._call('model.court.dispute.type.search_read', [
            [('parent', '=', None)], 0, 1, [('code', 'ASC')], ['name'],
            roster.context])
    try:
        yield {
            'admin': admin, 'roster': roster, 'court': court, 'tag': tag,
            'rng': rng, 'ids': ids, 'names': names,
            'parties': parties, 'other': other,
            'organisation': organisations[0],
            'dispute_type': dispute_type['name'],
            }
    finally:
        # no one deletes a mediator: the story's are removed (除名) as of
        # the day they became active, which supersedes it, so that they
        # never count as active in the figures of the shared database
        mediators = roster._call('model.court.mediator.search_read', [
                [('party.name', 'like', f'%{tag}'),
                    ('state', '!=', 'removed')], 0, None, None,
                ['state_changes'], roster.context])
        for mediator in mediators:
            changes = roster._call(
                'model.court.mediator.state_change.search_read', [
                    [('mediator', '=', mediator['id']),
                        ('to_state', '=', 'active')], 0, None,
                    [('date', 'ASC')], ['date'], roster.context])
            roster.model(MEDIATOR, 'write', [mediator['id']], {
                    'state_date': (changes[0]['date'] if changes
                        else testdb.json_date(today)),
                    'state_reason': '名册测试数据，撤销'})
            roster.model(MEDIATOR, 'remove', [mediator['id']])


@contextlib.contextmanager
def session(browser, server):
    "A browser context logged in to sao as the roster administrator"
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sao.login(page, server, ROSTER, PASSWORD)
        yield page
    except Exception:
        page.screenshot(path=str(sao.ARTIFACTS / 'roster_failure.png'))
        raise
    finally:
        context.close()


def button_text(locator, text):
    "The button reading `text` (a wizard's or a dialog's)"
    return locator.locator('button').filter(
        has_text=re.compile(rf'^\s*{re.escape(text)}\s*$')).first


def roster_list(page, steps, name):
    """The roster list in its tab (opened at login): a click on the tab if
    another is shown, one on 切换视图 if it shows a form"""
    active = page.locator('#tablist > li.active').first
    if not re.match(rf'^\W*{re.escape(name)}', active.inner_text()):
        label = page.locator('#tablist a[role=tab] span.hidden-xs').filter(
            has_text=re.compile(f'^{re.escape(name)}$')).first
        steps.click(label, f'tab {name}')
        sao.expect(active).to_contain_text(name)
        sao.settle(page)
    tab = sao.active_tab(page)
    box = tab.locator('.filter-box input.form-control').first
    if not box.is_visible():
        sao.toolbar(tab, steps, 'switch_', 'back to the list')
        box.wait_for(state='visible')
    return tab


def date_field(page, steps, tab, name, date):
    sao.fill(page, steps, tab, name, date.isoformat())
    steps.key(page, 'Tab', f'leave {name}')


def state_change(page, steps, tab, strings, button, reason, date=None):
    "状态变更记录: the date (if not today) and the reason, then the button"
    sao.notebook_page(tab, steps, strings['state_changes'])
    if date:
        date_field(page, steps, tab, 'state_date', date)
    sao.fill(page, steps, tab, 'state_reason', reason)
    steps.key(page, 'Tab', 'leave state_reason')
    sao.button(tab, steps, button)


def read(rpc, ids, fields):
    return rpc.model(MEDIATOR, 'read', ids, fields)


def test_roster_story(browser, server, story, screenshot_dirs, tmp_path):
    admin, roster = story['admin'], story['roster']
    names, court = story['names'], story['court']
    today = testdb.court_today()
    strings = sao.view_strings(roster, MEDIATOR)
    menu = sao.menu_path(roster, MENU)
    health_name = sao.menu_path(roster, MENU[:-1] + ['Roster Health'])[-1]
    assert health_name == '名册状况'
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'roster_{name}', screenshot_dirs)
    counts = {}

    def done(task, steps):
        counts[task] = steps
        print(f'\n{task}: {steps.summary()}')
        for action in steps.log:
            print('   ', *action)

    with session(browser, server) as page:
        # 1. the landing: the roster's health on top, the list behind
        steps = sao.Steps()
        sao.expect(page.locator('#tablist > li.active').first
            ).to_contain_text(health_name)
        tab = sao.active_tab(page)
        row = tab.locator('.treeview tbody tr').filter(has_text='老城区').first
        row.wait_for(state='visible')
        sao.expect(page.locator('#tablist > li').filter(
                has_text=menu[-1]).first).to_be_visible()
        sao.settle(page)
        health, = roster._call('model.court.mediator.health.search_read', [
                [('court', '=', court)], 0, None, None,
                ['mediators_start', 'mediators_now', 'growth',
                    'organisations', 'caseload_met', 'under_target'],
                roster.context])
        cells = [c.strip() for c in row.locator('td').all_inner_texts()]
        for name in ['mediators_now', 'growth', 'organisations',
                'caseload_met', 'under_target']:
            assert str(health[name]) in cells, (name, health, cells)
        # the story's active mediator counts (appointed to the court)
        assert health['mediators_now'] >= 1
        shot(page, '1_landing')
        # a row's button: the first click selects the row, the second runs
        under = button_text(row, '未达标或挂名')
        steps.click(under, 'select the row')
        sao.expect(row).to_have_class(re.compile('selected'))
        steps.click(under, 'under target')
        sao.expect(page.locator('#tablist > li.active').first
            ).to_contain_text('未达标或挂名调解员')
        tab = sao.active_tab(page)
        # the list holds the mediators the row counts
        sao.expect(tab.locator('.treeview tbody tr')).to_have_count(
            health['under_target'])
        sao.settle(page)
        shot(page, '2_under_target')
        done('health and mediators under target', steps)

        # 2. a new mediator: person, organisation, dates, appointment
        steps = sao.Steps()
        tab = roster_list(page, steps, menu[-1])
        sao.toolbar(tab, steps, 'new_', 'new')
        sao.wait_value(tab, 'state', 'candidate')
        # the court by default: the user's (its name read before typing,
        # so that the form is not drawn again under the first field)
        sao.expect(sao.widget(tab, 'company')).to_have_value(
            re.compile('老城区'))
        sao.settle(page)
        sao.pick(page, steps, sao.widget(tab, 'party'), names['new'],
            'person')
        sao.pick(page, steps, sao.widget(tab, 'organisation'),
            ORGANISATION_NAME, 'organisation')
        join = today - dt.timedelta(days=7)
        term_end = join.replace(year=join.year + 3) - dt.timedelta(days=1)
        date_field(page, steps, tab, 'join_date', join)
        date_field(page, steps, tab, 'term_end', term_end)
        sao.notebook_page(tab, steps, strings['appointments'])
        appointments = sao.one2many(tab, strings['appointments'])
        sao.one2many_new(steps, appointments, 'appointment')
        row_court = appointments.locator('input[name=company]:visible').first
        row_court.wait_for(state='visible')
        # the user's court from today: nothing to type
        sao.expect(row_court).to_have_value(re.compile('老城区'))
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        shot(page, '3_new_candidate')
        done('new mediator', steps)

        new, = roster.model(MEDIATOR, 'search', [
                ('party', '=', story['parties'][0])], 0, None, None)
        row, = read(roster, [new], ['state', 'company', 'organisation',
                'join_date', 'term_end', 'appointments'])
        assert row['state'] == 'candidate'
        assert row['company'] == court
        assert row['organisation'] == story['organisation']
        assert row['join_date'] == testdb.json_date(join), row
        assert row['term_end'] == testdb.json_date(term_end), row
        appointment, = roster.model('court.mediator.appointment', 'read',
            row['appointments'], ['company', 'date_start'])
        assert appointment['company'] == court
        # from the courts' today (not the server's, in UTC)
        assert appointment['date_start'] == testdb.json_date(today)

        # 3. activated, as of its join date, with a reason
        steps = sao.Steps()
        state_change(page, steps, tab, strings, 'activate', ACTIVATE_REASON,
            date=join)
        sao.wait_value(tab, 'state', 'active')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        shot(page, '4_activated')
        done('activation', steps)
        change, = roster._call(
            'model.court.mediator.state_change.search_read', [
                [('mediator', '=', new)], 0, None, None,
                ['date', 'from_state', 'to_state', 'reason'],
                roster.context])
        assert (change['from_state'], change['to_state']) == (
            'candidate', 'active')
        assert change['reason'] == ACTIVATE_REASON
        assert change['date'] == testdb.json_date(join), change

        # 4. another one suspended, with a reason: found in the list
        steps = sao.Steps()
        tab = roster_list(page, steps, menu[-1])
        sao.search(page, steps, tab, names['other'])
        # a double click on the row (not on the person, a link)
        row = tab.locator('.treeview tbody tr').filter(
            has_text=names['other']).first
        steps.click(row.locator('td').filter(has_text=re.compile(
                    rf'^\s*{today.year}-01-01\s*$')).first, 'row',
            double=True)
        tab = sao.active_tab(page)
        sao.expect(sao.widget(tab, 'party')).to_have_value(names['other'])
        state_change(page, steps, tab, strings, 'suspend', SUSPEND_REASON)
        sao.wait_value(tab, 'state', 'suspended')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        shot(page, '5_suspended')
        done('suspension', steps)
        row, = read(roster, [story['other']], ['state'])
        assert row['state'] == 'suspended'
        change, = roster._call(
            'model.court.mediator.state_change.search_read', [
                [('mediator', '=', story['other']),
                    ('to_state', '=', 'suspended')], 0, None, None,
                ['date', 'reason'], roster.context])
        assert change['reason'] == SUSPEND_REASON
        assert change['date'] == testdb.json_date(today)

        # 5. the import: template, three rows, check, import
        steps = sao.Steps()
        # a wizard in a dialog: a click a menu level (the menu is folded)
        for name in sao.menu_path(roster, IMPORT_MENU):
            label = page.locator(sao.MENU_LABEL).filter(
                has_text=re.compile(f'^{re.escape(name)}$'))
            steps.click(label.first, f'menu {name}')
        dialog = page.locator('.modal-dialog:visible').last
        dialog.wait_for(state='visible')
        sao.settle(page)
        # the user's court for the roster and the appointment: the defaults
        sao.expect(sao.widget(dialog, 'company')).to_have_value(
            re.compile('老城区'))
        sao.expect(sao.widget(dialog, 'appoint')).to_have_value(
            re.compile('老城区'))
        template = dialog.locator('.form-binary').filter(
            has=page.locator('input[name="template"]'))
        with page.expect_download() as info:
            steps.click(template.locator(SAVE_AS).first, 'save template')
        path = tmp_path / '特邀调解员名册.xlsx'
        info.value.save_as(path)
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        headers = [str(c.value).rstrip('*') for c in sheet[1]]
        assert headers == HEADERS, headers
        rng, ids = story['rng'], story['ids']
        imported = []
        for i, name in enumerate(names['imported']):
            number = _id_number(rng, ids)
            imported.append(number)
            sheet.append([name, number, _mobile(rng),
                    ORGANISATION_NAME if i == 0 else None,
                    f'{name}调解工作室' if i == 1 else None,
                    story['dispute_type'] if i < 2 else None,
                    None, (today - dt.timedelta(days=i)).isoformat(),
                    None])
        book.save(path)
        upload = dialog.locator('.form-binary').filter(
            has=page.locator('input[name="file"]'))
        upload.locator('input[type=file]').first.set_input_files(str(path))
        steps.clicks += 2   # the file button and the file in the chooser
        steps.log.append(('upload', path.name))
        sao.expect(sao.widget(dialog, 'filename')).to_have_value(path.name)
        shot(page, '6_import_start')
        steps.click(button_text(dialog, '检查'), 'check')
        dialog = page.locator('.modal-dialog:visible').last
        report = dialog.locator('textarea[name="report"]')
        sao.expect(report).to_have_value(re.compile('已检查 3 名调解员'))
        sao.expect(sao.widget(dialog, 'errors')).to_have_value('0')
        shot(page, '7_import_check')
        steps.click(button_text(dialog, '导入'), 'import')
        page.locator('.modal-dialog:visible').wait_for(state='detached')
        sao.no_error_dialog(page)
        done('import from Excel', steps)
        rows = roster._call('model.court.mediator.search_read', [
                [('party.id_number', 'in', imported)], 0, None, None,
                ['name', 'state', 'company', 'organisation', 'appointments',
                    'party.mobile_number'], roster.context])
        assert sorted(r['name'] for r in rows) == sorted(names['imported'])
        assert all(r['state'] == 'candidate' and r['company'] == court
            for r in rows), rows
        assert all(len(r['appointments']) == 1 for r in rows), rows
        for r in rows:
            appointment, = roster.model('court.mediator.appointment', 'read',
                r['appointments'], ['company'])
            assert appointment['company'] == court

        # 6. the three selected among the candidates and exported
        steps = sao.Steps()
        tab = roster_list(page, steps, menu[-1])
        sao.domain_tab(tab, steps, CANDIDATES, 'candidates')
        sao.settle(page)
        box = tab.locator('.filter-box input.form-control').first
        box.fill('')
        sao.search(page, steps, tab, f'导入{story["tag"]}')
        sao.settle(page)
        rows_ = tab.locator('.treeview tbody tr').filter(
            has_text=f'导入{story["tag"]}')
        sao.expect(rows_).to_have_count(3)
        selected = tab.locator('.treeview tbody tr.selected')
        for i in range(3):
            steps.click(rows_.nth(i).locator('td.selection-state'),
                f'select row {i + 1}')
            sao.expect(selected).to_have_count(i + 1)
        steps.click(tab.locator('button#action'), 'actions')
        steps.click(page.locator('ul.dropdown-menu:visible a').filter(
                has_text=re.compile('^导出名册（导入格式）$')).first,
            'export roster')
        dialog = page.locator('.modal-dialog:visible').last
        save_as = dialog.locator(SAVE_AS).first
        save_as.wait_for(state='visible')
        sao.expect(sao.widget(dialog, 'records')).to_have_value('3')
        shot(page, '8_export')
        with page.expect_download() as info:
            steps.click(save_as, 'save as')
        exported = tmp_path / 'export.xlsx'
        info.value.save_as(exported)
        steps.click(button_text(dialog, '关闭'), 'close')
        done('export in the import layout', steps)

    sheet = openpyxl.load_workbook(io.BytesIO(exported.read_bytes())
        ).worksheets[0]
    data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [str(h).rstrip('*') for h in data[0]] == HEADERS
    assert sorted(r[1] for r in data[1:]) == sorted(imported)
    assert sorted(r[0] for r in data[1:]) == sorted(names['imported'])

    print('\nroster administrator, steps per task:')
    for task, steps in counts.items():
        print(f'  {task}: {steps.clicks} clicks, {steps.entries} fields '
            f'typed, {steps.keys} keys ({steps.total} steps)')
