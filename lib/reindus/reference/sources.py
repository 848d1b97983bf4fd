"""Where a row comes from, as far as the screen must warn about it: fictitious sources.

Every table that holds data rows has a `source`. Two sources are fictitious: the demo
(`reindus demo`, « démo ») and the synthetic register (`reindus register synth`, « synthétique »).
Every page shows the demo banner when a figure on screen comes from one of them, and asks only
`is_fictitious` / `any_fictitious` whether it does.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

DEMO_SOURCE = "démo"
SYNTH_SOURCE = "synthétique"
FICTITIOUS_SOURCES: frozenset[str] = frozenset({DEMO_SOURCE, SYNTH_SOURCE})


def is_fictitious(source: object) -> bool:
    """Whether one source is fictitious (demo or synthetic)."""
    return isinstance(source, str) and source in FICTITIOUS_SOURCES


def any_fictitious(sources: Iterable[object] | pd.Series) -> bool:
    """Whether any of the sources is fictitious (a column of sources, or a few of them)."""
    if isinstance(sources, pd.Series | pd.Index):
        return bool(sources.isin(FICTITIOUS_SOURCES).any())
    return any(is_fictitious(s) for s in sources)
