"""The Tableau de bord and Avancement view models, from the demo store (no Streamlit)."""

from datetime import date

import pytest

from reindus.auth import ANONYMOUS_SCOPE, Role, Scope
from reindus.programme import metrics, public, views
from reindus.programme.data import load_programme
from reindus.programme.selection import Filters
from reindus.store.db import make_engine


@pytest.fixture(scope="module")
def programme(demo_home):
    return load_programme(make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}"))


@pytest.fixture(scope="module")
def facts(programme):
    return metrics.project_facts(programme)


def test_a_dashboard_counts_the_selection_and_compares_with_the_previous_edition(facts, new_store_regions):
    board = views.dashboard(facts, facts, Filters(edition=2026), new_store_regions, Scope(Role.PRESIDENCE))
    assert board.total["projects"] == (facts["edition"] == 2026).sum() == len(board.facts)
    assert board.previous_edition == 2025
    assert board.previous["projects"] == (facts["edition"] == 2025).sum()
    assert board.has_demo and "coach" in board.facts


def test_a_public_dashboard_ignores_the_coach_filter_and_hides_small_groups(
    programme, facts, new_store_regions
):
    public_facts = public.public_facts(facts, programme.projects)
    coach = facts["coach"].dropna().iloc[0]
    board = views.dashboard(
        facts, public_facts, Filters(coaches=(coach,)), new_store_regions, ANONYMOUS_SCOPE
    )
    assert len(board.facts) == len(facts)  # the coach filter does not apply in public
    assert "coach" not in board.facts and "investment" not in board.facts
    small = views.dashboard(
        facts,
        public_facts,
        Filters(edition=2025, statuses=("abandonne",)),
        new_store_regions,
        ANONYMOUS_SCOPE,
    )
    assert small.total["projects"] != small.total["projects"]  # NaN: fewer than MIN_PUBLIC_COUNT


def test_a_coach_sees_small_groups_of_their_region_but_not_of_another(programme, facts, new_store_regions):
    coach = Scope(Role.CONSEILLER, frozenset({"28"}))
    scoped = public.scoped_facts(facts, programme.projects, coach)
    selection = Filters(edition=2023, statuses=("abandonne",))  # 2 in Normandie, 1 in each other region
    board = views.dashboard(facts, scoped, selection, new_store_regions, coach)
    full = views.dashboard(facts, facts, selection, new_store_regions, Scope(Role.PRESIDENCE))
    by_region = board.by_region.set_index("region")
    counts = full.by_region.set_index("region")["projects"]
    assert by_region.at["Normandie", "projects"] == counts["Normandie"]  # their own region, however small
    small_others = [r for r, n in counts.items() if r != "Normandie" and 0 < n < public.MIN_PUBLIC_COUNT]
    assert small_others, "the demo should have a small group outside Normandie"
    assert all(by_region.loc[small_others, "projects"].isna())
    others = board.facts[board.facts["region_code"] != "28"]
    assert others["coach"].isna().all() and others["investment"].isna().all()
    assert board.facts.loc[board.facts["region_code"] == "28", "coach"].notna().any()


def test_progress_keeps_the_selected_projects_and_orders_the_pilot_regions_first(
    programme, new_store_regions
):
    today = date(2026, 6, 1)
    projects = metrics.project_progress(programme.projects, programme.milestones, today)
    stages = metrics.stage_progress(programme.milestones, today)
    prog = views.progress(
        programme, projects, stages, Filters(regions=("28",)), public=False, regions=new_store_regions
    )
    assert set(prog.projects["region"]) == {"Normandie"} and prog.regions == ["Normandie"]
    assert set(prog.stages["project_id"]) <= set(prog.projects["project_id"])
    everything = views.progress(
        programme, projects, stages, Filters(), public=False, regions=new_store_regions
    )
    assert everything.regions[:4] == [
        "Normandie",
        "Île-de-France",
        "Hauts-de-France",
        "Bourgogne-Franche-Comté",
    ]
    assert views.gantt_edition(Filters(), everything.projects) == int(programme.projects["edition"].max())
    assert views.gantt_edition(Filters(edition=2024), everything.projects) == 2024


def test_the_projects_table_leaves_out_what_public_facts_lack(programme, facts, new_store_regions):
    assert "Conseiller" in views.projects_table(facts)
    table = views.projects_table(public.public_facts(facts, programme.projects))
    assert "Conseiller" not in table and "Investissement prévu" not in table
    assert table["Maillons couverts"].str.fullmatch(r"\d+ / \d+").all()
