"""The change counter moves exactly when a change is committed (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from reindus.store import version
from reindus.store.models import Coach, Project
from reindus.store.repository import StaleEditError, insert, update_versioned
from tests.store.store_samples import coach_values


def test_a_new_store_starts_at_zero(engine):
    assert version.current(engine) == 0


def test_each_committed_change_raises_the_counter_once(engine, Session):
    with Session.begin() as session:
        coach = insert(session, Coach(**coach_values()), actor="test")
        insert(session, Coach(**coach_values(name="Autre Conseillère", email="autre@cci.fr")), actor="test")
    assert version.current(engine) == 1
    with Session.begin() as session:
        update_versioned(session, Coach, coach.id, 1, {"name": "Nouveau Nom"}, actor="test")
    assert version.current(engine) == 2


def test_a_refused_or_rolled_back_change_raises_nothing(engine, Session, factory):
    project = factory.project()
    before = version.current(engine)
    with pytest.raises(StaleEditError), Session.begin() as session:
        update_versioned(session, Project, project.id, project.version + 5, {"name": "X"}, actor="test")
    with pytest.raises(RuntimeError), Session.begin() as session:
        insert(session, Coach(**coach_values(name="Annulée", email="annulee@cci.fr")), actor="test")
        raise RuntimeError("abandon")
    assert version.current(engine) == before


def test_reads_raise_nothing(engine, Session, factory):
    factory.project()
    before = version.current(engine)
    with Session.begin() as session:
        session.query(Project).all()
    assert version.current(engine) == before
