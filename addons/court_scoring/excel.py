# This file is part of the court platform.  See LICENSE.
"""Excel: the ranking of a superior court's courts and the score sheet of
one court (xlsxwriter, streamed: constant memory), and the import of
reported values (openpyxl, all or nothing)."""
import datetime as dt
import io
import os
import tempfile
from decimal import Decimal, InvalidOperation

import xlsxwriter

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import (
    EvaluationError, ScoringAccessError, ScoringImportError)
from .value import PERIOD_KINDS, period_dates, period_label

STATE_LABELS = {'draft': '草稿', 'computed': '已计算', 'confirmed': '已确认',
    'published': '已发布'}
STATUS_LABELS = {'full': '满分', 'partial': '部分得分', 'zero': '未得分',
    'no_data': '无数据', 'bonus': '加分', 'penalty': '扣分',
    'disqualified': '取消资格', 'none': '无'}
PERIOD_WORDS = {'年': 'year', '年度': 'year', '半年': 'half', '季度': 'quarter',
    '季': 'quarter', '月': 'month', '月度': 'month', 'year': 'year',
    'half': 'half', 'quarter': 'quarter', 'month': 'month'}
IMPORT_COLUMNS = ['法院代码', '指标代码', '期间类型', '年度', '期号', '数值', '备注']


def _workbook():
    "A streamed workbook on a temporary file: (workbook, path)"
    handle, path = tempfile.mkstemp(suffix='.xlsx')
    os.close(handle)
    workbook = xlsxwriter.Workbook(path, {'constant_memory': True,
            'tmpdir': tempfile.gettempdir()})
    return workbook, path


def _close(workbook, path):
    workbook.close()
    try:
        with open(path, 'rb') as f:
            return f.read()
    finally:
        os.unlink(path)


def _formats(workbook):
    return {
        'title': workbook.add_format({'bold': True, 'font_size': 14}),
        'header': workbook.add_format({'bold': True, 'bg_color': '#D9E1F2',
                'border': 1, 'text_wrap': True, 'valign': 'vcenter',
                'align': 'center'}),
        'text': workbook.add_format({'border': 1, 'text_wrap': True,
                'valign': 'top'}),
        'number': workbook.add_format({'border': 1, 'num_format': '0.00',
                'valign': 'top'}),
        'integer': workbook.add_format({'border': 1, 'num_format': '0',
                'valign': 'top'}),
        'percent': workbook.add_format({'border': 1, 'num_format': '0.00%',
                'valign': 'top'}),
        'bold_number': workbook.add_format({'border': 1, 'bold': True,
                'num_format': '0.00'}),
        }


