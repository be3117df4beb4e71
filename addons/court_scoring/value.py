# This file is part of the court platform.  See LICENSE.
"""Reported values (R, 数据填报): entered in the web client or imported from
a spreadsheet, with the document behind them, who entered them and when; a
value is corrected only with a reason, and every correction is kept."""
import calendar
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ReportedValueError

PERIOD_KINDS = [
    ('month', "Month"),
    ('quarter', "Quarter"),
    ('half', "Half-Year"),
    ('year', "Year"),
    ]
PERIOD_COUNT = {'month': 12, 'quarter': 4, 'half': 2, 'year': 1}
PERIOD_MONTHS = {'month': 1, 'quarter': 3, 'half': 6, 'year': 12}
PERIOD_LABEL = {'month': '%s年%s月', 'quarter': '%s年第%s季度',
    'half': '%s年%s半年', 'year': '%s年'}


def period_dates(kind, year, number):
    """(start, end) of a period, inclusive; None when it doesn't exist"""
    if kind not in PERIOD_COUNT or not year or not number:
        return None
    if kind == 'year':
        number = 1
    if not (1 <= number <= PERIOD_COUNT[kind]) or not (1900 <= year <= 2999):
        return None
    months = PERIOD_MONTHS[kind]
    first = (number - 1) * months + 1
    last = first + months - 1
    return (dt.date(year, first, 1),
        dt.date(year, last, calendar.monthrange(year, last)[1]))


def period_label(kind, year, number):
    if kind == 'year':
        return PERIOD_LABEL['year'] % year
    if kind == 'half':
        return PERIOD_LABEL['half'] % (year, '上' if number == 1 else '下')
    return PERIOD_LABEL[kind] % (year, number)


class PeriodMixin:
    __slots__ = ()
    period_kind = fields.Selection(PERIOD_KINDS, "Period", required=True)
    year = fields.Integer("Year", required=True)
    period_number = fields.Integer("Number",
        states={'invisible': Eval('period_kind') == 'year'},
        help="Month 1-12, quarter 1-4, half-year 1-2.")
    start = fields.Date("Start", readonly=True)
    end = fields.Date("End", readonly=True)
    period_name = fields.Function(fields.Char("Period"), 'get_period_name')

    @staticmethod
    def default_period_kind():
        return 'year'

    @staticmethod
    def default_period_number():
        return 1

    def get_period_name(self, name):
        if not self.year:
            return ''
        return period_label(self.period_kind, self.year,
            self.period_number or 1)

    @classmethod
    def _period_values(cls, values, record=None):
        keys = {'period_kind', 'year', 'period_number'}
        if not keys & set(values):
            return values
        kind = values.get('period_kind',
            record.period_kind if record else None)
        year = values.get('year', record.year if record else None)
        number = values.get('period_number',
            record.period_number if record else None)
        if kind == 'year':
            number = 1
        dates = period_dates(kind, year, number)
        if not dates:
            raise ReportedValueError(gettext(
                    'court_scoring.msg_period_invalid',
                    kind=dict(cls.fields_get(['period_kind'])[
                            'period_kind']['selection']).get(kind, kind),
                    year=year, number=number))
        values = values.copy()
        values['period_number'] = number
        values['start'], values['end'] = dates
        return values

    @classmethod
    def create(cls, vlist):
        vlist = [cls._period_values(v) for v in vlist]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        new_args = []
        keys = {'period_kind', 'year', 'period_number'}
        for records, values in zip(actions, actions):
            if not records:
                continue
            if keys & set(values):
                for record in records:
                    new_args.extend(
                        ([record], cls._period_values(values, record)))
            else:
                new_args.extend((records, values))
        if new_args:
            super().write(*new_args)


