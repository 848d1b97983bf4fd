"""AppTest of every page with each demo account: what each role sees, and which controls it has.

- A visitor who is not signed in (and any page of a deployment without sign-in) gets the public view:
  no confidential value, no control that writes, uploads or exports, and an atelier switch locked on.
- A coach sees other regions' projects as in public; the présidence sees everything and changes
  nothing; the administrateur alone imports and manages users.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from reindus.auth import ANONYMOUS, Role, Viewer
from reindus.programme.data import load_programme
from reindus.store.db import make_engine
from reindus.ui import navigation
from tests.confidential import confidential_outside, confidential_texts, leaks
from tests.support import markdown
from tests.support.accounts import sign_in
from tests.support.paths import ROOT
from tests.support.rendered import rendered_text

PAGES = [p.file for p in navigation.PAGES]  # the default page first
NORMANDIE_LINK = {"sourcing_project": 1, "sourcing_link": 1}  # « Électronique Henry », Normandie
# Deep links into Normandie's first project, for the pages that show one
DEEP_LINKS = {
    "pages/fournisseurs.py": NORMANDIE_LINK,
    "pages/projet.py": {"projet": 1},
    "pages/chaine.py": {"chain_project": 1},
    "pages/pitch.py": {"projet": 1},
    "pages/avancement.py": {"projet": 1},
}
# What a visitor may press: sign in, and the filter bar's reset (it writes nothing).
VISITOR_BUTTONS = {"Se connecter", "Réinitialiser les filtres"}


@pytest.fixture(scope="module")
def programme(demo_home):
    return load_programme(make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}"))


def run(
    account: str | None, page: str, configured: bool = True, choose: dict | None = None, **params: str
) -> AppTest:
    """The page as `account` sees it, with the selectboxes of `choose` (key → value) set, as a deep
    link (`?projet=1`) sets them in the browser."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if configured:
        sign_in(at, account)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()  # app.py first: who is signed in, as a link to the page would
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    for key, value in (choose or {}).items():
        at.selectbox(key=key).set_value(value).run()
    assert not at.exception, at.exception
    return at


def controls(at: AppTest) -> dict[str, list]:
    return {
        "buttons": sorted({b.label for b in at.button}),
        "downloads": at.get("download_button"),
        "uploads": at.get("file_uploader"),
        "editors": [f for f in at.dataframe if f.proto.editing_mode],
    }


