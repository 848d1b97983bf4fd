"""Write the demo dataset into the store and the establishment register.

Rows go in by bulk inserts inside one transaction, with a single audit entry for the whole load: a
failed load leaves nothing behind, and `reindus demo --reset` twice gives the same checksum.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from reindus import config, register
from reindus.demo.generate import DemoData, generate
from reindus.demo.idp import DEMO_ACCOUNTS
from reindus.reference import geo
from reindus.reference.sources import DEMO_SOURCE
from reindus.store import models as m
from reindus.store import version as store_version
from reindus.store.db import init_schema, make_engine, session_factory

ACTOR = "reindus demo"


@dataclass
class InstallReport:
    seed: int
    counts: dict[str, int]
    digest: str

    def lines(self) -> list[str]:
        labels = {**m.TABLE_LABELS, "registre": "Établissements du registre"}
        lines = [f"{labels[table]} : {count}" for table, count in self.counts.items()]
        lines.append(f"Empreinte (seed {self.seed}) : {self.digest}")
        return lines


def install(
    seed: int = 2023,
    reset: bool = False,
    if_empty: bool = False,
    engine: Engine | None = None,
    register_path: Path | None = None,
    scale: int = 1,
) -> InstallReport | None:
    """Load the demo. `if_empty`: only when the store has no project; `reset`: wipe the store first."""
    engine = engine or make_engine()
    register_path = register_path or config.register_path()
    if reset:
        _drop_everything(engine)
    init_schema(engine)
    with session_factory(engine)() as session:
        has_projects = session.scalar(select(func.count()).select_from(m.Project)) > 0
    if if_empty and has_projects:
        return None
    if has_projects and not reset:
        raise SystemExit(
            "La base contient déjà des projets : utilisez `reindus demo --reset` pour la remplacer."
        )
    data = generate(geo.communes(), seed=seed, scale=scale)
    with session_factory(engine).begin() as session:
        counts = _write_store(session, data, seed)
    with register.open_register(register_path) as reg:
        register.replace_all(reg, data.establishments)
    counts["registre"] = len(data.establishments)
    return InstallReport(seed, counts, checksum(engine, register_path))


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as conn:
        m.Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _key(frame: pd.DataFrame, ids: dict[tuple[str, int], int]) -> pd.Series:
    return [ids[(name, edition)] for name, edition in zip(frame["project"], frame["edition"], strict=True)]


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    out = frame[columns].astype(object)
    return out.where(out.notna(), None).to_dict("records")


def _write_store(session: Session, data: DemoData, seed: int) -> dict[str, int]:
    session.execute(
        insert(m.Coach), _records(data.coaches, ["name", "email", "cci", "region_code", "source"])
    )
    coach_ids = dict(session.execute(select(m.Coach.name, m.Coach.id)).all())

    projects = data.projects.assign(coach_id=data.projects["coach"].map(coach_ids))
    session.execute(
        insert(m.Project),
        _records(
            projects,
            [
                "name",
                "siren",
                "commune",
                "departement",
                "region_code",
                "naf",
                "naf_version",
                "edition",
                "cohort",
                "cohort_start",
                "coach_id",
                "description",
                "target_jobs",
                "planned_investment",
                "status",
                "public",
                "source",
            ],
        ),
    )
    project_ids = {
        (name, edition): pid
        for pid, name, edition in session.execute(select(m.Project.id, m.Project.name, m.Project.edition))
    }

    milestones = data.milestones.assign(project_id=_key(data.milestones, project_ids))
    session.execute(
        insert(m.Milestone),
        _records(
            milestones,
            ["project_id", "stage", "planned_start", "planned_end", "actual_start", "actual_end", "source"],
        ),
    )

    links = data.links.assign(project_id=_key(data.links, project_ids))
    session.execute(
        insert(m.ChainLink),
        _records(links, ["project_id", "position", "tier", "label", "naf_codes", "need", "source"]),
    )
    link_ids = {
        (pid, pos): lid
        for lid, pid, pos in session.execute(
            select(m.ChainLink.id, m.ChainLink.project_id, m.ChainLink.position)
        )
    }

    shortlist = data.shortlist.assign(project_id=_key(data.shortlist, project_ids))
    shortlist["link_id"] = [
        link_ids[(p, pos)] for p, pos in zip(shortlist["project_id"], shortlist["position"], strict=True)
    ]
    session.execute(
        insert(m.ShortlistEntry),
        _records(
            shortlist,
            [
                "link_id",
                "siret",
                "supplier_name",
                "supplier_commune",
                "supplier_departement",
                "supplier_region_code",
                "supplier_country",
                "status",
                "note",
                "source",
            ],
        ),
    )

    session.execute(insert(m.FundingScheme), _records(data.schemes, ["name", "operator", "kind", "source"]))
    scheme_ids = dict(session.execute(select(m.FundingScheme.name, m.FundingScheme.id)).all())
    applications = data.applications.assign(
        project_id=_key(data.applications, project_ids), scheme_id=data.applications["scheme"].map(scheme_ids)
    )
    session.execute(
        insert(m.FundingApplication),
        _records(
            applications,
            [
                "project_id",
                "scheme_id",
                "amount_requested",
                "amount_granted",
                "status",
                "applied_on",
                "decided_on",
                "source",
            ],
        ),
    )

    session.execute(
        insert(m.IndustryStat),
        _records(
            data.industry,
            ["departement", "naf_division", "year", "establishments", "jobs", "source", "definition"],
        ),
    )
    session.execute(
        insert(m.SiteEvent),
        _records(data.site_events, ["region_code", "period", "openings", "closures", "measure", "source"]),
    )

    session.execute(
        insert(m.User),
        [
            {
                "email": a.email,
                "name": a.name,
                "role": a.role,
                "regions": ",".join(a.regions),
                "source": DEMO_SOURCE,
            }
            for a in DEMO_ACCOUNTS
        ],
    )
    counts = {
        "coaches": len(data.coaches),
        "projects": len(data.projects),
        "milestones": len(data.milestones),
        "chain_links": len(data.links),
        "shortlist_entries": len(data.shortlist),
        "funding_schemes": len(data.schemes),
        "funding_applications": len(data.applications),
        "industry_stats": len(data.industry),
        "site_events": len(data.site_events),
        "users": len(DEMO_ACCOUNTS),
    }
    session.add(
        m.AuditEntry(
            actor=ACTOR,
            action="import",
            table_name="*",
            row_key=DEMO_SOURCE,
            detail=f"Données de démonstration, seed {seed} : {counts}",
        )
    )
    store_version.mark_changed(session)
    return counts


def checksum(engine: Engine, register_path: Path | None = None) -> str:
    """SHA-256 of every data row (ids included, timestamps and the audit log excluded) and of the register."""
    digest = hashlib.sha256()
    skip = {"created_at", "updated_at"}
    with engine.connect() as conn:
        for model in m.MODELS:
            if model is m.AuditEntry:
                continue
            columns = [c for c in model.__table__.columns if c.name not in skip]
            for row in conn.execute(select(*columns).order_by(model.__table__.c.id)):
                digest.update(repr(tuple(row)).encode())
    if register_path is not None and register_path.exists():
        with register.open_register(register_path, read_only=True) as reg:
            rows = reg.cursor().execute(
                f"SELECT {', '.join(register.COLUMNS)} FROM establishments ORDER BY siret"
            )
            digest.update(pd.util.hash_pandas_object(rows.df(), index=False).to_numpy().tobytes())
    return digest.hexdigest()
