# This file is part of the court platform.  See LICENSE.
"""Case numbers: one mechanism for every numbered record of the platform.

A number is given per court, kind and year, like ``(2026)豫0302诉前调123号``.
``NumberCounter.next_number(court, kind_code, date)`` locks the counter
row (Tryton restarts the transaction with the lock taken first), then
increments it with ``UPDATE … RETURNING`` inside the caller's transaction:
the row stays locked until that transaction ends, so two transactions never
get the same number, and a rolled-back transaction gives its number back
(no gap is left by failed creations).  Concurrent registrations of one
court and kind wait for each other (retried up to ``[database] retry``).
"""
import datetime as dt

from sql import Flavor

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import NumberingError

DEFAULT_PATTERN = '({year}){court}{prefix}{number}号'


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
    def next_number(cls, company, kind_code, date=None):
        """Return the next number of kind_code for the court in the year of
        date (today by default)."""
        pool = Pool()
        Kind = pool.get('court.number.kind')
        Date = pool.get('ir.date')
        kinds = Kind.search([('code', '=', kind_code)], limit=1)
        if not kinds:
            raise NumberingError(gettext(
                    'court_base.msg_number_kind_missing', kind=kind_code))
        kind, = kinds
        court_code = company.numbering_code
        if not court_code:
            raise NumberingError(gettext(
                    'court_base.msg_number_court_code_missing',
                    court=company.rec_name))
        if isinstance(date, dt.datetime):
            date = date.date()
        year = (date or Date.today()).year
        counters = cls.search([
                ('company', '=', company.id),
                ('kind', '=', kind.id),
                ('year', '=', year),
                ], limit=1)
        if counters:
            # Lock the row first: Tryton then restarts the transaction with
            # the lock taken before its snapshot, so that the UPDATE below
            # never meets a concurrent update (PostgreSQL's repeatable read
            # would refuse it with a serialization failure).
            cls.lock(counters)
        else:
            # first number of the year: create the counter under a table
            # lock so that concurrent first numbers do not collide
            cls.lock()
            if not cls.search([
                        ('company', '=', company.id),
                        ('kind', '=', kind.id),
                        ('year', '=', year),
                        ], limit=1):
                cls.create([{
                            'company': company.id,
                            'kind': kind.id,
                            'year': year,
                            'last': 0,
                            }])
        number = cls._increment(company.id, kind.id, year)
        return kind.format(year, court_code, number)
