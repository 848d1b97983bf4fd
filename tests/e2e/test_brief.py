"""« Brief de la région (PDF) » in headless Chromium: the présidence downloads a real PDF built on the
server at the click; a coach is never offered it."""

from __future__ import annotations

import re

import pypdf
import pytest

from tests.support.e2e import assert_no_error, sign_in, wait_for_app

pytestmark = pytest.mark.e2e

BUTTON = "Télécharger le brief (PDF)"


def test_the_presidence_downloads_the_brief(anonymous_page, app_url, tmp_path):
    page = anonymous_page
    sign_in(page, app_url, "presidence.normandie@demo.reindus.fr")
    page.set_viewport_size({"width": 1600, "height": 6000})  # Streamlit scrolls inside its container
    page.get_by_role("heading", name="Brief de la région (PDF)").wait_for(timeout=60_000)
    wait_for_app(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile(re.escape(BUTTON))).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("brief_region_28_") and saved.suffix == ".pdf"
    reader = pypdf.PdfReader(saved)
    assert len(reader.pages) == 5
    first = reader.pages[0].extract_text()
    assert "Brief de la région Normandie" in first and "démo" in first
    assert_no_error(page)


def test_a_coach_is_not_offered_the_brief(anonymous_page, app_url):
    page = anonymous_page
    sign_in(page, app_url, "conseiller.normandie@demo.reindus.fr")
    page.set_viewport_size({"width": 1600, "height": 6000})
    page.get_by_role("heading", name="Éditions successives").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_role("heading", name="Brief de la région (PDF)").count() == 0
    assert page.get_by_role("button", name=re.compile(re.escape(BUTTON))).count() == 0
