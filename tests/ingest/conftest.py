"""A private copy of the demo store per test, and a checksum of every row to prove nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from reindus.store.db import make_engine
from reindus.store.models import MODELS  # noqa: F401
from tests.support.ingest import FIXTURES, db_checksum  # noqa: F401


@pytest.fixture
def store(demo_home: Path, tmp_path: Path):
    """An engine on a copy of the demo store (and a copy of its register at tmp_path/register.duckdb)."""
    shutil.copy(demo_home / "reindus.sqlite", tmp_path / "reindus.sqlite")
    shutil.copy(demo_home / "register.duckdb", tmp_path / "register.duckdb")
    engine = make_engine(f"sqlite:///{tmp_path / 'reindus.sqlite'}")
    yield engine
    engine.dispose()


@pytest.fixture
def small_store(store):
    """The demo store with one département's industry statistics only: quicker to checksum."""
    with store.begin() as conn:
        conn.execute(text("DELETE FROM industry_stats WHERE departement <> '76'"))
    return store
