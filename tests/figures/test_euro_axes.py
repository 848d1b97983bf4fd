"""Axes of euros read the French way (« 60 M € »), as the bar labels do, not plotly's SI « 60M € »."""

from __future__ import annotations

import pandas as pd

from reindus.figures import kpi, outcomes
from reindus.programme.regions import ParticipatingRegion, ProgrammeRegions

NBSP = "\u00a0"
REGIONS = ProgrammeRegions(
    (
        ParticipatingRegion("28", "CCI Normandie", "#0072B2"),
        ParticipatingRegion("11", "CCI Paris IDF", "#D55E00"),
    )
)


def _euro_axes(figure) -> list:
    return [axis for axis in figure.select_yaxes() if axis.ticktext and "€" in "".join(axis.ticktext)]


def test_euro_ticks_are_french_compact_amounts():
    ticks = kpi.euro_ticks(72_000_000)
    assert ticks["tickvals"] == [0, 20_000_000, 40_000_000, 60_000_000]
    assert ticks["ticktext"] == [f"0{NBSP}€", f"20{NBSP}M{NBSP}€", f"40{NBSP}M{NBSP}€", f"60{NBSP}M{NBSP}€"]
    assert kpi.euro_ticks(3_500_000_000)["ticktext"][-1] == f"3{NBSP}Md{NBSP}€"
    assert kpi.euro_ticks(float("nan"))["ticktext"] == [f"0{NBSP}€"]
    # a tick near the top of the axis would be read as part of the panel's title
    assert kpi.euro_ticks(10_010_000)["tickvals"] == [0, 5_000_000]


def test_no_euro_tick_sits_level_with_the_panels_title():
    # the dashboard's « Investissement prévu »: 49,1 M € at most, an axis up to 1,25 times that
    by_region = pd.DataFrame(
        {
            "region": ["Normandie", "Île-de-France"],
            **{c: [49_100_000.0, 20_000_000.0] for c in kpi.REGION_PANELS},
        }
    )
    for axis in _euro_axes(kpi.region_panels(by_region, REGIONS)):
        assert axis.range[1] > 61_000_000
        assert axis.ticktext[-1] == f"40{NBSP}M{NBSP}€"
        assert max(axis.tickvals) <= axis.range[1] * (1 - kpi.TOP_CLEARANCE)


def test_the_figures_euro_axes_use_them():
    by_region = pd.DataFrame(
        {
            "region": ["Normandie", "Île-de-France"],
            **{column: [50_000_000.0, 20_000_000.0] for column in kpi.REGION_PANELS},
        }
    )
    panels = kpi.region_panels(by_region, REGIONS)
    axes = _euro_axes(panels)
    assert len(axes) == 2  # investment, funding granted
    for axis in axes:
        assert axis.tickformat is None and axis.ticksuffix is None
        # 60 M € would sit at 96 % of the 62,5 M € axis, level with the panel's title
        assert axis.ticktext[-1] == f"40{NBSP}M{NBSP}€" and axis.range[1] >= axis.tickvals[-1]

    by_edition = pd.DataFrame(
        {"edition": [2023, 2024], "region": ["Normandie", "Normandie"], "investment": [9e6, 12e6]}
    )
    [axis] = _euro_axes(kpi.editions(by_edition, "investment", REGIONS))
    assert axis.ticktext[-1] == f"10{NBSP}M{NBSP}€" and axis.range[1] >= 12e6

    by_region = pd.DataFrame(
        {"region": ["Normandie", "Île-de-France"], **{key: [7e5, 3e5] for key in outcomes.PANELS}}
    )
    axes = _euro_axes(outcomes.outcome_panels(by_region, REGIONS))
    assert len(axes) == 5  # planned investment, funding asked, granted, paid, investment committed
    assert all(axis.ticktext[-1] == f"800{NBSP}k{NBSP}€" for axis in axes)
