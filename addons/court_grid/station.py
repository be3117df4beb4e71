# This file is part of the court platform.  See LICENSE.
"""Liaison points: court_base's stations with their area, judges,
mediators, grid people, enterprise, opening hours."""
from sql import Literal
from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .area import NOT_POINT_KINDS
from .exceptions import PointError
from .tools import count_domain, count_join


def judge_group_id():
    ModelData = Pool().get('ir.model.data')
    return ModelData.get_id('court_base', 'group_judge')


class Station(metaclass=PoolMeta):
    __name__ = 'court.station'
    grid_area = fields.Many2One('court.grid.area', "Area",
        ondelete='RESTRICT',
        help="The township, village or grid cell where the point is.")
    judges = fields.Many2Many('court.station-judge', 'station', 'user',
        "Judges", domain=[('court_judge', '=', True)])
    mediators = fields.Many2Many('court.station-mediator', 'station', 'party',
        "Mediators", domain=[('party_kind', '=', 'person')])
    grid_persons = fields.Many2Many('court.station-court.grid.person',
        'station', 'person', "Grid People",
        domain=[('company', 'child_of', [Eval('company', -1)], 'superior')])
    enterprise = fields.Many2One('party.party', "Enterprise",
        ondelete='RESTRICT', domain=[('party_kind', '=', 'organisation')],
        states={
            'invisible': Eval('kind') != 'enterprise_station',
            'required': Eval('kind') == 'enterprise_station',
            })
    opening_hours = fields.Char("Opening Hours")
    judge_count = fields.Function(fields.Integer("Judges"),
        'get_judge_count', searcher='search_judge_count')

    @classmethod
    def create(cls, vlist):
        """A point created with a division code and no area is placed in
        the area of that code when the point's court or a court under it
        serves it (the stations court_mediation's demo creates, or a
        station typed with its code)"""
        pool = Pool()
        Area = pool.get('court.grid.area')
        Company = pool.get('company.company')
        vlist = [v.copy() for v in vlist]
        codes = {v['division_code'] for v in vlist
            if v.get('division_code') and not v.get('grid_area')}
        if codes:
            areas = {a.code: a for a in Area.search([
                        ('code', 'in', sorted(codes)),
                        ('level', '!=', 'county'),
                        ], order=[])}
            for values in vlist:
                area = areas.get(values.get('division_code'))
                company = values.get('company') or cls.default_company()
                if (area and not values.get('grid_area') and company
                        and area.company.id in (
                            Company.court_and_subordinates([company]))):
                    values['grid_area'] = area.id
        return super().create(vlist)

    @fields.depends('grid_area', '_parent_grid_area.code', 'division_code')
    def on_change_grid_area(self):
        if self.grid_area:
            self.division_code = self.grid_area.code[:12]

    @classmethod
    def _judge_nonzero_query(cls):
        "(id, n) of the stations with a judge"
        StationJudge = Pool().get('court.station-judge')
        link = StationJudge.__table__()
        return link.select(link.station.as_('id'), Count(link.id).as_('n'),
            group_by=[link.station])

    @classmethod
    def _judge_count_query(cls):
        station = cls.__table__()
        query, count = count_join(station, cls._judge_nonzero_query())
        return station, query, count

    @classmethod
    def get_judge_count(cls, stations, name):
        ids = [s.id for s in stations]
        result = dict.fromkeys(ids, 0)
        nonzero = cls._judge_nonzero_query()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*nonzero.select(nonzero.id, nonzero.n,
                    where=nonzero.id.in_(list(sub_ids))))
            result.update(cursor)
        return result

    @classmethod
    def search_judge_count(cls, name, clause):
        _, operator, value = clause[:3]
        return count_domain(cls._judge_nonzero_query(), operator, value)

    @classmethod
    def validate_fields(cls, stations, field_names):
        super().validate_fields(stations, field_names)
        pool = Pool()
        Company = pool.get('company.company')
        if field_names is None or field_names & {
                'grid_area', 'company', 'judges', 'kind', 'enterprise'}:
            group = judge_group_id()
            for station in stations:
                area = station.grid_area
                if not area and station.kind not in NOT_POINT_KINDS:
                    raise PointError(gettext(
                            'court_grid.msg_point_area_required',
                            point=station.rec_name))
                if area and area.company.id not in (
                        Company.court_and_subordinates([station.company.id])):
                    raise PointError(gettext(
                            'court_grid.msg_point_area_court',
                            point=station.rec_name, area=area.rec_name,
                            court=station.company.rec_name))
                for judge in station.judges:
                    if group not in [g.id for g in judge.groups]:
                        raise PointError(gettext(
                                'court_grid.msg_point_judge_group',
                                point=station.rec_name,
                                judge=judge.rec_name))
                if (station.kind == 'enterprise_station'
                        and not station.enterprise):
                    raise PointError(gettext(
                            'court_grid.msg_point_enterprise',
                            point=station.rec_name))


