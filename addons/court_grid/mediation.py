# This file is part of the court platform.  See LICENSE.
"""With court_mediation: a mediation case carries its grid area (cell or
village) and its point; a dispute a grid member refers becomes a case; the
disputes that reached the court from a cell without passing through its
station or grid (漏排) are counted per cell and month; the mediation
figures can be cut by area and point."""
from sql import Column, Literal
from sql.aggregate import Count, Min
from sql.conditionals import Coalesce
from sql.functions import Extract

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import GridDisputeError

# sources through which a dispute passed the station or the grid
GRID_SOURCES = ('station', 'grid')


class Case(metaclass=PoolMeta):
    __name__ = 'court.mediation.case'
    grid_area = fields.Many2One('court.grid.area', "Grid Area",
        ondelete='RESTRICT',
        domain=[('level', 'in', ['township', 'village', 'cell']),
            ('company', 'child_of', [Eval('company', -1)], 'superior')],
        states={'readonly': ~Eval('state').in_(['draft', 'registered'])},
        help="The grid cell or village the dispute comes from (at least "
        "the township of the station where it was logged).")
    grid_disputes = fields.One2Many('court.grid.dispute', 'case',
        "Grid Disputes", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if ('grid', "Grid Member") not in cls.source.selection:
            cls.source.selection.append(('grid', "Grid Member"))
        cls._sql_indexes.add(_index(cls))

    @fields.depends('station', '_parent_station.grid_area', 'grid_area')
    def on_change_station(self):
        super().on_change_station()
        if self.station and not self.grid_area and self.station.grid_area:
            self.grid_area = self.station.grid_area

    @classmethod
    def create(cls, vlist):
        "A case logged at a station carries the station's area by default"
        pool = Pool()
        Station = pool.get('court.station')
        vlist = [v.copy() for v in vlist]
        station_ids = {v['station'] for v in vlist
            if v.get('station') and not v.get('grid_area')}
        if station_ids:
            stations = {s.id: s for s in Station.browse(list(station_ids))}
            for values in vlist:
                if values.get('station') and not values.get('grid_area'):
                    area = cls._station_area(stations[values['station']],
                        values.get('company'))
                    if area:
                        values['grid_area'] = area.id
        return super().create(vlist)

    @classmethod
    def _station_area(cls, station, company_id=None):
        "The station's area if the case's court may carry it"
        Company = Pool().get('company.company')
        area = station.grid_area
        company_id = company_id or station.company.id
        if area and area.company.id in Company.court_and_subordinates(
                [company_id]):
            return area

    @classmethod
    def write(cls, *args):
        "A case moved to a station and without an area takes the station's"
        actions = iter(args)
        args = []
        for cases, values in zip(actions, actions):
            if values.get('station') and 'grid_area' not in values:
                station = Pool().get('court.station')(values['station'])
                groups = {}
                for case in cases:
                    area = None if case.grid_area else cls._station_area(
                        station, values.get('company', case.company.id))
                    groups.setdefault(area, []).append(case)
                for area, group in groups.items():
                    args.extend([group, dict(values, grid_area=area.id)
                            if area else values])
                continue
            args.extend([cases, values])
        super().write(*args)


def _index(cls):
    from trytond.model import Index
    t = cls.__table__()
    return Index(t, (t.grid_area, Index.Equality()),
        (t.received_date, Index.Range()))


class GridDispute(metaclass=PoolMeta):
    __name__ = 'court.grid.dispute'
    case = fields.Many2One('court.mediation.case', "Mediation Case",
        readonly=True, ondelete='SET NULL')

    @classmethod
    def _refer(cls, disputes):
        pool = Pool()
        Case = pool.get('court.mediation.case')
        super()._refer(disputes)
        vlist = []
        for dispute in disputes:
            if dispute.case:
                raise GridDisputeError(gettext(
                        'court_grid.msg_dispute_already_case',
                        dispute=dispute.rec_name))
            parties = [('create', [{'role': 'applicant',
                            'party': dispute.applicant.id}])]
            if dispute.respondent:
                parties[0][1].append({'role': 'respondent',
                        'party': dispute.respondent.id})
            point = dispute.point
            vlist.append({
                    'company': dispute.company.id,
                    'source': 'grid',
                    'station': (point.id if point
                        and point.company == dispute.company else None),
                    'grid_area': dispute.cell.id,
                    'received_date': dispute.date,
                    'dispute_type': dispute.dispute_type.id,
                    'facts': dispute.facts,
                    'parties': parties,
                    })
        if not vlist:
            return
        # the button's groups were checked; the case is the grid member's
        with without_check_access():
            cases = Case.create(vlist)
            cls.write(*sum(([[d], {'case': c.id}]
                        for d, c in zip(disputes, cases)), []))


class Leak(ModelSQL, ModelView):
    "Leaked Disputes"
    __name__ = 'court.grid.leak'
    company = fields.Many2One('company.company', "Court")
    cell = fields.Many2One('court.grid.area', "Grid Area")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    period = fields.Function(fields.Char("Month"), 'get_period')
    count = fields.Integer("Disputes Straight to the Court")
    threshold = fields.Integer("Threshold")
    warning = fields.Function(fields.Boolean("Warning",
            help="The count reached the threshold the court set."),
        'get_warning', searcher='search_warning')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('month', 'DESC'), ('count', 'DESC'),
            ('cell', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """Per cell and month: the cases that reached the court without
        its station or grid, with the threshold of the cell's court (its
        court.grid.leak.threshold line, else the platform's)"""
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Configuration = pool.get('court.grid.configuration')
        Threshold = pool.get('court.grid.leak.threshold')
        default = Configuration(1).leak_threshold or 1
        case = Case.__table__()
        court_threshold = Threshold.__table__()
        # EXTRACT gives a numeric on PostgreSQL: the id must be an integer
        year = cls.year.sql_cast(Extract('YEAR', case.received_date))
        month = cls.month.sql_cast(Extract('MONTH', case.received_date))
        count = Count(case.id)
        return case.join(court_threshold, 'LEFT',
            condition=court_threshold.company == case.company).select(
            # a case is in one group only: its smallest id names the group
            Min(case.id).as_('id'),
            Min(case.company).as_('company'),
            case.grid_area.as_('cell'),
            year.as_('year'),
            month.as_('month'),
            count.as_('count'),
            Coalesce(Min(court_threshold.leak_threshold), default
                ).as_('threshold'),
            Literal(0).as_('create_uid'),
            Min(case.create_date).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            where=(case.grid_area != None)  # noqa: E711
            & ~case.source.in_(list(GRID_SOURCES))
            & ~case.state.in_(['draft', 'cancelled']),
            group_by=[case.grid_area, year, month])

    def get_period(self, name):
        return '%04d-%02d' % (self.year or 0, self.month or 0)

    def get_warning(self, name):
        return (self.count or 0) >= (self.threshold or 1)

    @classmethod
    def search_warning(cls, name, clause):
        "Each group against the threshold of its own court"
        leak = cls.table_query()
        count, threshold = Column(leak, 'count'), Column(leak, 'threshold')
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            where = count >= threshold
        else:
            where = count < threshold
        return [('id', 'in', leak.select(Column(leak, 'id'), where=where))]

    def get_rec_name(self, name):
        return '%s %04d-%02d' % (
            self.cell.rec_name if self.cell else '', self.year or 0,
            self.month or 0)


class Indicator(metaclass=PoolMeta):
    __name__ = 'court.indicator'

    @classmethod
    def _providers(cls):
        providers = super()._providers()
        providers['G7'] = ('grid_g7_leaks',
            "Disputes straight to the court from a grid area (漏排)")
        return providers

    @classmethod
    def compute(cls, code, courts, start, end, **filters):
        """The mediation figures may be cut by grid area (``area``: a
        county, township, village or cell, with the areas below it) and by
        point (``point``: the case's station)."""
        compute = super().compute
        return cls._grid_cut(compute, code, courts, start, end, filters)

    @classmethod
    def compute_many(cls, code, courts, start, end, **filters):
        "The same cuts, for many courts at once"
        compute = super().compute_many
        return cls._grid_cut(compute, code, courts, start, end, filters)

    @classmethod
    def _grid_cut(cls, compute, code, courts, start, end, filters):
        from .indicator import GRID_CODES
        if code in GRID_CODES:
            return compute(code, courts, start, end, **filters)
        filters = dict(filters)
        area = filters.pop('area', None)
        point = filters.pop('point', None)
        if point is not None:
            filters['station'] = point
        with Transaction().set_context(court_grid_area=(
                    int(area) if area is not None else None)):
            return compute(code, courts, start, end, **filters)

    @classmethod
    def _mediation_case_where(cls, case, court_ids, **filters):
        where = super()._mediation_case_where(case, court_ids, **filters)
        area_id = Transaction().context.get('court_grid_area')
        if area_id is not None:
            where &= case.grid_area.in_(cls._grid_area_ids_query(area_id))
        return where

    @classmethod
    def grid_g7_leaks(cls, court_ids, start, end, area=None, **filters):
        pool = Pool()
        Case = pool.get('court.mediation.case')
        case = Case.__table__()
        where = (case.company.in_(list(court_ids))
            & (case.grid_area != None)  # noqa: E711
            & ~case.source.in_(list(GRID_SOURCES))
            & ~case.state.in_(['draft', 'cancelled'])
            & (case.received_date >= start) & (case.received_date <= end))
        if area is not None:
            where &= case.grid_area.in_(cls._grid_area_ids_query(area))
        cursor = Transaction().connection.cursor()
        cursor.execute(*case.select(case.id, where=where))
        ids = [i for i, in cursor]
        from trytond.modules.court_base.indicator import IndicatorResult
        return IndicatorResult(code='G7', value=len(ids), unit='count',
            numerator=len(ids), model='court.mediation.case',
            record_ids=ids)
