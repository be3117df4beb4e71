"""Scoring at province scale, on PostgreSQL.

    .venv/bin/python -O -m bench.bench_scoring            # 10^6 cases
    .venv/bin/python -O -m bench.bench_scoring --quick    # 10^5 cases

Starts a throwaway PostgreSQL cluster (unless TRYTOND_DATABASE_URI names
one), builds the demo database (court_scoring included), and generates the
province's courts, mediators and a year of mediation cases with the
generator of bench/bench_mediation.py, and the petitions of
bench/bench_petition.py spread over every court; every court gets last
year's reported values.  Measured, each as median and p95 over repeats, with a baseline in
the same run:

1. one court-year evaluation under the B–D targets scheme (computing the
   mediation figures through ``court.indicator``, reading the reported
   values, scoring and storing the items, ranking) against the raw SQL that
   reads the same mediation counts and reported values for that court;
2. the evaluation of every basic court of the province for the year (the
   "evaluate courts" wizard's work) against one grouped raw SQL query doing
   the same counts for all courts plus the reported values;
3. the Excel ranking of all the courts (xlsxwriter streamed), with the peak
   of Python memory allocated while writing it (tracemalloc), for 200 and
   for 4 x 200 rows (constant memory: the peak does not grow with the rows).

Each evaluation run is rolled back.
"""
import argparse
import datetime as dt
import os
import time
import tracemalloc

from . import demo_on_postgresql, memory, on_postgresql
from .bench_mediation import demo_ids, generate, report, timed
from .bench_petition import generate_petitions

BASELINE_SQL = """
SELECT c.company,
    count(*) FILTER (WHERE c.accepted_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.state = 'succeeded' AND c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.state IN ('succeeded', 'failed', 'withdrawn')
        AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.performance = 'voluntary' AND c.state =
        'succeeded' AND c.concluded_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.performance IN ('judicial_confirmation',
        'mediation_document') AND c.state = 'succeeded' AND c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    avg(c.concluded_date - c.accepted_date) FILTER (WHERE c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.satisfaction = 'satisfied' AND c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE c.confirmation_online AND c.concluded_date
        BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM court_mediation_session s
        WHERE s."case" = c.id AND s.mode IN ('video', 'audio'))
        AND c.concluded_date BETWEEN %(s)s AND %(e)s)
FROM court_mediation_case c
WHERE c.company = ANY(%(courts)s) AND c.state NOT IN ('draft', 'cancelled')
GROUP BY c.company
"""
# the roster figures B1-B4 of every court: mediators appointed to it and
# active at the start / at the end, those with at least 5 cases a month,
# the organisations with an agreement in force
ROSTER_SQL = """
WITH appointed AS (
    SELECT DISTINCT a.company, a.mediator FROM court_mediator_appointment a
    WHERE a.company = ANY(%(courts)s) AND a.date_start <= %(e)s
        AND (a.date_end IS NULL OR a.date_end >= %(s)s)),
latest AS (
    SELECT p.company, p.mediator,
        (SELECT c.to_state FROM court_mediator_state_change c
            WHERE c.mediator = p.mediator AND c.date <= %(s)s
            ORDER BY c.date DESC, c.id DESC LIMIT 1) AS at_start,
        (SELECT c.to_state FROM court_mediator_state_change c
            WHERE c.mediator = p.mediator AND c.date <= %(e)s
            ORDER BY c.date DESC, c.id DESC LIMIT 1) AS at_end
    FROM appointed p),
caseload AS (
    SELECT c.company, a.mediator, count(DISTINCT a."case") AS n
    FROM court_mediation_case_assignment a
    JOIN court_mediation_case c ON c.id = a."case"
    WHERE c.company = ANY(%(courts)s)
        AND c.state NOT IN ('draft', 'cancelled')
        AND a.date BETWEEN %(s)s AND %(e)s
    GROUP BY c.company, a.mediator)
SELECT l.company, count(*) FILTER (WHERE l.at_start = 'active'),
    count(*) FILTER (WHERE l.at_end = 'active'),
    count(*) FILTER (WHERE l.at_end = 'active'
        AND coalesce(k.n, 0) >= 5 * 12)
FROM latest l LEFT JOIN caseload k
    ON k.company = l.company AND k.mediator = l.mediator
GROUP BY l.company;
SELECT g.company, count(DISTINCT g.organisation)
FROM court_mediation_agreement g
WHERE g.company = ANY(%(courts)s) AND g.signed_date <= %(e)s
    AND g.start_date <= %(e)s
    AND (g.end_date IS NULL OR g.end_date >= %(e)s)
GROUP BY g.company
"""
# the petition figures D1-D6, D8, A10 of every court
PETITION_SQL = """
SELECT company,
    count(*) FILTER (WHERE received_date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE received_date BETWEEN %(s)s AND %(e)s
        AND state <> 'draft'),
    count(*) FILTER (WHERE registered_date BETWEEN %(s)s AND %(e)s
        AND state <> 'draft' AND reply_date IS NOT NULL),
    count(*) FILTER (WHERE registered_date BETWEEN %(s)s AND %(e)s
        AND state <> 'draft' AND quality_ok),
    count(*) FILTER (WHERE registered_date BETWEEN %(s)s AND %(e)s
        AND key AND state <> 'draft'),
    count(*) FILTER (WHERE registered_date BETWEEN %(s)s AND %(e)s
        AND key AND state = 'closed' AND outcome = 'resolved'),
    count(*) FILTER (WHERE registered_date BETWEEN %(s)s AND %(e)s
        AND channel = 'superior' AND feedback_date IS NOT NULL)
FROM court_petition
WHERE company = ANY(%(courts)s) AND state <> 'cancelled'
    AND assigned_to_court IS NULL
GROUP BY company;
SELECT company, destination,
    count(*) FILTER (WHERE date BETWEEN %(s)s AND %(e)s),
    count(*) FILTER (WHERE date BETWEEN %(ps)s AND %(pe)s)
FROM court_petition_escalation
WHERE company = ANY(%(courts)s) AND date BETWEEN %(ps)s AND %(e)s
GROUP BY company, destination;
SELECT p.company, count(DISTINCT l.party) FILTER (WHERE p.repeat),
    count(DISTINCT l.party)
FROM court_petition p JOIN court_petition_petitioner l ON l.petition = p.id
WHERE p.company = ANY(%(courts)s) AND p.received_date BETWEEN %(s)s AND %(e)s
    AND p.state NOT IN ('draft', 'cancelled')
GROUP BY p.company
"""
# what an evaluation stores: its item lines, their values (with the
# records behind each) and its sections
STORED = ['court_scoring_evaluation_line', 'court_scoring_evaluation_value',
    'court_scoring_evaluation_section']
