"""Hostile inputs, read as the command line reads them: time and peak memory until the refusal.

    PYTHONPATH=lib:. .venv/bin/python bench/hostile_inputs.py

Each file of the test corpus (`tests/ingest/bombs.py`: a 200 MB shared string in a 200 KB workbook, a
million-row workbook, a 100 000-column CSV, a 3-million-row CSV) is written to a temporary folder, then
imported as projects (`reindus import projects FICHIER --dry-run`) in a CHILD process whose peak RSS is
read from the kernel (`os.wait4`). The figures include the interpreter and its libraries (~150 MB).

Ends with one line per file: `hostile NAME: bytes=… seconds=… peak_rss_mb=… exit=… message=…`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "lib"), str(ROOT)]

from tests.ingest import bombs  # noqa: E402

FILES = {
    "bombe-texte.xlsx": lambda: bombs.shared_string_bomb(200),
    "lignes.xlsx": lambda: bombs.row_bomb_xlsx(1_000_000),
    "large.csv": lambda: bombs.wide_csv(100_000),
    "lignes.csv": lambda: bombs.row_bomb_csv(3_000_000),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "REINDUS_HOME": str(home), "PYTHONPATH": str(ROOT / "lib")}
        for name, build in FILES.items():
            path = Path(tmp) / name
            path.write_bytes(build())
            started = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "reindus.cli", "import", "projects", str(path), "--dry-run"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            out = proc.stderr.read().decode() + proc.stdout.read().decode()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            message = out.strip().splitlines()[0].replace("\u202f", " ") if out.strip() else ""
            print(
                f"hostile {name}: bytes={path.stat().st_size} seconds={seconds:.1f} "
                f"peak_rss_mb={usage.ru_maxrss // 1024} exit={os.waitstatus_to_exitcode(status)} "
                f"message={message[:160]!r}",
                flush=True,
            )


if __name__ == "__main__":
    main()
