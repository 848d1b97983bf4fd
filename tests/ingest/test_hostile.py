"""Hostile and heavy inputs: each is refused quickly, in French, naming the file and the limit (or the
line), and the store is left exactly as it was. The files are built here, never committed."""

from __future__ import annotations

import time

import pytest

from reindus.ingest import importer, textfile
from tests.ingest import bombs
from tests.support.ingest import db_checksum

# (file name, builder, kind, what the message must say)
CORPUS = [
    ("bombe-texte.xlsx", lambda: bombs.shared_string_bomb(200), "projects", "textes partagés"),
    (
        "cellule-longue.xlsx",
        bombs.long_cell_xlsx,
        "projects",
        "ligne 2, colonne « projet » : cellule trop longue",
    ),
    ("lignes.xlsx", lambda: bombs.row_bomb_xlsx(40_000), "projects", "trop de lignes (plus de 20 000"),
    ("large.csv", bombs.wide_csv, "projects", "trop de colonnes (100 000 ; au plus 1 000)"),
    ("lignes.csv", lambda: bombs.row_bomb_csv(300_000), "projects", "trop de lignes (plus de 20 000"),
    ("cellule-longue.csv", bombs.long_cell_csv, "projects", "ligne 2 : cellule trop longue"),
    (
        "melange.csv",
        bombs.mixed_encoding_csv,
        "projects",
        "encodages mélangés : le fichier est en UTF-8 mais la ligne 3",
    ),
    ("doublon.csv", bombs.duplicated_header_csv, "projects", "colonne en double : « projet » (colonne 1)"),
    ("lignes.csv", lambda: bombs.row_bomb_csv(60_000), "links", "trop de lignes"),
]


def _french(text: str) -> str:
    return text.replace("\u202f", " ")


@pytest.mark.parametrize(("name", "build", "kind", "says"), CORPUS, ids=[c[0] + "-" + c[2] for c in CORPUS])
def test_hostile_file_is_refused_in_french_and_the_store_is_unchanged(small_store, name, build, kind, says):
    raw = build()
    before = db_checksum(small_store)
    started = time.perf_counter()
    result = importer.run_import(kind, raw, name, engine=small_store, actor="t")
    seconds = time.perf_counter() - started
    lines = [_french(line) for line in result.problems.lines()]
    assert not result.applied and not result.ok
    assert lines[0].startswith((f"{name} :", f"{name},")), lines
    assert any(says in line for line in lines), lines
    assert db_checksum(small_store) == before
    assert seconds < 30, f"{name}: {seconds:.1f} s"


def test_the_memory_bomb_is_refused_from_the_archive_before_anything_is_unpacked():
    raw = bombs.shared_string_bomb(200)
    assert len(raw) < 300_000  # 200 MB once unpacked
    with pytest.raises(textfile.LimitExceeded, match="textes partagés de 200,0 Mo"):
        textfile.check_xlsx_archive(raw)
    # below the size limit, the ratio alone refuses it
    with pytest.raises(textfile.LimitExceeded, match="compressée 1.0.. fois"):
        textfile.check_xlsx_archive(bombs.shared_string_bomb(20))


def test_mixed_encoding_is_never_decoded_whole_as_cp1252():
    table = textfile.read_table(bombs.mixed_encoding_csv(), "melange.csv")
    assert table.frame.empty and "Ã" not in " ".join(table.problems.lines())
    # a file that is Windows-1252 throughout is still read as such
    cp1252 = bombs.mixed_encoding_csv().decode("utf-8", "replace").replace("\ufffd", "é").encode("cp1252")
    table = textfile.read_table(cp1252, "ancien.csv")
    assert table.ok and table.encoding == "cp1252"
    assert table.frame["projet"].tolist() == ["Étoile Forgée", "Café du Port"]


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_text_is_recognised_and_read(small_store, bom):
    raw = bombs.utf16_csv(bom=bom)
    table = textfile.read_table(raw, "unicode.txt")
    assert table.ok, table.problems.lines()
    assert table.encoding.startswith("utf-16") and table.separator == "\t"
    assert table.frame.loc[2, "projet"] == "Étoile Forgée"
    result = importer.run_import("projects", raw, "unicode.txt", engine=small_store, actor="t", dry_run=True)
    assert result.ok and result.summary.added == 1


def test_a_wide_file_is_refused_before_any_preview_is_built():
    table = textfile.read_table(bombs.wide_csv(100_000), "large.csv")
    assert table.frame.empty and len(table.frame.columns) == 0


def test_the_command_line_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path, capsys):
    from reindus.cli import main

    path = tmp_path / "enorme.csv"
    with path.open("wb") as fh:  # sparse: no disk used, no byte read
        fh.truncate(textfile.DEFAULT_LIMITS.max_bytes + 10 * textfile.MB)
    assert main(["import", "projects", str(path)]) == 1
    assert capsys.readouterr().err.replace("\u202f", " ") == (
        "enorme.csv : fichier trop gros (266,0 Mo ; au plus 256,0 Mo). Import refusé, rien n'a été importé.\n"
    )
