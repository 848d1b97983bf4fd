"""Shared fixtures: a state folder with the demo loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reindus.programme import regions
from reindus.store.db import init_schema, make_engine


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A REINDUS_HOME holding the demo (SQLite store + DuckDB register), built once."""
    from reindus import demo

    home = tmp_path_factory.mktemp("reindus-home")
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    demo.install(engine=engine, register_path=home / "register.duckdb")
    engine.dispose()
    return home


@pytest.fixture(scope="session")
def new_store_regions() -> regions.ProgrammeRegions:
    """The programme's regions as a new store lists them: the four pilots that migration 0002 seeds."""
    engine = make_engine("sqlite://")
    init_schema(engine)
    try:
        return regions.load(engine)
    finally:
        engine.dispose()


@pytest.fixture
def demo_env(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at the demo home for this test."""
    monkeypatch.setenv("REINDUS_HOME", str(demo_home))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    return demo_home


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
