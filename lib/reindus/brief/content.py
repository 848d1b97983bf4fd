"""What the « Brief de la région » says, computed from the store and the register: no layout here.

Every figure comes with its definition, and every section with its sources and dates, so that the PDF
(`brief.pdf`) only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, distinct, func, select

from reindus import register
from reindus.errors import UserError
from reindus.industry import indicators as industry
from reindus.programme import kpi_definitions as kd
from reindus.programme import metrics
from reindus.programme import regions as programme_regions
from reindus.programme.data import ProgrammeData, load_programme
from reindus.programme.regions import ProgrammeRegions
from reindus.programme.selection import Filters, previous_edition, project_mask
from reindus.reference.sources import any_fictitious, is_fictitious
from reindus.sourcing import gaps
from reindus.store import models as m
from reindus.text import formats

STORE_SOURCE = "base opérationnelle de l'accélérateur"
TOP_GAPS = 10

# The programme's own KPIs shown in the brief beside kpi_definitions.DEFINITIONS, with their definitions.
PROGRAMME_DEFINITIONS: dict[str, kd.KpiDefinition] = {
    d.key: d
    for d in (
        kd.KpiDefinition(
            "projects",
            "Projets accompagnés",
            "count",
            "programme",
            "Projets sélectionnés pour l'édition, quel que soit leur statut (en cours, terminés, abandonnés).",
        ),
        kd.KpiDefinition(
            "share_in_region",
            "Part des fournisseurs retenus dans la région",
            "ratio",
            "sourcing",
            "Fournisseurs retenus établis dans la région du projet, sur l'ensemble des fournisseurs retenus.",
        ),
        kd.KpiDefinition(
            "link_coverage",
            "Taux de couverture des maillons",
            "ratio",
            "sourcing",
            "Maillons de la chaîne de valeur ayant au moins un fournisseur qualifié ou retenu, sur l'ensemble "
            "des maillons des projets.",
        ),
    )
}
HEADLINE: tuple[str, ...] = (
    "projects",
    "jobs",
    "jobs_observed_end",
    "jobs_observed_12m",
    "investment",
    "investment_committed",
    "funding_requested",
    "funding_granted",
    "funding_paid",
    "success_rate",
    "days_to_concretisation",
    "share_in_region",
    "link_coverage",
)
DEFINITIONS: dict[str, kd.KpiDefinition] = {**kd.DEFINITIONS, **PROGRAMME_DEFINITIONS}


@dataclass(frozen=True)
class Headline:
    definition: kd.KpiDefinition
    value: str
    previous: str | None  # the previous edition's value, same region
    delta: str | None
    note: str | None  # what an observation rests on


@dataclass(frozen=True)
class BriefContent:
    region_code: str
    region: str
    programme: ProgrammeRegions  # the regions side by side, in the programme's order, with their colours
    edition: int
    previous_edition: int | None
    as_of: date
    is_demo: bool
    headlines: list[Headline]
    regions: (
        pd.DataFrame
    )  # one row per programme region: metrics.kpis + kpi_definitions figures, this edition
    progress: pd.DataFrame  # metrics.status_counts of the region's projects of the edition
    stages: pd.DataFrame  # metrics.stage_positions of the same projects
    pace_days: float  # mean gap to the rétroplanning of the region's projects (days, negative = ahead)
    origin: pd.Series  # retained suppliers: retained_in_region / _in_france / _abroad and their shares
    gaps: pd.DataFrame  # sourcing.gaps.capability_gaps, the first TOP_GAPS
    gaps_total: int
    gaps_sources: str  # the gaps' sources with their years (`sourcing.gaps.sources_text`)

    def store_source(self) -> str:
        demo = " (démo)" if self.is_demo else ""
        return f"Source : {STORE_SOURCE}{demo}, édition {self.edition}, état au {formats.day(self.as_of)}"


INDUSTRY_COLUMNS = ["departement", "naf_division", "year", "establishments", "jobs", "source", "definition"]


def _editions(data: ProgrammeData, editions: set) -> ProgrammeData:
    projects = data.projects[data.projects["edition"].isin(editions)]
    ids = projects["id"]
    return ProgrammeData(
        projects=projects,
        milestones=data.milestones[data.milestones["project_id"].isin(ids)],
        links=data.links[data.links["project_id"].isin(ids)],
        shortlist=data.shortlist[data.shortlist["project_id"].isin(ids)],
        applications=data.applications[data.applications["project_id"].isin(ids)],
    )


def _available_series(engine: Engine) -> pd.DataFrame:
    """`industry.available_series` counted by the database: the brief then reads one series only."""
    i = m.IndustryStat
    statement = select(
        i.year,
        i.source,
        i.definition,
        func.count().label("rows"),
        func.count(distinct(i.departement)).label("departements"),
    ).group_by(i.year, i.source, i.definition)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(statement)]
    frame = pd.DataFrame(rows, columns=["year", "source", "definition", "rows", "departements"])
    return frame.sort_values(
        ["year", "source", "definition"], ascending=[False, True, True], ignore_index=True
    )


def _series_rows(engine: Engine, source: str, definition: str) -> pd.DataFrame:
    i = m.IndustryStat
    statement = select(*(getattr(i, c) for c in INDUSTRY_COLUMNS)).where(
        i.source == source, i.definition == definition
    )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(statement)]
    return pd.DataFrame(rows, columns=INDUSTRY_COLUMNS)


def _value(row: pd.Series | None, key: str) -> float | None:
    if row is None or key not in row:
        return None
    return row[key]


def _register_provenance(reg: register.Register | None) -> tuple[str | None, int | None]:
    """(sources, year of the last load) of the register: (« démo », 2026); (None, None) without one."""
    if reg is None:
        return None, None
    sources = register.summary(reg)["by_source"]["source"].dropna()
    year = datetime.fromtimestamp(reg.path.stat().st_mtime).year if reg.path else date.today().year
    return ", ".join(str(s) for s in sources) or "inconnue", year


def build_content(
    engine: Engine,
    reg: register.Register | None,
    region_code: str,
    edition: int,
    as_of: date | None = None,
) -> BriefContent:
    """The brief of a programme region for an edition; `reg` the establishment register (None: the gaps
    are listed without establishment counts). UserError (French) for a region outside the programme or
    an edition without projects in that region."""
    as_of = as_of or date.today()
    programme = programme_regions.load(engine)
    if region_code not in programme:
        raise UserError(
            f"Région « {region_code} » : le brief porte sur une région du programme ("
            + ", ".join(f"{r.code} {r.name}" for r in programme)
            + ")."
        )
    data = load_programme(engine)
    region = programme.region(region_code).name
    in_region = data.projects[data.projects["region_code"] == region_code]
    if not (in_region["edition"] == edition).any():
        known = ", ".join(str(e) for e in sorted(in_region["edition"].unique())) or "aucune"
        raise UserError(
            f"Édition {edition} : aucun projet de la région {region} (éditions disponibles : {known})."
        )
    filters = Filters(edition=edition, regions=(region_code,))
    before = previous_edition(sorted(in_region["edition"].unique()), edition)
    data = _editions(data, {edition, before})  # the brief reads two editions: only those are counted
    facts = metrics.project_facts(data)

    def totals(f: Filters) -> pd.Series:
        chosen = facts[project_mask(facts, f)]
        programme, outcome = metrics.kpis(chosen).iloc[0], kd.outcome_kpis(chosen).iloc[0]
        extra = [c for c in PROGRAMME_DEFINITIONS if c not in outcome.index]
        return pd.concat([outcome, programme[extra]])

    now = totals(filters)
    prev = totals(filters.with_edition(before)) if before is not None else None
    headlines = []
    for key in HEADLINE:
        definition = DEFINITIONS[key]
        previous_value = _value(prev, key)
        headlines.append(
            Headline(
                definition,
                definition.format(now[key]),
                None if prev is None else definition.format(previous_value),
                kd.delta_text(now[key], previous_value, definition.kind),
                kd.recorded_note(now, key),
            )
        )

    order = list(programme.names)
    edition_only = Filters(edition=edition)
    edition_facts = facts[project_mask(facts, edition_only)]
    side = metrics.kpis_by_region(edition_facts, order)
    side_outcomes = kd.outcome_kpis_by_region(edition_facts, order)
    # The same figure under the same name in both tables (projects, funding granted, success rate) is the
    # same definition: the outcome table's is kept.
    side = side_outcomes.merge(
        side[["region", *(c for c in side.columns if c not in side_outcomes.columns)]], on="region"
    )

    chosen = in_region[in_region["edition"] == edition]
    progress = metrics.project_progress(
        chosen, data.milestones[data.milestones["project_id"].isin(chosen["id"])], as_of
    )
    pace = metrics.region_pace(progress, [region])
    programme_now = metrics.kpis(facts[project_mask(facts, filters)]).iloc[0]
    origin = programme_now[
        [
            "suppliers_retained",
            "retained_in_region",
            "retained_in_france",
            "retained_abroad",
            "share_in_region",
            "share_in_france",
            "share_abroad",
        ]
    ]

    series = industry.preferred_series(_available_series(engine))
    if series is None:
        history, source, years = pd.DataFrame(columns=INDUSTRY_COLUMNS), "aucune statistique chargée", None
    else:
        _, source, definition = series
        history = _series_rows(engine, source, definition)
        years = (int(history["year"].min()), int(history["year"].max()))
    gap_table = gaps.gaps_for_region(
        data.projects, data.links, data.shortlist, region_code, history, reg, edition
    )
    is_demo = any_fictitious(chosen["source"]) or (series is not None and is_fictitious(series[1]))
    return BriefContent(
        region_code=region_code,
        region=region,
        programme=programme,
        edition=edition,
        previous_edition=before,
        as_of=as_of,
        is_demo=is_demo,
        headlines=headlines,
        regions=side,
        progress=metrics.status_counts(progress, [region]),
        stages=metrics.stage_positions(progress, [region]),
        pace_days=float(pace["mean_delay_days"].iloc[0]) if len(pace) else float("nan"),
        origin=origin,
        gaps=gap_table.head(TOP_GAPS),
        gaps_total=len(gap_table),
        gaps_sources=gaps.sources_text(*_register_provenance(reg), source, years),
    )
