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
    "Close sao's 'Concurrency Exception' dialog if it is open"
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
