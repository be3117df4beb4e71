"""Databases and servers for the cross-module tests.

``demo_database(backend)`` returns a ``DemoDatabase``: every ``court_*``
module activated in zh_CN and the demo data loaded, on SQLite (a file in a
temporary directory, copied from a template cached per content hash of
``addons/``) or on PostgreSQL (``TRYTOND_DATABASE_URI`` must point to a
cluster, see ``court_tools.pgcluster``).

``DemoDatabase.server()`` starts a real ``trytond`` process on a free port
(as deployed: ``python -O``), and ``rpc(login, password)`` gives a JSON-RPC
client logged in as that user, so that access is tested from the outside.
"""
import base64
import contextlib
import datetime as dt
import gzip
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    'court_base', 'court_mediation', 'court_petition', 'court_grid',
    'court_scoring']
ADMIN_PASSWORD = 'admin-test-2026'
# The demo courts' time zone: the server's "today" (ir.date) is taken there
COURT_TIMEZONE = 'Asia/Shanghai'


def json_date(date):
    "A date as Tryton's JSON-RPC sends it"
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def court_today():
    "Today in the courts' time zone, as the server computes it"
    return dt.datetime.now(ZoneInfo(COURT_TIMEZONE)).date()
DEMO_PASSWORD = 'court-demo-2026'
BIN = Path(sys.executable).parent
CACHE = Path(os.environ.get('COURT_TEST_CACHE', ROOT / 'var' / 'testcache'))


def addons_hash():
    digest = hashlib.sha1()
    for path in sorted((ROOT / 'addons').rglob('*')):
        if path.suffix in {'.py', '.xml', '.cfg', '.po'} and path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    for path in sorted((ROOT / 'court_tools').glob('demo*.py')):
        digest.update(path.read_bytes())
    # the demo is dated from today: a cache made yesterday is stale
    digest.update(court_today().isoformat().encode())
    return digest.hexdigest()[:16]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class RPCError(Exception):
    "An error answered by the server: .code and .message"

    def __init__(self, error):
        self.error = error
        if isinstance(error, list):
            self.code, payload = error[0], error[1]
            self.message = (payload[0] if isinstance(payload, list)
                else str(payload))
        else:
            self.code, self.message = 'error', str(error)
        super().__init__(f'{self.code}: {self.message}')


# the words of the server's access refusals (zh_CN and English)
DENIED_WORDS = ('没有访问', '不允许', 'not allowed', '没有权限', '无权')


def denied(call):
    "Whether call() is refused by the server with an access message"
    try:
        call()
    except RPCError as error:
        return any(word in error.message for word in DENIED_WORDS)
    return False


class RPC:
    "A JSON-RPC client of one logged-in user, as sao talks to trytond"

    def __init__(self, url, database, login, password, language='zh_CN'):
        self.url = f'{url}/{database}/rpc/'
        self.login = login
        self.language = language
        self._id = 0
        self.user_id, self.session, _ = self._call(
            'common.db.login', [login, {'password': password}, language],
            auth=False)
        token = f'{login}:{self.user_id}:{self.session}'.encode()
        self.auth = 'Session ' + base64.b64encode(token).decode()
        self.context = self('model.res.user.get_preferences', True)

    def _call(self, method, params, auth=True):
        self._id += 1
        body = json.dumps(
            {'id': self._id, 'method': method, 'params': params}).encode()
        # compressed answers, as the web client asks for them
        request = urllib.request.Request(self.url, data=body, headers={
                'Content-Type': 'application/json',
                'Accept-Encoding': 'gzip'})
        if auth:
            request.add_header('Authorization', self.auth)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                data = response.read()
                if response.headers.get('Content-Encoding') == 'gzip':
                    data = gzip.decompress(data)
                answer = json.loads(data)
        except urllib.error.HTTPError as error:
            raise RPCError([f'HTTP {error.code}', [error.reason]]) from None
        if answer.get('error'):
            raise RPCError(answer['error'])
        return answer['result']

    def __call__(self, method, *args):
        context = getattr(self, 'context', {}) or {}
        return self._call(method, [*args, context])

    def model(self, model, method, *args):
        return self(f'model.{model}.{method}', *args)

    def wizard(self, name, state=None, data=None, context=None):
        """Run wizard name to state (its start state if none) with data,
        as the web client does (create, execute, delete); its answer"""
        context = context or self.context
        session, start, _ = self._call(f'wizard.{name}.create', [context])
        try:
            return self._call(f'wizard.{name}.execute',
                [session, data or {}, state or start, context])
        finally:
            self._call(f'wizard.{name}.delete', [session, context])


def rpc_bytes(data):
    "Bytes as Tryton's JSON-RPC sends them"
    return {'__class__': 'bytes', 'base64': base64.b64encode(data).decode()}


