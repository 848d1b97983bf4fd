"""KPI figures: the regions side by side, the origin of retained suppliers, editions over time.

Each panel holds one KPI with its own axis: figures of different definitions never share a series.
Every region keeps its colour (`programme.regions`, stored with the region); a region outside the
programme is grey.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reindus.programme.metrics import KPI_KINDS, KPI_LABELS
from reindus.programme.regions import ProgrammeRegions
from reindus.text import formats
from reindus.text.safe import html_text

FONT = {"family": "sans-serif", "size": 13}


def base_layout(fig: go.Figure, *, height: int, title: str | None = None, legend: bool = True) -> go.Figure:
    """The common layout of the programme's figures: French separators, legend on top, white plot."""
    fig.update_layout(
        separators=", ",
        height=height,
        title={"text": html_text(title)} if title else None,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None},
        plot_bgcolor="white",
        hoverlabel={"namelength": -1},
    )
    return fig


def small_multiples_layout(fig: go.Figure, *, height: int) -> go.Figure:
    """`base_layout` for panels with subplot titles: the legend goes above the top row's titles, which
    it would otherwise cover."""
    base_layout(fig, height=height)
    top = 70
    fig.update_layout(margin={"t": top}, legend={"y": 1 + 28 / (height - top - 10)})
    return fig


# The KPIs drawn region by region, one panel each.
REGION_PANELS: tuple[str, ...] = (
    "projects",
    "jobs",
    "investment",
    "funding_granted",
    "success_rate",
    "suppliers_retained",
    "share_in_region",
    "link_coverage",
)
ORIGIN_COLUMNS: dict[str, str] = {
    "share_in_region": "Dans la région du projet",
    "share_in_france": "Ailleurs en France",
    "share_abroad": "À l'étranger",
}


