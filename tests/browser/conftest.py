"""Fixtures of the browser tests: the sao web client served by a real
trytond (the session's demo database) and driven by Debian's Chromium
through Playwright (python, sync API).

Playwright's own browser download is not used (``playwright install`` is
not needed): the system Chromium is launched by path.
"""
import os
import re
import shutil
import subprocess

import pytest

from court_tools import testdb

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic']
SAO = testdb.ROOT / 'var' / 'sao' / 'node_modules' / 'tryton-sao'
ARTIFACTS = testdb.ROOT / 'artifacts' / 'browser'
SCREENSHOTS = testdb.ROOT / 'doc' / 'screenshots'
# sao loads a few MB of JavaScript and then talks to the server: be patient
TIMEOUT = 60_000


def _chromium():
    "Path of the system Chromium, installed from Debian if missing"
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if shutil.which('apt-get') and os.geteuid() == 0:
        subprocess.run(['apt-get', 'update', '-qq'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(
            ['apt-get', 'install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    pytest.skip(f'{CHROMIUM} is absent and could not be installed')


@pytest.fixture(scope='session')
def sao_root(tmp_path_factory):
    """The directory trytond serves sao from.

    sao's index.html loads its dependencies from a ``node_modules`` beside
    it, plus ``custom.js``/``custom.css``; ``./court setup`` adds these to
    the npm tree but a later ``npm install`` removes them.  If they are
    missing, serve an overlay (symbolic links into the npm tree) rather
    than touching ``var/``."""
    if not (SAO / 'dist' / 'tryton-sao.js').exists():
        pytest.fail(f'sao is not installed in {SAO}: run ./court setup')
    if ((SAO / 'node_modules' / 'jquery').exists()
            and (SAO / 'custom.js').exists()
            and (SAO / 'custom.css').exists()):
        return SAO
    root = tmp_path_factory.mktemp('sao')
    for entry in SAO.iterdir():
        if entry.name not in {'node_modules', 'custom.js', 'custom.css'}:
            (root / entry.name).symlink_to(entry)
    (root / 'node_modules').symlink_to(SAO.parent)
    for name in ['custom.js', 'custom.css']:
        if (SAO / name).exists():
            (root / name).symlink_to(SAO / name)
        else:
            (root / name).write_text('')
    return root


@pytest.fixture(scope='session')
def server(demo_db, sao_root, tmp_path_factory):
    """A trytond serving sao and the demo database, on a free port.

    config/demo.conf sets ``[web] listen = 127.0.0.1:8000``, and trytond
    reads its configuration files after the TRYTOND_* environment, so the
    free port testdb puts in TRYTOND_WEB__LISTEN would lose to the file
    (and the server fail whenever a demo runs on port 8000): start it with
    a copy of the file without ``listen``."""
    config = tmp_path_factory.mktemp('conf') / 'browser.conf'
    text = (testdb.ROOT / 'config' / 'demo.conf').read_text()
    config.write_text(re.sub(r'(?m)^\s*listen\s*=.*$', '', text))
    with demo_db.server(config=str(config), extra_env={
                'TRYTOND_CONFIG': str(config),
                'TRYTOND_WEB__ROOT': str(sao_root),
                }) as server:
        yield server


@pytest.fixture(scope='session')
def browser():
    sync_api = pytest.importorskip(
        'playwright.sync_api', reason='playwright is not installed')
    sync_api.expect.set_options(timeout=TIMEOUT)
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    "A fresh browser context (no cookies, no local storage) per test"
    context = browser.new_context(
        viewport={'width': 1280, 'height': 800}, locale='zh-CN',
        timezone_id='Asia/Shanghai')
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope='session')
def screenshot_dirs():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS, SCREENSHOTS
