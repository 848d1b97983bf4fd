import datetime
import threading

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from reindus.reference import headcount
from reindus.reference.siret import complete_siren_array, complete_siret_array, is_valid_siret
from reindus.reference.territory import departement_of_commune
from reindus.register import (
    CANDIDATE_COLUMNS,
    COLUMNS,
    EARTH_RADIUS_KM,
    MASKED_NAME,
    SYNTH_SOURCE,
    RegisterError,
    append,
    by_siret,
    candidates,
    counts_by_departement,
    load_file,
    load_legal_units,
    open_register,
    replace_all,
    summary,
    synth,
    synth_frame,
)

NAF = [
    "25.62A",
    "25.62B",
    "25.61Z",
    "25.11Z",
    "22.29A",
    "22.29B",
    "13.20Z",
    "28.41Z",
    "33.12Z",
    "10.71C",
    "46.69B",
]
PREFIXES = ["25", "25.6", "22.29", "1", "13.20", "28", "33.1", "4"]
DEPARTEMENTS = ["14", "27", "50", "61", "76", "75", "2A", "971", "59", "13"]
BANDS = [b.code for b in headcount.BANDS]
# Roughly SIRENE-like: NN most common, large bands rare but present.
BAND_P = np.array([30, 10, 12, 8, 6, 6, 5, 4, 3, 2, 2, 2, 2, 1, 1, 1], dtype=float)
CENTRES = {"14": (-0.36, 49.1), "27": (1.0, 49.1), "50": (-1.3, 49.1), "61": (0.1, 48.6), "76": (1.0, 49.7),
           "75": (2.35, 48.86), "2A": (9.0, 41.9), "971": (-61.5, 16.2), "59": (3.2, 50.4), "13": (5.1, 43.5)}  # fmt: skip


def make_register(n: int, seed: int) -> pd.DataFrame:
    """A random register in the schema, with the awkward cases: shared commune points, missing coordinates,
    every band, closed rows, sole traders, duplicate-looking names."""
    rng = np.random.default_rng(seed)
    siren8 = rng.choice(np.arange(10_000_000, 99_999_999), size=n, replace=False)
    siren = complete_siren_array(siren8)
    nic = rng.integers(1, 300, n)
    siret = complete_siret_array(siren, nic)
    dep = rng.choice(DEPARTEMENTS, n)
    commune_no = rng.integers(1, 6, n)
    commune = [f"{d}{c:02d}" if len(d) == 3 else f"{d}{c:03d}" for d, c in zip(dep, commune_no, strict=True)]
    centre = np.array([CENTRES[d] for d in dep])
    # Commune point shared by the approximate rows of a commune; others jittered around it.
    commune_point = centre + (commune_no[:, None] - 3) * 0.05
    approximate = rng.random(n) < 0.3
    jitter = rng.normal(0, 0.03, (n, 2)) * ~approximate[:, None]
    lonlat = np.round(commune_point + jitter, 5)
    missing = rng.random(n) < 0.05
    lonlat[missing] = np.nan
    legal = rng.choice(["1000", "5710", "5499", None], n, p=[0.3, 0.3, 0.3, 0.1])
    start = np.datetime64("1980-01-01")
    created = (start + rng.integers(0, 16000, n).astype("timedelta64[D]")).astype("datetime64[D]")
    return pd.DataFrame(
        {
            "siret": [f"{s:014d}" for s in siret],
            "siren": [f"{s:09d}" for s in siren],
            "nic": [f"{s:014d}"[9:] for s in siret],
            "name": [f"Entreprise {i} l'{['Ouest', 'Est'][i % 2]}" for i in range(n)],
            "naf": rng.choice(NAF, n, p=np.linspace(2, 1, len(NAF)) / np.linspace(2, 1, len(NAF)).sum()),
            "naf_version": "NAFRev2",
            "band": rng.choice(BANDS, n, p=BAND_P / BAND_P.sum()),
            "active": rng.random(n) < 0.7,
            "commune": commune,
            "departement": dep,
            "longitude": lonlat[:, 0],
            "latitude": lonlat[:, 1],
            "approximate": approximate,
            "created": pd.to_datetime(created),
            "legal_category": legal,
            "source": rng.choice(["sirene-2025-06", "demo"], n),
        }
    )


