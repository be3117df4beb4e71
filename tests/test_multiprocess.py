"""Two trytond processes on one PostgreSQL database share access changes.

A throwaway PostgreSQL 15 cluster (court_tools.pgcluster) gets a database
with court_base activated. Two separate trytond servers, A and B, serve it
with config/multiprocess.conf. A user of group_court_admin reads
court.dispute.type on B; the admin revokes the right on A; the very next
call on B must be refused: with ``[cache] clean_timeout = 0`` the caches of
every process are cleared through LISTEN/NOTIFY.

The control test runs the same scenario with the default clean_timeout
(300 s) and shows that B then keeps granting the revoked right, i.e. that
the first test really measures cache propagation.

The last test starts the processes of docker/compose.yaml directly
(gunicorn, trytond-cron, trytond-worker, nginx with docker/nginx.conf when
nginx is installed), as no Docker engine runs here.

Run: /tmp/venv/bin/python -m pytest tests/test_multiprocess.py -v
"""
import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from court_tools import pgcluster

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / 'config' / 'multiprocess.conf'
DB = 'court_mp'
DB_CONTROL = 'court_mp_control'
MODEL = 'court.dispute.type'
# Propagation through NOTIFY is asynchronous (a listener thread in B);
# allow this much before calling it a failure. The default cache
# clean_timeout is 300 s.
PROPAGATION_LIMIT = 2.0


def _bin(name):
    for directory in (Path(sys.executable).parent, Path('/tmp/venv/bin')):
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if not found:
        pytest.skip(f'{name} not found')
    return found


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope='module')
def cluster():
    try:
        pg = pgcluster.start()
    except RuntimeError as e:
        if 'install' in str(e) or 'apt-get' in str(e):
            pytest.skip(f'PostgreSQL 15 unavailable: {e}')
        raise
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(scope='module')
def admin_password():
    return 'Adm-' + secrets.token_urlsafe(16)


@pytest.fixture(scope='module')
def databases(cluster, admin_password, tmp_path_factory):
    "court_base activated in DB; DB_CONTROL is a copy of it."
    tmp = tmp_path_factory.mktemp('admin')
    passfile = tmp / 'passfile'
    passfile.write_text(admin_password + '\n')
    cluster.createdb(DB)
    env = dict(os.environ, **cluster.env, TRYTONPASSFILE=str(passfile))
    proc = subprocess.run(
        [_bin('trytond-admin'), '-c', str(CONFIG), '-d', DB,
            '-u', 'court_base', '--activate-dependencies',
            '--email', 'admin@example.com'],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=240)
    assert proc.returncode == 0, proc.stdout[-4000:]
    # a copy needs a template without connections: make it now
    cluster.createdb(DB_CONTROL, template=DB)
    return DB, DB_CONTROL


class Client:
    "JSON-RPC over HTTP to the process proc (logging to log) on port."

    def __init__(self, name, database, port, proc, log):
        self.name = name
        self.database = database
        self.port = port
        self.proc = proc
        self.log = log
        self._id = 0

    def url(self, path=''):
        return f'http://127.0.0.1:{self.port}/{path}'

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f'trytond {self.name} exited {self.proc.returncode}:\n'
                    + self.tail())
            try:
                if self.post('rpc/', 'common.server.version', []) is not None:
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise AssertionError(f'trytond {self.name} not ready:\n' + self.tail())

    def tail(self, size=3000):
        try:
            return self.log.read_text(errors='replace')[-size:]
        except OSError:
            return ''

    def post(self, path, method, params, session=None):
        "JSON-RPC call; return the decoded response (result or error)."
        self._id += 1
        body = json.dumps(
            {'id': self._id, 'method': method, 'params': params}).encode()
        request = urllib.request.Request(
            self.url(path), data=body, method='POST',
            headers={'Content-Type': 'application/json'})
        if session:
            token = base64.b64encode(
                ('%s:%s:%s' % session).encode()).decode()
            request.add_header('Authorization', f'Session {token}')
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            return {'http_error': e.code, 'body': e.read()[:500]}

    def login(self, login, password):
        response = self.post(
            f'{self.database}/rpc/', 'common.db.login',
            [login, {'password': password}, 'zh_CN'])
        assert 'result' in response, response
        user_id, token = response['result'][:2]
        return (login, user_id, token)

    def call(self, session, method, *args, context=None):
        return self.post(
            f'{self.database}/rpc/', method, [*args, context or {}],
            session=session)


