"""Lambert 93 → WGS84 in SQL matches pyproj."""

import duckdb
import numpy as np
import pandas as pd
from pyproj import Transformer

from reindus.reference import lambert


def test_lambert93_in_sql_matches_pyproj_across_metropolitan_france():
    rng = np.random.default_rng(0)
    points = pd.DataFrame(
        {"x": rng.uniform(100_000, 1_250_000, 5000), "y": rng.uniform(6_030_000, 7_130_000, 5000)}
    )
    longitude = lambert.longitude_sql("x", "y")
    got = duckdb.sql(
        f"SELECT {longitude} AS lon, {lambert.latitude_sql('iso')} AS lat "
        f"FROM (SELECT *, {lambert.isometric_sql('x', 'y')} AS iso FROM points)"
    ).df()
    lon, lat = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(
        points["x"], points["y"]
    )
    assert np.abs(got["lon"] - lon).max() < 1e-9 and np.abs(got["lat"] - lat).max() < 1e-9


def test_a_missing_coordinate_gives_null():
    row = duckdb.execute(
        f"SELECT {lambert.longitude_sql('NULL::DOUBLE', '6930000.0')} AS lon, "
        f"{lambert.latitude_sql(lambert.isometric_sql('562000.0', 'NULL::DOUBLE'))} AS lat"
    ).fetchall()
    assert row == [(None, None)]
