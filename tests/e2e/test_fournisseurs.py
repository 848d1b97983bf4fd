"""« Fournisseurs » in headless Chromium: the offline map (clusters, choropleth), adding a candidate to
the shortlist and finding it after a reload, and data that must never run as script."""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from reindus.register import append, open_register
from tests.support.e2e import assert_no_error, local, screenshot, serve_signed, sign_in, wait_for_app

pytestmark = pytest.mark.e2e

EVIL_NAMES = ["<img src=x onerror=window.__pwned=1>", "${window.__pwned=1}"]


# The map draws on a canvas (preferCanvas): look for the départements' GeoJSON layer itself.
CHOROPLETH_DRAWN = """() => Object.keys(window).some(k => k.startsWith('geo_json') && window[k]
    && window[k].getLayers && window[k].getLayers().length > 90)
    && document.querySelectorAll('.leaflet-overlay-pane canvas').length > 0"""


def settle(page):
    """Let a rerun start (the running indicator appears a moment after the event), then finish."""
    page.wait_for_timeout(800)
    wait_for_app(page)


CLUSTERS_DRAWN = "() => document.querySelectorAll('.marker-cluster').length > 0"


def _map_frame(page, clusters: bool = False):
    """The streamlit-folium iframe, once Leaflet has drawn the départements (and the clusters).

    A rerun may replace the iframe while we look: keep polling the current frames until one is drawn,
    rather than waiting on a frame that may be detached."""
    page.locator('iframe[title="streamlit_folium.st_folium"]').first.wait_for(
        state="attached", timeout=60_000
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    if frame.evaluate(CHOROPLETH_DRAWN) and (not clusters or frame.evaluate(CLUSTERS_DRAWN)):
                        return frame
                except Exception:  # the frame was replaced by a rerun
                    pass
        page.wait_for_timeout(300)
    screenshot(page, "fournisseurs-sans-carte")
    raise AssertionError("la carte ne s'est pas affichée")


def _open(page, url):
    # a deep link opened first: `reindus serve` makes app.py's navigation answer it
    page.goto(url)
    page.get_by_role("heading", name="Fournisseurs").wait_for(timeout=60_000)
    settle(page)


def _choose_scope(page, label):
    page.locator('[data-testid="stButtonGroup"]').get_by_text(label, exact=True).click()
    settle(page)


def _choose_link(page, label, activity):
    page.get_by_test_id("stSelectbox").nth(1).click()
    page.get_by_role("option", name=label).click()
    page.get_by_text(f"Activités recherchées : {activity}").wait_for(timeout=30_000)
    settle(page)


def _download_csv(page, expected="maillon3") -> list[dict]:
    for _ in range(10):  # the button of the previous run may still be on screen for a moment
        with page.expect_download() as info:
            # the shortlist's button, after the candidate list's own export
            page.get_by_role("button", name="Exporter en CSV").last.click()
        if expected in info.value.suggested_filename:
            break
        settle(page)
    assert expected in info.value.suggested_filename
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_map_clusters_choropleth_and_shortlist_survives_reload(page, app_url):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    _open(page, f"{app_url}/fournisseurs")
    _choose_link(page, "3. Boîtiers (22.29A,25.99B)", "22.29A")
    _choose_scope(page, "Toute la France")
    frame = _map_frame(page, clusters=True)
    assert frame.locator(".marker-cluster").count() > 0
    assert frame.locator(".reindus-legend").inner_text().startswith("Candidats par département")
    assert frame.evaluate("() => typeof L.markerClusterGroup") == "function"
    assert_no_error(page)
    # every map asset came from the app itself
    vendor = [u for u in requests if "/app/static/vendor/" in u]
    assert any(u.endswith("leaflet.js") for u in vendor) and any("markercluster" in u for u in vendor)
    assert not [u for u in requests if "leaflet" in u and not u.startswith(app_url)]
    screenshot(page, "fournisseurs-carte")

    before = _download_csv(page)
    # tick the first candidate (row-selection column of the data grid), then add it
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 18)
    settle(page)
    add = page.get_by_role("button", name="Ajouter 1 candidat(s) à la présélection")
    add.click()
    page.get_by_text("1 fournisseur(s) ajouté(s) à la présélection.").wait_for(timeout=30_000)
    settle(page)
    screenshot(page, "fournisseurs-preselection")

    page.reload()
    _open(page, page.url)
    _choose_link(page, "3. Boîtiers (22.29A,25.99B)", "22.29A")
    after = _download_csv(page)
    assert len(after) == len(before) + 1
    added = [r for r in after if r["Source"] == "saisie"]
    assert added and added[-1]["Statut"] == "Identifié"
    assert_no_error(page)


@pytest.fixture(scope="module")
def evil_app_url(demo_home: Path, tmp_path_factory) -> str:
    """A second server on a copy of the demo home whose register holds suppliers with hostile names,
    candidates for the first link (26.11Z) of the first project (Normandie)."""
    home = tmp_path_factory.mktemp("evil-home")
    shutil.copytree(demo_home, home, dirs_exist_ok=True)
    evil = pd.DataFrame(
        {
            "siret": ["99999999900011", "99999999900029"],
            "name": EVIL_NAMES,
            "naf": ["26.11Z", "26.11Z"],
            "band": ["12", "21"],
            "active": [True, True],
            "commune": ["76540", "27229"],
            "departement": ["76", "27"],
            "longitude": [1.0993, 1.1508],
            "latitude": [49.4431, 49.0241],
            "legal_category": ["5710", "5710"],
            "source": ["démo", "démo"],
        }
    )
    with open_register(home / "register.duckdb") as reg:
        append(reg, evil)
    with serve_signed(home) as url:
        yield local(url)


