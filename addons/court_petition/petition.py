# This file is part of the court platform.  See LICENSE.
"""Litigation-related petitions (涉诉信访), from arrival to follow-up.

States::

    draft ─register→ registered ─assign→ assigned ─handle→ handled
      │                 │  └─assign_down (a superior court's record:
      └─cancel          └─cancel            a linked copy in the court below)
    assigned / handled ─reply→ replied ─close→ closed (─follow_up, feedback)

必登记、必上网、必转交、必回复: a petition is replied only once it was
assigned, closed only once it was replied; one extension of the finishing
clock, of at most 30 days.  Key petitions (重点信访: assigned by a superior
court or marked key) are owned by a court leader of the same court (领导包案)
and closed only once the assigning level approved the closure."""
import datetime as dt
from collections import defaultdict

from sql import Literal
from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.court_base import workday
from trytond.modules.court_base.numbering import numbers_locked_first
from trytond.modules.court_base.model import CourtMixin, RegisteredMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .exceptions import PetitionError

CHANNELS = [
    (None, ""),
    ('window', "Window Visit"),
    ('online', "Online"),
    ('letter', "Letter"),
    ('video', "Video Reception"),
    ('appointment', "Appointment"),
    ('hotline', "12368 Hotline"),
    ('superior', "Assigned by a Superior Court"),
    ('npc', "NPC / Deputy Letter"),
    ('inspection', "Inspection Team"),
    ]
DEMAND_KINDS = [
    (None, ""),
    ('complaint', "Complaint against a Decision"),
    ('request', "Request for a Solution"),
    ('report', "Report or Accusation"),
    ('inquiry', "Inquiry"),
    ('suggestion', "Opinion or Suggestion"),
    ]
CATEGORIES = [
    (None, ""),
    ('trial', "Dissatisfied with a Judgment"),
    ('enforcement', "Enforcement"),
    ('delay', "Delay"),
    ('filing', "Filing"),
    ('conduct', "Conduct of Court Staff"),
    ('service', "Litigation Services"),
    ('other', "Other"),
    ]
REPLY_MODES = [
    (None, ""),
    ('online', "Online"),
    ('phone', "Phone"),
    ('written', "Written"),
    ]
# the reply mode suggested by the kind of demand
REPLY_MODE_OF_DEMAND = {
    'complaint': 'written',
    'request': 'written',
    'report': 'written',
    'inquiry': 'phone',
    'suggestion': 'online',
    }
OUTCOMES = [
    (None, ""),
    ('resolved', "Resolved"),
    ('not_resolved', "Not Resolved"),
    ]
