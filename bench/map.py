"""Supplier map: HTML size and build time for 1 k, 20 k and 100 k candidates.

Bars (issue 4): with 20 k candidates the payload stays under 2 MB and builds in under 0.3 s.
Build = `supplier_map(...)` plus rendering the HTML (what streamlit-folium sends). Median of 5 runs.
Usage: python bench/map.py [--sizes 1000,20000,100000]
"""

from __future__ import annotations

import argparse
import statistics
import time

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
        times, size = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            html = rendered_html(supplier_map(counts, points, site=(1.09, 49.44), commune_names=names))
            times.append(time.perf_counter() - t0)
            size = len(html.encode())
        print(f"map {n} candidates: build_s={statistics.median(times):.3f} html_mb={size / 1e6:.2f}")


if __name__ == "__main__":
    main()
