"""AppTest of « Industrie régionale »: an URSSAF file imported into a store, shown with source and year."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reindus.ingest import urssaf
from reindus.store import make_engine, session_factory
from reindus.text import formats
from tests.support.accounts import sign_in
from tests.support.markdown import shown

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
    return "\n".join(shown(c.value) for c in at.caption)


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


def test_capability_gaps_of_a_region_match_the_pure_ranking(demo_env):
    from reindus import config, register
    from reindus.industry import indicators
    from reindus.programme import data as frames
    from reindus.sourcing import gaps

    at = run_industrie()
    at.selectbox(key="gap_region").set_value("32")
    at.run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Activité (NAF)" in d.value.columns)
    engine = make_engine(config.database_url())
    stats = frames.load_industry(engine)
    _, source, definition = indicators.preferred_series(indicators.available_series(stats))
    with register.open_register(config.register_path(), read_only=True) as reg:
        want = gaps.gaps_for_region(
            frames.load_projects(engine),
            frames.load_links(engine),
            frames.load_shortlist(engine),
            "32",
            indicators.series_history(stats, source, definition),
            reg,
        )
    engine.dispose()
    assert len(want) > 0
    assert list(table["Activité (NAF)"]) == list(want["activity"])
    assert list(table["Projets sans fournisseur régional qualifié"]) == list(want["projects_lacking"])
    assert list(table["Établissements actifs en France (registre)"]) == list(want["france_establishments"])
    text = captions(at)
    assert (
        "Un projet manque d'un fournisseur régional" in text and "registre des établissements (démo" in text
    )
    assert sum("Exporter" in str(b.proto.label) for b in at.get("download_button")) >= 2


def test_capability_gaps_show_in_atelier_mode_without_exports(demo_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["mode"] = "atelier"
    at.run()
    at.switch_page("pages/industrie.py")
    at.run()
    assert not at.exception, at.exception
    assert [h for h in at.header if h.value == "Capacités manquantes de la région"]
    table = next(d.value for d in at.dataframe if "Activité (NAF)" in d.value.columns)
    assert len(table) > 0 and not [c for c in table.columns if "nom" in c.lower()]
    assert not [b for b in at.get("download_button") if "Exporter" in str(b.proto.label)]
