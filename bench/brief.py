"""« Brief de la région » benchmark: time to build the PDF of each programme region on the demo.

Wall time and the process's CPU time are both printed: on a shared machine the wall time also counts
the waits for a core (the load average is printed too). The demo is loaded once into a temporary
REINDUS_HOME (or the one given with --home), then for each programme region the brief of the edition is built 5 times after one warm-up in the same process (as the app
does: the register and reference tables are already open), split into gathering the figures and drawing
the PDF. A cold run (new process: imports, first store and register reads) is measured once.

Bar (issue 16): under 5 s per brief. Usage: python bench/brief.py [--edition 2026] [--home DIR]
Last line: `brief edition E: worst_median_s=… cold_s=… pages=5 size_kb=…`.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cold(home: Path, edition: int) -> float:
    code = (
        "import time; t = time.perf_counter()\n"
        "from reindus import config, register\n"
        "from reindus.auth import Role, Scope\n"
        "from reindus.brief import build_brief\n"
        "from reindus.store.db import make_engine\n"
        "reg = register.open_register(config.register_path(), read_only=True)\n"
        f"build_brief(Scope(Role.PRESIDENCE), make_engine(), reg, '28', {edition})\n"
        "print(time.perf_counter() - t)\n"
    )
    env = {**os.environ, "REINDUS_HOME": str(home), "PYTHONPATH": str(ROOT / "lib")}
    env.pop("REINDUS_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edition", type=int, default=2026)
    parser.add_argument("--home", default=None, help="REINDUS_HOME holding the demo (loaded if absent)")
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="reindus-brief-"))
    os.environ["REINDUS_HOME"] = str(home)
    os.environ.pop("REINDUS_DATABASE_URL", None)

    import pypdf

    from reindus import config, demo, register
    from reindus.brief import build_content, render
    from reindus.programme import regions
    from reindus.store.db import make_engine

    engine = make_engine()
    if demo.install(engine=engine, if_empty=True) is not None:
        print(f"demo loaded into {home}")
    medians, cpus = [], []
    reg = register.open_register(config.register_path(), read_only=True)
    for region in regions.load(engine):
        build_content(engine, reg, region.code, args.edition)  # warm-up
        gather, draw, cpu = [], [], []
        for _ in range(5):
            c0, t0 = time.process_time(), time.perf_counter()
            content = build_content(engine, reg, region.code, args.edition)
            t1 = time.perf_counter()
            pdf = render(content)
            draw.append(time.perf_counter() - t1)
            gather.append(t1 - t0)
            cpu.append(time.process_time() - c0)
        total = statistics.median(g + d for g, d in zip(gather, draw, strict=True))
        cpus.append(statistics.median(cpu))
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        medians.append(total)
        print(
            f"{region.name}: median_s={total:.2f} cpu_s={cpus[-1]:.2f} (figures {statistics.median(gather):.2f}, "
            f"pdf {statistics.median(draw):.2f}) pages={pages} size_kb={len(pdf) // 1024}"
        )
    cold = _cold(home, args.edition)
    print(
        f"brief edition {args.edition}: worst_median_s={max(medians):.2f} worst_cpu_s={max(cpus):.2f} "
        f"cold_s={cold:.2f} load_avg={os.getloadavg()[0]:.1f} "
        f"pages={pages} size_kb={len(pdf) // 1024}"
    )


if __name__ == "__main__":
    main()
