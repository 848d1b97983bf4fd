"""AppTest runs of the app: every page renders without exception on the demo data."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reindus.exchange.inventory import store_inventory
from reindus.store.db import make_engine
from reindus.text import formats
from reindus.ui import navigation
from tests.support.accounts import sign_in

ROOT = Path(__file__).resolve().parents[2]
PAGES = [p.file for p in navigation.PAGES]  # the default page first


def run_page(page: str) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "administrateur")
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(demo_env, page):
    at = run_page(page)
    assert not at.exception, at.exception


def test_donnees_shows_the_store_counts_and_the_demo_banner(demo_env):
    at = run_page("pages/donnees.py")
    inv = store_inventory(
        make_engine(f"sqlite:///{demo_env / 'reindus.sqlite'}"), demo_env / "register.duckdb"
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projets"] == formats.number(inv.count("projects"))
    assert metrics["Conseillers"] == "60"
    assert metrics["Établissements au registre"] == formats.number(24_000)
    assert any("Données de démonstration" in w.value for w in at.warning)
    tables = [df.value for df in at.dataframe]
    by_table = tables[0].set_index("table")["rows"]
    assert by_table["Projets"] == inv.count("projects")
