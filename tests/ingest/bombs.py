"""Hostile files, built at test time (never committed): a few hundred KB on disk, gigabytes if trusted.

Each builder returns the bytes; the XLSX ones are written part by part with zipfile, as a hostile tool
would, not through openpyxl (which would refuse to write them or take minutes).
"""

from __future__ import annotations

import io
import zipfile

PROJECT_HEADER = "projet;département;commune;naf;édition;date de début"
PROJECT_ROW = "Filature {i};76;76540;13.20Z;2023;04/09/2023"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Projets" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _xlsx(sheet_chunks, shared_chunks) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (
            ("xl/sharedStrings.xml", shared_chunks),
            ("xl/worksheets/sheet1.xml", sheet_chunks),
        ):
            with z.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk.encode())
    return buffer.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    cells = "".join(_inline(f"{chr(65 + i)}1", h) for i, h in enumerate(PROJECT_HEADER.split(";")))
    return f'<row r="1">{cells}</row>'


def shared_string_bomb(megabytes: int = 200) -> bytes:
    """One shared string of `megabytes` MB, used by one cell: about 200 KB compressed."""

    def shared():
        yield '<?xml version="1.0" encoding="UTF-8"?>'
        yield '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        yield "<si><t>"
        for _ in range(megabytes):
            yield "A" * (1 << 20)
        yield "</t></si></sst>"

    sheet = [_SHEET_HEAD, _header_row(), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', _SHEET_TAIL]
    return _xlsx(sheet, shared())


def long_cell_xlsx(chars: int = 100_000) -> bytes:
    """A cell longer than a spreadsheet allows, in a small, honest-looking archive."""
    import random

    rng = random.Random(17)
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(chars))
    sheet = [_SHEET_HEAD, _header_row(), f'<row r="2">{_inline("A2", text)}</row>', _SHEET_TAIL]
    empty = ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>']
    return _xlsx(sheet, empty)


def row_bomb_xlsx(rows: int = 1_000_000) -> bytes:
    """`rows` project rows after the header, cells pointing at six shared strings (about 6 MB
    compressed for a million rows, as Excel writes them)."""
    values = PROJECT_ROW.format(i="X").split(";")

    def sheet():
        yield _SHEET_HEAD
        yield _header_row()
        for r in range(2, rows + 2):
            yield (
                f'<row r="{r}">'
                + "".join(f'<c r="{chr(65 + i)}{r}" t="s"><v>{i}</v></c>' for i in range(len(values)))
                + "</row>"
            )
        yield _SHEET_TAIL

    shared = [
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{v}</t></si>" for v in values)
        + "</sst>"
    ]
    return _xlsx(sheet(), shared)


def wide_csv(columns: int = 100_000) -> bytes:
    header = ";".join(f"c{i}" for i in range(columns))
    return (header + "\n" + ";".join("1" for _ in range(columns)) + "\n").encode()


def row_bomb_csv(rows: int = 3_000_000) -> bytes:
    lines = [PROJECT_HEADER] + [PROJECT_ROW.format(i=i) for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def long_cell_csv(chars: int = 200_000) -> bytes:
    return (PROJECT_HEADER + "\n" + "x" * chars + ";76;76540;13.20Z;2023;04/09/2023\n").encode()


def mixed_encoding_csv() -> bytes:
    """UTF-8 throughout, but line 3 holds one Windows-1252 byte (é = 0xE9)."""
    return (
        PROJECT_HEADER.encode()
        + b"\n"
        + "Étoile Forgée;76;76540;13.20Z;2023;04/09/2023\n".encode()
        + b"Caf\xe9 du Port;76;76540;13.20Z;2023;04/09/2023\n"
    )


def utf16_csv(bom: bool = True) -> bytes:
    """As Excel's « Texte Unicode » writes it: UTF-16 little-endian, tab-separated."""
    text = (
        PROJECT_HEADER.replace(";", "\t") + "\r\n" + "Étoile Forgée\t76\t76540\t13.20Z\t2023\t04/09/2023\r\n"
    )
    return text.encode("utf-16" if bom else "utf-16-le")


def duplicated_header_csv() -> bytes:
    return (PROJECT_HEADER + ";Projet\n" + PROJECT_ROW.format(i=1) + ";Autre\n").encode()
