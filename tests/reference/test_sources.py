"""Fictitious sources: the one predicate behind every demo banner."""

from __future__ import annotations

import pandas as pd

from reindus.reference.sources import DEMO_SOURCE, SYNTH_SOURCE, any_fictitious, is_fictitious


def test_demo_and_synthetic_are_fictitious_real_sources_are_not():
    assert is_fictitious(DEMO_SOURCE) and is_fictitious(SYNTH_SOURCE)
    for real in ("SIRENE 2026-11", "import:projets.xlsx", "saisie", "URSSAF", "", None, float("nan")):
        assert not is_fictitious(real)
    # a source that merely mentions the demo is not the demo
    assert not is_fictitious("import:démo-corrigée.xlsx")


def test_any_fictitious_over_a_column_or_a_few_sources():
    assert any_fictitious(pd.Series(["saisie", SYNTH_SOURCE]))
    assert not any_fictitious(pd.Series(["saisie", None], dtype=object))
    assert not any_fictitious(pd.Series([], dtype=str))
    assert any_fictitious(["URSSAF", DEMO_SOURCE]) and not any_fictitious(["URSSAF"])
