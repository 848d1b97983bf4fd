from __future__ import annotations

import pandas as pd
import pytest

from reindus import register
from reindus.ingest import establishments
from reindus.ingest.importer import run_import
from reindus.reference.siret import make_siret
from tests.support.ingest import FIXTURES


def test_sirene_stock_keeps_nafrev2_rows_places_missing_points_and_flags_them(store, tmp_path):
    path = tmp_path / "register.duckdb"
    raw = (FIXTURES / "sirene_stock_small.csv").read_bytes()
    result = run_import(
        "establishments", raw, "StockEtablissement.csv", engine=store, actor="t", register_path=path
    )
    assert result.applied and result.summary.english == "3 added, 0 updated, 0 unchanged"
    extra = result.parsed.extra
    assert (extra["rows"], extra["kept"]) == (5, 3)  # NAF 1993 and a foreign row left out
    assert sum(extra["skipped"].values()) == 2
    with register.open_register(path, read_only=True) as reg:
        rows = register.by_siret(
            reg, ["55203253400018", "55203253400026", "35600000001230"], show_personal_names=True
        ).set_index("siret")
    rouen = rows.loc["55203253400018"]
    assert not rouen["approximate"] and 1.0 < rouen["longitude"] < 1.2 and 49.3 < rouen["latitude"] < 49.5
    assert rows.loc["55203253400026", "approximate"] and rows.loc["55203253400026", "commune"] == "75112"
    assert rows.loc["35600000001230", "departement"] == "2A"  # La Poste rule, Corsica


def test_geolocated_variant_with_per_row_epsg_and_cci_directory(store, tmp_path):
    s1, s2 = make_siret("55203253", "31"), make_siret("55203253", "32")
    s13 = make_siret("05203253", "33")
    frame = pd.DataFrame(
        {
            "siret": [s1, s2, s13[1:]],
            "raison sociale": ["A", "B", "C"],
            "naf": ["1320Z", "13.20Z", "25.62A"],
            "code commune": ["76540", "76540", "2A004"],
            "effectif": ["12", "", "NN"],
            "x_longitude": ["562000", "1.09", ""],
            "y_latitude": ["6930000", "49.44", ""],
            "epsg": ["2154", "4326", ""],
            "certifications": ["ISO 9001", "", ""],
        }
    )
    raw = frame.to_csv(sep=";", index=False).encode("cp1252")
    result = run_import(
        "establishments",
        raw,
        "annuaire.csv",
        engine=store,
        actor="t",
        register_path=tmp_path / "register.duckdb",
        dry_run=True,
    )
    assert result.ok, result.problems.lines()
    assert result.summary.added == 3 and not result.applied


def _directory_row(**values: str) -> pd.DataFrame:
    """One good line of a CCI directory, with `values` (by header) instead of its own."""
    row = {
        "siret": make_siret("55203253", "41"),
        "raison sociale": "A",
        "naf": "13.20Z",
        "code commune": "76540",
        "effectif": "12",
        "date de création": "2021-06-01",
        "état": "A",
        "longitude": "1,0993",
        "latitude": "49,4431",
    }
    return pd.DataFrame([row | values])


@pytest.mark.parametrize(
    "column, value, reason, shown",
    [
        ("naf", "99.99Z", "NAF rév. 2", "99.99Z"),
        ("code commune", "99999", "commune INSEE inconnu", "99999"),
        ("effectif", "7", "tranche d'effectif", "7"),
        # the value as read, spaces included, not the SIRET the check compacted
        ("siret", "552 032 534 0004", "SIRET invalide", "552 032 534 0004"),
        ("date de création", "2023-02-30", "date impossible", "2023-02-30"),
        ("longitude", "1,1,1", "nombre attendu", "1,1,1"),
        ("latitude", "nord", "nombre attendu", "nord"),
        ("longitude", "200", "coordonnées hors limites", "200.0"),
        ("état", "X", "état administratif", "X"),
    ],
)
def test_bad_establishment_rows(store, tmp_path, column, value, reason, shown):
    frame = _directory_row(**{column: value})
    parsed, parquet = establishments.read_path(_write(tmp_path, frame), "f.csv")
    assert parquet is None, "a single defective line is above the budget of a small file"
    problem = parsed.problems.items[0]
    assert reason in problem.reason and problem.line == 2
    assert str(problem.value) == shown


