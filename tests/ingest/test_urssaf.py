"""The URSSAF commune × APE reader and its import into the store."""

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from reindus.errors import ValidationError
from reindus.ingest import textfile, urssaf
from reindus.store import AuditEntry, IndustryStat, init_schema, make_engine, session_factory

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "urssaf_commune_ape.csv"


def fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def by_key(result):
    return {
        (r.departement, r.naf_division, r.year): (r.establishments, r.jobs)
        for r in result.stats.itertuples(index=False)
    }


def test_fixture_is_aggregated_to_departement_division_year():
    result = urssaf.read(FIXTURE)
    assert result.ok, [p.message for p in result.problems.sorted()]
    assert result.years == (2021, 2022, 2023) and result.rows == 12 and result.kept == 8
    stats = by_key(result)
    # Seine-Maritime 2023: Rouen + Le Havre, « 1 310 » with a narrow no-break space, « 45,4 », « 64,6 »
    assert stats[("76", "25", 2023)] == (7, 1355)
    assert stats[("76", "10", 2023)] == (13, 65)
    assert stats[("76", "20", 2021)] == (3, 2100)
    assert stats[("27", "21", 2022)] == (2, 870)
    assert stats[("14", "33", 2021)] == (0, 0)  # empty cells: no establishment that year
    assert stats[("14", "33", 2022)] == (1, 6)
    # non-manufacturing APE codes (47.11D, 52.10B, 86.10Z, 62.01Z) are left out
    assert {k[1] for k in stats} == {"10", "20", "21", "25", "29", "33"}
    total_2023 = sum(v[1] for k, v in stats.items() if k[2] == 2023)
    assert total_2023 == 3620 + 945 + 1457


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_windows_encodings_are_decoded(encoding):
    raw = fixture_text().replace("\u202f", " ").encode(encoding)  # cp1252 has no NNBSP
    result = urssaf.read(raw, name="export.csv")
    assert result.ok, [p.message for p in result.problems.sorted()]
    assert result.encoding == encoding and by_key(result)[("27", "10", 2023)] == (8, 35)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234", 1234.0),
        ("12.5", 12.5),
        ("", None),
        ("0", 0.0),
    ],
)
def test_parse_number_french_formats(text, value):
    assert textfile.parse_number(text) == value
    parsed, bad = textfile.parse_numbers(pd.Series([text]))  # the vectorised form the reader uses
    assert not bad[0] and (parsed[0] == value if value is not None else pd.isna(parsed[0]))


@pytest.mark.parametrize("text", ["12a", "1.234,5", "--3", "n.d."])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValidationError):
        textfile.parse_number(text)
    assert textfile.parse_numbers(pd.Series([text]))[1][0]


def broken(line_no: int, column: str, value: str) -> bytes:
    lines = fixture_text().splitlines()
    header = lines[0].split(";")
    # the fixture quotes one field with « ; » inside on some lines: only edit simple lines here
    cells = lines[line_no - 1].split(";")
    assert len(cells) == len(header)
    cells[header.index(column)] = value
    lines[line_no - 1] = ";".join(cells)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_every_problem_names_file_line_column_value():
    result = urssaf.read(broken(2, "effectifs_salaries_2022", "6l"), name="urssaf.csv")
    assert not result.ok and result.stats.empty
    (problem,) = result.problems.sorted()
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "urssaf.csv",
        2,
        "effectifs_salaries_2022",
        "6l",
    )
    assert problem.message == (
        "urssaf.csv, ligne 2, colonne « effectifs_salaries_2022 », valeur « 6l » : "
        "nombre attendu (ex. 1 234 ou 12,5)"
    )


def test_codes_are_checked():
    result = urssaf.read(broken(3, "code_departement", "77"), name="f.csv")
    assert [(p.line, p.column) for p in result.problems.sorted()] == [
        (3, "code_commune")
    ]  # 76540 is not in 77
    result = urssaf.read(broken(2, "code_ape", "10.7"), name="f.csv")
    assert result.problems.sorted()[0].column == "code_ape" and "1071C" in result.problems.sorted()[0].reason
    result = urssaf.read(broken(2, "nombre_d_etablissements_2021", "2,5"), name="f.csv")
    assert result.problems.sorted()[0].reason == "nombre d'établissements non entier"


