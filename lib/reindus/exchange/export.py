"""CSV and XLSX exports, safe against formula injection (OWASP « CSV injection »).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is evaluated as a formula by
spreadsheet software. Numeric columns stay numbers (so `-10` is still minus ten); text cells that look
like a formula are neutralised: prefixed with `'` in CSV, written as plain strings with `quotePrefix`
in XLSX.

Large tables are written batch by batch (`write_csv`, `write_xlsx`, openpyxl's write-only mode): an
export is complete at any size, or refused with a message (XLSX holds at most XLSX_MAX_ROWS rows).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reindus.errors import UserError

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATOR = ";"
XLSX_MAX_ROWS = 1_048_575  # a sheet's 1 048 576 rows, less the header


class ExportTooLargeError(UserError):
    """More rows than the format holds: nothing is written, the message says what to do."""


def is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """The CSV form of a text cell: `'` in front of anything a spreadsheet would evaluate."""
    return "'" + text if is_dangerous(text) else text


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _csv_text(frame: pd.DataFrame, *, header: bool) -> str:
    out = frame.copy()
    for column in out.columns:
        if not _is_numeric(out[column]):
            out[column] = out[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out.to_csv(sep=CSV_SEPARATOR, index=False, decimal=",", lineterminator="\r\n", header=header)


def to_csv(frame: pd.DataFrame) -> bytes:
    """French CSV: UTF-8 with BOM (Excel recognises it), `;` separator, decimal comma, text neutralised."""
    return _csv_text(frame, header=True).encode("utf-8-sig")


def write_csv(batches: Iterable[pd.DataFrame], out: BinaryIO) -> int:
    """`to_csv` of the batches concatenated (same columns), written as they come; returns the rows."""
    rows = 0
    for i, batch in enumerate(batches):
        text = _csv_text(batch, header=i == 0)
        out.write(text.encode("utf-8-sig" if i == 0 else "utf-8"))
        rows += len(batch)
    return rows


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


def _widths(frame: pd.DataFrame) -> list[int]:
    return [
        min(max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2, 60)
        for column in frame.columns
    ]


def _row(ws, values, *, bold: bool = False) -> list:
    cells = []
    for raw in values:
        value = _cell_value(raw)
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            # A str starting with « = » would be stored as a formula: set the type by hand.
            cell.data_type = TYPE_STRING
            if is_dangerous(value):
                cell.quotePrefix = True
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _sheet(wb: Workbook, name: str, batches: Iterable[pd.DataFrame]) -> int:
    """One write-only sheet from the batches: header in bold and frozen, widths from the first batch."""
    ws = wb.create_sheet(name[:31])
    ws.freeze_panes = "A2"
    rows = 0
    for i, batch in enumerate(batches):
        if i == 0:
            for number, width in enumerate(_widths(batch), start=1):
                ws.column_dimensions[get_column_letter(number)].width = width
            ws.append(_row(ws, [str(c) for c in batch.columns], bold=True))
        rows += len(batch)
        if rows > XLSX_MAX_ROWS:
            ws.close()  # ends openpyxl's row writer cleanly: the workbook is abandoned
            raise ExportTooLargeError(
                f"Trop de lignes pour un classeur XLSX (plus de {XLSX_MAX_ROWS:,} ; c'est la limite "
                "d'une feuille) : exportez en CSV.".replace(",", "\u202f")
            )
        for values in batch.itertuples(index=False, name=None):
            ws.append(_row(ws, values))
    return rows


def write_xlsx(sheets: Mapping[str, Iterable[pd.DataFrame]], out: BinaryIO) -> int:
    """An XLSX workbook, a sheet per entry (name → batches), written as the batches come (openpyxl
    write-only mode); returns the rows of the first sheet. ExportTooLargeError beyond XLSX_MAX_ROWS."""
    wb = Workbook(write_only=True)
    counts = [_sheet(wb, name, batches) for name, batches in sheets.items()]
    wb.save(out)
    return counts[0] if counts else 0


def to_xlsx(
    frame: pd.DataFrame, sheet: str = "Export", more: Mapping[str, pd.DataFrame] | None = None
) -> bytes:
    """An XLSX workbook of `frame` (and of `more`, a sheet each, in order): header in bold, numbers as
    numbers, every text cell a plain string."""
    buffer = io.BytesIO()
    write_xlsx({sheet: [frame], **{name: [extra] for name, extra in (more or {}).items()}}, buffer)
    return buffer.getvalue()


CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
