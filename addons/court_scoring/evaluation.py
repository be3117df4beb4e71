# This file is part of the court platform.  See LICENSE.
"""Evaluations: a court, a period and a scheme; for each item the values,
the points and the reason; section totals, bonus, penalty,
disqualification, total and the rank among peer courts."""
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from sql import Column

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.court_base.job import threshold
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import rules
from .exceptions import EvaluationError, ScoringAccessError
from .value import PeriodMixin, period_dates

ZERO = Decimal(0)
# the wizard evaluates more courts than this ([court] evaluate_job_courts)
# in a background job (court.job), JOB_CHUNK courts per committed step
JOB_COURTS = 5
JOB_CHUNK = 5
HUNDRED = Decimal(100)
STATUS = [
    ('full', "Full Points"),
    ('partial', "Partial Points"),
    ('zero', "No Points"),
    ('no_data', "No Data"),
    ('bonus', "Bonus"),
    ('penalty', "Penalty"),
    ('disqualified', "Disqualified"),
    ('none', "Nothing Recorded"),
    ]
SOURCES = [
    ('computed', "Computed"),
    ('reported', "Reported"),
    ('missing', "Missing"),
    ]


class Evaluation(CourtMixin, PeriodMixin, Workflow, ModelSQL, ModelView):
    "Court Evaluation"
    __name__ = 'court.scoring.evaluation'
    _states = {'readonly': Eval('state') != 'draft'}
    scheme = fields.Many2One('court.scoring.scheme', "Scheme", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('state', '=', 'active')])
    state = fields.Selection([
            ('draft', "Draft"),
            ('computed', "Computed"),
            ('confirmed', "Confirmed"),
            ('published', "Published"),
            ], "State", readonly=True, required=True)
    computed_at = fields.DateTime("Computed At", readonly=True)
    computed_by = fields.Many2One('res.user', "Computed By", readonly=True)
    confirmed_by = fields.Many2One('res.user', "Confirmed By",
        readonly=True)
    published_by = fields.Many2One('res.user', "Published By",
        readonly=True)
    base_points = fields.Numeric("Scored Points", digits=(16, 2),
        readonly=True)
    attainable = fields.Numeric("Points Attainable", digits=(16, 2),
        readonly=True)
    bonus = fields.Numeric("Bonus", digits=(16, 2), readonly=True)
    penalty = fields.Numeric("Penalty", digits=(16, 2), readonly=True)
    total = fields.Numeric("Total", digits=(16, 2), readonly=True)
    score_rate = fields.Numeric("Score Rate", digits=(16, 4),
        readonly=True, help="Total ÷ points attainable.")
    disqualified = fields.Boolean("Disqualified", readonly=True)
    disqualification = fields.Text("Disqualification", readonly=True)
    items_no_data = fields.Integer("Items Without Data", readonly=True)
    values_computed = fields.Integer("Values Computed", readonly=True)
    values_reported = fields.Integer("Values Reported", readonly=True)
    values_missing = fields.Integer("Values Missing", readonly=True)
    data_note = fields.Text("Data", readonly=True)
    rank = fields.Integer("Rank", readonly=True)
    peer_count = fields.Integer("Peers", readonly=True)
    lines = fields.One2Many('court.scoring.evaluation.line', 'evaluation',
        "Items", readonly=True)
    sections = fields.One2Many('court.scoring.evaluation.section',
        'evaluation', "Sections", readonly=True)
    superior = fields.Function(fields.Many2One('company.company',
            "Superior Court"), 'get_superior', searcher='search_superior')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ('period_kind', 'year', 'period_number'):
            field = getattr(cls, name)
            field.states = dict(field.states or {})
            field.states['readonly'] = Eval('state') != 'draft'
        t = cls.__table__()
        cls._sql_constraints += [
            ('evaluation_unique', Unique(t, t.company, t.scheme,
                    t.period_kind, t.year, t.period_number),
                'court_scoring.msg_evaluation_unique'),
            ]
        cls._order = [('year', 'DESC'), ('start', 'DESC'), ('rank', 'ASC'),
            ('company', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('confirmed', 'computed'),
            ('computed', 'confirmed'),
            ('confirmed', 'published'),
            ('computed', 'draft'),
            ('confirmed', 'draft'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') == 'published',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['computed', 'confirmed']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return '%s %s %s' % (self.company.rec_name, self.period_name,
            self.scheme.rec_name)

    def get_superior(self, name):
        return self.company.superior.id if self.company.superior else None

    @classmethod
    def search_superior(cls, name, clause):
        return [('company.superior',) + tuple(clause[1:])]

    @classmethod
    def check_modification(cls, mode, evaluations, values=None,
            external=False):
        super().check_modification(
            mode, evaluations, values=values, external=external)
        if Transaction().user == 0 and not external:
            return
        if mode in {'write', 'delete'}:
            for evaluation in evaluations:
                if evaluation.state == 'published':
                    raise EvaluationError(gettext(
                            'court_scoring.msg_evaluation_published',
                            evaluation=evaluation.rec_name))
        if mode == 'delete':
            for evaluation in evaluations:
                if evaluation.state != 'draft':
                    raise EvaluationError(gettext(
                            'court_scoring.msg_evaluation_delete',
                            evaluation=evaluation.rec_name))

    @classmethod
    @ModelView.button
    def compute(cls, evaluations):
        "(Re)compute: refused on a published evaluation"
        for evaluation in evaluations:
            if evaluation.state == 'published':
                raise EvaluationError(gettext(
                        'court_scoring.msg_evaluation_published',
                        evaluation=evaluation.rec_name))
        cls.compute_scores(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, evaluations):
        cls.write(evaluations, {'confirmed_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, evaluations):
        company = Transaction().context.get('company')
        for evaluation in evaluations:
            # a superior court publishes for its subordinates, not for itself
            if Transaction().user and evaluation.company.id == company:
                raise ScoringAccessError(gettext(
                        'court_scoring.msg_evaluation_publish_own',
                        evaluation=evaluation.rec_name))
        cls.write(evaluations, {'published_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, evaluations):
        pass

    # ------------------------------------------------------------------
    # computation

    @classmethod
    def compute_scores(cls, evaluations):
        "Compute and store the lines of evaluations, then rank the peers"
        pool = Pool()
        groups = defaultdict(list)
        for scheme in {e.scheme for e in evaluations}:
            scheme.check_totals()
        for evaluation in evaluations:
            groups[(evaluation.scheme, evaluation.period_kind,
                    evaluation.year, evaluation.period_number)].append(
                evaluation)
        now = dt.datetime.now()
        user = Transaction().user
        line_values, section_values, to_write = [], [], []
        for (scheme, kind, year, number), group in groups.items():
            values = ValueSource(scheme, kind, year, number,
                [e.company.id for e in group])
            specs = _plain_specs(scheme.item_specs())
            for evaluation in group:
                result = evaluation._score(specs, values)
                line_values.extend(result.pop('lines'))
                section_values.extend(result.pop('sections'))
                result.update({
                        'state': 'computed',
                        'computed_at': now,
                        'computed_by': user,
                        })
                to_write.extend(([evaluation], result))
        cls._replace_lines([e.id for e in evaluations], line_values,
            section_values)
        if to_write:
            with without_check_access():
                cls.write(*to_write)
        cls.rank_peers(evaluations)
        pool.get('court.scoring.shortfall').sync(evaluations,
            lines=line_values)

    @classmethod
    def _replace_lines(cls, evaluation_ids, line_values, section_values):
        """Replace the item lines (each with its '_values'), their values
        and the sections of evaluation_ids by those given, in bulk SQL.

        They are the output of the computation, never user input: the
        ORM's per-record create (defaults, validation of each field) and
        delete (cascade record by record) were half the time of a
        province's evaluation (bench_scoring).  Each table's rows are
        inserted by one statement, parsed once and executed for every row
        (_insert_rows); a line's id is found again by (evaluation,
        sequence), unique among the lines just written.  The records' caches of the
        three models are cleared as the ORM does it."""
        pool = Pool()
        Line = pool.get('court.scoring.evaluation.line')
        Section = pool.get('court.scoring.evaluation.section')
        Value = pool.get('court.scoring.evaluation.value')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        line, section, value = (Line.__table__(), Section.__table__(),
            Value.__table__())
        for sub_ids in grouped_slice(evaluation_ids):
            sub_ids = list(sub_ids)
            cursor.execute(*value.delete(where=value.line.in_(
                        line.select(line.id,
                            where=reduce_ids(line.evaluation, sub_ids)))))
            cursor.execute(*line.delete(
                    where=reduce_ids(line.evaluation, sub_ids)))
            cursor.execute(*section.delete(
                    where=reduce_ids(section.evaluation, sub_ids)))

        value_lists = {(lv['evaluation'], lv['sequence']): lv['_values']
            for lv in line_values}
        _insert_rows(line, [{k: v for k, v in lv.items() if k != '_values'}
                for lv in line_values])
        _insert_rows(section, section_values)
        vlist = []
        for sub_ids in grouped_slice(evaluation_ids):
            cursor.execute(*line.select(line.id, line.evaluation,
                    line.sequence,
                    where=reduce_ids(line.evaluation, list(sub_ids))))
            for line_id, evaluation_id, sequence in cursor.fetchall():
                for v in value_lists.get((evaluation_id, sequence), []):
                    vlist.append(dict(v, line=line_id))
        _insert_rows(value, vlist)

        transaction.counter += 1
        for Model in (Line, Section, Value):
            for cache in transaction.cache.values():
                cache.pop(Model.__name__, None)
            Model._count_cache.set(Model.__name__, None)

    def _score(self, specs, values):
        court = self.company.id
        policy = self.scheme.missing_policy
        lines, sections = [], []
        section_totals = {}
        base = attainable = bonus = penalty = ZERO
        disqualified, disqualification = False, []
        counts = defaultdict(int)
        no_data = 0
        for sequence, (section, item, spec) in enumerate(specs):
            item_values = {}
            value_records = []
            for indicator in item.indicators:
                found = values.get(court, indicator)
                item_values[indicator.key] = found.value
                counts[found.source] += 1
                value_records.append(found)
            outcome = rules.evaluate(spec, item_values)
            for found, indicator in zip(value_records, item.indicators):
                found.met = outcome.met.get(indicator.key)
            max_points = item.points or ZERO
            if section.kind == 'base':
                if outcome.status == 'no_data':
                    no_data += 1
                    if policy == 'exclude':
                        max_points = ZERO
                base += outcome.points
                attainable += max_points
                key = section.id
                got, maximum = section_totals.get(key, (ZERO, ZERO))
                section_totals[key] = (got + outcome.points,
                    maximum + max_points)
            else:
                if outcome.status == 'no_data':
                    no_data += 1
                if outcome.points > 0:
                    bonus += outcome.points
                elif outcome.points < 0:
                    penalty += -outcome.points
                if outcome.disqualified:
                    disqualified = True
                    disqualification.append('%s：%s' % (
                            item.rec_name, outcome.reason))
                got, maximum = section_totals.get(section.id, (ZERO, ZERO))
                section_totals[section.id] = (got + outcome.points, ZERO)
            lines.append({
                    'evaluation': self.id,
                    'sequence': sequence,
                    'item': item.id,
                    'section_name': section.name,
                    'code': item.code,
                    'name': item.name,
                    'rule': item.rule,
                    'max_points': item.points or ZERO,
                    'points': outcome.points,
                    'status': outcome.status,
                    'reason': outcome.reason,
                    'values_text': '；'.join(f.describe(i) for f, i in zip(
                            value_records, item.indicators)),
                    '_values': [f.as_values(i) for f, i in zip(
                            value_records, item.indicators)],
                    })
        for sequence, section in enumerate(
                {s.id: s for s, _, _ in specs}.values()):
            got, maximum = section_totals.get(section.id, (ZERO, ZERO))
            sections.append({
                    'evaluation': self.id,
                    'sequence': sequence,
                    'name': section.name,
                    'kind': section.kind,
                    'max_points': maximum if section.kind == 'base' else None,
                    'points': got,
                    })
        total = base + bonus - penalty
        notes = []
        if counts['missing']:
            notes.append(gettext('court_scoring.msg_data_missing',
                    missing=counts['missing'], items=no_data))
        notes.append(gettext('court_scoring.msg_data_sources',
                computed=counts['computed'], reported=counts['reported']))
        return {
            'lines': lines,
            'sections': sections,
            'base_points': base,
            'attainable': attainable,
            'bonus': bonus,
            'penalty': penalty,
            'total': total,
            'score_rate': (total / attainable).quantize(Decimal('0.0001'))
            if attainable else None,
            'disqualified': disqualified,
            'disqualification': '\n'.join(disqualification) or None,
            'items_no_data': no_data,
            'values_computed': counts['computed'],
            'values_reported': counts['reported'],
            'values_missing': counts['missing'],
            'data_note': '\n'.join(notes),
            }

    @classmethod
    def rank_peers(cls, evaluations):
        """Rank each evaluation among the evaluations of the same scheme
        and period of the courts with the same superior and level; a
        disqualified court ranks after the others; equal totals share a
        rank.  Published evaluations keep the rank they were published
        with."""
        keys = {(e.scheme.id, e.period_kind, e.year, e.period_number,
                e.company.superior.id if e.company.superior else None,
                e.company.court_level) for e in evaluations}
        to_write = []
        with without_check_access():
            for scheme, kind, year, number, superior, level in keys:
                peers = cls.search([
                        ('scheme', '=', scheme),
                        ('period_kind', '=', kind),
                        ('year', '=', year),
                        ('period_number', '=', number),
                        ('company.superior', '=', superior),
                        ('company.court_level', '=', level),
                        ('state', '!=', 'draft'),
                        ])
                ordered = sorted(peers, key=lambda e: (
                        bool(e.disqualified), -(e.total or ZERO)))
                rank, previous = 0, None
                for position, peer in enumerate(ordered, 1):
                    key = (bool(peer.disqualified), peer.total)
                    if key != previous:
                        rank, previous = position, key
                    if peer.state == 'published':
                        continue
                    if peer.rank != rank or peer.peer_count != len(ordered):
                        to_write.extend(([peer], {
                                    'rank': rank,
                                    'peer_count': len(ordered),
                                    }))
            if to_write:
                cls.write(*to_write)

    @classmethod
    def recompute_open(cls):
        """Cron: recompute the evaluations still open (draft or computed)
        whose period has begun, scheme by scheme and period by period"""
        today = Pool().get('ir.date').today()
        evaluations = cls.search([
                ('state', 'in', ['draft', 'computed']),
                ('start', '<=', today),
                ('scheme.state', '=', 'active'),
                ])
        if evaluations:
            cls.compute_scores(evaluations)

    @classmethod
    def evaluate(cls, courts, scheme, kind, year, number):
        """Create the missing evaluations of courts for the period and
        (re)compute those not published; return them all"""
        number = 1 if kind == 'year' else number
        existing = {e.company.id: e for e in cls.search([
                    ('company', 'in', [int(c) for c in courts]),
                    ('scheme', '=', scheme.id),
                    ('period_kind', '=', kind),
                    ('year', '=', year),
                    ('period_number', '=', number),
                    ])}
        new = cls.create([{
                    'company': int(c),
                    'scheme': scheme.id,
                    'period_kind': kind,
                    'year': year,
                    'period_number': number,
                    } for c in courts if int(c) not in existing])
        evaluations = list(existing.values()) + new
        to_compute = [e for e in evaluations if e.state != 'published']
        if to_compute:
            cls.compute(to_compute)
        return evaluations

    @classmethod
    def run_job(cls, job):
        """Evaluate the courts of a court.job (the wizard above
        [court] evaluate_job_courts courts): the evaluations are created,
        then computed a few courts at a time, each step committed"""
        Scheme = Pool().get('court.scoring.scheme')
        params = job.params
        scheme = Scheme(params['scheme'])
        kind, year, number = params['kind'], params['year'], params['number']
        evaluations = []
        for courts in job.each(params['courts'], JOB_CHUNK):
            evaluations.extend(cls.evaluate(courts, scheme, kind, year,
                    number))
        return gettext('court_scoring.msg_evaluate_job_done',
            count=len(evaluations),
            published=len([e for e in evaluations
                    if e.state == 'published']))


def _plain(record, names, **values):
    "The attributes names of record read once, as a plain object"
    return SimpleNamespace(**{n: getattr(record, n) for n in names}, **values)


def _plain_specs(specs):
    """item_specs() with the sections, items, indicators and codes read once
    into plain objects: a province's evaluation reads each of them for
    every court"""
    codes, sections, result = {}, {}, []
    for section, item, spec in specs:
        if section.id not in sections:
            sections[section.id] = _plain(section, ['id', 'name', 'kind'])
        indicators = []
        for indicator in item.indicators:
            code = indicator.code
            if code.id not in codes:
                codes[code.id] = _plain(code, ['id', 'code', 'name',
                        'source', 'indicator_code', 'unit',
                        'filter_values'])
            indicators.append(_plain(indicator, ['key', 'label', 'unit',
                        'basis', 'threshold', 'rec_name'],
                    code=codes[code.id]))
        result.append((sections[section.id], _plain(item, ['id', 'code',
                        'name', 'rule', 'points', 'rec_name'],
                    indicators=indicators), spec))
    return result


def _insert_rows(table, vlist):
    """INSERT the dicts of vlist (the same keys each) into table, with
    their creator and creation date: one statement, parsed once, executed
    for every row (executemany; a multi-row VALUES of thousands of
    parameters is parsed anew by the driver each time)"""
    if not vlist:
        return
    cursor = Transaction().connection.cursor()
    names = sorted(vlist[0])
    columns = [Column(table, n) for n in names] + [
        table.create_uid, table.create_date]
    user, now = Transaction().user, dt.datetime.now()
    query, _ = tuple(table.insert(columns, [[None] * len(columns)]))
    cursor.executemany(query,
        [[r[n] for n in names] + [user, now] for r in vlist])


def _year_before(date):
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


class FoundValue:
    "A value found for one indicator of one court"
    __slots__ = ('value', 'source', 'unit', 'model', 'record_ids', 'note',
        'met', 'reported', 'numerator', 'denominator')

    def __init__(self, value=None, source='missing', unit='ratio',
            model=None, record_ids=None, note=None, reported=None,
            numerator=None, denominator=None):
        self.value = value
        self.source = source
        self.unit = unit
        self.model = model
        self.record_ids = record_ids or []
        self.note = note
        self.met = None
        self.reported = reported
        self.numerator = numerator
        self.denominator = denominator

    def describe(self, indicator):
        label = indicator.label or indicator.code.name
        if self.source == 'missing':
            return '%s：无数据（%s）' % (label, self.note or '')
        suffix = '%' if indicator.unit == 'ratio' else ''
        mark = {True: '达标', False: '未达标', None: ''}[self.met]
        source = {'computed': '平台计算', 'reported': '填报'}[self.source]
        return '%s = %s%s〔%s〕%s' % (label, rules.fmt(self.value), suffix,
            source, mark)

    def as_values(self, indicator):
        return {
            'code': indicator.key,
            'name': indicator.label or indicator.code.name,
            'target': indicator.rec_name if indicator.threshold is not None
            else None,
            'value': self.value,
            'unit': indicator.unit,
            'source': self.source,
            'met': {True: 'yes', False: 'no', None: 'unknown'}[self.met],
            'note': self.note,
            'model': self.model,
            'record_ids': json.dumps(self.record_ids[:10000])
            if self.record_ids else None,
            'record_count': len(self.record_ids),
            'reported': self.reported.id if self.reported else None,
            }


class ValueSource:
    """The values of a scheme's indicators for courts and one period:
    computed ones from court.indicator, reported ones from
    court.scoring.value, fetched once per batch"""

    def __init__(self, scheme, kind, year, number, courts, as_of=None):
        pool = Pool()
        Reported = pool.get('court.scoring.value')
        self.Indicator = pool.get('court.indicator')
        self.providers = self.Indicator._providers()
        self.kind, self.year, self.number = kind, year, number
        self.courts = courts
        self.start, self.end = period_dates(kind, year, number)
        previous = period_dates(kind, year - 1, number)
        self.periods = {'value': (self.start, self.end), 'change': previous}
        # computed values up to as_of (a period still running), the
        # previous year up to the same day
        self.computed_periods = dict(self.periods)
        if as_of is not None and as_of < self.end:
            self.computed_periods = {
                'value': (self.start, max(as_of, self.start)),
                'change': (previous[0], max(
                        previous[0], _year_before(as_of))),
                }
        self.reported = {}
        self.sums = {}
        self.cache = {}
        self.computed = {}
        codes = {i.code for s in scheme.sections for it in s.items
            for i in it.indicators}
        count_codes = [c.code for c in codes if c.unit == 'count'
            and c.source != 'computed']
        with without_check_access():
            for basis, (start, end) in self.periods.items():
                self.reported[basis] = Reported.find(courts, start, end)
                self.sums[basis] = Reported.sum_within(
                    courts, start, end, count_codes) if count_codes else {}

    def _computed(self, code, start, end, court):
        """The IndicatorResult of code for court: computed for every court
        of the batch at once (court.indicator.compute_many), the first
        time one of them asks"""
        key = (code.id, start, end)
        results = self.computed.get(key)
        if results is None:
            results = self.computed[key] = self.Indicator.compute_many(
                code.indicator_code, self.courts, start, end,
                **code.filter_values)
        if court not in results:
            results.update(self.Indicator.compute_many(
                    code.indicator_code, [court], start, end,
                    **code.filter_values))
        return results[court]

    def _raw(self, court, code, basis):
        "FoundValue of code (a court.scoring.code) for court in basis period"
        key = (court, code.id, basis)
        if key in self.cache:
            return self.cache[key]
        start, end = self.computed_periods[basis]
        found = None
        notes = []
        if code.source in {'computed', 'mixed'}:
            if code.indicator_code in self.providers:
                result = self._computed(code, start, end, court)
                if result.value is not None:
                    value = Decimal(result.value)
                    if result.unit == 'ratio':
                        value = (value * HUNDRED).quantize(
                            Decimal('0.01'))
                    found = FoundValue(value, 'computed', code.unit,
                        result.model, list(result.record_ids),
                        numerator=result.numerator,
                        denominator=result.denominator)
                else:
                    notes.append(gettext(
                            'court_scoring.msg_value_no_denominator'))
            else:
                notes.append(gettext('court_scoring.msg_value_no_provider',
                        code=code.indicator_code))
        if found is None and code.source in {'reported', 'mixed'}:
            record = self.reported[basis].get((court, code.code))
            if record is not None:
                found = FoundValue(record.value, 'reported', code.unit,
                    'court.scoring.value', [record.id], reported=record)
            elif (court, code.code) in self.sums[basis]:
                total, records = self.sums[basis][(court, code.code)]
                found = FoundValue(total, 'reported', code.unit,
                    'court.scoring.value', [r.id for r in records])
            else:
                notes.append(gettext('court_scoring.msg_value_not_reported'))
        if found is None:
            found = FoundValue(None, 'missing', code.unit,
                note='；'.join(notes))
        self.cache[key] = found
        return found

    def get(self, court, indicator):
        "A new FoundValue of an item indicator for court"
        current = self._raw(court, indicator.code, 'value')
        if indicator.basis == 'value':
            found = FoundValue(current.value, current.source, current.unit,
                current.model, current.record_ids, current.note,
                current.reported, current.numerator, current.denominator)
            return found
        previous = self._raw(court, indicator.code, 'change')
        if current.value is None or previous.value is None:
            return FoundValue(None, 'missing', 'ratio',
                note=current.note or previous.note or '')
        if not previous.value:
            return FoundValue(None, 'missing', 'ratio',
                note=gettext('court_scoring.msg_value_previous_zero'))
        change = ((current.value - previous.value) / previous.value
            * HUNDRED).quantize(Decimal('0.01'))
        source = ('computed' if current.source == previous.source == 'computed'
            else 'reported')
        return FoundValue(change, source, 'ratio', current.model,
            current.record_ids, gettext('court_scoring.msg_value_change',
                current=rules.fmt(current.value),
                previous=rules.fmt(previous.value)))


class EvaluationSection(ModelSQL, ModelView):
    "Evaluation Section"
    __name__ = 'court.scoring.evaluation.section'
    evaluation = fields.Many2One('court.scoring.evaluation', "Evaluation",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    name = fields.Char("Section")
    kind = fields.Selection([
            ('base', "Scored"),
            ('adjustment', "Bonus and Penalty"),
            ], "Kind")
    max_points = fields.Numeric("Points Attainable", digits=(16, 2))
    points = fields.Numeric("Points", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('evaluation')
        cls._order = [
            ('evaluation', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]


class EvaluationLine(ModelSQL, ModelView):
    "Evaluation Item"
    __name__ = 'court.scoring.evaluation.line'
    evaluation = fields.Many2One('court.scoring.evaluation', "Evaluation",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    item = fields.Many2One('court.scoring.item', "Item",
        ondelete='SET NULL')
    section_name = fields.Char("Section")
    code = fields.Char("Code")
    name = fields.Char("Item")
    rule = fields.Char("Rule")
    max_points = fields.Numeric("Points", digits=(16, 2))
    points = fields.Numeric("Score", digits=(16, 2))
    status = fields.Selection(STATUS, "Status")
    reason = fields.Text("Reason")
    values_text = fields.Text("Values")
    values = fields.One2Many('court.scoring.evaluation.value', 'line',
        "Values", readonly=True)
    company = fields.Function(fields.Many2One('company.company', "Court"),
        'get_evaluation_field', searcher='search_evaluation_field')
    state = fields.Function(fields.Selection('get_states', "State"),
        'get_evaluation_field', searcher='search_evaluation_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('evaluation')
        cls._order = [
            ('evaluation', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_states(cls):
        return Pool().get('court.scoring.evaluation').fields_get(
            ['state'])['state']['selection']

    def get_evaluation_field(self, name):
        value = getattr(self.evaluation, name)
        return value.id if hasattr(value, 'id') else value

    @classmethod
    def search_evaluation_field(cls, name, clause):
        return [('evaluation.' + clause[0],) + tuple(clause[1:])]


class EvaluationValue(ModelSQL, ModelView):
    "Evaluation Value"
    __name__ = 'court.scoring.evaluation.value'
    line = fields.Many2One('court.scoring.evaluation.line', "Item",
        required=True, ondelete='CASCADE')
    code = fields.Char("Code")
    name = fields.Char("Indicator")
    target = fields.Char("Target")
    value = fields.Numeric("Value", digits=(16, 4))
    unit = fields.Char("Unit")
    source = fields.Selection(SOURCES, "Source")
    met = fields.Selection([
            ('yes', "Met"),
            ('no', "Not Met"),
            ('unknown', "Unknown"),
            ], "Met")
    note = fields.Char("Note")
    model = fields.Char("Model")
    record_ids = fields.Text("Records")
    record_count = fields.Integer("Records")
    reported = fields.Many2One('court.scoring.value', "Reported Value",
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')
        cls._order = [('line', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'open_records': {
                    'invisible': ~Eval('record_count', 0),
                    'depends': ['record_count'],
                    },
                })

    @classmethod
    @ModelView.button
    def open_records(cls, values):
        "Open the records behind the value"
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        # ModelView.button has read the values with the user's record rules
        if not values:
            return
        value = values[0]
        ids = json.loads(value.record_ids or '[]')
        action_id = ModelData.get_id('court_scoring', 'act_records')
        action = Action.get_action_values('ir.action.act_window',
            [action_id])[0]
        action['res_model'] = value.model
        action['name'] = '%s %s' % (value.code, value.name)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', ids)])
        return action


class EvaluateStart(ModelView):
    "Evaluate Courts"
    __name__ = 'court.scoring.evaluate.start'
    superior = fields.Many2One('company.company', "Court", required=True,
        help="This court and all the courts under it are evaluated.")
    level = fields.Selection([
            (None, "All Levels"),
            ('intermediate', "Intermediate People's Court"),
            ('basic', "Basic People's Court"),
            ('tribunal', "People's Tribunal"),
            ], "Level")
    scheme = fields.Many2One('court.scoring.scheme', "Scheme", required=True,
        domain=[('state', '=', 'active')])
    period_kind = fields.Selection([
            ('month', "Month"),
            ('quarter', "Quarter"),
            ('half', "Half-Year"),
            ('year', "Year"),
            ], "Period", required=True)
    year = fields.Integer("Year", required=True)
    period_number = fields.Integer("Number",
        states={'invisible': Eval('period_kind') == 'year'})

    @staticmethod
    def default_superior():
        return Transaction().context.get('company')

    @staticmethod
    def default_level():
        return 'basic'

    @staticmethod
    def default_scheme():
        return Pool().get('court.scoring.scheme').in_force()

    @staticmethod
    def default_period_kind():
        return 'year'

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year - 1

    @staticmethod
    def default_period_number():
        return 1


class Evaluate(Wizard):
    "Evaluate Courts"
    __name__ = 'court.scoring.evaluate'
    start = StateView('court.scoring.evaluate.start',
        'court_scoring.evaluate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Evaluate", 'evaluate', 'tryton-ok', default=True),
            ])
    evaluate = StateAction('court_scoring.act_evaluation')

    def do_evaluate(self, action):
        pool = Pool()
        Company = pool.get('company.company')
        Evaluation = pool.get('court.scoring.evaluation')
        start = self.start
        if not period_dates(start.period_kind, start.year,
                start.period_number or 1):
            raise EvaluationError(gettext('court_scoring.msg_period_invalid',
                    kind=start.period_kind, year=start.year,
                    number=start.period_number))
        # the courts the user may see (record rules of company.company do
        # not isolate; the user's own courts bound the choice)
        if start.superior.id not in Company.user_courts():
            raise ScoringAccessError(gettext(
                    'court_scoring.msg_evaluation_not_visible'))
        ids = Company.court_and_subordinates([start.superior.id])
        courts = Company.browse(ids)
        if start.level:
            courts = [c for c in courts if c.court_level == start.level]
        if len(courts) > threshold('evaluate_job_courts', JOB_COURTS):
            # many courts: a background job (court.job); open it
            Job = pool.get('court.job')
            job = Job.launch('evaluation', gettext(
                    'court_scoring.msg_evaluate_job_name',
                    court=start.superior.rec_name, count=len(courts),
                    scheme=start.scheme.rec_name, year=start.year),
                'court.scoring.evaluation', 'run_job',
                params={
                    'courts': [c.id for c in courts],
                    'scheme': start.scheme.id,
                    'kind': start.period_kind,
                    'year': start.year,
                    'number': start.period_number or 1,
                    },
                total=len(courts))
            action = StateAction('court_base.act_job').get_action()
            action['pyson_domain'] = PYSONEncoder().encode(
                [('id', '=', job.id)])
            return action, {}
        evaluations = Evaluation.evaluate(courts, start.scheme,
            start.period_kind, start.year, start.period_number or 1)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', [e.id for e in evaluations])])
        if len(evaluations) == 1:
            # one court (a basic court evaluating itself): its evaluation
            # opens in the form, the items shown (as the scheme's copy)
            action['res_id'] = [evaluations[0].id]
            action['views'].reverse()
            return action, {'res_id': [evaluations[0].id]}
        return action, {}
