"""Fixtures of the cross-module tests: one demo database and one real
trytond server per test session, on the backend TRYTOND_DATABASE_URI names
(SQLite unless it is a postgresql:// URI)."""
import os
import shutil

import pytest

from court_tools import testdb


def _backend():
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    return 'postgresql' if uri.startswith('postgresql') else 'sqlite'


@pytest.fixture(scope='session')
def demo_db(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('court')
    database = testdb.demo_database(_backend(), str(workdir))
    yield database
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope='session')
def server(demo_db):
    with demo_db.server() as server:
        yield server



@pytest.fixture(scope='module')
def admin(server):
    "The administrator's JSON-RPC session"
    return server.rpc('admin', testdb.ADMIN_PASSWORD)


@pytest.fixture(scope='module')
def sessions(server):
    """sessions(role, court='410302'): the JSON-RPC session of the demo user
    of that role and court (login <role>_<division code>), cached"""
    cache = {}

    def get(role, court='410302'):
        key = f'{role}_{court}'
        if key not in cache:
            cache[key] = server.rpc(key)
        return cache[key]
    return get