def ranking_xlsx(evaluations, scheme):
    """The ranking of evaluations (ordered) as xlsx bytes: one row per
    court, a column per item"""
    pool = Pool()
    Line = pool.get('court.scoring.evaluation.line')
    items = [i for s in scheme.sections for i in s.items]
    workbook, path = _workbook()
    f = _formats(workbook)
    sheet = workbook.add_worksheet('排名')
    headers = ['排名', '法院', '法院代码', '上级法院', '总分', '基础得分', '加分',
        '扣分', '可得分', '得分率', '取消资格', '无数据项', '平台计算值', '填报值',
        '缺失值', '状态', '计算时间'] + ['%s %s' % (i.code, i.name)
        for i in items]
    sheet.set_row(0, 36)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, f['header'])
    sheet.set_column(1, 1, 28)
    sheet.set_column(16, 16, 18)
    sheet.freeze_panes(1, 2)
    item_codes = [i.code for i in items]
    line = Line.__table__()
    cursor = Transaction().connection.cursor()
    row = 1
    # the items' points are read in slices, rows written as they come; in
    # SQL: the evaluations given were read under the user's rules, their
    # lines are theirs (an ORM read of 8,000 lines was most of the time)
    for start in range(0, len(evaluations), 200):
        chunk = evaluations[start:start + 200]
        points = {}
        cursor.execute(*line.select(line.evaluation, line.code, line.points,
                where=line.evaluation.in_([e.id for e in chunk])))
        for evaluation_id, code, value in cursor:
            points[(evaluation_id, code)] = value
        for e in chunk:
            company = e.company
            values = [
                (e.rank, 'integer'), (company.rec_name, 'text'),
                (company.court_code or '', 'text'),
                (company.superior.rec_name if company.superior else '',
                    'text'),
                (e.total, 'number'), (e.base_points, 'number'),
                (e.bonus, 'number'), (e.penalty, 'number'),
                (e.attainable, 'number'), (e.score_rate, 'percent'),
                ('是' if e.disqualified else '否', 'text'),
                (e.items_no_data, 'integer'),
                (e.values_computed, 'integer'),
                (e.values_reported, 'integer'),
                (e.values_missing, 'integer'),
                (STATE_LABELS.get(e.state, e.state), 'text'),
                (e.computed_at.strftime('%Y-%m-%d %H:%M')
                    if e.computed_at else '', 'text'),
                ]
            values += [(points.get((e.id, code)), 'number')
                for code in item_codes]
            for col, (value, kind) in enumerate(values):
                if value is None:
                    sheet.write_blank(row, col, None, f['text'])
                elif kind in {'number', 'percent', 'integer'}:
                    sheet.write_number(row, col, float(value), f[kind])
                else:
                    sheet.write_string(row, col, str(value), f[kind])
            row += 1
    return _close(workbook, path)


def score_sheet_xlsx(evaluation):
    "The score sheet of one evaluation in the layout of the source table"
    workbook, path = _workbook()
    f = _formats(workbook)
    sheet = workbook.add_worksheet('评分表')
    sheet.write_string(0, 0, '%s %s 考核评分表' % (
            evaluation.company.rec_name, evaluation.period_name), f['title'])
    sheet.write_string(1, 0, '考核方案：%s；计算时间：%s；状态：%s' % (
            evaluation.scheme.rec_name,
            evaluation.computed_at.strftime('%Y-%m-%d %H:%M')
            if evaluation.computed_at else '未计算',
            STATE_LABELS.get(evaluation.state, evaluation.state)))
    headers = ['项目', '基本要求', '分值', '考核标准', '得分', '说明', '数值（来源）',
        '状态']
    for col, header in enumerate(headers):
        sheet.write_string(2, col, header, f['header'])
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 40)
    sheet.set_column(3, 3, 36)
    sheet.set_column(5, 6, 48)
    sheet.freeze_panes(3, 1)
    row = 3
    for line in evaluation.lines:
        item = line.item
        sheet.write_string(row, 0, '%s %s %s' % (line.section_name or '',
                line.code, line.name), f['text'])
        sheet.write_string(row, 1, (item.requirement or '') if item else '',
            f['text'])
        sheet.write_number(row, 2, float(line.max_points or 0), f['number'])
        sheet.write_string(row, 3, (item.standard or '') if item else '',
            f['text'])
        sheet.write_number(row, 4, float(line.points or 0), f['number'])
        sheet.write_string(row, 5, line.reason or '', f['text'])
        sheet.write_string(row, 6, line.values_text or '', f['text'])
        sheet.write_string(row, 7, STATUS_LABELS.get(line.status, ''),
            f['text'])
        row += 1
    for label, value in [('基础得分', evaluation.base_points),
            ('加分', evaluation.bonus), ('扣分', evaluation.penalty),
            ('总分', evaluation.total)]:
        sheet.write_string(row, 0, label, f['header'])
        sheet.write_number(row, 4, float(value or 0), f['bold_number'])
        row += 1
    sheet.write_string(row, 0, '排名', f['header'])
    sheet.write_string(row, 4, '%s / %s' % (evaluation.rank or '—',
            evaluation.peer_count or '—'), f['text'])
    row += 1
    if evaluation.disqualified:
        sheet.write_string(row, 0, '取消资格', f['header'])
        sheet.write_string(row, 5, evaluation.disqualification or '',
            f['text'])
        row += 1
    sheet.write_string(row, 0, '数据说明', f['header'])
    sheet.write_string(row, 5, evaluation.data_note or '', f['text'])
    return _close(workbook, path)


