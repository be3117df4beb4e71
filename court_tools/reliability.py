"""The long reliability runs of doc/reliability.md, on PostgreSQL.

    python -m court_tools.reliability numbering [--clients 4] [--per-client 1000]
    python -m court_tools.reliability pg-restart
    python -m court_tools.reliability kill-import [--rows 3000]
    python -m court_tools.reliability kill-eval
    python -m court_tools.reliability backup-restore
    python -m court_tools.reliability soak [--minutes 10] [--users 8]
    python -m court_tools.reliability all      # every run, short soak

Each run starts a throwaway PostgreSQL cluster (court_tools/pgcluster.py),
builds the demo database on it, runs trytond as it is deployed (gunicorn
with 2 workers where concurrency matters) and prints what it tried and what
survived. Exit status 1 when a run finds a fault.
"""
import argparse
import base64
import concurrent.futures
import datetime as dt
import io
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from court_tools import pgcluster, testdb
from court_tools.testdb import RPCError

CASE = 'court.mediation.case'
EVALUATION = 'court.scoring.evaluation'
NUMBER = re.compile(r'^\((\d{4})\)(.+?)(\d+)号$')


def log(*args):
    print(*args, flush=True)


@contextmanager
def cluster_database():
    "A throwaway cluster with the demo database on it"
    pgcluster.ensure_postgresql(quiet=True)
    cluster = pgcluster.start()
    saved = dict(os.environ)
    try:
        os.environ.update(cluster.env)
        workdir = tempfile.mkdtemp(prefix='court-reliability-')
        start = time.perf_counter()
        database = testdb.demo_database('postgresql', workdir)
        log(f'demo database on PostgreSQL: '
            f'{time.perf_counter() - start:.0f} s')
        yield cluster, database
    finally:
        os.environ.clear()
        os.environ.update(saved)
        cluster.stop()


@contextmanager
def gunicorn(database, workers=2):
    "trytond as deployed: gunicorn with several worker processes"
    port = testdb.free_port()
    env = dict(database.env, PYTHONOPTIMIZE='1',
        TRYTOND_DATABASE_NAMES=database.name, TRYTOND_DATABASE__RETRY='20')
    logfile = open(Path(database.workdir) / f'gunicorn-{port}.log', 'w')
    process = subprocess.Popen([
            str(Path(sys.executable).parent / 'gunicorn'), '-w',
            str(workers), '-b', f'127.0.0.1:{port}', '--timeout', '600',
            'trytond.application:app'], env=env, stdout=logfile,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        testdb._wait_http(port, process)
        yield testdb.Server(process, f'http://127.0.0.1:{port}',
            database.name)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
        logfile.close()


def server_errors(database):
    "Tracebacks the servers of this run logged"
    count = 0
    for path in Path(database.workdir).glob('*.log'):
        count += path.read_text(errors='replace').count('Traceback')
    return count


def _intake(admin):
    parties = admin.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 2, None)
    dispute_type, = admin.model('court.dispute.type', 'search',
        [('code', '=', 'neighbour')], 0, 1, None)
    return {
        'source': 'window', 'dispute_type': dispute_type, 'consent': True,
        'amount': '1000', 'facts': '可靠性测试',
        'parties': [('create', [
                    {'role': 'applicant', 'party': parties[0]},
                    {'role': 'respondent', 'party': parties[1]}])],
        }


def percentile(samples, p):
    samples = sorted(samples)
    if not samples:
        return float('nan')
    return samples[min(len(samples) - 1, int(round(p * (len(samples) - 1))))]


