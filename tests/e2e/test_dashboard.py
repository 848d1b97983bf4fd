"""Browser tests of « Tableau de bord » and « Avancement des projets »: they render, in French, with charts."""

import re

import pytest

from tests.e2e.conftest import assert_no_error, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

RAW_CODES = re.compile(r"\b(en_cours|abandonne|a_l_heure|a_risque|en_retard|etude_marche|share_in_region)\b")


def _settle(page, height: int = 1000) -> None:
    # Streamlit scrolls inside its own container: a tall window is what shows the whole page
    page.set_viewport_size({"width": 1600, "height": height})
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # let plotly finish drawing before the screenshot


def test_dashboard_renders_in_french(page, app_url):
    page.goto(app_url)  # the default page
    page.get_by_role("heading", name="Tableau de bord").wait_for(timeout=60_000)
    _settle(page, 5200)
    assert_no_error(page)
    page.get_by_text("Données de démonstration").first.wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    for label in (
        "Part des retenus dans la région",
        "Projets accompagnés",
        "Financements accordés",
        "Les régions côte à côte",
        "Éditions successives",
        "Source : base opérationnelle",
    ):
        assert label in body
    assert not RAW_CODES.search(body)
    assert page.locator(".js-plotly-plot").count() >= 3
    svg = " ".join(page.locator(".js-plotly-plot").all_inner_texts())
    assert "Normandie" in svg and "Taux de succès des dossiers" in svg
    shot = screenshot(page, "tableau_de_bord")
    assert shot.stat().st_size > 50_000


def test_deep_link_opens_the_same_selection(page, app_url):
    page.goto(f"{app_url}/?edition=2026&region=Normandie")
    page.get_by_role("heading", name="Tableau de bord").wait_for(timeout=60_000)
    _settle(page)
    assert "édition 2026 · Normandie" in page.locator('[data-testid="stMain"]').inner_text()
    # the selection follows the user to the other page (kept in session state by the filter bar)
    page.get_by_role("link", name="Avancement des projets").click()
    page.get_by_role("heading", name="Avancement des projets").wait_for(timeout=60_000)
    _settle(page)
    assert "édition 2026 · Normandie" in page.locator('[data-testid="stMain"]').inner_text()
    assert_no_error(page)


def test_progress_page_renders_in_french(page, app_url):
    page.goto(f"{app_url}/avancement?edition=2026")
    page.get_by_role("heading", name="Avancement des projets").wait_for(timeout=60_000)
    _settle(page, 3000)
    assert_no_error(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    for label in (
        "À l'heure",
        "En retard",
        "Écart moyen au rétroplanning",
        "Rétroplanning des projets — édition 2026",
        "Fiche projet",
    ):
        assert label in body
    assert not RAW_CODES.search(body)
    svg = " ".join(page.locator(".js-plotly-plot").all_inner_texts())
    assert "Aujourd'hui" in svg and "Prévu (rétroplanning)" in svg
    shot = screenshot(page, "avancement")
    assert shot.stat().st_size > 50_000