def dashboard_xlsx(title, summary, at_risk, lines, standing_labels):
    "The leaders' dashboard as xlsx bytes: one row per target"
    workbook, path = _workbook()
    f = _formats(workbook)
    sheet = workbook.add_worksheet('考核看板')
    headers = ['考核方案', '项目', '指标', '目标', '当前值', '来源', '状态',
        '差距', '本项得分', '记录数']
    widths = [20, 30, 28, 20, 12, 10, 10, 40, 12, 10]
    sheet.write_string(0, 0, title, f['title'])
    sheet.set_row(1, 30)
    for col, (header, width) in enumerate(zip(headers, widths)):
        sheet.write_string(1, col, header, f['header'])
        sheet.set_column(col, col, width)
    sheet.freeze_panes(2, 2)
    row = 2
    for line in lines:
        for col, key in enumerate(['scheme', 'item', 'indicator', 'target',
                    'value', 'source']):
            sheet.write_string(row, col, line[key] or '', f['text'])
        sheet.write_string(row, 6, standing_labels[line['standing']],
            f['text'])
        sheet.write_string(row, 7, line['gap'] or '', f['text'])
        sheet.write_string(row, 8, line['points'] or '', f['text'])
        sheet.write_number(row, 9, line['records'] or 0, f['integer'])
        row += 1
    row += 1
    sheet.write_string(row, 0, '汇总', f['header'])
    sheet.write_string(row, 1, summary or '', f['text'])
    row += 1
    sheet.write_string(row, 0, '风险项目', f['header'])
    sheet.write_string(row, 1, at_risk or '', f['text'])
    return _close(workbook, path)


class RankingExportStart(ModelView):
    "Export Ranking"
    __name__ = 'court.scoring.ranking.export.start'
    superior = fields.Many2One('company.company', "Superior Court",
        required=True)
    level = fields.Selection([
            ('basic', "Basic People's Court"),
            ('tribunal', "People's Tribunal"),
            ('intermediate', "Intermediate People's Court"),
            ], "Level", required=True)
    scheme = fields.Many2One('court.scoring.scheme', "Scheme",
        required=True)
    period_kind = fields.Selection(PERIOD_KINDS, "Period", required=True)
    year = fields.Integer("Year", required=True)
    period_number = fields.Integer("Number",
        states={'invisible': Eval('period_kind') == 'year'})

    @staticmethod
    def default_superior():
        return Transaction().context.get('company')

    @staticmethod
    def default_level():
        return 'basic'

    @staticmethod
    def default_scheme():
        return Pool().get('court.scoring.scheme').in_force()

    @staticmethod
    def default_period_kind():
        return 'year'

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year - 1

    @staticmethod
    def default_period_number():
        return 1


