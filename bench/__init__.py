"""The benchmarks (see README.md); what they share."""
import os
import tempfile
import time


def on_postgresql(run, args):
    """Return run(args) on the PostgreSQL server TRYTOND_DATABASE_URI names,
    or on a throwaway cluster (court_tools.pgcluster) started and stopped
    around it"""
    cluster = None
    if not os.environ.get('TRYTOND_DATABASE_URI', '').startswith(
            'postgresql'):
        from court_tools import pgcluster
        cluster = pgcluster.start()
        os.environ.update(cluster.env)
    try:
        return run(args)
    finally:
        if cluster:
            cluster.stop()


def demo_on_postgresql():
    """A new demo database on the PostgreSQL server (its creation time
    printed): (testdb.DemoDatabase, its psycopg connection string)"""
    from court_tools import testdb
    start = time.perf_counter()
    database = testdb.demo_database('postgresql',
        tempfile.mkdtemp(prefix='court-bench-'))
    print(f"demo database on PostgreSQL: {time.perf_counter() - start:.0f} s",
        flush=True)
    return database, (os.environ['TRYTOND_DATABASE_URI'].rstrip('/') + '/'
        + database.name)
