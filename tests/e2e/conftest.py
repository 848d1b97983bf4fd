"""Browser tests: the app served by `streamlit run`, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.e2e import serve


@pytest.fixture(scope="session")
def app_url(demo_home: Path) -> Iterator[str]:
    with serve(demo_home) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR")
    pg = context.new_page()
    yield pg
    context.close()
