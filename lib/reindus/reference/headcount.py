"""SIRENE headcount bands (`trancheEffectifsEtablissement`).

Bands are strings and `NN` sorts after digits, so never compare codes as strings: use `at_least`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: int | None  # None: unknown (NN) — no salaried headcount declared for the year
    high: int | None


BANDS: tuple[Band, ...] = (
    Band("NN", "Non renseigné", None, None),
    Band("00", "0 salarié", 0, 0),
    Band("01", "1 ou 2 salariés", 1, 2),
    Band("02", "3 à 5 salariés", 3, 5),
    Band("03", "6 à 9 salariés", 6, 9),
    Band("11", "10 à 19 salariés", 10, 19),
    Band("12", "20 à 49 salariés", 20, 49),
    Band("21", "50 à 99 salariés", 50, 99),
    Band("22", "100 à 199 salariés", 100, 199),
    Band("31", "200 à 249 salariés", 200, 249),
    Band("32", "250 à 499 salariés", 250, 499),
    Band("41", "500 à 999 salariés", 500, 999),
    Band("42", "1 000 à 1 999 salariés", 1000, 1999),
    Band("51", "2 000 à 4 999 salariés", 2000, 4999),
    Band("52", "5 000 à 9 999 salariés", 5000, 9999),
    Band("53", "10 000 salariés et plus", 10000, None),
)
BY_CODE: dict[str, Band] = {b.code: b for b in BANDS}
# Ordered from smallest to largest, the unknown band excluded.
SIZED: tuple[Band, ...] = tuple(b for b in BANDS if b.low is not None)


def band(code: str | None) -> Band:
    """The band for a SIRENE code; empty or missing means NN."""
    try:
        return BY_CODE[code or "NN"]
    except KeyError:
        raise KeyError(f"« {code} » n'est pas une tranche d'effectif SIRENE") from None


def at_least(minimum: str) -> tuple[str, ...]:
    """Band codes whose lower bound is at least that of `minimum` (NN never qualifies)."""
    floor = BY_CODE[minimum].low
    if floor is None:
        return tuple(b.code for b in BANDS)
    return tuple(b.code for b in SIZED if b.low >= floor)


def rank(code: str) -> int:
    """Position from smallest (0) to largest; NN is -1."""
    for i, b in enumerate(SIZED):
        if b.code == code:
            return i
    return -1
