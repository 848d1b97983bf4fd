"""Text shown around the figures: sources and years in captions."""

from __future__ import annotations

import pandas as pd

SOURCE_TEXT = "Source : base opérationnelle de l'accélérateur"


def source_caption(has_demo: bool, years: str) -> str:
    """« Source : base opérationnelle de l'accélérateur (démo), éditions 2022–2026. »"""
    return f"{SOURCE_TEXT}{' (démo)' if has_demo else ''}, édition{'s' if '–' in years else ''} {years}."


def years_text(editions: pd.Series) -> str:
    """« 2026 », « 2022–2026 », or « — » for no edition."""
    values = sorted(pd.Series(editions).dropna().unique().tolist())
    if not values:
        return "—"
    return str(values[0]) if values[0] == values[-1] else f"{values[0]}–{values[-1]}"