def test_missing_columns_are_reported_on_line_1():
    text = fixture_text().replace("code_ape", "ape_code", 1).replace("effectifs_salaries_2021", "eff_2021", 1)
    result = urssaf.read(text.encode("utf-8"), name="f.csv")
    assert {(p.line, p.column) for p in result.problems.sorted()} == {
        (1, "code_ape"),
        (1, "effectifs_salaries_2021"),
    }


def test_wrong_separator_is_explained():
    result = urssaf.read(fixture_text().replace(";", ",").encode("utf-8"), name="f.csv")
    assert not result.ok and "séparateur" in result.problems.sorted()[0].reason


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_schema(eng)
    yield eng
    eng.dispose()


def test_import_upserts_once_and_is_idempotent(engine):
    Session = session_factory(engine)
    result = urssaf.read(FIXTURE)
    with Session.begin() as s:
        first = urssaf.import_stats(s, result, actor="test")
    assert (first.added, first.updated, first.unchanged) == (len(result.stats), 0, 0)
    with Session.begin() as s:
        again = urssaf.import_stats(s, urssaf.read(FIXTURE), actor="test")
    assert (again.added, again.updated) == (0, 0) and again.unchanged == len(result.stats)
    assert "0 ajouté(s), 0 mis à jour" in again.message
    changed = urssaf.read(broken(2, "effectifs_salaries_2023", "70"))
    with Session.begin() as s:
        third = urssaf.import_stats(s, changed, actor="test")
    assert (third.added, third.updated) == (0, 1)
    with Session() as s:
        rows = s.scalars(
            select(IndustryStat).where(
                IndustryStat.departement == "76", IndustryStat.naf_division == "10", IndustryStat.year == 2023
            )
        ).all()
        assert [(r.jobs, r.source) for r in rows] == [(70, "URSSAF")]
        assert "URSSAF" in rows[0].definition and "divisions 10 à 33" in rows[0].definition
        audits = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "industry_stats")).all()
        assert len(audits) == 2 and all(a.action == "import" for a in audits)


def test_a_file_with_problems_imports_nothing(engine):
    Session = session_factory(engine)
    bad = urssaf.read(broken(5, "effectifs_salaries_2021", "beaucoup"), name="f.csv")
    with pytest.raises(urssaf.ImportRefused) as refused, Session.begin() as s:
        urssaf.import_stats(s, bad, actor="test")
    assert "ligne 5" in str(refused.value)
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(IndustryStat)) == 0


def test_comma_separated_and_xlsx_copies_are_read_like_the_original():
    import csv
    import io

    import openpyxl

    rows = list(csv.reader(io.StringIO(fixture_text()), delimiter=";"))
    comma = io.StringIO()
    csv.writer(comma, delimiter=",", lineterminator="\r\n").writerows(rows)
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    xlsx = io.BytesIO()
    wb.save(xlsx)
    expected = by_key(urssaf.read(FIXTURE))
    for raw, name in ((comma.getvalue().encode("utf-8"), "f.csv"), (xlsx.getvalue(), "f.xlsx")):
        result = urssaf.read(raw, name=name)
        assert result.ok, result.problems.lines()
        assert by_key(result) == expected


def test_undecodable_bytes_are_a_problem_on_the_file_not_a_traceback():
    result = urssaf.read(b"code_ape;x\n\x81\x8d;\x8f\n", name="f.csv")
    (problem,) = result.problems.sorted()
    assert (problem.line, problem.column) == (0, "") and "encodage illisible" in problem.reason


def test_the_importer_recognises_the_file_and_audits_it_once_with_its_checksum(engine):
    from reindus.ingest.importer import checksum, run_import

    raw = FIXTURE.read_bytes()
    first = run_import("industry", raw, "urssaf.csv", engine=engine, actor="test")
    assert first.applied and first.summary.added == len(urssaf.read(FIXTURE).stats)
    again = run_import("industry", raw, "urssaf.csv", engine=engine, actor="test")
    assert (again.summary.added, again.summary.updated) == (0, 0)
    with session_factory(engine)() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "industry_stats")).all()
        assert checksum(raw) in entry.after and entry.action == "import"
    bad = run_import(
        "industry", broken(5, "effectifs_salaries_2021", "beaucoup"), "u.csv", engine=engine, actor="test"
    )
    assert not bad.applied and bad.problems.sorted()[0].line == 5
