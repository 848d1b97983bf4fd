"""« Étape atteinte par les projets »: a row per stage, its name above a bar stacked by region."""

from __future__ import annotations

import pandas as pd

from reindus.figures.progress import stage_positions
from reindus.reference.programme import CURRENT_STAGE_LABELS
from reindus.text.safe import html_text


def _positions(regions) -> pd.DataFrame:
    names = [r.name for r in regions][:4]
    stages = list(CURRENT_STAGE_LABELS.values())
    counts = {("Sourcing des partenaires", i): n for i, n in enumerate([3, 4, 5, 5])}
    counts |= {("Programme terminé", i): n for i, n in enumerate([18, 12, 10, 1])}
    return pd.DataFrame(
        [
            {"region": name, "current_stage": stage, "projects": counts.get((stage, i), 0)}
            for i, name in enumerate(names)
            for stage in stages
        ]
    )


def test_counts_sit_inside_their_own_segment_and_totals_after_the_bar(new_store_regions):
    """Grouped vertical bars, four per stage in half a page, printed « 3455 » and « 181210 10 »: stacked
    horizontal segments hold their own count or none (hidden when it does not fit)."""
    positions = _positions(new_store_regions)
    fig = stage_positions(positions, new_store_regions)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 4 and fig.layout.barmode == "stack"
    assert all(b.orientation == "h" and b.textposition == "inside" and b.textangle == 0 for b in bars)
    assert fig.layout.uniformtext.mode == "hide"  # a count that does not fit is left to the hover
    stages = list(CURRENT_STAGE_LABELS.values())
    finished = stages.index("Programme terminé")
    assert [b.text[finished] for b in bars] == ["18", "12", "10", "1"]
    assert all(b.text[0] == "" for b in bars)  # nobody at the first stage: no « 0 »
    (totals,) = [t for t in fig.data if t.type == "scatter"]
    assert totals.textposition == "middle right" and totals.text[finished] == "41"
    assert fig.layout.xaxis.range[1] > 41  # room for the total after the longest bar


def test_stage_names_run_down_in_programme_order_above_their_bars(new_store_regions):
    fig = stage_positions(_positions(new_store_regions), new_store_regions)
    names = [(a.y, a.text) for a in fig.layout.annotations]
    assert [text for _, text in sorted(names)] == [html_text(s) for s in CURRENT_STAGE_LABELS.values()]
    assert fig.layout.yaxis.showticklabels is False  # the names are not axis labels eating the width
    low, high = fig.layout.yaxis.range
    assert low > high  # reversed: the first stage on top
    assert all(a.xref == "paper" and a.x == 0 and a.yanchor == "bottom" for a in fig.layout.annotations)
    # each name just above its own bar (bars are `width` thick around their row)
    width = fig.data[0].width
    assert all(row - width / 2 - 0.1 < y < row - width / 2 for row, (y, _) in enumerate(sorted(names)))
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.traceorder == "normal"
