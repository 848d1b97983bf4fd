"""The demo's identity provider: a local OpenID Connect server (PyPI `oidc-provider-mock`) holding one
account per role and region, so that a newcomer signs in with one click. Demo and tests only: a
deployment configures its CCI's own provider in `.streamlit/secrets.toml` and never starts this.

`reindus serve --demo-auth` (what `make run` does) starts it beside the app when no `[auth]` section is
configured, and points Streamlit at a secrets file written under REINDUS_HOME.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROVIDER = "demo"  # [auth.demo]; Streamlit allows no « _ » in a provider's name
DEFAULT_PORT = 8599


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    regions: tuple[str, ...] = ()


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@demo.reindus.fr", "Claire Morel (administratrice, démo)", "administrateur"),
    DemoAccount(
        "presidence.normandie@demo.reindus.fr",
        "Henri Lefèvre (présidence CCI Normandie, démo)",
        "presidence",
        ("28",),
    ),
    DemoAccount(
        "conseiller.normandie@demo.reindus.fr",
        "Camille Durand (conseillère Normandie, démo)",
        "conseiller",
        ("28",),
    ),
    DemoAccount(
        "conseiller.idf@demo.reindus.fr",
        "Yanis Benali (conseiller Île-de-France, démo)",
        "conseiller",
        ("11",),
    ),
)


def user_claims(accounts=DEMO_ACCOUNTS) -> list:
    """The provider's predefined users: their email and name go into the ID token."""
    from oidc_provider_mock import User

    return [
        User(sub=a.email, claims={"email": a.email, "email_verified": True, "name": a.name}) for a in accounts
    ]


@contextmanager
def running(port: int = DEFAULT_PORT, accounts=DEMO_ACCOUNTS) -> Iterator[str]:
    """Run the provider on a background thread; yields its base URL (http://localhost:PORT)."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port, user_claims=user_claims(accounts)) as server:
        yield f"http://localhost:{server.server_port}"


def secrets_toml(app_url: str, idp_url: str, cookie_secret: str) -> str:
    """The `[auth]` section that points Streamlit at the demo provider (any client id is accepted)."""
    q = json.dumps  # TOML basic strings accept JSON string escapes
    return (
        "[auth]\n"
        f"redirect_uri = {q(app_url.rstrip('/') + '/oauth2callback')}\n"
        f"cookie_secret = {q(cookie_secret)}\n\n"
        f"[auth.{PROVIDER}]\n"
        'client_id = "reindus-demo"\n'
        'client_secret = "reindus-demo"\n'
        f"server_metadata_url = {q(idp_url + '/.well-known/openid-configuration')}\n"
        'client_kwargs = { scope = "openid email profile", prompt = "login" }\n'
    )


def write_secrets(path: Path, app_url: str, idp_url: str) -> Path:
    """Write the demo secrets file; the cookie secret is kept across restarts (signed-in sessions last)."""
    cookie_secret = None
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("cookie_secret = "):
                cookie_secret = json.loads(line.split("=", 1)[1].strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets_toml(app_url, idp_url, cookie_secret or secrets.token_hex(32)), encoding="utf-8")
    return path
