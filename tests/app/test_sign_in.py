"""AppTest of the account box: who st.user and the users table say is looking, for each kind of visitor."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from reindus.auth import ANONYMOUS, Role
from reindus.ui import auth
from tests.support.accounts import ACCOUNTS, sign_in
from tests.support.markdown import shown
from tests.support.paths import ROOT


def run(account: str | None, **options) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), account, **options)
    at.run()
    assert not at.exception, at.exception
    return at


def viewer_of(at: AppTest):
    return at.session_state["_reindus_viewer"]


def sidebar_text(at: AppTest) -> str:
    return "\n".join([t.value for t in at.sidebar.text] + [shown(w.value) for w in at.sidebar.warning])


@pytest.mark.parametrize(
    ("account", "role", "regions"),
    [
        ("administrateur", Role.ADMIN, frozenset()),
        ("presidence", Role.PRESIDENCE, frozenset({"28"})),
        ("conseiller-normandie", Role.CONSEILLER, frozenset({"28"})),
        ("conseiller-idf", Role.CONSEILLER, frozenset({"11"})),
    ],
)
def test_each_demo_account_gets_its_role_and_regions(demo_env, account, role, regions):
    at = run(account)
    viewer = viewer_of(at)
    assert (viewer.role, viewer.regions, viewer.email) == (role, regions, ACCOUNTS[account])
    assert "Connecté" in sidebar_text(at)
    assert [b.label for b in at.sidebar.button if b.key == "sign_out"] == ["Se déconnecter"]


def test_anonymous_gets_a_sign_in_button_and_nothing_else(demo_env):
    at = run(None)
    assert viewer_of(at) == ANONYMOUS
    assert [b.label for b in at.sidebar.button if b.key in ("sign_in", "sign_out")] == ["Se connecter"]


def test_a_signed_in_stranger_is_anonymous_with_a_message(demo_env):
    at = run(None, email="inconnu@ailleurs.fr")
    viewer = viewer_of(at)
    assert viewer.unauthorized and viewer.scope == ANONYMOUS.scope
    assert "Compte non autorisé : inconnu@ailleurs.fr" in sidebar_text(at)


def test_an_over_age_session_is_signed_out(demo_env, monkeypatch):
    monkeypatch.setenv("REINDUS_SESSION_MAX_AGE", "3600")
    at = run("administrateur", age_seconds=3601)
    assert viewer_of(at) == ANONYMOUS
    assert at.user == {"is_logged_in": False}  # st.logout ran


def test_without_auth_configuration_everyone_is_anonymous(demo_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.user = {"is_logged_in": True, "email": ACCOUNTS["administrateur"], "iat": 2e9}
    at.run()
    assert viewer_of(at) == ANONYMOUS
    assert auth.UNAUTHORIZED not in sidebar_text(at)