# ---------------------------------------------------------------------------
def run_numbering(args):
    """4 clients register 1,000 cases each at once: every number distinct,
    consecutive, no gap."""
    with cluster_database() as (cluster, database), \
            gunicorn(database) as server:
        admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
        values = _intake(admin)
        before = admin.model(CASE, 'search_count', [('number', '!=', None)])
        failures = []

        def client(index):
            rpc = server.rpc('filing_410302')
            ids = []
            for _ in range(args.per_client):
                try:
                    case, = rpc.model(CASE, 'create', [values])
                    rpc.model(CASE, 'register', [case])
                    ids.append(case)
                except RPCError as error:
                    failures.append(str(error)[:200])
            return ids
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            ids = sum(pool.map(client, range(args.clients)), [])
        elapsed = time.perf_counter() - start
        rows = admin.model(CASE, 'read', ids, ['number'])
        numbers = [r['number'] for r in rows]
        sequence = sorted(int(NUMBER.match(n).group(3)) for n in numbers)
        distinct = len(set(numbers)) == len(numbers)
        consecutive = sequence == list(
            range(sequence[0], sequence[0] + len(sequence)))
        after = admin.model(CASE, 'search_count', [('number', '!=', None)])
        errors = server_errors(database)
        log(f'numbering: {args.clients} clients x {args.per_client} '
            f'registrations in {elapsed:.0f} s '
            f'({len(ids) / elapsed:.0f}/s); {len(ids)} numbered, '
            f'{len(set(numbers))} distinct, numbers {sequence[0]}..'
            f'{sequence[-1]}, consecutive: {consecutive}; cases numbered '
            f'before {before}, after {after}; failed calls {len(failures)}; '
            f'server tracebacks {errors}')
        ok = (distinct and consecutive and not failures
            and len(ids) == args.clients * args.per_client
            and after - before == len(ids))
        for failure in failures[:5]:
            log('  failure:', failure)
        return ok


# ---------------------------------------------------------------------------
def run_pg_restart(args):
    """PostgreSQL restarted under a running server: requests fail cleanly
    (an error answer, no hang, no crash) during the restart and succeed
    afterwards, without restarting trytond."""
    with cluster_database() as (cluster, database), \
            gunicorn(database) as server:
        rpc = server.rpc('filing_410302')
        values = _intake(server.rpc('admin', testdb.ADMIN_PASSWORD))
        results = []
        stop = threading.Event()

        def worker():
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    rpc.model(CASE, 'search_count', [])
                    case, = rpc.model(CASE, 'create', [values])
                    outcome = 'ok'
                except RPCError as error:
                    outcome = f'error: {error.code}'
                except OSError as error:
                    outcome = f'connection: {error.__class__.__name__}'
                results.append((time.time(), outcome,
                        time.perf_counter() - start))
                time.sleep(0.05)
        thread = threading.Thread(target=worker)
        thread.start()
        time.sleep(3)
        restart_at = time.time()
        cluster._run('pg_ctl', 'restart', '-w', '-m', 'fast', '-D',
            cluster.datadir, '-l', cluster.logfile, '-o',
            f'-p {cluster.port} -k {cluster.socketdir}')
        restarted_at = time.time()
        time.sleep(5)
        stop.set()
        thread.join()
        before = [r for r in results if r[0] < restart_at]
        during = [r for r in results if restart_at <= r[0] <= restarted_at]
        after = [r for r in results if r[0] > restarted_at]
        first_ok = next((r[0] - restarted_at for r in after
                if r[1] == 'ok'), None)
        after_errors = [r for r in after if r[1] != 'ok']
        slowest = max(r[2] for r in results)
        log(f'pg-restart: {len(results)} requests; before the restart '
            f'{sum(r[1] == "ok" for r in before)}/{len(before)} ok; during '
            f'({restarted_at - restart_at:.1f} s) '
            f'{sum(r[1] == "ok" for r in during)}/{len(during)} ok, answers '
            f'{sorted({r[1] for r in during})}; after '
            f'{sum(r[1] == "ok" for r in after)}/{len(after)} ok, first ok '
            f'{first_ok if first_ok is None else round(first_ok, 2)} s after '
            f'the restart; slowest request {slowest:.1f} s; trytond not '
            f'restarted (pid {server.process.pid} alive: '
            f'{server.process.poll() is None})')
        # a request that was under way may fail once after the restart
        # (its connection was cut); the following ones must succeed
        return (server.process.poll() is None and first_ok is not None
            and len(after_errors) <= 2 and after[-1][1] == 'ok')