class ExportResult(ModelView):
    "Excel File"
    __name__ = 'court.scoring.export.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class RankingExport(Wizard):
    "Export Ranking"
    __name__ = 'court.scoring.ranking.export'
    start = StateView('court.scoring.ranking.export.start',
        'court_scoring.ranking_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('court.scoring.export.result',
        'court_scoring.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        pool = Pool()
        Company = pool.get('company.company')
        Evaluation = pool.get('court.scoring.evaluation')
        start = self.start
        number = 1 if start.period_kind == 'year' else (
            start.period_number or 1)
        if not period_dates(start.period_kind, start.year, number):
            raise EvaluationError(gettext('court_scoring.msg_period_invalid',
                    kind=start.period_kind, year=start.year, number=number))
        # only the user's court and the courts under it may be ranked
        if start.superior.id not in Company.user_courts():
            raise ScoringAccessError(gettext(
                    'court_scoring.msg_evaluation_not_visible'))
        # the record rules of the user decide which evaluations are listed
        # (unpublished ones only for scoring administrators, leaders and
        # court administrators); a wizard runs without access checks, so
        # they are asked for explicitly: without it the ranking listed
        # every evaluation computed, to users who may see published ones
        with check_access():
            evaluations = Evaluation.search([
                    ('company', 'child_of', [start.superior.id], 'superior'),
                    ('company.court_level', '=', start.level),
                    ('scheme', '=', start.scheme.id),
                    ('period_kind', '=', start.period_kind),
                    ('year', '=', start.year),
                    ('period_number', '=', number),
                    ('state', '!=', 'draft'),
                    ], order=[('disqualified', 'ASC'), ('total', 'DESC'),
                    ('id', 'ASC')])
        self.result.file = ranking_xlsx(evaluations, start.scheme)
        self.result.filename = '%s%s考核排名.xlsx' % (
            start.superior.rec_name, period_label(start.period_kind,
                start.year, number))
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }


class ScoreSheetExport(Wizard):
    "Export Score Sheet"
    __name__ = 'court.scoring.score_sheet.export'
    start = StateTransition()
    result = StateView('court.scoring.export.result',
        'court_scoring.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        evaluation = self.record
        self.result.file = score_sheet_xlsx(evaluation)
        self.result.filename = '%s%s考核评分表.xlsx' % (
            evaluation.company.rec_name, evaluation.period_name)
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }


PERIOD_NAMES = {'year': '年', 'half': '半年', 'quarter': '季度', 'month': '月'}


def import_template(rows=None):
    """The template of the import of reported values; with rows (lists in
    the order of IMPORT_COLUMNS) the sheet holds them instead of the
    example row: the export in the import's layout"""
    workbook = xlsxwriter.Workbook(output := io.BytesIO(), {'in_memory': True})
    f = _formats(workbook)
    sheet = workbook.add_worksheet('填报')
    for col, header in enumerate(IMPORT_COLUMNS):
        sheet.write_string(0, col, header, f['header'])
    if rows is None:
        rows = [['豫0302', 'A3', '年', 2025, 1, 92.5, '比例以百分数填写']]
    for number, row in enumerate(rows, 1):
        sheet.write_row(number, 0, row)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 6, 14)
    codes = workbook.add_worksheet('指标代码')
    Code = Pool().get('court.scoring.code')
    codes.write_row(0, 0, ['指标代码', '名称', '单位'], f['header'])
    units = dict(Code.fields_get(['unit'])['unit']['selection'])
    for row, code in enumerate(Code.search([
                    ('source', 'in', ['reported', 'mixed'])]), 1):
        codes.write_row(row, 0, [code.code, code.name,
                units.get(code.unit, code.unit)])
    codes.set_column(1, 1, 40)
    workbook.close()
    return output.getvalue()


def export_rows(values):
    """The rows of the reported values in the order of IMPORT_COLUMNS, as
    parse_import reads them back"""
    return [[
            v.company.court_code or v.company.division_code or '',
            v.code.code, PERIOD_NAMES[v.period_kind], v.year,
            v.period_number, float(v.value), v.note or '']
        for v in values]


