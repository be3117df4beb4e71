# This file is part of the court platform.  See LICENSE.
"""The mediation figures screen: every B figure of a court and period, in
total or cut by subordinate court, station, dispute type or mediator, each
against its target, and the records behind any line one click away.

The figures come from ``court.indicator`` (the same interface
``court_scoring`` reads); this screen only lays them out.  The courts a
user may ask for are the user's courts and those below them.
"""
import json
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import FiguresError

# code -> (comparison, bound) from kpi-catalog.md section B; a ratio bound
# is a share (0.30 for 30%).  B2_under and B5N have no target of their own.
TARGETS = {
    'B1': ('>=', Decimal('0.30')),
    'B2': ('>=', Decimal('1')),
    'B3': ('>=', Decimal('10')),
    'B4': ('>=', Decimal('5')),
    'B6': ('>=', Decimal('0.50')),
    'B7': ('>=', Decimal('0.60')),
    'B8': ('<=', Decimal('0.40')),
    'B9': ('<=', Decimal('30')),
    'B10': ('>=', Decimal('1')),
    'B11': ('>=', Decimal('0.80')),
    'B12': ('>=', Decimal('0.30')),
    'B18': ('>=', Decimal('1')),
    }
# the figures of this module, in the order of the catalog; their names are
# the messages msg_figure_<code> (translated)
CODES = ['B1', 'B2', 'B2_under', 'B3', 'B4', 'B5N', 'B6', 'B7', 'B8', 'B9',
    'B10', 'B11', 'B12', 'B16M', 'B18']
# figures of the roster: they cannot be cut by station or dispute type
ROSTER_CODES = {'B1', 'B2', 'B2_under', 'B3', 'B4'}
GROUPINGS = [
    ('total', "Total"),
    ('court', "Court"),
    ('station', "Station"),
    ('dispute_type', "Dispute Type"),
    ('mediator', "Mediator"),
    ]
STATUSES = [
    ('met', "Met"),
    ('not_met', "Not Met"),
    ('no_data', "No Data"),
    ('no_target', "No Target"),
    ]
# who may open the screen (besides the platform administrator)
GROUPS = ['group_filing_officer', 'group_court_leader', 'group_roster_admin',
    'group_scoring_admin', 'group_court_admin', 'group_superior_supervisor']


def status(code, value):
    "Return the status of value against the target of code"
    if code not in TARGETS:
        return 'no_target'
    if value is None:
        return 'no_data'
    comparison, bound = TARGETS[code]
    value = Decimal(value)
    met = value >= bound if comparison == '>=' else value <= bound
    return 'met' if met else 'not_met'


def figure_name(code):
    return gettext('court_mediation.msg_figure_%s' % code)


def format_value(value, unit):
    if value is None:
        return '—'
    value = Decimal(value)
    if unit == 'ratio':
        return '%s%%' % (value * 100).quantize(Decimal('0.1'))
    if unit in ('days', 'per_month'):
        return str(value.quantize(Decimal('0.1')))
    return str(value.quantize(Decimal('1')))


def format_target(code):
    if code not in TARGETS:
        return ''
    comparison, bound = TARGETS[code]
    comparison = {'>=': '≥', '<=': '≤'}[comparison]
    if code in {'B3', 'B4'}:
        return '%s %s' % (comparison, bound)
    if code == 'B2':
        return '%s 5/月' % comparison
    if code == 'B9':
        return '%s %s 天' % (comparison, bound)
    return '%s %s%%' % (comparison, (bound * 100).quantize(Decimal('1')))


