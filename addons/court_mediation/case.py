# This file is part of the court platform.  See LICENSE.
"""Pre-litigation mediation cases (诉前调解案件), from intake to outcome.

States::

    draft ─register→ registered ─assign→ assigned ─(first session)→ mediating
      │                 │   └─refuse→ refused ─transfer→ transferred
      └─cancel          └─cancel
    mediating ─succeed→ succeeded
              ─fail→ failed ─transfer→ transferred
    registered / assigned / mediating ─withdraw→ withdrawn

A case is "concluded" when it is succeeded, failed, withdrawn or
transferred after a failure (doc/court_mediation.md)."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.court_base import workday
from trytond.modules.court_base.numbering import numbers_locked_first
from trytond.modules.court_base.model import CourtMixin, RegisteredMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CaseError

SOURCES = [
    ('station', "Township Station"),
    ('window', "Court Window"),
    ('online', "Online"),
    ('delegated', "Delegated before Filing (委派)"),
    ('entrusted', "Entrusted after Filing (委托)"),
    ]
STATES = [
    ('draft', "Draft"),
    ('registered', "Registered"),
    ('assigned', "Assigned"),
    ('mediating', "Mediating"),
    ('succeeded', "Succeeded"),
    ('failed', "Failed"),
    ('withdrawn', "Withdrawn"),
    ('refused', "Not Mediable"),
    ('transferred', "Transferred to Filing"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ('registered', 'assigned', 'mediating')
CONCLUDED_STATES = ('succeeded', 'failed', 'withdrawn', 'transferred')
COMPLEXITY = [
    (None, ""),
    ('simple', "Simple"),
    ('complex', "Complex"),
    ]
PERFORMANCE = [
    (None, ""),
    ('pending', "Pending"),
    ('voluntary', "Performed Voluntarily"),
    ('judicial_confirmation', "Judicial Confirmation"),
    ('mediation_document', "Mediation Document"),
    ]
SATISFACTION = [
    (None, ""),
    ('satisfied', "Satisfied"),
    ('basically', "Basically Satisfied"),
    ('unsatisfied', "Unsatisfied"),
    ]
SESSION_MODES = [
    ('in_person', "In Person"),
    ('video', "Online Video"),
    ('audio', "Online Audio"),
    ]


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Mediation Configuration"
    __name__ = 'court.mediation.configuration'
    deadline_days = fields.Integer(
        "Mediation Period (days)", required=True,
        help="Calendar days from acceptance to the deadline (B9: 30).")
    extension_max_days = fields.Integer(
        "Maximal Extension (days)", required=True)
    reminder_days = fields.Integer(
        "Reminder (days before)", required=True)
    complex_amount = fields.Numeric(
        "Complex from Amount", digits=(16, 2), required=True,
        help="A case of this amount or more is suggested complex.")
    complex_parties = fields.Integer(
        "Complex from Parties", required=True,
        help="A case with this many parties or more is suggested complex.")
    complex_types = fields.Many2Many(
        'court.mediation.configuration-court.dispute.type',
        'configuration', 'dispute_type', "Complex Dispute Types")
    renewal_years = fields.Integer(
        "Renewal (years)", required=True,
        domain=[('renewal_years', '>', 0)],
        help="The years a renewal (续聘) adds to a mediator's term end.")
    term_warning_days = fields.Integer(
        "Term Ending within (days)", required=True,
        domain=[('term_warning_days', '>=', 0)],
        help="The roster lists the mediators whose term ends within "
        "this many days (or has ended).")

    @staticmethod
    def default_deadline_days():
        return 30

    @staticmethod
    def default_extension_max_days():
        return 30

    @staticmethod
    def default_reminder_days():
        return 5

    @staticmethod
    def default_complex_amount():
        return Decimal('500000')

    @staticmethod
    def default_complex_parties():
        return 4

    @staticmethod
    def default_renewal_years():
        return 3

    @staticmethod
    def default_term_warning_days():
        return 60


class ConfigurationDisputeType(ModelSQL):
    "Mediation Configuration - Dispute Type"
    __name__ = 'court.mediation.configuration-court.dispute.type'
    configuration = fields.Many2One(
        'court.mediation.configuration', "Configuration", required=True,
        ondelete='CASCADE')
    dispute_type = fields.Many2One(
        'court.dispute.type', "Dispute Type", required=True,
        ondelete='CASCADE')


_OPEN = ~Eval('state').in_(['draft', 'registered'])


class Case(CourtMixin, RegisteredMixin, Workflow, ModelSQL, ModelView):
    "Mediation Case"
    __name__ = 'court.mediation.case'
    _rec_name = 'number'
    number = fields.Char("Number", readonly=True)
    source = fields.Selection(SOURCES, "Source", required=True, sort=False,
        states={'readonly': _OPEN})
    station = fields.Many2One(
        'court.station', "Station", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': _OPEN,
            'required': Eval('source') == 'station',
            })
    received_date = fields.Date("Received", required=True,
        states={'readonly': _OPEN})
    accepted_date = fields.Date("Accepted", readonly=True,
        help="The date mediation was accepted (registration).")
    parties = fields.One2Many(
        'court.mediation.case.party', 'case', "Parties",
        states={'readonly': _OPEN})
    applicants = fields.Function(fields.Char("Applicants"), 'get_names')
    respondents = fields.Function(fields.Char("Respondents"), 'get_names')
    dispute_type = fields.Many2One(
        'court.dispute.type', "Dispute Type", required=True,
        ondelete='RESTRICT', states={'readonly': _OPEN})
    amount = fields.Numeric("Amount in Dispute", digits=(16, 2),
        states={'readonly': _OPEN})
    facts = fields.Text("Facts and Claims", states={'readonly': _OPEN})
    consent = fields.Boolean("Parties Consent to Mediation",
        states={'readonly': _OPEN})
    filing_number = fields.Char(
        "Filing Case Number",
        help="For a case entrusted after filing, the number of the filed "
        "case; after a transfer, the number given at filing.",
        states={'readonly': Eval('state').in_(['cancelled'])})
    external_number = fields.Char(
        "External Number",
        help="The case's number on the other platform it is exchanged "
        "with (national mediation platform, local governance platform); "
        "an import matches the cases on it.",
        states={'readonly': Eval('state').in_(['cancelled'])})

    # triage (分调裁审)
    suggested_complexity = fields.Function(
        fields.Selection(COMPLEXITY, "Suggested Complexity"),
        'get_triage')
    triage_reasons = fields.Function(
        fields.Text("Reasons of the Suggestion"), 'get_triage')
    complexity = fields.Selection(COMPLEXITY, "Complexity", sort=False,
        states={
            'readonly': Eval('state') != 'registered',
            'required': Eval('state').in_(['assigned', 'mediating']),
            })
    triage_note = fields.Text("Triage Note",
        states={'readonly': Eval('state') != 'registered'})
    # the decision as taken: by whom, when, against which suggestion (the
    # suggestion is computed from the current rules and may change later)
    triage_suggestion = fields.Selection(
        COMPLEXITY + [('not_mediable', "Not Mediable")],
        "Suggestion at Triage", readonly=True, sort=False)
    triaged_by = fields.Many2One(
        'res.user', "Triaged By", readonly=True, ondelete='RESTRICT')
    triaged_at = fields.Timestamp("Triaged At", readonly=True)

    # assignment
    mediator = fields.Many2One(
        'court.mediator', "Mediator", ondelete='RESTRICT',
        # a concluded case keeps its mediator, whatever became of them
        domain=[If(Eval('state').in_(['draft', 'registered']),
                ('state', '=', 'active'), ())],
        states={
            'readonly': Eval('state') != 'registered',
            'required': Eval('state').in_(['assigned', 'mediating']),
            })
    suggestions = fields.Function(
        fields.Text("Suggested Mediators"), 'get_suggestions')
    assignments = fields.One2Many(
        'court.mediation.case.assignment', 'case', "Assignments",
        readonly=True)
    sessions = fields.One2Many(
        'court.mediation.session', 'case', "Sessions",
        states={'readonly': ~Eval('state').in_(['assigned', 'mediating'])})
    session_count = fields.Function(
        fields.Integer("Sessions"), 'get_session_count')
    # 1 a case: what the graph view adds up (sao sums its y field)
    case_count = fields.Function(
        fields.Integer("Cases"), 'get_case_count')

    # deadline (B9)
    deadline = fields.Date("Deadline", readonly=True)
    extension_days = fields.Integer("Extension (days)",
        states={'readonly': ~Eval('state').in_(['assigned', 'mediating'])
            | Bool(Eval('extended'))})
    extension_consent = fields.Boolean("Parties Consent to Extension",
        states={'readonly': ~Eval('state').in_(['assigned', 'mediating'])
            | Bool(Eval('extended'))})
    extended = fields.Boolean("Extended", readonly=True)
    reminded = fields.Date("Reminded", readonly=True)

    # outcome
    concluded_date = fields.Date("Concluded", readonly=True)
    agreement = fields.Text("Agreement",
        states={
            'readonly': Eval('state') != 'mediating',
            'invisible': ~Eval('state').in_(['mediating', 'succeeded']),
            })
    performance = fields.Selection(PERFORMANCE, "Performance", sort=False,
        states={
            'invisible': Eval('state') != 'succeeded',
            })
    confirmation_online = fields.Boolean(
        "Confirmation Submitted Online",
        states={
            'invisible': Eval('performance') != 'judicial_confirmation',
            })
    undisputed_facts = fields.Text("Undisputed Facts",
        states={
            'invisible': ~Eval('state').in_(
                ['mediating', 'failed', 'refused', 'transferred']),
            'readonly': ~Eval('state').in_(['mediating', 'failed']),
            })
    disputed_points = fields.Text("Points in Dispute",
        states={
            'invisible': ~Eval('state').in_(
                ['mediating', 'failed', 'refused', 'transferred']),
            'readonly': ~Eval('state').in_(['mediating', 'failed']),
            })
    service_address = fields.Char("Confirmed Service Address",
        states={
            'invisible': ~Eval('state').in_(
                ['mediating', 'failed', 'refused', 'transferred']),
            'readonly': ~Eval('state').in_(['mediating', 'failed', 'refused']),
            })
    result_note = fields.Text("Outcome Note")
    satisfaction = fields.Selection(SATISFACTION, "Satisfaction", sort=False,
        states={
            'readonly': ~Eval('state').in_(
                ['succeeded', 'failed', 'withdrawn', 'transferred']),
            })
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity())),
                Index(t, (t.state, Index.Equality()),
                    (t.company, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.received_date, Index.Range())),
                Index(t, (t.company, Index.Equality()),
                    (t.concluded_date, Index.Range())),
                Index(t, (t.mediator, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.station, Index.Equality()),
                    (t.received_date, Index.Range())),
                Index(t, (t.dispute_type, Index.Equality())),
                Index(t, (t.external_number, Index.Equality()),
                    (t.company, Index.Equality())),
                Index(t, (t.deadline, Index.Range()),
                    where=t.state.in_(list(OPEN_STATES))),
                })
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]
        cls._sql_constraints += [
            ('external_number_uniq', Unique(t, t.company, t.external_number),
                'court_mediation.msg_case_external_number_unique'),
            ]
        cls._transitions |= {
            ('draft', 'registered'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            ('registered', 'assigned'),
            ('registered', 'refused'),
            ('assigned', 'mediating'),
            ('mediating', 'succeeded'),
            ('mediating', 'failed'),
            ('registered', 'withdrawn'),
            ('assigned', 'withdrawn'),
            ('mediating', 'withdrawn'),
            ('failed', 'transferred'),
            ('refused', 'transferred'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    },
                'assign': {
                    'invisible': Eval('state') != 'registered',
                    'icon': 'tryton-forward',
                    },
                'reassign': {
                    'invisible': ~Eval('state').in_(['assigned', 'mediating']),
                    'icon': 'tryton-refresh',
                    },
                'refuse': {
                    'invisible': Eval('state') != 'registered',
                    'icon': 'tryton-cancel',
                    },
                'extend': {
                    'invisible': ~Eval('state').in_(['assigned', 'mediating'])
                    | Bool(Eval('extended')),
                    'icon': 'tryton-clock',
                    },
                'succeed': {
                    'invisible': Eval('state') != 'mediating',
                    'icon': 'tryton-ok',
                    },
                'fail': {
                    'invisible': Eval('state') != 'mediating',
                    'icon': 'tryton-cancel',
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['registered', 'assigned', 'mediating']),
                    'icon': 'tryton-undo',
                    },
                'transfer': {
                    'invisible': ~Eval('state').in_(['failed', 'refused']),
                    'icon': 'tryton-forward',
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'registered']),
                    'icon': 'tryton-cancel',
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_source():
        return 'station'

    @staticmethod
    def default_received_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_consent():
        return False

    @staticmethod
    def default_extended():
        return False

    @staticmethod
    def default_station():
        pool = Pool()
        User = pool.get('res.user')
        stations = User.get_station_ids()
        if len(stations) == 1:
            return stations[0]

    @classmethod
    def default_company(cls):
        pool = Pool()
        Station = pool.get('court.station')
        station = cls.default_station()
        if station:
            return Station(station).company.id
        return super().default_company()

    @fields.depends('station', 'company')
    def on_change_station(self):
        if self.station:
            self.company = self.station.company

    @classmethod
    def get_names(cls, cases, names):
        "Applicants and respondents of many cases in one query"
        pool = Pool()
        CaseParty = pool.get('court.mediation.case.party')
        Party = pool.get('party.party')
        line = CaseParty.__table__()
        party = Party.__table__()
        roles = {'applicants': 'applicant', 'respondents': 'respondent'}
        found = {n: defaultdict(list) for n in names}
        cursor = Transaction().connection.cursor()
        ids = [c.id for c in cases]
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.join(party,
                    condition=line.party == party.id).select(
                    line.case, line.role, party.name,
                    where=reduce_ids(line.case, sub_ids)
                    & line.role.in_([roles[n] for n in names]),
                    order_by=[line.case, line.id]))
            for case_id, role, name in cursor.fetchall():
                for field, field_role in roles.items():
                    if field_role == role and field in found:
                        found[field][case_id].append(name)
        return {n: {i: '、'.join(found[n][i]) or None for i in ids}
            for n in names}

    def get_case_count(self, name):
        return 1

    @classmethod
    def get_session_count(cls, cases, name):
        pool = Pool()
        Session = pool.get('court.mediation.session')
        session = Session.__table__()
        cursor = Transaction().connection.cursor()
        result = {c.id: 0 for c in cases}
        cursor.execute(*session.select(
                session.case, Count(session.id),
                where=session.case.in_(list(result)),
                group_by=[session.case]))
        result.update(dict(cursor))
        return result

    # triage
    @classmethod
    def get_triage(cls, cases, names):
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        config = Configuration(1)
        complex_types = {t.id for t in config.complex_types}
        result = {n: {} for n in names}
        for case in cases:
            complexity, reasons = case.triage(config, complex_types)
            if 'suggested_complexity' in result:
                result['suggested_complexity'][case.id] = complexity
            if 'triage_reasons' in result:
                result['triage_reasons'][case.id] = '\n'.join(reasons)
        return result

    def triage(self, config, complex_types):
        """Return the suggested complexity and its reasons (translated).
        The decision itself is a person's (field complexity)."""
        reasons = []
        if self.dispute_type and self.dispute_type.not_mediable:
            return None, [gettext('court_mediation.msg_triage_not_mediable',
                    type=self.dispute_type.rec_name)]
        if self.amount is not None and self.amount >= config.complex_amount:
            # 2 places: SQLite gives back 500000 where PostgreSQL gives
            # 500000.00
            cent = Decimal('0.01')
            reasons.append(gettext('court_mediation.msg_triage_amount',
                    amount=self.amount.quantize(cent),
                    limit=config.complex_amount.quantize(cent)))
        if len(self.parties or []) >= config.complex_parties:
            reasons.append(gettext('court_mediation.msg_triage_parties',
                    count=len(self.parties), limit=config.complex_parties))
        dispute_type = self.dispute_type
        while dispute_type:
            if dispute_type.id in complex_types:
                reasons.append(gettext('court_mediation.msg_triage_type',
                        type=self.dispute_type.rec_name))
                break
            dispute_type = dispute_type.parent
        if any(p.party and p.party.party_kind == 'organisation'
                and p.role == 'respondent' for p in (self.parties or [])):
            if reasons:
                reasons.append(gettext(
                        'court_mediation.msg_triage_organisation'))
        if reasons:
            return 'complex', reasons
        return 'simple', [gettext('court_mediation.msg_triage_simple')]

    @fields.depends('dispute_type', 'amount', 'parties', 'complexity')
    def on_change_with_suggested_complexity(self):
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        config = Configuration(1)
        return self.triage(
            config, {t.id for t in config.complex_types})[0]

    # suggestions
    def get_suggestions(self, name):
        if self.state != 'registered':
            return None
        lines = []
        for mediator, score, reasons, load in self.rank_mediators()[:5]:
            lines.append('%s — %s' % (mediator.rec_name, '；'.join(reasons)))
        return '\n'.join(lines) or gettext(
            'court_mediation.msg_no_mediator_suggestion')

    def rank_mediators(self):
        """Return [(mediator, score, reasons, open load)] of the active
        mediators appointed to the case's court, best first: speciality
        match, area match, then the fewest open cases."""
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Case = pool.get('court.mediation.case')
        date = self.received_date or dt.date.today()
        mediators = [m for m in Mediator.search([('state', '=', 'active')])
            if self.company and m.is_appointed(self.company, date)]
        if not mediators:
            return []
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*case.select(
                case.mediator, Count(case.id),
                where=case.mediator.in_([m.id for m in mediators])
                & case.state.in_(['assigned', 'mediating']),
                group_by=[case.mediator]))
        loads = defaultdict(int, cursor)
        types = set()
        dispute_type = self.dispute_type
        while dispute_type:
            types.add(dispute_type.id)
            dispute_type = dispute_type.parent
        division = (self.station.division_code
            if self.station and self.station.division_code else '')
        ranked = []
        for mediator in mediators:
            score, reasons = 0, []
            if types & {s.id for s in mediator.specialities}:
                score += 2
                reasons.append(gettext('court_mediation.msg_rank_speciality'))
            codes = (mediator.division_codes or '').split()
            if division and any(division.startswith(c) for c in codes):
                score += 1
                reasons.append(gettext('court_mediation.msg_rank_area'))
            reasons.append(gettext('court_mediation.msg_rank_load',
                    count=loads[mediator.id]))
            ranked.append((mediator, score, reasons, loads[mediator.id]))
        ranked.sort(key=lambda r: (-r[1], r[3], r[0].id))
        return ranked

    # validation
    @classmethod
    def validate_fields(cls, cases, field_names):
        super().validate_fields(cases, field_names)
        today = Pool().get('ir.date').today()
        for case in cases:
            if case.amount is not None and case.amount < 0:
                raise CaseError(gettext(
                        'court_mediation.msg_case_amount_negative',
                        case=case.rec_name or '',
                        amount=case.amount.quantize(Decimal('0.01'))))
            if case.received_date and case.received_date > today:
                raise CaseError(gettext(
                        'court_mediation.msg_case_received_future',
                        case=case.rec_name or ''))
            if case.extension_days is not None and (
                    case.extension_days < 0):
                raise CaseError(gettext(
                        'court_mediation.msg_case_extension_days',
                        case=case.rec_name or '',
                        max=Pool().get('court.mediation.configuration')(
                            1).extension_max_days))

    # written by the workflow only, never directly by a client
    _workflow_fields = {
        'state', 'number', 'accepted_date', 'deadline', 'extended',
        'reminded', 'concluded_date', 'assignments', 'company'}
    # the intake, fixed once the case is assigned
    _intake_fields = {
        'source', 'station', 'received_date', 'parties', 'dispute_type',
        'amount', 'facts', 'consent', 'mediator'}

    @classmethod
    def check_modification(cls, mode, cases, values=None, external=False):
        super().check_modification(
            mode, cases, values=values, external=external)
        if mode == 'create' and external:
            for case in cases:
                if case.state != 'draft' or case.number:
                    raise CaseError(gettext(
                            'court_mediation.msg_case_create_draft'))
        if mode != 'write' or not external or not values:
            return
        names = set(values)
        if names & cls._workflow_fields:
            raise CaseError(gettext(
                    'court_mediation.msg_case_workflow_fields',
                    fields=', '.join(sorted(names & cls._workflow_fields))))
        if names & cls._intake_fields:
            for case in cases:
                if case.state not in ('draft', 'registered'):
                    raise CaseError(gettext(
                            'court_mediation.msg_case_intake_fixed',
                            case=case.rec_name))

    def get_rec_name(self, name):
        return self.number or gettext('court_mediation.msg_case_unnumbered',
            id=self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('number', operator, value, *extra),
            ('external_number', operator, value, *extra),
            ('parties.party.name', operator, value, *extra),
            ]

    # transitions
    @classmethod
    @numbers_locked_first('mediation', 'received_date')
    @ModelView.button
    @Workflow.transition('registered')
    def register(cls, cases):
        pool = Pool()
        Counter = pool.get('court.number.counter')
        Configuration = pool.get('court.mediation.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        today = Date.today()
        for case in cases:
            roles = {p.role for p in case.parties if p.party}
            if not {'applicant', 'respondent'} <= roles:
                raise CaseError(gettext(
                        'court_mediation.msg_case_parties_required',
                        case=case.rec_name))
            if not case.consent:
                raise CaseError(gettext(
                        'court_mediation.msg_case_consent_required',
                        case=case.rec_name))
            case.accepted_date = case.received_date or today
            case.deadline = workday.add_calendar_days(
                case.accepted_date, config.deadline_days)
            case.number = Counter.next_number(
                case.company, 'mediation', case.accepted_date)
        cls.save(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, cases):
        for case in cases:
            if not case.dispute_type.not_mediable:
                raise CaseError(gettext(
                        'court_mediation.msg_case_refuse_mediable',
                        case=case.rec_name,
                        type=case.dispute_type.rec_name))
            case.concluded_date = None
            case.triage_note = case.triage_note or '\n'.join(
                case.triage(None, set())[1])
        cls._record_triage(cases)
        cls.save(cases)

    @classmethod
    def _record_triage(cls, cases):
        "Keep who took the triage decision, when, and what was suggested"
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        config = Configuration(1)
        complex_types = {t.id for t in config.complex_types}
        user = Transaction().user
        now = dt.datetime.now()
        for case in cases:
            suggestion, _ = case.triage(config, complex_types)
            case.triage_suggestion = suggestion or 'not_mediable'
            case.triaged_by = user if user else None
            case.triaged_at = now

    @classmethod
    @ModelView.button
    @Workflow.transition('assigned')
    def assign(cls, cases):
        pool = Pool()
        Assignment = pool.get('court.mediation.case.assignment')
        Date = pool.get('ir.date')
        today = Date.today()
        for case in cases:
            if case.dispute_type.not_mediable:
                raise CaseError(gettext(
                        'court_mediation.msg_case_not_mediable',
                        case=case.rec_name,
                        type=case.dispute_type.rec_name))
            if not case.complexity:
                raise CaseError(gettext(
                        'court_mediation.msg_case_triage_required',
                        case=case.rec_name))
            if not case.mediator:
                raise CaseError(gettext(
                        'court_mediation.msg_case_mediator_required',
                        case=case.rec_name))
            cls._check_mediator(case, case.mediator)
        cls._record_triage(cases)
        cls.save(cases)
        Assignment.create([{
                    'case': c.id,
                    'mediator': c.mediator.id,
                    'date': today,
                    } for c in cases])
        cls._notify_mediator(cases)

    @classmethod
    def _check_mediator(cls, case, mediator):
        if (mediator.state != 'active'
                or not mediator.is_appointed(
                    case.company, Pool().get('ir.date').today())):
            raise CaseError(gettext(
                    'court_mediation.msg_case_mediator_not_available',
                    case=case.rec_name, mediator=mediator.rec_name))

    @classmethod
    def _notify_mediator(cls, cases):
        pool = Pool()
        Notification = pool.get('res.notification')
        notifications = []
        for case in cases:
            if case.mediator and case.mediator.user:
                notifications.append({
                        'user': case.mediator.user.id,
                        'label': gettext(
                            'court_mediation.msg_notify_assigned',
                            case=case.rec_name),
                        'description': case.dispute_type.rec_name,
                        'model': cls.__name__,
                        'records': str([case.id]),
                        })
        if notifications:
            with without_check_access():
                Notification.create(notifications)
        # and a text message to the mediator's mobile (court.sms)
        Sms = pool.get('court.sms')
        Sms.send([{
                    'number': case.mediator.party.mobile_number,
                    'party': case.mediator.party.id,
                    'company': case.company.id,
                    'origin': str(case),
                    'text': gettext('court_mediation.msg_sms_assigned',
                        court=case.company.rec_name, case=case.rec_name,
                        type=case.dispute_type.rec_name,
                        deadline=case.deadline or ''),
                    } for case in cases
                if case.mediator and case.mediator.party
                and case.mediator.party.mobile_number])

    @classmethod
    @ModelView.button_action('court_mediation.wizard_case_reassign')
    def reassign(cls, cases):
        pass

    @classmethod
    @Workflow.transition('mediating')
    def start(cls, cases):
        pass

    @classmethod
    @ModelView.button
    def extend(cls, cases):
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        config = Configuration(1)
        for case in cases:
            if case.state not in ('assigned', 'mediating') or case.extended:
                raise CaseError(gettext(
                        'court_mediation.msg_case_extension_once',
                        case=case.rec_name))
            if not case.extension_consent:
                raise CaseError(gettext(
                        'court_mediation.msg_case_extension_consent',
                        case=case.rec_name))
            days = case.extension_days or 0
            if not 0 < days <= config.extension_max_days:
                raise CaseError(gettext(
                        'court_mediation.msg_case_extension_days',
                        case=case.rec_name, max=config.extension_max_days))
            case.deadline = workday.add_calendar_days(
                case.accepted_date,
                config.deadline_days + days)
            case.extended = True
            case.reminded = None
        cls.save(cases)

    @classmethod
    def _conclude(cls, cases, need_session=True):
        today = Pool().get('ir.date').today()
        for case in cases:
            if need_session and not case.sessions:
                raise CaseError(gettext(
                        'court_mediation.msg_case_session_required',
                        case=case.rec_name))
            case.concluded_date = today

    @classmethod
    @ModelView.button
    @Workflow.transition('succeeded')
    def succeed(cls, cases):
        for case in cases:
            if not (case.agreement or '').strip():
                raise CaseError(gettext(
                        'court_mediation.msg_case_agreement_required',
                        case=case.rec_name))
            if not case.performance:
                case.performance = 'pending'
        cls._conclude(cases)
        cls.save(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('failed')
    def fail(cls, cases):
        for case in cases:
            if not (case.disputed_points or '').strip():
                raise CaseError(gettext(
                        'court_mediation.msg_case_disputed_required',
                        case=case.rec_name))
        cls._conclude(cases)
        cls.save(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, cases):
        cls._conclude(cases, need_session=False)
        cls.save(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('transferred')
    def transfer(cls, cases):
        for case in cases:
            if not (case.service_address or '').strip():
                raise CaseError(gettext(
                        'court_mediation.msg_case_address_required',
                        case=case.rec_name))
            if not case.concluded_date:
                case.concluded_date = Pool().get('ir.date').today()
        cls.save(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, cases):
        cls.check_cancel_reason(cases)

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'accepted_date', 'deadline', 'assignments',
                'sessions', 'concluded_date', 'mediator', 'satisfaction',
                'extended', 'reminded', 'cancel_reason', 'external_number']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(cases, default=default)

    @classmethod
    def send_reminders(cls, date=None):
        """Cron: tell the mediator (and the user who registered the case)
        of cases whose deadline is within the reminder period."""
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        Notification = pool.get('res.notification')
        Date = pool.get('ir.date')
        config = Configuration(1)
        date = date or Date.today()
        limit = date + dt.timedelta(days=config.reminder_days)
        cases = cls.search([
                ('state', 'in', ['assigned', 'mediating']),
                ('deadline', '<=', limit),
                ('reminded', '=', None),
                ])
        notifications = []
        for case in cases:
            users = {u.id for u in [
                    case.mediator.user if case.mediator else None,
                    case.create_uid] if u}
            for user in users:
                notifications.append({
                        'user': user,
                        'label': gettext(
                            'court_mediation.msg_notify_deadline',
                            case=case.rec_name, deadline=case.deadline),
                        'model': cls.__name__,
                        'records': str([case.id]),
                        })
        Notification.create(notifications)
        cls.write(cases, {'reminded': date})
        return cases


def _check_case_states(lines, values, states, message):
    """Raise `message` unless the case of every line (and the case the
    lines move to) is in one of `states`"""
    Case = Pool().get('court.mediation.case')
    cases = {l.case for l in lines}
    if values and values.get('case'):
        cases.add(Case(values['case']))
    for case in cases:
        if case.state not in states:
            raise CaseError(gettext(message, case=case.rec_name))


class CaseParty(ModelSQL, ModelView):
    "Mediation Case Party"
    __name__ = 'court.mediation.case.party'
    case = fields.Many2One(
        'court.mediation.case', "Case", required=True, ondelete='CASCADE')
    role = fields.Selection([
            ('applicant', "Applicant"),
            ('respondent', "Respondent"),
            ('third', "Third Party"),
            ], "Role", required=True, sort=False)
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='RESTRICT')
    agent = fields.Char("Agent")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Model.__setup__ resets __access__: add to it here
        cls.__access__.add('case')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.party, Index.Equality())),
                })

    @staticmethod
    def default_role():
        return 'applicant'

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        """The parties are part of the intake: a client changes them only
        while the case is a draft or registered (as through the case)"""
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            _check_case_states(lines, values, ('draft', 'registered'),
                'court_mediation.msg_case_intake_fixed')


