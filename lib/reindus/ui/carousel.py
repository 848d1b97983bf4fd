"""Compact public views for the carousel: what a screen in a hall shows, one view at a time.

Each view reads the public data through the same cached loaders as the pages, with the anonymous `Scope`, so
the carousel never shows more than the atelier pages do. Views are named by their page's address in
the registry (`navigation.CAROUSEL_VIEWS`), or « region-28 » for a region.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from reindus.auth import ANONYMOUS_SCOPE
from reindus.industry import indicators as industry
from reindus.industry import views as industry_views
from reindus.programme.selection import Filters
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import captions, cards, data, maps, mode
from reindus.ui.banner import demo_banner
from reindus.ui.industry import programme_kpis
from reindus.ui.navigation import CAROUSEL_VIEWS
from reindus.workshop import carousel

SCOPE = ANONYMOUS_SCOPE


def dashboard_view(filters: Filters, title: str, key: str) -> None:
    board = data.dashboard(filters, SCOPE)
    st.title(md_text(title))
    demo_banner(board.has_demo)
    if board.facts.empty:
        st.info("Aucun projet.")
        return
    cards.metric_cards(board, ["projects", "active", "jobs", "funding_granted"])
    cards.metric_cards(board, ["share_in_region", "share_in_france", "share_abroad", "link_coverage"])
    charts = data.dashboard_figures(filters, SCOPE)
    st.plotly_chart(
        mode.readable(charts["regions"] if not filters.regions else charts["origin"]),
        width="stretch",
        key=f"{key}_chart",
    )
    st.caption(captions.source_caption(board.has_demo, captions.years_text(board.facts["edition"])))


def progress_view(filters: Filters, title: str, key: str) -> None:
    today = date.today()
    prog = data.progress(filters, today, SCOPE)
    st.title(md_text(title))
    demo_banner(prog.has_demo)
    if prog.projects.empty:
        st.info("Aucun projet.")
        return
    cards.status_cards(prog.projects)
    charts = data.progress_figures(filters, today, SCOPE)
    left, right = st.columns(2)
    with left:
        st.subheader("Étape atteinte par les projets", anchor=False)
        st.plotly_chart(mode.readable(charts["positions"]), width="stretch", key=f"{key}_positions")
    with right:
        st.subheader("Statut des projets par région", anchor=False)
        st.plotly_chart(mode.readable(charts["status"]), width="stretch", key=f"{key}_status")
    st.caption(
        f"Situation au {formats.day(today)}. "
        + captions.source_caption(prog.has_demo, captions.years_text(prog.projects["edition"]))
    )


def industry_view(title: str, key: str) -> None:
    st.title(md_text(title))
    available = data.available_series(SCOPE)
    if available.empty:
        st.info("Aucune statistique industrielle dans la base.")
        return
    series = industry_views.preferred(available)
    indicator = industry.INDICATOR_KEYS[0]
    demo_banner(series.is_demo)
    programme_kpis(data.indicators(series.year, series.source, series.definition, SCOPE), series, border=True)
    view = data.IndustryMap(series.year, series.source, series.definition, indicator)
    maps.show(data.industry_map(view, SCOPE), f"{key}_map", 560, returned_objects=[])
    st.caption(f"{industry.INDICATORS[indicator].label} par département. {md_text(series.source_text)}.")


def title(view: str) -> str:
    return carousel.view_title(view, CAROUSEL_VIEWS)


def show(view: str, key: str) -> None:
    """Draw one carousel view (a name from `carousel.parse_views`)."""
    code = carousel.region_code(view)
    if code is not None:
        dashboard_view(Filters(regions=(code,)), title(view), key)
        if code in data.programme_regions():
            prog = data.progress(Filters(regions=(code,)), date.today(), SCOPE)
            if not prog.projects.empty:
                cards.status_cards(prog.projects)
    elif view == "tableau-de-bord":
        dashboard_view(Filters(), title(view), key)
    elif view == "avancement":
        progress_view(Filters(), title(view), key)
    elif view == "industrie":
        industry_view(title(view), key)