STATES = [
    ('draft', "Draft"),
    ('registered', "Registered"),
    ('assigned', "Assigned"),
    ('handled', "Handled"),
    ('replied', "Replied"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['registered', 'assigned', 'handled', 'replied']
REGISTERED_STATES = OPEN_STATES + ['closed']
DAY_KINDS = [
    ('working', "Working Days"),
    ('calendar', "Calendar Days"),
    ]
REPORT_KINDS = [
    ('receipt', "Registration Report"),
    ('meeting', "Leader Met the Petitioner"),
    ('progress', "Progress Report"),
    ('closing', "Closing Report"),
    ]
# clock name -> (deadline field, done-date field or None, states it runs in)
CLOCKS = {
    'accept': ('accept_deadline', 'registered_date', ['draft']),
    'finish': ('finish_deadline', 'closed_date', OPEN_STATES),
    'assign': ('assign_deadline', 'handled_date', ['assigned']),
    'report': ('report_deadline', 'receipt_report_date', REGISTERED_STATES),
    'meet': ('meet_deadline', 'met_date', REGISTERED_STATES),
    'progress': ('progress_deadline', 'progress_report_date',
        REGISTERED_STATES),
    'closing_report': ('closing_report_deadline', 'closing_report_date',
        REGISTERED_STATES),
    }
DEFAULT_REQUIRED_FIELDS = '\n'.join([
        'channel', 'received_date', 'petitioners', 'petitioner_id_number',
        'matter', 'demand', 'demand_kind', 'category'])


def due_date(start, days, kind):
    "The deadline ``days`` working or calendar days after ``start``"
    if start is None or days is None:
        return None
    if kind == 'working':
        return workday.add_working_days(start, days)
    return workday.add_calendar_days(start, days)


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Petition Configuration"
    __name__ = 'court.petition.configuration'
    accept_days = fields.Integer("Acceptance (days)", required=True,
        help="From receipt to the decision to accept (信访工作条例: 15).")
    accept_day_kind = fields.Selection(DAY_KINDS, "Acceptance Counted in",
        required=True)
    finish_days = fields.Integer("Handling (days)", required=True,
        help="From acceptance to the end of handling (60).")
    finish_day_kind = fields.Selection(DAY_KINDS, "Handling Counted in",
        required=True)
    extension_max_days = fields.Integer("Maximal Extension (days)",
        required=True, help="One extension of the handling period (30).")
    report_days = fields.Integer("Report to the Superior (days)",
        required=True,
        help="Petitions assigned by a superior court: registered and "
        "reported within (0: the same day).")
    report_day_kind = fields.Selection(DAY_KINDS, "Report Counted in",
        required=True)
    meet_days = fields.Integer("Leader Meets the Petitioner (days)",
        required=True, help="From registration (5).")
    meet_day_kind = fields.Selection(DAY_KINDS, "Meeting Counted in",
        required=True)
    progress_days = fields.Integer("Progress Report (days)", required=True,
        help="From registration (14: two weeks).")
    progress_day_kind = fields.Selection(DAY_KINDS,
        "Progress Report Counted in", required=True)
    closing_report_days = fields.Integer("Closing Report (days)",
        required=True, help="From registration (30: a month).")
    closing_report_day_kind = fields.Selection(DAY_KINDS,
        "Closing Report Counted in", required=True)
    reminder_days = fields.Integer("Reminder (days before)", required=True)
    repeat_window_days = fields.Integer("Repeat Window (days)",
        required=True,
        help="An earlier petition of the same person and matter received "
        "within this many days makes a new one a repeat petition.")
    required_fields = fields.Text("Reporting Fields Required",
        help="The fields a superior court requires, one a line (D3). "
        "Besides the petition's fields: petitioner_id_number and "
        "petitioner_mobile (every petitioner has one) and original_case "
        "(an original trial or enforcement case number).")

    @staticmethod
    def default_accept_days():
        return 15

    @staticmethod
    def default_accept_day_kind():
        return 'working'

    @staticmethod
    def default_finish_days():
        return 60

    @staticmethod
    def default_finish_day_kind():
        return 'working'

    @staticmethod
    def default_extension_max_days():
        return 30

    @staticmethod
    def default_report_days():
        return 0

    @staticmethod
    def default_report_day_kind():
        return 'working'

    @staticmethod
    def default_meet_days():
        return 5

    @staticmethod
    def default_meet_day_kind():
        return 'working'

    @staticmethod
    def default_progress_days():
        return 14

    @staticmethod
    def default_progress_day_kind():
        return 'calendar'

    @staticmethod
    def default_closing_report_days():
        return 30

    @staticmethod
    def default_closing_report_day_kind():
        return 'calendar'

    @staticmethod
    def default_reminder_days():
        return 3

    @staticmethod
    def default_repeat_window_days():
        return 730

    @staticmethod
    def default_required_fields():
        return DEFAULT_REQUIRED_FIELDS

    def required_field_names(self):
        return [n.strip() for n in (self.required_fields or '').replace(
                ',', '\n').splitlines() if n.strip()]

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        Petition = Pool().get('court.petition')
        known = set(Petition._fields) | {
            'petitioner_id_number', 'petitioner_mobile', 'original_case'}
        for config in configurations:
            for name in config.required_field_names():
                if name not in known:
                    raise PetitionError(gettext(
                            'court_petition.msg_config_unknown_field',
                            field=name))
            for name in ['accept_days', 'finish_days', 'extension_max_days',
                    'report_days', 'meet_days', 'progress_days',
                    'closing_report_days', 'reminder_days',
                    'repeat_window_days']:
                value = getattr(config, name)
                if value is not None and value < 0:
                    raise PetitionError(gettext(
                            'court_petition.msg_config_negative'))

    @classmethod
    def on_modification(cls, mode, configurations, field_names=None):
        super().on_modification(mode, configurations, field_names=field_names)
        if mode in {'create', 'write'} and (field_names is None
                or 'required_fields' in field_names):
            # ModelSingleton cleans the transaction cache only after
            # writing: the check must read the new list
            for cache in Transaction().cache.values():
                if cls.__name__ in cache:
                    cache[cls.__name__].clear()
            Pool().get('court.petition').recheck_quality()


_INTAKE = ~Eval('state').in_(['draft', 'registered'])


class Petition(CourtMixin, RegisteredMixin, Workflow, ModelSQL, ModelView):
    "Petition"
    __name__ = 'court.petition'
    _rec_name = 'number'
    number = fields.Char("Number", readonly=True)
    channel = fields.Selection(CHANNELS, "Channel", sort=False,
        states={
            'readonly': _INTAKE | Bool(Eval('assigning_court')),
            'required': Eval('state') != 'draft',
            })
    received_date = fields.Date("Received", required=True,
        states={'readonly': _INTAKE})
    received_time = fields.Time("Time Received",
        states={'readonly': _INTAKE})
    registered_date = fields.Date("Registered", readonly=True)
    petitioners = fields.One2Many(
        'court.petition.petitioner', 'petition', "Petitioners",
        states={'readonly': _INTAKE})
    petitioner_names = fields.Function(
        fields.Char("Petitioners"), 'get_petitioner_names',
        searcher='search_petitioner_names')
    matter = fields.Text("Matter", states={'readonly': _INTAKE})
    demand = fields.Text("Demand", states={'readonly': _INTAKE})
    demand_kind = fields.Selection(DEMAND_KINDS, "Kind of Demand",
        sort=False, states={'readonly': _INTAKE})
    category = fields.Selection(CATEGORIES, "Category", sort=False,
        states={'readonly': _INTAKE})
    original_trial_number = fields.Char("Original Trial Case",
        states={'readonly': _INTAKE},
        help="The number of the trial case the petition is about (原审).")
    original_enforcement_number = fields.Char(
        "Original Enforcement Case", states={'readonly': _INTAKE},
        help="The number of the enforcement case (原执行).")
    key = fields.Boolean("Key Petition",
        states={
            'readonly': ~Eval('state').in_(['draft', 'registered',
                    'assigned', 'handled'])
            | (Eval('channel') == 'superior'),
            },
        help="Key petitions (重点信访) are owned by a court leader.")

    # assignment (交办)
    department = fields.Many2One('court.department', "Department",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'registered'},
        help="The department of the court the petition is assigned to: "
        "its users see and handle it.")
    assignee = fields.Many2One('res.user', "Assigned Judge",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'registered'})
    assign_deadline = fields.Date("Assignment Deadline",
        states={'readonly': Eval('state') != 'registered'})
    assigned_date = fields.Date("Assigned", readonly=True)
    assigned_to_court = fields.Many2One('company.company',
        "Assigned to Court", ondelete='RESTRICT',
        domain=[('superior', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'registered',
            'invisible': Bool(Eval('assigning_court')),
            },
        help="For a superior court's petition: the court below that "
        "handles it.")
    subordinate_petitions = fields.One2Many('court.petition',
        'superior_petition', "Assigned Down", readonly=True)

    # handling and reply
    handling_note = fields.Text("Handling",
        states={'readonly': ~Eval('state').in_(['assigned', 'handled'])})
    handled_date = fields.Date("Handled", readonly=True)
    reply_mode = fields.Selection(REPLY_MODES, "Reply Mode", sort=False,
        states={'readonly': ~Eval('state').in_(['assigned', 'handled'])})
    reply_text = fields.Text("Reply",
        states={'readonly': ~Eval('state').in_(['assigned', 'handled'])})
    reply_date = fields.Date("Replied", readonly=True)

    # closure and follow-up
    outcome = fields.Selection(OUTCOMES, "Outcome", sort=False,
        states={'readonly': Eval('state') != 'replied'})
    outcome_reason = fields.Text("Reasons",
        states={'readonly': Eval('state') != 'replied'},
        help="Why the petition is resolved or not (the half-year report "
        "lists them).")
    closed_date = fields.Date("Closed", readonly=True)
    followup_date = fields.Date("Follow-up Visit",
        states={'readonly': Eval('state') != 'closed'})
    followup_note = fields.Text("Follow-up Note",
        states={'readonly': Eval('state') != 'closed'})

    # clocks
    accept_deadline = fields.Date("Acceptance Deadline", readonly=True)
    finish_deadline = fields.Date("Handling Deadline", readonly=True)
    extension_days = fields.Integer("Extension (days)",
        states={'readonly': ~Eval('state').in_(OPEN_STATES)
            | Bool(Eval('extended'))})
    extension_reason = fields.Char("Extension Reason",
        states={'readonly': ~Eval('state').in_(OPEN_STATES)
            | Bool(Eval('extended'))})
    extended = fields.Boolean("Extended", readonly=True)
    report_deadline = fields.Date("Report Deadline", readonly=True)
    meet_deadline = fields.Date("Meeting Deadline", readonly=True)
    progress_deadline = fields.Date("Progress Report Deadline",
        readonly=True)
    closing_report_deadline = fields.Date("Closing Report Deadline",
        readonly=True)
    receipt_report_date = fields.Date("Reported", readonly=True)
    met_date = fields.Date("Leader Met the Petitioner", readonly=True)
    progress_report_date = fields.Date("Progress Reported", readonly=True)
    closing_report_date = fields.Date("Closing Reported", readonly=True)
    reminded = fields.Char("Reminded Clocks", readonly=True)
    clocks = fields.Function(fields.Text("Clocks"), 'get_clocks')

    # key petitions and leader ownership (领导包案)
    owner_leader = fields.Many2One('res.user', "Owning Leader",
        ondelete='RESTRICT',
        states={
            'invisible': ~Eval('key'),
            'readonly': ~Eval('state').in_(OPEN_STATES),
            })
    leader_assigned_date = fields.Date("Leader Assigned", readonly=True)
    plans = fields.One2Many('court.petition.plan', 'petition', "Plan",
        states={
            'invisible': ~Eval('key'),
            'readonly': ~Eval('state').in_(OPEN_STATES),
            })
    reports = fields.One2Many('court.petition.report', 'petition',
        "Reports", states={'readonly': Eval('state').in_(
                ['draft', 'cancelled'])})
    supervisions = fields.One2Many('court.petition.supervision',
        'petition', "Supervision",
        states={'readonly': Eval('state').in_(['draft', 'cancelled'])})
    closure_approved = fields.Boolean("Closure Approved", readonly=True)
    closure_approved_by = fields.Many2One('res.user', "Approved by",
        readonly=True)
    closure_approved_date = fields.Date("Approved", readonly=True)

    # superior court
    assigning_court = fields.Many2One('company.company', "Assigning Court",
        readonly=True, ondelete='RESTRICT')
    superior_petition = fields.Many2One('court.petition',
        "Superior Court's Petition", readonly=True, ondelete='RESTRICT')
    feedback_text = fields.Text("Feedback to the Superior Court",
        states={
            'invisible': ~Eval('assigning_court'),
            'readonly': Bool(Eval('feedback_date')),
            })
    feedback_date = fields.Date("Feedback Sent", readonly=True)

    # repeat petitions
    repeat = fields.Boolean("Repeat Petition", readonly=True)
    repeat_of = fields.Many2One('court.petition', "First Petition",
        readonly=True, ondelete='SET NULL',
        help="The first earlier petition of the series in this court.")
    previous_count = fields.Integer("Earlier Petitions", readonly=True)
    related_petitions = fields.Function(fields.Many2Many(
            'court.petition', None, None, "Related Petitions"),
        'get_related_petitions')

    # data quality (D3)
    quality_ok = fields.Boolean("Reporting Data Complete", readonly=True)
    # 1 a petition: what the graph view adds up, so its bars count
    # petitions (sao sums the y field; the id would sum ids)
    petition_count = fields.Function(
        fields.Integer("Petitions"), 'get_petition_count')
    quality_issues = fields.Text("Reporting Data Issues", readonly=True)

    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    def get_petition_count(self, name):
        return 1

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
                    (t.registered_date, Index.Range())),
                Index(t, (t.original_trial_number, Index.Equality())),
                Index(t, (t.original_enforcement_number, Index.Equality())),
                Index(t, (t.assignee, Index.Equality())),
                Index(t, (t.department, Index.Equality())),
                Index(t, (t.owner_leader, Index.Equality())),
                Index(t, (t.assigning_court, Index.Equality())),
                Index(t, (t.superior_petition, Index.Equality())),
                Index(t, (t.finish_deadline, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                })
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            ('registered', 'assigned'),
            ('assigned', 'handled'),
            ('assigned', 'replied'),
            ('handled', 'replied'),
            ('replied', 'closed'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    },
                'assign': {
                    'invisible': (Eval('state') != 'registered')
                    | Bool(Eval('assigned_to_court')),
                    'icon': 'tryton-forward',
                    },
                'assign_down': {
                    'invisible': (Eval('state') != 'registered')
                    | ~Eval('assigned_to_court'),
                    'icon': 'tryton-forward',
                    },
                'handle': {
                    'invisible': Eval('state') != 'assigned',
                    'icon': 'tryton-ok',
                    },
                'reply': {
                    'invisible': ~Eval('state').in_(
                        ['registered', 'assigned', 'handled']),
                    'icon': 'tryton-forward',
                    },
                'close': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'handled', 'replied']),
                    'icon': 'tryton-ok',
                    },
                'extend': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-clock',
                    },
                'assign_leader': {
                    'invisible': ~Eval('key')
                    | ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-forward',
                    },
                'approve_closure': {
                    'invisible': ~Eval('key')
                    | ~Eval('state').in_(OPEN_STATES)
                    | Bool(Eval('closure_approved')),
                    'icon': 'tryton-ok',
                    },
                'send_feedback': {
                    'invisible': ~Eval('assigning_court')
                    | Bool(Eval('feedback_date'))
                    | ~Eval('state').in_(['replied', 'closed']),
                    'icon': 'tryton-forward',
                    },
                'follow_up': {
                    'invisible': (Eval('state') != 'closed')
                    | Bool(Eval('followup_date')),
                    'icon': 'tryton-ok',
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
    def default_channel():
        return 'window'

    @staticmethod
    def default_received_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_key():
        return False

    @staticmethod
    def default_extended():
        return False

    @staticmethod
    def default_repeat():
        return False

    @staticmethod
    def default_closure_approved():
        return False

    @staticmethod
    def default_quality_ok():
        return False

    @fields.depends('demand_kind', 'reply_mode')
    def on_change_demand_kind(self):
        if self.demand_kind and not self.reply_mode:
            self.reply_mode = REPLY_MODE_OF_DEMAND.get(self.demand_kind)

    @fields.depends('channel', 'key')
    def on_change_channel(self):
        if self.channel == 'superior':
            self.key = True

    def get_rec_name(self, name):
        return self.number or gettext('court_petition.msg_petition_unnumbered',
            id=self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('number', operator, value, *extra),
            ('petitioners.party.name', operator, value, *extra),
            ('original_trial_number', operator, value, *extra),
            ('original_enforcement_number', operator, value, *extra),
            ]

    @classmethod
    def get_petitioner_names(cls, petitions, name):
        pool = Pool()
        Petitioner = pool.get('court.petition.petitioner')
        Party = pool.get('party.party')
        line = Petitioner.__table__()
        party = Party.__table__()
        found = defaultdict(list)
        cursor = Transaction().connection.cursor()
        ids = [p.id for p in petitions]
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.join(party,
                    condition=line.party == party.id).select(
                    line.petition, party.name,
                    where=line.petition.in_(list(sub_ids)),
                    order_by=[line.petition, line.id]))
            for petition_id, party_name in cursor.fetchall():
                found[petition_id].append(party_name)
        return {i: '、'.join(found[i]) or None for i in ids}

    @classmethod
    def search_petitioner_names(cls, name, clause):
        return [('petitioners.party.name',) + tuple(clause[1:])]

    # clocks
    def get_clocks(self, name):
        "A line a clock: its deadline and whether it was kept"
        Date = Pool().get('ir.date')
        today = Date.today()
        labels = dict(self._clock_labels())
        lines = []
        for clock, (deadline_name, done_name, states) in CLOCKS.items():
            deadline = getattr(self, deadline_name)
            if not deadline:
                continue
            done = getattr(self, done_name) if done_name else None
            if done:
                status = gettext('court_petition.msg_clock_done'
                    if done <= deadline else 'court_petition.msg_clock_late',
                    date=done)
            elif self.state in states and deadline < today:
                status = gettext('court_petition.msg_clock_overdue')
            elif self.state in states:
                status = gettext('court_petition.msg_clock_running')
            else:
                status = ''
            lines.append('%s：%s %s' % (labels[clock], deadline, status))
        return '\n'.join(lines)

    @classmethod
    def _clock_labels(cls):
        return [(c, cls._fields[f].string)
            for c, (f, _, _) in CLOCKS.items()]

    def compute_fields(self, field_names=None):
        "The acceptance clock and the reporting-data check (D3)"
        values = {}
        if field_names is None or 'received_date' in field_names:
            config = Pool().get('court.petition.configuration')(1)
            deadline = due_date(self.received_date, config.accept_days,
                config.accept_day_kind)
            if deadline != self.accept_deadline:
                values['accept_deadline'] = deadline
        ok, issues = self.check_quality()
        issues = '\n'.join(issues) or None
        if ok != self.quality_ok or issues != self.quality_issues:
            values['quality_ok'] = ok
            values['quality_issues'] = issues
        return values

    def check_quality(self, config=None):
        """Return (complete and valid, [issues]) against the reporting
        fields the configuration requires"""
        pool = Pool()
        if config is None:
            config = pool.get('court.petition.configuration')(1)
        issues = []
        for name in config.required_field_names():
            if name == 'petitioner_id_number':
                missing = [p for p in self.petitioners if p.party
                    and p.party.party_kind == 'person'
                    and not p.party.id_number]
                if missing or not self.petitioners:
                    issues.append(gettext(
                            'court_petition.msg_quality_id_number'))
            elif name == 'petitioner_mobile':
                if not self.petitioners or any(
                        not (p.party and p.party.mobile_number)
                        for p in self.petitioners):
                    issues.append(gettext(
                            'court_petition.msg_quality_mobile'))
            elif name == 'original_case':
                if not (self.original_trial_number
                        or self.original_enforcement_number):
                    issues.append(gettext(
                            'court_petition.msg_quality_original_case'))
            else:
                value = getattr(self, name, None)
                if isinstance(value, str):
                    value = value.strip()
                if value in (None, '', (), []):
                    issues.append(gettext(
                            'court_petition.msg_quality_missing',
                            field=self._fields[name].string))
        # validity whatever the list
        if (self.registered_date and self.received_date
                and self.registered_date < self.received_date):
            issues.append(gettext('court_petition.msg_quality_dates'))
        return not issues, issues

    @classmethod
    def recheck_quality(cls, petitions=None):
        "Check the reporting data again (after the list changed)"
        with without_check_access():
            if petitions is None:
                petitions = cls.search([])
            for sub in grouped_slice(petitions, 1000):
                cls._compute_fields(cls.browse(list(sub)))

    @classmethod
    def set_clocks(cls, petitions, config=None):
        "Set the deadlines of registered petitions (not saved)"
        if config is None:
            config = Pool().get('court.petition.configuration')(1)
        for petition in petitions:
            start = petition.registered_date
            days = config.finish_days + (
                petition.extension_days if petition.extended else 0)
            petition.finish_deadline = due_date(
                start, days, config.finish_day_kind)
            if petition.channel == 'superior':
                petition.report_deadline = due_date(
                    start, config.report_days, config.report_day_kind)
                petition.meet_deadline = due_date(
                    start, config.meet_days, config.meet_day_kind)
                petition.progress_deadline = due_date(
                    start, config.progress_days, config.progress_day_kind)
                petition.closing_report_deadline = due_date(
                    start, config.closing_report_days,
                    config.closing_report_day_kind)

    # repeat petitions
    @classmethod
    def find_previous(cls, petition, window_days=None):
        """Return the ids of the earlier registered petitions of the same
        person (party, so ID number) and the same matter: the same original
        trial or enforcement case, or the same category; in every court and
        channel, received within the repeat window.  One indexed query."""
        pool = Pool()
        Petitioner = pool.get('court.petition.petitioner')
        if window_days is None:
            window_days = pool.get(
                'court.petition.configuration')(1).repeat_window_days
        parties = [p.party.id for p in petition.petitioners if p.party]
        if not parties:
            return []
        line = Petitioner.__table__()
        table = cls.__table__()
        matter = Literal(False)
        if petition.original_trial_number:
            matter |= (table.original_trial_number
                == petition.original_trial_number)
        if petition.original_enforcement_number:
            matter |= (table.original_enforcement_number
                == petition.original_enforcement_number)
        if petition.category:
            matter |= table.category == petition.category
        received = petition.received_date
        where = (line.party.in_(parties)
            & table.state.in_(REGISTERED_STATES)
            & (table.id != petition.id)
            & (table.received_date <= received)
            & (table.received_date
                >= received - dt.timedelta(days=window_days))
            & matter)
        # the linked records of a petition assigned down are one petition
        if petition.superior_petition:
            where &= table.id != petition.superior_petition.id
            where &= (Coalesce(table.superior_petition, -1)
                != petition.superior_petition.id)
        if petition.id is not None and petition.id >= 0:
            where &= (Coalesce(table.superior_petition, -1) != petition.id)
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.join(table,
                condition=line.petition == table.id).select(
                table.id, table.received_date,
                where=where,
                order_by=[table.received_date.asc, table.id.asc]))
        seen, ids = set(), []
        for petition_id, _ in cursor.fetchall():
            if petition_id not in seen:
                seen.add(petition_id)
                ids.append(petition_id)
        # an earlier petition received the same day counts only if
        # registered before (lower id)
        if petition.id is not None and petition.id >= 0:
            same_day = {p.id for p in cls.browse(ids)
                if p.received_date == received and p.id > petition.id}
            ids = [i for i in ids if i not in same_day]
        return ids

    @classmethod
    def get_related_petitions(cls, petitions, name):
        """Every petition of the same petitioners or about the same
        original case, in the courts the user sees (关联查询)"""
        result = {}
        for petition in petitions:
            domain = ['OR',
                ('petitioners.party', 'in',
                    [p.party.id for p in petition.petitioners if p.party])]
            for field in ['original_trial_number',
                    'original_enforcement_number']:
                value = getattr(petition, field)
                if value:
                    domain.append(['OR',
                            ('original_trial_number', '=', value),
                            ('original_enforcement_number', '=', value)])
            if len(domain) < 2:
                result[petition.id] = []
                continue
            # function fields are computed without access checks: list
            # only what the user may open
            with check_access():
                result[petition.id] = [p.id for p in cls.search([
                            ('id', '!=', petition.id), domain],
                        order=[('received_date', 'DESC'), ('id', 'DESC')],
                        limit=200)]
        return result

    # validation
    @classmethod
    def _validate(cls, petitions, field_names=None):
        # before Tryton's domain check, which would give a generic message
        if field_names is None or {'department', 'company'} & set(
                field_names):
            with without_check_access():
                for petition in petitions:
                    department = petition.department
                    if department and department.company != (
                            petition.company):
                        raise PetitionError(gettext(
                                'court_petition.msg_department_court',
                                petition=petition.rec_name,
                                department=department.rec_name,
                                court=department.company.rec_name))
        super()._validate(petitions, field_names=field_names)

    @classmethod
    def validate_fields(cls, petitions, field_names):
        super().validate_fields(petitions, field_names)
        today = Pool().get('ir.date').today()
        for petition in petitions:
            if petition.received_date and petition.received_date > today:
                raise PetitionError(gettext(
                        'court_petition.msg_received_future',
                        petition=petition.rec_name))
            if petition.extension_days is not None and (
                    petition.extension_days < 0):
                raise PetitionError(gettext(
                        'court_petition.msg_extension_days',
                        petition=petition.rec_name,
                        max=Pool().get('court.petition.configuration')(
                            1).extension_max_days))
            if petition.owner_leader:
                cls.check_leader(petition, petition.owner_leader)
            if petition.channel == 'superior' and not petition.key:
                raise PetitionError(gettext(
                        'court_petition.msg_superior_key',
                        petition=petition.rec_name))

    @classmethod
    def validate(cls, petitions):
        super().validate(petitions)
        for petition in petitions:
            cls.check_intake(petition)

    @classmethod
    def check_intake(cls, petition):
        "A petition needs its channel and a petitioner (必登记)"
        if not petition.channel and not petition.petitioners:
            raise PetitionError(gettext(
                    'court_petition.msg_channel_petitioner_required',
                    petition=petition.rec_name))
        if not petition.channel:
            raise PetitionError(gettext(
                    'court_petition.msg_channel_required',
                    petition=petition.rec_name))
        if not petition.petitioners:
            raise PetitionError(gettext(
                    'court_petition.msg_petitioner_required',
                    petition=petition.rec_name))

    # written by the workflow only, never directly by a client
    _workflow_fields = {
        'state', 'number', 'registered_date', 'assigned_date',
        'handled_date', 'reply_date', 'closed_date', 'accept_deadline',
        'finish_deadline', 'extended', 'report_deadline', 'meet_deadline',
        'progress_deadline', 'closing_report_deadline',
        'receipt_report_date', 'met_date', 'progress_report_date',
        'closing_report_date', 'reminded', 'leader_assigned_date',
        'closure_approved', 'closure_approved_by', 'closure_approved_date',
        'assigning_court', 'superior_petition', 'feedback_date', 'repeat',
        'repeat_of', 'previous_count', 'quality_ok', 'quality_issues',
        'company'}
    # the intake, fixed once the petition is assigned
    _intake_fields = {
        'channel', 'received_date', 'received_time', 'petitioners', 'matter',
        'demand', 'demand_kind', 'category', 'original_trial_number',
        'original_enforcement_number'}

    @classmethod
    def check_modification(cls, mode, petitions, values=None,
            external=False):
        super().check_modification(
            mode, petitions, values=values, external=external)
        if mode == 'create' and external:
            for petition in petitions:
                if (petition.state != 'draft' or petition.number
                        or petition.superior_petition
                        or petition.assigning_court):
                    raise PetitionError(gettext(
                            'court_petition.msg_create_draft'))
        if mode != 'write' or not external or not values:
            return
        names = set(values)
        if names & cls._workflow_fields:
            raise PetitionError(gettext(
                    'court_petition.msg_workflow_fields',
                    fields=', '.join(sorted(names & cls._workflow_fields))))
        # the lines of petitioners guard themselves; a client sending the
        # intake unchanged with the form (sao does) is not refused
        intake = names & (cls._intake_fields - {'petitioners'})
        if intake:
            def same(current, value):
                if isinstance(current, ModelSQL):
                    current = current.id
                return (current or None) == (value or None)
            for petition in petitions:
                if petition.state not in ('draft', 'registered') and any(
                        not same(getattr(petition, n), values[n])
                        for n in intake):
                    raise PetitionError(gettext(
                            'court_petition.msg_intake_fixed',
                            petition=petition.rec_name))
        if 'owner_leader' in names:
            # the owning leader is chosen by a court leader
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            User = pool.get('res.user')
            group = ModelData.get_id('court_base', 'group_court_leader')
            if group not in User.get_groups():
                raise PetitionError(gettext(
                        'court_petition.msg_leader_by_leader'))

    @classmethod
    def copy(cls, petitions, default=None):
        default = default.copy() if default is not None else {}
        for name in (cls._workflow_fields - {'company', 'state'}) | {
                'assigned_to_court', 'subordinate_petitions', 'reports',
                'supervisions', 'plans', 'owner_leader', 'assignee',
                'department', 'assign_deadline', 'handling_note',
                'reply_text', 'reply_mode', 'outcome', 'outcome_reason',
                'followup_date', 'followup_note', 'extension_days',
                'extension_reason', 'feedback_text', 'cancel_reason'}:
            default.setdefault(name, False
                if cls._fields[name]._type == 'boolean' else None)
        default.setdefault('state', 'draft')
        default.setdefault('key', False)
        return super().copy(petitions, default=default)

    # transitions
    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def _now_time(court):
        """The time now in the court's time zone (the server's without
        one), to the minute: when a petition assigned down arrives"""
        from trytond.tools import timezone as tz
        zone = tz.ZoneInfo(court.timezone) if court.timezone else None
        return dt.datetime.now(zone).time().replace(
            second=0, microsecond=0)

    @classmethod
    @numbers_locked_first('petition')
    @ModelView.button
    def register(cls, petitions):
        pool = Pool()
        Counter = pool.get('court.number.counter')
        Configuration = pool.get('court.petition.configuration')
        config = Configuration(1)
        today = cls._today()
        for petition in petitions:
            if petition.state != 'draft':
                raise PetitionError(gettext(
                        'court_petition.msg_state',
                        petition=petition.rec_name))
            cls.check_intake(petition)
        for petition in petitions:
            petition.registered_date = today
            petition.number = Counter.next_number(
                petition.company, 'petition', today)
            if petition.channel == 'superior':
                petition.key = True
            previous = cls.find_previous(petition,
                window_days=config.repeat_window_days)
            petition.previous_count = len(previous)
            petition.repeat = bool(previous)
            # the first petition shown is the court's own (the users of
            # the court may not open another court's)
            same_court = [p for p in cls.browse(previous)
                if p.company == petition.company]
            petition.repeat_of = same_court[0] if same_court else None
        cls.set_clocks(petitions, config)
        cls.save(petitions)
        cls._register(petitions)
        cls._sms_petitioners(petitions, 'court_petition.msg_sms_registered')

    @classmethod
    @Workflow.transition('registered')
    def _register(cls, petitions):
        pass

    @classmethod
    @ModelView.button
    def assign(cls, petitions):
        today = cls._today()
        for petition in petitions:
            if petition.state != 'registered':
                raise PetitionError(gettext(
                        'court_petition.msg_assign_state',
                        petition=petition.rec_name))
            if not petition.department and not petition.assignee:
                raise PetitionError(gettext(
                        'court_petition.msg_assign_to_required',
                        petition=petition.rec_name))
            if petition.assignee and petition.company not in (
                    petition.assignee.companies):
                raise PetitionError(gettext(
                        'court_petition.msg_assignee_court',
                        petition=petition.rec_name,
                        user=petition.assignee.rec_name))
            if not petition.assign_deadline:
                petition.assign_deadline = petition.finish_deadline
            if petition.assign_deadline < today:
                raise PetitionError(gettext(
                        'court_petition.msg_assign_deadline_past',
                        petition=petition.rec_name))
            petition.assigned_date = today
        cls.save(petitions)
        cls._assign(petitions)
        cls._notify(
            [(p, u) for p in petitions for u in p.handlers()],
            'court_petition.msg_notify_assigned')

    def handlers(self):
        "The users the petition is assigned to: its judge, its department's"
        users = [self.assignee] if self.assignee else []
        if self.department:
            with without_check_access():
                users += [u for u in self.department.users
                    if u not in users]
        return users

    @classmethod
    @Workflow.transition('assigned')
    def _assign(cls, petitions):
        pass

    @classmethod
    @ModelView.button
    def assign_down(cls, petitions):
        """A superior court's petition handed to a court below: a linked
        petition of that court, registered at once (channel: assigned by a
        superior court; key), which the court below handles and answers
        with its feedback."""
        pool = Pool()
        Company = pool.get('company.company')
        today = cls._today()
        for petition in petitions:
            if petition.state != 'registered':
                raise PetitionError(gettext(
                        'court_petition.msg_assign_state',
                        petition=petition.rec_name))
            court = petition.assigned_to_court
            if not court or court == petition.company or court.id not in (
                    Company.court_and_subordinates([petition.company.id])):
                raise PetitionError(gettext(
                        'court_petition.msg_assign_down_court',
                        petition=petition.rec_name))
        copies = []
        with without_check_access():
            for petition in petitions:
                copy, = cls.copy([petition], default={
                        'company': petition.assigned_to_court.id,
                        'channel': 'superior',
                        'key': True,
                        'received_date': today,
                        'received_time': cls._now_time(
                            petition.assigned_to_court),
                        'assigning_court': petition.company.id,
                        'superior_petition': petition.id,
                        })
                copies.append(copy)
            cls.register(cls.browse(copies))
        for petition in petitions:
            petition.assigned_date = today
        cls.save(petitions)
        cls._assign(petitions)
        cls._notify_court_officers(copies,
            'court_petition.msg_notify_assigned_down')

    @classmethod
    @ModelView.button
    def handle(cls, petitions):
        today = cls._today()
        for petition in petitions:
            if petition.state != 'assigned':
                raise PetitionError(gettext(
                        'court_petition.msg_handle_state',
                        petition=petition.rec_name))
            if not (petition.handling_note or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_handling_required',
                        petition=petition.rec_name))
            petition.handled_date = today
        cls.save(petitions)
        cls._handle(petitions)

    @classmethod
    @Workflow.transition('handled')
    def _handle(cls, petitions):
        pass

    @classmethod
    @ModelView.button
    def reply(cls, petitions):
        today = cls._today()
        for petition in petitions:
            if petition.state not in ('assigned', 'handled'):
                raise PetitionError(gettext(
                        'court_petition.msg_reply_unassigned'
                        if petition.state in ('draft', 'registered')
                        else 'court_petition.msg_state',
                        petition=petition.rec_name))
            if not (petition.reply_text or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_reply_text_required',
                        petition=petition.rec_name))
            if not petition.reply_mode:
                petition.reply_mode = REPLY_MODE_OF_DEMAND.get(
                    petition.demand_kind, 'written')
            if not petition.handled_date:
                petition.handled_date = today
            petition.reply_date = today
        cls.save(petitions)
        cls._reply(petitions)
        cls._sms_petitioners(petitions, 'court_petition.msg_sms_replied')

    @classmethod
    @Workflow.transition('replied')
    def _reply(cls, petitions):
        pass

    @classmethod
    @ModelView.button
    def close(cls, petitions):
        today = cls._today()
        for petition in petitions:
            if petition.state != 'replied':
                raise PetitionError(gettext(
                        'court_petition.msg_close_unreplied'
                        if petition.state in ['draft'] + OPEN_STATES
                        else 'court_petition.msg_state',
                        petition=petition.rec_name))
            if not petition.outcome:
                raise PetitionError(gettext(
                        'court_petition.msg_outcome_required',
                        petition=petition.rec_name))
            if not (petition.outcome_reason or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_outcome_reason_required',
                        petition=petition.rec_name))
            if petition.key and not petition.closure_approved:
                raise PetitionError(gettext(
                        'court_petition.msg_closure_not_approved',
                        petition=petition.rec_name))
            petition.closed_date = today
        cls.save(petitions)
        cls._close(petitions)

    @classmethod
    @Workflow.transition('closed')
    def _close(cls, petitions):
        pass

    @classmethod
    @ModelView.button
    def extend(cls, petitions):
        pool = Pool()
        config = pool.get('court.petition.configuration')(1)
        for petition in petitions:
            if petition.extended:
                raise PetitionError(gettext(
                        'court_petition.msg_extension_once',
                        petition=petition.rec_name))
            if petition.state not in OPEN_STATES:
                raise PetitionError(gettext(
                        'court_petition.msg_state',
                        petition=petition.rec_name))
            days = petition.extension_days or 0
            if not 0 < days <= config.extension_max_days:
                raise PetitionError(gettext(
                        'court_petition.msg_extension_days',
                        petition=petition.rec_name,
                        max=config.extension_max_days))
            if not (petition.extension_reason or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_extension_reason',
                        petition=petition.rec_name))
            petition.extended = True
            petition.reminded = ','.join(
                c for c in (petition.reminded or '').split(',')
                if c and c != 'finish') or None
        cls.set_clocks(petitions, config)
        cls.save(petitions)

    @classmethod
    def _user_court_ids(cls):
        User = Pool().get('res.user')
        transaction = Transaction()
        if not transaction.user:
            return None
        user = User(transaction.user)
        return {c.id for c in user.companies}

    @classmethod
    def check_leader(cls, petition, leader):
        "The owning leader is a court leader of the petition's court"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('court_base', 'group_court_leader')
        with without_check_access():
            groups = {g.id for g in leader.groups}
            courts = {c.id for c in leader.companies}
        if group not in groups or petition.company.id not in courts:
            raise PetitionError(gettext(
                    'court_petition.msg_leader_court',
                    petition=petition.rec_name, leader=leader.rec_name))

    @classmethod
    @ModelView.button
    def assign_leader(cls, petitions):
        """A court leader makes the leader chosen in the form (owner_leader)
        the owner of the key petitions (领导包案)"""
        courts = cls._user_court_ids()
        today = cls._today()
        for petition in petitions:
            if not petition.key or petition.state not in OPEN_STATES:
                raise PetitionError(gettext(
                        'court_petition.msg_leader_not_key',
                        petition=petition.rec_name))
            if courts is not None and petition.company.id not in courts:
                raise PetitionError(gettext(
                        'court_petition.msg_leader_assigner_court',
                        petition=petition.rec_name))
            if not petition.owner_leader:
                raise PetitionError(gettext(
                        'court_petition.msg_leader_required',
                        petition=petition.rec_name))
            cls.check_leader(petition, petition.owner_leader)
        with without_check_access():
            cls.write(list(petitions), {'leader_assigned_date': today})
        cls._notify([(p, p.owner_leader) for p in petitions],
            'court_petition.msg_notify_leader')

    @classmethod
    @ModelView.button
    def approve_closure(cls, petitions):
        """The assigning level approves the closure of a key petition: the
        superior court that assigned it, else a leader of its court."""
        courts = cls._user_court_ids()
        today = cls._today()
        user = Transaction().user
        for petition in petitions:
            if not petition.key or petition.state not in OPEN_STATES:
                raise PetitionError(gettext(
                        'court_petition.msg_leader_not_key',
                        petition=petition.rec_name))
            level = petition.assigning_court or petition.company
            if courts is not None and level.id not in courts:
                raise PetitionError(gettext(
                        'court_petition.msg_approve_level',
                        petition=petition.rec_name, court=level.rec_name))
            if not (petition.handling_note or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_approve_unhandled',
                        petition=petition.rec_name))
        with without_check_access():
            cls.write(list(petitions), {
                    'closure_approved': True,
                    'closure_approved_by': user or None,
                    'closure_approved_date': today,
                    })

    @classmethod
    @ModelView.button
    def send_feedback(cls, petitions):
        "Feedback to the superior court that assigned the petition (D5)"
        today = cls._today()
        for petition in petitions:
            if not petition.assigning_court or petition.feedback_date:
                raise PetitionError(gettext(
                        'court_petition.msg_feedback_not_assigned',
                        petition=petition.rec_name))
            if petition.state not in ('replied', 'closed'):
                raise PetitionError(gettext(
                        'court_petition.msg_feedback_unreplied',
                        petition=petition.rec_name))
            if not (petition.feedback_text or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_feedback_text_required',
                        petition=petition.rec_name))
        with without_check_access():
            cls.write(list(petitions), {'feedback_date': today})
        cls._notify(
            [(p.superior_petition, p.superior_petition.create_uid)
                for p in petitions if p.superior_petition],
            'court_petition.msg_notify_feedback')

    @classmethod
    @ModelView.button
    def follow_up(cls, petitions):
        for petition in petitions:
            if petition.state != 'closed':
                raise PetitionError(gettext(
                        'court_petition.msg_state',
                        petition=petition.rec_name))
            if not (petition.followup_note or '').strip():
                raise PetitionError(gettext(
                        'court_petition.msg_followup_required',
                        petition=petition.rec_name))
            if not petition.followup_date:
                petition.followup_date = cls._today()
            if petition.followup_date < petition.closed_date:
                raise PetitionError(gettext(
                        'court_petition.msg_followup_date',
                        petition=petition.rec_name))
        cls.save(petitions)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, petitions):
        cls.check_cancel_reason(petitions)

    # notifications and reminders
    @classmethod
    def _notify(cls, pairs, message, **kwargs):
        Notification = Pool().get('res.notification')
        vlist = []
        for petition, user in pairs:
            if not user:
                continue
            vlist.append({
                    'user': user.id,
                    'label': gettext(message, petition=petition.rec_name,
                        **kwargs),
                    'description': (petition.matter or '')[:200],
                    'model': cls.__name__,
                    'records': str([petition.id]),
                    })
        if vlist:
            with without_check_access():
                Notification.create(vlist)

    @classmethod
    def _sms_petitioners(cls, petitions, message):
        "A text message to each petitioner with a mobile number (court.sms)"
        Sms = Pool().get('court.sms')
        messages = []
        for petition in petitions:
            for petitioner in petition.petitioners:
                party = petitioner.party
                if party and party.mobile_number:
                    messages.append({
                            'number': party.mobile_number,
                            'party': party.id,
                            'company': petition.company.id,
                            'origin': str(petition),
                            'text': gettext(message,
                                court=petition.company.rec_name,
                                petition=petition.rec_name,
                                received=petition.received_date or ''),
                            })
        Sms.send(messages)

    @classmethod
    def _notify_court_officers(cls, petitions, message):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('court_base', 'group_petition_officer')
        pairs = []
        with without_check_access():
            for petition in petitions:
                for user in User.search([
                            ('groups', '=', group),
                            ('companies', '=', petition.company.id),
                            ]):
                    pairs.append((petition, user))
        cls._notify(pairs, message)

    @staticmethod
    def _not_reminded_domain(clock):
        """The domain of the petitions not yet reminded of the clock:
        `reminded` lists the clocks reminded of, separated by commas (a
        clock's name may be part of another's: report, closing_report)"""
        name = clock.replace('\\', '\\\\').replace('%', '\\%').replace(
            '_', '\\_')
        return ['OR', ('reminded', '=', None), [
                ('reminded', '!=', clock),
                ('reminded', 'not like', f'{name},%'),
                ('reminded', 'not like', f'%,{name}'),
                ('reminded', 'not like', f'%,{name},%'),
                ]]

    @classmethod
    def send_reminders(cls, date=None):
        """Cron: before each clock runs out (reminder days), tell the user
        who registered the petition, the assigned judge and the owning
        leader, once a clock."""
        pool = Pool()
        config = pool.get('court.petition.configuration')(1)
        Date = pool.get('ir.date')
        date = date or Date.today()
        limit = date + dt.timedelta(days=config.reminder_days)
        labels = dict(cls._clock_labels())
        reminded = []
        for clock, (deadline_name, done_name, states) in CLOCKS.items():
            petitions = cls.search([
                    ('state', 'in', states),
                    (deadline_name, '<=', limit),
                    (done_name, '=', None),
                    cls._not_reminded_domain(clock),
                    ])
            pairs = []
            for petition in petitions:
                users = {u for u in [petition.create_uid,
                        petition.owner_leader] + petition.handlers() if u}
                for user in users:
                    pairs.append((petition, user))
            for petition, user in pairs:
                cls._notify([(petition, user)],
                    'court_petition.msg_notify_deadline',
                    clock=labels[clock],
                    deadline=getattr(petition, deadline_name))
            for petition in petitions:
                petition.reminded = ','.join(
                    [c for c in (petition.reminded or '').split(',') if c]
                    + [clock])
                reminded.append(petition)
        if reminded:
            cls.save(reminded)
        return reminded


