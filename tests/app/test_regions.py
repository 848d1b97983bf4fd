"""A fifth region added as data (`reindus regions add 84`) shows on every page: filters, KPIs, figures,
maps and their legends, with the colour it was given; nothing crashes."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reindus.cli import main
from reindus.reference.programme import STAGES
from reindus.store.db import make_engine, session_factory
from reindus.store.models import ChainLink, Milestone, Project
from reindus.store.repository import insert
from tests.support.accounts import sign_in
from tests.support.markdown import shown

ROOT = Path(__file__).resolve().parents[2]
REGION, NAME, COLOUR = "84", "Auvergne-Rhône-Alpes", "#E69F00"  # orange: the palette's fifth colour
PROJECT = "Tissages des Alpes"


@pytest.fixture
def fifth_region(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> int:
    """A copy of the demo with region 84 added by the command line and one project there; its id."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / name, home / name)
    monkeypatch.setenv("REINDUS_HOME", str(home))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    assert main(["regions", "add", REGION]) == 0
    assert f"{NAME} ({REGION}) rejoint le programme" in capsys.readouterr().out
    cohort_start = date(2026, 8, 31)
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    with session_factory(engine).begin() as s:
        project = Project(
            name=PROJECT,
            commune="38185",  # Grenoble
            departement="38",
            region_code=REGION,
            naf="13.20Z",
            edition=2026,
            cohort=f"2026 – {NAME}",
            cohort_start=cohort_start,
            target_jobs=18,
            public=True,
            source="saisie",
        )
        insert(s, project, "test")
        for stage in STAGES:
            start, end = stage.planned(cohort_start)
            actual = start if start <= date(2026, 10, 1) else None
            insert(
                s,
                Milestone(
                    project_id=project.id,
                    stage=stage.key,
                    planned_start=start,
                    planned_end=end,
                    actual_start=actual,
                    source="saisie",
                ),
                "test",
            )
        insert(
            s,
            ChainLink(
                project_id=project.id,
                position=1,
                tier="matiere",
                label="Fil de lin",
                naf_codes="13.10Z",
                source="saisie",
            ),
            "test",
        )
        project_id = project.id
    engine.dispose()
    return project_id


def run(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "pages/tableau_de_bord.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def traces_named(at: AppTest, name: str) -> list[dict]:
    return [trace for fig in figures(at) for trace in fig["data"] if trace.get("name") == name]


def maps(at: AppTest) -> str:
    """Everything the folium maps send to the browser (script, header, legend), as text; the legends
    that the script writes as JSON strings (`innerHTML = "…"`) decoded."""
    sent = "".join(
        value
        for c in at.get("component_instance")
        for value in json.loads(c.proto.json_args).values()
        if isinstance(value, str)
    )
    return sent + "".join(json.loads(m) for m in re.findall(r'innerHTML = ("(?:[^"\\]|\\.)*")', sent))


def region_filter(at: AppTest):
    return next(m for m in at.multiselect if m.label == "Régions")


def test_dashboard_filters_kpis_and_figures(fifth_region):
    at = run("pages/tableau_de_bord.py")
    assert NAME in region_filter(at).options
    assert any(
        NAME in shown(c.value) for c in at.sidebar.caption
    )  # « CCI … Auvergne-Rhône-Alpes et Relocalisations.fr »
    panels = traces_named(at, NAME)
    assert panels and all(t["marker"]["color"] == COLOUR for t in panels)
    assert NAME in at.dataframe[0].value["Région"].tolist()
    region_filter(at).set_value([REGION]).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Projets accompagnés"] == "1"


def test_progress_gantt_and_regions(fifth_region):
    at = run("pages/avancement.py", {"region": NAME})
    assert region_filter(at).value == [REGION]
    assert traces_named(at, NAME), "the region is in the progress figures' legends"
    assert all(t["marker"]["color"] == COLOUR for t in traces_named(at, NAME) if "marker" in t)


def test_industry_map_outline_legend_comparison_and_charts(fifth_region):
    at = run("pages/industrie.py")
    sent = maps(at)
    assert f'border-color:{COLOUR}"></span>{NAME}</div>' in sent  # the map's legend
    assert f'"code":"{REGION}"' in sent  # its outline
    assert NAME in at.selectbox(key="ind_territory").options  # a territory to compare
    totals = next(f for f in figures(at) if f["data"][0].get("type") == "bar" and NAME in f["data"][0]["x"])
    assert totals["data"][0]["marker"]["color"][-1] == COLOUR
    assert any(t["name"] == NAME for f in figures(at) for t in f["data"] if t.get("mode") == "lines+markers")


def test_supplier_map_outlines_the_fifth_region(fifth_region):
    at = run("pages/fournisseurs.py")
    at.selectbox(key="sourcing_project").set_value(fifth_region).run()
    assert not at.exception, at.exception
    assert f"3px solid {COLOUR}" in maps(at) and f"{NAME}</div>" in maps(at)
    assert any(m.label == "Candidats dans la région" for m in at.metric)


def test_supply_chain_opens_the_project_of_the_fifth_region(fifth_region):
    at = run("pages/chaine.py")
    chosen = at.selectbox(key="chain_project").set_value(fifth_region).run().selectbox(key="chain_project")
    assert not at.exception, at.exception
    assert chosen.options[chosen.index] == f"{PROJECT} — {NAME} (2026)"


def test_pitch_card_of_the_project_of_the_fifth_region(fifth_region):
    at = run("pages/pitch.py")
    at.selectbox(key="projet").set_value(fifth_region).run()
    assert not at.exception, at.exception
    assert shown({m.label: m.value for m in at.metric}["Région"]) == NAME


def test_donnees_counts_the_region_and_its_projects(fifth_region):
    at = run("pages/donnees.py")
    tables = [df.value for df in at.dataframe]
    stored = tables[0].set_index(["table", "source"])["rows"]
    assert stored[("Régions du programme", "régions pilotes 2023")] == 4
    assert stored[("Régions du programme", "saisie")] == 1
    by_region = next(t for t in tables if "Région" in t.columns and "Total" in t.columns)
    assert by_region["Région"].tolist()[:5] == [
        "Normandie",
        "Île-de-France",
        "Hauts-de-France",
        "Bourgogne-Franche-Comté",
        NAME,
    ]


def test_carousel_shows_the_fifth_region(fifth_region):
    at = run("pages/carrousel.py", {"vues": f"region-{REGION}", "secondes": "600"})
    assert any(shown(t.value) == NAME for t in at.title)
    # a region of the programme also gets its projects' progress (public: groups under 3 projects masked)
    assert "À l'heure" in {m.label for m in at.metric}
