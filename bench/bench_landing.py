"""First pages of the lists each role lands on, at province scale.

    .venv/bin/python -O -m bench.bench_landing            # 10^6 cases, 10^5 petitions
    .venv/bin/python -O -m bench.bench_landing --quick    # 10^5 cases, 2*10^4 petitions

Starts a throwaway PostgreSQL cluster (unless TRYTOND_DATABASE_URI names
one), loads the demo city, generates in SQL the mediation data of
``bench_mediation`` (courts, mediators, a year of cases) and the petitions
of ``bench_petition`` spread over all the courts, then starts the server
as deployed (gunicorn, 2 workers, ``python -O``).

For every demo user of one basic court and of its superior court, the
landing actions the user's groups open at login (``court.group.landing``,
what the web client opens) are read as the web client reads them
(``ir.action.get_action_value``); each list is opened as sao opens it:
the action's domain, its first tab's domain and its default search
filter (PYSON decoded with the user's context), its order, the fields of
its list view: one ``search`` of 80 ids and one ``read`` of them, with
``Accept-Encoding: gzip``. Two clients of the same user open the list at
once, ``--repeat`` times each; median and p95 of one opening (search +
read). The target of issue 7: p50 <= 60 ms, p95 <= 150 ms. Actions that
open a form (the clerk's intake form) or a wizard are listed, not timed.
There is no raw-SQL baseline: each list has its own record rules, which
is what is measured.
"""
import argparse
import concurrent.futures
import datetime as dt
import json
import statistics
import sys
import time

from . import demo_on_postgresql, on_postgresql
from .bench_mediation import demo_ids, generate, gunicorn, stats
from .bench_petition import generate_petitions

LOGINS = ['clerk_410302', 'mediator_410302', 'filing_410302',
    'judge_410302', 'petition_410302', 'leader_410302', 'roster_410302',
    'scoring_410302', 'grid_410302', 'leader_4103', 'supervisor_4103',
    'petition_4103', 'scoring_4103']
TARGET_P50, TARGET_P95 = 0.060, 0.150


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=1_000_000)
    parser.add_argument('--mediators', type=int, default=100_000)
    parser.add_argument('--courts', type=int, default=196)
    parser.add_argument('--petitions', type=int, default=100_000)
    parser.add_argument('--persons', type=int, default=50_000)
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--quick', action='store_true',
        help="10^5 cases, 10^4 mediators, 2*10^4 petitions")
    parser.add_argument('--fields', action='store_true',
        help="for a list over the target, time the read of each field")
    parser.add_argument('--explain', action='store_true',
        help="for a list over the target, EXPLAIN ANALYZE its slowest "
        "query")
    args = parser.parse_args(argv)
    args.year = dt.date.today().year - 1
    if args.quick:
        args.cases, args.mediators = 100_000, 10_000
        args.petitions, args.persons = 20_000, 10_000
    return on_postgresql(run, args)


def run(args):
    import psycopg
    database, dsn = demo_on_postgresql()
    with psycopg.connect(dsn) as conn:
        cursor = conn.cursor()
        ids = demo_ids(cursor)
        start = time.perf_counter()
        courts = generate(cursor, args, ids)
        generate_petitions(cursor, courts, args.petitions, args.persons)
        conn.commit()
        cursor.execute("ANALYZE")
        conn.commit()
        cursor.execute("SELECT (SELECT count(*) FROM court_mediation_case), "
            "(SELECT count(*) FROM court_petition), "
            "(SELECT count(*) FROM court_mediator)")
        cases, petitions, mediators = cursor.fetchone()
    print(f"generated: {cases} cases, {petitions} petitions, {mediators} "
        f"mediators, {len(courts)} courts in "
        f"{time.perf_counter() - start:.0f} s", flush=True)

    missed, lists = [], []
    with gunicorn(database, args.workers) as server:
        floor = rpc_floor(server, LOGINS[0], args.repeat)
        med, p95 = stats(floor)
        print(f"JSON-RPC floor (read of one field of one record, 2 clients) "
            f"median {med * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms",
            flush=True)
        for login in LOGINS:
            for label, samples, call in landing_pages(server, login,
                    args.repeat, args.fields):
                if samples is None:
                    print(f"{login:16} {label}", flush=True)
                    continue
                med, p95 = stats(samples)
                met = med <= TARGET_P50 and p95 <= TARGET_P95
                lists.append((login, label, call, med))
                if not met:
                    missed.append(f"{login} {label}")
                print(f"{login:16} {label:60} median {med * 1000:7.1f} ms  "
                    f"p95 {p95 * 1000:7.1f} ms  "
                    f"{'target met' if met else 'TARGET MISSED'}",
                    flush=True)
        floor = rpc_floor(server, LOGINS[0], args.repeat)
        med, p95 = stats(floor)
        print(f"JSON-RPC floor, again after the lists "
            f"median {med * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms",
            flush=True)
    print(f"{len(missed)} list(s) over the target"
        + (': ' + '; '.join(missed) if missed else ''), flush=True)
    in_process(database, lists, args.repeat, args.explain)