class Petitioner(ModelSQL, ModelView):
    "Petitioner"
    __name__ = 'court.petition.petitioner'
    _rec_name = 'party_name'
    petition = fields.Many2One('court.petition', "Petition", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Party", required=True,
        ondelete='RESTRICT')
    id_number = fields.Function(fields.Char("ID Number",
            help="Enter an ID number to find the person, or to register "
            "a new person with the name."),
        'get_party_field', setter='set_nothing')
    party_name = fields.Function(fields.Char("Name"), 'get_party_field',
        setter='set_nothing', searcher='search_party_name')
    mobile_number = fields.Function(fields.Char("Mobile Number"),
        'get_party_field')
    representative = fields.Boolean("Representative",
        help="The representative of a group petition.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Model.__setup__ resets __access__: add to it here
        cls.__access__.add('petition')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.petition, Index.Equality())),
                Index(t, (t.party, Index.Equality()),
                    (t.petition, Index.Equality())),
                })

    @staticmethod
    def default_representative():
        return False

    def get_party_field(self, name):
        if not self.party:
            return None
        if name == 'party_name':
            return self.party.name
        try:
            return getattr(self.party, name)
        except Exception:
            # the user may not read the ID number (field access)
            return None

    @classmethod
    def set_nothing(cls, lines, name, value):
        pass

    @classmethod
    def search_party_name(cls, name, clause):
        return [('party.name',) + tuple(clause[1:])]

    @fields.depends('id_number', 'party', 'party_name')
    def on_change_id_number(self):
        Party = Pool().get('party.party')
        party = Party.find_by_identifier(self.id_number)
        if party:
            self.party = party
            self.party_name = party.name

    @classmethod
    def preprocess_values(cls, mode, values):
        """A line given by ID number and name finds the person, or
        registers them (one person, one record across the platform)"""
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('party'):
            number = (values.get('id_number') or '').strip().upper()
            name = (values.get('party_name') or '').strip()
            if number:
                Party = Pool().get('party.party')
                party = Party.find_by_identifier(number)
                if not party and name:
                    party, = Party.create([{
                                'name': name,
                                'party_kind': 'person',
                                'id_number': number,
                                }])
                if party:
                    values['party'] = party.id
        values.pop('id_number', None)
        values.pop('party_name', None)
        return values

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode in {'create', 'write'}:
            Petition = Pool().get('court.petition')
            with without_check_access():
                Petition._compute_fields(Petition.browse(
                        list({l.petition.id for l in lines})))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'write' and not (set(values or {})
                - {'id_number', 'party_name'}):
            # only the helper fields of the form: nothing is stored
            return
        if external and mode in {'create', 'delete', 'write'}:
            for line in lines:
                if line.petition.state not in ('draft', 'registered'):
                    raise PetitionError(gettext(
                            'court_petition.msg_intake_fixed',
                            petition=line.petition.rec_name))


