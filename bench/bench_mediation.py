"""Mediation at province scale, on PostgreSQL.

    .venv/bin/python -O -m bench.bench_mediation            # 10^6 cases
    .venv/bin/python -O -m bench.bench_mediation --quick    # 10^5 cases

Starts a throwaway PostgreSQL cluster (unless TRYTOND_DATABASE_URI names
one), activates court_base and court_mediation, loads the demo city, then
generates in SQL (``INSERT … SELECT generate_series``) courts, mediators and
a year of cases with their sessions and assignments.  Measured, each as
median and p95 over repeats, with a baseline in the same run:

1. the B figures of one court-year and of the whole province-year through
   ``court.indicator`` against one hand-written SQL query computing the same
   counts (the target: within 3x for a court-year): the case figures (B5N,
   B6-B12, B16M, B18) and, apart, the roster figures (B1-B4);
2. the first page (80 rows) a mediator (待办: open cases, soonest deadline
   first) and a station clerk (the case list, newest first) open, through
   JSON-RPC to a real trytond (``python -O``), against the same query in
   raw SQL;
3. registering a case (create + register) through JSON-RPC with 1, 2 and 4
   concurrent clients (of one court, then of different courts) on gunicorn
   with 2 workers (``--workers 1,2``: each count in turn, the same run),
   against raw psycopg INSERT + COMMIT.  ``--only-register`` measures
   registration alone, on the demo city.
"""
import argparse
import concurrent.futures
import contextlib
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from court_tools import testdb

from . import demo_on_postgresql, on_postgresql
ROOT = Path(__file__).resolve().parent.parent


