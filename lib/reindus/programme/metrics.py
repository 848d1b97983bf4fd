"""KPIs of the programme and progress against the common rétroplanning: pure functions, frames in and out.

Two steps for the KPIs: `project_facts` counts everything once per project (jobs, euros, applications,
suppliers, links, observations), then `kpis` sums those counts over any grouping (region, edition × region,
nothing) and derives the rates from the sums — so a rate for a region is the ratio of its totals, never an
average of project ratios. The same facts feed `kpi_definitions.outcome_kpis` (forecasts, pipeline,
observations): one sum, one name, on every screen.

Progress: `stage_progress` measures each stage against its planned dates at a given `today`;
`project_progress` turns that into one status per project. The lateness tolerance is
`programme.LATE_TOLERANCE_DAYS`, and only that.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from reindus.programme.data import ProgrammeData
from reindus.programme.stages import current_stage_labels
from reindus.reference.programme import (
    CONTACTED_STATUSES,
    CURRENT_STAGE_LABELS,
    FILED_STATUSES,
    GRANTED_STATUSES,
    LATE_TOLERANCE_DAYS,
    QUALIFIED_STATUSES,
    STAGE_LABELS,
    FundingStatus,
    ProgressStatus,
    ProjectStatus,
    ShortlistStatus,
    StageState,
)
from reindus.sourcing.coverage import covered_links

HOME_COUNTRY = "FR"

# A project's counts of shortlist entries: its shortlist in figures, as confidential as the entries
# (`public.CONFIDENTIAL_COLUMNS`).
SHORTLIST_COUNT_COLUMNS: tuple[str, ...] = (
    "suppliers_identified",
    "suppliers_contacted",
    "suppliers_qualified",
    "suppliers_retained",
    "retained_in_region",
    "retained_in_france",
    "retained_abroad",
)
# A project's funding pipeline: euros asked, granted, paid, and its applications decided either way.
FUNDING_COLUMNS: tuple[str, ...] = (
    "funding_requested",
    "funding_granted",
    "funding_paid",
    "applications_granted",
    "applications_refused",
)
# Summable counts per project (the columns of `project_facts` that `kpis` adds up).
COUNT_COLUMNS: tuple[str, ...] = (
    "projects",
    "active",
    "completed",
    "abandoned",
    "jobs",
    "investment",
    *FUNDING_COLUMNS,
    *SHORTLIST_COUNT_COLUMNS,
    "links",
    "links_covered",
)
RATE_COLUMNS: tuple[str, ...] = (
    "success_rate",
    "share_in_region",
    "share_in_france",
    "share_abroad",
    "link_coverage",
)

# French labels of every KPI column, and its kind (how to format it): count, euros or ratio.
KPI_LABELS: dict[str, str] = {
    "projects": "Projets accompagnés",
    "active": "Projets en cours",
    "completed": "Projets terminés",
    "abandoned": "Projets abandonnés",
    "jobs": "Emplois prévus",
    "investment": "Investissement prévu",
    "funding_requested": "Financements demandés",
    "funding_granted": "Financements accordés",
    "funding_paid": "Financements versés",
    "applications_granted": "Dossiers de financement accordés",
    "applications_refused": "Dossiers de financement refusés",
    "success_rate": "Taux de succès des dossiers",
    "suppliers_identified": "Fournisseurs identifiés",
    "suppliers_contacted": "Fournisseurs contactés",
    "suppliers_qualified": "Fournisseurs qualifiés",
    "suppliers_retained": "Fournisseurs retenus",
    "retained_in_region": "Retenus dans la région du projet",
    "retained_in_france": "Retenus ailleurs en France",
    "retained_abroad": "Retenus à l'étranger",
    "share_in_region": "Part des retenus dans la région",
    "share_in_france": "Part des retenus ailleurs en France",
    "share_abroad": "Part des retenus à l'étranger",
    "links": "Maillons de la chaîne de valeur",
    "links_covered": "Maillons couverts par un fournisseur qualifié",
    "link_coverage": "Taux de couverture des maillons",
}
KPI_KINDS: dict[str, str] = {
    **dict.fromkeys(COUNT_COLUMNS, "count"),
    "investment": "euros",
    "funding_requested": "euros",
    "funding_granted": "euros",
    "funding_paid": "euros",
    **dict.fromkeys(RATE_COLUMNS, "ratio"),
}

PROGRESS_STATUSES: dict[str, str] = ProgressStatus.labels()
STAGE_STATES: dict[str, str] = StageState.labels()


def _count_by_project(frame: pd.DataFrame, mask: pd.Series | None = None) -> pd.Series:
    rows = frame if mask is None else frame[mask]
    return rows.groupby("project_id").size()


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """(later - earlier) in whole days, NaN where either is missing."""
    delta = pd.to_datetime(later) - pd.to_datetime(earlier)
    return delta.dt.days.astype(float)


def _observed(values: pd.Series) -> np.ndarray:
    """An observation as numbers, NaN where it is not recorded."""
    return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()


def project_facts(data: ProgrammeData) -> pd.DataFrame:
    """One row per project: its identity (id, name, region, edition, NAF, coach, status, source), its counts
    (COUNT_COLUMNS, summed by `kpis`) and what `kpi_definitions.outcome_kpis` adds.

    - projects / active / completed / abandoned: 1 or 0 by the project's recorded status;
    - jobs, investment: the planned jobs and investment (€) recorded for the project (missing = 0);
    - the funding pipeline: funding_requested, sum of `amount_requested` of its applications filed
      (every status but « en préparation »); funding_granted, sum of `amount_granted` of those
      « accordé » or « versé »; funding_paid, sum of `amount_paid` (paid so far, of those « accordé » or « versé »);
    - applications_granted / _refused: its decided applications (those « en préparation » or « déposé »
      are not decided yet and count in neither);
    - suppliers_*: shortlist entries of its supply-chain links, cumulative along the workflow
      (identified = every entry, contacted = contacté, qualifié or retenu, qualified = qualifié or retenu,
      retained = retenu);
    - retained_in_region / _in_france / _abroad: retained suppliers in the project's own region,
      in another French region, outside France (by `supplier_country`);
    - links / links_covered: its supply-chain links, and those with at least one qualified or retained
      supplier;
    - finished: 1 when « terminé » or « abandonné » (a project whose jobs can be observed), else 0;
    - applications_granted_unpaid: its granted applications with no amount paid recorded;
    - jobs_observed_end / jobs_observed_12m / investment_committed: the observations recorded, NaN where
      not recorded (never 0: nobody said so);
    - days_to_concretisation: days from the selection's actual end to the concrétisation's, NaN until both
      are recorded.
    """
    p = data.projects
    facts = pd.DataFrame(
        {
            "project_id": p["id"].to_numpy(),
            "name": p["name"].to_numpy(),
            "region_code": p["region_code"].to_numpy(),
            "region": p["region"].to_numpy(),
            "edition": p["edition"].to_numpy(),
            "naf": p["naf"].to_numpy(),
            "coach": p["coach"].to_numpy(),
            "status": p["status"].to_numpy(),
            "source": p["source"].to_numpy(),
            "projects": 1,
            "active": (p["status"] == ProjectStatus.IN_PROGRESS).astype(int).to_numpy(),
            "completed": (p["status"] == ProjectStatus.FINISHED).astype(int).to_numpy(),
            "abandoned": (p["status"] == ProjectStatus.ABANDONED).astype(int).to_numpy(),
            "finished": p["status"]
            .isin([ProjectStatus.FINISHED, ProjectStatus.ABANDONED])
            .astype(int)
            .to_numpy(),
            "jobs": pd.to_numeric(p["target_jobs"], errors="coerce").fillna(0).to_numpy(),
            "investment": pd.to_numeric(p["planned_investment"], errors="coerce").fillna(0.0).to_numpy(),
            "jobs_observed_end": _observed(p["jobs_observed_end"]),
            "jobs_observed_12m": _observed(p["jobs_observed_12m"]),
            "investment_committed": _observed(p["committed_investment"]),
        }
    ).set_index("project_id", drop=False)

    apps = data.applications
    granted = apps["status"].isin(GRANTED_STATUSES)
    filed = apps["status"].isin(FILED_STATUSES)
    facts["funding_requested"] = apps[filed].groupby("project_id")["amount_requested"].sum()
    facts["funding_granted"] = apps[granted].groupby("project_id")["amount_granted"].sum()
    # paid so far: instalments of « accordé » applications count, as the paid « versé » ones
    facts["funding_paid"] = apps[granted].groupby("project_id")["amount_paid"].sum()
    facts["applications_granted"] = _count_by_project(apps, granted)
    facts["applications_refused"] = _count_by_project(apps, apps["status"] == FundingStatus.REFUSED)
    facts["applications_granted_unpaid"] = _count_by_project(apps, granted & apps["amount_paid"].isna())

    sl = data.shortlist
    status = sl["status"]
    facts["suppliers_identified"] = _count_by_project(sl)
    facts["suppliers_contacted"] = _count_by_project(sl, status.isin(CONTACTED_STATUSES))
    facts["suppliers_qualified"] = _count_by_project(sl, status.isin(QUALIFIED_STATUSES))
    retained = sl[status == ShortlistStatus.RETAINED]
    home_region = retained["project_id"].map(facts["region_code"])
    in_france = retained["supplier_country"].fillna(HOME_COUNTRY) == HOME_COUNTRY
    in_region = in_france & (retained["supplier_region_code"] == home_region).fillna(False)
    facts["suppliers_retained"] = _count_by_project(retained)
    facts["retained_in_region"] = _count_by_project(retained, in_region)
    facts["retained_in_france"] = _count_by_project(retained, in_france & ~in_region)
    facts["retained_abroad"] = _count_by_project(retained, ~in_france)

    links = data.links
    facts["links"] = _count_by_project(links)
    facts["links_covered"] = _count_by_project(links, links["id"].isin(covered_links(sl)))

    ends = data.milestones.pivot_table(
        index="project_id", columns="stage", values="actual_end", aggfunc="first"
    )
    if {"selection", "concretisation"} <= set(ends.columns):
        facts["days_to_concretisation"] = _days(ends["concretisation"], ends["selection"])
    else:
        facts["days_to_concretisation"] = float("nan")

    counts = list(COUNT_COLUMNS)
    facts[counts] = facts[counts].fillna(0)
    for column in counts:
        if KPI_KINDS[column] != "euros":
            facts[column] = facts[column].astype(int)
    facts["applications_granted_unpaid"] = facts["applications_granted_unpaid"].fillna(0).astype(int)
    return facts.reset_index(drop=True)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN (« — ») where the denominator is 0."""
    return numerator.astype(float).div(denominator.where(denominator > 0))


