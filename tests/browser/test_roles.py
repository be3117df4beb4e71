"""Each demo role logs in to the sao web client and sees its menus in Chinese.

Which menus a role sees is derived from the module data:
``ir.ui.menu-res.group`` in ``addons/court_*/court_*.xml`` gives the groups
of every menu root, and ``addons/court_base/res.xml`` the group inheritance
(a user of a group also has its parents: filing officer -> station clerk ->
court user, superior supervisor -> court leader -> court user, every other
role -> court user).  The root "Courts" is for every court user, its
"Configuration" for the platform administrator only.

Every role is checked three ways:

1. the server (JSON-RPC as that user) shows exactly the expected menus,
   named by XML id, whatever their translation;
2. the browser shows, under the root, exactly the menus the server gives
   that user, with the names the server gives (structure);
3. those names are the Chinese ones of the user guide, and no English
   menu label is left (translation).

A full-page screenshot per role is written to doc/screenshots/ (for the
user guide) and to artifacts/browser/.
"""
import shutil

import pytest

expect = pytest.importorskip(
    'playwright.sync_api', reason='playwright is not installed').expect

from court_tools import testdb
from sao import login  # noqa: E402  (tests/browser/sao.py)

# XML id -> Chinese name (the user guide's) and English source name
ROOT = 'court_base.menu_court_root'
MEDIATION = 'court_mediation.menu_mediation_root'
PETITION = 'court_petition.menu_petition_root'
GRID = 'court_grid.menu_grid_root'
SCORING = 'court_scoring.menu_scoring_root'
CONFIGURATION = 'court_base.menu_court_configuration'
CHINESE = {
    ROOT: '法院',
    MEDIATION: '诉前调解',
    PETITION: '涉诉信访',
    GRID: '法官进网格',
    SCORING: '示范法院考核',
    CONFIGURATION: '配置',
    }
ENGLISH = {
    ROOT: 'Courts',
    MEDIATION: 'Mediation',
    PETITION: 'Petitions',
    GRID: 'Grid',
    SCORING: 'Scoring',
    CONFIGURATION: 'Configuration',
    }
# the menus under the root that are restricted to some groups
RESTRICTED = [MEDIATION, PETITION, GRID, SCORING, CONFIGURATION]

BASIC = '洛阳市老城区人民法院'
INTERMEDIATE = '洛阳市中级人民法院'
LEADER = {MEDIATION, PETITION, GRID, SCORING}
CLERK = {MEDIATION, GRID}

# login -> (screenshot name, court, title in the user's name, menus seen)
ROLES = {
    'clerk_410302': ('clerk', BASIC, '调解站登记员', CLERK),
    'mediator_410302': ('mediator', BASIC, '特邀调解员', {MEDIATION}),
    'filing_410302': ('filing', BASIC, '立案庭干警', CLERK),
    'judge_410302': ('judge', BASIC, '员额法官', {MEDIATION, GRID, PETITION}),
    'petition_410302': ('petition', BASIC, '信访干警', {PETITION}),
    'leader_410302': ('leader', BASIC, '院领导', LEADER),
    'roster_410302': ('roster', BASIC, '名册管理员', {MEDIATION}),
    'scoring_410302': ('scoring', BASIC, '考核管理员', {SCORING}),
    'leader_4103': ('leader_4103', INTERMEDIATE, '院领导', LEADER),
    'supervisor_4103': (
        'supervisor_4103', INTERMEDIATE, '上级法院监督员', LEADER),
    'scoring_4103': ('scoring_4103', INTERMEDIATE, '考核管理员', {SCORING}),
    'petition_4103': ('petition_4103', INTERMEDIATE, '信访干警', {PETITION}),
    }

# the rows of sao's menu tree and their labels
ROWS = '#menu table.tree > tbody > tr'
LABELS = '#menu table.tree > tbody > tr div.column-char'