def rpc_floor(server, login, repeat):
    """Samples of the cheapest useful call, by two clients of login at
    once as the lists below: the read of one field of the user's court
    (no search, one record): the fixed cost of a JSON-RPC
    request on this machine at this moment, what every list pays twice
    (its search and its read)"""
    clients = [server.rpc(login), server.rpc(login)]
    court = clients[0].context['company']

    def read(client):
        start = time.perf_counter()
        client._call('model.company.company.read', [[court], ['rec_name'],
                client.context])
        return time.perf_counter() - start
    for client in clients:
        read(client)
    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(read, clients * repeat * 2))


def landing_pages(server, login, repeat, fields_of_slow=False):
    """(label, samples) for each landing action of the login: samples of
    opening its first page by two clients at once, None for an action
    that is not a list (and, with fields_of_slow, for the lines that time
    each field of a slow list)"""
    from trytond.protocols.jsonrpc import JSONEncoder
    from trytond.pyson import PYSONDecoder
    clients = [server.rpc(login), server.rpc(login)]
    rpc = clients[0]
    preferences = rpc('model.res.user.get_preferences', False)
    for action_id in preferences.get('actions') or []:
        action = rpc('model.ir.action.get_action_value', action_id)
        name = action['name']
        if action['type'] != 'ir.action.act_window':
            yield f"{name} ({action['type']}: not a list)", None, None
            continue
        views = action['views']
        if not views or views[0][1] != 'tree' or action.get('res_id'):
            yield f"{name} (opens a form)", None, None
            continue
        decoder = PYSONDecoder(dict(rpc.context, active_id=None,
                active_ids=[]))
        domain = [decoder.decode(action['pyson_domain'])]
        tab = ''
        if action['domains']:
            tab, tab_domain, _ = action['domains'][0]
            domain.append(decoder.decode(tab_domain))
            tab = ' · ' + tab
        search_value = decoder.decode(action['pyson_search_value'])
        if search_value:
            domain.append(search_value)
        order = decoder.decode(action['pyson_order'])
        context = dict(rpc.context, **decoder.decode(action['pyson_context']))
        model = action['res_model']
        view = rpc.model(model, 'fields_view_get', views[0][0], 'tree')
        fields = list(view['fields'])
        fields += [f'{f}.rec_name' for f, d in view['fields'].items()
            if d['type'] in {'many2one', 'reference'}]
        limit = action.get('limit') or 80
        # dates of the decoded PYSON (Date()) as JSON-RPC sends them
        domain, context = json.loads(json.dumps([domain, context],
                cls=JSONEncoder))

        def open_list(client):
            start = time.perf_counter()
            ids = client._call(f'model.{model}.search',
                [domain, 0, limit, order, context])
            searched = time.perf_counter()
            client._call(f'model.{model}.read', [ids, fields, context])
            return time.perf_counter() - start, searched - start, len(ids)
        for client in clients:      # warm-up: each worker's caches
            open_list(client)
        with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
            samples = list(pool.map(open_list, clients * repeat))
        search = statistics.median(s[1] for s in samples)
        yield (f"{name}{tab} ({model}, {samples[0][2]} rows, search "
            f"{search * 1000:.0f} ms)", [s[0] for s in samples],
            (model, domain, limit, order, fields, context))
        if fields_of_slow and statistics.median(
                s[0] for s in samples) > TARGET_P50:
            # where the time goes: each field of the list read alone
            ids = rpc._call(f'model.{model}.search',
                [domain, 0, limit, order, context])
            for field in view['fields']:
                names = [n for n in fields
                    if n == field or n.startswith(field + '.')]
                times = []
                for _ in range(3):
                    start = time.perf_counter()
                    rpc._call(f'model.{model}.read', [ids, names, context])
                    times.append(time.perf_counter() - start)
                yield (f"  read of {field} alone: {min(times) * 1000:.1f} ms",
                    None, None)



