"""The README's screenshots, taken from the demo served as `make run` serves it, in headless Chromium.

    PYTHONPATH=lib .venv/bin/python docs/screenshots/make.py [name ...]

Public views (nobody signed in), except Données, which only an administrator opens. Each page is drawn
in a window of the browser tests' size (1600 pixels wide, 1920 × 1080 for a shared screen in atelier
mode) once it has finished running (charts and maps drawn, no spinner), and scaled to 1000 pixels wide.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "lib")]

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from tests.support.e2e import CHROMIUM_ARGS, chromium_path, local, serve_signed, sign_in  # noqa: E402

from reindus import demo  # noqa: E402
from reindus.store.db import make_engine  # noqa: E402

HERE = Path(__file__).resolve().parent
ADMIN = "admin@demo.reindus.fr"
# A public view refreshes itself every 20 s: not while it is being taken.
STILL = "rafraichir=300"
WIDTH = 1000  # of the images
# name: (address, heading, window width × height, signed in as the administrator)
SHOTS: dict[str, tuple[str, str, tuple[int, int], bool]] = {
    "tableau-de-bord": (f"/?{STILL}", "Tableau de bord", (1600, 2560), False),
    "avancement": (f"/avancement?{STILL}", "Avancement des projets", (1600, 2560), False),
    "fournisseurs": (f"/fournisseurs?{STILL}", "Fournisseurs", (1600, 2600), False),
    "chaine": (f"/chaine?mode=atelier&{STILL}", "Chaîne d'approvisionnement", (1920, 1080), False),
    "industrie": (f"/industrie?{STILL}", "Industrie régionale", (1600, 2560), False),
    "pitch": (f"/pitch?mode=atelier&duree=32&{STILL}", "Pitch", (1920, 1080), False),
    "carrousel": ("/carrousel?secondes=300", "Tableau de bord", (1920, 1080), False),
    "donnees": ("/donnees", "Données chargées", (1600, 1760), True),
}

FINISHED = """() => !document.querySelector(
    '[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-testid="stSkeleton"]')"""
MAP_DRAWN = "() => !!document.querySelector('.leaflet-overlay-pane canvas, .leaflet-overlay-pane svg')"
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector('.main-svg'))"""


def settled(page, timeout: float = 90) -> None:
    """Until the run is over, every chart and map drawn, and it stays so for a moment."""
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline:
        try:
            done = page.evaluate(FINISHED) and page.evaluate(CHARTS_DRAWN)
            maps = [f for f in page.frames if "streamlit_folium" in f.url]
            done = done and all(f.evaluate(MAP_DRAWN) for f in maps)
        except Exception:  # a frame replaced while we looked
            done = False
        calm = calm + 1 if done else 0
        if calm >= 6:  # 1.5 s without anything running
            page.wait_for_timeout(1000)  # charts' transitions end
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{page.url} n'a pas fini de s'afficher")


def take(browser, url: str, name: str, admin_state: dict | None) -> Path:
    address, heading, (width, height), _ = SHOTS[name]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", storage_state=admin_state
    )
    try:
        page = context.new_page()
        page.goto(url + address)
        page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=90_000)
        settled(page)
        if name == "pitch":  # the countdown in its last 30 seconds, running
            frame = next(f for f in page.frames if f.locator("#clock").count())
            frame.locator("#start").click()
            frame.locator("#clock.warning").wait_for(timeout=10_000)
        path = HERE / f"{name}.png"
        page.screenshot(path=str(path))
        with Image.open(path) as shot:
            scaled = shot.convert("RGB").resize((WIDTH, round(height * WIDTH / width)), Image.LANCZOS)
        scaled.save(path, optimize=True)
        return path
    finally:
        context.close()


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="reindus-screenshots-") as tmp:
        home = Path(tmp)
        engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
        demo.install(engine=engine, register_path=home / "register.duckdb")
        engine.dispose()
        with serve_signed(home) as served, sync_playwright() as p:
            url = local(served)
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            admin_state = None
            if any(SHOTS[n][3] for n in names):
                context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR")
                sign_in(context.new_page(), url, ADMIN)
                admin_state = context.storage_state()
                context.close()
            for name in names:
                path = take(browser, url, name, admin_state if SHOTS[name][3] else None)
                sys.stdout.write(f"{path}\n")
            browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or list(SHOTS))
