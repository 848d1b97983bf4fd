"""The broken-files corpus: each file gives its precise message and leaves the store as it was."""

from __future__ import annotations

import pytest

from reindus.ingest.importer import run_import
from tests.support.ingest import FIXTURES, db_checksum

BROKEN = FIXTURES / "broken"
# file → (import kind, row, column, words of the reason)
CASES = {
    "empty.csv": ("projects", 0, "", "fichier vide"),
    "header_only.csv": ("projects", 0, "", "aucune ligne de données"),
    "wrong_encoding.csv": ("projects", 0, "", "encodage illisible"),
    "binary.csv": ("projects", 0, "", "fichier binaire"),
    "old_excel.xls": ("projects", 0, "", "Excel 97-2003"),
    "truncated.csv": ("projects", 3, "", "3 champ(s) au lieu de 8"),
    "unclosed_quote.csv": ("projects", 3, "", "guillemet non fermé"),
    "truncated.xlsx": ("projects", 0, "", "XLSX illisible"),
    "missing_column.csv": ("projects", 1, "naf", "colonne obligatoire absente"),
    "bad_siren.csv": ("projects", 2, "siren", "SIREN invalide"),
    "unknown_departement.csv": ("projects", 2, "département", "n'est pas un code de département"),
    "unknown_commune.csv": ("projects", 2, "commune", "commune inconnue dans le département 76"),
    "unknown_naf.csv": ("projects", 2, "naf", "n'existe pas dans la NAF rév. 2"),
    "negative_number.csv": ("projects", 2, "emplois prévus", "nombre négatif"),
    "impossible_date.csv": ("projects", 2, "date de début", "date impossible"),
    "duplicate_key.csv": ("projects", 3, "projet", "projet en double dans le fichier"),
    "formula_payload.csv": ("projects", 2, "projet", "formule de tableur"),
    "formula_cell.xlsx": ("projects", 2, "emplois prévus", "cellule calculée par une formule"),
    "bad_siret_establishments.csv": ("establishments", 2, "siret", "SIRET invalide"),
}


def test_every_corpus_file_has_a_case():
    files = {p.name for p in BROKEN.iterdir() if p.suffix != ".py"}
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file_gives_its_message_and_changes_nothing(store, tmp_path, name):
    kind, line, column, words = CASES[name]
    before = db_checksum(store)
    register_before = (tmp_path / "register.duckdb").read_bytes()
    result = run_import(
        kind,
        (BROKEN / name).read_bytes(),
        name,
        engine=store,
        actor="test",
        register_path=tmp_path / "register.duckdb",
    )
    assert not result.applied and not result.ok
    first = result.problems.sorted()[0]
    assert (first.file, first.line, first.column) == (name, line, column), first.message
    assert words in first.reason, first.message
    assert db_checksum(store) == before
    assert (tmp_path / "register.duckdb").read_bytes() == register_before
