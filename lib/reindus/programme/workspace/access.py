"""Who writes: every write of the workspace takes an `actor`, checked here before anything is written.

An actor is either a name (the command line, an import run by an operator: trusted, as the app has
always been) or a signed-in viewer (`reindus.auth.Viewer`): its `require_edit_project(region, what)`
decides, from the project's region as the store holds it now, and its `actor` names it in the audit
log. Only an administrator may change reference lists such as the funding schemes.
"""

from __future__ import annotations

from typing import Protocol

from reindus.errors import PermissionDeniedError, ValidationError

ADMIN_ROLE = "administrateur"  # reindus.auth.Role.ADMIN


class Viewer(Protocol):
    name: str
    role: str

    @property
    def actor(self) -> str: ...

    def require_edit_project(self, region_code: str | None, what: str = ...) -> None: ...


Actor = str | Viewer


def actor_name(actor: Actor) -> str:
    """The name written in the audit log."""
    name = actor if isinstance(actor, str) else getattr(actor, "actor", "") or getattr(actor, "name", "")
    if not name or not str(name).strip():
        raise ValidationError("Indiquez qui fait la modification (actor vide).", field="actor")
    return str(name).strip()


def authorize(actor: Actor, region_code: str | None, what: str) -> str:
    """The actor's name, if it may change `what` (« le projet « X » ») in `region_code`; else
    PermissionDeniedError in French."""
    if not isinstance(actor, str):
        actor.require_edit_project(region_code, what)
    return actor_name(actor)


def authorize_admin(actor: Actor, what: str) -> str:
    """The actor's name, if it may change `what` (reference lists): administrators only."""
    if not isinstance(actor, str) and getattr(actor, "role", None) != ADMIN_ROLE:
        raise PermissionDeniedError(f"Seul un administrateur peut modifier {what}.")
    return actor_name(actor)
