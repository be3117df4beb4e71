# This file is part of the court platform.  See LICENSE.
import datetime as dt
import io
import unittest

from trytond.modules.court_base.validators import id_number_check_character
from trytond.modules.court_mediation import roster_import
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


def _id(body):
    return body + id_number_check_character(body)


def _sheet(rows, headers=None):
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [h for _, h, _ in roster_import.COLUMNS])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class RosterImportTestCase(unittest.TestCase):
    "Import of the roster from Excel"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('court_mediation')

    def test_template_has_the_headers(self):
        from openpyxl import load_workbook
        sheet = load_workbook(io.BytesIO(roster_import.template())).active
        headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
        self.assertEqual(headers[:2], ['姓名*', '居民身份证号码*'])
        # the template reads back as an empty sheet
        self.assertEqual(roster_import.read_rows(roster_import.template()),
            [])

    def test_read_rows_missing_column(self):
        with self.assertRaises(ValueError):
            roster_import.read_rows(_sheet([['张三']], headers=['姓名']))
        with self.assertRaises(ValueError):
            roster_import.read_rows(b'not an excel file')

    def _setup(self):
        from trytond.modules.company.tests import create_company
        pool = Pool()
        Organisation = pool.get('court.mediation.organisation')
        company = create_company()
        # the user imports for its own court (Import.check_courts)
        User = pool.get('res.user')
        User.write([User(Transaction().user)], {
                'companies': [('add', [company.id])], 'company': company.id})
        organisation, = Organisation.create([{
                    'name': '老城区人民调解委员会', 'kind': 'people',
                    'company': company.id}])
        return company, organisation

    def _wizard(self, company, data):
        Import = Pool().get('court.mediator.import', type='wizard')
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = data
        wizard.start.company = company
        wizard.start.appoint = company
        return wizard

    @with_transaction()
    def test_errors_row_by_row_and_nothing_written(self):
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Party = pool.get('party.party')
        company, _ = self._setup()
        good = _id('41030219800101123')
        data = _sheet([
                ['张三', good, '13812345678', '老城区人民调解委员会', None,
                    '婚姻家庭纠纷、邻里纠纷', '410302001', '2026-03-01',
                    None],
                ['李四', '410302198001011231', None, None, None, None,
                    None, None, None],
                ['王五', _id('41030219750505222'), '12345', '不存在的组织',
                    None, '不存在的案由', None, '2026-13-01', None],
                ['张三（重复）', good.lower(), None, None, None, None, None,
                    None, None],
                ])
        parties_before = Party.search_count([])
        wizard = self._wizard(company, data)
        values, errors = wizard.check()
        self.assertEqual(len(values), 4)
        self.assertEqual(len(errors), 6, errors)
        self.assertTrue(errors[0].startswith('Row 3'), errors)
        self.assertTrue(all(e.startswith('Row ') for e in errors))
        preview = wizard.default_preview(None)
        self.assertEqual(preview['errors'], 6)
        with self.assertRaises(roster_import.RosterImportError):
            wizard.transition_import_()
        self.assertEqual(Mediator.search_count([]), 0)
        self.assertEqual(Party.search_count([]), parties_before)
        # a file that is no sheet, and a sheet without a required column
        self.assertEqual(self._wizard(company, b'not an excel file').check(),
            ([], ['The file is not a readable Excel workbook (.xlsx).']))
        values, errors = self._wizard(company,
            _sheet([['张三']], headers=['姓名'])).check()
        self.assertEqual(values, [])
        self.assertEqual(len(errors), 1)
        self.assertIn('居民身份证号码', errors[0])

    @with_transaction()
    def test_import(self):
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Party = pool.get('party.party')
        company, organisation = self._setup()
        existing, = Party.create([{
                    'name': '李四', 'id_number': _id('41030219700202333')}])
        data = _sheet([
                ['张三', _id('41030219800101123'), '138 1234 5678',
                    '老城区人民调解委员会', '老张调解工作室',
                    '婚姻家庭纠纷，邻里纠纷', '410302001 410302002',
                    dt.datetime(2026, 3, 1), '2028-02-29'],
                ['李四', existing.id_number, None, None, None, None, None,
                    None, None],
                ])
        wizard = self._wizard(company, data)
        self.assertEqual(wizard.check()[1], [])
        self.assertEqual(wizard.transition_import_(), 'end')
        zhang, li = Mediator.search([], order=[('id', 'ASC')])
        self.assertEqual(zhang.party.mobile_number, '13812345678')
        self.assertEqual(zhang.organisation, organisation)
        self.assertEqual(zhang.studio, '老张调解工作室')
        self.assertEqual(sorted(s.code for s in zhang.specialities),
            ['marriage_family', 'neighbour'])
        self.assertEqual(zhang.join_date, dt.date(2026, 3, 1))
        self.assertEqual(zhang.term_end, dt.date(2028, 2, 29))
        self.assertEqual(zhang.state, 'candidate')
        self.assertEqual(len(zhang.appointments), 1)
        # the existing person is reused, not duplicated
        self.assertEqual(li.party, existing)
        # importing the same sheet again is refused: already on the roster
        wizard = self._wizard(company, data)
        self.assertEqual(len(wizard.check()[1]), 2)
