"""What may be shown in public (workshops, the hackathon, a screen in a hall), decided on the server.

The confidential fields are declared here and only here. In atelier mode the ui layer asks these
functions for its data, so a confidential value never reaches the browser, whatever the page does:
- no amounts of investment or funding per company, no coach names, no SIREN;
- no shortlist: of a project's sourcing, only whether each link is covered (a supplier qualified or
  retained) and covered in its region; no entry, status or count per link or per project
  (`withhold_shortlists`). Aggregates over projects follow the rule of every aggregate;
- project names and descriptions only for projects flagged public;
- aggregates over fewer than MIN_PUBLIC_COUNT projects suppressed;
- amounts (investment, funding) only where no two figures a public screen can show differ by the amounts
  of fewer than MIN_PUBLIC_COUNT projects (`withhold_amounts`).

`scoped_programme` / `scoped_facts` apply the same rule per viewer (reindus.auth.Scope): everything for
the administrateur and the présidence, the public view for the anonymous, and for a coach the full detail
of the projects of their regions with the other projects' rows as in public (confidential cells blank,
shortlists withheld).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from reindus.programme.data import ProgrammeData
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
        # a project's counts of shortlist entries (metrics.project_facts): its shortlist, in figures
        "suppliers_identified",
        "suppliers_contacted",
        "suppliers_qualified",
        "suppliers_retained",
        "retained_in_region",
        "retained_in_france",
        "retained_abroad",
    }
)
# Columns of a project's identity, shown only when the project is flagged public.
PROJECT_IDENTITY_COLUMNS: tuple[str, ...] = ("name", "description")
# Aggregates (counts, sums, shares) over fewer projects than this are not shown in public.
MIN_PUBLIC_COUNT = 3
ANONYMOUS_PROJECT = "Projet n° {id} (non public)"


def amounts_allowed(
    facts: pd.DataFrame,
    edition: int | None,
    region_code: str | None,
    column: str,
    known: frozenset = frozenset(),
) -> bool:
    """Whether the sum of `column` over one edition (or all) × one region (or all) may be shown in public.

    Suppressing small groups does not stop subtraction: Île-de-France 2023 minus its « terminé » projects
    was one company's planned investment. So a public screen shows amounts only for the cells of the
    edition × region grid, never under a sector or status filter nor for several regions together, and a
    cell only when it has at least MIN_PUBLIC_COUNT contributors (projects with a non-zero amount) and
    so has what it leaves out of every wider cell of the grid — none, or at least MIN_PUBLIC_COUNT.
    `facts` are the whole programme's per-project facts (`project_id`, `edition`, `region_code`,
    `column`). A coach already knows the amounts of their regions' projects (`known` ids): only the
    others count as contributors, and a cell with none of them is theirs to see."""
    given = (facts[column].fillna(0) != 0) & ~facts["project_id"].isin(known)

    def contributors(e: int | None, r: str | None) -> int:
        mask = given
        if e is not None:
            mask = mask & (facts["edition"] == e)
        if r is not None:
            mask = mask & (facts["region_code"] == r)
        return int(mask.sum())

    cell = contributors(edition, region_code)
    if 0 < cell < MIN_PUBLIC_COUNT or (cell == 0 and not known):
        return False
    wider = {(None, region_code), (edition, None), (None, None)} - {(edition, region_code)}
    return all(not 0 < contributors(e, r) - cell < MIN_PUBLIC_COUNT for e, r in wider)


def withhold_amounts(
    table: pd.DataFrame,
    facts: pd.DataFrame,
    filters,
    columns: list[str],
    withheld_flags: bool = False,
    known: frozenset = frozenset(),
    rows: pd.Series | None = None,
) -> pd.DataFrame:
    """`table` (aggregates of the selection `filters`: one total row, or rows by `region` and/or
    `edition`) with the amounts in `columns` that `amounts_allowed` refuses set to NaN; with
    `withheld_flags`, their `<column>_withheld` set too (« — », not « non renseigné »). With `rows`
    (`guarded_rows`), only those rows; `known`: the projects whose amounts the viewer sees anyway."""
    out = table.copy()
    guarded = (
        pd.Series(True, index=out.index) if rows is None else pd.Series(rows.to_numpy(), index=out.index)
    )
    grid_only = not (filters.naf or filters.statuses or filters.coaches)
    codes = dict(zip(facts["region"], facts["region_code"], strict=False))
    single = filters.regions[0] if len(filters.regions) == 1 else None
    for index, row in out.iterrows():
        if not guarded[index]:
            continue
        edition = int(row["edition"]) if "edition" in out and pd.notna(row["edition"]) else filters.edition
        if "region" in out:
            region, possible = codes.get(row["region"]), grid_only
        else:
            region, possible = single, grid_only and len(filters.regions) <= 1
        for column in columns:
            if column in out and not (possible and amounts_allowed(facts, edition, region, column, known)):
                out[column] = out[column].astype(float)
                out.loc[index, column] = float("nan")
                if withheld_flags:
                    out.loc[index, f"{column}_withheld"] = True
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


def suppress_small(
    aggregates: pd.DataFrame,
    count_column: str = "projects",
    minimum: int = MIN_PUBLIC_COUNT,
    rows: pd.Series | None = None,
) -> pd.DataFrame:
    """Aggregates over fewer than `minimum` projects lose every figure (NaN, shown « — »); only among
    `rows` when given (the groups a scope may not see in detail).

    The grouping columns (non-numeric) stay, so the reader sees that a group exists but is too small.
    """
    out = aggregates.copy()
    small = out[count_column] < minimum
    if rows is not None:
        small &= rows.to_numpy()
    numeric = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c != "edition"]
    out[numeric] = out[numeric].astype(float)
    out.loc[small, numeric] = float("nan")
    return out


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
