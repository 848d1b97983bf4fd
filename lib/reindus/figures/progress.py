"""Progress figures: the Gantt of projects against the rétroplanning, where the regions stand, their pace."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from reindus.figures.kpi import base_layout
from reindus.programme.regions import ProgrammeRegions
from reindus.reference.programme import LATE_TOLERANCE_DAYS, STAGE_KEYS, ProjectStatus
from reindus.text import formats
from reindus.text.safe import html_text

ROW_PX = 46  # height of one project's row in the Gantt
LANE = 0.8 / len(STAGE_KEYS)  # each stage has its lane inside the project's row
LATE_COLOUR = "#C00000"
PLANNED_COLOUR = "#C8C8C8"
DAY_MS = 86_400_000


def _fr(value) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def gantt(
    stages: pd.DataFrame,
    projects: pd.DataFrame,
    today: date,
    region_order: list[str],
    regions: ProgrammeRegions,
) -> go.Figure:
    """Every project a row, grouped by region (`region_order`, names) then sorted by name; inside a row
    one lane per stage.

    `stages` is metrics.stage_progress for these projects, `projects` metrics.project_progress.
    Light grey bar: planned dates; solid bar in the region's colour: actual dates (hatched while open,
    drawn up to today); red cross: a late stage; vertical line: today.
    """
    order = {r: i for i, r in enumerate(region_order)}
    rows = projects.assign(_r=projects["region"].map(order).fillna(len(order))).sort_values(["_r", "name"])
    position = {pid: i for i, pid in enumerate(rows["project_id"])}
    ms = stages[stages["project_id"].isin(position)].copy()
    lane = ms["stage"].map({k: i for i, k in enumerate(STAGE_KEYS)})
    ms["y"] = ms["project_id"].map(position) + (lane - (len(STAGE_KEYS) - 1) / 2) * LANE
    info = rows.set_index("project_id")
    ms["project"] = ms["project_id"].map(info["name"]).map(html_text)
    ms["region"] = ms["project_id"].map(info["region"])
    ms["colour"] = ms["region"].map(regions.colour_by_name)
    planned_start = pd.to_datetime(ms["planned_start"])
    planned_end = pd.to_datetime(ms["planned_end"]) + pd.Timedelta(days=1)  # inclusive end
    actual_start = pd.to_datetime(ms["actual_start"])
    actual_end = pd.to_datetime(ms["actual_end"])
    today_ts = pd.Timestamp(today)
    hover = (
        ms["project"]
        + " — "
        + ms["stage_label"].map(html_text)
        + "<br>Prévu : "
        + ms["planned_start"].map(_fr)
        + " → "
        + ms["planned_end"].map(_fr)
        + "<br>Réel : "
        + ms["actual_start"].map(_fr)
        + " → "
        + ms["actual_end"].map(_fr)
        + ms["delay_days"].map(lambda d: "" if pd.isna(d) else f"<br>Écart : {formats.number(d)} j")
    )

    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="Prévu (rétroplanning)",
            orientation="h",
            y=ms["y"],
            base=planned_start,
            x=(planned_end - planned_start).dt.total_seconds() * 1000,
            width=LANE * 0.9,
            marker={"color": PLANNED_COLOUR, "opacity": 0.55},
            hovertext=hover,
            hoverinfo="text",
        )
    )
    ms["abandoned"] = ms["project_id"].map(info["status"]).eq(ProjectStatus.ABANDONED)
    started = actual_start.notna()
    finished = started & actual_end.notna()
    open_now = started & ~finished & ~ms["abandoned"]  # an abandoned project's open stage stops at its start
    for name, mask, end, pattern in (
        ("Réalisé", finished, actual_end + pd.Timedelta(days=1), ""),
        ("En cours (jusqu'à aujourd'hui)", open_now, pd.Series(today_ts, index=ms.index), "/"),
    ):
        part = ms[mask]
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                y=part["y"],
                base=actual_start[mask],
                x=(end[mask] - actual_start[mask]).dt.total_seconds().clip(lower=0) * 1000 + DAY_MS / 4,
                width=LANE * 0.9,
                marker={
                    "color": part["colour"],
                    "pattern_shape": pattern,
                    "pattern_fgcolor": "white",
                    "line_width": 0,
                },
                hovertext=hover[mask],
                hoverinfo="text",
            )
        )
    late = ms[ms["late"]]
    if not late.empty:
        late_at = pd.to_datetime(late["actual_end"]).fillna(today_ts)
        fig.add_trace(
            go.Scatter(
                name=f"Étape en retard (plus de {LATE_TOLERANCE_DAYS} j)",
                x=late_at,
                y=late["y"],
                mode="markers",
                marker={
                    "symbol": "x",
                    "color": LATE_COLOUR,
                    "size": 9,
                    "line": {"width": 1, "color": LATE_COLOUR},
                },
                hovertext=hover[late.index],
                hoverinfo="text",
            )
        )
    for region in [r for r in region_order if r in set(rows["region"])]:  # legend: region colours
        fig.add_trace(
            go.Bar(name=html_text(region), x=[None], y=[None], marker_color=regions.colour_by_name(region))
        )

    ticktext = [
        f'<span style="color:{regions.colour_by_name(r)}">{html_text(n)}</span>'
        for n, r in zip(rows["name"], rows["region"], strict=True)
    ]
    # separators between regions
    boundaries = rows["region"].ne(rows["region"].shift()).to_numpy().nonzero()[0]
    for b in boundaries[1:]:
        fig.add_shape(
            type="line", xref="paper", x0=0, x1=1, y0=b - 0.5, y1=b - 0.5, line={"color": "#999", "width": 1}
        )
    fig.add_shape(
        type="line",
        x0=today_ts,
        x1=today_ts,
        yref="paper",
        y0=0,
        y1=1,
        line={"color": "#333", "width": 2, "dash": "dash"},
    )
    # Above the date ticks (the axis is on top): on the ticks it hid the nearest date.
    fig.add_annotation(
        x=today_ts,
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=20,
        showarrow=False,
        text=f"Aujourd'hui ({_fr(today_ts)})",
        font={"size": 12},
    )
    x_min = min(planned_start.min(), actual_start.min() if started.any() else planned_start.min())
    x_max = max(planned_end.max(), actual_end.max() if finished.any() else planned_end.max(), today_ts)
    fig.update_xaxes(
        type="date",
        range=[x_min - timedelta(days=4), x_max + timedelta(days=6)],
        tickformat="%d/%m/%y",
        gridcolor="#eee",
        side="top",
    )
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=ticktext,
        autorange="reversed",
        range=None,
        showgrid=False,
        zeroline=False,
    )
    fig.update_layout(barmode="overlay", bargap=0)
    fig = base_layout(fig, height=140 + ROW_PX * max(len(rows), 1))
    fig.update_layout(
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.01 if len(rows) > 10 else -0.08,
            "xanchor": "left",
            "x": 0,
        },
        margin={"t": 72, "b": 40},
    )
    return fig


STAGE_ROW_PX = 50  # a stage's row: its name above its bar


def stage_positions(positions: pd.DataFrame, regions: ProgrammeRegions) -> go.Figure:
    """Projects per current stage (metrics.stage_positions): a row per stage, top to bottom in the
    programme's order, its name above a horizontal bar stacked by region in their colours, each region's
    count inside its segment and the stage's total after the bar.

    Grouped vertical bars, four per stage in half a page, put their labels on top of one another (« 3455 »)
    and their legend took more room than the bars. Stacked, a count sits in its own segment or is left to
    the hover (plotly hides those that do not fit), and the total never meets another label; the names
    above the bars leave them, and the legend, the whole width (as axis labels they took 40 % of it)."""
    stages = list(dict.fromkeys(positions["current_stage"]))
    row = {stage: i for i, stage in enumerate(stages)}
    fig = go.Figure()
    for region, rows in positions.groupby("region", sort=False):
        fig.add_trace(
            go.Bar(
                name=html_text(region),
                orientation="h",
                y=rows["current_stage"].map(row),
                x=rows["projects"],
                width=0.44,
                text=[formats.number(v) if v else "" for v in rows["projects"]],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                customdata=rows["current_stage"].map(html_text),
                marker_color=regions.colour_by_name(region),
                hovertemplate=html_text(region) + " — %{customdata}<br>%{x} projet(s)<extra></extra>",
            )
        )
    totals = positions.groupby("current_stage", sort=False)["projects"].sum()
    fig.add_trace(
        go.Scatter(
            x=totals.to_numpy(),
            y=[row[s] for s in totals.index],
            mode="text",
            text=[formats.number(t) if t else "" for t in totals],
            textposition="middle right",
            textfont={"color": "#31333F"},
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    for stage, i in row.items():
        fig.add_annotation(
            x=0, xref="paper", xanchor="left", y=i - 0.25, yanchor="bottom", text=html_text(stage),
            showarrow=False, font={"color": "#555"},
        )  # fmt: skip
    top = max(float(totals.max()) if len(totals) else 0.0, 1.0)
    fig.update_layout(barmode="stack", uniformtext={"minsize": 10, "mode": "hide"})
    fig.update_xaxes(
        title="Projets", range=[0, top * 1.12], tickformat=",d", gridcolor="#eee", zeroline=False
    )
    fig.update_yaxes(range=[len(stages) - 0.5, -0.95], showticklabels=False, showgrid=False, zeroline=False)
    fig = base_layout(fig, height=130 + STAGE_ROW_PX * len(stages))
    # a stacked chart's legend lists the regions upside down
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def status_by_region(counts: pd.DataFrame, regions: ProgrammeRegions) -> go.Figure:
    """Projects per progress status, a bar per region (metrics.status_counts)."""
    fig = go.Figure()
    for region, rows in counts.groupby("region", sort=False):
        fig.add_trace(
            go.Bar(
                name=html_text(region),
                x=rows["progress_label"],
                y=rows["projects"],
                text=[str(v) if v else "" for v in rows["projects"]],
                textposition="outside",
                cliponaxis=False,
                marker_color=regions.colour_by_name(region),
                hovertemplate=html_text(region) + " — %{x}<br>%{y} projet(s)<extra></extra>",
            )
        )
    fig.update_yaxes(title="Projets", tickformat=",d", rangemode="tozero", gridcolor="#eee")
    fig.update_layout(barmode="group")
    return base_layout(fig, height=380)


def pace(by_region: pd.DataFrame, regions: ProgrammeRegions) -> go.Figure:
    """Average gap to the rétroplanning per region, in days (metrics.region_pace); the tolerance shaded."""
    values = by_region["mean_delay_days"]
    texts = [("—" if pd.isna(v) else f"{'+' if v > 0 else ''}{formats.number(v, 1)} j") for v in values]
    fig = go.Figure(
        go.Bar(
            x=by_region["region"].map(html_text),
            y=values.fillna(0),
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker_color=[regions.colour_by_name(r) for r in by_region["region"]],
            showlegend=False,
            customdata=by_region["projects"],
            hovertemplate="%{x}<br>Écart moyen : %{text}<br>sur %{customdata} projet(s) mesuré(s)<extra></extra>",
        )
    )
    # below the bars: drawn over them, the band washed out their region colours and their labels
    fig.add_hrect(
        y0=0, y1=LATE_TOLERANCE_DAYS, fillcolor="#FFE9A8", opacity=0.45, line_width=0, layer="below"
    )
    fig.add_annotation(
        xref="paper",
        x=1,
        y=LATE_TOLERANCE_DAYS,
        yanchor="bottom",
        xanchor="right",
        showarrow=False,
        text=f"tolérance : {LATE_TOLERANCE_DAYS} jours",
        font={"size": 11},
    )
    top = max(float(values.abs().max()) if values.notna().any() else 0, LATE_TOLERANCE_DAYS) * 1.3
    fig.update_yaxes(
        title="Jours (négatif : en avance)",
        range=[-top, top],
        zeroline=True,
        zerolinecolor="#333",
        gridcolor="#eee",
    )
    return base_layout(fig, height=380, legend=False)