def brute_force(
    df,
    *,
    naf_codes=(),
    naf_prefixes=(),
    departements=None,
    regional_departements=(),
    min_band="NN",
    active_only=True,
    point=None,
    limit=None,
    show_personal_names=False,
):
    """The specification in plain pandas: filter, haversine, sort."""
    exact = df.naf.isin(list(naf_codes))
    prefix = df.naf.str.startswith(tuple(naf_prefixes)) if naf_prefixes else pd.Series(False, index=df.index)
    keep = pd.Series(True, index=df.index)
    if naf_codes or naf_prefixes:
        keep &= exact | prefix
    floor = headcount.BY_CODE[min_band].low
    if floor is not None:  # bands by their lower bound, independently of headcount.at_least
        lows = df.band.map({b.code: (-1 if b.low is None else b.low) for b in headcount.BANDS})
        keep &= lows >= floor
    if active_only:
        keep &= df.active
    if departements is not None:
        keep &= df.departement.isin(list(departements))
    out = df[keep].copy()
    if not show_personal_names:
        out.loc[out.legal_category == "1000", "name"] = MASKED_NAME
    if point is None:
        out["distance_km"] = np.nan
    else:
        lon0, lat0 = np.radians(point[0]), np.radians(point[1])
        lon, lat = np.radians(out.longitude.to_numpy()), np.radians(out.latitude.to_numpy())
        a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        out["distance_km"] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    if naf_codes or naf_prefixes:
        out["naf_match"] = np.where(exact[keep], "exact", np.where(prefix[keep], "prefix", None))
    else:
        out["naf_match"] = None
    out["regional"] = out.departement.isin(list(regional_departements))
    out = out.sort_values(
        ["regional", "distance_km", "siret"], ascending=[False, True, True], na_position="last", kind="stable"
    )
    return out.head(limit) if limit is not None else out


def plain(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series.astype(object)]


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(CANDIDATE_COLUMNS)
    assert plain(got.siret) == plain(expected.siret)
    for column in (
        "siren",
        "nic",
        "name",
        "naf",
        "band",
        "commune",
        "departement",
        "legal_category",
        "source",
    ):
        assert plain(got[column]) == plain(expected[column]), column
    for column in ("active", "approximate", "regional"):
        assert got[column].astype(bool).tolist() == expected[column].astype(bool).tolist(), column
    assert plain(got.naf_match) == plain(expected.naf_match)
    np.testing.assert_allclose(got.longitude.to_numpy(float), expected.longitude.to_numpy(float))
    np.testing.assert_allclose(
        got.distance_km.to_numpy(float), expected.distance_km.to_numpy(float), rtol=1e-9
    )
    assert (pd.to_datetime(got.created).to_numpy() == pd.to_datetime(expected.created).to_numpy()).all()


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return make_register(4000, seed=7)


@pytest.fixture(scope="module")
def reg(tmp_path_factory, data):
    register = open_register(tmp_path_factory.mktemp("register") / "register.duckdb")
    replace_all(register, data)
    yield register
    register.close()


def random_query(rng: np.random.Generator) -> dict:
    def subset(values, p_none=0.0):
        if rng.random() < p_none:
            return None
        return [str(v) for v in rng.choice(values, rng.integers(0, len(values) + 1), replace=False)]

    query = {
        "naf_codes": subset(NAF) if rng.random() < 0.6 else [],
        "naf_prefixes": subset(PREFIXES) if rng.random() < 0.5 else [],
        "departements": subset(DEPARTEMENTS, p_none=0.4),
        "regional_departements": subset(DEPARTEMENTS),
        "min_band": str(rng.choice(["NN", "00", "11", "53", *BANDS])),
        "active_only": bool(rng.random() < 0.7),
        "point": None if rng.random() < 0.2 else (float(rng.uniform(-5, 10)), float(rng.uniform(41, 51))),
        "limit": None if rng.random() < 0.5 else int(rng.integers(0, 300)),
        "show_personal_names": bool(rng.random() < 0.3),
    }
    if rng.random() < 0.1:  # a point on a commune point: ties broken by SIRET
        query["point"] = (CENTRES["76"][0] - 0.1, CENTRES["76"][1] - 0.1)
    return query


def test_candidates_match_brute_force(reg, data):
    rng = np.random.default_rng(2024)
    nonempty = 0
    for _ in range(200):
        query = random_query(rng)
        got = candidates(reg, **query)
        expected = brute_force(data, **query)
        assert_same(got, expected)
        nonempty += len(got) > 0
    assert nonempty > 120  # the queries do exercise the data


@pytest.mark.parametrize(
    "min_band, allowed",
    [
        ("NN", set(BANDS)),
        ("00", set(BANDS) - {"NN"}),
        ("11", {"11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53"}),
        ("53", {"53"}),
    ],
)
def test_min_band_edges(reg, data, min_band, allowed):
    got = candidates(reg, min_band=min_band, active_only=False)
    assert set(got.band) == allowed  # the random register holds every band
    assert len(got) == data.band.isin(allowed).sum()
    assert_same(got, brute_force(data, min_band=min_band, active_only=False))


