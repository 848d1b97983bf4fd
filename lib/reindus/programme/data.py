"""The programme's data as DataFrames, read from the store: the input of metrics, figures and pages.

One read per table, joined in pandas; money comes back as float euros, dates as `datetime.date`.
Archived projects, and everything that belongs to them, are left out of every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from reindus.reference.territory import regions
from reindus.store import models as m


@dataclass(frozen=True)
class ProgrammeData:
    projects: pd.DataFrame  # one row per project, with coach and region names
    milestones: pd.DataFrame  # project_id × stage
    links: pd.DataFrame  # supply-chain links, project_id, ordered by position
    shortlist: pd.DataFrame  # shortlist entries with their link's project_id and position
    applications: pd.DataFrame  # funding applications with the scheme's name and operator


def _read(engine: Engine, statement) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(statement)
        # Plain tuples: pandas inspects each SQLAlchemy Row object otherwise (several times slower).
        return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def _money(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _live(project_id):
    """The rows whose project is not archived."""
    return project_id.in_(select(m.Project.id).where(m.Project.archived.is_(False)))


def load_projects(engine: Engine) -> pd.DataFrame:
    p, c = m.Project, m.Coach
    frame = _read(
        engine,
        select(
            p.id,
            p.name,
            p.siren,
            p.commune,
            p.departement,
            p.region_code,
            p.naf,
            p.naf_version,
            p.edition,
            p.cohort,
            p.cohort_start,
            p.coach_id,
            c.name.label("coach"),
            p.description,
            p.target_jobs,
            p.planned_investment,
            p.status,
            p.public,
            p.source,
            p.version,
            p.jobs_observed_end,
            p.jobs_observed_12m,
            p.committed_investment,
        )
        .outerjoin(c, p.coach_id == c.id)
        .where(p.archived.is_(False))
        .order_by(p.id),
    )
    frame["region"] = frame["region_code"].map(regions())
    return _money(frame, "planned_investment", "committed_investment")


def load_milestones(engine: Engine) -> pd.DataFrame:
    ms = m.Milestone
    return _read(
        engine,
        select(
            ms.id,
            ms.project_id,
            ms.stage,
            ms.planned_start,
            ms.planned_end,
            ms.actual_start,
            ms.actual_end,
            ms.source,
            ms.version,
        )
        .where(_live(ms.project_id))
        .order_by(ms.project_id, ms.id),
    )


def load_links(engine: Engine) -> pd.DataFrame:
    cl = m.ChainLink
    return _read(
        engine,
        select(
            cl.id,
            cl.project_id,
            cl.position,
            cl.tier,
            cl.label,
            cl.naf_codes,
            cl.naf_version,
            cl.need,
            cl.source,
            cl.version,
        )
        .where(_live(cl.project_id))
        .order_by(cl.project_id, cl.position),
    )


def load_shortlist(engine: Engine) -> pd.DataFrame:
    s, cl = m.ShortlistEntry, m.ChainLink
    return _read(
        engine,
        select(
            s.id,
            s.link_id,
            cl.project_id,
            cl.position,
            s.siret,
            s.supplier_name,
            s.supplier_commune,
            s.supplier_departement,
            s.supplier_region_code,
            s.supplier_country,
            s.status,
            s.note,
            s.source,
            s.version,
            s.created_at,
            s.updated_at,
        )
        .join(cl, s.link_id == cl.id)
        .where(_live(cl.project_id))
        .order_by(cl.project_id, cl.position, s.id),
    )


def load_applications(engine: Engine) -> pd.DataFrame:
    a, fs = m.FundingApplication, m.FundingScheme
    frame = _read(
        engine,
        select(
            a.id,
            a.project_id,
            a.scheme_id,
            fs.name.label("scheme"),
            fs.operator,
            fs.kind,
            a.amount_requested,
            a.amount_granted,
            a.amount_paid,
            a.status,
            a.applied_on,
            a.decided_on,
            a.source,
            a.version,
        )
        .join(fs, a.scheme_id == fs.id)
        .where(_live(a.project_id))
        .order_by(a.project_id, a.id),
    )
    return _money(frame, "amount_requested", "amount_granted", "amount_paid")


def load_programme(engine: Engine) -> ProgrammeData:
    return ProgrammeData(
        load_projects(engine),
        load_milestones(engine),
        load_links(engine),
        load_shortlist(engine),
        load_applications(engine),
    )


def load_industry(engine: Engine) -> pd.DataFrame:
    i = m.IndustryStat
    return _read(
        engine,
        select(
            i.departement, i.naf_division, i.year, i.establishments, i.jobs, i.source, i.definition
        ).order_by(i.year, i.departement, i.naf_division),
    )


def load_site_events(engine: Engine) -> pd.DataFrame:
    e = m.SiteEvent
    return _read(
        engine,
        select(e.region_code, e.period, e.openings, e.closures, e.measure, e.source).order_by(
            e.region_code, e.period
        ),
    )