class StationJudge(ModelSQL):
    "Station - Judge"
    __name__ = 'court.station-judge'
    station = fields.Many2One('court.station', "Station", required=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "Judge", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('station')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.station, Index.Equality())),
                Index(t, (t.user, Index.Equality())),
                })


class StationMediator(ModelSQL):
    "Station - Mediator"
    __name__ = 'court.station-mediator'
    station = fields.Many2One('court.station', "Station", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Mediator", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('station')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.station, Index.Equality())))


class StationPerson(ModelSQL):
    "Station - Grid Person"
    __name__ = 'court.station-court.grid.person'
    station = fields.Many2One('court.station', "Station", required=True,
        ondelete='CASCADE')
    person = fields.Many2One('court.grid.person', "Grid Person",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('station')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.station, Index.Equality())),
                Index(t, (t.person, Index.Equality())),
                })


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    court_phone = fields.Char("Work Phone",
        help="The number posted on the notices of the liaison points.")
    court_judge = fields.Function(fields.Boolean("Judge"),
        'get_court_judge', searcher='search_court_judge')
    grid_points = fields.Many2Many('court.station-judge', 'user', 'station',
        "Liaison Points", readonly=True)
    grid_point_count = fields.Function(fields.Integer("Liaison Points"),
        'get_grid_point_count', searcher='search_grid_point_count')

    @classmethod
    def _judge_query(cls):
        UserGroup = Pool().get('res.user-res.group')
        link = UserGroup.__table__()
        return link.select(link.user,
            where=link.group == judge_group_id())

    @classmethod
    def get_court_judge(cls, users, name):
        cursor = Transaction().connection.cursor()
        cursor.execute(*cls._judge_query())
        judges = {u for u, in cursor}
        return {u.id: u.id in judges for u in users}

    @classmethod
    def search_court_judge(cls, name, clause):
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return [('id', 'in', cls._judge_query())]
        return [('id', 'not in', cls._judge_query())]

    @classmethod
    def _point_nonzero_query(cls):
        "(id, n) of the users who are judges of an active point"
        pool = Pool()
        StationJudge = pool.get('court.station-judge')
        Station = pool.get('court.station')
        link = StationJudge.__table__()
        station = Station.__table__()
        return link.join(station, condition=(link.station == station.id)
            & (station.active == Literal(True))).select(
            link.user.as_('id'), Count(link.id).as_('n'),
            group_by=[link.user])

    @classmethod
    def _point_count_query(cls):
        user = cls.__table__()
        query, count = count_join(user, cls._point_nonzero_query())
        return user, query, count

    @classmethod
    def get_grid_point_count(cls, users, name):
        ids = [u.id for u in users]
        result = dict.fromkeys(ids, 0)
        nonzero = cls._point_nonzero_query()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*nonzero.select(nonzero.id, nonzero.n,
                    where=nonzero.id.in_(list(sub_ids))))
            result.update(cursor)
        return result

    @classmethod
    def search_grid_point_count(cls, name, clause):
        _, operator, value = clause[:3]
        return count_domain(cls._point_nonzero_query(), operator, value)

    @classmethod
    def get_grid_cell_ids(cls):
        "The ids of the grid cells the current user covers"
        user_id = Transaction().user
        if not user_id:
            return []
        return Pool().get('court.grid.person').cell_ids_of_user(user_id)


class Rule(metaclass=PoolMeta):
    """Record rules may also use "grid_cells": the ids of the grid cells
    the current user covers as a grid leader or member."""
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(User.get_grid_cell_ids()))

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        context['grid_cells'] = User.get_grid_cell_ids()
        return context
