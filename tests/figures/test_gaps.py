"""The capability-gap chart: one bar per activity in the region's colour, whole-project ticks, its sources."""

from __future__ import annotations

import pandas as pd

from reindus.figures.gaps import gaps_figure


def test_bars_in_the_region_colour_most_lacking_on_top_with_whole_ticks_and_sources():
    gaps = pd.DataFrame(
        {
            "activity": ["13.20Z", "25.62B"],
            "label": ["Tissage", "Mécanique <b>industrielle</b>"],
            "projects_lacking": [3, 1],
            "projects_needing": [4, 1],
        }
    )
    fig = gaps_figure(gaps, "#0072B2", "Sources : registre (démo, 2026)")
    bar = fig.data[0]
    assert bar.marker.color == "#0072B2"
    assert list(bar.x) == [1, 3]  # drawn bottom-up: the most lacking ends on top
    assert "<b>" not in bar.y[0]  # text from data is escaped
    assert list(bar.text) == ["1 sur 1", "3 sur 4"]
    assert fig.layout.xaxis.dtick == 1
    assert fig.layout.annotations[0].text == "Sources : registre (démo, 2026)"