# ---------------------------------------------------------------------------
def roster_sheet(rows, seed=2026):
    import xlsxwriter
    from court_tools import demo
    rng = random.Random(seed)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = workbook.add_worksheet('特邀调解员名册')
    headers = ['姓名', '居民身份证号码', '手机号码', '专长案由', '加入日期']
    for col, header in enumerate(headers):
        sheet.write(0, col, header)
    seen = set()
    row = 1
    while row <= rows:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        number = demo.id_number(rng, '410302', birth, rng.randrange(1000))
        if number in seen:
            continue
        seen.add(number)
        sheet.write_row(row, 0, [
                f'导入调解员{row:05d}', number, demo.mobile(rng),
                '邻里纠纷', '2026-01-05'])
        row += 1
    workbook.close()
    return output.getvalue()


class RosterImport:
    "The roster import wizard, driven through JSON-RPC by the roster admin"
    WIZARD = 'wizard.court.mediator.import'

    def __init__(self, server, data, court):
        self.rpc = server.rpc('roster_410302')
        self.values = {'file': {'__class__': 'bytes',
                'base64': base64.b64encode(data).decode()},
            'filename': 'roster.xlsx', 'company': court, 'appoint': None}
        self.session, _, _ = self.rpc._call(f'{self.WIZARD}.create',
            [self.rpc.context])

    def preview(self):
        "The check: the rows and errors the preview shows"
        result = self.rpc._call(f'{self.WIZARD}.execute', [self.session,
                {'start': self.values}, 'preview', self.rpc.context])
        self.preview_values = result['view']['defaults']
        return self.preview_values

    def import_(self):
        self.rpc._call(f'{self.WIZARD}.execute', [self.session, {
                    'start': self.values, 'preview': self.preview_values},
                'import_', self.rpc.context])

    def close(self):
        try:
            self.rpc._call(f'{self.WIZARD}.delete',
                [self.session, self.rpc.context])
        except (RPCError, OSError):
            pass


def kill_while_writing(server, call, writing):
    """Run call in a thread and SIGKILL the server (its process group) as
    soon as writing() names a statement the server runs for it: (outcome
    {'result': what the client saw}, the statement seen, seconds until the
    kill)"""
    outcome = {}

    def run():
        try:
            call()
            outcome['result'] = 'finished'
        except (RPCError, OSError) as error:
            outcome['result'] = f'cut ({error.__class__.__name__})'
    thread = threading.Thread(target=run)
    start = time.perf_counter()
    thread.start()
    statement = ''
    while thread.is_alive() and not statement:
        statement = writing()
    if thread.is_alive():
        os.killpg(server.process.pid, signal.SIGKILL)
    killed_at = time.perf_counter() - start
    thread.join()
    return outcome, statement, killed_at


