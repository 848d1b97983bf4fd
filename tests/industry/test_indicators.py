"""Industry indicators against hand-computed fixtures."""

import math

import pandas as pd
import pytest

from reindus.industry import indicators as ind
from reindus.programme.public import mask_projects

DEF = "industrie manufacturière (test)"


def stats(rows, year=2023, source="URSSAF", definition=DEF):
    return pd.DataFrame(
        [
            {
                "departement": d,
                "naf_division": n,
                "year": year,
                "establishments": e,
                "jobs": j,
                "source": source,
                "definition": definition,
            }
            for d, n, e, j in rows
        ]
    )


# Seine-Maritime (76) and Eure (27) are in Normandie (28); Nord (59) in Hauts-de-France (32).
STATS = stats(
    [
        ("76", "10", 10, 200),
        ("76", "25", 30, 600),  # 76: 40 establishments, 800 jobs
        ("27", "10", 5, 50),
        ("27", "21", 5, 450),  # 27: 10 establishments, 500 jobs
        ("59", "29", 20, 2000),  # 59: 20 establishments, 2000 jobs
    ]
)
POPULATION = pd.Series({"76": 400_000, "27": 100_000, "59": 1_000_000})


@pytest.fixture
def dep():
    return ind.departement_indicators(STATS, POPULATION).set_index("code")


def test_population_leaves_out_the_arrondissements_of_paris_lyon_marseille():
    communes = pd.DataFrame(
        {
            "code": ["75056", "75101", "75102", "69123", "69381", "13055", "13201", "76540", "97601"],
            "departement": ["75", "75", "75", "69", "69", "13", "13", "76", "976"],
            "population": pd.array(
                [2_100_000, 16_000, 21_000, 520_000, 30_000, 870_000, 40_000, 110_000, None], dtype="Int64"
            ),
        }
    )
    pop = ind.population_by_departement(communes)
    assert pop.to_dict() == {"13": 870_000, "69": 520_000, "75": 2_100_000, "76": 110_000}
    assert "976" not in pop  # no legal population: missing, not zero


def test_departement_indicators_hand_computed(dep):
    assert dep.loc["76", "establishments"] == 40 and dep.loc["76", "jobs"] == 800
    assert dep.loc["76", "jobs_per_establishment"] == pytest.approx(20.0)
    assert dep.loc["76", "jobs_per_1000"] == pytest.approx(800 / 400_000 * 1000)  # 2.0
    assert dep.loc["27", "jobs_per_establishment"] == pytest.approx(50.0)
    assert dep.loc["27", "jobs_per_1000"] == pytest.approx(5.0)
    assert dep.loc["59", "jobs_per_1000"] == pytest.approx(2.0)
    assert dep.loc["76", "name"] == "Seine-Maritime" and dep.loc["76", "region"] == "Normandie"


def test_ranks_highest_first_ties_share_the_best_rank(dep):
    assert dep["rank_establishments"].to_dict() == {"27": 3, "59": 2, "76": 1}
    # 76 and 59 both have 2.0 jobs per 1,000 inhabitants
    assert dep["rank_jobs_per_1000"].to_dict() == {"27": 1, "59": 2, "76": 2}


def test_region_ratios_come_from_sums_not_from_an_average(dep):
    reg = ind.region_indicators(dep.reset_index()).set_index("code")
    normandie = reg.loc["28"]
    assert normandie["establishments"] == 50 and normandie["jobs"] == 1300
    assert normandie["jobs_per_establishment"] == pytest.approx(26.0)  # not (20 + 50) / 2
    assert normandie["jobs_per_1000"] == pytest.approx(1300 / 500_000 * 1000)  # 2.6, not 3.5
    assert normandie["departements"] == 2


def test_region_reference_average_for_counts_region_value_for_ratios(dep):
    frame = dep.reset_index()
    assert ind.region_reference(frame, "jobs")["76"] == pytest.approx(650.0)  # (800 + 500) / 2
    assert ind.region_reference(frame, "jobs_per_1000")["27"] == pytest.approx(2.6)


def test_compare_departement_with_its_region_and_france(dep):
    frame = dep.reset_index()
    eure = ind.departement_territory("27")
    refs = ind.references_for(eure, ind.programme_territory(("28", "11", "32", "27")))
    assert [r.kind for r in refs] == ["region", "programme", "france"] and refs[0].code == "28"
    rows = ind.compare(frame, eure, refs[0]).set_index("indicator")
    assert rows.at["jobs", "value"] == 500 and rows.at["jobs", "reference"] == 1300
    assert rows.at["jobs", "gap"] == -800 and rows.at["jobs", "gap_pct"] == pytest.approx(-800 / 1300)
    assert rows.at["jobs_per_1000", "gap"] == pytest.approx(5.0 - 2.6)
    assert rows.at["jobs_per_1000", "gap_pct"] == pytest.approx(2.4 / 2.6)
    france = ind.compare(frame, eure, ind.FRANCE).set_index("indicator")
    assert france.at["establishments", "reference"] == 70
    assert france.at["jobs_per_1000", "reference"] == pytest.approx(3300 / 1_500_000 * 1000)  # 2.2


def test_the_programme_group_is_the_regions_given(dep):
    frame = dep.reset_index()
    pilots = ind.programme_territory(("28", "11", "32", "27"))
    assert sorted(ind.territory_departements(pilots, frame)) == ["27", "59", "76"]
    assert [r.kind for r in ind.references_for(ind.region_territory("28"), pilots)] == ["programme", "france"]
    assert sorted(ind.territory_departements(ind.programme_territory(("28",)), frame)) == ["27", "76"]
    assert ind.territory_departements(ind.programme_territory(("84",)), frame) == []