def parse_import(data, unchanged=None):
    """Parse an import sheet: (vlist, errors) where errors are zh_CN
    messages per row. A row of a value already reported is left alone
    when its value is the same (appended to the list unchanged, if given:
    an exported file imports back without error) and refused when it
    differs: a reported value is changed only by a correction, with its
    reason."""
    import openpyxl
    pool = Pool()
    Company = pool.get('company.company')
    Code = pool.get('court.scoring.code')
    Value = pool.get('court.scoring.value')
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True,
            data_only=True)
    except Exception:
        raise ScoringImportError(gettext('court_scoring.msg_import_file'))
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else '' for c in next(rows, [])]
    if header[:len(IMPORT_COLUMNS) - 1] != IMPORT_COLUMNS[:-1]:
        raise ScoringImportError(gettext('court_scoring.msg_import_header',
                columns='、'.join(IMPORT_COLUMNS)))
    courts = {}
    # the user imports for its courts only (a wizard runs without access
    # checks: the record rules would not refuse a value of another court)
    allowed = set(Company.user_courts())
    for court in Company.search([]):
        for key in (court.court_code, court.division_code):
            if key:
                courts[str(key)] = court
    codes = {c.code: c for c in Code.search([
                ('source', 'in', ['reported', 'mixed'])])}
    vlist, errors, seen = [], [], set()
    for number, row in enumerate(rows, 2):
        row = list(row) + [None] * (len(IMPORT_COLUMNS) - len(row))
        if all(c in (None, '') for c in row):
            continue
        court_code, code, kind, year, period, value, note = row[:7]
        problems = []
        court = courts.get(str(court_code).strip() if court_code else '')
        if not court:
            problems.append(gettext('court_scoring.msg_import_court',
                    code=court_code))
        elif court.id not in allowed:
            problems.append(gettext('court_scoring.msg_import_court_other',
                    court=court.rec_name))
            court = None
        record_code = codes.get(str(code).strip() if code else '')
        if not record_code:
            problems.append(gettext('court_scoring.msg_import_code',
                    code=code))
        kind = PERIOD_WORDS.get(str(kind).strip() if kind else '')
        try:
            year = int(year)
            period = int(period or 1)
        except (TypeError, ValueError):
            year = period = None
        if kind == 'year':
            period = 1
        if not kind or not period_dates(kind, year, period):
            problems.append(gettext('court_scoring.msg_period_invalid',
                    kind=row[2], year=row[3], number=row[4]))
        try:
            value = Decimal(str(value).strip().rstrip('%'))
        except (InvalidOperation, AttributeError):
            problems.append(gettext('court_scoring.msg_import_number',
                    value=value))
            value = None
        if not problems:
            problems += _check_value(record_code, value, kind, year, period)
        if not problems:
            key = (court.id, record_code.id, kind, year, period)
            existing = Value.search([
                    ('company', '=', court.id),
                    ('code', '=', record_code.id),
                    ('period_kind', '=', kind),
                    ('year', '=', year),
                    ('period_number', '=', period),
                    ], limit=1)
            if key in seen:
                problems.append(gettext('court_scoring.msg_import_duplicate'))
            elif existing and existing[0].value != value:
                problems.append(gettext(
                        'court_scoring.msg_import_changed',
                        old=_number(existing[0].value),
                        new=_number(value)))
            elif existing:
                seen.add(key)
                if unchanged is not None:
                    unchanged.append(existing[0])
                continue
            seen.add(key)
        if problems:
            errors.append(gettext('court_scoring.msg_import_row',
                    row=number, error='；'.join(problems)))
            continue
        vlist.append({
                'company': court.id,
                'code': record_code.id,
                'period_kind': kind,
                'year': year,
                'period_number': period,
                'value': value,
                'note': note and str(note) or None,
                'origin': 'import',
                })
    return vlist, errors


def _number(value):
    "A value as written in the sheet: 92.5, not 92.5000"
    text = format(value, 'f')
    return text.rstrip('0').rstrip('.') if '.' in text else text


def _check_value(code, value, kind, year, number):
    "The checks of court.scoring.value, as row errors"
    Date = Pool().get('ir.date')
    unit = code.unit
    if unit == 'ratio' and not (0 <= value <= 100):
        return [gettext('court_scoring.msg_value_ratio_range',
                code=code.code, value=value)]
    if unit == 'flag' and value not in {0, 1}:
        return [gettext('court_scoring.msg_value_flag', code=code.code,
                value=value)]
    if unit in {'count', 'days'} and value < 0:
        return [gettext('court_scoring.msg_value_negative', code=code.code,
                value=value)]
    if period_dates(kind, year, number)[0] > Date.today():
        return [gettext('court_scoring.msg_value_future_period',
                period=period_label(kind, year, number))]
    return []


