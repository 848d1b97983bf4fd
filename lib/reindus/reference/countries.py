"""Countries for suppliers established outside France: ISO 3166 alpha-2 codes with their French names
(CLDR, through babel). Groupings and test codes that CLDR lists beside countries are left out."""

from __future__ import annotations

from functools import cache
from unicodedata import normalize

from babel import Locale

HOME = "FR"
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


@cache
def names() -> dict[str, str]:
    """Alpha-2 code → French name, sorted by name as a French reader looks them up."""
    territories = Locale("fr").territories
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]

    def key(code: str) -> str:  # « Émirats » with the E, « Åland » with the A
        return normalize("NFKD", territories[code]).encode("ascii", "ignore").decode().casefold()

    return {c: territories[c] for c in sorted(codes, key=key)}


def foreign() -> dict[str, str]:
    """Every country but France."""
    return {c: n for c, n in names().items() if c != HOME}


def name(code: str | None) -> str:
    """French name of a code; France for a missing one (suppliers in the register)."""
    if not code:
        return names()[HOME]
    return names().get(code, code)
