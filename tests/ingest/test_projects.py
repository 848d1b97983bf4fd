from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.exchange import tables as export_tables
from reindus.ingest.importer import run_import
from reindus.store.models import AuditEntry, Coach, IndustryStat, Milestone, Project
from tests.ingest.conftest import db_checksum

HEADER = (
    "Nom du projet;Dept;Commune;Secteur (NAF);Année;Date de début;Coach;Étape;Emplois prévus;"
    "Investissement (€);Statut;Public\r\n"
)


def _file(*rows: str, encoding: str = "cp1252") -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode(encoding)


ROW = "Filature du Test;2;Laon;1320Z;2024;02/09/2024;Nouvelle Conseillère;Cadrage;12;1\u00a0250\u00a0000,50;en cours;oui"


def test_a_cci_spreadsheet_imports_with_aliases_zeros_restored_and_names_resolved(store):
    result = run_import("projects", _file(ROW), "projets.csv", engine=store, actor="test")
    assert result.ok and result.needs_confirmation and not result.applied  # unknown coach: warning
    [warning] = result.problems.items
    assert warning.column == "Coach" and "sera créé" in warning.reason

    result = run_import(
        "projects", _file(ROW), "projets.csv", engine=store, actor="test", accept_warnings=True
    )
    assert result.applied and result.summary.english == "1 added, 0 updated, 0 unchanged"
    with Session(store) as s:
        p = s.execute(select(Project).where(Project.name == "Filature du Test")).scalar_one()
        assert (p.departement, p.commune, p.naf, p.region_code) == ("02", "02408", "13.20Z", "32")
        assert float(p.planned_investment) == 1_250_000.5 and p.public and p.status == "en_cours"
        assert s.get(Coach, p.coach_id).name == "Nouvelle Conseillère"
        stages = {
            m.stage: m for m in s.execute(select(Milestone).where(Milestone.project_id == p.id)).scalars()
        }
        assert (
            stages["selection"].actual_end
            and stages["cadrage"].actual_start
            and not stages["cadrage"].actual_end
        )
        entry = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        assert (
            entry.action == "import"
            and "projets.csv" in entry.after
            and result.parsed.checksum in entry.after
        )


def test_same_file_twice_changes_nothing_and_an_edit_is_an_update(store):
    raw = _file(ROW)
    run_import("projects", raw, "p.csv", engine=store, actor="test", accept_warnings=True)
    before = db_checksum(store)
    again = run_import("projects", raw, "p.csv", engine=store, actor="test", accept_warnings=True)
    assert again.summary.english == "0 added, 0 updated, 1 unchanged"
    assert db_checksum(store) == before  # not even an audit entry
    edited = run_import("projects", _file(ROW.replace(";12;", ";15;")), "p.csv", engine=store, actor="test")
    assert edited.summary.english == "0 added, 1 updated, 0 unchanged"


def test_dry_run_counts_but_writes_nothing(store):
    before = db_checksum(store)
    result = run_import("projects", _file(ROW), "p.csv", engine=store, actor="test", dry_run=True)
    assert result.summary.added == 1 and not result.applied
    assert db_checksum(store) == before


def test_ambiguous_commune_name_is_an_error(store):
    row = ROW.replace(";2;Laon;", ";76;Saint-Aubin-Celloville;").replace("Laon", "x")
    ok = run_import("projects", _file(row), "p.csv", engine=store, actor="t", dry_run=True)
    assert ok.ok
    bad = run_import(
        "projects", _file(ROW.replace(";2;Laon;", ";2;Paris;")), "p.csv", engine=store, actor="t"
    )
    assert "commune inconnue dans le département 02" in bad.problems.lines()[0]


def test_round_trip_export_then_import_changes_nothing(store):
    with Session(store) as s, s.begin():  # a smaller statistics table keeps the test quick
        s.execute(IndustryStat.__table__.delete().where(IndustryStat.departement != "76"))
    for fmt in ("csv", "xlsx"):
        for kind in ("projects", "shortlists", "industry"):
            more = export_tables.more_sheets(kind, store) if fmt == "xlsx" else {}  # projects: « Jalons »
            data = export_tables.to_bytes(export_tables.frame(kind, store), fmt, more=more)
            result = run_import(kind, data, f"export.{fmt}", engine=store, actor="test")
            assert result.ok, result.problems.lines()[:3]
            assert result.summary.english.startswith("0 added, 0 updated"), (kind, fmt)


