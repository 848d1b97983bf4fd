"""The shared reading layer: spreadsheets (CSV or XLSX) as users bring them, every cell as text.

- The format is decided by the bytes, never by the file name: `PK\\x03\\x04` is an XLSX workbook,
  `PAR1` Parquet, `\\xd0\\xcf\\x11\\xe0` an old .xls (refused), NUL bytes any other binary (refused).
- CSV decoding: a BOM means UTF-8 with BOM, else strict UTF-8, else cp1252 (never latin-1,
  which silently turns € into \\x80); a file that is none of them is refused.
- The separator is sniffed among `;`, `,`, tab and `|` from the header row.
- XLSX goes through openpyxl, which uses defusedxml when it is installed (it is a dependency):
  XML bombs are refused. Cells computed by a formula are refused (paste the values).
- Every cell is text. The table's index is the row number as the spreadsheet shows it (header = 1).
- `parse_number`, `parse_int`, `parse_date`, `parse_bool`, `parse_choice` turn text into values or
  raise ValidationError with a French reason; `match_columns` finds the columns by header, ignoring case,
  accents, spaces, punctuation and underscores, with aliases.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from reindus.errors import UserError, ValidationError
from reindus.ingest.problems import Problems

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


class FileFormatError(UserError):
    """The file cannot be read at all (French reason)."""


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
    if b"\x00" in raw[:65536]:
        raise FileFormatError("fichier binaire : ce n'est ni un CSV ni un classeur XLSX")
    return "csv"


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): BOM → utf-8-sig, else strict UTF-8, else strict cp1252; FileFormatError else."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                f"encodage illisible : marque UTF-8 en tête mais octet invalide à la position {exc.start}"
            ) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"encodage illisible (ni UTF-8 ni Windows-1252) : octet 0x{raw[exc.start]:02X} "
            f"à la position {exc.start}"
        ) from None


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


def read_table(raw: bytes, name: str, *, sheet: int = 0, max_rows: int | None = None) -> Table:
    """Read a CSV or XLSX file as text; problems (never exceptions) for anything unreadable."""
    table = Table(name=name)
    try:
        table.format = sniff_format(raw)
        if table.format == "parquet":
            raise FileFormatError(
                "fichier Parquet : seuls les établissements (registre) s'importent en Parquet"
            )
        if table.format == "xlsx":
            header, rows = _read_xlsx(raw, table, sheet)
        else:
            text, table.encoding = decode(raw)
            table.separator = sniff_separator(text)
            header, rows = _read_csv(text, table)
    except FileFormatError as exc:
        table.problems.add(0, "", "", str(exc))
        return table
    if max_rows is not None and len(rows) > max_rows:
        table.problems.add(0, "", "", f"trop de lignes ({len(rows)} ; au plus {max_rows} par import)")
        return table
    names = [h.strip() for h in header]
    if not any(names):
        table.problems.add(1, "", "", "ligne d'en-tête vide : la première ligne doit nommer les colonnes")
        return table
    index = [number for number, _ in rows]
    data = [cells for _, cells in rows]
    columns = [n or f"(colonne {i + 1} sans nom)" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    for i, c in enumerate(columns):  # duplicated headers: keep both, told apart
        if c in seen:
            columns[i] = f"{c} ({i + 1})"
        seen[c] = i
    table.frame = pd.DataFrame(data, columns=columns, index=pd.Index(index, name="ligne"), dtype=object)
    if table.frame.empty and not data:
        table.problems.add(0, "", "", "aucune ligne de données sous l'en-tête")
    return table


def _read_csv(text: str, table: Table) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.separator, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if header is None:
                if not any(c.strip() for c in cells):
                    raise FileFormatError("la première ligne doit nommer les colonnes, elle est vide")
                header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
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
                    table.separator.join(cells),
                    f"{len(cells)} champ(s) au lieu de {len(header)} comme l'en-tête ({hint})",
                )
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        table.problems.add(
            number + 1, "", "", f"CSV mal formé (guillemet non fermé, fichier tronqué ?) : {exc}"
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


def xlsx_sheet_names(raw: bytes) -> list[str]:
    """The sheets of an XLSX workbook, in order; [] for anything else (read_table says why)."""
    import openpyxl

    if not raw.startswith(XLSX_MAGIC):
        return []
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    except Exception:  # unreadable: read_table reports it on the first sheet
        return []
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _read_xlsx(raw: bytes, table: Table, sheet: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # zip, XML (defusedxml refusals included), missing parts: all unreadable
        raise FileFormatError(
            f"classeur XLSX illisible (fichier tronqué ou corrompu) : {type(exc).__name__}"
        ) from None
    try:
        sheets = wb.worksheets
        if sheet >= len(sheets):
            raise FileFormatError(f"le classeur n'a pas de feuille n° {sheet + 1}")
        ws = sheets[sheet]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        try:
            for cells in ws.iter_rows():
                texts = []
                for cell in cells:
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f":
                        column = header[len(texts)] if header is not None and len(texts) < len(header) else ""
                        table.problems.add(
                            getattr(cell, "row", 0) or 0,
                            column,
                            value,
                            "cellule calculée par une formule : collez les valeurs "
                            "(Collage spécial › Valeurs) avant d'importer",
                        )
                        value = ""
                    elif isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                        value = "'" + value  # a string cell is text, never a formula: mark it as such
                    texts.append(_xlsx_text(value))
                number = next((c.row for c in cells if getattr(c, "row", None)), None)
                if header is None:
                    if not any(t.strip() for t in texts):
                        continue
                    header = texts
                    header_row = number or 1
                    continue
                if not any(t.strip() for t in texts):
                    continue
                texts = (texts + [""] * len(header))[: max(len(header), len(texts))]
                if len(texts) > len(header):
                    extra = [t for t in texts[len(header) :] if t.strip()]
                    if extra:
                        table.problems.add(number or 0, "", extra[0], "valeur dans une colonne sans en-tête")
                    texts = texts[: len(header)]
                rows.append((number if number else header_row + len(rows) + 1, texts))
        except FileFormatError:
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
    """A text cell: trimmed, spreadsheet neutralisation undone (`'=…` → `=…`); a cell that a
    spreadsheet would run as a formula, or too long, raises ValidationError."""
    s = str(text).strip()
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
