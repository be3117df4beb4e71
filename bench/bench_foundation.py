"""Benchmarks of the foundation, each against a baseline run in the same
process on the same database:

1. case numbers: ``court.number.counter.next_number`` (ORM lookups + one
   ``UPDATE … RETURNING``) against the bare ``UPDATE … RETURNING``;
2. party creation in batches of 500 (validation, normalisation, access
   checks) against a plain ``INSERT`` of the same rows through the cursor.

    .venv/bin/python -m bench.bench_foundation [--repeat 5] [--n 2000]

On SQLite by default; on PostgreSQL when TRYTOND_DATABASE_URI is a
postgresql:// URI (e.g. under ``python -m court_tools.pgcluster run --``).
Prints median and p95 over the repeats, and the ratio to the baseline.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time

from court_tools import testdb


def _stats(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return statistics.median(samples), p95


def _report(name, n, samples, baseline):
    med, p95 = _stats(samples)
    bmed, bp95 = _stats(baseline)
    print(f"{name:34} {n / med:9.0f}/s  median {med * 1000:8.1f} ms  "
        f"p95 {p95 * 1000:8.1f} ms | baseline {n / bmed:9.0f}/s  "
        f"median {bmed * 1000:8.1f} ms | ratio {med / bmed:5.1f}x")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--n', type=int, default=2000)
    args = parser.parse_args(argv)

    backend = ('postgresql' if os.environ.get(
            'TRYTOND_DATABASE_URI', '').startswith('postgresql')
        else 'sqlite')
    workdir = tempfile.mkdtemp(prefix='court-bench-')
    database = testdb.demo_database(backend, workdir)
    os.environ.update(database.env)
    from trytond import config
    config.update_etc(database.env['TRYTOND_CONFIG'])
    config.set('database', 'uri', database.env['TRYTOND_DATABASE_URI'])
    if backend == 'sqlite':
        config.set('database', 'path', workdir)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database.name).init()
    print(f"backend {backend}, n = {args.n}, repeat = {args.repeat}, "
        f"python -O: {not __debug__}")

    # the first number of a year locks the counter table: take it up front
    with Transaction().start(database.name, 0,
            _lock_tables=['court_number_counter']) as transaction:
        pool = Pool()
        Counter = pool.get('court.number.counter')
        Kind = pool.get('court.number.kind')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        court, = Company.search([('court_code', '=', '豫0302')])
        Kind.create([{'code': 'bench', 'name': 'Bench', 'prefix': '诉前调'}])
        kind, = Kind.search([('code', '=', 'bench')])
        Counter.next_number(court, 'bench')
        cursor = transaction.connection.cursor()
        year = dt.date.today().year

        samples, baseline = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for _ in range(args.n):
                Counter.next_number(court, 'bench')
            samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            for _ in range(args.n):
                Counter._increment(court.id, kind.id, year)
            baseline.append(time.perf_counter() - start)
        _report('case numbers (next_number)', args.n, samples, baseline)

        from trytond.modules.court_base.validators import (
            id_number_check_character)
        table = Party.__table__()
        samples, baseline = [], []
        serial = 0
        for r in range(args.repeat):
            rows = []
            for i in range(args.n):
                serial += 1
                body = '410302%s%03d' % (
                    (dt.date(1960, 1, 1) + dt.timedelta(days=serial // 1000)
                        ).strftime('%Y%m%d'), serial % 1000)
                rows.append({'name': f'测试{serial}', 'party_kind': 'person',
                        'id_number': body + id_number_check_character(body),
                        'mobile_number': '138%08d' % serial})
            start = time.perf_counter()
            for i in range(0, len(rows), 500):
                Party.create(rows[i:i + 500])
            samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            for row in rows:
                # code: NOT NULL (and unique) on PostgreSQL
                cursor.execute(*table.insert(
                        [table.name, table.party_kind, table.active,
                            table.code],
                        [[row['name'] + 'b', 'person', True,
                                'B' + row['name']]]))
            baseline.append(time.perf_counter() - start)
        _report('parties (create, batches of 500)', args.n, samples,
            baseline)
        transaction.rollback()


if __name__ == '__main__':
    sys.exit(main())
