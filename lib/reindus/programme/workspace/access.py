"""Who writes: every write of the workspace takes an `actor`, checked here before anything is written.

An actor is either a name (the command line, an import run by an operator, the app before sign-in:
trusted as the app always has) or a signed-in viewer: any object with `name`, `role` and `regions`
(the region codes it may change, or None for every region). A viewer may only change projects of its
regions, and only an administrator may change the list of funding schemes.
"""

from __future__ import annotations

from typing import Any, Protocol

from reindus.errors import PermissionDeniedError, ValidationError
from reindus.reference.territory import regions

ADMIN_ROLE = "admin"


class Viewer(Protocol):
    name: str
    role: str
    regions: Any  # collection of region codes, or None for all


Actor = str | Viewer


def actor_name(actor: Actor) -> str:
    """The name written in the audit log."""
    name = actor if isinstance(actor, str) else getattr(actor, "name", "")
    if not name or not str(name).strip():
        raise ValidationError("Indiquez qui fait la modification (actor vide).", field="actor")
    return str(name).strip()


def authorize(actor: Actor, region_code: str | None, what: str) -> str:
    """The actor's name, if it may change `what` (« le projet « X » ») in `region_code`; else
    PermissionDeniedError in French."""
    name = actor_name(actor)
    if isinstance(actor, str):
        return name
    allowed = getattr(actor, "regions", None)
    if allowed is not None and region_code not in allowed:
        region = regions().get(region_code or "", region_code or "inconnue")
        raise PermissionDeniedError(
            f"Vous ne pouvez pas modifier {what} : la région {region} n'est pas dans votre périmètre."
        )
    return name


def authorize_admin(actor: Actor, what: str) -> str:
    """The actor's name, if it may change `what` (reference lists): administrators only."""
    name = actor_name(actor)
    if not isinstance(actor, str) and getattr(actor, "role", None) != ADMIN_ROLE:
        raise PermissionDeniedError(f"Seul un administrateur peut modifier {what}.")
    return name
