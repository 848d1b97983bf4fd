"""Fixtures of the AppTest tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def writable_home(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo home, so that edits do not leak into other tests."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("*.log"))
    monkeypatch.setenv("REINDUS_HOME", str(home))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    return home


# --- signing in, as st.user sees it after the real flow (tests/e2e/test_sign_in.py runs that flow) ---

AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "reindus-tests-cookie-secret-0123456789abcdef",
        "demo": {
            "client_id": "reindus-demo",
            "client_secret": "reindus-demo",
            "server_metadata_url": "http://localhost:8599/.well-known/openid-configuration",
        },
    }
}
# The demo's accounts (seeded in the users table by the demo), by role.
ACCOUNTS = {
    "administrateur": "admin@demo.reindus.fr",
    "presidence": "presidence.normandie@demo.reindus.fr",
    "conseiller-normandie": "conseiller.normandie@demo.reindus.fr",
    "conseiller-idf": "conseiller.idf@demo.reindus.fr",
}


def sign_in(at, account: str | None, *, age_seconds: float = 60, email: str | None = None):
    """Configure [auth] and, unless `account` is None (anonymous), a signed-in user from ACCOUNTS."""
    import time

    at.secrets.update(AUTH_SECRETS)
    if account is None and email is None:
        at.user = {"is_logged_in": False}
    else:
        address = email or ACCOUNTS[account]
        at.user = {
            "is_logged_in": True,
            "email": address,
            "name": address.split("@")[0],
            "iat": time.time() - age_seconds,
        }
    return at