class Assignment(ModelSQL, ModelView):
    "Mediation Case Assignment"
    __name__ = 'court.mediation.case.assignment'
    case = fields.Many2One(
        'court.mediation.case', "Case", required=True, ondelete='CASCADE')
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='RESTRICT')
    date = fields.Date("Date", required=True)
    reason = fields.Char("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Model.__setup__ resets __access__: add to it here
        cls.__access__.add('case')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                # a mediator's cases of a period (B2, the roster's caseload
                # column: the assignments of a page of mediators)
                Index(t, (t.mediator, Index.Equality()),
                    (t.date, Index.Range())),
                # the assignments of a period (B2 of a court for the year
                # so far, the roster health landing: without it a scan
                # of every assignment, 85 ms at 10^6 cases)
                Index(t, (t.date, Index.Range())),
                })
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, assignments, values=None,
            external=False):
        "The assignments are the history of 派案 and 改派: never by hand"
        super().check_modification(
            mode, assignments, values=values, external=external)
        if external:
            raise CaseError(gettext(
                    'court_mediation.msg_case_workflow_fields',
                    fields=cls.__names__()['model']))


class Session(ModelSQL, ModelView):
    "Mediation Session"
    __name__ = 'court.mediation.session'
    # the mediator's notes: exports of them are logged (court.export.log)
    _sensitive_fields = {'notes'}
    case = fields.Many2One(
        'court.mediation.case', "Case", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    mode = fields.Selection(
        SESSION_MODES, "Mode", required=True, sort=False)
    duration = fields.Integer("Duration (minutes)")
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Model.__setup__ resets __access__: add to it here
        cls.__access__.add('case')
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.case, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_mode():
        return 'in_person'

    @classmethod
    def validate_fields(cls, sessions, field_names):
        super().validate_fields(sessions, field_names)
        today = Pool().get('ir.date').today()
        for session in sessions:
            case = session.case
            if case.state not in ('assigned', 'mediating'):
                raise CaseError(gettext(
                        'court_mediation.msg_session_state',
                        case=case.rec_name))
            if session.date < case.received_date or session.date > today:
                raise CaseError(gettext(
                        'court_mediation.msg_session_date',
                        case=case.rec_name, date=session.date,
                        received=case.received_date))
            if session.duration is not None and not (
                    0 < session.duration <= 24 * 60):
                raise CaseError(gettext(
                        'court_mediation.msg_session_duration',
                        case=case.rec_name))

    @classmethod
    def check_modification(cls, mode, sessions, values=None,
            external=False):
        """A session is removed only while its case is in mediation
        (recording and changing one is checked by validate_fields)"""
        super().check_modification(
            mode, sessions, values=values, external=external)
        if external and mode == 'delete':
            _check_case_states(sessions, None, ('assigned', 'mediating'),
                'court_mediation.msg_session_state')

    @classmethod
    def on_modification(cls, mode, sessions, field_names=None):
        super().on_modification(mode, sessions, field_names=field_names)
        if mode == 'create':
            Case = Pool().get('court.mediation.case')
            to_start = [s.case for s in sessions if s.case.state == 'assigned']
            if to_start:
                # the first session opens the mediation (a workflow write)
                with without_check_access():
                    Case.start(Case.browse(to_start))


class ReassignStart(ModelView):
    "Reassign Mediation Case"
    __name__ = 'court.mediation.case.reassign.start'
    mediator = fields.Many2One(
        'court.mediator', "New Mediator", required=True,
        domain=[('state', '=', 'active')])
    reason = fields.Char("Reason", required=True)


class Reassign(Wizard):
    "Reassign Mediation Case"
    __name__ = 'court.mediation.case.reassign'
    start = StateView('court.mediation.case.reassign.start',
        'court_mediation.case_reassign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reassign", 'reassign', 'tryton-ok', default=True),
            ])
    reassign = StateTransition()

    def transition_reassign(self):
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Assignment = pool.get('court.mediation.case.assignment')
        Date = pool.get('ir.date')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        transaction = Transaction()
        # not transaction.check_access: trytond executes a wizard's states
        # without it, which let any user who may write a case (a clerk, a
        # judge, a mediator) reassign it by calling the wizard directly
        if transaction.user:
            group = ModelData.get_id('court_base', 'group_filing_officer')
            if group not in User.get_groups():
                raise CaseError(gettext(
                        'court_mediation.msg_case_reassign_group'))
        # the records are read under the user's rules
        cases = list(self.records)
        for case in cases:
            if case.state not in ('assigned', 'mediating'):
                raise CaseError(gettext(
                        'court_mediation.msg_case_reassign_state',
                        case=case.rec_name))
            if case.mediator == self.start.mediator:
                raise CaseError(gettext(
                        'court_mediation.msg_case_reassign_same',
                        case=case.rec_name))
            Case._check_mediator(case, self.start.mediator)
        with without_check_access():
            Case.write(cases, {'mediator': self.start.mediator.id})
            Assignment.create([{
                    'case': c.id,
                    'mediator': self.start.mediator.id,
                    'date': Date.today(),
                        'reason': self.start.reason,
                        } for c in cases])
        Case._notify_mediator(cases)
        return 'end'


class Sms(metaclass=PoolMeta):
    __name__ = 'court.sms'

    @classmethod
    def _origin_models(cls):
        return super()._origin_models() + ['court.mediation.case']
