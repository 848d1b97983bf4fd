"""What « Industrie régionale » shows, computed without Streamlit: the series to choose from, the
territories to compare, the tables as they are displayed, the projects to pick."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reindus.figures.choropleth import format_value, signed_percent
from reindus.industry import indicators as industry
from reindus.programme.public import public_projects
from reindus.programme.regions import ProgrammeRegions
from reindus.reference.sources import any_fictitious, is_fictitious
from reindus.reference.territory import region_departements

MAP_TERRITORIES: dict[str, str] = {"programme": industry.PROGRAMME_LABEL, "france": "France métropolitaine"}


@dataclass(frozen=True)
class Series:
    """One series of statistics: never added to, nor compared with, another."""

    year: int
    source: str
    definition: str

    @property
    def source_text(self) -> str:
        """« Source : URSSAF, 2023 »."""
        return industry.source_line(self.source, self.year)

    @property
    def is_demo(self) -> bool:
        return is_fictitious(self.source)


def series_in_year(available: pd.DataFrame, year: int) -> list[Series]:
    """The series of `industry.available_series` for one year, in their order."""
    rows = available[available["year"] == year]
    return [Series(int(r.year), str(r.source), str(r.definition)) for r in rows.itertuples()]


def preferred(available: pd.DataFrame) -> Series | None:
    """The series shown first (`industry.preferred_series`)."""
    best = industry.preferred_series(available)
    return None if best is None else Series(*best)


def territory_options(dep: pd.DataFrame, regions: ProgrammeRegions) -> list[industry.Territory]:
    """Territories to compare: the programme's regions present in the data, every département of the
    data, the other regions of the data, the programme's regions together."""
    present = set(dep["region_code"])
    return (
        [industry.region_territory(c) for c in regions.codes if c in present]
        + [industry.departement_territory(c) for c in dep["code"]]
        + [industry.region_territory(c) for c in sorted(present - set(regions.codes))]
        + [industry.programme_territory(regions.codes)]
    )


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """`industry.compare` as displayed: French numbers, signed gaps, « — » where there is none."""
    digits = comparison["digits"]
    return pd.DataFrame(
        {
            "Indicateur": comparison["label"],
            "Territoire": [format_value(v, d) for v, d in zip(comparison["value"], digits, strict=True)],
            "Référence": [format_value(v, d) for v, d in zip(comparison["reference"], digits, strict=True)],
            "Écart": [
                ("+" if g > 0 else "") + format_value(g, d) if pd.notna(g) else "—"
                for g, d in zip(comparison["gap"], digits, strict=True)
            ],
            "Écart (%)": [signed_percent(p) for p in comparison["gap_pct"]],
        }
    )


def departement_table(dep: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One row per département: name, region, the indicators, the rank on `indicator`, population."""
    shown = dep.assign(**{"Département": dep["code"] + " – " + dep["name"]})
    return shown[["Département", "region", *industry.INDICATOR_KEYS, f"rank_{indicator}", "population"]]


def event_kinds(events: pd.DataFrame) -> pd.DataFrame:
    """The (measure, source) pairs of the openings and closures: one chart each, never mixed."""
    return events[["measure", "source"]].drop_duplicates().reset_index(drop=True)


def events_of(events: pd.DataFrame, measure: str, source: str) -> tuple[pd.DataFrame, str]:
    """The rows of one measure and source, and their source line (« Source : …, 2021-S1 à 2024-S2 — mesure : … »)."""
    rows = events[(events["measure"] == measure) & (events["source"] == source)]
    periods = sorted(rows["period"])
    return rows, industry.source_line(source, f"{periods[0]} à {periods[-1]}") + f" — mesure : {measure}"


def project_choices(projects: pd.DataFrame, public: bool) -> dict[int, str]:
    """Projects to pick, newest edition first, labelled « name — region (edition) »; in public only the
    projects flagged public (names of the others are masked by `reindus.programme.public` upstream)."""
    ordered = projects.sort_values(["edition", "name"], ascending=[False, True])
    if public:
        ordered = public_projects(ordered)
    return {p.id: f"{p.name} — {p.region} ({p.edition})" for p in ordered.itertuples(index=False)}


def regional_establishments(
    links: pd.DataFrame, counts: dict[int, pd.DataFrame], region_code: str
) -> dict[int, int]:
    """Establishments of each link's activities in the region (from the register's counts per
    département of each link, `counts[link_id]`), by link id."""
    ordered = links.sort_values("position")
    coverage = industry.link_coverage(ordered, counts, region_departements(region_code))
    return dict(zip(ordered["id"].astype(int), coverage["establishments"].astype(int), strict=True))


def has_demo(series: Series, projects: pd.DataFrame, events: pd.DataFrame) -> bool:
    """Whether the page shows any fictitious data: the series, the projects or the site events."""
    return series.is_demo or any(any_fictitious(frame["source"]) for frame in (projects, events))
