"""« Données » › Importer: an uploaded bad file shows its problems by row and column, and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reindus.store.db import make_engine
from tests.support.accounts import sign_in
from tests.support.ingest import db_checksum
from tests.support.markdown import shown

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "broken"


@pytest.fixture
def home(demo_home, tmp_path, monkeypatch):
    for name in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / name, tmp_path / name)
    monkeypatch.setenv("REINDUS_HOME", str(tmp_path))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    return tmp_path


def _page() -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "administrateur")
    at.run()
    at.switch_page("pages/donnees.py")
    at.run()
    return at


def test_bad_upload_shows_problems_and_leaves_the_store_unchanged(home):
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    before = db_checksum(engine)
    at = _page()
    at.file_uploader[0].set_value(("projets.csv", (BROKEN / "negative_number.csv").read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any("1 erreur(s) : rien ne sera importé" in e.value for e in at.error)
    problems = next(df.value for df in at.dataframe if "problème" in getattr(df.value, "columns", []))
    first = problems.iloc[0]
    assert (first["ligne"], first["colonne"], first["valeur"]) == (2, "emplois prévus", "-12")
    assert first["problème"] == "nombre négatif"
    assert not [b for b in at.button if b.key == "import_confirm"]  # nothing to confirm
    assert db_checksum(engine) == before
    engine.dispose()


def test_good_upload_is_applied_only_after_confirmation(home):
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    before = db_checksum(engine)
    good = (BROKEN / "negative_number.csv").read_bytes().replace(b";-12;", b";12;")
    at = _page()
    at.file_uploader[0].set_value(("projets.csv", good, "text/csv"))
    at.run()
    assert any("1 ajouté(s), 0 mis à jour" in shown(i.value) for i in at.info)
    assert db_checksum(engine) == before
    at.button(key="import_confirm").click()
    at.run()
    assert any("Import terminé : 1 ajouté(s)" in shown(s.value) for s in at.success)
    assert db_checksum(engine) != before
    with engine.connect() as conn:  # the audit names the signed-in person, no typed name
        actors = conn.exec_driver_sql("SELECT actor FROM audit_log WHERE action = 'import'").scalars().all()
    assert actors[-1] == "admin <admin@demo.reindus.fr>"
    engine.dispose()
