"""Text shown around the figures: sources and years in captions, data text made safe for markdown."""

from __future__ import annotations

import re

import pandas as pd

SOURCE_TEXT = "Source : base opérationnelle de l'accélérateur"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """Data text shown through markdown: every markdown character backslash-escaped (links, images, html)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def source_caption(has_demo: bool, years: str) -> str:
    """« Source : base opérationnelle de l'accélérateur (démo), éditions 2022–2026. »"""
    return f"{SOURCE_TEXT}{' (démo)' if has_demo else ''}, édition{'s' if '–' in years else ''} {years}."


def years_text(editions: pd.Series) -> str:
    """« 2026 », « 2022–2026 », or « — » for no edition."""
    values = sorted(pd.Series(editions).dropna().unique().tolist())
    if not values:
        return "—"
    return str(values[0]) if values[0] == values[-1] else f"{values[0]}–{values[-1]}"
