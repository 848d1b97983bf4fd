"""« Mes projets »: a coach's projects, current edition first, and what waits for them with its page."""

from __future__ import annotations

from datetime import date

from reindus.programme import data as programme_data
from reindus.programme.workspace import funding, links, overview, projects
from reindus.store.models import Coach, ShortlistEntry
from reindus.store.repository import insert
from tests.programme.workspace.samples import ACTOR, values


def test_a_coach_sees_their_projects_and_what_waits_for_them(engine, Session):
    with Session.begin() as s:
        claire = insert(s, Coach(name="Claire", cci="CCI Normandie", region_code="28", source="t"), ACTOR)
        paul = insert(s, Coach(name="Paul", cci="CCI Normandie", region_code="28", source="t"), ACTOR)
        old = projects.create_project(
            s, values(name="Ancien", edition=2023, cohort_start=date(2023, 9, 4), coach_id=claire.id), ACTOR
        )
        new = projects.create_project(s, values(name="Nouveau", coach_id=claire.id), ACTOR)
        projects.create_project(s, values(name="Autre", coach_id=paul.id), ACTOR)
        fibre = links.add_link(s, new.id, {"tier": "matiere", "label": "Fibre", "naf_codes": "13.10Z"}, ACTOR)
        vente = links.add_link(s, new.id, {"tier": "distribution", "label": "Vente"}, ACTOR)
        insert(
            s,
            ShortlistEntry(
                link_id=fibre.id,
                siret="55210055400013",
                supplier_name="Lin de Rouen",
                supplier_region_code="28",
                status="qualifie",
                source="t",
            ),
            ACTOR,
        )
        scheme = funding.add_scheme(s, {"name": "Prêt", "operator": "Bpifrance", "kind": "prêt"}, ACTOR)
        funding.add_application(
            s,
            new.id,
            {
                "scheme_id": scheme.id,
                "amount_requested": 1000,
                "applied_on": date(2024, 10, 1),
                "status": "depose",
            },
            ACTOR,
        )
    data = programme_data.load_programme(engine)
    today = date(2024, 11, 15)  # ten weeks into the 2024 cohort

    mine = overview.coach_projects(data, claire.id, today)
    assert list(mine["name"]) == ["Nouveau", "Ancien"]  # current edition first
    row = mine.iloc[0]
    assert (
        row["links"],
        row["links_without_regional"],
        row["shortlist_pending"],
        row["funding_pending"],
    ) == (2, 1, 1, 1)
    assert row["late_stages"] + row["slipping_stages"] > 0  # no stage has started, ten weeks in
    assert row["link"] == f"/projet?projet={new.id}"
    assert old.id in set(mine["project_id"])

    todo = overview.to_do(data, claire.id, today)
    kinds = todo.groupby("kind")["link"].apply(list).to_dict()
    assert kinds["maillon"] == [f"/fournisseurs?sourcing_project={new.id}&sourcing_link={vente.id}"]
    assert kinds["preselection"] == [f"/fournisseurs?sourcing_project={new.id}&sourcing_link={fibre.id}"]
    assert kinds["financement"] == [f"/projet?projet={new.id}&volet=financements"]
    assert "Lin de Rouen" in todo.loc[todo["kind"] == "preselection", "label"].iloc[0]
    assert set(todo["project"]) <= {"Nouveau", "Ancien"}
    assert overview.coach_projects(data, paul.id, today)["name"].tolist() == ["Autre"]
