"""Capability gaps of a region: the activities its projects' supply chains need and cannot source there.

An activity is a NAF code (or prefix) listed on a supply-chain link: a NAF rév. 2 one, or a sous-classe
of NAF 2025 (counted on the establishments' NAF 2025 code; the URSSAF statistics, by NAF rév. 2
division, have no figure for it: a division of one nomenclature is not one of the other). A project *needs* an activity when
one of its links lists it; it *lacks a regional supplier* for it when none of those links has a qualified
or retained supplier established in the project's region. Activities are ranked by how many of the
region's projects lack one, then by how many need it: the reindustrialisation opportunities the region's
economic-development teams could go after.

Beside each activity: the region's active establishments of the activity (establishment register), the
salaried jobs and employer establishments of its NAF division in the region (URSSAF statistics of the
latest year of one series), their trend over the series' years, and the nearest départements outside the
region that have establishments of the activity. No company name appears: the table can be shown in
atelier mode and exported as it is.

Pure functions; the register is queried through `register_counts`, which `capability_gaps` receives
already computed.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from reindus import register
from reindus.reference import naf
from reindus.reference.geo import departement_centroids, haversine_km
from reindus.reference.programme import QUALIFIED_STATUSES
from reindus.reference.territory import departements, region_departements
from reindus.text import formats

NEAREST = 3
HOME_COUNTRY = "FR"
COLUMNS: tuple[str, ...] = (
    "rank",
    "activity",
    "label",
    "projects_lacking",
    "projects_needing",
    "region_establishments",
    "france_establishments",
    "division",
    "region_employers",
    "region_salaried_jobs",
    "trend_first_year",
    "trend_last_year",
    "trend_establishments_first",
    "trend_establishments_last",
    "trend",
    "nearest",
)
LABELS: dict[str, str] = {
    "rank": "Rang",
    "activity": "Activité (NAF)",
    "label": "Libellé",
    "projects_lacking": "Projets sans fournisseur régional qualifié",
    "projects_needing": "Projets qui en ont besoin",
    "region_establishments": "Établissements actifs dans la région (registre)",
    "france_establishments": "Établissements actifs en France (registre)",
    "division": "Division NAF",
    "region_employers": "Établissements employeurs de la division (URSSAF)",
    "region_salaried_jobs": "Effectifs salariés de la division (URSSAF)",
    "trend": "Évolution des établissements employeurs de la division",
    "nearest": "Départements les plus proches hors région ayant la capacité",
}
COUNT_LABELS: tuple[str, ...] = tuple(
    LABELS[c]
    for c in (
        "projects_lacking",
        "projects_needing",
        "region_establishments",
        "france_establishments",
        "region_employers",
        "region_salaried_jobs",
    )
)
DEFINITION = (
    "Un projet manque d'un fournisseur régional pour une activité quand aucun des maillons de sa chaîne "
    "qui la demandent n'a de fournisseur qualifié ou retenu établi dans la région du projet. "
    "Établissements actifs (région, France) : registre des établissements, code NAF de l'activité. Établissements employeurs "
    "et effectifs salariés : statistiques URSSAF de la division NAF de l'activité. Départements proches : "
    "distance entre centres de départements, au plus proche de ceux de la région."
)


def sources_text(
    register_source: str | None, register_year: int | None, stats_source: str, years: tuple[int, int] | None
) -> str:
    """Where every figure of the table comes from, with its year: « Sources : base de l'accélérateur ;
    registre des établissements (démo, 2026) ; URSSAF 2019–2024 (division NAF) »."""
    register_part = (
        f"registre des établissements ({register_source}, {register_year})"
        if register_source
        else "registre des établissements (absent : pas de décompte)"
    )
    span = "" if years is None else f" {years[0]}" if years[0] == years[1] else f" {years[0]}–{years[1]}"
    return (
        "Sources : base de l'accélérateur (chaînes de valeur, présélections) ; "
        f"{register_part} ; {stats_source}{span} (division NAF)"
    )


def activities_of(naf_codes: str) -> list[str]:
    """The activities a link lists (« 13.20Z,13.30Z » → both), each once, in order."""
    seen: list[str] = []
    for part in (p.strip() for p in str(naf_codes or "").split(",")):
        if part and part not in seen:
            seen.append(part)
    return seen


def needs(
    projects: pd.DataFrame, links: pd.DataFrame, shortlist: pd.DataFrame, region_code: str
) -> pd.DataFrame:
    """One row per (project of the region, activity it needs): project_id, activity, covered (a qualified
    or retained supplier in the region on one of the links that list the activity)."""
    mine = projects.loc[projects["region_code"] == region_code, "id"]
    region_links = links[links["project_id"].isin(mine)]
    good = shortlist[
        shortlist["status"].isin(QUALIFIED_STATUSES)
        & (shortlist["supplier_country"].fillna(HOME_COUNTRY) == HOME_COUNTRY)
        & (shortlist["supplier_region_code"] == region_code)
    ]
    covered_links = set(good["link_id"])
    rows = [
        (int(link.project_id), activity, link.id in covered_links)
        for link in region_links.itertuples(index=False)
        for activity in activities_of(link.naf_codes)
    ]
    frame = pd.DataFrame(rows, columns=["project_id", "activity", "covered"])
    # A project covered for an activity on any of its links is covered for it.
    return frame.groupby(["project_id", "activity"], as_index=False)["covered"].any()


def _division(activity: str) -> str | None:
    """The NAF rév. 2 division of the URSSAF statistics; None for a NAF 2025 code."""
    return None if naf.version_of(activity) == naf.NAF2025_VERSION else activity[:2]


def _label(activity: str) -> str:
    try:
        return naf.any_label(activity).strip()
    except KeyError:
        return activity


def _division_figures(industry: pd.DataFrame, departements: set[str]) -> tuple[dict, dict]:
    """Per NAF division, in the region: (employers, salaried jobs) of the latest year, and the
    establishments per year (sorted), from ONE statistics series."""
    if industry.empty:
        return {}, {}
    rows = industry[industry["departement"].isin(departements)]
    by_year = rows.groupby(["naf_division", "year"])[["establishments", "jobs"]].sum().sort_index()
    latest_year = int(industry["year"].max())
    latest, history = {}, {}
    for (division, year), values in by_year.iterrows():
        history.setdefault(division, []).append((int(year), int(values["establishments"])))
        if int(year) == latest_year:
            latest[division] = (int(values["establishments"]), int(values["jobs"]))
    return latest, history


def _trend(history: list[tuple[int, int]] | None) -> tuple:
    if not history:
        return (None, None, None, None, float("nan"))
    (first_year, first), (last_year, last) = history[0], history[-1]
    change = (last - first) / first if first else float("nan")
    return (first_year, last_year, first, last, float(change))


def nearest_with_capacity(
    counts: pd.DataFrame,
    region_deps: Iterable[str],
    centroids: dict[str, tuple[float, float]],
    n: int = NEAREST,
) -> list[tuple[str, int, float]]:
    """The n départements outside the region with at least one establishment in `counts` (departement,
    establishments), nearest first: (code, establishments, km to the nearest département of the region)."""
    region = set(region_deps)
    inside = [c for c in region if c in centroids]
    outside = [
        (str(code), int(count))
        for code, count in zip(counts["departement"], counts["establishments"], strict=True)
        if count > 0 and code not in region and code in centroids
    ]
    if not inside or not outside:
        return []
    here = np.array([centroids[c] for c in inside])
    there = np.array([centroids[c] for c, _ in outside])
    km = haversine_km(there[:, None, 0], there[:, None, 1], here[None, :, 0], here[None, :, 1]).min(axis=1)
    ranked = sorted(zip(km.tolist(), outside, strict=True), key=lambda t: (t[0], t[1][0]))[:n]
    return [(code, count, float(d)) for d, (code, count) in ranked]


def capability_gaps(
    projects: pd.DataFrame,
    links: pd.DataFrame,
    shortlist: pd.DataFrame,
    region_code: str,
    region_deps: Iterable[str],
    register_counts: dict[str, pd.DataFrame],
    industry: pd.DataFrame,
    centroids: dict[str, tuple[float, float]],
    n_nearest: int = NEAREST,
) -> pd.DataFrame:
    """The region's capability gaps, ranked (columns: COLUMNS).

    - `register_counts[activity]`: active establishments of the activity per département (departement,
      establishments), as `register.counts_by_departement` returns them;
    - `industry`: the rows of ONE statistics series (departement, naf_division, year, establishments,
      jobs), every year available; the latest year gives the region's figures, all years the trend;
    - `centroids`: département code → (longitude, latitude).
    Only activities that at least one project lacks are listed.
    """
    deps = set(region_deps)
    table = needs(projects, links, shortlist, region_code)
    if table.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    table["lacking"] = ~table["covered"]
    per_activity = table.groupby("activity").agg(
        projects_needing=("project_id", "nunique"), projects_lacking=("lacking", "sum")
    )
    per_activity = per_activity[per_activity["projects_lacking"] > 0].reset_index()
    latest, history = _division_figures(industry, deps)
    records = []
    for row in per_activity.itertuples(index=False):
        counts = register_counts.get(row.activity)
        if counts is None:
            counts = pd.DataFrame({"departement": [], "establishments": []})
        division = _division(row.activity)
        employers, jobs = latest.get(division, (None, None))
        first_year, last_year, first, last, change = _trend(history.get(division))
        in_region = sum(
            int(n)
            for code, n in zip(counts["departement"], counts["establishments"], strict=True)
            if code in deps
        )
        records.append(
            {
                "activity": row.activity,
                "label": _label(row.activity),
                "projects_lacking": int(row.projects_lacking),
                "projects_needing": int(row.projects_needing),
                "region_establishments": in_region,
                "france_establishments": int(counts["establishments"].sum()),
                "division": division,
                "region_employers": employers,
                "region_salaried_jobs": jobs,
                "trend_first_year": first_year,
                "trend_last_year": last_year,
                "trend_establishments_first": first,
                "trend_establishments_last": last,
                "trend": change,
                "nearest": nearest_with_capacity(counts, deps, centroids, n_nearest),
            }
        )
    out = pd.DataFrame.from_records(records)
    out = out.sort_values(
        ["projects_lacking", "projects_needing", "activity"],
        ascending=[False, False, True],
        ignore_index=True,
    )
    out.insert(0, "rank", range(1, len(out) + 1))
    return out[list(COLUMNS)]


def nearest_text(nearest: list[tuple[str, int, float]], names: dict[str, str]) -> str:
    """« Eure (27) : 12 établissements, 45 km ; … »."""
    if not nearest:
        return "aucun"
    return " ; ".join(
        f"{names.get(code, code)} ({code}) : {formats.number(n)} établissement{'s' if n > 1 else ''}, "
        f"{formats.number(km)} km"
        for code, n, km in nearest
    )


def trend_text(row: pd.Series) -> str:
    """« 2019 → 2024 : 120 → 112 (−7 %) », « — » without statistics."""
    if row["trend_first_year"] is None or pd.isna(row["trend_first_year"]):
        return "—"
    change = row["trend"]
    pct = "" if pd.isna(change) else f" ({'+' if change >= 0 else '−'}{formats.percent(abs(change))})"
    return (
        f"{int(row['trend_first_year'])} → {int(row['trend_last_year'])} : "
        f"{formats.number(row['trend_establishments_first'])} → {formats.number(row['trend_establishments_last'])}{pct}"
    )


def labelled(gaps: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The table as shown and exported: French headings, the trend and nearest départements as text."""
    out = gaps.copy()
    out["trend"] = [trend_text(r) for _, r in gaps.iterrows()] if len(gaps) else []
    out["nearest"] = [nearest_text(v, names) for v in gaps["nearest"]] if len(gaps) else []
    keep = [c for c in LABELS if c in out.columns]
    return out[keep].rename(columns=LABELS)


