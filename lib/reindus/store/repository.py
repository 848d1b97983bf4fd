"""Writing to the store safely, and reading what it holds.

Every write here is audited in the same transaction. The functions flush but never commit: the
caller owns the transaction, typically

    with Session.begin() as session:
        update_versioned(session, Project, project_id, shown_version, {"status": "termine"}, actor)

Saving an edit (lost updates across reruns): keep the `version` that was *shown* to the user (session state) and pass
it back; the row is written only if it still has that version, else `StaleEditError` tells the user,
in French, to reload. The ORM's own version check only works inside one Session, which a Streamlit
rerun never is.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import false, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from reindus.errors import UserError, ValidationError
from reindus.store import audit
from reindus.store.models import MODELS, AuditEntry, Base, SourceMixin, is_versioned
from reindus.store.types import utcnow

M = TypeVar("M", bound=Base)
T = TypeVar("T")
log = logging.getLogger(__name__)

# Columns a caller may not set through `changes`: they are the bookkeeping of update_versioned.
PROTECTED_COLUMNS = frozenset({"id", "version", "created_at", "updated_at"})
_SQLITE_BUSY = 5  # primary result code; SQLITE_BUSY_SNAPSHOT (517) has the same low byte
_SQLITE_LOCKED = 6
# PostgreSQL: serialization failure, deadlock, lock not available: the transaction may simply be retried.
_PG_RETRYABLE = frozenset({"40001", "40P01", "55P03"})
_PG_UNIQUE = "23505"
WRITE_ATTEMPTS = 4


# --- errors -------------------------------------------------------------------------------------


def _subject(model: type[Base], row: Base | None = None, row_id: int | None = None) -> str:
    """« Le projet « Filature du Vexin » », « La demande de financement n° 4 »."""
    noun = model.row_noun or f"la ligne de {model.__tablename__}"
    noun = noun[0].upper() + noun[1:]
    name = row.display_name() if row is not None else f"n° {row_id}"
    return f"{noun} {name}"


def _e(model: type[Base]) -> str:
    return "e" if model.row_feminine else ""


class StoreError(UserError):
    """A refused write, with a French message meant for the user."""


class StaleEditError(StoreError):
    """Someone else saved the row since it was shown: nothing was written."""

    def __init__(
        self,
        model: type[Base],
        row: Base | None,
        row_id: int,
        shown_version: int,
        current_version: int | None,
    ) -> None:
        self.model = model
        self.table_name = model.__tablename__
        self.row_id = row_id
        self.shown_version = shown_version
        self.current_version = current_version
        e = _e(model)
        stored = (
            f"version {current_version} enregistrée"
            if current_version is not None
            else "une version plus récente est enregistrée"
        )
        super().__init__(
            f"{_subject(model, row, row_id)} a été modifié{e} par quelqu'un d'autre depuis que vous "
            f"l'avez ouvert{e} (version {shown_version} affichée, {stored}). "
            "Rechargez la page pour voir ses changements, puis refaites le vôtre."
        )


class RowNotFoundError(StoreError, LookupError):
    """The row does not exist (any more)."""

    def __init__(self, model: type[Base], row_id: int) -> None:
        self.model = model
        self.table_name = model.__tablename__
        self.row_id = row_id
        e = _e(model)
        pronoun = "elle" if model.row_feminine else "il"
        super().__init__(
            f"{_subject(model, None, row_id)} est introuvable : {pronoun} a peut-être été supprimé{e} "
            "par quelqu'un d'autre. Rechargez la page."
        )


class StoreBusyError(StoreError):
    """SQLite only: the write could not take the database lock because this transaction had already
    read and someone else has written since. Nothing was written; retrying in a new transaction works
    (or reports a real StaleEditError)."""

    def __init__(self) -> None:
        super().__init__(
            "L'enregistrement n'a pas pu se faire : une autre modification était en cours au même moment. "
            "Réessayez."
        )


class DuplicateRowError(StoreError):
    """A write refused by a unique constraint, even after a retry saw the committed rows."""

    def __init__(self) -> None:
        super().__init__(
            "L'enregistrement n'a pas pu se faire : la même ligne venait d'être ajoutée par quelqu'un "
            "d'autre. Rechargez la page."
        )


class RowInUseError(StoreError):
    """A delete refused because other rows still point at the row(s)."""

    def __init__(self, message: str, dependents: Mapping[str, int]) -> None:
        super().__init__(message)
        self.dependents = dict(dependents)


def _dependents_text(dependents: Mapping[str, int]) -> str:
    labels = {m.__tablename__: m.table_label for m in MODELS}
    return " ; ".join(f"{labels.get(t, t)} : {n}" for t, n in dependents.items())


# --- validation ---------------------------------------------------------------------------------


def _check_actor(actor: str) -> None:
    if not actor or not str(actor).strip():
        raise ValidationError("Indiquez qui fait la modification (actor vide).", field="actor")


def _check_choices(model: type[Base], values: Mapping[str, Any]) -> None:
    for column, allowed in model.column_choices.items():
        value = values.get(column)
        if value is not None and value not in allowed:
            raise ValidationError(
                f"« {value} » n'est pas une valeur possible pour {column} "
                f"({model.table_label}) : {', '.join(allowed)}",
                field=column,
            )


def _check_changes(model: type[Base], changes: Mapping[str, Any]) -> None:
    columns = model.__table__.c
    unknown = [k for k in changes if k not in columns]
    if unknown:
        raise ValueError(f"Colonnes inconnues dans {model.__tablename__} : {', '.join(unknown)}")
    protected = [k for k in changes if k in PROTECTED_COLUMNS]
    if protected:
        raise ValueError(f"Ces colonnes ne se modifient pas directement : {', '.join(protected)}")
    _check_choices(model, changes)


def _require_versioned(model: type[Base]) -> None:
    if not is_versioned(model):
        raise TypeError(f"{model.__tablename__} n'a pas de colonne version : pas d'édition versionnée")


# --- reads --------------------------------------------------------------------------------------


def load(session: Session, model: type[M], row_id: int) -> M:
    """The row as stored now (identity map refreshed); RowNotFoundError if it does not exist."""
    row = session.execute(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        raise RowNotFoundError(model, row_id)
    return row


def _current_version(session: Session, model: type[Base], row_id: int) -> int | None:
    table = model.__table__
    return session.execute(select(table.c.version).where(table.c.id == row_id)).scalar_one_or_none()


# --- writes -------------------------------------------------------------------------------------


def insert(session: Session, obj: M, actor: str) -> M:
    """Add one row and audit it (`after` = all its values). Returns the object, id and version set."""
    _check_actor(actor)
    model = type(obj)
    _check_choices(model, audit.row_values(obj))
    session.add(obj)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="insert",
        table_name=model.__tablename__,
        row_key=obj.id,
        after=audit.row_values(obj),
        model=model,
    )
    session.flush()
    return obj


def import_rows(
    session: Session,
    model: type[M],
    rows: Iterable[Mapping[str, Any] | M],
    actor: str,
    *,
    detail: str | None = None,
) -> list[M]:
    """Add many rows (dicts of column values, or model instances) with ONE audit entry, action
    « import », whose `after` holds the row count and the sources. For bulk loads: demo data, files.
    Returns the objects, ids set, in the order given."""
    _check_actor(actor)
    objs: list[M] = [r if isinstance(r, model) else model(**r) for r in rows]
    if not objs:
        return []
    for obj in objs:
        _check_choices(model, audit.row_values(obj))
    session.add_all(objs)
    session.flush()
    sources = sorted({str(getattr(o, "source", "")) for o in objs})
    audit.record(
        session,
        actor=actor,
        action="import",
        table_name=model.__tablename__,
        row_key=", ".join(sources)[:200],
        after={"lignes": len(objs), "sources": ", ".join(sources)},
        detail=detail or f"{len(objs)} lignes ajoutées à « {model.table_label} »",
    )
    session.flush()
    return objs


def update_versioned(
    session: Session,
    model: type[M],
    row_id: int,
    shown_version: int,
    changes: Mapping[str, Any],
    actor: str,
    *,
    detail: str | None = None,
) -> M:
    """Save `changes` (column -> new value) if the row still has `shown_version`.

    The row is read and locked first (PostgreSQL `FOR UPDATE`; SQLite takes its write lock), then
    written with one `UPDATE … SET …, version = version + 1 WHERE id = :id AND version = :shown`.
    A version other than `shown_version`, or zero rows updated, raises StaleEditError (RowNotFoundError
    if the row is gone) and writes nothing, no audit entry either. The audit entry holds only the
    fields that really change, plus the version. Changes equal to the stored values write nothing and
    keep the version. Returns the refreshed row.

    Call it at the start of its own transaction (`with Session.begin() as s:`): on SQLite a transaction
    that has already read may find the lock taken and raise StoreBusyError (retry).
    """
    _check_actor(actor)
    _require_versioned(model)
    _check_changes(model, changes)
    current = _load_for_write(session, model, row_id)
    if current.version != shown_version:
        raise StaleEditError(model, current, row_id, shown_version, current.version)
    stored = audit.row_values(current, changes.keys())
    effective = {k: v for k, v in changes.items() if not audit.same_value(model, k, stored[k], v)}
    if not effective:
        return current

    table = model.__table__
    stmt = (
        table.update()
        .where(table.c.id == row_id, table.c.version == shown_version)
        .values(**effective, version=table.c.version + 1, updated_at=utcnow())
    )
    rowcount = session.execute(stmt).rowcount
    if rowcount != 1:
        _raise_conflict(session, model, current, row_id, shown_version)

    audit.record(
        session,
        actor=actor,
        action="update",
        table_name=model.__tablename__,
        row_key=row_id,
        before={**{k: stored[k] for k in effective}, "version": shown_version},
        after={**effective, "version": shown_version + 1},
        detail=detail,
        model=model,
    )
    session.flush()
    return load(session, model, row_id)


def delete_versioned(
    session: Session,
    model: type[Base],
    row_id: int,
    shown_version: int,
    actor: str,
    *,
    detail: str | None = None,
) -> None:
    """Delete the row if it still has `shown_version` (`DELETE … WHERE id = :id AND version = :shown`).

    StaleEditError / RowNotFoundError as for update_versioned. Rows that the database deletes in cascade
    (a project's milestones) are audited one by one; rows that would block the delete (a project's
    supply-chain links, funding applications) raise RowInUseError, in French, before anything is written.
    """
    _check_actor(actor)
    _require_versioned(model)
    current = _load_for_write(session, model, row_id)
    if current.version != shown_version:
        raise StaleEditError(model, current, row_id, shown_version, current.version)

    table = model.__table__
    blocking: dict[str, int] = {}
    cascaded: list[Base] = []
    for child_model, fk in _referencing(model):
        where = fk.parent == row_id
        if fk.ondelete and fk.ondelete.upper() == "CASCADE":
            cascaded.extend(
                session.execute(select(child_model).where(where).order_by(child_model.id)).scalars()
            )
        else:
            n = session.execute(select(func.count()).select_from(child_model).where(where)).scalar_one()
            if n:
                blocking[child_model.__tablename__] = n
    if blocking:
        e = _e(model)
        raise RowInUseError(
            f"{_subject(model, current)} ne peut pas être supprimé{e} : des données y sont rattachées "
            f"({_dependents_text(blocking)}). Supprimez-les d'abord.",
            blocking,
        )

    before = audit.row_values(current)
    stmt = table.delete().where(table.c.id == row_id, table.c.version == shown_version)
    rowcount = session.execute(stmt).rowcount
    if rowcount != 1:
        _raise_conflict(session, model, current, row_id, shown_version)

    for child in cascaded:
        audit.record(
            session,
            actor=actor,
            action="delete",
            table_name=child.__tablename__,
            row_key=child.id,
            before=audit.row_values(child),
            detail=f"supprimé avec {model.row_noun} n° {row_id}",
            model=type(child),
        )
    audit.record(
        session,
        actor=actor,
        action="delete",
        table_name=model.__tablename__,
        row_key=row_id,
        before=before,
        detail=detail,
        model=model,
    )
    session.flush()
    for obj in (*cascaded, current):
        if obj in session:
            session.expunge(obj)


def purge_source(session: Session, source: str, actor: str, *, detail: str | None = None) -> dict[str, int]:
    """Delete every row whose `source` is `source`, in every table (children first), with one audit
    entry per table. For replacing the demo data or withdrawing an import. Refused (RowInUseError)
    if rows of other sources point at rows to delete. Returns {table_name: rows deleted}."""
    _check_actor(actor)
    take_write_lock(session, AuditEntry)
    sourced = [m for m in _models_in_dependency_order() if issubclass(m, SourceMixin)]
    blocking: dict[str, int] = {}
    for model in sourced:
        parent_ids = select(model.__table__.c.id).where(model.__table__.c.source == source)
        for child_model, fk in _referencing(model):
            if fk.ondelete and fk.ondelete.upper() == "CASCADE":
                continue
            child = child_model.__table__
            n = session.execute(
                select(func.count())
                .select_from(child)
                .where(fk.parent.in_(parent_ids), child.c.source != source)
            ).scalar_one()
            if n:
                blocking[child_model.__tablename__] = blocking.get(child_model.__tablename__, 0) + n
    if blocking:
        raise RowInUseError(
            f"Les données de source « {source} » ne peuvent pas être retirées : des lignes d'autres "
            f"sources y sont rattachées ({_dependents_text(blocking)}).",
            blocking,
        )
    session.flush()
    counts: dict[str, int] = {}
    for model in reversed(sourced):
        table = model.__table__
        n = session.execute(table.delete().where(table.c.source == source)).rowcount
        if n:
            counts[model.__tablename__] = n
            audit.record(
                session,
                actor=actor,
                action="delete",
                table_name=model.__tablename__,
                row_key=f"source={source}"[:200],
                before={"lignes": n, "sources": source},
                detail=detail or f"{n} lignes de source « {source} » retirées de « {model.table_label} »",
            )
    session.flush()
    session.expire_all()
    return counts


def is_busy(exc: BaseException) -> bool:
    """A database error that says « someone else is writing, try again » (SQLite busy or locked,
    PostgreSQL serialization failure, deadlock or lock timeout)."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    if isinstance(exc, OperationalError) and "database is locked" in str(exc):
        return True
    return getattr(orig, "sqlstate", None) in _PG_RETRYABLE