def test_exported_formula_names_are_text_and_come_back_unchanged(store):
    payload = '=HYPERLINK("http://x","y")'
    with Session(store) as s, s.begin():
        s.execute(Project.__table__.update().where(Project.id == 1).values(name=payload))
    data = export_tables.to_bytes(export_tables.frame("projects", store), "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cell = next(c for c in ws["A"] if c.value == payload)
    assert cell.data_type == "s"
    csv_data = export_tables.to_bytes(export_tables.frame("projects", store), "csv")
    assert ("'" + payload).replace('"', '""').encode() in csv_data
    for raw in (data, csv_data):
        assert run_import("projects", raw, "x", engine=store, actor="t").summary.updated == 0


def _workbook(projects, milestones, sheet="Jalons") -> bytes:
    from reindus.exchange import export

    return export.to_xlsx(projects, sheet="Projets", more={sheet: milestones})


def _project_rows(store, name: str):
    frame = export_tables.projects_frame(store)
    return frame[frame["projet"] == name].reset_index(drop=True)


def _milestone_rows(store, name: str):
    frame = export_tables.milestones_frame(store)
    return frame[frame["projet"] == name].reset_index(drop=True)


def _first_project(store) -> str:
    with Session(store) as s:
        return s.execute(select(Project.name).order_by(Project.id)).scalars().first()


def test_the_milestones_sheet_sets_the_real_dates_of_existing_projects(store):
    name = _first_project(store)
    jalons = _milestone_rows(store, name)
    jalons.loc[1, ["début réel", "fin réelle"]] = ["03/02/2023", "28/02/2023"]  # « Cadrage »
    jalons.loc[2, "fin réelle"] = ""  # a cell emptied in a column present clears the date
    jalons.loc[2, "début réel"] = "01/03/2023"
    result = run_import(
        "projects", _workbook(_project_rows(store, name), jalons), "suivi.xlsx", engine=store, actor="test"
    )
    assert result.applied and result.summary.english == "0 added, 1 updated, 0 unchanged"
    with Session(store) as s:
        pid = s.execute(select(Project.id).where(Project.name == name)).scalars().first()
        by_stage = {
            m.stage: m for m in s.execute(select(Milestone).where(Milestone.project_id == pid)).scalars()
        }
    assert (
        str(by_stage["cadrage"].actual_start) == "2023-02-03"
        and str(by_stage["cadrage"].actual_end) == "2023-02-28"
    )
    assert by_stage["etude_marche"].actual_end is None
    again = run_import(
        "projects", _workbook(_project_rows(store, name), jalons), "suivi.xlsx", engine=store, actor="test"
    )
    assert again.summary.english == "0 added, 0 updated, 1 unchanged"


def test_a_new_project_takes_its_dates_from_the_milestones_sheet(store):
    import pandas as pd

    projects = _project_rows(store, _first_project(store)).assign(projet="Tissage Neuf", siren="")
    jalons = pd.DataFrame(
        {
            "Projet": ["Tissage Neuf"],
            "Année": [projects.at[0, "édition"]],
            "Étape": ["sélection des projets"],
            "Début réel": ["16/01/2023"],
            "Fin réelle": ["10/02/2023"],
        }
    )
    result = run_import(
        "projects",
        _workbook(projects, jalons, sheet="Étapes"),
        "n.xlsx",
        engine=store,
        actor="test",
        accept_warnings=True,
    )
    assert result.applied and result.summary.added == 1, result.problems.lines()
    got = _milestone_rows(store, "Tissage Neuf").set_index("étape")
    assert got.at["Sélection des projets", "fin réelle"] == "10/02/2023" and len(got) == 8


def test_milestones_sheet_errors_name_the_sheet_line_and_column_and_import_nothing(store):
    name = _first_project(store)
    jalons = _milestone_rows(store, name)
    jalons.loc[0, "fin réelle"] = "01/01/2020"  # before its start
    jalons.loc[1, "étape"] = "Sélection des projets"  # the same stage twice
    jalons.loc[2, "projet"] = "Projet inconnu"
    jalons.loc[3, "début prévu"] = ""  # a milestone keeps its planned dates
    jalons.loc[4, ["début réel", "fin réelle"]] = ["", "02/03/2023"]
    jalons.loc[5, "fin prévue"] = "31/02/2023"
    before = db_checksum(store)
    result = run_import(
        "projects", _workbook(_project_rows(store, name), jalons), "suivi.xlsx", engine=store, actor="test"
    )
    assert not result.applied and db_checksum(store) == before
    lines = result.problems.lines()
    sheet = "suivi.xlsx — feuille « Jalons »"
    assert all(line.startswith(sheet) for line in lines), lines
    expected = [
        (2, "fin réelle", "fin antérieure au début"),
        (3, "étape", "étape en double"),
        (4, "projet", "projet absent de la première feuille"),
        (5, "début prévu", "valeur obligatoire"),
        (6, "début réel", "fin réelle sans début réel"),
        (7, "fin prévue", ""),
    ]
    for line, column, reason in expected:
        assert any(f"ligne {line}, colonne « {column} »" in x and reason in x for x in lines), (line, lines)


@pytest.mark.parametrize("role", ["presidence", "conseiller", "anonyme"])
def test_only_an_administrateur_imports_from_the_app(store, role):
    from reindus.auth import ANONYMOUS, Role, Viewer
    from reindus.errors import PermissionDeniedError
    from reindus.ingest.importer import import_as

    viewer = ANONYMOUS if role == "anonyme" else Viewer(Role(role), frozenset({"28"}), email="x@cci.fr")
    for dry_run in (True, False):
        with pytest.raises(PermissionDeniedError, match="Seul un administrateur"):
            import_as(viewer, "projects", _file(ROW), "p.csv", engine=store, dry_run=dry_run)
    admin = Viewer(Role.ADMIN, email="ada@cci.fr", name="Ada")
    result = import_as(admin, "projects", _file(ROW), "p.csv", engine=store, accept_warnings=True)
    assert result.applied
    with store.connect() as conn:
        actor = conn.exec_driver_sql(
            "SELECT actor FROM audit_log WHERE action = 'import' ORDER BY id DESC"
        ).first()[0]
    assert actor == "Ada <ada@cci.fr>"
