"""No company's amount can be read off a public screen by subtracting two of its figures.

The filter combinations the atelier's filter bar (or its URL) can ask for — edition (or all) × no region,
one, two or every region × no/one status × no/one sector — are computed as the dashboard and « Prévu,
décidé, constaté » compute them in public. Every amount they would show (totals, previous edition, per
region, per edition × region) is kept with the projects it sums; then no figure is one project's amount
alone, and no difference of two figures of the same measure is the amount of a project that one of them
counts and the other does not (the probe: Île-de-France 2023 minus its « terminé » projects)."""

from __future__ import annotations

from itertools import combinations

import pandas as pd
import pytest

from reindus.auth import ANONYMOUS_SCOPE, Role, Scope
from reindus.programme import kpi_definitions, metrics, public, regions, views
from reindus.programme.data import load_programme
from reindus.programme.selection import Filters, project_mask
from reindus.store.db import make_engine
from reindus.ui.filters import options


@pytest.fixture(scope="module")
def demo(demo_home):
    engine = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    data = load_programme(engine)
    programme_regions = regions.load(engine)
    engine.dispose()
    return data, programme_regions


def _selections(data, programme_regions) -> list[Filters]:
    """Edition (or all) × region sets (none, one, two, all) × (no / one status / one NAF section)."""
    choices = options(data, programme_regions)
    codes = sorted(set(data.projects["region_code"].dropna()))
    region_sets = [(), *combinations(codes, 1), *combinations(codes, 2), tuple(codes)]
    narrowing = [{}] + [{"statuses": (s,)} for s in choices["statuses"]]
    narrowing += [{"naf": (n,)} for n in choices["naf"] if len(n) == 1]
    return [
        Filters(edition=e, regions=r, **extra)
        for e in choices["editions"]
        for r in region_sets
        for extra in (narrowing if len(r) <= 1 else [{}])
    ]


Figure = tuple[str, frozenset, float]  # measure, projects summed, value


def _figures(frame: pd.DataFrame, chosen: pd.DataFrame, columns) -> list[Figure]:
    """The amounts a table shows, each with the projects of its row (`region` / `edition` columns)."""
    out = []
    for _, row in frame.iterrows():
        rows = chosen
        for key in ("region", "edition"):
            if key in frame and pd.notna(row[key]):
                rows = rows[rows[key] == row[key]]
        ids = frozenset(rows["project_id"])
        out += [(c, ids, float(row[c])) for c in columns if c in frame and pd.notna(row[c]) and row[c]]
    return out


def _public_figures(data, programme_regions, scope) -> tuple[list[Figure], pd.DataFrame]:
    facts = metrics.project_facts(data)
    public_facts = public.scoped_facts(facts, data.projects, scope)
    order = programme_regions.order_names(facts["region"].dropna())
    figures: list[Figure] = []
    for filters in _selections(data, programme_regions):
        chosen = facts[project_mask(facts, filters)]
        if chosen.empty:
            continue
        board = views.dashboard(facts, public_facts, filters, programme_regions, scope)
        outcome = kpi_definitions.outcome_view(
            facts, filters, order, open_regions=views.open_region_names(scope)
        )
        for frame in (board.total.to_frame().T, board.by_region, board.by_edition_region):
            figures += _figures(frame, chosen, views.AMOUNT_COLUMNS)
        for frame in (outcome.total.to_frame().T, outcome.by_region):
            figures += _figures(frame, chosen, kpi_definitions.AMOUNTS)
        if board.previous is not None:
            before = facts[project_mask(facts, filters.with_edition(board.previous_edition))]
            figures += _figures(board.previous.to_frame().T, before, views.AMOUNT_COLUMNS)
            figures += _figures(outcome.previous.to_frame().T, before, kpi_definitions.AMOUNTS)
    return figures, facts


# A coach sees their regions' projects in full, the others as in public: the amounts they could not see
# must not be derivable either (they know their own, so those do not hide anybody's).
COACH = Scope(Role.CONSEILLER, frozenset({"28"}))


@pytest.mark.parametrize("scope", [ANONYMOUS_SCOPE, COACH], ids=["public", "coach-normandie"])
def test_no_company_amount_is_a_public_figure_or_the_difference_of_two(demo, scope):
    figures, facts = _public_figures(*demo, scope)
    known = set(facts.loc[facts["region_code"].isin(scope.confidential_regions or ()), "project_id"])
    assert "investment" in {c for c, _, _ in figures}, "amounts are shown somewhere"
    amount = {
        (c, p): v
        for c in {*views.AMOUNT_COLUMNS, *kpi_definitions.AMOUNTS}
        for p, v in zip(facts["project_id"], facts[c], strict=True)
    }

    def contributors(column: str, projects) -> list[int]:
        return [
            p
            for p in projects
            if p not in known and pd.notna(amount[(column, p)]) and amount[(column, p)] != 0
        ]

    def few(column: str, projects) -> bool:
        return 0 < len(contributors(column, projects)) < public.MIN_PUBLIC_COUNT

    distinct = sorted(set(figures), key=lambda f: (f[0], f[2]))
    # a figure that is one company's amount (or two's, whose sum each of them can undo)
    leaks = [(c, v, sorted(ids)) for c, ids, v in distinct if few(c, ids)]
    for (c1, a, x), (c2, b, y) in combinations(distinct, 2):
        # x - y = (what a counts and b does not) - (what b counts and a does not): either part resting
        # on fewer than MIN_PUBLIC_COUNT companies gives their amount away (the other part empty), or
        # nearly so; a company's amount met by chance in the difference of two large groups is not a leak
        if c1 == c2 and (few(c1, a - b) or few(c1, b - a)):
            exact = [p for p in contributors(c1, a ^ b) if abs(amount[(c1, p)] - abs(x - y)) < 0.5]
            leaks.append((c1, abs(x - y), exact or sorted(contributors(c1, a ^ b))))
    assert not leaks, (
        f"{len(leaks)} amounts of few companies derivable from {len(distinct)} public figures: {leaks[:5]}"
    )


def test_the_probe_s_differencing_is_refused(demo):
    """A region's edition narrowed by a status, a sector or to two regions shows no amount."""
    data, programme_regions = demo
    facts = metrics.project_facts(data)
    public_facts = public.scoped_facts(facts, data.projects, ANONYMOUS_SCOPE)
    # the biggest group of one region, edition and status: narrowed from its region's edition
    edition, code, status = facts.groupby(["edition", "region_code", "status"]).size().idxmax()
    assert public.amounts_allowed(facts, int(edition), code, "investment")  # shown without the status
    for narrowed in (
        Filters(edition=int(edition), regions=(code,), statuses=(status,)),
        Filters(edition=int(edition), regions=(code,), naf=("C",)),
        Filters(edition=int(edition), regions=tuple(sorted(set(facts["region_code"])))[:2]),
    ):
        board = views.dashboard(facts, public_facts, narrowed, programme_regions, ANONYMOUS_SCOPE)
        assert board.total[views.AMOUNT_COLUMNS].isna().all(), narrowed
    two = facts.head(2).assign(edition=2030, region_code="99")
    assert not public.amounts_allowed(two, None, None, "investment")  # under MIN_PUBLIC_COUNT contributors
