# This file is part of the court platform.  See LICENSE.
"""The roster of invited mediation organisations and mediators
(特邀调解组织和特邀调解员名册).

A roster is kept by a court (usually the intermediate court of a city) and
shared with the courts below it; each court appoints mediators from it
(``court.mediator.appointment``).  A mediator's state changes are kept with
their date and reason, so that the roster's size at any date can be
computed (B1, B3)."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import MediatorError

ORGANISATION_KINDS = [
    ('people', "People's Mediation"),
    ('industry', "Industry Mediation"),
    ('administrative', "Administrative Mediation"),
    ('lawyer', "Lawyer Mediation"),
    ('commercial', "Commercial Mediation"),
    ('studio', "Mediation Studio"),
    ('other', "Other"),
    ]
MEDIATOR_STATES = [
    ('candidate', "Candidate"),
    ('active', "Active"),
    ('suspended', "Suspended"),
    ('removed', "Removed"),
    ]


class Organisation(DeactivableMixin, CourtMixin, ModelSQL, ModelView):
    "Mediation Organisation"
    __name__ = 'court.mediation.organisation'
    name = fields.Char("Name", required=True)
    kind = fields.Selection(ORGANISATION_KINDS, "Kind", required=True)
    party = fields.Many2One(
        'party.party', "Organisation Party", ondelete='RESTRICT',
        domain=[('party_kind', '=', 'organisation')])
    contact = fields.Char("Contact")
    phone = fields.Char("Phone")
    address = fields.Char("Address")
    agreements = fields.One2Many(
        'court.mediation.agreement', 'organisation', "Agreements")
    mediators = fields.One2Many(
        'court.mediator', 'organisation', "Mediators", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('name_court_uniq', Unique(t, t.company, t.name),
                'court_mediation.msg_organisation_name_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_kind():
        return 'people'


class Agreement(ModelSQL, ModelView):
    "Court-Mediation Agreement"
    __name__ = 'court.mediation.agreement'
    organisation = fields.Many2One(
        'court.mediation.organisation', "Organisation", required=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Court", required=True, ondelete='RESTRICT',
        help="The court that signed the agreement.")
    signed_date = fields.Date("Signed", required=True)
    start_date = fields.Date("Start", required=True)
    end_date = fields.Date(
        "End",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])
    document = fields.Binary("Document", filename='document_name')
    document_name = fields.Char("Document Name")
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()),
                (t.start_date, Index.Range())))
        cls._order.insert(0, ('signed_date', 'DESC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class Mediator(Workflow, CourtMixin, ModelSQL, ModelView):
    "Invited Mediator"
    __name__ = 'court.mediator'
    _rec_name = 'name'
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT',
        domain=[('party_kind', '=', 'person')],
        states={'readonly': Eval('id', -1) >= 0})
    name = fields.Function(fields.Char("Name"), 'get_name',
        searcher='search_name')
    user = fields.Many2One(
        'res.user', "User", ondelete='SET NULL',
        help="The user the mediator logs in with.")
    organisation = fields.Many2One(
        'court.mediation.organisation', "Organisation", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    studio = fields.Char("Named Studio")
    specialities = fields.Many2Many(
        'court.mediator-court.dispute.type', 'mediator', 'dispute_type',
        "Specialities")
    division_codes = fields.Char(
        "Areas Served",
        help="Division codes of the townships or villages served, "
        "separated by spaces (a code covers everything under it).")
    state = fields.Selection(MEDIATOR_STATES, "State", readonly=True,
        required=True)
    join_date = fields.Date("Join Date")
    term_end = fields.Date("Term End")
    term_ending = fields.Function(fields.Boolean(
            "Term Ending",
            help="The term ends within the days of the configuration "
            "(or has ended) and the mediator is not removed."),
        'get_term_ending', searcher='search_term_ending')
    renewals = fields.One2Many(
        'court.mediator.renewal', 'mediator', "Renewals", readonly=True)
    state_date = fields.Date(
        "Date of Change",
        help="The date of the next state change (today if empty).")
    state_reason = fields.Char(
        "Reason of Change",
        help="Required to suspend or remove a mediator.")
    state_changes = fields.One2Many(
        'court.mediator.state_change', 'mediator', "State History",
        readonly=True)
    appointments = fields.One2Many(
        'court.mediator.appointment', 'mediator', "Appointments")
    trainings = fields.One2Many(
        'court.mediator.training', 'mediator', "Trainings")
    appraisals = fields.One2Many(
        'court.mediator.appraisal', 'mediator', "Appraisals")
    monthly_caseload = fields.Function(fields.Numeric(
            "Cases a Month", digits=(6, 2),
            help="Cases assigned a month while active, over the last 12 "
            "months (B2)."), 'get_caseload')
    caseload_status = fields.Function(fields.Selection([
                (None, ""),
                ('met', "Target Met"),
                ('under', "Under Target"),
                ('idle', "No Case (Nominal)"),
                ], "Caseload", sort=False,
            help="Against 5 cases a month over the last 12 months (B2); "
            "a mediator with no case is on the roster in name only "
            "(挂名不工作)."),
        'get_caseload', searcher='search_caseload_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_court_uniq', Unique(t, t.company, t.party),
                'court_mediation.msg_mediator_party_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.user, Index.Equality())),
                Index(t, (t.organisation, Index.Equality())),
                })
        cls._transitions |= {
            ('candidate', 'active'),
            ('active', 'suspended'),
            ('suspended', 'active'),
            ('candidate', 'removed'),
            ('active', 'removed'),
            ('suspended', 'removed'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': ~Eval('state').in_(
                        ['candidate', 'suspended']),
                    'icon': 'tryton-ok',
                    },
                'suspend': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-cancel',
                    },
                'remove': {
                    'invisible': Eval('state') == 'removed',
                    'icon': 'tryton-delete',
                    },
                'renew': {
                    'invisible': Eval('state') == 'removed',
                    'readonly': ~Eval('term_end'),
                    'icon': 'tryton-refresh',
                    'depends': ['term_end'],
                    },
                })

    @staticmethod
    def default_state():
        return 'candidate'

    @classmethod
    def check_modification(cls, mode, mediators, values=None,
            external=False):
        super().check_modification(
            mode, mediators, values=values, external=external)
        if external and (
                (mode == 'write' and values and {
                        'state', 'state_changes'} & set(values))
                or (mode == 'create' and any(
                        m.state != 'candidate' for m in mediators))):
            raise MediatorError(gettext(
                    'court_mediation.msg_mediator_state_workflow'))

    def get_name(self, name):
        return self.party.name if self.party else None

    @classmethod
    def _caseload_period(cls):
        "(start, end): the 12 months up to today, or the context's"
        context = Transaction().context
        end = context.get('caseload_end') or Pool().get('ir.date').today()
        start = context.get('caseload_start') or (
            end - dt.timedelta(days=364))
        return start, end

    @classmethod
    def _caseload(cls, mediators):
        """{mediator id: (rate, status)} of B2 for the period, computed
        once per roster court over the courts below it, for these
        mediators only (a mediator's rate does not depend on the others':
        a list page costs its 80 mediators, not the court's roster)"""
        pool = Pool()
        Indicator = pool.get('court.indicator')
        Company = pool.get('company.company')
        start, end = cls._caseload_period()
        result = {}
        by_court = {}
        for mediator in mediators:
            by_court.setdefault(mediator.company.id, []).append(mediator.id)
        b2 = Indicator.mediation_b2_caseload(
            Company.subordinates_of(list(by_court)), start, end,
            mediator=[m.id for m in mediators])
        for court_id, ids in by_court.items():
            details = b2[court_id].details
            under, idle = set(details['under_target']), set(
                details['no_cases'])
            for mediator_id in ids:
                rate = details['rates'].get(mediator_id)
                if rate is None:
                    status = None
                elif mediator_id in idle:
                    status = 'idle'
                elif mediator_id in under:
                    status = 'under'
                else:
                    status = 'met'
                result[mediator_id] = (rate, status)
        return result

    @classmethod
    def get_caseload(cls, mediators, names):
        caseload = cls._caseload(mediators)
        result = {n: {} for n in names}
        for mediator in mediators:
            rate, status = caseload.get(mediator.id, (None, None))
            if 'monthly_caseload' in result:
                result['monthly_caseload'][mediator.id] = (
                    rate.quantize(Decimal('0.01')) if rate is not None
                    else None)
            if 'caseload_status' in result:
                result['caseload_status'][mediator.id] = status
        return result

    @classmethod
    def search_caseload_status(cls, name, clause):
        _, operator, value = clause[:3]
        mediators = cls.search([('state', '!=', 'removed')])
        caseload = cls._caseload(mediators)
        values = value if isinstance(value, (list, tuple)) else [value]
        ids = [i for i, (_, status) in caseload.items()
            if status in values]
        if operator in {'=', 'in'}:
            return [('id', 'in', ids)]
        if operator in {'!=', 'not in'}:
            return [('id', 'not in', ids)]
        return [('id', '=', -1)]

    @classmethod
    def search_name(cls, name, clause):
        return [('party.name',) + tuple(clause[1:])]

    @classmethod
    def _change_state(cls, mediators, state, reason_required=False):
        pool = Pool()
        Change = pool.get('court.mediator.state_change')
        Date = pool.get('ir.date')
        today = Date.today()
        changes = []
        for mediator in mediators:
            reason = (mediator.state_reason or '').strip()
            if reason_required and not reason:
                raise MediatorError(gettext(
                        'court_mediation.msg_mediator_reason_required',
                        mediator=mediator.rec_name))
            date = mediator.state_date or today
            if date > today:
                raise MediatorError(gettext(
                        'court_mediation.msg_mediator_date_future',
                        mediator=mediator.rec_name))
            changes.append({
                    'mediator': mediator.id,
                    'date': date,
                    'from_state': mediator.state,
                    'to_state': state,
                    'reason': reason or None,
                    })
            if state == 'active' and not mediator.join_date:
                mediator.join_date = date
        Change.create(changes)
        for mediator in mediators:
            mediator.state_reason = None
            mediator.state_date = None
        cls.save(mediators)

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, mediators):
        cls._change_state(mediators, 'active')

    @classmethod
    @ModelView.button
    @Workflow.transition('suspended')
    def suspend(cls, mediators):
        cls._change_state(mediators, 'suspended', reason_required=True)

    @classmethod
    @ModelView.button
    @Workflow.transition('removed')
    def remove(cls, mediators):
        cls._change_state(mediators, 'removed', reason_required=True)

    @classmethod
    @ModelView.button
    def renew(cls, mediators):
        """Renew (续聘): the term end moves by the configured years; each
        renewal is kept (court.mediator.renewal)"""
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        Renewal = pool.get('court.mediator.renewal')
        Date = pool.get('ir.date')
        years = Configuration(1).renewal_years
        today = Date.today()
        renewals = []
        for mediator in mediators:
            if mediator.state == 'removed':
                raise MediatorError(gettext(
                        'court_mediation.msg_mediator_renew_removed',
                        mediator=mediator.rec_name))
            if not mediator.term_end:
                raise MediatorError(gettext(
                        'court_mediation.msg_mediator_renew_no_term',
                        mediator=mediator.rec_name))
            term_end = _add_years(mediator.term_end, years)
            renewals.append({
                    'mediator': mediator.id,
                    'date': today,
                    'previous_term_end': mediator.term_end,
                    'term_end': term_end,
                    'years': years,
                    })
            mediator.term_end = term_end
        cls.save(mediators)
        Renewal.create(renewals)

    @classmethod
    def _term_limit(cls):
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        Date = pool.get('ir.date')
        return Date.today() + dt.timedelta(
            days=Configuration(1).term_warning_days)

    @classmethod
    def get_term_ending(cls, mediators, name):
        limit = cls._term_limit()
        return {m.id: bool(m.term_end and m.term_end <= limit
                and m.state != 'removed') for m in mediators}

    @classmethod
    def search_term_ending(cls, name, clause):
        _, operator, value = clause[:3]
        ending = [('term_end', '<=', cls._term_limit()),
            ('state', '!=', 'removed')]
        if (operator == '=') == bool(value) and operator in {'=', '!='}:
            return ending
        return ['OR', ('term_end', '=', None),
            ('term_end', '>', cls._term_limit()),
            ('state', '=', 'removed')]

    def is_appointed(self, court, date):
        "Whether the mediator is appointed to court (or above it) on date"
        courts = set()
        while court:
            courts.add(court.id)
            court = court.superior
        for appointment in self.appointments:
            if (appointment.company.id in courts
                    and appointment.date_start <= date
                    and (not appointment.date_end
                        or appointment.date_end >= date)):
                return True
        return False


