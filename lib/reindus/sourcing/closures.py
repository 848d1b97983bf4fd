"""Shortlisted suppliers that closed after they were shortlisted, from the register's monthly refresh.

A coach shortlists an establishment; next month's SIRENE stock says it closed (`etatAdministratif…= F`,
closed since `dateDebut`). The shortlist and the supply-chain page flag it « fermé depuis le … ».
"""

from __future__ import annotations

import pandas as pd

from reindus import register
from reindus.text import formats


def closure_label(closed_since) -> str:
    if closed_since is None or pd.isna(closed_since):
        return "fermé (date inconnue)"
    return f"fermé depuis le {formats.day(pd.Timestamp(closed_since).date())}"


def closed_entries(reg: register.RegisterLike, shortlist: pd.DataFrame) -> pd.DataFrame:
    """The shortlist entries (`id`, `siret`, `created_at` …) whose establishment the register says closed
    on or after the day it was shortlisted (or at an unknown date), with `closed_since` and `closure`
    (the French label). Entries without SIRET (suppliers abroad) or absent from the register are not."""
    columns = [*shortlist.columns, "closed_since", "closure"]
    entries = shortlist[shortlist["siret"].notna()]
    if entries.empty:
        return pd.DataFrame(columns=columns)
    closed = register.closures(reg, entries["siret"].unique())
    merged = entries.merge(closed, on="siret", how="inner")
    shortlisted = pd.to_datetime(merged["created_at"], utc=True).dt.tz_localize(None).dt.normalize()
    since = pd.to_datetime(merged["closed_since"])
    merged = merged[(since.isna() | (since >= shortlisted)).to_numpy()]
    merged = merged.assign(closure=merged["closed_since"].map(closure_label))
    return merged[columns].reset_index(drop=True)
