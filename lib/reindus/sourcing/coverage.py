"""When a supply-chain link counts as covered, and what the region's fabric offers it: one owner each.

- Covered: at least one of the link's shortlisted suppliers is qualified or retained
  (`QUALIFIED_STATUSES`). The KPIs (`metrics.project_facts.links_covered`), the project detail, the
  pitch card and the supply-chain page all read it from `supplier_counts` / `covered_links`.
- A shortlist a viewer may not see (`reindus.programme.public`: the public, and a coach for another
  region's projects) reaches them as no entries and, on each link, the coverage the server worked out
  (`WITHHELD`, `COVERED`, `COVERED_IN_REGION`, from `coverage_flags`); `link_suppliers` reads either.
- Regional capability: how many establishments of the link's activities the project's region has,
  from the register's counts per département (`regional_and_national`); a link whose region has none
  is a capability gap, one whose region has some is « couvert par la région » on Industrie régionale.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from reindus.reference.programme import CONTACTED_STATUSES, QUALIFIED_STATUSES, ShortlistStatus

SUPPLIER_COUNT_COLUMNS: tuple[str, ...] = ("identified", "shortlisted", "contacted", "qualified", "retained")
# Columns of a links frame whose shortlists are withheld from the viewer.
WITHHELD = "shortlist_withheld"
COVERED = "covered"
COVERED_IN_REGION = "covered_in_region"


def is_covered(qualified: pd.Series | int) -> pd.Series | bool:
    """A link with `qualified` suppliers qualified or retained is covered when there is at least one."""
    return qualified > 0


def supplier_counts(shortlist: pd.DataFrame, link_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Per link (indexed by link id): `identified` (every entry), `shortlisted` (not écarté),
    `contacted` (contacté, qualifié or retenu), `qualified` (qualifié or retenu), `retained`, and
    `covered`. With `link_ids`, exactly those links, zeros where a link has no entry."""
    status = shortlist["status"]
    flags = pd.DataFrame(
        {
            "link_id": shortlist["link_id"].to_numpy(),
            "identified": 1,
            "shortlisted": (status != ShortlistStatus.RULED_OUT).to_numpy(),
            "contacted": status.isin(CONTACTED_STATUSES).to_numpy(),
            "qualified": status.isin(QUALIFIED_STATUSES).to_numpy(),
            "retained": (status == ShortlistStatus.RETAINED).to_numpy(),
        }
    )
    counts = flags.groupby("link_id")[list(SUPPLIER_COUNT_COLUMNS)].sum()
    if link_ids is not None:
        counts = counts.reindex(list(link_ids), fill_value=0)
    counts = counts.astype(int)
    counts["covered"] = is_covered(counts["qualified"]).astype(bool)
    return counts


def coverage_flags(links: pd.DataFrame, shortlist: pd.DataFrame, region_of: pd.Series) -> pd.DataFrame:
    """Per link of `links` (indexed by link id): `covered`, and `covered_in_region` (a supplier qualified or
    retained in the project's region, `region_of`: project id → region code)."""
    ids = links["id"]
    home = shortlist["project_id"].map(region_of)
    regional = shortlist[shortlist["supplier_region_code"].to_numpy() == home.to_numpy()]
    return pd.DataFrame(
        {
            COVERED: supplier_counts(shortlist, ids)["covered"],
            COVERED_IN_REGION: supplier_counts(regional, ids)["covered"],
        }
    )


def link_suppliers(links: pd.DataFrame, shortlist: pd.DataFrame) -> pd.DataFrame:
    """`supplier_counts` of `links` (indexed by link id), as the viewer may see them: where a link's
    shortlist is withheld (`WITHHELD`), no counts (NaN) and the coverage kept on the link."""
    counts = supplier_counts(shortlist, links["id"])
    if WITHHELD not in links:
        return counts
    kept = links.set_index("id")
    hidden = kept[WITHHELD].astype(bool).reindex(counts.index, fill_value=False)
    counts[list(SUPPLIER_COUNT_COLUMNS)] = counts[list(SUPPLIER_COUNT_COLUMNS)].astype(float)
    counts.loc[hidden, list(SUPPLIER_COUNT_COLUMNS)] = float("nan")
    counts.loc[hidden, "covered"] = kept.loc[hidden[hidden].index, COVERED].astype(bool)
    return counts


def covered_links(shortlist: pd.DataFrame) -> pd.Index:
    """The ids of the links covered by their shortlist."""
    counts = supplier_counts(shortlist)
    return counts.index[counts["covered"]]


def regional_and_national(counts: pd.DataFrame | None, regional: Iterable[str]) -> tuple[int, int]:
    """(establishments in the region's `regional` départements, in France) from a register
    `counts_by_departement` frame for a link's activities; (0, 0) without counts."""
    if counts is None or counts.empty:
        return 0, 0
    values = counts["establishments"].astype(int)
    return int(values[counts["departement"].isin(set(regional))].sum()), int(values.sum())
