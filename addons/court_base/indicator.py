# This file is part of the court platform.  See LICENSE.
"""The indicator interface: how court_scoring (and dashboards) read the
figures the feature modules compute.

    Indicator = Pool().get('court.indicator')
    result = Indicator.compute('B6', courts=[court_id], start=date(2026, 1,
        1), end=date(2026, 12, 31), station=None, mediator=None,
        dispute_type=None)

``result`` is an ``IndicatorResult``: ``value`` (a Decimal ratio such as
0.55 for 55%, a count, or a number of days; None when the denominator is
0), ``numerator``, ``denominator``, ``unit`` ('ratio', 'count', 'days',
'per_month'), and ``model`` / ``record_ids``: the records behind it, so that
every figure opens onto its records.  ``courts`` are taken with the courts
below them.  ``start`` and ``end`` are inclusive dates.

Each feature module extends ``court.indicator`` (``metaclass=PoolMeta``)
and adds its codes to ``_providers()``: ``{code: (method name, description)}``.

Many courts at once (an evaluation of a province)::

    results = Indicator.compute_many('B6', [court_id, …], start, end)

returns ``{court_id: IndicatorResult}``, each court with the courts below
it, equal to ``compute`` court by court.  A code listed in ``_batched()``
has a method that also accepts ``{key: [court ids]}`` and then answers
``{key: IndicatorResult}`` from one query; the others are called once a
court.  ``_batch_groups``, ``_batch_rows`` and ``_batch_answer`` are the
pieces such a method is made of.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import IndicatorError


@dataclass
class IndicatorResult:
    code: str
    value: object
    numerator: object = None
    denominator: object = None
    unit: str = 'ratio'
    model: str = None
    record_ids: list = field(default_factory=list)
    details: dict = field(default_factory=dict)


def ratio(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal('0.0001'))


class Indicator(Model):
    "Indicator"
    __name__ = 'court.indicator'

    @classmethod
    def _providers(cls):
        "Return {code: (method name, description)}"
        return {}

    @classmethod
    def _batched(cls):
        "The codes whose method computes many groups of courts at once"
        return set()

    @staticmethod
    def _batch_groups(court_ids):
        "{key: court ids}: a batch as it is, a list of ids as the group None"
        return court_ids if isinstance(court_ids, dict) else {
            None: court_ids}

    @classmethod
    def _batch_rows(cls, court_ids, query):
        """{key: [rows]} of court_ids, a list of ids (one group, key None)
        or a batch {key: ids}: query(all the court ids, sorted) runs once
        and gives an SQL query whose rows start with a court id; each row
        goes to every group holding that court, in the query's order.
        No court, no query."""
        groups = cls._batch_groups(court_ids)
        keys_of = defaultdict(list)
        for key, ids in groups.items():
            for id_ in set(ids or []):
                keys_of[id_].append(key)
        rows = {key: [] for key in groups}
        if keys_of:
            cursor = Transaction().connection.cursor()
            cursor.execute(*query(sorted(keys_of)))
            for row in cursor.fetchall():
                for key in keys_of[row[0]]:
                    rows[key].append(row)
        return rows

    @staticmethod
    def _batch_answer(court_ids, results):
        "results ({key: result}) as asked: a dict for a batch, else one"
        return results if isinstance(court_ids, dict) else results[None]

    @classmethod
    def codes(cls):
        return sorted(cls._providers())

    @classmethod
    def compute_many(cls, code, courts, start, end, **filters):
        """Return {court id: IndicatorResult} of code for each of courts,
        each with the courts below it (as compute, court by court)"""
        providers = cls._providers()
        if code not in providers:
            raise IndicatorError(gettext(
                    'court_base.msg_indicator_unknown', code=code))
        Company = Pool().get('company.company')
        groups = Company.subordinates_of([int(c) for c in courts])
        method = getattr(cls, providers[code][0])
        if code in cls._batched():
            return method(groups, start, end, **filters)
        return {court: method(ids, start, end, **filters)
            for court, ids in groups.items()}

    @classmethod
    def compute(cls, code, courts, start, end, **filters):
        providers = cls._providers()
        if code not in providers:
            raise IndicatorError(gettext(
                    'court_base.msg_indicator_unknown', code=code))
        Company = Pool().get('company.company')
        court_ids = Company.court_and_subordinates(
            [int(c) for c in courts])
        method, _ = providers[code]
        return getattr(cls, method)(court_ids, start, end, **filters)
