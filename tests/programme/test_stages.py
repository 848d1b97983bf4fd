"""One current stage per project: the definition, and every screen and export agreeing on the demo."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from reindus.exchange import tables as export_tables
from reindus.industry import indicators as industry
from reindus.programme import metrics
from reindus.programme.data import load_programme
from reindus.programme.stages import current_stages, stage_label
from reindus.reference import geo
from reindus.reference.programme import FINISHED_STAGE, FINISHED_STAGE_LABEL
from reindus.store.db import make_engine
from reindus.workshop import pitch

T = pd.Timestamp


def test_the_most_advanced_stage_started_in_programme_order_wins():
    projects = pd.DataFrame(
        {"id": [1, 2, 3, 4, 5], "status": ["en_cours", "en_cours", "termine", "abandonne", "en_cours"]}
    )
    milestones = pd.DataFrame(
        {
            "project_id": [1, 1, 1, 3, 4],
            "stage": ["selection", "etude_marche", "sourcing", "selection", "cadrage"],
            # project 1: the market study still runs, sourcing started (and even ended) meanwhile
            "actual_start": [T("2024-01-01"), T("2024-02-10"), T("2024-02-20"), T("2024-01-01"), None],
        }
    )
    stages = current_stages(projects, milestones)
    assert stages.to_dict() == {1: "sourcing", 2: "selection", 3: FINISHED_STAGE, 4: None, 5: "selection"}
    assert [stage_label(stages[i]) for i in (1, 3, 4)] == [
        "Sourcing des partenaires",
        FINISHED_STAGE_LABEL,
        None,
    ]


@pytest.fixture(scope="module")
def demo(demo_home):
    engine = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    yield engine, load_programme(engine)
    engine.dispose()


def test_avancement_pitch_industrie_map_and_export_agree_on_every_demo_project(demo):
    engine, data = demo
    projects = data.projects
    avancement = metrics.project_progress(projects, data.milestones, date(2026, 11, 20))
    avancement = avancement.set_index("project_id")["current_stage"]
    cards = {int(i): pitch.pitch_card(data, int(i)) for i in projects["id"]}
    points = industry.project_points(projects, data.milestones, geo.commune_point).set_index("id")["stage"]
    export = export_tables.projects_frame(engine).set_index(["projet", "édition"])["étape"]

    assert len(points) > 0.9 * (projects["status"] != "abandonne").sum()  # the map draws nearly all
    seen = set()
    for p in projects.itertuples(index=False):
        shown = {
            "Avancement": avancement[p.id],
            "Pitch": stage_label(cards[p.id].stage_key),
            "Export": export[(p.name, p.edition)] or None,
        }
        if p.id in points.index:
            shown["Industrie"] = stage_label(points[p.id])
        assert len(set(shown.values())) == 1, (p.name, p.edition, shown)
        seen.add(shown["Avancement"])
    # the demo exercises every kind of answer: stages under way, finished and abandoned projects
    assert {FINISHED_STAGE_LABEL, None} < seen
