"""The shared selection of projects: what the filter bar chose, and applying it to the programme's frames.

Pure: no Streamlit. The filter bar (`reindus.ui.filters`) builds a `Filters` from the URL-bound widgets;
pages pass it here. An empty tuple means « no restriction » on that dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import pandas as pd

from reindus.programme.data import ProgrammeData
from reindus.reference.naf import naf_table


@dataclass(frozen=True)
class Filters:
    edition: int | None = None  # one edition (year), or None for every edition
    regions: tuple[str, ...] = ()  # INSEE region codes
    naf: tuple[str, ...] = ()  # NAF section letters (« C ») and/or division codes (« 13 »)
    coaches: tuple[str, ...] = ()  # coach names
    statuses: tuple[str, ...] = ()  # project status keys (programme.PROJECT_STATUSES)

    def with_edition(self, edition: int | None) -> Filters:
        return replace(self, edition=edition)

    @property
    def is_empty(self) -> bool:
        return self == Filters()


@cache
def division_sections() -> dict[str, str]:
    """NAF division (« 13 ») → its section letter (« C »)."""
    table = naf_table()
    return dict(zip(table["division"], table["section"], strict=True))


def naf_division(naf: pd.Series) -> pd.Series:
    """« 13.20Z » → « 13 »."""
    return naf.astype(str).str[:2]


def project_mask(projects: pd.DataFrame, filters: Filters) -> pd.Series:
    mask = pd.Series(True, index=projects.index)
    if filters.edition is not None:
        mask &= projects["edition"] == filters.edition
    if filters.regions:
        mask &= projects["region_code"].isin(filters.regions)
    if filters.naf:
        division = naf_division(projects["naf"])
        section = division.map(division_sections())
        mask &= division.isin(filters.naf) | section.isin(filters.naf)
    if filters.coaches:
        mask &= projects["coach"].isin(filters.coaches)
    if filters.statuses:
        mask &= projects["status"].isin(filters.statuses)
    return mask


def apply_filters(data: ProgrammeData, filters: Filters) -> ProgrammeData:
    """The same frames restricted to the selected projects and the rows that belong to them."""
    if filters.is_empty:
        return data
    projects = data.projects[project_mask(data.projects, filters)]
    ids = projects["id"]
    return ProgrammeData(
        projects=projects,
        milestones=data.milestones[data.milestones["project_id"].isin(ids)],
        links=data.links[data.links["project_id"].isin(ids)],
        shortlist=data.shortlist[data.shortlist["project_id"].isin(ids)],
        applications=data.applications[data.applications["project_id"].isin(ids)],
    )


def previous_edition(editions, edition: int | None) -> int | None:
    """The edition before `edition` among those that exist, or None."""
    if edition is None:
        return None
    earlier = [e for e in editions if e < edition]
    return max(earlier) if earlier else None
