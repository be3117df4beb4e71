"""The petition story, told through the sao web client.

1. The petition officer registers a window visit in one form: the
   petitioner found by ID number (the party filled in by the server), the
   matter, the demand, its kind and category; registration gives the number
   ``(YYYY)豫0302信访N号``.  A reply before the assignment is refused with
   the module's message.
2. The officer assigns it to a department (执行局, chosen among the
   court's departments), records the handling, replies
   and closes it resolved, with the reasons.
3. The officer produces the half-year analysis workbook and downloads it.

test_repeat_petitioner_story: a repeat petitioner recognised on arrival.
test_superior_key_petition_story: a superior court's key petition
assigned down, owned by the court leader, reported on, its closure
approved by the superior court, closed and fed back.

Every browser step is checked through RPC afterwards; screenshots go to
doc/screenshots/petition_<n>_<step>.png (and artifacts/browser/).
Widgets are found by field and button names, menus by the strings the
server gives the user.
"""
import contextlib
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402

COURT = '410302'
OFFICER = f'petition_{COURT}'
PASSWORD = testdb.DEMO_PASSWORD
MODEL = 'court.petition'
MENU = ['Courts', 'Petitions', 'Petitions']
ANALYSIS_MENU = ['Courts', 'Petitions', 'Half-Year Analysis Report']
NUMBER = re.compile(r'^\((\d{4})\)豫0302信访(\d+)号$')
VIEWPORT = {'width': 1280, 'height': 1000}
MATTER = '反映(2024)豫0302执88号案件执行款至今未到位。'
DEMAND = '请求法院尽快执行到位。'
HANDLING = '执行局已约谈被执行人，被执行人承诺一个月内付清。'
REPLY = '经查，被执行人已承诺一个月内履行，本院将依法督促。'
REASON = '执行款已到位，信访人表示满意。'
PROGRESS = '院长已接谈信访人，组织评查原审卷宗，正在研究化解方案。'


@pytest.fixture(scope='module')
def rpc(server):
    return {login: server.rpc(login, password) for login, password in [
            ('admin', testdb.ADMIN_PASSWORD), (OFFICER, PASSWORD)]}


@pytest.fixture(scope='module')
def story(rpc):
    "A person with an ID number the officer types; the menus' names"
    officer = rpc[OFFICER]
    persons = officer._call('model.party.party.search_read', [
            [('party_kind', '=', 'person'), ('id_number', '!=', None)],
            0, 1, [('id', 'DESC')], ['name', 'id_number'],
            officer.context])
    return {
        'person': persons[0],
        'menu': sao.menu_path(officer, MENU),
        'analysis_menu': sao.menu_path(officer, ANALYSIS_MENU),
        'strings': sao.view_strings(officer, MODEL),
        }


@contextlib.contextmanager
def session(browser, server, login):
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sao.login(page, server, login, PASSWORD)
        yield page
    except Exception:
        page.screenshot(path=str(
                sao.ARTIFACTS / f'petition_failure_{login}.png'))
        raise
    finally:
        context.close()


def type_text(page, steps, tab, name, text):
    "Type into a field and leave it (see test_mediation_story.type_text)"
    sao.fill(page, steps, tab, name, text)
    steps.key(page, 'Tab', f'leave {name}')


def press(page, tab, steps, name, state, server_state=None):
    """Press a workflow button and wait for the new state.  Now and then
    a click lands while sao re-renders the form after a save and is lost,
    or the form is not refreshed after the transition: the server's state
    (server_state(), through RPC) tells which; the button is pressed again
    only when the server did not move."""
    sao.settle(page)
    for attempt in range(3):
        sao.button(tab, steps, name)
        try:
            sao.wait_value(tab, 'state', state, timeout=15_000)
            break
        except AssertionError:
            if attempt < 2 and _dismiss_concurrency(page):
                # the form was stale (saved and changed meanwhile): as a
                # user does, reload and press again
                sao.toolbar(tab, steps, 'reload', 'reload')
                continue
            sao.no_error_dialog(page)
            if attempt == 2:
                raise
            if server_state and server_state() == state:
                sao.toolbar(tab, steps, 'reload', 'reload')
                sao.wait_value(tab, 'state', state)
                break
    sao.no_error_dialog(page)


