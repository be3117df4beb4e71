"""The grid at province scale: coverage lists and B17.

    .venv/bin/python -O -m bench.bench_grid                 # SQLite, province
    .venv/bin/python -O -m bench.bench_grid --quick         # a tenth of it
    .venv/bin/python -m court_tools.pgcluster run -- \\
        .venv/bin/python -O -m bench.bench_grid             # PostgreSQL

Activates court_grid in a throwaway database (SQLite in a temporary
directory, or a new database on the PostgreSQL server that
TRYTOND_DATABASE_URI names), creates 100 basic courts through the ORM, then
inserts in bulk (python-sql INSERTs of 5,000 rows) a province: 100
counties, 2,000 townships, 40,000 villages, 200,000 grid cells, a liaison
point in 80% of the townships (one in ten without a judge), a grid member
for every two cells (3% of the cells without one), 200 judges (a few
without a point) and a reported lawsuit count for every township.

Measured, each as median and p95 over --repeat runs, against a
hand-written SQL query computing the same list in the same run (as root:
the record rules are not part of the figure):

1. townships without a liaison point (``point_count = 0``);
2. grid cells without a grid member (``member_count = 0``);
3. liaison points without a judge (``judge_count = 0``);
4. judges without a point (``grid_point_count = 0``);
5. B17 (lawsuits per 10,000 residents) of the province-year and G1
   (township coverage) through ``court.indicator``.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 5000


def stats(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1,
            max(0, round(0.95 * len(samples)) - 1))]
    return statistics.median(samples), p95


def report(name, samples, baseline):
    med, p95 = stats(samples)
    bmed, bp95 = stats(baseline)
    print(f"{name:44} median {med * 1000:9.1f} ms  p95 {p95 * 1000:9.1f} ms"
        f" | baseline median {bmed * 1000:8.1f} ms  p95 {bp95 * 1000:8.1f} ms"
        f" | ratio {med / bmed:6.1f}x", flush=True)


def timed(func, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--counties', type=int, default=100)
    parser.add_argument('--townships', type=int, default=20,
        help="townships per county")
    parser.add_argument('--villages', type=int, default=20,
        help="villages per township")
    parser.add_argument('--cells', type=int, default=5,
        help="cells per village")
    parser.add_argument('--repeat', type=int, default=7)
    parser.add_argument('--quick', action='store_true',
        help="10 counties: 200 townships, 4,000 villages, 20,000 cells")
    args = parser.parse_args(argv)
    if args.quick:
        args.counties = 10
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    os.environ['TRYTOND_DATABASE_URI'] = uri
    workdir = tempfile.mkdtemp(prefix='court-bench-grid-')
    name = 'bench_grid'
    if uri.startswith('postgresql'):
        from court_tools.testdb import _create_pg_database
        name = 'bench_grid_%d' % os.getpid()
        _create_pg_database(uri, name)
    else:
        os.environ['TRYTOND_DATABASE__PATH'] = workdir
        Path(workdir, f'{name}.sqlite').touch()
    from trytond import config
    config.update_etc(str(ROOT / 'config' / 'demo.conf'))
    config.set('database', 'uri', uri)
    if not uri.startswith('postgresql'):
        config.set('database', 'path', workdir)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond import backend
    start = time.perf_counter()
    with Transaction().start(name, 0, _nocache=True):
        database = backend.Database(name).connect()
        if not database.test():
            database.init()
    Pool(name).init(update=['court_grid'], activatedeps=True)
    print(f"court_grid activated on {uri.split(':')[0]}: "
        f"{time.perf_counter() - start:.0f} s", flush=True)
    with Transaction().start(name, 0) as transaction:
        start = time.perf_counter()
        counts = generate(args)
        transaction.commit()
        print("generated " + ", ".join(f"{v:,} {k}" for k, v in
                counts.items()) + f" in {time.perf_counter() - start:.0f} s",
            flush=True)
    with Transaction().start(name, 0) as transaction:
        cursor = transaction.connection.cursor()
        if uri.startswith('postgresql'):
            cursor.execute('ANALYZE')
        else:
            cursor.execute('ANALYZE')
        transaction.commit()
    with Transaction().start(name, 0, readonly=True):
        measure(args)


def _insert(table, columns, rows):
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    for i in range(0, len(rows), CHUNK):
        cursor.execute(*table.insert(columns, rows[i:i + CHUNK]))


def generate(args):
    from sql import Literal
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Currency = pool.get('currency.currency')
    User = pool.get('res.user')
    Area = pool.get('court.grid.area')
    Station = pool.get('court.station')
    Person = pool.get('court.grid.person')
    PersonCell = pool.get('court.grid.person-court.grid.area')
    StationJudge = pool.get('court.station-judge')
    LawsuitCount = pool.get('court.grid.lawsuit.count')
    ModelData = pool.get('ir.model.data')
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    currency, = Currency.create([{'name': '人民币', 'code': 'CNY',
                'symbol': '¥'}])
    high_party, = Party.create([{'name': '省高级人民法院',
                'party_kind': 'organisation'}])
    high, = Company.create([{'party': high_party.id,
                'currency': currency.id, 'court_level': 'high',
                'division_code': '41'}])
    parties = Party.create([{'name': f'基准县{i}人民法院',
                'party_kind': 'organisation'}
            for i in range(args.counties)])
    courts = Company.create([{'party': p.id, 'currency': currency.id,
                'court_level': 'basic', 'superior': high.id,
                'division_code': f'41{i + 1:04d}'}
            for i, p in enumerate(parties)])
    judge_group = ModelData.get_id('court_base', 'group_judge')
    judges = User.create([{'login': f'judge{i}', 'name': f'法官{i}',
                'groups': [('add', [judge_group])],
                'companies': [('add', [c.id])], 'company': c.id}
            for c in courts for i in [2 * c.id, 2 * c.id + 1]])

    area = Area.__table__()
    columns = [area.name, area.code, area.level, area.parent, area.company,
        area.population, area.active, area.create_uid, area.create_date]
    counties, townships, villages, cells = [], [], [], []
    _insert(area, columns, [[f'县{c.id}', c.division_code, 'county', None,
                c.id, 0, True, 0, now] for c in courts])
    cursor.execute(*area.select(area.id, area.code, area.company,
            where=area.level == 'county'))
    counties = cursor.fetchall()
    rows = [[f'镇{code}{t:03d}', f'{code}{t:03d}', 'township', cid, company,
            None, True, 0, now] for cid, code, company in counties
        for t in range(1, args.townships + 1)]
    _insert(area, columns, rows)
    cursor.execute(*area.select(area.id, area.code, area.company,
            where=area.level == 'township'))
    townships = cursor.fetchall()
    rows = [[f'村{code}{v:03d}', f'{code}{v:03d}', 'village', tid, company,
            1000 + (v * 37) % 4000, True, 0, now]
        for tid, code, company in townships
        for v in range(1, args.villages + 1)]
    _insert(area, columns, rows)
    cursor.execute(*area.select(area.id, area.code, area.company,
            where=area.level == 'village'))
    villages = cursor.fetchall()
    rows = [[f'网格{n}', f'{code}{n:03d}', 'cell', vid, company, 0, True, 0,
            now] for vid, code, company in villages
        for n in range(1, args.cells + 1)]
    _insert(area, columns, rows)
    cursor.execute(*area.select(area.id, area.company,
            where=area.level == 'cell', order_by=[area.id]))
    cells = cursor.fetchall()

    # points: 80% of the townships, one in ten without a judge
    station = Station.__table__()
    judges_of = {}
    for judge in judges:
        judges_of.setdefault(judge.company.id, []).append(judge.id)
    rows = []
    for i, (tid, code, company) in enumerate(townships):
        if i % 5 == 4:
            continue
        rows.append([f'{code}法官联络点', 'liaison_point', company, tid,
                code, True, 0, now])
    _insert(station, [station.name, station.kind, station.company,
            station.grid_area, station.division_code, station.active,
            station.create_uid, station.create_date], rows)
    cursor.execute(*station.select(station.id, station.company,
            order_by=[station.id]))
    link = StationJudge.__table__()
    rows = []
    for i, (sid, company) in enumerate(cursor.fetchall()):
        if i % 10 == 3:
            continue
        # the second judge of every fifth court gets no point
        candidates = judges_of[company][:1 if company % 5 == 0 else 2]
        rows.append([sid, candidates[i % len(candidates)], 0, now])
    _insert(link, [link.station, link.user, link.create_uid,
            link.create_date], rows)

    # grid members: one for two cells, 3% of the cells without any
    party = Party.__table__()
    n_persons = (len(cells) + 1) // 2
    _insert(party, [party.name, party.code, party.party_kind, party.active,
            party.create_uid, party.create_date],
        [[f'网格员{i}', f'GB{i}', 'person', True, 0, now]
            for i in range(n_persons)])
    cursor.execute(*party.select(party.id, where=party.code.like('GB%'),
            order_by=[party.id]))
    party_ids = [p for p, in cursor]
    person = Person.__table__()
    _insert(person, [person.party, person.role, person.phone,
            person.company, person.active, person.create_uid,
            person.create_date],
        [[pid, 'member', '13800000000', cells[2 * i][1], True, 0, now]
            for i, pid in enumerate(party_ids)])
    cursor.execute(*person.select(person.id, order_by=[person.id]))
    person_ids = [p for p, in cursor]
    pc = PersonCell.__table__()
    rows = []
    for i, (cid, company) in enumerate(cells):
        if i % 33 == 7:
            continue
        rows.append([person_ids[i // 2], cid, 0, now])
    _insert(pc, [pc.person, pc.cell, pc.create_uid, pc.create_date], rows)

    lawsuit = LawsuitCount.__table__()
    year = dt.date.today().year - 1
    _insert(lawsuit, [lawsuit.township, lawsuit.year, lawsuit.count,
            lawsuit.company, lawsuit.create_uid, lawsuit.create_date],
        [[tid, year, 100 + tid % 400, company, 0, now]
            for tid, code, company in townships])
    return {'courts': len(courts), 'townships': len(townships),
        'villages': len(villages), 'cells': len(cells),
        'points': len(townships) - len(townships) // 5,
        'grid members': n_persons, 'judges': len(judges)}


BASELINES = {
    'townships without a point': """
