"""Shared fixtures: a state folder with the demo loaded once per test session; a PostgreSQL schema of our own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from reindus import loopback
from reindus.programme import regions
from reindus.store.db import init_schema, make_engine
from tests.support.browser import CHROMIUM_ARGS, chromium_path
from tests.support.ci import in_ci


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


def pg_url() -> str:
    return loopback.test_database_url()


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url, schema): a schema of our own on the test server, dropped at the end of the session."""
    url = pg_url()
    try:
        schema = loopback.create_schema(url, "reindus_test")
    except DBAPIError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = f"PostgreSQL injoignable ({shown}) : {exc.orig}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true et {reason}")
        pytest.skip(reason)
    try:
        yield url, schema
    finally:
        loopback.drop_schema(url, schema)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (e2e and deployment): Playwright's sync API allows one
    running instance per thread, so two fixtures starting their own failed when both kinds ran together."""
    path = chromium_path()
    if path is None:
        message = "Chromium introuvable (paquet Debian `chromium`) : tests navigateur non exécutés"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
