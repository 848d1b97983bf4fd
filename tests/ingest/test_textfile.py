from datetime import date

import pytest

from reindus.errors import ValidationError
from reindus.ingest import textfile as t
from reindus.ingest.textfile import Column


def test_decode_prefers_bom_then_utf8_then_cp1252():
    assert t.decode("é€".encode("utf-8-sig")) == ("é€", "utf-8-sig")
    assert t.decode("é€".encode()) == ("é€", "utf-8")
    assert t.decode("é€".encode("cp1252")) == ("é€", "cp1252")  # never latin-1: € survives
    with pytest.raises(t.FileFormatError, match="encodage illisible"):
        t.decode(b"caf\x81")


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_separator_is_sniffed(sep):
    raw = sep.join(["projet", "naf", "commune"]) + "\n" + sep.join(["A", "13.20Z", "76540"]) + "\n"
    table = t.read_table(raw.encode(), "f.csv")
    assert table.separator == sep
    assert list(table.frame.columns) == ["projet", "naf", "commune"]


def test_cells_stay_text_and_rows_are_numbered_as_in_the_spreadsheet():
    raw = b"dep;siret\n02;00012345600010\n\n2A;1\n"
    table = t.read_table(raw, "f.csv")
    assert table.frame.loc[2, "dep"] == "02" and table.frame.loc[2, "siret"] == "00012345600010"
    assert list(table.frame.index) == [2, 4]  # the blank row 3 is skipped but still counted


@pytest.mark.parametrize(
    "text, value",
    [
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234\u2009567", 1234567.0),
        ("12,5 €", 12.5),
        ("-3", -3.0),
        ("1234.5", 1234.5),
        ("", None),
    ],
)
def test_french_numbers(text, value):
    assert t.parse_number(text) == value


@pytest.mark.parametrize("text", ["1.234,5", "douze", "1,2,3", "nan", "inf"])
def test_bad_numbers(text):
    with pytest.raises(ValidationError):
        t.parse_number(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("31/12/2023", date(2023, 12, 31)),
        ("1/2/2024", date(2024, 2, 1)),
        ("2023-12-31", date(2023, 12, 31)),
        ("2023-12-31 00:00:00", date(2023, 12, 31)),
        ("45291", date(2023, 12, 31)),
        ("", None),
    ],
)
def test_dates(text, value):
    assert t.parse_date(text) == value


@pytest.mark.parametrize(
    "text, reason",
    [
        ("31/02/2023", "impossible"),
        ("12/13/2023", "impossible"),
        ("hier", "date attendue"),
        ("01/01/1850", "invraisemblable"),
    ],
)
def test_bad_dates(text, reason):
    with pytest.raises(ValidationError, match=reason):
        t.parse_date(text)


def test_headers_match_without_case_accents_spaces_punctuation_or_underscores():
    raw = "PROJET;Date_de_DEBUT;Investissement (€)\nA;01/01/2023;1\n".encode()
    table = t.read_table(raw, "f.csv")
    cols = (
        Column("name", "projet", ("nom",), required=True),
        Column("start", "date de début"),
        Column("inv", "investissement", ("investissement (€)",)),
        Column("naf", "naf", required=True),
    )
    found = t.match_columns(table, cols)
    assert found == {"name": "PROJET", "start": "Date_de_DEBUT", "inv": "Investissement (€)"}
    [problem] = table.problems.items
    assert (problem.line, problem.column) == (1, "naf") and "obligatoire" in problem.reason


def test_choices_and_booleans():
    assert t.parse_choice("TERMINÉ", {"termine": "Terminé"}) == "termine"
    assert t.parse_bool("Oui") is True and t.parse_bool("non") is False
    with pytest.raises(ValidationError):
        t.parse_bool("peut-être")


def test_text_cells_refuse_formulas_but_accept_the_neutralised_form():
    with pytest.raises(ValidationError, match="formule"):
        t.clean_text('=HYPERLINK("http://x","y")', max_length=200)
    assert t.clean_text("'=HYPERLINK(1)", max_length=200) == "=HYPERLINK(1)"
    assert t.clean_text("- liste", max_length=200) == "- liste"


def test_format_is_decided_by_the_bytes():
    assert t.sniff_format(b"PK\x03\x04rest") == "xlsx"
    assert t.sniff_format(b"PAR1") == "parquet"
    with pytest.raises(t.FileFormatError, match="binaire"):
        t.sniff_format(b"abc\x00def")
    with pytest.raises(t.FileFormatError, match="vide"):
        t.sniff_format(b"\xef\xbb\xbf \r\n")


def test_xlsx_cells_become_text(tmp_path):
    import io
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["dep", "date", "n", "flag"])
    wb.active.append(["02", datetime(2023, 9, 4), 12.0, True])
    buf = io.BytesIO()
    wb.save(buf)
    table = t.read_table(buf.getvalue(), "f.xlsx")
    assert table.format == "xlsx"
    assert table.frame.loc[2].tolist() == ["02", "2023-09-04", "12", "oui"]
