"""The coach workspace in real headless Chromium, through the real sign-in flow: a Normandie coach
creates a project, adds a supply-chain link and a funding application, and finds it on « Mes projets »."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator

import pytest

from tests.support.e2e import assert_no_error, local, screenshot, serve_signed, sign_in, wait_for_app

pytestmark = pytest.mark.e2e
COACH = "conseiller.normandie@demo.reindus.fr"
NAME = "Filature de Louviers (test navigateur)"


@pytest.fixture(scope="module")
def workspace_app(demo_home, tmp_path_factory) -> Iterator[str]:
    """A server of its own on a copy of the demo: this test writes."""
    home = tmp_path_factory.mktemp("workspace-home")
    for file in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / file, home / file)
    with serve_signed(home) as url:
        yield local(url)


@pytest.fixture
def page(anonymous_page):
    return anonymous_page


def main(page):
    return page.locator('[data-testid="stMain"]')


def type_into(page, label: str, text: str, *, key: str = "Enter") -> None:
    """Type into a text or number input; inside a form, `key="Tab"` (Enter would submit it)."""
    field = main(page).get_by_label(label, exact=True)
    field.fill(text)
    field.press(key if field.evaluate("e => e.tagName") == "INPUT" else "Tab")
    wait_for_app(page)


def type_date(page, label: str, digits: str) -> None:
    """A date input is a group of day / month / year segments: type their digits in order."""
    main(page).get_by_label(label, exact=True).locator('[role="spinbutton"]').first.click()
    page.keyboard.type(digits, delay=30)


def choose(page, label: str, typed: str, option: str | None, *, many: bool = False) -> None:
    """A selectbox (or a multiselect, `many`): open it, type to filter, click the option (None: the
    first), and wait until the rerun shows it chosen."""
    main(page).get_by_label(label, exact=True).click()
    page.keyboard.type(typed, delay=30)
    options = page.get_by_role("option") if option is None else page.get_by_role("option", name=option)
    options.first.click()
    if many:
        page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    wait_for_app(page)


def section(page, name: str) -> None:
    main(page).get_by_text(name, exact=True).first.click()
    wait_for_app(page)


def test_a_coach_runs_a_project_from_the_app(page, workspace_app):
    url = workspace_app
    sign_in(page, url, COACH)
    page.goto(f"{url}/nouveau-projet")
    page.get_by_role("heading", name="Nouveau projet").wait_for(timeout=60_000)
    wait_for_app(page)
    type_into(page, "Projet", NAME)
    type_into(page, "SIREN", "552100554")
    choose(page, "Département", "Eure", "27 — Eure")
    choose(page, "Commune", "Louviers", "Louviers (27375)")
    choose(page, "Secteur (NAF)", "13.10", "13.10Z — Préparation de fibres textiles et filature")
    main(page).get_by_role("button", name="Créer le projet").click()
    page.get_by_role("heading", name="Fiche projet").wait_for(timeout=60_000)
    main(page).get_by_text(f"Projet « {NAME} » créé").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_error(page)

    section(page, "Chaîne d'approvisionnement")
    choose(page, "Niveau", "Matière", "Matière première")
    type_into(page, "Libellé", "Lin teillé")
    choose(page, "Codes NAF", "01.16", "01.16Z — Culture de plantes à fibres", many=True)
    main(page).get_by_text("dans la région du projet").first.wait_for(timeout=60_000)
    main(page).get_by_role("button", name="Ajouter le maillon").click()
    main(page).get_by_text("Maillon « Lin teillé » ajouté").wait_for(timeout=60_000)
    assert_no_error(page)

    section(page, "Financements")
    choose(page, "Dispositif", "", None)  # the first scheme of the list
    type_into(page, "Montant demandé (€)", "80000", key="Tab")
    type_date(page, "Date de dépôt", "02032026")
    main(page).get_by_role("button", name="Ajouter la demande").click()
    main(page).get_by_text("Demande de financement ajoutée").wait_for(timeout=60_000)
    assert_no_error(page)

    page.goto(f"{url}/mes-projets")
    page.get_by_role("heading", name="Mes projets").wait_for(timeout=60_000)
    wait_for_app(page)
    todo = main(page).locator("[class*='st-key-todo_']")
    mine = todo.filter(has_text=NAME)
    mine.first.wait_for(timeout=60_000)
    text = mine.first.inner_text()
    assert "Maillon « Lin teillé » sans fournisseur régional qualifié" in text
    assert "décision attendue" in text  # the funding application just filed
    screenshot(page, "mes_projets")
    assert_no_error(page)
    # each line leads where it is dealt with: the funding one to the project's « Financements »
    mine.first.get_by_role("link", name="décision attendue").first.click()
    page.get_by_role("heading", name="Fiche projet").wait_for(timeout=60_000)
    main(page).get_by_text("Nouvelle demande de financement").wait_for(timeout=60_000)
    assert NAME in main(page).inner_text()


def first_normandie_project(home) -> tuple[int, str]:
    with sqlite3.connect(home / "reindus.sqlite") as db:
        return db.execute(
            "SELECT id, name FROM projects WHERE region_code = '28' AND NOT archived ORDER BY id LIMIT 1"
        ).fetchone()


def test_a_coach_archives_a_project_and_brings_it_back(page, workspace_app, demo_home):
    url = workspace_app
    project_id, name = first_normandie_project(demo_home)
    sign_in(page, url, COACH)
    # the supply-chain page opens on the project its link names
    page.goto(f"{url}/chaine?chain_project={project_id}")
    page.get_by_role("heading", name="Chaîne d'approvisionnement").wait_for(timeout=60_000)
    wait_for_app(page)
    assert name in main(page).get_by_role("combobox", name="Projet").input_value()

    page.goto(f"{url}/projet?projet={project_id}")
    page.get_by_role("heading", name="Fiche projet").wait_for(timeout=60_000)
    wait_for_app(page)
    main(page).get_by_text("Archiver le projet").click()
    main(page).get_by_text("Je confirme l'archivage de ce projet").click()
    wait_for_app(page)
    main(page).get_by_role("button", name="Archiver").click()
    page.get_by_role("heading", name="Mes projets").wait_for(timeout=60_000)
    main(page).get_by_text(f"Projet « {name} » archivé").wait_for(timeout=60_000)
    main(page).get_by_text("Projets archivés (1)").click()
    main(page).get_by_role("button", name="Réactiver").click()
    page.get_by_role("heading", name="Fiche projet").wait_for(timeout=60_000)
    main(page).get_by_text(f"Projet « {name} » réactivé").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_error(page)
    assert name in main(page).get_by_role("combobox", name="Projet").input_value()
