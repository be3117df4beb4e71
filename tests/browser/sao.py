"""Helpers to drive the sao web client with Playwright (sync API).

Widgets are found by what does not change with the translation: a form
field is the ``input``/``select``/``textarea`` whose ``name`` is the field
name, a form button is the ``<button name="...">`` of the view, a toolbar
button has the id sao gives it (``new_``, ``save``, ``reload``...).  What
is shown by its (translated) string — menus, One2Many fields, notebook
pages — is looked up through RPC in the user's language first.

``Steps`` counts the user's actions (clicks, keys, typed text) so that a
test can tell how many steps a task takes.
"""
import json
import re
import shutil
from dataclasses import dataclass, field

from playwright.sync_api import expect

from court_tools import testdb

DIALOG = '.login-dialog'
MENU_LABEL = '#menu table.tree > tbody > tr div.column-char'
ARTIFACTS = testdb.ROOT / 'artifacts' / 'browser'
ACTIVE_TAB = '#tabcontent > .tab-pane.active'
COMPLETION = 'ul.dropdown-completion:visible li.completion a'
# The browser contexts run in the courts' time zone (as the demo courts do)
TIMEZONE = testdb.COURT_TIMEZONE
today = testdb.court_today
# settle(): how long sao must have had no request under way (ms)
QUIET = 250

# Installed in every page before sao loads (login): counts the requests
# under way (XMLHttpRequest, which sao's RPC uses, and fetch) and keeps
# the time of the last start or end, so that settle() can wait for the
# requests sao starts after an action, not only for those already running.
# The bus's long polling (if the server has one) is not counted.
NETWORK_TRACKER = r"""
(() => {
    if (window.__courtNet) {
        return;
    }
    const net = window.__courtNet = {pending: 0, last: performance.now()};
    const start = () => {
        net.pending += 1;
        net.last = performance.now();
    };
    const end = () => {
        net.pending = Math.max(0, net.pending - 1);
        net.last = performance.now();
    };
    const bus = url => /\/bus(\?|$)/.test(String(url || ''));
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function(method, url, ...rest) {
        this.__courtBus = bus(url);
        return open.call(this, method, url, ...rest);
    };
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function(...args) {
        if (this.__courtBus) {
            return send.apply(this, args);
        }
        start();
        this.addEventListener('loadend', end, {once: true});
        return send.apply(this, args);
    };
    const fetch_ = window.fetch;
    window.fetch = function(input, ...args) {
        const url = input && input.url ? input.url : input;
        if (bus(url)) {
            return fetch_.call(this, input, ...args);
        }
        start();
        return fetch_.call(this, input, ...args).finally(end);
    };
})();
"""

# Counts the tabs sao has finished opening (or showing again: sao shows
# the tab already open on the same list instead of a new one) and the tabs
# it adds (a wizard's tab is added without Sao.Tab.create), so that
# open_menu() waits for the tab of *its* click.
TAB_TRACKER = r"""
() => {
    if (!window.__courtTabs) {
        const tabs = window.__courtTabs = {done: 0, added: 0};
        const create = Sao.Tab.create;
        Sao.Tab.create = function(...args) {
            const result = create.apply(this, args);
            jQuery.when(result).always(() => {
                tabs.done += 1;
            });
            return result;
        };
        const add = Sao.Tab.add;
        Sao.Tab.add = function(...args) {
            const result = add.apply(this, args);
            tabs.added += 1;
            return result;
        };
    }
    return [window.__courtTabs.done, window.__courtTabs.added];
}
"""


@dataclass
class Steps:
    "The user's actions, counted"
    clicks: int = 0
    keys: int = 0           # key presses other than typed text (Tab, Enter)
    characters: int = 0     # characters typed into fields
    entries: int = 0        # fields typed into
    log: list = field(default_factory=list)

    def click(self, locator, what, double=False):
        if double:
            locator.dblclick()
            self.clicks += 2
        else:
            locator.click()
            self.clicks += 1
        self.log.append(('double click' if double else 'click', what))

    def type(self, page, text, what):
        page.keyboard.type(text)
        self.characters += len(text)
        self.entries += 1
        self.log.append(('type', f'{what}: {text}'))

    def key(self, page, key, what=''):
        page.keyboard.press(key)
        self.keys += 1
        self.log.append(('key', f'{key} {what}'.strip()))

    def select(self, locator, value, what):
        "A <select>: one click to open, one to choose"
        locator.select_option(value=json.dumps(value))
        self.clicks += 2
        self.log.append(('select', f'{what}: {value}'))

    def check(self, locator, what):
        locator.check()
        self.clicks += 1
        self.log.append(('check', what))

    @property
    def total(self):
        return self.clicks + self.keys + self.entries

    def summary(self):
        return (f'{self.clicks} clicks, {self.entries} fields typed into '
            f'({self.characters} characters), {self.keys} other keys: '
            f'{self.total} steps')


