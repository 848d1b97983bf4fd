"""The shared reading layer: spreadsheets (CSV or XLSX) as users bring them, every cell as text.

- The format is decided by the bytes, never by the file name: `PK\\x03\\x04` is an XLSX workbook,
  `PAR1` Parquet, `\\xd0\\xcf\\x11\\xe0` an old .xls (refused), a UTF-16 BOM (or every other byte
  NUL) UTF-16 text, other NUL bytes any other binary (refused).
- CSV decoding: a BOM means UTF-8 with BOM (or UTF-16), else strict UTF-8, else cp1252 (never latin-1,
  which silently turns € into \\x80). A file that is UTF-8 in one place and not in another (one
  Windows-1252 byte in a UTF-8 file) is refused at its first bad line rather than decoded whole as
  cp1252 (« Ã‰toile »); a file that is none of them is refused.
- The separator is sniffed among `;`, `,`, tab and `|` from the header row.
- XLSX goes through openpyxl in read-only mode (rows are streamed), which uses defusedxml when it is
  installed (it is a dependency): XML bombs are refused. Before openpyxl opens anything, the archive's
  central directory is read: a part larger than its limit once decompressed, or compressed more than
  MAX_XLSX_RATIO times, is refused (a 200 KB file can hold a 200 MB shared string). Cells computed by
  a formula are refused (paste the values).
- Bounded work on any input: rows, columns, cells and cell length are counted while streaming and the
  file is refused at the first limit passed (`Limits`), with a French message naming the file and
  the limit; duplicated headers are refused.
- Every cell is text. The table's index is the row number as the spreadsheet shows it (header = 1).
- `parse_number`, `parse_int`, `parse_date`, `parse_bool`, `parse_choice` turn text into values or
  raise ValidationError with a French reason; `match_columns` finds the columns by header, ignoring case,
  accents, spaces, punctuation and underscores, with aliases.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from reindus.errors import UserError, ValidationError
from reindus.ingest.problems import Problems
from reindus.text.safe import visible

SEPARATORS: tuple[str, ...] = (";", ",", "\t", "|")
SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# Spaces a spreadsheet or a French locale puts inside numbers: space, NBSP, NNBSP, thin, figure space.
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009\u2007\u200a\t"), None)
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100
# Text that a spreadsheet evaluates when the cell is opened (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "@", "\t", "\r")


MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much of a file is read before it is refused. The defaults keep one store import of a 50 MB
    file well under 1 GB; the URSSAF national file raises `max_rows` and `max_cells`."""

    max_bytes: int = 256 * MB
    max_rows: int | None = None  # data rows, header excluded
    max_columns: int = 1_000
    max_cell_chars: int = 32_767  # Excel's own limit for a cell
    max_cells: int = 5_000_000  # data rows × header columns
    xlsx_max_parts: int = 2_000
    xlsx_max_part_bytes: int = 256 * MB  # one sheet, uncompressed (streamed)
    xlsx_max_shared_strings_bytes: int = 64 * MB  # openpyxl keeps every shared string in memory
    xlsx_max_total_bytes: int = 512 * MB
    xlsx_max_ratio: int = 100  # uncompressed / compressed, for parts over 1 MB


DEFAULT_LIMITS = Limits()


class FileFormatError(UserError):
    """The file cannot be read at all (French reason)."""


class LimitExceeded(FileFormatError):
    """The file passes one of the `Limits`: refused before more of it is read."""


def _n(value: float) -> str:
    """French thousands: 100 000."""
    return f"{value:,.0f}".replace(",", "\u202f")


def megabytes(size: int) -> str:
    """« 12,5 Mo »."""
    return f"{size / MB:,.1f}".replace(",", "\u202f").replace(".", ",") + " Mo"


# --- formats and decoding -------------------------------------------------------------------------


def sniff_format(raw: bytes) -> str:
    """`xlsx`, `parquet` or `csv`; raises FileFormatError for other binaries and empty files."""
    if not raw or not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileFormatError("fichier vide")
    if raw.startswith(XLSX_MAGIC):
        return "xlsx"
    if raw.startswith(PARQUET_MAGIC):
        return "parquet"
    if raw.startswith(XLS_MAGIC):
        raise FileFormatError(
            "classeur Excel 97-2003 (.xls) non pris en charge : enregistrez-le en .xlsx ou en CSV"
        )
    if _utf16_variant(raw) is not None:
        return "csv"
    if b"\x00" in raw[:65536]:
        raise FileFormatError("fichier binaire : ce n'est ni un CSV ni un classeur XLSX")
    return "csv"