def server_menus(server, login, password):
    """The root and its children as the server shows them to this user:
    (root name, {XML id, or the English name if not one checked: name}),
    names in the user's language (zh_CN).  Menus are recognised by their
    English source name, which translations do not change."""
    rpc = server.rpc(login, password)
    english = dict(rpc.context, language='en')
    by_name = {v: k for k, v in ENGLISH.items()}
    roots = [m for m in rpc._call('model.ir.ui.menu.search_read', [
                [('parent', '=', None)], 0, None, None, ['name'], english])
        if m['name'] == ENGLISH[ROOT]]
    assert len(roots) == 1, (login, roots)
    root, = roots
    children = rpc._call('model.ir.ui.menu.search_read', [
            [('parent', '=', root['id'])], 0, None, None, ['name'], english])
    names = {m['id']: m['name'] for m in rpc.model('ir.ui.menu', 'read',
            [root['id'], *(c['id'] for c in children)], ['name'])}
    return names[root['id']], {
        by_name.get(c['name'], c['name']): names[c['id']] for c in children}


def menu_labels(page):
    return page.locator(LABELS).all_inner_texts()


# the labels of the rows drawn under the top-level row labelled `label`
# (sao indents a row's expander by its depth)
CHILDREN_JS = """label => {
    const rows = [...document.querySelectorAll('%s')];
    const depth = row => parseFloat(
        row.querySelector('span.expander img')?.style.marginLeft || '0');
    const text = row => row.querySelector('div.column-char')?.innerText;
    const index = rows.findIndex(row => text(row) === label);
    const children = [];
    for (const row of rows.slice(index + 1)) {
        if (depth(row) <= depth(rows[index])) break;
        children.push(text(row));
    }
    return children;
}""" % ROWS


def expand(page, label, count):
    """Unfold the top-level menu `label` and return its children's labels
    once `count` of them are drawn"""
    row = page.locator(ROWS).filter(
        has=page.locator(f'div.column-char[title="{label}"]')).first
    # a click on the row unfolds it if it is folded (the expander toggles)
    row.locator('div.column-char').click()
    page.wait_for_function(
        f'([label, count]) => ({CHILDREN_JS})(label).length === count',
        arg=[label, count])
    return page.evaluate(CHILDREN_JS, label)


def save_screenshot(page, name, dirs):
    artifacts, screenshots = dirs
    path = artifacts / f'login_{name}.png'
    page.screenshot(path=str(path), full_page=True)
    shutil.copyfile(path, screenshots / f'login_{name}.png')


def check_role(page, server, screenshot_dirs, user, password,
        name, court, title, expected):
    forbidden = set(RESTRICTED) - expected

    # 1. the server, by XML id
    root_name, menus = server_menus(server, user, password)
    assert expected <= set(menus), (user, menus)
    assert not forbidden & set(menus), (user, menus)

    # 2. the browser shows what the server gives
    login(page, server, user, password)
    assert root_name in menu_labels(page)
    shown = expand(page, root_name, len(menus))
    save_screenshot(page, name, screenshot_dirs)
    assert sorted(shown) == sorted(menus.values()), (user, shown, menus)

    # 3. in Chinese: the user guide's menu names, sao's own strings
    labels = menu_labels(page)
    assert root_name == CHINESE[ROOT], f'root menu {root_name!r}'
    missing = [CHINESE[m] for m in expected if CHINESE[m] not in shown]
    assert not missing, f'{user} does not see {missing} in {labels}'
    unexpected = [CHINESE[m] for m in forbidden if CHINESE[m] in shown]
    assert not unexpected, f'{user} sees {unexpected} in {labels}'
    english = [ENGLISH[m] for m in CHINESE if ENGLISH[m] in labels]
    assert not english, f'English menu labels {english} for {user}'
    # the user's name, after the count of unread notifications if any
    # (the mediation story notifies the mediator of its cases)
    user_name = page.locator('#user-preferences > a').inner_text()
    assert user_name.split('\n')[-1].startswith(court + title), user_name
    assert page.locator('#global-search input').get_attribute(
        'placeholder') == '操作'
    page.locator('#user-preferences > a').click()
    logout = page.locator('#user-preferences .dropdown-menu a',
        has_text='注销')
    logout.wait_for(state='visible')


@pytest.mark.parametrize('user', list(ROLES))
def test_role_menus(page, server, screenshot_dirs, user):
    name, court, title, expected = ROLES[user]
    check_role(page, server, screenshot_dirs, user,
        testdb.DEMO_PASSWORD, name, court, title, expected)


def test_admin_menus(page, server, screenshot_dirs):
    "The platform administrator sees every menu, Configuration included"
    check_role(page, server, screenshot_dirs, 'admin',
        testdb.ADMIN_PASSWORD, 'admin', '', '', set(RESTRICTED))
