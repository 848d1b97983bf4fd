"""Sourcing logic: what to search for, how candidates rank, how far each supply-chain link has come.

Pure functions (pandas in, pandas out; no Streamlit, no database). The register answers the queries
(`reindus.register.candidates` / `counts_by_departement`); this module decides what to ask and how
to read the answer:

- `search_terms` turns a link's NAF codes, or a free search (code, division, group, label text), into
  exact codes and prefixes.
- `scope_departements` gives the départements of a search: the project's region, the region and its
  neighbouring départements, or all of France (None).
- `rank` scores candidates and orders them: regional before national, then by a score whose parts
  (distance, size, exact-versus-prefix NAF match) are columns of their own, shown next to the total.
- `coverage` says, per link of a project, how many candidates the region and France have, how far
  the shortlist has gone and whether the link is a gap (no regional supplier qualified yet).
- `links_without_regional_candidate` lists links whose region has no candidate at all, with the nearest
  départements that do have some (`reindus.sourcing.gaps` ranks the activities a region lacks).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reindus.errors import ValidationError
from reindus.reference import countries, headcount, naf, territory
from reindus.reference.programme import CHAIN_POSITIONS, SHORTLIST_PROGRESS, SHORTLIST_STATUSES
from reindus.reference.territory import region_departements
from reindus.sourcing.coverage import (
    COVERED_IN_REGION,
    WITHHELD,
    link_suppliers,
    regional_and_national,
)

# --- what to search for ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    codes: tuple[str, ...] = ()  # NAF sous-classes, matched exactly ("13.20Z")
    prefixes: tuple[str, ...] = ()  # divisions, groups, classes ("13", "13.2", "13.20")

    @property
    def empty(self) -> bool:
        return not self.codes and not self.prefixes

    def describe(self) -> str:
        """« 13.20Z Tissage ; 25 Fabrication de produits métalliques… » for captions."""
        parts = []
        for code in (*self.codes, *self.prefixes):
            try:
                parts.append(f"{code} {naf.any_label(code)}")
            except KeyError:
                parts.append(code)
        return " ; ".join(parts)


def _fold(text: str) -> str:
    """Lower case without accents, for label search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_terms(values: str | Iterable[str], *, max_label_matches: int = 40) -> SearchTerms:
    """Codes and prefixes from a link's `naf_codes` (« 13.20Z,13.30Z ») or from what a coach typed.

    Each comma- or semicolon-separated item is a sous-classe of NAF rév. 2 (`13.20Z`, `1320Z`) or of
    NAF 2025 (`13.20Y`), a division, group or class code of NAF rév. 2 (`13`, `13.2`, `13.20`), or label
    text (« tissage »), which selects every sous-classe of either nomenclature whose label has words
    starting with each typed word (at most `max_label_matches` per nomenclature). Unknown items are ignored.
    """
    items = re.split(r"[,;]", values) if isinstance(values, str) else list(values)
    codes: list[str] = []
    prefixes: list[str] = []
    for raw in items:
        item = str(raw).strip()
        if not item:
            continue
        try:
            codes.append(naf.normalize_naf(item))
            continue
        except ValidationError:
            pass
        try:  # a NAF 2025 sous-classe (`13.20Y`): matched on the establishments' NAF 2025 code
            codes.append(naf.normalize_naf2025(item))
            continue
        except ValidationError:
            pass
        candidate = item.upper()
        if re.fullmatch(r"\d{4}", candidate):  # URSSAF-style class without the dot
            candidate = f"{candidate[:2]}.{candidate[2:]}"
        if naf.is_naf_prefix(candidate):
            prefixes.append(candidate)
            continue
        words = _fold(item).split()
        if not words or len("".join(words)) < 3:
            continue
        patterns = [re.compile(r"\b" + re.escape(w)) for w in words]  # words start where typed
        found = [
            code for code, label in naf.subclasses().items() if all(p.search(_fold(label)) for p in patterns)
        ]
        found25 = [
            code
            for code, label in naf.subclasses2025().items()
            if all(p.search(_fold(label)) for p in patterns)
        ]
        codes.extend(found[:max_label_matches] + found25[:max_label_matches])
    # A code already covered by a prefix is kept: it still ranks as an exact match.
    return SearchTerms(tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(prefixes)))


# --- where to search --------------------------------------------------------------------------------

SCOPES: dict[str, str] = {
    "region": "Région du projet",
    "voisins": "Région et départements voisins",
    "france": "Toute la France",
}


def neighbouring_departements(departements: Iterable[str]) -> tuple[str, ...]:
    """The départements bordering any of `departements`, themselves excluded."""
    from reindus.reference import geo

    inside = set(departements)
    return tuple(sorted({n for d in inside for n in geo.neighbours(d)} - inside))