# server side: names as the user sees them
def menu_path(rpc, english):
    """The names, as the `rpc` user sees them (in their language), of the
    menu whose English path is `english` (root first) and its parents.

    Menus are recognised by their English source names, which translations
    do not change (ir.model.data is not readable through RPC)."""
    context = dict(rpc.context, language='en')
    domain = [('name', '=', english[-1])]
    prefix = 'parent'
    for name in reversed(english[:-1]):
        domain.append((f'{prefix}.name', '=', name))
        prefix += '.parent'
    domain.append((prefix, '=', None))
    menus = rpc._call('model.ir.ui.menu.search', [
            domain, 0, None, None, context])
    assert len(menus) == 1, (english, menus)
    names = []
    menu_id = menus[0]
    while menu_id:
        menu, = rpc.model('ir.ui.menu', 'read', [menu_id], ['name', 'parent'])
        names.insert(0, menu['name'])
        menu_id = menu['parent']
    return names


def view_strings(rpc, model, view_type='form'):
    """{page id or name, button name, field name: string} of the default
    view of `model`, translated for the `rpc` user"""
    view = rpc(f'model.{model}.fields_view_get', None, view_type)
    strings = {name: f['string'] for name, f in view['fields'].items()}
    for tag, attrs in re.findall(r'<(page|button)\b([^>]*)>', view['arch']):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
        key = attributes.get('id') or attributes.get('name')
        string = attributes.get('string') or strings.get(key)
        if key and string:
            strings[key] = string
    return strings


# browser side
def login(page, server, login, password):
    "Log in through sao's dialogs: user name, then password"
    page.add_init_script(NETWORK_TRACKER)
    page.goto(server.url + '/')
    dialog = page.locator(DIALOG)
    dialog.locator('input#login').wait_for(state='visible')
    expect(dialog.locator('input#database')).to_have_value(server.database)
    dialog.locator('input#login').fill(login)
    dialog.locator('button[type=submit]').click()
    password_input = page.locator('.modal input[type=password]')
    password_input.wait_for(state='visible')
    password_input.fill(password)
    password_input.press('Enter')
    page.locator('#user-preferences > a').wait_for(state='visible')
    page.locator(MENU_LABEL).first.wait_for(state='visible')
    page.locator(DIALOG).wait_for(state='detached')


def open_menu(page, steps, names):
    """Unfold the menu tree along `names` and open the last one: one click
    a level (sao unfolds a folder, or opens an action, on a click).

    Returns when the tab of this click is the active one: sao has finished
    opening it (a new tab, the same list's tab shown again, or a wizard's
    tab) and the active tab has the menu's name. Waiting for the name
    alone is not enough: when the active tab already has it (the same menu
    opened again while its tab shows a form), the old tab would be taken
    for the new one, which sao adds a moment later."""
    opened = page.evaluate(TAB_TRACKER)
    for name in names:
        label = page.locator(MENU_LABEL).filter(
            has_text=re.compile(f'^{re.escape(name)}$'))
        steps.click(label.first, f'menu {name}')
    page.wait_for_function('([done, added]) => window.__courtTabs.done > done'
        ' || window.__courtTabs.added > added', arg=opened)
    expect(page.locator('#tablist > li.active').first).to_contain_text(
        names[-1])
    tab = active_tab(page)
    tab.locator('.screen-container').first.wait_for(state='visible')
    settle(page)
    return tab


def active_tab(page):
    return page.locator(ACTIVE_TAB)


def widget(tab, name):
    "The visible input/select/textarea of the form field `name`"
    return tab.locator(
        f'input[name="{name}"]:visible, select[name="{name}"]:visible, '
        f'textarea[name="{name}"]:visible').first


def value(tab, name):
    "The value of a form field as sao shows it (selection: JSON decoded)"
    element = tab.locator(f'[name="{name}"]').first
    text = element.input_value()
    if element.evaluate('e => e.tagName') == 'SELECT':
        return json.loads(text) if text else None
    return text


def selection_text(tab, name):
    return tab.locator(f'select[name="{name}"]').first.evaluate(
        'e => e.options[e.selectedIndex] ? e.options[e.selectedIndex].text '
        ': ""')


def wait_value(tab, name, expected, timeout=None):
    "Wait until the form field shows `expected` (selection: the key)"
    element = tab.locator(f'[name="{name}"]').first
    if isinstance(expected, str) and element.evaluate(
            'e => e.tagName') == 'SELECT':
        expected = json.dumps(expected)
    kwargs = {'timeout': timeout} if timeout else {}
    expect(element).to_have_value(expected, **kwargs)


def fill(page, steps, tab, name, text):
    "Click into a field and type `text`"
    steps.click(widget(tab, name), f'field {name}')
    steps.type(page, text, name)


