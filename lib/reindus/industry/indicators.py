"""Industrial fabric indicators per département and region: pure functions, DataFrames in and out.

Input is the store's industry statistics (`frames.load_industry`: departement, naf_division, year,
establishments, jobs, source, definition) and the commune populations (`geo.communes()`). One series is
one (source, definition) pair: figures of different series are never added or compared as one, so every
function below works on the rows of ONE series and ONE year (`select_series`).

Ratios of a group (region, the programme's regions, France) are recomputed from its sums, never averaged over its
départements: Paris does not weigh as much as the Lozère in the regional rate.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reindus.programme.stages import current_stages, stage_label
from reindus.reference.naf import any_label
from reindus.reference.programme import ProjectStatus
from reindus.reference.sources import is_fictitious
from reindus.reference.territory import departements, is_arrondissement, regions
from reindus.sourcing.candidates import search_terms
from reindus.sourcing.coverage import regional_and_national

MANUFACTURING_DEFINITION = "industrie manufacturière (NAF rév. 2, section C, divisions 10 à 33)"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str  # French, as a heading
    short: str  # French, inside a sentence or a legend
    digits: int  # decimals shown
    is_ratio: bool  # recomputed from sums for a group; a count is summed


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("establishments", "Établissements industriels", "établissements", 0, False),
        Indicator("jobs", "Effectifs salariés industriels", "salariés", 0, False),
        Indicator(
            "jobs_per_establishment", "Salariés par établissement", "salariés par établissement", 1, True
        ),
        Indicator(
            "jobs_per_1000",
            "Emplois industriels pour 1\u00a0000 habitants",
            "emplois pour 1\u00a0000 habitants",
            1,
            True,
        ),
    )
}
INDICATOR_KEYS: tuple[str, ...] = tuple(INDICATORS)

CLASS_METHODS: dict[str, str] = {
    "quantiles": "Quantiles (effectifs égaux)",
    "natural": "Seuils naturels (Fisher-Jenks)",
    "equal": "Intervalles égaux",
}


# --- series and population --------------------------------------------------------------------


def available_series(stats: pd.DataFrame) -> pd.DataFrame:
    """The (year, source, definition) series present, with their row and département counts,
    newest year first."""
    if stats.empty:
        return pd.DataFrame(columns=["year", "source", "definition", "rows", "departements"])
    out = (
        stats.groupby(["year", "source", "definition"], as_index=False)
        .agg(rows=("departement", "size"), departements=("departement", "nunique"))
        .sort_values(["year", "source", "definition"], ascending=[False, True, True], ignore_index=True)
    )
    out["year"] = out["year"].astype(int)
    return out


def select_series(stats: pd.DataFrame, year: int, source: str, definition: str) -> pd.DataFrame:
    """The rows of one series and one year."""
    mask = (stats["year"] == year) & (stats["source"] == source) & (stats["definition"] == definition)
    return stats.loc[mask].reset_index(drop=True)


def series_history(stats: pd.DataFrame, source: str, definition: str) -> pd.DataFrame:
    """All years of one series (for evolutions)."""
    mask = (stats["source"] == source) & (stats["definition"] == definition)
    return stats.loc[mask].reset_index(drop=True)


def _check_one_series(stats: pd.DataFrame) -> None:
    if stats.empty:
        return
    keys = stats[["year", "source", "definition"]].drop_duplicates()
    if len(keys) > 1:
        raise ValueError("Plusieurs séries (année, source ou définition) mélangées : choisissez-en une.")


def population_by_departement(communes: pd.DataFrame) -> pd.Series:
    """Population per département, from the communes table (`geo.communes()`).

    The arrondissements of Paris, Lyon and Marseille repeat their city's population: left out.
    A département without any known population (Mayotte) is absent rather than zero.
    """
    rows = communes[~communes["code"].astype(str).map(is_arrondissement)]
    rows = rows[rows["population"].notna()]
    return rows.groupby("departement")["population"].sum().astype("int64").rename("population")


# --- indicators ---------------------------------------------------------------------------------


def _with_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    est = frame["establishments"].astype(float)
    jobs = frame["jobs"].astype(float)
    pop = frame["population"].astype(float)
    frame["jobs_per_establishment"] = np.where(est > 0, jobs / est.where(est > 0), np.nan)
    frame["jobs_per_1000"] = np.where(pop > 0, jobs / pop.where(pop > 0) * 1000, np.nan)
    return frame


def departement_indicators(stats: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """One row per département present in `stats` (one series, one year): code, name, region_code,
    region, establishments, jobs, population, jobs_per_establishment, jobs_per_1000, and the rank of each
    indicator among these départements (`rank_<indicator>`, 1 = highest)."""
    _check_one_series(stats)
    deps = departements()
    grouped = stats.groupby("departement", as_index=False)[["establishments", "jobs"]].sum()
    grouped = grouped.rename(columns={"departement": "code"})
    grouped["name"] = grouped["code"].map(lambda c: deps[c].name if c in deps else c)
    grouped["region_code"] = grouped["code"].map(lambda c: deps[c].region_code if c in deps else "")
    grouped["region"] = grouped["region_code"].map(regions())
    grouped["population"] = grouped["code"].map(population).astype("Float64")
    out = _with_ratios(grouped)
    for key in INDICATOR_KEYS:
        out[f"rank_{key}"] = ranks(out[key])
    columns = [
        "code",
        "name",
        "region_code",
        "region",
        "establishments",
        "jobs",
        "population",
        *INDICATOR_KEYS[2:],
        *(f"rank_{k}" for k in INDICATOR_KEYS),
    ]
    return out[columns].sort_values("code", ignore_index=True)


def ranks(values: pd.Series) -> pd.Series:
    """Rank among the given values, 1 for the highest; ties share the best rank; missing stays missing."""
    return values.rank(ascending=False, method="min").astype("Int64")


def aggregate(dep_indicators: pd.DataFrame, codes) -> dict[str, float]:
    """The indicators of a group of départements: sums, and ratios recomputed from the sums.

    The per-capita rate counts only the population of départements that have a population.
    """
    rows = dep_indicators[dep_indicators["code"].isin(list(codes))]
    est = float(rows["establishments"].sum())
    jobs = float(rows["jobs"].sum())
    with_pop = rows[rows["population"].notna()]
    pop = float(with_pop["population"].sum())
    return {
        "establishments": est,
        "jobs": jobs,
        "population": pop,
        "jobs_per_establishment": jobs / est if est else float("nan"),
        "jobs_per_1000": float(with_pop["jobs"].sum()) / pop * 1000 if pop else float("nan"),
    }


def region_indicators(dep_indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per region present: code, name, the indicators and their ranks."""
    records = []
    for code, rows in dep_indicators.groupby("region_code"):
        values = aggregate(rows, rows["code"])
        records.append(
            {
                "code": code,
                "name": regions().get(code, code),
                "departements": len(rows),
                **values,
            }
        )
    out = pd.DataFrame.from_records(
        records,
        columns=[
            "code",
            "name",
            "departements",
            "establishments",
            "jobs",
            "population",
            *INDICATOR_KEYS[2:],
        ],
    )
    for key in INDICATOR_KEYS:
        out[f"rank_{key}"] = ranks(out[key])
    return out.sort_values("code", ignore_index=True)


