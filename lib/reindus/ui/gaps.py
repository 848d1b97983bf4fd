"""« Capacités manquantes de la région » on « Industrie régionale »: cached per region, edition and series.

The table carries no company name (counts, NAF activities and départements only), so the same frame is
shown in atelier mode; exports are offered outside atelier mode only, as everywhere else."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from reindus.figures.gaps import gaps_figure
from reindus.industry import indicators as industry
from reindus.programme import data as frames
from reindus.reference.territory import regions
from reindus.sourcing import gaps
from reindus.ui.resources import engine

TTL = 10


@st.cache_data(ttl=TTL, max_entries=32, show_spinner="Recherche des capacités manquantes…")
def region_gaps(
    url: str, register_path: str, region_code: str, edition: int | None, source: str, definition: str
) -> pd.DataFrame:
    eng = engine(url)
    history = industry.series_history(frames.load_industry(eng), source, definition)
    return gaps.gaps_for_region(
        frames.load_projects(eng),
        frames.load_links(eng),
        frames.load_shortlist(eng),
        region_code,
        history,
        register_path,
        edition,
    )


@st.cache_resource(ttl=TTL, max_entries=32, show_spinner=False)
def _figure(
    url: str, register_path: str, region_code: str, edition: int | None, source: str, definition: str
) -> go.Figure:
    table = region_gaps(url, register_path, region_code, edition, source, definition)
    source_text = f"Sources : base de l'accélérateur, registre des établissements, {source} (URSSAF)"
    return gaps_figure(table, regions().get(region_code, region_code), source_text)


def section(
    url: str, register_path: str, region_code: str, edition: int | None, source: str, definition: str
):
    """The ranked table under French headings, and its figure (shared, read-only)."""
    table = region_gaps(url, register_path, region_code, edition, source, definition)
    shown = gaps.labelled(table, gaps.departement_names())
    return shown, _figure(url, register_path, region_code, edition, source, definition)
