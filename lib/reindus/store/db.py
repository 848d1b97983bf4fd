"""Engines, sessions and the schema: one code path for SQLite (default) and PostgreSQL.

engine = make_engine()                 # REINDUS_DATABASE_URL, else SQLite under REINDUS_HOME
init_schema(engine)                    # Alembic `upgrade head`; idempotent
Session = session_factory(engine)
with Session.begin() as session:       # commits on success, rolls back on error
    ...
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from reindus.config import database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock taken while migrating, so that two app processes starting
# together do not both try to create the tables.
_MIGRATION_LOCK_KEY = zlib.crc32(b"reindus.store.migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str | URL | None = None, **engine_kwargs: Any) -> Engine:
    """An Engine for `url` (default `config.database_url()`).

    SQLite: WAL journal, foreign keys ON, a busy timeout, and real transactions (the pysqlite driver
    otherwise runs DDL outside transactions and breaks SAVEPOINT). PostgreSQL: use a
    `postgresql+psycopg://` URL (psycopg 3); connections are pinged before use.
    Extra keyword arguments go to `sqlalchemy.create_engine` (e.g. `connect_args`).
    """
    u = make_url(url if url is not None else database_url())
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
            Path(u.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, **engine_kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    engine_kwargs.setdefault("pool_pre_ping", True)
    return create_engine(u, **engine_kwargs)


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at once (waiting up to busy_timeout) instead of failing
    # when a read transaction later tries to write; used for migrations.
    mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_begin_immediate") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (expire_on_commit=False)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at the migrations inside the package (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def init_schema(engine: Engine) -> None:
    """Bring the database to the latest schema (Alembic `upgrade head`), in one transaction.

    Works on an empty database and does nothing when the schema is already current.
    """
    cfg = alembic_config()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin_immediate=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_is_current(engine: Engine) -> bool:
    return schema_revision(engine) == head_revision()
