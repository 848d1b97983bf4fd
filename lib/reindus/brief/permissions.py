"""Who may download the « Brief de la région », decided on the server.

The brief carries per-region amounts (funding, investment) that a shared screen must not hand out: never
in atelier mode. Signed-in viewers need one of BRIEF_ROLES. Until sign-in exists the app has no viewer
(`None`) and every non-atelier session may download it, as it may already export the same figures; the
sign-in code passes its viewer here, and only a viewer with a role in BRIEF_ROLES keeps the button.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

BRIEF_ROLES: frozenset[str] = frozenset({"presidence", "administrateur"})


class Viewer(Protocol):
    roles: Iterable[str]


def may_download_brief(viewer: Viewer | None, *, public: bool) -> bool:
    if public:
        return False
    if viewer is None:
        return True
    return bool(BRIEF_ROLES & {str(r) for r in viewer.roles})
