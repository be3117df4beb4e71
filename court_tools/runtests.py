"""Run every test of the platform: ``./court test`` (and ``.ci/run``).

Phases, each a pytest run:

1. ``sqlite``: module tests (``ModuleTestCase``) and scenarios
   (``addons/*/tests/scenario_*.rst``) on SQLite in memory, then the
   cross-module tests of ``tests/`` against a real trytond process on a
   SQLite demo database.
2. ``postgresql``: the same on a throwaway PostgreSQL 15 cluster started on
   a free port (``court_tools.pgcluster``, which installs Debian's
   ``postgresql-15`` when missing) and stopped afterwards, plus the
   multi-process test.
3. ``browser``: headless Chromium (Debian's ``chromium``, installed with
   ``fonts-noto-cjk`` when missing) driving the real web client.

    ./court test                 # everything
    ./court test sqlite browser  # some phases
    ./court test -- -k access    # extra pytest arguments after --
    ./court test sqlite -- tests/test_api.py addons/court_grid
                                 # paths after --: only those tests, each
                                 # in the runs whose paths it falls under

Exits non-zero when any test fails, or when a phase passed no test at all
(every test skipped: no browser, no database) unless tests were selected
after ``--``; ends with one line ``N passed, N failed, N skipped``.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASES = ['sqlite', 'postgresql', 'browser']


def _module_tests():
    return sorted(str(p) for p in (ROOT / 'addons').glob('court_*/tests'))


def _cross_tests(backend):
    tests = [str(p) for p in sorted((ROOT / 'tests').glob('test_*.py'))]
    if backend == 'sqlite':
        tests = [t for t in tests if not t.endswith('test_multiprocess.py')]
    else:
        # translations and the runner's verdict do not depend on the backend
        tests = [t for t in tests if not t.endswith(
                ('test_translations.py', 'test_runtests.py'))]
    return tests


VALUE_OPTIONS = {'-k', '-m', '-p', '-o', '-c', '-W', '--deselect',
    '--ignore', '--ignore-glob', '--maxfail', '--rootdir', '--junitxml',
    '--basetemp', '--durations'}


def _select(paths, extra):
    """Split the arguments after -- into the paths to run and the options.

    An argument naming an existing file or directory (a node id's file
    part: ``tests/test_api.py::test_x``) is a path: a run keeps the given
    paths that fall under its own, and its own that fall under a given
    one; a run that none falls under gets no path (and is skipped).
    Without path arguments, the run's own paths."""
    given, options = [], []
    takes_value = False
    for arg in extra:
        target = Path(arg.split('::')[0])
        target = target if target.is_absolute() else ROOT / target
        if (not takes_value and not arg.startswith('-')
                and target.exists()):
            given.append((arg, target.resolve()))
        else:
            options.append(arg)
        # the value of an option (-k tests) is not a path
        takes_value = arg in VALUE_OPTIONS
    if not given:
        return list(paths), options
    own = [Path(p).resolve() for p in paths]
    selected = []
    for arg, target in given:
        if any(target == p or p in target.parents for p in own):
            selected.append(arg)
        else:
            selected.extend(str(p) for p in own if target in p.parents)
    return selected, options


def _pytest(name, paths, env, extra, results):
    paths, extra = _select(paths, extra)
    if not paths:
        print(f'\n=== {name}: no selected test here, skipped', flush=True)
        return
    junit = Path(tempfile.mkdtemp(prefix='court-junit-')) / f'{name}.xml'
    args = [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
        '--doctest-glob=scenario_*.rst', f'--junitxml={junit}',
        *paths, *extra]
    print(f'\n=== {name}: pytest {" ".join(map(str, paths))}', flush=True)
    start = time.time()
    code = subprocess.call(args, env=env, cwd=ROOT)
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    if junit.exists():
        for suite in ET.parse(junit).getroot().iter('testsuite'):
            tests = int(suite.get('tests', 0))
            failed = int(suite.get('failures', 0)) + int(
                suite.get('errors', 0))
            skipped = int(suite.get('skipped', 0))
            counts['failed'] += failed
            counts['skipped'] += skipped
            counts['passed'] += tests - failed - skipped
        shutil.rmtree(junit.parent, ignore_errors=True)
    if code not in (0, 5) and not counts['failed']:
        counts['failed'] += 1   # pytest itself failed (collection, crash)
    results.append((name, counts, time.time() - start, code))