def stats(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return statistics.median(samples), p95


def report(name, samples, baseline=None, unit='ms'):
    med, p95 = stats(samples)
    line = f"{name:46} median {med * 1000:9.1f} ms  p95 {p95 * 1000:9.1f} ms"
    if baseline:
        bmed, bp95 = stats(baseline)
        line += (f" | baseline median {bmed * 1000:8.1f} ms"
            f" | ratio {med / bmed:6.1f}x")
    print(line, flush=True)
    return med


def timed(func, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


GENERATE = """
-- courts: one more intermediate court level is not needed, basic courts
-- under the demo's intermediate court
INSERT INTO party_party (name, party_kind, active, code, create_date)
SELECT '基准法院' || i, 'organisation', true, 'BC' || i, now()
FROM generate_series(1, %(courts)s) i;
INSERT INTO company_company (party, currency, court_level, court_code,
    superior, division_code, create_date)
SELECT p.id, %(currency)s, 'basic', '豫B' || substr(p.code, 3),
    %(intermediate)s, '4103' || lpad(substr(p.code, 3), 4, '0'), now()
FROM party_party p WHERE p.code LIKE 'BC%%';

INSERT INTO party_party (name, party_kind, active, code, create_date)
SELECT '调解员' || i, 'person', true, 'BM' || i, now()
FROM generate_series(1, %(mediators)s) i;
INSERT INTO court_mediator (company, party, state, join_date, create_date)
SELECT %(intermediate)s, p.id, 'active', DATE '%(year)s-01-01' - 400, now()
FROM party_party p WHERE p.code LIKE 'BM%%';
-- statistics of the tables just filled: without them (autovacuum late on
-- a busy machine) the planner took a nested loop over 10^5 x 10^5 rows
ANALYZE party_party;
ANALYZE court_mediator;
INSERT INTO court_mediator_state_change (mediator, date, from_state,
    to_state, create_date)
SELECT m.id, m.join_date, 'candidate', 'active', now()
FROM court_mediator m JOIN party_party p ON p.id = m.party
WHERE p.code LIKE 'BM%%';
"""


def generate(cursor, args, ids):
    courts = ids['courts']
    year = args.year
    cursor.execute(GENERATE % {
            'courts': args.courts, 'mediators': args.mediators,
            'currency': ids['currency'], 'intermediate': ids['intermediate'],
            'year': year})
    cursor.execute("SELECT id FROM company_company WHERE court_code LIKE "
        "'豫B%%' ORDER BY id")
    bench_courts = [r[0] for r in cursor.fetchall()]
    all_courts = courts + bench_courts
    cursor.execute("SELECT m.id FROM court_mediator m JOIN party_party p "
        "ON p.id = m.party WHERE p.code LIKE 'BM%%' ORDER BY m.id")
    mediators = [r[0] for r in cursor.fetchall()]
    # appointments: mediator i to court i mod courts
    cursor.execute(
        "INSERT INTO court_mediator_appointment (mediator, company, "
        "date_start, create_date) SELECT m, (%s::int[])[1 + (n %% %s)], "
        "DATE '%s-01-01' - 400, now() FROM unnest(%s::int[]) WITH "
        "ORDINALITY AS t(m, n)",
        (all_courts, len(all_courts), year, mediators))
    cursor.execute("SELECT id FROM court_dispute_type WHERE parent IS NOT "
        "NULL ORDER BY id")
    types = [r[0] for r in cursor.fetchall()]
    # cases: state by i mod 100: 0-54 succeeded, 55-79 failed, 80-84
    # withdrawn, 85-89 mediating, 90-94 assigned, 95-99 registered
    cursor.execute("""
INSERT INTO court_mediation_case (company, number, state, source, station,
    received_date, accepted_date, deadline, concluded_date, dispute_type,
    amount, consent, complexity, mediator, performance, confirmation_online,
    satisfaction, extended, create_date, create_uid)
SELECT
    (%(courts)s::int[])[1 + (i %% %(ncourts)s)],
    '(%(year)s)B' || i || '号',
    CASE WHEN i %% 100 < 55 THEN 'succeeded' WHEN i %% 100 < 80 THEN 'failed'
        WHEN i %% 100 < 85 THEN 'withdrawn' WHEN i %% 100 < 90 THEN 'mediating'
        WHEN i %% 100 < 95 THEN 'assigned' ELSE 'registered' END,
    'window',
    CASE WHEN (%(courts)s::int[])[1 + (i %% %(ncourts)s)]
            = %(station_court)s AND (i / %(ncourts)s) %% 7 = 0
        THEN %(station)s END,
    DATE '%(year)s-01-01' + (i %% 340),
    DATE '%(year)s-01-01' + (i %% 340),
    DATE '%(year)s-01-01' + (i %% 340) + 30,
    CASE WHEN i %% 100 < 85 THEN DATE '%(year)s-01-01' + (i %% 340)
        + (i %% 29) END,
    (%(types)s::int[])[1 + (i %% %(ntypes)s)],
    (i %% 50000) * 10, true,
    CASE WHEN i %% 3 = 0 THEN 'complex' ELSE 'simple' END,
    CASE WHEN i %% 100 < 95 THEN
        (%(mediators)s::int[])[1 + (i %% %(nmediators)s)] END,
    CASE WHEN i %% 100 < 55 THEN (ARRAY['voluntary', 'voluntary',
        'judicial_confirmation', 'mediation_document'])[1 + (i %% 4)] END,
    i %% 5 <> 0,
    CASE WHEN i %% 100 < 85 THEN (ARRAY['satisfied', 'satisfied',
        'satisfied', 'basically', 'unsatisfied'])[1 + (i %% 5)] END,
    false, now(), %(creator)s
FROM generate_series(1, %(cases)s) i""", {
            'courts': all_courts, 'ncourts': len(all_courts),
            'year': year, 'station': ids['station'], 'types': types,
            'ntypes': len(types), 'mediators': mediators,
            'nmediators': len(mediators), 'cases': args.cases,
            'station_court': ids['station_court'],
            'creator': ids['admin_user']})
    cursor.execute("ANALYZE court_mediation_case")
    cursor.execute("""
INSERT INTO court_mediation_session (case, date, mode, duration,
    create_date)
SELECT id, received_date + 1,
    (ARRAY['in_person', 'in_person', 'video', 'audio'])[1 + (id % 4)],
    60, now()
FROM court_mediation_case
WHERE state IN ('succeeded', 'failed', 'mediating') AND number LIKE '(%)B%'
""".replace('(case,', '("case",'))
    cursor.execute("""
INSERT INTO court_mediation_case_assignment (case, mediator, date,
    create_date)
SELECT id, mediator, accepted_date, now() FROM court_mediation_case
WHERE mediator IS NOT NULL AND number LIKE '(%)B%'
""".replace('(case,', '("case",'))
    # the demo mediator user gets one of the generated mediators' cases
    cursor.execute("UPDATE court_mediator SET \"user\" = %s WHERE id = %s",
        (ids['mediator_user'], mediators[0]))
    return all_courts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=1_000_000)
    parser.add_argument('--mediators', type=int, default=100_000)
    parser.add_argument('--courts', type=int, default=196)
    parser.add_argument('--repeat', type=int, default=7)
    parser.add_argument('--registrations', type=int, default=60,
        help="registrations a run (0: no registration runs)")
    parser.add_argument('--quick', action='store_true',
        help="10^5 cases, 10^4 mediators")
    parser.add_argument('--workers', default='2',
        help="gunicorn worker counts of the registration runs, e.g. 1,2 "
        "(the scale-out step of doc/scaling.md, measured in one run)")
    parser.add_argument('--only-register', action='store_true',
        help="skip the figures and pages: the registration runs only")
    args = parser.parse_args(argv)
    args.workers = [int(w) for w in args.workers.split(',')]
    args.year = dt.date.today().year - 1
    if args.quick:
        args.cases, args.mediators = 100_000, 10_000

    return on_postgresql(run, args)


def demo_ids(cursor):
    """The ids the generator and the measures need, from the demo city:
    its basic courts, the station clerk's station and court, the users"""
    def one(query, params=None):
        cursor.execute(query, params)
        return cursor.fetchone()[0]
    ids = {
        'currency': one("SELECT id FROM currency_currency LIMIT 1"),
        'intermediate': one("SELECT id FROM company_company WHERE "
            "court_level = 'intermediate' ORDER BY id LIMIT 1"),
        'clerk_user': one("SELECT id FROM res_user WHERE login = "
            "'clerk_410302'"),
        'mediator_user': one("SELECT id FROM res_user WHERE login = "
            "'mediator_410302'"),
        # the generated cases are created by the administrator (a bulk
        # import), not by the clerk: a clerk sees the cases of their
        # station and the window cases they logged themselves
        'admin_user': one("SELECT id FROM res_user WHERE login = 'admin'"),
        }
    cursor.execute("SELECT id FROM company_company WHERE court_level IN "
        "('basic', 'tribunal') ORDER BY id")
    ids['courts'] = [r[0] for r in cursor.fetchall()]
    cursor.execute("SELECT s.id FROM court_station s JOIN "
        "\"res_user-court_station\" us ON us.station = s.id WHERE us.\"user\" "
        "= %s LIMIT 1", (ids['clerk_user'],))
    row = cursor.fetchone()
    ids['station'] = row[0] if row else None
    # a seventh of the cases of the station's court are logged at the
    # station (≈ 700 a year at 10^6 cases in 205 courts)
    ids['station_court'] = one("SELECT company FROM court_station WHERE "
        "id = %s", (ids['station'],)) if row else None
    return ids


def run(args):
    import psycopg
    database, dsn = demo_on_postgresql()
    conn = psycopg.connect(dsn)
    cursor = conn.cursor()

    ids = demo_ids(cursor)
    if args.only_register:
        # on the demo city alone: the worker-count comparison
        register_bench(args, database, conn, ids)
        conn.close()
        return
    start = time.perf_counter()
    courts = generate(cursor, args, ids)
    conn.commit()
    cursor.execute("ANALYZE")
    conn.commit()
    cursor.execute("SELECT count(*) FROM court_mediation_case")
    n_cases = cursor.fetchone()[0]
    print(f"generated {n_cases} cases, {args.mediators} mediators, "
        f"{len(courts)} courts in {time.perf_counter() - start:.0f} s",
        flush=True)

    # 1. figures
    year_start, year_end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    court = ids['courts'][0]
    codes = ['B5N', 'B6', 'B7', 'B8', 'B9', 'B10', 'B11', 'B12', 'B16M',
        'B18']
    baseline_sql = """
SELECT count(*) FILTER (WHERE c.accepted_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.state = 'succeeded' AND c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.state IN ('succeeded', 'failed', 'withdrawn')
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.performance = 'voluntary' AND c.state =
        'succeeded' AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.performance IN ('judicial_confirmation',
            'mediation_document') AND c.state = 'succeeded'
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    avg(c.concluded_date - c.accepted_date) FILTER (WHERE c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM court_mediation_session s
        WHERE s."case" = c.id) AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM court_mediation_session s
        WHERE s."case" = c.id AND s.mode IN ('video', 'audio'))
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.performance = 'judicial_confirmation'
        AND c.state = 'succeeded' AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.performance = 'judicial_confirmation'
        AND c.confirmation_online AND c.state = 'succeeded'
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE t.key_domain IS NOT NULL AND c.state IN
        ('succeeded', 'failed', 'withdrawn')
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE t.key_domain IS NOT NULL AND c.state = 'succeeded'
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.satisfaction IS NOT NULL AND c.state IN
        ('succeeded', 'failed', 'withdrawn')
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.satisfaction = 'satisfied' AND c.concluded_date
        BETWEEN %(s)s AND %(e)s)
FROM court_mediation_case c JOIN court_dispute_type t ON t.id = c.dispute_type
WHERE c.company = ANY(%(courts)s) AND c.state NOT IN ('draft', 'cancelled')
"""
    # the roster figures B1-B4 by hand: mediators active (latest state
    # change 'active', appointed to one of the courts) at the start and
    # at the end, the cases assigned in the period to each mediator
    # active in it, the organisations with an agreement in force
    roster_codes = ['B1', 'B2', 'B2_under', 'B3', 'B4']
    roster_sql = """
WITH appointed AS (
    SELECT DISTINCT a.mediator FROM court_mediator_appointment a
    WHERE a.company = ANY(%(courts)s) AND a.date_start <= %(e)s
        AND (a.date_end IS NULL OR a.date_end >= %(s)s)),
latest AS (
    SELECT p.mediator,
        (SELECT c.to_state FROM court_mediator_state_change c
            WHERE c.mediator = p.mediator AND c.date <= %(s)s
            ORDER BY c.date DESC, c.id DESC LIMIT 1) AS at_start,
        (SELECT c.to_state FROM court_mediator_state_change c
            WHERE c.mediator = p.mediator AND c.date <= %(e)s
            ORDER BY c.date DESC, c.id DESC LIMIT 1) AS at_end
    FROM appointed p),
caseload AS (
    SELECT a.mediator, count(DISTINCT a."case") AS n
    FROM court_mediation_case_assignment a
    JOIN court_mediation_case c ON c.id = a."case"
    WHERE c.company = ANY(%(courts)s)
        AND c.state NOT IN ('draft', 'cancelled')
        AND a.date BETWEEN %(s)s AND %(e)s
    GROUP BY a.mediator)
SELECT count(*) FILTER (WHERE l.at_start = 'active'),
    count(*) FILTER (WHERE l.at_end = 'active'),
    count(*) FILTER (WHERE l.at_end = 'active'
        AND coalesce(k.n, 0) >= 5 * 12),
    (SELECT count(DISTINCT g.organisation) FROM court_mediation_agreement g
        WHERE g.company = ANY(%(courts)s) AND g.signed_date <= %(e)s
            AND g.start_date <= %(e)s
            AND (g.end_date IS NULL OR g.end_date >= %(e)s))
FROM latest l LEFT JOIN caseload k ON k.mediator = l.mediator
"""

    from trytond import config
    config.update_etc(database.env['TRYTOND_CONFIG'])
    config.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database.name).init()
    with Transaction().start(database.name, 0, readonly=True):
        Indicator = Pool().get('court.indicator')
        Company = Pool().get('company.company')
        for label, scope in [('one court-year', [court]),
                ('province-year', Company.court_and_subordinates(
                        [ids['intermediate']]))]:
            for name, measured, sql in [
                    (f"B figures ({len(codes)} codes)", codes, baseline_sql),
                    (f"B1-B4 roster ({len(roster_codes)} codes)",
                        roster_codes, roster_sql)]:
                def interface():
                    for code in measured:
                        Indicator.compute(code, scope, year_start, year_end)

                def baseline():
                    cursor.execute(sql, {
                            's': year_start, 'e': year_end, 'courts': scope})
                    cursor.fetchall()
                interface()
                baseline()
                report(f"{name}, {label}",
                    timed(interface, args.repeat),
                    timed(baseline, args.repeat))

    # 2. first pages and 3. registrations, through a real server
    with database.server() as server:
        # the mediator lands on 待办 (act_case_due: open cases, soonest
        # deadline first), the station clerk on the case list (newest
        # first)
        for login, domain, order, sql_order in [
                ('mediator_410302', [('state', 'in', ['assigned',
                                'mediating'])],
                    [('deadline', 'ASC'), ('id', 'ASC')],
                    "c.deadline ASC, c.id ASC"),
                ('clerk_410302', [],
                    [('received_date', 'DESC'), ('id', 'DESC')],
                    "c.received_date DESC, c.id DESC")]:
            rpc = server.rpc(login)
            fields = ['number', 'received_date', 'applicants',
                'respondents', 'dispute_type', 'mediator', 'deadline',
                'state']

            def page():
                rpc.model('court.mediation.case', 'search_read', domain, 0,
                    80, order, fields)
            if login.startswith('mediator'):
                where = ("c.mediator IN (SELECT id FROM court_mediator WHERE "
                    "\"user\" = %s) AND c.state IN ('assigned', 'mediating')")
                param = ids['mediator_user']
            else:
                where = ("(c.station IN (SELECT station FROM "
                    "\"res_user-court_station\" WHERE \"user\" = %s) "
                    "OR c.create_uid = %s)")
                param = ids['clerk_user']

            def raw():
                cursor.execute(
                    "SELECT c.id, c.number, c.received_date, c.deadline, "
                    "c.state, c.mediator, c.dispute_type FROM "
                    "court_mediation_case c WHERE c.company = ANY(%s) AND "
                    + where + " ORDER BY " + sql_order + " LIMIT 80",
                    (ids['courts'], param) if 'station' not in where
                    else (ids['courts'], param, param))
                cursor.fetchall()
            page()
            raw()
            report(f"first page of 80 cases, {login}",
                timed(page, args.repeat), timed(raw, args.repeat))
    if args.registrations:
        register_bench(args, database, conn, ids)
    conn.close()