REPORTED_SQL = """
SELECT v.company, k.code, v.value FROM court_scoring_value v
JOIN court_scoring_code k ON k.id = v.code
WHERE v.company = ANY(%(courts)s) AND v.start = %(s)s AND v."end" = %(e)s
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=1_000_000)
    parser.add_argument('--mediators', type=int, default=100_000)
    parser.add_argument('--courts', type=int, default=196)
    parser.add_argument('--petitions', type=int, default=100_000)
    parser.add_argument('--persons', type=int, default=50_000)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--profile', type=int, default=0, metavar='N',
        help="profile one province evaluation, print the N costliest calls")
    parser.add_argument('--quick', action='store_true',
        help="10^5 cases, 10^4 mediators, 3 repeats")
    args = parser.parse_args(argv)
    args.year = dt.date.today().year - 1
    if args.quick:
        args.cases, args.mediators, args.repeat = 100_000, 10_000, 3
        args.petitions, args.persons = 20_000, 10_000
    return on_postgresql(run, args)


def run(args):
    import psycopg
    database, dsn = demo_on_postgresql()
    conn = psycopg.connect(dsn)
    cursor = conn.cursor()

    ids = demo_ids(cursor)
    start = time.perf_counter()
    courts = generate(cursor, args, ids)
    # the petitions of bench_petition, spread over every court
    generate_petitions(cursor, courts, args.petitions, args.persons)
    # the reported values of last year for every basic court, as the demo
    # holds them for the demo courts
    cursor.execute("""
INSERT INTO court_scoring_value (company, code, period_kind, year,
    period_number, start, "end", value, origin, entered_by, entered_at,
    create_date, create_uid)
SELECT c.id, k.id, 'year', %(year)s, 1, DATE '%(year)s-01-01',
    DATE '%(year)s-12-31',
    CASE k.unit WHEN 'flag' THEN 1 WHEN 'ratio' THEN 50 + (c.id + k.id) %% 50
        ELSE (c.id + k.id) %% 10 END,
    'entry', 0, now(), now(), 0
FROM company_company c, court_scoring_code k
WHERE c.court_level = 'basic' AND k.source IN ('reported', 'mixed')
    AND NOT EXISTS (SELECT 1 FROM court_scoring_value v WHERE v.company = c.id
        AND v.code = k.id AND v.year = %(year)s AND v.period_kind = 'year')