SELECT t.id FROM court_grid_area t
WHERE t.level = 'township' AND t.active
AND t.code NOT IN (SELECT substr(a.code, 1, 9) FROM court_station s
    JOIN court_grid_area a ON a.id = s.grid_area
    WHERE s.active AND s.kind != 'court_window'
    AND length(a.code) >= 9)""",
    'cells without a grid member': """
SELECT c.id FROM court_grid_area c
WHERE c.level = 'cell' AND c.active
AND NOT EXISTS (SELECT 1 FROM "court_grid_person-court_grid_area" l
    JOIN court_grid_person p ON p.id = l.person
    WHERE l.cell = c.id AND p.active AND p.role = 'member')""",
    'points without a judge': """
SELECT s.id FROM court_station s
WHERE s.active AND s.kind != 'court_window'
AND NOT EXISTS (SELECT 1 FROM "court_station-judge" j
    WHERE j.station = s.id)""",
    'judges without a point': """
SELECT u.id FROM res_user u
JOIN "res_user-res_group" g ON g."user" = u.id AND g."group" = %(group)s
WHERE u.active AND NOT EXISTS (SELECT 1 FROM "court_station-judge" j
    JOIN court_station s ON s.id = j.station
    WHERE j."user" = u.id AND s.active)""",
    'B17 province-year': """
