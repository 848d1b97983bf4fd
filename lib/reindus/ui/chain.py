"""Sections of « Chaîne d'approvisionnement » that read the register: suppliers closed since they were
shortlisted, and the NAF rév. 2 → NAF 2025 correspondence observed for the chain's codes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus.auth import Scope
from reindus.sourcing import candidates as sourcing
from reindus.text.safe import md_text
from reindus.ui import data, tables

COVERAGE_COLUMNS = [
    "position",
    "tier_label",
    "label",
    "naf",
    "regional_candidates",
    "national_candidates",
    "shortlisted",
    "qualified",
    "regional_qualified",
    "furthest_label",
    "gap",
]
SHORTLIST_COLUMNS = ("shortlisted", "qualified", "regional_qualified", "furthest_label")


def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """The chain's table (`sourcing.coverage` columns shown); without the shortlist's columns where the viewer
    may not see it (`reindus.programme.public` leaves them empty)."""
    return coverage[[c for c in COVERAGE_COLUMNS if c not in SHORTLIST_COLUMNS or coverage[c].notna().any()]]


def closed_suppliers(project_links: pd.DataFrame, source: str, scope: Scope) -> None:
    """A warning naming the shortlisted suppliers of these links closed since their shortlisting (those
    `scope` may see)."""
    closed = data.closed_shortlisted(scope)
    closed = closed[closed["link_id"].isin(project_links["id"])]
    if closed.empty:
        return
    st.warning(
        f"{len(closed)} fournisseur(s) présélectionné(s) fermé(s) depuis leur présélection : "
        + " ; ".join(
            f"{md_text(n)} ({md_text(c)})"
            for n, c in zip(closed["supplier_name"], closed["closure"], strict=True)
        )
        + f". Source : {md_text(source)}.",
        icon=":material/store:",
    )


def naf_correspondence(project_links: pd.DataFrame, source: str) -> None:
    """The observed correspondence of the chain's NAF rév. 2 codes, when the register is double-coded."""
    chain_terms = sourcing.search_terms(",".join(project_links["naf_codes"].dropna()))
    observed = data.naf_correspondence(chain_terms.codes)
    if observed.empty:
        return
    with st.expander("Correspondance observée NAF rév. 2 → NAF 2025 pour les codes de la chaîne"):
        tables.show(
            observed,
            hide_index=True,
            width="stretch",
            column_config={
                "naf": "NAF rév. 2",
                "naf_label": "Activité (rév. 2)",
                "naf25": "NAF 2025",
                "naf25_label": "Activité (2025)",
                "establishments": tables.count("Établissements"),
                "share": st.column_config.NumberColumn("Part", format="percent"),
            },
        )
        st.caption(
            "Établissements codés dans les deux nomenclatures par SIRENE (depuis décembre 2025) ; la part "
            "est celle du code rév. 2. Les codes ne se comparent jamais d'une version à l'autre. "
            f"Source : {md_text(source)}."
        )
