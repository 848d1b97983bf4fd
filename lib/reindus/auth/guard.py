"""Write permissions checked inside the write's own transaction, from what the store holds now: a
coach posting an edit for another region's project is refused whatever the page showed.

Every row a page can change hangs from a project; its region decides (`Viewer.require_edit_project`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.auth.viewer import Viewer
from reindus.store import models as m
from reindus.store.repository import RowNotFoundError


def _project_of(session: Session, model: type[m.Base], row_id: int) -> tuple[int, str, str]:
    """(project id, name, region code) of the project a row belongs to."""
    p = m.Project
    if model is m.Project:
        stmt = select(p.id, p.name, p.region_code).where(p.id == row_id)
    elif model is m.ChainLink:
        stmt = select(p.id, p.name, p.region_code).join(m.ChainLink).where(m.ChainLink.id == row_id)
    elif model is m.ShortlistEntry:
        stmt = (
            select(p.id, p.name, p.region_code)
            .join(m.ChainLink, m.ChainLink.project_id == p.id)
            .join(m.ShortlistEntry, m.ShortlistEntry.link_id == m.ChainLink.id)
            .where(m.ShortlistEntry.id == row_id)
        )
    elif model in (m.Milestone, m.FundingApplication):
        stmt = (
            select(p.id, p.name, p.region_code)
            .join(model, model.project_id == p.id)
            .where(model.id == row_id)
        )
    else:
        raise TypeError(f"{model.__tablename__} ne dépend pas d'un projet")
    row = session.execute(stmt).one_or_none()
    if row is None:
        raise RowNotFoundError(model, row_id)
    return row.id, row.name, row.region_code


def require_edit(session: Session, viewer: Viewer, model: type[m.Base], row_id: int) -> None:
    """PermissionDeniedError (French) unless `viewer` may change this row of a project."""
    if viewer.scope.may_edit_project(None):  # the administrateur: no need to read
        return
    _, name, region = _project_of(session, model, row_id)
    viewer.require_edit_project(region, f"le projet « {name} »")