def _dismiss_concurrency(page):
    """Close sao's 'Concurrency Exception' dialog if it is open.

    What writes the petition between a save and a button: sao itself, not
    the server (no function field, button, cron or text message writes it;
    a probe logging every request found no other writer).  After a save,
    sao clears the record's values and timestamp and reloads it
    asynchronously; a button pressed in that window pushes the widgets'
    displayed values back into the not yet reloaded record (set_value), so
    the record looks modified: sao calls on_change_channel and
    on_change_demand_kind and writes the intake unchanged (category,
    channel, received_date, demand_kind...; check_modification lets an
    unchanged intake pass) before the button (seen once in four tries).
    The exception is then most likely a read started before the save and
    answered in that window: sao keeps the first timestamp it gets, the
    pre-save one, and the server refuses that write as modified meanwhile
    (not reproduced: a client race, to be fixed in sao).  sao.settle() before each press narrows the window;
    this dialog is the rest."""
    dialog = page.locator('.modal:visible').filter(
        has_text='Concurrency Exception')
    if not dialog.count():
        return False
    dialog.locator('button').filter(has_text='确定').first.click()
    sao.expect(dialog).to_have_count(0)
    return True


def read(rpc, petition_id, fields=('number', 'state', 'petitioner_names',
            'channel', 'demand_kind', 'category', 'department',
            'reply_date', 'outcome', 'outcome_reason', 'quality_ok')):
    row, = rpc.model(MODEL, 'read', [petition_id], list(fields))
    return row


@pytest.mark.flaky(reruns=2)
def test_petition_story(browser, server, rpc, story, screenshot_dirs):
    strings = story['strings']
    person = story['person']
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'petition_{name}', screenshot_dirs)

    with session(browser, server, OFFICER) as page:
        # 1. a window visit, registered
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, story['menu'])
        sao.toolbar(tab, steps, 'new_', 'new petition')
        sao.wait_value(tab, 'channel', 'window')
        petitioners = sao.one2many(tab, strings['petitioners'])
        sao.one2many_new(steps, petitioners, 'petitioner')
        sao.settle(page)
        id_input = petitioners.locator('input[name=id_number]:visible').first
        id_input.wait_for(state='visible')
        steps.click(id_input, 'field id_number')
        steps.type(page, person['id_number'], 'id_number')
        steps.key(page, 'Tab', 'leave id_number')
        sao.settle(page)
        sao.expect(petitioners.locator('input[name=party]').first
            ).to_have_value(person['name'])
        type_text(page, steps, tab, 'matter', MATTER)
        type_text(page, steps, tab, 'demand', DEMAND)
        steps.select(sao.widget(tab, 'demand_kind'), 'request', 'demand kind')
        steps.select(sao.widget(tab, 'category'), 'enforcement', 'category')
        shot(page, '1_officer_new')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        press(page, tab, steps, 'register', 'registered')
        number = sao.widget(tab, 'number')
        sao.expect(number).to_have_value(NUMBER)
        sao.wait_value(tab, 'state', 'registered')
        number = number.input_value()
        sao.dismiss_notification(page)
        shot(page, '2_officer_registered')
        print(f'\nregistering a window visit ({number}): {steps.summary()}')

        ids = rpc[OFFICER].model(MODEL, 'search', [('number', '=', number)],
            0, None, None)
        assert len(ids) == 1
        petition = read(rpc[OFFICER], ids[0])
        assert petition['state'] == 'registered'
        assert petition['petitioner_names'] == person['name']
        assert petition['channel'] == 'window'
        assert petition['quality_ok']

        # a reply before the assignment is refused, with the reason
        steps = sao.Steps()
        sao.button(tab, steps, 'reply')
        dialog = page.locator('.modal:visible')
        dialog.first.wait_for(state='visible')
        assert '尚未交办' in ' '.join(dialog.all_inner_texts())
        shot(page, '3_reply_refused')
        steps.click(dialog.locator('.modal-footer button').first, 'ok')
        dialog.first.wait_for(state='hidden')
        assert read(rpc[OFFICER], ids[0])['state'] == 'registered'

        def state_of():
            return read(rpc[OFFICER], ids[0], ['state'])['state']

        # 2. assigned, handled, replied, closed
        steps = sao.Steps()
        sao.notebook_page(tab, steps, strings['handling'])
        sao.pick(page, steps, sao.widget(tab, 'department'), '执行局',
            'department')
        sao.toolbar(tab, steps, 'save', 'save')
        press(page, tab, steps, 'assign', 'assigned', state_of)
        type_text(page, steps, tab, 'handling_note', HANDLING)
        sao.toolbar(tab, steps, 'save', 'save')
        press(page, tab, steps, 'handle', 'handled', state_of)
        type_text(page, steps, tab, 'reply_text', REPLY)
        sao.toolbar(tab, steps, 'save', 'save')
        press(page, tab, steps, 'reply', 'replied', state_of)
        steps.select(sao.widget(tab, 'outcome'), 'resolved', 'outcome')
        type_text(page, steps, tab, 'outcome_reason', REASON)
        sao.toolbar(tab, steps, 'save', 'save')
        press(page, tab, steps, 'close', 'closed', state_of)
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        shot(page, '4_officer_closed')
        print(f'assigning, handling, replying, closing: {steps.summary()}')
        petition = read(rpc[OFFICER], ids[0])
        assert petition['state'] == 'closed'
        department, = rpc[OFFICER].model('court.department', 'search', [
                ('name', '=', '执行局'), ('company.division_code', '=', COURT)],
            0, None, None)
        assert petition['department'] == department
        assert petition['reply_date'] and petition['outcome'] == 'resolved'
        assert petition['outcome_reason'] == REASON

        # 3. the half-year workbook
        steps = sao.Steps()
        for name in story['analysis_menu']:
            label = page.locator(sao.MENU_LABEL).filter(
                has_text=re.compile(f'^{re.escape(name)}$'))
            steps.click(label.first, f'menu {name}')
        dialog = page.locator('.modal:visible').last
        dialog.locator('input[name=year]').first.wait_for(state='visible')
        shot(page, '5_analysis_start')
        steps.click(dialog.locator('button').filter(
                has_text=re.compile('生成|Generate')).first, 'generate')
        result = page.locator('.modal:visible').last
        count = result.locator('[name=petition_count]').first
        count.wait_for(state='visible')
        # the figures shown, not the empty form before they arrive
        sao.expect(count).not_to_have_value(re.compile(r'^0?$'))
        shot(page, '6_analysis_result')
        titles = [b.get_attribute('title') or '' for b in result.locator(
                'button[title], a[title]').all()]
        save = [t for t in titles if '另存' in t or 'Save' in t]
        assert save, titles
        with page.expect_download() as download_info:
            steps.click(result.locator(f'[title="{save[0]}"]').first,
                'save as')
        download = download_info.value
        assert download.suggested_filename.endswith('.xlsx'), (
            download.suggested_filename)
        print(f'half-year workbook: {steps.summary()}')
    analyses = rpc[OFFICER].model('court.petition.analysis', 'search_read',
        [], 0, 1, [('id', 'DESC')], ['filename', 'petition_count'])
    assert analyses and analyses[0]['filename'].endswith('.xlsx')
    assert analyses[0]['petition_count'] > 0, analyses