def add_rates(totals: pd.DataFrame) -> pd.DataFrame:
    """Derive the rates from summed counts (works on a frame or a one-row frame)."""
    out = totals.copy()
    out["success_rate"] = _ratio(
        out["applications_granted"], out["applications_granted"] + out["applications_refused"]
    )
    out["share_in_region"] = _ratio(out["retained_in_region"], out["suppliers_retained"])
    out["share_in_france"] = _ratio(out["retained_in_france"], out["suppliers_retained"])
    out["share_abroad"] = _ratio(out["retained_abroad"], out["suppliers_retained"])
    out["link_coverage"] = _ratio(out["links_covered"], out["links"])
    return out


def kpis(facts: pd.DataFrame, by: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Every KPI, summed over the groups of `by` (e.g. ("region",), ("edition", "region")), rates derived.

    With `by=()` one row for the whole selection. Groups with no project do not appear.
    """
    counts = list(COUNT_COLUMNS)
    if by:
        totals = facts.groupby(list(by), sort=True)[counts].sum().reset_index()
    else:
        totals = facts[counts].sum().to_frame().T
        for column in counts:
            totals[column] = pd.to_numeric(totals[column])
    return add_rates(totals)


def kpis_by_region(facts: pd.DataFrame, region_order: list[str]) -> pd.DataFrame:
    """KPIs per region, every region of `region_order` present (zeros where it has no project)."""
    table = kpis(facts, ("region",)).set_index("region")
    table = table.reindex(region_order)
    table[list(COUNT_COLUMNS)] = table[list(COUNT_COLUMNS)].fillna(0)
    return add_rates(table.rename_axis("region").reset_index())


# --- progress against the rétroplanning --------------------------------------------------------------


def stage_progress(milestones: pd.DataFrame, today: date) -> pd.DataFrame:
    """Each stage measured against its planned dates at `today`.

    Adds:
    - state: « terminee » (actual end recorded), « en_cours » (started, not ended), « a_venir »;
    - delay_days: signed gap to the planned end, in days. A finished stage: actual end − planned end
      (negative = ahead). An unfinished stage (started or not) whose planned end is past:
      today − planned end (> 0). An unfinished stage not yet due: NaN (nothing to measure yet);
    - late: delay_days > LATE_TOLERANCE_DAYS;
    - slipping: not late, but unfinished and past its planned end, or not started more than
      LATE_TOLERANCE_DAYS after its planned start (the signs of « à risque »).
    """
    ms = milestones.copy()
    finished = ms["actual_end"].notna()
    started = ms["actual_start"].notna()
    ms["state"] = StageState.UPCOMING.value
    ms.loc[started & ~finished, "state"] = StageState.RUNNING.value
    ms.loc[finished, "state"] = StageState.DONE.value

    today_series = pd.Series(pd.Timestamp(today), index=ms.index)
    finished_delay = _days(ms["actual_end"], ms["planned_end"])
    overdue = _days(today_series, ms["planned_end"])
    ms["delay_days"] = finished_delay.where(finished, overdue.where(overdue > 0))
    ms["late"] = (ms["delay_days"] > LATE_TOLERANCE_DAYS).fillna(False).astype(bool)
    not_started_late = ~started & (_days(today_series, ms["planned_start"]) > LATE_TOLERANCE_DAYS)
    overdue_open = ~finished & (ms["delay_days"] > 0).fillna(False)
    ms["slipping"] = (~ms["late"] & (overdue_open | not_started_late)).astype(bool)
    ms["stage_label"] = ms["stage"].map(STAGE_LABELS)
    return ms


def project_progress(projects: pd.DataFrame, milestones: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per project: its progress status, current stage and average gap to the rétroplanning.

    - progress_status: « abandonne » / « termine » from the recorded project status; otherwise
      « en_retard » if any stage is late (finished, or still open, more than LATE_TOLERANCE_DAYS past its
      planned end), « a_risque » if any stage is slipping (see `stage_progress`), else « a_l_heure »;
    - current_stage: the project's current stage in words (`reindus.programme.stages`: the most advanced
      stage started, the first stage when none has, « Programme terminé », None when abandoned);
    - delay_days: mean of the measured stage gaps (`stage_progress.delay_days`), negative = ahead;
      NaN when no stage can be measured yet;
    - late_stages: how many of its stages are late.
    """
    ms = stage_progress(milestones, today)
    by_project = ms.groupby("project_id")
    late_stages = by_project["late"].sum()
    slipping = by_project["slipping"].any()
    delay = by_project["delay_days"].mean()

    out = pd.DataFrame(
        {
            "project_id": projects["id"].to_numpy(),
            "name": projects["name"].to_numpy(),
            "region_code": projects["region_code"].to_numpy(),
            "region": projects["region"].to_numpy(),
            "edition": projects["edition"].to_numpy(),
            "status": projects["status"].to_numpy(),
        }
    )
    pid = out["project_id"]
    out["late_stages"] = pid.map(late_stages).fillna(0).astype(int)
    out["delay_days"] = pid.map(delay).astype(float)
    is_slipping = pid.map(slipping).fillna(False).astype(bool)
    status = pd.Series(ProgressStatus.ON_TIME.value, index=out.index)
    status[is_slipping] = ProgressStatus.AT_RISK.value
    status[out["late_stages"] > 0] = ProgressStatus.LATE.value
    status[out["status"] == ProjectStatus.FINISHED] = ProgressStatus.FINISHED.value
    status[out["status"] == ProjectStatus.ABANDONED] = ProgressStatus.ABANDONED.value
    out["progress_status"] = status
    current = pid.map(current_stage_labels(projects, milestones)).astype(object)
    out["current_stage"] = current.where(current.notna(), None)
    out["progress_label"] = out["progress_status"].map(PROGRESS_STATUSES)
    return out


def region_pace(progress: pd.DataFrame, region_order: list[str]) -> pd.DataFrame:
    """Per region: projects measured and their average gap to the rétroplanning (days, negative = ahead).

    Abandoned projects are left out; projects with no measurable stage too.
    """
    kept = progress[
        (progress["progress_status"] != ProgressStatus.ABANDONED) & progress["delay_days"].notna()
    ]
    table = kept.groupby("region").agg(
        projects=("project_id", "size"), mean_delay_days=("delay_days", "mean")
    )
    table = table.reindex(region_order)
    table["projects"] = table["projects"].fillna(0).astype(int)
    return table.rename_axis("region").reset_index()


def stage_positions(progress: pd.DataFrame, region_order: list[str]) -> pd.DataFrame:
    """Projects per region × current stage (programme order, then « Programme terminé »); abandoned left out.

    Every region × category pair is present (0 where none), in order.
    """
    categories = list(CURRENT_STAGE_LABELS.values())
    kept = progress[progress["current_stage"].notna()]
    counts = kept.groupby(["region", "current_stage"]).size()
    index = pd.MultiIndex.from_product([region_order, categories], names=["region", "current_stage"])
    return counts.reindex(index, fill_value=0).rename("projects").reset_index()


def status_counts(progress: pd.DataFrame, region_order: list[str]) -> pd.DataFrame:
    """Projects per region × progress status, every pair present, in PROGRESS_STATUSES order."""
    counts = progress.groupby(["region", "progress_status"]).size()
    index = pd.MultiIndex.from_product(
        [region_order, list(PROGRESS_STATUSES)], names=["region", "progress_status"]
    )
    out = counts.reindex(index, fill_value=0).rename("projects").reset_index()
    out["progress_label"] = out["progress_status"].map(PROGRESS_STATUSES)
    return out


def labelled(
    frame: pd.DataFrame, columns: list[str] | tuple[str, ...], keys: dict[str, str] | None = None
) -> pd.DataFrame:
    """The KPI columns under their French labels, after the `keys` columns ({column: label})."""
    keys = keys or {}
    out = frame[list(keys) + list(columns)].rename(columns={**keys, **KPI_LABELS})
    return out.reset_index(drop=True)
