"""Ten coaches writing at the same instant, on SQLite and on PostgreSQL: every write succeeds or is
refused in French (never a database error), and no duplicate is ever stored."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from reindus.auth import Viewer, system_viewer
from reindus.errors import UserError
from reindus.ingest import importer
from reindus.sourcing import shortlist
from reindus.store import repository
from reindus.store.models import AuditEntry, ShortlistEntry
from reindus.store.repository import StoreBusyError

WRITERS = 10


def _together(n: int, action: Callable[[int], str]) -> list[tuple[str, str]]:
    """Run action(0 … n-1) in n threads released at once: [(« ok » or the error's class, message)]."""
    barrier = threading.Barrier(n)
    outcomes: list[tuple[str, str]] = [("", "")] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = ("ok", action(i))
        except (UserError, ValueError) as exc:  # what the page shows, in French
            outcomes[i] = (type(exc).__name__, str(exc))
        except BaseException as exc:  # anything else would be a traceback on the page
            outcomes[i] = ("crash", repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def coach(i: int) -> Viewer:
    """The administrateur, named per writer: the race is between writers, not permissions."""
    return system_viewer(f"coach {i}")


@pytest.fixture
def link_id(factory) -> int:
    return factory.link(factory.project()).id


def _rows(engine, link: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(select(ShortlistEntry).where(ShortlistEntry.link_id == link), conn)


def test_the_same_foreign_supplier_added_by_ten_coaches_at_once_is_stored_once(engine, link_id):
    outcomes = _together(
        WRITERS, lambda i: shortlist.add_foreign(engine, link_id, "Leinen GmbH", "DE", "", coach(i))
    )
    kinds = [k for k, _ in outcomes]
    assert "crash" not in kinds, outcomes
    assert kinds.count("ok") == 1, outcomes
    assert all("figure déjà" in m or "Réessayez" in m or "Rechargez" in m for k, m in outcomes if k != "ok")
    assert len(_rows(engine, link_id)) == 1


def test_ten_coaches_adding_suppliers_at_once_all_succeed(engine, link_id):
    def add(i: int) -> str:
        if i % 2:
            return shortlist.add_foreign(engine, link_id, f"Fournisseur {i}", "IT", "", coach(i))
        rows = pd.DataFrame(
            {"siret": ["55210055400013"], "name": ["Lin & Co"], "commune": ["76540"], "departement": ["76"]}
        )
        return shortlist.add_candidates(engine, link_id, rows, coach(i))

    outcomes = _together(WRITERS, add)
    assert [k for k, _ in outcomes] == ["ok"] * WRITERS, outcomes
    stored = _rows(engine, link_id)
    assert len(stored) == 1 + WRITERS // 2  # the register supplier once, each foreign one once
    assert stored["siret"].dropna().tolist() == ["55210055400013"]
    with engine.connect() as conn:
        inserts = conn.execute(
            select(func.count()).where(
                AuditEntry.table_name == "shortlist_entries", AuditEntry.action == "insert"
            )
        ).scalar_one()
    assert inserts == len(stored)  # one audit entry per row stored, none for a write that retried


def test_a_store_busy_beyond_the_retries_says_so_in_french_and_writes_nothing(engine, link_id, monkeypatch):
    calls = []

    def busy(session):
        calls.append(1)
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    with pytest.raises(StoreBusyError, match="Réessayez"):
        repository.write(engine, busy)
    assert len(calls) == repository.WRITE_ATTEMPTS
    assert _rows(engine, link_id).empty


def test_an_import_into_a_busy_store_is_refused_in_french(engine, monkeypatch):
    from reindus.ingest import projects

    def busy(session, parsed, actor):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(projects, "apply", busy)
    raw = "projet;département;commune;naf;édition;date de début\nA;76;76540;13.20Z;2023;04/09/2023\n"
    result = importer.run_import("projects", raw.encode(), "projets.csv", engine=engine, actor="t")
    assert not result.applied
    assert result.problems.lines() == [
        "projets.csv : rien n'a été importé : L'enregistrement n'a pas pu se faire : une autre "
        "modification était en cours au même moment. Réessayez."
    ]
