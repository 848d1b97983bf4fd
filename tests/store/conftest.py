"""Store fixtures: every test runs on SQLite (temp file) and on PostgreSQL (a private schema).

PostgreSQL: REINDUS_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test. The test
session creates one uniquely named schema, points every connection's search_path at it, empties it
before each test and drops it at the end; nothing outside that schema is touched. If the server
cannot be reached the PostgreSQL variants are skipped with the reason, or fail when CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from reindus.store.db import init_schema, make_engine, session_factory

from .store_samples import Factory

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_url() -> str:
    return os.environ.get("REINDUS_TEST_PG_URL", DEFAULT_PG_URL)


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url, schema): a schema of our own on the test server, dropped at the end of the session."""
    url = pg_url()
    schema = f"reindus_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except DBAPIError as exc:
        admin.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        reason = f"PostgreSQL injoignable ({shown}) : {exc.orig}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true et {reason}")
        pytest.skip(reason)
    try:
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_engine(backend: str, request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """An engine on an empty database (no tables)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    else:
        url, schema = request.getfixturevalue("pg_schema")
        admin = make_engine(url, poolclass=NullPool)
        with admin.begin() as conn:  # start from nothing: the schema is ours alone
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database at the latest schema."""
    init_schema(empty_engine)
    return empty_engine


@pytest.fixture
def Session(engine: Engine) -> sessionmaker[OrmSession]:
    return session_factory(engine)


@pytest.fixture
def factory(Session: sessionmaker[OrmSession]) -> Factory:
    return Factory(Session)