def run_kill_import(args):
    """SIGKILL the server while it writes an import of `rows` mediators
    (the rows checked, the INSERTs under way): afterwards the import is
    there entirely or not at all, and running it again ends with each
    mediator exactly once."""
    with cluster_database() as (cluster, database):
        data = roster_sheet(args.rows)

        def count():
            out = cluster.psql("SELECT count(*) FROM court_mediator m JOIN "
                "party_party p ON p.id = m.party WHERE p.name LIKE "
                "'导入调解员%'", dbname=database.name)
            return int(out.strip())

        def writing():
            "The INSERT of the import's transaction, if it has begun"
            return cluster.psql(
                "SELECT left(query, 40) FROM pg_stat_activity "
                "WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() "
                "AND state IN ('active', 'idle in transaction') "
                "AND (query LIKE 'INSERT INTO \"party_party\"%' "
                "OR query LIKE 'INSERT INTO \"court_mediator%') LIMIT 1",
                dbname=database.name).strip()
        with database.server() as server:
            admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
            # the roster administrator imports into its own court's roster
            # (another court's, the city's included, is refused)
            court, = admin.model('company.company', 'search', [
                    ('division_code', '=', '410302')], 0, 1, None)
            wizard = RosterImport(server, data, court)
            preview = wizard.preview()
            assert preview['errors'] == 0, preview['report'][:500]
            outcome, statement, killed_at = kill_while_writing(server,
                wizard.import_, writing)
        after_kill = count()
        log(f'kill-import: {args.rows} rows checked (0 errors); server '
            f'killed (SIGKILL) {killed_at:.2f} s into the import, while it '
            f'ran: {statement or "(nothing: the import had finished)"}; '
            f'the client saw: {outcome.get("result")}; mediators of the '
            f'sheet in the database: {after_kill}')
        with database.server() as server:
            wizard = RosterImport(server, data, court)
            try:
                preview = wizard.preview()
                if preview['errors']:
                    resumed = (f'refused by the check: {preview["errors"]} '
                        f'rows already on the roster')
                else:
                    wizard.import_()
                    resumed = 'imported'
            finally:
                wizard.close()
        final = count()
        duplicates = int(cluster.psql(
                "SELECT count(*) FROM (SELECT id_number FROM party_party "
                "WHERE name LIKE '导入调解员%' GROUP BY id_number "
                "HAVING count(*) > 1) d", dbname=database.name).strip())
        log(f'  after a restart, the same sheet again: {resumed}; mediators '
            f'of the sheet: {final}, duplicate persons: {duplicates}')
        return (bool(statement) and after_kill in (0, args.rows)
            and final == args.rows and not duplicates)


# ---------------------------------------------------------------------------
def _figures(server, court, start, end):
    rpc = server.rpc('admin', testdb.ADMIN_PASSWORD)
    wizard = 'wizard.court.mediation.figures'
    session, _, _ = rpc._call(f'{wizard}.create', [rpc.context])
    try:
        values = {'court': court, 'grouping': 'court', 'codes': [],
            'start_date': {'__class__': 'date', 'year': start.year,
                'month': start.month, 'day': start.day},
            'end_date': {'__class__': 'date', 'year': end.year,
                'month': end.month, 'day': end.day}}
        result = rpc._call(f'{wizard}.execute', [session, {'start': values},
                'result', rpc.context])
        return [(l['group'], l['code'], l['value'], l['numerator'],
                l['denominator']) for l in result['view']['defaults'][
                'lines']]
    finally:
        rpc._call(f'{wizard}.delete', [session, rpc.context])


def run_backup_restore(args):
    """pg_dump / pg_restore of the loaded demo database: the restored one
    gives the same figures, record for record."""
    with cluster_database() as (cluster, database):
        # pg_dump runs as the cluster's user: write where it may
        dump = Path(cluster.directory) / 'court.dump'
        start = time.perf_counter()
        cluster._run('pg_dump', '-h', cluster.host, '-p', str(cluster.port),
            '-U', cluster.user, '-Fc', '-f', str(dump), database.name)
        dumped = time.perf_counter() - start
        restored_name = database.name + '_restored'
        cluster.createdb(restored_name)
        start = time.perf_counter()
        cluster._run('pg_restore', '-h', cluster.host, '-p',
            str(cluster.port), '-U', cluster.user, '-d', restored_name,
            '--no-owner', str(dump))
        restored = time.perf_counter() - start
        restored_db = testdb.DemoDatabase(restored_name, database.env,
            database.workdir)
        today = dt.date.today()
        period = (dt.date(today.year, 1, 1), today)
        tables = cluster.psql("SELECT count(*) FROM information_schema."
            "tables WHERE table_schema = 'public'", dbname=database.name)
        figures = {}
        for name, db in [('original', database), ('restored', restored_db)]:
            with db.server() as server:
                admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
                city, = admin.model('company.company', 'search', [
                        ('division_code', '=', '4103')], 0, 1, None)
                figures[name] = _figures(server, city, *period)
                figures[name + '_counts'] = {model: admin.model(
                        model, 'search_count', []) for model in [
                        CASE, 'court.mediator', 'party.party',
                        'court.mediation.session', EVALUATION,
                        'court.scoring.evaluation.line',
                        'court.scoring.value']}
                figures[name + '_evaluations'] = _evaluations(admin)
        same = (figures['original'] == figures['restored']
            and figures['original_counts'] == figures['restored_counts']
            and figures['original_evaluations']
            == figures['restored_evaluations'])
        log(f'backup-restore: pg_dump -Fc {dump.stat().st_size / 1e6:.1f} MB '
            f'in {dumped:.1f} s, pg_restore in {restored:.1f} s '
            f'({tables.strip()} tables); {len(figures["original"])} figure '
            f'lines (every court of the city, this year), '
            f'{len(figures["original_evaluations"])} evaluations (state, '
            f'total, rank, every line\'s points) and the counts '
            f'{figures["original_counts"]} identical: {same}')
        return same