def region_reference(dep_indicators: pd.DataFrame, indicator: str) -> pd.Series:
    """For each département, the value it is compared with in its region, indexed by département code.

    A count is compared with the average of the region's départements; a ratio with the region's own
    ratio (recomputed from its sums).
    """
    spec = INDICATORS[indicator]
    out = {}
    for _, rows in dep_indicators.groupby("region_code"):
        if spec.is_ratio:
            value = aggregate(rows, rows["code"])[indicator]
        else:
            value = float(rows[indicator].mean())
        out.update(dict.fromkeys(rows["code"], value))
    return pd.Series(out, name=f"region_{indicator}", dtype=float)


def region_reference_label(indicator: str) -> str:
    return (
        "valeur de la région" if INDICATORS[indicator].is_ratio else "moyenne des départements de la région"
    )


def gap(value: float, reference: float) -> tuple[float, float]:
    """(value − reference, (value − reference) / reference); the relative gap is NaN for a zero or
    missing reference."""
    if value is None or reference is None or pd.isna(value) or pd.isna(reference):
        return float("nan"), float("nan")
    diff = float(value) - float(reference)
    return diff, (diff / float(reference) if reference else float("nan"))


# --- division structure -------------------------------------------------------------------------


def division_shares(
    stats: pd.DataFrame, by: str = "departement", within: Collection[str] | None = None
) -> pd.DataFrame:
    """Establishments and jobs per territory × NAF division, with the division's share of the
    territory's total. `by` is "departement" or "region"; `within` keeps only these region codes (the
    programme's regions). Columns: territory, territory_name, naf_division, division, establishments,
    jobs, share_establishments, share_jobs. Divisions absent from a territory are absent."""
    _check_one_series(stats)
    frame = stats.copy()
    deps = departements()
    region = frame["departement"].map(lambda c: deps[c].region_code if c in deps else "")
    if by == "departement":
        frame["territory"] = frame["departement"]
        names = {c: d.name for c, d in deps.items()}
    elif by == "region":
        frame["territory"] = region
        names = regions()
    else:
        raise ValueError(f"regroupement inconnu : {by!r}")
    if within is not None:
        frame = frame[region.isin(list(within))]
    out = frame.groupby(["territory", "naf_division"], as_index=False)[["establishments", "jobs"]].sum()
    totals = out.groupby("territory")[["establishments", "jobs"]].transform("sum")
    out["share_establishments"] = out["establishments"] / totals["establishments"].where(
        totals["establishments"] > 0
    )
    out["share_jobs"] = out["jobs"] / totals["jobs"].where(totals["jobs"] > 0)
    out["territory_name"] = out["territory"].map(names)
    out["division"] = out["naf_division"].map(division_label)
    columns = [
        "territory",
        "territory_name",
        "naf_division",
        "division",
        "establishments",
        "jobs",
        "share_establishments",
        "share_jobs",
    ]
    return out[columns].sort_values(["territory", "naf_division"], ignore_index=True)


