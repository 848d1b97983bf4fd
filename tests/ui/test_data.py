"""The UI data module: every store read is cached per scope and cleared by one `invalidate()`."""

import inspect
from datetime import date

import pandas as pd
import pytest

from reindus.auth import ANONYMOUS_SCOPE, Role, Scope
from reindus.programme import data as frames
from reindus.programme.selection import Filters
from reindus.ui import data

ADMIN = Scope(Role.ADMIN)
COACH_NORMANDIE = Scope(Role.CONSEILLER, frozenset({"28"}))
COACH_IDF = Scope(Role.CONSEILLER, frozenset({"11"}))


def test_every_cached_read_of_the_store_is_cleared_by_invalidate():
    cached = {
        name: fn
        for name, fn in vars(data).items()
        if hasattr(fn, "clear") and callable(fn) and "url" in inspect.signature(fn).parameters
    }
    assert {"_programme", "_dashboard", "_dashboard_figures", "_industry_map"} <= set(cached)
    assert all(fn in data._STORE_CACHES for name, fn in cached.items() if name != "engine"), [
        name for name, fn in cached.items() if fn not in data._STORE_CACHES and name != "engine"
    ]


def test_every_loader_takes_the_viewers_scope():
    loaders = [fn for fn in vars(data).values() if hasattr(fn, "clear") and callable(fn)]
    # Reference data, the same for everyone: the programme's list of regions and the register's statistics.
    keyless = {
        "engine",
        "register_connection",
        "population",
        "commune_names",
        "departement_centroids",
        "_regions",
        "_naf_correspondence",
        "naf_choices",
    }
    for fn in loaders:
        if fn.__name__ not in keyless:
            assert "scope" in inspect.signature(fn).parameters, fn.__name__


def test_the_freshness_promise_is_kept_by_the_settings():
    assert data.SHOWN_WITHIN_SECONDS == data.REFRESH_SECONDS


@pytest.fixture
def counted_loads(demo_env, monkeypatch):
    loads = []
    real = frames.load_programme
    monkeypatch.setattr(data, "load_programme", lambda engine: loads.append(1) or real(engine))
    data.invalidate()
    yield loads
    data.invalidate()


def test_reads_are_cached_per_scope_until_invalidated(counted_loads):
    data.programme(ADMIN)
    data.programme(ADMIN)
    assert len(counted_loads) == 1
    public = data.programme(ANONYMOUS_SCOPE)  # derived from the cached whole programme, its own entry
    assert len(counted_loads) == 1 and "coach" not in public.projects
    board = data.dashboard(Filters(), ADMIN)  # shared (cache_resource): the same object until a write
    assert data.dashboard(Filters(), ADMIN) is board
    data.invalidate()
    data.programme(ADMIN)
    assert len(counted_loads) == 2
    assert data.dashboard(Filters(), ADMIN) is not board


def test_a_readers_change_to_its_frames_never_reaches_the_cache(counted_loads):
    """Store reads are shared between sessions without a copy per read: what one page does to its frames
    (a column set, a cell changed, a column deleted) stays in its own copy."""
    first = data.programme(ADMIN)
    name = first.projects["name"].iat[0]
    first.projects.loc[first.projects.index[0], "name"] = "Changé par une page"
    first.projects["region"] = "ailleurs"
    del first.links["naf_codes"]
    again = data.programme(ADMIN)
    assert len(counted_loads) == 1  # the same cached value, read again
    assert again.projects["name"].iat[0] == name and (again.projects["region"] != "ailleurs").all()
    assert "naf_codes" in again.links


def test_a_committed_change_is_read_at_once(counted_loads, demo_env):
    """Caches follow the store's change counter, not a clock: a write through any process shows next run."""
    from reindus.store.db import session_factory
    from reindus.store.models import Project
    from reindus.store.repository import update_versioned

    before = data.programme(ADMIN)
    project = before.projects.iloc[0]
    with session_factory(data.store_engine()).begin() as session:
        update_versioned(
            session, Project, int(project["id"]), int(project["version"]), {"name": "Renommé"}, actor="test"
        )
    try:
        after = data.programme(ADMIN)
        assert len(counted_loads) == 2
        assert after.projects.loc[after.projects["id"] == project["id"], "name"].item() == "Renommé"
    finally:
        with session_factory(data.store_engine()).begin() as session:
            update_versioned(
                session,
                Project,
                int(project["id"]),
                int(project["version"]) + 1,
                {"name": project["name"]},
                actor="test",
            )


# --- cache isolation, in the spirit of Superset's rls_cache_isolation_tests -------------------------


def _own(frame: pd.DataFrame, scope: Scope, column: str = "region_code") -> pd.Series:
    return frame[column].isin(scope.regions)


