"""A valid project and the helpers the workspace tests share."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from reindus.programme.workspace import projects
from reindus.store.models import Project

ACTOR = "Claire Martin"


def values(**overrides):
    v = {
        "name": "Tissage du Vexin",
        "siren": "552100554",
        "departement": "27",
        "commune": "27056",
        "naf": "13.20Z",
        "edition": 2024,
        "cohort_start": date(2024, 9, 2),
        "coach_id": None,
        "description": "Relocaliser le tissage du lin",
        "target_jobs": 12,
        "planned_investment": 1_250_000.5,
        "status": "en_cours",
        "public": True,
    }
    v.update(overrides)
    return v


def count(Session, model) -> int:
    with Session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def create(Session, **overrides) -> Project:
    with Session.begin() as s:
        return projects.create_project(s, values(**overrides), ACTOR)
