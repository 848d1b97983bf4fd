"""The UI data module: every store read is cached per scope and cleared by one `invalidate()`."""

import inspect

import pytest

from reindus.programme import data as frames
from reindus.ui import data


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
    from reindus.programme.selection import Filters

    data.programme(data.FULL)
    data.programme(data.FULL)
    assert len(counted_loads) == 1
    public = data.programme(data.PUBLIC)
    assert len(counted_loads) == 2 and "coach" not in public.projects
    board = data.dashboard(Filters(), data.FULL)  # shared (cache_resource): the same object until a write
    assert data.dashboard(Filters(), data.FULL) is board
    data.invalidate()
    data.programme(data.FULL)
    assert len(counted_loads) == 3
    assert data.dashboard(Filters(), data.FULL) is not board


def test_a_committed_change_is_read_at_once(counted_loads, demo_env):
    """Caches follow the store's change counter, not a clock: a write through any process shows next run."""
    from reindus.store.db import session_factory
    from reindus.store.models import Project
    from reindus.store.repository import update_versioned

    before = data.programme(data.FULL)
    project = before.projects.iloc[0]
    with session_factory(data.store_engine()).begin() as session:
        update_versioned(
            session, Project, int(project["id"]), int(project["version"]), {"name": "Renommé"}, actor="test"
        )
    try:
        after = data.programme(data.FULL)
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
