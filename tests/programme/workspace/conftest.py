"""The workspace writes run on the store fixtures: SQLite and PostgreSQL, a fresh schema per test."""

from tests.store.conftest import Session, backend, empty_engine, engine, factory, pg_schema  # noqa: F401
