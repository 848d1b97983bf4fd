"""Engines, sessions and the schema: one code path for SQLite (default) and PostgreSQL.

engine = make_engine()                 # REINDUS_DATABASE_URL, else SQLite under REINDUS_HOME
init_schema(engine)                    # Alembic `upgrade head`; idempotent
Session = session_factory(engine)
with Session.begin() as session:       # commits on success, rolls back on error
    ...
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
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


class MigrationError(RuntimeError):
    """A migration that would break the database; rolled back. A bug in a revision, not in the data."""


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
    with migration_connection(engine) as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for Alembic to migrate on, committed if the block ends normally.

    PostgreSQL: an advisory lock lets one process migrate while the others wait. SQLite: foreign keys
    are off while the transaction runs, as Alembic's batch mode needs. It copies a table, drops the
    original and renames the copy: with foreign keys on, dropping `chain_links` is refused as long as
    a shortlist entry points at it, and dropping `projects` deletes their milestones (ON DELETE CASCADE).
    Every reference is checked before the commit instead (`PRAGMA foreign_key_check`).
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.execution_options(sqlite_begin_immediate=True)
            # a no-op inside a transaction: set before BEGIN, on the driver's connection
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise MigrationError(f"migration would leave rows pointing nowhere: {broken[:5]}")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")


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
