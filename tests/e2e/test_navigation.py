"""Every address of the page registry opens its page in Chromium, and an unknown one a French page:
never Streamlit's English « Page not found » dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reindus.ui.navigation import DEFAULT, NOT_FOUND_TITLE, PAGES
from tests.support.e2e import HEADINGS, assert_no_error, wait_for_app

pytestmark = pytest.mark.e2e


def open_address(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=90_000)
    wait_for_app(page)
    page.wait_for_timeout(500)  # a dialog is drawn just after the run that decided it
    dialogs = page.get_by_role("dialog")
    assert dialogs.count() == 0, dialogs.first.inner_text()
    assert "Page not found" not in page.locator("body").inner_text()
    assert_no_error(page)


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_declared_address_opens_its_page(page, app_url, spec):
    open_address(page, f"{app_url}/{spec.url_path}", HEADINGS.get(spec.url_path, spec.title))


def test_the_default_pages_address_leads_to_the_root_with_its_parameters(page, app_url):
    open_address(page, f"{app_url}/{DEFAULT.url_path}?edition=2026", DEFAULT.title)
    assert page.url == f"{app_url}/?edition=2026"
    assert page.get_by_test_id("stMain").get_by_text("Sélection : édition 2026").count() == 1


def test_an_unknown_address_gets_a_french_page_with_every_page_listed(page, app_url):
    open_address(page, f"{app_url}/nulle-part", NOT_FOUND_TITLE)
    main = page.get_by_test_id("stMain")
    for spec in PAGES:
        assert main.get_by_text(spec.title, exact=True).count() == 1, spec.title
    # a rerun of that page (the atelier switch) stays on it, still without the dialog
    page.get_by_text("Mode atelier", exact=True).click()
    expect(page).to_have_url(f"{app_url}/nulle-part?mode=atelier", timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=NOT_FOUND_TITLE)).to_have_count(1, timeout=30_000)
    assert page.get_by_role("dialog").count() == 0
    # a link of the list opens its page
    main.get_by_text("Avancement des projets", exact=True).click()
    page.get_by_role("heading", name="Avancement des projets", exact=True).first.wait_for(timeout=60_000)
    assert page.get_by_role("dialog").count() == 0


def test_a_visitors_menu_lists_no_members_page_whose_address_still_opens(anonymous_page, app_url):
    open_address(anonymous_page, f"{app_url}/utilisateurs", "Utilisateurs")
    main = anonymous_page.get_by_test_id("stMain")
    assert main.get_by_text("non disponible en mode atelier", exact=False).count() == 1
    menu = anonymous_page.get_by_test_id("stSidebarNav")
    expect(menu.get_by_text(DEFAULT.title, exact=True)).to_have_count(1)
    for title in ("Mes projets", "Nouveau projet", "Données", "Utilisateurs", "Administration"):
        assert menu.get_by_text(title, exact=True).count() == 0, title
