"""Metric cards: the KPIs of a selection, the progress statuses, a region's summary and the region clicked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus.figures.kpi import format_value
from reindus.programme import metrics
from reindus.programme.views import Dashboard
from reindus.text import formats
from reindus.text.safe import md_text


def _delta(value, previous, kind: str) -> str | None:
    if previous is None or pd.isna(previous) or pd.isna(value):
        return None
    diff = float(value) - float(previous)
    if kind == "ratio":
        return f"{'+' if diff >= 0 else '−'}{formats.number(abs(diff) * 100)} pts"
    text = formats.euros(abs(diff)) if kind == "euros" else formats.number(abs(diff))
    return f"{'+' if diff >= 0 else '−'}{text}"


def metric_cards(board: Dashboard, columns: list[str], per_row: int = 4) -> None:
    """One `st.metric` per KPI column, French formats, delta against the previous edition when there is one."""
    help_prev = (
        f"Écart avec l'édition {board.previous_edition}, mêmes filtres." if board.previous_edition else ""
    )
    for start in range(0, len(columns), per_row):
        cells = st.columns(per_row)
        for cell, column in zip(cells, columns[start : start + per_row], strict=False):
            kind = metrics.KPI_KINDS[column]
            prev = None if board.previous is None else board.previous[column]
            value = board.total[column]
            exact = (
                f"Montant exact : {format_value(value, kind)}." if kind == "euros" and pd.notna(value) else ""
            )
            help_text = " ".join(t for t in (exact, help_prev) if t)
            cell.metric(
                metrics.KPI_LABELS[column],
                format_value(value, kind, short=True),
                delta=_delta(value, prev, kind),
                delta_color="normal",
                help=md_text(help_text) if help_text else None,
                border=True,
            )


def region_summary(board: Dashboard, region: str) -> None:
    row = board.by_region.set_index("region").loc[region]
    cells = st.columns(4)
    for cell, column in zip(
        cells, ["projects", "funding_granted", "share_in_region", "link_coverage"], strict=True
    ):
        cell.metric(
            metrics.KPI_LABELS[column],
            format_value(row[column], metrics.KPI_KINDS[column], short=True),
            border=True,
        )


def clicked_region(chart, names: list[str]) -> str | None:
    """The region of the bar clicked in a chart (its customdata), if any."""
    points = getattr(getattr(chart, "selection", None), "points", None) or []
    for point in points:
        custom = point.get("customdata") if isinstance(point, dict) else None
        value = custom[0] if isinstance(custom, list) and custom else custom
        if value in names:
            return value
        if point.get("x") in names:
            return point["x"]
    return None


def status_cards(projects: pd.DataFrame) -> None:
    """How many projects are on time, at risk, late…: one card per progress status."""
    counts = projects["progress_status"].value_counts()
    cells = st.columns(len(metrics.PROGRESS_STATUSES))
    for cell, (key, label) in zip(cells, metrics.PROGRESS_STATUSES.items(), strict=True):
        cell.metric(md_text(label), formats.number(int(counts.get(key, 0))), border=True)
