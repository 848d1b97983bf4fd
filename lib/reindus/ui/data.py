"""THE pages' data access: the store's engine, every cached read, one freshness setting, one `invalidate()`.

- Every cached loader takes the viewer's `reindus.auth.Scope` (role and regions) as an argument, hence in
  its cache key, even where today's rule does not change the result: a public view is never served from a
  confidential entry, a coach of one region never from another's, and a narrower scope is never served a
  wider one. What a scope may see is decided by `reindus.programme.public` here, never in a page: the
  public view (anonymous, atelier mode) its public data, a coach the full detail of their regions'
  projects and the others' as in public, the présidence and the administrateur everything. Aggregates
  that include another region's projects follow the public rule (small groups suppressed).
- Reads of the store are keyed on the store's change counter (`reindus.store.version`, one primary-key
  read per call): every store loader takes `version` in its key, so a whole chain of derived caches moves
  to fresh data together, the moment a change is committed through any process. An atelier view reruns
  every `REFRESH_SECONDS`: a change in the store shows on a shared screen within `SHOWN_WITHIN_SECONDS`,
  the promise `reindus.ui.mode` makes. Entries live `CACHE_TTL` at most (memory, not freshness).
- The register (DuckDB) is opened read-only and replaced only with the app stopped: its reads are
  bounded in number and age (`REGISTER_TTL`), and no write of the app changes them.
- Results derived per selection are shared read-only objects (`st.cache_resource`: no copy per run);
  nothing downstream mutates them (pages build new frames, `st.plotly_chart` serialises a copy). Reads
  that pages may change (frames of the store and the register) are shared too, each read a shallow copy
  (`_shared`: pandas copies on write), not an unpickled copy per run as `st.cache_data` makes.
- A rerun should cost little more than drawing (`bench/load.py`): what a page shows is built here once
  per input and scope, maps are rendered once (`reindus.ui.maps`), figures are prepared
  once for `st.plotly_chart` (`reindus.ui.charts`), and the store's counter is read once per run.
- `invalidate()` clears every cache a write to the store can change, data and resources alike; a page
  that writes (edits, shortlist, import) calls it.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from reindus import config, register
from reindus.auth import Role, Scope
from reindus.exchange import inventory
from reindus.figures import choropleth
from reindus.figures import industry as industry_figures
from reindus.figures import kpi as kpi_figures
from reindus.figures import progress as progress_charts
from reindus.figures.gaps import gaps_figure
from reindus.figures.outcomes import outcome_panels
from reindus.figures.supplier_map import supplier_map
from reindus.figures.supply_chain import supply_chain_figure
from reindus.industry import indicators as industry
from reindus.industry import views as industry_views
from reindus.programme import kpi_definitions, metrics, views
from reindus.programme import public as public_rule
from reindus.programme.data import ProgrammeData, load_industry, load_programme, load_site_events
from reindus.programme.regions import ProgrammeRegions
from reindus.programme.regions import load as load_regions
from reindus.programme.selection import Filters, project_mask
from reindus.programme.workspace import history as workspace_history
from reindus.programme.workspace import overview as workspace_overview
from reindus.programme.workspace import projects as workspace_projects
from reindus.reference import geo
from reindus.reference import naf as naf_reference
from reindus.reference.sources import any_fictitious
from reindus.reference.territory import region_departements
from reindus.register.companies import COMPANY_COLUMNS, find_companies
from reindus.sourcing import candidates as sourcing
from reindus.sourcing import closures, gaps
from reindus.sourcing.coverage import regional_and_national
from reindus.sourcing.search import CandidateSearch
from reindus.store import version as store_version
from reindus.store.db import session_factory
from reindus.store.models import Coach, FundingScheme
from reindus.ui import tables
from reindus.ui.filters import options as filter_choices
from reindus.workshop import pitch

# The promise to a shared screen, and the two settings that keep it.
REFRESH_SECONDS = 20  # an atelier view reruns itself this often (`?rafraichir=N` overrides it)
SHOWN_WITHIN_SECONDS = REFRESH_SECONDS  # caches follow the store's change counter: the next rerun sees it
CACHE_TTL = 120
REGISTER_TTL = 600
POINT_LIMIT = 20_000  # candidates drawn on the map; above, the choropleth tells the rest


# The whole programme, for the derivations that must see every project before a scope is applied
# (aggregates, the public rule itself). Never handed to a page.
_ALL = Scope(Role.ADMIN)


_RUN = threading.local()


def _version() -> int:
    """The store's change counter (`reindus.store.version`): every store cache is keyed on it, so a change
    committed through any process is read by this one on its next rerun.

    Read once per script run (a page asks a dozen loaders): the run is told by the object Streamlit
    renews at each run's start, its cursors (a full run and a fragment's alike); outside a run, each
    call reads the store."""
    ctx = get_script_run_ctx()
    run = getattr(ctx, "cursors", None)
    if run is not None and getattr(_RUN, "run", None) is run:
        return _RUN.version
    version = store_version.current(engine(_url()))
    if run is not None:
        _RUN.run, _RUN.version = run, version
    return version


def _url() -> str:
    return config.database_url()


def _key(value: object) -> str:
    # Streamlit hashes a dataclass argument through `dataclasses.asdict` (a deep copy) on every call of a
    # cached function, and every page calls a dozen with the viewer's Scope: these frozen keys hash by
    # their repr instead (every field, so two different keys never share an entry).
    return repr(value)


# by fully qualified name, as Streamlit keys them (IndustryMap is defined further down)
_KEYS: dict[Any, Callable[[Any], Any]] = {
    f"{key.__module__}.{key.__qualname__}": _key
    for key in (Scope, Filters, CandidateSearch, sourcing.SearchTerms, industry.Territory)
} | {f"{__name__}.IndustryMap": _key}


def _view(value: Any) -> Any:
    """What a reader of a shared cached value gets: the value, its frames copied shallow.

    pandas copies on write: a reader that changes its frame (a column added, a cell set) changes its copy
    only, as with `st.cache_data`'s copy, but a shallow copy costs microseconds where unpickling one cost
    milliseconds on every run of every session (the whole programme on every page)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if type(value) is tuple:
        return tuple(_view(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        frames = {
            f.name: getattr(value, f.name).copy(deep=False)
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), pd.DataFrame | pd.Series)
        }
        return dataclasses.replace(value, **frames) if frames else value
    return value


