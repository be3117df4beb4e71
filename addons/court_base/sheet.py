# This file is part of the court platform.  See LICENSE.
"""Reading the Excel sheets users import (roster, area data): the first
row holds the template's headers, every later non-empty row is a record."""
import datetime as dt
import io


def read_rows(data, columns):
    """Return [(row number, {key: value})] of the first sheet's non-empty
    rows of the .xlsx bytes data.

    columns: (key, header, required) tuples; a header's trailing * (the
    template's mark of a required column) is ignored. Whole numbers come as
    int, date-times as dates. Raise ValueError(header) when a required
    column is missing, ValueError('') when data is not a readable sheet."""
    from openpyxl import load_workbook
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True,
            data_only=True)
    except Exception as exception:
        raise ValueError('') from exception
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        headers = [str(h or '').strip().rstrip('*') for h in next(rows)]
    except StopIteration:
        raise ValueError('')
    index = {}
    for key, header, required in columns:
        if header in headers:
            index[key] = headers.index(header)
        elif required:
            raise ValueError(header)
    result = []
    for number, row in enumerate(rows, start=2):
        if not any(v not in (None, '') for v in row):
            continue
        values = {}
        for key, col in index.items():
            value = row[col] if col < len(row) else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, dt.datetime):
                value = value.date()
            values[key] = value
        result.append((number, values))
    return result
