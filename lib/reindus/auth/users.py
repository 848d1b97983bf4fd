"""The users table: who may sign in, with which role and regions; and how an ID token becomes a Viewer.

Roles are kept in the store, keyed by the verified `email` claim (a CCI's identity provider does not
carry reindus groups). A deployment may also map identity-provider groups to roles (`GroupRule`); the
users table wins over the groups. Changes are audited like every other write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from reindus.auth.viewer import REGIONAL_ROLES, ROLE_LABELS, Role, Viewer, parse_role
from reindus.errors import ValidationError
from reindus.reference.territory import regions as region_names
from reindus.store import repository
from reindus.store.models import User

USER_SOURCE = "saisie"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USER_COLUMNS = ["email", "name", "role", "regions", "source"]


def normalise_email(email: str) -> str:
    value = str(email or "").strip().lower()
    if not _EMAIL.match(value):
        raise ValidationError(f"Adresse électronique invalide : « {email} ».", field="email")
    return value


def parse_regions(values: Iterable[str]) -> frozenset[str]:
    """Region codes (« 28 ») or names (« Normandie »), checked against the COG regions."""
    names = region_names()
    by_name = {n.lower(): c for c, n in names.items()}
    out: set[str] = set()
    for raw in values:
        for part in str(raw).split(","):
            text = part.strip()
            if not text:
                continue
            code = text if text in names else by_name.get(text.lower())
            if code is None:
                raise ValidationError(
                    f"Région inconnue : « {text} » (code COG, p. ex. 28 pour la Normandie, ou nom).",
                    field="regions",
                )
            out.add(code)
    return frozenset(out)


def _check_role_regions(role: Role, regions: frozenset[str]) -> None:
    if role in REGIONAL_ROLES and not regions:
        raise ValidationError(
            f"Un {ROLE_LABELS[role]} travaille pour la CCI d'une région : indiquez sa région (--region).",
            field="regions",
        )


def find_user(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()


def add_user(
    session: Session,
    email: str,
    role: str | Role,
    regions: Iterable[str],
    actor: str,
    *,
    name: str = "",
    source: str = USER_SOURCE,
) -> User:
    """Add the user, or change the role, regions and name of an existing one (audited)."""
    address = normalise_email(email)
    role = role if isinstance(role, Role) else parse_role(role)
    if role is Role.ANONYMOUS:
        raise ValidationError("Le rôle « anonyme » ne s'attribue pas : retirez plutôt l'utilisateur.")
    codes = parse_regions(regions)
    _check_role_regions(role, codes)
    joined = ",".join(sorted(codes))
    existing = find_user(session, address)
    if existing is None:
        return repository.insert(
            session,
            User(email=address, name=name.strip(), role=role.value, regions=joined, source=source),
            actor,
        )
    changes = {"role": role.value, "regions": joined}
    if name.strip():
        changes["name"] = name.strip()
    return repository.update_versioned(session, User, existing.id, existing.version, changes, actor)


def remove_user(session: Session, email: str, actor: str) -> None:
    address = normalise_email(email)
    user = find_user(session, address)
    if user is None:
        raise ValidationError(f"Aucun utilisateur « {address} ».", field="email")
    repository.delete_versioned(session, User, user.id, user.version, actor)


def list_users(session: Session) -> pd.DataFrame:
    rows = session.execute(select(User).order_by(User.role, User.email)).scalars()
    records = [(u.email, u.name, u.role, u.regions, u.source) for u in rows]
    return pd.DataFrame.from_records(records, columns=USER_COLUMNS)


# --- the same, for a signed-in person (the « Utilisateurs » page): refused unless administrateur -------


def users_as(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    viewer.require_manage_users()
    with Session(engine) as session:
        return list_users(session)


def add_as(
    engine: Engine, viewer: Viewer, email: str, role: str | Role, regions: Iterable[str], name: str = ""
) -> str:
    """Add or change a user, audited under the viewer's name; the French message to show."""
    viewer.require_manage_users()
    user = repository.write(engine, lambda s: add_user(s, email, role, regions, viewer.actor, name=name))
    return (
        f"{user.email} : {ROLE_LABELS[Role(user.role)]}"
        + (f" ({user.regions})" if user.regions else "")
        + "."
    )


def remove_as(engine: Engine, viewer: Viewer, email: str) -> str:
    """Remove a user (not oneself: an administrateur would lock the app out)."""
    viewer.require_manage_users()
    address = normalise_email(email)
    if address == viewer.email:
        raise ValidationError("Vous ne pouvez pas retirer votre propre compte.", field="email")
    repository.write(engine, lambda s: remove_user(s, address, viewer.actor))
    return f"{address} retiré des utilisateurs."


@dataclass(frozen=True)
class Grant:
    """A role and its regions, as the users table or a group rule gives them."""

    role: Role
    regions: frozenset[str] = frozenset()


def grant_of(user: User | None) -> Grant | None:
    if user is None:
        return None
    return Grant(Role(user.role), frozenset(c for c in user.regions.split(",") if c))


def group_grants(rules: Mapping[str, Mapping], groups: Iterable[str]) -> Grant | None:
    """The broadest grant among the groups the ID token names; `rules` maps a group to
    {"role": …, "regions": [...]} (secrets.toml, `[reindus.groups]`)."""
    rank = {Role.ADMIN: 0, Role.PRESIDENCE: 1, Role.CONSEILLER: 2}
    found: list[Grant] = []
    for group in groups:
        rule = rules.get(str(group))
        if rule is None:
            continue
        role = parse_role(rule.get("role", ""))
        codes = parse_regions(rule.get("regions", ()))
        _check_role_regions(role, codes)
        found.append(Grant(role, codes))
    if not found:
        return None
    best = min((g.role for g in found), key=rank.__getitem__)
    return Grant(best, frozenset().union(*(g.regions for g in found if g.role is best)))


def claimed_email(claims: Mapping) -> str | None:
    """The `email` claim if the provider did not say it is unverified."""
    if claims.get("email_verified") is False:
        return None
    email = str(claims.get("email") or "").strip().lower()
    return email or None


def viewer_from(claims: Mapping, grant: Grant | None) -> Viewer:
    """The viewer of a signed-in person: the grant's role, or the anonymous view marked unauthorized."""
    email = claimed_email(claims) or ""
    name = str(claims.get("name") or "").strip()
    if grant is None or not email:
        return Viewer(email=email, name=name, unauthorized=True)
    return Viewer(role=grant.role, regions=grant.regions, email=email, name=name)


def session_started(claims: Mapping) -> datetime | None:
    """When the person authenticated: `auth_time`, else the ID token's `iat` (UTC)."""
    for key in ("auth_time", "iat"):
        value = claims.get(key)
        if value is None:
            continue
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            return None
    return None


def session_expired(claims: Mapping, now: datetime, max_age_seconds: float) -> bool:
    """Streamlit's identity cookie lives 30 days whatever the token says: a session older than
    `max_age_seconds`, or whose start is unknown, is over (deny by default)."""
    started = session_started(claims)
    return started is None or (now - started).total_seconds() > max_age_seconds
