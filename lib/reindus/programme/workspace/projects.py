"""Creating, changing and archiving a project: the writes shared by the « Nouveau projet » /
« Modifier » forms and the projects import.

Every function flushes and never commits: the caller owns the transaction (`with Session.begin() as s:`),
so that a refused change leaves nothing half-saved. Changes go through `repository.update_versioned`
(a stale form is refused, every change audited with its old and new values).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reindus.auth import Scope
from reindus.errors import ValidationError
from reindus.ingest import checks
from reindus.programme.workspace import milestones as milestones_mod
from reindus.programme.workspace import rules
from reindus.programme.workspace.access import Actor, authorize
from reindus.reference.territory import region_of, regions
from reindus.store import repository
from reindus.store.models import AuditEntry, Coach, Project

SOURCE = "saisie"  # rows typed in the app (imports say « import:fichier »)
ARCHIVED, REACTIVATED = "projet archivé", "projet réactivé"  # the audit entries' detail
# Columns a form may set; region_code follows the département.
EDITABLE = (
    *(f.key for f in rules.PROJECT_FIELDS),
    "commune",
    "coach_id",
)


def default_cohort(edition: int, region_code: str) -> str:
    """« 2024 – Normandie »: the cohort a project joins unless told otherwise."""
    return f"{edition} – {regions().get(region_code, region_code)}"


def check_project(  # noqa: C901 - one reason per field, in form order
    session: Session, values: Mapping[str, Any], *, current: Project | None = None
) -> dict[str, Any]:
    """The column values of `values` (form values or cell text), checked by the same rules as the
    projects import; FormError naming each refused field. With `current`, only the keys given are
    checked and returned, against the project's other values."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ValueError(f"Champs inconnus pour un projet : {', '.join(unknown)}")
    partial = current is not None
    out = rules.check(rules.PROJECT_FIELDS, values, partial=partial)
    out.labels |= {"commune": rules.COMMUNE_LABEL, "coach_id": rules.COACH_LABEL}

    def merged(key: str) -> Any:
        if key in out.values:
            return out.values[key]
        return getattr(current, key) if current is not None and key not in values else None

    dep = merged("departement")
    if "commune" in values or not partial or "departement" in values:
        commune_text = rules.as_text(values["commune"] if "commune" in values else merged("commune"))
        if not commune_text.strip():
            out.error("commune", "valeur obligatoire manquante")
        elif "departement" not in out.errors:
            try:
                out.values["commune"] = checks.check_commune(commune_text, dep)
            except ValidationError as exc:
                out.error("commune", exc.message)
    if "departement" in out.values:
        out.values["region_code"] = region_of(out.values["departement"])
    if "coach_id" in values or not partial:
        coach_id = values.get("coach_id")
        if coach_id in (None, ""):
            out.values["coach_id"] = None
        elif not str(coach_id).isdigit() or session.get(Coach, int(coach_id)) is None:
            out.error("coach_id", "conseiller inconnu : il a peut-être été retiré, rechargez la page")
        else:
            out.values["coach_id"] = int(coach_id)
    reason = rules.cohort_start_reason(merged("cohort_start"), merged("edition"))
    if reason and ("cohort_start" in values or "edition" in values):
        out.error("cohort_start", reason)
    name, edition = merged("name"), merged("edition")
    if name and edition and ("name" in values or "edition" in values):
        clash = select(func.count()).where(Project.name == name, Project.edition == edition)
        if current is not None:
            clash = clash.where(Project.id != current.id)
        if session.execute(clash).scalar_one():
            out.error("name", f"un projet porte déjà ce nom dans l'édition {edition}")
    return out.raise_if_any()


# --- the writes shared with the import -------------------------------------------------------------


def insert_project(
    session: Session,
    values: Mapping[str, Any],
    actor: str,
    *,
    source: str,
    reached_stage: str | None = None,
    milestone_dates: Mapping[str, Mapping[str, date | None]] | None = None,
) -> Project:
    """Add a checked project and its stages planned from the common rétroplanning (`reached_stage`:
    earlier stages done, that one started; `milestone_dates` overrides dates per stage), each row
    audited."""
    values = dict(values)
    values.setdefault("cohort", None)
    values["cohort"] = values["cohort"] or default_cohort(values["edition"], values["region_code"])
    project = repository.insert(session, Project(source=source, **values), actor)
    milestones_mod.insert_planned(
        session, project, actor, source=source, reached_stage=reached_stage, dates=milestone_dates or {}
    )
    return project


