"""Forecasts, funding pipeline and observations region by region: one panel per definition.

A panel never holds two definitions (planned and observed jobs sit in separate panels, each with its own
axis), and a region with nothing recorded shows « non renseigné » instead of a zero bar.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reindus.figures.kpi import euro_ticks, format_value, percent_ticks, small_multiples_layout
from reindus.programme.kpi_definitions import DEFINITIONS, display
from reindus.programme.regions import ProgrammeRegions
from reindus.text.safe import html_text

PANELS: tuple[str, ...] = (
    "jobs",
    "jobs_observed_end",
    "jobs_observed_12m",
    "investment",
    "funding_requested",
    "funding_granted",
    "funding_paid",
    "investment_committed",
    "success_rate",
    "days_to_concretisation",
)
TICKS = {
    "days": {"tickformat": ",d", "ticksuffix": " j"},
    "count": {"tickformat": ",d"},
}


def short(row: pd.Series, key: str) -> str:
    """A bar's label: amounts as « 49,1 M € » (the exact one is in the hover), « — » when withheld."""
    text = display(row, key)
    if DEFINITIONS[key].kind == "euros" and pd.notna(row[key]) and not row.get(f"{key}_withheld", False):
        return format_value(row[key], "euros", short=True)
    return text


def outcome_panels(
    by_region: pd.DataFrame, regions: ProgrammeRegions, columns: tuple[str, ...] = PANELS, cols: int = 4
) -> go.Figure:
    """Small multiples over `kpi_definitions.outcome_kpis_by_region`: one panel per definition."""
    rows = math.ceil(len(columns) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[html_text(DEFINITIONS[c].label) for c in columns],
        horizontal_spacing=0.05,
        vertical_spacing=0.2,
    )
    names_raw = by_region["region"].astype(str).tolist()
    names = [html_text(r) for r in names_raw]
    colours = [regions.colour_by_name(r) for r in names_raw]
    for i, column in enumerate(columns):
        definition = DEFINITIONS[column]
        values = by_region[column].astype(float)
        row, col = i // cols + 1, i % cols + 1
        fig.add_trace(
            go.Bar(
                x=names,
                y=values.fillna(0),
                marker_color=colours,
                text=[short(row, column) for _, row in by_region.iterrows()],
                hovertext=[display(row, column) for _, row in by_region.iterrows()],
                textposition="outside",
                textangle=0,
                cliponaxis=False,
                customdata=names,
                showlegend=False,
                hovertemplate="%{x}<br>" + html_text(definition.label) + " : %{hovertext}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        top = values.max()
        if definition.kind in ("euros", "ratio"):  # ticks up to the top of the axis, French labels
            ticks = (euro_ticks if definition.kind == "euros" else percent_ticks)(top * 1.3)
        else:
            ticks = TICKS[definition.kind]
        fig.update_yaxes(
            row=row,
            col=col,
            showgrid=True,
            gridcolor="#eee",
            rangemode="tozero",
            range=[0, top * 1.3] if pd.notna(top) and top > 0 else [0, 1],
            # a panel with nothing to draw (withheld in public, nothing recorded) has no scale to read:
            # its 0–1 axis would read « 0,2 », « 0,4 »…
            showticklabels=bool(pd.notna(top) and top > 0),
            **ticks,
        )
    fig.update_xaxes(showticklabels=False)
    for name, colour in zip(names, colours, strict=True):
        fig.add_trace(go.Bar(x=[None], y=[None], name=name, marker_color=colour, showlegend=True))
    fig.update_annotations(font_size=12)
    fig.update_traces(textfont_size=11)
    return small_multiples_layout(fig, height=300 * rows + 70)