def _utf16_variant(raw: bytes) -> str | None:
    """`utf-16` (with a BOM), `utf-16-le` / `utf-16-be` (text whose every other byte is NUL), or None."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


# A valid UTF-8 multibyte sequence: a Windows-1252 file almost never holds one (« Ã© » is C3 A9).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CHUNK = 1 << 20


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def detect_encoding(raw: bytes, *, partial: bool = False) -> str:
    """The encoding `raw` is read with, checked over the whole file in chunks (no copy of it kept):
    utf-8-sig, utf-16(-le/-be), utf-8 or cp1252. FileFormatError naming the line otherwise.
    `partial`: `raw` is the start of a file, a character cut at its end is not an error."""
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = _utf16_variant(raw) or "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        final = start + _CHUNK >= len(raw) and not partial
        try:
            decoder.decode(view[start : start + _CHUNK], final=final)
        except UnicodeDecodeError as exc:
            position = start + exc.start - len(decoder.getstate()[0]) if exc.start >= 0 else start
            position = max(0, min(position, len(raw) - 1))
            if encoding != "utf-8":
                label = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
                raise FileFormatError(
                    f"encodage illisible : marque {label} en tête mais octet invalide "
                    f"ligne {_line_of(raw, position)}"
                ) from None
            if _UTF8_MULTIBYTE.search(raw):
                raise FileFormatError(
                    f"encodages mélangés : le fichier est en UTF-8 mais la ligne {_line_of(raw, position)} "
                    f"contient l'octet 0x{raw[position]:02X} qui n'en est pas (Windows-1252 ?) : "
                    "enregistrez le fichier entier en « CSV UTF-8 »"
                ) from None
            return _check_cp1252(raw)
    return encoding


def _check_cp1252(raw: bytes) -> str:
    decoder = codecs.getincrementaldecoder("cp1252")()
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        try:
            decoder.decode(view[start : start + _CHUNK], final=True)
        except UnicodeDecodeError as exc:
            position = start + exc.start
            raise FileFormatError(
                f"encodage illisible (ni UTF-8 ni Windows-1252) : octet 0x{raw[position]:02X} "
                f"ligne {_line_of(raw, position)}"
            ) from None
    return "cp1252"


def decode(raw: bytes, *, partial: bool = False) -> tuple[str, str]:
    """(text, encoding) as `detect_encoding` decides; FileFormatError else. `partial`: `raw` is the
    start of a file (a character cut at its end is dropped)."""
    encoding = detect_encoding(raw, partial=partial)
    return raw.decode(encoding, errors="ignore" if partial else "strict"), encoding


def sniff_separator(text: str) -> str:
    """The separator among `; , \\t |` that splits the header row most (`;` when none does)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: (counts[s], -SEPARATORS.index(s)))
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, sep: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            n += 1
    return n


# --- tables ---------------------------------------------------------------------------------------


@dataclass
class Table:
    """A sheet as text: `frame` (str cells, index = spreadsheet row number), its header as read."""

    name: str
    format: str = ""  # csv, xlsx
    encoding: str = ""
    separator: str = ""
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: Problems = field(init=False)

    def __post_init__(self) -> None:
        self.problems = Problems(self.name)

    @property
    def ok(self) -> bool:
        return self.problems.ok

    @property
    def description(self) -> str:
        if self.format == "csv":
            return f"CSV, encodage {self.encoding}, séparateur {SEPARATOR_NAMES.get(self.separator, self.separator)}"
        return self.format.upper()