class _PetitionLine(ModelSQL, ModelView):
    __slots__ = ()
    petition = fields.Many2One('court.petition', "Petition", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('petition')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.petition, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_user():
        return Transaction().user or None

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        today = Pool().get('ir.date').today()
        for line in lines:
            if line.date and line.date > today:
                raise PetitionError(gettext(
                        'court_petition.msg_line_date_future',
                        petition=line.petition.rec_name))
            if line.petition.state in ('draft', 'cancelled'):
                raise PetitionError(gettext(
                        'court_petition.msg_line_state',
                        petition=line.petition.rec_name))


class Plan(ModelSQL, ModelView):
    "Petition Plan Line"
    __name__ = 'court.petition.plan'
    petition = fields.Many2One('court.petition', "Petition", required=True,
        ondelete='CASCADE')
    responsible = fields.Char("Who", required=True)
    action = fields.Text("What", required=True)
    due_date = fields.Date("By", required=True)
    done = fields.Boolean("Done")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('petition')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.petition, Index.Equality())))
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_done():
        return False


class Report(_PetitionLine):
    "Petition Report"
    __name__ = 'court.petition.report'
    date = fields.Date("Date", required=True)
    kind = fields.Selection(REPORT_KINDS, "Kind", required=True, sort=False)
    user = fields.Many2One('res.user', "By", readonly=True)
    text = fields.Text("Report", required=True)

    @staticmethod
    def default_kind():
        return 'progress'

    @classmethod
    def on_modification(cls, mode, reports, field_names=None):
        """The first report of a kind keeps its clock: registration
        report, meeting with the leader, progress and closing reports"""
        super().on_modification(mode, reports, field_names=field_names)
        if mode not in {'create', 'write'}:
            return
        Petition = Pool().get('court.petition')
        fields_of = {
            'receipt': 'receipt_report_date',
            'meeting': 'met_date',
            'progress': 'progress_report_date',
            'closing': 'closing_report_date',
            }
        to_write = []
        for report in reports:
            field = fields_of[report.kind]
            current = getattr(report.petition, field)
            if current is None or report.date < current:
                to_write.extend([[report.petition], {field: report.date}])
        if to_write:
            with without_check_access():
                Petition.write(*to_write)


