# This file is part of the court platform.  See LICENSE.
"""The half-year analysis report of petitions (半年分析报告, D7): an Excel
workbook by cause, court, department, channel, first-time vs repeat, with
the reasons recorded; and the 关联查询 screen (everything known about a
petitioner and a case number)."""
import datetime as dt
import io

from sql import Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import PetitionError
from .petition import REGISTERED_STATES

HALVES = [
    ('1', "First Half"),
    ('2', "Second Half"),
    ]


def half_bounds(year, half):
    if str(half) == '1':
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


class Analysis(CourtMixin, ModelSQL, ModelView):
    "Petition Half-Year Analysis"
    __name__ = 'court.petition.analysis'
    year = fields.Integer("Year", required=True, readonly=True)
    half = fields.Selection(HALVES, "Half", required=True, readonly=True)
    start_date = fields.Date("From", readonly=True)
    end_date = fields.Date("To", readonly=True)
    generated = fields.DateTime("Generated", readonly=True)
    user = fields.Many2One('res.user', "By", readonly=True)
    petition_count = fields.Integer("Petitions", readonly=True)
    file = fields.Binary("Workbook", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('half', 'DESC'), ('id', 'DESC')]


def _labels(Model, name):
    return {k: v for k, v in Model.fields_get([name])[name]['selection']}


def _department_labels(court_ids):
    """{department id: label} of the departments of the courts (the
    court's name before it when there are several courts)"""
    Department = Pool().get('court.department')
    with without_check_access():
        departments = Department.search([
                ('company', 'in', list(court_ids) or [-1]),
                ], order=[('company', 'ASC'), ('name', 'ASC')])
        return {d.id: d.name if len(set(court_ids)) <= 1
            else f'{d.company.rec_name} {d.name}' for d in departments}


def _department_label(labels):
    Company = Pool().get('company.company')

    def label(value):
        if value is not None and value < 0:
            with without_check_access():
                return '交办下级法院：' + Company(-value).rec_name
        return labels.get(value) or '未交办部门'
    return label


def grouped(court_ids, start, end, key):
    """Return [(key value, received, registered, replied, closed resolved,
    repeat)] of the petitions received in [start, end] in the courts,
    grouped by key ('category', 'company', 'department', 'channel',
    'repeat').  By department: the id of the department (court.department),
    minus the id of the court below for a superior court's record
    assigned down."""
    pool = Pool()
    Petition = pool.get('court.petition')
    table = Petition.__table__()
    column = getattr(table, key)
    if key == 'department':
        # no parameter in the expression: PostgreSQL would not match the
        # GROUP BY with the SELECT
        column = Coalesce(table.department, -table.assigned_to_court)
    registered = table.state.in_(REGISTERED_STATES)
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            column,
            Count(table.id),
            Sum(Case((registered, 1), else_=0)),
            Sum(Case((table.reply_date != None, 1), else_=0)),  # noqa: E711
            Sum(Case((table.outcome == 'resolved', 1), else_=0)),
            Sum(Case((table.repeat == Literal(True), 1), else_=0)),
            where=table.company.in_(list(court_ids) or [-1])
            & (table.received_date >= start) & (table.received_date <= end)
            & (table.state != 'cancelled'),
            group_by=[column],
            order_by=[Count(table.id).desc]))
    return [tuple(r[:1]) + tuple(int(v or 0) for v in r[1:])
        for r in cursor]