def register_bench(args, database, conn, ids):
    """Registering a case (create + register) through JSON-RPC on
    gunicorn with each of args.workers worker counts, by 1, 2 and 4
    concurrent clients of one court (they queue on its number counter) and
    of different courts (the demo's basic courts: they do not); baseline:
    one INSERT + COMMIT a case through psycopg."""
    for workers in args.workers:
        _register_runs(args, database, workers)
    cursor = conn.cursor()
    dispute_type = _neighbour_type(cursor)
    samples = []
    for i in range(args.registrations):
        start = time.perf_counter()
        cursor.execute(
            "INSERT INTO court_mediation_case (company, state, source, "
            "received_date, dispute_type, consent, create_date) VALUES "
            "(%s, 'registered', 'window', CURRENT_DATE, %s, true, now())",
            (ids['courts'][0], dispute_type))
        conn.commit()
        samples.append(time.perf_counter() - start)
    med, p95 = stats(samples)
    print(f"{'baseline: INSERT + COMMIT, 1 client':46} "
        f"median {med * 1000:9.1f} ms  p95 {p95 * 1000:9.1f} ms",
        flush=True)


def case_values(dispute_type, parties):
    "The values of a benchmark case: a neighbours' dispute of two parties"
    return {
        'source': 'window',
        'dispute_type': dispute_type,
        'amount': '1000',
        'facts': '基准测试',
        'consent': True,
        'parties': [('create', [
                    {'role': 'applicant', 'party': parties[0]},
                    {'role': 'respondent', 'party': parties[1]}])],
        }


