"""CSV and XLSX exports: French CSV, numbers stay numbers, formulas neutralised."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from reindus.exchange import export

DANGEROUS = ["=1+2", "+33 1 23", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nom": ["Filature du Vexin", *DANGEROUS],
            "Montant": [-10, 2.5, 1000, 0, 3, 4, 5],
        }
    )


def test_csv_is_french_and_neutralised(frame):
    raw = export.to_csv(frame)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Nom;Montant"
    assert lines[1] == "Filature du Vexin;-10,0"  # the number stays a number: no quote prefix
    assert lines[2].startswith("'=1+2;")
    assert lines[3].startswith("'+33 1 23;")
    assert lines[5].startswith("'@SUM(A1);")
    assert lines[4].startswith("'-cmd")
    assert lines[6].startswith("'\tTAB;")


def test_csv_reads_back(frame):
    back = pd.read_csv(io.BytesIO(export.to_csv(frame)), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Montant"].tolist() == [-10, 2.5, 1000, 0, 3, 4, 5]
    assert back["Nom"][1] == "'=1+2"


def test_xlsx_keeps_numbers_and_writes_no_formula(frame):
    wb = load_workbook(io.BytesIO(export.to_xlsx(frame, "Indicateurs")))
    ws = wb["Indicateurs"]
    assert [c.value for c in ws[1]] == ["Nom", "Montant"]
    amount = ws["B2"]
    assert amount.value == -10 and amount.data_type == "n"
    for row, text in enumerate(DANGEROUS, start=3):
        cell = ws.cell(row=row, column=1)
        assert cell.value == text.replace("\r", "\n")  # XML stores a lone CR as a line feed
        assert cell.data_type == "s"  # a string, never a formula (`f`)
        assert cell.quotePrefix
    assert not ws["A2"].quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_xlsx_handles_missing_values_and_dates():
    from datetime import date

    frame = pd.DataFrame({"Date": [date(2026, 11, 20), None], "Taux": [0.5, float("nan")]})
    ws = load_workbook(io.BytesIO(export.to_xlsx(frame))).active
    assert ws["A2"].value.date() == date(2026, 11, 20)
    assert ws["B3"].value is None and ws["B2"].value == 0.5
