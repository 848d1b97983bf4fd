"""The « Industrie régionale » page in Chromium: the folium map, its legend, the region comparison."""

import pytest

from tests.support.e2e import assert_no_error, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

MAP_IFRAME = 'iframe[title*="st_folium"]'


def test_industrie_page_shows_choropleth_legend_and_comparison(page, app_url):
    page.goto(f"{app_url}/industrie")
    page.get_by_role("heading", name="Industrie régionale").wait_for(timeout=60_000)
    wait_for_app(page)
    # attached, not visible: without Leaflet the component never sets its height (0 px)
    page.locator(MAP_IFRAME).wait_for(state="attached", timeout=60_000)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator("#map_div").wait_for(state="attached", timeout=30_000)

    # Leaflet is served by the app (no internet here): the map draws one SVG path per département
    # plus the outlines of the programme's regions, and its French legend
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame.locator("path.leaflet-interactive").first.wait_for()
    assert frame.locator("svg path").count() >= 30
    legend = frame.locator("#ri-legend")
    text = legend.inner_text()
    assert "Source : démo" in text
    assert "Régions du programme" in text and "Normandie" in text
    assert text.count("de ") >= 3  # class bounds « de 1 234 à 5 678 »
    assert legend.locator(".ri-swatch").count() >= 3

    assert page.get_by_text("Définition de l'industrie").count() >= 1
    assert page.get_by_text("Source : démo,").count() >= 1
    page.get_by_role("heading", name="Comparer un territoire").wait_for()
    page.get_by_role("heading", name="Les régions du programme").wait_for()
    page.get_by_text("Données de démonstration").first.wait_for()
    assert_no_error(page)
    # Streamlit scrolls inside its main block: a tall viewport puts the map, its legend, the comparison
    # and the programme's region charts in one screenshot.
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.wait_for_timeout(2500)  # let plotly and the map (refitted on resize) finish drawing
    shot = screenshot(page, "industrie")
    assert shot.stat().st_size > 50_000
