# This file is part of the court platform.  See LICENSE.
"""The figures of litigation-related petitions (kpi-catalog D1-D8 and the
model-court items A9-A11), for ``court.indicator``.

Every count is computed in SQL (python-sql through the cursor).  Formulas
and choices: doc/petition_figures.md."""
import datetime as dt
from decimal import Decimal

from sql import Literal, Null
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
    def _batched(cls):
        return super()._batched() | {'D1', 'D2', 'D3', 'D4', 'D5', 'D6',
            'D7', 'D8', 'A9', 'A10', 'A11'}

    @classmethod
    def _petition_ratio(cls, code, court_ids, start, end, date_field,
            base, numerator):
        """A ratio of petitions: the denominator those of the courts whose
        date_field is in [start, end] and match base, the numerator those
        of them matching numerator (court_ids may be a batch)"""
        Petition = Pool().get(PETITION)

        def query(all_ids):
            table = Petition.__table__()
            date = getattr(table, date_field)
            # a superior court's record assigned down is counted once: as
            # the copy the court below handles
            where = (table.company.in_(all_ids)
                & (date >= start) & (date <= end)
                & (table.state != 'cancelled')
                & (table.assigned_to_court == Null) & base(table))
            return table.select(table.company, table.id,
                Case((numerator(table), Literal(1)), else_=Literal(0)),
                where=where, order_by=[table.id])
        results = {}
        for key, rows in cls._batch_rows(court_ids, query).items():
            ids = [r[1] for r in rows]
            numerator_ids = [r[1] for r in rows if r[2]]
            results[key] = IndicatorResult(
                code=code, value=ratio(len(numerator_ids), len(ids)),
                numerator=len(numerator_ids), denominator=len(ids),
                unit='ratio', model=PETITION, record_ids=ids,
                details={'numerator_ids': numerator_ids})
        return cls._batch_answer(court_ids, results)

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
    def _petition_escalation_rows(cls, court_ids, start, end):
        """{key: [(company, id, destination)]} of the escalations of
        [start, end] (court_ids: a list, key None, or a batch)"""
        Escalation = Pool().get('court.petition.escalation')

        def query(all_ids):
            table = Escalation.__table__()
            return table.select(table.company, table.id, table.destination,
                where=table.company.in_(all_ids)
                & (table.date >= start) & (table.date <= end),
                order_by=[table.id])
        return cls._batch_rows(cls._batch_groups(court_ids), query)

    @classmethod
    def _petition_escalations(cls, court_ids, start, end):
        """Per group of court_ids ({key: ids}): ({destination: {count,
        previous, change, met}} of this period and the same period a year
        before, the ids of this period's escalations by destination)"""
        current = cls._petition_escalation_rows(court_ids, start, end)
        previous = cls._petition_escalation_rows(
            court_ids, _shift_year(start), _shift_year(end))
        fall = cls._petition_escalation_fall
        result = {}
        for key in current:
            ids = {d: [] for d in DESTINATIONS}
            for _, id_, destination in current[key]:
                ids.setdefault(destination, []).append(id_)
            before_counts = dict.fromkeys(DESTINATIONS, 0)
            for _, _, destination in previous[key]:
                before_counts[destination] = before_counts.get(
                    destination, 0) + 1
            by_destination = {}
            for destination in DESTINATIONS:
                now = len(ids[destination])
                before = before_counts[destination]
                change = (ratio(now - before, before) if before else None)
                met = (now == 0) if not before else (
                    Decimal(before - now) / before >= fall)
                by_destination[destination] = {
                    'count': now, 'previous': before, 'change': change,
                    'met': met}
            result[key] = (by_destination, ids)
        return result

    @classmethod
    def petition_d6_escalations(cls, court_ids, start, end,
            destination=None, **filters):
        groups = cls._batch_groups(court_ids)
        escalations = cls._petition_escalations(groups, start, end)
        results = {}
        for key, (by_destination, ids) in escalations.items():
            if destination:
                value = by_destination[destination]['count']
                previous = by_destination[destination]['previous']
                record_ids = ids[destination]
            else:
                value = sum(d['count'] for d in by_destination.values())
                previous = sum(
                    d['previous'] for d in by_destination.values())
                record_ids = sorted(i for v in ids.values() for i in v)
            results[key] = IndicatorResult(
                code='D6', value=value, numerator=value,
                denominator=previous, unit='count',
                model='court.petition.escalation', record_ids=record_ids,
                details={'destinations': by_destination,
                    'previous': previous,
                    'change': ratio(value - previous, previous)
                    if previous else None})
        return cls._batch_answer(court_ids, results)

    @classmethod
    def petition_a11_escalation_fall(cls, court_ids, start, end, **filters):
        groups = cls._batch_groups(court_ids)
        results = {}
        for key, (by_destination, ids) in cls._petition_escalations(
                groups, start, end).items():
            met = [d for d, v in by_destination.items() if v['met']]
            results[key] = IndicatorResult(
                code='A11', value=len(met), numerator=len(met),
                denominator=len(DESTINATIONS), unit='count',
                model='court.petition.escalation',
                record_ids=sorted(i for v in ids.values() for i in v),
                details={'destinations': by_destination, 'met': met})
        return cls._batch_answer(court_ids, results)

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

        def query(all_ids):
            table = Analysis.__table__()
            return table.select(table.company, table.year, table.half,
                table.id, where=table.company.in_(all_ids)
                & table.year.in_([y for y, _ in halves] or [-1]),
                order_by=[table.id])
        results = {}
        for key, rows in cls._batch_rows(court_ids, query).items():
            done, ids = set(), []
            for _, year, half, analysis_id in rows:
                if (year, half) in halves:
                    done.add((year, half))
                    ids.append(analysis_id)
            results[key] = IndicatorResult(
                code='D7', value=ratio(len(done), len(halves)),
                numerator=len(done), denominator=len(halves), unit='ratio',
                model='court.petition.analysis', record_ids=ids,
                details={'halves': halves, 'done': sorted(done)})
        return cls._batch_answer(court_ids, results)

    @classmethod
    def petition_d8_repeat(cls, court_ids, start, end, **filters):
        """Petitioners with a repeat petition received in [start, end]
        (distinct persons), and the repeat petitions by cause"""
        pool = Pool()
        Petition = pool.get(PETITION)
        Petitioner = pool.get('court.petition.petitioner')

        def query(all_ids):
            # a row per petitioner of a petition (a petition without one:
            # a row with no party); a person is counted once a group
            table = Petition.__table__()
            line = Petitioner.__table__()
            return table.join(line, 'LEFT',
                condition=line.petition == table.id).select(
                table.company, table.id, table.repeat, table.category,
                line.party,
                where=table.company.in_(all_ids)
                & (table.received_date >= start)
                & (table.received_date <= end)
                & table.state.in_(REGISTERED_STATES),
                order_by=[table.id])
        results = {}
        for key, rows in cls._batch_rows(court_ids, query).items():
            ids, by_cause = [], {}
            persons, all_persons = set(), set()
            for _, petition_id, repeat, category, party in rows:
                if party is not None:
                    all_persons.add(party)
                if not repeat:
                    continue
                if party is not None:
                    persons.add(party)
                if not ids or ids[-1] != petition_id:
                    ids.append(petition_id)
                    cause = category or 'none'
                    by_cause[cause] = by_cause.get(cause, 0) + 1
            results[key] = IndicatorResult(
                code='D8', value=len(persons), numerator=len(persons),
                denominator=len(all_persons), unit='count', model=PETITION,
                record_ids=ids,
                details={'repeat_petitions': len(ids), 'by_cause': by_cause,
                    'first_time_persons': len(all_persons) - len(persons)})
        return cls._batch_answer(court_ids, results)

    @classmethod
    def _petition_video_rows(cls, court_ids, start, end):
        """{key: [(company, id, channel)]} of the video and appointment
        receptions received in [start, end] (not cancelled; a superior
        court's record assigned down left out, as in the ratios)"""
        Petition = Pool().get(PETITION)

        def query(all_ids):
            table = Petition.__table__()
            return table.select(table.company, table.id, table.channel,
                where=table.company.in_(all_ids)
                & (table.received_date >= start)
                & (table.received_date <= end)
                & (table.state != 'cancelled')
                & (table.assigned_to_court == Null)
                & table.channel.in_(['video', 'appointment']),
                order_by=[table.id])
        return cls._batch_rows(court_ids, query)

    @classmethod
    def petition_a9_items(cls, court_ids, start, end, **filters):
        """The three items of A9 (D1 = 100%, D2 = 100%, D3 >= 99%); "video
        appointments run" is shown, not an item: details['video'] and
        details['appointment'] count the petitions received through these
        channels in the period (doc/petition_figures.md)"""
        groups = cls._batch_groups(court_ids)
        figures = {code: method(groups, start, end)
            for code, method in [('D1', cls.petition_d1_entry),
                ('D2', cls.petition_d2_reply),
                ('D3', cls.petition_d3_quality)]}
        receptions = cls._petition_video_rows(groups, start, end)
        results = {}
        for key in groups:
            items = {}
            for code, by_key in figures.items():
                value = by_key[key].value
                target = cls._petition_a9_targets[code]
                items[code] = {
                    'value': value, 'target': target,
                    'met': value is not None and value >= target}
            met = [c for c, v in items.items() if v['met']]
            results[key] = IndicatorResult(
                code='A9', value=len(met), numerator=len(met),
                denominator=len(items), unit='count', model=PETITION,
                details={'items': items, 'met': met,
                    'video': sum(
                        1 for r in receptions[key] if r[2] == 'video'),
                    'appointment': sum(
                        1 for r in receptions[key]
                        if r[2] == 'appointment')})
        return cls._batch_answer(court_ids, results)
