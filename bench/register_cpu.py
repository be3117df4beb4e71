"""Registration CPU, in-process: what one real registration costs the server.

A filing officer of the demo city creates a mediation case with two parties
and registers it (number, validation, history, log), as through the web
client but without JSON-RPC or the network, on a copy of the SQLite demo
database (``./court setup`` makes it).  Prints the CPU time (process time)
and wall time of the create and of the register, median and p95; with
``--profile N`` the N costliest calls of the registrations under cProfile.

    .venv/bin/python -O -m bench.register_cpu [--registrations 60] [--profile 30]

120 registrations a second on two cores leaves ≈ 16 ms of CPU to each.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = 'court_demo'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--registrations', type=int, default=60)
    parser.add_argument('--login', default='filing_410302')
    parser.add_argument('--profile', type=int, default=0, metavar='N')
    args = parser.parse_args(argv)
    source = ROOT / 'var' / 'db' / f'{DATABASE}.sqlite'
    if not source.exists():
        raise SystemExit(f"{source} is missing: run ./court setup first")
    workdir = tempfile.mkdtemp(prefix='court-regcpu-')
    try:
        shutil.copy(source, Path(workdir) / source.name)
        os.environ['TRYTOND_DATABASE_URI'] = 'sqlite://'
        os.environ['TRYTOND_DATABASE__PATH'] = workdir
        from trytond import config
        config.update_etc(str(ROOT / 'config' / 'demo.conf'))
        run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError

    from .bench_mediation import case_values

    Pool(DATABASE).init()
    with Transaction().start(DATABASE, 0):
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        DisputeType = pool.get('court.dispute.type')
        user, = User.search([('login', '=', args.login)])
        parties = [p.id for p in Party.search(
                [('party_kind', '=', 'person')], limit=2)]
        dispute_type, = DisputeType.search([('code', '=', 'neighbour')])
        dispute_type = dispute_type.id
    with Transaction().start(DATABASE, user.id):
        context = User.get_preferences(context_only=True)
    # access checked as through JSON-RPC
    checked = dict(context, _check_access=True)

    def register():
        "create + register, each in its own transaction as through RPC"
        times = []
        with Transaction().start(DATABASE, user.id, context=checked) as t:
            Case = Pool().get('court.mediation.case')
            start, cpu = time.perf_counter(), time.process_time()
            case, = Case.create([case_values(dispute_type, parties)])
            t.commit()
            times.append((time.perf_counter() - start,
                    time.process_time() - cpu))
            case_id = case.id
        start, cpu = time.perf_counter(), time.process_time()
        # the register call as the RPC dispatcher runs it: started again
        # when Tryton restarts the transaction to take the counter's lock
        extras = {}
        while True:
            with Transaction().start(DATABASE, user.id, context=checked,
                    **extras) as t:
                try:
                    Case = Pool().get('court.mediation.case')
                    Case.register(Case.browse([case_id]))
                except TransactionError as e:
                    t.rollback()
                    e.fix(extras)
                    continue
                t.commit()
            break
        times.append((time.perf_counter() - start,
                time.process_time() - cpu))
        return times

    for _ in range(5):      # warm-up: caches filled
        register()
    samples = [register() for _ in range(args.registrations)]
    for i, label in enumerate(['create', 'register', 'create + register']):
        if i < 2:
            walls = [s[i][0] for s in samples]
            cpus = [s[i][1] for s in samples]
        else:
            walls = [s[0][0] + s[1][0] for s in samples]
            cpus = [s[0][1] + s[1][1] for s in samples]
        print(f"{label:20} CPU median {_ms(statistics.median(cpus))}  "
            f"p95 {_ms(_p95(cpus))} | wall median "
            f"{_ms(statistics.median(walls))}  p95 {_ms(_p95(walls))}",
            flush=True)
    if args.profile:
        import cProfile
        import pstats
        profile = cProfile.Profile()
        profile.runcall(lambda: [register() for _ in range(20)])
        pstats.Stats(profile).sort_stats('cumulative').print_stats(
            args.profile)


def _p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.95))]


def _ms(seconds):
    return f'{seconds * 1000:7.1f} ms'


if __name__ == '__main__':
    sys.exit(main())
