"""A project's history in French, from the audit log: who, when, what, old → new value; and putting a
field back to a previous value, which is itself a new, checked and audited change.

The history covers the project's own row and the rows that belong to it: its stages, supply-chain
links (removed ones included), their shortlisted suppliers and its funding applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reindus.errors import UserError
from reindus.programme.workspace import funding, links, milestones, projects, rules
from reindus.programme.workspace.access import Actor
from reindus.reference.naf import NAF_VERSIONS
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    FUNDING_STATUSES,
    PROJECT_STATUSES,
    SHORTLIST_STATUSES,
    STAGE_LABELS,
)
from reindus.store import audit, repository
from reindus.store.models import (
    MODEL_BY_TABLE,
    AuditEntry,
    ChainLink,
    Coach,
    FundingApplication,
    FundingScheme,
    Milestone,
    Project,
    ShortlistEntry,
)
from reindus.text import formats

ACTIONS = {"insert": "création", "update": "modification", "delete": "suppression", "import": "import"}
COLUMNS = [
    "entry_id",
    "at",
    "actor",
    "action",
    "what",
    "table",
    "row_key",
    "field",
    "label",
    "before",
    "after",
    "detail",
    "restorable",
]
_CHOICES = {
    ("projects", "status"): PROJECT_STATUSES,
    ("funding_applications", "status"): FUNDING_STATUSES,
    ("shortlist_entries", "status"): SHORTLIST_STATUSES,
    ("chain_links", "tier"): CHAIN_POSITIONS,
    ("chain_links", "naf_version"): NAF_VERSIONS,
    ("milestones", "stage"): STAGE_LABELS,
}
_MONEY = {"planned_investment", "amount_requested", "amount_granted", "amount_paid"}
# Fields put back together: a commune only makes sense in its département.
_TOGETHER = {
    ("projects", "departement"): ("departement", "commune"),
    ("projects", "commune"): ("departement", "commune"),
    ("chain_links", "naf_codes"): ("naf_codes", "naf_version"),  # codes are read in their nomenclature
    ("chain_links", "naf_version"): ("naf_codes", "naf_version"),
}
_RESTORABLE = {
    "projects": set(projects.EDITABLE) | {"archived"},
    "milestones": {f.key for f in rules.MILESTONE_FIELDS},
    "chain_links": {f.key for f in links.FORM_FIELDS},
    "funding_applications": set(funding.APPLICATION_KEYS),
}


class RestoreError(UserError):
    """The entry or field cannot be put back (not a change of a field the forms edit)."""


def _children(session: Session, model, parent_column: str, parent_ids: set[int]) -> set[int]:
    """Ids of `model` rows under `parent_ids`, now or ever (from the values of insert/delete entries)."""
    if not parent_ids:
        return set()
    column = getattr(model, parent_column)
    ids = set(session.execute(select(model.id).where(column.in_(parent_ids))).scalars())
    patterns = [AuditEntry.before.like(f'%"{parent_column}": {p}%') for p in parent_ids] + [
        AuditEntry.after.like(f'%"{parent_column}": {p}%') for p in parent_ids
    ]
    entries = session.execute(
        select(AuditEntry.row_key, AuditEntry.before, AuditEntry.after).where(
            AuditEntry.table_name == model.__tablename__,
            AuditEntry.action.in_(("insert", "delete")),
            or_(*patterns),
        )
    ).all()
    for row_key, before, after in entries:
        values = audit.parse(before) or audit.parse(after) or {}
        if values.get(parent_column) in parent_ids and row_key.isdigit():
            ids.add(int(row_key))
    return ids


def _names(session: Session, project_id: int) -> dict[str, dict[int, str]]:
    """Each row's French name (« Étape « Cadrage » », « Maillon « Filature » » …), removed rows included."""
    link_ids = _children(session, ChainLink, "project_id", {project_id})
    keys = {
        "projects": {project_id},
        "milestones": _children(session, Milestone, "project_id", {project_id}),
        "chain_links": link_ids,
        "shortlist_entries": _children(session, ShortlistEntry, "link_id", link_ids),
        "funding_applications": _children(session, FundingApplication, "project_id", {project_id}),
    }
    schemes = dict(session.execute(select(FundingScheme.id, FundingScheme.name)).all())
    naming = {
        "projects": lambda v: "Projet",
        "milestones": lambda v: f"Étape « {STAGE_LABELS.get(v.get('stage'), v.get('stage'))} »",
        "chain_links": lambda v: f"Maillon « {v.get('label')} »",
        "shortlist_entries": lambda v: f"Fournisseur « {v.get('supplier_name')} »",
        "funding_applications": lambda v: (
            f"Demande « {schemes.get(v.get('scheme_id'), 'dispositif retiré')} »"
        ),
    }
    out: dict[str, dict[int, str]] = {}
    for table, ids in keys.items():
        model = MODEL_BY_TABLE[table]
        names: dict[int, str] = {}
        for row in session.execute(select(model).where(model.id.in_(ids))).scalars():
            names[row.id] = naming[table](audit.row_values(row))
        for row_key, before, after in session.execute(
            select(AuditEntry.row_key, AuditEntry.before, AuditEntry.after).where(
                AuditEntry.table_name == table,
                AuditEntry.action.in_(("insert", "delete")),
                AuditEntry.row_key.in_([str(i) for i in ids - set(names)]),
            )
        ):
            names.setdefault(int(row_key), naming[table](audit.parse(before) or audit.parse(after) or {}))
        out[table] = {i: names.get(i, f"n° {i}") for i in ids}
    return out


