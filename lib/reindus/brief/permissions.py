"""Who may download the « Brief de la région », decided on the server from the viewer's scope.

The brief carries every region's amounts (funding, investment) and per-region figures as they are, without
the rule that withholds figures beyond a viewer's regions (`reindus.programme.public.shown_aggregates`,
which withholds nothing for these two roles): it is for the présidence and the administrateurs only. The anonymous
view (nobody signed in, and atelier mode whoever is signed in) and the coaches are refused, whatever the
page showed.
"""

from __future__ import annotations

from reindus.auth import ROLE_LABELS, Role, Scope
from reindus.errors import PermissionDeniedError

BRIEF_ROLES: frozenset[Role] = frozenset({Role.PRESIDENCE, Role.ADMIN})


def may_download_brief(scope: Scope) -> bool:
    return scope.role in BRIEF_ROLES


def require_brief(scope: Scope) -> None:
    """PermissionDeniedError, in French, unless `scope` may download the brief."""
    if may_download_brief(scope):
        return
    if scope.role is Role.ANONYMOUS:
        raise PermissionDeniedError(
            "Le brief de la région est réservé à la présidence et aux administrateurs : connectez-vous "
            "(hors mode atelier) pour le télécharger."
        )
    raise PermissionDeniedError(
        f"Votre rôle ({ROLE_LABELS[scope.role]}) ne permet pas de télécharger le brief de la région : il est "
        "réservé à la présidence et aux administrateurs."
    )
