"""Former commune codes (communes merged into a commune nouvelle) and the current commune they belong to.

Read from data/communes_anciennes.csv (built by `reindus build-geodata`, see data/README.md).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from reindus.config import DATA_DIR


@cache
def _former() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "communes_anciennes.csv", dtype=str, keep_default_na=False)


def former_communes() -> pd.DataFrame:
    """Columns `code` (former commune), `commune` (current commune), `nom` (former name)."""
    return _former().copy()