def rpc_file(value):
    "The bytes of a Binary value read through JSON-RPC"
    if isinstance(value, dict):
        return base64.b64decode(value['base64'])
    return value


class Wizard:
    "A wizard session driven as sao drives it, state after state"

    def __init__(self, rpc, name, **context):
        self.rpc = rpc
        self.name = name
        self.context = dict(rpc.context, **context)
        self.session, self.start, _ = rpc._call(
            f'wizard.{name}.create', [self.context])

    def execute(self, state, data=None):
        return self.rpc._call(f'wizard.{self.name}.execute',
            [self.session, data or {}, state, self.context])


class Server:
    def __init__(self, process, url, database):
        self.process = process
        self.url = url
        self.database = database

    def rpc(self, login, password=DEMO_PASSWORD, language='zh_CN'):
        return RPC(self.url, self.database, login, password, language)


class DemoDatabase:
    def __init__(self, name, env, workdir):
        self.name = name
        self.env = env
        self.workdir = workdir

    @contextlib.contextmanager
    def server(self, config=None, extra_env=None):
        port = free_port()
        env = dict(self.env, PYTHONOPTIMIZE='1',
            # as config/postgresql.conf: concurrent registrations of one
            # court restart while its number counter is locked
            TRYTOND_DATABASE__RETRY='20',
            TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}',
            TRYTOND_WEB__ROOT=str(
                ROOT / 'var' / 'sao' / 'node_modules' / 'tryton-sao'))
        env.update(extra_env or {})
        log = open(Path(self.workdir) / f'server-{port}.log', 'w')
        process = subprocess.Popen(
            [str(BIN / 'trytond'), '-c', config or str(
                    ROOT / 'config' / 'demo.conf'), '-d', self.name],
            env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        url = f'http://127.0.0.1:{port}'
        try:
            try:
                _wait_http(port, process)
            except RuntimeError as error:
                log.flush()
                raise RuntimeError(f"{error}:\n" + (
                        Path(log.name).read_text()[-3000:])) from None
            yield Server(process, url, self.name)
        finally:
            stop_group(process)
            log.close()


def stop_group(process, timeout=10):
    "Stop a process started in its own session, and its children"
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _wait_http(port, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"trytond exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection('127.0.0.1', port, timeout=2)
            conn.request('GET', '/')
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("trytond did not answer")


def _run(args, env):
    result = subprocess.run(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    if result.returncode:
        raise RuntimeError(
            f"{' '.join(map(str, args))} failed:\n{result.stdout[-4000:]}")
    return result.stdout


def _base_env(workdir):
    env = dict(os.environ)
    passfile = Path(workdir) / 'admin.pass'
    passfile.write_text(ADMIN_PASSWORD)
    env['TRYTONPASSFILE'] = str(passfile)
    env['TRYTOND_CONFIG'] = str(ROOT / 'config' / 'demo.conf')
    env.pop('DB_CACHE', None)
    return env


def _activate_and_load(name, env):
    _run([str(BIN / 'trytond-admin'), '-d', name, '-u', *MODULES,
            '--activate-dependencies', '-l', 'zh_CN',
            '--email', 'admin@example.com'], env)
    _run([sys.executable, '-m', 'court_tools.demo', '-d', name,
            '-c', env['TRYTOND_CONFIG']], env)


def demo_database(backend='sqlite', workdir=None, name=None):
    """Create a demo database for a test session and return it (on
    PostgreSQL, `name` tells a second database of the same process from
    the first)."""
    workdir = workdir or tempfile.mkdtemp(prefix='court-test-')
    env = _base_env(workdir)
    if backend == 'sqlite':
        env['TRYTOND_DATABASE_URI'] = 'sqlite://'
        env['TRYTOND_DATABASE__PATH'] = str(workdir)
        name = 'court_test'
        cached = CACHE / f'demo-{addons_hash()}.sqlite'
        target = Path(workdir) / f'{name}.sqlite'
        if cached.exists():
            shutil.copyfile(cached, target)
        else:
            target.touch()
            _activate_and_load(name, env)
            CACHE.mkdir(parents=True, exist_ok=True)
            for old in CACHE.glob('demo-*.sqlite'):
                old.unlink()
            shutil.copyfile(target, cached)
    else:
        uri = os.environ['TRYTOND_DATABASE_URI']
        assert uri.startswith('postgresql'), uri
        env['TRYTOND_DATABASE_URI'] = uri
        name = name or 'court_test_%d' % os.getpid()
        _create_pg_database(uri, name)
        _activate_and_load(name, env)
    return DemoDatabase(name, env, workdir)


def _create_pg_database(uri, name):
    import psycopg
    with psycopg.connect(uri.rstrip('/') + '/postgres', autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' '
            'TEMPLATE template0')
