"""Roles and scopes: deny by default, a coach's region, the checks every write makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reindus.auth import ANONYMOUS, ANONYMOUS_SCOPE, Role, Viewer, parse_role, system_viewer, users
from reindus.errors import PermissionDeniedError, ValidationError

ADMIN = Viewer(Role.ADMIN, email="a@cci.fr", name="Ada")
PRESIDENCE = Viewer(Role.PRESIDENCE, frozenset({"28"}), email="p@cci.fr", name="Paul")
COACH_28 = Viewer(Role.CONSEILLER, frozenset({"28"}), email="c28@cci.fr", name="Camille")
COACH_11 = Viewer(Role.CONSEILLER, frozenset({"11"}), email="c11@cci.fr", name="Yanis")


def test_anonymous_is_public_and_may_change_nothing():
    scope = ANONYMOUS.scope
    assert scope == ANONYMOUS_SCOPE and scope.public and not ANONYMOUS.signed_in
    assert scope.confidential_regions == frozenset() and not scope.sees_project("28")
    assert not (scope.may_edit or scope.may_import or scope.may_export or scope.may_manage_users)
    with pytest.raises(PermissionDeniedError, match="Connectez-vous"):
        ANONYMOUS.require_edit_project("28")


def test_scopes_are_hashable_cache_keys_that_tell_viewers_apart():
    keys = {v.scope for v in (ANONYMOUS, ADMIN, PRESIDENCE, COACH_28, COACH_11)}
    assert len(keys) == 5
    # two coaches of one region see the same data: one cache entry
    assert Viewer(Role.CONSEILLER, frozenset({"28"}), email="x@cci.fr").scope == COACH_28.scope


def test_each_role_edits_exactly_its_scope():
    assert ADMIN.scope.may_edit_project("11") and ADMIN.scope.may_import and ADMIN.scope.may_manage_users
    assert PRESIDENCE.scope.sees_project("11") and not PRESIDENCE.scope.may_edit
    with pytest.raises(PermissionDeniedError, match="présidence"):
        PRESIDENCE.require_edit_project("28")
    COACH_28.require_edit_project("28")
    with pytest.raises(PermissionDeniedError, match="Île-de-France, hors de votre périmètre"):
        COACH_28.require_edit_project("11")
    assert COACH_28.scope.sees_project("28") and not COACH_28.scope.sees_project("11")
    assert not COACH_28.scope.sees_project(None)
    with pytest.raises(PermissionDeniedError, match="administrateur"):
        COACH_28.require_import()
    with pytest.raises(PermissionDeniedError, match="administrateur"):
        PRESIDENCE.require_manage_users()


def test_audit_actor_names_the_person_or_the_command_line():
    assert COACH_28.actor == "Camille <c28@cci.fr>"
    assert Viewer(Role.ADMIN, email="a@cci.fr").actor == "a@cci.fr"
    cli = system_viewer("cli:root")
    assert cli.actor == "cli:root" and cli.scope.may_import


def test_roles_parse_with_or_without_accent():
    assert parse_role("Présidence") is Role.PRESIDENCE and parse_role("presidence") is Role.PRESIDENCE
    with pytest.raises(ValidationError, match="Rôle inconnu : « anonyme »"):
        parse_role("anonyme")


def test_unknown_or_unverified_signed_in_person_gets_the_anonymous_view():
    unknown = users.viewer_from({"email": "x@ailleurs.fr", "name": "X"}, None)
    assert unknown.unauthorized and unknown.scope == ANONYMOUS_SCOPE and unknown.email == "x@ailleurs.fr"
    grant = users.Grant(Role.ADMIN)
    unverified = users.viewer_from({"email": "a@cci.fr", "email_verified": False}, grant)
    assert unverified.unauthorized and unverified.scope.public
    known = users.viewer_from({"email": "A@CCI.fr", "name": "Ada"}, grant)
    assert known.role is Role.ADMIN and known.email == "a@cci.fr" and not known.unauthorized


def test_group_rules_give_the_broadest_role_and_its_regions():
    rules = {
        "cci-normandie": {"role": "conseiller", "regions": ["28"]},
        "cci-idf": {"role": "conseiller", "regions": ["Île-de-France"]},
        "pilotage": {"role": "présidence"},
    }
    assert users.group_grants(rules, ["cci-normandie", "cci-idf", "autre"]) == users.Grant(
        Role.CONSEILLER, frozenset({"28", "11"})
    )
    assert users.group_grants(rules, ["cci-normandie", "pilotage"]).role is Role.PRESIDENCE
    assert users.group_grants(rules, ["autre"]) is None


def test_session_age_comes_from_auth_time_else_iat_and_unknown_is_expired():
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    fresh = (now - timedelta(minutes=5)).timestamp()
    old = (now - timedelta(hours=9)).timestamp()
    assert not users.session_expired({"iat": fresh}, now, 8 * 3600)
    assert users.session_expired({"iat": old}, now, 8 * 3600)
    assert users.session_expired(
        {"auth_time": old, "iat": fresh}, now, 8 * 3600
    )  # re-issued token, old sign-in
    assert users.session_expired({}, now, 8 * 3600)
    assert users.session_expired({"iat": "n'importe quoi"}, now, 8 * 3600)