class ImportStart(ModelView):
    "Import Reported Values"
    __name__ = 'court.scoring.value.import.start'
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")
    document = fields.Binary("Document", filename='document_name',
        help="The document behind the values, attached to each of them.")
    document_name = fields.Char("Document Name")
    template = fields.Binary("Template", filename='template_name',
        readonly=True)
    template_name = fields.Char("Template Name", readonly=True)

    @staticmethod
    def default_template():
        return import_template()

    @staticmethod
    def default_template_name():
        return '考核数据填报模板.xlsx'


class ImportPreview(ModelView):
    "Import Reported Values"
    __name__ = 'court.scoring.value.import.preview'
    rows = fields.Integer("Rows to Import", readonly=True)
    unchanged = fields.Integer("Unchanged Rows", readonly=True,
        help="Values already reported with the same value: left alone.")
    errors = fields.Text("Errors", readonly=True)
    preview = fields.Text("Preview", readonly=True)
    valid = fields.Boolean("Valid", readonly=True)


class Import(Wizard):
    "Import Reported Values"
    __name__ = 'court.scoring.value.import'
    start = StateView('court.scoring.value.import.start',
        'court_scoring.value_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Preview", 'preview', 'tryton-forward', default=True),
            ])
    preview = StateView('court.scoring.value.import.preview',
        'court_scoring.value_import_preview_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True,
                states={'readonly': ~Eval('valid', False)}),
            ])
    import_ = StateTransition()

    def default_preview(self, fields):
        Code = Pool().get('court.scoring.code')
        unchanged = []
        vlist, errors = parse_import(self.start.file, unchanged)
        lines = []
        for values in vlist[:200]:
            code = Code(values['code'])
            lines.append('%s\t%s\t%s\t%s' % (
                    Pool().get('company.company')(values['company']).rec_name,
                    code.code, period_label(values['period_kind'],
                        values['year'], values['period_number']),
                    values['value']))
        return {
            'rows': len(vlist),
            'unchanged': len(unchanged),
            'errors': '\n'.join(errors),
            'preview': '\n'.join(lines),
            'valid': bool(vlist) and not errors,
            }

    def transition_import_(self):
        Value = Pool().get('court.scoring.value')
        vlist, errors = parse_import(self.start.file)
        if errors:
            raise ScoringImportError(gettext('court_scoring.msg_import_errors',
                    count=len(errors)), '\n'.join(errors))
        if self.start.document:
            for values in vlist:
                values['document'] = self.start.document
                values['document_name'] = self.start.document_name
        # one create: if any value is refused, nothing is imported
        Value.create(vlist)
        return 'end'


class ValueExport(Wizard):
    """Export Reported Values in Import Layout

    The selected reported values in the columns of the import's template:
    the file imports back unchanged (every row left alone). The values are
    read as the user reads them: another court's are refused."""
    __name__ = 'court.scoring.value.export'
    start = StateTransition()
    result = StateView('court.scoring.export.result',
        'court_scoring.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        Value = Pool().get('court.scoring.value')
        if not self.records:
            raise ScoringImportError(gettext(
                    'court_scoring.msg_value_export_nothing'))
        ids = [r.id for r in self.records]
        # a wizard runs without access checks: read as the user
        with check_access():
            Value.read(ids, ['value'])
        values = sorted(Value.browse(ids), key=lambda v: (
                v.company.court_code or '', v.year, v.start, v.code.code))
        self.result.file = import_template(export_rows(values))
        self.result.filename = '考核数据填报（导入格式）.xlsx'
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }
