"""Hostile text from the data in Chromium: markdown, Streamlit directives, LaTeX, links, remote images and
a right-to-left override in a project's name and in the industry statistics' source and definition are
shown as the very text on every page that shows them, in both modes, and nothing is fetched; the tables'
own toolbar offers no CSV download (it would write the formula-looking name as a live formula)."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from reindus.store.db import make_engine, session_factory
from reindus.store.models import IndustryStat, Project
from reindus.ui import navigation
from tests.support.e2e import assert_no_error, free_port, serve, wait_for_app

pytestmark = pytest.mark.e2e

# Rendered, each would leave an element behind: strong, a coloured span, img, a material icon, KaTeX, a link.
MARKUP = "a, strong, em, img, .katex, [data-testid='stIconMaterial'], span[role='img'], [class*='stMarkdownColored']"


class _Log(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Log.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tracker() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Log)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def payload(tracker: str, word: str) -> str:
    return (
        f"**{word}** :red[alerte] ![]({tracker}/pixel-{word}.png) :material/lock: $x^2$ "
        f'{tracker}/lien www.exemple.fr =HYPERLINK("{tracker}/f";"x") TI\u202eKCOL'
    )


def literal(text: str) -> str:
    return text.replace("\u202e", "")


@pytest.fixture(scope="module")
def hostile_app(demo_home: Path, tmp_path_factory, tracker) -> Iterator[tuple[str, str, str]]:
    home = tmp_path_factory.mktemp("hostile-home")
    for file in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / file, home / file)
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    name, source = payload(tracker, "projet"), payload(tracker, "source")
    with session_factory(engine).begin() as session:
        # the project the Pitch opens on, in both modes: the newest edition's first public one by name
        pid = session.scalars(
            select(Project.id).where(Project.public).order_by(Project.edition.desc(), Project.name)
        ).first()
        session.execute(update(Project).where(Project.id == pid).values(name=name))
        session.execute(update(IndustryStat).values(definition=source))
    engine.dispose()
    with serve(home) as url:
        yield url, name, source


def _markup(page) -> list[str]:
    """Elements rendered from markup inside the app's text (the app's own icons and links excluded)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(
              '[data-testid=stHeading], [data-testid=stCaptionContainer], [data-testid=stMarkdown],'
              + '[data-testid=stMetric], [data-testid=stAlert]')]
            .filter(e => e.innerText.includes('alerte'))
            .flatMap(e => [...e.querySelectorAll(selector)])
            .filter(x => x.innerText !== "Définition de l'industrie")  // the app's own bold label
            .map(x => x.outerHTML.slice(0, 120))""",
        MARKUP,
    )


@pytest.mark.parametrize("atelier", [False, True], ids=["normal", "atelier"])
def test_a_hostile_project_name_and_source_show_as_text_and_fetch_nothing(page, hostile_app, atelier):
    url, name, source = hostile_app
    _Log.hits.clear()
    query = "?mode=atelier" if atelier else ""
    page.goto(f"{url}/pitch{query}")
    wait_for_app(page)
    header = page.locator("[data-testid=stHeading] h2").first
    header.wait_for(timeout=60_000)
    assert header.inner_text().replace("\u2060", "") == literal(name)
    assert not _markup(page)
    assert_no_error(page)

    page.goto(f"{url}/industrie{query}")
    wait_for_app(page)
    caption = (
        page.locator("[data-testid=stCaptionContainer]").filter(has_text="Définition de l'industrie").first
    )
    caption.wait_for(timeout=60_000)
    assert literal(source) in caption.inner_text().replace("\u2060", "")
    assert not _markup(page)
    assert_no_error(page)
    page.wait_for_timeout(1000)
    assert _Log.hits == []


def test_the_tables_toolbar_offers_no_download(page, hostile_app):
    url, *_ = hostile_app
    page.goto(url)
    wait_for_app(page)
    grid = page.locator("[data-testid=stDataFrame]").filter(has=page.locator("canvas")).last
    grid.scroll_into_view_if_needed()
    grid.hover()
    toolbar = page.locator("[data-testid=stElementToolbar]").last
    toolbar.wait_for(timeout=30_000)
    buttons = [b.get_attribute("aria-label") or "" for b in toolbar.locator("button").all()]
    assert any("creen" in b or "earch" in b for b in buttons), buttons  # the toolbar is there…
    assert not [b for b in buttons if "ownload" in b or "élécharger" in b], buttons  # …without its download


@pytest.mark.parametrize("atelier", [False, True], ids=["normal", "atelier"])
def test_every_page_shows_no_markup_from_the_data_and_fetches_nothing(page, hostile_app, atelier):
    url, *_ = hostile_app
    _Log.hits.clear()
    for spec in navigation.PAGES:
        path = "" if spec.default else spec.url_path
        page.goto(f"{url}/{path}{'?mode=atelier' if atelier else ''}")
        wait_for_app(page)
        page.wait_for_timeout(500)  # fragments and charts finish drawing
        assert not _markup(page), (path, _markup(page))
        assert_no_error(page)
    assert _Log.hits == []
