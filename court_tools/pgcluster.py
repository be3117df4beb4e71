"""Throwaway PostgreSQL 15 clusters for tests and local runs.

Library::

    from court_tools.pgcluster import start
    with start() as pg:            # or pg = start(); ...; pg.stop()
        pg.createdb('court')
        os.environ['TRYTOND_DATABASE_URI'] = pg.uri

CLI::

    python -m court_tools.pgcluster run -- CMD ARGS...
        start a cluster, run CMD with TRYTOND_DATABASE_URI, PGHOST, PGPORT
        and PGUSER set, stop the cluster afterwards (also on failure or
        Ctrl-C) and exit with CMD's exit code.
    python -m court_tools.pgcluster serve
        start a cluster, print its URI and keep it until Ctrl-C/SIGTERM.

The cluster listens on 127.0.0.1 on a free port, uses trust
authentication, keeps its unix socket inside its own temporary directory
and is tuned for speed, not durability (fsync off). As root, initdb and
pg_ctl run as the ``postgres`` system user (PostgreSQL refuses to run as
root). Debian's ``postgresql-15`` is installed with apt-get when its
binaries are missing. ``PGCLUSTER_BINDIR`` overrides the binary directory.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

__all__ = ['Cluster', 'start', 'ensure_postgresql', 'free_port']

DEFAULT_BINDIR = '/usr/lib/postgresql/15/bin'
SYSTEM_USER = 'postgres'
SUPERUSER = 'postgres'
# Settings for a disposable cluster: fast, not crash safe.
SERVER_SETTINGS = {
    'listen_addresses': '127.0.0.1',
    'fsync': 'off',
    'synchronous_commit': 'off',
    'full_page_writes': 'off',
    'max_connections': '200',
    }


def bindir():
    return os.environ.get('PGCLUSTER_BINDIR', DEFAULT_BINDIR)


def _is_root():
    return hasattr(os, 'geteuid') and os.geteuid() == 0


def ensure_postgresql(quiet=False):
    """Install Debian's postgresql-15 if initdb is missing.

    Return the binary directory. Raise RuntimeError when it cannot be
    installed (not root, no apt-get, apt failure).
    """
    directory = bindir()
    if os.path.exists(os.path.join(directory, 'initdb')):
        return directory
    if directory != DEFAULT_BINDIR:
        raise RuntimeError(f'no initdb in PGCLUSTER_BINDIR={directory}')
    if not _is_root() or not shutil.which('apt-get'):
        raise RuntimeError(
            f'{directory}/initdb is missing; install postgresql-15 '
            '(apt-get install -y postgresql-15) as root')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    out = subprocess.DEVNULL if quiet else None
    for cmd in (
            ['apt-get', 'update'],
            ['apt-get', 'install', '-y', '--no-install-recommends',
                'postgresql-15']):
        if subprocess.call(cmd, env=env, stdout=out) != 0:
            raise RuntimeError(f'{" ".join(cmd)} failed')
    if not os.path.exists(os.path.join(directory, 'initdb')):
        raise RuntimeError(f'postgresql-15 installed but no {directory}/initdb')
    return directory


def free_port(host='127.0.0.1'):
    "Return a TCP port that is free on host right now."
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class Cluster:
    "A running throwaway cluster; stop() removes everything."

    def __init__(self, directory, port, host='127.0.0.1', bindir_=None):
        self.directory = directory
        self.port = port
        self.host = host
        self.bindir = bindir_ or bindir()
        self.datadir = os.path.join(directory, 'data')
        self.socketdir = directory
        self.logfile = os.path.join(directory, 'postgresql.log')
        self.user = SUPERUSER
        self._running = False

    @property
    def uri(self):
        "Database URI for trytond ([database] uri)."
        return f'postgresql://{self.user}@{self.host}:{self.port}/'

    def dsn(self, dbname='postgres'):
        "libpq URI of one database."
        return f'{self.uri}{dbname}'

    @property
    def env(self):
        "Environment variables pointing clients at this cluster."
        return {
            'TRYTOND_DATABASE_URI': self.uri,
            'PGHOST': self.host,
            'PGPORT': str(self.port),
            'PGUSER': self.user,
            }

    def _cmd(self, *args):
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if _is_root():
            if shutil.which('runuser'):
                return ['runuser', '-u', SYSTEM_USER, '--', *cmd]
            import shlex
            return ['su', SYSTEM_USER, '-s', '/bin/sh', '-c',
                shlex.join(cmd)]
        return cmd

    def _run(self, *args, check=True):
        proc = subprocess.run(
            self._cmd(*args), cwd=self.directory, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if check and proc.returncode:
            raise RuntimeError(
                f'{" ".join(args[:2])} failed ({proc.returncode}):\n'
                f'{proc.stdout}{self.log_tail()}')
        return proc

    def log_tail(self, size=4000):
        try:
            with open(self.logfile, errors='replace') as fp:
                return fp.read()[-size:]
        except OSError:
            return ''

    def _initdb(self):
        self._run(
            'initdb', '-D', self.datadir, '-U', SUPERUSER, '-A', 'trust',
            '-E', 'UTF8', '--locale=C', '--no-sync')

    def _start(self):
        options = ' '.join(
            f'-c {k}={v}' for k, v in SERVER_SETTINGS.items())
        options += f' -p {self.port} -k {self.socketdir}'
        self._run(
            'pg_ctl', 'start', '-w', '-t', '60', '-D', self.datadir,
            '-l', self.logfile, '-o', options)
        self._running = True

    def createdb(self, name, template=None):
        "Create a database (optionally as a copy of template)."
        args = ['createdb', '-h', self.host, '-p', str(self.port),
            '-U', self.user]
        if template:
            args += ['-T', template]
        self._run(*args, name)
        return name

    def dropdb(self, name):
        self._run('dropdb', '-h', self.host, '-p', str(self.port),
            '-U', self.user, '--if-exists', name)

    def psql(self, sql, dbname='postgres'):
        "Run SQL with psql; return its output (unaligned, tuples only)."
        return self._run(
            'psql', '-h', self.host, '-p', str(self.port), '-U', self.user,
            '-d', dbname, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql).stdout

    def stop(self):
        "Stop immediately and remove the directory. Safe to call twice."
        if self._running and os.path.isdir(self.datadir):
            self._run('pg_ctl', 'stop', '-D', self.datadir, '-m',
                'immediate', '-w', check=False)
        self._running = False
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f'<Cluster {self.uri} in {self.directory}>'


def start(port=None, host='127.0.0.1', tries=3):
    """Create and start a throwaway cluster; return a Cluster.

    A port taken between probing and starting (a race with another
    process) is retried with a new port.
    """
    directory_bin = ensure_postgresql()
    for attempt in range(tries):
        directory = tempfile.mkdtemp(prefix='pgcluster-')
        if _is_root():
            import pwd
            pw = pwd.getpwnam(SYSTEM_USER)
            os.chown(directory, pw.pw_uid, pw.pw_gid)
        cluster = Cluster(
            directory, port or free_port(host), host=host,
            bindir_=directory_bin)
        try:
            cluster._initdb()
            cluster._start()
            return cluster
        except BaseException:
            log = cluster.log_tail()
            cluster.stop()
            if (port is None and attempt + 1 < tries
                    and 'could not bind' in log):
                continue
            raise


def _run(args):
    cmd = args.cmd
    if cmd and cmd[0] == '--':
        cmd = cmd[1:]
    if not cmd:
        print('pgcluster run: no command given', file=sys.stderr)
        return 2
    cluster = child = None

    def forward(signum, frame):
        if child and child.poll() is None:
            child.send_signal(signum)
        else:
            raise KeyboardInterrupt
    old_term = signal.signal(signal.SIGTERM, forward)
    old_hup = signal.signal(signal.SIGHUP, forward)
    try:
        cluster = start()
        print(f'pgcluster: {cluster.uri}', file=sys.stderr)
        env = dict(os.environ, **cluster.env)
        try:
            child = subprocess.Popen(cmd, env=env)
        except OSError as e:
            print(f'pgcluster run: {e}', file=sys.stderr)
            return 127
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:
                # Ctrl-C reached the child too (same process group):
                # give it time to exit cleanly, then insist.
                try:
                    code = child.wait(timeout=10)
                    break
                except (subprocess.TimeoutExpired, KeyboardInterrupt):
                    child.kill()
        return 128 - code if code < 0 else code
    finally:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGHUP, old_hup)
        if cluster:
            cluster.stop()


def _serve(args):
    cluster = start(port=args.port)

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        print(cluster.uri, flush=True)
        for k, v in cluster.env.items():
            print(f'export {k}={v}', file=sys.stderr)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m court_tools.pgcluster',
        description='Throwaway PostgreSQL 15 cluster.')
    sub = parser.add_subparsers(dest='action', required=True)
    run = sub.add_parser(
        'run', help='run a command against a new cluster, then drop it')
    run.add_argument('cmd', nargs=argparse.REMAINDER,
        help='-- CMD ARGS...')
    run.set_defaults(func=_run)
    serve = sub.add_parser(
        'serve', help='start a cluster, print its URI, wait for Ctrl-C')
    serve.add_argument('--port', type=int)
    serve.set_defaults(func=_serve)
    install = sub.add_parser(
        'install', help='install postgresql-15 if missing')
    install.set_defaults(func=lambda a: print(ensure_postgresql()) or 0)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RuntimeError as e:
        print(f'pgcluster: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
