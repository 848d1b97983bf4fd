"""The real sign-in flow in headless Chromium: `reindus serve --demo-auth` (what `make run` does) with the
demo identity provider (oidc-provider-mock) started beside the app."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reindus.programme.data import load_programme
from reindus.store.db import make_engine
from tests.confidential import confidential_outside, confidential_texts, leaks
from tests.support.e2e import (
    assert_no_error,
    local,
    serve_signed,
    sign_in,
    sign_out,
    signed_out,
    wait_for_app,
)

pytestmark = pytest.mark.e2e


def _home(demo_home: Path, tmp_path_factory, name: str) -> Path:
    home = tmp_path_factory.mktemp(name)
    for file in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / file, home / file)
    return home


@pytest.fixture(scope="module")
def signed_app(demo_home, tmp_path_factory) -> Iterator[str]:
    with serve_signed(_home(demo_home, tmp_path_factory, "auth-home")) as url:
        yield local(url)


@pytest.fixture
def page(anonymous_page):
    return anonymous_page


def account_text(page) -> str:
    # an address is shown with a word joiner after « @ », which keeps Markdown from making it a link
    return page.locator(".st-key-account").inner_text(timeout=120_000).replace("\u2060", "")


@pytest.mark.parametrize(
    ("email", "described"),
    [
        ("admin@demo.reindus.fr", "administrateur"),
        ("presidence.normandie@demo.reindus.fr", "présidence — Normandie"),
        ("conseiller.normandie@demo.reindus.fr", "conseiller — Normandie"),
        ("conseiller.idf@demo.reindus.fr", "conseiller — Île-de-France"),
    ],
)
def test_each_demo_account_signs_in_and_out(page, signed_app, email, described):
    page.goto(signed_app)
    signed_out(page)
    sign_in(page, signed_app, email)
    text = account_text(page)
    assert described in text and "Se déconnecter" in text, text
    assert_no_error(page)
    sign_out(page, signed_app)
    assert described not in account_text(page)


def test_an_unknown_account_gets_the_public_view_and_a_message(page, signed_app):
    page.goto(signed_app)
    signed_out(page)
    page.get_by_role("button", name="Se connecter").click()
    # the demo provider also signs in any address typed in its form
    page.locator("input[name=sub]").fill("inconnu@ailleurs.fr")
    page.locator("input[name=sub]").press("Enter")
    page.wait_for_url(f"{signed_app}/**", timeout=120_000)
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=120_000)
    assert "Compte non autorisé : inconnu@ailleurs.fr" in account_text(page)


def test_a_session_older_than_the_maximum_age_is_signed_out(page, demo_home, tmp_path_factory):
    max_age = 8
    with serve_signed(_home(demo_home, tmp_path_factory, "auth-age"), max_age=max_age) as url:
        url = local(url)
        sign_in(page, url, "admin@demo.reindus.fr")
        assert "administrateur" in account_text(page)
        time.sleep(max_age + 1)
        page.reload()
        # the app signs the session out, at the provider too (confirmation page of the demo provider)
        end = page.get_by_role("button", name="End session")
        end.wait_for(timeout=120_000)
        end.click()
        page.wait_for_url(f"{url}/**", timeout=120_000)
        signed_out(page)
        assert "administrateur" not in account_text(page)


@pytest.fixture(scope="module")
def programme(demo_home):
    return load_programme(make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}"))


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text(timeout=120_000)


def test_a_visitor_gets_the_public_view_only(page, signed_app, programme):
    page.goto(signed_app)
    signed_out(page)
    page.get_by_role("heading", name="Tableau de bord").first.wait_for(timeout=120_000)
    wait_for_app(page)
    text = main_text(page)
    assert "Mode atelier : données publiques seulement" in text
    assert not leaks(text, confidential_texts(programme))
    assert page.get_by_role("button", name=re.compile("Télécharger|Exporter")).count() == 0


def test_a_coach_deep_linked_to_another_regions_project_sees_nothing_confidential(
    page, signed_app, programme
):
    sign_in(page, signed_app, "conseiller.idf@demo.reindus.fr")
    page.goto(f"{signed_app}/projet?projet=1")  # « Électronique Henry », Normandie
    page.get_by_role("heading", name=re.compile("Électronique Henry")).first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert "conseiller — Île-de-France" in account_text(page)
    text = main_text(page)
    assert "Normandie" in text
    assert not leaks(text, confidential_outside(programme, frozenset({"11"})))
    assert "Julien Blanc" not in text  # Normandie's coach
    assert page.locator('[data-testid="stForm"]').count() == 0  # no form that writes
    assert_no_error(page)