PWNED = "() => typeof window.__pwned"


def test_hostile_supplier_names_never_run(anonymous_page, evil_app_url):
    page = anonymous_page
    sign_in(page, evil_app_url, "admin@demo.reindus.fr")  # the candidates' list is for the signed-in
    _open(page, f"{evil_app_url}/fournisseurs")
    frame = _map_frame(page)
    page.get_by_text("Candidats dans la région").wait_for()
    # the two hostile suppliers are regional candidates of the link: on the map and in the table
    # open every candidate's tooltip, as a hover would (Leaflet sets it as innerHTML)
    shown = frame.evaluate(
        """() => {
            const out = [];
            for (const key of Object.keys(window)) {
                const layer = window[key];
                if (key.startsWith('candidate_cluster') && layer && layer.getLayers) {
                    for (const m of layer.getLayers()) {
                        const div = document.createElement('div');
                        div.innerHTML = m.getTooltip().getContent();
                        document.body.appendChild(div);
                        out.push(div.textContent);
                        m.openTooltip && layer.zoomToShowLayer(m, () => m.openTooltip());
                    }
                }
            }
            return out;
        }"""
    )
    assert any(EVIL_NAMES[0] in text for text in shown), shown
    assert any(EVIL_NAMES[1] in text for text in shown), shown
    # hover the départements too (GeoJSON tooltip)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.5, 0.5), (0.45, 0.4)):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        page.wait_for_timeout(200)
    # add the hostile suppliers to the shortlist: they then show in the editor and the export
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    for row in range(3):
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 18 + row * 35)
        settle(page)
    page.get_by_role("button", name="Ajouter 3 candidat(s) à la présélection").click()
    settle(page)
    screenshot(page, "fournisseurs-xss")
    page.get_by_text("2 fournisseur(s) ajouté(s) à la présélection.", exact=False).wait_for(timeout=30_000)
    settle(page)
    page.wait_for_timeout(1500)
    screenshot(page, "fournisseurs-xss")
    assert page.evaluate(PWNED) == "undefined"
    for f in page.frames:
        assert f.evaluate(PWNED) == "undefined", f.url
    assert_no_error(page)


# The département with the most candidates, and where it is in the map's frame (container pixels).
BUSIEST_DEPARTEMENT = """() => {
    const layer = Object.keys(window).filter(k => k.startsWith('geo_json') && window[k] && window[k].getLayers)
        .map(k => window[k]).find(l => l.getLayers().length > 90);
    const count = f => parseInt(f.feature.properties.candidats.replace(/[^0-9]/g, ''), 10);
    const dep = layer.getLayers().reduce((a, b) => count(b) > count(a) ? b : a);
    const p = window.map.latLngToContainerPoint(dep.getCenter());
    return [dep.feature.properties.code, p.x, p.y];
}"""


def _grid_rows(page) -> int:
    """Rows of the candidates' data grid (the grid draws on a canvas; its ARIA row count says)."""
    count = page.locator('[data-testid="stDataFrame"] [aria-rowcount]').first.get_attribute("aria-rowcount")
    return int(count) - 1  # the header row


def test_clicking_a_departement_filters_the_candidates(page, app_url):
    _open(page, f"{app_url}/fournisseurs")
    _choose_link(page, "3. Boîtiers (22.29A,25.99B)", "22.29A")
    _choose_scope(page, "Toute la France")
    frame = _map_frame(page)
    total = _grid_rows(page)
    code, x, y = frame.evaluate(BUSIEST_DEPARTEMENT)
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').first
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # the page scrolls smoothly: click once it has stopped
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    label = page.get_by_text(f"Filtre : {code} – ")
    label.wait_for(timeout=30_000)
    settle(page)
    shown = int(label.inner_text().split("(")[-1].split(" candidats")[0].replace("\u202f", ""))
    assert 0 < shown < total
    assert _grid_rows(page) == shown
    screenshot(page, "fournisseurs-filtre-departement")
    page.get_by_role("button", name="Retirer le filtre").click()
    label.wait_for(state="detached", timeout=30_000)
    settle(page)
    assert _grid_rows(page) == total
    assert_no_error(page)


def test_a_copied_link_opens_the_same_link_and_scope(page, browser, app_url):
    _open(page, f"{app_url}/fournisseurs")
    _choose_link(page, "3. Boîtiers (22.29A,25.99B)", "22.29A")
    _choose_scope(page, "Toute la France")
    assert "sourcing_link=" in page.url and "sourcing_scope=" in page.url
    other = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR").new_page()
    try:
        _open(other, page.url)
        other.get_by_text("Activités recherchées : 22.29A").wait_for(timeout=30_000)
        scope = other.get_by_role("radiogroup", name="Périmètre")
        expect(scope.get_by_role("radio", name="Toute la France")).to_have_attribute("aria-checked", "true")
        expect(scope.get_by_role("radio", name="Région du projet")).to_have_attribute("aria-checked", "false")
        assert_no_error(other)
    finally:
        other.context.close()