def pick(page, steps, input_, text, what):
    """Many2One: type `text` into `input_` (None: the focused one) and
    choose the completion that reads `text` exactly (or else the first one
    containing it).

    sao may re-render an editable row just after it was clicked (its
    default values arriving), which takes the focus away: the input is
    clicked again until it has the focus, and the text typed again if no
    completion shows (counted as the user would: one more try)."""
    completions = page.locator(COMPLETION)
    for attempt in range(3):
        if input_ is not None:
            steps.click(input_, f'field {what}')
            try:
                expect(input_).to_be_focused(timeout=2_000)
            except AssertionError:
                continue
            if attempt:
                input_.fill('')
        steps.type(page, text, what)
        try:
            completions.first.wait_for(state='visible', timeout=10_000)
            break
        except Exception:
            if input_ is None:
                raise
    exact = completions.filter(has_text=re.compile(f'^{re.escape(text)}$'))
    completions.first.wait_for(state='visible')
    target = exact.first if exact.count() else completions.filter(
        has_text=text).first
    steps.click(target, f'completion {text}')
    expect(page.locator('ul.dropdown-completion:visible')).to_have_count(0)


def settle(page, quiet=QUIET):
    """Wait until sao has had no request under way for `quiet` ms, counted
    from the call at the earliest (a save and the reload that follows it;
    the requests an action starts a moment after the click): a form button
    pressed before would act on the record as it was, and the server would
    refuse it as modified meanwhile.

    Playwright's 'networkidle' load state is no help here: it is reached
    once, when the page has loaded, and is not waited for again."""
    page.wait_for_function('''([since, quiet]) => {
            const net = window.__courtNet;
            if (!net) {
                throw new Error(
                    'no network tracker: log in with sao.login');
            }
            const now = performance.now();
            return net.pending === 0
                && now - Math.max(net.last, since) >= quiet;
        }''', arg=[page.evaluate('performance.now()'), quiet], polling=50)


def toolbar(tab, steps, button_id, what):
    "A button of the tab's toolbar: new_, save, reload, switch_..."
    steps.click(tab.locator(f'button#{button_id}'), what)
    settle(tab.page)


def button(tab, steps, name):
    "A button of the form view"
    target = tab.locator(f'button[name="{name}"]')
    expect(target).to_be_enabled()
    settle(tab.page)
    steps.click(target, f'button {name}')
    settle(tab.page)


def one2many(tab, string):
    "The One2Many widget whose title is `string`"
    return tab.locator('.form-one2many').filter(
        has=tab.page.locator('label.form-one2many-string',
            has_text=re.compile(f'^{re.escape(string)}$')))


def one2many_new(steps, widget_, what):
    "The 'new' button of a One2Many (adds an editable row)"
    steps.click(widget_.locator(
            '.form-one2many-toolbar button[title="新建"], '
            '.form-one2many-toolbar button[title="New"]').first,
        f'new {what}')


def notebook_page(tab, steps, string):
    steps.click(tab.locator('.form-notebook .nav-tabs a').filter(
            has_text=re.compile(f'^\\s*{re.escape(string)}\\s*$')).first,
        f'page {string}')


def domain_tab(tab, steps, index, what=''):
    "The filter tab (act_window domain) at `index`"
    steps.click(tab.locator('.tab-domain a[role=tab]').nth(index),
        f'filter tab {what or index}')


def search(page, steps, tab, text):
    "Type `text` in the tab's search box and press Enter"
    box = tab.locator('.filter-box input.form-control').first
    steps.click(box, 'search box')
    steps.type(page, text, 'search')
    steps.key(page, 'Enter', 'search')


def open_record(tab, steps, text):
    "Open the record whose row shows `text` (a double click on that cell)"
    cell = tab.locator('.treeview tbody tr div[title]').filter(
        has_text=re.compile(f'^{re.escape(text)}$')).first
    steps.click(cell, f'row {text}', double=True)


def dismiss_notification(page):
    "Close sao's 'record saved' message so that it does not hide the form"
    # sao fades its messages in and out and may remove one while we reach
    # for it: a message that went away on its own is as good as closed.
    close = page.locator('#main > .alert button.close, .alert .close')
    for i in range(close.count()):
        button = close.nth(i)
        try:
            if button.is_visible():
                button.click(timeout=2000)
        except Exception:
            page.wait_for_timeout(300)
            try:
                if button.is_visible():
                    button.click(force=True, timeout=2000)
            except Exception:
                if button.is_visible():
                    raise


def no_error_dialog(page):
    "Fail with the text of sao's error/warning dialog if one is open"
    dialogs = page.locator('.modal:visible')
    if dialogs.count():
        raise AssertionError(
            'sao shows: ' + ' | '.join(dialogs.all_inner_texts()))


def screenshot(page, name, dirs):
    artifacts, screenshots = dirs
    path = artifacts / f'{name}.png'
    page.screenshot(path=str(path))
    shutil.copyfile(path, screenshots / f'{name}.png')
    return path
