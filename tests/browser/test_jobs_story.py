"""后台任务 in the web client: a court leader's large export has run as a
background job; the leader opens 法院 › 后台任务 and finds it done, with a
full progress bar and its outcome (the user guide's picture,
doc/screenshots/jobs_list.png).

This module starts its own server on the session's demo database with
``[court] export_job_rows`` lowered to 50 (through the environment), so
that an export of 60 cases becomes a job."""
import json
import re

import pytest
from playwright.sync_api import expect

from court_tools import testdb
from sao import Steps, login, open_menu, screenshot, settle  # noqa: E402

CASE = 'court.mediation.case'


@pytest.fixture(scope='module')
def job_server(demo_db, sao_root, tmp_path_factory):
    "As conftest's server, with the export threshold lowered"
    config = tmp_path_factory.mktemp('jobconf') / 'browser.conf'
    text = (testdb.ROOT / 'config' / 'demo.conf').read_text()
    config.write_text(re.sub(r'(?m)^\s*listen\s*=.*$', '', text))
    with demo_db.server(config=str(config), extra_env={
                'TRYTOND_CONFIG': str(config),
                'TRYTOND_WEB__ROOT': str(sao_root),
                'TRYTOND_COURT__EXPORT_JOB_ROWS': '50',
                }) as server:
        yield server


def test_leader_finds_the_export_job(page, job_server, screenshot_dirs):
    leader = job_server.rpc('leader_410302')
    ids = leader.model(CASE, 'search', [], 0, 60, [('id', 'ASC')])
    context = dict(leader.context, active_model=CASE, active_ids=ids,
        active_id=ids[0])
    wizard = 'wizard.court.export.xlsx'
    session, _, _ = leader._call(f'{wizard}.create', [context])
    answer = leader._call(f'{wizard}.execute', [session, {}, 'start',
            context])
    leader._call(f'{wizard}.delete', [session, context])
    (action, _), = answer['actions']
    (_, _, job_id), = json.loads(action['pyson_domain'])
    job, = leader.model('court.job', 'read', [job_id], ['name', 'state'])
    assert job['state'] == 'done', job

    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    login(page, job_server, 'leader_410302', testdb.DEMO_PASSWORD)
    # the leader's landing tabs open first
    settle(page)
    steps = Steps()
    tab = open_menu(page, steps, ['法院', '后台任务'])
    row = tab.locator('tr', has_text=job['name']).first
    row.wait_for(state='visible')
    text = row.inner_text()
    assert '已完成' in text and '已导出 60 条记录' in text, text
    bar = row.locator('[role=progressbar]').first
    assert float(bar.get_attribute('aria-valuenow')) == 100, (
        bar.get_attribute('aria-valuenow'))
    assert not errors, errors
    screenshot(page, 'jobs_list', screenshot_dirs)
    # two clicks from the login: 法院, 后台任务
    assert steps.clicks == 2, steps.log
    # the form: the file to download, the start and end times
    steps.click(row, 'open the job', double=True)
    form = tab.locator('.form').first
    form.wait_for(state='visible')
    settle(page)
    expect(form).to_contain_text('结果文件')
    expect(form).to_contain_text('开始时间')
    values = form.locator('input').evaluate_all(
        'inputs => inputs.map(input => input.value)')
    assert any(v.endswith('.xlsx') for v in values), values
    assert not errors, errors