def test_a_good_row_of_the_same_file_imports(store, tmp_path):
    frame = _directory_row(naf="1320Z")
    parsed, parquet = establishments.read_path(_write(tmp_path, frame), "f.csv")
    assert parquet is not None, parsed.problems.lines()
    row = pd.read_parquet(parquet).iloc[0]
    assert (row["naf"], row["commune"], row["departement"]) == ("13.20Z", "76540", "76")
    assert row["longitude"] == pytest.approx(1.0993) and row["latitude"] == pytest.approx(49.4431)
    assert not row["approximate"] and str(row["created"])[:10] == "2021-06-01"


def _write(tmp_path, frame):
    path = tmp_path / "f.csv"
    frame.to_csv(path, sep=",", index=False)
    return path


def test_the_sql_siret_check_agrees_with_the_python_one():
    import random

    import duckdb

    from reindus.reference import siret

    rng = random.Random(7)
    values = [make_siret("55203253", str(i)) for i in range(100)] + [
        make_siret("35600000", str(i)) for i in range(30)
    ]
    values += ["".join(rng.choice("0123456789") for _ in range(14)) for _ in range(2000)]
    values += [
        siret.LA_POSTE_HEAD_OFFICE,
        "35600000000049",
        "1234",
        "abcdefghijklmn",
        "123456789012345",
        None,
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (s VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[v] for v in values])
    got = [r[0] for r in con.execute(f"SELECT {siret.valid_siret_sql('s')} FROM t").fetchall()]
    assert got == [v is not None and siret.is_valid_siret(v) for v in values]


def test_every_bad_row_is_counted_and_each_check_lists_its_own(store, tmp_path):
    n = 120
    frame = pd.DataFrame(
        {
            "siret": [make_siret("55203253", str(i))[:-1] + "x" for i in range(n)],
            "raison sociale": ["A"] * n,
            "naf": ["13.20Z"] * n,
            "code commune": ["76540"] * n,
            "effectif": ["12"] * n,
        }
    )
    frame.loc[5, "code commune"] = "99999"
    parsed, parquet = establishments.read_path(_write(tmp_path, frame), "f.csv")
    assert parquet is None and parsed.problems.errors == n + 1
    reasons = [p.reason for p in parsed.problems.sorted()]
    assert (
        reasons.count("SIRET invalide (14 chiffres et clé de contrôle)") == establishments.PROBLEMS_PER_CHECK
    )
    assert "code commune INSEE inconnu" in reasons
    assert parsed.problems.lines()[-1].endswith("autre(s) problème(s) non listé(s)")


def test_per_row_coordinate_systems_lambert_in_sql_overseas_through_pyproj_unknown_left_out(store, tmp_path):
    from pyproj import Transformer

    sirets = [make_siret("55203253", str(50 + i)) for i in range(4)]
    frame = pd.DataFrame(
        {
            "siret": sirets,
            "raison sociale": ["A", "B", "C", "D"],
            "naf": ["13.20Z"] * 4,
            "code commune": ["76540", "76540", "97411", "76540"],
            "x_longitude": ["562000", "1.09", "338000", "562000"],
            "y_latitude": ["6930000", "49.44", "7690000", "6930000"],
            "epsg": ["2154", "4326", "2975", "99999"],  # 2975: RGR92 / UTM 40S (La Réunion)
        }
    )
    parsed, parquet = establishments.read_path(_write(tmp_path, frame), "f.csv", max_errors=1)
    assert parquet is not None, parsed.problems.lines()
    assert parsed.extra["kept"] == 3 and parsed.extra["rejected"] == 1
    unknown = next(p for p in parsed.problems.items if "EPSG" in p.reason)
    assert (unknown.line, unknown.value) == (5, "99999")
    rows = pd.read_parquet(parquet).set_index("siret")
    expected = {
        sirets[0]: Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(562000, 6930000),
        sirets[1]: (1.09, 49.44),
        sirets[2]: Transformer.from_crs("EPSG:2975", "EPSG:4326", always_xy=True).transform(338000, 7690000),
    }
    for s, (lon, lat) in expected.items():
        assert not rows.loc[s, "approximate"]
        assert abs(rows.loc[s, "longitude"] - lon) < 1e-9 and abs(rows.loc[s, "latitude"] - lat) < 1e-9
