"""Openings and closures of industrial sites (CSV or XLSX), upserted on (region, half-year, measure,
source).

Columns: `région` (INSEE code, or name), `semestre` (période; « 2023-S1 », « S1 2023 », « 2023 S2 »),
`ouvertures`, `fermetures` (whole numbers ≥ 0), `mesure` (what is counted: « annonces », « ouvertures
effectives » …), `source` (who publishes it).
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, checksum, upsert_by_source
from reindus.ingest.textfile import Column
from reindus.reference.territory import regions
from reindus.store.models import SiteEvent

TABLE = SiteEvent.__tablename__
COLUMNS: tuple[Column, ...] = (
    Column("region_code", "région", ("region", "code région"), required=True),
    Column("period", "semestre", ("période", "periode"), required=True),
    Column("openings", "ouvertures", ("ouverture",), required=True),
    Column("closures", "fermetures", ("fermeture",), required=True),
    Column("measure", "mesure", ("définition", "indicateur"), required=True),
    Column("source", "source", (), required=True),
)
_PERIOD = (
    re.compile(r"^(\d{4})\s*[-/ ]?\s*S([12])$", re.I),
    re.compile(r"^S([12])\s*[-/ ]?\s*(\d{4})$", re.I),
)


def _region(text: str) -> str:
    s = text.strip()
    if s in regions():
        return s
    norm = textfile.normalize_header(s)
    for code, name in regions().items():
        if textfile.normalize_header(name) == norm:
            return code
    raise ValidationError("région inconnue (code INSEE ou nom attendu)")


def _period(text: str) -> str:
    s = text.strip()
    if m := _PERIOD[0].match(s):
        year, half = int(m[1]), m[2]
    elif m := _PERIOD[1].match(s):
        year, half = int(m[2]), m[1]
    else:
        raise ValidationError("semestre attendu sous la forme 2023-S1")
    if not 1990 <= year <= 2100:
        raise ValidationError("année invraisemblable")
    return f"{year}-S{half}"


def read(raw: bytes, name: str, session: Session | None) -> Parsed:
    table = textfile.read_table(raw, name, max_rows=50_000)
    parsed = Parsed(
        "openings", name, checksum(raw), table.problems, table=table.frame, description=table.description
    )
    count = lambda t: textfile.parse_int(t, maximum=100_000)  # noqa: E731
    for row in checks.Rows(table, COLUMNS):
        rec = {
            "_line": row.line,
            "region_code": row.cell("region_code", _region, required=True),
            "period": row.cell("period", _period, required=True),
            "openings": row.cell("openings", count, required=True),
            "closures": row.cell("closures", count, required=True),
            "measure": row.cell("measure", lambda t: textfile.clean_text(t, max_length=200), required=True),
            "source": row.cell("source", lambda t: textfile.clean_text(t, max_length=200), required=True),
        }
        row.unique(
            (rec["region_code"], rec["period"], rec["measure"], rec["source"]),
            "period",
            "ligne en double pour cette région, ce semestre et cette mesure (déjà ligne {line})",
        )
        if not row.failed:
            parsed.records.append(rec)
    return parsed


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    return upsert_by_source(session, SiteEvent, ("region_code", "period", "measure"), parsed.records)