class Supervision(_PetitionLine):
    "Petition Supervision Note"
    __name__ = 'court.petition.supervision'
    date = fields.Date("Date", required=True)
    user = fields.Many2One('res.user', "By", readonly=True)
    note = fields.Text("Supervision Note", required=True)
    due_date = fields.Date("Answer By")


class Escalation(CourtMixin, ModelSQL, ModelView):
    "Petition Escalation"
    __name__ = 'court.petition.escalation'
    date = fields.Date("Date", required=True)
    destination = fields.Selection([
            ('beijing', "Beijing"),
            ('province', "Province"),
            ('circuit', "4th Circuit Court"),
            ], "Destination", required=True, sort=False)
    party = fields.Many2One('party.party', "Petitioner", required=True,
        ondelete='RESTRICT')
    petition = fields.Many2One('court.petition', "Petition",
        ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Equality()),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @classmethod
    def validate_fields(cls, escalations, field_names):
        super().validate_fields(escalations, field_names)
        today = Pool().get('ir.date').today()
        for escalation in escalations:
            if escalation.date > today:
                raise PetitionError(gettext(
                        'court_petition.msg_escalation_future'))


class Sms(metaclass=PoolMeta):
    __name__ = 'court.sms'

    @classmethod
    def _origin_models(cls):
        return super()._origin_models() + ['court.petition']
