# This file is part of the court platform.  See LICENSE.
"""Import of invited mediators from an Excel sheet, with a preview.

The sheet's first row holds the headers of ``COLUMNS`` (in Chinese, as in
the template the wizard offers).  Every row is checked before anything is
written: a valid resident ID number, a valid mobile number, an
organisation of the roster, known dispute types, dates, and no person twice
(in the sheet or already on the roster).  One error anywhere and nothing is
imported; the preview lists every error with its row number.

A sheet of more than ``[court] import_job_rows`` rows (200 by default) is
imported by a background job (``court.job``, doc/jobs.md): checked again
and imported in one transaction, so still all or nothing.
"""
import datetime as dt
import io

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.court_base import validators
from trytond.modules.court_base.sheet import read_rows as read_sheet
from trytond.modules.court_base.job import threshold
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, PYSONEncoder
from trytond.transaction import Transaction, check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import RosterImportError

# key, header (Chinese, as users write it), required
COLUMNS = [
    ('name', '姓名', True),
    ('id_number', '居民身份证号码', True),
    ('mobile', '手机号码', False),
    ('organisation', '调解组织', False),
    ('studio', '调解工作室', False),
    ('specialities', '专长案由', False),
    ('division_codes', '服务区域代码', False),
    ('join_date', '加入日期', False),
    ('term_end', '任期届满日期', False),
    ]
SEPARATORS = '、，,;；/ '
JOB_ROWS = 200
JOB_CHUNK = 50


def template(rows=()):
    """Return the bytes of an .xlsx sheet with the headers of COLUMNS and
    rows (lists in the order of COLUMNS; none: the empty template)"""
    import xlsxwriter
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = workbook.add_worksheet('特邀调解员名册')
    bold = workbook.add_format({'bold': True, 'bg_color': '#DDEBF7'})
    date = workbook.add_format({'num_format': 'yyyy-mm-dd'})
    for col, (_, header, required) in enumerate(COLUMNS):
        sheet.write(0, col, header + ('*' if required else ''), bold)
        sheet.set_column(col, col, 18)
    sheet.write_comment(0, 5, '多个案由用顿号分隔，例如：婚姻家庭纠纷、邻里纠纷')
    sheet.write_comment(0, 6, '乡镇/村行政区划代码，多个用空格分隔')
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if value in (None, ''):
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(number, col, dt.datetime.combine(
                        value, dt.time()), date)
            else:
                # as text: ID and mobile numbers are not numbers
                sheet.write_string(number, col, str(value))
    workbook.close()
    return output.getvalue()


def export_rows(mediators, id_numbers=True, mobiles=True):
    """The rows of mediators in the order of COLUMNS, as the import reads
    them back; without id_numbers (or mobiles) that column is left empty"""
    rows = []
    for mediator in mediators:
        party = mediator.party
        rows.append([
                party.name,
                party.id_number if id_numbers else None,
                party.mobile_number if mobiles else None,
                mediator.organisation.name if mediator.organisation else None,
                mediator.studio,
                '、'.join(t.name for t in mediator.specialities),
                mediator.division_codes,
                mediator.join_date,
                mediator.term_end,
                ])
    return rows


def read_rows(data):
    """[(row number, {key: value})] of the sheet's non-empty rows (see
    court_base.sheet.read_rows: ValueError for an unreadable file or a
    missing required column)"""
    return read_sheet(data, COLUMNS)


