"""The pre-litigation mediation story, told through the sao web client.

1. The station clerk lands on the intake form at login and logs a dispute
   in that one form (source, dispute type,
   amount, facts, consent, applicant and respondent) and registers it: the
   case gets its number ``(YYYY)豫0302诉前调N号``.  The clicks and
   keystrokes this takes are counted and printed.
2. The filing officer opens it, reads the suggested complexity and its
   reasons, sets the complexity, picks the demo mediator and assigns it.
3. The mediator finds it among their cases, records an online video
   session, writes the agreement and concludes it: mediation succeeded.
4. A second case (logged and assigned through RPC) fails in the mediator's
   hands (points in dispute); the filing officer enters the service
   address and transfers it to filing.

Every browser step is checked through RPC afterwards, and screenshots
(doc/screenshots/mediation_<n>_<step>.png, also in artifacts/browser/)
illustrate the user guide.

Widgets are found by field and button names; menus, One2Many titles and
notebook pages by the strings the server gives the user (zh_CN, or the
English source where a translation is missing), so the test does not
depend on the state of the translations.
"""
import contextlib
import re

import pytest

pytest.importorskip('playwright.sync_api', reason='playwright is not installed')

import sao  # noqa: E402  (tests/browser/sao.py)
from court_tools import testdb  # noqa: E402

COURT = '410302'
CLERK = f'clerk_{COURT}'
FILING = f'filing_{COURT}'
MEDIATOR = f'mediator_{COURT}'
PASSWORD = testdb.DEMO_PASSWORD
MODEL = 'court.mediation.case'
# court_mediation.menu_case, by its English path
MENU = ['Courts', 'Mediation', 'Mediation Cases']
NUMBER = re.compile(r'^\((\d{4})\)豫0302诉前调(\d+)号$')
VIEWPORT = {'width': 1280, 'height': 1000}
# the filter tabs of the case list (act_window domains, by sequence)
TO_ASSIGN, IN_MEDIATION, CONCLUDED = 1, 2, 3

FACTS = ('申请人向被申请人出售建材一批，被申请人尚欠货款23000元，'
    '经多次催要未付。申请人请求被申请人支付货款及逾期利息。')
AGREEMENT = ('一、被申请人于2026年12月31日前向申请人支付货款23000元；'
    '二、申请人放弃逾期利息请求；三、双方再无其他争议。')
DISPUTED = '双方对货物质量及逾期利息的计算标准存在争议。'
ADDRESS = '洛阳市老城区西关街道民主街12号'


@pytest.fixture(scope='module')
def rpc(server):
    "RPC clients of the story's users, the admin's first"
    return {login: server.rpc(login, password) for login, password in [
            ('admin', testdb.ADMIN_PASSWORD), (CLERK, PASSWORD),
            (FILING, PASSWORD), (MEDIATOR, PASSWORD)]}


