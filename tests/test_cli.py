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


def test_a_user_error_exits_1_with_its_french_message_and_no_traceback(home, capsys):
    assert main(["import", "projects", f"{BROKEN}/negative_number.csv", "--actor", " "]) == 1
    err = capsys.readouterr().err
    assert (
        err.strip() == "reindus import : Indiquez qui fait l'import (actor vide)." and "Traceback" not in err
    )


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


def test_regions_add_list_remove_with_audit_and_french_refusals(home, capsys):
    import getpass

    from reindus.store.db import make_engine, session_factory
    from reindus.store.models import AuditEntry

    assert main(["regions", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "4 région(s) dans le programme :"
    assert listed[1] == "28  Normandie — CCI Normandie — couleur #0072B2"
    assert main(["regions", "add", "84"]) == 0
    assert "Auvergne-Rhône-Alpes (84) rejoint le programme : CCI Auvergne-Rhône-Alpes, couleur #E69F00." in (
        capsys.readouterr().out
    )
    assert main(["regions", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("84  Auvergne-Rhône-Alpes")

    assert main(["regions", "add", "84"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "reindus regions : Auvergne-Rhône-Alpes (84) participe déjà au programme."
    )
    assert main(["regions", "add", "99"]) == 1
    assert capsys.readouterr().err.startswith(
        "reindus regions : code de région : « 99 » n'est pas le code INSEE d'une région française (01 Guadeloupe"
    )

    assert main(["regions", "remove", "27"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bourgogne-Franche-Comté (27) quitte le programme. Ses ")
    assert "projet(s) restent dans la base" in out
    with pytest.raises(SystemExit) as exc:
        main(["regions", "add"])
    assert exc.value.code == 2

    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    with session_factory(engine)() as s:
        entries = (
            s.query(AuditEntry)
            .filter(AuditEntry.table_name == "programme_regions")
            .order_by(AuditEntry.id)
            .all()
        )
    engine.dispose()
    assert [(e.actor, e.action) for e in entries] == [
        (f"cli:{getpass.getuser()}", "insert"),
        (f"cli:{getpass.getuser()}", "delete"),
    ]


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