def register_counts(reg, activities: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Active establishments per département of each activity (a NAF code or prefix), from the register.

    One grouped read over the activities' divisions (the register is sorted by département then NAF),
    then each activity takes the codes it covers; NAF 2025 codes are counted on the NAF 2025 column."""
    activities = sorted(set(activities))
    codes25 = [a for a in activities if naf.version_of(a) == naf.NAF2025_VERSION]
    divisions = sorted({a[:2] for a in activities if a not in codes25})
    if not activities:
        return {}
    per_code: dict[str, dict[str, int]] = {}  # NAF rév. 2 code → département → establishments
    per_code25: dict[str, dict[str, int]] = {}  # the same for NAF 2025: a prefix never reaches them
    with reg.cursor() as cur:
        if divisions:
            sql = (
                "SELECT departement, naf, count(*) AS establishments FROM establishments "
                f"WHERE active AND substr(naf, 1, 2) IN ({', '.join('?' for _ in divisions)}) "
                "AND naf BETWEEN ? AND ? GROUP BY departement, naf"
            )
            rows = cur.execute(sql, [*divisions, divisions[0], divisions[-1] + "\uffff"]).df()
            for dep, code, n in zip(rows["departement"], rows["naf"], rows["establishments"], strict=True):
                per_code.setdefault(code, {})[dep] = int(n)
        if codes25:
            rows = cur.execute(
                "SELECT departement, naf25, count(*) AS establishments FROM establishments "
                "WHERE active AND list_contains(?, naf25) GROUP BY departement, naf25",
                [codes25],
            ).df()
            for dep, code, n in zip(rows["departement"], rows["naf25"], rows["establishments"], strict=True):
                per_code25.setdefault(code, {})[dep] = int(n)
    out = {}
    for activity in activities:
        totals: dict[str, int] = {}
        if activity in codes25:
            found = [per_code25.get(activity, {})]
        elif len(activity) == 6:
            found = [per_code.get(activity, {})]
        else:
            found = [n for c, n in per_code.items() if c.startswith(activity)]
        for by_dep in found:
            for dep, n in by_dep.items():
                totals[dep] = totals.get(dep, 0) + n
        out[activity] = pd.DataFrame(
            {"departement": sorted(totals), "establishments": [totals[d] for d in sorted(totals)]}
        )
    return out


def departement_names() -> dict[str, str]:
    return {c: d.name for c, d in departements().items()}


def gaps_for_region(
    projects: pd.DataFrame,
    links: pd.DataFrame,
    shortlist: pd.DataFrame,
    region_code: str,
    industry_history: pd.DataFrame,
    reg: register.Register | None,
    edition: int | None = None,
) -> pd.DataFrame:
    """`capability_gaps` of a region's projects (of one edition, or all), counted in the register `reg`
    (None, no register: no establishment counts, and no nearest départements)."""
    chosen = projects[projects["region_code"] == region_code]
    if edition is not None:
        chosen = chosen[chosen["edition"] == edition]
    mine = links[links["project_id"].isin(chosen["id"])]
    activities = {a for codes in mine["naf_codes"] for a in activities_of(codes)}
    counts: dict[str, pd.DataFrame] = {}
    if activities and reg is not None:
        counts = register_counts(reg, activities)
    return capability_gaps(
        chosen,
        mine,
        shortlist[shortlist["link_id"].isin(mine["id"])],
        region_code,
        region_departements(region_code),
        counts,
        industry_history,
        departement_centroids(),
    )