def build_workbook(court_ids, start, end, title):
    "Return the xlsx bytes of the half-year analysis and the count"
    import xlsxwriter
    pool = Pool()
    Petition = pool.get('court.petition')
    Company = pool.get('company.company')
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    bold = book.add_format({'bold': True, 'bg_color': '#DDEBF7',
            'border': 1, 'text_wrap': True, 'valign': 'vcenter'})
    title_format = book.add_format({'bold': True, 'font_size': 14})
    date_format = book.add_format({'num_format': 'yyyy-mm-dd'})
    percent = book.add_format({'num_format': '0.0%'})
    wrap = book.add_format({'text_wrap': True, 'valign': 'top'})
    headers = ['项目', '收到件数', '登记件数', '已答复', '化解', '重复信访',
        '答复率', '化解率']

    def sheet(name, key, labels):
        rows = grouped(court_ids, start, end, key)
        ws = book.add_worksheet(name)
        ws.write(0, 0, f'{title}（{name}）', title_format)
        ws.write_row(1, 0, headers, bold)
        ws.freeze_panes(2, 1)
        ws.set_column(0, 0, 28)
        ws.set_column(1, 7, 11)
        total = [0] * 5
        for i, row in enumerate(rows, start=2):
            value, *counts = row
            ws.write(i, 0, labels(value))
            ws.write_row(i, 1, counts)
            ws.write_formula(i, 6, f'=IF(C{i + 1}=0,"",D{i + 1}/C{i + 1})',
                percent)
            ws.write_formula(i, 7, f'=IF(C{i + 1}=0,"",E{i + 1}/C{i + 1})',
                percent)
            total = [a + b for a, b in zip(total, counts)]
        n = len(rows) + 2
        ws.write(n, 0, '合计', bold)
        ws.write_row(n, 1, total, bold)
        if len(rows):
            chart = book.add_chart({'type': 'column'})
            chart.add_series({
                    'name': '收到件数',
                    'categories': [name, 2, 0, n - 1, 0],
                    'values': [name, 2, 1, n - 1, 1],
                    })
            chart.set_title({'name': f'{name}：收到件数'})
            chart.set_legend({'none': True})
            ws.insert_chart(1, 9, chart)
        return total

    categories = _labels(Petition, 'category')
    channels = _labels(Petition, 'channel')
    courts = {c.id: c.rec_name for c in Company.browse(court_ids)}
    total = sheet('按信访原因', 'category',
        lambda v: categories.get(v) or '未分类')
    sheet('按法院', 'company', lambda v: courts.get(v, str(v)))
    departments = _department_labels(court_ids)
    sheet('按承办部门', 'department',
        _department_label(departments))
    sheet('按来访渠道', 'channel', lambda v: channels.get(v) or '未填写')
    sheet('初访与重复访', 'repeat',
        lambda v: '重复信访' if v else '初次信访')

    # the petitions and the reasons recorded
    ws = book.add_worksheet('信访明细及原因')
    columns = ['编号', '法院', '收到日期', '渠道', '信访人', '信访原因',
        '原审案号', '原执行案号', '初访/重复', '承办部门', '答复日期',
        '办结日期', '结果', '原因', '重点信访', '上级交办']
    ws.write_row(0, 0, columns, bold)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 1, 26)
    ws.set_column(2, 12, 12)
    ws.set_column(13, 13, 50)
    outcomes = _labels(Petition, 'outcome')
    # the detail rows in one query (no record objects: a half-year of a
    # city is tens of thousands of rows)
    table = Petition.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            table.id, table.number, table.company, table.received_date,
            table.channel, table.category, table.original_trial_number,
            table.original_enforcement_number, table.repeat,
            table.department, table.reply_date, table.closed_date,
            table.outcome, table.outcome_reason, table.key,
            where=table.company.in_(list(court_ids) or [-1])
            & (table.received_date >= start) & (table.received_date <= end)
            & (table.state != 'cancelled'),
            order_by=[table.received_date.asc, table.id.asc]))
    rows = cursor.fetchall()
    names = Petition.get_petitioner_names(
        Petition.browse([r[0] for r in rows]), 'petitioner_names')

    def as_date(value):
        if isinstance(value, str):  # SQLite
            value = dt.date.fromisoformat(value)
        return dt.datetime.combine(value, dt.time())
    for i, (petition_id, number, company, received, channel, category,
            trial, enforcement, repeat, department, replied, closed,
            outcome, reason, key) in enumerate(rows, start=1):
        ws.write(i, 0, number or '')
        ws.write(i, 1, courts.get(company, ''))
        ws.write_datetime(i, 2, as_date(received), date_format)
        ws.write(i, 3, channels.get(channel) or '')
        ws.write(i, 4, names.get(petition_id) or '')
        ws.write(i, 5, categories.get(category) or '')
        ws.write(i, 6, trial or '')
        ws.write(i, 7, enforcement or '')
        ws.write(i, 8, '重复信访' if repeat else '初次信访')
        ws.write(i, 9, departments.get(department, ''))
        for col, value in [(10, replied), (11, closed)]:
            if value:
                ws.write_datetime(i, col, as_date(value), date_format)
        ws.write(i, 12, outcomes.get(outcome) or '')
        ws.write(i, 13, reason or '', wrap)
        ws.write(i, 14, '是' if key else '否')
        ws.write(i, 15, '是' if channel == 'superior' else '否')
    book.close()
    return output.getvalue(), total[0]


class AnalysisStart(ModelView):
    "Half-Year Analysis"
    __name__ = 'court.petition.analysis.start'
    company = fields.Many2One('company.company', "Court", required=True)
    year = fields.Integer("Year", required=True)
    half = fields.Selection(HALVES, "Half", required=True)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_year():
        today = Pool().get('ir.date').today()
        return today.year if today.month > 6 else today.year - 1

    @staticmethod
    def default_half():
        today = Pool().get('ir.date').today()
        return '1' if today.month > 6 else '2'