def _is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == _PG_UNIQUE or "UNIQUE constraint failed" in str(orig)


def writer(engine: Engine) -> Engine:
    """`engine` whose transactions take the write lock at BEGIN on SQLite (BEGIN IMMEDIATE): a
    transaction that reads then writes waits for another writer (busy_timeout) instead of failing
    with « database is locked »."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin_immediate=True)
    return engine


def write(engine: Engine, work: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
    """Run `work(session)` in one write transaction (committed when it returns), retried a few times,
    with a short random pause, when the database is busy or when a unique constraint refused a row
    that another writer added meanwhile (the retry sees it). Then StoreBusyError or
    DuplicateRowError, in French: never a database traceback for contention."""
    factory = sessionmaker(writer(engine), expire_on_commit=False)
    for attempt in range(1, attempts + 1):
        try:
            with factory.begin() as session:
                return work(session)
        except StoreBusyError:
            failure: StoreError = StoreBusyError()
        except IntegrityError as exc:
            if not _is_unique_violation(exc):
                raise
            failure = DuplicateRowError()
        except DBAPIError as exc:
            if not is_busy(exc):
                raise
            failure = StoreBusyError()
        log.info("write attempt %d/%d refused: %s", attempt, attempts, type(failure).__name__)
        if attempt < attempts:
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise failure


def take_write_lock(session: Session, model: type[Base]) -> None:
    """SQLite: take the database write lock before reading what is about to be changed.

    In WAL mode a transaction that reads first and writes later cannot wait for another writer: it
    fails at once with « database is locked ». A no-op UPDATE as the first statement makes it wait
    (busy_timeout) for the other writer to commit, and then read the latest data.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    table = model.__table__
    try:
        session.execute(table.update().where(false()).values(id=table.c.id))
    except OperationalError as exc:
        if is_busy(exc):
            raise StoreBusyError() from exc
        raise


