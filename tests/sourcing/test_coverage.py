"""Link coverage: one definition read by the KPIs, the pitch card and the supply-chain table."""

from __future__ import annotations

import pandas as pd

from reindus.programme import metrics
from reindus.programme.data import ProgrammeData
from reindus.sourcing.coverage import covered_links, regional_and_national, supplier_counts

SHORTLIST = pd.DataFrame(
    {
        "link_id": [1, 1, 1, 2, 2, 3],
        "status": ["identifie", "ecarte", "retenu", "contacte", "ecarte", "qualifie"],
    }
)


def test_supplier_counts_are_cumulative_along_the_workflow_and_ecarte_is_no_progress():
    counts = supplier_counts(SHORTLIST, [1, 2, 3, 4])
    assert counts.loc[1].to_dict() == {
        "identified": 3,
        "shortlisted": 2,
        "contacted": 1,
        "qualified": 1,
        "retained": 1,
        "covered": True,
    }
    assert counts.loc[2, ["contacted", "qualified", "covered"]].tolist() == [1, 0, False]
    assert counts.loc[4].tolist() == [0, 0, 0, 0, 0, False]  # a link without any entry
    assert list(covered_links(SHORTLIST)) == [1, 3]


def test_the_kpi_counts_the_links_that_supplier_counts_calls_covered():
    links = pd.DataFrame({"id": [1, 2, 3, 4], "project_id": [9, 9, 9, 9]})
    projects = pd.DataFrame(
        {
            "id": [9],
            "name": ["Lin"],
            "region_code": ["28"],
            "region": ["Normandie"],
            "edition": [2024],
            "naf": ["13.20Z"],
            "coach": ["C"],
            "status": ["en_cours"],
            "source": ["saisie"],
            "target_jobs": [5],
            "planned_investment": [1.0],
            "jobs_observed_end": [None],
            "jobs_observed_12m": [None],
            "committed_investment": [None],
        }
    )
    shortlist = SHORTLIST.assign(
        project_id=9, supplier_country="FR", supplier_region_code="28", id=range(len(SHORTLIST))
    )
    applications = pd.DataFrame(
        columns=["project_id", "status", "amount_requested", "amount_granted", "amount_paid"]
    )
    data = ProgrammeData(
        projects=projects,
        milestones=pd.DataFrame(columns=["project_id", "stage", "actual_end"]),
        links=links,
        shortlist=shortlist,
        applications=applications,
    )
    facts = metrics.project_facts(data).iloc[0]
    assert (facts["links"], facts["links_covered"]) == (4, len(covered_links(SHORTLIST)))


def test_regional_and_national_counts():
    counts = pd.DataFrame({"departement": ["76", "59", "27"], "establishments": [3, 9, 1]})
    assert regional_and_national(counts, ("76", "27")) == (4, 13)
    assert regional_and_national(None, ("76",)) == (0, 0)