def assert_public_only(at: AppTest, secrets: set[str]) -> None:
    found = controls(at)
    assert set(found["buttons"]) <= VISITOR_BUTTONS, found["buttons"]
    assert not found["downloads"] and not found["uploads"] and not found["editors"], found
    assert not leaks(rendered_text(at), secrets)
    assert [(t.value, t.disabled) for t in at.sidebar.toggle if t.label == "Mode atelier"] in (
        [],
        [(True, True)],
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_sees_no_confidential_value_and_no_control_that_writes(demo_env, programme, page):
    assert_public_only(run(None, page), confidential_texts(programme))


@pytest.mark.parametrize("page", ["pages/tableau_de_bord.py", "pages/donnees.py", "pages/fournisseurs.py"])
def test_without_sign_in_configured_only_public_data_are_shown(demo_env, programme, page):
    at = run(None, page, configured=False)
    assert_public_only(at, confidential_texts(programme))
    if page == PAGES[0]:
        assert any("Connexion non configurée" in c.value for c in at.sidebar.caption)


def test_a_visitor_cannot_turn_atelier_mode_off_by_the_url(demo_env, programme):
    at = run(None, "pages/tableau_de_bord.py", mode="normal")
    assert_public_only(at, confidential_texts(programme))
    assert any("Mode atelier : données publiques seulement" in c.value for c in at.caption)


# Pages a visitor finds only by their address, and what each tells them there (French, on the server)
MEMBERS_ONLY = {
    "Mes projets": "Connectez-vous pour voir vos projets",
    "Nouveau projet": "non disponible en mode atelier",  # a visitor always gets atelier mode
    "Données": "réservés aux personnes connectées",
    "Utilisateurs": "non disponible en mode atelier",
}


@pytest.fixture
def menus(monkeypatch) -> list[dict[str, list[str]]]:
    """The menu of each run (section → titles of the listed pages), as app.py hands it to st.navigation."""
    seen: list[dict[str, list[str]]] = []
    real = st.navigation

    def recording(pages, *args, **kwargs):
        listed = {s: [p.title for p in ps if p.visibility == "visible"] for s, ps in pages.items()}
        seen.append({s: titles for s, titles in listed.items() if titles})
        return real(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    return seen


def listed_titles(menu: dict[str, list[str]]) -> set[str]:
    return {title for titles in menu.values() for title in titles}


@pytest.mark.parametrize(
    ("role", "regions", "members_pages"),
    [
        (None, frozenset(), set()),
        (Role.CONSEILLER, frozenset({"11"}), {"Mes projets", "Nouveau projet"}),
        (Role.CONSEILLER, frozenset(), {"Mes projets"}),  # no region: may create no project
        (Role.PRESIDENCE, frozenset(), {"Mes projets", "Données"}),
        (Role.ADMIN, frozenset(), set(MEMBERS_ONLY)),
    ],
)
def test_the_menu_lists_the_pages_the_role_may_use(role, regions, members_pages):
    viewer = ANONYMOUS if role is None else Viewer(role=role, regions=regions, email="x@cci.fr")
    titles = {p.title for p in navigation.menu(viewer)}
    assert titles == {p.title for p in navigation.PAGES if p.title not in MEMBERS_ONLY} | members_pages


def test_a_visitors_menu_lacks_the_members_pages_whose_addresses_still_answer_in_french(demo_env, menus):
    at = run(None, PAGES[0])
    assert not listed_titles(menus[-1]) & set(MEMBERS_ONLY), menus[-1]
    assert "Administration" not in menus[-1]
    for title, message in MEMBERS_ONLY.items():
        at.switch_page(next(p.file for p in navigation.PAGES if p.title == title)).run()
        assert not at.exception, at.exception
        assert at.title[0].value.startswith(title), at.title  # « Données chargées »
        assert any(message in i.value for i in at.info), (title, [i.value for i in at.info])
        assert not listed_titles(menus[-1]) & set(MEMBERS_ONLY), menus[-1]


def test_an_administrateurs_menu_lists_every_page(demo_env, menus):
    run("administrateur", PAGES[0])
    assert listed_titles(menus[-1]) == {p.title for p in navigation.PAGES}
    assert menus[-1]["Administration"] == ["Données", "Utilisateurs"]


@pytest.mark.parametrize("page", PAGES)
def test_a_coach_sees_other_regions_only_as_public_data(demo_env, programme, page):
    secrets = confidential_outside(programme, frozenset({"11"}))
    if page == "pages/fournisseurs.py":
        # the candidates are the register's establishments (public data), shortlisted ones included
        candidates = set(programme.shortlist["supplier_name"].dropna()) | set(
            programme.shortlist["siret"].dropna()
        )
        secrets -= candidates
    at = run("conseiller-idf", page, choose=DEEP_LINKS.get(page))
    assert not leaks(rendered_text(at), secrets)


def test_a_coach_opening_another_regions_project_sees_it_as_in_public(demo_env, programme):
    at = run("conseiller-idf", "pages/projet.py", choose={"projet": 1})
    text = rendered_text(at)
    headings = [*at.title, *at.header, *at.subheader]
    assert any("Électronique Henry" in markdown.shown(h.value) for h in headings), [h.value for h in headings]
    assert not leaks(text, confidential_outside(programme, frozenset({"11"})))
    assert not controls(at)["editors"] and not at.get("form")


def test_a_coach_sees_their_own_regions_coaches(demo_env, programme):
    text = rendered_text(run("conseiller-idf", "pages/tableau_de_bord.py"))
    assert "Camille Gérard" in text and "Julien Blanc" not in text  # Île-de-France's, not Normandie's


def test_a_signed_in_viewer_may_switch_to_atelier_and_back(demo_env, programme):
    at = run("presidence", "pages/tableau_de_bord.py")
    switch = next(t for t in at.sidebar.toggle if t.label == "Mode atelier")
    assert not switch.disabled and not switch.value
    switch.set_value(True).run()
    assert not leaks(rendered_text(at), confidential_texts(programme))
    next(t for t in at.sidebar.toggle if t.label == "Mode atelier").set_value(False).run()
    assert "Julien Blanc" in rendered_text(at)


@pytest.mark.parametrize(
    ("account", "imports", "exports"),
    [
        ("administrateur", True, True),
        ("presidence", False, True),
        ("conseiller-normandie", False, False),
        ("conseiller-idf", False, False),
    ],
)
def test_donnees_offers_import_and_export_by_role(demo_env, account, imports, exports):
    at = run(account, "pages/donnees.py")
    assert bool(at.get("file_uploader")) is imports
    assert any(b.key == "export_prepare" for b in at.button) is exports


@pytest.mark.parametrize(
    ("account", "shortlist"),
    [
        ("administrateur", "edit"),
        ("presidence", "read"),
        ("conseiller-normandie", "edit"),
        ("conseiller-idf", "hidden"),
    ],
)
def test_a_normandie_shortlist_by_role(demo_env, programme, account, shortlist):
    at = run(account, "pages/fournisseurs.py", choose=NORMANDIE_LINK)
    adds = [b for b in at.button if b.label.startswith("Ajouter") and "présélection" in b.label]
    editors = controls(at)["editors"]
    # the shortlist's table (the candidates' one names register establishments, public data)
    shown = [f.value for f in at.dataframe if "supplier_name" in f.value.columns]
    entries = set(programme.shortlist.loc[programme.shortlist["link_id"] == 1, "supplier_name"].dropna())
    assert entries
    if shortlist == "edit":
        assert adds and editors and entries <= set(shown[0]["supplier_name"])
    elif shortlist == "read":
        assert not adds and not editors and entries <= set(shown[0]["supplier_name"])
    else:
        assert not adds and not editors and not shown
        assert any("présélection de ce maillon relève" in i.value for i in at.info)


@pytest.mark.parametrize("account", ["presidence", "conseiller-normandie", "conseiller-idf"])
def test_only_the_administrateur_manages_users(demo_env, account):
    at = run(account, "pages/utilisateurs.py")
    assert not at.dataframe and not [b for b in at.button if b.label in ("Enregistrer", "Retirer")]
    assert any("réservée à l'administrateur" in i.value for i in at.info)


def test_the_administrateur_adds_and_removes_a_user(writable_home):
    at = run("administrateur", "pages/utilisateurs.py")
    emails = set(at.dataframe[0].value["email"])
    assert "conseiller.idf@demo.reindus.fr" in emails
    at.text_input(key="user_email").input("nouvelle.conseillere@cci.fr")
    at.text_input(key="user_name").input("Nouvelle Conseillère")
    at.selectbox(key="user_role").set_value(Role.CONSEILLER)
    at.multiselect(key="user_regions").set_value(["32"])
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception, at.exception
    assert any("nouvelle.conseillere@cci.fr : conseiller (32)" in markdown.shown(s.value) for s in at.success)
    assert "nouvelle.conseillere@cci.fr" in set(at.dataframe[0].value["email"])
    at.selectbox(key="user_remove_email").set_value("nouvelle.conseillere@cci.fr")
    next(b for b in at.button if b.label == "Retirer").click().run()
    assert "nouvelle.conseillere@cci.fr" not in set(at.dataframe[0].value["email"])
    engine = make_engine(f"sqlite:///{writable_home / 'reindus.sqlite'}")
    with engine.connect() as conn:
        actors = (
            conn.exec_driver_sql("SELECT actor FROM audit_log WHERE table_name = 'users'").scalars().all()
        )
    engine.dispose()
    assert actors[-2:] == ["admin <admin@demo.reindus.fr>"] * 2
