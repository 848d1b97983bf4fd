"""Signing in for AppTest, as `st.user` sees it after the real flow (tests/e2e/test_sign_in.py runs it)."""

from __future__ import annotations

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
