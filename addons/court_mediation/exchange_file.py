# This file is part of the court platform.  See LICENSE.
"""Tables of the exchange files (交换文件): an .xlsx sheet or a CSV file
whose first row holds the headers.  Pure functions, no database: the
exchange wizards (exchange.py) read and write their files through them.

CSV files are written in UTF-8 with a byte-order mark (Excel opens them
without garbling the Chinese) and read as UTF-8, or GB 18030 when the
platform exported them from a Chinese Windows."""
import csv
import datetime as dt
import io
from decimal import Decimal

ENCODINGS = ('utf-8-sig', 'gb18030')


class TableError(ValueError):
    "The file is not a readable table (args[0]: a short reason)"


def write_table(file_format, title, headers, rows):
    """Bytes of a file of ``file_format`` ('xlsx' or 'csv') with the
    headers and the rows (lists of str, numbers or None)"""
    if file_format == 'csv':
        text = io.StringIO()
        writer = csv.writer(text, lineterminator='\r\n')
        writer.writerow(headers)
        for row in rows:
            writer.writerow(['' if v is None else str(v) for v in row])
        return text.getvalue().encode('utf-8-sig')
    import xlsxwriter
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True,
            'strings_to_numbers': False, 'strings_to_formulas': False})
    sheet = book.add_worksheet(title[:31] or 'Sheet1')
    bold = book.add_format({'bold': True, 'bg_color': '#DDEBF7',
            'border': 1})
    text_format = book.add_format({'num_format': '@'})
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    sheet.write_row(0, 0, headers, bold)
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == '':
                continue
            if isinstance(value, (int, float, Decimal)):
                sheet.write_number(index, col, float(value))
            else:
                # ID and case numbers stay text (no 1.2E+17)
                sheet.write_string(index, col, str(value), text_format)
                widths[col] = max(widths[col], min(60, len(str(value)) + 2))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    book.close()
    return output.getvalue()


def _cell(value):
    "A cell as text, a number, a date or None"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_table(file_format, data):
    """Return (headers, [(row number, [cells])]) of the file's non-empty
    rows; the row number is the one a spreadsheet shows (headers are 1).
    Raise TableError when the file cannot be read."""
    if not data:
        raise TableError('empty')
    if file_format == 'csv':
        for encoding in ENCODINGS:
            try:
                text = bytes(data).decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TableError('encoding')
        lines = list(csv.reader(io.StringIO(text)))
    else:
        from openpyxl import load_workbook
        try:
            book = load_workbook(io.BytesIO(bytes(data)), read_only=True,
                data_only=True)
            lines = list(book.worksheets[0].iter_rows(values_only=True))
        except Exception as exception:
            raise TableError('xlsx') from exception
    if not lines:
        raise TableError('empty')
    headers = [str(h or '').strip().rstrip('*') for h in lines[0]]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [_cell(v) for v in line]
        if any(c is not None for c in cells):
            rows.append((number, cells))
    return headers, rows


def parse_date(value, date_format):
    """The date of a cell: a date cell as it is, text in ``date_format``
    (strftime) or ISO; raise ValueError otherwise"""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in (date_format, '%Y-%m-%d'):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
