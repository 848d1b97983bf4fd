"""CSV and XLSX exports, safe against formula injection (OWASP « CSV injection »).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is evaluated as a formula by
spreadsheet software. Numeric columns stay numbers (so `-10` is still minus ten); text cells that look
like a formula are neutralised: prefixed with `'` in CSV, written as plain strings with `quotePrefix`
in XLSX.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATOR = ";"


def is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """The CSV form of a text cell: `'` in front of anything a spreadsheet would evaluate."""
    return "'" + text if is_dangerous(text) else text


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def to_csv(frame: pd.DataFrame) -> bytes:
    """French CSV: UTF-8 with BOM (Excel recognises it), `;` separator, decimal comma, text neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not _is_numeric(out[column]):
            out[column] = out[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    text = out.to_csv(sep=CSV_SEPARATOR, index=False, decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _cell_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if hasattr(value, "item") and not isinstance(value, (str, date)):  # numpy scalars
        return value.item()
    return value


def _fill(ws, frame: pd.DataFrame) -> None:
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = TYPE_STRING
    for row_number, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for col_number, raw in enumerate(row, start=1):
            value = _cell_value(raw)
            cell = ws.cell(row=row_number, column=col_number)
            if isinstance(value, str):
                # Assigning a str starting with « = » makes openpyxl store a formula: set the type by hand.
                cell.value = value
                cell.data_type = TYPE_STRING
                if is_dangerous(value):
                    cell.quotePrefix = True
            else:
                cell.value = value
    for col_number, column in enumerate(frame.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2
        ws.column_dimensions[get_column_letter(col_number)].width = min(width, 60)
    ws.freeze_panes = "A2"


def to_xlsx(
    frame: pd.DataFrame, sheet: str = "Export", more: Mapping[str, pd.DataFrame] | None = None
) -> bytes:
    """An XLSX workbook of `frame` (and of `more`, a sheet each, in order): header in bold, numbers as
    numbers, every text cell a plain string."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    _fill(ws, frame)
    for name, extra in (more or {}).items():
        _fill(wb.create_sheet(name[:31]), extra)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