@pytest.fixture(scope='module')
def story(rpc):
    """What the story needs from the demo data, set up as admin where the
    demo data lacks it: the clerk linked to a station of the court, the
    mediator user linked to an active mediator appointed to the court; and
    two persons with unique names, the dispute type"""
    admin = rpc['admin']
    court, = admin._call('model.company.company.search', [
            [('division_code', '=', COURT), ('court_level', '=', 'basic')],
            0, 1, None, admin.context])
    users = {u['login']: u for u in admin._call(
            'model.res.user.search_read', [
                [('login', 'in', [CLERK, MEDIATOR])], 0, None, None,
                ['login', 'stations'], admin.context])}

    stations = admin.model('court.station', 'search', [
            ('company', '=', court), ('kind', '=', 'mediation_station')],
        0, None, None)
    if not set(users[CLERK]['stations']) & set(stations):
        if not stations:
            stations = admin.model('court.station', 'create', [{
                        'company': court, 'name': '西关街道诉调对接工作站',
                        'kind': 'mediation_station'}])
        admin.model('res.user', 'write', [users[CLERK]['id']],
            {'stations': [('add', stations[:1])]})

    today = sao.today()
    mediators = admin._call('model.court.mediator.search_read', [
            [('user', '=', users[MEDIATOR]['id'])], 0, 1, None,
            ['rec_name', 'state'], admin.context])
    if not mediators:
        person, = admin.model('party.party', 'search', [
                ('party_kind', '=', 'person')], 0, 1, [('id', 'DESC')])
        admin.model('court.mediator', 'create', [{
                    'party': person, 'user': users[MEDIATOR]['id'],
                    'company': court,
                    'appointments': [('create', [{
                                    'company': court,
                                    'date_start': {'__class__': 'date',
                                        'year': today.year, 'month': 1,
                                        'day': 1}}])],
                    }])
        mediators = admin._call('model.court.mediator.search_read', [
                [('user', '=', users[MEDIATOR]['id'])], 0, 1, None,
                ['rec_name', 'state'], admin.context])
    mediator, = mediators
    if mediator['state'] != 'active':
        admin.model('court.mediator', 'activate', [mediator['id']])

    # two persons the clerk can find by a name that no one else has
    clerk = rpc[CLERK]
    persons = clerk._call('model.party.party.search_read', [
            [('party_kind', '=', 'person')], 0, 200, [('id', 'ASC')],
            ['name'], clerk.context])
    mediator_names = {m['rec_name'] for m in admin._call(
            'model.court.mediator.search_read', [
                [], 0, None, None, ['rec_name'], admin.context])}
    counts = {}
    for person in persons:
        counts[person['name']] = counts.get(person['name'], 0) + 1
    unique = [p for p in persons if counts[p['name']] == 1
        and len(p['name']) >= 2 and p['name'] not in mediator_names]
    assert len(unique) >= 4, 'not enough persons with a unique name'
    dispute_type, = clerk._call('model.court.dispute.type.search_read', [
            [('code', '=', 'sale')], 0, 1, None, ['rec_name'],
        clerk.context])
    return {
        'court': court,
        'mediator': mediator,
        'applicant': unique[0], 'respondent': unique[1],
        'others': unique[2:4],
        'dispute_type': dispute_type,
        'menu': sao.menu_path(clerk, MENU),
        'intake': sao.menu_path(clerk, MENU[:-1] + ['Log a Dispute'])[-1],
        'strings': sao.view_strings(clerk, MODEL),
        }


