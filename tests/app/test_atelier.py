"""AppTest of atelier mode: the pages go through reindus.programme.public (nothing confidential in any element),
the mode survives a page switch, imports/exports and edits are off."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from reindus.programme.data import load_programme
from reindus.store.db import make_engine
from reindus.ui import navigation
from tests.confidential import confidential_texts, leaks
from tests.support.accounts import sign_in
from tests.support.paths import ROOT
from tests.support.rendered import rendered_text

ATELIER_PAGES = [p.file for p in navigation.PAGES]  # the default page first


@pytest.fixture(scope="module")
def secrets(demo_home):
    data = load_programme(make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}"))
    found = confidential_texts(data)
    assert "Julien Blanc" in found and len(found) > 1000  # the demo has plenty to hide
    return found


def run(page: str, **params: str) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "administrateur")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != ATELIER_PAGES[0]:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ATELIER_PAGES)
def test_atelier_pages_show_nothing_confidential(demo_env, secrets, page):
    at = run(page, mode="atelier")
    text = rendered_text(at)
    assert not leaks(text, secrets), leaks(text, secrets)[:5]


def test_normal_mode_does_show_what_atelier_hides(demo_env, secrets):
    # the check above would catch a leak: the same page in normal mode shows coach names and amounts
    at = run(ATELIER_PAGES[0])
    assert leaks(rendered_text(at), secrets)


def test_dashboard_in_atelier_mode_goes_through_the_public_rule(demo_env, monkeypatch):
    from reindus.programme import public

    calls = []
    real = public.public_facts
    monkeypatch.setattr(public, "public_facts", lambda *a, **k: calls.append(1) or real(*a, **k))
    from reindus.ui import data

    data.invalidate()
    at = run(ATELIER_PAGES[0], mode="atelier")
    assert calls, "the atelier dashboard did not call reindus.programme.public"
    labels = {m.label for m in at.metric}
    assert "Projets accompagnés" in labels
    columns = set(at.dataframe[-1].value.columns)
    assert "Conseiller" not in columns and "Investissement prévu" not in columns
    assert not [w for w in at.multiselect if w.label == "Conseiller"]  # no coach filter in public


def test_atelier_mode_follows_a_page_switch_and_turns_off(demo_env):
    at = run("pages/avancement.py", mode="atelier")
    assert at.query_params["mode"] in ("atelier", ["atelier"])  # kept by app.py across the switch
    assert not [b for b in at.button if "Enregistrer" in str(b.label)]  # no edit form on a shared screen
    at = run(ATELIER_PAGES[0], mode="atelier")
    assert at.toggle(key="_atelier_switch").value is True
    at.toggle(key="_atelier_switch").set_value(False).run()
    assert "mode" not in at.query_params
    assert [m for m in at.multiselect if m.label == "Conseiller"]  # back to normal: the coach filter


def test_small_groups_are_suppressed_in_public(demo_env):
    # edition 2025, abandoned: a single project, whose amounts would be per-company figures
    at = run(ATELIER_PAGES[0], mode="atelier", edition="2025", statut="Abandonné")
    values = {m.label: m.value for m in at.metric}
    assert values["Projets accompagnés"] == "—" and values["Investissement prévu"] == "—"
    normal = {m.label: m.value for m in run(ATELIER_PAGES[0], edition="2025", statut="Abandonné").metric}
    assert normal["Projets accompagnés"] == "1" and normal["Investissement prévu"] != "—"
    # five 2022 projects: enough to be shown
    shown = {m.label: m.value for m in run(ATELIER_PAGES[0], mode="atelier", edition="2022").metric}
    assert shown["Projets accompagnés"] == "5" and shown["Investissement prévu"] != "—"


def test_donnees_has_no_import_or_export_in_atelier_mode(demo_env):
    at = run("pages/donnees.py", mode="atelier")
    assert any("non disponibles en mode atelier" in i.value for i in at.info)
    assert not at.get("file_uploader")


def test_pitch_offers_only_public_projects_in_atelier_mode(demo_env, secrets):
    at = run("pages/pitch.py", mode="atelier")
    options = at.selectbox(key="projet").options
    assert options and not leaks(" ".join(options), secrets)
    at_all = run("pages/pitch.py")
    assert len(at_all.selectbox(key="projet").options) > len(options)


def open_as(account: str | None, page: str) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), account)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def chart_text(at: AppTest) -> str:
    """The text of every plotly chart on the page, as drawn (its JSON spec escapes accents)."""
    return "\n".join(
        json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in at.get("plotly_chart")
    )


SHORTLIST_COLUMNS = {"shortlisted", "qualified", "regional_qualified", "furthest_label"}


def test_anonymous_sees_each_links_coverage_but_no_shortlist_in_figures(demo_env):
    """The atelier note promises « ni fournisseurs présélectionnés », yet the public view carried the
    shortlists' statuses: the chain showed « Présélection : Retenu (3) » per link and the pitch « 3
    identifiés · 1 qualifié · 0 retenu ». The data layer withholds them; each link's coverage stays."""
    chain = open_as(None, "pages/chaine.py")
    assert "Présélection :" not in chart_text(chain) and "Qualifié en région" in chart_text(chain)
    table = chain.dataframe[0].value
    assert "gap" in table and not SHORTLIST_COLUMNS & set(table.columns)
    pitch = open_as(None, "pages/pitch.py")
    assert "identifié" not in rendered_text(pitch) and "Couvert" in rendered_text(pitch)
    # the same pages show them to the présidence: the checks above would see them
    chain = open_as("presidence", "pages/chaine.py")
    assert "Présélection :" in chart_text(chain) and SHORTLIST_COLUMNS <= set(
        chain.dataframe[0].value.columns
    )
    assert "identifié" in rendered_text(open_as("presidence", "pages/pitch.py"))
