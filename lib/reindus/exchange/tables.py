"""The store's and the register's tables as exports, with the French headers the importers read back.

`reindus.exchange.export` (to_csv / to_xlsx, formula-injection safe) does the writing; this module only builds
the frames, so that an export re-imported gives « 0 ajouté(s), 0 mis à jour ».

    frame = export_tables.frame("projects", engine)
    path.write_bytes(export_tables.to_bytes(frame, "xlsx"))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from reindus.auth import Viewer
from reindus.exchange import export
from reindus.programme.stages import current_stages, stage_label
from reindus.reference.naf import NAF_VERSIONS
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    PROJECT_STATUSES,
    SHORTLIST_STATUSES,
    STAGE_KEYS,
    STAGE_LABELS,
)
from reindus.store.models import ChainLink, Coach, IndustryStat, Milestone, Project, ShortlistEntry

EXPORT_KINDS: dict[str, str] = {
    "projects": "Projets",
    "links": "Maillons des chaînes de valeur",
    "shortlists": "Fournisseurs présélectionnés",
    "establishments": "Établissements",
    "industry": "Statistiques industrielles",
}


def projects_frame(engine: Engine) -> pd.DataFrame:
    with Session(engine) as s:
        rows = s.execute(
            select(Project, Coach.name)
            .outerjoin(Coach, Project.coach_id == Coach.id)
            .order_by(Project.edition, Project.name)
        ).all()
        started = s.execute(
            select(Milestone.project_id, Milestone.stage, Milestone.actual_start).where(
                Milestone.actual_start.is_not(None)
            )
        ).all()
    stages = current_stages(
        pd.DataFrame({"id": [p.id for p, _ in rows], "status": [p.status for p, _ in rows]}),
        pd.DataFrame(started, columns=["project_id", "stage", "actual_start"]),
    )
    records = [
        {
            "projet": p.name,
            "siren": p.siren or "",
            "département": p.departement,
            "commune": p.commune,
            "naf": p.naf,
            "édition": p.edition,
            "date de début": p.cohort_start.strftime("%d/%m/%Y"),
            "coach": coach or "",
            "étape": stage_label(stages[p.id]) or "",
            "emplois prévus": p.target_jobs,
            "investissement (€)": float(p.planned_investment) if p.planned_investment is not None else None,
            "statut": PROJECT_STATUSES.get(p.status, p.status),
            "description": p.description,
            "public": "oui" if p.public else "non",
        }
        for p, coach in rows
    ]
    frame = pd.DataFrame.from_records(
        records,
        columns=[
            "projet",
            "siren",
            "département",
            "commune",
            "naf",
            "édition",
            "date de début",
            "coach",
            "étape",
            "emplois prévus",
            "investissement (€)",
            "statut",
            "description",
            "public",
        ],
    )
    frame["emplois prévus"] = frame["emplois prévus"].astype("Int64")
    frame["investissement (€)"] = frame["investissement (€)"].astype("Float64")
    return frame


def links_frame(engine: Engine) -> pd.DataFrame:
    """Every project's supply chain, upstream first, in the columns the links import reads."""
    with Session(engine) as s:
        rows = s.execute(
            select(ChainLink, Project.name, Project.edition)
            .join(Project, ChainLink.project_id == Project.id)
            .order_by(Project.edition, Project.name, ChainLink.position)
        ).all()
    records = [
        {
            "projet": name,
            "édition": edition,
            "maillon": link.position,
            "niveau": CHAIN_POSITIONS.get(link.tier, link.tier),
            "libellé": link.label,
            "codes NAF": link.naf_codes,
            "nomenclature NAF": NAF_VERSIONS.get(link.naf_version, link.naf_version),
            "besoin": link.need,
        }
        for link, name, edition in rows
    ]
    return pd.DataFrame.from_records(
        records,
        columns=[
            "projet",
            "édition",
            "maillon",
            "niveau",
            "libellé",
            "codes NAF",
            "nomenclature NAF",
            "besoin",
        ],
    )


