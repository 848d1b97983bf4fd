"""Supply-chain links (CSV or XLSX), upserted on (project, position).

Columns: `projet` (aliases entreprise, nom) and `édition` (année) name an existing project; `maillon`
(position, rang: 1 = raw material … ), `niveau` (matière première, transformation, fabrication,
assemblage / finition, distribution), `libellé` (maillon libellé, intitulé), `codes NAF` (naf, separated
by commas, semicolons or spaces: sous-classes of NAF rév. 2, « 13.20Z », or of NAF 2025, « 13.20Y »),
`nomenclature NAF` (optional: « NAF rév. 2 » or « NAF 2025 »; without it, the one of the codes), `besoin`
(optional). A link is in one nomenclature; its codes are never read as codes of the other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, changed_values, checksum, project_ids, source_of
from reindus.ingest.textfile import Column
from reindus.programme.workspace import links as workspace_links
from reindus.programme.workspace import rules
from reindus.store.models import ChainLink
from reindus.store.repository import take_write_lock

TABLE = ChainLink.__tablename__
COLUMNS: tuple[Column, ...] = (
    Column("project", "projet", ("entreprise", "nom"), required=True),
    Column("edition", "édition", ("année", "annee"), required=True),
    Column("position", "maillon", ("position", "rang", "n° maillon"), required=True),
    Column("tier", "niveau", ("étage", "type de maillon"), required=True),
    Column("label", "libellé", ("intitulé", "maillon libellé"), required=True),
    Column("naf_codes", "codes NAF", ("naf", "code naf", "secteurs")),
    Column("naf_version", "nomenclature NAF", ("nomenclature", "version NAF", "nomenclature des codes NAF")),
    Column("need", "besoin", ("besoins",)),
)
# The rules of each field, shared with the link forms (reindus.programme.workspace.rules).
FIELDS = {f.key: f for f in rules.LINK_FIELDS}


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
        position, tier, label = (
            row.cell(k, FIELDS[k].parse, required=True) for k in ("position", "tier", "label")
        )
        naf = row.cell("naf_codes", FIELDS["naf_codes"].parse, default="")
        version = row.cell("naf_version", FIELDS["naf_version"].parse)
        # codes and nomenclature read (an empty nomenclature is the one of the codes): do they agree?
        if naf is not None and (version is not None or not row.text("naf_version").strip()):
            try:
                version = rules.link_naf_version(naf, version)
            except ValidationError as exc:
                row.error("naf_codes", exc.message)
        need = row.cell("need", FIELDS["need"].parse, default="") or ""
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
                    "naf_version": version,
                    "need": need,
                }
            )
    return parsed


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    """Upsert on (project, position) through the link forms' writes (each row audited)."""
    take_write_lock(session, ChainLink)
    source = source_of(parsed.name)
    existing = {(r.project_id, r.position): r for r in session.execute(select(ChainLink)).scalars()}
    added = updated = unchanged = 0
    for rec in parsed.records:
        values = {k: v for k, v in rec.items() if not k.startswith("_")}
        row = existing.get((values["project_id"], values["position"]))
        if row is None:
            existing[values["project_id"], values["position"]] = workspace_links.insert_link(
                session, values, actor, source=source
            )
            added += 1
            continue
        changes = changed_values(
            ChainLink, row, {k: v for k, v in values.items() if k not in ("project_id", "position")}
        )
        if changes:
            workspace_links.write_link(session, row.id, row.version, changes, actor)
        updated += bool(changes)
        unchanged += not changes
    session.flush()
    return Summary(added, updated, unchanged)
