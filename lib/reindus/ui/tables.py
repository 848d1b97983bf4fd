"""Column configurations with French formats, shared by every page's tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from reindus.exchange import export
from reindus.figures.kpi import format_value
from reindus.programme import metrics
from reindus.text.safe import md_text
from reindus.ui.derived import derived

# What an empty cell of a table reads, whatever the reason (not recorded, withheld in atelier mode, no
# value): « — », as on the cards, the charts' labels and the brief; Streamlit's default is a grey « None ».
MISSING = "—"


def show(data: Any, *, where: Any = st, **options: Any) -> Any:
    """`st.dataframe` (or `where.dataframe`) with the app's missing-value text: every table goes through here."""
    return where.dataframe(data, placeholder=MISSING, **options)


def edit(data: Any, *, where: Any = st, **options: Any) -> Any:
    """`st.data_editor` with the app's missing-value text, as `show`."""
    return where.data_editor(data, placeholder=MISSING, **options)


def count(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="localized", help=md_text(help) if help else None)


def euros(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    """An amount of the programme, in whole euros: « 1 234 567 € » (a step of 1 is what makes Streamlit's
    « euro » format drop its cents)."""
    return st.column_config.NumberColumn(label, format="euro", step=1, help=md_text(help) if help else None)


def kpi_column_config(table: pd.DataFrame) -> dict:
    """French number formats for a `region_kpis(shown=True)` table."""
    by_label = {label: column for column, label in metrics.KPI_LABELS.items()}
    config: dict = {}
    for label in table.columns:
        kind = metrics.KPI_KINDS.get(by_label.get(label, ""))
        if kind == "euros":
            config[label] = euros(label)
        elif kind == "ratio":  # already written as on the cards: « 57 % »
            config[label] = st.column_config.TextColumn(label)
        elif kind == "count":
            config[label] = count(label)
    return config


def arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """`frame` in the Arrow form `st.dataframe` sends, converted once while the frame lives (a cached
    table is drawn by every run of every session); without its index, which the pages hide."""
    return derived(frame, "arrow", to_arrow)


def arrow_of(source: Any, name: str, table: Callable[[Any], pd.DataFrame]) -> pa.Table | pd.DataFrame:
    """The Arrow form of `table(source)` (a table as displayed, built from a cached object), built and
    converted once while `source` lives."""
    return derived(source, name, lambda s: to_arrow(table(s)))


def to_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """`frame` as `st.dataframe` sends it, without its index (a cached loader converts what it keeps)."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: Streamlit's conversion copes
        return frame


def region_kpis(by_region: pd.DataFrame, *, shown: bool = False) -> pd.DataFrame:
    """The KPIs per region under their French labels, built once per cached selection. `shown`: the rates
    as the cards write them (« 57 % »; Streamlit's « percent » reads « 57,14 % »), for the screen; the
    export keeps their numbers."""

    def build(frame: pd.DataFrame) -> pd.DataFrame:
        out = metrics.labelled(frame, list(metrics.KPI_LABELS), {"region": "Région"})
        if shown:
            for column, kind in metrics.KPI_KINDS.items():
                if kind == "ratio" and column in metrics.KPI_LABELS:
                    out[metrics.KPI_LABELS[column]] = [format_value(v, kind) for v in frame[column]]
        return out

    return derived(by_region, "region_kpis_shown" if shown else "region_kpis", build)


def download_buttons(table: pd.DataFrame, stem: str, sheet: str) -> None:
    """« Exporter en CSV » and « Exporter en XLSX » of a table as shown; the files are written only when
    a button is clicked (deferred data), not on every run."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Exporter en CSV",
        lambda: export.to_csv(table),
        f"{stem}.csv",
        mime=export.CSV_MIME,
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "Exporter en XLSX",
        lambda: export.to_xlsx(table, sheet),
        f"{stem}.xlsx",
        mime=export.XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
    )
