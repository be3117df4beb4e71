# This file is part of the court platform.  See LICENSE.
"""Excel import and export of area data (区域数据导入 / 导出区域数据).

One row an area, the headers of ``COLUMNS`` in Chinese.  The export writes
the selected areas in exactly that layout, so that export → import changes
nothing.  An area already there (same code) is updated (name, resident
population, serving court); a new code is created under its parent
(typically grid cells: the village's code followed by three digits).

Every row is checked before anything is written; one error anywhere and
nothing is imported, the preview lists every error with its row number.
Only court administrators and filing officers import (the groups that may
edit areas), and only areas of their courts or courts under them: a wizard
runs without access checks, so the wizard checks both itself.

A sheet of more than ``[court] import_job_rows`` rows (200 by default, as
the roster import) is imported by a background job (``court.job``,
doc/jobs.md): the preview stays in the request; 导入 queues the job, which
checks the sheet again as the wizard does and imports it in one
transaction, so still all or nothing."""
import io

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.court_base.job import threshold
from trytond.modules.court_base.sheet import read_rows as read_sheet
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, PYSONEncoder
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .area import CODE_LENGTH, PARENT_LEVEL, division_codes
from .exceptions import AreaDataImportError

# key, header, required
COLUMNS = [
    ('code', '区划代码', True),
    ('name', '名称', True),
    ('level', '层级', True),
    ('parent', '上级区划代码', False),
    ('population', '常住人口', False),
    ('court', '服务法院代码', False),
    ]
# the words a user writes for a level (the export writes the first ones)
LEVEL_LABELS = {'county': '县区', 'township': '乡镇', 'village': '村',
    'cell': '网格'}
LEVEL_WORDS = {
    '县区': 'county', '县': 'county', '区': 'county', '县（区）': 'county',
    '县/区': 'county', '乡镇': 'township', '乡镇（街道）': 'township',
    '乡镇/街道': 'township', '街道': 'township', '村': 'village',
    '村（社区）': 'village', '村/社区': 'village', '社区': 'village',
    '网格': 'cell', 'county': 'county', 'township': 'township',
    'village': 'village', 'cell': 'cell',
    }
IMPORT_LEVELS = ('township', 'village', 'cell')
# more sheet rows than this ([court] import_job_rows): a background job
JOB_ROWS = 200
JOB_CHUNK = 50


def job_rows():
    "The number of sheet rows above which the import is a background job"
    return threshold('import_job_rows', JOB_ROWS)


def _workbook():
    import xlsxwriter
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = workbook.add_worksheet('区域数据')
    header = workbook.add_format({'bold': True, 'bg_color': '#DDEBF7',
            'border': 1})
    text = workbook.add_format({'num_format': '@'})
    for col, (_, title, required) in enumerate(COLUMNS):
        sheet.write_string(0, col, title + ('*' if required else ''), header)
        sheet.set_column(col, col, 20 if col != 1 else 28,
            text if col != 4 else None)
    sheet.freeze_panes(1, 0)
    return output, workbook, sheet


def template():
    "The bytes of an empty .xlsx with the headers and their notes"
    output, workbook, sheet = _workbook()
    sheet.write_comment(0, 0, '乡镇9位、村12位、网格15位（村代码加3位序号）')
    sheet.write_comment(0, 2, '乡镇、村或网格')
    sheet.write_comment(0, 5, '法院代码（例如 豫0302），人民法庭填其区划代码'
        '（例如 410302001）；不填：新区域随上级区域，已有区域不变')
    workbook.close()
    return output.getvalue()


def court_code(court):
    "The code of a court in the sheet: its court code, or division code"
    return court.court_code or court.division_code or ''


def export_xlsx(areas):
    "The bytes of an .xlsx of areas in the import's layout"
    output, workbook, sheet = _workbook()
    for row, area in enumerate(areas, 1):
        sheet.write_string(row, 0, area.code)
        sheet.write_string(row, 1, area.name)
        sheet.write_string(row, 2, LEVEL_LABELS[area.level])
        if area.parent:
            sheet.write_string(row, 3, area.parent.code)
        sheet.write_number(row, 4, area.population or 0)
        court = court_code(area.company)
        if court:
            sheet.write_string(row, 5, court)
    workbook.close()
    return output.getvalue()


def read_rows(data):
    """[(row number, {key: value})] of the sheet's non-empty rows (see
    court_base.sheet.read_rows: ValueError for an unreadable file or a
    missing required column)"""
    return read_sheet(data, COLUMNS)


