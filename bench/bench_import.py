"""Bulk import of mediation cases (issue 7's 3,000 cases/s target), on
PostgreSQL.

    .venv/bin/python -O -m bench.bench_import            # 2,000 cases a file
    .venv/bin/python -O -m bench.bench_import --quick    # 300 cases a file
    .venv/bin/python -O -m bench.bench_import --profile 30

Starts a throwaway PostgreSQL cluster (unless TRYTOND_DATABASE_URI names
one) and builds the demo database.  The file: the concluded cases of
洛阳市老城区人民法院 exported in the 全国调解平台 profile (the exchange
export of the web client), repeated with new platform numbers (平台案件编号)
and no court number until it has ``--cases`` rows: every row a new case
with its parties (found by their ID numbers) to register.  Measured, as
median and p95 over ``--repeat`` runs, each rolled back:

1. the check of the file (what 检查 does: read, parse, validate, match);
2. the check and the import (导入: check again, then create and register
   every case with its parties and number);

against the raw-SQL baseline of the same run: the same number of case
rows and their party lines inserted with ``executemany`` (no parsing, no
validation, no numbering).  Printed as cases per second.
"""
import argparse
import datetime as dt
import os
import sys

from . import demo_on_postgresql, on_postgresql
from .bench_mediation import report, timed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=2000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--quick', action='store_true',
        help="300 cases a file")
    parser.add_argument('--profile', type=int, default=0, metavar='N',
        help="profile one import, print the N costliest calls")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases = 300
    return on_postgresql(run, args)


def run(args):
    database, _ = demo_on_postgresql()
    from trytond import config
    config.update_etc(database.env['TRYTOND_CONFIG'])
    config.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    from trytond.pool import Pool
    from trytond.transaction import (
        Transaction, TransactionError, without_check_access)
    Pool(database.name).init()

    with Transaction().start(database.name, 0, readonly=True):
        pool = Pool()
        User = pool.get('res.user')
        user, = User.search([('login', '=', 'filing_410302')])
        user = user.id

    with Transaction().start(database.name, user, context={
                'language': 'zh_CN'}) as transaction:
        pool = Pool()
        Case = pool.get('court.mediation.case')
        ModelData = pool.get('ir.model.data')
        Profile = pool.get('court.mediation.exchange')
        from trytond.modules.court_mediation.exchange import (
            KINDS, Exporter, Importer)
        from trytond.modules.court_mediation.exchange_file import (
            write_table)
        profile = Profile(ModelData.get_id(
                'court_mediation', 'exchange_national'))
        company = User(user).company.id
        cases = Case.search([('company', '=', company),
                ('state', 'in', ['succeeded', 'failed'])], order=[('id', 'ASC')])
        exporter = Exporter(profile)
        columns = [c.field for c in profile.columns]
        key = next(i for i, f in enumerate(columns) if KINDS[f] == 'key')
        numbers = [i for i, f in enumerate(columns) if f == 'number']
        source = [exporter.row(c) for c in cases]
        stamp = dt.datetime.now().strftime('%H%M%S')
        rows = []
        for i in range(args.cases):
            row = list(source[i % len(source)])
            row[key] = f'BENCH-{stamp}-{i}'
            for n in numbers:
                row[n] = None
            rows.append(row)
        data = write_table(profile.file_format, profile.name,
            exporter.headers(), rows)
        print(f"file: {len(rows)} rows ({len(source)} concluded cases of "
            f"the court repeated), {len(data) // 1024} KiB "
            f"{profile.file_format}", flush=True)

        def check():
            importer = Importer(profile, data).check()
            assert not importer.errors, importer.errors[:3]
            return importer

        extras = {}

        def import_():
            # a transaction of its own, restarted with the row locks it
            # asks for as trytond's dispatcher does (the number counter)
            while True:
                with Transaction(new=True).start(database.name, user,
                        context={'language': 'zh_CN'},
                        **extras) as own:
                    try:
                        importer = check()
                        with without_check_access():
                            created, updated = importer.write()
                    except TransactionError as e:
                        own.rollback()
                        e.fix(extras)
                        continue
                    assert len(created) == args.cases and not updated, (
                        len(created), len(updated))
                    own.rollback()
                    return

        # warm-up (caches), then the runs
        check()
        import_()
        checked = timed(check, args.repeat)
        imported = timed(import_, args.repeat)

        # the baseline: the case rows and their party lines, raw SQL
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT company, station, dispute_type, received_date, '
            'accepted_date, concluded_date, state, source, amount, consent, '
            'complexity, performance, satisfaction FROM '
            'court_mediation_case WHERE id = %s', (cases[0].id,))
        template = list(cursor.fetchone())
        cursor.execute('SELECT party, role FROM court_mediation_case_party '
            'WHERE "case" = %s', (cases[0].id,))
        lines = cursor.fetchall()

        def raw():
            values = [template + [f'RAW-{stamp}-{i}', user]
                for i in range(args.cases)]
            ids = []
            for value in values:
                cursor.execute('INSERT INTO court_mediation_case (company, '
                    'station, dispute_type, received_date, accepted_date, '
                    'concluded_date, state, source, amount, consent, '
                    'complexity, performance, satisfaction, external_number, '
                    'create_uid, create_date) VALUES (%s, %s, %s, %s, %s, '
                    '%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now()) '
                    'RETURNING id', value)
                ids.append(cursor.fetchone()[0])
            cursor.executemany('INSERT INTO court_mediation_case_party '
                '("case", party, role, create_uid, create_date) VALUES '
                '(%s, %s, %s, %s, now())',
                [(i, p, r, user) for i in ids for p, r in lines])
            transaction.rollback()
        raw()
        baseline = timed(raw, args.repeat)
        n = args.cases
        for name, samples in [('check (检查)', checked),
                ('check and import (导入)', imported)]:
            report(f"{name}, {n} cases", samples, baseline)
            median = sorted(samples)[len(samples) // 2]
            print(f"    {n / median:,.0f} cases/s (raw SQL: "
                f"{n / sorted(baseline)[len(baseline) // 2]:,.0f} cases/s)",
                flush=True)
        if args.profile:
            import cProfile
            import pstats
            profile_ = cProfile.Profile()
            profile_.runcall(import_)
            pstats.Stats(profile_).sort_stats('cumulative').print_stats(
                args.profile)


if __name__ == '__main__':
    sys.exit(main())
