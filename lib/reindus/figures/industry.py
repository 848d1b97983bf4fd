"""Plotly figures of the « Industrie régionale » page: data in, figure out, no Streamlit.

Every figure names its source and year in its title's subtitle; labels from data are escaped for plotly
(`reindus.text.safe.html_text`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reindus.figures.kpi import percent_ticks
from reindus.industry.indicators import INDICATORS
from reindus.programme.regions import ProgrammeRegions
from reindus.text import formats
from reindus.text.safe import html_text

FONT = "sans-serif"


def _layout(fig: go.Figure, title: str, source_line: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={
            "text": f"{html_text(title)}<br><sup>{html_text(source_line)}</sup>",
            "x": 0,
            "xanchor": "left",
        },
        separators=", ",
        height=height,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        font={"family": FONT},
        legend_title_text="",
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#e5e5e5")
    fig.update_yaxes(gridcolor="#e5e5e5")
    return fig


def _number_format(digits: int) -> str:
    return f",.{digits}f"


def region_totals_figure(
    reg: pd.DataFrame, indicator: str, source_line: str, regions: ProgrammeRegions
) -> go.Figure:
    """The programme's regions side by side on one indicator (`reg` = industry.region_indicators)."""
    spec = INDICATORS[indicator]
    by_code = reg.set_index("code")
    names, values, colours = [], [], []
    for region in regions:
        names.append(region.name)
        values.append(by_code[indicator].get(region.code, float("nan")))
        colours.append(region.colour)
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=colours,
            texttemplate=f"%{{y:{_number_format(spec.digits)}}}",
            textposition="outside",
            hovertemplate=f"%{{x}}<br>{html_text(spec.label)} : %{{y:{_number_format(spec.digits)}}}<extra></extra>",
            cliponaxis=False,
        )
    )
    fig.update_yaxes(title_text=html_text(spec.label), tickformat=_number_format(0))
    return _layout(fig, f"{spec.label} — régions du programme", source_line)


def division_structure_figure(
    shares: pd.DataFrame, source_line: str, regions: ProgrammeRegions, top: int = 10, measure: str = "jobs"
) -> go.Figure:
    """Stacked 100 % bars: share of each NAF division in each of the programme's regions' industrial jobs
    (or establishments). The `top` divisions over these regions are shown, the rest as « Autres
    divisions ». `shares` = industry.division_shares(stats, by="region", within=regions.codes)."""
    label = "effectifs salariés" if measure == "jobs" else "établissements"
    totals = shares.groupby("division")[measure].sum().sort_values(ascending=False)
    kept = list(totals.index[:top])
    frame = shares.assign(
        division=shares["division"].where(shares["division"].isin(kept), "Autres divisions")
    )
    frame = frame.groupby(["territory", "division"], as_index=False)[measure].sum()
    frame["share"] = frame[measure] / frame.groupby("territory")[measure].transform("sum")
    order = [*kept, "Autres divisions"] if len(totals) > top else kept
    shown = [r for r in regions if r.code in set(frame["territory"])]
    y = [r.name for r in shown]
    codes = [r.code for r in shown]
    palette = [
        "#0b3954",
        "#087e8b",
        "#5aa9a4",
        "#a9d6d0",
        "#bfd7ea",
        "#ff5a5f",
        "#c81d25",
        "#f4a259",
        "#8cb369",
        "#5b8e7d",
        "#bc4b51",
        "#9a9a9a",
    ]
    fig = go.Figure()
    for i, division in enumerate(order):
        rows = frame[frame["division"] == division].set_index("territory")
        shares_ = [rows["share"].get(c, 0.0) for c in codes]
        short = division if len(division) <= 48 else division[:46] + "…"
        colour = "#bdbdbd" if division == "Autres divisions" else palette[i % len(palette)]
        fig.add_trace(
            go.Bar(
                y=y,
                x=shares_,
                orientation="h",
                name=html_text(short),
                marker_color=colour,
                customdata=[formats.percent(v, 1) for v in shares_],  # « 12,3 % », not plotly's « 12,3% »
                hovertemplate=f"%{{y}}<br>{html_text(division)} : %{{customdata}} des {label}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        legend={"orientation": "h", "y": -0.12, "x": 0, "font": {"size": 11}, "traceorder": "normal"},
    )
    fig.update_xaxes(**percent_ticks(1.0, room_at_top=False), range=[0, 1])
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig, f"Structure par division NAF (part des {label}) — régions du programme", source_line, height=520
    )


def evolution_figure(
    evolution: pd.DataFrame, indicator: str, source_line: str, regions: ProgrammeRegions
) -> go.Figure:
    """One line per region of the programme over the years of one series (`industry.region_evolution`)."""
    spec = INDICATORS[indicator]
    fig = go.Figure()
    for region in regions:
        rows = evolution[evolution["code"] == region.code].sort_values("year")
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows[indicator],
                name=html_text(region.name),
                mode="lines+markers",
                line={"color": region.colour, "width": 2.5},
                hovertemplate=f"{html_text(region.name)}<br>%{{x}} : %{{y:{_number_format(spec.digits)}}}<extra></extra>",
            )
        )
    fig.update_xaxes(dtick=1, tickformat="d", title_text="Année")
    fig.update_yaxes(title_text=html_text(spec.label), tickformat=_number_format(0))
    _layout(fig, f"Évolution — {spec.label}", source_line)
    fig.update_layout(legend={"orientation": "h", "y": -0.25, "x": 0})
    return fig


def site_events_figure(events: pd.DataFrame, source_line: str, regions: ProgrammeRegions) -> go.Figure:
    """Openings (up) and closures (down) of industrial sites per half-year, one bar group per region of
    the programme. `events` = one measure and one source of frames.load_site_events."""
    fig = go.Figure()
    for region in regions:
        rows = events[events["region_code"] == region.code].sort_values("period")
        if rows.empty:
            continue
        periods = [p.replace("-S", " S") for p in rows["period"]]
        fig.add_trace(
            go.Bar(
                x=periods,
                y=rows["openings"],
                name=html_text(region.name),
                legendgroup=region.code,
                marker_color=region.colour,
                hovertemplate=f"{html_text(region.name)}<br>%{{x}} : %{{y}} ouvertures<extra></extra>",
            )
        )
        fig.add_trace(
            go.Bar(
                x=periods,
                y=-rows["closures"],
                name=html_text(region.name),
                legendgroup=region.code,
                showlegend=False,
                marker_color=region.colour,
                marker_opacity=0.45,
                customdata=rows["closures"],
                hovertemplate=f"{html_text(region.name)}<br>%{{x}} : %{{customdata}} fermetures<extra></extra>",
            )
        )
    fig.add_hline(y=0, line_color="#333", line_width=1)
    fig.update_layout(barmode="group", bargap=0.2)
    fig.update_yaxes(title_text="← Fermetures (clair) · Ouvertures →")
    return _layout(fig, "Ouvertures et fermetures de sites industriels par semestre", source_line)
