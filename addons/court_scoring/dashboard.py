# This file is part of the court platform.  See LICENSE.
"""The leaders' dashboard (考核看板): for one court, every target of the
schemes in force with where the court stands now (the period so far, up to
a day), what is missing to reach it and the items at risk; each line opens
onto the records behind it; the whole exported to Excel.

Nothing is stored: the values are read as an evaluation reads them
(``ValueSource``: computed through ``court.indicator``, reported from
``court.scoring.value``), and the rules are those of the evaluation
(``rules.evaluate`` for the points, ``rules.standing`` for the gap)."""
import json
from collections import Counter
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateTransition, StateView, \
    Wizard

from . import rules
from .evaluation import ValueSource
from .exceptions import ScoringAccessError
from .value import PERIOD_KINDS, period_dates, period_label

STANDINGS = [
    ('not_met', "Not Met"),
    ('at_risk', "At Risk"),
    ('no_data', "No Data"),
    ('met', "Met"),
    ('info', "Recorded"),
    ]
STANDING_LABELS = {'not_met': '未达标', 'at_risk': '临界', 'no_data': '无数据',
    'met': '已达标', 'info': '记录'}
SOURCE_LABELS = {'computed': '平台计算', 'reported': '填报', 'missing': '缺失'}
SCORING_GROUPS = ('group_court_leader', 'group_scoring_admin',
    'group_superior_supervisor', 'group_court_admin')


class DashboardStart(ModelView):
    "Scoring Dashboard"
    __name__ = 'court.scoring.dashboard.start'
    court = fields.Many2One('company.company', "Court", required=True,
        domain=[('id', 'in', Eval('allowed_courts', []))])
    allowed_courts = fields.Many2Many('company.company', None, None,
        "Allowed Courts", readonly=True)
    schemes = fields.Many2Many('court.scoring.scheme', None, None,
        "Schemes", required=True, domain=[('state', '=', 'active')],
        help="The schemes in force whose targets are shown.")
    period_kind = fields.Selection(PERIOD_KINDS, "Period", required=True)
    year = fields.Integer("Year", required=True)
    period_number = fields.Integer("Number",
        states={'invisible': Eval('period_kind') == 'year'})
    as_of = fields.Date("As Of", required=True,
        help="Computed figures are read up to this day.")
    margin = fields.Numeric("Risk Margin", digits=(16, 2), required=True,
        domain=[('margin', '>=', 0), ('margin', '<=', 100)],
        help="A target met by no more than this is at risk: percentage "
        "points for a rate, per cent of the target for a count.")

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
    def default_schemes():
        Scheme = Pool().get('court.scoring.scheme')
        schemes = Scheme.search([('state', '=', 'active')],
            order=[('year', 'DESC'), ('id', 'ASC')])
        if not schemes:
            return []
        latest = schemes[0].year
        return [s.id for s in schemes if s.year == latest]

    @staticmethod
    def default_period_kind():
        return 'year'

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year

    @staticmethod
    def default_period_number():
        return 1

    @staticmethod
    def default_as_of():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_margin():
        return Decimal(5)


class DashboardResult(ModelView):
    "Scoring Dashboard"
    __name__ = 'court.scoring.dashboard.result'
    title = fields.Char("Title", readonly=True)
    summary = fields.Text("Summary", readonly=True)
    at_risk = fields.Text("Items at Risk", readonly=True)
    lines = fields.One2Many('court.scoring.dashboard.line', None,
        "Targets", readonly=True)
    detail = fields.Selection('get_details', "Records Of",
        help="Open the records behind this figure.")
    details = fields.Text("Details", readonly=True)
    # the figures computed and the parameters they were computed for, kept
    # in the session; not in the view, so the client never sends them back
    computed = fields.Text("Computed", readonly=True)

    @fields.depends('details')
    def get_details(self):
        if not self.details:
            return [(None, '')]
        return [(None, '')] + [(str(i), label) for i, (label, _, _) in
            enumerate(json.loads(self.details))]


