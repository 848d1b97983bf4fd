"""Supply-chain links (CSV or XLSX), upserted on (project, position).

Columns: `projet` (aliases entreprise, nom) and `édition` (année) name an existing project; `maillon`
(position, rang: 1 = raw material … ), `niveau` (matière première, transformation, fabrication,
assemblage / finition, distribution), `libellé` (maillon libellé, intitulé), `codes NAF` (naf, separated
by commas, semicolons or spaces), `besoin` (optional).
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, checksum, project_ids, source_of, upsert
from reindus.ingest.textfile import Column
from reindus.reference.programme import CHAIN_POSITIONS
from reindus.store.models import ChainLink

TABLE = ChainLink.__tablename__
COLUMNS: tuple[Column, ...] = (
    Column("project", "projet", ("entreprise", "nom"), required=True),
    Column("edition", "édition", ("année", "annee"), required=True),
    Column("position", "maillon", ("position", "rang", "n° maillon"), required=True),
    Column("tier", "niveau", ("étage", "type de maillon"), required=True),
    Column("label", "libellé", ("intitulé", "maillon libellé"), required=True),
    Column("naf_codes", "codes NAF", ("naf", "code naf", "secteurs")),
    Column("need", "besoin", ("besoins",)),
)


def _naf_list(text: str) -> str:
    codes = [checks.check_naf(c) for c in re.split(r"[,;\s]+", text.strip()) if c]
    return ",".join(dict.fromkeys(codes))


def read(raw: bytes, name: str, session: Session | None) -> Parsed:
    table = textfile.read_table(raw, name, max_rows=50_000)
    parsed = Parsed(
        "links", name, checksum(raw), table.problems, table=table.frame, description=table.description
    )
    projects = project_ids(session)
    for row in checks.Rows(table, COLUMNS):
        project = row.cell("project", lambda t: textfile.clean_text(t, max_length=200), required=True)
        edition = row.cell(
            "edition", lambda t: textfile.parse_int(t, minimum=2015, maximum=2100), required=True
        )
        position = row.cell("position", lambda t: textfile.parse_int(t, minimum=1, maximum=50), required=True)
        tier = row.cell("tier", lambda t: textfile.parse_choice(t, CHAIN_POSITIONS), required=True)
        label = row.cell("label", lambda t: textfile.clean_text(t, max_length=200), required=True)
        naf = row.cell("naf_codes", _naf_list, default="") or ""
        need = row.cell("need", lambda t: textfile.clean_text(t, max_length=5000), default="") or ""
        pid = None
        if project and edition:
            pid = projects.get((project, edition))
            if pid is None and session is not None:
                row.error(
                    "project", f"projet inconnu pour l'édition {edition} : importez d'abord les projets"
                )
        row.unique(
            (project, edition, position), "position", "maillon en double dans le fichier (déjà ligne {line})"
        )
        if not row.failed:
            parsed.records.append(
                {
                    "_line": row.line,
                    "project_id": pid,
                    "position": position,
                    "tier": tier,
                    "label": label,
                    "naf_codes": naf,
                    "need": need,
                }
            )
    return parsed


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    return upsert(session, ChainLink, ("project_id", "position"), parsed.records, source_of(parsed.name))
