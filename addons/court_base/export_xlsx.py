# This file is part of the court platform.  See LICENSE.
"""导出Excel: the selected records of a list as an .xlsx workbook, with the
columns of the model's list view, Chinese headers (the field labels in the
user's language), dates as dates, amounts as numbers, ratios as
percentages and the header row frozen.

Any court model offers it by an ``ir.action.keyword`` (``form_action``)
to ``court_base.wizard_export_xlsx``. The records are read as the user
reads them: record rules and field access apply; exports of personal data
are logged (``court.export.log``)."""
import datetime as dt
import io
import re
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ExportError

FIELD = re.compile(r'<field\s[^>]*?name="([^"]+)"([^>]*)>')
MAX_ROWS = 100_000


class ExportXlsxResult(ModelView):
    "Export to Excel"
    __name__ = 'court.export.xlsx.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    records = fields.Integer("Records", readonly=True)


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

    def transition_start(self):
        if self.model is None or not self.records:
            raise ExportError(gettext('court_base.msg_export_nothing'))
        return 'result'

    def default_result(self, fields):
        pool = Pool()
        Model = pool.get(self.model.__name__)
        ExportLog = pool.get('court.export.log')
        Date = pool.get('ir.date')
        ids = [r.id for r in self.records][:MAX_ROWS]
        cols = columns(Model)
        names = []
        for name, _, type_, _ in cols:
            names.append(name)
            if type_ in {'many2one', 'reference', 'one2one'}:
                names.append(name + '.rec_name')
        # read as the user: record rules and field access apply
        rows = Model.read(ids, names) if ids else []
        order = {id_: i for i, id_ in enumerate(ids)}
        rows.sort(key=lambda r: order[r['id']])
        title = Model.__names__()['model']
        ratio_fields = getattr(Model, '_export_ratio_fields', ())
        data = workbook(title, cols, rows, ratio_fields)
        ExportLog.record(Model, self.records, [c[0] for c in cols])
        return {
            'file': data,
            'filename': '%s-%s.xlsx' % (title, Date.today().isoformat()),
            'records': len(rows),
            }