def _evaluations(admin):
    "Every evaluation with its totals and the points of each of its lines"
    rows = admin.model(EVALUATION, 'search_read', [], 0, None,
        [('id', 'ASC')], ['company', 'scheme', 'period_kind', 'year',
            'period_number', 'state', 'total', 'base_points', 'bonus',
            'penalty', 'rank', 'disqualified'])
    lines = admin.model('court.scoring.evaluation.line', 'search_read', [],
        0, None, [('id', 'ASC')], ['evaluation', 'code', 'points',
            'status'])
    points = {}
    for line in lines:
        points.setdefault(line['evaluation'], []).append(
            (line['code'], str(line['points']), line['status']))
    return [(tuple(str(r[k]) for k in sorted(r)), tuple(points.get(
                    r['id'], []))) for r in rows]


# ---------------------------------------------------------------------------
def run_kill_eval(args):
    """SIGKILL the server in the middle of an evaluation of every basic
    court of the city (the city's scoring administrator, the 评估 wizard,
    one transaction): afterwards each evaluation of the period is there
    entirely (every line) or not at all, and evaluating again completes.
    An evaluation that ends before any of its writes is seen (a fast, idle
    machine) is tried again on the quarter before, up to four quarters."""
    import psycopg
    with cluster_database() as (cluster, database):
        def state(quarter):
            "[(evaluation id, state, lines)] of the quarter evaluated"
            out = cluster.psql(
                "SELECT e.id, e.state, count(l.id) FROM "
                "court_scoring_evaluation e LEFT JOIN "
                "court_scoring_evaluation_line l ON l.evaluation = e.id "
                f"WHERE e.scheme = {scheme} AND e.period_kind = 'quarter' "
                f"AND e.year = {year} AND e.period_number = {quarter} "
                "GROUP BY e.id, e.state ORDER BY e.id",
                dbname=database.name)
            return [tuple(line.split('|')) for line in out.split()]

        # polled on one open connection: a psql process a poll missed the
        # writes of a short evaluation
        watcher = psycopg.connect(cluster.dsn(database.name),
            autocommit=True)

        def writing():
            row = watcher.execute(
                "SELECT left(query, 50) FROM pg_stat_activity "
                "WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() "
                "AND state IN ('active', 'idle in transaction') "
                "AND (query LIKE 'INSERT INTO \"court_scoring_evaluation%' "
                "OR query LIKE 'UPDATE \"court_scoring_evaluation%') "
                "LIMIT 1").fetchone()
            return row[0] if row else ''

        def evaluate(server, quarter):
            rpc = server.rpc('scoring_4103')
            context = dict(rpc.context, company=city)
            session, _, _ = rpc._call('wizard.court.scoring.evaluate.create',
                [context])
            rpc._call('wizard.court.scoring.evaluate.execute', [session, {
                        'start': {'superior': city, 'level': 'basic',
                            'scheme': scheme, 'period_kind': 'quarter',
                            'year': year, 'period_number': quarter}},
                    'evaluate', context])

        year = dt.date.today().year - 1
        with database.server() as server:
            admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
            city, = admin.model('company.company', 'search', [
                    ('division_code', '=', '4103')], 0, 1, None)
            scheme, = admin.model('court.scoring.scheme', 'search', [
                    ('code', '=', 'MODEL-COURT-2026')], 0, 1, None)
            courts = admin.model('company.company', 'search_count', [
                    ('superior', '=', city), ('court_level', '=', 'basic')])
        for quarter in (4, 3, 2, 1):
            assert not state(quarter), 'the period is evaluated already'
            with database.server() as server:
                outcome, statement, killed_at = kill_while_writing(server,
                    lambda: evaluate(server, quarter), writing)
            after_kill = state(quarter)
            log(f'kill-eval: evaluating {courts} basic courts for quarter '
                f'{quarter} (one call); server killed (SIGKILL) '
                f'{killed_at:.2f} s in, while it ran: '
                f'{statement or "(nothing: the evaluation had finished)"}; '
                f'the client saw: {outcome.get("result")}; evaluations of '
                f'the period in the database: {len(after_kill)} '
                f'{[(s, int(n)) for _, s, n in after_kill]}')
            if statement:
                break
        watcher.close()
        with database.server() as server:
            start = time.perf_counter()
            evaluate(server, quarter)
            elapsed = time.perf_counter() - start
        final = state(quarter)
        lines = {int(n) for _, _, n in final}
        complete = (len(final) == courts and len(lines) == 1
            and lines.pop() > 0 and {s for _, s, _ in final} == {'computed'})
        # what survived the kill is a whole evaluation or nothing
        whole = all((i, s, n) in final for i, s, n in after_kill)
        log(f'  after a restart, evaluated again in {elapsed:.1f} s: '
            f'{len(final)} evaluations {[(s, int(n)) for _, s, n in final]}; '
            f'complete: {complete}; what the kill left was whole or absent: '
            f'{whole and len(after_kill) in (0, courts)}')
        return (bool(statement) and complete and whole
            and len(after_kill) in (0, courts))