def scope_departements(region_code: str, scope: str) -> tuple[str, ...] | None:
    """Départements searched for a project in `region_code`: None means all of France."""
    if scope not in SCOPES:
        raise ValueError(f"périmètre inconnu : {scope!r}")
    if scope == "france":
        return None
    regional = region_departements(region_code)
    if scope == "region":
        return regional
    return tuple(sorted((*regional, *neighbouring_departements(regional))))


# --- ranking ----------------------------------------------------------------------------------------

# Score out of 100: distance counts most, then size, then how precisely the NAF code matched.
DISTANCE_POINTS = 50.0
DISTANCE_ZERO_KM = 600.0  # no distance points beyond this (about the width of mainland France)
SIZE_POINTS = 30.0
NAF_POINTS = {"exact": 20.0, "prefix": 10.0}
TIER_LABELS = {True: "Régional", False: "National"}


def distance_points(distance_km: pd.Series) -> pd.Series:
    """Linear from 50 points at the site to 0 at 600 km; unknown distance scores 0."""
    d = pd.to_numeric(distance_km, errors="coerce").astype(float)
    return (DISTANCE_POINTS * (1.0 - d / DISTANCE_ZERO_KM)).clip(lower=0.0).fillna(0.0)


def size_points(bands: pd.Series) -> pd.Series:
    """0 for an unknown or zero headcount, up to 30 for 10 000 employees and more (log scale)."""
    lows = {b.code: b.low for b in headcount.BANDS}
    top = math.log10(headcount.SIZED[-1].low + 1)

    def points(code: object) -> float:
        low = lows.get(str(code)) if code is not None else None
        if not low:
            return 0.0
        return SIZE_POINTS * math.log10(low + 1) / top

    return bands.map(points).astype(float)


def naf_points(matches: pd.Series) -> pd.Series:
    return matches.map(lambda m: NAF_POINTS.get(m, 0.0) if isinstance(m, str) else 0.0).astype(float)