class Server(Client):
    "One trytond process in its own process group."

    def __init__(self, name, cluster, database, configs, logdir):
        port = pgcluster.free_port()
        log = logdir / f'trytond-{name}.log'
        env = dict(os.environ, **cluster.env,
            TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}')
        env.pop('TRYTOND_CONFIG', None)
        with open(log, 'wb') as fp:
            proc = subprocess.Popen(
                [_bin('trytond'), '-c', *map(str, configs), '-d', database],
                cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                stdout=fp, stderr=subprocess.STDOUT,
                start_new_session=True)
        super().__init__(name, database, port, proc, log)

    def stop(self):
        _kill_group(self.proc)


@pytest.fixture
def start_servers(cluster, tmp_path):
    "Start trytond servers A and B on a database; stop them at teardown."
    servers = []

    def start(database, configs):
        for name in ('A', 'B'):
            servers.append(
                Server(name, cluster, database, configs, tmp_path))
        for server in servers:
            server.wait_ready()
        return servers

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


# ----------------------------------------------------------------- helpers

def result(response):
    assert 'result' in response, response
    return response['result']


# ir.msg_access_rule_error in English and in zh_CN
ACCESS_MESSAGES = ('You are not allowed to access', '没有访问')


def is_access_error(response):
    "The JSON-RPC response is Tryton's model access error."
    error = response.get('error')
    if not error or error[0] != 'UserError':
        return False
    message = error[1][0]
    return any(text in message for text in ACCESS_MESSAGES)


def db_id(server, admin, fs_id):
    "Database id of a court_base XML record (names are translated)."
    return result(server.call(
        admin, 'model.ir.model.data.get_id', 'court_base', fs_id))


def scenario(servers, admin_password):
    """Create a court admin, read on B, revoke on A, read again on B.

    Return (before, after_first, after_delay): the responses on B before
    revocation, right after it, and after PROPAGATION_LIMIT seconds.
    """
    a, b = servers
    admin = a.login('admin', admin_password)
    group_id = db_id(a, admin, 'group_court_admin')
    access_id = db_id(a, admin, 'access_dispute_type')

    password = 'Usr-' + secrets.token_urlsafe(16)
    user_id, = result(a.call(admin, 'model.res.user.create', [{
                    'name': 'Multi-process tester',
                    'login': 'mp_tester',
                    'password': password,
                    'groups': [['add', [group_id]]],
                    }]))
    session_a = a.login('mp_tester', password)
    session_b = b.login('mp_tester', password)
    assert session_a[1] == session_b[1] == user_id

    read = ('model.%s.search_read' % MODEL, [], 0, 5, None, ['name'])
    # control: both processes grant the right before the revocation
    before_a = a.call(session_a, *read)
    before_b = b.call(session_b, *read)
    assert result(before_a), before_a
    assert result(before_b), before_b

    # revoke on A: the group-less XML access (read for everyone) is
    # deactivated ("active" is the only field of an XML record that may
    # change), an explicit group-less "no right" access replaces it (a
    # model without any applicable access record would fall back to full
    # access) and the user leaves group_court_admin.
    result(a.call(admin, 'model.ir.model.access.write',
            [access_id], {'active': False}))
    result(a.call(admin, 'model.ir.model.access.create', [{
                    'model': MODEL,
                    'perm_read': False, 'perm_write': False,
                    'perm_create': False, 'perm_delete': False,
                    }]))
    result(a.call(admin, 'model.res.user.write',
            [user_id], {'groups': [['remove', [group_id]]]}))
    # the writer itself refuses at once
    assert is_access_error(a.call(session_a, *read))

    after_first = b.call(session_b, *read)
    deadline = time.monotonic() + PROPAGATION_LIMIT
    after = after_first
    while 'result' in after and time.monotonic() < deadline:
        time.sleep(0.05)
        after = b.call(session_b, *read)
    return before_b, after_first, after


# ------------------------------------------------------------------- tests

def test_revoked_access_reaches_other_process(
        databases, start_servers, admin_password):
    "clean_timeout = 0: B refuses as soon as A has committed the revocation."
    servers = start_servers(databases[0], [CONFIG])
    before, first, after = scenario(servers, admin_password)
    assert 'result' in before
    assert is_access_error(after), (
        f'B still grants read {PROPAGATION_LIMIT}s after revocation: {after}')
    if not is_access_error(first):
        # NOTIFY arrived a few ms after the first call: tolerated, reported
        print(f'first call on B after revocation still granted: {first}')


