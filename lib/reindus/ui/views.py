"""Compact public views for the carousel: what a screen in a hall shows, one view at a time.

Each view reads the public (atelier) data through the same cached loaders as the pages, with
`public=True`, so the carousel never shows more than the atelier pages do.
"""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from reindus import config
from reindus.figures.choropleth import format_value
from reindus.industry import indicators as industry
from reindus.programme.selection import Filters
from reindus.reference.sources import is_fictitious
from reindus.text import formats
from reindus.ui import kpi, mode
from reindus.ui.banner import demo_banner
from reindus.ui.cached import programme_regions
from reindus.ui.industry import indicators, industry_map, store_frames
from reindus.workshop.carousel import region_code, view_title


def dashboard_view(filters: Filters, title: str, key: str) -> None:
    board = kpi.dashboard(filters, public=True)
    st.title(title)
    demo_banner(board.has_demo)
    if board.facts.empty:
        st.info("Aucun projet.")
        return
    kpi.metric_cards(board, ["projects", "active", "jobs", "funding_granted"])
    kpi.metric_cards(board, ["share_in_region", "share_in_france", "share_abroad", "link_coverage"])
    charts = kpi.dashboard_figures(filters, public=True)
    st.plotly_chart(
        mode.readable(charts["regions"] if not filters.regions else charts["origin"]),
        width="stretch",
        key=f"{key}_chart",
    )
    st.caption(kpi.source_caption(board.has_demo, kpi.years_text(board.facts["edition"])))


def progress_view(filters: Filters, title: str, key: str) -> None:
    today = date.today()
    prog = kpi.progress(filters, today, public=True)
    st.title(title)
    demo_banner(prog.has_demo)
    if prog.projects.empty:
        st.info("Aucun projet.")
        return
    kpi.status_cards(prog.projects)
    charts = kpi.progress_figures(filters, today, public=True)
    left, right = st.columns(2)
    with left:
        st.subheader("Étape atteinte par les projets", anchor=False)
        st.plotly_chart(mode.readable(charts["positions"]), width="stretch", key=f"{key}_positions")
    with right:
        st.subheader("Statut des projets par région", anchor=False)
        st.plotly_chart(mode.readable(charts["status"]), width="stretch", key=f"{key}_status")
    st.caption(
        f"Situation au {formats.day(today)}. "
        + kpi.source_caption(prog.has_demo, kpi.years_text(prog.projects["edition"]))
    )


def industry_view(title: str, key: str) -> None:
    url = config.database_url()
    data = store_frames(url, True)
    st.title(title)
    available = industry.available_series(data["industry"])
    if available.empty:
        st.info("Aucune statistique industrielle dans la base.")
        return
    year, source, definition = industry.preferred_series(available)
    indicator = industry.INDICATOR_KEYS[0]
    source_text = industry.source_line(source, year)
    demo_banner(is_fictitious(source))
    dep = indicators(url, int(year), source, definition)
    regions = programme_regions()
    programme = industry.programme_territory(regions.codes)
    together = industry.aggregate(dep, industry.territory_departements(programme, dep))
    cells = st.columns(4)
    for cell, name in zip(cells, industry.INDICATOR_KEYS, strict=True):
        spec = industry.INDICATORS[name]
        cell.metric(
            f"{spec.label} (régions du programme)", format_value(together[name], spec.digits), border=True
        )
    fmap = industry_map(
        url, int(year), source, definition, indicator, "quantiles", 5, "programme", True, True, regions
    )
    st_folium(fmap, key=f"{key}_map", returned_objects=[], height=560, use_container_width=True)
    st.caption(f"{industry.INDICATORS[indicator].label} par département. {source_text}.")


def show(view: str, key: str) -> None:
    """Draw one carousel view (a name from `reindus.workshop.carousel.parse_views`)."""
    code = region_code(view)
    if code is not None:
        dashboard_view(Filters(regions=(code,)), view_title(view), key)
        if code in programme_regions():
            prog = kpi.progress(Filters(regions=(code,)), date.today(), public=True)
            if not prog.projects.empty:
                kpi.status_cards(prog.projects)
    elif view == "tableau-de-bord":
        dashboard_view(Filters(), view_title(view), key)
    elif view == "avancement":
        progress_view(Filters(), view_title(view), key)
    elif view == "industrie":
        industry_view(view_title(view), key)
