"""Project and stage edits: each role may change exactly its scope; a refusal writes nothing."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from reindus.auth import ANONYMOUS, Role, Viewer
from reindus.errors import PermissionDeniedError
from reindus.programme import edits
from reindus.store.db import make_engine, session_factory
from reindus.store.models import Milestone, Project
from reindus.store.repository import audit_history


@pytest.fixture
def engine(demo_home, tmp_path):
    shutil.copy(demo_home / "reindus.sqlite", tmp_path / "store.sqlite")
    eng = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield eng
    eng.dispose()


def _first(engine, region: str) -> tuple[Project, Milestone]:
    with session_factory(engine)() as s:
        project = s.scalars(select(Project).where(Project.region_code == region).order_by(Project.id)).first()
        stage = s.scalars(
            select(Milestone).where(Milestone.project_id == project.id).order_by(Milestone.id)
        ).first()
        return project, stage


COACH_28 = Viewer(Role.CONSEILLER, frozenset({"28"}), email="c28@cci.fr", name="Camille")
COACH_11 = Viewer(Role.CONSEILLER, frozenset({"11"}), email="c11@cci.fr", name="Yanis")
ADMIN = Viewer(Role.ADMIN, email="a@cci.fr", name="Ada")
PRESIDENCE = Viewer(Role.PRESIDENCE, frozenset({"28"}), email="p@cci.fr", name="Paul")


def test_a_coach_changes_their_region_and_the_audit_names_them(engine):
    project, stage = _first(engine, "28")
    edits.save_change(engine, COACH_28, Project, project.id, project.version, {"description": "mise à jour"})
    edits.save_change(
        engine,
        COACH_28,
        Milestone,
        stage.id,
        stage.version,
        {"actual_end": stage.planned_end + timedelta(days=3)},
    )
    with session_factory(engine)() as s:
        for table in ("projects", "milestones"):
            history = audit_history(s, table_name=table)
            assert list(history["actor"]) == ["Camille <c28@cci.fr>"], table


@pytest.mark.parametrize(
    "viewer", [COACH_11, PRESIDENCE, ANONYMOUS], ids=["coach-idf", "presidence", "anonymous"]
)
def test_every_project_write_refuses_out_of_scope(engine, viewer):
    project, stage = _first(engine, "28")
    for model, row in ((Project, project), (Milestone, stage)):
        with pytest.raises(PermissionDeniedError):
            edits.save_change(engine, viewer, model, row.id, row.version, {"source": "x"})
    with session_factory(engine)() as s:
        assert s.get(Project, project.id).version == project.version
        assert audit_history(s, table_name="projects").empty


def test_the_administrateur_changes_any_region(engine):
    project, _ = _first(engine, "11")
    edits.save_change(engine, ADMIN, Project, project.id, project.version, {"status": "abandonne"})
    with session_factory(engine)() as s:
        assert s.get(Project, project.id).status == "abandonne"