def format_value(value: float, kind: str, short: bool = False) -> str:
    """French text of a KPI; with `short`, amounts in « 49,1 M € » form (cards and bar labels, where
    « 49 074 000 € » is cut or shrunk out of sight)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "euros":
        return formats.euros_short(value) if short else formats.euros(value)
    if kind == "ratio":
        return formats.percent(value)
    return formats.number(value)


# The top share of an axis left without ticks, clear of the panel's title: a tenth of a dashboard panel
# (about 270 px high) is some 27 px, room for half a tick label's height and a margin.
TOP_CLEARANCE = 0.10


def _steps(top: float, count: int, room_at_top: bool) -> list[float]:
    """Ticks from 0 to `top` by about `count` steps of 1, 2 or 5 × 10ⁿ."""
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    # no tick in the top tenth of a panel's axis: its label would sit level with the panel's title
    # (« 60 M € » at 98 % of a 61,3 M € axis did, on the dashboard's « Investissement prévu »)
    last = top * (1 - TOP_CLEARANCE) if room_at_top else top * (1 + 1e-9)
    return [round(i * step, 12) for i in range(int(last // step) + 1)]


def euro_ticks(top: float, count: int = 5) -> dict:
    """The ticks of an axis of euros from 0 to `top`, read the French way as on the bar labels: « 0 € »,
    « 20 M € », « 1,5 Md € ». Plotly's own SI format (« ~s ») reads « 60M € » and « 1.5G € »; its
    `separators` change the decimal mark but not the suffix. About `count` steps of 1, 2 or 5 × 10ⁿ."""
    if not top > 0:  # NaN, nothing: the axis has no scale to read
        return {"tickmode": "array", "tickvals": [0], "ticktext": [formats.euros(0)]}
    values = _steps(top, count, room_at_top=True)
    return {"tickmode": "array", "tickvals": values, "ticktext": [formats.euros_short(v) for v in values]}


def percent_ticks(top: float, count: int = 5, *, room_at_top: bool = True) -> dict:
    """The ticks of an axis of ratios from 0 to `top`, read as the bar labels and the cards: « 80 % »
    (a no-break space before the sign). Plotly's « .0% » reads « 80% », which `separators` do not change.
    `room_at_top=False` keeps a tick at `top` itself (an axis of shares ending at 100 %, no title above)."""
    if not top > 0:
        return {"tickmode": "array", "tickvals": [0], "ticktext": [formats.percent(0)]}
    values = _steps(top, count, room_at_top)
    step = values[1] if len(values) > 1 else top
    # « 0,5 % » where the steps are finer than a point, whole percents otherwise
    digits = max(0, math.ceil(-math.log10(step * 100) - 1e-9))
    return {"tickmode": "array", "tickvals": values, "ticktext": [formats.percent(v, digits) for v in values]}


def _tickformat(kind: str, top: float) -> dict:
    """The y-axis of a panel of `kind` whose axis reaches `top`."""
    if kind == "ratio":
        return {**percent_ticks(top), "rangemode": "tozero"}
    if kind == "euros":
        return {**euro_ticks(top), "rangemode": "tozero"}
    return {"tickformat": ",d", "rangemode": "tozero"}


def region_panels(
    by_region: pd.DataFrame,
    regions: ProgrammeRegions,
    columns: tuple[str, ...] = REGION_PANELS,
    cols: int = 4,
) -> go.Figure:
    """Small multiples: one panel per KPI, one bar per region in its colour (`by_region` from metrics.kpis)."""
    rows = math.ceil(len(columns) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[html_text(KPI_LABELS[c]) for c in columns],
        horizontal_spacing=0.06,
        vertical_spacing=0.16,
    )
    shown = by_region["region"].astype(str).tolist()
    colours = [regions.colour_by_name(r) for r in shown]
    names = [html_text(r) for r in shown]
    for i, column in enumerate(columns):
        kind = KPI_KINDS[column]
        values = by_region[column].astype(float)
        fig.add_trace(
            go.Bar(
                x=names,
                y=values.fillna(0),
                marker_color=colours,
                text=[format_value(v, kind, short=True) for v in values],
                hovertext=[format_value(v, kind) for v in values],
                textposition="outside",
                cliponaxis=False,
                customdata=names,
                showlegend=False,
                hovertemplate="%{x}<br>" + html_text(KPI_LABELS[column]) + " : %{hovertext}<extra></extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
        top = values.max()
        fig.update_yaxes(
            row=i // cols + 1,
            col=i % cols + 1,
            showgrid=True,
            gridcolor="#eee",
            **_tickformat(kind, top * 1.25 if pd.notna(top) else 0),
        )
        if pd.notna(top) and top > 0:
            fig.update_yaxes(row=i // cols + 1, col=i % cols + 1, range=[0, top * 1.25])
    fig.update_xaxes(showticklabels=False)
    for region, colour in zip(names, colours, strict=True):  # legend: one entry per region
        fig.add_trace(go.Bar(x=[None], y=[None], name=region, marker_color=colour, showlegend=True))
    fig.update_annotations(font_size=13)
    return small_multiples_layout(fig, height=330 * rows + 70)


def supplier_origin(by_region: pd.DataFrame, regions: ProgrammeRegions) -> go.Figure:
    """Where each region's retained suppliers are: in the project's region, elsewhere in France, abroad."""
    fig = go.Figure()
    categories = list(ORIGIN_COLUMNS.values())
    for _, row in by_region.iterrows():
        region = html_text(row["region"])
        shares = [row[c] for c in ORIGIN_COLUMNS]
        texts = [format_value(v, "ratio") for v in shares]
        counts = [
            formats.number(row[c]) for c in ("retained_in_region", "retained_in_france", "retained_abroad")
        ]
        fig.add_trace(
            go.Bar(
                name=region,
                x=categories,
                y=[0 if pd.isna(v) else v for v in shares],
                text=texts,
                textposition="outside",
                cliponaxis=False,
                marker_color=regions.colour_by_name(row["region"]),
                customdata=[[region, c, formats.number(row["suppliers_retained"])] for c in counts],
                hovertemplate="%{customdata[0]} — %{x}<br>%{text} des fournisseurs retenus "
                "(%{customdata[1]} sur %{customdata[2]})<extra></extra>",
            )
        )
    fig.update_yaxes(
        **percent_ticks(1.0, room_at_top=False),
        range=[0, 1.1],
        gridcolor="#eee",
        title="Part des fournisseurs retenus",
    )
    fig.update_layout(barmode="group", bargroupgap=0.05)
    return base_layout(fig, height=380)


def editions(by_edition_region: pd.DataFrame, column: str, regions: ProgrammeRegions) -> go.Figure:
    """One KPI per edition, a bar per region in its colour (editions where a region had no project: no bar)."""
    kind = KPI_KINDS[column]
    fig = go.Figure()
    for region in regions.order_names(by_edition_region["region"]):
        rows = by_edition_region[by_edition_region["region"] == region]
        fig.add_trace(
            go.Bar(
                name=html_text(region),
                x=rows["edition"].astype(str),
                y=rows[column].fillna(0),
                text=[format_value(v, kind, short=True) for v in rows[column]],
                hovertext=[format_value(v, kind) for v in rows[column]],
                textposition="outside",
                cliponaxis=False,
                marker_color=regions.colour_by_name(region),
                hovertemplate=html_text(region)
                + " — édition %{x}<br>"
                + html_text(KPI_LABELS[column])
                + " : %{hovertext}<extra></extra>",
            )
        )
    fig.update_xaxes(type="category", title="Édition")
    top = by_edition_region[column].astype(float).max()
    axis = _tickformat(kind, top * 1.15 if pd.notna(top) else 0)
    if kind in ("euros", "ratio") and pd.notna(top) and top > 0:  # ticks set up to the top: so is the axis
        axis["range"] = [0, top * 1.15]
    fig.update_yaxes(title=html_text(KPI_LABELS[column]), gridcolor="#eee", **axis)
    fig.update_layout(barmode="group")
    return base_layout(fig, height=380)
