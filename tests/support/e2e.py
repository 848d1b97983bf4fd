"""Browser tests' shared pieces: the app served as `make run` serves it, waiting for a run, screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reindus.loopback import server
from tests.support.browser import CHROMIUM_ARGS, chromium_path, free_port

__all__ = ["CHROMIUM_ARGS", "chromium_path", "free_port"]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# The heading a page opens with, where it is not its title in the registry (Données titles itself
# « Données chargées », the carousel shows its first view).
HEADINGS = {"donnees": "Données chargées", "carrousel": "Tableau de bord"}


@contextmanager
def serve(home: Path, *options: str, env_extra: dict[str, str] | None = None) -> Iterator[str]:
    """The app on a free local port, with REINDUS_HOME=home, started as `make run` does (`reindus serve`)."""
    port = free_port()
    env = {**os.environ, "REINDUS_HOME": str(home), **(env_extra or {})}
    env.pop("REINDUS_DATABASE_URL", None)
    with server(port, env, home / "streamlit.log", *options):
        yield f"http://127.0.0.1:{port}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page) -> None:
    """Wait until the script has finished running (no running indicator) and the page has content."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )


def assert_no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


# --- the real sign-in flow with the demo identity provider (`reindus serve --demo-auth`) -------------


def serve_signed(home: Path, max_age: int | None = None):
    """`serve` with the demo identity provider beside the app, as `make run` does."""
    env = {"REINDUS_DEMO_IDP_PORT": str(free_port())}
    if max_age is not None:
        env["REINDUS_SESSION_MAX_AGE"] = str(max_age)
    return serve(home, "--demo-auth", env_extra=env)


def local(url: str) -> str:
    """The redirect URI names localhost: the browser must use the same host for the cookies."""
    return url.replace("127.0.0.1", "localhost")


def signed_out(page) -> None:
    page.get_by_role("button", name="Se connecter").wait_for(timeout=120_000)
    wait_for_app(page)


def sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    signed_out(page)
    page.get_by_role("button", name="Se connecter").click()
    # the demo provider lists its accounts as buttons: one click signs in
    page.get_by_role("button", name=email).click()
    page.wait_for_url(f"{url}/**", timeout=120_000)
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=120_000)
    wait_for_app(page)


def sign_out(page, url: str) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    # Streamlit ends the session at the provider too (its end_session_endpoint), which asks to confirm
    end = page.get_by_role("button", name="End session")
    end.wait_for(timeout=120_000)
    end.click()
    page.wait_for_url(f"{url}/**", timeout=120_000)
    signed_out(page)
