"""What is loaded: counts per table, per region and per source, freshness. Data in, DataFrames out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from reindus import register
from reindus.ingest.establishments import SKIPPED_KEY
from reindus.programme import regions as programme_regions
from reindus.programme.regions import ProgrammeRegions
from reindus.reference.sources import any_fictitious
from reindus.reference.territory import departements, regions
from reindus.store import audit, repository
from reindus.store import models as m
from reindus.store.db import session_factory


@dataclass(frozen=True)
class RegisterImport:
    """The last establishments import of the register, as its audit entry records it."""

    file: str
    at: datetime
    rows: int | None  # lines read
    left_out: int  # defective lines left out within the error budget
    skipped: pd.DataFrame  # reason (French), rows: the lines outside the register's scope, most first


@dataclass(frozen=True)
class Inventory:
    tables: pd.DataFrame  # table label, source, rows
    projects_by_region: pd.DataFrame  # region × edition, every region of the programme
    register_by_source: pd.DataFrame  # source, rows, active
    register_by_region: pd.DataFrame  # region, rows, active
    register_rows: int
    last_change: datetime | None
    last_register_import: RegisterImport | None = None

    @property
    def has_demo(self) -> bool:
        """Whether any fictitious row (demo or synthetic) is loaded: the page then shows the banner."""
        return any_fictitious(self.tables["source"]) or any_fictitious(self.register_by_source["source"])

    def count(self, table: str) -> int:
        label = m.TABLE_LABELS[table]
        return int(self.tables.loc[self.tables["table"] == label, "rows"].sum())


def store_inventory(engine: Engine, register_path: Path | None) -> Inventory:
    with session_factory(engine)() as session:
        tables = repository.inventory(session)
        last = repository.last_change(session)
        members = programme_regions.load(session)
        last_import = last_register_import(session)
        rows = session.execute(
            select(m.Project.region_code, m.Project.edition, func.count()).group_by(
                m.Project.region_code, m.Project.edition
            )
        ).all()
    projects = _projects_by_region(
        pd.DataFrame(rows, columns=["region_code", "edition", "projects"]), members
    )
    by_source, by_region, total = _register_counts(register_path, members)
    return Inventory(tables, projects, by_source, by_region, total, last, last_import)


def last_register_import(session) -> RegisterImport | None:
    """The latest establishments import's file, lines read and skipped lines by reason (None before any)."""
    entry = session.execute(
        select(m.AuditEntry)
        .where(m.AuditEntry.action == "import", m.AuditEntry.table_name == "establishments")
        .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if entry is None:
        return None
    after = audit.parse(entry.after) or {}
    skipped = pd.DataFrame(
        [(k.removeprefix(SKIPPED_KEY), int(v)) for k, v in after.items() if k.startswith(SKIPPED_KEY)],
        columns=["reason", "rows"],
    ).sort_values("rows", ascending=False, kind="stable", ignore_index=True)
    rows = after.get("lignes lues")
    return RegisterImport(
        file=str(after.get("fichier", "")),
        at=entry.at,
        rows=None if rows is None else int(rows),
        left_out=int(after.get("laissées de côté (erreurs)", 0) or 0),
        skipped=skipped,
    )


def _projects_by_region(frame: pd.DataFrame, members: ProgrammeRegions) -> pd.DataFrame:
    """Regions as rows (the programme's, in its order, even without a project; then the others that have
    projects), editions as columns."""
    names = regions()
    if frame.empty:
        return pd.DataFrame(columns=["Région"])
    pivot = frame.pivot_table(
        index="region_code", columns="edition", values="projects", aggfunc="sum", fill_value=0
    )
    pivot = pivot.reindex(members.order_codes([*members.codes, *pivot.index]), fill_value=0)
    pivot.columns = [str(c) for c in pivot.columns]
    pivot["Total"] = pivot.sum(axis=1)
    pivot.insert(0, "Région", [names.get(c, c) for c in pivot.index])
    return pivot.reset_index(drop=True)


def _register_counts(path: Path | None, members: ProgrammeRegions) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    empty_source = pd.DataFrame(
        {"source": pd.Series(dtype=str), "rows": pd.Series(dtype=int), "active": pd.Series(dtype=int)}
    )
    if path is None or not path.exists():
        return empty_source, pd.DataFrame(columns=["Région", "rows", "active"]), 0
    with register.open_register(path, read_only=True) as reg:
        info = register.summary(reg)
    by_dep = info["by_departement"]
    region_of = {code: d.region_code for code, d in departements().items()}
    names = regions()
    by_dep = by_dep.assign(region_code=by_dep["departement"].map(region_of))
    codes = list(members.codes)
    by_region = (
        by_dep.assign(group=by_dep["region_code"].where(by_dep["region_code"].isin(codes), "autres"))
        .groupby("group", as_index=False)[["rows", "active"]]
        .sum()
    )
    by_region["order"] = by_region["group"].map({c: i for i, c in enumerate(codes)}).fillna(len(codes))
    by_region = by_region.sort_values("order")
    by_region.insert(0, "Région", by_region["group"].map(lambda c: names.get(c, "Autres régions")))
    return (
        info["by_source"],
        by_region[["Région", "rows", "active"]].reset_index(drop=True),
        int(info["rows"]),
    )