class AnalysisResult(ModelView):
    "Half-Year Analysis"
    __name__ = 'court.petition.analysis.result'
    file = fields.Binary("Workbook", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    petition_count = fields.Integer("Petitions", readonly=True)


class AnalysisWizard(Wizard):
    "Half-Year Analysis"
    __name__ = 'court.petition.analysis.wizard'
    start = StateView('court.petition.analysis.start',
        'court_petition.analysis_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()
    result = StateView('court.petition.analysis.result',
        'court_petition.analysis_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_generate(self):
        pool = Pool()
        Company = pool.get('company.company')
        Analysis = pool.get('court.petition.analysis')
        transaction = Transaction()
        court = self.start.company
        if court.id not in Company.user_courts():
            raise PetitionError(gettext(
                    'court_petition.msg_analysis_court',
                    court=court.rec_name))
        start, end = half_bounds(self.start.year, self.start.half)
        court_ids = Company.court_and_subordinates([court.id])
        half = '上半年' if self.start.half == '1' else '下半年'
        title = f'{court.rec_name}{self.start.year}年{half}涉诉信访分析'
        data, count = build_workbook(court_ids, start, end, title)
        filename = f'{title}.xlsx'
        Analysis.create([{
                    'company': court.id,
                    'year': self.start.year,
                    'half': self.start.half,
                    'start_date': start,
                    'end_date': end,
                    'generated': dt.datetime.now(),
                    'user': transaction.user or None,
                    'petition_count': count,
                    'file': data,
                    'filename': filename,
                    }])
        return 'result'

    def default_result(self, fields):
        Analysis = Pool().get('court.petition.analysis')
        analyses = Analysis.search([
                ('company', '=', self.start.company.id),
                ('year', '=', self.start.year),
                ('half', '=', self.start.half),
                ], order=[('id', 'DESC')], limit=1)
        if not analyses:
            return {}
        analysis, = analyses
        return {
            'file': analysis.file,
            'filename': analysis.filename,
            'petition_count': analysis.petition_count,
            }


class LookupStart(ModelView):
    "Petition Lookup"
    __name__ = 'court.petition.lookup.start'
    id_number = fields.Char("ID Number")
    case_number = fields.Char("Case Number",
        help="An original trial or enforcement case number.")


class LookupResult(ModelView):
    "Petition Lookup"
    __name__ = 'court.petition.lookup.result'
    party = fields.Many2One('party.party', "Petitioner", readonly=True)
    summary = fields.Text("Summary", readonly=True)
    petitions = fields.Many2Many('court.petition', None, None,
        "Petitions", readonly=True)
    escalations = fields.Many2Many('court.petition.escalation', None, None,
        "Escalations", readonly=True)


class Lookup(Wizard):
    "Petition Lookup"
    __name__ = 'court.petition.lookup'
    start = StateView('court.petition.lookup.start',
        'court_petition.lookup_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Search", 'result', 'tryton-search', default=True),
            ])
    result = StateView('court.petition.lookup.result',
        'court_petition.lookup_result_view_form', [
            Button("New Search", 'start', 'tryton-back'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        Petition = Pool().get('court.petition')
        context = Transaction().context
        if (context.get('active_model') == 'court.petition'
                and context.get('active_id')):
            petition = Petition(context['active_id'])
            values = {'case_number': petition.original_trial_number
                or petition.original_enforcement_number}
            for line in petition.petitioners:
                try:
                    values['id_number'] = line.party.id_number
                except Exception:
                    pass
                break
            return values
        return {}

    def _search(self):
        "Return {field: value} of what is known (read under user's rules)"
        pool = Pool()
        Party = pool.get('party.party')
        Petition = pool.get('court.petition')
        Escalation = pool.get('court.petition.escalation')
        ModelAccess = pool.get('ir.model.access')
        number = (self.start.id_number or '').strip().upper()
        case = (self.start.case_number or '').strip()
        if not number and not case:
            raise PetitionError(gettext('court_petition.msg_lookup_empty'))
        party = Party.find_by_identifier(number) if number else None
        domain = ['OR']
        if party:
            domain.append(('petitioners.party', '=', party.id))
        if case:
            domain.append(('original_trial_number', '=', case))
            domain.append(('original_enforcement_number', '=', case))
        # a wizard runs without access checks (trytond executes its states
        # with check_access=False): the petitions and escalations listed
        # are searched under the user's record rules, else the lookup shows
        # and counts the petitions of every court (a cross-court leak)
        with check_access():
            petitions = Petition.search(domain,
                order=[('received_date', 'DESC'), ('id', 'DESC')]
                ) if len(domain) > 1 else []
            # judges look petitions up but read no escalation
            escalations = Escalation.search([('party', '=', party.id)]) if (
                party and ModelAccess.check(
                    'court.petition.escalation', 'read',
                    raise_exception=False)) else []
        repeat = sum(1 for p in petitions if p.repeat)
        summary = gettext('court_petition.msg_lookup_summary',
            party=party.rec_name if party else '-',
            petitions=len(petitions), repeat=repeat,
            escalations=len(escalations))
        return {
            'party': party.id if party else None,
            'summary': summary,
            'petitions': [p.id for p in petitions],
            'escalations': [e.id for e in escalations],
            }

    def default_result(self, fields):
        return self._search()