def test_control_default_clean_timeout_keeps_stale_access(
        databases, start_servers, admin_password, tmp_path):
    "Default clean_timeout (300 s): B still grants the revoked right."
    override = tmp_path / 'default-cache.conf'
    override.write_text('[cache]\nclean_timeout = 300\n')
    servers = start_servers(databases[1], [CONFIG, override])
    before, first, after = scenario(servers, admin_password)
    assert 'result' in before
    assert 'result' in first and 'result' in after, (first, after)


# ------------------------------------------------- the compose processes

def _nginx_conf(tmp_path, listen_port, upstream_port):
    "docker/nginx.conf, pointed at local ports and the local sao."
    site = (REPO / 'docker' / 'nginx.conf').read_text()
    site = site.replace('server trytond:8000;',
        f'server 127.0.0.1:{upstream_port};')
    site = site.replace('listen 80 default_server;',
        f'listen 127.0.0.1:{listen_port} default_server;')
    site = site.replace('/usr/share/nginx/sao', str(REPO / 'var' / 'sao'))
    (tmp_path / 'site.conf').write_text(site)
    user = 'user root;\n' if os.geteuid() == 0 else ''
    main = tmp_path / 'nginx.conf'
    main.write_text(f'''{user}worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/nginx-access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/site.conf;
}}
''')
    return main


