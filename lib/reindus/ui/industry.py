"""Cached reads of « Industrie régionale » (simple keys; bounded). `public` is part of every key that
touches projects: in atelier mode the projects come through `reindus.programme.public` (masked names, no coach,
no amounts), and a public view is never served from a confidential entry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from reindus import register
from reindus.figures import choropleth
from reindus.figures import industry as figures_industry
from reindus.industry import indicators as industry
from reindus.programme import data as frames
from reindus.programme import public as public_rule
from reindus.programme.regions import ProgrammeRegions
from reindus.reference import geo
from reindus.sourcing.candidates import search_terms
from reindus.ui.resources import engine

TTL = 10  # ≤ the atelier refresh interval: a change in the store shows within 30 s


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def store_frames(url: str, public: bool) -> dict[str, pd.DataFrame]:
    eng = engine(url)
    projects = frames.load_projects(eng)
    return {
        "industry": frames.load_industry(eng),
        "events": frames.load_site_events(eng),
        "projects": public_rule.mask_projects(projects) if public else projects,
        "milestones": frames.load_milestones(eng),
        "links": frames.load_links(eng),
    }


@st.cache_data(ttl=3600, max_entries=1, show_spinner=False)
def population() -> pd.Series:
    return industry.population_by_departement(geo.communes())


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def indicators(url: str, year: int, source: str, definition: str) -> pd.DataFrame:
    stats = industry.select_series(store_frames(url, True)["industry"], year, source, definition)
    return industry.departement_indicators(stats, population())


@st.cache_resource(ttl=TTL, max_entries=16, show_spinner=False)
def programme_figures(
    url: str, year: int, source: str, definition: str, indicator: str, regions: ProgrammeRegions
) -> tuple[go.Figure, ...]:
    """« Les régions du programme »: totals, evolution over every year of the series, structure by
    division. Built once per view and refresh (one département aggregation per year of the series);
    shared read-only, as `st.plotly_chart` only reads a figure."""
    stats = store_frames(url, True)["industry"]
    source_text = industry.source_line(source, year)
    reg = industry.region_indicators(indicators(url, year, source, definition))
    history = industry.series_history(stats, source, definition)
    first, last = int(history["year"].min()), int(history["year"].max())
    shares = industry.division_shares(
        industry.select_series(stats, year, source, definition), by="region", within=regions.codes
    )
    return (
        figures_industry.region_totals_figure(reg, indicator, source_text, regions),
        figures_industry.evolution_figure(
            industry.region_evolution(history, population(), regions.codes),
            indicator,
            industry.source_line(source, f"{first}–{last}" if first != last else first),
            regions,
        ),
        figures_industry.division_structure_figure(shares, source_text, regions),
    )


@st.cache_resource(ttl=TTL, max_entries=16, show_spinner="Préparation de la carte…")
def industry_map(
    url: str,
    year: int,
    source: str,
    definition: str,
    indicator: str,
    method: str,
    k: int,
    scope: str,
    with_projects: bool,
    public: bool,
    regions: ProgrammeRegions,
):
    """Shared, read-only: the folium map of one view; `scope` "programme" draws the programme's regions,
    "france" every metropolitan département."""
    dep = indicators(url, year, source, definition)
    shown = [
        c
        for c in dep["code"]
        if len(c) == 2 and (scope == "france" or dep.set_index("code").at[c, "region_code"] in regions)
    ]
    bounds = industry.class_breaks(dep.set_index("code").loc[shown, indicator], method, k)
    points = None
    if with_projects:
        data = store_frames(url, public)
        points = industry.project_points(
            data["projects"],
            data["milestones"],
            geo.commune_point,
            None if scope == "france" else regions.codes,
        )
    return choropleth.choropleth_map(
        dep,
        indicator,
        bounds,
        source_line=industry.source_line(source, year),
        regions=regions,
        departements=shown,
        projects=points,
    )


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def register_counts(register_path: str, naf_codes: str) -> pd.DataFrame:
    terms = search_terms(naf_codes)
    if not Path(register_path).exists() or terms.empty:
        return pd.DataFrame(columns=["departement", "establishments"])
    with register.open_register(register_path, read_only=True) as reg:
        return register.counts_by_departement(reg, naf_codes=terms.codes, naf_prefixes=terms.prefixes)
