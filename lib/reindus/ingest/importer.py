"""Running an import: read and check the whole file, then apply it in ONE transaction, or nothing.

    result = run_import("projects", raw_bytes, "projets.xlsx", engine=engine, actor="Marie Dupont")
    result.problems.lines()   # errors and warnings, one line each, in French
    result.summary.message    # « 3 ajouté(s), 1 mis à jour, 70 inchangé(s) »

- A file with any error writes nothing (`result.applied` is False).
- A file with warnings only (an unknown coach to create ...) is applied only with `accept_warnings=True`.
- `dry_run=True` computes the summary inside a transaction that is rolled back.
- Upserts go on natural keys (project: name + edition; SIRET for establishments ...). Importing the
  same file again adds and updates nothing and writes nothing, not even an audit entry; an import that
  changes something writes one audit entry (action « import ») with the file's name and SHA-256.

From the app, `import_as(viewer, …)`: only an administrateur may import, and the audit names them; the
command line calls `run_import` with `cli:<system user>`.

Each kind is a module with `read(raw, name, session) -> Parsed` and `apply(session, parsed, actor)
-> Summary` (`KINDS`). Establishments go to the DuckDB register, not to the store: see
`establishments.run_import`.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from reindus.auth import Viewer
from reindus.errors import ValidationError
from reindus.ingest.problems import Problems
from reindus.store import audit

# kind → (module under reindus.ingest, French label)
KINDS: dict[str, tuple[str, str]] = {
    "projects": ("projects", "Projets"),
    "links": ("links", "Maillons des chaînes de valeur"),
    "shortlists": ("shortlists", "Fournisseurs présélectionnés"),
    "establishments": ("establishments", "Établissements (registre)"),
    "industry": ("industry_stats", "Statistiques industrielles"),
    "openings": ("openings", "Ouvertures et fermetures de sites"),
}


def checksum(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def __add__(self, other: Summary) -> Summary:
        return Summary(
            self.added + other.added, self.updated + other.updated, self.unchanged + other.unchanged
        )

    @property
    def message(self) -> str:
        return f"{self.added} ajouté(s), {self.updated} mis à jour, {self.unchanged} inchangé(s)"

    @property
    def english(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class Parsed:
    """A file read and checked: records ready to apply (each with `_line`), problems, the raw table."""

    kind: str
    name: str
    checksum: str
    problems: Problems
    records: list[dict[str, Any]] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # the cells as read (for the preview)
    description: str = ""  # « CSV, encodage cp1252, séparateur point-virgule »
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problems.ok


@dataclass
class ImportResult:
    parsed: Parsed
    summary: Summary | None = None
    applied: bool = False
    dry_run: bool = False
    needs_confirmation: bool = False

    @property
    def problems(self) -> Problems:
        return self.parsed.problems

    @property
    def ok(self) -> bool:
        return self.parsed.ok


def module(kind: str):
    if kind not in KINDS:
        raise ValueError(f"type d'import inconnu : {kind!r} (attendu : {', '.join(KINDS)})")
    return importlib.import_module(f"reindus.ingest.{KINDS[kind][0]}")


def read(kind: str, raw: bytes, name: str, *, engine: Engine | None = None) -> Parsed:
    """Read and check a file without writing anything."""
    mod = module(kind)
    if engine is None:
        return mod.read(raw, name, None)
    with Session(engine) as session:
        return mod.read(raw, name, session)


def import_as(viewer: Viewer, kind: str, raw: bytes, name: str, **options: Any) -> ImportResult:
    """`run_import` for a signed-in person: PermissionDeniedError (French) unless they may import,
    dry runs included (an upload is already a write to the server)."""
    viewer.require_import()
    return run_import(kind, raw, name, actor=viewer.actor, **options)


def run_import(
    kind: str,
    raw: bytes,
    name: str,
    *,
    engine: Engine,
    actor: str,
    dry_run: bool = False,
    accept_warnings: bool = False,
    register_path=None,
    progress=None,
) -> ImportResult:
    """Read, check and (unless there are errors, or unconfirmed warnings, or dry_run) apply a file."""
    if not actor or not str(actor).strip():
        raise ValidationError("Indiquez qui fait l'import (actor vide).", field="actor")
    if kind == "establishments":
        from reindus.ingest import establishments

        return establishments.run_import(
            raw,
            name,
            engine=engine,
            actor=actor,
            dry_run=dry_run,
            register_path=register_path,
            progress=progress,
        )
    mod = module(kind)
    with Session(engine) as session:
        parsed = mod.read(raw, name, session)
    result = ImportResult(parsed, dry_run=dry_run)
    if not parsed.ok:
        return result
    apply_now = not dry_run and (accept_warnings or parsed.problems.warnings == 0)
    result.needs_confirmation = parsed.problems.warnings > 0 and not accept_warnings
    session = Session(engine, expire_on_commit=False)
    try:
        session.begin()
        summary = mod.apply(session, parsed, actor)
        if summary.changed:
            record_import(session, parsed, actor, summary, table_name=getattr(mod, "TABLE", kind))
        if apply_now:
            session.commit()
        else:
            session.rollback()
        result.summary = summary
        result.applied = apply_now
    except SQLAlchemyError as exc:
        session.rollback()
        parsed.problems.add(
            0,
            "",
            "",
            f"refusé par la base de données, rien n'a été importé : "
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
        )
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    return result


def record_import(session: Session, parsed: Parsed, actor: str, summary: Summary, *, table_name: str) -> None:
    label = KINDS[parsed.kind][1]
    audit.record(
        session,
        actor=actor,
        action="import",
        table_name=table_name,
        row_key=f"fichier:{parsed.name}"[:200],
        after={
            "fichier": parsed.name,
            "sha256": parsed.checksum,
            "ajoutés": summary.added,
            "mis à jour": summary.updated,
            "inchangés": summary.unchanged,
        },
        detail=f"Import « {label} » du fichier « {parsed.name} » (sha256 {parsed.checksum[:12]}…) : "
        f"{summary.message}",
    )
    session.flush()


def source_of(name: str) -> str:
    return f"import:{name}"[:200]


def upsert(
    session: Session, model, keys: tuple[str, ...], records: list[dict[str, Any]], source: str, *, scope=None
) -> Summary:
    """Add or update `model` rows on their natural key `keys`; compares the other fields given.
    `scope` is an optional WHERE clause limiting the rows loaded for comparison."""
    from sqlalchemy import select

    from reindus.store.repository import take_write_lock

    take_write_lock(session, model)
    stmt = select(model)
    if scope is not None:
        stmt = stmt.where(scope)
    existing = {tuple(getattr(r, k) for k in keys): r for r in session.execute(stmt).scalars()}
    added = updated = unchanged = 0
    for rec in records:
        values = {k: v for k, v in rec.items() if not k.startswith("_")}
        row = existing.get(tuple(values[k] for k in keys))
        if row is None:
            obj = model(source=source, **values)
            session.add(obj)
            existing[tuple(values[k] for k in keys)] = obj
            added += 1
            continue
        changed = update_row(
            row, changed_values(model, row, {k: v for k, v in values.items() if k not in keys})
        )
        updated += changed
        unchanged += not changed
    session.flush()
    return Summary(added, updated, unchanged)


def changed_values(model, row, values: dict[str, Any]) -> dict[str, Any]:
    """The `values` that differ from `row`'s, compared as the audit log writes them (decimals at the
    column's scale, dates as ISO text)."""
    return {k: v for k, v in values.items() if not audit.same_value(model, k, getattr(row, k), v)}


def update_row(row, changes: dict[str, Any]) -> bool:
    """Set `changes` on `row`; True when there were any."""
    for k, v in changes.items():
        setattr(row, k, v)
    return bool(changes)


def upsert_by_source(
    session: Session, model, keys: tuple[str, ...], records: list[dict[str, Any]]
) -> Summary:
    """`upsert` each source's records (their `source` field) against that source's rows only."""
    summary = Summary()
    for source in sorted({r["source"] for r in records}):
        part = [{k: v for k, v in r.items() if k != "source"} for r in records if r["source"] == source]
        summary += upsert(session, model, keys, part, source, scope=model.source == source)
    return summary


def project_ids(session: Session | None) -> dict[tuple[str, int], int]:
    from sqlalchemy import select

    from reindus.store.models import Project

    if session is None:
        return {}
    return {(n, e): i for i, n, e in session.execute(select(Project.id, Project.name, Project.edition))}
