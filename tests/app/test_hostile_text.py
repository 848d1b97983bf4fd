"""AppTest: hostile text in a project's name and in the industry statistics' source and definition
reaches Streamlit's markdown only escaped (`md_text`), on the Pitch and Industrie pages and the
Carrousel, in both modes; what a reader sees of it is the text itself, invisible characters dropped.
(tests/e2e/test_hostile_text.py checks the rendering in Chromium.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from reindus.store.db import make_engine, session_factory
from reindus.store.models import IndustryStat, Project
from reindus.text.safe import md_text
from tests.support.accounts import sign_in
from tests.support.markdown import shown
from tests.support.paths import ROOT

PAYLOAD = (
    "**gras** :red[alerte] ![](http://127.0.0.1:9/p.png) :material/lock: $x^2$ "
    "http://exemple.org www.exemple.org <b>b</b> &#x202E; TI\u202eKCOL\u200b"
)
SEEN = PAYLOAD.replace("\u202e", "").replace("\u200b", "")


@pytest.fixture
def hostile_home(writable_home):
    engine = make_engine(f"sqlite:///{writable_home / 'reindus.sqlite'}")
    with session_factory(engine).begin() as session:
        pid = session.scalars(  # the project the Pitch opens on in both modes
            select(Project.id).where(Project.public).order_by(Project.edition.desc(), Project.name)
        ).first()
        session.execute(update(Project).where(Project.id == pid).values(name=f"Forge {PAYLOAD}"))
        session.execute(update(IndustryStat).values(source=f"src {PAYLOAD}", definition=f"déf {PAYLOAD}"))
    engine.dispose()
    return pid


def run(page: str, atelier: bool, **params: str) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    if atelier:
        at.query_params["mode"] = "atelier"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def markdown_sources(at: AppTest) -> list[str]:
    elements = [*at.title, *at.header, *at.subheader, *at.caption, *at.markdown, *at.info, *at.warning]
    return [e.value for e in elements] + [m.label for m in at.metric] + [m.value for m in at.metric]


def assert_escaped(sources: list[str], prefix: str) -> None:
    hits = [s for s in sources if prefix in shown(s)]
    assert hits, f"« {prefix} » is on the page"
    for source in hits:
        assert SEEN in shown(source)
        assert md_text(f"{prefix} {PAYLOAD}") in source  # escaped whole: no sign left bare
        assert "\u202e" not in source and "\u200b" not in source
        bare = source.replace("\\", "")  # a word joiner after « http: » and « www » keeps them unlinked
        assert "http://" not in bare and "www." not in bare


@pytest.mark.parametrize("atelier", [False, True], ids=["normal", "atelier"])
def test_pitch_shows_the_name_as_text(hostile_home, atelier):
    at = run("pages/pitch.py", atelier)
    at.selectbox(key="projet").set_value(hostile_home).run()
    assert shown(at.header[0].value) == f"Forge {SEEN}"
    assert_escaped(markdown_sources(at), "Forge")


@pytest.mark.parametrize("atelier", [False, True], ids=["normal", "atelier"])
def test_industrie_shows_source_and_definition_as_text(hostile_home, atelier):
    at = run("pages/industrie.py", atelier)
    sources = markdown_sources(at) + [m.help or "" for m in at.metric]
    assert_escaped(sources, "déf")
    assert_escaped(sources, "src")


def test_carousel_industry_view_shows_the_source_as_text(hostile_home):
    at = run("pages/carrousel.py", False, vues="industrie", secondes="600")
    assert_escaped(markdown_sources(at), "src")
