"""Supplier map: HTML size and build time for 1 k, 20 k and 100 k candidates.

Bars (issue 4): with 20 k candidates the payload stays under 2 MB and builds in under 0.3 s.
build = `supplier_map(...)` plus what `st_folium` does with it in Python on every script run (renders the
figure, the map again, then each element's script for the component); payload = the component's script,
header and HTML. rerun = that st_folium work alone, on the map the page keeps (`ui.data.candidate_map`
caches it per search). Median of 5 runs. Measured in the same run on the same points: folium's own
`GeoJson` choropleth + our clusters (what this map was before its layers were pre-serialised), folium's
`MarkerCluster` of `Marker`s with tooltips (1 k points only: it takes seconds beyond), and folium's
`FastMarkerCluster` (points only: no tooltip, no choropleth).
Usage: python bench/map.py [--sizes 1000,20000,100000]
"""

from __future__ import annotations

import argparse
import html
import statistics
import time
from functools import partial

import folium
import numpy as np
import pandas as pd
from streamlit_folium import _get_header, _get_html, _get_map_string

from reindus.figures.leaflet_layers import GeoJsonLayer
from reindus.figures.supplier_map import supplier_map
from reindus.programme import regions
from reindus.reference import geo, headcount
from reindus.store.db import init_schema, make_engine


def new_store_regions() -> regions.ProgrammeRegions:
    """The regions a new store starts with (the four pilots): the outlines a fresh install draws."""
    engine = make_engine("sqlite://")
    init_schema(engine)
    return regions.load(engine)


REGIONS = new_store_regions()


def candidates(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    communes = (
        geo.communes().dropna(subset=["longitude", "latitude"]).sample(n, replace=True, random_state=seed)
    )
    return pd.DataFrame(
        {
            "latitude": communes["latitude"].to_numpy() + rng.normal(0, 0.01, n),
            "longitude": communes["longitude"].to_numpy() + rng.normal(0, 0.01, n),
            "name": [f"Établissement {i} SAS" for i in range(n)],
            "commune": communes["code"].to_numpy(),
            "naf": rng.choice(["25.62A", "25.62B", "22.29A", "25.99B", "13.20Z"], n),
            "band": rng.choice([b.code for b in headcount.BANDS], n),
            "departement": communes["departement"].to_numpy(),
        }
    )


def st_folium_payload(m: folium.Map) -> str:
    """The Python side of `st_folium(m)` (streamlit-folium 0.2x): what it renders and sends."""
    m.get_root().render()
    m.render()
    html, header = _get_html(m), _get_header(m)
    return _get_map_string(m) + header + html


def naive_marker_cluster(points: pd.DataFrame) -> str:
    from folium.plugins import MarkerCluster

    m = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None)
    cluster = MarkerCluster().add_to(m)
    for row in points.itertuples():
        folium.Marker([row.latitude, row.longitude], tooltip=html.escape(row.name)).add_to(cluster)
    return st_folium_payload(m)


def naive_fast_cluster(points: pd.DataFrame) -> str:
    from folium.plugins import FastMarkerCluster

    m = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None)
    FastMarkerCluster(points[["latitude", "longitude"]].to_numpy().tolist()).add_to(m)
    return st_folium_payload(m)


def folium_geojson(counts: pd.DataFrame, points: pd.DataFrame, names: dict[str, str]) -> str:
    """The same map with folium's own `GeoJson` + `GeoJsonTooltip` for the départements and outlines."""
    m = supplier_map(counts, points, regions=REGIONS, site=(1.09, 49.44), commune_names=names)
    for key, child in list(m._children.items()):
        if isinstance(child, GeoJsonLayer):
            del m._children[key]
            folium.GeoJson(
                child.data,
                style_function=lambda f: f["properties"]["style"],
                highlight_function=(lambda f: {"weight": 2}) if child.layer_name == "Départements" else None,
                tooltip=folium.GeoJsonTooltip(["code", "nom", "candidats"])
                if child.layer_name == "Départements"
                else None,
            ).add_to(m)
    return st_folium_payload(m)


def build(counts: pd.DataFrame, points: pd.DataFrame, names: dict[str, str]) -> str:
    return st_folium_payload(
        supplier_map(counts, points, regions=REGIONS, site=(1.09, 49.44), commune_names=names)
    )


def timed(build, runs: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(build().encode())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,20000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    names = dict(zip(geo.communes()["code"], geo.communes()["nom"], strict=True))
    st_folium_payload(
        supplier_map(pd.DataFrame({"departement": ["76"], "establishments": [1]}), None, regions=REGIONS)
    )  # warm
    for n in (int(float(s)) for s in args.sizes.split(",")):
        points = candidates(n)
        counts = points.groupby("departement").size().rename("establishments").reset_index()
        ours, size = timed(partial(build, counts, points, names), args.runs)
        kept = supplier_map(counts, points, regions=REGIONS, site=(1.09, 49.44), commune_names=names)
        rerun, _ = timed(partial(st_folium_payload, kept), args.runs)
        plain, plain_size = timed(partial(folium_geojson, counts, points, names), args.runs)
        print(
            f"  same map with folium GeoJson layers: {plain:.3f} s, {plain_size / 1e6:.2f} MB "
            f"(ratio {plain / ours:.1f}x slower than ours)"
        )
        fast, fast_size = timed(partial(naive_fast_cluster, points), args.runs)
        print(
            f"  folium FastMarkerCluster (no tooltips, no choropleth): {fast:.3f} s, {fast_size / 1e6:.2f} MB"
        )
        if n <= 1000:
            naive, naive_size = timed(partial(naive_marker_cluster, points), 1)
            print(
                f"  folium MarkerCluster of Markers: {naive:.3f} s, {naive_size / 1e6:.2f} MB "
                f"(ratio {naive / ours:.1f}x slower than ours)"
            )
        print(f"map {n} candidates: build_s={ours:.3f} rerun_s={rerun:.3f} html_mb={size / 1e6:.2f}")


if __name__ == "__main__":
    main()