def _add_years(date, years):
    "date moved by years; 29 February becomes 28 February"
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


class MediatorRenewal(ModelSQL, ModelView):
    "Mediator Renewal"
    __name__ = 'court.mediator.renewal'
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    previous_term_end = fields.Date("Previous Term End", required=True)
    term_end = fields.Date("New Term End", required=True)
    years = fields.Integer("Years", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('mediator')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.mediator, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, renewals, values=None,
            external=False):
        "The renewals are written by the button 续聘 only"
        super().check_modification(
            mode, renewals, values=values, external=external)
        if external:
            raise MediatorError(gettext(
                    'court_mediation.msg_mediator_renewal_workflow'))


class MediatorDisputeType(ModelSQL):
    "Mediator - Dispute Type"
    __name__ = 'court.mediator-court.dispute.type'
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='CASCADE')
    dispute_type = fields.Many2One(
        'court.dispute.type', "Dispute Type", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.mediator, Index.Equality())))


class MediatorStateChange(ModelSQL, ModelView):
    "Mediator State Change"
    __name__ = 'court.mediator.state_change'
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    from_state = fields.Selection([(None, "")] + MEDIATOR_STATES, "From")
    to_state = fields.Selection(MEDIATOR_STATES, "To", required=True)
    reason = fields.Char("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('mediator')
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.mediator, Index.Equality()),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, changes, values=None,
            external=False):
        """The history is written by the buttons (activate, suspend,
        remove) only: the access to the mediator, which the history shares
        (__access__), would let the roster administrator write it"""
        super().check_modification(
            mode, changes, values=values, external=external)
        if external:
            raise MediatorError(gettext(
                    'court_mediation.msg_mediator_state_workflow'))


