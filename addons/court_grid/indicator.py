# This file is part of the court platform.  See LICENSE.
"""The figures of the grid for ``court.indicator`` (codes G1-G6 and B17;
G7 with court_mediation).  Every figure is an SQL aggregate; the records
behind it are those a leader acts on (the townships without a point, the
points without a judge...).  Filters: ``area`` (a grid area id: the area
and everything below it), ``point`` (a station id), ``judge`` (a user id).
Choices: doc/court_grid.md."""

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.modules.court_base.indicator import IndicatorResult, ratio
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .area import NOT_POINT_KINDS, per_10000

GRID_CODES = {'G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'B17'}


def _id(value):
    return int(value) if value is not None else None


class Indicator(metaclass=PoolMeta):
    __name__ = 'court.indicator'

    @classmethod
    def _batched(cls):
        return super()._batched() | {'B17'}

    @classmethod
    def _providers(cls):
        providers = super()._providers()
        providers.update({
                'G1': ('grid_g1_township_coverage',
                    "Townships with a liaison point"),
                'G2': ('grid_g2_points_without_judge',
                    "Liaison points without a judge"),
                'G3': ('grid_g3_judges_without_point',
                    "Judges without a liaison point"),
                'G4': ('grid_g4_cells_without_member',
                    "Grid cells without a grid member"),
                'G5': ('grid_g5_activities',
                    "Liaison activities"),
                'G6': ('grid_g6_settled',
                    "Disputes settled on the spot in liaison activities"),
                'B17': ('grid_b17_lawsuit_rate',
                    "Lawsuits per 10,000 residents"),
                })
        return providers

    @classmethod
    def _grid_area_ids_query(cls, area_id):
        "The ids of the area and of every area below it"
        Area = Pool().get('court.grid.area')
        area = Area.__table__()
        code = Area(_id(area_id)).code
        return area.select(area.id, where=area.code.like(code + '%'))

    @classmethod
    def _grid_areas_where(cls, area, court_ids, level, filter_area=None):
        where = (area.company.in_(list(court_ids)) & (area.level == level)
            & (area.active == Literal(True)))
        if filter_area is not None:
            where &= area.id.in_(cls._grid_area_ids_query(filter_area))
        return where

    @classmethod
    def grid_g1_township_coverage(cls, court_ids, start, end, area=None,
            **filters):
        Area = Pool().get('court.grid.area')
        table, query, count = Area._count_query('point_count')
        cursor = Transaction().connection.cursor()
        cursor.execute(*query.select(table.id, count,
                where=cls._grid_areas_where(
                    table, court_ids, 'township', area)))
        rows = cursor.fetchall()
        without = [i for i, n in rows if not n]
        return IndicatorResult(code='G1',
            value=ratio(len(rows) - len(without), len(rows)),
            numerator=len(rows) - len(without), denominator=len(rows),
            unit='ratio', model='court.grid.area', record_ids=without)

    @classmethod
    def grid_g2_points_without_judge(cls, court_ids, start, end, area=None,
            **filters):
        Station = Pool().get('court.station')
        station, query, count = Station._judge_count_query()
        where = (station.company.in_(list(court_ids))
            & (station.active == Literal(True))
            & ~station.kind.in_(list(NOT_POINT_KINDS)) & (count == 0))
        if area is not None:
            where &= station.grid_area.in_(cls._grid_area_ids_query(area))
        cursor = Transaction().connection.cursor()
        cursor.execute(*query.select(station.id, where=where))
        ids = [i for i, in cursor]
        return IndicatorResult(code='G2', value=len(ids), numerator=len(ids),
            unit='count', model='court.station', record_ids=ids)

    @classmethod
    def grid_g3_judges_without_point(cls, court_ids, start, end, **filters):
        pool = Pool()
        User = pool.get('res.user')
        UserCompany = pool.get('res.user-company.company')
        user, query, count = User._point_count_query()
        link = UserCompany.__table__()
        where = (user.id.in_(User._judge_query())
            & user.id.in_(link.select(link.user,
                    where=link.company.in_(list(court_ids))))
            & (user.active == Literal(True)) & (count == 0))
        cursor = Transaction().connection.cursor()
        cursor.execute(*query.select(user.id, where=where))
        ids = [i for i, in cursor]
        return IndicatorResult(code='G3', value=len(ids), numerator=len(ids),
            unit='count', model='res.user', record_ids=ids)

    @classmethod
    def grid_g4_cells_without_member(cls, court_ids, start, end, area=None,
            **filters):
        Area = Pool().get('court.grid.area')
        table, query, count = Area._count_query('member_count')
        cursor = Transaction().connection.cursor()
        cursor.execute(*query.select(table.id,
                where=cls._grid_areas_where(table, court_ids, 'cell', area)
                & (count == 0)))
        ids = [i for i, in cursor]
        return IndicatorResult(code='G4', value=len(ids), numerator=len(ids),
            unit='count', model='court.grid.area', record_ids=ids)

    @classmethod
    def _grid_activity_where(cls, activity, court_ids, start, end,
            area=None, point=None, judge=None, **filters):
        where = (activity.company.in_(list(court_ids))
            & (activity.date >= start) & (activity.date <= end))
        if area is not None:
            where &= activity.area.in_(cls._grid_area_ids_query(area))
        if point is not None:
            where &= activity.point == _id(point)
        if judge is not None:
            where &= activity.judge == _id(judge)
        return where

    @classmethod
    def grid_g5_activities(cls, court_ids, start, end, **filters):
        Activity = Pool().get('court.grid.activity')
        activity = Activity.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*activity.select(activity.id,
                where=cls._grid_activity_where(
                    activity, court_ids, start, end, **filters)))
        ids = [i for i, in cursor]
        return IndicatorResult(code='G5', value=len(ids), numerator=len(ids),
            unit='count', model='court.grid.activity', record_ids=ids)

    @classmethod
    def grid_g6_settled(cls, court_ids, start, end, **filters):
        Activity = Pool().get('court.grid.activity')
        activity = Activity.__table__()
        cursor = Transaction().connection.cursor()
        where = cls._grid_activity_where(
            activity, court_ids, start, end, **filters)
        cursor.execute(*activity.select(
                Coalesce(Sum(activity.settled), 0), where=where))
        total, = cursor.fetchone()
        cursor.execute(*activity.select(activity.id,
                where=where & (activity.settled > 0)))
        ids = [i for i, in cursor]
        return IndicatorResult(code='G6', value=int(total or 0),
            numerator=int(total or 0), unit='count',
            model='court.grid.activity', record_ids=ids)

    @classmethod
    def grid_b17_lawsuit_rate(cls, court_ids, start, end, area=None,
            **filters):
        """Reported lawsuits of the years of the period ÷ the resident
        population of the townships that reported them (once a year)
        × 10,000 (court_ids may be a batch: two queries for all)"""
        pool = Pool()
        Count_ = pool.get('court.grid.lawsuit.count')

        def where_of(lawsuit, all_ids):
            where = (lawsuit.company.in_(all_ids)
                & (lawsuit.year >= start.year) & (lawsuit.year <= end.year))
            if area is not None:
                where &= lawsuit.township.in_(
                    cls._grid_area_ids_query(area))
            return where

        def joined(all_ids):
            lawsuit = Count_.__table__()
            population = Count_.township_population_query()
            return lawsuit.join(population,
                condition=population.township == lawsuit.township).select(
                lawsuit.company, lawsuit.count, population.population,
                where=where_of(lawsuit, all_ids))

        def ids_query(all_ids):
            lawsuit = Count_.__table__()
            return lawsuit.select(lawsuit.company, lawsuit.id,
                where=where_of(lawsuit, all_ids), order_by=[lawsuit.id])
        counted = cls._batch_rows(court_ids, joined)
        ids = cls._batch_rows(court_ids, ids_query)
        results = {}
        for key, rows in counted.items():
            lawsuits = sum(r[1] or 0 for r in rows)
            residents = sum(r[2] or 0 for r in rows)
            results[key] = IndicatorResult(code='B17',
                value=per_10000(int(lawsuits), int(residents)),
                numerator=int(lawsuits), denominator=int(residents),
                unit='per_10000', model='court.grid.lawsuit.count',
                record_ids=[r[1] for r in ids[key]])
        return cls._batch_answer(court_ids, results)
