# This file is part of the court platform.  See LICENSE.
"""The figures of pre-litigation mediation and of the invited-mediator
roster (kpi-catalog section B), for ``court.indicator``.

Every aggregate is computed in SQL (python-sql through the cursor); the
only figures worked out in Python are the days a mediator was active
(B2: intervals of the state history and of the appointments, read as
tuples).  Formulas and choices: doc/mediation_figures.md."""
import datetime as dt
import weakref
from collections import defaultdict
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case
from sql.functions import Extract, Round
from sql.operators import Equal, Exists

from trytond.modules.court_base.indicator import IndicatorResult, ratio
from trytond.pool import Pool, PoolMeta
from trytond.tools import reduce_ids
from trytond.transaction import Transaction

CASE_MODEL = 'court.mediation.case'
MEDIATOR_MODEL = 'court.mediator'
EXCLUDED_STATES = ['draft', 'cancelled']
JUDICIAL = ['judicial_confirmation', 'mediation_document']
REMOTE_MODES = ['video', 'audio']
DAYS_PER_MONTH = Decimal('365.25') / 12  # 30.4375
# transaction → (key, B2 of that key): see Indicator._mediation_b2
_B2_MEMO = weakref.WeakKeyDictionary()
# transaction → (key, signatures): see Indicator._mediation_signatures
_SIGNATURE_MEMO = weakref.WeakKeyDictionary()
# transaction → {key: mediators active at a date}: _mediators_active_at
_ACTIVE_MEMO = weakref.WeakKeyDictionary()


def _id(value):
    "An id, or a sorted tuple of ids for a list (a filter on several)"
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(sorted(int(v) for v in value))
    return int(value)


def _is(column, value):
    "column = the id, or column in the ids of a list"
    value = _id(value)
    if isinstance(value, tuple):
        return reduce_ids(column, value)
    return column == value


