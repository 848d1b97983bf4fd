"""Browser tests of atelier mode: every page in both modes, nothing confidential on screen (iframes
included), live refresh without reload, deep and copied links, the carousel and the pitch countdown."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from reindus.programme.data import load_programme
from reindus.store.db import make_engine, session_factory
from reindus.store.models import Project
from reindus.store.repository import update_versioned
from reindus.ui import navigation
from tests.confidential import confidential_texts, leaks
from tests.support.e2e import HEADINGS, assert_no_error, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# url path → the view's title (the default page, the dashboard, is the root)
PAGES = {"" if p.default else p.url_path: HEADINGS.get(p.url_path, p.title) for p in navigation.PAGES}
PUBLIC_NOTE = "Mode atelier : données publiques seulement"


@pytest.fixture(scope="module")
def secrets(demo_home) -> set[str]:
    data = load_programme(make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}"))
    found = confidential_texts(data)
    assert len(found) > 1000
    return found


def screen(page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})


def open_view(page, url: str, title: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_role("dialog").count() == 0, page.get_by_role(
        "dialog"
    ).inner_text()  # « Page not found »


MAP_DRAWN = "() => !!document.querySelector('.leaflet-overlay-pane canvas, .leaflet-overlay-pane svg')"


def wait_for_maps(page, timeout: float = 30) -> None:
    """Until every map on the page has drawn its layers (its text is then in the frame, to be checked)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if all(f.evaluate(MAP_DRAWN) for f in page.frames if "streamlit_folium" in f.url):
                return
        except Exception:  # a frame replaced while we looked
            pass
        page.wait_for_timeout(300)
    raise AssertionError("une carte ne s'est pas affichée")


