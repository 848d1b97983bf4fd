"""Axes of ratios read the French way (« 80 % », as the bar labels and the cards), not plotly's « 80% »."""

from __future__ import annotations

import pandas as pd

from reindus.figures import industry, kpi, outcomes
from reindus.industry import indicators as ind
from reindus.programme.regions import ParticipatingRegion, ProgrammeRegions

NBSP = "\u00a0"
REGIONS = ProgrammeRegions(
    (
        ParticipatingRegion("28", "CCI Normandie", "#0072B2"),
        ParticipatingRegion("11", "CCI Paris IDF", "#D55E00"),
    )
)
STATS = pd.DataFrame(
    {
        "departement": ["76", "76", "75"],
        "naf_division": ["10", "25", "10"],
        "year": [2023] * 3,
        "establishments": [40, 10, 30],
        "jobs": [800, 300, 900],
        "source": ["démo"] * 3,
        "definition": ["d"] * 3,
    }
)


def _axes(figure) -> list:
    return [*figure.select_xaxes(), *figure.select_yaxes()]


def _percent_axes(figure) -> list:
    return [axis for axis in _axes(figure) if axis.ticktext and "%" in "".join(axis.ticktext)]


def _no_plotly_percent(figure) -> None:
    assert not [axis.tickformat for axis in _axes(figure) if axis.tickformat and "%" in axis.tickformat]


def test_percent_ticks_are_french_percents():
    ticks = kpi.percent_ticks(0.7)
    assert ticks["tickvals"] == [0, 0.2, 0.4, 0.6]
    assert ticks["ticktext"] == [f"0{NBSP}%", f"20{NBSP}%", f"40{NBSP}%", f"60{NBSP}%"]
    # a tick at the very top of a panel would be read as part of its title; a full share axis keeps 100 %
    assert kpi.percent_ticks(1.0)["ticktext"][-1] == f"80{NBSP}%"
    assert kpi.percent_ticks(1.0, room_at_top=False)["ticktext"][-1] == f"100{NBSP}%"
    # steps finer than a point keep their decimal, with a French comma
    assert kpi.percent_ticks(0.012)["ticktext"][:2] == [f"0,0{NBSP}%", f"0,5{NBSP}%"]
    assert kpi.percent_ticks(float("nan"))["ticktext"] == [f"0{NBSP}%"]


def test_the_figures_percent_axes_use_them():
    by_region = pd.DataFrame(
        {"region": ["Normandie", "Île-de-France"], **{c: [0.55, 0.2] for c in kpi.REGION_PANELS}}
    )
    panels = kpi.region_panels(by_region, REGIONS)
    _no_plotly_percent(panels)
    axes = _percent_axes(panels)
    assert len(axes) == 3  # success rate, share in region, link coverage
    assert all(axis.ticktext[-1] == f"60{NBSP}%" and axis.range[1] >= 0.6 for axis in axes)

    by_edition = pd.DataFrame(
        {"edition": [2023, 2024], "region": ["Normandie", "Normandie"], "success_rate": [0.4, 0.6]}
    )
    editions = kpi.editions(by_edition, "success_rate", REGIONS)
    _no_plotly_percent(editions)
    [axis] = _percent_axes(editions)
    assert axis.ticktext[-1] == f"60{NBSP}%" and axis.range[1] >= 0.6

    origin = pd.DataFrame(
        {
            "region": ["Normandie"],
            "share_in_region": [0.5],
            "share_in_france": [0.3],
            "share_abroad": [0.2],
            "retained_in_region": [5],
            "retained_in_france": [3],
            "retained_abroad": [2],
            "suppliers_retained": [10],
        }
    )
    figure = kpi.supplier_origin(origin, REGIONS)
    _no_plotly_percent(figure)
    assert _percent_axes(figure)[0].ticktext[-1] == f"100{NBSP}%"

    by_region = pd.DataFrame(
        {"region": ["Normandie", "Île-de-France"], **{key: [0.6, 0.3] for key in outcomes.PANELS}}
    )
    figure = outcomes.outcome_panels(by_region, REGIONS)
    _no_plotly_percent(figure)
    [axis] = _percent_axes(figure)  # success rate
    assert axis.ticktext[-1] == f"60{NBSP}%"

    shares = ind.division_shares(STATS, by="region", within=REGIONS.codes)
    structure = industry.division_structure_figure(shares, "Source : démo, 2023", REGIONS)
    _no_plotly_percent(structure)
    assert _percent_axes(structure)[0].ticktext[-1] == f"100{NBSP}%"
    # the hover reads « 12,3 % » too, not plotly's « 12,3% »
    assert all(t.hovertemplate.count("%{customdata}") == 1 for t in structure.data)
    assert all(text.endswith(f"{NBSP}%") and "," in text for text in structure.data[0].customdata)