class Indicator(metaclass=PoolMeta):
    __name__ = 'court.indicator'

    # withdrawn cases count as concluded (B6-B10, B12, B16M, B18)
    _mediation_withdrawn_concluded = True
    # sources that are not pre-litigation mediation (B5N): a case
    # entrusted after filing (委托调解) is already a filed case
    _mediation_non_prelitigation_sources = ('entrusted',)
    # E2: the same parties and dispute within this many days is a duplicate
    _integrity_duplicate_days = 30
    # E4: a case received this many days before it was entered is
    # back-dated
    _integrity_backdate_days = 30
    # B2: monthly caseload target and the least months a mediator counts
    _mediator_monthly_target = 5
    _mediator_minimum_months = 1

    @classmethod
    def _providers(cls):
        providers = super()._providers()
        providers.update({
                'B1': ('mediation_b1_roster_growth',
                    "Growth of the active invited mediators"),
                'B2': ('mediation_b2_caseload',
                    "Share of mediators handling at least 5 cases a month"),
                'B2_under': ('mediation_b2_under_target',
                    "Mediators under the monthly caseload target"),
                'B3': ('mediation_b3_active_mediators',
                    "Active invited mediators"),
                'B4': ('mediation_b4_organisations',
                    "Organisations with a valid court-mediation agreement"),
                'B5N': ('mediation_b5_prelitigation_cases',
                    "Pre-litigation mediation cases registered"),
                'B6': ('mediation_b6_success',
                    "Mediation success rate"),
                'B7': ('mediation_b7_voluntary',
                    "Voluntary performance of successful mediations"),
                'B8': ('mediation_b8_judicial',
                    "Successful mediations to judicial confirmation or "
                    "a mediation document"),
                'B9': ('mediation_b9_duration',
                    "Mean days from acceptance to conclusion"),
                'B10': ('mediation_b10_remote',
                    "Mediations with an audio or video session"),
                'B11': ('mediation_b11_online_confirmation',
                    "Judicial confirmations submitted online"),
                'B12': ('mediation_b12_key_domain',
                    "Key-domain mediation success rate"),
                'B16M': ('mediation_b16_resolved',
                    "Disputes resolved by mediation"),
                'B18': ('mediation_b18_satisfaction',
                    "Satisfied ratings"),
                'E1': ('mediation_e1_reregistered',
                    "Settled and performed disputes registered again"),
                'E2': ('mediation_e2_duplicates',
                    "Same parties and dispute registered twice"),
                'E3': ('mediation_e3_hollow_successes',
                    "Successes without a session or with no time spent"),
                'E4': ('mediation_e4_backdated',
                    "Back-dated cases"),
                })
        return providers

    # ------------------------------------------------------------------
    # cases

    @classmethod
    def _mediation_dispute_type_ids(cls, dispute_type):
        DisputeType = Pool().get('court.dispute.type')
        with Transaction().set_context(active_test=False):
            return [t.id for t in DisputeType.search([
                        ('parent', 'child_of', [_id(dispute_type)], 'parent'),
                        ])]

    @classmethod
    def _mediation_case_where(cls, case, court_ids, station=None,
            mediator=None, dispute_type=None):
        "The condition every case-based figure starts from"
        # ranges of consecutive ids: a province's courts in few parameters
        where = (reduce_ids(case.company, list(court_ids))
            & ~case.state.in_(EXCLUDED_STATES))
        if station is not None:
            where &= case.station == _id(station)
        if mediator is not None:
            where &= _is(case.mediator, mediator)
        if dispute_type is not None:
            where &= case.dispute_type.in_(
                cls._mediation_dispute_type_ids(dispute_type))
        return where

    @classmethod
    def _mediation_tables(cls):
        pool = Pool()
        Case_ = pool.get(CASE_MODEL)
        DisputeType = pool.get('court.dispute.type')
        case = Case_.__table__()
        dispute_type = DisputeType.__table__()
        return case, dispute_type, case.join(dispute_type,
            condition=case.dispute_type == dispute_type.id)

    @classmethod
    def _mediation_has_session(cls, case, modes=None):
        Session = Pool().get('court.mediation.session')
        session = Session.__table__()
        where = session.case == case.id
        if modes:
            where &= session.mode.in_(list(modes))
        return Exists(session.select(session.id, where=where))

    @classmethod
    def _mediation_concluded(cls, case, start, end):
        """Concluded in [start, end]: succeeded, failed, withdrawn, or
        transferred after a mediation (at least one session: a case refused
        as not mediable and transferred never had one)."""
        states = ['succeeded', 'failed']
        if cls._mediation_withdrawn_concluded:
            states.append('withdrawn')
        return ((case.state.in_(states)
                | ((case.state == 'transferred')
                    & cls._mediation_has_session(case)))
            & (case.concluded_date >= start)
            & (case.concluded_date <= end))

    @classmethod
    def _batched(cls):
        return super()._batched() | {'B1', 'B2', 'B2_under', 'B3', 'B4',
            'B5N', 'B6', 'B7', 'B8', 'B9', 'B10', 'B11', 'B12', 'B16M',
            'B18', 'E1', 'E2', 'E3', 'E4'}

    @classmethod
    def _mediation_count(cls, code, court_ids, start, end, population,
            numerator=None, unit='ratio', filters=None, by=None):
        """Count the concluded cases of the period matching population
        (a function of the case and dispute type tables), and among them
        those matching numerator; return the IndicatorResult.
        Without numerator, the figure is the count of the population.
        `by` (a column of the same tables) adds details['by_domain']:
        {value: (numerator, denominator)}.  court_ids may be a batch
        ({key: ids}): one query, {key: IndicatorResult}."""
        def query(all_ids):
            case, dispute_type, from_ = cls._mediation_tables()
            where = (cls._mediation_case_where(case, all_ids,
                    **(filters or {}))
                & cls._mediation_concluded(case, start, end))
            if population is not None:
                where &= population(case, dispute_type)
            return from_.select(case.company, case.id,
                Case((numerator(case, dispute_type), 1), else_=0)
                if numerator is not None else Literal(0),
                by(case, dispute_type) if by is not None else Literal(None),
                where=where, order_by=[case.id])
        results = {}
        for key, rows in cls._batch_rows(court_ids, query).items():
            ids = [r[1] for r in rows]
            if numerator is None:
                results[key] = IndicatorResult(code=code, value=len(ids),
                    numerator=len(ids), unit='count', model=CASE_MODEL,
                    record_ids=ids)
                continue
            numerator_ids = [r[1] for r in rows if r[2]]
            num, den = len(numerator_ids), len(ids)
            result = results[key] = IndicatorResult(code=code,
                value=ratio(num, den), numerator=num, denominator=den,
                unit=unit, model=CASE_MODEL, record_ids=ids,
                details={'numerator_ids': numerator_ids})
            if by is not None and cls._batch_groups(court_ids)[key]:
                by_value = defaultdict(lambda: [0, 0])
                for _, _, selected, value in rows:
                    if value is not None:
                        by_value[value][1] += 1
                        by_value[value][0] += bool(selected)
                result.details['by_domain'] = {
                    value: tuple(counts)
                    for value, counts in by_value.items()}
        return cls._batch_answer(court_ids, results)

    @classmethod
    def mediation_b5_prelitigation_cases(cls, court_ids, start, end,
            station=None, mediator=None, dispute_type=None):
        "B5N: registered pre-litigation cases, accepted in [start, end]"
        def query(all_ids):
            case = Pool().get(CASE_MODEL).__table__()
            where = (cls._mediation_case_where(case, all_ids,
                    station=station, mediator=mediator,
                    dispute_type=dispute_type)
                & (case.accepted_date >= start)
                & (case.accepted_date <= end))
            if cls._mediation_non_prelitigation_sources:
                where &= ~case.source.in_(
                    list(cls._mediation_non_prelitigation_sources))
            return case.select(case.company, case.id, where=where,
                order_by=[case.id])
        return cls._batch_answer(court_ids, {
                key: IndicatorResult(code='B5N', value=len(rows),
                    numerator=len(rows), unit='count', model=CASE_MODEL,
                    record_ids=[r[1] for r in rows])
                for key, rows in cls._batch_rows(
                    court_ids, query).items()})

    @classmethod
    def mediation_b6_success(cls, court_ids, start, end, **filters):
        "B6: succeeded ÷ concluded"
        return cls._mediation_count('B6', court_ids, start, end, None,
            lambda c, t: c.state == 'succeeded', filters=filters)

    @classmethod
    def mediation_b7_voluntary(cls, court_ids, start, end, **filters):
        "B7: succeeded and performed voluntarily ÷ succeeded"
        return cls._mediation_count('B7', court_ids, start, end,
            lambda c, t: c.state == 'succeeded',
            lambda c, t: c.performance == 'voluntary', filters=filters)

    @classmethod
    def mediation_b8_judicial(cls, court_ids, start, end, **filters):
        "B8: succeeded to judicial confirmation or document ÷ succeeded"
        return cls._mediation_count('B8', court_ids, start, end,
            lambda c, t: c.state == 'succeeded',
            lambda c, t: c.performance.in_(JUDICIAL), filters=filters)

    @classmethod
    def mediation_b9_duration(cls, court_ids, start, end, **filters):
        """B9: mean days from accepted_date to concluded_date of the cases
        concluded in [start, end].  The day difference is computed in SQL
        from the epochs of both dates (PostgreSQL and SQLite), rounded per
        case (a daylight-saving hour on SQLite's local epoch)."""
        def query(all_ids):
            case, _, from_ = cls._mediation_tables()
            where = (cls._mediation_case_where(case, all_ids, **filters)
                & cls._mediation_concluded(case, start, end)
                & (case.accepted_date != Null))
            days = Round((Extract('EPOCH', case.concluded_date)
                    - Extract('EPOCH', case.accepted_date)) / 86400.0)
            return from_.select(case.company, case.id, days, where=where,
                order_by=[case.id])
        results = {}
        for key, rows in cls._batch_rows(court_ids, query).items():
            total = int(round(sum(r[2] or 0 for r in rows)))
            results[key] = IndicatorResult(code='B9',
                value=ratio(total, len(rows)), numerator=total,
                denominator=len(rows), unit='days', model=CASE_MODEL,
                record_ids=[r[1] for r in rows])
        return cls._batch_answer(court_ids, results)

    @classmethod
    def mediation_b10_remote(cls, court_ids, start, end, **filters):
        "B10: mediated cases with an audio/video session ÷ mediated cases"
        return cls._mediation_count('B10', court_ids, start, end,
            lambda c, t: cls._mediation_has_session(c),
            lambda c, t: cls._mediation_has_session(c, REMOTE_MODES),
            filters=filters)

    @classmethod
    def mediation_b11_online_confirmation(cls, court_ids, start, end,
            **filters):
        "B11: judicial confirmations submitted online ÷ all of them"
        return cls._mediation_count('B11', court_ids, start, end,
            lambda c, t: (c.state == 'succeeded')
            & (c.performance == 'judicial_confirmation'),
            lambda c, t: c.confirmation_online == Literal(True),
            filters=filters)

    @classmethod
    def mediation_b12_key_domain(cls, court_ids, start, end, **filters):
        """B12: key-domain cases succeeded ÷ key-domain cases concluded,
        with the same figure per key domain (details['by_domain'])"""
        return cls._mediation_count('B12', court_ids, start, end,
            lambda c, t: t.key_domain != Null,
            lambda c, t: c.state == 'succeeded', filters=filters,
            by=lambda c, t: t.key_domain)

    @classmethod
    def mediation_b16_resolved(cls, court_ids, start, end, **filters):
        "B16M: cases succeeded in [start, end] (numerator only)"
        return cls._mediation_count('B16M', court_ids, start, end,
            lambda c, t: c.state == 'succeeded', filters=filters)

    @classmethod
    def mediation_b18_satisfaction(cls, court_ids, start, end, **filters):
        "B18: rated 'satisfied' ÷ rated, of the cases concluded"
        return cls._mediation_count('B18', court_ids, start, end,
            lambda c, t: c.satisfaction != Null,
            lambda c, t: c.satisfaction == 'satisfied', filters=filters)

    # ------------------------------------------------------------------
    # roster: every code also takes a batch {key: court ids} (one query
    # for all the courts of an evaluation, split by court here)

    @classmethod
    def _mediators_active_at(cls, court_ids, date, mediator=None):
        """Return the sorted ids of the mediators active at date: their
        latest state change on or before date (the last created on the same
        date) is to 'active', and an appointment to one of court_ids covers
        date.  For a batch {key: court ids}: {key: sorted ids}.
        Remembered for the transaction until it writes (B1 and B3 of one
        scope ask for the same end date)."""
        transaction = Transaction()
        key = ('active_at', transaction.counter,
            isinstance(court_ids, dict),
            tuple(sorted((k, tuple(sorted(v or [])))
                    for k, v in cls._batch_groups(court_ids).items())),
            date, _id(mediator))
        memo = _ACTIVE_MEMO.setdefault(transaction, {})
        if key not in memo:
            if any(k[1] != transaction.counter for k in memo):
                memo.clear()
            memo[key] = cls._mediators_active_at_compute(
                court_ids, date, mediator)
        return memo[key]

    @classmethod
    def _mediators_active_at_compute(cls, court_ids, date, mediator=None):
        pool = Pool()
        Change = pool.get('court.mediator.state_change')
        Appointment = pool.get('court.mediator.appointment')

        def query(all_ids):
            change = Change.__table__()
            appointment = Appointment.__table__()
            # the courts' appointments first (on the indexed company), the
            # latest state only of the mediators they hold
            latest = change.select(change.to_state,
                where=(change.mediator == appointment.mediator)
                & (change.date <= date),
                order_by=[change.date.desc, change.id.desc], limit=1)
            where = (appointment.company.in_(all_ids)
                & (appointment.date_start <= date)
                & ((appointment.date_end == Null)
                    | (appointment.date_end >= date))
                & Equal(latest, 'active'))
            if mediator is not None:
                where &= _is(appointment.mediator, mediator)
            return appointment.select(appointment.company,
                appointment.mediator, where=where,
                group_by=[appointment.company, appointment.mediator])
        return cls._batch_answer(court_ids, {
                key: sorted({r[1] for r in rows})
                for key, rows in cls._batch_rows(court_ids, query).items()})

    @classmethod
    def _roster_batch(cls, court_ids, compute):
        """compute(key, court ids) for each group of court_ids (a list or
        a batch), answered as asked"""
        return cls._batch_answer(court_ids, {key: compute(key, ids)
                for key, ids in cls._batch_groups(court_ids).items()})

    @classmethod
    def mediation_b1_roster_growth(cls, court_ids, start, end,
            station=None, mediator=None, dispute_type=None):
        "B1: (active at end − active at start) ÷ active at start"
        groups = cls._batch_groups(court_ids)
        starts = cls._mediators_active_at(groups, start, mediator)
        ends = cls._mediators_active_at(groups, end, mediator)

        def result(key, ids):
            at_start, at_end = starts[key], ends[key]
            growth = len(at_end) - len(at_start)
            return IndicatorResult(code='B1',
                value=ratio(growth, len(at_start)), numerator=growth,
                denominator=len(at_start), unit='ratio',
                model=MEDIATOR_MODEL, record_ids=at_end, details={
                    'active_start': at_start,
                    'active_end': at_end,
                    'joined': sorted(set(at_end) - set(at_start)),
                    'left': sorted(set(at_start) - set(at_end)),
                    })
        return cls._roster_batch(court_ids, result)

    @classmethod
    def mediation_b3_active_mediators(cls, court_ids, start, end,
            station=None, mediator=None, dispute_type=None):
        "B3: active invited mediators at end"
        ends = cls._mediators_active_at(
            cls._batch_groups(court_ids), end, mediator)
        return cls._roster_batch(court_ids, lambda key, _: IndicatorResult(
                code='B3', value=len(ends[key]), numerator=len(ends[key]),
                unit='count', model=MEDIATOR_MODEL, record_ids=ends[key]))

    @classmethod
    def mediation_b4_organisations(cls, court_ids, start, end,
            station=None, mediator=None, dispute_type=None):
        """B4: distinct organisations with an agreement with one of the
        courts signed and in force on end"""
        Agreement = Pool().get('court.mediation.agreement')

        def query(all_ids):
            agreement = Agreement.__table__()
            return agreement.select(agreement.company,
                agreement.organisation,
                where=agreement.company.in_(all_ids)
                & (agreement.signed_date <= end)
                & (agreement.start_date <= end)
                & ((agreement.end_date == Null)
                    | (agreement.end_date >= end)),
                group_by=[agreement.company, agreement.organisation])
        rows = cls._batch_rows(court_ids, query)

        def result(key, ids):
            organisations = sorted({r[1] for r in rows[key]})
            return IndicatorResult(code='B4', value=len(organisations),
                numerator=len(organisations), unit='count',
                model='court.mediation.organisation',
                record_ids=organisations)
        return cls._roster_batch(court_ids, result)

    @classmethod
    def _mediator_active_days(cls, court_ids, start, end, mediator=None):
        """Return {mediator id: days active in [start, end]} of the
        mediators active at least one day of the period (for a batch:
        {key: that of the group}).  The intervals come from SQL as tuples
        (the appointments with their court, the state history of the
        mediators appointed); their intersection is worked out here, the
        active intervals of a mediator once for all the groups."""
        pool = Pool()
        Change = pool.get('court.mediator.state_change')
        Appointment = pool.get('court.mediator.appointment')
        change = Change.__table__()

        def query(all_ids):
            appointment = Appointment.__table__()
            where = (appointment.company.in_(all_ids)
                & (appointment.date_start <= end)
                & ((appointment.date_end == Null)
                    | (appointment.date_end >= start)))
            if mediator is not None:
                where &= _is(appointment.mediator, mediator)
            return appointment.select(appointment.company,
                appointment.mediator, appointment.date_start,
                appointment.date_end, where=where)
        rows = cls._batch_rows(court_ids, query)
        appointed = {key: defaultdict(list) for key in rows}
        for key, key_rows in rows.items():
            for _, mediator_id, date_start, date_end in key_rows:
                appointed[key][mediator_id].append((
                        _to_date(date_start), _to_date(date_end) or end))
        mediator_ids = sorted({m for a in appointed.values() for m in a})
        active = {}
        if mediator_ids:
            cursor = Transaction().connection.cursor()
            cursor.execute(*change.select(
                    change.mediator, change.date, change.to_state,
                    where=reduce_ids(change.mediator, mediator_ids)
                    & (change.date <= end),
                    order_by=[change.mediator, change.date, change.id]))
            changes = defaultdict(list)
            for mediator_id, date, state in cursor.fetchall():
                changes[mediator_id].append((_to_date(date), state))
            for mediator_id in mediator_ids:
                active[mediator_id] = _merge(
                    _active_intervals(changes.get(mediator_id, []), end))

        def result(key, ids):
            days_of = {}
            for mediator_id, appointments in appointed[key].items():
                days = _overlap_days(active[mediator_id],
                    _merge(appointments), start, end)
                if days:
                    days_of[mediator_id] = days
            return days_of
        return cls._roster_batch(court_ids, result)

    @classmethod
    def _mediation_b2(cls, court_ids, start, end, station=None,
            mediator=None, dispute_type=None):
        """Return (rates, days, cases, under, idle, inactive_with_cases)
        ({key: that} for a batch), remembered for the transaction until
        it writes (B2 and B2_under of one scope are computed once)"""
        transaction = Transaction()
        groups = cls._batch_groups(court_ids)
        key = (transaction.counter, isinstance(court_ids, dict),
            tuple(sorted((k, tuple(sorted(v or [])))
                    for k, v in groups.items())),
            start, end, _id(station), _id(mediator), _id(dispute_type))
        memo = _B2_MEMO.get(transaction)
        if memo is not None and memo[0] == key:
            return memo[1]
        result = cls._mediation_b2_compute(court_ids, start, end,
            station=station, mediator=mediator, dispute_type=dispute_type)
        _B2_MEMO[transaction] = (key, result)
        return result

    @classmethod
    def _mediation_b2_compute(cls, court_ids, start, end, station=None,
            mediator=None, dispute_type=None):
        pool = Pool()
        Assignment = pool.get('court.mediation.case.assignment')
        groups = cls._batch_groups(court_ids)
        active_days = cls._mediator_active_days(
            groups, start, end, mediator)

        def query(all_ids):
            assignment = Assignment.__table__()
            case, _, _ = cls._mediation_tables()
            where = (cls._mediation_case_where(case, all_ids,
                    station=station, mediator=None,
                    dispute_type=dispute_type)
                & (assignment.date >= start) & (assignment.date <= end))
            if mediator is not None:
                where &= _is(assignment.mediator, mediator)
            # a case is of one court: the distinct cases of a mediator in
            # a group are the sum over the group's courts
            return assignment.join(case,
                condition=assignment.case == case.id).select(
                case.company, assignment.mediator,
                Count(assignment.case, distinct=True),
                where=where, group_by=[case.company, assignment.mediator])
        case_rows = cls._batch_rows(groups, query)
        target = Decimal(cls._mediator_monthly_target)
        minimum = Decimal(cls._mediator_minimum_months)

        def result(key, ids):
            cases = defaultdict(int)
            for _, mediator_id, count in case_rows[key]:
                cases[mediator_id] += int(count)
            cases = dict(cases)
            rates, under, idle = {}, [], []
            for mediator_id, days in sorted(active_days[key].items()):
                months = max(Decimal(days) / DAYS_PER_MONTH, minimum)
                count = cases.get(mediator_id, 0)
                rate = Decimal(count) / months
                rates[mediator_id] = rate.quantize(Decimal('0.0001'))
                if rate < target:
                    under.append(mediator_id)
                if not count:
                    idle.append(mediator_id)
            inactive = sorted(set(cases) - set(active_days[key]))
            return rates, active_days[key], cases, under, idle, inactive
        return cls._roster_batch(court_ids, result)

    @classmethod
    def mediation_b2_caseload(cls, court_ids, start, end, station=None,
            mediator=None, dispute_type=None):
        """B2: mediators active in the period handling at least the target
        cases a month ÷ mediators active in the period"""
        computed = cls._mediation_b2(cls._batch_groups(court_ids), start,
            end, station=station, mediator=mediator,
            dispute_type=dispute_type)

        def result(key, ids):
            rates, days, cases, under, idle, inactive = computed[key]
            meeting = len(rates) - len(under)
            return IndicatorResult(code='B2',
                value=ratio(meeting, len(rates)), numerator=meeting,
                denominator=len(rates), unit='ratio', model=MEDIATOR_MODEL,
                record_ids=under, details={
                    'rates': rates,
                    'days': days,
                    'cases': {m: cases.get(m, 0) for m in rates},
                    'under_target': under,
                    'no_cases': idle,
                    'inactive_with_cases': inactive,
                    'target': cls._mediator_monthly_target,
                    })
        return cls._roster_batch(court_ids, result)

    @classmethod
    def mediation_b2_under_target(cls, court_ids, start, end, station=None,
            mediator=None, dispute_type=None):
        "B2_under: mediators active in the period under the target"
        b2 = cls.mediation_b2_caseload(cls._batch_groups(court_ids), start,
            end, station=station, mediator=mediator,
            dispute_type=dispute_type)

        def result(key, ids):
            under = b2[key].details['under_target']
            return IndicatorResult(code='B2_under', value=len(under),
                numerator=len(under), denominator=b2[key].denominator,
                unit='count', model=MEDIATOR_MODEL, record_ids=under,
                details=b2[key].details)
        return cls._roster_batch(court_ids, result)