def test_gap_with_zero_reference_has_no_percent():
    diff, pct = ind.gap(5, 0)
    assert diff == 5 and math.isnan(pct)


def test_division_shares_with_french_labels():
    shares = ind.division_shares(STATS, by="region").set_index(["territory", "naf_division"])
    row = shares.loc[("28", "10")]
    assert row["establishments"] == 15 and row["jobs"] == 250
    assert row["share_establishments"] == pytest.approx(15 / 50)
    assert row["share_jobs"] == pytest.approx(250 / 1300)
    assert row["division"] == "Industries alimentaires"
    assert shares.loc[("32", "29"), "share_jobs"] == 1.0
    per_dep = ind.division_shares(STATS, by="departement")
    assert per_dep.groupby("territory")["share_jobs"].sum().round(9).eq(1).all()
    normandie = ind.division_shares(STATS, by="region", within=("28",))
    assert set(normandie["territory"]) == {"28"}
    assert ind.division_shares(STATS, by="departement", within=("28",))["territory"].unique().tolist() == [
        "27",
        "76",
    ]


def test_series_are_never_mixed():
    mixed = pd.concat([STATS, stats([("76", "10", 1, 1)], source="démo")])
    with pytest.raises(ValueError, match="séries"):
        ind.departement_indicators(mixed, POPULATION)
    assert len(ind.select_series(mixed, 2023, "démo", DEF)) == 1
    available = ind.available_series(mixed)
    assert set(available["source"]) == {"URSSAF", "démo"}


def test_preferred_series_is_real_data_before_demo():
    both = pd.concat([stats([("76", "10", 1, 1)], year=2024, source="démo"), STATS])
    assert ind.preferred_series(ind.available_series(both)) == (2023, "URSSAF", DEF)
    demo_only = stats([("76", "10", 1, 1)], year=2024, source="démo")
    assert ind.preferred_series(ind.available_series(demo_only))[:2] == (2024, "démo")
    assert ind.source_line("URSSAF", 2023) == "Source : URSSAF, 2023"


VALUES = [1, 2, 3, 10, 11, 12]


def test_class_breaks_equal_intervals():
    assert ind.class_breaks([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], "equal", 5) == pytest.approx(
        [0, 20, 40, 60, 80, 100]
    )
    assert ind.class_breaks(VALUES, "equal", 2) == pytest.approx([1, 6.5, 12])


def test_class_breaks_quantiles():
    assert ind.class_breaks(range(1, 11), "quantiles", 2) == pytest.approx([1, 5.5, 10])
    assert ind.class_breaks(VALUES, "quantiles", 3) == pytest.approx([1, 2 + 2 / 3, 10 + 1 / 3, 12])


def test_class_breaks_natural_fisher_jenks():
    assert ind.class_breaks(VALUES, "natural", 2) == pytest.approx([1, 3, 12])
    assert ind.class_breaks([1, 2, 3, 50, 51, 100], "natural", 3) == pytest.approx([1, 3, 51, 100])


def test_class_breaks_edge_cases():
    assert ind.class_breaks([], "quantiles") == []
    assert ind.class_breaks([float("nan"), 4, 4], "natural", 5) == [4.0, 4.0]
    assert len(ind.class_breaks([1, 2, 3], "quantiles", 7)) == 4  # no more classes than values
    with pytest.raises(ValueError):
        ind.class_breaks(VALUES, "magic")


def test_classify_against_bounds():
    bounds = [1, 3, 12]
    assert ind.classify([1, 3, 3.5, 12, None], bounds).tolist() == [0, 0, 1, 1, pd.NA]


def test_project_points_name_projects_as_given_and_skip_abandoned():
    projects = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["Filature ${x}", "Secret", "Abandon"],
            "public": [True, False, True],
            "status": ["en_cours", "termine", "abandonne"],
            "commune": ["76540", "27229", "14118"],
            "region_code": ["28", "28", "28"],
            "edition": [2023, 2023, 2023],
        }
    )
    milestones = pd.DataFrame(
        {
            "project_id": [1, 1],
            "stage": ["selection", "cadrage"],
            "planned_start": pd.to_datetime(["2023-01-01", "2023-01-15"]),
            "actual_start": [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-01-16")],
            "actual_end": [pd.Timestamp("2023-01-20"), None],
        }
    )
    points = ind.project_points(projects, milestones, lambda c: (1.0, 49.0)).set_index("id")
    assert list(points.index) == [1, 2]
    assert points.at[1, "stage"] == "cadrage" and points.at[1, "label"].startswith("Filature ${x} — Cadrage")
    # a coach's map names every project; the finished one reads as on Avancement
    assert points.at[2, "stage"] == "termine"
    assert points.at[2, "label"] == "Secret — Programme terminé (édition 2023)"
    public = ind.project_points(mask_projects(projects), milestones, lambda c: (1.0, 49.0)).set_index("id")
    assert public.at[2, "label"].startswith("Projet n° 2 (non public) — ")


def test_link_coverage_counts_the_region_establishments():
    links = pd.DataFrame(
        {
            "id": [7, 8],
            "position": [1, 2],
            "label": ["Filature", "Tissage"],
            "naf_codes": ["13.10Z", "13.20Z,14"],
        }
    )
    counts = {
        7: pd.DataFrame({"departement": ["76", "59"], "establishments": [3, 9]}),
        8: pd.DataFrame({"departement": ["59"], "establishments": [4]}),
    }
    cov = ind.link_coverage(links, counts, ["76", "27"])
    assert cov["establishments"].tolist() == [3, 0] and cov["covered"].tolist() == [True, False]
    assert "Fabrication d'articles textiles" not in cov.at[0, "activities"]
    assert cov.at[1, "activities"].endswith("Industrie de l'habillement (14)")