def _resource(**options: Any) -> Callable[[Callable], Callable]:
    """`st.cache_resource(**options)`, its function's signature worked out once.

    On every call of a cached function Streamlit asks for the function's signature once per argument
    (`inspect.signature`, to name it): with the signature set on the function, a cached read costs
    half as much, and a page makes a dozen or more of them per run."""

    def decorate(load: Callable) -> Callable:
        load.__signature__ = inspect.signature(load)  # type: ignore[attr-defined]
        return st.cache_resource(**options)(load)

    return decorate


def _shared(**options: Any) -> Callable[[Callable], Callable]:
    """A cache like `st.cache_data(**options)` without its copy per read: one value shared by every
    session (`_resource`), each read a `_view` of it. For values of frames, tuples, dataclasses of
    frames and immutable scalars: anything else inside a value would be shared as is."""

    def decorate(load: Callable) -> Callable:
        cached = _resource(**options)(load)

        @functools.wraps(load)
        def read(*args: Any, **kwargs: Any) -> Any:
            return _view(cached(*args, **kwargs))

        read.clear = cached.clear  # type: ignore[attr-defined]
        return read

    return decorate


_STORE_CACHES: list[Any] = []


def _store(cached: Callable) -> Callable:
    """Register a cache that a write to the store makes stale (cleared by `invalidate`)."""
    _STORE_CACHES.append(cached)
    return cached


def invalidate() -> None:
    """Forget everything read from the store (after an edit, a shortlist change or an import)."""
    _RUN.run = None  # the rest of this run reads the counter the write just raised
    for cached in _STORE_CACHES:
        cached.clear()


# --- the store --------------------------------------------------------------------------------------


@_resource(show_spinner="Préparation de la base de données…", hash_funcs=_KEYS)
def engine(url: str | None = None) -> Engine:
    """The store's engine, with the schema migrated and the demo loaded on a first start."""
    from reindus import demo
    from reindus.store.db import init_schema, make_engine

    eng = make_engine(url or _url())
    init_schema(eng)
    demo.install(engine=eng, if_empty=True)
    return eng


def store_engine() -> Engine:
    """The engine of the configured store (for writes)."""
    return engine(_url())


