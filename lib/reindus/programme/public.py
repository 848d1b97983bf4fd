"""What may be shown in public (workshops, the hackathon, a screen in a hall), decided on the server.

The confidential fields are declared here and only here. In atelier mode the ui layer asks these
functions for its data, so a confidential value never reaches the browser, whatever the page does:
- no amounts of investment or funding per company, no coach names, no SIREN;
- no shortlist: of a project's sourcing, only whether each link is covered (a supplier qualified or
  retained) and covered in its region; no entry, status or count per link or per project
  (`withhold_shortlists`). Aggregates over projects follow the rule of every aggregate;
- project names and descriptions only for projects flagged public;
- aggregates over fewer than MIN_PUBLIC_COUNT projects suppressed, and so are observations recorded by
  fewer of them;
- sums of money (investment, funding) only where no combination of the figures a screen can show gives
  the amounts of fewer than MIN_PUBLIC_COUNT companies (`amount_grid`).
`shown_aggregates` applies the last two to every aggregate table the pages, the carousel and their charts
show: one rule, here.

`scoped_programme` / `scoped_facts` apply the same rule per viewer (reindus.auth.Scope): everything for
the administrateur and the présidence, the public view for the anonymous, and for a coach the full detail
of the projects of their regions with the other projects' rows as in public (confidential cells blank,
shortlists withheld).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reindus.programme.data import ProgrammeData
from reindus.programme.metrics import SHORTLIST_COUNT_COLUMNS
from reindus.sourcing import coverage

if TYPE_CHECKING:
    from reindus.auth import Scope

# Columns that never leave the server in atelier mode, whatever frame they appear in.
CONFIDENTIAL_COLUMNS: frozenset[str] = frozenset(
    {
        # projects and per-project facts
        "siren",
        "coach",
        "coach_id",
        "email",
        "planned_investment",
        "committed_investment",
        "investment",
        "investment_committed",
        "funding_requested",
        "funding_granted",
        "funding_paid",
        # funding applications
        "amount_requested",
        "amount_granted",
        "amount_paid",
        # shortlists
        "siret",
        "supplier_name",
        "supplier_commune",
        "note",
        # a project's counts of shortlist entries: its shortlist, in figures
        *SHORTLIST_COUNT_COLUMNS,
    }
)
# Columns of a project's identity, shown only when the project is flagged public.
PROJECT_IDENTITY_COLUMNS: tuple[str, ...] = ("name", "description")
# Aggregates (counts, sums, shares) over fewer projects than this are not shown in public.
MIN_PUBLIC_COUNT = 3
ANONYMOUS_PROJECT = "Projet n° {id} (non public)"


GridFigure = tuple[int | None, str | None]  # (an edition, or None: all) × (a region's code, or None: all)


def amount_grid(facts: pd.DataFrame, column: str, known: frozenset = frozenset()) -> frozenset[GridFigure]:
    """The sums of `column` a screen may show beyond the viewer's regions: figures of the edition × region
    grid (one edition or all × one region or all), none under a sector or status filter nor for several
    regions together (`shown_aggregates`).

    Suppressing small groups does not stop subtraction (Île-de-France 2023 minus its « terminé » projects
    was one company's planned investment), nor addition (a total shown beside every region but one
    gives that one away). So, counting as contributors the projects with a non-zero amount:
    - a figure rests on at least MIN_PUBLIC_COUNT contributors, and what it leaves out of any other figure
      shown, or that one of it, is none or at least MIN_PUBLIC_COUNT of them;
    - no sum of amounts of fewer than MIN_PUBLIC_COUNT contributors is a combination of figures shown
      (the screens' totals, regions and editions add and subtract);
    figures are withdrawn, the narrowest first (the programme's total last), until both hold.
    `facts` are the whole programme's per-project facts (`project_id`, `edition`, `region_code`, `column`).
    A coach already knows the amounts of their regions' projects (`known` ids): only the others count as
    contributors, and a figure made of their projects alone is theirs to see."""
    editions = tuple(sorted(int(e) for e in facts["edition"].dropna().unique()))
    regions = tuple(sorted(str(r) for r in facts["region_code"].dropna().unique()))
    cells = pd.MultiIndex.from_product([editions, regions], names=["edition", "region_code"])
    others = ~facts["project_id"].isin(known)
    flags = pd.DataFrame({"given": (facts[column].fillna(0) != 0) & others, "others": others, "projects": 1})
    counts = flags.groupby([facts["edition"], facts["region_code"]]).sum().reindex(cells, fill_value=0)
    return _allowed_figures(editions, regions, *(tuple(int(v) for v in counts[c]) for c in flags.columns))


@lru_cache(maxsize=512)
def _allowed_figures(
    editions: tuple[int, ...],
    regions: tuple[str, ...],
    contributors: tuple[int, ...],
    others: tuple[int, ...],
    projects: tuple[int, ...],
) -> frozenset[GridFigure]:
    """`amount_grid` on the grid's counts per cell (edition-major): the same counts, the same answer."""
    cells = [(e, r) for e in editions for r in regions]
    counts = {name: dict(zip(cells, values, strict=True)) for name, values in
              (("given", contributors), ("others", others), ("projects", projects))}  # fmt: skip
    figures: list[GridFigure] = [*cells, *((e, None) for e in editions), *((None, r) for r in regions)]
    figures.append((None, None))
    members = {
        f: frozenset(c for c in cells if f[0] in (None, c[0]) and f[1] in (None, c[1])) for f in figures
    }

    def total(cells_: frozenset, what: str = "given") -> int:
        return sum(counts[what][c] for c in cells_)

    def own(f: GridFigure) -> bool:  # a coach's projects only
        return total(members[f], "projects") > 0 and total(members[f], "others") == 0

    shown = [f for f in figures if total(members[f]) >= MIN_PUBLIC_COUNT or own(f)]

    def weight(f: GridFigure) -> tuple:
        # withdrawn first: the narrowest (a cell before a region's or an edition's total, the programme's
        # total last: the cards' headline), then the one on the fewest contributors
        return (len(members[f]), total(members[f]), figures.index(f))

    while (culprits := _leak(shown, members, counts["given"])) is not None:
        shown.remove(min(culprits, key=weight))
    return frozenset(shown)


def _few(n: int) -> bool:
    return 0 < n < MIN_PUBLIC_COUNT


def _leak(
    shown: list[GridFigure], members: dict[GridFigure, frozenset], given: dict
) -> list[GridFigure] | None:
    """Figures of `shown` of which one must go for no company's amount to be derivable, or None."""

    def total(cells: frozenset) -> int:
        return sum(given[c] for c in cells)

    for x, y in combinations(shown, 2):
        if _few(total(members[x] - members[y])) or _few(total(members[y] - members[x])):
            return [x, y]
    unknown = [c for c, n in given.items() if n > 0]
    if not shown or not unknown:
        return None
    rows = np.array([[c in members[f] for c in unknown] for f in shown], dtype=float)
    rank = np.linalg.matrix_rank(rows)
    singles = [frozenset({c}) for c in unknown if _few(given[c])]
    pairs = [frozenset({a, b}) for a, b in combinations(unknown, 2) if _few(given[a] + given[b])]
    for secret in singles + pairs:
        vector = np.array([[c in secret for c in unknown]], dtype=float)
        if np.linalg.matrix_rank(np.vstack([rows, vector])) > rank:
            continue  # not a combination of the figures shown
        culprits = []
        for i, f in enumerate(shown):
            rest = np.delete(rows, i, axis=0)
            if np.linalg.matrix_rank(np.vstack([rest, vector])) > np.linalg.matrix_rank(rest):
                culprits.append(f)
        if culprits:  # one of them withdrawn, the secret is no longer derivable
            return culprits
        # derivable in several ways: withdraw a figure of one of them, the loop comes back for the others
        weights, *_ = np.linalg.lstsq(rows.T, vector[0], rcond=None)
        return [f for f, w in zip(shown, weights, strict=True) if abs(w) > 1e-9]
    return None


def amounts_allowed(
    facts: pd.DataFrame,
    edition: int | None,
    region_code: str | None,
    column: str,
    known: frozenset = frozenset(),
) -> bool:
    """Whether the sum of `column` over one edition (or all) × one region (or all) may be shown beyond
    the viewer's regions (`amount_grid`)."""
    return (edition, region_code) in amount_grid(facts, column, known)


def shown_aggregates(
    table: pd.DataFrame,
    facts: pd.DataFrame,
    chosen: pd.DataFrame,
    filters,
    amounts: Iterable[str],
    open_regions: frozenset[str] | None,
    grids: dict | None = None,
) -> pd.DataFrame:
    """THE rule of what a screen shows of an aggregate table (one total row, or rows by `region` and/or
    `edition`) of the selection `filters` (its projects: `chosen`), to a viewer who sees the detail of
    the regions named `open_regions` (None: every region, the table as it is; empty: the public).

    On the rows that count projects beyond those regions (`guarded_rows`):
    - a group of fewer than MIN_PUBLIC_COUNT projects loses every figure;
    - an observation recorded by fewer than MIN_PUBLIC_COUNT projects (a column `X` with its count
      `X_reported`) is withheld: it would be a company's own figure;
    - sums of money (`amounts`) only for a figure of the edition × region grid that `amount_grid`
      allows: none under a sector, status or coach filter, nor for several regions together.
    A withheld figure is NaN with its `<column>_withheld` True, so that it reads « — » and not
    « non renseigné ». Cards, charts, tables and the carousel all show tables that went through here.
    `facts`: the whole programme's per-project facts, with the columns of `amounts`; `grids`: a dict
    keeping their `amount_grid`s between the calls of one view (the same facts, the same scope)."""
    if open_regions is None:
        return table
    within = bool(open_regions) and bool(chosen["region"].isin(open_regions).all())
    guarded = guarded_rows(table, open_regions, within).to_numpy()
    out = table.copy()
    numeric = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c != "edition"]
    out[numeric] = out[numeric].astype(float)
    withheld = pd.DataFrame(False, index=out.index, columns=numeric)
    withheld.loc[(out["projects"] < MIN_PUBLIC_COUNT).to_numpy() & guarded, :] = True
    for column in numeric:
        if f"{column}_reported" in out:
            withheld[column] |= (out[f"{column}_reported"] < MIN_PUBLIC_COUNT).to_numpy() & guarded
    known = frozenset(facts.loc[facts["region"].isin(open_regions), "project_id"])
    grids = {} if grids is None else grids
    for column in amounts:
        if column in out and column not in grids:
            grids[column] = amount_grid(facts, column, known)
    kept = {c: grids[c] for c in amounts if c in out}
    for index, figure in _grid_figures(out, facts, filters, guarded) if kept else ():
        for column, allowed in kept.items():
            if figure not in allowed:
                withheld.loc[index, column] = True
    for column in numeric:
        if withheld[column].any():
            out.loc[withheld[column], column] = float("nan")
            out[f"{column}_withheld"] = withheld[column]
    return out


def _grid_figures(table: pd.DataFrame, facts: pd.DataFrame, filters, guarded) -> list[tuple]:
    """(index, grid figure) of the `guarded` rows of an aggregate table of the selection `filters`; the
    figure is None where the row is not one of the grid (a sector, status or coach filter, or several
    regions together)."""
    grid_only = not (filters.naf or filters.statuses or filters.coaches)
    codes = dict(zip(facts["region"], facts["region_code"], strict=False))
    single = filters.regions[0] if len(filters.regions) == 1 else None
    out = []
    for position, (index, row) in enumerate(table.iterrows()):
        if not guarded[position]:
            continue
        edition = int(row["edition"]) if "edition" in table and pd.notna(row["edition"]) else filters.edition
        if "region" in table:
            possible, region = grid_only, codes.get(row["region"])
        else:
            possible, region = grid_only and len(filters.regions) <= 1, single
        out.append((index, (edition, region) if possible else None))
    return out


def is_public(projects: pd.DataFrame) -> pd.Series:
    """Whether each project is flagged public; a missing flag is not public."""
    return projects["public"].fillna(False).astype(bool)


def public_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects flagged public, the only ones a shared screen may offer to choose."""
    return projects[is_public(projects)]


def anonymous_name(project_id: object) -> str:
    """« Projet n° 12 (non public) »: the name shown in public for a project not flagged public."""
    return ANONYMOUS_PROJECT.format(id=project_id)


def strip(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without its confidential columns."""
    return frame.drop(columns=[c for c in frame.columns if c in CONFIDENTIAL_COLUMNS])


def mask_projects(projects: pd.DataFrame, id_column: str = "id") -> pd.DataFrame:
    """Names and descriptions of projects not flagged public replaced by an anonymous label."""
    out = strip(projects).copy()
    hidden = ~is_public(out)
    if "name" in out:
        out.loc[hidden, "name"] = [anonymous_name(i) for i in out.loc[hidden, id_column]]
    if "description" in out:
        out.loc[hidden, "description"] = ""
    return out


def withhold_shortlists(
    data: ProgrammeData, hidden: pd.Series, links: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(links, shortlist) with the shortlists of the projects flagged in `hidden` (by project id) withheld:
    their entries dropped, their links marked `coverage.WITHHELD` and carrying their coverage
    (`coverage.coverage_flags`, worked out here from the whole shortlist). A per-link count (« 3
    identifiés · 1 retenu ») tells a company's sourcing as much as the names do. `links`: the links frame
    to mark (default `data.links`)."""
    links = data.links if links is None else links
    flags = coverage.coverage_flags(
        data.links, data.shortlist, data.projects.set_index("id")["region_code"]
    ).reindex(links["id"])
    marked = links.assign(
        **{
            coverage.WITHHELD: links["project_id"].map(hidden).fillna(True).astype(bool).to_numpy(),
            coverage.COVERED: flags[coverage.COVERED].fillna(False).astype(bool).to_numpy(),
            coverage.COVERED_IN_REGION: flags[coverage.COVERED_IN_REGION]
            .fillna(False)
            .astype(bool)
            .to_numpy(),
        }
    )
    kept = ~data.shortlist["project_id"].map(hidden).fillna(True).astype(bool)
    return marked, data.shortlist[kept]


def public_programme(data: ProgrammeData) -> ProgrammeData:
    """The programme as it may be shown in public: same rows but no shortlist entry, confidential fields
    removed."""
    everyone = pd.Series(True, index=data.projects["id"].to_numpy())
    links, shortlist = withhold_shortlists(data, everyone, strip(data.links))
    return replace(
        data,
        projects=mask_projects(data.projects),
        milestones=strip(data.milestones),
        links=links,
        shortlist=strip(shortlist),
        applications=strip(data.applications),
    )


def public_facts(facts: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Per-project facts (metrics.project_facts) without per-company amounts, names masked as above."""
    flags = pd.Series(is_public(projects).to_numpy(), index=projects["id"].to_numpy())
    out = facts.assign(public=facts["project_id"].map(flags))
    return mask_projects(out, id_column="project_id")


def guarded_rows(
    table: pd.DataFrame, open_regions: frozenset[str] | None, within_open: bool = False
) -> pd.Series:
    """The rows of an aggregate table that follow the public rule for a scope whose confidential regions
    are named `open_regions` (None: every region): those of another region (by the `region` column) or,
    in a table without one, every row unless `within_open` (the selection holds only their projects)."""
    if open_regions is None:
        return pd.Series(False, index=table.index)
    if "region" in table:
        return ~table["region"].isin(open_regions)
    return pd.Series(not within_open, index=table.index)


def _blank(frame: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """The frame with its confidential cells emptied on `rows` (columns kept: other rows are shown)."""
    out = frame.copy()
    for column in CONFIDENTIAL_COLUMNS & set(out.columns):
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype(float)
            out.loc[rows, column] = float("nan")
        else:
            out[column] = out[column].astype(object)
            out.loc[rows, column] = None
    return out


def _mask_rows(projects: pd.DataFrame, rows: pd.Series, id_column: str) -> pd.DataFrame:
    out = _blank(projects, rows)
    hidden = rows & ~out["public"].fillna(False).astype(bool)
    if "name" in out:
        out.loc[hidden, "name"] = [ANONYMOUS_PROJECT.format(id=i) for i in out.loc[hidden, id_column]]
    if "description" in out:
        out.loc[hidden, "description"] = ""
    return out


def scoped_programme(data: ProgrammeData, scope: Scope) -> ProgrammeData:
    """The programme as `scope` may see it (see the module's docstring)."""
    regions = scope.confidential_regions
    if regions is None:
        return data
    if not regions:
        return public_programme(data)
    own = set(data.projects.loc[data.projects["region_code"].isin(regions), "id"])

    def others(frame: pd.DataFrame) -> pd.Series:
        return ~frame["project_id"].isin(own)

    hidden = pd.Series(~data.projects["id"].isin(own).to_numpy(), index=data.projects["id"].to_numpy())
    links, shortlist = withhold_shortlists(data, hidden, _blank(data.links, others(data.links)))
    return replace(
        data,
        projects=_mask_rows(data.projects, ~data.projects["id"].isin(own), "id"),
        milestones=_blank(data.milestones, others(data.milestones)),
        links=links,
        shortlist=shortlist,
        applications=_blank(data.applications, others(data.applications)),
    )


def scoped_facts(facts: pd.DataFrame, projects: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Per-project facts as `scope` may see them; `projects` is the whole programme's projects."""
    regions = scope.confidential_regions
    if regions is None:
        return facts
    if not regions:
        return public_facts(facts, projects)
    flags = projects.set_index("id")["public"]
    out = facts.assign(public=facts["project_id"].map(flags).fillna(False).astype(bool))
    return _mask_rows(out, ~out["region_code"].isin(regions), "project_id")