def _active_intervals(history, end):
    """The inclusive intervals a mediator was active up to end, from the
    state history [(date, state)] in date and creation order: a change
    superseded by a later one of the same day does not count"""
    active = []
    for i, (date, state) in enumerate(history):
        if state != 'active':
            continue
        if i + 1 < len(history) and history[i + 1][0] == date:
            continue  # superseded on the same day
        following = [d for d, _ in history[i + 1:] if d > date]
        until = following[0] - dt.timedelta(days=1) if following else end
        active.append((date, until))
    return active

def _to_date(value):
    "SQLite returns dates as text"
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _day(value):
    "The date of a date or timestamp (SQLite returns them as text)"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if len(value) > 10 else (
            dt.date.fromisoformat(value))
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _merge(intervals):
    "Merge inclusive date intervals into sorted disjoint ones"
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _overlap_days(first, second, start, end):
    "Days in both sorted disjoint interval lists and in [start, end]"
    days = 0
    i = j = 0
    while i < len(first) and j < len(second):
        low = max(first[i][0], second[j][0], start)
        high = min(first[i][1], second[j][1], end)
        if low <= high:
            days += (high - low).days + 1
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return days


class IntegrityIndicator(metaclass=PoolMeta):
    "The integrity checks of kpi-catalog E for mediation cases"
    __name__ = 'court.indicator'

    @classmethod
    def _mediation_signatures(cls, court_ids):
        """{case id: (signature, accepted date, state, performance)} of the
        registered cases of the courts ({key: that} for a batch); the
        signature is the dispute type with the sets of applicant and
        respondent parties (None when a side is missing). Read as tuples
        for every court of a batch at once, matched in Python;
        remembered for the transaction until it writes (E1 and E2 of one
        scope read them once)."""
        transaction = Transaction()
        groups = cls._batch_groups(court_ids)
        key = ('signatures', transaction.counter,
            tuple(sorted((k, tuple(sorted(v or [])))
                    for k, v in groups.items())))
        memo = _SIGNATURE_MEMO.get(transaction)
        if memo is not None and memo[0] == key:
            return cls._batch_answer(court_ids, memo[1])
        pool = Pool()
        Case = pool.get(CASE_MODEL)
        Line = pool.get('court.mediation.case.party')

        def where_of(case, all_ids):
            return (case.company.in_(all_ids)
                & ~case.state.in_(EXCLUDED_STATES)
                & (case.accepted_date != Null))

        def party_query(all_ids):
            case, line = Case.__table__(), Line.__table__()
            return case.join(line, condition=line.case == case.id).select(
                case.company, case.id, line.role, line.party,
                where=where_of(case, all_ids)
                & line.role.in_(['applicant', 'respondent']))

        def case_query(all_ids):
            case = Case.__table__()
            return case.select(case.company, case.id, case.dispute_type,
                case.accepted_date, case.state, case.performance,
                where=where_of(case, all_ids),
                order_by=[case.accepted_date, case.id])
        sides = defaultdict(lambda: {'applicant': set(), 'respondent': set()})
        # a case's rows are the same in every group holding its court
        for rows in cls._batch_rows(groups, party_query).values():
            for _, case_id, role, party in rows:
                sides[case_id][role].add(party)
        signatures = {}
        results = {}
        for group, rows in cls._batch_rows(groups, case_query).items():
            result = results[group] = {}
            for _, case_id, type_, accepted, state, performance in rows:
                found = signatures.get(case_id)
                if found is None:
                    side = sides.get(case_id)
                    signature = None
                    if side and side['applicant'] and side['respondent']:
                        signature = (type_, frozenset(side['applicant']),
                            frozenset(side['respondent']))
                    found = signatures[case_id] = (signature,
                        _day(accepted), state, performance)
                result[case_id] = found
        _SIGNATURE_MEMO[transaction] = (key, results)
        return cls._batch_answer(court_ids, results)

    @classmethod
    def _integrity_result(cls, code, ids):
        ids = sorted(ids)
        return IndicatorResult(code=code, value=len(ids), numerator=len(ids),
            unit='count', model=CASE_MODEL, record_ids=ids)

    @classmethod
    def _integrity_batch(cls, code, court_ids, find):
        """{key: IndicatorResult} (one for a list of ids) of code: the
        findings find(cases) of each group's signatures"""
        groups = cls._batch_groups(court_ids)
        cases = cls._mediation_signatures(
            {k: v for k, v in groups.items() if v})
        return cls._batch_answer(court_ids, {
                key: cls._integrity_result(code,
                    find(cases[key]) if ids else [])
                for key, ids in groups.items()})

    @classmethod
    def mediation_e1_reregistered(cls, court_ids, start, end, **filters):
        """E1: cases accepted in [start, end] whose parties and dispute
        were already settled (succeeded) and performed voluntarily in an
        earlier case of the courts"""
        def find(cases):
            settled = {}
            for case_id, (signature, accepted, state, performance) in sorted(
                    cases.items(), key=lambda i: (i[1][1], i[0])):
                if (signature is not None and state == 'succeeded'
                        and performance == 'voluntary'):
                    settled.setdefault(signature, (accepted, case_id))
            findings = []
            for case_id, (signature, accepted, _, _) in cases.items():
                if (not (start <= accepted <= end)
                        or signature not in settled):
                    continue
                first_date, first_id = settled[signature]
                if (first_date, first_id) < (accepted, case_id):
                    findings.append(case_id)
            return findings
        return cls._integrity_batch('E1', court_ids, find)

    @classmethod
    def mediation_e2_duplicates(cls, court_ids, start, end, **filters):
        """E2: cases accepted in [start, end] with the same parties and
        dispute as another case accepted up to N days before (N =
        _integrity_duplicate_days, inclusive); the later one is counted"""
        window = dt.timedelta(days=cls._integrity_duplicate_days)

        def find(cases):
            last = {}
            findings = []
            for case_id, (signature, accepted, _, _) in sorted(
                    cases.items(), key=lambda i: (i[1][1], i[0])):
                if signature is None:
                    continue
                previous = last.get(signature)
                if (previous is not None and accepted - previous <= window
                        and start <= accepted <= end):
                    findings.append(case_id)
                last[signature] = accepted
            return findings
        return cls._integrity_batch('E2', court_ids, find)

    @classmethod
    def mediation_e3_hollow_successes(cls, court_ids, start, end,
            **filters):
        """E3: cases concluded as succeeded in [start, end] with no session
        at all, or whose sessions record no time (every duration empty: a
        recorded duration is 1 to 1440 minutes)"""
        pool = Pool()
        Case = pool.get(CASE_MODEL)
        Session = pool.get('court.mediation.session')

        def query(all_ids):
            case, session = Case.__table__(), Session.__table__()
            worked = Exists(session.select(session.id,
                    where=(session.case == case.id)
                    & (session.duration > 0)))
            return case.select(case.company, case.id,
                where=cls._mediation_case_where(case, all_ids, **filters)
                & (case.state == 'succeeded')
                & (case.concluded_date >= start)
                & (case.concluded_date <= end) & ~worked)
        return cls._batch_answer(court_ids, {
                key: cls._integrity_result('E3', [r[1] for r in rows])
                for key, rows in cls._batch_rows(court_ids, query).items()})

    @classmethod
    def mediation_e4_backdated(cls, court_ids, start, end, **filters):
        """E4: cases entered (created) in [start, end] whose date received
        is more than N days (_integrity_backdate_days) before the day they
        were entered"""
        Case = Pool().get(CASE_MODEL)

        def query(all_ids):
            case = Case.__table__()
            return case.select(case.company, case.id, case.received_date,
                case.create_date,
                where=cls._mediation_case_where(case, all_ids, **filters)
                & (case.received_date != Null)
                & (case.create_date >= dt.datetime.combine(
                        start, dt.time()))
                & (case.create_date < dt.datetime.combine(
                        end + dt.timedelta(days=1), dt.time())))
        limit = dt.timedelta(days=cls._integrity_backdate_days)
        results = {}
        for key, rows in cls._batch_rows(court_ids, query).items():
            results[key] = cls._integrity_result('E4', [
                    case_id for _, case_id, received, created in rows
                    if _day(created) - _day(received) > limit])
        return cls._batch_answer(court_ids, results)
