"""What the Tableau de bord and Avancement pages show for a selection, computed without Streamlit.

`dashboard` and `progress` take the whole programme's frames and the filter bar's `Filters`, and return
frozen view models; `reindus.ui.data` caches them per selection and scope (`reindus.auth.Scope`).
Aggregates come from the whole facts (a sum over several projects is not a per-company amount) and are
shown as `public.shown_aggregates` decides for an aggregate that includes a project the scope may not see
in detail (every one in public, another region's for a coach). The per-project rows are the scope's
facts. In public (atelier mode) the coach filter does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from reindus.auth import Scope
from reindus.programme import metrics
from reindus.programme import public as public_rule
from reindus.programme.data import ProgrammeData
from reindus.programme.regions import ProgrammeRegions
from reindus.programme.selection import Filters, previous_edition, project_mask
from reindus.reference.programme import PROJECT_STATUSES
from reindus.reference.sources import any_fictitious
from reindus.reference.territory import regions as region_names

# The KPIs that are sums of money: beyond the viewer's regions, only where `public.amount_grid` lets them.
AMOUNT_COLUMNS = [c for c, kind in metrics.KPI_KINDS.items() if kind == "euros"]


@dataclass(frozen=True)
class Dashboard:
    facts: pd.DataFrame  # selected projects
    total: pd.Series  # KPIs of the whole selection
    previous: pd.Series | None  # the same KPIs for the previous edition (single edition selected)
    previous_edition: int | None
    by_region: pd.DataFrame
    by_edition_region: pd.DataFrame
    has_demo: bool


@dataclass(frozen=True)
class Progress:
    projects: pd.DataFrame  # metrics.project_progress of the selected projects
    stages: pd.DataFrame  # metrics.stage_progress of their milestones
    regions: list[str]
    has_demo: bool


def has_demo(*frames: pd.DataFrame) -> bool:
    """Whether any row of the frames is fictitious (demo or synthetic: their `source` column)."""
    return any(any_fictitious(frame["source"]) for frame in frames)


def public_filters(filters: Filters, public: bool) -> Filters:
    """In public, the coach filter does not apply (coach names are confidential)."""
    return replace(filters, coaches=()) if public else filters


def open_region_names(scope: Scope) -> frozenset[str] | None:
    """Names of the regions whose aggregates `scope` sees whatever their size: None for every region
    (présidence, administrateur), none in public, a coach's own regions."""
    codes = scope.confidential_regions
    if codes is None:
        return None
    names = region_names()
    return frozenset(names.get(code, code) for code in codes)


def dashboard(
    all_facts: pd.DataFrame,
    scope_facts: pd.DataFrame,
    filters: Filters,
    regions: ProgrammeRegions,
    scope: Scope,
) -> Dashboard:
    """KPIs of the selection for `scope`. The aggregates are computed from `all_facts` (a sum over several
    projects is not a per-company amount), then shown as `public.shown_aggregates` lets the scope see
    them. The rows are `scope_facts` (`public.scoped_facts` of the same projects). In public the coach
    filter does not apply."""
    filters = public_filters(filters, scope.public)
    open_regions = open_region_names(scope)
    facts = all_facts[project_mask(all_facts, filters)]
    previous = previous_edition(sorted(all_facts["edition"].unique()), filters.edition)

    grids: dict = {}

    def shown(frame: pd.DataFrame, chosen: pd.DataFrame, selection: Filters = filters) -> pd.DataFrame:
        return public_rule.shown_aggregates(
            frame, all_facts, chosen, selection, AMOUNT_COLUMNS, open_regions, grids
        )

    previous_total = None
    if previous is not None:
        prev_filters = filters.with_edition(previous)
        prev_facts = all_facts[project_mask(all_facts, prev_filters)]
        previous_total = shown(metrics.kpis(prev_facts), prev_facts, prev_filters).iloc[0]
    return Dashboard(
        facts=scope_facts[scope_facts["project_id"].isin(facts["project_id"])],
        total=shown(metrics.kpis(facts), facts).iloc[0],
        previous=previous_total,
        previous_edition=previous,
        by_region=shown(metrics.kpis_by_region(facts, regions.order_names(facts["region"].dropna())), facts),
        by_edition_region=shown(metrics.kpis(facts, ("edition", "region")), facts),
        has_demo=has_demo(facts),
    )


def progress(
    data: ProgrammeData,
    projects: pd.DataFrame,
    stages: pd.DataFrame,
    filters: Filters,
    public: bool,
    regions: ProgrammeRegions,
) -> Progress:
    """The selection's rows of `metrics.project_progress` (`projects`) and `metrics.stage_progress`
    (`stages`), both computed for the whole programme `data`."""
    filters = public_filters(filters, public)
    ids = data.projects.loc[project_mask(data.projects, filters), "id"]
    selected = projects[projects["project_id"].isin(ids)]
    chosen = stages[stages["project_id"].isin(ids)]
    demo = has_demo(data.projects[data.projects["id"].isin(ids)], chosen)
    return Progress(selected, chosen, regions.order_names(selected["region"].dropna()), demo)


def gantt_edition(filters: Filters, projects: pd.DataFrame) -> int:
    """The edition drawn in the Gantt: the one selected, else the most recent of the selection."""
    return filters.edition if filters.edition is not None else int(projects["edition"].max())


def projects_table(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per project; the columns absent from public facts (coach, amounts, shortlist counts) are
    left out."""
    columns = {
        "Projet": facts["name"],
        "Région": facts["region"],
        "Édition": facts["edition"].astype(str),
        "Conseiller": facts.get("coach"),
        "Statut": facts["status"].map(PROJECT_STATUSES),
        "Emplois prévus": facts["jobs"],
        "Investissement prévu": facts.get("investment"),
        "Financements accordés": facts.get("funding_granted"),
        "Fournisseurs retenus": facts.get("suppliers_retained"),
        "Dont dans la région": facts.get("retained_in_region"),
        "Maillons couverts": facts["links_covered"].astype(str) + " / " + facts["links"].astype(str),
    }
    return pd.DataFrame({k: v for k, v in columns.items() if v is not None}).reset_index(drop=True)