def write_project(
    session: Session,
    project_id: int,
    shown_version: int,
    changes: Mapping[str, Any],
    actor: str,
    *,
    detail: str | None = None,
) -> Project:
    """Save checked changes if the project still has `shown_version` (StaleEditError otherwise)."""
    return repository.update_versioned(
        session, Project, project_id, shown_version, changes, actor, detail=detail
    )


# --- what the forms call ------------------------------------------------------------------------


def create_project(
    session: Session,
    values: Mapping[str, Any],
    actor: Actor,
    *,
    source: str = SOURCE,
    reached_stage: str | None = None,
) -> Project:
    """« Nouveau projet »: check every field, add the project and its stages from the rétroplanning
    starting at its `cohort_start`."""
    checked = check_project(session, values)
    name = authorize(actor, checked["region_code"], f"le projet « {checked['name']} »")
    return insert_project(session, checked, name, source=source, reached_stage=reached_stage)


def update_project(
    session: Session,
    project_id: int,
    shown_version: int,
    values: Mapping[str, Any],
    actor: Actor,
    *,
    detail: str | None = None,
) -> Project:
    """« Modifier »: check the fields given and save them on the version the form showed."""
    current = repository.load(session, Project, project_id)
    name = authorize(actor, current.region_code, f"le projet « {current.name} »")
    checked = check_project(session, values, current=current)
    if "region_code" in checked and checked["region_code"] != current.region_code:
        authorize(actor, checked["region_code"], f"le projet « {current.name} »")
    return write_project(session, project_id, shown_version, checked, name, detail=detail)


def archive_project(
    session: Session, project_id: int, shown_version: int, actor: Actor, *, archived: bool = True
) -> Project:
    """Archive (or bring back) a project: it leaves every view and figure, its rows and history stay."""
    current = repository.load(session, Project, project_id)
    name = authorize(actor, current.region_code, f"le projet « {current.name} »")
    detail = ARCHIVED if archived else REACTIVATED
    return write_project(session, project_id, shown_version, {"archived": archived}, name, detail=detail)


def reactivate_project(session: Session, project_id: int, shown_version: int, actor: Actor) -> Project:
    """« Réactiver »: an archived project comes back to every view and figure, with its rows and
    history; versioned and audited like the archiving, by the same people (its region's coaches, an
    administrator)."""
    return archive_project(session, project_id, shown_version, actor, archived=False)


ARCHIVED_COLUMNS = ["id", "name", "edition", "region_code", "version", "archived_at", "archived_by"]


def archived_projects(session: Session, scope: Scope) -> pd.DataFrame:
    """The archived projects `scope` may bring back (its regions' for a coach, all for an administrator,
    none for anyone else), latest archived first: id, name, edition, region_code, version, and when and
    by whom they were archived (the last audit entry that archived them)."""
    if not scope.may_edit:
        return pd.DataFrame(columns=ARCHIVED_COLUMNS)
    rows = session.execute(
        select(Project.id, Project.name, Project.edition, Project.region_code, Project.version)
        .where(Project.archived.is_(True))
        .order_by(Project.id)
    ).all()
    rows = [r for r in rows if scope.may_edit_project(r.region_code)]
    archived_by: dict[str, tuple] = {}
    if rows:
        entries = session.execute(
            select(AuditEntry.row_key, AuditEntry.at, AuditEntry.actor)
            .where(
                AuditEntry.table_name == Project.__tablename__,
                AuditEntry.row_key.in_([str(r.id) for r in rows]),
                AuditEntry.detail == ARCHIVED,
            )
            .order_by(AuditEntry.id)
        ).all()
        archived_by = {e.row_key: (e.at, e.actor) for e in entries}  # the last one wins
    frame = pd.DataFrame(
        [(*r, *archived_by.get(str(r.id), (None, None))) for r in rows], columns=ARCHIVED_COLUMNS
    )
    return frame.sort_values(["archived_at", "id"], ascending=False, na_position="last", ignore_index=True)
