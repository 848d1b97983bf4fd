"""Forecasts, the funding pipeline and observations on a hand-made programme; every value counted by hand."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from reindus.programme import kpi_definitions as kd
from reindus.programme.data import ProgrammeData
from reindus.programme.metrics import project_facts
from reindus.programme.public import shown_aggregates
from reindus.programme.selection import Filters

REGIONS = ["Normandie", "Île-de-France", "Hauts-de-France", "Bourgogne-Franche-Comté"]
CODES = dict(zip(REGIONS, ["28", "11", "32", "27"], strict=True))
NA = None


@pytest.fixture
def data() -> ProgrammeData:
    projects = pd.DataFrame(
        [
            # id region          edition status     planned end 12m  inv planned committed
            (1, "Normandie", 2025, "termine", 10, 6, 9, 1_000_000.0, 800_000.0),
            (2, "Normandie", 2025, "termine", 4, NA, NA, 400_000.0, NA),  # finished, nothing recorded
            (3, "Normandie", 2026, "abandonne", 8, 0, NA, 300_000.0, NA),  # a recorded zero
            (4, "Île-de-France", 2026, "en_cours", 20, NA, NA, 2_000_000.0, NA),
            (5, "Hauts-de-France", 2025, "termine", NA, 3, NA, NA, 50_000.0),  # no forecast recorded
        ],
        columns=[
            "id",
            "region",
            "edition",
            "status",
            "target_jobs",
            "jobs_observed_end",
            "jobs_observed_12m",
            "planned_investment",
            "committed_investment",
        ],
    )
    projects["name"] = "P" + projects["id"].astype(str)
    projects["region_code"] = projects["region"].map(CODES)
    projects["naf"], projects["coach"], projects["source"] = "13.20Z", "A", "démo"
    applications = pd.DataFrame(
        [
            # id project status          asked     granted   paid
            (1, 1, "accorde", 200_000.0, 150_000.0, 150_000.0),
            (2, 1, "refuse", 100_000.0, NA, NA),
            (3, 1, "en_preparation", 999_000.0, NA, NA),  # not filed: not asked yet
            (4, 2, "accorde", 80_000.0, 60_000.0, NA),  # granted, payment not recorded
            (5, 4, "depose", 300_000.0, NA, NA),  # filed, not decided
            (6, 5, "accorde", 40_000.0, 40_000.0, 10_000.0),  # granted, paid in part so far
            (7, 5, "verse", 50_000.0, 50_000.0, 45_000.0),  # granted then paid, closed
        ],
        columns=["id", "project_id", "status", "amount_requested", "amount_granted", "amount_paid"],
    )
    d = date.fromisoformat
    milestones = pd.DataFrame(
        [
            (1, "selection", d("2025-05-20")),
            (1, "concretisation", d("2025-11-06")),  # 170 days
            (2, "selection", d("2025-05-25")),
            (2, "concretisation", d("2025-11-21")),  # 180 days
            (5, "selection", d("2025-05-25")),
            (5, "concretisation", d("2025-12-01")),  # 190 days
            (4, "selection", d("2026-09-20")),
            (4, "concretisation", None),  # not there yet
        ],
        columns=["project_id", "stage", "actual_end"],
    )
    links = pd.DataFrame(columns=["id", "project_id"])
    shortlist = pd.DataFrame(
        columns=["id", "project_id", "link_id", "status", "supplier_country", "supplier_region_code"]
    )
    return ProgrammeData(projects, milestones, links, shortlist, applications)


def test_forecasts_and_observations_are_separate_and_missing_is_not_zero(data):
    total = kd.outcome_kpis(project_facts(data)).iloc[0]
    assert total["jobs"] == 42  # 10 + 4 + 8 + 20 (+ nothing for project 5)
    assert total["jobs_observed_end"] == 9  # 6 + 0 + 3: project 2 and 4 not recorded
    assert total["jobs_observed_end_reported"] == 3
    assert total["jobs_observed_end_planned"] == 18  # what projects 1, 3, 5 had planned: 10 + 8 + 0
    assert total["jobs_observed_12m"] == 9 and total["jobs_observed_12m_reported"] == 1
    assert total["finished"] == 4
    assert total["investment"] == 3_700_000.0
    assert total["investment_committed"] == 850_000.0 and total["investment_committed_reported"] == 2


def test_funding_pipeline_asked_granted_paid(data):
    total = kd.outcome_kpis(project_facts(data)).iloc[0]
    assert total["funding_requested"] == 770_000.0  # 200 + 100 + 80 + 300 + 40 + 50 thousand; not the 999 000
    assert total["funding_granted"] == 300_000.0  # 150 + 60 + 40 + 50: « versé » was granted too
    assert total["funding_paid"] == 205_000.0  # 150 + 10 (partial, « accordé ») + 45; unrecorded counts 0
    assert total["applications_granted_unpaid"] == 1
    assert total["success_rate"] == pytest.approx(4 / 5)  # 4 granted of 5 decided; « déposé » is not


def test_median_delay_from_selection_to_concretisation(data):
    facts = project_facts(data).set_index("project_id")
    assert facts.loc[1, "days_to_concretisation"] == 170
    assert math.isnan(facts.loc[4, "days_to_concretisation"])
    total = kd.outcome_kpis(facts.reset_index()).iloc[0]
    assert total["days_to_concretisation"] == 180  # median of 170, 180, 190
    assert total["days_to_concretisation_reported"] == 3


def test_by_region_nothing_recorded_reads_non_renseigne(data):
    table = kd.outcome_kpis_by_region(project_facts(data), REGIONS).set_index("region")
    idf = table.loc["Île-de-France"]
    assert idf["jobs"] == 20
    assert math.isnan(idf["jobs_observed_end"]) and idf["jobs_observed_end_reported"] == 0
    assert kd.format_value(idf["jobs_observed_end"], "count") == "non renseigné"
    assert math.isnan(idf["days_to_concretisation"])
    assert math.isnan(idf["success_rate"])  # nothing decided
    normandie = table.loc["Normandie"]
    assert normandie["jobs_observed_end"] == 6  # project 1's 6 and project 3's recorded 0
    assert normandie["days_to_concretisation"] == 175  # median of 170 and 180
    bfc = table.loc["Bourgogne-Franche-Comté"]  # no project
    assert bfc["projects"] == 0 and math.isnan(bfc["jobs_observed_end"])


def test_public_withholds_observations_recorded_by_too_few_projects(data):
    facts = project_facts(data)
    table = kd.outcome_kpis_by_region(facts, REGIONS)
    shown = shown_aggregates(table, facts, facts, Filters(), kd.AMOUNTS, frozenset()).set_index("region")
    normandie = shown.loc["Normandie"]  # 3 projects: shown, but only 1 committed investment recorded
    assert normandie["jobs"] == 22
    assert math.isnan(normandie["investment_committed"])
    assert math.isnan(shown.loc["Île-de-France", "jobs"])  # 1 project: every figure withheld
    # withheld reads « — », not recorded reads « non renseigné »
    assert kd.display(normandie, "investment_committed") == "—"
    assert kd.display(table.set_index("region").loc["Île-de-France"], "jobs_observed_end") == "non renseigné"
    assert kd.display(normandie, "jobs") == "22"


def test_notes_say_what_an_observation_rests_on(data):
    total = kd.outcome_kpis(project_facts(data)).iloc[0]
    assert kd.recorded_note(total, "jobs_observed_end") == (
        "renseigné pour 3 projet(s) sur 4 terminés ou abandonnés ; emplois prévus par ces projets : 18"
    )
    assert kd.recorded_note(total, "funding_paid") == "1 dossier(s) accordé(s) sans versement renseigné"
    assert kd.recorded_note(total, "success_rate") == "4 accordé(s) sur 5 décidé(s)"


def test_every_definition_formats_in_french():
    assert kd.DEFINITIONS["funding_granted"].format(1_234_000) == "1\u202f234\u202f000\u00a0€"
    assert kd.DEFINITIONS["days_to_concretisation"].format(180.0) == "180\u00a0j"
    assert kd.DEFINITIONS["success_rate"].format(0.75) == "75\u00a0%"
    for definition in kd.DEFINITIONS.values():
        assert definition.definition.endswith(".") and definition.basis


def test_the_table_shows_rates_and_delays_as_the_cards_and_exports_numbers(data):
    facts = project_facts(data)
    table = kd.outcome_kpis_by_region(facts, REGIONS)
    rate, delay = kd.DEFINITIONS["success_rate"].label, kd.DEFINITIONS["days_to_concretisation"].label
    shown = kd.labelled(table, shown=True).set_index("Région")
    # Normandie: 2 of 3 decided applications granted (not « 66,67 % »), median of 170 and 180 days
    assert shown.loc["Normandie", rate] == "67\u00a0%"
    assert shown.loc["Normandie", delay] == "175\u00a0j"
    assert shown.loc["Île-de-France", rate] == "—" and shown.loc["Île-de-France", delay] == "—"
    # the very text of the cards
    total = kd.outcome_kpis(facts[facts["region"] == "Normandie"]).iloc[0]
    assert shown.loc["Normandie", rate] == kd.display(total, "success_rate")
    public = shown_aggregates(table, facts, facts, Filters(), kd.AMOUNTS, frozenset())
    assert kd.labelled(public, shown=True).set_index("Région").loc["Île-de-France", rate] == "—"
    # the export keeps numbers
    exported = kd.labelled(table).set_index("Région")
    assert exported.loc["Normandie", rate] == pytest.approx(2 / 3)
    assert exported.loc["Normandie", delay] == 175
