"""`reindus import` / `reindus export`: exit codes 0 / 1 / 2, problems one per line on stderr."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from reindus.cli import main

BROKEN = "tests/fixtures/broken"


@pytest.fixture
def home(demo_home, tmp_path, monkeypatch):
    for name in ("reindus.sqlite", "register.duckdb"):
        shutil.copy(demo_home / name, tmp_path / name)
    monkeypatch.setenv("REINDUS_HOME", str(tmp_path))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    return tmp_path


def test_export_then_reimport_gives_nothing_to_do(home, capsys):
    out = home / "projets.xlsx"
    assert main(["export", "projects", "-o", str(out)]) == 0
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Projets", "Jalons"] and workbook.active["A1"].value == "projet"
    assert workbook["Jalons"].max_row > 8 * 70  # eight stages of every demo project
    assert main(["import", "projects", str(out)]) == 0
    assert "0 ajouté(s), 0 mis à jour" in capsys.readouterr().out


def test_refused_file_exits_1_with_one_problem_per_line(home, capsys):
    assert main(["import", "projects", f"{BROKEN}/negative_number.csv"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert (
        err[0] == "negative_number.csv, ligne 2, colonne « emplois prévus », valeur « -12 » : nombre négatif"
    )
    assert "rien n'a été importé" in err[-1]


def test_usage_errors_exit_2(home, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["import", "nothing", "x.csv"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["export", "projects", "-o", str(home / "x.txt")])
    assert exc.value.code == 2
    assert main(["import", "projects", str(home / "absent.csv")]) == 2


def test_establishments_import_streams_into_the_register(home, capsys):
    args = ["import", "establishments", "tests/fixtures/sirene_stock_small.csv"]
    assert main([*args, "--dry-run"]) == 0
    assert "3 ajouté(s)" in capsys.readouterr().out
    assert main(args) == 0
    assert main(args) == 0
    assert "0 ajouté(s), 0 mis à jour, 3 inchangé(s)" in capsys.readouterr().out
    assert main(["export", "establishments", "-o", str(home / "etab.csv")]) == 0


def test_users_add_list_remove(home, capsys):
    assert main(["users", "add", "Nadia@cci-normandie.fr", "--role", "conseiller", "--region", "28"]) == 0
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "nadia@cci-normandie.fr\tconseiller [28]" in out
    assert "admin@demo.reindus.fr\tadministrateur" in out  # the demo's accounts
    assert main(["users", "add", "x@cci.fr", "--role", "conseiller"]) == 1
    assert "indiquez sa région" in capsys.readouterr().err
    assert main(["users", "remove", "nadia@cci-normandie.fr"]) == 0
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    assert "nadia" not in capsys.readouterr().out
