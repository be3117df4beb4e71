"""Petitions at scale, on PostgreSQL.

    .venv/bin/python -O -m bench.bench_petition            # 10^5 petitions
    .venv/bin/python -O -m bench.bench_petition --quick    # 2*10^4

Starts a throwaway PostgreSQL cluster (unless TRYTOND_DATABASE_URI names
one), activates the modules, loads the demo city, then generates in SQL
(``INSERT … SELECT generate_series``) 5*10^4 petitioners and 10^5
petitions over two years in the demo's basic courts (one petitioner each,
chosen so that people come back; every fifth petition with an original
enforcement case number).  Measured, each as median and p95 over repeats,
with a baseline in the same run:

1. the repeat-petitioner detection for a new petition
   (``court.petition.find_previous``, what registration runs) against the
   same query in raw SQL — it must stay interactive (well under 100 ms);
2. registering a petition (create + register, which numbers it and runs
   the detection) through JSON-RPC against raw psycopg INSERT + COMMIT;
3. the half-year analysis workbook of one court (``build_workbook``: five
   grouped counts and the detail sheet) against the same grouped counts and
   detail rows in raw SQL; and the figures D1-D8 of one court-year
   through ``court.indicator`` against one raw SQL query with the counts.
"""
import argparse
import datetime as dt
import os
import sys
import time

from court_tools import testdb

from . import demo_on_postgresql, memory, on_postgresql
from .bench_mediation import report, timed

GENERATE = """
INSERT INTO party_party (name, party_kind, active, code, id_number,
    create_date)
SELECT '信访人' || i, 'person', true, 'BP' || i,
    'BP' || lpad(i::text, 16, '0'), now()
FROM generate_series(1, %(persons)s) i;

INSERT INTO court_petition (company, number, state, channel, received_date,
    registered_date, matter, demand, demand_kind, category,
    original_enforcement_number, key, repeat, quality_ok, department,
    reply_date, closed_date, outcome, outcome_reason, extended,
    closure_approved, create_date, create_uid)
SELECT
    (%(courts)s)[1 + (i %% %(ncourts)s)],
    '(B)' || i || '号',
    CASE WHEN i %% 100 < 80 THEN 'closed' WHEN i %% 100 < 90 THEN 'replied'
        ELSE 'assigned' END,
    (ARRAY['window', 'letter', 'online', 'hotline', 'video',
        'appointment', 'npc', 'inspection'])[1 + (i %% 8)],
    CURRENT_DATE - (i %% 730),
    CURRENT_DATE - (i %% 730),
    '基准测试反映事项', '基准测试诉求', 'request',
    (ARRAY['enforcement', 'trial', 'delay', 'filing', 'conduct',
        'service', 'other'])[1 + (i %% 7)],
    CASE WHEN i %% 5 = 0 THEN '(2024)B执' || (i %% 20000) || '号' END,
    i %% 20 = 0, i %% 4 = 0, i %% 50 <> 0,
    (SELECT d.id FROM court_department d
        WHERE d.company = (%(courts)s)[1 + (i %% %(ncourts)s)]
        ORDER BY d.id OFFSET (i %% 4) LIMIT 1),
    CASE WHEN i %% 100 < 90 THEN CURRENT_DATE - (i %% 730) + 10 END,
    CASE WHEN i %% 100 < 80 THEN CURRENT_DATE - (i %% 730) + 12 END,
    CASE WHEN i %% 100 < 60 THEN 'resolved'
        WHEN i %% 100 < 80 THEN 'not_resolved' END,
    CASE WHEN i %% 100 < 80 THEN '基准测试原因' END,
    false, false, now(), 0
FROM generate_series(1, %(petitions)s) i;

INSERT INTO court_petition_petitioner (petition, party, representative,
    create_date)
SELECT p.id, (%(persons_ids)s)[1 + ((p.id * 7919) %% %(npersons)s)],
    false, now()
FROM court_petition p WHERE p.number LIKE '(B)%%';
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--petitions', type=int, default=100_000)
    parser.add_argument('--persons', type=int, default=50_000)
    parser.add_argument('--repeat', type=int, default=15)
    parser.add_argument('--registrations', type=int, default=40)
    parser.add_argument('--quick', action='store_true',
        help="2*10^4 petitions, 10^4 petitioners")
    parser.add_argument('--profile', type=int, default=0, metavar='N',
        help="profile the figures of one court-year, print the N "
        "costliest calls")
    args = parser.parse_args(argv)
    if args.quick:
        args.petitions, args.persons = 20_000, 10_000
    return on_postgresql(run, args)


def generate_petitions(cursor, courts, petitions, persons):
    """Generate persons who petition and petitions over two years in the
    given courts, in SQL; return the generated persons' ids"""
    cursor.execute(GENERATE.split('INSERT INTO court_petition ')[0]
        % {'persons': persons})
    cursor.execute("SELECT id FROM party_party WHERE code LIKE 'BP%%' "
        "ORDER BY id")
    persons = [r[0] for r in cursor.fetchall()]
    rest = 'INSERT INTO court_petition ' + GENERATE.split(
        'INSERT INTO court_petition ', 1)[1]
    cursor.execute(rest % {
            'courts': 'ARRAY[%s]' % ','.join(map(str, courts)),
            'ncourts': len(courts), 'petitions': petitions,
            'persons_ids': 'ARRAY[%s]' % ','.join(map(str, persons)),
            'npersons': len(persons)})
    return persons


