"""A project's stages: planned from the common rétroplanning, then their planned and real dates edited
from the project page or the « Jalons » sheet of a projects workbook (same rules, same writes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.ingest.importer import changed_values
from reindus.programme.workspace import rules
from reindus.programme.workspace.access import Actor, authorize
from reindus.reference.programme import FINISHED_STAGE, STAGE_KEYS, STAGES, stage
from reindus.store import repository
from reindus.store.models import Milestone, Project

SOURCE = "saisie"


def planned(cohort_start: date, reached_stage: str | None = None) -> dict[str, dict[str, date | None]]:
    """Every stage's dates from the rétroplanning starting on `cohort_start`; with `reached_stage`,
    the stages before it are done and that one started, at their planned dates (every stage done for
    a finished programme)."""
    if reached_stage == FINISHED_STAGE:
        reached = len(STAGE_KEYS)
    else:
        reached = STAGE_KEYS.index(reached_stage) if reached_stage else -1
    out = {}
    for i, s in enumerate(STAGES):
        start, end = s.planned(cohort_start)
        out[s.key] = {
            "planned_start": start,
            "planned_end": end,
            "actual_start": start if i <= reached else None,
            "actual_end": end if i < reached else None,
        }
    return out


def insert_planned(
    session: Session,
    project: Project,
    actor: str,
    *,
    source: str,
    reached_stage: str | None = None,
    dates: Mapping[str, Mapping[str, date | None]] | None = None,
) -> list[Milestone]:
    """Add the project's missing stages from the rétroplanning (`dates` overriding some), audited."""
    have = set(session.execute(select(Milestone.stage).where(Milestone.project_id == project.id)).scalars())
    plan = planned(project.cohort_start, reached_stage)
    added = []
    for key, values in plan.items():
        if key in have:
            continue
        values = {**values, **(dates or {}).get(key, {})}
        added.append(
            repository.insert(
                session, Milestone(project_id=project.id, stage=key, source=source, **values), actor
            )
        )
    return added


def check_dates(values: Mapping[str, Any], current: Milestone | None = None) -> dict[str, date | None]:
    """The dates of `values` checked (form values or cell text), against the stage's other dates."""
    out = rules.check(rules.MILESTONE_FIELDS, values, partial=current is not None)
    if not out.errors:
        merged = {
            f.key: out.values[f.key] if f.key in out.values else getattr(current, f.key, None)
            for f in rules.MILESTONE_FIELDS
        }
        for key, reason in rules.milestone_reasons(merged).items():
            out.error(key, reason)
    return out.raise_if_any()


def write_dates(
    session: Session,
    project: Project,
    stage_key: str,
    dates: Mapping[str, date | None],
    actor: str,
    *,
    source: str,
) -> bool:
    """Set checked dates on the project's stage (added from the rétroplanning if the project lacks it);
    True when anything changed."""
    milestone = session.execute(
        select(Milestone).where(Milestone.project_id == project.id, Milestone.stage == stage_key)
    ).scalar_one_or_none()
    if milestone is None:
        start, end = stage(stage_key).planned(project.cohort_start)
        values = {"planned_start": start, "planned_end": end, **dates}
        repository.insert(
            session, Milestone(project_id=project.id, stage=stage_key, source=source, **values), actor
        )
        return True
    changes = changed_values(Milestone, milestone, dict(dates))
    if changes:
        repository.update_versioned(session, Milestone, milestone.id, milestone.version, changes, actor)
    return bool(changes)


def update_milestone(
    session: Session,
    milestone_id: int,
    shown_version: int,
    values: Mapping[str, Any],
    actor: Actor,
    *,
    detail: str | None = None,
) -> Milestone:
    """The project page's stage form: planned and real dates, on the version it showed."""
    current = repository.load(session, Milestone, milestone_id)
    project = repository.load(session, Project, current.project_id)
    name = authorize(actor, project.region_code, f"le projet « {project.name} »")
    dates = check_dates(values, current)
    return repository.update_versioned(
        session, Milestone, milestone_id, shown_version, dates, name, detail=detail
    )


def add_missing_stages(session: Session, project_id: int, actor: Actor) -> list[Milestone]:
    """Add the stages a project lacks (older data), planned from its start date."""
    project = repository.load(session, Project, project_id)
    name = authorize(actor, project.region_code, f"le projet « {project.name} »")
    return insert_planned(session, project, name, source=SOURCE)
