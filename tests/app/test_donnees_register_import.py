"""« Données » shows what the last register import left out of the register, by reason."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from reindus.ingest import establishments
from reindus.store.db import make_engine
from tests.fixtures.sirene import ESTABLISHMENT_2025_12, establishment, write_csv

ROOT = Path(__file__).resolve().parents[2]


def test_donnees_lists_the_skipped_lines_of_the_last_register_import(demo_home, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    for name in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / name, home / name)
    monkeypatch.setenv("REINDUS_HOME", str(home))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    rows = [
        establishment("00032517", 1, naf="74.1G", nomenclature="NAFRev1", state="F", band="NN"),
        establishment("00032517", 2, naf="6411", nomenclature="NAP", state="F", band=""),
        establishment("00032521", 1, commune="98735", lambert=("", "")),  # Papeete
        establishment("55203253", 1, usual_name="Tissage de Rouen"),
    ]
    path = write_csv(tmp_path / "Stock_*mars*.csv", rows, ESTABLISHMENT_2025_12)
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    try:
        result = establishments.run_import_path(
            path, engine=engine, actor="t", register_path=home / "register.duckdb"
        )
    finally:
        engine.dispose()
    assert result.applied, result.problems.lines()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/donnees.py")
    at.run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if "Dernier import du registre" in c.value)
    # The file name is data: its markdown characters are escaped, never interpreted.
    assert r"Stock\_\*mars\*\.csv" in caption and "4 ligne(s) lue(s), 3 hors du registre" in caption
    skipped = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    by_reason = dict(zip(skipped["reason"], skipped["rows"], strict=True))
    assert by_reason == {
        establishments.SKIP_REASONS["old_nomenclature"]: 2,
        establishments.SKIP_REASONS["overseas_collectivity"]: 1,
    }
