"""Facts about the committed geodata (data/, built by `reindus build-geodata`)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely

from reindus import config
from reindus.reference import geo

# Town halls (WGS84), used to check the distance function against a hand calculation.
PARIS = (2.3522, 48.8566)
ROUEN = (1.0993, 49.4431)


def test_exactly_101_departements():
    deps = geo.departements_gdf()
    assert len(deps) == 101
    assert deps["code"].is_unique
    assert len(geo.departements_geojson()["features"]) == 101


def test_every_departement_of_the_pilot_regions_has_a_shape(new_store_regions):
    codes = set(geo.departements_gdf()["code"])
    pilot = new_store_regions.departements()
    assert len(pilot) == 26
    assert set(pilot) <= codes


def test_rouen_lies_inside_seine_maritime():
    deps = geo.departements_gdf().set_index("code")
    lon, lat = geo.commune_point("76540")
    assert deps.loc["76", "geometry"].contains(shapely.Point(lon, lat))
    assert not deps.loc["27", "geometry"].contains(shapely.Point(lon, lat))


def test_paris_arrondissements_are_communes():
    communes = geo.communes().set_index("code")
    assert communes.loc["75101", "departement"] == "75"
    assert {"69381", "13201", "75120"} <= set(communes.index)
    lon, lat = geo.commune_point("75101")
    assert 2.32 < lon < 2.36 and 48.85 < lat < 48.87


def test_unknown_commune_raises_key_error():
    with pytest.raises(KeyError):
        geo.commune_point("99999")


def test_each_pilot_region_is_one_polygon(new_store_regions):
    regions = geo.region_shapes(new_store_regions.codes)
    assert sorted(regions["code"]) == sorted(new_store_regions.codes)
    for row in regions.itertuples():
        # One shape and no hole: a sliver between two départements would show as either.
        assert row.geometry.geom_type == "Polygon", row.nom
        assert len(row.geometry.interiors) == 0, row.nom


def test_departements_do_not_overlap():
    deps = geo.departements_gdf()
    # Degrees² near 46° N: 1e-6 deg² is about 0.008 km².
    overlaps = [
        shapely.area(shapely.intersection(a, b))
        for a, b in itertools.combinations(deps.geometry, 2)
        if a.intersects(b)
    ]
    assert max(overlaps) < 1e-6


def test_geojson_is_small_enough_for_the_browser():
    assert (config.DATA_DIR / "departements.geojson").stat().st_size < 310_000


def test_haversine_paris_rouen():
    # Hand check with the flat approximation, fine at this distance (R = 6371.0088 km, 1° = 111.195 km):
    #   north-south: (49.4431 - 48.8566) = 0.5865° × 111.195 = 65.22 km
    #   east-west:   (2.3522 - 1.0993) = 1.2529° × cos(49.15°) 0.6541 × 111.195 = 91.12 km
    #   √(65.22² + 91.12²) = √12557 ≈ 112.06 km
    assert geo.haversine_km(*PARIS, *ROUEN) == pytest.approx(112.06, abs=0.2)


def test_haversine_is_vectorised():
    lons = np.array([PARIS[0], ROUEN[0]])
    lats = np.array([PARIS[1], ROUEN[1]])
    distances = geo.haversine_km(lons, lats, ROUEN[0], ROUEN[1])
    assert distances.shape == (2,)
    assert distances[1] == pytest.approx(0.0)
    assert distances[0] == pytest.approx(geo.haversine_km(*PARIS, *ROUEN))


def test_neighbours_of_seine_maritime():
    voisins = geo.neighbours("76")
    assert {"27", "80", "60"} <= set(voisins)
    assert "75" not in voisins
    assert "76" in geo.neighbours("27")  # the relation is symmetric
    assert geo.neighbours("974") == ()  # La Réunion is an island


def test_rouen_population_is_plausible():
    communes = geo.communes().set_index("code")
    assert 100_000 <= communes.loc["76540", "population"] <= 130_000


def test_every_commune_has_a_point_in_france():
    communes = geo.communes()
    assert communes["code"].is_unique
    assert communes[["longitude", "latitude"]].notna().all().all()
    mainland = ~communes["departement"].str.startswith("97")
    assert communes.loc[mainland, "longitude"].between(-5.5, 10).all()
    assert communes.loc[mainland, "latitude"].between(41, 51.5).all()
