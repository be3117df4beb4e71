# This file is part of the court platform.  See LICENSE.
"""The roster's health (名册状况), where a roster administrator lands: for
each of the user's courts (with the courts below it), from the start of
the year to today, the mediators active at the start and now (B3), the
roster's growth (B1), the organisations under agreement (B4), the share of
mediators meeting the caseload target (B2) and those under it or with no
case (B2_under), which a button lists.

A list of one row per court (a table query on the courts), its figures
computed from ``court.indicator`` for the page's rows only, all courts at
once (the indicator's batch)."""
import datetime as dt

from sql import Literal, Null
from sql.functions import CurrentTimestamp

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction

from .figures import format_value, status

STATUSES = [
    (None, ""),
    ('met', "Met"),
    ('not_met', "Not Met"),
    ]


class RosterHealth(ModelSQL, ModelView):
    "Roster Health"
    __name__ = 'court.mediator.health'
    court = fields.Many2One('company.company', "Court", readonly=True)
    period = fields.Function(fields.Char("Period"), 'get_figures')
    mediators_start = fields.Function(fields.Integer(
            "Active on 1 January",
            help="Mediators active and appointed to the court (or below "
            "it) at the start of the year."), 'get_figures')
    mediators_now = fields.Function(fields.Integer(
            "Active Mediators",
            help="B3: mediators active and appointed to the court (or below "
            "it) today; target: at least 10."), 'get_figures')
    growth = fields.Function(fields.Char(
            "Growth",
            help="B1: active mediators today against the start of the "
            "year; target: at least 30%."), 'get_figures')
    growth_status = fields.Function(fields.Selection(
            STATUSES, "Growth Target"), 'get_figures')
    organisations = fields.Function(fields.Integer(
            "Organisations",
            help="B4: organisations with an agreement in force with the "
            "court (or below it); target: at least 5."), 'get_figures')
    caseload_met = fields.Function(fields.Char(
            "Caseload Target Met",
            help="B2: mediators with at least 5 cases a month while active "
            "this year, of those active this year."), 'get_figures')
    under_target = fields.Function(fields.Integer(
            "Under Target or Nominal",
            help="B2_under: mediators active this year under 5 cases a "
            "month, those with no case (on the roster in name only) "
            "included."), 'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('court', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'open_under_target': {
                    'icon': 'tryton-list',
                    'depends': ['under_target'],
                    },
                })

    def get_rec_name(self, name):
        return self.court.rec_name if self.court else str(self.id)

    @classmethod
    def table_query(cls):
        "One row per court of the user's (their id as the row's)"
        pool = Pool()
        Company = pool.get('company.company')
        company = Company.__table__()
        courts = cls._courts()
        return company.select(
            company.id.as_('id'),
            company.id.as_('court'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            where=company.id.in_(courts or [-1])
            & (company.court_level != Null))

    @classmethod
    def _courts(cls):
        """The ids of the user's courts (those they belong to, else their
        current one; every court for the root user)"""
        pool = Pool()
        User = pool.get('res.user')
        Company = pool.get('company.company')
        user_id = Transaction().user
        if not user_id:
            return [c.id for c in Company.search([])]
        user = User(user_id)
        courts = [c.id for c in user.companies] or (
            [user.company.id] if user.company else [])
        return courts

    @classmethod
    def _period(cls):
        today = Pool().get('ir.date').today()
        return dt.date(today.year, 1, 1), today

    @classmethod
    def _figures(cls, records):
        "{code: {court id: IndicatorResult}} for the records' courts"
        Indicator = Pool().get('court.indicator')
        start, end = cls._period()
        courts = [r.id for r in records]
        return {code: Indicator.compute_many(code, courts, start, end)
            for code in ['B1', 'B3', 'B4', 'B2']}

    @classmethod
    def get_figures(cls, records, names):
        result = {n: {} for n in names}
        start, end = cls._period()
        figures = cls._figures(records)
        for record in records:
            b1, b3, b4, b2 = (figures[c][record.id]
                for c in ['B1', 'B3', 'B4', 'B2'])
            values = {
                'period': '%s — %s' % (start.isoformat(), end.isoformat()),
                'mediators_start': b1.denominator,
                'mediators_now': int(b3.value or 0),
                'growth': format_value(b1.value, b1.unit),
                'growth_status': (status('B1', b1.value)
                    if b1.value is not None else None),
                'organisations': int(b4.value or 0),
                'caseload_met': '%s（%s/%s）' % (
                    format_value(b2.value, b2.unit), b2.numerator or 0,
                    b2.denominator or 0),
                'under_target': len(b2.details.get('under_target', [])),
                }
            for name in names:
                result[name][record.id] = values[name]
        return result

    @classmethod
    @ModelView.button
    def open_under_target(cls, records):
        """The mediators under target or with no case this year, of the
        courts of records (B2's list)"""
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        figures = cls._figures(records)
        ids = sorted({m for r in records
                for m in figures['B2'][r.id].details.get('under_target', [])})
        action = Action.get_action_values('ir.action.act_window', [
                ModelData.get_id('court_mediation', 'act_mediator_under')])[0]
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', ids)])
        return action
