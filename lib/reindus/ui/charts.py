"""Plotly figures as `st.plotly_chart` draws them, prepared once per figure rather than once per run.

`st.plotly_chart` asks a figure for its dict on every run (`to_dict` deep-copies every trace and the
layout), and the figures of the pages come from shared caches (`reindus.ui.data`): the same object, run
after run and session after session. `shown(figure)` takes that dict once and hands Streamlit a figure
that returns it, so a rerun costs the JSON encoding only; in atelier mode the enlarged copy is also made
once. Both are remembered for as long as the cached figure lives (`reindus.ui.derived`).
"""

from __future__ import annotations

import threading
from typing import Any

import plotly.graph_objects as go

from reindus.ui.derived import derived

# Plotly does not copy a figure safely in two threads at once (its validators are shared: under 20
# sessions in atelier mode, traces came out with another trace's properties). Preparing happens once per
# figure, so one at a time costs nothing after the first run.
_PREPARING = threading.Lock()


class ShownFigure(go.Figure):
    """The dict of a finished figure, behind the one method `st.plotly_chart` calls on a figure.

    Deliberately not initialised as a plotly figure (that would validate every property again): it is
    drawn, never edited. `to_dict` returns a new top-level dict over shared, read-only parts."""

    def __init__(self, figure: go.Figure) -> None:
        object.__setattr__(self, "_shown", figure.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return dict(self._shown)


def enlarged(figure: go.Figure) -> go.Figure:
    """A copy of `figure` with text large enough for a room (atelier mode)."""
    big = go.Figure(figure)
    big.update_layout(font_size=17, legend_font_size=18, title_font_size=20)
    big.update_xaxes(tickfont_size=16, title_font_size=17)
    big.update_yaxes(tickfont_size=16, title_font_size=17)
    # a count axis with a tick per unit would overlap at this size: let plotly space the ticks
    big.for_each_yaxis(
        lambda axis: (
            axis.update(dtick=None, nticks=8)
            if isinstance(axis.dtick, int | float) and axis.dtick <= 1
            else None
        )
    )
    big.update_annotations(font_size=17)
    big.update_traces(textfont_size=16, selector=lambda t: hasattr(t, "textfont"))
    return big


def shown(figure: go.Figure, large: bool = False) -> go.Figure:
    """`figure` (enlarged when `large`) ready for `st.plotly_chart`, prepared once while `figure` lives."""
    if isinstance(figure, ShownFigure):
        return figure
    return derived(figure, "large" if large else "shown", lambda f: _prepare(f, large))


def _prepare(figure: go.Figure, large: bool) -> ShownFigure:
    with _PREPARING:
        return ShownFigure(enlarged(figure) if large else figure)