def shortlists_frame(engine: Engine) -> pd.DataFrame:
    with Session(engine) as s:
        rows = s.execute(
            select(ShortlistEntry, ChainLink.position, Project.name, Project.edition)
            .join(ChainLink, ShortlistEntry.link_id == ChainLink.id)
            .join(Project, ChainLink.project_id == Project.id)
            .order_by(Project.edition, Project.name, ChainLink.position, ShortlistEntry.id)
        ).all()
    records = [
        {
            "projet": name,
            "édition": edition,
            "maillon": position,
            "siret": e.siret or "",
            "fournisseur": e.supplier_name,
            "commune": e.supplier_commune or "",
            "pays": e.supplier_country,
            "statut": SHORTLIST_STATUSES.get(e.status, e.status),
            "note": e.note,
        }
        for e, position, name, edition in rows
    ]
    return pd.DataFrame.from_records(
        records,
        columns=["projet", "édition", "maillon", "siret", "fournisseur", "commune", "pays", "statut", "note"],
    )


def industry_frame(engine: Engine) -> pd.DataFrame:
    with Session(engine) as s:
        rows = s.execute(
            select(IndustryStat).order_by(
                IndustryStat.source, IndustryStat.year, IndustryStat.departement, IndustryStat.naf_division
            )
        ).scalars()
        records = [
            {
                "département": r.departement,
                "année": r.year,
                "division": r.naf_division,
                "établissements": r.establishments,
                "effectifs": r.jobs,
                "source": r.source,
                "définition": r.definition,
            }
            for r in rows
        ]
    return pd.DataFrame.from_records(
        records,
        columns=["département", "année", "division", "établissements", "effectifs", "source", "définition"],
    )


ESTABLISHMENT_HEADERS = {
    "siret": "siret",
    "name": "raison sociale",
    "naf": "naf",
    "naf25": "naf 2025",
    "commune": "code commune",
    "band": "effectif",
    "employer": "employeur",
    "active": "actif",
    "longitude": "longitude",
    "latitude": "latitude",
    "approximate": "position approchée",
    "created": "date de création",
    "legal_category": "catégorie juridique",
}
BATCH_ROWS = 100_000


def establishment_batches(
    register_path: Path | str | None = None,
    *,
    limit: int | None = None,
    show_personal_names: bool = False,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pd.DataFrame]:
    """The register in the CCI directory format, by batches of `batch_rows` (at least one batch, maybe
    empty), every row unless `limit`. Sole traders' names masked unless asked: the importer keeps the
    stored name when it reads the masked one back, so that an export re-imports with nothing updated."""
    from reindus import register

    with register.open_register(register_path, read_only=True) as reg:
        cur = reg.cursor()
        try:
            shown, params = register.display_name_sql("t", show_personal_names=show_personal_names)
            sql = (
                f"SELECT siret, {shown} AS name, naf, naf25, commune, band, employer, active, longitude, latitude, "
                "approximate, created, legal_category FROM establishments t ORDER BY siret"
            )
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            reader = cur.sql(sql, params=params).to_arrow_reader(batch_rows)
            empty = True
            for batch in reader:
                empty = False
                yield _directory_format(batch.to_pandas())
            if empty:
                yield _directory_format(reader.schema.empty_table().to_pandas())
        finally:
            cur.close()


def _directory_format(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns=ESTABLISHMENT_HEADERS)
    for column in ("employeur", "actif", "position approchée"):
        frame[column] = frame[column].map({True: "oui", False: "non"})
    frame.loc[frame["position approchée"] == "oui", ["longitude", "latitude"]] = None
    frame["date de création"] = pd.to_datetime(frame["date de création"]).dt.strftime("%Y-%m-%d")
    return frame


