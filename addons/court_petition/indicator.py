# This file is part of the court platform.  See LICENSE.
"""The figures of litigation-related petitions (kpi-catalog D1-D8 and the
model-court items A9-A11), for ``court.indicator``.

Every count is computed in SQL (python-sql through the cursor).  Formulas
and choices: doc/petition_figures.md."""
import datetime as dt
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.modules.court_base.indicator import IndicatorResult, ratio
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .petition import REGISTERED_STATES

PETITION = 'court.petition'
DESTINATIONS = ['beijing', 'province', 'circuit']


def _shift_year(date, years=-1):
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


class Indicator(metaclass=PoolMeta):
    __name__ = 'court.indicator'

    # A9: the targets of its three items
    _petition_a9_targets = {
        'D1': Decimal('1'), 'D2': Decimal('1'), 'D3': Decimal('0.99')}
    # A11 / D6: the fall year on year each destination must reach
    _petition_escalation_fall = Decimal('0.30')

    @classmethod
    def _providers(cls):
        providers = super()._providers()
        providers.update({
                'D1': ('petition_d1_entry',
                    "Petitions registered of petitions received"),
                'D2': ('petition_d2_reply',
                    "Petitions replied of petitions registered"),
                'D3': ('petition_d3_quality',
                    "Petitions with complete and valid reporting data"),
                'D4': ('petition_d4_key_resolved',
                    "Key petitions resolved"),
                'D5': ('petition_d5_feedback',
                    "Petitions assigned by a superior court with feedback"),
                'D6': ('petition_d6_escalations',
                    "Escalations to Beijing, the province and the 4th "
                    "circuit court"),
                'D7': ('petition_d7_analysis',
                    "Half-year analysis reports produced"),
                'D8': ('petition_d8_repeat',
                    "Repeat petitioners"),
                'A9': ('petition_a9_items',
                    "Petition entry, reply and data quality items met"),
                'A10': ('petition_a10_superior_resolved',
                    "Key petitions assigned by a superior court resolved"),
                'A11': ('petition_a11_escalation_fall',
                    "Destinations whose escalations fell by 30% or more"),
                })
        return providers

    @classmethod
    def _petition_ratio(cls, code, court_ids, start, end, date_field,
            base, numerator):
        """A ratio of petitions: the denominator those of the courts whose
        date_field is in [start, end] and match base, the numerator those
        of them matching numerator"""
        Petition = Pool().get(PETITION)
        table = Petition.__table__()
        date = getattr(table, date_field)
        # a superior court's record assigned down is counted once: as the
        # copy the court below handles
        where = (table.company.in_(list(court_ids) or [-1])
            & (date >= start) & (date <= end)
            & (table.state != 'cancelled')
            & (table.assigned_to_court == Null) & base(table))
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id,
                Case((numerator(table), Literal(1)), else_=Literal(0)),
                where=where, order_by=[table.id]))
        rows = cursor.fetchall()
        ids = [r[0] for r in rows]
        numerator_ids = [r[0] for r in rows if r[1]]
        return IndicatorResult(
            code=code, value=ratio(len(numerator_ids), len(ids)),
            numerator=len(numerator_ids), denominator=len(ids),
            unit='ratio', model=PETITION, record_ids=ids,
            details={'numerator_ids': numerator_ids})

    @classmethod
    def petition_d1_entry(cls, court_ids, start, end, **filters):
        return cls._petition_ratio('D1', court_ids, start, end,
            'received_date', lambda t: Literal(True),
            lambda t: t.state.in_(REGISTERED_STATES))

    @classmethod
    def petition_d2_reply(cls, court_ids, start, end, **filters):
        return cls._petition_ratio('D2', court_ids, start, end,
            'registered_date', lambda t: t.state.in_(REGISTERED_STATES),
            lambda t: t.reply_date != None)  # noqa: E711

    @classmethod
    def petition_d3_quality(cls, court_ids, start, end, **filters):
        return cls._petition_ratio('D3', court_ids, start, end,
            'registered_date', lambda t: t.state.in_(REGISTERED_STATES),
            lambda t: t.quality_ok == Literal(True))

    @classmethod
    def petition_d4_key_resolved(cls, court_ids, start, end, **filters):
        return cls._petition_ratio('D4', court_ids, start, end,
            'registered_date',
            lambda t: t.state.in_(REGISTERED_STATES)
            & (t.key == Literal(True)),
            lambda t: (t.state == 'closed') & (t.outcome == 'resolved'))

    @classmethod
    def petition_a10_superior_resolved(cls, court_ids, start, end,
            **filters):
        return cls._petition_ratio('A10', court_ids, start, end,
            'registered_date',
            lambda t: t.state.in_(REGISTERED_STATES)
            & (t.channel == 'superior'),
            lambda t: (t.state == 'closed') & (t.outcome == 'resolved'))

    @classmethod
    def petition_d5_feedback(cls, court_ids, start, end, **filters):
        return cls._petition_ratio('D5', court_ids, start, end,
            'registered_date',
            lambda t: t.state.in_(REGISTERED_STATES)
            & (t.channel == 'superior'),
            lambda t: t.feedback_date != None)  # noqa: E711

    @classmethod
    def _petition_escalation_counts(cls, court_ids, start, end):
        Escalation = Pool().get('court.petition.escalation')
        table = Escalation.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.destination, Count(table.id),
                where=table.company.in_(list(court_ids) or [-1])
                & (table.date >= start) & (table.date <= end),
                group_by=[table.destination]))
        counts = dict.fromkeys(DESTINATIONS, 0)
        counts.update(dict(cursor))
        return counts

    @classmethod
    def _petition_escalations(cls, court_ids, start, end):
        "Per destination: (this period, the same period a year before)"
        current = cls._petition_escalation_counts(court_ids, start, end)
        previous = cls._petition_escalation_counts(
            court_ids, _shift_year(start), _shift_year(end))
        result = {}
        for destination in DESTINATIONS:
            now, before = current[destination], previous[destination]
            change = (ratio(now - before, before) if before else None)
            fall = cls._petition_escalation_fall
            met = (now == 0) if not before else (
                Decimal(before - now) / before >= fall)
            result[destination] = {
                'count': now, 'previous': before, 'change': change,
                'met': met}
        return result

    @classmethod
    def _petition_escalation_ids(cls, court_ids, start, end,
            destination=None):
        Escalation = Pool().get('court.petition.escalation')
        table = Escalation.__table__()
        where = (table.company.in_(list(court_ids) or [-1])
            & (table.date >= start) & (table.date <= end))
        if destination:
            where &= table.destination == destination
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, where=where,
                order_by=[table.id]))
        return [r[0] for r in cursor]

    @classmethod
    def petition_d6_escalations(cls, court_ids, start, end,
            destination=None, **filters):
        by_destination = cls._petition_escalations(court_ids, start, end)
        if destination:
            value = by_destination[destination]['count']
            previous = by_destination[destination]['previous']
        else:
            value = sum(d['count'] for d in by_destination.values())
            previous = sum(d['previous'] for d in by_destination.values())
        return IndicatorResult(
            code='D6', value=value, numerator=value, denominator=previous,
            unit='count', model='court.petition.escalation',
            record_ids=cls._petition_escalation_ids(
                court_ids, start, end, destination),
            details={'destinations': by_destination,
                'previous': previous,
                'change': ratio(value - previous, previous)
                if previous else None})

    @classmethod
    def petition_a11_escalation_fall(cls, court_ids, start, end, **filters):
        by_destination = cls._petition_escalations(court_ids, start, end)
        met = [d for d, v in by_destination.items() if v['met']]
        return IndicatorResult(
            code='A11', value=len(met), numerator=len(met),
            denominator=len(DESTINATIONS), unit='count',
            model='court.petition.escalation',
            record_ids=cls._petition_escalation_ids(court_ids, start, end),
            details={'destinations': by_destination, 'met': met})

    @classmethod
    def petition_d7_analysis(cls, court_ids, start, end, **filters):
        """Half-years ending in [start, end] (and by today) for which an
        analysis was produced for one of the courts"""
        pool = Pool()
        Analysis = pool.get('court.petition.analysis')
        today = pool.get('ir.date').today()
        halves = []
        for year in range(start.year, end.year + 1):
            for half, last in [('1', dt.date(year, 6, 30)),
                    ('2', dt.date(year, 12, 31))]:
                if start <= last <= min(end, today):
                    halves.append((year, half))
        table = Analysis.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.year, table.half, table.id,
                where=table.company.in_(list(court_ids) or [-1])
                & table.year.in_([y for y, _ in halves] or [-1]),
                order_by=[table.id]))
        done, ids = set(), []
        for year, half, analysis_id in cursor:
            if (year, half) in halves:
                done.add((year, half))
                ids.append(analysis_id)
        return IndicatorResult(
            code='D7', value=ratio(len(done), len(halves)),
            numerator=len(done), denominator=len(halves), unit='ratio',
            model='court.petition.analysis', record_ids=ids,
            details={'halves': halves, 'done': sorted(done)})

    @classmethod
    def petition_d8_repeat(cls, court_ids, start, end, **filters):
        """Petitioners with a repeat petition received in [start, end]
        (distinct persons), and the repeat petitions by cause"""
        pool = Pool()
        Petition = pool.get(PETITION)
        Petitioner = pool.get('court.petition.petitioner')
        table = Petition.__table__()
        line = Petitioner.__table__()
        where = (table.company.in_(list(court_ids) or [-1])
            & (table.received_date >= start) & (table.received_date <= end)
            & table.state.in_(REGISTERED_STATES)
            & (table.repeat == Literal(True)))
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.join(table,
                condition=line.petition == table.id).select(
                Count(line.party, distinct=True), where=where))
        persons, = cursor.fetchone()
        cursor.execute(*table.select(
                table.category, Count(table.id), where=where,
                group_by=[table.category]))
        by_cause = {c or 'none': n for c, n in cursor}
        cursor.execute(*table.select(table.id, where=where,
                order_by=[table.id]))
        ids = [r[0] for r in cursor]
        cursor.execute(*line.join(table,
                condition=line.petition == table.id).select(
                Count(line.party, distinct=True),
                where=table.company.in_(list(court_ids) or [-1])
                & (table.received_date >= start)
                & (table.received_date <= end)
                & table.state.in_(REGISTERED_STATES)))
        all_persons, = cursor.fetchone()
        return IndicatorResult(
            code='D8', value=persons or 0, numerator=persons or 0,
            denominator=all_persons or 0, unit='count', model=PETITION,
            record_ids=ids,
            details={'repeat_petitions': len(ids), 'by_cause': by_cause,
                'first_time_persons': (all_persons or 0) - (persons or 0)})

    @classmethod
    def petition_a9_items(cls, court_ids, start, end, **filters):
        items = {}
        for code, method in [('D1', cls.petition_d1_entry),
                ('D2', cls.petition_d2_reply),
                ('D3', cls.petition_d3_quality)]:
            result = method(court_ids, start, end)
            target = cls._petition_a9_targets[code]
            items[code] = {
                'value': result.value, 'target': target,
                'met': result.value is not None and result.value >= target}
        met = [c for c, v in items.items() if v['met']]
        return IndicatorResult(
            code='A9', value=len(met), numerator=len(met),
            denominator=len(items), unit='count', model=PETITION,
            details={'items': items, 'met': met})
