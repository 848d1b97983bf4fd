"""The national SIRENE stock in every form INSEE and etalab publish it, built from the real layouts."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus import register
from reindus.ingest import establishments
from reindus.reference.siret import make_siret
from reindus.store.db import init_schema, make_engine
from reindus.store.models import AuditEntry
from tests.fixtures.sirene import (
    ESTABLISHMENT_2019,
    ESTABLISHMENT_2024,
    ESTABLISHMENT_2025_12,
    ND,
    csv_bytes,
    establishment,
    write_csv,
    write_gzip,
    write_parquet,
    write_zip,
)


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_schema(eng)
    yield eng
    eng.dispose()


def _stock() -> list[dict[str, str]]:
    """Like the head of the real file: mostly closed establishments in old nomenclatures."""
    return [
        establishment("00032517", 1, naf="74.1G", nomenclature="NAFRev1", state="F", band="NN"),
        establishment("00032517", 2, naf="6411", nomenclature="NAP", state="F", band=""),
        establishment("00032518", 1, naf="52.4Z", nomenclature="NAF1993", state="F", band=""),
        establishment("00032519", 1, naf="", nomenclature="", state="F", band=""),
        establishment("00032520", 1, naf="00.00Z", nomenclature="NAFRev2", state="A"),
        establishment("00032521", 1, commune="98735", lambert=("", "")),  # Papeete
        establishment("00032522", 1, commune="97801", lambert=("", "")),  # Saint-Martin
        establishment("00032523", 1, commune="", state="F"),  # abroad
        establishment("55203253", 1, usual_name="Tissage de Rouen, « Normandie »"),
        establishment("55203253", 2, naf="25.62A", state="F", since="2019-06-30", lambert=("", "")),
        establishment("40348390", 1, naf="25.62B", sign="MÉCA-PLUS", commune="75112", lambert=("", "")),
    ]


def _import(engine, path, tmp_path, **kwargs):
    return establishments.run_import_path(
        path, engine=engine, actor="t", register_path=tmp_path / "register.duckdb", **kwargs
    )


def _rows(tmp_path) -> pd.DataFrame:
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        return reg.cursor().execute("SELECT * FROM establishments ORDER BY siret").df().set_index("siret")


SKIPPED = {
    establishments.SKIP_REASONS["old_nomenclature"]: 3,
    establishments.SKIP_REASONS["closed_no_activity"]: 1,
    establishments.SKIP_REASONS["placeholder"]: 1,
    establishments.SKIP_REASONS["overseas_collectivity"]: 2,
    establishments.SKIP_REASONS["abroad"]: 1,
}


@pytest.mark.parametrize(
    "form, description",
    [
        ("csv", "CSV, encodage utf-8"),
        ("zip", "dans une archive zip (StockEtablissement_utf8.csv)"),
        ("gz", "CSV compressé (gzip)"),
        ("parquet", "Parquet"),
        ("utf16", "utf-16 converti en UTF-8"),
    ],
)
def test_every_published_form_loads_whole_and_counts_what_it_skips(engine, tmp_path, form, description):
    rows = _stock()
    path = tmp_path / "StockEtablissement_utf8"
    if form == "csv":
        write_csv(path.with_suffix(".csv"), rows, ESTABLISHMENT_2024)
        path = path.with_suffix(".csv")
    elif form == "zip":
        path = write_zip(path.with_suffix(".zip"), rows, ESTABLISHMENT_2024)
    elif form == "gz":
        path = write_gzip(tmp_path / "StockEtablissement_utf8_geo.csv.gz", rows, ESTABLISHMENT_2024)
    elif form == "parquet":
        path = write_parquet(path.with_suffix(".parquet"), rows, ESTABLISHMENT_2024)
    else:
        path = write_csv(path.with_suffix(".csv"), rows, ESTABLISHMENT_2024, encoding="utf-16")
    result = _import(engine, path, tmp_path)
    assert result.ok and result.applied, result.problems.lines()
    assert description in result.parsed.description
    extra = result.parsed.extra
    assert extra["rows"] == 11 and extra["kept"] == 3 and extra["skipped"] == SKIPPED
    stored = _rows(tmp_path)
    assert list(stored.index) == [
        make_siret("40348390", "1"),
        make_siret("55203253", "1"),
        make_siret("55203253", "2"),
    ]
    closed = stored.loc[make_siret("55203253", "2")]
    assert not closed["active"] and str(closed["closed_since"])[:10] == "2019-06-30"
    assert stored.loc[make_siret("55203253", "1"), "name"] == "Tissage de Rouen, « Normandie »"
    with Session(engine) as s:
        entry = s.execute(select(AuditEntry)).scalars().one()
    after = json.loads(entry.after)
    assert {k.removeprefix("écartées : "): v for k, v in after.items() if k.startswith("écartées")} == SKIPPED


@pytest.mark.parametrize("layout", [ESTABLISHMENT_2019, ESTABLISHMENT_2024, ESTABLISHMENT_2025_12])
def test_every_layout_since_2019(engine, tmp_path, layout):
    rows = [establishment("55203253", 1, naf25="13.20Y"), establishment("55203253", 2, naf="25.62A")]
    result = _import(engine, write_csv(tmp_path / "s.csv", rows, layout), tmp_path)
    assert result.applied, result.problems.lines()
    stored = _rows(tmp_path)
    name = {len(ESTABLISHMENT_2019): "2019", len(ESTABLISHMENT_2024): "2024"}.get(len(layout), "2025-12")
    assert result.parsed.extra["layout"] == name
    has_lambert = "coordonneeLambertAbscisseEtablissement" in layout
    assert list(stored["approximate"]) == [not has_lambert] * 2
    if layout is ESTABLISHMENT_2025_12:  # both codes kept, each in its own nomenclature
        assert list(stored["naf"]) == ["13.20Z", "25.62A"] and stored["naf25"].iloc[0] == "13.20Y"
    else:
        assert stored["naf25"].isna().all()


def test_zip_with_two_files_and_xlsx_workbook_are_told_apart(engine, tmp_path):
    path = write_zip(tmp_path / "stock.zip", _stock(), ESTABLISHMENT_2024, extra={"lisezmoi.txt": b"x"})
    result = _import(engine, path, tmp_path)
    assert not result.ok and "un seul fichier" in result.problems.items[0].reason
    frame = pd.DataFrame(
        {
            "siret": [make_siret("55203253", "1")],
            "raison sociale": ["Forges"],
            "naf": ["2550A"],
            "code commune": ["76540"],
        }
    )
    xlsx = tmp_path / "annuaire.xlsx"
    frame.to_excel(xlsx, index=False)
    result = _import(engine, xlsx, tmp_path)
    assert result.applied and result.parsed.description == "classeur XLSX", result.problems.lines()
    assert _rows(tmp_path).iloc[0]["naf"] == "25.50A"


def test_cci_directory_in_cp1252(engine, tmp_path):
    raw = "siret;raison sociale;naf;code commune\n{};Société Générale d'Étampage €;25.50A;76540\n".format(
        make_siret("55203253", "1")
    ).encode("cp1252")
    path = tmp_path / "annuaire.csv"
    path.write_bytes(raw)
    result = _import(engine, path, tmp_path)
    assert result.applied and "cp1252" in result.parsed.description, result.problems.lines()
    assert _rows(tmp_path).iloc[0]["name"] == "Société Générale d'Étampage €"


def test_withheld_person_keeps_no_name_and_nd_is_never_a_value(engine, tmp_path):
    rows = [establishment("55203253", 1, diffusion="P", band="NN")]
    result = _import(engine, write_csv(tmp_path / "s.csv", rows, ESTABLISHMENT_2024), tmp_path)
    assert result.applied, result.problems.lines()
    stored = _rows(tmp_path).iloc[0]
    assert pd.isna(stored["name"]) and not stored["diffusible"] and stored["approximate"]
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        shown = register.by_siret(reg, [stored.name], show_personal_names=True)
        assert shown.loc[0, "name"] == register.NOT_DIFFUSIBLE
        assert (
            not reg.cursor()
            .execute(
                "SELECT count(*) FROM establishments WHERE list_contains([name, naf, commune, naf25], ?)",
                [ND],
            )
            .fetchall()[0][0]
        )


def test_merged_commune_goes_to_its_current_commune_or_to_its_departement(engine, tmp_path):
    from reindus.reference.commune_history import former_communes

    former = former_communes().iloc[0]  # e.g. 01039 Béon, now part of 01138
    rows = [
        establishment("55203253", 1, commune=former["code"], lambert=("", "")),
        establishment("55203253", 2, commune="76999", lambert=("", "")),  # unknown, but Seine-Maritime
    ]
    result = _import(engine, write_csv(tmp_path / "s.csv", rows, ESTABLISHMENT_2024), tmp_path)
    assert result.applied, result.problems.lines()
    assert result.parsed.extra["remapped_communes"] == 1 and result.parsed.extra["placed_at_departement"] == 1
    stored = _rows(tmp_path)
    first, second = stored.iloc[0], stored.iloc[1]
    assert (
        first["commune"] == former["commune"]
        and first["approximate"]
        and first["departement"] == former["commune"][:2]
    )
    assert second["departement"] == "76" and second["approximate"] and 0 < second["longitude"] < 2


def _many(n: int) -> list[dict[str, str]]:
    return [establishment(f"{10_000_000 + i}", 1, lambert=("", "")) for i in range(n)]


def test_error_budget_leaves_bad_lines_out_and_lists_them(engine, tmp_path):
    rows = _many(3000)  # default budget: 3 lines
    rows[10]["siret"] = rows[10]["siret"][:-1] + ("1" if rows[10]["siret"][-1] != "1" else "2")
    rows[20]["dateCreationEtablissement"] = "2023-02-30"
    raw = csv_bytes(rows, ESTABLISHMENT_2024).decode()
    lines = raw.splitlines()
    lines[31] += ",surplus"  # a malformed line: one field too many
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines) + "\n")
    result = _import(engine, path, tmp_path)
    assert result.ok and result.applied, result.problems.lines()
    assert result.parsed.extra["rejected"] == 3 and result.parsed.extra["kept"] == 2997
    listed = {(p.line, p.column) for p in result.problems.items if p.line}
    assert {(12, "siret"), (22, "dateCreationEtablissement"), (32, "")} <= listed
    assert result.problems.warnings == 4  # the three lines and the line saying how many
    assert len(_rows(tmp_path)) == 2997


def test_above_the_budget_nothing_imports(engine, tmp_path):
    rows = _many(2000)
    for i in (3, 4, 5):
        rows[i]["trancheEffectifsEtablissement"] = "7"
    path = write_csv(tmp_path / "s.csv", rows, ESTABLISHMENT_2024)
    result = _import(engine, path, tmp_path)  # default budget: 2 lines in 2000
    assert not result.ok and not result.applied
    assert "au-delà du budget d'erreurs (2" in result.problems.lines()[0]
    assert not (tmp_path / "register.duckdb").exists() or _rows(tmp_path).empty
    result = _import(engine, path, tmp_path, max_errors=3)
    assert result.applied and result.parsed.extra["kept"] == 1997


def test_duplicate_siret_keeps_the_first_line(engine, tmp_path):
    rows = _many(1500)
    rows[7] = dict(rows[3], denominationUsuelleEtablissement="doublon")
    result = _import(engine, write_csv(tmp_path / "s.csv", rows, ESTABLISHMENT_2024), tmp_path)
    assert result.applied, result.problems.lines()
    assert any(p.line == 9 and "déjà ligne 5" in p.reason for p in result.problems.items)
    assert "doublon" not in set(_rows(tmp_path)["name"].dropna())


def test_command_line_prints_what_it_skipped_and_honours_max_errors(tmp_path, monkeypatch, capsys):
    from reindus.cli import main

    monkeypatch.setenv("REINDUS_HOME", str(tmp_path))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    rows = _stock()
    rows[8]["trancheEffectifsEtablissement"] = "7"  # one defect among 11 rows: above the default budget
    path = write_zip(tmp_path / "StockEtablissement_utf8.zip", rows, ESTABLISHMENT_2024)
    assert main(["import", "establishments", str(path)]) == 1
    assert "tranche d'effectif" in capsys.readouterr().err
    assert main(["import", "establishments", str(path), "--max-errors", "1"]) == 0
    out = capsys.readouterr()
    assert "11 lignes lues, 2 retenues." in out.out
    assert "écartées, collectivité d'outre-mer hors du registre (975, 977, 978, 986 à 988) : 2" in out.out
    assert "ligne 10" in out.err and "laissée de côté" in out.err
