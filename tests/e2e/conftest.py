"""Browser tests: the app served by `streamlit run`, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ci import in_ci
from tests.support.e2e import CHROMIUM_ARGS, chromium_path, serve


@pytest.fixture(scope="session")
def app_url(demo_home: Path) -> Iterator[str]:
    with serve(demo_home) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium introuvable (paquet Debian `chromium`) : tests navigateur non exécutés"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR")
    pg = context.new_page()
    yield pg
    context.close()