def _text(value):
    if value is None:
        return ''
    return str(value).strip()


def check_rows(data):
    """(the areas to write and create, error lines) of the sheet data for
    the current user; nothing is written.  The changes are
    [(area or None, values)]."""
    pool = Pool()
    Area = pool.get('court.grid.area')
    Company = pool.get('company.company')
    try:
        rows = read_rows(data)
    except ValueError as exception:
        detail = exception.args[0] if exception.args else ''
        if detail:
            return [], [gettext('court_grid.msg_area_data_column',
                    column=detail)]
        return [], [gettext('court_grid.msg_area_data_file')]
    allowed = set(Company.user_courts())
    courts = {}
    for court in Company.search([]):
        # a people's tribunal has no court code: its division code
        for key in (court.division_code, court.court_code):
            if key:
                courts[key] = court
    codes = {_text(r.get('code')) for _, r in rows}
    codes |= {_text(r.get('parent')) for _, r in rows}
    codes.discard('')
    existing = {a.code: a for a in Area.search([
                ('code', 'in', sorted(codes)),
                ('active', 'in', [True, False]),
                ], order=[])} if codes else {}
    errors, changes, seen = [], [], {}
    sheet = {}

    def error(number, message, **kw):
        errors.append(gettext('court_grid.msg_area_data_row', row=number,
                error=gettext('court_grid.' + message, **kw)))

    for number, row in rows:
        code = _text(row.get('code'))
        name = _text(row.get('name'))
        ok = True
        if not name:
            error(number, 'msg_area_data_name')
            ok = False
        level = LEVEL_WORDS.get(_text(row.get('level')))
        if level is None:
            error(number, 'msg_area_data_level',
                value=_text(row.get('level')))
            ok = False
        elif level not in IMPORT_LEVELS and code not in existing:
            # counties come from 导入行政区划 only
            error(number, 'msg_area_data_county', code=code)
            ok = False
        if code in seen:
            error(number, 'msg_area_data_duplicate', code=code,
                other=seen[code])
            ok = False
        elif code:
            seen[code] = number
        if level and (not code.isdigit()
                or len(code) != CODE_LENGTH[level]):
            error(number, 'msg_area_data_code', code=code,
                length=CODE_LENGTH[level])
            ok = False
        population = row.get('population')
        if population in (None, ''):
            population = None
        elif isinstance(population, bool) or not isinstance(
                population, int):
            text = _text(population)
            if text.isdigit():
                population = int(text)
            else:
                error(number, 'msg_area_data_population', value=text)
                ok = False
        if isinstance(population, int) and population < 0:
            error(number, 'msg_area_data_population', value=population)
            ok = False
        court = None
        court_key = _text(row.get('court'))
        if court_key:
            court = courts.get(court_key)
            if court is None:
                error(number, 'msg_area_data_court_unknown',
                    value=court_key)
                ok = False
            elif court.id not in allowed:
                error(number, 'msg_area_data_court_not_yours',
                    court=court.rec_name)
                ok = False
        area = existing.get(code)
        parent_code = _text(row.get('parent'))
        parent = None
        if area is not None:
            if area.company.id not in allowed:
                error(number, 'msg_area_data_area_not_yours', code=code)
                ok = False
            if level and level != area.level:
                error(number, 'msg_area_data_level_changed', code=code)
                ok = False
            if parent_code != (area.parent.code if area.parent else ''):
                error(number, 'msg_area_data_parent_changed', code=code)
                ok = False
        elif level in IMPORT_LEVELS:
            parent = existing.get(parent_code)
            if parent is None:
                parent = sheet.get(parent_code)
            if parent is None:
                error(number, 'msg_area_data_parent_unknown',
                    value=parent_code)
                ok = False
            else:
                parent_level = (parent.level if not isinstance(parent, dict)
                    else parent['level'])
                if parent_level != PARENT_LEVEL[level]:
                    error(number, 'msg_area_data_parent_level',
                        code=code, parent=parent_code)
                    ok = False
                elif code and not code.startswith(parent_code):
                    error(number, 'msg_area_data_code_parent', code=code,
                        parent=parent_code)
                    ok = False
                parent_court = (parent.company if not isinstance(
                        parent, dict) else parent['company'])
                if (court is None and parent_court is not None
                        and parent_court.id not in allowed):
                    error(number, 'msg_area_data_area_not_yours',
                        code=parent_code)
                    ok = False
        if ok and level in ('township', 'village') and area is None:
            official = division_codes(level, code[:6])
            if official is not None and code not in official:
                error(number, 'msg_area_data_code_unknown', code=code)
                ok = False
        if ok:
            serving = court or (area.company if area is not None else (
                    parent.company if not isinstance(parent, dict)
                    else parent['company']))
            if not Area.court_serves(serving, code):
                error(number, 'msg_area_data_court_serves', code=code,
                    court=serving.rec_name)
                ok = False
        if not ok:
            continue
        if area is not None:
            values = {}
            if name != area.name:
                values['name'] = name
            if population is not None and population != (
                    area.population or 0):
                values['population'] = population
            if court is not None and court != area.company:
                values['company'] = court.id
            changes.append((area, values))
        else:
            values = {'code': code, 'name': name, 'level': level,
                'population': population or 0,
                'parent_code': parent_code,
                'company': court or (parent.company if not isinstance(
                        parent, dict) else parent['company'])}
            sheet[code] = values
            changes.append((None, values))
    if not rows:
        errors.append(gettext('court_grid.msg_area_data_no_rows'))
    return changes, errors


