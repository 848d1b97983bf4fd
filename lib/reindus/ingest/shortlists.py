"""Shortlisted suppliers (CSV or XLSX), upserted on (link, SIRET), or (link, supplier name) for a
foreign supplier without SIRET.

Columns: `projet`, `édition`, `maillon` (the link's position) name an existing link; `siret` (checked;
13 digits padded when the result passes; may be empty for a foreign supplier), `fournisseur` (raison
sociale, nom), `commune` (INSEE code, optional), `pays` (two letters, default FR), `statut` (identifié,
contacté, qualifié, retenu, écarté), `note`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, checksum, project_ids, source_of
from reindus.ingest.textfile import Column
from reindus.reference import countries
from reindus.reference.programme import SHORTLIST_STATUSES, ShortlistStatus
from reindus.reference.territory import departement_of_commune, departements
from reindus.store import audit
from reindus.store.models import ChainLink, ShortlistEntry
from reindus.store.repository import take_write_lock

TABLE = ShortlistEntry.__tablename__
COLUMNS: tuple[Column, ...] = (
    Column("project", "projet", ("entreprise", "nom du projet"), required=True),
    Column("edition", "édition", ("année", "annee"), required=True),
    Column("position", "maillon", ("position", "rang"), required=True),
    Column("siret", "siret"),
    Column("supplier_name", "fournisseur", ("raison sociale", "nom", "nom du fournisseur"), required=True),
    Column("supplier_commune", "commune", ("code commune", "code insee")),
    Column("supplier_country", "pays", ("code pays",)),
    Column("status", "statut", ("état",)),
    Column("note", "note", ("commentaire", "remarque")),
)


def _country(text: str) -> str:
    s = text.strip().upper()
    if s in ("FRANCE",):
        return countries.HOME
    if len(s) != 2 or not s.isalpha() or not s.isascii():
        raise ValidationError("code pays à deux lettres attendu (FR, DE, IT …)")
    if s not in countries.names():
        raise ValidationError(f"code pays inconnu : {s} (codes ISO 3166, ex. DE, IT, ES)")
    return s


def read(raw: bytes, name: str, session: Session | None) -> Parsed:
    table = textfile.read_table(raw, name, max_rows=100_000)
    parsed = Parsed(
        "shortlists", name, checksum(raw), table.problems, table=table.frame, description=table.description
    )
    projects = project_ids(session)
    links = (
        {
            (p, pos): i
            for i, p, pos in session.execute(select(ChainLink.id, ChainLink.project_id, ChainLink.position))
        }
        if session is not None
        else {}
    )
    for row in checks.Rows(table, COLUMNS):
        project = row.cell("project", lambda t: textfile.clean_text(t, max_length=200), required=True)
        edition = row.cell(
            "edition", lambda t: textfile.parse_int(t, minimum=2015, maximum=2100), required=True
        )
        position = row.cell("position", lambda t: textfile.parse_int(t, minimum=1, maximum=50), required=True)
        siret = row.cell("siret", checks.check_siret)
        supplier = row.cell("supplier_name", lambda t: textfile.clean_text(t, max_length=300), required=True)
        country = row.cell("supplier_country", _country, default="FR") or "FR"
        commune = row.cell("supplier_commune", checks.check_commune_code)
        status = (
            row.cell(
                "status",
                lambda t: textfile.parse_choice(t, SHORTLIST_STATUSES),
                default=ShortlistStatus.IDENTIFIED.value,
            )
            or ShortlistStatus.IDENTIFIED.value
        )
        note = row.cell("note", lambda t: textfile.clean_text(t, max_length=5000), default="") or ""
        if country == "FR" and not siret and row.has("siret") and not row.failed:
            row.error("siret", "SIRET obligatoire pour un fournisseur établi en France")
        link_id = None
        if project and edition and position and session is not None:
            pid = projects.get((project, edition))
            link_id = links.get((pid, position)) if pid else None
            if pid is None:
                row.error("project", f"projet inconnu pour l'édition {edition}")
            elif link_id is None:
                row.error("position", "maillon inconnu pour ce projet : importez d'abord les maillons")
        row.unique(
            (project, edition, position, siret or supplier),
            "siret" if siret else "supplier_name",
            "fournisseur en double pour ce maillon (déjà ligne {line})",
        )
        if not row.failed:
            dep = departement_of_commune(commune) if commune else None
            parsed.records.append(
                {
                    "_line": row.line,
                    "link_id": link_id,
                    "siret": siret,
                    "supplier_name": supplier,
                    "supplier_commune": commune,
                    "supplier_departement": dep,
                    "supplier_region_code": departements()[dep].region_code
                    if dep in departements()
                    else None,
                    "supplier_country": country,
                    "status": status,
                    "note": note,
                }
            )
    return parsed


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    take_write_lock(session, ShortlistEntry)
    source = source_of(parsed.name)
    existing = {}
    for e in session.execute(select(ShortlistEntry)).scalars():
        existing[(e.link_id, e.siret or f"nom:{e.supplier_name}")] = e
    added = updated = unchanged = 0
    for rec in parsed.records:
        values = {k: v for k, v in rec.items() if not k.startswith("_")}
        key = (values["link_id"], values["siret"] or f"nom:{values['supplier_name']}")
        row = existing.get(key)
        if row is None:
            existing[key] = ShortlistEntry(source=source, **values)
            session.add(existing[key])
            added += 1
            continue
        changes = {
            k: v for k, v in values.items() if audit.json_value(getattr(row, k)) != audit.json_value(v)
        }
        for k, v in changes.items():
            setattr(row, k, v)
        updated += bool(changes)
        unchanged += not changes
    session.flush()
    return Summary(added, updated, unchanged)
