# This file is part of the court platform.  See LICENSE.
"""Case numbers: one mechanism for every numbered record of the platform.

A number is given per court, kind and year, like ``(2026)豫0302诉前调123号``.
``NumberCounter.next_number(court, kind_code, date)`` locks the counter
row (Tryton restarts the transaction with the lock taken first; a method
that numbers records calls ``lock_numbers`` first thing, so that the
restart comes before its work rather than after it; buttons use the
decorator ``numbers_locked_first``), then
increments it with ``UPDATE … RETURNING`` inside the caller's transaction:
the row stays locked until that transaction ends, so two transactions never
get the same number, and a rolled-back transaction gives its number back
(no gap is left by failed creations).  Concurrent registrations of one
court and kind wait for each other (retried up to ``[database] retry``).
"""
import datetime as dt
from functools import wraps

from sql import Flavor

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import NumberingError

DEFAULT_PATTERN = '({year}){court}{prefix}{number}号'


def numbers_locked_first(kind_code, date_field=None):
    """Decorate a numbering button (above ``ModelView.button``): the
    counters of the records (their court, the year of date_field, of today
    when empty) are locked before anything else, so that Tryton's restart
    of the transaction to take the locks comes before the button's access
    checks, state checks and work rather than after them."""
    def decorator(func):
        @wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            pool = Pool()
            Counter = pool.get('court.number.counter')
            Company = pool.get('company.company')
            today = pool.get('ir.date').today()
            names = ['company'] + ([date_field] if date_field else [])
            # only the fields needed (browsing would read the whole record);
            # read checks the user's access to the records
            rows = cls.read([r.id for r in records if r.id >= 0], names)
            Counter.lock_numbers([(Company(row['company']), kind_code,
                        row.get(date_field) or today)
                    for row in rows if row['company'] is not None])
            return func(cls, records, *args, **kwargs)
        return wrapper
    return decorator


class NumberKind(ModelSQL, ModelView):
    "Number Kind"
    __name__ = 'court.number.kind'
    code = fields.Char("Code", required=True, size=32)
    name = fields.Char("Name", required=True, translate=True)
    prefix = fields.Char(
        "Type Character", required=True, size=16,
        help="The case-type characters of the number, e.g. 诉前调.")
    pattern = fields.Char(
        "Pattern", required=True,
        help="Placeholders: {year}, {court}, {prefix}, {number}.")
    padding = fields.Integer(
        "Padding", required=True,
        help="Minimal number of digits of the sequential number.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'court_base.msg_number_kind_code_unique'),
            ]

    @staticmethod
    def default_pattern():
        return DEFAULT_PATTERN

    @staticmethod
    def default_padding():
        return 1

    def format(self, year, court_code, number):
        return self.pattern.format(
            year=year, court=court_code, prefix=self.prefix,
            number=str(number).zfill(self.padding or 1))


class NumberCounter(ModelSQL, ModelView):
    "Number Counter"
    __name__ = 'court.number.counter'
    company = fields.Many2One(
        'company.company', "Court", required=True, ondelete='RESTRICT')
    kind = fields.Many2One(
        'court.number.kind', "Kind", required=True, ondelete='RESTRICT')
    year = fields.Integer("Year", required=True)
    last = fields.Integer("Last Number", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('counter_uniq', Unique(t, t.company, t.kind, t.year),
                'court_base.msg_number_counter_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()),
                (t.kind, Index.Equality()), (t.year, Index.Equality())))

    @staticmethod
    def default_last():
        return 0

    @classmethod
    def _increment(cls, company_id, kind_id, year):
        # Plain SQL: python-sql qualifies RETURNING with the table alias,
        # which SQLite refuses.  Valid on PostgreSQL and SQLite >= 3.35.
        cursor = Transaction().connection.cursor()
        param = Flavor.get().param
        cursor.execute(
            f'UPDATE "{cls._table}" SET "last" = "last" + 1 '
            f'WHERE "company" = {param} AND "kind" = {param} '
            f'AND "year" = {param} RETURNING "last"',
            (company_id, kind_id, year))
        row = cursor.fetchone()
        return row[0] if row else None

    @classmethod
    @without_check_access
    def lock_numbers(cls, requests):
        """Lock the counters that numbering requests will use, before any
        other work of the transaction.

        requests: (court, kind_code, date) tuples.  The first call of a
        transaction makes Tryton restart it with the locks taken; calling
        this at the top of a method that numbers records keeps the work
        done twice to a few reads (``next_number`` alone would restart after
        the method's validation and reads).  Returns {request: (kind,
        year)}."""
        pool = Pool()
        Kind = pool.get('court.number.kind')
        Date = pool.get('ir.date')
        kinds, result, keys = {}, {}, set()
        for company, kind_code, date in requests:
            if kind_code not in kinds:
                found = Kind.search([('code', '=', kind_code)], limit=1)
                if not found:
                    raise NumberingError(gettext(
                            'court_base.msg_number_kind_missing',
                            kind=kind_code))
                kinds[kind_code] = found[0]
            kind = kinds[kind_code]
            if isinstance(date, dt.datetime):
                date = date.date()
            year = (date or Date.today()).year
            result[company, kind_code, date] = kind, year
            keys.add((company.id, kind.id, year))
        counters, missing = [], []
        for company_id, kind_id, year in sorted(keys):
            found = cls.search([
                    ('company', '=', company_id),
                    ('kind', '=', kind_id),
                    ('year', '=', year),
                    ], limit=1)
            if found:
                counters.extend(found)
            else:
                missing.append((company_id, kind_id, year))
        if missing:
            # first number of the year: create the counter under a table
            # lock so that concurrent first numbers do not collide
            cls.lock()
            for company_id, kind_id, year in missing:
                if not cls.search([
                            ('company', '=', company_id),
                            ('kind', '=', kind_id),
                            ('year', '=', year),
                            ], limit=1):
                    cls.create([{
                                'company': company_id,
                                'kind': kind_id,
                                'year': year,
                                'last': 0,
                                }])
        if counters:
            # Lock the rows first: Tryton then restarts the transaction
            # with the locks taken before its snapshot, so that the UPDATE
            # of next_number never meets a concurrent update (PostgreSQL's
            # repeatable read would refuse it with a serialization failure)
            cls.lock(counters)
        return result

    @classmethod
    @without_check_access
    def next_number(cls, company, kind_code, date=None):
        """Return the next number of kind_code for the court in the year of
        date (today by default)."""
        (kind, year), = cls.lock_numbers(
            [(company, kind_code, date)]).values()
        court_code = company.numbering_code
        if not court_code:
            raise NumberingError(gettext(
                    'court_base.msg_number_court_code_missing',
                    court=company.rec_name))
        number = cls._increment(company.id, kind.id, year)
        return kind.format(year, court_code, number)
