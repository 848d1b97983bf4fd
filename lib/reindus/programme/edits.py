"""Changes to a project and its stages from the « Fiche projet », checked against the viewer's scope in
the write's own transaction (reindus.auth.guard) and audited under the viewer's identity."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import Engine

from reindus.auth import Viewer
from reindus.auth.guard import require_edit
from reindus.store.db import session_factory
from reindus.store.models import Milestone, Project
from reindus.store.repository import update_versioned

EDITABLE_MODELS = (Project, Milestone)


def save_change(
    engine: Engine,
    viewer: Viewer,
    model: type[Project] | type[Milestone],
    row_id: int,
    shown_version: int,
    changes: Mapping[str, object],
) -> None:
    """Save `changes` to a project or one of its stages if `viewer` may change that project;
    PermissionDeniedError or StoreError (French) otherwise, nothing written."""
    if model not in EDITABLE_MODELS:
        raise TypeError(f"{model.__tablename__} ne se modifie pas depuis la fiche projet")
    with session_factory(engine).begin() as session:
        require_edit(session, viewer, model, row_id)
        update_versioned(session, model, row_id, shown_version, changes, viewer.actor)
