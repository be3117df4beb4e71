"""pytest, for the modules' tests (addons/court_*/tests).

``./court test`` runs them with trytond's test cache (``DB_CACHE``): each
set of modules is activated once, kept as a template database on
PostgreSQL and restored for the next test class or scenario of the same
modules. Restoring drops the test database first, which PostgreSQL
refuses while the previous scenario's connections are still open in this
process (trytond closes them before it makes a template, not before it
restores one). So before each scenario on PostgreSQL the test database is
dropped with trytond's own ``drop_db`` (which closes the connections and
stops the database's pool and caches); the scenario's ``activate_modules``
then creates it again from the template.
"""
import os

from _pytest.doctest import DoctestItem


def pytest_runtest_setup(item):
    if (isinstance(item, DoctestItem) and os.environ.get('DB_CACHE')
            and os.environ.get('TRYTOND_DATABASE_URI', '').startswith(
                'postgresql')):
        from trytond.tests.test_tryton import drop_db
        drop_db()