SELECT sum(l.count), sum(p.population) FROM court_grid_lawsuit_count l
JOIN (SELECT t.id, coalesce(nullif(t.population, 0),
        sum(coalesce(v.population, 0)), 0) AS population
    FROM court_grid_area t LEFT JOIN court_grid_area v
    ON v.parent = t.id AND v.level = 'village'
    WHERE t.level = 'township' GROUP BY t.id, t.population) p
ON p.id = l.township
WHERE l.year = %(year)s""",
    }


def measure(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Area = pool.get('court.grid.area')
    Station = pool.get('court.station')
    User = pool.get('res.user')
    Company = pool.get('company.company')
    Indicator = pool.get('court.indicator')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    params = {'group': ModelData.get_id('court_base', 'group_judge'),
        'year': dt.date.today().year - 1}
    postgresql = transaction.database.name.startswith('bench_grid_') or \
        'postgresql' in os.environ.get('TRYTOND_DATABASE_URI', '')

    def raw(sql):
        if not postgresql:
            sql = sql.replace('%(group)s', str(params['group'])).replace(
                '%(year)s', str(params['year']))
            cursor.execute(sql)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()

    year = params['year']
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    high, = Company.search([('court_level', '=', 'high')])
    courts = Company.court_and_subordinates([high.id])
    interfaces = {
        'townships without a point': lambda: Area.search([
                ('level', '=', 'township'), ('point_count', '=', 0)],
            order=[]),
        'cells without a grid member': lambda: Area.search([
                ('level', '=', 'cell'), ('member_count', '=', 0)],
            order=[]),
        'points without a judge': lambda: Station.search([
                ('kind', '!=', 'court_window'), ('judge_count', '=', 0)],
            order=[]),
        'judges without a point': lambda: User.search([
                ('court_judge', '=', True), ('grid_point_count', '=', 0)],
            order=[]),
        'B17 province-year': lambda: Indicator.compute(
            'B17', courts, start, end),
        }
    for label, interface in interfaces.items():
        found = interface()
        expected = raw(BASELINES[label])
        if label.startswith('B17'):
            assert found.numerator == expected[0][0], (found, expected)
            count = found.value
        else:
            assert len(found) == len(expected), (label, len(found),
                len(expected))
            count = len(found)
        report(f"{label} ({count})", timed(interface, args.repeat),
            timed(lambda: raw(BASELINES[label]), args.repeat))
    # G1 and G4 (the coverage figures with their records) against the
    # same lists in raw SQL
    for code, label in [('G1', 'townships without a point'),
            ('G4', 'cells without a grid member')]:
        result = Indicator.compute(code, courts, start, end)
        assert len(result.record_ids) == len(raw(BASELINES[label]))
        report(f"{code} province through court.indicator",
            timed(lambda: Indicator.compute(code, courts, start, end),
                args.repeat),
            timed(lambda: raw(BASELINES[label]), args.repeat))


if __name__ == '__main__':
    main()
