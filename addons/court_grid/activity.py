# This file is part of the court platform.  See LICENSE.
"""Liaison activities of the judges in the grid: circuit hearings, home
visits, legal training and publicity, "百姓说事·法官说法" sessions,
mediation guidance."""
import datetime as dt

from sql.functions import DateTrunc

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ActivityError
from .station import judge_group_id

KINDS = [
    ('circuit_hearing', "Circuit Hearing"),
    ('home_visit', "Home Visit"),
    ('legal_training', "Legal Training and Publicity"),
    ('people_talk', "百姓说事·法官说法"),
    ('mediation_guidance', "Mediation Guidance"),
    ]


class Activity(CourtMixin, ModelSQL, ModelView):
    "Liaison Activity"
    __name__ = 'court.grid.activity'
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    date = fields.Date("Date", required=True)
    judge = fields.Many2One('res.user', "Judge", required=True,
        ondelete='RESTRICT', domain=[('court_judge', '=', True)])
    point = fields.Many2One('court.station', "Liaison Point",
        ondelete='RESTRICT',
        domain=[('company', 'child_of', [Eval('company', -1)], 'superior')])
    area = fields.Many2One('court.grid.area', "Area", ondelete='RESTRICT',
        domain=[('company', 'child_of', [Eval('company', -1)], 'superior')],
        help="The township, village or cell where the activity took place.")
    attendance = fields.Integer("Attendance")
    settled = fields.Integer("Disputes Settled on the Spot")
    notes = fields.Text("Notes")
    month = fields.Function(fields.Char("Month",
            help="The month of the date, as YYYY-MM (a filter: 2026-11, or "
            "2026 for the year)."),
        'get_month', searcher='search_month')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.judge, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.point, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.area, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_kind():
        return 'people_talk'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_judge():
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if user_id and judge_group_id() in [
                g.id for g in User(user_id).groups]:
            return user_id

    @staticmethod
    def default_attendance():
        return 0

    @staticmethod
    def default_settled():
        return 0

    @fields.depends('point', '_parent_point.grid_area', '_parent_point.company',
        'area', 'company')
    def on_change_point(self):
        if self.point:
            if self.point.grid_area and not self.area:
                self.area = self.point.grid_area
            self.company = self.point.company

    def get_month(self, name):
        return self.date.strftime('%Y-%m') if self.date else None

    @classmethod
    def order_month(cls, tables):
        table, _ = tables[None]
        return [table.date]

    @staticmethod
    def _month_range(value):
        """(first day, day after) of a 'YYYY-MM' month or a 'YYYY' year;
        None when value is neither"""
        value = (value or '').strip().strip('%').strip()
        parts = value.split('-')
        try:
            year = int(parts[0])
            month = int(parts[1]) if len(parts) > 1 and parts[1] else None
            if len(parts) > 2 or not 1 <= year <= 9999 or (
                    month is not None and not 1 <= month <= 12):
                return None
            if month is None:
                return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            start = dt.date(year, month, 1)
        except ValueError:
            return None
        end = (dt.date(year + 1, 1, 1) if month == 12
            else dt.date(year, month + 1, 1))
        return start, end

    @classmethod
    def search_month(cls, name, clause):
        """The month as date ranges: =, !=, in, not in, like/ilike
        (2026-11, 2026), <, <=, >, >= """
        _, operator, value = clause[:3]
        negative = operator.startswith('!') or operator.startswith('not ')
        if operator.endswith('in'):
            values = value or []
        else:
            values = [value]
        if operator in ('<', '<=', '>', '>='):
            bounds = cls._month_range(value)
            if not bounds:
                return [('id', '=', -1)]
            start, end = bounds
            return [{
                    '<': ('date', '<', start),
                    '<=': ('date', '<', end),
                    '>': ('date', '>=', end),
                    '>=': ('date', '>=', start),
                    }[operator]]
        ranges = [cls._month_range(v) for v in values if v]
        if None in ranges or (not ranges and values and values != [None]):
            return [] if negative else [('id', '=', -1)]
        if not ranges:
            return [('date', '!=' if not negative else '=', None)]
        if negative:
            return ['AND'] + [['OR', ('date', '<', s), ('date', '>=', e)]
                for s, e in ranges]
        return ['OR'] + [[('date', '>=', s), ('date', '<', e)]
            for s, e in ranges]

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s %s %s' % (self.date or '', kinds.get(self.kind, ''),
            self.judge.rec_name if self.judge else '')

    @classmethod
    def create(cls, vlist):
        # the activity's own message rather than the generic "required"
        for values in vlist:
            if not (values['judge'] if 'judge' in values
                    else cls.default_judge()):
                date = values.get('date') or cls.default_date()
                raise ActivityError(gettext('court_grid.msg_activity_judge',
                        activity=str(date)))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for activities, values in zip(actions, actions):
            if 'judge' in values and not values['judge']:
                raise ActivityError(gettext('court_grid.msg_activity_judge',
                        activity=', '.join(a.rec_name for a in activities)))
        super().write(*args)

    @classmethod
    def validate_fields(cls, activities, field_names):
        super().validate_fields(activities, field_names)
        pool = Pool()
        Company = pool.get('company.company')
        today = pool.get('ir.date').today()
        group = judge_group_id()
        for activity in activities:
            name = activity.rec_name
            if not activity.judge:
                raise ActivityError(gettext(
                        'court_grid.msg_activity_judge', activity=name))
            if group not in [g.id for g in activity.judge.groups]:
                raise ActivityError(gettext(
                        'court_grid.msg_activity_judge_group',
                        activity=name, judge=activity.judge.rec_name))
            if activity.date > today:
                raise ActivityError(gettext(
                        'court_grid.msg_activity_future', activity=name))
            for value in [activity.attendance, activity.settled]:
                if value is not None and value < 0:
                    raise ActivityError(gettext(
                            'court_grid.msg_activity_negative',
                            activity=name))
            if (activity.settled or 0) > 0 and activity.attendance is not None \
                    and activity.settled > max(activity.attendance, 0) \
                    and activity.attendance > 0:
                raise ActivityError(gettext(
                        'court_grid.msg_activity_settled',
                        activity=name))
            courts = Company.court_and_subordinates([activity.company.id])
            for record in [activity.point, activity.area]:
                if record and record.company.id not in courts:
                    raise ActivityError(gettext(
                            'court_grid.msg_activity_court',
                            activity=name, record=record.rec_name,
                            court=activity.company.rec_name))
