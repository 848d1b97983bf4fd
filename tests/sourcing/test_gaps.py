"""Capability gaps: the ranking against a brute-force count, and the region's figures beside each activity."""

from __future__ import annotations

import itertools
import random

import pandas as pd
import pytest

from reindus.sourcing import gaps

REGION, DEPS = "28", ["14", "27", "50", "61", "76"]
CENTROIDS = {
    "14": (-0.36, 49.1),
    "27": (1.0, 49.1),
    "50": (-1.3, 49.0),
    "61": (0.1, 48.6),
    "76": (1.0, 49.6),
    "80": (2.3, 49.9),  # Somme: near Seine-Maritime
    "60": (2.4, 49.4),  # Oise
    "59": (3.2, 50.5),  # Nord: further
    "13": (5.2, 43.5),  # Bouches-du-Rhône: far away
}
ACTIVITIES = ["13.20Z", "13.30Z", "25.62B", "22", "20.17Z"]


def _random_programme(seed: int):
    rnd = random.Random(seed)
    projects = pd.DataFrame(
        [(pid, rnd.choice([REGION, REGION, "32"])) for pid in range(1, 13)], columns=["id", "region_code"]
    )
    links, shortlist = [], []
    link_id, entry_id = 0, 0
    for pid in projects["id"]:
        for _ in range(rnd.randint(1, 4)):
            link_id += 1
            codes = rnd.sample(ACTIVITIES, rnd.randint(1, 2))
            links.append((link_id, pid, ",".join(codes)))
            for _ in range(rnd.randint(0, 3)):
                entry_id += 1
                country = rnd.choice(["FR", "FR", "FR", "DE"])
                region = rnd.choice([REGION, "32", "11"]) if country == "FR" else None
                status = rnd.choice(["identifie", "contacte", "qualifie", "retenu", "ecarte"])
                shortlist.append((entry_id, link_id, status, country, region))
    links = pd.DataFrame(links, columns=["id", "project_id", "naf_codes"])
    shortlist = pd.DataFrame(
        shortlist, columns=["id", "link_id", "status", "supplier_country", "supplier_region_code"]
    )
    return projects, links, shortlist


def _brute_force(projects, links, shortlist) -> dict[str, tuple[int, int]]:
    """activity → (projects lacking a qualified regional supplier, projects needing it), by plain loops."""
    out: dict[str, list[set]] = {}
    for project in projects.itertuples():
        if project.region_code != REGION:
            continue
        for link in links.itertuples():
            if link.project_id != project.id:
                continue
            for activity in link.naf_codes.split(","):
                needing, covered = out.setdefault(activity, [set(), set()])
                needing.add(project.id)
                for entry in shortlist.itertuples():
                    if (
                        entry.link_id == link.id
                        and entry.status in ("qualifie", "retenu")
                        and entry.supplier_country == "FR"
                        and entry.supplier_region_code == REGION
                    ):
                        covered.add(project.id)
    return {a: (len(n - c), len(n)) for a, (n, c) in out.items() if n - c}


@pytest.mark.parametrize("seed", range(12))
def test_ranking_matches_a_brute_force_count(seed):
    projects, links, shortlist = _random_programme(seed)
    table = gaps.capability_gaps(
        projects, links, shortlist, REGION, DEPS, {}, pd.DataFrame(columns=INDUSTRY_COLUMNS), CENTROIDS
    )
    expected = _brute_force(projects, links, shortlist)
    got = {r.activity: (r.projects_lacking, r.projects_needing) for r in table.itertuples()}
    assert got == expected
    keys = [
        (-lack, -need, a) for a, (lack, need) in ((r.activity, got[r.activity]) for r in table.itertuples())
    ]
    assert keys == sorted(keys)  # most lacking first, then most needed, then by code
    assert list(table["rank"]) == list(range(1, len(table) + 1))


INDUSTRY_COLUMNS = ["departement", "naf_division", "year", "establishments", "jobs"]


