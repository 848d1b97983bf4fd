"""A project's funding applications (déposé → accordé → versé, or refusé), and the list of funding
schemes, which only administrators change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reindus.programme.workspace import rules
from reindus.programme.workspace.access import Actor, authorize, authorize_admin
from reindus.store import repository
from reindus.store.models import FundingApplication, FundingScheme, Project

SOURCE = "saisie"
APPLICATION_KEYS = (*(f.key for f in rules.APPLICATION_FIELDS), "scheme_id")
SCHEME_LIST = "la liste des dispositifs de financement"


def check_application(
    session: Session, values: Mapping[str, Any], *, current: FundingApplication | None = None
) -> dict[str, Any]:
    """An application's fields checked, and what its status requires (see rules.application_reasons)."""
    unknown = sorted(set(values) - set(APPLICATION_KEYS))
    if unknown:
        raise ValueError(f"Champs inconnus pour une demande de financement : {', '.join(unknown)}")
    out = rules.check(rules.APPLICATION_FIELDS, values, partial=current is not None)
    out.labels["scheme_id"] = rules.SCHEME_LABEL
    if "scheme_id" in values or current is None:
        scheme_id = values.get("scheme_id")
        if scheme_id in (None, ""):
            out.error("scheme_id", "valeur obligatoire manquante")
        elif not str(scheme_id).isdigit() or session.get(FundingScheme, int(scheme_id)) is None:
            out.error("scheme_id", "dispositif inconnu : il a peut-être été retiré, rechargez la page")
        else:
            out.values["scheme_id"] = int(scheme_id)
    merged = {k: out.values[k] if k in out.values else getattr(current, k, None) for k in APPLICATION_KEYS}
    if not out.errors:
        for key, reason in rules.application_reasons(merged).items():
            out.error(key, reason)
    return out.raise_if_any()


def _project(session: Session, project_id: int, actor: Actor) -> str:
    project = repository.load(session, Project, project_id)
    return authorize(actor, project.region_code, f"le projet « {project.name} »")


def add_application(
    session: Session, project_id: int, values: Mapping[str, Any], actor: Actor
) -> FundingApplication:
    name = _project(session, project_id, actor)
    checked = check_application(session, values)
    return repository.insert(
        session, FundingApplication(project_id=project_id, source=SOURCE, **checked), name
    )


def update_application(
    session: Session,
    application_id: int,
    shown_version: int,
    values: Mapping[str, Any],
    actor: Actor,
    *,
    detail: str | None = None,
) -> FundingApplication:
    current = repository.load(session, FundingApplication, application_id)
    name = _project(session, current.project_id, actor)
    checked = check_application(session, values, current=current)
    return repository.update_versioned(
        session, FundingApplication, application_id, shown_version, checked, name, detail=detail
    )


def remove_application(session: Session, application_id: int, shown_version: int, actor: Actor) -> None:
    current = repository.load(session, FundingApplication, application_id)
    name = _project(session, current.project_id, actor)
    repository.delete_versioned(session, FundingApplication, application_id, shown_version, name)


# --- schemes (administrators) ---------------------------------------------------------------------


def check_scheme(
    session: Session, values: Mapping[str, Any], *, current: FundingScheme | None = None
) -> dict[str, Any]:
    out = rules.check(rules.SCHEME_FIELDS, values, partial=current is not None)
    name = out.values.get("name")
    if name:
        clash = select(func.count()).where(func.lower(FundingScheme.name) == name.lower())
        if current is not None:
            clash = clash.where(FundingScheme.id != current.id)
        if session.execute(clash).scalar_one():
            out.error("name", "un dispositif porte déjà ce nom")
    return out.raise_if_any()


def add_scheme(session: Session, values: Mapping[str, Any], actor: Actor) -> FundingScheme:
    name = authorize_admin(actor, SCHEME_LIST)
    return repository.insert(session, FundingScheme(source=SOURCE, **check_scheme(session, values)), name)


def update_scheme(
    session: Session, scheme_id: int, shown_version: int, values: Mapping[str, Any], actor: Actor
) -> FundingScheme:
    name = authorize_admin(actor, SCHEME_LIST)
    current = repository.load(session, FundingScheme, scheme_id)
    checked = check_scheme(session, values, current=current)
    return repository.update_versioned(session, FundingScheme, scheme_id, shown_version, checked, name)


def remove_scheme(session: Session, scheme_id: int, shown_version: int, actor: Actor) -> None:
    """Refused (RowInUseError, in French) while applications use the scheme."""
    name = authorize_admin(actor, SCHEME_LIST)
    repository.delete_versioned(session, FundingScheme, scheme_id, shown_version, name)
