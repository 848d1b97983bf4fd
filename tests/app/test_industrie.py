"""AppTest of « Industrie régionale »: an URSSAF file imported into a store, shown with source and year."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reindus.ingest import urssaf
from reindus.store import make_engine, session_factory
from reindus.text import formats
from tests.support.accounts import sign_in

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "urssaf_commune_ape.csv"


@pytest.fixture
def urssaf_env(demo_home, tmp_path, monkeypatch):
    """A copy of the demo store with the URSSAF fixture imported next to the demo series."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / name, home / name)
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    with session_factory(engine).begin() as session:
        summary = urssaf.import_stats(session, urssaf.read(FIXTURE), actor="test")
    engine.dispose()
    assert summary.added > 0
    monkeypatch.setenv("REINDUS_HOME", str(home))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    return home


def run_industrie() -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    at.run()
    at.switch_page("pages/industrie.py")
    at.run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_imported_urssaf_figures_are_shown_with_source_and_year(urssaf_env):
    at = run_industrie()
    # real data comes before the demo: newest URSSAF year, with its definition
    assert at.selectbox(key="ind_year").value == 2023
    assert at.selectbox(key="ind_series").value == 0
    text = captions(at)
    assert "Source : URSSAF, 2023" in text
    assert "Définition de l'industrie" in text and "divisions 10 à 33" in text
    metrics = {m.label: m.value for m in at.metric}
    # Normandie only (the fixture's three départements): 23 + 10 + 2 establishments, 3 620 + 945 + 1 457 jobs
    assert metrics["Établissements industriels (régions du programme)"] == "35"
    assert metrics["Effectifs salariés industriels (régions du programme)"] == formats.number(6022)
    assert metrics["Salariés par établissement (régions du programme)"] == formats.number(6022 / 35, 1)
    comparison = at.dataframe[0].value
    assert list(comparison["Indicateur"])[:2] == [
        "Établissements industriels",
        "Effectifs salariés industriels",
    ]
    assert comparison.iloc[0]["Territoire"] == "35"


def test_the_user_picks_one_series_when_several_exist_for_a_year(urssaf_env):
    at = run_industrie()
    series = at.selectbox(key="ind_series")
    assert len(series.options) == 2  # URSSAF and démo for 2023: never mixed
    series.set_value(1).run()
    assert not at.exception
    assert "Source : démo, 2023" in captions(at)
    assert any("Données de démonstration" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Établissements industriels (régions du programme)"] != "35"