class DashboardLine(ModelView):
    "Scoring Dashboard Target"
    __name__ = 'court.scoring.dashboard.line'
    scheme = fields.Char("Scheme", readonly=True)
    item = fields.Char("Item", readonly=True)
    indicator = fields.Char("Indicator", readonly=True)
    target = fields.Char("Target", readonly=True)
    value = fields.Char("Value", readonly=True)
    source = fields.Char("Source", readonly=True)
    standing = fields.Selection(STANDINGS, "Standing", readonly=True)
    gap = fields.Char("What Is Missing", readonly=True)
    points = fields.Char("Points So Far", readonly=True)
    records = fields.Integer("Records", readonly=True)


class Dashboard(Wizard):
    "Scoring Dashboard"
    __name__ = 'court.scoring.dashboard'
    # opened from the menu or at login: the user's court, the schemes in
    # force, this year up to today, straight to the figures
    start = StateTransition()
    params = StateView('court.scoring.dashboard.start',
        'court_scoring.dashboard_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Show", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('court.scoring.dashboard.result',
        'court_scoring.dashboard_result_view_form', [
            Button("Change", 'params', 'tryton-back'),
            Button("Open Records", 'open_', 'tryton-list'),
            Button("Export to Excel", 'export', 'tryton-save'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    open_ = StateAction('court_scoring.act_records')
    export = StateTransition()
    file = StateView('court.scoring.export.result',
        'court_scoring.export_result_view_form', [
            Button("Back", 'result', 'tryton-back', default=True),
            ])

    def transition_start(self):
        Start = Pool().get('court.scoring.dashboard.start')
        defaults = Start.default_get(list(Start._fields), with_rec_name=False)
        for name, value in defaults.items():
            setattr(self.params, name, value)
        if not defaults.get('court') or not defaults.get('schemes'):
            return 'params'
        return 'result'

    def default_params(self, fields):
        "What the user chose last (or the defaults)"
        values = {}
        for name in fields:
            value = getattr(self.params, name, None)
            if isinstance(value, (list, tuple)):
                value = [getattr(v, 'id', v) for v in value]
            elif hasattr(value, 'id'):
                value = value.id
            if value is not None:
                values[name] = value
        return values

    def _check(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            groups = {ModelData.get_id('court_base', g)
                for g in SCORING_GROUPS}
            if not groups & set(User.get_groups()):
                raise ScoringAccessError(gettext(
                        'court_scoring.msg_dashboard_group'))
        if self.params.court.id not in Company.user_courts():
            raise ScoringAccessError(gettext(
                    'court_scoring.msg_dashboard_court',
                    court=self.params.court.rec_name))

    def _period(self):
        start = self.params
        number = 1 if start.period_kind == 'year' else (
            start.period_number or 0)
        if not period_dates(start.period_kind, start.year, number):
            raise ScoringAccessError(gettext(
                    'court_scoring.msg_period_invalid',
                    kind=start.period_kind, year=start.year, number=number))
        return start.period_kind, start.year, number

    def compute_lines(self):
        "(lines, details, summary, at_risk) of the dashboard"
        self._check()
        kind, year, number = self._period()
        court = self.params.court
        margin = self.params.margin
        lines, details, summary, at_risk = [], [], [], []
        for scheme in sorted(self.params.schemes, key=lambda s: s.id):
            values = ValueSource(scheme, kind, year, number, [court.id],
                as_of=self.params.as_of)
            standings = Counter()
            total = attainable = Decimal(0)
            for section, item, spec in scheme.item_specs():
                item_values, found_values = {}, []
                for indicator in item.indicators:
                    found = values.get(court.id, indicator)
                    item_values[indicator.key] = found.value
                    found_values.append(found)
                outcome = rules.evaluate(spec, item_values)
                if section.kind == 'base':
                    total += outcome.points
                    attainable += item.points or 0
                    points = '%s / %s' % (rules.fmt(outcome.points),
                        rules.fmt(item.points))
                else:
                    total += outcome.points
                    points = rules.fmt(outcome.points)
                worst = None
                for indicator, found in zip(item.indicators, found_values):
                    ispec = indicator.spec()
                    standing, gap = rules.standing(ispec, found.value,
                        found.numerator, found.denominator, margin)
                    if found.value is None and found.note:
                        gap = found.note
                    standings[standing] += 1
                    if standing in {'not_met', 'at_risk'} and (
                            worst != 'not_met'):
                        worst = standing
                    suffix = '%' if ispec.unit == 'ratio' else ''
                    label = '%s %s' % (item.code, ispec.name)
                    lines.append({
                            'scheme': scheme.name,
                            'item': '%s %s' % (item.code, item.name),
                            'indicator': ispec.name,
                            'target': ispec.describe()
                            if ispec.threshold is not None else '',
                            'value': (rules.fmt(found.value) + suffix)
                            if found.value is not None else '无数据',
                            'source': SOURCE_LABELS[found.source],
                            'standing': standing,
                            'gap': gap,
                            'points': points,
                            'records': len(found.record_ids),
                            })
                    if found.model and found.record_ids:
                        details.append((label, found.model,
                                found.record_ids[:10000]))
                if worst:
                    at_risk.append('〔%s〕%s %s：%s' % (
                            STANDING_LABELS[worst], item.code, item.name,
                            outcome.reason))
            summary.append(gettext('court_scoring.msg_dashboard_summary',
                    scheme=scheme.name, total=rules.fmt(total),
                    attainable=rules.fmt(attainable),
                    met=standings['met'], at_risk=standings['at_risk'],
                    not_met=standings['not_met'],
                    no_data=standings['no_data']))
        return lines, details, '\n'.join(summary), '\n'.join(at_risk)

    def _title(self):
        kind, year, number = self._period()
        return '%s %s（截至 %s）' % (self.params.court.rec_name,
            period_label(kind, year, number), self.params.as_of.isoformat())

    def _signature(self):
        params = self.params
        return json.dumps([params.court.id,
                sorted(s.id for s in params.schemes), params.period_kind,
                params.year, params.period_number,
                params.as_of.isoformat() if params.as_of else None,
                str(params.margin)])

    def _computed(self):
        """The result, computed once for a choice of parameters: opening
        records or exporting come back to the figures already computed,
        kept in the wizard's session."""
        signature = self._signature()
        computed = json.loads(getattr(self.result, 'computed', None) or '{}')
        if computed.get('signature') != signature:
            lines, details, summary, at_risk = self.compute_lines()
            computed = {
                'signature': signature,
                'title': self._title(),
                'summary': summary,
                'at_risk': at_risk or gettext(
                    'court_scoring.msg_dashboard_no_risk'),
                'lines': lines,
                'details': details,
                }
            self.result.computed = json.dumps(computed)
        return computed

    def default_result(self, fields):
        computed = self._computed()
        return {
            'title': computed['title'],
            'summary': computed['summary'],
            'at_risk': computed['at_risk'],
            'lines': computed['lines'],
            'details': json.dumps(computed['details']),
            }

    def do_open_(self, action):
        details = self._computed()['details']
        try:
            index = int(self.result.detail)
            if index < 0:
                raise IndexError(index)
            label, model, ids = details[index]
        except (TypeError, ValueError, IndexError):
            raise ScoringAccessError(gettext(
                    'court_scoring.msg_dashboard_detail'))
        encoder = PYSONEncoder()
        action['res_model'] = model
        action['name'] = label
        action['pyson_domain'] = encoder.encode([('id', 'in', ids)])
        # the action's order is that of its own model (court.scoring.value)
        # unless told: the records' model may not have those fields
        action['pyson_order'] = encoder.encode(Pool().get(model)._order)
        return action, {}

    def transition_open_(self):
        return 'result'

    def transition_export(self):
        from .excel import dashboard_xlsx
        computed = self._computed()
        self.file.file = dashboard_xlsx(computed['title'],
            computed['summary'], computed['at_risk'], computed['lines'],
            STANDING_LABELS)
        self.file.filename = '%s考核看板.xlsx' % self.params.court.rec_name
        return 'file'

    def default_file(self, fields):
        return {
            'file': self.file.file,
            'filename': self.file.filename,
            }
