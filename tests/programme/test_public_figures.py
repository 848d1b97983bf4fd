"""One rule for the sums of money a screen shows beyond the viewer's regions (`public.shown_aggregates`).

The dashboard's cards hid every funding total (« — ») while its regional chart and table showed each
region's, whose sum is that total: two rules disagreed. Now the totals, the regions side by side and the
editions follow one grid rule, and what one figure withholds the others do not give away by addition."""

from __future__ import annotations

import pandas as pd
import pytest

from reindus.auth import ANONYMOUS_SCOPE, Role, Scope
from reindus.programme import kpi_definitions, metrics, public, regions, views
from reindus.programme.data import load_programme
from reindus.programme.selection import Filters, project_mask
from reindus.store.db import make_engine

# The sums of money the dashboard's cards and « Prévu, décidé, constaté »'s both show.
SAME_SUMS = ("investment", "funding_requested", "funding_granted", "funding_paid")
COACH = Scope(Role.CONSEILLER, frozenset({"28"}))


def _facts(cells: dict[tuple[int, str], int], column: str = "investment") -> pd.DataFrame:
    """Per-project facts with `n` projects of 100 000 € in each (edition, region code) cell."""
    rows = [(e, r) for (e, r), n in cells.items() for _ in range(n)]
    return pd.DataFrame(
        {
            "project_id": range(len(rows)),
            "edition": [e for e, _ in rows],
            "region_code": [r for _, r in rows],
            "region": [f"Région {r}" for _, r in rows],
            column: 100_000.0,
        }
    )


def test_a_total_beside_every_region_but_one_does_not_give_that_one_away():
    """A(4) + B(4) + C(2) = total: showing the total, A and B (each well above 3) told C's 2 companies'
    sum — subtraction the old pairwise rule did not see."""
    facts = _facts({(2023, "A"): 4, (2023, "B"): 4, (2023, "C"): 2})
    grid = public.amount_grid(facts, "investment")
    assert (2023, "C") not in grid
    regions_shown = {r for r in "ABC" if (2023, r) in grid}
    assert not ((2023, None) in grid and regions_shown == {"A", "B"}), grid


def test_two_single_companies_are_not_left_as_a_difference():
    """C(1) and D(1): their sum, total − A − B, is two companies' (each knows its own)."""
    facts = _facts({(2023, "A"): 4, (2023, "B"): 4, (2023, "C"): 1, (2023, "D"): 1})
    grid = public.amount_grid(facts, "investment")
    shown = {r for r in "ABCD" if (2023, r) in grid}
    assert not ((2023, None) in grid and shown == {"A", "B"}), grid
    assert grid, "figures resting on enough companies stay"


def test_a_coach_sees_the_figures_of_their_own_projects():
    facts = _facts({(2023, "A"): 2, (2023, "B"): 4, (2023, "C"): 4})
    known = frozenset(facts.loc[facts["region_code"] == "A", "project_id"])
    assert (2023, "A") not in public.amount_grid(facts, "investment")
    assert (2023, "A") in public.amount_grid(facts, "investment", known)


@pytest.fixture(scope="module")
def demo(demo_home):
    engine = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    data, programme_regions = load_programme(engine), regions.load(engine)
    engine.dispose()
    return data, programme_regions


def _shown(value) -> bool:
    return pd.notna(value)


@pytest.mark.parametrize("scope", [ANONYMOUS_SCOPE, COACH], ids=["public", "coach-normandie"])
def test_totals_regions_and_editions_follow_one_rule(demo, scope):
    data, programme_regions = demo
    facts = metrics.project_facts(data)
    scope_facts = public.scoped_facts(facts, data.projects, scope)
    open_regions = views.open_region_names(scope)
    known = set(facts.loc[facts["region"].isin(open_regions), "project_id"])
    codes = sorted(set(facts["region_code"]))
    editions = [None, *sorted(int(e) for e in facts["edition"].unique())]
    funding_shown = False
    for edition in editions:
        for region in [None, *codes]:
            filters = Filters(edition=edition, regions=() if region is None else (region,))
            chosen = facts[project_mask(facts, filters)]
            if chosen.empty:
                continue
            order = programme_regions.order_names(chosen["region"].dropna())
            board = views.dashboard(facts, scope_facts, filters, programme_regions, scope)
            outcome = kpi_definitions.outcome_view(facts, filters, order, open_regions=open_regions)

            def contributors(rows: pd.DataFrame, column: str) -> int:
                return int(((rows[column].fillna(0) != 0) & ~rows["project_id"].isin(known)).sum())

            for column in SAME_SUMS:
                where = (filters, column)
                # one rule: the cards of both sections, and their regions, show the same sums
                assert _shown(board.total[column]) == _shown(outcome.total[column]), where
                if _shown(board.total[column]):
                    assert board.total[column] == pytest.approx(outcome.total[column])
                    funding_shown |= column.startswith("funding")
                by_region = board.by_region.set_index("region")[column]
                other = outcome.by_region.set_index("region")[column]
                assert by_region.notna().equals(other.reindex(by_region.index).notna()), where
                # the total and the parts it is the sum of: no figure hidden that the others give away
                if region is None:  # the regions side by side
                    parts, key = board.by_region, "region"
                elif edition is None:  # one region, edition by edition
                    parts, key = board.by_edition_region, "edition"
                else:
                    continue
                hidden_contributors = sum(
                    contributors(chosen[chosen[key] == part[key]], column)
                    for _, part in parts.iterrows()
                    if not _shown(part[column])
                )
                if _shown(board.total[column]):
                    assert not public.MIN_PUBLIC_COUNT > hidden_contributors > 0, where  # total − shown parts
                else:
                    assert hidden_contributors > 0 or contributors(chosen, column) == 0, where  # sum of parts
    assert funding_shown, "funding totals are shown where the grid allows them (no blanket « — »)"