@pytest.mark.flaky(reruns=2)
def test_repeat_petitioner_story(browser, server, rpc, screenshot_dirs):
    """A repeat petitioner recognised on arrival: the officer registers a
    petition for a person who already petitioned this court on the same
    matter (category) within the repeat window; on registration the form
    shows the flag 重复信访, the number of earlier petitions and, on the
    关联查询 page, the earlier petitions."""
    officer = rpc[OFFICER]
    admin = rpc['admin']
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'petition_{name}', screenshot_dirs)
    since = testdb.court_today().replace(year=testdb.court_today().year - 1)
    earlier, = admin.model(MODEL, 'search_read', [
            ('company.division_code', '=', COURT),
            ('state', '=', 'closed'), ('channel', '!=', 'superior'),
            ('received_date', '>=', {'__class__': 'date',
                    'year': since.year, 'month': since.month,
                    'day': since.day}),
            ('petitioners.party.id_number', '!=', None),
            ], 0, 1, [('received_date', 'DESC'), ('id', 'DESC')],
        ['number', 'category', 'petitioners'])
    line, = admin.model('court.petition.petitioner', 'read',
        earlier['petitioners'][:1], ['party'])
    person, = admin.model('party.party', 'read', [line['party']],
        ['name', 'id_number'])
    strings = sao.view_strings(officer, MODEL)
    with session(browser, server, OFFICER) as page:
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, sao.menu_path(officer, MENU))
        sao.toolbar(tab, steps, 'new_', 'new petition')
        sao.wait_value(tab, 'channel', 'window')
        petitioners = sao.one2many(tab, strings['petitioners'])
        sao.one2many_new(steps, petitioners, 'petitioner')
        sao.settle(page)
        id_input = petitioners.locator('input[name=id_number]:visible').first
        id_input.wait_for(state='visible')
        steps.click(id_input, 'field id_number')
        steps.type(page, person['id_number'], 'id_number')
        steps.key(page, 'Tab', 'leave id_number')
        sao.settle(page)
        sao.expect(petitioners.locator('input[name=party]').first
            ).to_have_value(person['name'])
        type_text(page, steps, tab, 'matter', '再次反映同一问题，认为此前答复未解决。')
        type_text(page, steps, tab, 'demand', '请求重新处理。')
        steps.select(sao.widget(tab, 'demand_kind'), 'request', 'demand kind')
        steps.select(sao.widget(tab, 'category'), earlier['category'],
            'category')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        press(page, tab, steps, 'register', 'registered')
        sao.expect(tab.locator('input[name=repeat]').first).to_be_checked()
        count = int(sao.value(tab, 'previous_count'))
        assert count >= 1, count
        number = sao.widget(tab, 'number').input_value()
        sao.dismiss_notification(page)
        shot(page, '7_repeat_registered')
        sao.notebook_page(tab, steps, strings['related'])
        sao.expect(tab.locator('.form-many2many tbody tr:visible').filter(
                has_text=earlier['number']).first).to_be_visible()
        shot(page, '8_repeat_related')
        print(f'\na repeat petitioner registered ({number}): '
            f'{steps.summary()}')
    petition, = officer.model(MODEL, 'search_read',
        [('number', '=', number)], 0, None, None,
        ['repeat', 'previous_count', 'repeat_of', 'related_petitions'])
    assert petition['repeat'] and petition['previous_count'] == count
    assert petition['repeat_of']
    assert earlier['id'] in petition['related_petitions']


