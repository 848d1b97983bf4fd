"""One outcome across both stores: a register import (establishments, legal units) changes the register (DuckDB) and writes
its audit entry (the operational store) together, or changes neither.

The register's new table is built and checked inside a DuckDB transaction; before that transaction
commits, the import is recorded twice — in the register's own `register_imports` table (same DuckDB
transaction) and as an audit entry in the store (committed, with retries). Then DuckDB commits.

- The audit write fails (store busy, disk full …): the DuckDB transaction rolls back, the register is
  unchanged, and the user reads why, in French.
- The DuckDB commit fails after the audit entry was committed: the entry is deleted (compensation).
- The process dies between the two commits: the audit entry names an import (`import` key) that the
  register never recorded; `reconcile`, run by the next import while it holds the register's write lock
  (so that no other import is running), deletes such entries.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from reindus import register
from reindus.errors import UserError
from reindus.ingest.importer import Parsed
from reindus.store import audit, repository
from reindus.store.models import AuditEntry

IMPORTS_TABLE = "register_imports"
# The audit tables of register imports: establishments, and the legal units that name them.
TABLE_NAMES = ("establishments", "legal_units")
log = logging.getLogger(__name__)
Load = Callable[[register.Register, Callable[[duckdb.DuckDBPyConnection], None]], object]


class RegisterBusyError(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Le registre des établissements est ouvert par un autre programme (l'application, ou un autre "
            "import) : arrêtez-le, puis relancez l'import. Rien n'a été importé."
        )


def busy_or_raise(exc: duckdb.IOException) -> RegisterBusyError:
    """DuckDB's (English) lock conflict as RegisterBusyError; any other IO error is raised again."""
    if "lock" in str(exc).lower():
        return RegisterBusyError()
    raise exc


def open_for_import(register_path: Path | str | None) -> register.Register:
    """The register opened for writing; RegisterBusyError (French) when another process holds it."""
    try:
        return register.open_register(register_path)
    except duckdb.IOException as exc:
        raise busy_or_raise(exc) from exc


def load_and_record(
    engine: Engine,
    parsed: Parsed,
    entry: Callable[[Session, dict[str, Any]], AuditEntry],
    register_path: Path | str | None,
    load: Load,
) -> None:
    """Run `load(reg, before_commit)` — which must call `before_commit(cursor)` inside its DuckDB
    transaction, just before committing — with the audit entry (`entry(session, extra)`, `extra` to
    join its `after`) written at that point. Raises UserError (French) when nothing was imported."""
    key = uuid.uuid4().hex
    recorded: dict[str, int] = {}

    def before_commit(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {IMPORTS_TABLE} "
            "(import_key VARCHAR PRIMARY KEY, sha256 VARCHAR, imported_at TIMESTAMP DEFAULT current_timestamp)"
        )
        cur.execute(f"INSERT INTO {IMPORTS_TABLE} (import_key, sha256) VALUES (?, ?)", [key, parsed.checksum])

        def work(session: Session) -> int:
            written = entry(session, {"import": key})
            session.flush()
            return written.id

        recorded["audit_id"] = repository.write(engine, work)

    with open_for_import(register_path) as reg:
        reconcile(engine, reg)
        try:
            load(reg, before_commit)
        except BaseException:
            if "audit_id" in recorded:
                _forget(engine, recorded["audit_id"])
            raise


def _forget(engine: Engine, audit_id: int) -> None:
    """Delete the audit entry of an import that did not reach the register."""

    def work(session: Session) -> None:
        session.execute(AuditEntry.__table__.delete().where(AuditEntry.id == audit_id))

    try:
        repository.write(engine, work)
    except Exception:  # the next import's reconcile removes it
        log.exception("audit entry %s of a failed register import left for reconcile", audit_id)


def reconcile(engine: Engine, reg: register.Register) -> list[int]:
    """Delete the audit entries of register imports that the register never committed (a crash between
    the two commits); returns their ids. Call it with the register open for writing."""
    cur = reg.cursor()
    try:
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [IMPORTS_TABLE]
        ).fetchone()[0]
        done = (
            {r[0] for r in cur.execute(f"SELECT import_key FROM {IMPORTS_TABLE}").fetchall()}
            if exists
            else set()
        )
    finally:
        cur.close()
    with Session(engine) as session:
        entries = session.execute(
            select(AuditEntry.id, AuditEntry.after).where(
                AuditEntry.table_name.in_(TABLE_NAMES), AuditEntry.action == "import"
            )
        ).all()
    orphans = [
        entry_id
        for entry_id, after in entries
        if (key := (audit.parse(after) or {}).get("import")) is not None and key not in done
    ]
    for entry_id in orphans:
        log.warning("audit entry %s names a register import that never committed: removed", entry_id)
        _forget(engine, entry_id)
    return orphans
