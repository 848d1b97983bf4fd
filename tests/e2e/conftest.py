"""Browser tests: the app served by `streamlit run`, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.e2e import local, serve_signed, sign_in

# The pages' tests look as the administrateur (who sees and may do everything); the sign-in tests and
# those of what a visitor or a coach sees start from `anonymous_page`.
ADMIN = "admin@demo.reindus.fr"


@pytest.fixture(scope="session")
def app_url(demo_home: Path) -> Iterator[str]:
    """The demo served with its identity provider (`make run`), on localhost (the redirect URI's host)."""
    with serve_signed(demo_home) as url:
        yield local(url)


def _context(browser, **options):
    return browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR", **options)


@pytest.fixture(scope="session")
def admin_state(browser, app_url) -> dict:
    """The administrateur's signed-in cookies, from one real sign-in through the demo provider."""
    context = _context(browser)
    sign_in(context.new_page(), app_url, ADMIN)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def page(browser, admin_state):
    """A page of a browser signed in as the administrateur."""
    context = _context(browser, storage_state=admin_state)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def anonymous_page(browser):
    """A page of a browser nobody signed in with."""
    context = _context(browser)
    pg = context.new_page()
    yield pg
    context.close()
