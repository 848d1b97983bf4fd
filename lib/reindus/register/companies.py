"""Companies of the register found by name or SIREN: what « Nouveau projet » offers the coach so that
the SIREN, commune and sector are taken from the register rather than typed.

A company (SIREN) is shown by one of its establishments: active first, then the lowest SIRET (the
head office usually has the first NIC). The name follows the register's one display rule
(`display_name_sql`): withheld establishments and sole traders (a person's name) are never offered.
"""

from __future__ import annotations

import re

import pandas as pd

from reindus.register.database import SOLE_TRADER, TABLE, Register, RegisterLike, display_name_sql

COMPANY_COLUMNS = ["siren", "name", "siret", "commune", "departement", "naf", "active", "establishments"]
MIN_TEXT = 3
MAX_RESULTS = 20


def find_companies(reg: RegisterLike, text: str, *, limit: int = MAX_RESULTS) -> pd.DataFrame:
    """Up to `limit` companies whose SIREN starts with the digits of `text`, or whose name contains
    `text` (case and accents as typed are ignored by DuckDB's `ilike` on case only); empty for fewer
    than MIN_TEXT characters."""
    query = str(text or "").strip()
    digits = re.sub(r"[\s.]", "", query)
    if len(query) < MIN_TEXT:
        return pd.DataFrame(columns=COMPANY_COLUMNS)
    shown, params = display_name_sql("t")
    if digits.isdigit():
        match, value = "t.siren LIKE ?", digits[:9] + "%"
    else:
        match, value = f"strip_accents(lower({shown})) LIKE strip_accents(lower(?))", f"%{query}%"
    sql = f"""
        WITH found AS (
            SELECT t.siren, {shown} AS name, t.siret, t.commune, t.departement, t.naf, t.active,
                   count(*) OVER (PARTITION BY t.siren) AS establishments,
                   row_number() OVER (PARTITION BY t.siren ORDER BY t.active DESC, t.siret) AS rank
            FROM {TABLE} t
            WHERE t.siren IS NOT NULL
              AND coalesce(t.diffusible, true) AND coalesce(t.legal_diffusible, true)
              AND coalesce(t.legal_category, '') <> ?
              AND {match}
        )
        SELECT {", ".join(COMPANY_COLUMNS)} FROM found
        WHERE rank = 1 AND name IS NOT NULL
        ORDER BY active DESC, establishments DESC, name, siren
        LIMIT ?
    """
    # the display rule's parameters appear once in the SELECT and, for a name search, once in WHERE
    args = [*params, SOLE_TRADER, *(params if not digits.isdigit() else []), value, int(limit)]
    con = reg.con if isinstance(reg, Register) else reg
    cur = con.cursor()
    try:
        return cur.execute(sql, args).df()
    finally:
        cur.close()