def _date(value):
    if value in (None, ''):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace('/', '-').replace('.', '-')
    for fmt in ('%Y-%m-%d', '%Y%m%d', '%Y年%m月%d日'):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def check_rows(data, company):
    """Return (values for the mediators, list of error lines) of the
    sheet data for the roster of company. Nothing is written."""
    pool = Pool()
    Mediator = pool.get('court.mediator')
    Organisation = pool.get('court.mediation.organisation')
    DisputeType = pool.get('court.dispute.type')
    try:
        rows = read_rows(data)
    except ValueError as exception:
        missing = exception.args[0] if exception.args else ''
        if not missing:
            return [], [gettext('court_base.msg_sheet_unreadable')]
        return [], [gettext('court_mediation.msg_import_file',
                detail=missing)]
    organisations = {o.name: o for o in Organisation.search([
                ('company', '=', company.id)])}
    types = {t.name: t for t in DisputeType.search([])}
    existing = {m.party.id_number for m in Mediator.search([
                ('company', '=', company.id)]) if m.party.id_number}
    seen = {}
    errors, values = [], []

    def error(number, message, **kw):
        errors.append(gettext('court_mediation.msg_import_row',
                row=number, error=gettext(
                    'court_mediation.' + message, **kw)))

    for number, row in rows:
        name = str(row.get('name') or '').strip()
        if not name:
            error(number, 'msg_import_name')
        try:
            id_number = validators.normalize_id_number(
                str(row.get('id_number') or ''))
        except ValueError:
            error(number, 'msg_import_id_number',
                value=row.get('id_number') or '')
            id_number = None
        mobile = None
        if row.get('mobile') not in (None, ''):
            try:
                mobile = validators.normalize_mobile(str(row['mobile']))
            except ValueError:
                error(number, 'msg_import_mobile', value=row['mobile'])
        if id_number:
            if id_number in seen:
                error(number, 'msg_import_duplicate_sheet',
                    other=seen[id_number])
            elif id_number in existing:
                error(number, 'msg_import_duplicate_roster',
                    value=id_number)
            seen.setdefault(id_number, number)
        organisation = None
        org_name = str(row.get('organisation') or '').strip()
        if org_name:
            organisation = organisations.get(org_name)
            if not organisation:
                error(number, 'msg_import_organisation', value=org_name)
        specialities = []
        text = str(row.get('specialities') or '')
        for sep in SEPARATORS:
            text = text.replace(sep, '\n')
        for type_name in filter(None, (t.strip()
                    for t in text.splitlines())):
            if type_name in types:
                specialities.append(types[type_name].id)
            else:
                error(number, 'msg_import_dispute_type', value=type_name)
        dates = {}
        for key in ('join_date', 'term_end'):
            try:
                dates[key] = _date(row.get(key))
            except ValueError:
                error(number, 'msg_import_date', value=row.get(key))
                dates[key] = None
        values.append({
                'name': name,
                'id_number': id_number,
                'mobile': mobile,
                'organisation': organisation.id if organisation else None,
                'studio': str(row.get('studio') or '').strip() or None,
                'specialities': specialities,
                'division_codes': str(
                    row.get('division_codes') or '').strip() or None,
                **dates,
                })
    if not rows:
        errors.append(gettext('court_mediation.msg_import_no_rows'))
    return values, errors


class ImportStart(ModelView):
    "Import Invited Mediators"
    __name__ = 'court.mediator.import.start'
    file = fields.Binary("Excel File (.xlsx)", filename='filename',
        required=True)
    filename = fields.Char("File Name")
    template = fields.Binary("Template", filename='template_name',
        readonly=True)
    template_name = fields.Char("Template Name", readonly=True)
    company = fields.Many2One('company.company', "Roster Court",
        required=True,
        help="The court whose roster receives the mediators.")
    appoint = fields.Many2One('company.company', "Appoint to Court",
        help="Appoint the imported mediators to this court from the join "
        "date.")

    @staticmethod
    def default_template():
        return template()

    @staticmethod
    def default_template_name():
        return '特邀调解员名册模板.xlsx'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_appoint():
        "The user's court: the mediators imported serve it"
        return Transaction().context.get('company')


class ImportPreview(ModelView):
    "Import Invited Mediators Preview"
    __name__ = 'court.mediator.import.preview'
    rows = fields.Integer("Rows", readonly=True)
    errors = fields.Integer("Errors", readonly=True)
    report = fields.Text("Check", readonly=True)

    @classmethod
    def run_job(cls, job):
        "The import of a large sheet (court.job), checked again first"
        Company = Pool().get('company.company')
        company = Company(job.params['company'])
        appoint = (Company(job.params['appoint'])
            if job.params.get('appoint') else None)
        values, errors = check_rows(job.source, company)
        if errors:
            raise RosterImportError('\n'.join(errors))
        job.set_progress(0, len(values))
        import_values(values, company, appoint, job=job)
        return gettext('court_mediation.msg_import_job_done',
            count=len(values))


