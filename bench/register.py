"""Register benchmark: the Fournisseurs page's queries at 1 M, 10 M and 40 M rows.

For each size: a synthetic SIRENE-like Parquet file (`register.synth`) loaded into a DuckDB register
(sorted by département, NAF, SIRET), then, each in a fresh process so that memory is measured per size:
- warm: the candidate query (Normandie, NAF division 25, 10 employees and more, nearest to Rouen, 20 000
  rows at most) and the counts per département (same filters, all of France), median and p95 over
  30 runs after 3 warm-ups;
- cold: the candidate query in a new process (open + first query), median of 3 processes;
- pandas: the same candidate query answered from the same Parquet file with column selection and
  filter pushdown (`read_parquet(columns=…, filters=…)`), then distance and sort, median of 3 runs;
- peak memory: maximum resident set size of the DuckDB worker process.

Bars (issue 4, 2-core machine): at 10 M rows median under 50 ms, ≥ 10× faster than pandas, peak under
1 GB; at 40 M rows median under 150 ms. Building 40 M rows takes several minutes and ~10 GB of RAM.
Files are kept under var/bench/ and reused. Usage: python bench/register.py [--sizes 1e6,1e7,4e7]
Last lines: `register N rows: median_ms=… p95_ms=… pandas_ratio=… peak_rss_mb=…`, one per size.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
REGION_DEPS = ("14", "27", "50", "61", "76")  # Normandie
PREFIXES = ("25",)
MIN_BAND = "11"
POINT = (1.0993, 49.4431)  # Rouen
LIMIT = 20_000


def peak_rss_mb() -> float:
    """High-water mark of this process's resident memory (VmHWM; ru_maxrss survives exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def build(rows: int) -> tuple[Path, Path]:
    from reindus.register import load_file, open_register, synth

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    parquet = BENCH_DIR / f"register-{rows}.parquet"
    duck = BENCH_DIR / f"register-{rows}.duckdb"
    if not parquet.exists():
        t0 = time.perf_counter()
        synth(parquet, rows=rows, seed=0)
        print(f"  synth {rows:,} rows: {time.perf_counter() - t0:.1f} s", flush=True)
    if not duck.exists():
        t0 = time.perf_counter()
        tmp = duck.with_suffix(".tmp.duckdb")
        tmp.unlink(missing_ok=True)
        with open_register(tmp) as reg:
            load_file(reg, parquet)
        tmp.replace(duck)
        print(f"  load into DuckDB: {time.perf_counter() - t0:.1f} s", flush=True)
    return parquet, duck


def _candidate_query(reg):
    from reindus.register import candidates

    return candidates(
        reg,
        naf_prefixes=PREFIXES,
        departements=REGION_DEPS,
        regional_departements=REGION_DEPS,
        min_band=MIN_BAND,
        point=POINT,
        limit=LIMIT,
    )


def worker_warm(duck: str) -> dict:
    from reindus.register import counts_by_departement, open_register

    reg = open_register(duck, read_only=True)
    for _ in range(3):
        found = _candidate_query(reg)
        counts_by_departement(reg, naf_prefixes=PREFIXES, min_band=MIN_BAND)
    cand, count = [], []
    for _ in range(30):
        t0 = time.perf_counter()
        _candidate_query(reg)
        cand.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        counts_by_departement(reg, naf_prefixes=PREFIXES, min_band=MIN_BAND)
        count.append((time.perf_counter() - t0) * 1000)
    return {
        "rows_found": len(found),
        "cand": cand,
        "count": count,
        "peak_rss_mb": peak_rss_mb(),
    }


def worker_cold(duck: str) -> dict:
    from reindus.register import open_register

    t0 = time.perf_counter()
    reg = open_register(duck, read_only=True)
    _candidate_query(reg)
    return {"cold_ms": (time.perf_counter() - t0) * 1000}


def worker_pandas(parquet: str) -> dict:
    import numpy as np
    import pandas as pd

    from reindus.reference import headcount
    from reindus.reference.geo import haversine_km

    bands = list(headcount.at_least(MIN_BAND))
    columns = ["siret", "name", "naf", "band", "active", "commune", "departement", "longitude", "latitude"]
    times, found = [], 0
    for _ in range(3):
        t0 = time.perf_counter()
        df = pd.read_parquet(
            parquet,
            columns=columns,
            filters=[
                ("departement", "in", list(REGION_DEPS)),
                ("naf", ">=", "25"),
                ("naf", "<", "26"),
                ("active", "==", True),
                ("band", "in", bands),
            ],
        )
        df["distance_km"] = haversine_km(POINT[0], POINT[1], df["longitude"], df["latitude"])
        df = df.sort_values(["distance_km", "siret"], na_position="last").head(LIMIT)
        found = len(df)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "pandas_ms": float(np.median(times)),
        "rows_found": found,
        "peak_rss_mb": peak_rss_mb(),
    }


def _run(kind: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1e6,1e7,4e7")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.worker:
        kind, path = args.worker
        print(json.dumps({"warm": worker_warm, "cold": worker_cold, "pandas": worker_pandas}[kind](path)))
        return
    lines = []
    for rows in (int(float(s)) for s in args.sizes.split(",")):
        print(f"register {rows:,} rows", flush=True)
        parquet, duck = build(rows)
        warm = _run("warm", duck)
        cold = statistics.median(_run("cold", duck)["cold_ms"] for _ in range(3))
        pandas = _run("pandas", parquet)
        median = statistics.median(warm["cand"])
        assert pandas["rows_found"] == warm["rows_found"], (pandas["rows_found"], warm["rows_found"])
        print(
            f"  candidates ({warm['rows_found']} found): median {median:.1f} ms, p95 {_p95(warm['cand']):.1f} ms, "
            f"cold {cold:.0f} ms; counts per département: median {statistics.median(warm['count']):.1f} ms, "
            f"p95 {_p95(warm['count']):.1f} ms; pandas {pandas['pandas_ms']:.0f} ms "
            f"(peak {pandas['peak_rss_mb']:.0f} MB)",
            flush=True,
        )
        lines.append(
            f"register {rows} rows: median_ms={median:.1f} p95_ms={_p95(warm['cand']):.1f} "
            f"pandas_ratio={pandas['pandas_ms'] / median:.1f} peak_rss_mb={warm['peak_rss_mb']:.0f}"
        )
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