""", {'year': args.year})
    conn.commit()
    cursor.execute("ANALYZE")
    conn.commit()
    cursor.execute("SELECT count(*) FROM court_mediation_case")
    n_cases = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM court_petition")
    n_petitions = cursor.fetchone()[0]
    cursor.execute("SELECT id FROM company_company WHERE court_level = "
        "'basic' ORDER BY id")
    basic = [r[0] for r in cursor.fetchall()]
    print(f"generated {n_cases} cases, {n_petitions} petitions, "
        f"{len(basic)} basic courts in "
        f"{time.perf_counter() - start:.0f} s", flush=True)

    from trytond import config
    config.update_etc(database.env['TRYTOND_CONFIG'])
    config.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database.name).init()
    year_start = dt.date(args.year, 1, 1)
    year_end = dt.date(args.year, 12, 31)
    with Transaction().start(database.name, 0) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        ModelData = pool.get('ir.model.data')
        scheme = Scheme(ModelData.get_id('court_scoring', 'scheme_targets'))
        if scheme.state != 'active':
            Scheme.activate([scheme])
        court = Company(basic[0])
        courts = Company.browse(basic)

        def stored_rows(scope):
            """{table: (columns, rows)}: what the evaluations of scope
            stored, read in the evaluation's transaction"""
            tryton = Transaction().connection.cursor()
            ids = [e.id for e in Evaluation.search([
                        ('company', 'in', scope), ('scheme', '=', scheme.id),
                        ('year', '=', args.year),
                        ('period_kind', '=', 'year')])]
            result = {}
            for table in STORED:
                where = ('evaluation = ANY(%s)' if 'value' not in table else
                    'line IN (SELECT id FROM court_scoring_evaluation_line '
                    'WHERE evaluation = ANY(%s))')
                tryton.execute(f'SELECT * FROM {table} WHERE {where}',
                    (ids,))
                columns = [d[0] for d in tryton.description if d[0] != 'id']
                rows = [r[1:] for r in tryton.fetchall()]
                result[table] = (columns, rows)
            return result

        for table in STORED:
            # the same columns and indexes, none of the foreign keys to
            # evaluations the benchmark's transaction has not committed
            cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS "bench_{table}" '
                f'(LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY '
                'INCLUDING INDEXES)')

        def baseline(scope, stored=None):
            """The same figures in raw SQL (the case counts, the roster
            and petition figures of every court, the reported values)
            and, with stored, writing the rows the evaluation stores"""
            params = {'s': year_start, 'e': year_end,
                'ps': year_start.replace(year=year_start.year - 1),
                'pe': year_end.replace(year=year_end.year - 1),
                'courts': Company.court_and_subordinates(scope)}

            def run_():
                for sql in (BASELINE_SQL, REPORTED_SQL) + ((
                            ROSTER_SQL, PETITION_SQL) if stored else ()):
                    for statement in sql.split(';'):
                        cursor.execute(statement, dict(params,
                                courts=scope) if sql is REPORTED_SQL
                            else params)
                        cursor.fetchall()
                for table, (columns, rows) in (stored or {}).items():
                    cursor.execute(f'DELETE FROM "bench_{table}"')
                    names = ', '.join(f'"{c}"' for c in columns)
                    marks = ', '.join(['%s'] * len(columns))
                    cursor.executemany(f'INSERT INTO "bench_{table}" '
                        f'({names}) VALUES ({marks})', rows)
            return run_

        for label, scope in [('one court-year', [court]),
                (f'province-year ({len(courts)} courts)', courts)]:
            def evaluate():
                Evaluation.evaluate(scope, scheme, 'year', args.year, 1)
            # the first run's peak: later runs reuse the memory it took
            memory.report(f"peak RSS, first evaluation, {label}", evaluate)
            scope_ids = [c.id for c in scope]
            partial, full = baseline(scope_ids), baseline(
                scope_ids, stored_rows(scope_ids))
            partial()
            full()
            measured = timed(evaluate, args.repeat)
            report(f"evaluation, {label}", measured,
                timed(full, args.repeat))
            report("  (against the case counts and reported values only)",
                measured, timed(partial, args.repeat))
            if args.profile and len(scope) > 1:
                import cProfile
                import pstats
                profile = cProfile.Profile()
                profile.runcall(evaluate)
                pstats.Stats(profile).sort_stats('cumulative').print_stats(
                    args.profile)

        from trytond.modules.court_scoring.excel import ranking_xlsx
        evaluations = Evaluation.search([('scheme', '=', scheme.id),
                ('year', '=', args.year), ('period_kind', '=', 'year')],
            order=[('total', 'DESC'), ('id', 'ASC')])
        for factor in (1, 4):
            rows = evaluations * factor
            # the peak RSS first (the first run with this many rows); then
            # timed on its own, as tracemalloc slows every allocation; then
            # the peak Python memory in a run under tracemalloc
            memory.report(f"peak RSS, Excel ranking, {len(rows)} rows",
                lambda: ranking_xlsx(rows, scheme))
            start = time.perf_counter()
            data = ranking_xlsx(rows, scheme)
            elapsed = time.perf_counter() - start
            tracemalloc.start()
            start = time.perf_counter()
            ranking_xlsx(rows, scheme)
            traced = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"Excel ranking, {len(rows):5} rows: {elapsed * 1000:8.1f} "
                f"ms, {len(data) // 1024} KiB, peak Python memory "
                f"{peak / 2 ** 20:.1f} MiB ({traced * 1000:.1f} ms under "
                f"tracemalloc)", flush=True)
        transaction.rollback()
    conn.close()


if __name__ == '__main__':
    main()