def _kill_group(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        except ProcessLookupError:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_compose_processes(cluster, databases, admin_password, tmp_path):
    """The processes of docker/compose.yaml started directly.

    gunicorn -w 4 trytond.application:app (TRYTOND_CONFIG,
    TRYTOND_DATABASE_NAMES, PYTHONOPTIMIZE=1), trytond-cron,
    trytond-worker, and nginx with docker/nginx.conf in front when nginx
    is installed.
    """
    database = databases[0]
    env = dict(os.environ, **cluster.env,
        TRYTOND_CONFIG=str(CONFIG), TRYTOND_DATABASE_NAMES=database,
        PYTHONOPTIMIZE='1')
    gport = pgcluster.free_port()
    procs = {}

    def spawn(name, cmd):
        log = open(tmp_path / f'{name}.log', 'wb')
        procs[name] = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def logs():
        return '\n'.join(
            f'--- {p.name}\n' + p.read_text(errors='replace')[-2000:]
            for p in tmp_path.glob('*.log'))

    try:
        spawn('gunicorn', [_bin('gunicorn'), '-w', '4',
                '-b', f'127.0.0.1:{gport}', 'trytond.application:app'])
        spawn('cron', [_bin('trytond-cron'), '-d', database])
        spawn('worker', [_bin('trytond-worker'), '-d', database])
        nport = None
        if shutil.which('nginx'):
            nport = pgcluster.free_port()
            spawn('nginx', ['nginx', '-c',
                    str(_nginx_conf(tmp_path, nport, gport)),
                    '-p', str(tmp_path)])

        # the gunicorn port, then nginx's, answer like trytond -d
        ports = [gport] + ([nport] if nport else [])
        for port in ports:
            server = Client('gunicorn', database, port, procs['gunicorn'],
                tmp_path / 'gunicorn.log')
            server.wait_ready(timeout=60)
            admin = server.login('admin', admin_password)
            rows = result(server.call(admin, 'model.%s.search_read' % MODEL,
                    [], 0, None, None, ['name', 'code']))
            assert len(rows) > 10, rows[:3]

        if nport:
            # sao's files come from nginx, compressed
            index = REPO / 'var' / 'sao' / 'node_modules' / 'tryton-sao'
            if (index / 'index.html').exists():
                with urllib.request.urlopen(
                        f'http://127.0.0.1:{nport}/', timeout=10) as r:
                    assert b'<html' in r.read(4096).lower()
            body = json.dumps({'id': 1, 'method': 'common.db.login',
                    'params': ['admin', {'password': admin_password},
                        'zh_CN']}).encode()
            request = urllib.request.Request(
                f'http://127.0.0.1:{nport}/{database}/rpc/', data=body,
                headers={'Content-Type': 'application/json',
                    'Accept-Encoding': 'gzip'})
            with urllib.request.urlopen(request, timeout=30) as r:
                assert r.status == 200

        # cron and worker stay up (they would exit at once on a bad
        # configuration or database name)
        time.sleep(2)
        for name in ('cron', 'worker', 'gunicorn'):
            assert procs[name].poll() is None, f'{name} exited\n' + logs()
    finally:
        for proc in procs.values():
            _kill_group(proc)


# ------------------------------------------- a big export through the worker

def test_big_export_through_worker(
        cluster, databases, admin_password, tmp_path):
    """An export above ``[court] export_job_rows`` becomes a court.job that
    the request only queues: with ``[queue] worker = True`` it waits,
    queued, until a ``trytond-worker`` runs it; then the user finds the
    .xlsx in the job and a notification."""
    import io

    openpyxl = pytest.importorskip('openpyxl')
    database = databases[0]
    override = tmp_path / 'jobs.conf'
    override.write_text('[court]\nexport_job_rows = 50\n')
    configs = [CONFIG, override]
    server = Server('jobs', cluster, database, configs, tmp_path)
    worker = None
    try:
        server.wait_ready()
        admin = server.login('admin', admin_password)

        def call(method, *args, context=None):
            return result(server.call(admin, method, *args, context=context))

        # a court for the administrator (court_base alone has none)
        currency, = call('model.currency.currency.create', [{
                    'name': '人民币', 'code': 'CNY', 'symbol': '¥'}])
        party, = call('model.party.party.create', [{'name': '任务测试法院'}])
        court, = call('model.company.company.create', [{
                    'party': party, 'currency': currency}])
        call('model.res.user.write', [admin[1]], {
                'companies': [['add', [court]]], 'company': court})
        admin = server.login('admin', admin_password)
        context = result(server.call(
                admin, 'model.res.user.get_preferences', True))
        ids = call('model.party.party.create', [
                {'name': f'导出测试{i:03d}'} for i in range(120)],
            context=context)

        wizard = 'wizard.court.export.xlsx'
        export_context = dict(context, active_model='party.party',
            active_ids=ids, active_id=ids[0])
        session, _, _ = call(f'{wizard}.create', context=export_context)
        answer = call(f'{wizard}.execute', session, {}, 'start',
            context=export_context)
        (action, _), = answer['actions']
        assert action['res_model'] == 'court.job'
        (_, _, job_id), = json.loads(action['pyson_domain'])
        fields = ['state', 'done', 'total', 'progress', 'result',
            'result_name', 'message', 'error']

        def read():
            job, = call('model.court.job.read', [job_id], fields,
                context=context)
            return job

        # no worker yet: the request queued the job and returned
        time.sleep(1)
        job = read()
        assert (job['state'], job['done'], job['total']) == (
            'queued', 0, 120), job

        log = open(tmp_path / 'worker.log', 'wb')
        env = dict(os.environ, **cluster.env)
        env.pop('TRYTOND_CONFIG', None)
        worker = subprocess.Popen([_bin('trytond-worker'),
                '-c', *map(str, configs), '-d', database, '-n', '1'],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 90
        while job['state'] in {'queued', 'running'}:
            assert time.monotonic() < deadline, (job, (
                    tmp_path / 'worker.log').read_text(errors='replace'))
            assert worker.poll() is None, (
                tmp_path / 'worker.log').read_text(errors='replace')
            time.sleep(0.3)
            job = read()
        assert job['state'] == 'done', job
        assert (job['done'], job['total'], job['progress']) == (
            120, 120, 1.0)
        assert job['result_name'].endswith('.xlsx')
        data = job['result']
        data = base64.b64decode(data['base64']) if isinstance(
            data, dict) else data
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        assert sheet.max_row == 121
        names = {value for row in sheet.iter_rows(min_row=2,
                values_only=True) for value in row
            if isinstance(value, str) and value.startswith('导出测试')}
        assert names == {f'导出测试{i:03d}' for i in range(120)}, (
            sorted(names)[:3])
        notifications = call('model.res.notification.search_read',
            [('model', '=', 'court.job')], 0, None, None,
            ['label', 'records'], context=context)
        assert any(json.loads(n['records']) == [job_id]
            and '后台任务已完成' in n['label'] for n in notifications), (
            notifications)
    finally:
        server.stop()
        if worker is not None:
            _kill_group(worker)
