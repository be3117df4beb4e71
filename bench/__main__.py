"""The whole benchmark suite in one command.

    .venv/bin/python -m bench            # province scale (about an hour)
    .venv/bin/python -m bench --quick    # a city / 10^5 scale (minutes)
    .venv/bin/python -m bench --only mediation scoring

Runs each benchmark of this folder in turn, each in its own process with
``python -O`` (an ``assert`` of trytond makes browsing N ids O(N^2)
without it) on its own throwaway PostgreSQL 15 cluster (the benchmarks
that default to SQLite are run under ``court_tools.pgcluster``), prints
their figures
as they come (median, p95, baseline of the same run, ratio) and keeps the
whole output in ``var/bench/<date>-<time>.txt``. The figures recorded in
bench/README.md are copied from such a file, with the command that made
them. Exits non-zero when a benchmark failed (the others still run).
"""
import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# in order: the cheapest first; scoring and landing last (they build on
# the generators of bench_mediation and bench_petition)
SUITE = ['foundation', 'grid', 'petition', 'mediation', 'scoring',
    'landing', 'import']
# the benchmarks without --quick: their smaller scale instead
SMALL = {'foundation': ['--n', '500']}
# the benchmarks on SQLite unless a PostgreSQL server is named
ON_SQLITE = {'foundation', 'grid'}


def command(name, quick):
    args = [sys.executable, '-O', '-m', f'bench.bench_{name}']
    if quick:
        args += SMALL.get(name, ['--quick'])
    if name in ON_SQLITE:
        args = [sys.executable, '-m', 'court_tools.pgcluster', 'run', '--',
            *args]
    return args


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true',
        help="the smaller scale of each benchmark")
    parser.add_argument('--only', nargs='+', choices=SUITE, default=SUITE,
        help="these benchmarks only")
    args = parser.parse_args(argv)
    out_dir = ROOT / 'var' / 'bench'
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / dt.datetime.now().strftime('%Y%m%d-%H%M%S.txt')
    failed = []
    with out.open('w') as log:
        for name in [n for n in SUITE if n in args.only]:
            cmd = command(name, args.quick)
            header = f"\n=== bench_{name}: {' '.join(cmd[1:])}"
            print(header, flush=True)
            log.write(header + '\n')
            start = time.perf_counter()
            process = subprocess.Popen(cmd, cwd=ROOT, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for line in process.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                log.write(line)
            code = process.wait()
            footer = (f"=== bench_{name}: exit {code}, "
                f"{time.perf_counter() - start:.0f} s")
            print(footer, flush=True)
            log.write(footer + '\n')
            if code:
                failed.append(name)
    print(f"\nfigures kept in {out.relative_to(ROOT)}"
        + (f"; failed: {', '.join(failed)}" if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