def _json_date(date):
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def _open_petition(page, steps, rpc, menu, number, domain_tab=None):
    """Open the petition numbered `number` from the menu's list, on its
    filter tab (the newest first: no search, which would open a second
    tab on the double click, see test_mediation_story.open_case)"""
    tab = sao.open_menu(page, steps, sao.menu_path(rpc, menu))
    if domain_tab is not None:
        sao.domain_tab(tab, steps, domain_tab)
        sao.settle(page)
    sao.open_record(tab, steps, number)
    sao.wait_value(tab, 'number', number)
    return tab


@pytest.mark.flaky(reruns=2)
def test_superior_key_petition_story(browser, server, rpc, screenshot_dirs):
    """A superior court's key petition assigned down to this court: the
    court leader makes himself its owning leader (领导包案) and enters a
    progress report; once handled and replied (the officer's
    steps of test_petition_story, here through RPC) the superior court's
    supervisor approves the closure; the officer closes it and sends the
    feedback, which the superior court's officer sees."""
    city_officer = server.rpc('petition_4103', PASSWORD)
    officer = rpc[OFFICER]
    admin = rpc['admin']
    leader = server.rpc(f'leader_{COURT}', PASSWORD)
    supervisor = server.rpc('supervisor_4103', PASSWORD)
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'petition_{name}', screenshot_dirs)
    court, = admin.model('company.company', 'search',
        [('division_code', '=', COURT)], 0, None, None)
    city, = admin.model('company.company', 'search',
        [('division_code', '=', '4103')], 0, None, None)
    person, = admin.model('party.party', 'search', [
            ('party_kind', '=', 'person'), ('id_number', '!=', None)],
        3, 1, [('id', 'ASC')])
    # the intermediate court registers it and assigns it down (RPC)
    top, = city_officer.model(MODEL, 'create', [{
                'company': city, 'channel': 'letter',
                'received_date': _json_date(testdb.court_today()),
                'matter': '来信反映(2023)豫0302民初77号案件判决后被告转移财产。',
                'demand': '请求依法处理。', 'demand_kind': 'request',
                'category': 'trial',
                'petitioners': [('create', [{'party': person}])]}])
    city_officer.model(MODEL, 'register', [top])
    city_officer.model(MODEL, 'write', [top], {'assigned_to_court': court})
    city_officer.model(MODEL, 'assign_down', [top])
    copy, = city_officer.model(MODEL, 'read', [top],
        ['subordinate_petitions'])[0]['subordinate_petitions']
    number = officer.model(MODEL, 'read', [copy], ['number'])[0]['number']
    department, = officer.model('court.department', 'search', [
            ('company', '=', court), ('name', '=', '立案庭')], 0, None, None)
    officer.model(MODEL, 'write', [copy], {'department': department})
    officer.model(MODEL, 'assign', [copy])
    me = leader.model('res.user', 'read', [leader.user_id],
        ['rec_name'])[0]['rec_name']
    strings = sao.view_strings(leader, MODEL)

    def petition(*fields):
        return admin.model(MODEL, 'read', [copy], list(fields))[0]

    # 1. the court leader owns it and reports
    with session(browser, server, f'leader_{COURT}') as page:
        steps = sao.Steps()
        tab = _open_petition(page, steps, leader,
            ['Courts', 'Petitions', 'Key Petitions'], number, domain_tab=1)
        sao.notebook_page(tab, steps, strings['key'])
        sao.pick(page, steps, sao.widget(tab, 'owner_leader'), me,
            'owning leader')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        sao.button(tab, steps, 'assign_leader')
        sao.no_error_dialog(page)
        sao.expect(sao.widget(tab, 'leader_assigned_date')).not_to_have_value(
            '')
        sao.notebook_page(tab, steps, strings['reports'])
        # the page and the field are both named "reports": the field's
        # own string
        reports = sao.one2many(tab, leader.model(MODEL, 'fields_get',
                ['reports'])['reports']['string'])
        # a progress report (the kind a new line has), the leader its author
        sao.one2many_new(steps, reports, 'report')
        sao.settle(page)
        text_input = reports.locator(
            'textarea[name=text]:visible, input[name=text]:visible').last
        text_input.wait_for(state='visible')
        sao.expect(reports.locator('select[name=kind]:visible').last
            ).to_have_value('"progress"')
        steps.click(text_input, 'field text')
        steps.type(page, PROGRESS, 'report')
        steps.key(page, 'Tab', 'leave text')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        shot(page, '9_leader_reports')
        print(f'\nleader ownership and a progress report ({number}): '
            f'{steps.summary()}')
    row = petition('owner_leader', 'leader_assigned_date',
        'progress_report_date', 'progress_deadline', 'reports')
    assert row['owner_leader'] == leader.user_id
    assert row['leader_assigned_date']
    # the first progress report keeps its clock (two weeks)
    assert row['progress_report_date'] and len(row['reports']) == 1
    report, = admin.model('court.petition.report', 'read', row['reports'],
        ['kind', 'text', 'user'])
    assert report['kind'] == 'progress' and report['text'] == PROGRESS
    assert report['user'] == leader.user_id

    # handled and replied by the officer (test_petition_story's steps)
    officer.model(MODEL, 'write', [copy], {
            'handling_note': '经评查，原审判决认定事实清楚。',
            'reply_text': '原判决并无不当，已当面释法明理。'})
    officer.model(MODEL, 'handle', [copy])
    officer.model(MODEL, 'reply', [copy])

    # 2. the superior court approves the closure
    with session(browser, server, 'supervisor_4103') as page:
        steps = sao.Steps()
        tab = _open_petition(page, steps, supervisor,
            ['Courts', 'Petitions', 'Key Petitions'], number, domain_tab=2)
        sao.button(tab, steps, 'approve_closure')
        sao.no_error_dialog(page)
        sao.expect(tab.locator('input[name=closure_approved]').first
            ).to_be_checked()
        sao.dismiss_notification(page)
        shot(page, '10_superior_approved')
        print(f'closure approved by the superior court: {steps.summary()}')
    assert petition('closure_approved')['closure_approved']

    # 3. the officer closes it and sends the feedback
    strings = sao.view_strings(officer, MODEL)
    with session(browser, server, OFFICER) as page:
        steps = sao.Steps()
        tab = _open_petition(page, steps, officer, MENU, number,
            domain_tab=3)
        sao.notebook_page(tab, steps, strings['handling'])
        steps.select(sao.widget(tab, 'outcome'), 'resolved', 'outcome')
        type_text(page, steps, tab, 'outcome_reason', '信访人息诉罢访。')
        sao.notebook_page(tab, steps, strings['key'])
        type_text(page, steps, tab, 'feedback_text',
            '已由院长包案接谈，释法明理，信访人息诉罢访。')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.no_error_dialog(page)
        press(page, tab, steps, 'close', 'closed',
            lambda: petition('state')['state'])
        sao.button(tab, steps, 'send_feedback')
        sao.no_error_dialog(page)
        sao.expect(sao.widget(tab, 'feedback_date')).not_to_have_value('')
        sao.dismiss_notification(page)
        shot(page, '11_feedback_sent')
        print(f'closed and fed back: {steps.summary()}')
    row, = city_officer.model(MODEL, 'read', [copy],
        ['state', 'feedback_date', 'feedback_text'])
    assert row['state'] == 'closed' and row['feedback_date']
    assert '息诉罢访' in row['feedback_text']
    notified = city_officer.model('res.notification', 'search', [], 0,
        None, None)
    assert notified
