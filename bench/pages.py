"""Script run time of each page, by AppTest, caches warm: the demo, then a tenfold demo.

    .venv/bin/python bench/pages.py [--runs 9]

For each scale, a state folder in a temporary directory receives the demo (`scale=1`, then `scale=10`:
ten times the projects and shortlists); every page is run once to warm the caches, then `--runs` times.
The median of those runs is the page's figure. Bars (issue 3): < 300 ms at demo scale, < 500 ms at x10.
The last two lines are `pages demo: worst_median_ms=… (page)` and `pages x10: worst_median_ms=… (page)`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from reindus.ui import navigation

ROOT = Path(__file__).resolve().parents[1]
# Every page of the registry, in normal mode, the default first (the carousel is a rotating frame
# around the same views).
PAGES = tuple(p.file for p in navigation.PAGES if p.url_path != "carrousel")
BARS_MS = {"demo": 300, "x10": 500}


def install(home: Path, scale: int) -> None:
    from reindus import demo
    from reindus.store.db import make_engine

    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    demo.install(engine=engine, register_path=home / "register.duckdb", scale=scale)
    engine.dispose()


def time_page(page: str, runs: int) -> list[float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
    at.run()  # warm: caches filled for this page
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].value}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench(label: str, scale: int, runs: int, pages: tuple[str, ...] = PAGES) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix=f"reindus-bench-{label}-") as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        install(home, scale)
        print(f"{label}: demo ×{scale} installed in {time.perf_counter() - started:.1f} s")
        os.environ["REINDUS_HOME"] = str(home)
        os.environ.pop("REINDUS_DATABASE_URL", None)
        worst = (0.0, "")
        for page in pages:
            times = time_page(page, runs)
            median = statistics.median(times)
            print(
                f"  {page:<28} median {median:6.0f} ms  (min {min(times):.0f}, max {max(times):.0f}, "
                f"{runs} runs)"
            )
            worst = max(worst, (median, page))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--scales", default="demo,x10", help="which scales to run: demo, x10 or both")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page files")
    args = parser.parse_args()
    pages = tuple(args.pages.split(","))
    scales = [
        (label, scale) for label, scale in (("demo", 1), ("x10", 10)) if label in args.scales.split(",")
    ]
    results = {label: bench(label, scale, args.runs, pages) for label, scale in scales}
    for label, (median, _page) in results.items():
        verdict = "ok" if median < BARS_MS[label] else f"OVER {BARS_MS[label]} ms"
        print(f"  bar {label}: {verdict}")
    for label, (median, page) in results.items():
        print(f"pages {label}: worst_median_ms={median:.0f} ({page})")


if __name__ == "__main__":
    main()