class MediatorAppointment(ModelSQL, ModelView):
    "Mediator Appointment"
    __name__ = 'court.mediator.appointment'
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Court", required=True, ondelete='RESTRICT')
    date_start = fields.Date("Start", required=True)
    date_end = fields.Date(
        "End",
        domain=[If(Eval('date_end') & Eval('date_start'),
                ('date_end', '>=', Eval('date_start')), ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('mediator')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.mediator, Index.Equality())),
                Index(t, (t.company, Index.Equality())),
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date_start():
        # the courts' today (ir.date, company time zone), not the server's
        return Pool().get('ir.date').today()


class MediatorTraining(ModelSQL, ModelView):
    "Mediator Training"
    __name__ = 'court.mediator.training'
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    title = fields.Char("Title", required=True)
    hours = fields.Numeric("Hours", digits=(6, 1),
        domain=['OR', ('hours', '=', None), ('hours', '>=', 0)])


    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('mediator')

class MediatorAppraisal(ModelSQL, ModelView):
    "Mediator Appraisal"
    __name__ = 'court.mediator.appraisal'
    mediator = fields.Many2One(
        'court.mediator', "Mediator", required=True, ondelete='CASCADE')
    year = fields.Integer("Year", required=True)
    result = fields.Selection([
            ('excellent', "Excellent"),
            ('competent', "Competent"),
            ('basic', "Basically Competent"),
            ('incompetent', "Incompetent"),
            ], "Result", required=True)
    score = fields.Numeric("Score", digits=(5, 1),
        domain=['OR', ('score', '=', None),
            [('score', '>=', 0), ('score', '<=', 100)]])
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('mediator_year_uniq', Unique(t, t.mediator, t.year),
                'court_mediation.msg_appraisal_year_unique'),
            ]
        cls.__access__.add('mediator')