class FiguresStart(ModelView):
    "Mediation Figures"
    __name__ = 'court.mediation.figures.start'
    court = fields.Many2One(
        'company.company', "Court", required=True,
        domain=[('id', 'in', Eval('allowed_courts', []))],
        help="The figures take in the courts below it.")
    allowed_courts = fields.Many2Many(
        'company.company', None, None, "Allowed Courts", readonly=True)
    start_date = fields.Date("Start Date", required=True,
        domain=[('start_date', '<=', Eval('end_date', None))])
    end_date = fields.Date("End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date', None))])
    grouping = fields.Selection(GROUPINGS, "Cut By", required=True)
    codes = fields.MultiSelection('get_codes', "Figures",
        help="Leave empty for every figure.")

    @classmethod
    def get_codes(cls):
        return [(c, '%s %s' % (c, figure_name(c))) for c in CODES]

    @staticmethod
    def default_grouping():
        return 'total'

    @staticmethod
    def default_allowed_courts():
        return Pool().get('company.company').user_courts()

    @staticmethod
    def default_court():
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company and company in Company.user_courts():
            return company

    @staticmethod
    def default_start_date():
        Date = Pool().get('ir.date')
        return Date.today().replace(month=1, day=1)

    @staticmethod
    def default_end_date():
        return Pool().get('ir.date').today()


class FiguresResult(ModelView):
    "Mediation Figures"
    __name__ = 'court.mediation.figures.result'
    title = fields.Char("Title", readonly=True)
    lines = fields.One2Many(
        'court.mediation.figures.line', None, "Figures", readonly=True)
    detail = fields.Selection('get_details', "Records Of",
        help="Open the records behind this line.")
    details = fields.Text("Details", readonly=True)

    @fields.depends('details')
    def get_details(self):
        if not self.details:
            return [(None, '')]
        return [(None, '')] + [(str(i), label) for i, (label, _, _) in
            enumerate(json.loads(self.details))]


class FiguresLine(ModelView):
    "Mediation Figure"
    __name__ = 'court.mediation.figures.line'
    group = fields.Char("Group", readonly=True)
    code = fields.Char("Code", readonly=True)
    name = fields.Char("Figure", readonly=True)
    value = fields.Char("Value", readonly=True)
    numerator = fields.Integer("Numerator", readonly=True)
    denominator = fields.Integer("Denominator", readonly=True)
    target = fields.Char("Target", readonly=True)
    status = fields.Selection(STATUSES, "Status", readonly=True)
    records = fields.Integer("Records", readonly=True)


class Figures(Wizard):
    "Mediation Figures"
    __name__ = 'court.mediation.figures'
    start = StateView('court.mediation.figures.start',
        'court_mediation.figures_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Compute", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('court.mediation.figures.result',
        'court_mediation.figures_result_view_form', [
            Button("Change", 'start', 'tryton-back'),
            Button("Open Records", 'open_', 'tryton-list'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    open_ = StateAction('court_mediation.act_case_figure_records')

    def _check(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            groups = {ModelData.get_id('court_base', g) for g in GROUPS}
            if not groups & set(User.get_groups()):
                raise FiguresError(gettext(
                        'court_mediation.msg_figures_group'))
        if self.start.court.id not in Company.user_courts():
            raise FiguresError(gettext(
                    'court_mediation.msg_figures_court',
                    court=self.start.court.rec_name))

    def _groups(self):
        "Yield (label, filters, courts) for each group of the cut"
        pool = Pool()
        Company = pool.get('company.company')
        court = self.start.court
        courts = [court.id]
        grouping = self.start.grouping
        if grouping == 'total':
            yield court.rec_name, {}, courts
        elif grouping == 'court':
            yield court.rec_name, {}, courts
            for sub in Company.search([('superior', '=', court.id)],
                    order=[('court_code', 'ASC'), ('id', 'ASC')]):
                yield sub.rec_name, {}, [sub.id]
        elif grouping == 'station':
            Station = pool.get('court.station')
            for station in Station.search([
                        ('company', 'in',
                            Company.court_and_subordinates(courts)),
                        ], order=[('name', 'ASC'), ('id', 'ASC')]):
                yield station.rec_name, {'station': station.id}, courts
        elif grouping == 'dispute_type':
            DisputeType = pool.get('court.dispute.type')
            for type_ in DisputeType.search([('parent', '=', None)],
                    order=[('code', 'ASC'), ('id', 'ASC')]):
                yield type_.rec_name, {'dispute_type': type_.id}, courts
        elif grouping == 'mediator':
            Mediator = pool.get('court.mediator')
            for mediator in Mediator.search([
                        ('state', 'in', ['active', 'suspended']),
                        ], order=[('id', 'ASC')]):
                yield mediator.rec_name, {'mediator': mediator.id}, courts

    def default_result(self, fields):
        pool = Pool()
        Indicator = pool.get('court.indicator')
        self._check()
        codes = [c for c in CODES
            if not self.start.codes or c in self.start.codes]
        lines, details = [], []
        for label, filters, courts in self._groups():
            for code in codes:
                if filters and code in ROSTER_CODES and (
                        'mediator' not in filters or code == 'B4'):
                    continue
                result = Indicator.compute(code, courts,
                    self.start.start_date, self.start.end_date, **filters)
                lines.append({
                        'group': label,
                        'code': code,
                        'name': figure_name(code),
                        'value': format_value(result.value, result.unit),
                        'numerator': _int(result.numerator),
                        'denominator': _int(result.denominator),
                        'target': format_target(code),
                        'status': status(code, result.value),
                        'records': len(result.record_ids),
                        })
                if result.model == 'court.mediation.case' and (
                        result.record_ids):
                    details.append(('%s · %s' % (label, code),
                            result.model, result.record_ids))
        title = '%s %s — %s' % (self.start.court.rec_name,
            self.start.start_date.isoformat(),
            self.start.end_date.isoformat())
        return {
            'title': title,
            'lines': lines,
            'details': json.dumps(details),
            }

    def do_open_(self, action):
        details = json.loads(self.result.details or '[]')
        if self.result.detail is None or not details:
            raise FiguresError(gettext('court_mediation.msg_figures_detail'))
        label, _, ids = details[int(self.result.detail)]
        action['name'] += ' — %s' % label
        action['pyson_domain'] = json.dumps([('id', 'in', ids)])
        return action, {}

    def transition_open_(self):
        return 'result'


def _int(value):
    if isinstance(value, (int, float, Decimal)):
        return int(value)
    return None