def division_label(code: str) -> str:
    try:
        return any_label(code).strip()
    except KeyError:
        return f"Division {code}"


# --- evolution ----------------------------------------------------------------------------------


def region_evolution(
    history: pd.DataFrame, population: pd.Series, region_codes: Collection[str]
) -> pd.DataFrame:
    """Indicators per region and year over all the years of ONE series, for the regions given: year,
    code, name, indicators."""
    keys = history[["source", "definition"]].drop_duplicates()
    if len(keys) > 1:
        raise ValueError("Plusieurs séries (source ou définition) mélangées : choisissez-en une.")
    records = []
    for year, rows in history.groupby("year"):
        dep = departement_indicators(rows, population)
        reg = region_indicators(dep)
        reg = reg[reg["code"].isin(list(region_codes))]
        reg.insert(0, "year", int(year))
        records.append(reg)
    if not records:
        return pd.DataFrame(columns=["year", "code", "name", *INDICATOR_KEYS])
    return pd.concat(records, ignore_index=True)


# --- comparison territory -----------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    kind: str  # "departement", "region", "programme" (the programme's regions together) or "france"
    code: str
    label: str
    regions: tuple[str, ...] = ()  # the region codes of a "programme" territory


FRANCE = Territory("france", "FR", "France (départements présents dans les données)")
PROGRAMME_LABEL = "Les régions du programme"


def programme_territory(region_codes: Collection[str]) -> Territory:
    """The programme's regions taken together (`programme.regions.ProgrammeRegions.codes`)."""
    return Territory("programme", "PROGRAMME", PROGRAMME_LABEL, tuple(region_codes))


def departement_territory(code: str) -> Territory:
    return Territory("departement", code, departements()[code].label)


def region_territory(code: str) -> Territory:
    return Territory("region", code, regions().get(code, code))


def territory_departements(territory: Territory, dep_indicators: pd.DataFrame) -> list[str]:
    codes = dep_indicators["code"]
    if territory.kind == "departement":
        return [territory.code] if territory.code in set(codes) else []
    if territory.kind == "region":
        return list(codes[dep_indicators["region_code"] == territory.code])
    if territory.kind == "programme":
        return list(codes[dep_indicators["region_code"].isin(territory.regions)])
    if territory.kind == "france":
        return list(codes)
    raise ValueError(f"type de territoire inconnu : {territory.kind!r}")


def references_for(territory: Territory, programme: Territory) -> list[Territory]:
    """The references a territory can be compared with, as INSEE's « Statistiques locales » offers:
    a département with its region, the programme's regions and France; a region with the programme's
    regions and France; the programme's regions with France. `programme` from `programme_territory`."""
    refs: list[Territory] = []
    if territory.kind == "departement":
        refs.append(region_territory(departements()[territory.code].region_code))
    if territory.kind in ("departement", "region"):
        refs.append(programme)
    if territory.kind != "france":
        refs.append(FRANCE)
    return refs


def compare(dep_indicators: pd.DataFrame, territory: Territory, reference: Territory) -> pd.DataFrame:
    """One row per indicator: indicator (key), label, value, reference, gap (value − reference),
    gap_pct (relative gap, a ratio: 0.1 = +10 %), digits."""
    mine = aggregate(dep_indicators, territory_departements(territory, dep_indicators))
    ref = aggregate(dep_indicators, territory_departements(reference, dep_indicators))
    records = []
    for key, spec in INDICATORS.items():
        diff, pct = gap(mine[key], ref[key])
        records.append(
            {
                "indicator": key,
                "label": spec.label,
                "value": mine[key],
                "reference": ref[key],
                "gap": diff,
                "gap_pct": pct,
                "digits": spec.digits,
            }
        )
    return pd.DataFrame.from_records(records)


# --- class breaks -------------------------------------------------------------------------------


