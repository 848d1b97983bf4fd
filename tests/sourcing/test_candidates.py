"""Sourcing logic: search terms, scopes, ranking (against a brute-force pandas answer), coverage, gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reindus.reference import geo, headcount
from reindus.reference.territory import region_departements
from reindus.register import candidates, counts_by_departement, open_register, replace_all, synth_frame
from reindus.sourcing import candidates as sourcing

# --- search terms and scopes -------------------------------------------------------------------------


def test_search_terms_codes_prefixes_and_labels():
    terms = sourcing.search_terms("13.20Z, 1330z; 25 ;13.2")
    assert terms.codes == ("13.20Z", "13.30Z")
    assert terms.prefixes == ("25", "13.2")
    assert sourcing.search_terms("2562").prefixes == ("25.62",)
    # not « emboutissage »; the labels of both nomenclatures are searched
    assert sourcing.search_terms("tissage").codes == ("13.20Z", "13.20Y")
    assert sourcing.search_terms("décolletage").codes == ("25.62A",)
    assert sourcing.search_terms("zz, , 99.99Z").empty
    assert "Tissage" in sourcing.search_terms("13.20Z").describe()


def test_scopes():
    normandie = sourcing.scope_departements("28", "region")
    assert normandie == ("14", "27", "50", "61", "76")
    wider = sourcing.scope_departements("28", "voisins")
    assert set(normandie) < set(wider) and {"80", "60", "95", "35"} <= set(wider)
    assert sourcing.scope_departements("28", "france") is None
    with pytest.raises(ValueError):
        sourcing.scope_departements("28", "monde")


# --- ranking -------------------------------------------------------------------------------------------


def test_score_parts():
    assert sourcing.distance_points(pd.Series([0.0, 300.0, 900.0, None])).tolist() == [50.0, 25.0, 0.0, 0.0]
    sizes = sourcing.size_points(pd.Series(["NN", "00", "11", "53"])).tolist()
    assert sizes[0] == sizes[1] == 0.0 and 0 < sizes[2] < sizes[3] == pytest.approx(30.0)
    assert sourcing.naf_points(pd.Series(["exact", "prefix", None])).tolist() == [20.0, 10.0, 0.0]


@pytest.fixture(scope="module")
def random_register():
    frame = synth_frame(6_000, seed=7)
    reg = open_register(":memory:")
    replace_all(reg, frame)
    yield reg, frame
    reg.close()


def _brute_force(frame, codes, prefixes, deps, regional, min_band, point):
    """The same question answered by plain pandas over the whole frame."""
    f = frame[frame["active"].astype(bool)].copy()
    if codes or prefixes:
        exact = f["naf"].isin(codes)
        pref = f["naf"].map(lambda n: any(n.startswith(p) for p in prefixes))
        f = f[exact | pref]
        f["naf_match"] = np.where(f["naf"].isin(codes), "exact", "prefix")
    f = f[f["band"].isin(headcount.at_least(min_band))]
    departement = f["commune"].map(lambda c: c[:3] if c.startswith("97") else c[:2])
    if deps is not None:
        f = f[departement.loc[f.index].isin(deps)]
        departement = departement.loc[f.index]
    f["departement"] = departement
    f["regional"] = f["departement"].isin(regional)
    f["distance_km"] = geo.haversine_km(point[0], point[1], f["longitude"], f["latitude"])
    return f


@pytest.mark.parametrize(
    ("codes", "prefixes", "scope", "min_band"),
    [
        ((), ("25",), "voisins", "NN"),
        (("25.62A", "13.20Z"), ("26",), "france", "11"),
        (("22.29A",), (), "region", "00"),
        ((), ("10", "28.4"), "france", "21"),
    ],
)
def test_register_ranking_matches_brute_force(random_register, codes, prefixes, scope, min_band):
    reg, frame = random_register
    regional = region_departements("28")
    deps = sourcing.scope_departements("28", scope)
    point = geo.commune_point("76540")  # Rouen
    got = sourcing.rank(
        candidates(
            reg,
            naf_codes=codes,
            naf_prefixes=prefixes,
            departements=deps,
            regional_departements=regional,
            min_band=min_band,
            point=point,
        )
    )
    expected = _brute_force(frame, codes, prefixes, deps, regional, min_band, point)
    assert sorted(got["siret"]) == sorted(expected["siret"])
    # regional first, then score descending
    if len(got):
        tiers = got["regional"].to_numpy()
        assert not np.any(~tiers[:-1] & tiers[1:]), "a national row ranks before a regional one"
        for _, part in got.groupby("regional"):
            assert part["score"].is_monotonic_decreasing
        assert (got["score"] == (got["score_distance"] + got["score_size"] + got["score_naf"]).round(1)).all()
        assert got["rank"].tolist() == list(range(1, len(got) + 1))
        merged = got.merge(
            expected[["siret", "distance_km", "naf_match", "regional"]], on="siret", suffixes=("", "_pd")
        )
        assert np.allclose(merged["distance_km"], merged["distance_km_pd"], atol=1e-6)
        assert (merged["regional"] == merged["regional_pd"]).all()
        if codes or prefixes:
            assert (merged["naf_match"] == merged["naf_match_pd"]).all()
    # counts per département agree with the brute force over all of France
    counts = counts_by_departement(reg, naf_codes=codes, naf_prefixes=prefixes, min_band=min_band)
    national = _brute_force(frame, codes, prefixes, None, regional, min_band, point)
    assert dict(zip(counts["departement"], counts["establishments"], strict=True)) == (
        national["departement"].value_counts().to_dict()
    )


def test_display_table_uses_labels_and_directory_links(random_register):
    reg, _ = random_register
    ranked = sourcing.rank(
        candidates(reg, naf_prefixes=["1", "2"], regional_departements=["76"], point=(1.09, 49.44), limit=20)
    )
    table = sourcing.display_table(ranked, {"76540": "Rouen"})
    assert len(table) == 20
    assert table["annuaire"].str.startswith("https://annuaire-entreprises.data.gouv.fr/etablissement/").all()
    assert table["departement"].str.contains(" – ").all()
    assert not table["band"].isin([b.code for b in headcount.BANDS]).any()
    assert table["naf_label"].str.len().gt(3).all()


# --- coverage and gaps -----------------------------------------------------------------------------


def _links():
    return pd.DataFrame(
        {
            "id": [1, 2, 3],
            "project_id": [10, 10, 10],
            "position": [2, 1, 3],
            "tier": ["fabrication", "matiere", "distribution"],
            "label": ["Usinage", "Acier", "<b>Distribution</b>"],
            "naf_codes": ["25.62A", "24.10Z", "46.61Y"],
            "naf_version": ["NAFRev2", "NAFRev2", "NAF2025"],
        }
    )


def _counts(pairs):
    return pd.DataFrame({"departement": [d for d, _ in pairs], "establishments": [n for _, n in pairs]})


def test_coverage_counts_progress_and_gaps():
    shortlist = pd.DataFrame(
        {
            "link_id": [1, 1, 2, 2],
            "status": ["qualifie", "ecarte", "contacte", "retenu"],
            "supplier_region_code": ["28", "28", "28", "11"],
        }
    )
    counts = {1: _counts([("76", 5), ("59", 3)]), 2: _counts([("59", 2)]), 3: _counts([])}
    cov = sourcing.coverage(_links(), shortlist, counts, "28")
    assert cov["position"].tolist() == [1, 2, 3]  # upstream to downstream
    acier, usinage, distribution = (cov.iloc[i] for i in range(3))
    assert (usinage["regional_candidates"], usinage["national_candidates"]) == (5, 8)
    assert usinage["qualified"] == 1 and usinage["regional_qualified"] == 1 and not usinage["gap"]
    assert usinage["shortlisted"] == 1  # écarté is not counted
    assert acier["furthest"] == "retenu" and acier["gap"]  # retained, but outside the region
    assert acier["capability_gap"] and not usinage["capability_gap"]
    assert distribution["furthest_label"] == "Aucun fournisseur" and distribution["national_candidates"] == 0
    assert (usinage["naf"], distribution["naf"]) == ("25.62A", "46.61Y (NAF 2025)")  # a 2025 code says so


def test_links_without_regional_candidate_name_nearest_departements():
    projects = pd.DataFrame({"id": [10], "name": ["Vélos"], "region_code": ["28"]})
    counts = {1: _counts([("76", 5)]), 2: _counts([("59", 2), ("80", 1), ("13", 9)]), 3: _counts([])}
    centroids = {"59": (3.2, 50.5), "80": (2.3, 49.9), "13": (5.1, 43.5), "76": (1.0, 49.6)}
    gaps = sourcing.links_without_regional_candidate(
        projects, _links(), counts, {10: (1.09, 49.44)}, centroids
    )
    assert gaps["label"].tolist() == ["Acier", "<b>Distribution</b>"]
    acier = gaps.iloc[0]
    assert acier["nearest"].startswith("80 – Somme")  # nearest first
    assert "59 – Nord" in acier["nearest"] and acier["national_candidates"] == 12
    assert gaps.iloc[1]["nearest"] == "Aucun département"


def test_shortlist_row_and_furthest_status():
    row = sourcing.shortlist_row(
        {"siret": "80163633300016", "name": None, "commune": "50041", "departement": "50"}
    )
    assert row["supplier_region_code"] == "28" and row["supplier_name"] == "(sans nom)"
    assert sourcing.furthest_status(["identifie", "ecarte", "contacte"]) == "contacte"
    assert sourcing.furthest_status(["ecarte"]) is None
