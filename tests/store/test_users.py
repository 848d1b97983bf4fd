"""The users table: add, change, list, remove, all audited; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from reindus.auth import Role, users
from reindus.errors import ValidationError
from reindus.store.repository import audit_history


def test_add_change_list_remove_a_user_with_audit(Session):
    with Session.begin() as s:
        users.add_user(s, "Camille.Durand@CCI.fr", "conseiller", ["Normandie"], "cli:root", name="Camille")
    with Session.begin() as s:
        user = users.find_user(s, "camille.durand@cci.fr")
        assert (user.role, user.regions, user.name) == ("conseiller", "28", "Camille")
        users.add_user(s, "camille.durand@cci.fr", "conseiller", ["28,11"], "cli:root")
    with Session.begin() as s:
        table = users.list_users(s)
        assert table.to_dict("records") == [
            {
                "email": "camille.durand@cci.fr",
                "name": "Camille",
                "role": "conseiller",
                "regions": "11,28",
                "source": "saisie",
            }
        ]
        assert users.grant_of(users.find_user(s, "camille.durand@cci.fr")) == users.Grant(
            Role.CONSEILLER, frozenset({"11", "28"})
        )
        users.remove_user(s, "camille.durand@cci.fr", "cli:root")
    with Session() as s:
        assert users.list_users(s).empty
        history = audit_history(s, table_name="users")
    assert list(history["action"]) == ["delete", "update", "insert"]
    assert set(history["actor"]) == {"cli:root"}


@pytest.mark.parametrize(
    ("email", "role", "regions", "message"),
    [
        ("pas-une-adresse", "conseiller", ["28"], "Adresse électronique invalide"),
        ("a@cci.fr", "stagiaire", [], "Rôle inconnu"),
        ("a@cci.fr", "conseiller", [], "indiquez sa région"),
        ("a@cci.fr", "conseiller", ["Atlantide"], "Région inconnue : « Atlantide »"),
    ],
)
def test_bad_users_are_refused_in_french(Session, email, role, regions, message):
    with Session.begin() as s, pytest.raises(ValidationError, match=message):
        users.add_user(s, email, role, regions, "cli:root")


def test_removing_an_unknown_user_says_so(Session):
    with Session.begin() as s, pytest.raises(ValidationError, match="Aucun utilisateur « x@cci.fr »"):
        users.remove_user(s, "x@cci.fr", "cli:root")