class Import(Wizard):
    "Import Invited Mediators"
    __name__ = 'court.mediator.import'
    start = StateView('court.mediator.import.start',
        'court_mediation.mediator_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Check", 'preview', 'tryton-forward', default=True),
            ])
    preview = StateView('court.mediator.import.preview',
        'court_mediation.mediator_import_preview_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Back", 'start', 'tryton-back'),
            Button("Import", 'import_', 'tryton-ok', default=True,
                states={'readonly': Bool(Eval('errors'))}),
            ])
    import_ = StateTransition()
    queued = StateAction('court_base.act_job')

    def check(self):
        """Return (values for the mediators, list of error lines).
        Nothing is written."""
        self.check_courts()
        return check_rows(self.start.file, self.start.company)

    def check_courts(self):
        """The roster court and the court appointed to must be the user's
        or under it: a wizard runs without access checks, so the record
        rules would not refuse a mediator created in another court"""
        Company = Pool().get('company.company')
        if not Transaction().user:
            return
        courts = Company.user_courts()
        for court in filter(None, [self.start.company, self.start.appoint]):
            if court.id not in courts:
                raise RosterImportError(gettext(
                        'court_mediation.msg_import_court',
                        court=court.rec_name))

    def default_preview(self, fields):
        values, errors = self.check()
        report = '\n'.join(errors) if errors else gettext(
            'court_mediation.msg_import_ok', count=len(values))
        return {
            'rows': len(values),
            'errors': len(errors),
            'report': report,
            }

    def transition_import_(self):
        # before the queue too: the job imports without the user's rules
        self.check_courts()
        try:
            count = len(read_rows(self.start.file))
        except ValueError:
            count = 0
        if count > threshold('import_job_rows', JOB_ROWS):
            return 'queued'
        values, errors = self.check()
        if errors:
            raise RosterImportError('\n'.join(errors))
        import_values(values, self.start.company, self.start.appoint)
        return 'end'

    def do_queued(self, action):
        """A large sheet is checked again and imported by a background
        job (court.job): all of it or, at the first error, nothing"""
        Job = Pool().get('court.job')
        job = Job.launch('import', gettext(
                'court_mediation.msg_import_job_name',
                filename=self.start.filename or '',
                court=self.start.company.rec_name),
            'court.mediator.import.preview', 'run_job',
            params={
                'company': self.start.company.id,
                'appoint': (self.start.appoint.id
                    if self.start.appoint else None),
                },
            source=self.start.file)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', '=', job.id)])
        return action, {}


class Export(Wizard):
    """Export Roster in Import Layout

    The selected mediators in the columns of the import's template, so the
    file imports back (into another court's roster, for instance).  The
    mediators are read as the user reads them (record rules: another
    court's are refused); the ID and mobile numbers only when the user's
    field access lets them be read, otherwise their column is left empty."""
    __name__ = 'court.mediator.export'
    start = StateTransition()
    result = StateView('court.export.xlsx.result',
        'court_base.export_xlsx_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        if not self.records:
            raise RosterImportError(gettext(
                    'court_mediation.msg_roster_export_nothing'))
        return 'result'

    def default_result(self, fields):
        pool = Pool()
        Mediator = pool.get('court.mediator')
        FieldAccess = pool.get('ir.model.field.access')
        ExportLog = pool.get('court.export.log')
        ids = [r.id for r in self.records]
        # a wizard runs without access checks: read as the user
        with check_access():
            Mediator.read(ids, ['name'])
            access = FieldAccess.get_access(['party.party'])['party.party']
        id_numbers = bool(access.get('id_number', {}).get('read', True))
        mobiles = bool(access.get('mobile_number', {}).get('read', True))
        mediators = Mediator.browse(ids)
        data = template(export_rows(mediators, id_numbers, mobiles))
        ExportLog.record(Mediator, mediators, ['name']
            + (['party/id_number'] if id_numbers else [])
            + (['party/mobile_number'] if mobiles else []))
        return {
            'file': data,
            'filename': '特邀调解员名册（导入格式）.xlsx',
            'records': len(mediators),
            }


def import_values(values, company, appoint, job=None):
    """Create the mediators (and their parties) of values checked by
    check_rows, in the current transaction; with job, show the progress"""
    pool = Pool()
    Party = pool.get('party.party')
    Mediator = pool.get('court.mediator')
    parties = {p.id_number: p for p in Party.search([
                ('id_number', 'in', [v['id_number'] for v in values]),
                ])}
    new = [{'name': v['name'], 'party_kind': 'person',
            'id_number': v['id_number'], 'mobile_number': v['mobile']}
        for v in values if v['id_number'] not in parties]
    for party in Party.create(new):
        parties[party.id_number] = party
    today = pool.get('ir.date').today()
    vlist = []
    for v in values:
        record = {
            'company': company.id,
            'party': parties[v['id_number']].id,
            'organisation': v['organisation'],
            'studio': v['studio'],
            'division_codes': v['division_codes'],
            'join_date': v['join_date'],
            'term_end': v['term_end'],
            'specialities': [('add', v['specialities'])],
            }
        if appoint:
            record['appointments'] = [('create', [{
                            'company': appoint.id,
                            'date_start': v['join_date'] or today,
                            }])]
        vlist.append(record)
    if job is None:
        return Mediator.create(vlist)
    # one transaction: the progress is written beside it (Job.set_progress)
    mediators = []
    for start in range(0, len(vlist), JOB_CHUNK):
        mediators.extend(Mediator.create(vlist[start:start + JOB_CHUNK]))
        job.set_progress(len(mediators), len(vlist))
    return mediators
