"""A project run from the app exports and imports back unchanged: the forms and the imports share one
set of rules and one way of writing, so nothing the app stored reads as a change."""

from __future__ import annotations

from datetime import date

from reindus.exchange import tables as export_tables
from reindus.ingest.importer import run_import
from reindus.programme.workspace import links, milestones, projects
from reindus.store.models import Coach, Milestone
from reindus.store.repository import insert
from tests.programme.workspace.samples import ACTOR, values
from tests.programme.workspace.viewers import COACH_NORMANDIE


def test_a_project_created_in_the_app_exports_and_imports_back_with_nothing_added_or_updated(engine, Session):
    with Session.begin() as s:
        coach = insert(s, Coach(name="Claire", cci="CCI Normandie", region_code="28", source="t"), ACTOR)
        project = projects.create_project(
            s, values(coach_id=coach.id, cohort="2024 – Vexin"), COACH_NORMANDIE
        )
        links.add_link(
            s, project.id, {"tier": "matiere", "label": "Lin", "naf_codes": "01.16Z"}, COACH_NORMANDIE
        )
        links.add_link(
            s,
            project.id,
            {"tier": "transformation", "label": "Filature", "naf_codes": "13.10Z"},
            COACH_NORMANDIE,
        )
    with Session.begin() as s:  # the first stage done, as a coach records it
        first = s.query(Milestone).filter_by(project_id=project.id, stage="selection").one()
        milestones.update_milestone(
            s, first.id, first.version, {"actual_start": date(2024, 9, 2), "actual_end": date(2024, 9, 20)},
            COACH_NORMANDIE,
        )  # fmt: skip
    for kind in ("projects", "links"):
        for fmt in ("csv", "xlsx"):
            more = export_tables.more_sheets(kind, engine) if fmt == "xlsx" else {}
            data = export_tables.to_bytes(export_tables.frame(kind, engine), fmt, more=more)
            result = run_import(kind, data, f"export.{fmt}", engine=engine, actor="test")
            assert result.ok, result.problems.lines()[:3]
            assert result.summary.english.startswith("0 added, 0 updated"), (
                kind,
                fmt,
                result.summary.english,
            )