def in_process(database, lists, repeat, explain):
    """Where the time of each list goes, without HTTP: the search and the
    read run in this process as trytond's dispatcher runs them (the same
    user, context, conversion and access checks), each query timed: CPU
    time of the Python side, wall time in PostgreSQL, number of queries;
    with explain, the slowest query of a list over the target under
    EXPLAIN ANALYZE"""
    import os

    from psycopg import ClientCursor
    from trytond import config
    from trytond.backend.postgresql import database as pg
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    config.update_etc(database.env['TRYTOND_CONFIG'])
    config.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    Pool(database.name).init()
    queries = []
    execute = pg.LoggingCursor.execute

    def timed_execute(self, query, params=None, **kwargs):
        start = time.perf_counter()
        try:
            return execute(self, query, params, **kwargs)
        finally:
            queries.append((time.perf_counter() - start, self.connection,
                    query, params))
    pg.LoggingCursor.execute = timed_execute
    from trytond.protocols.jsonrpc import JSONDecoder
    # the dates of the domains as JSON-RPC sends them, decoded as the
    # server decodes them
    lists = [(login, label, json.loads(json.dumps(call),
                object_hook=JSONDecoder()), rpc_median)
        for login, label, call, rpc_median in lists]
    print("in process (no HTTP): CPU of trytond, time in PostgreSQL, "
        "queries; medians of the search + read", flush=True)
    try:
        for login, label, (model, domain, limit, order, fields, context), \
                rpc_median in lists:
            with Transaction().start(database.name, 0, readonly=True):
                User = Pool().get('res.user')
                user, = User.search([('login', '=', login)])
                user = user.id
            cpu, sql, counts, slowest = [], [], [], None
            for _ in range(max(3, repeat // 2)):
                del queries[:]
                cpu_start = time.process_time()
                with Transaction().start(database.name, user,
                        readonly=True) as transaction:
                    Model = Pool().get(model)
                    ids = None
                    for method, args in [
                            ('search', [domain, 0, limit, order, context]),
                            ('read', [None, fields, context])]:
                        if method == 'read':
                            args[0] = ids
                        rpc = Model.__rpc__[method]
                        c_args, c_kwargs, transaction.context, _ = (
                            rpc.convert(Model, *args))
                        meth = rpc.decorate(getattr(Model, method))
                        result = rpc.result(meth(*c_args, **c_kwargs))
                        if method == 'search':
                            ids = result
                    cpu.append(time.process_time() - cpu_start)
                    sql.append(sum(q[0] for q in queries))
                    counts.append(len(queries))
                    query = max(queries, key=lambda q: q[0])
                    if explain and (slowest is None
                            or query[0] > slowest[0]):
                        slowest = (query[0], ClientCursor(
                                query[1]).mogrify(query[2], query[3]))
            sql_median = statistics.median(sql)
            print(f"{login:16} {label:60} CPU {statistics.median(cpu) * 1000:6.1f}"
                f" ms  PostgreSQL {sql_median * 1000:6.1f} ms in "
                f"{statistics.median(counts):.0f} queries  (via HTTP "
                f"{rpc_median * 1000:.0f} ms)", flush=True)
            if explain and slowest and rpc_median > TARGET_P50:
                with Transaction().start(database.name, user,
                        readonly=True) as transaction:
                    cursor = transaction.connection.cursor()
                    cursor.execute('EXPLAIN ANALYZE ' + slowest[1])
                    plan = [r[0] for r in cursor.fetchall()]
                print(f"    slowest query {slowest[0] * 1000:.1f} ms: "
                    f"{slowest[1][:300]}", flush=True)
                for line in plan[:25]:
                    print('    | ' + line, flush=True)
    finally:
        pg.LoggingCursor.execute = execute


if __name__ == '__main__':
    sys.exit(main())
