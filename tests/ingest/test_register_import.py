"""One outcome across both stores: an establishments import changes the register and writes its audit
entry together, or changes neither; staging folders never outlive their import. And the register's own
export comes back unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from reindus import register
from reindus.exchange import export, tables
from reindus.ingest import establishments, staging
from reindus.ingest.importer import run_import
from reindus.reference.siret import make_siret
from reindus.store import audit
from reindus.store.models import AuditEntry


def _register_state(path: Path) -> tuple[int, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT count(*), coalesce(sum(hash(siret, name, naf, active, commune)), 0)::VARCHAR FROM establishments"
        ).fetchone()


def _imports(engine) -> int:
    with Session(engine) as s:
        return s.execute(
            select(func.count()).where(
                AuditEntry.table_name == "establishments", AuditEntry.action == "import"
            )
        ).scalar_one()


def _my_staging() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{staging.PREFIX}*-{os.getpid()}-*"))


def _new_rows(n: int = 3) -> bytes:
    frame = pd.DataFrame(
        {
            "siret": [make_siret("55203253", str(900 + i)) for i in range(n)],
            "raison sociale": [f"Nouvelle {i}" for i in range(n)],
            "naf": ["13.20Z"] * n,
            "code commune": ["76540"] * n,
            "état": ["A"] * n,
        }
    )
    return frame.to_csv(sep=";", index=False).encode()


@pytest.fixture
def home(store, tmp_path):
    return store, tmp_path / "register.duckdb"


def test_an_audit_write_that_fails_after_the_register_load_leaves_the_register_unchanged(home, monkeypatch):
    engine, path = home
    before, audits, folders = _register_state(path), _imports(engine), _my_staging()
    reached = []

    def failing(*args, **kwargs):
        reached.append(True)  # the register's new table is built and checked by now
        raise OperationalError("INSERT INTO audit_log", {}, Exception("database is locked"))

    monkeypatch.setattr(establishments, "audit_entry", failing)
    result = run_import(
        "establishments", _new_rows(), "annuaire.csv", engine=engine, actor="t", register_path=path
    )
    assert reached and not result.applied
    assert any("Réessayez" in line for line in result.problems.lines()), result.problems.lines()
    assert _register_state(path) == before
    assert _imports(engine) == audits
    assert _my_staging() == folders


def test_a_register_commit_that_fails_after_the_audit_write_removes_the_entry(home, monkeypatch):
    engine, path = home
    before, audits, folders = _register_state(path), _imports(engine), _my_staging()
    real = register.load_file

    def load_then_fail(reg, parquet, *, replace, before_commit):
        def fail_after(cur):
            before_commit(cur)
            assert _imports(engine) == audits + 1  # the audit entry is committed at this point
            raise duckdb.IOException("disk full")

        return real(reg, parquet, replace=replace, before_commit=fail_after)

    monkeypatch.setattr(register, "load_file", load_then_fail)
    result = run_import(
        "establishments", _new_rows(), "annuaire.csv", engine=engine, actor="t", register_path=path
    )
    assert not result.applied and "registre est inchangé" in result.problems.lines()[0]
    assert _register_state(path) == before and _imports(engine) == audits
    assert _my_staging() == folders


def test_an_import_records_itself_in_both_stores_and_reconciles_a_crashed_one(home):
    engine, path = home
    with Session(engine) as s, s.begin():  # an import that died between the two commits
        audit.record(
            s,
            actor="t",
            action="import",
            table_name="establishments",
            row_key="fichier:x",
            after={"import": "jamais-commis"},
        )
    audits = _imports(engine)
    result = run_import(
        "establishments", _new_rows(), "annuaire.csv", engine=engine, actor="t", register_path=path
    )
    assert result.applied, result.problems.lines()
    assert _register_state(path)[0] == 24_003
    assert _imports(engine) == audits  # one entry added, the crashed one's removed
    with Session(engine) as s:
        keys = [
            audit.parse(a).get("import")
            for a in s.scalars(select(AuditEntry.after).where(AuditEntry.table_name == "establishments"))
        ]
    with duckdb.connect(str(path), read_only=True) as con:
        committed = {r[0] for r in con.execute("SELECT import_key FROM register_imports").fetchall()}
    assert "jamais-commis" not in keys and [k for k in keys if k] == list(committed)


def test_a_register_held_by_another_process_is_refused_in_french(home):
    engine, path = home
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"ok"
        result = run_import(
            "establishments", _new_rows(), "annuaire.csv", engine=engine, actor="t", register_path=path
        )
    finally:
        holder.kill()
        holder.wait()
    assert not result.applied
    assert result.problems.lines() == [
        "annuaire.csv : Le registre des établissements est ouvert par un autre programme (l'application, ou un "
        "autre import) : arrêtez-le, puis relancez l'import. Rien n'a été importé."
    ]


def test_staging_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    left = tmp_path / f"{staging.PREFIX}etab-{dead.stdout.strip()}-abc"
    mine = tmp_path / f"{staging.PREFIX}etab-{os.getpid()}-def"
    other = tmp_path / "autre-dossier-1-x"
    for folder in (left, mine, other):
        folder.mkdir()
        (folder / "staging.duckdb").write_bytes(b"x" * 1000)
    assert staging.sweep(tmp_path) == [left]
    assert not left.exists() and mine.exists() and other.exists()


def test_the_register_export_is_complete_and_reimports_with_nothing_updated(home, tmp_path):
    engine, path = home
    with register.open_register(path, read_only=True) as reg:
        sole = (
            reg.cursor()
            .execute(
                "SELECT siret, name FROM establishments WHERE legal_category = ? ORDER BY siret LIMIT 1",
                [register.SOLE_TRADER],
            )
            .fetchone()
        )
    out = tmp_path / "etablissements.csv"
    with out.open("wb") as fh:  # batches far smaller than the register: a cap would show
        rows = export.write_csv(tables.establishment_batches(path, batch_rows=5_000), fh)
    assert rows == 24_000 and register.MASKED_NAME in out.read_text(encoding="utf-8-sig")
    before = _register_state(path)
    result = run_import(
        "establishments", out.read_bytes(), out.name, engine=engine, actor="t", register_path=path
    )
    assert result.ok, result.problems.lines()
    assert result.summary.message == "0 ajouté(s), 0 mis à jour, 24000 inchangé(s)"
    assert _register_state(path) == before
    with register.open_register(path, read_only=True) as reg:
        assert register.by_siret(reg, [sole[0]], show_personal_names=True)["name"].tolist() == [sole[1]]


def test_an_xlsx_export_beyond_a_sheet_is_refused_not_cut(home, monkeypatch):
    engine, path = home
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 10_000)
    with pytest.raises(export.ExportTooLargeError, match="exportez en CSV"):
        tables.write_file("establishments", engine, open(os.devnull, "wb"), "xlsx", register_path=path)


def test_a_directory_without_a_state_column_lists_active_establishments(home):
    engine, path = home
    raw = _new_rows().decode().replace(";état", "").replace(";A\n", "\n").encode()
    assert "état" not in raw.decode()
    result = run_import("establishments", raw, "annuaire.csv", engine=engine, actor="t", register_path=path)
    assert result.applied, result.problems.lines()
    assert result.summary.message == (
        "3 ajouté(s), 0 mis à jour, 0 inchangé(s) (pas de colonne « état » : tous les établissements du "
        "fichier sont comptés en activité)"
    )
    with register.open_register(path, read_only=True) as reg:
        rows = register.by_siret(reg, [make_siret("55203253", str(900 + i)) for i in range(3)])
    assert rows["active"].tolist() == [True, True, True]
