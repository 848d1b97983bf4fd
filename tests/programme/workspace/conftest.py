"""The workspace writes run on the store fixtures: SQLite and PostgreSQL, a fresh schema per test."""

from tests.support.store import Session, backend, empty_engine, engine, factory  # noqa: F401