@_store
@_shared(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _programme(url: str, scope: Scope, version: int) -> ProgrammeData:
    if scope == _ALL:
        return load_programme(engine(url))
    # one read of the store per version; every other scope derives from it (the présidence: as is)
    return public_rule.scoped_programme(_programme(url, _ALL, version), scope)


def programme(scope: Scope) -> ProgrammeData:
    """Projects, milestones, links, shortlists and funding applications as `scope` may see them, through
    `reindus.programme.public.scoped_programme` (in public: names of projects not flagged public masked,
    no coach, SIREN or amounts, no shortlist entry but each link's coverage; for a coach, so for other
    regions' projects)."""
    return _programme(_url(), scope, _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _regions(url: str, version: int) -> ProgrammeRegions:
    return load_regions(engine(url))


def programme_regions() -> ProgrammeRegions:
    """The regions of the programme, as the store lists them: the one read of them in the UI. Cached views
    derive them from the same store version, so a region added shows with the next rerun."""
    return _regions(_url(), _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _facts(url: str, scope: Scope, version: int) -> pd.DataFrame:
    """Per-project facts computed from the whole programme, then as `scope` may see them."""
    data = _programme(url, _ALL, version)
    facts = metrics.project_facts(data) if scope == _ALL else _facts(url, _ALL, version)
    return public_rule.scoped_facts(facts, data.projects, scope)


@_store
@_shared(ttl=CACHE_TTL, max_entries=16, show_spinner=False, hash_funcs=_KEYS)
def _progress(url: str, today: date, scope: Scope, version: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = _programme(url, scope, version)
    return (
        metrics.project_progress(data.projects, data.milestones, today),
        metrics.stage_progress(data.milestones, today),
    )


def project_progress(today: date, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(`metrics.project_progress`, `metrics.stage_progress`) of the whole programme on `today`."""
    return _progress(_url(), today, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _dashboard(url: str, filters: Filters, scope: Scope, version: int) -> views.Dashboard:
    return views.dashboard(
        _facts(url, _ALL, version), _facts(url, scope, version), filters, _regions(url, version), scope
    )


def dashboard(filters: Filters, scope: Scope) -> views.Dashboard:
    """KPIs of the selection (shared, read-only); see `reindus.programme.views.dashboard`."""
    return _dashboard(_url(), filters, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _filter_options(url: str, scope: Scope, version: int) -> dict[str, list]:
    if scope.public:  # the other choices (editions, regions, NAF, statuses) are public
        return {**filter_choices(_programme(url, _ALL, version), _regions(url, version)), "coaches": []}
    return filter_choices(_programme(url, scope, version), _regions(url, version))


def filter_options(scope: Scope) -> dict[str, list]:
    """The filter bar's choices (shared, read-only): the coaches `scope` may see (none in public)."""
    return _filter_options(_url(), scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _dashboard_figures(url: str, filters: Filters, scope: Scope, version: int) -> dict:
    board = _dashboard(url, filters, scope, version)
    regions = _regions(url, version)
    return {
        "origin": kpi_figures.supplier_origin(board.by_region, regions),
        "regions": kpi_figures.region_panels(board.by_region, regions),
    }


def dashboard_figures(filters: Filters, scope: Scope) -> dict:
    """Figures of the dashboard for this selection, built once per selection (shared, read-only)."""
    return _dashboard_figures(_url(), filters, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=256, show_spinner=False, hash_funcs=_KEYS)
def _editions_figure(url: str, filters: Filters, column: str, scope: Scope, version: int) -> go.Figure:
    return kpi_figures.editions(
        _dashboard(url, filters, scope, version).by_edition_region, column, _regions(url, version)
    )


def editions_figure(filters: Filters, column: str, scope: Scope) -> go.Figure:
    return _editions_figure(_url(), filters, column, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _progress_view(url: str, filters: Filters, today: date, scope: Scope, version: int) -> views.Progress:
    projects, stages = _progress(url, today, scope, version)
    return views.progress(
        _programme(url, scope, version), projects, stages, filters, scope.public, _regions(url, version)
    )


def progress(filters: Filters, today: date, scope: Scope) -> views.Progress:
    """The selection's progress (shared, read-only); see `reindus.programme.views.progress`."""
    return _progress_view(_url(), filters, today, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _progress_figures(url: str, filters: Filters, today: date, scope: Scope, version: int) -> dict:
    prog = _progress_view(url, filters, today, scope, version)
    if prog.projects.empty:
        return {}
    edition = views.gantt_edition(filters, prog.projects)
    chosen = prog.projects[prog.projects["edition"] == edition]
    regions = _regions(url, version)
    return {
        "edition": edition,
        "positions": progress_charts.stage_positions(
            metrics.stage_positions(prog.projects, prog.regions), regions
        ),
        "pace": progress_charts.pace(metrics.region_pace(prog.projects, prog.regions), regions),
        "status": progress_charts.status_by_region(
            metrics.status_counts(prog.projects, prog.regions), regions
        ),
        "gantt": progress_charts.gantt(
            prog.stages[prog.stages["project_id"].isin(chosen["project_id"])],
            chosen,
            today,
            prog.regions,
            regions,
        ),
    }


def progress_figures(filters: Filters, today: date, scope: Scope) -> dict:
    """Figures of the progress page for this selection and day (shared, read-only)."""
    return _progress_figures(_url(), filters, today, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _outcomes(
    url: str, filters: Filters, scope: Scope, version: int
) -> tuple[kpi_definitions.OutcomeView, go.Figure]:
    facts = _facts(url, _ALL, version)  # aggregates of all; those beyond the scope suppressed
    filters = views.public_filters(filters, scope.public)
    regions = _regions(url, version)
    present = set(facts.loc[project_mask(facts, filters), "region"].dropna())
    view = kpi_definitions.outcome_view(
        facts, filters, regions.order_names(present), open_regions=views.open_region_names(scope)
    )
    return view, outcome_panels(view.by_region, regions)


def outcomes(filters: Filters, scope: Scope) -> tuple[kpi_definitions.OutcomeView, go.Figure]:
    """« Prévu, décidé, constaté » of the selection and its panels (shared, read-only); in public computed
    from the whole programme, only suppressed aggregates leave the server."""
    return _outcomes(_url(), filters, scope, _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _inventory(url: str, register_path: str, scope: Scope, version: int) -> inventory.Inventory:
    return inventory.store_inventory(engine(url), Path(register_path))


def current_inventory(scope: Scope) -> inventory.Inventory:
    """What is loaded, from where, and since when (« Données »)."""
    return _inventory(_url(), register_path(), scope, _version())


# --- industrial statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class IndustryData:
    stats: pd.DataFrame  # establishments and jobs per département × NAF division × year × series
    events: pd.DataFrame  # openings and closures of industrial sites per region × half-year


@_store
@_shared(ttl=CACHE_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _industry(url: str, scope: Scope, version: int) -> IndustryData:
    eng = engine(url)
    return IndustryData(load_industry(eng), load_site_events(eng))


@_store
@_resource(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _available_series(url: str, scope: Scope, version: int) -> pd.DataFrame:
    return industry.available_series(_industry(url, scope, version).stats)


def available_series(scope: Scope) -> pd.DataFrame:
    """`industry.available_series` of the statistics in the store (shared, read-only): the page asks for
    it every run, the statistics change with an import."""
    return _available_series(_url(), scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _site_events(url: str, scope: Scope, version: int) -> pd.DataFrame:
    return _industry(url, scope, version).events


def site_events(scope: Scope) -> pd.DataFrame:
    """Openings and closures of industrial sites per region × half-year (without the statistics; shared,
    read-only)."""
    return _site_events(_url(), scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _project_choices(url: str, scope: Scope, version: int) -> dict[int, str]:
    return industry_views.project_choices(_programme(url, scope, version).projects, scope.public)


def project_choices(scope: Scope) -> dict[int, str]:
    """Projects to pick, newest edition first (`industry.views.project_choices`; shared, read-only)."""
    return _project_choices(_url(), scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=16, show_spinner=False, hash_funcs=_KEYS)
def _site_events_figure(url: str, measure: str, source: str, scope: Scope, version: int) -> go.Figure:
    rows, source_text = industry_views.events_of(_industry(url, scope, version).events, measure, source)
    return industry_figures.site_events_figure(rows, source_text, _regions(url, version))


def site_events_figure(measure: str, source: str, scope: Scope) -> go.Figure:
    """The chart of one measure and source of the site events (shared, read-only)."""
    return _site_events_figure(_url(), measure, source, scope, _version())


@_resource(show_spinner=False, hash_funcs=_KEYS)
def population() -> pd.Series:
    """Population per département (reference data, shared read-only)."""
    return industry.population_by_departement(geo.communes())


@_store
@_resource(ttl=CACHE_TTL, max_entries=16, show_spinner=False, hash_funcs=_KEYS)
def _indicators(
    url: str, year: int, source: str, definition: str, scope: Scope, version: int
) -> pd.DataFrame:
    stats = industry.select_series(_industry(url, scope, version).stats, year, source, definition)
    return industry.departement_indicators(stats, population())


def indicators(year: int, source: str, definition: str, scope: Scope) -> pd.DataFrame:
    """`industry.departement_indicators` of one series (year, source, definition; shared, read-only: the
    page derives its tables from it once, `reindus.ui.derived`)."""
    return _indicators(_url(), int(year), source, definition, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=16, show_spinner=False, hash_funcs=_KEYS)
def _programme_figures(
    url: str, year: int, source: str, definition: str, indicator: str, scope: Scope, version: int
) -> tuple[go.Figure, ...]:
    stats = _industry(url, scope, version).stats
    regions = _regions(url, version)
    source_text = industry.source_line(source, year)
    reg = industry.region_indicators(_indicators(url, year, source, definition, scope, version))
    history = industry.series_history(stats, source, definition)
    first, last = int(history["year"].min()), int(history["year"].max())
    shares = industry.division_shares(
        industry.select_series(stats, year, source, definition), by="region", within=regions.codes
    )
    return (
        industry_figures.region_totals_figure(reg, indicator, source_text, regions),
        industry_figures.evolution_figure(
            industry.region_evolution(history, population(), regions.codes),
            indicator,
            industry.source_line(source, f"{first}–{last}" if first != last else first),
            regions,
        ),
        industry_figures.division_structure_figure(shares, source_text, regions),
    )


def programme_figures(
    year: int, source: str, definition: str, indicator: str, scope: Scope
) -> tuple[go.Figure, ...]:
    """« Les régions du programme »: totals, evolution over every year of the series, structure by
    division. Built once per view and refresh (shared read-only: `st.plotly_chart` only reads a figure)."""
    return _programme_figures(_url(), int(year), source, definition, indicator, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _comparison(
    url: str,
    year: int,
    source: str,
    definition: str,
    territory: industry.Territory,
    reference: industry.Territory,
    scope: Scope,
    version: int,
) -> pd.DataFrame:
    dep = _indicators(url, year, source, definition, scope, version)
    return industry_views.comparison_table(industry.compare(dep, territory, reference))


def comparison(
    year: int,
    source: str,
    definition: str,
    territory: industry.Territory,
    reference: industry.Territory,
    scope: Scope,
) -> pd.DataFrame:
    """A territory against a reference on one series, as displayed (`industry.views.comparison_table`;
    shared, read-only)."""
    return _comparison(_url(), int(year), source, definition, territory, reference, scope, _version())


def _rendered(fmap: folium.Map) -> folium.Map:
    """A cached map rendered once; the pages draw it with `reindus.ui.maps.show`, which prepares the
    component's arguments once too."""
    fmap.get_root().render()
    return fmap


@dataclass(frozen=True)
class IndustryMap:
    """One view of the « Industrie régionale » map."""

    year: int
    source: str
    definition: str
    indicator: str
    method: str = "quantiles"
    k: int = 5
    territory: str = "programme"  # or "france"
    with_projects: bool = True


@_store
@_resource(ttl=CACHE_TTL, max_entries=16, show_spinner="Préparation de la carte…", hash_funcs=_KEYS)
def _industry_map(url: str, view: IndustryMap, scope: Scope, version: int) -> folium.Map:
    dep = _indicators(url, view.year, view.source, view.definition, scope, version)
    regions = _regions(url, version)
    by_code = dep.set_index("code")
    shown = [
        c
        for c in dep["code"]
        if len(c) == 2 and (view.territory == "france" or by_code.at[c, "region_code"] in regions)
    ]
    bounds = industry.class_breaks(by_code.loc[shown, view.indicator], view.method, view.k)
    points = None
    if view.with_projects:
        data = _programme(url, scope, version)
        points = industry.project_points(
            data.projects,
            data.milestones,
            geo.commune_point,
            None if view.territory == "france" else regions.codes,
        )
    return _rendered(
        choropleth.choropleth_map(
            dep,
            view.indicator,
            bounds,
            source_line=industry.source_line(view.source, view.year),
            regions=regions,
            departements=shown,
            projects=points,
        )
    )


def industry_map(view: IndustryMap, scope: Scope) -> folium.Map:
    """The folium map of one view (shared, read-only)."""
    return _industry_map(_url(), view, scope, _version())


# --- the register -----------------------------------------------------------------------------------


def register_path() -> str:
    return str(config.register_path())


@_resource(show_spinner=False, max_entries=2, hash_funcs=_KEYS)
def register_connection(path: str) -> register.Register:
    """The register, read-only, shared by all sessions (one DuckDB connection, a cursor per query)."""
    return register.open_register(path, read_only=True)


@_shared(ttl=REGISTER_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _register_source(path: str, scope: Scope) -> tuple[str, int]:
    info = register.summary(register_connection(path))
    sources = ", ".join(str(s) for s in info["by_source"]["source"].dropna()) or "inconnue"
    return sources, datetime.fromtimestamp(Path(path).stat().st_mtime).year


def register_source(scope: Scope) -> tuple[str, int]:
    """(sources, year of the register's last load) for captions: (« démo », 2026)."""
    return _register_source(register_path(), scope)


@_shared(ttl=REGISTER_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _register_fictitious(path: str, scope: Scope) -> bool:
    return any_fictitious(register.summary(register_connection(path))["by_source"]["source"])


def register_fictitious(scope: Scope) -> bool:
    """Whether the register holds demo or synthetic establishments (the page then shows the banner)."""
    return _register_fictitious(register_path(), scope)


@_shared(ttl=REGISTER_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _register_naf2025(path: str, scope: Scope) -> int:
    return int(register.summary(register_connection(path))["naf25_coded"])


def register_naf2025(scope: Scope) -> int:
    """How many establishments of the register carry a NAF 2025 code (0 before the SIRENE files of
    December 2025): a link in NAF 2025 finds candidates among those only."""
    return _register_naf2025(register_path(), scope)


@_shared(ttl=REGISTER_TTL, max_entries=32, show_spinner="Recherche des candidats…", hash_funcs=_KEYS)
def _ranked_candidates(path: str, search: CandidateSearch, scope: Scope) -> pd.DataFrame:
    found = register.candidates(
        register_connection(path),
        naf_codes=search.terms.codes,
        naf_prefixes=search.terms.prefixes,
        departements=search.departements,
        regional_departements=search.regional,
        min_band=search.min_band,
        point=search.site,
        limit=POINT_LIMIT,
        employer_only=search.employer_only,
        company_categories=search.categories,
        show_personal_names=scope.sees_personal_names,
    )
    return sourcing.rank(found)


def ranked_candidates(search: CandidateSearch, scope: Scope) -> pd.DataFrame:
    """Candidates ranked by `sourcing.rank` (the POINT_LIMIT nearest, regional first)."""
    return _ranked_candidates(register_path(), search, scope)


@dataclass(frozen=True)
class SourcingChoices:
    """What « Fournisseurs » offers to choose, labelled once per scope and store version."""

    projects: pd.DataFrame  # the projects that may be chosen: in public, those flagged public only
    project_labels: dict[int, str]  # project id → « name — region »
    link_labels: dict[int, dict[int, str]]  # project id → its links upstream first, id → « 1. label (codes) »
    link_codes: dict[int, str]  # link id → its NAF codes


@_store
@_shared(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _sourcing_choices(url: str, scope: Scope, version: int) -> SourcingChoices:
    data = _programme(url, scope, version)
    projects = public_rule.public_projects(data.projects) if scope.public else data.projects
    links = data.links
    link_labels: dict[int, dict[int, str]] = {}
    for i, project_id, position, label, codes, naf_version in zip(
        links["id"], links["project_id"], links["position"], links["label"], links["naf_codes"],
        links["naf_version"], strict=True,
    ):  # fmt: skip
        link_labels.setdefault(project_id, {})[i] = (
            f"{position}. {label} ({naf_reference.codes_text(codes, naf_version)})"
        )
    return SourcingChoices(
        projects,
        {
            i: f"{name} — {region}"
            for i, name, region in zip(projects["id"], projects["name"], projects["region"], strict=True)
        },
        link_labels,
        dict(zip(links["id"], links["naf_codes"], strict=True)),
    )


def sourcing_choices(scope: Scope) -> SourcingChoices:
    """The projects « Fournisseurs » offers `scope` (in public: those flagged public) and their links,
    labelled: the page reruns at each selection, and the labels stay the same until the store changes."""
    return _sourcing_choices(_url(), scope, _version())


@dataclass(frozen=True)
class CandidateList:
    """The candidates listed on « Fournisseurs » for one search, one département (or all) and one scope."""

    rows: pd.DataFrame  # the ranked candidates listed: the first `limit` of the département's
    shown: Any  # `rows` as displayed (`sourcing.display_table`), in the Arrow form `st.dataframe` sends
    export: pd.DataFrame  # `rows` as exported (`sourcing.export_table`)


@_shared(ttl=REGISTER_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _candidate_list(
    path: str, search: CandidateSearch, dep: str | None, limit: int, scope: Scope
) -> CandidateList:
    ranked = _ranked_candidates(path, search, scope)
    rows = (ranked[ranked["departement"] == dep] if dep else ranked).head(limit)
    table = sourcing.display_table(rows, commune_names())
    return CandidateList(rows, tables.to_arrow(table), sourcing.export_table(table))


def candidate_list(search: CandidateSearch, dep: str | None, limit: int, scope: Scope) -> CandidateList:
    """The candidates of `ranked_candidates(search, scope)` in département `dep` (None: all), the first
    `limit`, with their table as shown and as exported: labelled and converted once per search,
    département and scope, not at every rerun (a row selected, a shortlist edit)."""
    return _candidate_list(register_path(), search, dep, limit, scope)


@_shared(ttl=REGISTER_TTL, max_entries=256, show_spinner=False, hash_funcs=_KEYS)
def _departement_counts(
    path: str,
    terms: sourcing.SearchTerms,
    min_band: str,
    scope: Scope,
    employer_only: bool = False,
    categories: tuple[str, ...] = (),
) -> pd.DataFrame:
    if terms.empty or not Path(path).exists():
        return pd.DataFrame({"departement": pd.Series(dtype=object), "establishments": pd.Series(dtype=int)})
    return register.counts_by_departement(
        register_connection(path),
        naf_codes=terms.codes,
        naf_prefixes=terms.prefixes,
        min_band=min_band,
        employer_only=employer_only,
        company_categories=categories,
    )


def departement_counts(
    terms: sourcing.SearchTerms,
    scope: Scope,
    min_band: str = "NN",
    employer_only: bool = False,
    categories: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Matching establishments per département (`departement`, `establishments`)."""
    return _departement_counts(register_path(), terms, min_band, scope, employer_only, tuple(categories))


@_resource(ttl=REGISTER_TTL, max_entries=16, show_spinner="Préparation de la carte…", hash_funcs=_KEYS)
def _candidate_map(
    path: str, search: CandidateSearch, site_label: str, scheme: str, scope: Scope
) -> folium.Map:
    ranked = _ranked_candidates(path, search, scope)
    source, year = _register_source(path, scope)
    return _rendered(
        supplier_map(
            _departement_counts(
                path, search.terms, search.min_band, scope, search.employer_only, search.categories
            ),
            ranked.iloc[0:0] if scope.public else ranked,  # a point is a named establishment
            regions=_regions(_url(), _version()),
            site=search.site,
            site_label=site_label,
            commune_names=commune_names(),
            scheme=scheme,
            source=source,
            year=year,
        )
    )


def candidate_map(search: CandidateSearch, site_label: str, scheme: str, scope: Scope) -> folium.Map:
    """The supplier map for one search, built once: selecting rows, editing the shortlist or any other
    rerun reuses it, and streamlit-folium keeps the browser's map (same script, no remount). In public,
    counts per département only. Shared read-only by sessions."""
    return _candidate_map(register_path(), search, site_label, scheme, scope)


@_shared(ttl=REGISTER_TTL, max_entries=32, show_spinner=False, hash_funcs=_KEYS)
def _naf_correspondence(path: str, codes: tuple[str, ...]) -> pd.DataFrame:
    return sourcing.correspondence_table(register.naf_correspondence(register_connection(path), codes))


def naf_correspondence(codes: tuple[str, ...]) -> pd.DataFrame:
    """NAF rév. 2 → NAF 2025 as observed on the register's double-coded establishments, with labels."""
    return _naf_correspondence(register_path(), tuple(codes))


@_store
@_shared(ttl=CACHE_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _closed_shortlisted(url: str, path: str, scope: Scope, version: int) -> pd.DataFrame:
    shortlist = _programme(url, scope, version).shortlist
    if "siret" not in shortlist:  # the public view holds no supplier
        return shortlist.iloc[0:0].assign(closed_since=None, closure=None)
    return closures.closed_entries(register_connection(path), shortlist)


def closed_shortlisted(scope: Scope) -> pd.DataFrame:
    """Shortlist entries whose establishment closed since it was shortlisted (`closures.closed_entries`)."""
    return _closed_shortlisted(_url(), register_path(), scope, _version())


def closure_labels(scope: Scope) -> dict[int, str]:
    """Shortlist entry id → « fermé depuis le … » for the suppliers closed since they were shortlisted."""
    closed = closed_shortlisted(scope)
    return dict(zip(closed["id"].astype(int), closed["closure"], strict=True))


def link_counts(links: pd.DataFrame, scope: Scope, min_band: str = "NN") -> dict[int, pd.DataFrame]:
    """Counts per département for each link's NAF codes: one cached read per distinct code set (many
    links share one, and each cache hit costs a copy of its frame)."""
    by_codes: dict[str, pd.DataFrame] = {}
    out = {}
    for link in links.itertuples(index=False):
        if link.naf_codes not in by_codes:
            by_codes[link.naf_codes] = departement_counts(
                sourcing.search_terms(link.naf_codes), scope, min_band
            )
        out[link.id] = by_codes[link.naf_codes]
    return out


@_store
@_resource(ttl=CACHE_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _links_without_regional_candidate(url: str, path: str, scope: Scope, version: int) -> pd.DataFrame:
    data = _programme(url, scope, version)
    sites = {
        int(i): site
        for i, site in ((i, project_site(p)) for i, p in data.projects.set_index("id").iterrows())
        if site is not None
    }
    return sourcing.links_without_regional_candidate(
        data.projects, data.links, link_counts(data.links, scope), sites, departement_centroids()
    )


def links_without_regional_candidate(scope: Scope) -> pd.DataFrame:
    """Links of every project with no candidate in the project's region (computed once per refresh,
    not per rerun: it walks every link of the programme; shared, read-only)."""
    return _links_without_regional_candidate(_url(), register_path(), scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _chain(
    url: str, path: str, project_id: int, title: str, source: str, scope: Scope, version: int
) -> tuple[pd.DataFrame, go.Figure]:
    programme = _programme(url, scope, version)
    project = programme.projects.set_index("id").loc[project_id]
    links = programme.links[programme.links["project_id"] == project_id]
    coverage = sourcing.coverage(
        links, programme.shortlist, link_counts(links, scope), project["region_code"]
    )
    return coverage, supply_chain_figure(coverage, title=title, source=source)


def chain(project_id: int, title: str, source: str, scope: Scope) -> tuple[pd.DataFrame, go.Figure]:
    """A project's links with their coverage (`sourcing.coverage`) and the chain's figure, built once per
    project and refresh (shared, read-only)."""
    return _chain(_url(), register_path(), int(project_id), title, source, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _link_coverage(url: str, path: str, project_id: int, scope: Scope, version: int) -> pd.DataFrame:
    programme = _programme(url, scope, version)
    region = programme.projects.set_index("id").at[project_id, "region_code"]
    links = programme.links[programme.links["project_id"] == project_id]
    return industry.link_coverage(links, link_counts(links, scope), region_departements(region))


def link_coverage(project_id: int, scope: Scope) -> pd.DataFrame:
    """Whether the project's region has establishments of each of its links' activities
    (`industry.link_coverage`; shared, read-only)."""
    return _link_coverage(_url(), register_path(), int(project_id), scope, _version())


@_store
@_resource(
    ttl=CACHE_TTL, max_entries=32, show_spinner="Recherche des capacités manquantes…", hash_funcs=_KEYS
)
def _region_gaps(
    url: str,
    path: str,
    region_code: str,
    edition: int | None,
    source: str,
    definition: str,
    scope: Scope,
    version: int,
) -> tuple[pd.DataFrame, str, go.Figure]:
    # activities and counts of projects only, no project or company named: from the whole programme, as
    # the shortlists behind them are withheld from the public and from coaches beyond their regions
    data = _programme(url, _ALL, version)
    history = industry.series_history(_industry(url, scope, version).stats, source, definition)
    present = Path(path).exists()
    reg = register_connection(path) if present else None
    table = gaps.gaps_for_region(
        data.projects, data.links, data.shortlist, region_code, history, reg, edition
    )
    years = (int(history["year"].min()), int(history["year"].max())) if len(history) else None
    sources = gaps.sources_text(*(_register_source(path, scope) if present else (None, None)), source, years)
    figure = gaps_figure(table, _regions(url, version).colour(region_code), sources)
    return gaps.labelled(table, gaps.departement_names()), sources, figure


def region_gaps(
    region_code: str, edition: int | None, source: str, definition: str, scope: Scope
) -> tuple[pd.DataFrame, str, go.Figure]:
    """The region's capability gaps (`sourcing.gaps`): the ranked table under French headings, its sources
    with their years, and its chart, for the projects of one edition (or all); the statistics of one series (shared,
    read-only)."""
    return _region_gaps(_url(), register_path(), region_code, edition, source, definition, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=8, show_spinner=False, hash_funcs=_KEYS)
def _pitch_choices(url: str, scope: Scope, version: int) -> tuple[dict[int, str], bool]:
    projects = _programme(url, scope, version).projects
    choices = pitch.pitchable(projects, scope.public)
    return dict(zip(choices["id"], choices["label"], strict=True)), views.has_demo(projects)


def pitch_choices(scope: Scope) -> tuple[dict[int, str], bool]:
    """The projects one may pitch (id → « Nom (Région, 2026) », `workshop.pitch.pitchable`) and whether
    the programme holds demo projects (shared, read-only)."""
    return _pitch_choices(_url(), scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _pitch_card(url: str, path: str, project_id: int, scope: Scope, version: int) -> pitch.PitchCard | None:
    programme = _programme(url, scope, version)
    rows = programme.projects[programme.projects["id"] == project_id]
    if rows.empty:
        return None
    links = programme.links[programme.links["project_id"] == project_id]
    counts = industry_views.regional_establishments(
        links, link_counts(links, scope), rows["region_code"].iat[0]
    )
    return pitch.pitch_card(programme, project_id, counts)


def pitch_card(project_id: int, scope: Scope) -> pitch.PitchCard | None:
    """The pitch card of one project with its links' establishments in the region (`workshop.pitch`), or
    None when the project is no longer in the store (shared, read-only)."""
    return _pitch_card(_url(), register_path(), int(project_id), scope, _version())


# --- reference lookups (never written by the app) ---------------------------------------------------


@_resource(show_spinner=False, hash_funcs=_KEYS)
def commune_names() -> dict[str, str]:
    """INSEE code → commune name (shared, read-only)."""
    frame = geo.communes()
    return dict(zip(frame["code"], frame["nom"], strict=True))


def departement_centroids() -> dict[str, tuple[float, float]]:
    """Département → (lon, lat) of a point inside it (shared, read-only)."""
    return geo.departement_centroids()


def project_site(project: pd.Series) -> tuple[float, float] | None:
    try:
        return geo.commune_point(project["commune"])
    except KeyError:
        return None


# --- the coach workspace ----------------------------------------------------------------------------


@_store
@_shared(ttl=CACHE_TTL, max_entries=256, show_spinner=False, hash_funcs=_KEYS)
def _coach_id_for(url: str, email: str, scope: Scope, version: int) -> int | None:
    with session_factory(engine(url))() as session:
        return workspace_overview.coach_id_for(session, email)


def coach_id_for(email: str, scope: Scope) -> int | None:
    """The coach whose record carries this address (a signed-in coach's own projects), if any: read once
    per store version, not at every run of « Mes projets »."""
    return _coach_id_for(_url(), email, scope, _version())


@_store
@_resource(ttl=CACHE_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _my_projects(
    url: str, coach_id: int | None, regions: frozenset[str] | None, today: date, scope: Scope, version: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    programme = _programme(url, scope, version)
    return (
        workspace_overview.coach_projects(programme, coach_id, today, regions=regions),
        workspace_overview.to_do(programme, coach_id, today, regions=regions),
    )


def my_projects(
    coach_id: int | None, regions: frozenset[str] | None, today: date, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """« Mes projets »: (projects, what waits) of a coach, or of `regions` (shared, read-only; computed
    once per store version and day, not on every rerun)."""
    return _my_projects(_url(), coach_id, regions, today, scope, _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=16, show_spinner=False, hash_funcs=_KEYS)
def _archived_projects(url: str, scope: Scope, version: int) -> pd.DataFrame:
    with session_factory(engine(url))() as session:
        return workspace_projects.archived_projects(session, scope)


def archived_projects(scope: Scope) -> pd.DataFrame:
    """The archived projects `scope` may bring back (`workspace.projects.archived_projects`)."""
    return _archived_projects(_url(), scope, _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _coaches(url: str, scope: Scope, version: int) -> pd.DataFrame:
    if scope.public:  # coach names are confidential
        return pd.DataFrame(columns=["id", "name", "region_code"])
    with session_factory(engine(url))() as session:
        rows = session.execute(select(Coach.id, Coach.name, Coach.region_code).order_by(Coach.name)).all()
    frame = pd.DataFrame(rows, columns=["id", "name", "region_code"])
    regions = scope.confidential_regions  # a coach sees the coaches of their own regions only
    return frame if regions is None else frame[frame["region_code"].isin(regions)].reset_index(drop=True)


def coaches(scope: Scope) -> pd.DataFrame:
    """The coaches `scope` may see (`id`, `name`, `region_code`), for the project form's « Conseiller »: a
    coach's own regions' only, none in public."""
    return _coaches(_url(), scope, _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=4, show_spinner=False, hash_funcs=_KEYS)
def _schemes(url: str, scope: Scope, version: int) -> pd.DataFrame:
    with session_factory(engine(url))() as session:
        rows = session.execute(
            select(
                FundingScheme.id,
                FundingScheme.name,
                FundingScheme.operator,
                FundingScheme.kind,
                FundingScheme.version,
                FundingScheme.source,
            ).order_by(FundingScheme.name)
        ).all()
    return pd.DataFrame(rows, columns=["id", "name", "operator", "kind", "version", "source"])


def funding_schemes(scope: Scope) -> pd.DataFrame:
    """The funding schemes (`id`, `name`, `operator`, `kind`, `version`, `source`)."""
    return _schemes(_url(), scope, _version())


@_store
@_shared(ttl=CACHE_TTL, max_entries=32, show_spinner=False, hash_funcs=_KEYS)
def _project_history(url: str, project_id: int, scope: Scope, version: int) -> pd.DataFrame:
    projects = _programme(url, _ALL, version).projects
    region = projects.loc[projects["id"] == project_id, "region_code"]
    # who changed what is not for a shared screen, nor for a coach of another region
    if scope.public or not scope.sees_project(region.iat[0] if len(region) else None):
        return pd.DataFrame(columns=workspace_history.COLUMNS)
    with session_factory(engine(url))() as session:
        return workspace_history.project_history(session, project_id)


def project_history(project_id: int, scope: Scope) -> pd.DataFrame:
    """A project's audit trail in French (`reindus.programme.workspace.history`); nothing in public or for
    a coach of another region."""
    return _project_history(_url(), int(project_id), scope, _version())


@_resource(show_spinner=False, hash_funcs=_KEYS)
def naf_choices(version: str = naf_reference.NAF_VERSION) -> dict[str, str]:
    """The sous-classes of one NAF (rév. 2 by default, or NAF 2025) → « 13.20Z — Tissage » (picked by
    code or by words)."""
    table = (
        naf_reference.naf_table() if version == naf_reference.NAF_VERSION else naf_reference.naf2025_table()
    )
    return {c: f"{c} — {label.strip()}" for c, label in zip(table["code"], table["label"], strict=True)}


@_shared(ttl=REGISTER_TTL, max_entries=64, show_spinner=False, hash_funcs=_KEYS)
def _companies(path: str, text: str, scope: Scope) -> pd.DataFrame:
    if scope.public:
        return pd.DataFrame(columns=COMPANY_COLUMNS)
    return find_companies(register_connection(path), text)


def companies(text: str, scope: Scope) -> pd.DataFrame:
    """Companies of the register by name or SIREN (`reindus.register.companies`)."""
    return _companies(register_path(), str(text).strip(), scope)


def link_candidate_counts(naf_codes: str, region_code: str, scope: Scope) -> tuple[int, int]:
    """(establishments in the region, in France) of a link's NAF codes: what the coach sees as they pick."""
    counts = departement_counts(sourcing.search_terms(naf_codes), scope)
    return regional_and_national(counts, region_departements(region_code))
