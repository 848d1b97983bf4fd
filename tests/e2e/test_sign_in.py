"""The real sign-in flow in headless Chromium: `reindus serve --demo-auth` (what `make run` does) with the
demo identity provider (oidc-provider-mock) started beside the app."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import _free_port, assert_no_error, serve, wait_for_app

pytestmark = pytest.mark.e2e


def _home(demo_home: Path, tmp_path_factory, name: str) -> Path:
    home = tmp_path_factory.mktemp(name)
    for file in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / file, home / file)
    return home


def _serve_with_idp(home: Path, max_age: int | None = None):
    env = {"REINDUS_DEMO_IDP_PORT": str(_free_port())}
    if max_age is not None:
        env["REINDUS_SESSION_MAX_AGE"] = str(max_age)
    return serve(home, "--demo-auth", env_extra=env)


@pytest.fixture(scope="module")
def signed_app(demo_home, tmp_path_factory) -> Iterator[str]:
    with _serve_with_idp(_home(demo_home, tmp_path_factory, "auth-home")) as url:
        # the redirect URI names localhost: the browser must use the same host for the cookies
        yield url.replace("127.0.0.1", "localhost")


def signed_out(page) -> None:
    page.get_by_role("button", name="Se connecter").wait_for(timeout=60_000)
    wait_for_app(page)


def sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    signed_out(page)
    page.get_by_role("button", name="Se connecter").click()
    # the demo provider lists its accounts as buttons: one click signs in
    page.get_by_role("button", name=email).click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=60_000)
    wait_for_app(page)


def sign_out(page, url: str) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    # Streamlit ends the session at the provider too (its end_session_endpoint), which asks to confirm
    end = page.get_by_role("button", name="End session")
    end.wait_for(timeout=30_000)
    end.click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    signed_out(page)


def account_text(page) -> str:
    return page.locator(".st-key-account").inner_text(timeout=30_000)


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
    page.wait_for_url(f"{signed_app}/**", timeout=30_000)
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=60_000)
    assert "Compte non autorisé : inconnu@ailleurs.fr" in account_text(page)


def test_a_session_older_than_the_maximum_age_is_signed_out(page, demo_home, tmp_path_factory):
    max_age = 8
    with _serve_with_idp(_home(demo_home, tmp_path_factory, "auth-age"), max_age=max_age) as url:
        url = url.replace("127.0.0.1", "localhost")
        sign_in(page, url, "admin@demo.reindus.fr")
        assert "administrateur" in account_text(page)
        time.sleep(max_age + 1)
        page.reload()
        # the app signs the session out, at the provider too (confirmation page of the demo provider)
        end = page.get_by_role("button", name="End session")
        end.wait_for(timeout=60_000)
        end.click()
        page.wait_for_url(f"{url}/**", timeout=30_000)
        signed_out(page)
        assert "administrateur" not in account_text(page)