def shown(session: Session, table: str, field: str, value: Any, cache: dict | None = None) -> str:
    """A stored (audit) value as French text: dates, euros, oui/non, labels, names for ids."""
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if (table, field) in _CHOICES:
        return _CHOICES[table, field].get(value, str(value))
    if field == "coach_id":
        coach = session.get(Coach, int(value))
        return coach.name if coach else f"conseiller n° {value}"
    if field == "scheme_id":
        scheme = session.get(FundingScheme, int(value))
        return scheme.name if scheme else f"dispositif n° {value}"
    if field in _MONEY:
        return formats.euros(float(value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _label(table: str, field: str) -> str:
    return rules.LABELS.get(table, {}).get(field, field)


def project_history(session: Session, project_id: int, *, limit: int = 500) -> pd.DataFrame:
    """One row per changed field (creations and removals: one row each), newest first, in French:
    `at` (UTC), `actor`, `action` (création, modification, suppression), `what` (« Projet »,
    « Maillon « … » » …), `label` of the field, `before` / `after` as text; `entry_id` + `field` and
    `restorable` for restore()."""
    names = _names(session, project_id)
    clauses = [
        (AuditEntry.table_name == table) & AuditEntry.row_key.in_([str(i) for i in ids])
        for table, ids in names.items()
        if ids
    ]
    entries = session.execute(
        select(AuditEntry)
        .where(or_(*clauses))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).scalars()
    records = []
    for e in entries:
        what = names[e.table_name].get(int(e.row_key), e.row_key)
        base = {
            "entry_id": e.id,
            "at": e.at,
            "actor": e.actor,
            "action": ACTIONS.get(e.action, e.action),
            "what": what,
            "table": e.table_name,
            "row_key": int(e.row_key),
            "detail": e.detail or "",
        }
        before, after = audit.parse(e.before) or {}, audit.parse(e.after) or {}
        if e.action == "update":
            for field in after:
                if field == "version":
                    continue
                records.append(
                    base
                    | {
                        "field": field,
                        "label": _label(e.table_name, field),
                        "before": shown(session, e.table_name, field, before.get(field)),
                        "after": shown(session, e.table_name, field, after.get(field)),
                        "restorable": field in _RESTORABLE.get(e.table_name, ()),
                    }
                )
        else:
            values = after if e.action == "insert" else before
            summary = _summary(session, e.table_name, values)
            records.append(
                base
                | {
                    "field": "",
                    "label": "",
                    "before": summary if e.action == "delete" else "",
                    "after": summary if e.action == "insert" else "",
                    "restorable": False,
                }
            )
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def _summary(session: Session, table: str, values: dict[str, Any]) -> str:
    keys = {
        "projects": ("name", "edition", "commune", "naf"),
        "milestones": ("planned_start", "planned_end", "actual_start", "actual_end"),
        "chain_links": ("position", "tier", "label", "naf_codes"),
        "shortlist_entries": ("supplier_name", "siret", "status", "note"),
        "funding_applications": ("scheme_id", "amount_requested", "status", "amount_granted", "amount_paid"),
    }.get(table, ())
    return " ; ".join(
        f"{_label(table, k)} : {shown(session, table, k, values.get(k))}"
        for k in keys
        if values.get(k) not in (None, "")
    )


@dataclass(frozen=True)
class Restored:
    table: str
    row_id: int
    fields: dict[str, Any]


def restore(session: Session, entry_id: int, field: str, shown_version: int, actor: Actor) -> Restored:
    """Put `field` back to its value before audit entry `entry_id`, on the row's version the page showed,
    through the same checks and writes as the forms (so a value that breaks today's rules is refused)."""
    entry = session.get(AuditEntry, entry_id)
    if entry is None or entry.action != "update":
        raise RestoreError("Cette entrée de l'historique n'est pas une modification : rien à rétablir.")
    before = audit.parse(entry.before) or {}
    table = entry.table_name
    if field not in before or field not in _RESTORABLE.get(table, ()):
        raise RestoreError(f"Le champ « {_label(table, field)} » ne se rétablit pas depuis l'historique.")
    fields = _TOGETHER.get((table, field), (field,))
    values = {f: before[f] for f in fields if f in before}
    if table == "projects" and "departement" in values and "commune" not in values:
        values["commune"] = repository.load(session, Project, int(entry.row_key)).commune
    row_id = int(entry.row_key)
    when = formats.moment(entry.at)
    detail = f"valeur rétablie : celle d'avant la modification du {when} par {entry.actor}"
    if table == "projects" and field == "archived":
        projects.archive_project(session, row_id, shown_version, actor, archived=bool(values["archived"]))
    elif table == "projects":
        projects.update_project(session, row_id, shown_version, values, actor, detail=detail)
    elif table == "milestones":
        milestones.update_milestone(session, row_id, shown_version, values, actor, detail=detail)
    elif table == "chain_links":
        links.update_link(session, row_id, shown_version, values, actor, detail=detail)
    else:
        funding.update_application(session, row_id, shown_version, values, actor, detail=detail)
    return Restored(table, row_id, values)
