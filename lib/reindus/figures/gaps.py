"""The region's capability gaps as a chart: one bar per activity, one definition (projects lacking a
qualified regional supplier)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reindus.figures.kpi import base_layout
from reindus.text import formats
from reindus.text.safe import html_text

TOP = 12


def gaps_figure(gaps: pd.DataFrame, colour: str, source_text: str, top: int = TOP) -> go.Figure:
    """Horizontal bars in the region's colour, the most lacking activity on top (`gaps` from
    sourcing.gaps.capability_gaps)."""
    rows = gaps.head(top).iloc[::-1]
    labels = [
        html_text(f"{a} – {label[:60]}") for a, label in zip(rows["activity"], rows["label"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=rows["projects_lacking"],
            y=labels,
            orientation="h",
            marker_color=colour,
            text=[
                f"{formats.number(lack)} sur {formats.number(need)}"
                for lack, need in zip(rows["projects_lacking"], rows["projects_needing"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{text} projets sans fournisseur régional qualifié<extra></extra>",
        )
    )
    fig.update_xaxes(
        title="Projets sans fournisseur régional qualifié (sur ceux qui ont besoin de l'activité)",
        tickformat=",d",
        # whole projects: one tick per project while they fit, else plotly's spacing (never « 1, 1, 2 »)
        dtick=1 if len(rows) and rows["projects_lacking"].max() <= 12 else None,
        gridcolor="#eee",
        rangemode="tozero",
    )
    fig.update_layout(
        annotations=[
            {
                "text": html_text(source_text),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.18,
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
                "xanchor": "left",
            }
        ]
    )
    fig = base_layout(fig, height=max(260, 34 * len(rows) + 140), legend=False)
    fig.update_layout(margin={"l": 10, "r": 40, "t": 30, "b": 80})
    return fig