def test_unknown_band_and_empty_prefix_are_refused(reg):
    with pytest.raises(ValueError):
        candidates(reg, min_band="10")
    with pytest.raises(ValueError):
        candidates(reg, naf_prefixes=[""])
    with pytest.raises(ValueError):
        candidates(reg, point=(200.0, 0.0))


def test_regional_rows_come_first_then_by_distance(reg):
    got = candidates(reg, naf_prefixes=["25"], regional_departements=["76", "27"], point=(1.09, 49.44))
    regional = got.regional.to_numpy()
    assert regional.any() and not regional.all()
    assert not (np.diff(regional.astype(int)) > 0).any()  # True block, then False block
    for _, block in got.groupby("regional"):
        distances = block.distance_km.dropna().to_numpy()
        assert (np.diff(distances) >= 0).all()
        assert block.distance_km.isna().sum() == 0 or block.distance_km.iloc[-1:].isna().all()
    assert set(got[got.regional].departement) <= {"76", "27"}
    assert set(got.naf_match) == {"prefix"}


def test_exact_and_prefix_match(reg, data):
    got = candidates(reg, naf_codes=["2562A", "13.20Z"], naf_prefixes=["25.6"], active_only=False)
    assert set(got.naf) == {"25.62A", "25.62B", "25.61Z", "13.20Z"}
    assert (got.naf_match == np.where(got.naf.isin(["25.62A", "13.20Z"]), "exact", "prefix")).all()
    assert len(got) == data.naf.isin(["25.62A", "25.62B", "25.61Z", "13.20Z"]).sum()


def test_departement_filters(reg, data):
    assert len(candidates(reg, departements=[], active_only=False)) == 0
    assert len(candidates(reg, departements=None, active_only=False)) == len(data)
    got = candidates(reg, departements=["2a", "971"], active_only=False)
    assert set(got.departement) == {"2A", "971"}


def test_values_travel_as_parameters(reg):
    for evil in ["76' OR '1'='1", "'; DROP TABLE establishments; --"]:
        assert len(candidates(reg, departements=[evil], naf_codes=[evil], regional_departements=[evil])) == 0
    assert len(candidates(reg, active_only=False)) == 4000


def test_personal_names_masked_by_default(reg, data):
    masked = candidates(reg, active_only=False)
    sole = masked.legal_category == "1000"
    assert sole.any() and (masked.name[sole] == MASKED_NAME).all()
    assert (masked.name[~sole] != MASKED_NAME).all()
    shown = candidates(reg, active_only=False, show_personal_names=True)
    assert MASKED_NAME not in set(shown.name)
    rows = by_siret(reg, [data.siret[0], "00000000000000"], show_personal_names=True)
    assert rows.siret.tolist() == [data.siret[0]] and rows.name[0] == data.name[0]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"naf_prefixes": ["25"]},
        {"naf_codes": ["22.29A", "13.20Z"], "min_band": "11"},
        {"naf_codes": ["46.69B"], "naf_prefixes": ["1"], "min_band": "00", "active_only": False},
        {"min_band": "53"},
    ],
)
def test_counts_by_departement(reg, data, query):
    expected = brute_force(data, **query).groupby("departement").size().rename("establishments").reset_index()
    got = counts_by_departement(reg, **query)
    assert got.departement.tolist() == sorted(expected.departement)
    assert got.establishments.tolist() == expected.sort_values("departement").establishments.tolist()


def test_summary(reg, data):
    s = summary(reg)
    assert s["rows"] == len(data)
    assert s["active"] == data.active.sum()
    assert s["approximate"] == data.approximate.sum()
    assert s["sole_traders"] == (data.legal_category == "1000").sum()
    assert (
        dict(zip(s["by_source"].source, s["by_source"].rows, strict=True))
        == data.source.value_counts().to_dict()
    )
    by_dep = data.groupby("departement").agg(rows=("siret", "size"), active=("active", "sum"))
    assert s["by_departement"].set_index("departement")[["rows", "active"]].to_dict() == by_dep.to_dict()


def test_concurrent_queries_share_one_register(reg, data):
    expected = len(brute_force(data, naf_prefixes=["25"]))
    results, errors = [], []

    def work():
        try:
            for _ in range(10):
                results.append(len(candidates(reg, naf_prefixes=["25"], point=(1.0, 49.0))))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [expected] * 40


# --- loading ------------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path):
    register = open_register(tmp_path / "small.duckdb")
    yield register
    register.close()


def stored(register) -> pd.DataFrame:
    """The table in storage order (no ORDER BY)."""
    return register.con.execute("SELECT * FROM establishments").df()


def test_load_sorts_by_departement_naf_siret(small, data):
    replace_all(small, data.sample(frac=1, random_state=1))
    table = stored(small)
    keys = list(zip(table.departement, table.naf, table.siret, strict=True))
    assert keys == sorted(keys)
    assert len(table) == len(data)
    assert list(table.columns) == list(COLUMNS)


@pytest.mark.parametrize(
    "spoil, reason",
    [
        (
            lambda d: d.assign(longitude=d.longitude.astype(object).where(d.index != 3, "abc")),
            "Could not convert",
        ),
        (lambda d: d.assign(band=d.band.where(d.index != 5, "10")), "tranche"),
        (lambda d: d.assign(siret=d.siret.where(d.index != 7, d.siret[8])), "double"),
        (lambda d: d.assign(siret=d.siret.where(d.index != 7, "123")), "14 chiffres"),
        (lambda d: d.assign(active=d.active.astype(object).where(d.index != 9, None)), "état"),
        (lambda d: d.assign(latitude=d.latitude.where(d.index != 2, 95.0)), "coordonnées"),
        (lambda d: d.drop(columns=["naf"]), "obligatoires"),
        (lambda d: d.assign(surprise=1), "inconnues"),
    ],
)
def test_failed_load_leaves_previous_contents(small, data, spoil, reason):
    before = data.iloc[:300]
    replace_all(small, before)
    snapshot = stored(small)
    bad = spoil(data.iloc[300:600].reset_index(drop=True))
    for load in (replace_all, append):
        with pytest.raises(RegisterError, match=reason):
            load(small, bad)
        pd.testing.assert_frame_equal(stored(small), snapshot)
    tables = small.con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
    assert tables == [("establishments",), ("legal_units",)]  # no leftover staging table


def test_append_adds_and_replaces_by_siret(small, data):
    replace_all(small, data.iloc[:1000])
    update = data.iloc[900:1500].copy()
    update["name"] = "Nouveau nom"
    assert append(small, update) == 1500
    table = stored(small).set_index("siret")
    assert (table.loc[update.siret, "name"] == "Nouveau nom").all()
    assert (table.loc[data.siret[:900], "name"] == data.name[:900].to_numpy()).all()
    keys = list(zip(table.departement, table.naf, table.index, strict=True))
    assert keys == sorted(keys)


def test_optional_columns_and_normalisation(small):
    df = pd.DataFrame(
        {
            "siret": ["73282932000074", "44306184100047"],
            "naf": ["4651Z", "63.12Z"],
            "active": [True, False],
            "commune": ["75108", "97105"],
            "band": ["", "12"],
            "name": ["O'Brien & Fils", None],
        }
    )
    assert replace_all(small, df) == 2
    table = stored(small).set_index("siret")
    assert table.loc["73282932000074", "naf"] == "46.51Z"
    assert table.loc["73282932000074", "band"] == "NN"
    assert table.loc["73282932000074", "siren"] == "732829320"
    assert table.loc["73282932000074", "nic"] == "00074"
    assert table.loc["73282932000074", "departement"] == "75"
    assert table.loc["44306184100047", "departement"] == "971"
    assert table.loc["44306184100047", "naf_version"] == "NAFRev2"
    assert not table.approximate.any()
    assert table.loc["73282932000074", "name"] == "O'Brien & Fils"
    got = candidates(small, active_only=False, point=(2.3, 48.8))
    assert got.distance_km.isna().all()


def test_load_file_round_trip(small, data, tmp_path):
    path = tmp_path / "register.parquet"
    data.to_parquet(path)
    assert load_file(small, path) == len(data)
    assert load_file(small, path, replace=False) == len(data)  # same SIRETs: replaced, not doubled
    assert_same(candidates(small, active_only=False), brute_force(data, active_only=False))
    with pytest.raises(FileNotFoundError):
        load_file(small, tmp_path / "missing.parquet")


def test_read_only(tmp_path, data):
    with pytest.raises(FileNotFoundError):
        open_register(tmp_path / "nothing.duckdb", read_only=True)
    path = tmp_path / "r.duckdb"
    with open_register(path) as register:
        replace_all(register, data.iloc[:50])
    with open_register(path, read_only=True) as register:
        assert summary(register)["rows"] == 50
        with pytest.raises(RegisterError):
            replace_all(register, data.iloc[:10])


def test_in_memory_register(data):
    with open_register(":memory:") as register:
        replace_all(register, data.iloc[:100])
        assert len(candidates(register, active_only=False)) == 100


# --- synthetic register -------------------------------------------------------------------------


def test_synth_writes_valid_rows(tmp_path):
    path = synth(tmp_path / "synth.parquet", rows=5000, seed=3, chunk=1700)
    table = pq.read_table(path)
    df = table.to_pandas()
    assert len(df) == 5000
    assert table.column_names == list(COLUMNS)
    assert df.siret.is_unique
    assert all(map(is_valid_siret, df.siret))
    assert (df.siren == df.siret.str[:9]).all() and (df.nic == df.siret.str[9:]).all()
    assert set(df.band) <= set(BANDS)
    assert (df.source == SYNTH_SOURCE).all()
    assert (df.commune.map(departement_of_commune) == df.departement).all()
    assert 0.6 < df.active.mean() < 0.8
    assert 0.3 < (df.band == "NN").mean() < 0.8
    assert df.longitude.between(-62, 56).all() and df.latitude.between(-22, 52).all()
    assert df.created.min() >= datetime.date(1950, 1, 1) and df.created.max() <= datetime.date(2025, 6, 30)
    assert (df[df.legal_category == "1000"].band.isin(["NN", "00", "01", "02"])).all()
    assert df.naf.nunique() > 100

    # Deterministic, and loadable as is.
    again = synth(tmp_path / "again.parquet", rows=5000, seed=3, chunk=1700)
    assert pq.read_table(again).equals(table)
    assert not pq.read_table(synth(tmp_path / "other.parquet", rows=50, seed=4)).equals(table.slice(0, 50))
    with open_register(tmp_path / "synth.duckdb") as register:
        assert load_file(register, path) == 5000
        assert summary(register)["rows"] == 5000


def test_synth_frame_and_empty():
    assert len(synth_frame(0)) == 0
    frame = synth_frame(300, seed=1)
    assert list(frame.columns) == list(COLUMNS) and frame.siret.is_unique


def test_legal_units_complete_every_establishment_and_keep_the_order(small, data, tmp_path):
    replace_all(small, data.sample(frac=1, random_state=2))
    before = stored(small)
    sirens = sorted(set(before.siren))
    named = sirens[::2]  # half the companies get a unit, the others keep what they held
    units = pd.DataFrame(
        {
            "siren": named,
            "name": [f"SOCIÉTÉ {s}" for s in named],
            "diffusible": True,
            "legal_category": "5710",
            "company_category": "PME",
            "employer": True,
            "ess": False,
            "mission": False,
            "active": True,
            "naf": "25.62A",
            "naf25": None,
            "source": "test",
        }
    )
    path = tmp_path / "units.parquet"
    units.to_parquet(path)
    load_legal_units(small, path)
    after = stored(small)
    assert list(after.siret) == list(before.siret)  # same rows, same storage order: no sort again
    has_unit = after.siren.isin(named)
    assert (after.legal_name[has_unit] == "SOCIÉTÉ " + after.siren[has_unit]).all()
    assert (after.company_category[has_unit] == "PME").all() and (
        after.legal_category[has_unit] == "5710"
    ).all()
    untouched = [
        c
        for c in COLUMNS
        if c not in ("legal_name", "legal_diffusible", "company_category", "legal_category")
    ]
    pd.testing.assert_frame_equal(after[untouched], before[untouched])
    kept = ["legal_name", "company_category", "legal_category"]
    assert (
        after.loc[~has_unit, kept].astype(object).fillna("∅")
        == before.loc[~has_unit, kept].astype(object).fillna("∅")
    ).all(axis=None)


def test_a_siren_twice_among_legal_units_leaves_the_register_unchanged(small, data, tmp_path):
    replace_all(small, data.iloc[:200])
    before = stored(small)
    siren = before.siren[0]
    twice = pd.DataFrame({"siren": [siren, siren], "name": ["A", "B"]})
    for column in ("diffusible", "employer", "ess", "mission", "active"):
        twice[column] = True
    for column in ("legal_category", "company_category", "naf", "naf25", "source"):
        twice[column] = None
    path = tmp_path / "twice.parquet"
    twice.astype(
        dict.fromkeys(("legal_category", "company_category", "naf", "naf25", "source"), "string")
    ).to_parquet(path)
    with pytest.raises(RegisterError, match="SIREN en double"):
        load_legal_units(small, path)
    pd.testing.assert_frame_equal(stored(small), before)