def _assert_only_its_scope(scope: Scope) -> None:
    """Every cached loader of `scope` returns confidential values of its own regions' projects only."""
    programme = data.programme(scope)
    projects = programme.projects
    board = data.dashboard(Filters(), scope)
    coaches = set(data.filter_options(scope)["coaches"])
    view, _ = data.outcomes(Filters(), scope)
    progress = data.progress(Filters(), date(2026, 6, 1), scope)
    own_links = set(
        programme.links.loc[
            programme.links["project_id"].isin(projects.loc[_own(projects, scope), "id"]), "id"
        ]
    )
    shortlist = programme.shortlist
    if scope.public:
        assert "coach" not in projects and "siren" not in projects and "planned_investment" not in projects
        assert "coach" not in board.facts and "investment" not in board.facts and not coaches
        assert "supplier_name" not in shortlist and "siret" not in shortlist
        _one_amount_rule(board, view)
        hidden = projects[~projects["public"].fillna(False).astype(bool)]
        assert hidden["name"].str.endswith("(non public)").all()
        return
    mine, others = projects[_own(projects, scope)], projects[~_own(projects, scope)]
    assert mine["coach"].notna().all() and others["coach"].isna().all()
    assert others["planned_investment"].isna().all() and others["siren"].isna().all()
    assert coaches == set(mine["coach"]), coaches
    facts = board.facts
    assert facts.loc[_own(facts, scope), "coach"].notna().all()
    assert facts.loc[~_own(facts, scope), ["coach", "investment", "funding_granted"]].isna().all().all()
    assert shortlist["link_id"].isin(own_links).all()  # other regions' shortlists are withheld
    assert shortlist["supplier_name"].notna().any()
    _one_amount_rule(board, view)
    named = progress.projects[~progress.projects["region_code"].isin(scope.regions)]
    public_ids = set(projects.loc[projects["public"].fillna(False).astype(bool), "id"])
    assert named.loc[~named["project_id"].isin(public_ids), "name"].str.endswith("(non public)").all()


def _one_amount_rule(board, view) -> None:
    """The dashboard's regions and « Prévu, décidé, constaté »'s show the same sums (one rule)."""
    for column in ("funding_granted", "investment"):
        left = board.by_region.set_index("region")[column].notna()
        right = view.by_region.set_index("region")[column].notna().reindex(left.index)
        assert left.equals(right), (column, left, right)


def test_a_result_cached_for_one_scope_is_never_served_to_another(demo_env):
    """Coach of Normandie, then coach of Île-de-France, then anonymous, then Normandie again, on warm caches."""
    data.invalidate()
    try:
        for scope in (COACH_NORMANDIE, COACH_IDF, ANONYMOUS_SCOPE, COACH_NORMANDIE, ADMIN, COACH_IDF):
            _assert_only_its_scope(scope) if scope != ADMIN else data.programme(ADMIN)
        assert data.dashboard(Filters(), COACH_NORMANDIE) is not data.dashboard(Filters(), COACH_IDF)
        assert data.filter_options(COACH_NORMANDIE) != data.filter_options(COACH_IDF)
        everything = data.programme(ADMIN).projects
        assert everything["coach"].notna().all()  # the administrateur's entry was not narrowed either
    finally:
        data.invalidate()


def test_the_projects_offered_on_fournisseurs_are_those_of_the_scope(demo_env):
    from reindus.programme.public import public_projects

    data.invalidate()
    try:
        for scope in (ANONYMOUS_SCOPE, COACH_NORMANDIE, ANONYMOUS_SCOPE):
            projects = data.programme(scope).projects
            offered = public_projects(projects) if scope.public else projects
            choices = data.sourcing_choices(scope)
            assert choices.project_labels == {p.id: f"{p.name} — {p.region}" for p in offered.itertuples()}
            assert set(choices.projects["id"]) == set(offered["id"])
        assert len(data.sourcing_choices(ANONYMOUS_SCOPE).project_labels) < len(projects)
    finally:
        data.invalidate()


def test_the_candidate_list_holds_the_first_candidates_of_the_departement(demo_env):
    from reindus.sourcing import candidates as sourcing
    from reindus.sourcing.search import CandidateSearch
    from reindus.ui import tables

    project = data.sourcing_choices(COACH_NORMANDIE).projects.iloc[0]
    search = CandidateSearch.for_project(
        sourcing.search_terms("2"), project["region_code"], "france", "NN", data.project_site(project)
    )
    ranked = data.ranked_candidates(search, COACH_NORMANDIE)
    for dep in ("76", None):
        listed = data.candidate_list(search, dep, 50, COACH_NORMANDIE)
        expected = (ranked[ranked["departement"] == dep] if dep else ranked).head(50)
        assert len(expected) == 50 and listed.rows["siret"].tolist() == expected["siret"].tolist()
        table = sourcing.display_table(expected, data.commune_names())
        assert listed.shown.equals(tables.to_arrow(table))  # the Arrow form st.dataframe sends
        assert listed.export.equals(sourcing.export_table(table))