def establishments_frame(
    register_path: Path | str | None = None, *, limit: int | None = None, show_personal_names: bool = False
) -> pd.DataFrame:
    """The whole register (or its first `limit` rows) as one frame: for small registers and tests;
    `write_file` streams any size."""
    return pd.concat(
        list(establishment_batches(register_path, limit=limit, show_personal_names=show_personal_names)),
        ignore_index=True,
    )


MILESTONES_SHEET = "Jalons"  # the second sheet of a projects workbook (ingest.projects reads it back)


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def milestones_frame(engine: Engine) -> pd.DataFrame:
    """Every project's milestones, one row per project and stage, in the programme's order."""
    with Session(engine) as s:
        rows = s.execute(
            select(Project.name, Project.edition, Milestone)
            .join(Milestone.project)
            .order_by(Project.edition, Project.name)
        ).all()
    order = {k: i for i, k in enumerate(STAGE_KEYS)}
    rows = sorted(rows, key=lambda r: (r[1], r[0], order.get(r[2].stage, len(order))))
    return pd.DataFrame.from_records(
        [
            {
                "projet": name,
                "édition": edition,
                "étape": STAGE_LABELS.get(m.stage, m.stage),
                "début prévu": _day(m.planned_start),
                "fin prévue": _day(m.planned_end),
                "début réel": _day(m.actual_start),
                "fin réelle": _day(m.actual_end),
            }
            for name, edition, m in rows
        ],
        columns=["projet", "édition", "étape", "début prévu", "fin prévue", "début réel", "fin réelle"],
    )


def more_sheets(kind: str, engine: Engine) -> dict[str, pd.DataFrame]:
    """The sheets an XLSX export has after the first: the projects' milestones."""
    return {MILESTONES_SHEET: milestones_frame(engine)} if kind == "projects" else {}


def frame_as(viewer: Viewer, kind: str, engine: Engine) -> pd.DataFrame:
    """`frame` for a signed-in person: PermissionDeniedError (French) unless they may export whole
    tables (every region's confidential values)."""
    viewer.require_export_tables()
    return frame(kind, engine)


def frame(kind: str, engine: Engine, *, register_path: Path | str | None = None) -> pd.DataFrame:
    if kind == "projects":
        return projects_frame(engine)
    if kind == "links":
        return links_frame(engine)
    if kind == "shortlists":
        return shortlists_frame(engine)
    if kind == "industry":
        return industry_frame(engine)
    if kind == "establishments":
        return establishments_frame(register_path)
    raise ValueError(f"export inconnu : {kind!r} (attendu : {', '.join(EXPORT_KINDS)})")


def write_file(
    kind: str, engine: Engine, out: BinaryIO, fmt: str, *, register_path: Path | str | None = None
) -> int:
    """Write the export of `kind` to `out`, complete at any size (the register streamed by batches);
    returns the rows written. ExportTooLargeError (French) for an XLSX beyond a sheet's rows."""
    if kind == "establishments":
        batches: Iterable[pd.DataFrame] = establishment_batches(register_path)
        more: dict[str, pd.DataFrame] = {}
    else:
        batches = [frame(kind, engine)]
        more = more_sheets(kind, engine) if fmt == "xlsx" else {}
    if fmt == "csv":
        return export.write_csv(batches, out)
    if fmt == "xlsx":
        sheets = {EXPORT_KINDS[kind]: batches, **{name: [extra] for name, extra in more.items()}}
        return export.write_xlsx(sheets, out)
    raise ValueError(f"format d'export inconnu : {fmt!r} (csv ou xlsx)")


def to_bytes(
    data: pd.DataFrame, fmt: str, *, sheet: str = "Export", more: dict[str, pd.DataFrame] | None = None
) -> bytes:
    """CSV (one table: `more` is not written) or XLSX (`data`, then a sheet per `more` entry)."""
    if fmt == "csv":
        return export.to_csv(data)
    if fmt == "xlsx":
        return export.to_xlsx(data, sheet=sheet, more=more)
    raise ValueError(f"format d'export inconnu : {fmt!r} (csv ou xlsx)")