def _neighbour_type(cursor):
    cursor.execute("SELECT id FROM court_dispute_type WHERE code = "
        "'neighbour'")
    return cursor.fetchone()[0]


@contextlib.contextmanager
def gunicorn(database, workers):
    """The server as deployed: trytond under gunicorn with `workers`
    processes (python -O), on the database; yields a testdb.Server"""
    port = testdb.free_port()
    env = dict(database.env, PYTHONOPTIMIZE='1',
        TRYTOND_DATABASE_NAMES=database.name,
        TRYTOND_DATABASE__RETRY='20')  # as config/postgresql.conf
    log = open(Path(database.workdir) / 'gunicorn.log', 'w')
    process = subprocess.Popen([
            str(Path(sys.executable).parent / 'gunicorn'), '-w', str(workers),
            '-b', f'127.0.0.1:{port}', '--timeout', '300',
            'trytond.application:app'], env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        testdb._wait_http(port, process)
        yield testdb.Server(process, f'http://127.0.0.1:{port}',
            database.name)
    finally:
        testdb.stop_group(process, 20)
        log.close()


def _register_runs(args, database, workers):
    with gunicorn(database, workers) as server:
        admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
        parties = admin.model('party.party', 'search',
            [('party_kind', '=', 'person')], 0, 2, None)
        dispute_type, = admin.model('court.dispute.type', 'search',
            [('code', '=', 'neighbour')], 0, 1, None)

        def register(rpc):
            start = time.perf_counter()
            case_id, = rpc.model('court.mediation.case', 'create',
                [case_values(dispute_type, parties)])
            rpc.model('court.mediation.case', 'register', [case_id])
            return time.perf_counter() - start

        # the demo's basic courts: one filing officer each
        courts = ['410302', '410303', '410304']
        for spread in (False, True):
            for clients in (1, 2, 4):
                if spread and clients == 1:
                    continue
                sessions = [server.rpc('filing_%s' % (
                            courts[i % len(courts)] if spread
                            else courts[0])) for i in range(clients)]
                n = args.registrations
                # warm-up: every worker loads its pool and caches first
                with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                    list(pool.map(register, sessions * 2))
                start = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                    samples = list(pool.map(register,
                            [sessions[i % clients] for i in range(n)]))
                elapsed = time.perf_counter() - start
                med, p95 = stats(samples)
                label = 'register via RPC, %d worker(s), %d client(s)%s' % (
                    workers, clients, ' of 2-3 courts' if spread else '')
                print(f"{label:60} median {med * 1000:9.1f} ms"
                    f"  p95 {p95 * 1000:9.1f} ms"
                    f" | {n / elapsed:6.1f} cases/s", flush=True)


if __name__ == '__main__':
    sys.exit(main())