def rank(candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidates (as `register.candidates` returns them) with their score parts, best first.

    Order: regional before national, then total score (desc), then distance, then SIRET. Adds
    `score_distance`, `score_size`, `score_naf`, `score` (their sum, out of 100), `tier` (« Régional »
    / « National ») and `rank` (1 = best).
    """
    out = candidates.copy()
    out["score_distance"] = distance_points(out["distance_km"]).round(1)
    out["score_size"] = size_points(out["band"]).round(1)
    out["score_naf"] = naf_points(out["naf_match"])
    out["score"] = (out["score_distance"] + out["score_size"] + out["score_naf"]).round(1)
    out["regional"] = out["regional"].fillna(False).astype(bool)
    out["tier"] = out["regional"].map(TIER_LABELS)
    out = out.sort_values(
        ["regional", "score", "distance_km", "siret"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


ANNUAIRE_URL = "https://annuaire-entreprises.data.gouv.fr/etablissement/{siret}"


def annuaire_url(siret: str) -> str:
    """The establishment's page in the public company directory (annuaire-entreprises.data.gouv.fr)."""
    digits = "".join(c for c in str(siret) if c.isdigit())
    return ANNUAIRE_URL.format(siret=digits)


def naf_label_or_code(code: object) -> str:
    if not isinstance(code, str) or not code:
        return ""
    try:
        return naf.naf_label(code)
    except KeyError:
        return code


def departement_label(code: object) -> str:
    deps = territory.departements()
    if not isinstance(code, str):
        return ""
    return deps[code].label if code in deps else code


def display_table(ranked: pd.DataFrame, commune_names: Mapping[str, str]) -> pd.DataFrame:
    """The candidate table as shown: labels rather than codes, a link to the public directory."""
    bands = {b.code: b.label for b in headcount.BANDS}
    naf_labels = {code: naf_label_or_code(code) for code in ranked["naf"].dropna().unique()}
    dep_labels = {code: departement_label(code) for code in ranked["departement"].dropna().unique()}
    return pd.DataFrame(
        {
            "rank": ranked["rank"],
            "tier": ranked["tier"],
            "name": ranked["name"].fillna("(sans nom)"),
            "siret": ranked["siret"],
            "annuaire": ranked["siret"].map(annuaire_url),
            "naf": ranked["naf"],
            "naf_label": ranked["naf"].map(naf_labels),
            "commune": ranked["commune"].map(lambda c: commune_names.get(c, c)),
            "departement": ranked["departement"].map(dep_labels),
            "band": ranked["band"].map(bands),
            "distance_km": ranked["distance_km"].round(1),
            "score_distance": ranked["score_distance"],
            "score_size": ranked["score_size"],
            "score_naf": ranked["score_naf"],
            "score": ranked["score"],
        }
    )


def correspondence_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`register.naf_correspondence` with the labels of both nomenclatures, for display."""
    labels25 = naf.subclasses2025()
    return pd.DataFrame(
        {
            "naf": frame["naf"],
            "naf_label": frame["naf"].map(naf_label_or_code),
            "naf25": frame["naf25"],
            "naf25_label": frame["naf25"].map(lambda c: labels25.get(c, c)),
            "establishments": frame["establishments"],
            "share": frame["share"],
        }
    )


EXPORT_HEADERS: dict[str, str] = {
    "rank": "Rang",
    "tier": "Niveau",
    "name": "Établissement",
    "siret": "SIRET",
    "naf": "Code NAF",
    "naf_label": "Activité (NAF)",
    "commune": "Commune",
    "departement": "Département",
    "band": "Effectif",
    "distance_km": "Distance (km)",
    "score": "Score",
}


def export_table(table: pd.DataFrame) -> pd.DataFrame:
    """A `display_table` as exported: French headers, the score's total only."""
    return table[list(EXPORT_HEADERS)].rename(columns=EXPORT_HEADERS)


# --- coverage of a project's supply chain -------------------------------------------------------

POSITION_ORDER: tuple[str, ...] = tuple(CHAIN_POSITIONS)


def furthest_status(statuses: Iterable[str]) -> str | None:
    """The most advanced status reached by a link's shortlist (écarté ignored), or None."""
    reached = [SHORTLIST_PROGRESS.index(s) for s in statuses if s in SHORTLIST_PROGRESS]
    return SHORTLIST_PROGRESS[max(reached)].value if reached else None


COVERAGE_COLUMNS = [
    "link_id", "project_id", "position", "tier", "tier_label", "label", "naf_codes", "naf_version", "naf",
    "regional_candidates",
    "national_candidates", "shortlisted", "contacted", "qualified", "regional_qualified", "furthest",
    "furthest_label", "gap", "capability_gap",
]  # fmt: skip


def coverage(
    links: pd.DataFrame,
    shortlist: pd.DataFrame,
    counts: Mapping[int, pd.DataFrame],
    region_code: str,
) -> pd.DataFrame:
    """One row per link of a project, upstream (position 1) to downstream.

    - `counts[link_id]`: the register's `counts_by_departement` for the link's NAF codes;
    - `naf`: the codes as shown (`naf.codes_text`: those of NAF 2025 say so);
    - `regional_candidates` / `national_candidates`: matching establishments in the project's region
      and in France;
    - `shortlisted` (entries not écartées), `contacted`, `qualified` (qualifié or retenu), and
      `regional_qualified` (qualified and located in the project's region);
    - `furthest`: the most advanced status reached (`furthest_label` in French);
    - `gap`: no regional supplier qualified yet; `capability_gap`: the region has no candidate at all.
    Where the viewer may not see a link's shortlist (`coverage.WITHHELD`), its counts and `furthest` are
    missing (NaN, None) and `gap` comes from the coverage kept on the link.
    """
    regional = region_departements(region_code)
    entries = shortlist[shortlist["link_id"].isin(links["id"])]
    suppliers = link_suppliers(links, entries)
    in_region_entries = entries[entries["supplier_region_code"] == region_code]
    regional_suppliers = link_suppliers(links, in_region_entries)
    withheld = links.set_index("id")[WITHHELD].astype(bool) if WITHHELD in links else pd.Series(dtype=bool)
    rows = []
    for link in links.sort_values("position").itertuples(index=False):
        hidden = bool(withheld.get(link.id, False))
        statuses = list(entries.loc[entries["link_id"] == link.id, "status"])
        in_region, in_france = regional_and_national(counts.get(link.id), regional)
        furthest = None if hidden else furthest_status(statuses)
        covered_here = (
            bool(getattr(link, COVERED_IN_REGION))
            if hidden
            else regional_suppliers.at[link.id, "qualified"] > 0
        )
        rows.append(
            {
                "link_id": link.id,
                "project_id": link.project_id,
                "position": link.position,
                "tier": link.tier,
                "tier_label": CHAIN_POSITIONS.get(link.tier, link.tier),
                "label": link.label,
                "naf_codes": link.naf_codes,
                "naf_version": link.naf_version,
                "naf": naf.codes_text(link.naf_codes, link.naf_version),
                "regional_candidates": in_region,
                "national_candidates": in_france,
                "shortlisted": suppliers.at[link.id, "shortlisted"],
                "contacted": suppliers.at[link.id, "contacted"],
                "qualified": suppliers.at[link.id, "qualified"],
                "regional_qualified": regional_suppliers.at[link.id, "qualified"],
                "furthest": furthest,
                "furthest_label": None if hidden else SHORTLIST_STATUSES.get(furthest, "Aucun fournisseur"),
                "gap": not covered_here,
                "capability_gap": in_region == 0,
            }
        )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def nearest_with_capability(
    counts: pd.DataFrame,
    origin: tuple[float, float],
    centroids: Mapping[str, tuple[float, float]],
    exclude: Iterable[str] = (),
    n: int = 3,
) -> list[tuple[str, float, int]]:
    """The `n` départements nearest to `origin` (lon, lat) that have candidates: (code, km, count)."""
    from reindus.reference.geo import haversine_km

    excluded = set(exclude)
    have = counts[(counts["establishments"] > 0) & ~counts["departement"].isin(excluded)]
    have = have[have["departement"].isin(list(centroids))]
    if have.empty:
        return []
    lon = np.array([centroids[d][0] for d in have["departement"]])
    lat = np.array([centroids[d][1] for d in have["departement"]])
    km = haversine_km(origin[0], origin[1], lon, lat)
    order = np.lexsort((have["departement"].to_numpy(), km))[:n]
    return [(have["departement"].iloc[i], float(km[i]), int(have["establishments"].iloc[i])) for i in order]


UNSOURCED_LINK_COLUMNS = [
    "project_id",
    "project",
    "region",
    "position",
    "tier_label",
    "label",
    "naf",
    "national_candidates",
    "nearest",
]


def links_without_regional_candidate(
    projects: pd.DataFrame,
    links: pd.DataFrame,
    counts: Mapping[int, pd.DataFrame],
    sites: Mapping[int, tuple[float, float]],
    centroids: Mapping[str, tuple[float, float]],
    n_nearest: int = 3,
) -> pd.DataFrame:
    """Links whose project's region has no candidate at all (a reindustrialisation opportunity).

    `nearest` names the `n_nearest` départements closest to the project's site that have candidates:
    « 59 – Nord (112 km, 14) ».
    """
    by_id = projects.set_index("id")
    rows = []
    for link in links.sort_values(["project_id", "position"]).itertuples(index=False):
        if link.project_id not in by_id.index:
            continue
        project = by_id.loc[link.project_id]
        regional = region_departements(project["region_code"])
        in_region, in_france = regional_and_national(counts.get(link.id), regional)
        if in_region > 0:
            continue
        nearest = []
        site = sites.get(link.project_id)
        link_counts = counts.get(link.id)
        if site is not None and link_counts is not None and not link_counts.empty:
            nearest = nearest_with_capability(link_counts, site, centroids, exclude=regional, n=n_nearest)
        rows.append(
            {
                "project_id": link.project_id,
                "project": project["name"],
                "region": territory.regions().get(project["region_code"], project["region_code"]),
                "position": link.position,
                "tier_label": CHAIN_POSITIONS.get(link.tier, link.tier),
                "label": link.label,
                "naf": search_terms(link.naf_codes).describe(),
                "national_candidates": in_france,
                "nearest": ", ".join(
                    f"{departement_label(code)} ({km:.0f} km, {count})" for code, km, count in nearest
                )
                or "Aucun département",
            }
        )
    return pd.DataFrame(rows, columns=UNSOURCED_LINK_COLUMNS)


def shortlist_row(candidate: Mapping[str, object]) -> dict[str, object]:
    """The fields of a `ShortlistEntry` for a register row (the name as the register shows it, i.e.
    masked for sole traders)."""
    dep = candidate.get("departement")
    region = territory.departements()[dep].region_code if dep in territory.departements() else None
    return {
        "siret": str(candidate["siret"]),
        "supplier_name": str(candidate.get("name") or "(sans nom)")[:300],
        "supplier_commune": candidate.get("commune"),
        "supplier_departement": dep,
        "supplier_region_code": region,
        "supplier_country": countries.HOME,
    }


def foreign_shortlist_row(name: str, country: str) -> dict[str, object]:
    """The fields of a `ShortlistEntry` for a supplier established abroad (no SIRET, no commune).
    A supplier in France comes from the register, with its SIRET: France is refused here."""
    clean = " ".join(str(name or "").split())
    if not clean:
        raise ValidationError("Indiquez le nom du fournisseur.", field="supplier_name")
    if len(clean) > 300:
        raise ValidationError(f"Nom trop long ({len(clean)} caractères, 300 au plus).", field="supplier_name")
    if country == countries.HOME:
        raise ValidationError(
            "Un fournisseur établi en France se choisit dans le registre (avec son SIRET).",
            field="supplier_country",
        )
    if country not in countries.names():
        raise ValidationError(
            f"Code pays inconnu : {country!r} (code ISO à deux lettres attendu, ex. DE, IT).",
            field="supplier_country",
        )
    return {
        "siret": None,
        "supplier_name": clean,
        "supplier_commune": None,
        "supplier_departement": None,
        "supplier_region_code": None,
        "supplier_country": country,
    }