class ReportedValue(CourtMixin, PeriodMixin, ModelSQL, ModelView):
    "Reported Indicator Value"
    __name__ = 'court.scoring.value'
    _history = True
    _readonly = {'readonly': Eval('id', -1) >= 0}
    code = fields.Many2One('court.scoring.code', "Indicator", required=True,
        ondelete='RESTRICT', domain=[('source', 'in', ['reported', 'mixed'])],
        states=_readonly)
    unit = fields.Function(fields.Selection('get_units', "Unit"),
        'on_change_with_unit')
    value = fields.Numeric("Value", digits=(16, 4), required=True,
        states=_readonly, help="In percent for a rate (92.5 = 92.5%).")
    document = fields.Binary("Document", filename='document_name',
        file_id='document_id', states=_readonly)
    document_name = fields.Char("Document Name", states=_readonly)
    document_id = fields.Char("Document ID", readonly=True)
    note = fields.Text("Note")
    entered_by = fields.Many2One('res.user', "Entered By", readonly=True)
    entered_at = fields.DateTime("Entered At", readonly=True)
    origin = fields.Selection([
            ('entry', "Entered"),
            ('import', "Imported"),
            ], "Origin", readonly=True)
    corrections = fields.One2Many('court.scoring.value.correction', 'value',
        "Corrections", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ('period_kind', 'year', 'period_number'):
            field = getattr(cls, name)
            field.states = dict(field.states or {})
            field.states['readonly'] = Eval('id', -1) >= 0
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_unique', Unique(t, t.company, t.code, t.period_kind,
                    t.year, t.period_number),
                'court_scoring.msg_value_unique'),
            ]
        cls._order = [('year', 'DESC'), ('start', 'DESC'), ('code', 'ASC'),
            ('id', 'ASC')]
        cls._buttons.update({
                'correct': {
                    'invisible': Eval('id', -1) < 0,
                    'depends': ['id'],
                    },
                })

    @classmethod
    def get_units(cls):
        return Pool().get('court.scoring.code').fields_get(
            ['unit'])['unit']['selection']

    @fields.depends('code')
    def on_change_with_unit(self, name=None):
        return self.code.unit if self.code else None

    @staticmethod
    def default_origin():
        return 'entry'

    @staticmethod
    def default_year():
        "Last year: the year just over, which the annual evaluation needs"
        return Pool().get('ir.date').today().year - 1

    def get_rec_name(self, name):
        return '%s %s %s' % (self.company.rec_name, self.period_name,
            self.code.code)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['entered_by'] = Transaction().user
            values['entered_at'] = dt.datetime.now()
        return values

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        if field_names & {'value', 'code'}:
            for value in values:
                value.check_value()

    def check_value(self):
        unit = self.code.unit
        if unit == 'ratio' and not (0 <= self.value <= 100):
            raise ReportedValueError(gettext(
                    'court_scoring.msg_value_ratio_range',
                    code=self.code.rec_name, value=self.value))
        if unit == 'flag' and self.value not in {0, 1}:
            raise ReportedValueError(gettext(
                    'court_scoring.msg_value_flag',
                    code=self.code.rec_name, value=self.value))
        if unit in {'count', 'days'} and self.value < 0:
            raise ReportedValueError(gettext(
                    'court_scoring.msg_value_negative',
                    code=self.code.rec_name, value=self.value))

    @classmethod
    def validate(cls, values):
        super().validate(values)
        Date = Pool().get('ir.date')
        today = Date.today()
        for value in values:
            if value.start > today:
                raise ReportedValueError(gettext(
                        'court_scoring.msg_value_future_period',
                        period=value.period_name))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        context = Transaction().context
        if mode == 'write' and not context.get('_scoring_correction'):
            locked = {'value', 'document', 'code', 'company', 'period_kind',
                'year', 'period_number'}
            if locked & set(values or {}):
                raise ReportedValueError(gettext(
                        'court_scoring.msg_value_correct_with_reason',
                        value=records[0].rec_name))
        if mode == 'delete' and Transaction().user != 0:
            raise ReportedValueError(gettext(
                    'court_scoring.msg_value_no_delete',
                    value=records[0].rec_name))

    @classmethod
    @ModelView.button_action('court_scoring.wizard_value_correct')
    def correct(cls, values):
        pass

    @classmethod
    def find(cls, courts, start, end):
        """{(court id, code): value record} of the reported values whose
        period is exactly [start, end]"""
        records = cls.search([
                ('company', 'in', [int(c) for c in courts]),
                ('start', '=', start),
                ('end', '=', end),
                ])
        return {(r.company.id, r.code.code): r for r in records}

    @classmethod
    def sum_within(cls, courts, start, end, codes):
        """{(court id, code): (sum, [record])} of the monthly values within
        [start, end] (count units only)"""
        records = cls.search([
                ('company', 'in', [int(c) for c in courts]),
                ('code.code', 'in', list(codes)),
                ('period_kind', '=', 'month'),
                ('start', '>=', start),
                ('end', '<=', end),
                ])
        result = {}
        for r in records:
            total, recs = result.get((r.company.id, r.code.code),
                (Decimal(0), []))
            result[(r.company.id, r.code.code)] = (total + r.value,
                recs + [r])
        return result


