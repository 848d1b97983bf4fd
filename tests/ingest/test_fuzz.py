"""Property: random bytes and random cell values never raise, and a refused file writes nothing."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reindus.ingest.importer import run_import
from tests.support.ingest import db_checksum

KINDS = ("projects", "links", "shortlists", "industry", "openings")
HEADERS = {
    "projects": [
        "projet",
        "département",
        "commune",
        "naf",
        "édition",
        "date de début",
        "emplois prévus",
        "investissement (€)",
        "statut",
        "public",
        "siren",
    ],
    "shortlists": ["projet", "édition", "maillon", "siret", "fournisseur", "commune", "pays", "statut"],
    "openings": ["région", "semestre", "ouvertures", "fermetures", "mesure", "source"],
}
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "76",
            "2A",
            "13.20Z",
            "01/02/2023",
            "-1",
            "1e308",
            "=1+1",
            "'=x",
            "45291",
            "oui",
            "\u00a0",
            '"',
            ";",
        ]
    ),
)


@FUZZ
@given(kind=st.sampled_from(KINDS), raw=st.binary(max_size=400))
def test_random_bytes(small_store, kind, raw):
    store = small_store
    before = db_checksum(store)
    result = run_import(kind, raw, "hasard.bin", engine=store, actor="fuzz")
    if not result.applied or not (result.summary and result.summary.changed):
        assert db_checksum(store) == before


@FUZZ
@given(kind=st.sampled_from(sorted(HEADERS)), data=st.data(), fmt=st.sampled_from(["csv", "xlsx"]))
def test_random_cells(small_store, kind, data, fmt):
    store = small_store
    header = HEADERS[kind]
    rows = data.draw(
        st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), min_size=1, max_size=4)
    )
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, delimiter=";").writerows([header, *rows])
        raw = buf.getvalue().encode("utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        wb = Workbook()
        for row in [header, *rows]:
            wb.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
        out = io.BytesIO()
        wb.save(out)
        raw = out.getvalue()
    before = db_checksum(store)
    result = run_import(kind, raw, f"hasard.{fmt}", engine=store, actor="fuzz")
    if not result.ok:
        assert not result.applied
        assert db_checksum(store) == before