# ---------------------------------------------------------------------------
OPERATIONS = ['register', 'search', 'open', 'assign', 'figures',
    'petition', 'reply', 'evaluate']
PETITION = 'court.petition'
FAILED = object()


def run_soak(args):
    """`users` simulated users of mixed roles for `minutes` against gunicorn
    with 2 workers: zero server errors, p95 per operation, memory of every
    process sampled, every record written found afterwards."""
    with cluster_database() as (cluster, database), \
            gunicorn(database) as server:
        admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
        values = _intake(admin)
        court, = admin.model('company.company', 'search', [
                ('division_code', '=', '410302')], 0, 1, None)
        mediators = admin.model('court.mediator', 'search', [
                ('state', '=', 'active'), ('appointments.company', '=',
                    court)], 0, 20, None)
        department, = admin.model('court.department', 'search', [
                ('company', '=', court)], 0, 1, None)
        persons = admin.model('party.party', 'search',
            [('party_kind', '=', 'person')], 0, 50, None)
        city, = admin.model('company.company', 'search', [
                ('division_code', '=', '4103')], 0, 1, None)
        scheme, = admin.model('court.scoring.scheme', 'search', [
                ('code', '=', 'MODEL-COURT-2026')], 0, 1, None)
        samples = {op: [] for op in OPERATIONS}
        errors = []
        created = []
        petitions = []
        lock = threading.Lock()
        deadline = time.time() + args.minutes * 60
        # a petition officer (register, assign, reply) and the city's
        # scoring administrator (evaluate) among the mediation roles
        roles = ['filing', 'clerk', 'petition', 'leader', 'mediator',
            'filing', 'scoring', 'leader'][:args.users]
        while len(roles) < args.users:
            roles.append(random.choice(['filing', 'clerk', 'leader']))

        def timed(op, func):
            start = time.perf_counter()
            try:
                result = func()
            except (RPCError, OSError) as error:
                message = str(error)
                with lock:
                    errors.append((op, message[:200]))
                return FAILED
            with lock:
                samples[op].append(time.perf_counter() - start)
            return result

        def petition_day(rpc, rng):
            "a window visit registered, assigned and answered"
            petition = timed('petition', lambda: rpc.model(PETITION,
                    'create', [{
                            'company': court, 'channel': 'window',
                            'received_date': testdb.json_date(
                                testdb.court_today()),
                            'matter': '可靠性测试：反映执行问题',
                            'demand': '请求尽快执行',
                            'demand_kind': 'request',
                            'category': 'enforcement',
                            'petitioners': [('create', [
                                        {'party': rng.choice(persons)}])],
                            }])[0])
            if petition is FAILED or timed('petition', lambda: rpc.model(
                        PETITION, 'register', [petition])) is FAILED:
                return
            with lock:
                petitions.append(petition)
            timed('reply', lambda: (
                    rpc.model(PETITION, 'write', [petition],
                        {'department': department}),
                    rpc.model(PETITION, 'assign', [petition]),
                    rpc.model(PETITION, 'write', [petition], {
                            'handling_note': '已接谈。',
                            'reply_text': '已答复信访人。'}),
                    rpc.model(PETITION, 'reply', [petition])))

        def evaluate(rpc):
            "the city's basic courts evaluated for this year (recomputed)"
            context = dict(rpc.context, company=city)
            session, _, _ = rpc._call(
                'wizard.court.scoring.evaluate.create', [context])
            rpc._call('wizard.court.scoring.evaluate.execute', [session, {
                        'start': {'superior': city, 'level': 'basic',
                            'scheme': scheme, 'period_kind': 'year',
                            'year': dt.date.today().year,
                            'period_number': 1}},
                    'evaluate', context])

        def user(index):
            rng = random.Random(index)
            role = roles[index]
            rpc = server.rpc(f'{role}_4103' if role == 'scoring'
                else f'{role}_410302')
            while time.time() < deadline:
                if role == 'petition':
                    petition_day(rpc, rng)
                    timed('search', lambda: rpc.model(PETITION, 'search',
                            [('state', 'in', ['registered', 'assigned'])],
                            0, 80, None))
                    time.sleep(rng.uniform(0.2, 1.0))
                    continue
                if role == 'scoring':
                    timed('evaluate', lambda: evaluate(rpc))
                    time.sleep(rng.uniform(5, 10))
                    continue
                if role in ('filing', 'clerk'):
                    case = timed('register', lambda: rpc.model(
                            CASE, 'create', [values])[0])
                    if case is FAILED:
                        continue
                    if timed('register', lambda: rpc.model(
                                CASE, 'register', [case])) is FAILED:
                        continue
                    with lock:
                        created.append(case)
                    if role == 'filing' and mediators:
                        mediator = rng.choice(mediators)
                        timed('assign', lambda: (rpc.model(CASE, 'write',
                                    [case], {'mediator': mediator,
                                        'complexity': 'simple'}),
                                rpc.model(CASE, 'assign', [case])))
                ids = timed('search', lambda: rpc.model(CASE, 'search', [
                            ('state', 'in', ['registered', 'assigned',
                                    'mediating'])], 0, 80,
                        [('received_date', 'DESC'), ('id', 'DESC')]))
                if ids and ids is not FAILED:
                    timed('open', lambda: rpc.model(CASE, 'read',
                            ids[:1], ['number', 'state', 'parties',
                                'facts', 'sessions', 'assignments']))
                if role == 'leader' and rng.random() < 0.2:
                    year = dt.date.today().year
                    timed('figures', lambda: _figures(server, court,
                            dt.date(year, 1, 1), dt.date.today()))
                time.sleep(rng.uniform(0.2, 1.0))

        memory = []
        stop = threading.Event()

        def sample_memory():
            while not stop.is_set():
                memory.append((time.time(), process_rss(server.process.pid)))
                stop.wait(10)
        sampler = threading.Thread(target=sample_memory)
        sampler.start()
        start = time.time()
        with concurrent.futures.ThreadPoolExecutor(args.users) as pool:
            list(pool.map(user, range(args.users)))
        stop.set()
        sampler.join()
        found = set(admin.model(CASE, 'search', [('id', 'in', created)],
                0, None, None))
        found_petitions = set(admin.model(PETITION, 'search',
                [('id', 'in', petitions)], 0, None, None))
        evaluations = admin.model(EVALUATION, 'search_count', [
                ('scheme', '=', scheme), ('period_kind', '=', 'year'),
                ('year', '=', dt.date.today().year)])
        log(f'soak: {args.users} users ({", ".join(roles)}) for '
            f'{(time.time() - start) / 60:.1f} min against gunicorn -w 2')
        for op in OPERATIONS:
            s = samples[op]
            if s:
                log(f'  {op:9} {len(s):6} calls  median '
                    f'{statistics.median(s) * 1000:7.1f} ms  p95 '
                    f'{percentile(s, 0.95) * 1000:7.1f} ms')
        log(f'  errors answered: {len(errors)} '
            f'{sorted({e[1][:60] for e in errors})[:5]}')
        tracebacks = server_errors(database)
        log(f'  server tracebacks in the logs: {tracebacks}')
        log(f'  cases registered {len(created)}, found afterwards '
            f'{len(found)}; petitions registered {len(petitions)}, found '
            f'afterwards {len(found_petitions)}; evaluations of the year '
            f'{evaluations}')
        trend = memory_trend(memory)
        log('  RSS (MB) by process, first / last / slope per 10 min: ' +
            '; '.join(f'{name} {first:.0f}/{last:.0f}/{slope:+.1f}'
                for name, (first, last, slope) in trend.items()))
        # memory is "stable" when no process grows by more than 10% of
        # its size over ten minutes
        stable = all(slope <= 0.10 * max(first, 1)
            for first, last, slope in trend.values())
        log(f'  memory stable: {stable}')
        real_errors = [e for e in errors
            if 'ConcurrencyException' not in e[1]]
        return (not real_errors and not tracebacks
            and len(found) == len(created)
            and len(found_petitions) == len(petitions) and stable)