class Correction(ModelSQL, ModelView):
    "Correction of a Reported Value"
    __name__ = 'court.scoring.value.correction'
    value = fields.Many2One('court.scoring.value', "Reported Value",
        required=True, ondelete='CASCADE', readonly=True)
    old_value = fields.Numeric("Old Value", digits=(16, 4), readonly=True)
    new_value = fields.Numeric("New Value", digits=(16, 4), readonly=True)
    old_document_name = fields.Char("Old Document", readonly=True)
    reason = fields.Text("Reason", required=True, readonly=True)
    corrected_by = fields.Many2One('res.user', "Corrected By",
        readonly=True)
    corrected_at = fields.DateTime("Corrected At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('value')
        cls._order = [('corrected_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'} and Transaction().user != 0:
            raise ReportedValueError(gettext(
                    'court_scoring.msg_correction_frozen'))


class CorrectStart(ModelView):
    "Correct Reported Value"
    __name__ = 'court.scoring.value.correct.start'
    old_value = fields.Numeric("Current Value", digits=(16, 4),
        readonly=True)
    new_value = fields.Numeric("New Value", digits=(16, 4), required=True)
    reason = fields.Text("Reason", required=True)
    document = fields.Binary("New Document", filename='document_name')
    document_name = fields.Char("Document Name")


class Correct(Wizard):
    "Correct Reported Value"
    __name__ = 'court.scoring.value.correct'
    start = StateView('court.scoring.value.correct.start',
        'court_scoring.value_correct_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Correct", 'correct', 'tryton-ok', default=True),
            ])
    correct = StateTransition()

    def default_start(self, fields):
        return {'old_value': self.record.value}

    def transition_correct(self):
        Value = Pool().get('court.scoring.value')
        record = self.record
        Value.correct_value(record, self.start.new_value,
            self.start.reason, self.start.document,
            self.start.document_name)
        return 'end'


def correct_value(cls, record, new_value, reason, document=None,
        document_name=None):
    "Correct record to new_value for reason, keeping the correction"
    Correction = Pool().get('court.scoring.value.correction')
    if not (reason or '').strip():
        raise ReportedValueError(gettext(
                'court_scoring.msg_correction_reason_required',
                value=record.rec_name))
    # the record rules of the user apply: only a visible value is corrected
    visible = cls.search([('id', '=', record.id)])
    if not visible:
        raise ReportedValueError(gettext(
                'court_scoring.msg_value_not_visible'))
    values = {'value': new_value}
    if document:
        values['document'] = document
        values['document_name'] = document_name
    with Transaction().set_context(_scoring_correction=True):
        Correction.create([{
                    'value': record.id,
                    'old_value': record.value,
                    'new_value': new_value,
                    'old_document_name': record.document_name,
                    'reason': reason.strip(),
                    'corrected_by': Transaction().user,
                    'corrected_at': dt.datetime.now(),
                    }])
        cls.write([record], values)


ReportedValue.correct_value = classmethod(correct_value)
