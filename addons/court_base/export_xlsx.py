# This file is part of the court platform.  See LICENSE.
"""导出Excel: the selected records of a list as an .xlsx workbook, with the
columns of the model's list view, Chinese headers (the field labels in the
user's language), dates as dates, amounts as numbers, ratios as
percentages and the header row frozen.

Any court model offers it by an ``ir.action.keyword`` (``form_action``)
to ``court_base.wizard_export_xlsx``. The records are read as the user
reads them: record rules and field access apply; exports of personal data
are logged (``court.export.log``). Above ``[court] export_job_rows``
records (2000 by default) the export runs as a background job
(``court.job``, doc/jobs.md) and the file is taken from the job."""
import datetime as dt
import io
import re
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tools import grouped_slice
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import ExportError
from .job import threshold

FIELD = re.compile(r'<field\s[^>]*?name="([^"]+)"([^>]*)>')
MAX_ROWS = 100_000
# above this many records ([court] export_job_rows) the export runs as a
# background job (court.job), read JOB_CHUNK records at a time
JOB_ROWS = 2000
JOB_CHUNK = 500


class ExportXlsxResult(ModelView):
    "Export to Excel"
    __name__ = 'court.export.xlsx.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    records = fields.Integer("Records", readonly=True)

    @classmethod
    def run_job(cls, job):
        "The export of a court.job (court.export.xlsx above the threshold)"
        Model = Pool().get(job.params['model'])
        data, filename, count = export(Model, job.params['ids'], job=job)
        return {
            'message': gettext('court_base.msg_job_export_done', count=count),
            'result': data,
            'result_name': filename,
            }


def columns(Model):
    """[(field name, label, type, selection)] of the model's default list
    view, in its order"""
    view = Model.fields_view_get(view_type='tree')
    result = []
    for name, attributes in FIELD.findall(view['arch']):
        if 'tree_invisible="1"' in attributes or (
                'invisible="1"' in attributes):
            continue
        field = view['fields'].get(name)
        if not field or name in {n for n, *_ in result}:
            continue
        selection = field.get('selection')
        result.append((name, field['string'], field['type'],
                dict(selection) if isinstance(selection, list) else None))
    return result


def workbook(title, cols, rows, ratio_fields=()):
    "Bytes of an .xlsx of rows (dicts read by Model.read)"
    import xlsxwriter
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True,
            'remove_timezone': True})
    sheet = book.add_worksheet(title[:31] or 'Sheet1')
    header = book.add_format({'bold': True, 'bg_color': '#DDEBF7',
            'border': 1, 'text_wrap': True, 'valign': 'vcenter'})
    formats = {
        'date': book.add_format({'num_format': 'yyyy-mm-dd'}),
        'datetime': book.add_format({'num_format': 'yyyy-mm-dd hh:mm'}),
        'numeric': book.add_format({'num_format': '#,##0.00'}),
        'percent': book.add_format({'num_format': '0.0%'}),
        'text': book.add_format({'text_wrap': False}),
        }
    widths = []
    for col, (name, label, type_, _) in enumerate(cols):
        sheet.write(0, col, label, header)
        widths.append(max(8, min(40, len(label) * 2 + 2)))
    for row_index, row in enumerate(rows, start=1):
        for col, (name, label, type_, selection) in enumerate(cols):
            value = row.get(name)
            if type_ in {'many2one', 'reference', 'one2one'}:
                value = (row.get(name + '.') or {}).get('rec_name')
            elif type_ in {'one2many', 'many2many'}:
                value = len(value or [])
            elif type_ == 'selection' and selection is not None:
                value = selection.get(value, value)
            elif type_ == 'multiselection' and selection is not None:
                value = '、'.join(selection.get(v, v) for v in value or [])
            if value is None or value is False and type_ != 'boolean':
                continue
            if type_ == 'boolean':
                value = '是' if value else '否'
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row_index, col, value,
                    formats['datetime'])
            elif isinstance(value, dt.date):
                sheet.write_datetime(row_index, col,
                    dt.datetime.combine(value, dt.time()), formats['date'])
            elif isinstance(value, (int, float, Decimal)):
                fmt = formats['percent'] if name in ratio_fields else (
                    formats['numeric'] if type_ == 'numeric' else None)
                sheet.write_number(row_index, col, float(value), fmt)
            elif isinstance(value, dt.timedelta):
                sheet.write_number(row_index, col,
                    value.total_seconds() / 86400)
            else:
                text = str(value)
                sheet.write_string(row_index, col, text, formats['text'])
                widths[col] = max(widths[col], min(60, len(text) + 2))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    if cols:
        sheet.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)
    book.close()
    return output.getvalue()


class ExportXlsx(Wizard):
    "Export to Excel"
    __name__ = 'court.export.xlsx'
    start = StateTransition()
    result = StateView('court.export.xlsx.result',
        'court_base.export_xlsx_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    queued = StateAction('court_base.act_job')

    def transition_start(self):
        if self.model is None or not self.records:
            raise ExportError(gettext('court_base.msg_export_nothing'))
        if len(self.records) > threshold('export_job_rows', JOB_ROWS):
            return 'queued'
        return 'result'

    def default_result(self, fields):
        pool = Pool()
        Model = pool.get(self.model.__name__)
        ids = [r.id for r in self.records][:MAX_ROWS]
        data, filename, count = export(Model, ids)
        return {
            'file': data,
            'filename': filename,
            'records': count,
            }

    def do_queued(self, action):
        "A large export runs as a background job; open it"
        pool = Pool()
        Job = pool.get('court.job')
        Model = pool.get(self.model.__name__)
        ids = [r.id for r in self.records][:MAX_ROWS]
        # the records are refused now, not in the job, when the user may
        # not read them
        for chunk in grouped_slice(ids):
            Model.read(list(chunk), ['id'])
        job = Job.launch('export', gettext('court_base.msg_job_export_name',
                model=Model.__names__()['model'], count=len(ids)),
            'court.export.xlsx.result', 'run_job',
            params={'model': Model.__name__, 'ids': ids}, total=len(ids))
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', '=', job.id)])
        return action, {}


def export(Model, ids, job=None):
    """(bytes of the .xlsx, file name, number of rows) of the records ids
    of Model, read as the user reads them; with job, read in chunks and
    show the progress"""
    pool = Pool()
    ExportLog = pool.get('court.export.log')
    Date = pool.get('ir.date')
    cols = columns(Model)
    names = []
    for name, _, type_, _ in cols:
        names.append(name)
        if type_ in {'many2one', 'reference', 'one2one'}:
            names.append(name + '.rec_name')
    # read as the user: record rules and field access apply
    if job is None:
        rows = Model.read(ids, names) if ids else []
    else:
        rows = []
        for chunk in job.each(ids, JOB_CHUNK):
            rows.extend(Model.read(chunk, names))
    order = {id_: i for i, id_ in enumerate(ids)}
    rows.sort(key=lambda r: order[r['id']])
    title = Model.__names__()['model']
    ratio_fields = getattr(Model, '_export_ratio_fields', ())
    data = workbook(title, cols, rows, ratio_fields)
    ExportLog.record(Model, Model.browse(ids), [c[0] for c in cols])
    filename = '%s-%s.xlsx' % (title, Date.today().isoformat())
    return data, filename, len(rows)
