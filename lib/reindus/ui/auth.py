"""Sign-in at the Streamlit boundary: the current `Viewer` from `st.user` and the users table, and the
sidebar's account box (sign in, who is signed in, sign out).

Only the ID token's claims reach `st.user` (the identity cookie, signed by Streamlit); a widget or a
query parameter never changes who the viewer is. Streamlit keeps that cookie 30 days whatever the
token's `exp`: a session older than `config.session_max_age()` (from `auth_time`, else `iat`) is
signed out here, on every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy import Engine

from reindus import config
from reindus.auth import ANONYMOUS, Viewer, users
from reindus.store.db import session_factory
from reindus.text.safe import md_text

UNAUTHORIZED = (
    "Compte non autorisé : {email} n'a pas de rôle dans l'application. Seules les données publiques "
    "sont affichées ; demandez l'accès à un administrateur."
)


def auth_section() -> Mapping | None:
    """The `[auth]` section of the secrets, or None: without it, only public data are shown."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets file at all
        return None
    return section if isinstance(section, Mapping) and section else None


def provider() -> str | None:
    """The named provider (`[auth.NAME]`) to sign in with; None when `[auth]` itself holds it."""
    section = auth_section() or {}
    names = [k for k, v in section.items() if isinstance(v, Mapping)]
    return names[0] if names else None


def _group_rules() -> tuple[str, Mapping]:
    try:
        settings = st.secrets.get("reindus", {})
    except FileNotFoundError:
        return "groups", {}
    return str(settings.get("groups_claim", "groups")), settings.get("groups", {})


def _claims() -> dict:
    return {k: v for k, v in st.user.to_dict().items() if k != "tokens"}


_VIEWER = "_reindus_viewer"


def setup(engine: Engine) -> Viewer:
    """Decide who is looking for this run (app.py, before any page); pages read it with `viewer()`.

    Kept in session state, which lives on the server: no widget has this key, so the browser cannot
    set it; it is recomputed from `st.user` and the users table at every run."""
    st.session_state[_VIEWER] = who = current_viewer(engine)
    return who


def viewer() -> Viewer:
    """The viewer decided by `setup` for this run; anonymous if it was not called."""
    who = st.session_state.get(_VIEWER)
    return who if isinstance(who, Viewer) else ANONYMOUS


def _logged_in() -> bool:
    return bool(st.user.to_dict().get("is_logged_in"))


def current_viewer(engine: Engine) -> Viewer:
    """Who is looking, decided on the server at each run. Anonymous unless signed in, known and in time."""
    if auth_section() is None or not _logged_in():
        return ANONYMOUS
    claims = _claims()
    if users.session_expired(claims, datetime.now(UTC), config.session_max_age()):
        # st.logout clears st.user at once (this run is anonymous) and ends the session at the provider
        st.logout()
        return ANONYMOUS
    email = users.claimed_email(claims)
    grant = None
    if email:
        with session_factory(engine)() as session:
            user = users.find_user(session, email)
        grant = users.grant_of(user)
        if user is not None and not claims.get("name"):
            claims["name"] = user.name
        if grant is None:
            claim, rules = _group_rules()
            groups = claims.get(claim) or []
            grant = users.group_grants(rules, [groups] if isinstance(groups, str) else groups)
    return users.viewer_from(claims, grant)


def account_box(viewer: Viewer) -> None:
    """The sidebar's sign-in / signed-in box."""
    box = st.sidebar.container(key="account")
    if auth_section() is None:
        box.caption("Connexion non configurée : seules les données publiques sont affichées.")
        return
    if viewer.unauthorized:
        box.warning(UNAUTHORIZED.format(email=md_text(viewer.email or "ce compte")))
    if viewer.signed_in:
        # st.text: the name comes from the identity provider and is shown as is, never as markdown
        box.text(f"Connecté : {viewer.name or viewer.email}\n{viewer.describe()}")
    if _logged_in():
        if box.button("Se déconnecter", key="sign_out", icon=":material/logout:"):
            st.logout()
    elif box.button("Se connecter", key="sign_in", icon=":material/login:", type="primary"):
        st.login(provider())
