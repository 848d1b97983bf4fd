"""A project's supply chain as an ordered flow, upstream (raw material) to downstream (distribution).

One node per link, left to right by position, joined by arrows. Above each node its place in the chain
and its label; below, the candidates in the region and in France and how far the shortlist has gone (where
the viewer may see it: `furthest_label` None otherwise).
A link with no regional supplier qualified yet is drawn as an orange diamond marked « Lacune ».
Text from data is HTML-escaped: plotly renders <a>, <b>, <br> from labels and hover text.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reindus.text import formats
from reindus.text.safe import html_text

COVERED_COLOUR = "#009E73"
GAP_COLOUR = "#E69F00"
NO_CANDIDATE_COLOUR = "#CC3311"


def supply_chain_figure(coverage: pd.DataFrame, *, title: str, source: str) -> go.Figure:
    """`coverage` as returned by `sourcing.coverage`; `title` and `source` are escaped too."""
    cov = coverage.sort_values("position").reset_index(drop=True)
    x = list(range(1, len(cov) + 1))
    colours, symbols, above, below, hover = [], [], [], [], []
    for row in cov.itertuples(index=False):
        if row.capability_gap:
            colours.append(NO_CANDIDATE_COLOUR)
            symbols.append("x")
        elif row.gap:
            colours.append(GAP_COLOUR)
            symbols.append("diamond")
        else:
            colours.append(COVERED_COLOUR)
            symbols.append("circle")
        above.append(f"<b>{row.position}. {html_text(row.tier_label)}</b><br>{html_text(row.label)}")
        status = (
            "Lacune : aucun fournisseur régional qualifié" if row.gap else "Fournisseur régional qualifié"
        )
        shortlist = (
            ""
            if row.furthest_label is None
            else f"<br>Présélection : {html_text(row.furthest_label)} ({formats.number(row.shortlisted)})"
        )
        below.append(
            f"Région : {formats.number(row.regional_candidates)} · France : {formats.number(row.national_candidates)}"
            f"{shortlist}<br><b>{'⚠ Lacune' if row.gap else '✓ Qualifié en région'}</b>"
        )
        hover.append(f"{html_text(row.label)}<br>{status}<br>NAF : {html_text(row.naf)}")
    fig = go.Figure()
    if len(cov) > 1:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[0] * len(x),
                mode="lines",
                line={"color": "#8C8C8C", "width": 3},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        for a, b in zip(x, x[1:], strict=False):
            fig.add_annotation(
                x=b - 0.18,
                y=0,
                ax=a + 0.18,
                ay=0,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.4,
                arrowwidth=2,
                arrowcolor="#8C8C8C",
                text="",
            )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[0] * len(x),
            mode="markers",
            showlegend=False,
            marker={
                "size": 34,
                "color": colours,
                "symbol": symbols,
                "line": {"color": "#FFFFFF", "width": 2},
            },
            hovertext=hover,
            hoverinfo="text",
        )
    )
    for xi, top, bottom in zip(x, above, below, strict=True):
        fig.add_annotation(x=xi, y=0.55, text=top, showarrow=False, yanchor="bottom", font={"size": 13})
        fig.add_annotation(x=xi, y=-0.55, text=bottom, showarrow=False, yanchor="top", font={"size": 12})
    fig.update_layout(
        title={"text": html_text(title)},
        height=360,
        margin={"l": 20, "r": 20, "t": 60, "b": 80},
        xaxis={"visible": False, "range": [0.4, len(x) + 0.6]},
        yaxis={"visible": False, "range": [-2.0, 1.6]},
        plot_bgcolor="#FFFFFF",
        separators=", ",
    )
    fig.add_annotation(
        xref="paper",
        yref="paper",
        x=0,
        y=-0.06,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"size": 11, "color": "#555"},
        # two lines: on one, the key ran past the right edge of a page with its sidebar open
        text=f"Amont → aval. Source : {html_text(source)}.<br>✓ vert : fournisseur régional qualifié ; "
        "◆ orange : lacune ; ✕ rouge : aucun candidat dans la région.",
    )
    return fig