def test_region_figures_trend_and_nearest_departements():
    projects = pd.DataFrame([(1, REGION), (2, REGION), (3, "32")], columns=["id", "region_code"])
    links = pd.DataFrame(
        [(10, 1, "13.20Z"), (11, 1, "25.62B"), (20, 2, "13.20Z,25.62B"), (30, 3, "13.20Z")],
        columns=["id", "project_id", "naf_codes"],
    )
    # project 2 has a qualified supplier in Normandie for link 20: covered for both its activities;
    # project 1's link 11 has one in Hauts-de-France only: not a regional supplier
    shortlist = pd.DataFrame(
        [
            (1, 20, "qualifie", "FR", REGION),
            (2, 11, "retenu", "FR", "32"),
            (3, 10, "identifie", "FR", REGION),
        ],
        columns=["id", "link_id", "status", "supplier_country", "supplier_region_code"],
    )
    counts = {
        "13.20Z": pd.DataFrame(
            {"departement": ["76", "80", "59", "13", "60"], "establishments": [2, 5, 9, 40, 0]}
        ),
        "25.62B": pd.DataFrame({"departement": ["14"], "establishments": [7]}),
    }
    industry = pd.DataFrame(
        [
            ("76", "13", 2019, 10, 200),
            ("27", "13", 2019, 6, 90),
            ("76", "13", 2024, 8, 150),
            ("27", "13", 2024, 4, 60),
            ("80", "13", 2024, 99, 999),  # outside the region
            ("14", "25", 2024, 30, 700),
        ],
        columns=INDUSTRY_COLUMNS,
    )
    table = gaps.capability_gaps(projects, links, shortlist, REGION, DEPS, counts, industry, CENTROIDS)
    assert list(table["activity"]) == ["13.20Z", "25.62B"]  # each lacked by project 1 only, needed by 2
    textile = table.iloc[0]
    assert (textile["projects_lacking"], textile["projects_needing"]) == (1, 2)
    assert textile["region_establishments"] == 2  # the register's 76
    assert textile["france_establishments"] == 2 + 5 + 9 + 40  # every département of the register
    assert (textile["region_employers"], textile["region_salaried_jobs"]) == (12, 210)  # 2024, 76 + 27
    assert (textile["trend_first_year"], textile["trend_last_year"]) == (2019, 2024)
    assert textile["trend"] == pytest.approx((12 - 16) / 16)
    # nearest outside the region with capacity: Somme, then Nord; the Oise has none, Bouches-du-Rhône is far
    assert [code for code, _, _ in textile["nearest"]] == ["80", "59", "13"]
    assert textile["nearest"][0][1] == 5 and textile["nearest"][0][2] < textile["nearest"][1][2]
    metal = table.iloc[1]
    assert metal["nearest"] == []  # only the region's own Calvados has some
    assert metal["region_establishments"] == 7
    assert (metal["trend_first_year"], metal["trend_last_year"], metal["trend"]) == (2024, 2024, 0.0)
    shown = gaps.labelled(table, {"80": "Somme", "59": "Nord", "13": "Bouches-du-Rhône"})
    assert (
        shown.iloc[0]["Évolution des établissements employeurs de la division"]
        == "2019 → 2024 : 16 → 12 (−25\u00a0%)"
    )
    assert shown.iloc[0]["Départements les plus proches hors région ayant la capacité"].startswith(
        "Somme (80) : 5 établissements, "
    )
    assert shown.iloc[1]["Départements les plus proches hors région ayant la capacité"] == "aucun"
    assert not any("nom" in c.lower() or "entreprise" in c.lower() for c in shown.columns)


def test_no_project_no_gap():
    empty = pd.DataFrame(columns=["id", "region_code"])
    table = gaps.capability_gaps(
        empty,
        pd.DataFrame(columns=["id", "project_id", "naf_codes"]),
        pd.DataFrame(columns=["id", "link_id", "status", "supplier_country", "supplier_region_code"]),
        REGION,
        DEPS,
        {},
        pd.DataFrame(columns=INDUSTRY_COLUMNS),
        CENTROIDS,
    )
    assert table.empty and list(table.columns) == list(gaps.COLUMNS)
    assert list(itertools.islice(gaps.activities_of("13.20Z, 13.20Z ,22"), 3)) == ["13.20Z", "22"]


def test_register_counts_in_one_read_equal_one_query_per_activity(tmp_path):
    from reindus import register

    frame = register.synth_frame(5_000, seed=3)
    activities = sorted(frame["naf"].value_counts().index[:6]) + ["13", "25.6", "99.99Z"]
    with register.open_register(tmp_path / "r.duckdb") as reg:
        register.replace_all(reg, frame)
        fast = gaps.register_counts(reg, activities)
        for activity in activities:
            full = len(activity) == 6
            slow = register.counts_by_departement(
                reg, naf_codes=[activity] if full else (), naf_prefixes=() if full else [activity]
            )
            assert list(fast[activity]["departement"]) == list(slow["departement"]), activity
            assert list(fast[activity]["establishments"]) == list(slow["establishments"]), activity
    assert fast["99.99Z"].empty


def test_a_naf_2025_activity_has_its_own_label_and_no_rev2_division_figures():
    """URSSAF counts by NAF rév. 2 division: « 13 » of NAF 2025 is not that division, so it has none."""
    projects = pd.DataFrame([(1, REGION)], columns=["id", "region_code"])
    links = pd.DataFrame([(10, 1, "13.20Y"), (11, 1, "13.20Z")], columns=["id", "project_id", "naf_codes"])
    shortlist = pd.DataFrame(columns=["id", "link_id", "status", "supplier_country", "supplier_region_code"])
    counts = {"13.20Y": pd.DataFrame({"departement": ["76"], "establishments": [3]})}
    industry = pd.DataFrame([("76", "13", 2024, 8, 150)], columns=INDUSTRY_COLUMNS)
    table = gaps.capability_gaps(projects, links, shortlist, REGION, DEPS, counts, industry, CENTROIDS)
    by_activity = table.set_index("activity")
    assert by_activity.at["13.20Y", "label"] == "Tissage (NAF 2025)"
    assert by_activity.at["13.20Y", "region_establishments"] == 3
    assert pd.isna(by_activity.at["13.20Y", "division"]) and pd.isna(
        by_activity.at["13.20Y", "region_employers"]
    )
    assert (by_activity.at["13.20Z", "division"], by_activity.at["13.20Z", "region_employers"]) == ("13", 8)