def frame_with(page, selector: str, timeout: float = 30):
    """The iframe holding `selector`, once it has loaded (st.iframe writes its HTML after the element)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame is not page.main_frame and frame.locator(selector).count():
                    return frame
            except Exception:  # detached while looking
                continue
        page.wait_for_timeout(250)
    raise AssertionError(f"no iframe holds {selector}")


def all_text(page) -> str:
    """The text of the page and of every iframe in it (countdown, copy-link button, maps)."""
    parts = [page.locator("body").inner_text()]
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        try:
            parts.append(frame.locator("body").inner_text(timeout=5_000))
        except Exception:  # a frame detached while reading: nothing left to show
            continue
    return "\n".join(parts)


def test_every_page_opens_in_both_modes_and_atelier_shows_nothing_confidential(page, app_url, secrets):
    # a room without network: nothing (favicon, fonts, map assets) may be asked of another host
    elsewhere = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith(("http:", "https:"))
            and not r.url.startswith(app_url)
            and elsewhere.append(r.url)
        ),
    )
    screen(page)
    for atelier in (False, True):
        for path, title in PAGES.items():
            query = "?mode=atelier" if atelier else ""
            open_view(page, f"{app_url}/{path}{query}", title)
            assert_no_error(page)
            if atelier:
                wait_for_maps(page)
                page.wait_for_timeout(1000)  # charts finish drawing
                assert "mode=atelier" in page.url
                found = leaks(all_text(page), secrets)
                assert not found, (path, found[:5])
                screenshot(page, f"atelier_{path or 'tableau-de-bord'}")
    assert not elsewhere, elsewhere[:5]


def test_a_change_in_the_store_shows_on_an_open_atelier_page_without_reload(page, app_url, demo_home):
    screen(page)
    open_view(page, f"{app_url}/?mode=atelier&rafraichir=3&edition=2026", "Tableau de bord")
    running = page.locator('[data-testid="stMetric"]').filter(has_text="Projets en cours")
    before = int(running.locator('[data-testid="stMetricValue"]').inner_text())
    engine = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    with engine.connect() as conn:
        from sqlalchemy import select

        pid, version = conn.execute(
            select(Project.id, Project.version)
            .where(Project.edition == 2026, Project.status == "en_cours")
            .order_by(Project.id)
        ).first()
    page.evaluate("window.__marker = 'no reload'")
    try:
        with session_factory(engine).begin() as session:
            update_versioned(session, Project, pid, version, {"status": "termine"}, "test e2e")
        # the fragment reruns every 3 s and the caches are at most 10 s old: within the 30 s promised
        expect(running.locator('[data-testid="stMetricValue"]')).to_have_text(str(before - 1), timeout=30_000)
        assert page.evaluate("window.__marker") == "no reload"
    finally:
        with session_factory(engine).begin() as session:
            current = session.get(Project, pid).version
            update_versioned(session, Project, pid, current, {"status": "en_cours"}, "test e2e")
        engine.dispose()


def test_deep_link_copied_link_and_page_switch_keep_the_view(page, browser, app_url):
    screen(page)
    open_view(page, f"{app_url}/?edition=2026&region=Normandie&mode=atelier", "Tableau de bord")
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("édition 2026 · Normandie")
    expect(main).to_contain_text(PUBLIC_NOTE)

    page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar starts collapsed in atelier mode
    frame = frame_with(page, "#copy")
    frame.locator("#copy").click()
    link = frame.locator("#url").input_value()
    assert "edition=2026" in link and "region=Normandie" in link and "mode=atelier" in link

    other = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    try:
        fresh = other.new_page()
        open_view(fresh, link, "Tableau de bord")
        fresh_main = fresh.locator('[data-testid="stMain"]')
        expect(fresh_main).to_contain_text("édition 2026 · Normandie")
        expect(fresh_main).to_contain_text(PUBLIC_NOTE)
    finally:
        other.close()

    # a click in the menu keeps the mode and the selection
    page.get_by_role("link", name="Avancement des projets").click()
    page.get_by_role("heading", name="Avancement des projets").wait_for(timeout=60_000)
    wait_for_app(page)
    expect(main).to_contain_text("édition 2026 · Normandie")
    expect(main).to_contain_text(PUBLIC_NOTE)
    assert "mode=atelier" in page.url
    assert_no_error(page)


def test_carousel_rotates_through_the_chosen_views(page, app_url, secrets):
    screen(page)
    open_view(
        page, f"{app_url}/carrousel?vues=tableau-de-bord,avancement,region-28&secondes=5", "Tableau de bord"
    )
    page.get_by_role("heading", name="Avancement des projets").wait_for(timeout=15_000)
    page.get_by_role("heading", name="Normandie", exact=True).wait_for(timeout=15_000)
    wait_for_app(page)
    screenshot(page, "atelier_carrousel_region")
    assert "mode=atelier" in page.url
    assert not leaks(all_text(page), secrets)
    assert_no_error(page)


def test_pitch_countdown_runs_changes_colour_and_reaches_zero(page, app_url, secrets):
    screen(page)
    open_view(page, f"{app_url}/pitch?mode=atelier&duree=33", "Pitch")
    page.locator('[data-testid="stMain"]').get_by_text("Chaîne d'approvisionnement —").wait_for(
        timeout=30_000
    )
    frame = frame_with(page, "#clock")
    clock = frame.locator("#clock")
    expect(clock).to_have_text("0:33")
    colour = clock.evaluate("e => getComputedStyle(e).color")
    frame.locator("#start").click()
    page.wait_for_timeout(1300)
    frame.locator("#pause").click()
    paused = clock.get_attribute("data-remaining")
    assert int(paused) < 33
    page.wait_for_timeout(1200)
    assert clock.get_attribute("data-remaining") == paused  # paused: the time stands still
    frame.locator("#reset").click()
    expect(clock).to_have_text("0:33")
    frame.locator("#start").click()
    expect(clock).to_have_class("warning", timeout=10_000)  # the last 30 seconds
    assert clock.evaluate("e => getComputedStyle(e).color") != colour
    screenshot(page, "atelier_pitch_warning")
    expect(clock).to_have_class("finished", timeout=40_000)
    expect(clock).to_have_text("0:00")
    assert clock.get_attribute("data-remaining") == "0"
    assert not leaks(all_text(page), secrets)
    assert_no_error(page)


LINES = """e => {
    const p = e.querySelector('p') || e;
    return Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
}"""


@pytest.mark.parametrize("width", [1600, 1920])
def test_pitch_region_fits_on_one_line(anonymous_page, app_url, width):
    """« Hauts-de-France » wrapped over three lines (« Hauts- / de- / France ») in a quarter of the column."""
    page = anonymous_page
    page.set_viewport_size({"width": width, "height": 1080})
    open_view(page, f"{app_url}/pitch", "Pitch")
    facts = page.locator(".st-key-pitch_facts")
    region = facts.get_by_test_id("stMetric").filter(has_text="Région").get_by_test_id("stMetricValue")
    expect(region).to_have_text("Hauts-de-France")  # the newest public project, first offered
    assert region.evaluate(LINES) == 1
    stage = facts.get_by_test_id("stMetric").filter(has_text="Étape").get_by_test_id("stMetricValue")
    assert stage.evaluate(LINES) == 1
