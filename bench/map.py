"""Supplier map: HTML size and build time for 1 k, 20 k and 100 k candidates.

Bars (issue 4): with 20 k candidates the payload stays under 2 MB and builds in under 0.3 s.
Build = `supplier_map(...)` plus rendering the HTML (what streamlit-folium sends). Median of 5 runs.
The naive alternative, measured in the same run on the same points: folium's `MarkerCluster` of
`Marker`s with tooltips (1 k points only: it takes seconds beyond), and folium's `FastMarkerCluster`.
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

from reindus import geo
from reindus.figures.supplier_map import rendered_html, supplier_map
from reindus.reference import headcount


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


def naive_marker_cluster(points: pd.DataFrame) -> str:
    from folium.plugins import MarkerCluster

    m = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None)
    cluster = MarkerCluster().add_to(m)
    for row in points.itertuples():
        folium.Marker([row.latitude, row.longitude], tooltip=html.escape(row.name)).add_to(cluster)
    return m.get_root().render()


def naive_fast_cluster(points: pd.DataFrame) -> str:
    from folium.plugins import FastMarkerCluster

    m = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None)
    FastMarkerCluster(points[["latitude", "longitude"]].to_numpy().tolist()).add_to(m)
    return m.get_root().render()


def build(counts: pd.DataFrame, points: pd.DataFrame, names: dict[str, str]) -> str:
    return rendered_html(supplier_map(counts, points, site=(1.09, 49.44), commune_names=names))


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
    rendered_html(supplier_map(pd.DataFrame({"departement": ["76"], "establishments": [1]}), None))  # warm
    for n in (int(float(s)) for s in args.sizes.split(",")):
        points = candidates(n)
        counts = points.groupby("departement").size().rename("establishments").reset_index()
        ours, size = timed(partial(build, counts, points, names), args.runs)
        fast, fast_size = timed(partial(naive_fast_cluster, points), args.runs)
        print(f"  folium FastMarkerCluster (no tooltips, no choropleth): {fast:.3f} s, {fast_size / 1e6:.2f} MB")
        if n <= 1000:
            naive, naive_size = timed(partial(naive_marker_cluster, points), 1)
            print(f"  folium MarkerCluster of Markers: {naive:.3f} s, {naive_size / 1e6:.2f} MB "
                  f"(ratio {naive / ours:.1f}x slower than ours)")
        print(f"map {n} candidates: build_s={ours:.3f} html_mb={size / 1e6:.2f}")


if __name__ == "__main__":
    main()
