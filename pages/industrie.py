"""« Industrie régionale »: the industrial fabric of the départements and of the programme's regions."""

import streamlit as st

from reindus.industry import views
from reindus.text.safe import md_text
from reindus.ui import data, mode
from reindus.ui import industry as sections
from reindus.ui.banner import demo_banner

scope = mode.scope()  # atelier mode: projects through reindus.programme.public, refreshed on its own


def body() -> None:
    events = data.site_events(scope)
    programme = data.programme(scope)
    st.title("Industrie régionale")
    available = data.available_series(scope)
    if available.empty:
        st.info(sections.NO_STATISTICS)
        return
    view = sections.controls(available)
    series = view.series
    demo_banner(views.has_demo(series, programme.projects, events))
    st.caption(
        f"**Définition de l'industrie** : {md_text(series.definition)}. {md_text(series.source_text)}."
    )

    dep = data.indicators(series.year, series.source, series.definition, scope)
    sections.programme_kpis(dep, series)
    sections.map_section(view, scope)
    sections.comparison(dep, view, scope)
    sections.programme_regions(view, scope)
    sections.site_events(events, scope)
    sections.project_chain(programme.projects, programme.links, scope)
    sections.capability_gaps(view, programme.projects, scope)


mode.live(body)
