"""A signed-in viewer as the workspace sees one (the `reindus.auth.Viewer` interface)."""

from __future__ import annotations

from dataclasses import dataclass

from reindus.errors import PermissionDeniedError
from reindus.programme.workspace.access import ADMIN_ROLE


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    regions: frozenset[str] = frozenset()

    @property
    def actor(self) -> str:
        return f"{self.name} <{self.name.lower()}@cci.fr>"

    def require_edit_project(self, region_code: str | None, what: str = "ce projet") -> None:
        if self.role != ADMIN_ROLE and region_code not in self.regions:
            raise PermissionDeniedError(
                f"Vous ne pouvez pas modifier {what} : hors de votre périmètre ({region_code})."
            )


COACH_NORMANDIE = Viewer("Claire", "conseiller", frozenset({"28"}))
COACH_PARIS = Viewer("Paul", "conseiller", frozenset({"11"}))
ADMIN = Viewer("Admin", ADMIN_ROLE)
