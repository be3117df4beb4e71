# This file is part of the court platform.  See LICENSE.
"""The weekly list of items that scored no points (seed 004: every Friday,
each court reports the items it lost and what it does about them).

One record per evaluation and item that scored nothing (未得分, 无数据,
取消资格), kept in step with the evaluation by every computation (the
daily cron included): the points and the reason are the evaluation's; the
cause, the measure, who answers for it and by when are the court's words
and survive recomputations.  An item that scores again is marked
resolved, not deleted."""
from collections import defaultdict
from decimal import Decimal

from sql import Column

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .exceptions import ScoringAccessError

SHORTFALL_STATUSES = ('zero', 'no_data', 'disqualified')
EDITABLE = {'cause', 'measure', 'responsible', 'due_date'}


class Shortfall(ModelSQL, ModelView):
    "Item Without Points"
    __name__ = 'court.scoring.shortfall'
    evaluation = fields.Many2One('court.scoring.evaluation', "Evaluation",
        required=True, readonly=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Court", required=True,
        readonly=True, ondelete='CASCADE')
    period_name = fields.Function(fields.Char("Period"), 'get_period_name')
    code = fields.Char("Code", readonly=True)
    name = fields.Char("Item", readonly=True)
    max_points = fields.Numeric("Points", digits=(16, 2), readonly=True)
    points = fields.Numeric("Score", digits=(16, 2), readonly=True)
    status = fields.Selection('get_statuses', "Status", readonly=True)
    reason = fields.Text("Reason", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('resolved', "Resolved"),
            ], "State", readonly=True)
    found_on = fields.Date("Found On", readonly=True)
    resolved_on = fields.Date("Resolved On", readonly=True)
    cause = fields.Text("Cause",
        help="Why the item scored no points.")
    measure = fields.Text("Measure",
        help="What the court does to score it.")
    responsible = fields.Char("Responsible")
    due_date = fields.Date("Due Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('evaluation_code_unique', Unique(t, t.evaluation, t.code),
                'court_scoring.msg_shortfall_unique'),
            ]
        cls._order = [('company', 'ASC'), ('evaluation', 'DESC'),
            ('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_statuses(cls):
        return Pool().get('court.scoring.evaluation.line').fields_get(
            ['status'])['status']['selection']

    def get_period_name(self, name):
        return self.evaluation.period_name

    @classmethod
    def write(cls, *args):
        "A user writes the court's words only; the rest is the evaluation's"
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            for values in args[1::2]:
                other = set(values) - EDITABLE
                if other:
                    raise ScoringAccessError(gettext(
                            'court_scoring.msg_shortfall_readonly',
                            fields=', '.join(sorted(other))))
        super().write(*args)

    @classmethod
    def _existing(cls, evaluation_ids, names):
        """{(evaluation, code): {id, evaluation, code, state, *names}} of
        the shortfalls of evaluation_ids"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = ['id', 'evaluation', 'code', 'state', *names]
        existing = {}
        for sub_ids in grouped_slice(evaluation_ids):
            cursor.execute(*table.select(
                    *(Column(table, c) for c in columns),
                    where=reduce_ids(table.evaluation, list(sub_ids))))
            for row in cursor.fetchall():
                record = dict(zip(columns, row))
                for name in ('max_points', 'points'):
                    if name in record:
                        record[name] = _numeric(record[name])
                existing[(record['evaluation'], record['code'])] = record
        return existing

    @classmethod
    def sync(cls, evaluations, lines=None):
        """Bring the shortfalls of evaluations in step with their lines
        (called by the computation, without access checks); lines: the
        values of the lines just computed (dicts with evaluation, code and
        the line's fields), else they are read"""
        pool = Pool()
        Line = pool.get('court.scoring.evaluation.line')
        Date = pool.get('ir.date')
        today = Date.today()
        ids = [e.id for e in evaluations]
        if not ids:
            return
        names = ['name', 'max_points', 'points', 'status', 'reason']
        with without_check_access():
            # read as rows in SQL: a province's evaluation syncs thousands
            existing = cls._existing(ids, names)
            seen = set()
            to_create = []
            to_write = defaultdict(list)    # values -> shortfall ids
            if lines is None:
                lines = Line.search_read([
                        ('evaluation', 'in', ids),
                        ('status', 'in', list(SHORTFALL_STATUSES)),
                        ], fields_names=['evaluation', 'code', *names])
            company = {e.id: e.company.id for e in evaluations}
            for line in lines:
                if line['status'] not in SHORTFALL_STATUSES:
                    continue
                key = (line['evaluation'], line['code'])
                seen.add(key)
                values = {n: line[n] for n in names}
                record = existing.get(key)
                if record is None:
                    values.update({
                            'evaluation': line['evaluation'],
                            'company': company[line['evaluation']],
                            'code': line['code'],
                            'state': 'open',
                            'found_on': today,
                            })
                    to_create.append(values)
                else:
                    if record['state'] != 'open':
                        values.update({'state': 'open',
                                'resolved_on': None})
                    if any(record.get(k) != v for k, v in values.items()):
                        to_write[_frozen(values)].append(record['id'])
            resolved = _frozen({'state': 'resolved', 'resolved_on': today})
            for key, record in existing.items():
                if key not in seen and record['state'] == 'open':
                    to_write[resolved].append(record['id'])
            if to_create:
                cls.create(to_create)
            if to_write:
                args = []
                for values, record_ids in to_write.items():
                    args.extend((cls.browse(record_ids), dict(values)))
                cls.write(*args)


def _numeric(value):
    "A numeric column as the ORM gives it (SQLite returns floats)"
    return None if value is None else Decimal(str(value))


def _frozen(values):
    "values as a key (the same values are written in one call)"
    return tuple(sorted(values.items()))