@contextlib.contextmanager
def session(browser, server, login):
    "A browser context logged in to sao as `login`"
    context = browser.new_context(viewport=VIEWPORT, locale='zh-CN',
        timezone_id=sao.TIMEZONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sao.login(page, server, login, PASSWORD)
        yield page
    except Exception:
        # what the browser showed when the story broke
        page.screenshot(path=str(
                sao.ARTIFACTS / f'mediation_failure_{login}.png'))
        raise
    finally:
        context.close()


def read_case(rpc, case_id, fields=('number', 'state', 'session_count',
            'complexity', 'mediator', 'agreement', 'disputed_points',
            'service_address', 'applicants', 'respondents', 'amount',
            'source', 'station', 'consent', 'dispute_type')):
    case, = rpc.model(MODEL, 'read', [case_id], list(fields))
    return case


def find_case(rpc, number):
    ids = rpc.model(MODEL, 'search', [('number', '=', number)], 0, None,
        None)
    assert len(ids) == 1, (number, ids)
    return ids[0]


def open_case(page, steps, story, number, domain_tab, search=False):
    """From the menu to the form of the case `number`.

    (Searching by the number in the search box first works, but the double
    click on the row found then opens a second tab as well: not done.)"""
    tab = sao.open_menu(page, steps, story['menu'])
    if search:
        sao.search(page, steps, tab, f'"{number}"')
    sao.domain_tab(tab, steps, domain_tab)
    sao.open_record(tab, steps, number)
    sao.wait_value(tab, 'number', number)
    return tab


def add_session(page, steps, tab, story):
    "Sessions page: a new row (date today by default), online video"
    strings = story['strings']
    sao.notebook_page(tab, steps, strings['sessions'])
    sessions = sao.one2many(tab, strings['sessions'])
    sao.one2many_new(steps, sessions, 'session')
    mode = sessions.locator('select[name=mode]').first
    mode.wait_for(state='visible')
    steps.select(mode, 'video', 'mode')
    date = sessions.locator('input[name=date]').first
    assert date.input_value() == sao.today().isoformat()
    sao.toolbar(tab, steps, 'save', 'save')
    # the first session starts the mediation
    sao.wait_value(tab, 'state', 'mediating')
    sao.no_error_dialog(page)
    return sessions


def type_text(page, steps, tab, name, text):
    """Type into a text field and leave it with Tab.

    Leaving the field before pressing a button of the form is needed:
    after the save that started the mediation, a click on a button while
    the text field still has the focus makes sao send the case with its
    selections (source, complexity, state) reset to their first option,
    and the server refuses it ("Complexity" required)."""
    sao.fill(page, steps, tab, name, text)
    steps.key(page, 'Tab', f'leave {name}')


# Driving sao's editable rows and buttons is timing-sensitive: about one
# run in four lost the focus of a new party row (a test problem, the
# outcome is checked through RPC at every step); one more try is allowed.
@pytest.mark.flaky(reruns=2)
def test_mediation_story(browser, server, rpc, story, screenshot_dirs):
    strings = story['strings']
    shot = lambda page, name: sao.screenshot(  # noqa: E731
        page, f'mediation_{name}', screenshot_dirs)

    # 1. the station clerk logs the dispute and registers it: the clerk
    # lands on the intake form (a new case) at login
    with session(browser, server, CLERK) as page:
        steps = sao.Steps()
        tab = sao.active_tab(page)
        sao.expect(page.locator('#tablist .active, .nav-tabs li.active'
                ).first).to_contain_text(story['intake'])
        sao.wait_value(tab, 'source', 'station')
        assert sao.widget(tab, 'station').input_value(), 'no default station'
        parties = sao.one2many(tab, strings['parties'])
        for role, person in [
                ('applicant', story['applicant']),
                ('respondent', story['respondent'])]:
            sao.one2many_new(steps, parties, role)
            sao.settle(page)
            # the party cell of the row being edited (the only row with
            # visible inputs)
            party_input = parties.locator('input[name=party]:visible').first
            party_input.wait_for(state='visible')
            sao.pick(page, steps, party_input, person['name'], 'party')
            # then the role: changed earlier, it could be reset by the
            # row's default values arriving late
            row_role = parties.locator('select[name=role]:visible').first
            if row_role.input_value() != f'"{role}"':
                steps.select(row_role, role, 'role')
            sao.expect(row_role).to_have_value(f'"{role}"')
        sao.pick(page, steps, sao.widget(tab, 'dispute_type'), story[
                'dispute_type']['rec_name'].split(' / ')[-1][:4],
            'dispute type')
        sao.fill(page, steps, tab, 'amount', '23000')
        sao.fill(page, steps, tab, 'facts', FACTS)
        steps.check(sao.widget(tab, 'consent'), 'consent')

        sao.widget(tab, 'number').scroll_into_view_if_needed()
        shot(page, '1_clerk_new')
        sao.toolbar(tab, steps, 'save', 'save')
        sao.button(tab, steps, 'register')
        expect_number = sao.widget(tab, 'number')
        sao.expect(expect_number).to_have_value(NUMBER)
        sao.wait_value(tab, 'state', 'registered')
        sao.no_error_dialog(page)
        number = expect_number.input_value()
        sao.dismiss_notification(page)
        sao.widget(tab, 'number').scroll_into_view_if_needed()
        shot(page, '2_clerk_registered')
        print(f'\nlogging a dispute ({number}): {steps.summary()}')
        for action in steps.log:
            print('   ', *action)

    year, _ = NUMBER.match(number).groups()
    assert int(year) == sao.today().year
    case_id = find_case(rpc[CLERK], number)
    case = read_case(rpc[CLERK], case_id)
    assert case['state'] == 'registered'
    assert case['source'] == 'station' and case['station']
    assert case['consent']
    assert str(case['amount']['decimal'] if isinstance(case['amount'], dict)
        else case['amount']) in {'23000', '23000.00'}
    assert case['dispute_type'] == story['dispute_type']['id']
    assert case['applicants'] == story['applicant']['name']
    assert case['respondents'] == story['respondent']['name']

    # 2. the filing officer triages and assigns it
    with session(browser, server, FILING) as page:
        steps = sao.Steps()
        tab = open_case(page, steps, story, number, TO_ASSIGN)
        suggested = sao.value(tab, 'suggested_complexity')
        reasons = sao.widget(tab, 'triage_reasons').input_value()
        assert suggested in {'simple', 'complex'}, suggested
        assert reasons.strip()
        sao.widget(tab, 'triage_reasons').scroll_into_view_if_needed()
        shot(page, '3_filing_triage')
        steps.select(sao.widget(tab, 'complexity'), suggested, 'complexity')
        sao.pick(page, steps, sao.widget(tab, 'mediator'),
            story['mediator']['rec_name'], 'mediator')
        sao.button(tab, steps, 'assign')
        sao.wait_value(tab, 'state', 'assigned')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        sao.widget(tab, 'mediator').scroll_into_view_if_needed()
        shot(page, '4_filing_assigned')
        print(f'triage and assignment: {steps.summary()}')
    case = read_case(rpc[FILING], case_id)
    assert case['state'] == 'assigned'
    assert case['complexity'] == suggested
    assert case['mediator'] == story['mediator']['id']

    # 3. the mediator holds a session and records the agreement
    with session(browser, server, MEDIATOR) as page:
        steps = sao.Steps()
        tab = sao.open_menu(page, steps, story['menu'])
        sao.domain_tab(tab, steps, IN_MEDIATION)
        row = tab.locator('.treeview tbody tr').filter(has_text=number)
        row.first.wait_for(state='visible')
        shot(page, '5_mediator_cases')
        sao.open_record(tab, steps, number)
        sao.wait_value(tab, 'number', number)
        sessions = add_session(page, steps, tab, story)
        sao.expect(sessions.locator('.treeview tbody tr')).to_have_count(1)
        sao.dismiss_notification(page)
        sessions.scroll_into_view_if_needed()
        shot(page, '6_mediator_session')
        assert read_case(rpc[MEDIATOR], case_id)['session_count'] == 1

        sao.notebook_page(tab, steps, strings['outcome'])
        type_text(page, steps, tab, 'agreement', AGREEMENT)
        sao.button(tab, steps, 'succeed')
        sao.wait_value(tab, 'state', 'succeeded')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        sao.widget(tab, 'agreement').scroll_into_view_if_needed()
        shot(page, '7_mediator_succeeded')
        print(f'session and agreement: {steps.summary()}')
    case = read_case(rpc[MEDIATOR], case_id)
    assert case['state'] == 'succeeded'
    assert case['session_count'] == 1
    assert case['agreement'] == AGREEMENT
    session_, = rpc[MEDIATOR]._call(
        'model.court.mediation.session.search_read', [
            [('case', '=', case_id)], 0, None, None, ['mode', 'date'],
            rpc[MEDIATOR].context])
    assert session_['mode'] == 'video'

    # 4. a second case, logged and assigned through RPC, fails and is
    # transferred to filing
    second = create_assigned_case(rpc, story)
    second_number = read_case(rpc[FILING], second)['number']
    with session(browser, server, MEDIATOR) as page:
        steps = sao.Steps()
        tab = open_case(page, steps, story, second_number, IN_MEDIATION)
        add_session(page, steps, tab, story)
        sao.notebook_page(tab, steps, strings['outcome'])
        type_text(page, steps, tab, 'disputed_points', DISPUTED)
        sao.button(tab, steps, 'fail')
        sao.wait_value(tab, 'state', 'failed')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        sao.widget(tab, 'disputed_points').scroll_into_view_if_needed()
        shot(page, '8_mediator_failed')
        print(f'failure: {steps.summary()}')
    case = read_case(rpc[MEDIATOR], second)
    assert case['state'] == 'failed'
    assert case['session_count'] == 1
    assert case['disputed_points'] == DISPUTED

    with session(browser, server, FILING) as page:
        steps = sao.Steps()
        tab = open_case(page, steps, story, second_number, CONCLUDED)
        sao.notebook_page(tab, steps, strings['outcome'])
        type_text(page, steps, tab, 'service_address', ADDRESS)
        sao.button(tab, steps, 'transfer')
        sao.wait_value(tab, 'state', 'transferred')
        sao.no_error_dialog(page)
        sao.dismiss_notification(page)
        sao.widget(tab, 'service_address').scroll_into_view_if_needed()
        shot(page, '9_filing_transferred')
        print(f'transfer to filing: {steps.summary()}')
    case = read_case(rpc[FILING], second)
    assert case['state'] == 'transferred'
    assert case['service_address'] == ADDRESS


def create_assigned_case(rpc, story):
    "A case logged and registered by the clerk, assigned by the filing"
    clerk, filing = rpc[CLERK], rpc[FILING]
    applicant, respondent = story['others']
    case_id, = clerk.model(MODEL, 'create', [{
                'dispute_type': story['dispute_type']['id'],
                'amount': {'__class__': 'Decimal', 'decimal': '8000'},
                'facts': '被申请人拖欠申请人货款8000元。',
                'consent': True,
                'parties': [('create', [
                            {'role': 'applicant', 'party': applicant['id']},
                            {'role': 'respondent',
                                'party': respondent['id']}])],
                }])
    clerk.model(MODEL, 'register', [case_id])
    filing.model(MODEL, 'write', [case_id], {
            'complexity': 'simple', 'mediator': story['mediator']['id']})
    filing.model(MODEL, 'assign', [case_id])
    assert read_case(filing, case_id)['state'] == 'assigned'
    return case_id
