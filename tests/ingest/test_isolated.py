"""Uploads run in a child process with its own memory and time limits: the bombs are refused under a
1 GB address space, a child over its limits is stopped with a French message, and a page that goes
away stops its child."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from reindus.ingest import isolated, staging
from tests.ingest import bombs
from tests.support.ingest import db_checksum

GOOD = (bombs.PROJECT_HEADER + "\n" + bombs.PROJECT_ROW.format(i=1) + "\n").encode()


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _staging_left() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{staging.PREFIX}upload-*"))


@pytest.mark.parametrize(
    ("name", "build", "says"),
    [
        ("bombe-texte.xlsx", lambda: bombs.shared_string_bomb(200), "textes partagés"),
        ("lignes.xlsx", lambda: bombs.row_bomb_xlsx(40_000), "trop de lignes"),
        ("lignes.csv", lambda: bombs.row_bomb_csv(1_000_000), "trop de lignes"),
    ],
)
def test_bombs_are_refused_under_one_gigabyte_and_a_time_limit(small_store, name, build, says):
    raw = build()
    before = db_checksum(small_store)
    result = isolated.run_import(
        "projects", raw, name, database_url=_url(small_store), actor="t", memory_mb=1024, seconds=90
    )
    lines = [line.replace("\u202f", " ") for line in result.problems.lines()]
    assert not result.applied and any(says in line for line in lines), lines
    assert not any("arrêté" in line for line in lines), lines  # refused by the reader, not killed
    assert db_checksum(small_store) == before


def test_a_good_file_is_checked_in_the_child_and_comes_back_trimmed(small_store):
    result = isolated.run_import(
        "projects", GOOD, "projets.csv", database_url=_url(small_store), actor="t", dry_run=True
    )
    assert result.ok and result.summary.added == 1 and not result.applied
    assert result.parsed.extra == {"rows_read": 1} and result.parsed.records == []


def test_a_child_over_its_memory_is_stopped_with_a_french_message(small_store):
    result = isolated.run_import(
        "projects", GOOD, "projets.csv", database_url=_url(small_store), actor="t", memory_mb=150
    )
    assert result.problems.lines() == [
        "projets.csv : import arrêté : il dépassait la mémoire permise (150 Mo) ; rien n'a été importé "
        "— découpez le fichier"
    ]


def test_a_child_over_its_time_is_stopped_with_a_french_message(small_store):
    before = db_checksum(small_store)
    result = isolated.run_import(
        "projects", GOOD, "projets.csv", database_url=_url(small_store), actor="t", seconds=0.01
    )
    assert "il dépassait le temps permis (0.01 s)" in result.problems.lines()[0]
    assert db_checksum(small_store) == before


def test_a_page_that_goes_away_stops_its_child(small_store):
    class PageGone(Exception):
        pass

    def tick(seconds: float) -> None:
        raise PageGone

    before = db_checksum(small_store)
    with pytest.raises(PageGone):
        isolated.run_import(
            "projects", GOOD, "projets.csv", database_url=_url(small_store), actor="t", tick=tick
        )
    assert not [p for p in _staging_left() if f"-{__import__('os').getpid()}-" in p.name]
    assert db_checksum(small_store) == before