def process_rss(root_pid):
    "{pid-name: RSS in MB} of a process and its children"
    result = {}
    pids = [root_pid]
    try:
        children = subprocess.run(['pgrep', '-P', str(root_pid)],
            capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in children]
    except OSError:
        pass
    for index, pid in enumerate(pids):
        try:
            with open(f'/proc/{pid}/status') as fp:
                for line in fp:
                    if line.startswith('VmRSS:'):
                        name = 'master' if index == 0 else f'worker{index}'
                        result[name] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return result


def memory_trend(samples):
    "{process: (first MB, last MB, least-squares slope in MB per 10 min)}"
    by_name = {}
    for when, values in samples:
        for name, rss in values.items():
            by_name.setdefault(name, []).append((when, rss))
    trend = {}
    for name, points in by_name.items():
        if len(points) < 2:
            continue
        t0 = points[0][0]
        xs = [(t - t0) / 600 for t, _ in points]
        ys = [r for _, r in points]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        var = sum((x - mx) ** 2 for x in xs) or 1
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var
        trend[name] = (ys[0], ys[-1], slope)
    return trend


RUNS = {
    'numbering': run_numbering,
    'pg-restart': run_pg_restart,
    'kill-import': run_kill_import,
    'kill-eval': run_kill_eval,
    'backup-restore': run_backup_restore,
    'soak': run_soak,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('run', choices=[*RUNS, 'all'])
    parser.add_argument('--clients', type=int, default=4)
    parser.add_argument('--per-client', type=int, default=1000)
    parser.add_argument('--rows', type=int, default=3000)
    parser.add_argument('--kill-after', type=float, default=4.0,
        help="seconds into the import when the server is killed")
    parser.add_argument('--minutes', type=float, default=10)
    parser.add_argument('--users', type=int, default=8)
    args = parser.parse_args(argv)
    runs = list(RUNS) if args.run == 'all' else [args.run]
    failed = []
    for name in runs:
        log(f'=== {name} ({dt.datetime.now():%Y-%m-%d %H:%M})')
        if not RUNS[name](args):
            failed.append(name)
            log(f'*** {name}: FAULT FOUND')
    log('all runs passed' if not failed else f'failed: {", ".join(failed)}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
