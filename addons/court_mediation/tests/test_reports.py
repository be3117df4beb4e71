# This file is part of the court platform.  See LICENSE.
import datetime as dt
import io
import shutil
import unittest
import zipfile

from trytond.modules.court_base.validators import id_number_check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction


def _id(body):
    return body + id_number_check_character(body)


class ReportsTestCase(unittest.TestCase):
    "The mediation agreement and the transfer form"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('court_mediation')

    def _text(self, report_name, case):
        "The text of the report, rendered as the template's ODT"
        pool = Pool()
        Report = pool.get(report_name, type='report')
        ActionReport = pool.get('ir.action.report')
        actions = ActionReport.search([('report_name', '=', report_name)])
        self.assertEqual([a.extension for a in actions], ['pdf'])
        # the same report, left in its template's format
        odt, = ActionReport.copy(actions, {'extension': ''})
        ext, content, _, name = Report.execute(
            [case.id], {'action_id': odt.id})
        self.assertIn(ext, {'odt', 'fodt'})
        if ext == 'odt':
            with zipfile.ZipFile(io.BytesIO(content)) as odt:
                content = odt.read('content.xml')
        return content.decode('utf-8')

    @with_transaction()
    def test_reports(self):
        from trytond.modules.company.tests import create_company, set_company
        pool = Pool()
        Party = pool.get('party.party')
        Case = pool.get('court.mediation.case')
        DisputeType = pool.get('court.dispute.type')
        company = create_company()
        applicant, respondent = Party.create([
                {'name': '张三', 'id_number': _id('41030219800101123')},
                {'name': '某物业服务有限公司', 'party_kind': 'organisation'},
                ])
        dispute_type, = DisputeType.search(
            [('code', '=', 'property_service')])
        case, = Case.create([{
                    'company': company.id,
                    'number': '(2026)豫0302诉前调7号',
                    'state': 'succeeded',
                    'source': 'window',
                    'received_date': dt.date(2026, 3, 2),
                    'concluded_date': dt.date(2026, 3, 20),
                    'dispute_type': dispute_type.id,
                    'amount': 12345,
                    'facts': '物业费争议。',
                    'agreement': '一、被申请人减免物业费三千元。\n二、申请人于三日内付清余款。',
                    'undisputed_facts': '双方签有物业服务合同。',
                    'disputed_points': '服务质量是否达标。',
                    'service_address': '洛阳市老城区某路1号',
                    'parties': [('create', [
                                {'role': 'applicant', 'party': applicant.id},
                                {'role': 'respondent',
                                    'party': respondent.id}])],
                    }])
        with set_company(company):
            self._check(case, applicant)
            self._check_pdf(case)

    def _check_pdf(self, case):
        "As the users print them: PDF, converted by LibreOffice"
        if not shutil.which('soffice'):
            self.skipTest("LibreOffice (soffice) is not installed")
        for report_name in ['court.mediation.case.agreement',
                'court.mediation.case.transfer']:
            Report = Pool().get(report_name, type='report')
            ext, content, _, name = Report.execute([case.id], {})
            self.assertEqual(ext, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF-'))
            # the Chinese text is embedded with a CJK font
            self.assertIn(b'/FontName', bytes(content))

    def _check(self, case, applicant):
        text = self._text('court.mediation.case.agreement', case)
        for expected in ['调 解 协 议 书', '(2026)豫0302诉前调7号', '张三',
                applicant.id_number, '某物业服务有限公司', '物业服务合同纠纷',
                '12,345.00', '被申请人减免物业费三千元',
                '申请人于三日内付清余款']:
            self.assertIn(expected, text)
        text = self._text('court.mediation.case.transfer', case)
        for expected in ['诉前调解不成转立案登记表', '双方签有物业服务合同',
                '服务质量是否达标', '洛阳市老城区某路1号']:
            self.assertIn(expected, text)
