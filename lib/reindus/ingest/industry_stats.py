"""Industry statistics: the URSSAF commune × APE file (recognised by its `code_ape` column and read by
`reindus.ingest.urssaf`), or a simple long format upserted on (département, division, year, source).

Long format columns: `département`, `année`, `division` (NAF rév. 2 division 10 to 33, or a code
whose first two digits are one), `établissements`, `effectifs` (whole numbers ≥ 0), `source`,
`définition` (optional: what is counted).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.ingest import checks, textfile, urssaf
from reindus.ingest.importer import Parsed, Summary, checksum, upsert_by_source
from reindus.ingest.textfile import Column
from reindus.reference.naf import MANUFACTURING_DIVISIONS
from reindus.store.models import IndustryStat

TABLE = IndustryStat.__tablename__
DEFAULT_DEFINITION = "Établissements et effectifs de l'industrie manufacturière (définition de la source)"
COLUMNS: tuple[Column, ...] = (
    Column("departement", "département", ("dept", "code département", "departement"), required=True),
    Column("year", "année", ("annee", "an"), required=True),
    Column("naf_division", "division", ("division NAF", "naf", "secteur"), required=True),
    Column("establishments", "établissements", ("nombre d'établissements", "etablissements"), required=True),
    Column("jobs", "effectifs", ("emplois", "effectifs salariés"), required=True),
    Column("source", "source", (), required=True),
    Column("definition", "définition", ("definition",)),
)


def _division(text: str) -> str:
    s = text.strip().split(" ", 1)[0].replace(".", "")
    s = s.zfill(2) if s.isdigit() and len(s) == 1 else s
    if len(s) < 2 or not s[:2].isdigit() or s[:2] not in MANUFACTURING_DIVISIONS:
        raise ValidationError("division de l'industrie manufacturière attendue (10 à 33)")
    return s[:2]


def read(raw: bytes, name: str, session: Session | None) -> Parsed:
    table = textfile.read_table(raw, name, limits=urssaf.LIMITS)
    if table.ok and "codeape" in {textfile.normalize_header(c) for c in table.frame.columns}:
        parsed = urssaf.from_table(table, checksum(raw)).parsed()
        parsed.table, parsed.description = table.frame, table.description
        return parsed
    parsed = Parsed(
        "industry", name, checksum(raw), table.problems, table=table.frame, description=table.description
    )
    count = lambda t: textfile.parse_int(t, maximum=10_000_000)  # noqa: E731
    for row in checks.Rows(table, COLUMNS):
        rec = {
            "_line": row.line,
            "departement": row.cell("departement", checks.check_departement, required=True),
            "year": row.cell(
                "year", lambda t: textfile.parse_int(t, minimum=1950, maximum=2100), required=True
            ),
            "naf_division": row.cell("naf_division", _division, required=True),
            "establishments": row.cell("establishments", count, required=True),
            "jobs": row.cell("jobs", count, required=True),
            "source": row.cell("source", lambda t: textfile.clean_text(t, max_length=200), required=True),
            "definition": row.cell(
                "definition", lambda t: textfile.clean_text(t, max_length=500), default=DEFAULT_DEFINITION
            )
            or DEFAULT_DEFINITION,
        }
        row.unique(
            (rec["departement"], rec["naf_division"], rec["year"], rec["source"]),
            "naf_division",
            "ligne en double (département, division, année, source ; déjà ligne {line})",
        )
        if not row.failed:
            parsed.records.append(rec)
    return parsed


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    data = parsed.extra.get("urssaf")
    if data is not None:
        return urssaf.apply(session, data)
    return upsert_by_source(session, IndustryStat, urssaf.KEYS, parsed.records)
