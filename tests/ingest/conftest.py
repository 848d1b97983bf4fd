"""A private copy of the demo store per test, and a checksum of every row to prove nothing changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from reindus.store.db import make_engine
from reindus.store.models import MODELS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def db_checksum(engine) -> str:
    """SHA-256 over every row of every table, in id order: equal checksums mean an identical store."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for model in MODELS:
            table = model.__tablename__
            h.update(table.encode())
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


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