def read_table(
    raw: bytes,
    name: str,
    *,
    sheet: int = 0,
    max_rows: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a CSV or XLSX file as text; problems (never exceptions) for anything unreadable or over
    `limits` (`max_rows` overrides `limits.max_rows`)."""
    table = Table(name=name)
    if max_rows is not None:
        limits = replace(limits, max_rows=max_rows)
    try:
        if len(raw) > limits.max_bytes:
            raise LimitExceeded(
                f"fichier trop gros ({megabytes(len(raw))} ; au plus {megabytes(limits.max_bytes)})"
            )
        table.format = sniff_format(raw)
        if table.format == "parquet":
            raise FileFormatError(
                "fichier Parquet : seuls les établissements (registre) s'importent en Parquet"
            )
        if table.format == "xlsx":
            header, rows = _read_xlsx(raw, table, sheet, limits)
        else:
            table.encoding = detect_encoding(raw)
            head = raw[:65536].decode(table.encoding, errors="ignore")
            table.separator = sniff_separator(head)
            header, rows = _read_csv(raw, table, limits)
    except FileFormatError as exc:
        table.problems.add(0, "", "", str(exc))
        return table
    names = [h.strip() for h in header]
    if not any(names):
        table.problems.add(1, "", "", "ligne d'en-tête vide : la première ligne doit nommer les colonnes")
        return table
    columns = [n or f"(colonne {i + 1} sans nom)" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    duplicated = False
    for i, c in enumerate(columns):
        if not names[i]:
            continue
        first = seen.setdefault(normalize_header(c), i)
        if first != i:
            duplicated = True
            table.problems.add(
                1,
                c,
                "",
                f"colonne en double : « {columns[first]} » (colonne {first + 1}) et "
                f"« {c} » (colonne {i + 1}) ; renommez ou supprimez l'une d'elles",
            )
    if duplicated:
        return table
    index = [number for number, _ in rows]
    data = [cells for _, cells in rows]
    table.frame = pd.DataFrame(data, columns=columns, index=pd.Index(index, name="ligne"), dtype=object)
    if table.frame.empty and not data:
        table.problems.add(0, "", "", "aucune ligne de données sous l'en-tête")
    return table


class _Counter:
    """Rows, columns, cells and cell length checked as each row arrives: the file is refused at the
    first limit passed, before the rest of it is read."""

    def __init__(self, table: Table, limits: Limits) -> None:
        self.table, self.limits = table, limits
        self.rows = 0
        self.width = 0

    def header(self, cells: list[str]) -> None:
        if len(cells) > self.limits.max_columns:
            raise LimitExceeded(
                f"trop de colonnes ({_n(len(cells))} ; au plus {_n(self.limits.max_columns)})"
            )
        self.width = len(cells)
        self.cell_lengths(1, cells, cells)

    def row(self, number: int, cells: list[str], header: list[str]) -> None:
        self.rows += 1
        limit = self.limits.max_rows
        if limit is not None and self.rows > limit:
            raise LimitExceeded(
                f"trop de lignes (plus de {_n(limit)} lignes de données à la ligne {_n(number)} ; "
                f"au plus {_n(limit)} par import)"
            )
        if self.rows * max(1, self.width) > self.limits.max_cells:
            raise LimitExceeded(
                f"trop de cellules (plus de {_n(self.limits.max_cells)} à la ligne {_n(number)} : "
                f"{_n(self.width)} colonnes × {_n(self.rows)} lignes) ; découpez le fichier"
            )
        self.cell_lengths(number, cells, header)

    def cell_lengths(self, number: int, cells: list[str], header: list[str]) -> None:
        if cells and max(map(len, cells)) > self.limits.max_cell_chars:
            i = max(range(len(cells)), key=lambda k: len(cells[k]))
            column = header[i] if i < len(header) else ""
            raise LimitExceeded(
                f"ligne {_n(number)}"
                + (f", colonne « {column[:80]} »" if column and number != 1 else "")
                + f" : cellule trop longue ({_n(len(cells[i]))} caractères ; au plus "
                f"{_n(self.limits.max_cell_chars)})"
            )


def _read_csv(raw: bytes, table: Table, limits: Limits) -> tuple[list[str], list[tuple[int, list[str]]]]:
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding=table.encoding, newline="")
    reader = csv.reader(stream, delimiter=table.separator, strict=True)
    counter = _Counter(table, limits)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if header is None:
                if not any(c.strip() for c in cells):
                    raise FileFormatError("la première ligne doit nommer les colonnes, elle est vide")
                counter.header(cells)
                header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            counter.row(number, cells, header)
            if len(cells) != len(header):
                more = len(cells) > len(header)
                hint = (
                    "séparateur ou guillemets mal placés ?"
                    if more
                    else "fichier tronqué ou séparateur différent ?"
                )
                table.problems.add(
                    number,
                    "",
                    table.separator.join(cells)[:200],
                    f"{len(cells)} champ(s) au lieu de {len(header)} comme l'en-tête ({hint})",
                )
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise LimitExceeded(
                f"ligne {_n(number + 1)} : cellule trop longue (plus de "
                f"{_n(csv.field_size_limit())} caractères ; au plus {_n(limits.max_cell_chars)})"
            ) from None
        table.problems.add(
            number + 1,
            "",
            "",
            f"CSV mal formé (guillemet non fermé, fichier tronqué ?) : {exc}",
        )
    if header is None:
        raise FileFormatError("fichier vide")
    return header, rows


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def check_xlsx_archive(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse, from the zip's central directory alone, a workbook that would take too much memory or
    time to open: too many parts, a part too large once decompressed, or compressed suspiciously well."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileFormatError(
            f"classeur XLSX illisible (fichier tronqué ou corrompu) : {type(exc).__name__}"
        ) from None
    if len(infos) > limits.xlsx_max_parts:
        raise LimitExceeded(
            f"classeur anormal : {_n(len(infos))} parties dans l'archive (au plus {_n(limits.xlsx_max_parts)})"
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        shared = info.filename.lower().endswith("sharedstrings.xml")
        limit = limits.xlsx_max_shared_strings_bytes if shared else limits.xlsx_max_part_bytes
        what = "textes partagés" if shared else f"partie « {info.filename[:80]} »"
        if size > limit:
            raise LimitExceeded(
                f"classeur trop gros une fois décompressé : {what} de {megabytes(size)} (au plus {megabytes(limit)})"
            )
        if size > MB and size > limits.xlsx_max_ratio * max(1, info.compress_size):
            raise LimitExceeded(
                f"classeur refusé par prudence : {what} compressée {_n(size / max(1, info.compress_size))} "
                f"fois ({megabytes(info.compress_size)} → {megabytes(size)} ; au plus {limits.xlsx_max_ratio} fois)"
            )
    if total > limits.xlsx_max_total_bytes:
        raise LimitExceeded(
            f"classeur trop gros une fois décompressé : {megabytes(total)} (au plus {megabytes(limits.xlsx_max_total_bytes)})"
        )


_OPEN_LOCK = threading.Lock()


def _open_workbook(raw: bytes, limits: Limits):
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    check_xlsx_archive(raw, limits)
    try:
        # openpyxl looks for each sheet's declared size while opening it, and a sheet that declares
        # none is parsed whole for it (a minute for a row bomb). The size is not trusted anyway
        # (`reset_dimensions`): skip the search while this workbook opens.
        with _OPEN_LOCK:
            get_size = ReadOnlyWorksheet._get_size
            ReadOnlyWorksheet._get_size = lambda self: None
            try:
                return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
            finally:
                ReadOnlyWorksheet._get_size = get_size
    except Exception as exc:  # zip, XML (defusedxml refusals included), missing parts: all unreadable
        raise FileFormatError(
            f"classeur XLSX illisible (fichier tronqué ou corrompu) : {type(exc).__name__}"
        ) from None


def xlsx_sheet_names(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The sheets of an XLSX workbook, in order; [] for anything else (read_table says why)."""
    if not raw.startswith(XLSX_MAGIC):
        return []
    try:
        wb = _open_workbook(raw, limits)
    except FileFormatError:  # unreadable or too big: read_table reports it on the first sheet
        return []
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _read_xlsx(  # noqa: C901 - each limit is checked where the stream reaches it
    raw: bytes, table: Table, sheet: int, limits: Limits
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl.cell.read_only import EMPTY_CELL

    wb = _open_workbook(raw, limits)
    counter = _Counter(table, limits)
    # Empty rows count too (up to a margin), so that a sheet of millions of blank rows ends early.
    max_rows_seen = None if limits.max_rows is None else 2 * limits.max_rows + 10_000
    try:
        sheets = wb.worksheets
        if sheet >= len(sheets):
            raise FileFormatError(f"le classeur n'a pas de feuille n° {sheet + 1}")
        ws = sheets[sheet]
        # The declared dimension is not trusted: « A1:XFD1048576 » would pad every row to 16 384 cells.
        ws.reset_dimensions()
        header: list[str] | None = None
        header_row = 1
        rows: list[tuple[int, list[str]]] = []
        seen = 0
        try:
            for cells in ws.iter_rows():
                seen += 1
                number = next((c.row for c in cells if c is not EMPTY_CELL and getattr(c, "row", None)), None)
                if max_rows_seen is not None and seen > max_rows_seen:
                    raise LimitExceeded(
                        f"trop de lignes (plus de {_n(max_rows_seen)} lignes, vides comprises, "
                        f"à la ligne {_n(number or seen)} ; au plus {_n(limits.max_rows or 0)} par import)"
                    )
                if len(cells) > limits.max_columns:
                    raise LimitExceeded(
                        f"trop de colonnes (une cellule en colonne {_n(len(cells))} à la ligne "
                        f"{_n(number or seen)} ; au plus {_n(limits.max_columns)}) : supprimez les "
                        "colonnes inutilisées, mises en forme comprises"
                    )
                texts = []
                for cell in cells:
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f":
                        column = header[len(texts)] if header is not None and len(texts) < len(header) else ""
                        table.problems.add(
                            getattr(cell, "row", 0) or 0,
                            column,
                            str(value)[:200],
                            "cellule calculée par une formule : collez les valeurs "
                            "(Collage spécial › Valeurs) avant d'importer",
                        )
                        value = ""
                    elif isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                        value = "'" + value  # a string cell is text, never a formula: mark it as such
                    texts.append(_xlsx_text(value))
                if header is None:
                    if not any(t.strip() for t in texts):
                        continue
                    counter.header(texts)
                    header = texts
                    header_row = number or 1
                    continue
                if not any(t.strip() for t in texts):
                    continue
                line = number if number else header_row + len(rows) + 1
                counter.row(line, texts, header)
                texts = (texts + [""] * len(header))[: max(len(header), len(texts))]
                if len(texts) > len(header):
                    extra = [t for t in texts[len(header) :] if t.strip()]
                    if extra:
                        table.problems.add(line, "", extra[0][:200], "valeur dans une colonne sans en-tête")
                    texts = texts[: len(header)]
                rows.append((line, texts))
        except FileFormatError:
            raise
        except MemoryError:
            raise
        except Exception as exc:
            raise FileFormatError(f"feuille XLSX illisible : {type(exc).__name__}") from None
        if header is None:
            raise FileFormatError("feuille vide")
        return header, rows
    finally:
        wb.close()


# --- columns --------------------------------------------------------------------------------------


def normalize_header(text: str) -> str:
    """`Date de début`, `DATE_DE_DEBUT`, ` date-de début ` → `datededebut` (accents, case, spaces,
    punctuation and underscores do not count)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold() if ch.isalnum())


@dataclass(frozen=True)
class Column:
    """An expected column: `key` inside reindus, `header` as exported (French), accepted aliases."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def match_columns(table: Table, columns: Iterable[Column]) -> dict[str, str]:
    """{key: column name in the table} for the expected columns found; problems (row 1) for a
    required column missing or a column given twice."""
    by_norm: dict[str, list[str]] = {}
    for name in table.frame.columns:
        by_norm.setdefault(normalize_header(name), []).append(name)
    found: dict[str, str] = {}
    for column in columns:
        hits = [
            name
            for alias in dict.fromkeys(normalize_header(a) for a in column.names())
            for name in by_norm.get(alias, [])
        ]
        if len(hits) > 1:
            table.problems.add(
                1,
                hits[1],
                "",
                f"colonne en double : « {hits[0]} » et « {hits[1]} » "
                f"désignent toutes deux « {column.header} »",
            )
        elif hits:
            found[column.key] = hits[0]
        elif column.required:
            seen = ", ".join(f"« {c} »" for c in list(table.frame.columns)[:12])
            hint = " — le séparateur est peut-être différent" if len(table.frame.columns) == 1 else ""
            table.problems.add(
                1, column.header, "", f"colonne obligatoire absente (colonnes lues : {seen}){hint}"
            )
    return found


# --- values ---------------------------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """`1 234,5` (spaces, NBSP, NNBSP, thin spaces), `1234.5`, `12 €` → float; empty → None.
    Raises ValidationError with a French reason."""
    cleaned = str(text).translate(_SPACES).replace("\u2212", "-")
    if cleaned.endswith("€"):
        cleaned = cleaned[:-1]
    if cleaned == "":
        return None
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValidationError("nombre ambigu (virgule et point, ou plusieurs virgules) : écrivez 1234,5")
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise ValidationError("nombre attendu (ex. 1 234 ou 12,5)")
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError("nombre attendu (ex. 1 234 ou 12,5)")
    return value


def parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`parse_number` over a column of text: (floats, NaN for empty cells; mask of the cells that
    parse_number refuses). Same rules, vectorised."""
    cleaned = cells.astype(str).str.translate(_SPACES).str.replace("\u2212", "-", regex=False)
    cleaned = cleaned.str.removesuffix("€")
    commas = cleaned.str.count(",")
    ambiguous = (commas > 1) | ((commas == 1) & cleaned.str.contains(".", regex=False))
    cleaned = cleaned.str.replace(",", ".", regex=False)
    empty = cleaned == ""
    values = pd.to_numeric(
        cleaned.where(~empty & ~ambiguous & cleaned.str.match(_NUMBER.pattern)), errors="coerce"
    )
    bad = ~empty & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    return values.where(~bad), bad


def parse_int(text: str, *, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    value = parse_number(text)
    if value is None:
        return None
    if not value.is_integer():
        raise ValidationError("nombre entier attendu")
    return int(_bounded(value, minimum, maximum))


def parse_amount(text: str, *, maximum: float = 1e11) -> float | None:
    value = parse_number(text)
    return None if value is None else _bounded(round(value, 2), 0, maximum)


def _bounded(value: float, minimum: float | None, maximum: float | None) -> float:
    if minimum is not None and value < minimum:
        raise ValidationError("nombre négatif" if minimum == 0 else f"nombre inférieur à {minimum}")
    if maximum is not None and value > maximum:
        raise ValidationError(f"nombre invraisemblable (plus de {maximum:,.0f})".replace(",", " "))
    return value


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def parse_date(text: str) -> date | None:
    """`31/12/2023`, `2023-12-31` (time ignored), Excel serial `45291` → date; empty → None."""
    s = str(text).strip()
    if not s:
        return None
    m = _DMY.match(s)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif (m := _ISO.match(s)) is not None:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        try:
            serial = parse_number(s)
        except ValidationError:
            serial = None
        if serial is None or not serial.is_integer() or not 1 <= serial <= 80000:
            raise ValidationError("date attendue (jj/mm/aaaa, aaaa-mm-jj ou date Excel)")
        d = EXCEL_EPOCH + timedelta(days=int(serial))
        year, month, day = d.year, d.month, d.day
    try:
        d = date(year, month, day)
    except ValueError:
        raise ValidationError("date impossible (ce jour n'existe pas)") from None
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValidationError(f"date invraisemblable (hors {MIN_YEAR}–{MAX_YEAR})")
    return d


_TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
_FALSE = {"non", "n", "faux", "false", "0", "no", ""}


def parse_bool(text: str) -> bool:
    s = normalize_header(text)
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValidationError("oui ou non attendu")


def parse_choice(text: str, choices: Mapping[str, str]) -> str | None:
    """The key of `choices` (key → label) matching `text` by key or label, ignoring case and accents."""
    s = normalize_header(text)
    if not s:
        return None
    for key, label in choices.items():
        if s in (normalize_header(key), normalize_header(label)):
            return key
    raise ValidationError("valeur inconnue (attendu : " + ", ".join(choices.values()) + ")")


def clean_text(text: str, *, max_length: int) -> str:
    """A text cell: trimmed, without the invisible characters that reorder or hide text (`safe.visible`:
    a right-to-left override shows « TIKCOL » as « LOCKIT »), spreadsheet neutralisation undone
    (`'=…` → `=…`); a cell that a spreadsheet would run as a formula, or too long, raises ValidationError."""
    s = visible(text).strip()
    if s.startswith("'") and s[1:].startswith((*FORMULA_PREFIXES, "-")):
        s = s[1:]
    elif s.startswith(("=", "+", "@")):
        raise ValidationError(
            "ressemble à une formule de tableur : refusé (précédez-la d'une apostrophe "
            "pour l'importer comme texte)"
        )
    if "\x00" in s:
        raise ValidationError("caractère nul dans le texte")
    if len(s) > max_length:
        raise ValidationError(f"texte trop long ({len(s)} caractères, au plus {max_length})")
    return s