def _load_for_write(session: Session, model: type[M], row_id: int) -> M:
    """The current row, locked until the end of the transaction (PostgreSQL: FOR UPDATE; SQLite:
    the database write lock)."""
    take_write_lock(session, model)
    row = session.execute(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        raise RowNotFoundError(model, row_id)
    return row


def _raise_conflict(session: Session, model, current, row_id: int, shown_version: int) -> None:
    version = _current_version(session, model, row_id)
    if version is None:
        raise RowNotFoundError(model, row_id)
    raise StaleEditError(model, current, row_id, shown_version, version)


def _referencing(model: type[Base]):
    """(child model, foreign key) for every foreign key that points at `model`."""
    out = []
    for child in MODELS:
        for fk in child.__table__.foreign_keys:
            if fk.column.table is model.__table__:
                out.append((child, fk))
    return out


def _models_in_dependency_order() -> list[type[Base]]:
    by_table = {m.__table__: m for m in MODELS}
    return [by_table[t] for t in Base.metadata.sorted_tables if t in by_table]


# --- what the store holds -----------------------------------------------------------------------

INVENTORY_COLUMNS = ["table", "source", "rows"]


def inventory(session: Session, *, include_empty: bool = False) -> pd.DataFrame:
    """One row per (table, source), for the « Données » page: `table` is the French label
    (« Projets »; models.TABLE_LABELS maps table names to labels), `source`, `rows` the row count.
    Tables in schema order, sources alphabetical; the audit log is not listed (see last_change).
    With include_empty, an empty table appears once with source "" and 0 rows."""
    records: list[tuple[str, str, int]] = []
    for model in MODELS:
        if not issubclass(model, SourceMixin):
            continue
        table = model.__table__
        rows = session.execute(
            select(table.c.source, func.count()).group_by(table.c.source).order_by(table.c.source)
        ).all()
        records.extend((model.table_label, source, int(n)) for source, n in rows)
        if not rows and include_empty:
            records.append((model.table_label, "", 0))
    df = pd.DataFrame.from_records(records, columns=INVENTORY_COLUMNS)
    return df.astype({"table": "object", "source": "object", "rows": "int64"})


def last_change(session: Session) -> datetime | None:
    """When the store last changed (latest audit entry, UTC), or None if nothing was ever written."""
    return session.execute(select(func.max(AuditEntry.at))).scalar_one_or_none()


HISTORY_COLUMNS = ["at", "actor", "action", "table", "libelle", "row_key", "before", "after", "detail"]


def audit_history(
    session: Session,
    *,
    table_name: str | None = None,
    row_key: str | int | None = None,
    limit: int = 200,
) -> pd.DataFrame:
    """The latest audit entries, newest first; `before` / `after` parsed back into dicts."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if table_name is not None:
        stmt = stmt.where(AuditEntry.table_name == table_name)
    if row_key is not None:
        stmt = stmt.where(AuditEntry.row_key == str(row_key))
    labels = {m.__tablename__: m.table_label for m in MODELS}
    records = [
        {
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "table": e.table_name,
            "libelle": labels.get(e.table_name, e.table_name),
            "row_key": e.row_key,
            "before": audit.parse(e.before),
            "after": audit.parse(e.after),
            "detail": e.detail,
        }
        for e in session.execute(stmt).scalars()
    ]
    df = pd.DataFrame.from_records(records, columns=HISTORY_COLUMNS)
    df["at"] = pd.to_datetime(df["at"], utc=True)
    return df