def run(args):
    import psycopg
    database, dsn = demo_on_postgresql()
    conn = psycopg.connect(dsn)
    cursor = conn.cursor()
    cursor.execute("SELECT id FROM company_company WHERE court_level = "
        "'basic' ORDER BY id")
    courts = [r[0] for r in cursor.fetchall()]
    start = time.perf_counter()
    persons = generate_petitions(cursor, courts, args.petitions,
        args.persons)
    conn.commit()
    cursor.execute("ANALYZE")
    conn.commit()
    cursor.execute("SELECT count(*) FROM court_petition")
    total = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM court_petition_petitioner")
    lines = cursor.fetchone()[0]
    print(f"generated: {total} petitions, {lines} petitioner lines, "
        f"{len(persons)} generated petitioners, {len(courts)} courts in "
        f"{time.perf_counter() - start:.0f} s", flush=True)

    from trytond import config
    config.update_etc(database.env['TRYTOND_CONFIG'])
    config.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database.name).init()

    # 1. repeat detection for a new petition
    with Transaction().start(database.name, 0, readonly=True):
        pool = Pool()
        Petition = pool.get('court.petition')
        Petitioner = pool.get('court.petition.petitioner')
        # a new (unsaved) petition of a person who came before, about a
        # case number of the generated data
        # the petitioner who came most often, and one of their cases
        cursor.execute("SELECT l.party, max(p.original_enforcement_number) "
            "FROM court_petition_petitioner l JOIN court_petition p ON "
            "p.id = l.petition WHERE p.number LIKE '(B)%%' GROUP BY l.party "
            "HAVING max(p.original_enforcement_number) IS NOT NULL "
            "ORDER BY count(*) DESC, l.party LIMIT 1")
        person, case = cursor.fetchone()
        new = Petition(company=courts[0], received_date=dt.date.today(),
            category='enforcement', original_enforcement_number=case,
            original_trial_number=None, superior_petition=None,
            petitioners=[Petitioner(party=person)])
        found = Petition.find_previous(new, window_days=730)
        since = dt.date.today() - dt.timedelta(days=730)

        def raw():
            cursor.execute(
                "SELECT DISTINCT p.id, p.received_date FROM "
                "court_petition_petitioner l JOIN court_petition p ON "
                "l.petition = p.id WHERE l.party = ANY(%s) AND p.state IN "
                "('registered', 'assigned', 'handled', 'replied', 'closed') "
                "AND p.received_date <= %s AND p.received_date >= %s AND "
                "(p.original_enforcement_number = %s OR p.category = %s) "
                "ORDER BY p.received_date, p.id",
                ([person], dt.date.today(), since, case, 'enforcement'))
            return cursor.fetchall()
        assert len(raw()) == len(found), (len(raw()), len(found))
        print(f"repeat detection finds {len(found)} earlier petitions",
            flush=True)
        report("repeat detection for a new petition",
            timed(lambda: Petition.find_previous(new, window_days=730),
                args.repeat * 4),
            timed(raw, args.repeat * 4))
        memory.report("peak RSS, 100 repeat detections",
            lambda: [Petition.find_previous(new, window_days=730)
                for _ in range(100)])

        # 3. half-year workbook and figures
        from trytond.modules.court_petition.analysis import (
            build_workbook, half_bounds)
        today = dt.date.today()
        year, half = ((today.year, '1') if today.month > 6
            else (today.year - 1, '2'))
        h_start, h_end = half_bounds(year, half)
        court = courts[0]
        data, count = build_workbook([court], h_start, h_end, '基准')
        print(f"half-year workbook: {count} petitions, "
            f"{len(data) // 1024} KiB", flush=True)

        def workbook():
            build_workbook([court], h_start, h_end, '基准')

        def workbook_raw():
            for column in ['category', 'company', 'department', 'channel',
                    'repeat']:
                cursor.execute(
                    f"SELECT {column}, count(*), count(*) FILTER (WHERE "
                    "state <> 'draft'), count(reply_date), count(*) FILTER "
                    "(WHERE outcome = 'resolved'), count(*) FILTER (WHERE "
                    "repeat) FROM court_petition WHERE company = %s AND "
                    "received_date BETWEEN %s AND %s AND state <> "
                    f"'cancelled' GROUP BY {column}",
                    (court, h_start, h_end))
                cursor.fetchall()
            cursor.execute(
                "SELECT p.number, p.received_date, p.channel, p.category, "
                "p.original_trial_number, p.original_enforcement_number, "
                "p.repeat, d.name, p.reply_date, p.closed_date, "
                "p.outcome, p.outcome_reason, p.key, string_agg(pp.name, "
                "'、') FROM court_petition p LEFT JOIN court_department d "
                "ON d.id = p.department LEFT JOIN "
                "court_petition_petitioner l ON l.petition = p.id LEFT JOIN "
                "party_party pp ON pp.id = l.party WHERE p.company = %s AND "
                "p.received_date BETWEEN %s AND %s AND p.state <> "
                "'cancelled' GROUP BY p.id, d.name "
                "ORDER BY p.received_date, p.id",
                (court, h_start, h_end))
            cursor.fetchall()
        report("half-year workbook of one court",
            timed(workbook, max(3, args.repeat // 3)),
            timed(workbook_raw, max(3, args.repeat // 3)))

        Indicator = pool.get('court.indicator')
        y_start, y_end = dt.date(today.year - 1, 1, 1), dt.date(
            today.year - 1, 12, 31)
        codes = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D8']

        def figures():
            for code in codes:
                Indicator.compute(code, [court], y_start, y_end)

        def figures_raw():
            cursor.execute(
                "SELECT count(*) FILTER (WHERE received_date BETWEEN %(s)s "
                "AND %(e)s), count(*) FILTER (WHERE registered_date BETWEEN "
                "%(s)s AND %(e)s AND state <> 'draft'), count(*) FILTER "
                "(WHERE registered_date BETWEEN %(s)s AND %(e)s AND "
                "reply_date IS NOT NULL), count(*) FILTER (WHERE "
                "registered_date BETWEEN %(s)s AND %(e)s AND quality_ok), "
                "count(*) FILTER (WHERE registered_date BETWEEN %(s)s AND "
                "%(e)s AND key AND outcome = 'resolved'), count(*) FILTER "
                "(WHERE channel = 'superior' AND feedback_date IS NOT NULL) "
                "FROM court_petition WHERE company = %(c)s AND state <> "
                "'cancelled'", {'s': y_start, 'e': y_end, 'c': court})
            cursor.fetchall()
            cursor.execute(
                "SELECT destination, count(*) FROM court_petition_escalation "
                "WHERE company = %s AND date BETWEEN %s AND %s GROUP BY "
                "destination", (court, y_start, y_end))
            cursor.fetchall()
            cursor.execute(
                "SELECT count(DISTINCT l.party) FROM court_petition p JOIN "
                "court_petition_petitioner l ON l.petition = p.id WHERE "
                "p.company = %s AND p.received_date BETWEEN %s AND %s AND "
                "p.repeat", (court, y_start, y_end))
            cursor.fetchall()
        report(f"figures {'/'.join(codes)}, one court-year",
            timed(figures, args.repeat), timed(figures_raw, args.repeat))
        if args.profile:
            import cProfile
            import pstats
            profile = cProfile.Profile()
            profile.runcall(figures)
            pstats.Stats(profile).sort_stats('cumulative').print_stats(
                args.profile)

    # 2. registering through JSON-RPC
    with database.server() as server:
        rpc = server.rpc('petition_410302')
        admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
        court_id, = admin.model('company.company', 'search',
            [('division_code', '=', '410302')], 0, 1, None)
        today = testdb.court_today()

        def register(i):
            start = time.perf_counter()
            petition, = rpc.model('court.petition', 'create', [{
                        'company': court_id,
                        'channel': 'window',
                        'received_date': {'__class__': 'date',
                            'year': today.year, 'month': today.month,
                            'day': today.day},
                        'matter': '基准测试', 'demand': '基准测试',
                        'demand_kind': 'request', 'category': 'enforcement',
                        'original_enforcement_number': case,
                        'petitioners': [('create', [
                                    {'party': persons[(i * 7919)
                                            % len(persons)]}])],
                        }])
            rpc.model('court.petition', 'register', [petition])
            return time.perf_counter() - start
        register(0)
        samples = [register(i) for i in range(1, args.registrations + 1)]
        baseline = []
        for i in range(args.registrations):
            start = time.perf_counter()
            cursor.execute(
                "INSERT INTO court_petition (company, state, channel, "
                "received_date, registered_date, matter, key, repeat, "
                "quality_ok, extended, closure_approved, create_date) "
                "VALUES (%s, 'registered', 'window', CURRENT_DATE, "
                "CURRENT_DATE, '基准', false, false, true, false, false, "
                "now()) RETURNING id", (court_id,))
            petition = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO court_petition_petitioner (petition, party, "
                "representative, create_date) VALUES (%s, %s, false, now())",
                (petition, persons[i]))
            conn.commit()
            baseline.append(time.perf_counter() - start)
        report("register a petition via RPC (create+register)", samples,
            baseline)
    conn.close()


if __name__ == '__main__':
    sys.exit(main())
