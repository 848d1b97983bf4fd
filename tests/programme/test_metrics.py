"""KPIs and progress statuses on small hand-made frames; every expected value is counted by hand below."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from reindus.programme import metrics
from reindus.programme.data import ProgrammeData
from reindus.programme.selection import Filters, apply_filters, previous_edition
from reindus.reference import programme
from reindus.reference.programme import FINISHED_STAGE_LABEL

REGIONS = ["Normandie", "Île-de-France", "Hauts-de-France", "Bourgogne-Franche-Comté"]
CODES = {"Normandie": "28", "Île-de-France": "11", "Hauts-de-France": "32", "Bourgogne-Franche-Comté": "27"}
D = date.fromisoformat


def _projects(rows) -> pd.DataFrame:
    columns = [
        "id",
        "name",
        "region",
        "edition",
        "status",
        "target_jobs",
        "planned_investment",
        "coach",
        "naf",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["region_code"] = frame["region"].map(CODES)
    frame["source"] = "démo"
    frame[["jobs_observed_end", "jobs_observed_12m", "committed_investment"]] = None  # nothing observed yet
    return frame


@pytest.fixture
def data() -> ProgrammeData:
    projects = _projects(
        [
            # id  name     region            edition status       jobs  investment  coach naf
            (1, "Alpha", "Normandie", 2025, "en_cours", 10, 1_000_000.0, "A", "13.20Z"),
            (2, "Beta", "Normandie", 2026, "termine", 5, 500_000.0, "B", "25.99B"),
            (3, "Gamma", "Île-de-France", 2026, "abandonne", None, None, "A", "13.92Z"),
            (4, "Delta", "Hauts-de-France", 2026, "en_cours", 20, 2_000_000.0, "C", "10.51C"),
        ]
    )
    applications = pd.DataFrame(
        [
            # id project status   requested  granted    paid
            (1, 1, "accorde", 120_000.0, 100_000.0, None),
            (2, 1, "refuse", 80_000.0, None, None),
            (3, 2, "verse", 60_000.0, 50_000.0, 40_000.0),  # paid out: was granted
            (4, 2, "depose", 30_000.0, None, None),  # not decided: counts in neither granted nor refused
            (5, 4, "refuse", 10_000.0, None, None),
            (6, 4, "en_preparation", 999_000.0, None, None),  # not filed yet: not asked
        ],
        columns=["id", "project_id", "status", "amount_requested", "amount_granted", "amount_paid"],
    )
    links = pd.DataFrame([(11, 1), (12, 1), (21, 2), (41, 4), (42, 4)], columns=["id", "project_id"])
    shortlist = pd.DataFrame(
        [
            # id link project status      country region
            (1, 11, 1, "retenu", "FR", "28"),  # Alpha (Normandie): retained in its region
            (2, 11, 1, "ecarte", "FR", "11"),  # identified only
            (3, 12, 1, "contacte", "FR", "32"),
            (4, 12, 1, "qualifie", "DE", None),  # covers link 12
            (5, 21, 2, "retenu", "FR", "11"),  # Beta (Normandie): retained elsewhere in France
            (6, 21, 2, "retenu", "IT", None),  # Beta: retained abroad
            (7, 41, 4, "identifie", "FR", "32"),  # link 41 stays uncovered
            (8, 42, 4, "retenu", "FR", "32"),  # Delta (Hauts-de-France): retained in its region
        ],
        columns=["id", "link_id", "project_id", "status", "supplier_country", "supplier_region_code"],
    )
    milestones = pd.DataFrame(
        columns=[
            "id",
            "project_id",
            "stage",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "source",
        ]
    )
    return ProgrammeData(projects, milestones, links, shortlist, applications)


def test_totals_are_the_hand_counts(data):
    total = metrics.kpis(metrics.project_facts(data)).iloc[0]
    assert total["projects"] == 4
    assert (total["active"], total["completed"], total["abandoned"]) == (2, 1, 1)
    assert total["jobs"] == 35  # 10 + 5 + 0 (missing) + 20
    assert total["investment"] == 3_500_000.0
    assert total["funding_granted"] == 150_000.0  # 100 000 + 50 000
    # the pipeline asked → granted → paid
    assert (total["funding_requested"], total["funding_paid"]) == (300_000.0, 40_000.0)
    assert (total["applications_granted"], total["applications_refused"]) == (
        2,
        2,
    )  # the « déposé » one: neither
    assert total["success_rate"] == pytest.approx(0.5)
    # identified: all 8; contacted: contacté/qualifié/retenu = entries 1,3,4,5,6,8; qualified: 1,4,5,6,8
    assert (
        total["suppliers_identified"],
        total["suppliers_contacted"],
        total["suppliers_qualified"],
        total["suppliers_retained"],
    ) == (8, 6, 5, 4)
    # retained 1 and 8 in their project's region, 5 elsewhere in France, 6 abroad
    assert (total["retained_in_region"], total["retained_in_france"], total["retained_abroad"]) == (2, 1, 1)
    assert total["share_in_region"] == pytest.approx(0.5)
    assert total["share_in_france"] == pytest.approx(0.25)
    assert total["share_abroad"] == pytest.approx(0.25)
    # links 11 (entry 1), 12 (entry 4), 21 (entry 5), 42 (entry 8) covered; 41 not: 4 of 5
    assert (total["links"], total["links_covered"]) == (5, 4)
    assert total["link_coverage"] == pytest.approx(0.8)


def test_kpis_by_region_are_ratios_of_the_region_totals(data):
    table = metrics.kpis_by_region(metrics.project_facts(data), REGIONS).set_index("region")
    assert list(table.index) == REGIONS
    normandie = table.loc["Normandie"]  # Alpha + Beta
    assert (normandie["projects"], normandie["jobs"], normandie["investment"]) == (2, 15, 1_500_000.0)
    assert normandie["funding_granted"] == 150_000.0
    assert normandie["success_rate"] == pytest.approx(2 / 3)  # accordé 1, 3 ; refusé 2
    assert normandie["suppliers_retained"] == 3  # entries 1, 5, 6
    assert normandie["share_in_region"] == pytest.approx(1 / 3)
    assert normandie["share_abroad"] == pytest.approx(1 / 3)
    assert normandie["link_coverage"] == pytest.approx(1.0)  # 11, 12, 21 all covered
    idf = table.loc["Île-de-France"]  # Gamma, abandoned, nothing recorded
    assert (idf["projects"], idf["abandoned"], idf["jobs"], idf["suppliers_retained"]) == (1, 1, 0, 0)
    assert math.isnan(idf["success_rate"]) and math.isnan(idf["share_in_region"])
    assert math.isnan(idf["link_coverage"])
    hdf = table.loc["Hauts-de-France"]  # Delta
    assert hdf["success_rate"] == 0.0  # one refused, none granted
    assert hdf["share_in_region"] == 1.0
    assert hdf["link_coverage"] == 0.5  # 42 covered, 41 not
    bfc = table.loc["Bourgogne-Franche-Comté"]  # no project: present with zeros
    assert bfc["projects"] == 0 and math.isnan(bfc["share_in_region"])


def test_kpis_by_edition_and_region(data):
    table = metrics.kpis(metrics.project_facts(data), ("edition", "region")).set_index(["edition", "region"])
    assert table.loc[(2025, "Normandie"), "projects"] == 1  # Alpha
    assert table.loc[(2026, "Normandie"), "funding_granted"] == 50_000.0  # Beta
    assert table.loc[(2026, "Normandie"), "success_rate"] == 1.0  # Beta: 1 granted, 1 undecided
    assert (2025, "Hauts-de-France") not in table.index


def test_filters_select_projects_and_their_rows(data):
    normandie = apply_filters(data, Filters(regions=("28",)))
    assert list(normandie.projects["id"]) == [1, 2]
    assert sorted(normandie.shortlist["id"]) == [1, 2, 3, 4, 5, 6]
    assert sorted(normandie.applications["id"]) == [1, 2, 3, 4]
    assert list(apply_filters(data, Filters(edition=2026)).projects["id"]) == [2, 3, 4]
    assert list(apply_filters(data, Filters(naf=("13",))).projects["id"]) == [1, 3]  # textiles division
    assert list(apply_filters(data, Filters(naf=("C",))).projects["id"]) == [1, 2, 3, 4]  # all manufacturing
    assert list(apply_filters(data, Filters(coaches=("A",))).projects["id"]) == [1, 3]
    assert list(apply_filters(data, Filters(statuses=("en_cours",))).projects["id"]) == [1, 4]
    both = apply_filters(data, Filters(edition=2026, regions=("28", "32")))
    assert list(both.projects["id"]) == [2, 4]
    assert apply_filters(data, Filters()) is data


def test_previous_edition():
    assert previous_edition([2022, 2023, 2025], 2025) == 2023
    assert previous_edition([2022, 2023, 2025], 2022) is None
    assert previous_edition([2022, 2023], None) is None


# --- progress ----------------------------------------------------------------------------------------

TODAY = D("2026-11-20")


def _milestones(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["project_id", "stage", "planned_start", "planned_end", "actual_start", "actual_end"]
    )
    for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
        frame[column] = frame[column].astype(object).map(lambda v: D(v) if isinstance(v, str) else None)
    frame.insert(0, "id", range(1, len(frame) + 1))
    frame["source"] = "démo"
    frame[["jobs_observed_end", "jobs_observed_12m", "committed_investment"]] = None  # nothing observed yet
    return frame


@pytest.fixture
def progress_case():
    projects = _projects(
        [
            (10, "Dix", "Normandie", 2026, "en_cours", 1, 1.0, "A", "13.20Z"),
            (11, "Onze", "Normandie", 2026, "en_cours", 1, 1.0, "A", "13.20Z"),
            (12, "Douze", "Île-de-France", 2026, "en_cours", 1, 1.0, "A", "13.20Z"),
            (13, "Treize", "Île-de-France", 2026, "en_cours", 1, 1.0, "A", "13.20Z"),
            (14, "Quatorze", "Hauts-de-France", 2026, "termine", 1, 1.0, "A", "13.20Z"),
            (15, "Quinze", "Bourgogne-Franche-Comté", 2026, "abandonne", 1, 1.0, "A", "13.20Z"),
        ]
    )
    milestones = _milestones(
        [
            # Dix: selection ended 5 days late (within tolerance); cadrage still open 41 days after its planned
            # end (20 Nov − 10 Oct) → late. Mean gap (5 + 41) / 2 = 23.
            (10, "selection", "2026-09-01", "2026-09-20", "2026-09-01", "2026-09-25"),
            (10, "cadrage", "2026-09-15", "2026-10-10", "2026-09-16", None),
            # Onze: selection 2 days ahead (−2); cadrage open 10 days past its end (≤ 14) → at risk;
            # étude de marché not started 19 days after its planned start, not yet due (no gap).
            # Mean gap (−2 + 10) / 2 = 4.
            (11, "selection", "2026-09-01", "2026-09-20", "2026-08-30", "2026-09-18"),
            (11, "cadrage", "2026-10-01", "2026-11-10", "2026-10-02", None),
            (11, "etude_marche", "2026-11-01", "2026-12-31", None, None),
            # Douze: selection not started 31 days after its planned start (> 14), not yet due → at risk, no gap.
            (12, "selection", "2026-10-20", "2026-11-30", None, None),
            # Treize: selection open, not due; cadrage ended exactly 14 days late (14 Oct − 30 Sep): not late
            # (late means more than the tolerance) → on time, mean gap 14.
            (13, "selection", "2026-11-01", "2026-12-15", "2026-11-02", None),
            (13, "cadrage", "2026-09-01", "2026-09-30", "2026-09-01", "2026-10-14"),
            # Quatorze: a stage 40 days late, but the project is finished: « terminé » wins.
            (14, "selection", "2026-01-01", "2026-01-20", "2026-01-01", "2026-03-01"),
        ]
    )
    return projects, milestones


def test_the_tolerance_is_the_programme_s():
    assert metrics.LATE_TOLERANCE_DAYS is programme.LATE_TOLERANCE_DAYS == 14


def test_stage_progress(progress_case):
    _, milestones = progress_case
    stages = metrics.stage_progress(milestones, TODAY).set_index(["project_id", "stage"])
    assert stages.loc[(10, "selection"), "state"] == "terminee"
    assert stages.loc[(10, "selection"), "delay_days"] == 5
    assert not stages.loc[(10, "selection"), "late"]
    assert stages.loc[(10, "cadrage"), "state"] == "en_cours"
    assert stages.loc[(10, "cadrage"), "delay_days"] == 41
    assert stages.loc[(10, "cadrage"), "late"]
    assert stages.loc[(11, "selection"), "delay_days"] == -2
    assert stages.loc[(11, "cadrage"), "slipping"]
    assert stages.loc[(11, "etude_marche"), "state"] == "a_venir"
    assert math.isnan(stages.loc[(11, "etude_marche"), "delay_days"])
    assert stages.loc[(11, "etude_marche"), "slipping"]
    assert stages.loc[(13, "cadrage"), "delay_days"] == 14
    assert not stages.loc[(13, "cadrage"), "late"] and not stages.loc[(13, "cadrage"), "slipping"]
    assert stages.loc[(13, "selection"), "stage_label"] == "Sélection des projets"


def test_project_progress_statuses(progress_case):
    projects, milestones = progress_case
    out = metrics.project_progress(projects, milestones, TODAY).set_index("project_id")
    assert out["progress_status"].to_dict() == {
        10: "en_retard",
        11: "a_risque",
        12: "a_risque",
        13: "a_l_heure",
        14: "termine",
        15: "abandonne",
    }
    assert out.loc[10, "progress_label"] == "En retard"
    assert out["late_stages"].to_dict() == {10: 1, 11: 0, 12: 0, 13: 0, 14: 1, 15: 0}
    assert out.loc[10, "delay_days"] == 23.0
    assert out.loc[11, "delay_days"] == 4.0
    assert math.isnan(out.loc[12, "delay_days"])
    assert out.loc[13, "delay_days"] == 14.0
    assert out.loc[10, "current_stage"] == "Cadrage"  # the most advanced stage started
    assert out.loc[12, "current_stage"] == "Sélection des projets"  # nothing started yet
    assert out.loc[13, "current_stage"] == "Cadrage"
    assert out.loc[14, "current_stage"] == FINISHED_STAGE_LABEL
    assert out.loc[15, "current_stage"] is None or pd.isna(out.loc[15, "current_stage"])


def test_region_pace_and_positions(progress_case):
    projects, milestones = progress_case
    out = metrics.project_progress(projects, milestones, TODAY)
    pace = metrics.region_pace(out, REGIONS).set_index("region")
    assert pace.loc["Normandie", "mean_delay_days"] == 13.5  # (23 + 4) / 2
    assert pace.loc["Normandie", "projects"] == 2
    assert pace.loc["Île-de-France", "mean_delay_days"] == 14.0  # Douze has no gap yet: only Treize
    assert pace.loc["Île-de-France", "projects"] == 1
    assert pace.loc["Hauts-de-France", "mean_delay_days"] == 40.0
    assert pace.loc["Bourgogne-Franche-Comté", "projects"] == 0  # the abandoned project is left out
    assert math.isnan(pace.loc["Bourgogne-Franche-Comté", "mean_delay_days"])

    positions = metrics.stage_positions(out, REGIONS).set_index(["region", "current_stage"])["projects"]
    assert positions[("Normandie", "Cadrage")] == 2
    assert positions[("Île-de-France", "Sélection des projets")] == 1
    assert positions[("Île-de-France", "Cadrage")] == 1
    assert positions[("Hauts-de-France", FINISHED_STAGE_LABEL)] == 1
    assert positions.loc["Bourgogne-Franche-Comté"].sum() == 0
    assert len(positions) == 4 * (len(programme.STAGES) + 1)

    counts = metrics.status_counts(out, REGIONS).set_index(["region", "progress_status"])["projects"]
    assert counts[("Normandie", "en_retard")] == 1 and counts[("Normandie", "a_risque")] == 1
    assert counts[("Île-de-France", "a_risque")] == 1 and counts[("Île-de-France", "a_l_heure")] == 1
    assert counts[("Bourgogne-Franche-Comté", "abandonne")] == 1


def test_labelled_uses_french_labels(data):
    table = metrics.labelled(
        metrics.kpis_by_region(metrics.project_facts(data), REGIONS),
        ["projects", "share_in_region"],
        {"region": "Région"},
    )
    assert list(table.columns) == ["Région", "Projets accompagnés", "Part des retenus dans la région"]