def import_changes(changes, job=None):
    """Write and create the areas of check_rows (in the current
    transaction: an error and nothing is written); return (updated,
    created).  With job (court.job), the progress is shown as the areas
    are written, JOB_CHUNK at a time, still in one transaction."""
    Area = Pool().get('court.grid.area')
    to_write = []
    for area, values in changes:
        if area is not None and values:
            to_write.extend([[area], values])
    total = len(to_write) // 2 + sum(1 for a, _ in changes if a is None)
    done = 0

    def progress(count):
        nonlocal done
        done += count
        if job is not None:
            job.set_progress(done, total)

    if job is not None:
        job.set_progress(0, total)
    step = 2 * (JOB_CHUNK if job is not None else len(to_write) or 1)
    for start in range(0, len(to_write), step):
        Area.write(*to_write[start:start + step])
        progress(len(to_write[start:start + step]) // 2)
    created = 0
    codes = {}
    # parents before children (a village of the sheet before its cells)
    for level in ('township', 'village', 'cell'):
        vlist = []
        for area, values in changes:
            if area is not None or values['level'] != level:
                continue
            parent_code = values['parent_code']
            parent = codes.get(parent_code)
            if parent is None:
                parent, = Area.search([('code', '=', parent_code),
                        ('active', 'in', [True, False])])
            vlist.append({'code': values['code'], 'name': values['name'],
                    'level': level, 'parent': parent.id,
                    'population': values['population'],
                    'company': values['company'].id})
        size = JOB_CHUNK if job is not None else len(vlist) or 1
        for start in range(0, len(vlist), size):
            for record in Area.create(vlist[start:start + size]):
                codes[record.code] = record
            progress(len(vlist[start:start + size]))
        created += len(vlist)
    updated = sum(1 for a, v in changes if a is not None and v)
    return updated, created


def check_user(courts=()):
    """Refuse users who may not edit areas (a wizard runs without access
    checks) and courts that are not the user's or under it"""
    pool = Pool()
    Company = pool.get('company.company')
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if not Transaction().user:
        return
    groups = {ModelData.get_id('court_base', 'group_court_admin'),
        ModelData.get_id('court_base', 'group_filing_officer')}
    if not groups & set(User.get_groups()):
        raise AreaDataImportError(gettext(
                'court_grid.msg_area_data_not_allowed'))
    allowed = set(Company.user_courts())
    for court in courts:
        if court.id not in allowed:
            raise AreaDataImportError(gettext(
                    'court_grid.msg_area_data_court_not_yours',
                    court=court.rec_name))


class DataImportStart(ModelView):
    "Import Area Data"
    __name__ = 'court.grid.area.data.import.start'
    file = fields.Binary("Excel File (.xlsx)", filename='filename',
        required=True)
    filename = fields.Char("File Name")
    template = fields.Binary("Template", filename='template_name',
        readonly=True)
    template_name = fields.Char("Template Name", readonly=True)
    township = fields.Many2One('court.grid.area', "Township",
        domain=[('level', '=', 'township')],
        help="Choose a township and download its current data to edit.")
    current = fields.Binary("Current Data", filename='current_name',
        readonly=True)
    current_name = fields.Char("Current Data Name", readonly=True)

    @staticmethod
    def default_template():
        return template()

    @staticmethod
    def default_template_name():
        return '区域数据模板.xlsx'


class DataImportPreview(ModelView):
    "Import Area Data Preview"
    __name__ = 'court.grid.area.data.import.preview'
    rows = fields.Integer("Rows", readonly=True)
    updated = fields.Integer("Areas Updated", readonly=True)
    created = fields.Integer("Areas Created", readonly=True)
    errors = fields.Integer("Errors", readonly=True)
    report = fields.Text("Check", readonly=True)

    @classmethod
    def run_job(cls, job):
        """The import of a large sheet (court.job), as the user who
        started it: checked again as the wizard checks it (the group, the
        courts of every row), then imported in one transaction"""
        check_user()
        # as the wizard: its own checks, without the access checks (a
        # reader's rules would hide other courts' areas from the check,
        # which must refuse them by name)
        with without_check_access():
            changes, errors = check_rows(job.source)
            if errors:
                raise AreaDataImportError('\n'.join(errors))
            updated, created = import_changes(changes, job=job)
        return gettext('court_grid.msg_area_data_job_done',
            rows=len(changes), updated=updated, created=created)


class DataImport(Wizard):
    "Import Area Data"
    __name__ = 'court.grid.area.data.import'
    start = StateView('court.grid.area.data.import.start',
        'court_grid.area_data_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Download Current Data", 'download', 'tryton-download',
                states={'readonly': ~Eval('township')}, validate=False),
            Button("Check", 'preview', 'tryton-forward', default=True),
            ])
    download = StateTransition()
    preview = StateView('court.grid.area.data.import.preview',
        'court_grid.area_data_import_preview_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Back", 'start', 'tryton-back'),
            Button("Import", 'import_', 'tryton-ok', default=True,
                states={'readonly': Bool(Eval('errors'))}),
            ])
    import_ = StateTransition()
    queued = StateAction('court_base.act_job')

    def default_start(self, fields):
        # refused at once, not after the user has chosen a file
        check_user()
        return {}

    def value_start(self, fields):
        # back from the download (or the preview): the current data
        values = {}
        for name in ['current', 'current_name']:
            value = getattr(self.start, name, None)
            if value is not None:
                values[name] = value
        return values

    def transition_download(self):
        township = self.start.township
        if township:
            check_user([township.company])
            Area = Pool().get('court.grid.area')
            areas = Area.search([('code', 'like', township.code + '%')],
                order=[('code', 'ASC')])
            self.start.current = export_xlsx(areas)
            self.start.current_name = '%s区域数据.xlsx' % township.name
        return 'start'

    def check(self):
        check_user()
        return check_rows(self.start.file)

    def default_preview(self, fields):
        changes, errors = self.check()
        updated = sum(1 for a, v in changes if a is not None and v)
        created = sum(1 for a, _ in changes if a is None)
        report = '\n'.join(errors) if errors else gettext(
            'court_grid.msg_area_data_ok', rows=len(changes),
            updated=updated, created=created)
        if not errors and len(changes) > job_rows():
            report += '\n' + gettext('court_grid.msg_area_data_will_queue',
                rows=job_rows())
        return {
            'rows': len(changes),
            'updated': updated,
            'created': created,
            'errors': len(errors),
            'report': report,
            }

    def transition_import_(self):
        # before the queue too: refused at once, no job
        check_user()
        try:
            count = len(read_rows(self.start.file))
        except ValueError:
            count = 0
        if count > job_rows():
            return 'queued'
        changes, errors = self.check()
        if errors:
            raise AreaDataImportError('\n'.join(errors))
        import_changes(changes)
        return 'end'

    def do_queued(self, action):
        """A large sheet is checked again and imported by a background
        job (court.job): all of it or, at the first error, nothing"""
        Job = Pool().get('court.job')
        job = Job.launch('import', gettext(
                'court_grid.msg_area_data_job_name',
                filename=self.start.filename or '区域数据.xlsx'),
            'court.grid.area.data.import.preview', 'run_job',
            source=self.start.file)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', '=', job.id)])
        return action, {}


class DataExportResult(ModelView):
    "Area Data"
    __name__ = 'court.grid.area.data.export.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class DataExport(Wizard):
    "Export Area Data"
    __name__ = 'court.grid.area.data.export'
    start = StateTransition()
    result = StateView('court.grid.area.data.export.result',
        'court_grid.area_data_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        # the selected records were read under the user's rules
        areas = sorted(self.records, key=lambda a: a.code)
        self.result.file = export_xlsx(areas)
        self.result.filename = '区域数据.xlsx'
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }
