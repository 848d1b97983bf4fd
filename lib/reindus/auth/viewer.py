"""Who is looking: a `Viewer` (identity, role, regions) and its `Scope`, the part that decides what data
may be shown and changed.

Deny by default: the anonymous viewer sees public data only and may change nothing; a role grants
exactly what `Scope` says. A viewer is built on the server from the identity provider's ID token and
the users table (`reindus.auth.users.resolve`), never from a widget or a query parameter.
Cached loaders take the `Scope` (frozen, hashable) in their key, so an entry computed for one scope is
never served to another; two coaches of the same region share their entries, which hold the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from reindus.errors import PermissionDeniedError, ValidationError
from reindus.reference.territory import regions as region_names


class Role(StrEnum):
    ADMIN = "administrateur"
    PRESIDENCE = "presidence"
    CONSEILLER = "conseiller"
    ANONYMOUS = "anonyme"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "administrateur",
    Role.PRESIDENCE: "présidence",
    Role.CONSEILLER: "conseiller",
    Role.ANONYMOUS: "public (non connecté)",
}
# The roles that need regions: a coach works for the CCI of a region.
REGIONAL_ROLES = frozenset({Role.CONSEILLER})


def parse_role(text: str) -> Role:
    """« présidence », « presidence », « Administrateur » → Role; anything else is refused in French."""
    key = str(text).strip().lower().replace("é", "e")
    for role in (Role.ADMIN, Role.PRESIDENCE, Role.CONSEILLER):
        if key == role.value:
            return role
    choices = ", ".join(ROLE_LABELS[r] for r in (Role.ADMIN, Role.PRESIDENCE, Role.CONSEILLER))
    raise ValidationError(f"Rôle inconnu : « {text} » (rôles possibles : {choices}).", field="role")


@dataclass(frozen=True)
class Scope:
    """What a viewer may see and change; hashable, for cache keys."""

    role: Role = Role.ANONYMOUS
    regions: frozenset[str] = frozenset()

    @property
    def public(self) -> bool:
        """Only public data (reindus.programme.public): the anonymous view, and atelier mode."""
        return self.role is Role.ANONYMOUS

    @property
    def confidential_regions(self) -> frozenset[str] | None:
        """Regions whose projects are shown in full detail: None for all of them."""
        if self.role in (Role.ADMIN, Role.PRESIDENCE):
            return None
        if self.role is Role.CONSEILLER:
            return self.regions
        return frozenset()

    def sees_project(self, region_code: str | None) -> bool:
        """May the confidential detail of a project of this region be shown?"""
        allowed = self.confidential_regions
        return allowed is None or (region_code is not None and region_code in allowed)

    def may_edit_project(self, region_code: str | None) -> bool:
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.CONSEILLER and region_code is not None and region_code in self.regions

    @property
    def sees_personal_names(self) -> bool:
        """Sole traders are persons: their names (where INSEE diffuses them) go to the signed-in coaches
        and administrators who contact suppliers, never to the public view nor the présidence's."""
        return self.role in (Role.CONSEILLER, Role.ADMIN)

    @property
    def may_edit(self) -> bool:
        """May change some project (its own region's, for a coach)."""
        return self.role is Role.ADMIN or (self.role is Role.CONSEILLER and bool(self.regions))

    @property
    def may_import(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def may_manage_users(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def may_export_tables(self) -> bool:
        """Whole tables of the store (« Données »): every region's confidential values."""
        return self.role in (Role.ADMIN, Role.PRESIDENCE)

    @property
    def may_export(self) -> bool:
        """Exports hold what the scope sees; the public view exports nothing."""
        return not self.public

    def public_view(self) -> Scope:
        """The scope of a shared screen (atelier mode): the anonymous one."""
        return ANONYMOUS_SCOPE


ANONYMOUS_SCOPE = Scope()


@dataclass(frozen=True)
class Viewer:
    """One person (or the command line) with a role and regions."""

    role: Role = Role.ANONYMOUS
    regions: frozenset[str] = frozenset()
    email: str = ""
    name: str = ""
    # Signed in with the identity provider, but not (or no longer) in the users table: anonymous view.
    unauthorized: bool = False
    system: bool = field(default=False, compare=False)

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.regions)

    @property
    def signed_in(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def actor(self) -> str:
        """How the audit log names this viewer: « Camille Martin <camille.martin@cci.fr> », or « cli:root »."""
        if self.system or not self.email:
            return self.name
        return f"{self.name} <{self.email}>" if self.name else self.email

    def describe(self) -> str:
        """« conseiller — Normandie », in French, for the sidebar."""
        label = ROLE_LABELS[self.role]
        if not self.regions:
            return label
        names = region_names()
        return f"{label} — {', '.join(sorted(names.get(c, c) for c in self.regions))}"

    # --- checks: the same on every path (page, command line, test), raising French messages ---

    def require_edit_project(self, region_code: str | None, what: str = "ce projet") -> None:
        if self.scope.may_edit_project(region_code):
            return
        if not self.signed_in:
            raise PermissionDeniedError(f"Connectez-vous pour modifier {what}.")
        if self.role is Role.CONSEILLER:
            region = region_names().get(region_code or "", region_code or "inconnue")
            raise PermissionDeniedError(
                f"Vous ne pouvez pas modifier {what} : il relève de la région {region}, hors de votre "
                "périmètre."
            )
        raise PermissionDeniedError(
            f"Votre rôle ({ROLE_LABELS[self.role]}) ne permet pas de modifier {what}."
        )

    def require_import(self) -> None:
        if not self.scope.may_import:
            raise PermissionDeniedError("Seul un administrateur peut importer des fichiers.")

    def require_export_tables(self) -> None:
        if not self.scope.may_export_tables:
            raise PermissionDeniedError(
                "Seuls l'administrateur et la présidence peuvent exporter les tables entières."
            )

    def require_manage_users(self) -> None:
        if not self.scope.may_manage_users:
            raise PermissionDeniedError("Seul un administrateur peut gérer les utilisateurs.")


ANONYMOUS = Viewer()


def system_viewer(actor: str) -> Viewer:
    """The command line and the demo loader: every permission, audited as `actor` (« cli:root »)."""
    return Viewer(role=Role.ADMIN, name=actor, system=True)
