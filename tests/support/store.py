"""Store fixtures: every test runs on SQLite (temp file) and on PostgreSQL (a private schema).

PostgreSQL: REINDUS_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test. The test
session creates one uniquely named schema, points every connection's search_path at it, empties it
before each test and drops it at the end; nothing outside that schema is touched. If the server
cannot be reached the PostgreSQL variants are skipped with the reason, or fail when CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from reindus.store.db import init_schema, make_engine, session_factory
from tests.store.store_samples import Factory


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