def class_breaks(values, method: str = "quantiles", k: int = 5) -> list[float]:
    """Bounds of k classes over the values: [min, b1, ..., max], k + 1 numbers (fewer when there are
    fewer distinct values than classes). Methods: "quantiles" (as many départements in each class),
    "natural" (Fisher-Jenks natural breaks, minimising the variance within classes), "equal"
    (intervals of equal width). Missing values are ignored; no value gives []."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # « Numba not installed »: the pure Python path is fast enough here
        import mapclassify

    y = pd.Series(values, dtype=float).dropna().to_numpy()
    if y.size == 0:
        return []
    distinct = np.unique(y)
    if distinct.size == 1:
        return [float(distinct[0]), float(distinct[0])]
    k = max(1, min(int(k), int(distinct.size)))
    classifiers = {
        "quantiles": mapclassify.Quantiles,
        "natural": mapclassify.FisherJenks,
        "equal": mapclassify.EqualInterval,
    }
    if method not in classifiers:
        raise ValueError(f"méthode de discrétisation inconnue : {method!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bins = classifiers[method](y, k=k).bins
    bounds = [float(y.min()), *(float(b) for b in bins)]
    # Quantiles of tied values can repeat a bound: keep each bound once.
    out = [bounds[0]]
    for b in bounds[1:]:
        if b > out[-1]:
            out.append(b)
    out[-1] = float(y.max())
    return out


def classify(values, bounds: list[float]) -> pd.Series:
    """Class index (0 … len(bounds) − 2) of each value: class i holds bounds[i] < v ≤ bounds[i+1], the
    first class also holds its lower bound. Missing values give <NA>."""
    s = pd.Series(values, dtype=float)
    if len(bounds) < 2:
        return pd.Series(pd.NA, index=s.index, dtype="Int64")
    upper = np.asarray(bounds[1:], dtype=float)
    idx = np.searchsorted(upper, s.to_numpy(), side="left")
    idx = np.clip(idx, 0, len(upper) - 1)
    out = pd.Series(idx, index=s.index, dtype="Int64")
    out[s.isna()] = pd.NA
    return out


# --- projects on the map --------------------------------------------------------------------------


def project_points(
    projects: pd.DataFrame, milestones: pd.DataFrame, commune_point, region_codes=None
) -> pd.DataFrame:
    """The projects to draw: id, label (name, with its current stage), stage (`programme.stages`),
    longitude, latitude. Abandoned projects and unknown communes are left out. In public, pass the
    projects through `reindus.programme.public.mask_projects`: the names are then already masked.
    `commune_point` is geo.commune_point (code → (lon, lat))."""
    rows = projects[projects["status"] != ProjectStatus.ABANDONED]
    if region_codes is not None:
        rows = rows[rows["region_code"].isin(list(region_codes))]
    stages = current_stages(rows, milestones)
    records = []
    for row in rows.itertuples(index=False):
        try:
            lon, lat = commune_point(row.commune)
        except KeyError:
            continue
        stage = stages.get(row.id, "")
        records.append(
            {
                "id": row.id,
                "label": f"{row.name} — {stage_label(stage)} (édition {row.edition})",
                "stage": stage,
                "longitude": lon,
                "latitude": lat,
            }
        )
    return pd.DataFrame.from_records(records, columns=["id", "label", "stage", "longitude", "latitude"])


# --- supply-chain links covered by the region's fabric --------------------------------------------


def link_coverage(links: pd.DataFrame, counts: dict[int, pd.DataFrame], region_departements) -> pd.DataFrame:
    """For each link of a project: position, label, activities (NAF labels with codes), establishments in
    the region (from the register counts per département of the link's search terms, `counts[link_id]`),
    covered (the region has at least one: `sourcing.coverage.regional_and_national`)."""
    records = []
    for row in links.sort_values("position").itertuples(index=False):
        n, _ = regional_and_national(counts.get(row.id), region_departements)
        terms = search_terms(row.naf_codes)
        activities = "; ".join(f"{division_label(c)} ({c})" for c in [*terms.codes, *terms.prefixes])
        records.append(
            {
                "position": row.position,
                "label": row.label,
                "activities": activities,
                "establishments": n,
                "covered": n > 0,
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["position", "label", "activities", "establishments", "covered"]
    )


# --- labels of a series -------------------------------------------------------------------------


def source_line(source: str, year: int | str | None = None) -> str:
    """« Source : URSSAF, 2023 », « Source : démo, 2023 »."""
    return f"Source : {source}, {year}" if year is not None else f"Source : {source}"


def preferred_series(available: pd.DataFrame) -> tuple[int, str, str] | None:
    """The series shown first: the newest year of real (not fictitious) data if there is any, else the
    newest fictitious year; within a year the source covering the most départements."""
    if available.empty:
        return None
    real = available[~available["source"].map(is_fictitious)]
    pool = real if not real.empty else available
    best = pool.sort_values(["year", "departements", "source"], ascending=[False, False, True]).iloc[0]
    return int(best["year"]), str(best["source"]), str(best["definition"])