def _base_env():
    env = dict(os.environ)
    env.pop('DB_CACHE', None)
    env['PYTHONPATH'] = str(ROOT)
    return env


def phase_sqlite(extra, results):
    env = _base_env()
    env['TRYTOND_DATABASE_URI'] = 'sqlite://'
    env['DB_NAME'] = ':memory:'
    # each set of modules is activated once a run: trytond's test cache
    # (DB_CACHE) keeps the activated database and restores it for the
    # next test class or scenario of the same modules; a new directory
    # each run, so that no database of older code is ever restored
    cache = tempfile.mkdtemp(prefix='court-dbcache-')
    try:
        _pytest('sqlite-modules', _module_tests(), dict(env, DB_CACHE=cache),
            extra, results)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    _pytest('sqlite-platform', _cross_tests('sqlite'), env, extra, results)


def phase_postgresql(extra, results):
    from court_tools import pgcluster
    pgcluster.ensure_postgresql()
    _ensure_nginx()
    cluster = pgcluster.start()
    try:
        env = _base_env()
        env.update(cluster.env)
        env['TRYTOND_DATABASE_URI'] = cluster.uri
        env['DB_NAME'] = 'court_test_modules'
        # activated databases kept as templates of the throwaway cluster
        # (trytond's DB_CACHE): each set of modules activated once a run
        _pytest('postgresql-modules', _module_tests(),
            dict(env, DB_CACHE='postgresql://'), extra, results)
        _pytest('postgresql-platform', _cross_tests('postgresql'), env,
            extra, results)
    finally:
        cluster.stop()


def _ensure_nginx():
    "The compose test puts docker/nginx.conf in front of gunicorn"
    _ensure_debian([('nginx-light', '/usr/sbin/nginx')])


def _ensure_chromium():
    _ensure_debian([
            ('chromium', '/usr/bin/chromium'),
            ('fonts-noto-cjk', '/usr/share/fonts/opentype/noto')])


def _ensure_debian(packages):
    "Install the Debian packages whose file is missing"
    missing = [p for p, path in packages if not os.path.exists(path)]
    if missing and shutil.which('apt-get'):
        print(f"installing {' '.join(missing)} (Debian)", flush=True)
        subprocess.call(['apt-get', 'update', '-qq'])
        subprocess.check_call(
            ['apt-get', 'install', '-y', '-qq', *missing],
            env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))


def phase_browser(extra, results):
    _ensure_chromium()
    env = _base_env()
    env['TRYTOND_DATABASE_URI'] = 'sqlite://'
    _pytest('browser', [str(ROOT / 'tests' / 'browser')], env, extra,
        results)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if '--' in argv:
        extra = argv[argv.index('--') + 1:]
        argv = argv[:argv.index('--')]
    phases = argv or PHASES
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise SystemExit(f"unknown phase(s): {', '.join(unknown)}")
    results = []
    start = time.time()
    for phase in phases:
        globals()[f'phase_{phase}'](extra, results)
    total = {'passed': 0, 'failed': 0, 'skipped': 0}
    print('\n=== summary')
    for name, counts, duration, code in results:
        print(f"{name:22} {counts['passed']:5} passed {counts['failed']:3} "
            f"failed {counts['skipped']:3} skipped  {duration:6.1f} s")
        for key in total:
            total[key] += counts[key]
    print(f"total time {time.time() - start:.0f} s")
    print(f"{total['passed']} passed, {total['failed']} failed, "
        f"{total['skipped']} skipped")
    failed = total['failed'] or any(code not in (0, 5) for *_, code in results)
    # a phase whose tests were all skipped (no browser, no PostgreSQL, a
    # module not found) proves nothing: unless tests were selected
    # (arguments after --), it fails the run
    empty = [name for name, counts, *_ in results if not counts['passed']]
    if empty and not extra:
        print(f"no test passed in: {', '.join(empty)}")
        failed = True
    return 1 if failed or not total['passed'] else 0


if __name__ == '__main__':
    sys.exit(main())
