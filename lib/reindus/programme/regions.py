"""The regions taking part in the accelerator: data in the store, passed as an argument everywhere else.

The CCIs' Contrat d'objectifs et de performance 2023-2027 commits every region to an accelerator: the
four pilots of 2023 (Normandie, Île-de-France, Hauts-de-France, Bourgogne-Franche-Comté) are what a new
store starts with, not a constant of the code. An administrator adds or removes a region
(`reindus regions add 84`); every page, filter, KPI, map outline and legend follows.

`ProgrammeRegions` is an immutable value (hashable: a cache key), read once per refresh by the UI's
cached loader and handed to the pure functions that draw or compute per region. Each region keeps the
colour it was given when it joined (`reference.palette`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from reindus.errors import UserError, ValidationError
from reindus.reference.palette import OTHER_REGION_COLOUR, next_region_colour
from reindus.reference.territory import region_departements
from reindus.reference.territory import regions as region_names
from reindus.store import repository
from reindus.store.models import ProgrammeRegion as RegionRow
from reindus.store.models import Project

ENTERED_SOURCE = "saisie"


@dataclass(frozen=True)
class ParticipatingRegion:
    code: str  # INSEE region code (27 is a region here, not the département Eure)
    cci: str
    colour: str

    @property
    def name(self) -> str:
        return region_names().get(self.code, self.code)

    @property
    def departements(self) -> tuple[str, ...]:
        return region_departements(self.code)


@dataclass(frozen=True)
class ProgrammeRegions:
    """The participating regions, in the programme's order (the order they joined in)."""

    members: tuple[ParticipatingRegion, ...] = ()

    def __iter__(self) -> Iterator[ParticipatingRegion]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.members)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.members)

    def get(self, code: str) -> ParticipatingRegion | None:
        return next((r for r in self.members if r.code == code), None)

    def region(self, code: str) -> ParticipatingRegion:
        """The region as the programme knows it; outside the programme, with its default CCI, in grey."""
        return self.get(code) or ParticipatingRegion(code, default_cci(code), OTHER_REGION_COLOUR)

    def colour(self, code: str) -> str:
        """A region's colour; grey for a region outside the programme."""
        return self.region(code).colour

    def colour_by_name(self, name: str) -> str:
        """The same, for the frames that carry region names (KPIs, progress)."""
        return next((r.colour for r in self.members if r.name == name), OTHER_REGION_COLOUR)

    def cci(self, code: str) -> str:
        return self.region(code).cci

    def departements(self) -> tuple[str, ...]:
        """Every département of the participating regions."""
        return tuple(code for region in self.members for code in region.departements)

    def order_codes(self, codes: Iterable[str]) -> list[str]:
        """The region codes given, the programme's first in its order, then the others by code."""
        present = set(codes)
        return [c for c in self.codes if c in present] + sorted(present - set(self.codes))

    def order_names(self, names: Iterable[str]) -> list[str]:
        """The same for region names."""
        present = set(names)
        return [n for n in self.names if n in present] + sorted(present - set(self.names))


def partners(members: ProgrammeRegions) -> str:
    """Who runs the accelerator: « CCI Normandie, Paris Île-de-France, … et Relocalisations.fr »."""
    ccis = [r.cci.removeprefix("CCI ") for r in members]
    return f"CCI {', '.join(ccis)} et Relocalisations.fr" if ccis else "Relocalisations.fr"


def default_cci(code: str) -> str:
    """The CCI of a region when none is recorded: « CCI Auvergne-Rhône-Alpes »."""
    return f"CCI {region_names().get(code, code)}"


# --- the store ----------------------------------------------------------------------------------------


def load(source: Engine | Session) -> ProgrammeRegions:
    statement = select(RegionRow.code, RegionRow.cci, RegionRow.colour).order_by(RegionRow.id)
    if isinstance(source, Session):
        rows = source.execute(statement).all()
    else:
        with source.connect() as conn:
            rows = conn.execute(statement).all()
    return ProgrammeRegions(tuple(ParticipatingRegion(code, cci, colour) for code, cci, colour in rows))


def region_code(value: str) -> str:
    """The INSEE code of a French region (« 84 », or « 1 » for Guadeloupe's « 01 »); ValidationError
    naming the field otherwise."""
    code = str(value).strip()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code not in region_names():
        known = ", ".join(f"{c} {n}" for c, n in sorted(region_names().items()))
        raise ValidationError(
            f"code de région : « {value} » n'est pas le code INSEE d'une région française ({known}).",
            field="code",
        )
    return code


def add(session: Session, code: str, actor: str, *, cci: str | None = None) -> ParticipatingRegion:
    """A region joins the programme, with the next free colour of the palette; audited."""
    code = region_code(code)
    current = load(session)
    if code in current:
        raise UserError(f"{region_names()[code]} ({code}) participe déjà au programme.")
    cci = (cci or "").strip() or default_cci(code)
    row = RegionRow(
        code=code, cci=cci, colour=next_region_colour(r.colour for r in current), source=ENTERED_SOURCE
    )
    repository.insert(session, row, actor)
    return ParticipatingRegion(row.code, row.cci, row.colour)


def remove(session: Session, code: str, actor: str) -> int:
    """A region leaves the programme; its projects stay, shown as outside the programme. Returns how
    many projects it has. The programme keeps at least one region."""
    code = region_code(code)
    current = load(session)
    if code not in current:
        raise UserError(f"{region_names()[code]} ({code}) ne participe pas au programme.")
    if len(current) == 1:
        raise UserError(
            f"{region_names()[code]} ({code}) est la seule région du programme : ajoutez-en une autre d'abord."
        )
    row = session.execute(select(RegionRow).where(RegionRow.code == code)).scalar_one()
    repository.delete_versioned(session, RegionRow, row.id, row.version, actor)
    return session.execute(
        select(func.count()).select_from(Project).where(Project.region_code == code)
    ).scalar_one()
