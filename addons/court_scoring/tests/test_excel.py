# This file is part of the court platform.  See LICENSE.
"""Excel ranking and score sheet, the import of reported values, the score
sheet report."""
import io
import shutil
import unittest
import zipfile
from decimal import Decimal as D

import openpyxl
import xlsxwriter

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_module import A_VALUES, YEAR, _courts, _report, _scheme


def _sheet(rows):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    workbook.close()
    return output.getvalue()


HEADER = ['法院代码', '指标代码', '期间类型', '年度', '期号', '数值', '备注']


class ExcelTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('court_scoring')

    def _evaluate(self):
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        _report(a, A_VALUES)
        _report(b, dict(A_VALUES, A3=95))
        evaluations = Evaluation.evaluate([a, b], scheme, 'year', YEAR, 1)
        return scheme, top, a, b, Evaluation.browse(evaluations)

    @with_transaction()
    def test_ranking_export(self):
        "Chinese headers, frozen header, percentages, ranked rows"
        from trytond.modules.court_scoring.excel import ranking_xlsx
        scheme, top, a, b, evaluations = self._evaluate()
        evaluations = sorted(evaluations, key=lambda e: e.rank)
        data = ranking_xlsx(evaluations, scheme)
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book['排名']
        header = [c.value for c in sheet[1]]
        self.assertEqual(header[:5], ['排名', '法院', '法院代码', '上级法院', '总分'])
        self.assertIn('A3 网上立案审核按期率', header)
        self.assertEqual(sheet.freeze_panes, 'C2')
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        self.assertEqual([(r[0], r[1], r[4]) for r in rows],
            [(1, '乙法院', 58.5), (2, '甲法院', 56.5)])
        rate = sheet.cell(row=2, column=header.index('得分率') + 1)
        self.assertEqual(rate.number_format, '0.00%')
        self.assertAlmostEqual(rate.value, 0.585)
        a3 = header.index('A3 网上立案审核按期率')
        self.assertEqual([r[a3] for r in rows], [10, 8])

    @with_transaction()
    def test_score_sheet_export(self):
        "The layout of the source table"
        from trytond.modules.court_scoring.excel import score_sheet_xlsx
        scheme, top, a, b, evaluations = self._evaluate()
        evaluation, = [e for e in evaluations if e.company == a]
        book = openpyxl.load_workbook(io.BytesIO(
                score_sheet_xlsx(evaluation)))
        sheet = book['评分表']
        self.assertEqual([c.value for c in sheet[3]][:6],
            ['项目', '基本要求', '分值', '考核标准', '得分', '说明'])
        rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
        a2 = [r for k, r in rows.items() if k and ' A2 ' in k][0]
        self.assertEqual((a2[2].value, a2[4].value), (20, 14))
        self.assertIn('扣 6 分', a2[5].value)
        self.assertEqual(rows['总分'][4].value, 56.5)

    @with_transaction()
    def test_import_all_or_nothing(self):
        "Row errors are listed and nothing is imported; then all is"
        from trytond.modules.court_scoring.excel import (
            import_template, parse_import)
        pool = Pool()
        Value = pool.get('court.scoring.value')
        top, a, b = _courts()
        User = pool.get('res.user')
        # the user works for the intermediate court: its courts are the
        # three; a court outside them is a row error
        User.write([User(Transaction().user)], {
                'companies': [('add', [top.id])], 'company': top.id})
        outside = create_company('丙法院', currency=top.currency)
        pool.get('company.company').write([outside], {'court_code': '豫0401'})
        # (the scenarios, which commit, may share this database)
        mine = [('company', 'in', [a.id, b.id])]
        template = openpyxl.load_workbook(io.BytesIO(import_template()))
        self.assertEqual([c.value for c in template['填报'][1]], HEADER)
        bad = _sheet([HEADER,
                ['豫0302', 'A3', '年', YEAR, 1, 92.5, None],
                ['豫9999', 'A3', '年', YEAR, 1, 90, None],
                ['豫0302', 'B6', '年', YEAR, 1, 90, None],
                ['豫0302', 'A4E', '月', YEAR, 13, 90, None],
                ['豫0302', 'A4P', '年', YEAR, 1, '很多', None],
                ['豫0401', 'A3', '年', YEAR, 1, 90, None],
                ])
        vlist, errors = parse_import(bad)
        self.assertEqual(len(vlist), 1)
        self.assertEqual([e.split(':')[0].split('：')[0][:6] for e in errors],
            ['Row 3', 'Row 4', 'Row 5', 'Row 6', 'Row 7'])
        self.assertIn('neither your court', errors[-1])
        ModelData = pool.get('ir.model.data')
        User.write([User(Transaction().user)], {'groups': [('add', [
                            ModelData.get_id('court_base',
                                'group_scoring_admin')])]})
        Import = pool.get('court.scoring.value.import', type='wizard')
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = bad
        wizard.start.document = None
        with self.assertRaises(UserError):
            wizard.transition_import_()
        self.assertEqual(Value.search(mine), [])
        # a rate out of range, a future period: row errors, nothing imported
        wizard.start.file = _sheet([HEADER,
                ['豫0302', 'A3', '年', YEAR, 1, 92.5, None],
                ['豫0303', 'A3', '年', YEAR, 1, 192.5, None],
                ['豫0303', 'A4E', '年', YEAR + 2, 1, 92.5, None]])
        preview = wizard.default_preview(None)
        self.assertEqual(preview['rows'], 1)
        self.assertFalse(preview['valid'])
        self.assertEqual(len(preview['errors'].splitlines()), 2)
        with self.assertRaises(UserError):
            wizard.transition_import_()
        self.assertEqual(Value.search(mine), [])
        wizard.start.file = _sheet([HEADER,
                ['豫0302', 'A3', '年', YEAR, 1, 92.5, '年报'],
                ['豫0303', 'A3', '季度', YEAR, 2, '81%', None]])
        wizard.start.document = b'%PDF-1.4'
        wizard.start.document_name = '依据.pdf'
        wizard.transition_import_()
        values = Value.search(mine, order=[('company', 'ASC')])
        self.assertEqual([(v.company, v.value, v.period_name, v.origin,
                    v.document_name) for v in values],
            [(a, D('92.5'), '%s年' % YEAR, 'import', '依据.pdf'),
                (b, D(81), '%s年第2季度' % YEAR, 'import', '依据.pdf')])
        # the same rows again: unchanged, left alone (nothing to import)
        unchanged = []
        vlist, errors = parse_import(wizard.start.file, unchanged)
        self.assertEqual((vlist, errors), ([], []))
        self.assertEqual(sorted(unchanged), sorted(values))
        # a changed value is refused: a correction, with its reason
        vlist, errors = parse_import(_sheet([HEADER,
                    ['豫0302', 'A3', '年', YEAR, 1, 93, '年报'],
                    ['豫0302', 'A3', '年', YEAR, 1, 92.5, '年报']]))
        self.assertEqual(vlist, [])
        self.assertEqual(len(errors), 2)
        self.assertIn('92.5', errors[0])
        self.assertIn('correction', errors[0])

    @with_transaction()
    def test_score_sheet_report(self):
        "The score sheet, as the template renders it (and as PDF)"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        scheme, top, a, b, evaluations = self._evaluate()
        evaluation, = [e for e in evaluations if e.company == a]
        Report = pool.get('court.scoring.evaluation.score_sheet',
            type='report')
        action, = ActionReport.search([
                ('report_name', '=', 'court.scoring.evaluation.score_sheet')])
        self.assertEqual(action.extension, 'pdf')
        with Transaction().set_user(0):
            ActionReport.write([action], {'extension': ''})
        with set_company(top):
            ext, content, _, _ = Report.execute([evaluation.id], {})
        if ext == 'odt':
            with zipfile.ZipFile(io.BytesIO(content)) as odt:
                content = odt.read('content.xml')
        text = content.decode('utf-8')
        self.assertIn('考 核 评 分 表', text)
        self.assertIn('甲法院', text)
        self.assertIn('56.5', text)
        self.assertIn('A2', text)
        self.assertIn('无数据', text)
        if shutil.which('soffice'):
            with Transaction().set_user(0):
                ActionReport.write([action], {'extension': 'pdf'})
            with set_company(top):
                ext, content, _, _ = Report.execute([evaluation.id], {})
            self.assertEqual(ext, 'pdf')
            self.assertTrue(content.startswith(b'%PDF'))
