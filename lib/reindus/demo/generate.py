"""The deterministic demo dataset: pure functions from a seed (and the communes table) to DataFrames.

Every row carries source « démo ». Nothing here reads the clock: the demo is a snapshot as of
DEMO_AS_OF, so the same seed always gives the same rows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from reindus.demo import catalogue as cat
from reindus.programme.regions import ProgrammeRegions
from reindus.reference import headcount, naf, programme, siret
from reindus.reference.programme import FundingStatus, ProjectStatus, ShortlistStatus
from reindus.reference.sources import DEMO_SOURCE
from reindus.reference.territory import departement_of_commune, departements, is_arrondissement

COACHES_PER_REGION = 15
DEMO_ESTABLISHMENTS = 24_000
INDUSTRY_YEARS = tuple(range(2019, 2025))
# Communes whose establishments SIRENE files under arrondissement codes instead.
CITIES_WITH_ARRONDISSEMENTS = ("75056", "69123", "13055")
# Flax grows along the Channel: its establishments sit in the flax belt only.
GEOGRAPHIC_AFFINITY = {"01.16Z": ("76", "27", "14", "80", "62", "59", "02", "50")}
# Trades that are rare in France, so that some links lack a regional supplier, as in reality.
RARITY = {"13.10Z": 0.08, "24.42Z": 0.1, "20.17Z": 0.05, "26.11Z": 0.15, "13.30Z": 0.4, "01.16Z": 0.6}
REGIONAL_INDUSTRY_FACTOR = {"28": 1.3, "32": 1.15, "27": 1.35, "11": 0.55}
# Rough shares of manufacturing jobs by division in France, before per-département noise.
DIVISION_SHARES = {
    "10": 17.0,
    "11": 1.5,
    "12": 0.1,
    "13": 1.7,
    "14": 1.2,
    "15": 0.8,
    "16": 2.1,
    "17": 2.1,
    "18": 2.2,
    "19": 0.3,
    "20": 4.3,
    "21": 3.0,
    "22": 5.0,
    "23": 3.7,
    "24": 3.0,
    "25": 11.0,
    "26": 4.3,
    "27": 3.8,
    "28": 6.7,
    "29": 6.7,
    "30": 5.9,
    "31": 1.7,
    "32": 2.9,
    "33": 9.0,
}
AVERAGE_SIZE = {
    "10": 14,
    "11": 20,
    "12": 120,
    "13": 18,
    "14": 8,
    "15": 25,
    "16": 10,
    "17": 45,
    "18": 9,
    "19": 180,
    "20": 45,
    "21": 160,
    "22": 38,
    "23": 20,
    "24": 90,
    "25": 14,
    "26": 45,
    "27": 50,
    "28": 35,
    "29": 120,
    "30": 150,
    "31": 10,
    "32": 8,
    "33": 7,
}
NOTES = (
    "Devis demandé",
    "Devis reçu, compétitif",
    "Visite d'usine prévue",
    "Capacité suffisante pour 2 000 pièces/mois",
    "Délai 6 semaines",
    "Pas de certification ISO 9001",
    "Prix 15 % au-dessus de l'import",
    "Intéressé par un partenariat long terme",
    "Échantillons conformes",
    "Ne répond pas aux relances",
    "Minimum de commande trop élevé",
    "Certification OEKO-TEX en cours",
)
SIZE_PROBABILITIES = {  # headcount bands of demo establishments
    "NN": 0.22,
    "00": 0.12,
    "01": 0.14,
    "02": 0.12,
    "03": 0.1,
    "11": 0.1,
    "12": 0.09,
    "21": 0.045,
    "22": 0.03,
    "31": 0.008,
    "32": 0.012,
    "41": 0.006,
    "42": 0.002,
    "51": 0.0015,
    "52": 0.0005,
}
PACES = {"ahead": (-8, 0.2), "on_time": (0, 0.45), "late": (22, 0.25), "very_late": (45, 0.1)}


@dataclass
class DemoData:
    coaches: pd.DataFrame
    projects: pd.DataFrame
    milestones: pd.DataFrame
    links: pd.DataFrame
    establishments: pd.DataFrame
    shortlist: pd.DataFrame
    schemes: pd.DataFrame
    applications: pd.DataFrame
    industry: pd.DataFrame
    site_events: pd.DataFrame


def generate(
    communes: pd.DataFrame, seed: int = 2023, scale: int = 1, *, regions: ProgrammeRegions
) -> DemoData:
    """The whole demo dataset. `scale` multiplies the demo projects (not the real ones) for benchmarks;
    `regions` (the store's) name the CCIs of the demo's regions (`catalogue.DEMO_REGIONS`)."""
    rng = np.random.default_rng(seed)
    coaches = make_coaches(rng, regions)
    projects = make_projects(rng, communes, coaches, regions, scale)
    milestones = make_milestones(rng, projects)
    links = make_links(projects)
    establishments = make_establishments(rng, communes, DEMO_ESTABLISHMENTS)
    shortlist = make_shortlist(rng, projects, milestones, links, establishments)
    schemes = make_schemes()
    applications = make_applications(rng, projects, milestones, schemes)
    # Observed outcomes draw from their own stream, so adding them left every other demo row unchanged.
    projects, applications = add_outcomes(
        np.random.default_rng([seed, 5]), projects, milestones, applications
    )
    industry = make_industry(rng, communes)
    site_events = make_site_events(rng)
    return DemoData(
        coaches,
        projects,
        milestones,
        links,
        establishments,
        shortlist,
        schemes,
        applications,
        industry,
        site_events,
    )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "-")


def make_coaches(rng: np.random.Generator, regions: ProgrammeRegions) -> pd.DataFrame:
    rows, used = [], set()
    for region in map(regions.region, cat.DEMO_REGIONS):
        while sum(1 for r in rows if r["region_code"] == region.code) < COACHES_PER_REGION:
            name = f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.LAST_NAMES)}"
            if name in used:
                continue
            used.add(name)
            first, last = name.split(" ", 1)
            domain = _ascii(region.cci.removeprefix("CCI ")).replace("-", "")
            rows.append(
                {
                    "name": name,
                    "email": f"{_ascii(first)}.{_ascii(last)}@cci-{domain}.demo",
                    "cci": region.cci,
                    "region_code": region.code,
                    "source": DEMO_SOURCE,
                }
            )
    return pd.DataFrame(rows)


def _placeable(communes: pd.DataFrame) -> pd.DataFrame:
    return communes[~communes["code"].isin(CITIES_WITH_ARRONDISSEMENTS) & (communes["population"] > 0)]


def _pick_commune(rng: np.random.Generator, communes: pd.DataFrame, deps: tuple[str, ...]) -> pd.Series:
    pool = communes[communes["departement"].isin(deps)]
    weights = pool["population"].to_numpy(dtype=float)
    return pool.iloc[rng.choice(len(pool), p=weights / weights.sum())]


def make_projects(
    rng: np.random.Generator,
    communes: pd.DataFrame,
    coaches: pd.DataFrame,
    regions: ProgrammeRegions,
    scale: int = 1,
) -> pd.DataFrame:
    communes_by_code = communes.set_index("code")
    places = _placeable(communes)
    chain_keys = sorted(cat.CHAINS)
    rows: list[dict] = []
    for edition, (cohort_start, region_codes, per_region) in sorted(cat.EDITIONS.items()):
        names: set[str] = set()
        for region_code in region_codes:
            region = regions.region(region_code)
            region_coaches = coaches.loc[coaches["region_code"] == region_code, "name"].tolist()
            planned: list[tuple[str, str, str, str, bool, str | None]] = []
            if edition == 2023:
                for real in cat.REAL_PROJECTS_2023:
                    dep = departements()[departement_of_commune(real.commune)]
                    if dep.region_code == region_code:
                        planned.append((real.name, real.commune, real.chain, real.description, True, None))
            for _ in range(per_region * scale):
                chain = cat.CHAINS[chain_keys[rng.integers(len(chain_keys))]]
                commune = _pick_commune(rng, places, region.departements)
                name = _company_name(rng, chain.project_naf, commune["nom"], names)
                names.add(name)
                description = f"Relocaliser en {region.name} la production ({chain.sector.lower()})"
                siren = siret.complete_siren(f"{rng.integers(10_000_000, 99_999_999)}")
                planned.append(
                    (name, commune["code"], chain.key, description, bool(rng.random() < 0.6), siren)
                )
            for name, commune_code, chain_key, description, public, siren in planned:
                names.add(name)
                commune = communes_by_code.loc[commune_code]
                jobs = int(max(2, round(rng.lognormal(np.log(14), 0.8))))
                investment = round(jobs * rng.lognormal(np.log(85_000), 0.5), -3)
                rows.append(
                    {
                        "name": name,
                        "siren": siren,
                        "commune": commune_code,
                        "departement": commune["departement"],
                        "region_code": region_code,
                        "naf": cat.CHAINS[chain_key].project_naf,
                        "naf_version": naf.NAF_VERSION,
                        "chain": chain_key,
                        "edition": edition,
                        "cohort": f"{edition} – {region.name}",
                        "cohort_start": cohort_start,
                        "coach": region_coaches[rng.integers(len(region_coaches))],
                        "description": description,
                        "target_jobs": jobs,
                        "planned_investment": float(investment),
                        "status": _project_status(rng, edition),
                        "public": public,
                        "source": DEMO_SOURCE,
                    }
                )
    return pd.DataFrame(rows)


def _company_name(rng: np.random.Generator, naf_code: str, town: str, taken: set[str]) -> str:
    words = cat.TRADE_WORDS.get(naf_code[:2], cat.DEFAULT_TRADE_WORDS)
    while True:
        pattern = rng.integers(3)
        word, last = rng.choice(words), rng.choice(cat.LAST_NAMES)
        if pattern == 0:
            name = f"{word} {last}"
        elif pattern == 1:
            name = f"{word} {rng.choice(cat.PLACE_WORDS)}"
        else:
            name = f"{word} de {town}"
        if name not in taken:
            return name


def _project_status(rng: np.random.Generator, edition: int) -> str:
    abandon = rng.random() < (0.05 if edition == max(cat.EDITIONS) else 0.12)
    if abandon:
        return ProjectStatus.ABANDONED.value
    finished = edition != max(cat.EDITIONS)
    return (ProjectStatus.FINISHED if finished else ProjectStatus.IN_PROGRESS).value


def make_milestones(rng: np.random.Generator, projects: pd.DataFrame) -> pd.DataFrame:
    pace_names = list(PACES)
    pace_p = [PACES[p][1] for p in pace_names]
    rows = []
    for project in projects.itertuples():
        drift = PACES[pace_names[rng.choice(len(pace_names), p=pace_p)]][0]
        stop_at = (
            int(rng.integers(2, len(programme.STAGES))) if project.status == ProjectStatus.ABANDONED else None
        )
        for i, stage in enumerate(programme.STAGES):
            planned_start, planned_end = stage.planned(project.cohort_start)
            shift = round(drift * i / (len(programme.STAGES) - 1))
            actual_start = planned_start + timedelta(days=int(shift + rng.integers(-2, 3)))
            actual_end = planned_end + timedelta(days=int(shift + drift // 3 + rng.integers(-3, 4)))
            if stop_at is not None and i > stop_at:
                actual_start = actual_end = None
            elif stop_at is not None and i == stop_at:
                actual_end = None
            if actual_start is not None and actual_start > cat.DEMO_AS_OF:
                actual_start = actual_end = None
            if actual_end is not None and actual_end > cat.DEMO_AS_OF:
                actual_end = None
            rows.append(
                {
                    "project": project.name,
                    "edition": project.edition,
                    "stage": stage.key,
                    "planned_start": planned_start,
                    "planned_end": planned_end,
                    "actual_start": actual_start,
                    "actual_end": actual_end,
                    "source": DEMO_SOURCE,
                }
            )
    return pd.DataFrame(rows)


def make_links(projects: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for project in projects.itertuples():
        for position, link in enumerate(cat.CHAINS[project.chain].links, start=1):
            rows.append(
                {
                    "project": project.name,
                    "edition": project.edition,
                    "position": position,
                    "tier": link.tier,
                    "label": link.label,
                    "naf_codes": ",".join(link.naf_codes),
                    "need": link.need,
                    "source": DEMO_SOURCE,
                }
            )
    return pd.DataFrame(rows)


def _chain_codes() -> list[str]:
    return sorted({code for chain in cat.CHAINS.values() for link in chain.links for code in link.naf_codes})


def make_establishments(rng: np.random.Generator, communes: pd.DataFrame, n: int) -> pd.DataFrame:
    """SIRENE-like establishments in real communes, in proportion to population and sector."""
    places = _placeable(communes).reset_index(drop=True)
    chain_codes = _chain_codes()
    table = naf.naf_table()
    other_codes = sorted(set(table.loc[table["section"] == "C", "code"]) - set(chain_codes))
    codes = np.array(chain_codes + other_codes)
    weights = np.array(
        [0.55 / len(chain_codes) * RARITY.get(c, 1.0) for c in chain_codes]
        + [0.45 / len(other_codes)] * len(other_codes)
    )
    drawn = codes[rng.choice(len(codes), size=n, p=weights / weights.sum())]

    population = places["population"].to_numpy(dtype=float)
    where = rng.choice(len(places), size=n, p=population / population.sum())
    for code, deps in GEOGRAPHIC_AFFINITY.items():
        rows = np.flatnonzero(drawn == code)
        local = population * places["departement"].isin(deps).to_numpy()
        where[rows] = rng.choice(len(places), size=len(rows), p=local / local.sum())
    place = places.iloc[where].reset_index(drop=True)

    sirens = np.unique(siret.complete_siren_array(rng.integers(30_000_000, 99_999_999, size=n * 2)))
    sirens = rng.permutation(sirens)[:n]
    nics = np.where(rng.random(n) < 0.7, 1, rng.integers(2, 999, size=n))
    sirets = siret.complete_siret_array(sirens, nics)
    sole_trader = rng.random(n) < 0.03
    band_codes = list(SIZE_PROBABILITIES)
    band_p = np.array(list(SIZE_PROBABILITIES.values()))
    taken: set[str] = set()
    names = []
    for code, town, sole in zip(drawn, place["nom"], sole_trader, strict=True):
        if sole:
            name = f"{rng.choice(cat.LAST_NAMES).upper()} {rng.choice(cat.FIRST_NAMES)}"
        else:
            name = f"{_company_name(rng, code, town, taken)} {rng.choice(cat.LEGAL_FORMS)}"
        taken.add(name)
        names.append(name)
    created = pd.Timestamp(date(1960, 1, 1)) + pd.to_timedelta(rng.integers(0, 365 * 65, size=n), unit="D")
    frame = pd.DataFrame(
        {
            "siret": [f"{v:014d}" for v in sirets],
            "siren": [f"{v:09d}" for v in sirens],
            "name": names,
            "naf": drawn,
            "naf_version": naf.NAF_VERSION,
            "band": np.array(band_codes)[rng.choice(len(band_codes), size=n, p=band_p / band_p.sum())],
            "active": rng.random(n) < 0.88,
            "commune": place["code"],
            "departement": place["departement"],
            "longitude": (place["longitude"] + rng.normal(0, 0.012, n)).round(6),
            "latitude": (place["latitude"] + rng.normal(0, 0.008, n)).round(6),
            "approximate": False,
            "created": created.date,
            "legal_category": np.where(sole_trader, "1000", "5710"),
            "source": DEMO_SOURCE,
        }
    )
    frame.insert(2, "nic", frame["siret"].str[9:])
    # SIRENE's employer flag and the legal unit's category, from the headcount (one establishment per
    # company here; INSEE: PME under 250 employees, ETI under 5 000, GE beyond), so that the sourcing
    # filters on them find something in the demo. Derived, not drawn: the other columns stay as they were.
    low = frame["band"].map(lambda code: headcount.band(code).low)
    frame["employer"] = low.fillna(0) > 0
    frame["company_category"] = np.select([low.fillna(0) >= 5000, low.fillna(0) >= 250], ["GE", "ETI"], "PME")
    return frame.sort_values(["departement", "naf", "siret"], ignore_index=True)


def _stage_index(milestones: pd.DataFrame, stage: str) -> dict[tuple[str, int], pd.Series]:
    rows = milestones[milestones["stage"] == stage]
    return {(r["project"], r["edition"]): r for _, r in rows.iterrows()}


def make_shortlist(
    rng: np.random.Generator,
    projects: pd.DataFrame,
    milestones: pd.DataFrame,
    links: pd.DataFrame,
    establishments: pd.DataFrame,
) -> pd.DataFrame:
    region_of_dep = {code: d.region_code for code, d in departements().items()}
    usable = establishments[establishments["active"] & (establishments["legal_category"] != "1000")]
    usable = usable.assign(region_code=usable["departement"].map(region_of_dep))
    by_code: dict[str, list[tuple]] = {}
    for row in usable[["naf", "siret", "name", "commune", "departement", "region_code"]].itertuples(
        index=False
    ):
        by_code.setdefault(row[0], []).append(row[1:])
    sourcing = _stage_index(milestones, "sourcing")
    links_of = dict(iter(links.groupby(["project", "edition"])))  # a GroupBy has .keys: not a mapping
    rows = []
    for project in projects.itertuples():
        stage = sourcing[(project.name, project.edition)]
        if pd.isna(stage["actual_start"]):
            continue
        finished = not pd.isna(stage["actual_end"])
        for link in links_of[(project.name, project.edition)].itertuples():
            pool = [e for c in link.naf_codes.split(",") for e in by_code.get(c, ())]
            if not pool:
                continue
            regional = [e for e in pool if e[4] == project.region_code]
            national = [e for e in pool if e[4] != project.region_code]
            picks = []
            for group, count in ((regional, int(rng.integers(0, 5))), (national, int(rng.integers(0, 3)))):
                if group:
                    chosen = rng.choice(len(group), size=min(count, len(group)), replace=False)
                    picks.extend(group[i] for i in sorted(chosen))
            entries = [
                {
                    "siret": e[0],
                    "supplier_name": e[1],
                    "supplier_commune": e[2],
                    "supplier_departement": e[3],
                    "supplier_region_code": e[4],
                    "supplier_country": "FR",
                }
                for e in picks
            ]
            if rng.random() < 0.2:
                foreign, country = cat.FOREIGN_SUPPLIERS[rng.integers(len(cat.FOREIGN_SUPPLIERS))]
                entries.append(
                    {
                        "siret": None,
                        "supplier_name": foreign,
                        "supplier_commune": None,
                        "supplier_departement": None,
                        "supplier_region_code": None,
                        "supplier_country": country,
                    }
                )
            statuses = _shortlist_statuses(rng, len(entries), finished)
            for entry, status in zip(entries, statuses, strict=True):
                rows.append(
                    {
                        "project": project.name,
                        "edition": project.edition,
                        "position": link.position,
                        **entry,
                        "status": status,
                        "note": str(rng.choice(NOTES)) if rng.random() < 0.6 else "",
                        "source": DEMO_SOURCE,
                    }
                )
    return pd.DataFrame(rows)


def _shortlist_statuses(rng: np.random.Generator, n: int, finished: bool) -> list[str]:
    if n == 0:
        return []
    s = ShortlistStatus
    if finished:
        done = [s.QUALIFIED.value, s.RULED_OUT.value, s.CONTACTED.value]
        statuses = [str(rng.choice(done, p=[0.35, 0.45, 0.2])) for _ in range(n)]
        statuses[int(rng.integers(n))] = (
            s.RETAINED.value
        )  # a finished sourcing retained one supplier per link
        return statuses
    running = [s.IDENTIFIED.value, s.CONTACTED.value, s.QUALIFIED.value, s.RULED_OUT.value]
    return [str(rng.choice(running, p=[0.4, 0.3, 0.2, 0.1])) for _ in range(n)]


def make_schemes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name": name,
                "operator": operator,
                "kind": kind,
                "region_code": region,
                "source": DEMO_SOURCE,
            }
            for name, operator, kind, region in cat.FUNDING_SCHEMES
        ]
    )


def make_applications(
    rng: np.random.Generator, projects: pd.DataFrame, milestones: pd.DataFrame, schemes: pd.DataFrame
) -> pd.DataFrame:
    financement = _stage_index(milestones, "financement")
    rows = []
    for project in projects.itertuples():
        stage = financement[(project.name, project.edition)]
        if pd.isna(stage["actual_start"]):
            continue
        eligible = schemes[schemes["region_code"].isna() | (schemes["region_code"] == project.region_code)]
        chosen = eligible.iloc[rng.choice(len(eligible), size=int(rng.integers(1, 4)), replace=False)]
        decided = not pd.isna(stage["actual_end"])
        for scheme in chosen.itertuples():
            requested = round(project.planned_investment * rng.uniform(0.1, 0.45), -3)
            applied_on = stage["actual_start"] + timedelta(days=int(rng.integers(0, 20)))
            if decided:
                granted_ok = rng.random() < 0.62
                status = (FundingStatus.GRANTED if granted_ok else FundingStatus.REFUSED).value
                granted = round(requested * rng.uniform(0.5, 1.0), -3) if granted_ok else None
                decided_on = stage["actual_end"]
                if granted_ok and project.status == "termine":  # a finished project was paid its grants
                    status = "verse"
            else:
                status = str(rng.choice([FundingStatus.PREPARING.value, FundingStatus.FILED.value]))
                granted, decided_on = None, None
            rows.append(
                {
                    "project": project.name,
                    "edition": project.edition,
                    "scheme": scheme.name,
                    "amount_requested": float(requested),
                    "amount_granted": granted,
                    "amount_paid": granted if status == "verse" else None,
                    "status": status,
                    "applied_on": applied_on,
                    "decided_on": decided_on,
                    "source": DEMO_SOURCE,
                }
            )
    return pd.DataFrame(rows)


def _stage_end(milestones: pd.DataFrame, stage: str) -> dict[tuple[str, int], date | None]:
    rows = milestones[milestones["stage"] == stage]
    ends = rows["actual_end"].where(rows["actual_end"].notna(), None)
    return dict(zip(zip(rows["project"], rows["edition"], strict=True), ends, strict=True))


def add_outcomes(
    rng: np.random.Generator, projects: pd.DataFrame, milestones: pd.DataFrame, applications: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was observed after the forecasts: jobs at the end of the programme and 12 months later (fewer
    than planned at first, hiring goes on afterwards), investment committed once financing is settled,
    grants paid in instalments after the decision. Some are left unrecorded, as coaches forget."""
    concretised = _stage_end(milestones, "concretisation")
    financed = _stage_end(milestones, "financement")
    end_jobs, jobs_12m, committed = [], [], []
    for project in projects.itertuples():
        key = (project.name, project.edition)
        ended, settled = concretised.get(key), financed.get(key)
        at_end = after_12m = invested = None
        if project.status == ProjectStatus.ABANDONED:
            at_end = 0 if rng.random() < 0.5 else None  # a recorded zero, not a missing value
        elif project.status == ProjectStatus.FINISHED and ended is not None and rng.random() < 0.85:
            at_end = int(round(project.target_jobs * rng.uniform(0.35, 1.0)))
            if ended + timedelta(days=365) <= cat.DEMO_AS_OF and rng.random() < 0.7:
                after_12m = int(round(at_end * rng.uniform(0.9, 1.5)))
        if settled is not None and project.status != ProjectStatus.ABANDONED and rng.random() < 0.85:
            invested = float(round(project.planned_investment * rng.uniform(0.3, 1.05), -3))
        end_jobs.append(at_end)
        jobs_12m.append(after_12m)
        committed.append(invested)
    projects = projects.assign(
        jobs_observed_end=pd.array(end_jobs, dtype="Int64"),
        jobs_observed_12m=pd.array(jobs_12m, dtype="Int64"),
        committed_investment=committed,
    )
    paid = []
    for app in applications.itertuples():
        # a paid grant keeps its payment
        amount = app.amount_paid if app.status == FundingStatus.PAID else None
        if app.status == FundingStatus.GRANTED:
            age = (cat.DEMO_AS_OF - app.decided_on).days
            if age > 365:
                amount = app.amount_granted * (1.0 if rng.random() < 0.7 else rng.uniform(0.5, 0.9))
            elif age > 90 and rng.random() < 0.8:
                amount = app.amount_granted * rng.uniform(0.2, 0.7)
            amount = None if amount is None else float(round(amount, -3))
        paid.append(amount)
    return projects, applications.assign(amount_paid=paid)


INDUSTRY_DEFINITION = (
    "Établissements employeurs et effectifs salariés au 31 décembre, industrie "
    "manufacturière (NAF rév. 2, section C, divisions 10 à 33)"
)


def make_industry(rng: np.random.Generator, communes: pd.DataFrame) -> pd.DataFrame:
    """Département × division × year figures of the order of magnitude of real URSSAF data."""
    whole_communes = communes[~communes["code"].map(is_arrondissement)]
    population = whole_communes.groupby("departement")["population"].sum()
    divisions = list(DIVISION_SHARES)
    base_shares = np.array([DIVISION_SHARES[d] for d in divisions])
    rows = []
    for dep_code, dep in sorted(departements().items()):
        rate = 0.04 * REGIONAL_INDUSTRY_FACTOR.get(dep.region_code, 1.0) * rng.lognormal(0, 0.3)
        if dep_code == "75":
            rate *= 0.3  # Paris: headquarters, few production sites
        if len(dep_code) == 3:
            rate *= 0.35  # overseas
        shares = rng.dirichlet(base_shares * 2)
        total = population.get(dep_code, 0) * rate
        growth = rng.normal(0.004, 0.01)
        for year_index, year in enumerate(INDUSTRY_YEARS):
            trend = (1 + growth) ** year_index
            for division, share in zip(divisions, shares, strict=True):
                jobs = int(round(total * share * trend * rng.normal(1, 0.01)))
                size = AVERAGE_SIZE[division] * rng.lognormal(0, 0.2)
                establishments = int(round(jobs / size)) if jobs else 0
                rows.append(
                    {
                        "departement": dep_code,
                        "naf_division": division,
                        "year": year,
                        "establishments": max(establishments, 1 if jobs else 0),
                        "jobs": max(jobs, 0),
                        "source": DEMO_SOURCE,
                        "definition": INDUSTRY_DEFINITION,
                    }
                )
    return pd.DataFrame(rows)


def make_site_events(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for code in cat.DEMO_REGIONS:
        scale = {"28": 9, "11": 12, "32": 10, "27": 7}[code]
        for year in range(2022, 2027):
            for half in (1, 2):
                if date(year, 1 if half == 1 else 7, 1) > cat.DEMO_AS_OF:
                    continue
                rows.append(
                    {
                        "region_code": code,
                        "period": f"{year}-S{half}",
                        "openings": int(rng.poisson(scale * 1.2)),
                        "closures": int(rng.poisson(scale * 0.9)),
                        "measure": "ouvertures et fermetures annoncées",
                        "source": DEMO_SOURCE,
                    }
                )
    return pd.DataFrame(rows)
