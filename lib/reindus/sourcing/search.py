"""One supplier search as one frozen value: what to look for, where, from which site, from which size.

The Fournisseurs page builds a `CandidateSearch` from its widgets; the register reads, the candidate
map and their caches take it whole (a frozen value hashes as a cache key).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reindus.reference.territory import region_departements
from reindus.sourcing.candidates import SearchTerms, scope_departements


@dataclass(frozen=True)
class CandidateSearch:
    terms: SearchTerms  # NAF codes and prefixes searched
    departements: tuple[str, ...] | None  # départements searched; None: all of France
    regional: tuple[str, ...]  # the project region's départements (regional candidates rank first)
    min_band: str = "NN"  # smallest headcount band (« NN »: every size)
    site: tuple[float, float] | None = None  # (lon, lat) of the project's site, for distances
    employer_only: bool = False  # only establishments with salaried staff
    categories: tuple[str, ...] = ()  # company categories (PME / ETI / GE); () for all

    @classmethod
    def for_project(
        cls,
        terms: SearchTerms,
        region_code: str,
        scope: str = "region",
        min_band: str = "NN",
        site: tuple[float, float] | None = None,
        employer_only: bool = False,
        categories: tuple[str, ...] = (),
    ) -> CandidateSearch:
        """The search around a project of `region_code`, over `scope` (a key of `candidates.SCOPES`)."""
        return cls(
            terms=terms,
            departements=scope_departements(region_code, scope),
            regional=region_departements(region_code),
            min_band=min_band,
            site=site,
            employer_only=employer_only,
            categories=tuple(categories),
        )

    def tally(self, by_departement: pd.DataFrame) -> Tally:
        """The search's counts from the register's matches per département (`counts_by_departement` run
        with the same filters): exact at any size, where the ranked list stops at its limit."""
        counts = dict(
            zip(by_departement["departement"], by_departement["establishments"].astype(int), strict=True)
        )
        searched = counts if self.departements is None else {d: counts.get(d, 0) for d in self.departements}
        return Tally(
            regional=sum(counts.get(d, 0) for d in self.regional),
            in_scope=sum(searched.values()),
            france=sum(counts.values()),
            by_departement={d: n for d, n in searched.items() if n},
        )


@dataclass(frozen=True)
class Tally:
    """How many establishments a search finds: in the project's region, in the départements searched,
    in France, and per département searched (those with none left out)."""

    regional: int
    in_scope: int
    france: int
    by_departement: dict[str, int]
