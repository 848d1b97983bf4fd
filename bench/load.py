"""Many users at once, measured at the protocol level: one WebSocket per session, as a browser tab has.

Each session opens `/_stcore/stream`, asks for a page (`BackMsg.rerun_script`) and waits for
`ForwardMsg.script_finished`: that is the « open » time. Then, round after round, every session asks for a
rerun at the same moment and the time to its `script_finished` is the « rerun » time, which includes what
AppTest does not count: the server serialising figures, maps and tables for the browser.

    .venv/bin/python bench/load.py                         # 40 sessions on every page, own server on the demo
    .venv/bin/python bench/load.py --sessions 1 --pages fournisseurs
    .venv/bin/python bench/load.py --url http://127.0.0.1:8501 --sessions 10

Prints one line per page, e.g.
    load 40 sessions fournisseurs: open_p50_s=… rerun_p50_s=… rerun_p95_s=… rss_mb=… errors=0
and, for one session, the server time of a rerun (`rerun_p50_s`) is what the 60 ms bar is about.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "tableau-de-bord",
    "avancement",
    "fournisseurs",
    "chaine",
    "industrie",
    "pitch",
    "carrousel",
    "donnees",
)
TIMEOUT_S = 120.0


@dataclass
class Session:
    """One browser tab: its WebSocket and the page it shows."""

    url: str
    page: str
    ws: websockets.ClientConnection | None = None
    page_script_hash: str = ""
    errors: list[str] = field(default_factory=list)
    # The browser's message cache: a large element it already holds comes back as a reference to its
    # hash, and it forgets what went unused for `max_age` runs (Streamlit's ForwardMessageCache).
    cached: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    max_age: int = 2
    received_bytes: int = 0

    async def open(self) -> float:
        started = time.perf_counter()
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url, subprotocols=["streamlit"], max_size=None, origin=self.url, open_timeout=TIMEOUT_S
        )
        await self._run(first=True)
        return time.perf_counter() - started

    async def rerun(self) -> float:
        started = time.perf_counter()
        await self._run(first=False)
        return time.perf_counter() - started

    async def _run(self, first: bool) -> None:
        assert self.ws is not None
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        if first or not self.page_script_hash:
            state.page_name = self.page
        else:
            state.page_script_hash = self.page_script_hash
        state.cached_message_hashes.extend(self.cached)
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                forward = ForwardMsg()
                payload = await self.ws.recv()
                self.received_bytes += len(payload)
                forward.ParseFromString(payload)
                kind = forward.WhichOneof("type")
                if forward.metadata.cacheable:
                    self.cached[forward.hash] = self.runs
                if kind == "ref_hash":
                    self.cached[forward.ref_hash] = self.runs
                elif kind == "new_session":
                    self.max_age = forward.new_session.config.max_cached_message_age or self.max_age
                elif kind == "navigation":
                    # The page that ran (new_session names the main script): what the browser reruns.
                    self.page_script_hash = forward.navigation.page_script_hash
                elif kind == "delta" and forward.delta.new_element.WhichOneof("type") == "exception":
                    self.errors.append(forward.delta.new_element.exception.message)
                elif kind == "page_not_found":
                    self.errors.append(f"page introuvable : {self.page}")
                elif kind == "script_finished":
                    if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        self.errors.append("erreur de compilation")
                    self.runs += 1
                    self.cached = {h: n for h, n in self.cached.items() if self.runs - n <= self.max_age}
                    return

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def rss_mb(pid: int | None) -> float:
    """Resident memory of the server process (and its children), in MB; 0 when unknown."""
    if pid is None:
        return 0.0
    total = 0
    for p in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_s(pid: int | None) -> float:
    """CPU time (user + system) the server process has used, in seconds; 0 when unknown. Unlike wall time,
    it does not grow when other work shares the machine's cores."""
    if pid is None:
        return 0.0
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def load_page(url: str, page: str, sessions: int, rounds: int, pid: int | None) -> str:
    rss_before = rss_mb(pid)
    tabs = [Session(url, page) for _ in range(sessions)]
    opened = await asyncio.gather(*(t.open() for t in tabs), return_exceptions=True)
    open_times = [x for x in opened if isinstance(x, float)]
    failures = [repr(x) for x in opened if not isinstance(x, float)]
    rss_open = rss_mb(pid)
    reruns: list[float] = []
    live = [t for t, x in zip(tabs, opened, strict=True) if isinstance(x, float)]
    opened_bytes = sum(t.received_bytes for t in live)
    cpu_open = cpu_s(pid)
    for _ in range(rounds):
        results = await asyncio.gather(*(t.rerun() for t in live), return_exceptions=True)
        reruns += [x for x in results if isinstance(x, float)]
        failures += [repr(x) for x in results if not isinstance(x, float)]
    rerun_cpu_ms = (cpu_s(pid) - cpu_open) * 1000 / max(1, len(reruns))
    rerun_kb = (sum(t.received_bytes for t in live) - opened_bytes) / 1024 / max(1, len(reruns))
    await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
    errors = len(failures) + sum(len(t.errors) for t in tabs)
    for message in failures[:3] + [e for t in tabs for e in t.errors][:3]:
        print(f"  erreur ({page}) : {message[:200]}", file=sys.stderr)
    per_session = (rss_open - rss_before) / max(1, len(live))
    return (
        f"load {sessions} sessions {page}: open_p50_s={statistics.median(open_times) if open_times else float('nan'):.3f} "
        f"rerun_p50_s={quantile(reruns, 0.5):.3f} rerun_p95_s={quantile(reruns, 0.95):.3f} "
        f"rss_mb={rss_open:.0f} rss_before_mb={rss_before:.0f} rss_per_session_mb={per_session:.1f} "
        f"rerun_cpu_ms={rerun_cpu_ms:.0f} rerun_kb={rerun_kb:.0f} errors={errors} load={os.getloadavg()[0]:.1f}"
    )


@contextlib.contextmanager
def own_server(home: Path, port: int) -> Iterator[tuple[str, int]]:
    """`reindus serve` on the demo in `home`, as `make run` starts it."""
    env = {**os.environ, "REINDUS_HOME": str(home)}
    env.pop("REINDUS_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "reindus.cli", "demo", "--if-empty"], env=env, check=True, cwd=ROOT)
    log = (home / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "reindus.cli", "serve", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((home / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


async def run(url: str, pid: int | None, pages: list[str], sessions: int, rounds: int, warm: bool) -> None:
    for page in pages:
        if warm:  # a first visit fills the caches, as the first coach of the morning does
            await load_page(url, page, 1, 1, pid)
        print(await load_page(url, page, sessions, rounds, pid), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start one on the demo)")
    parser.add_argument("--pid", type=int, help="the running server's process, for its memory and CPU time")
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--cold", action="store_true", help="no warm-up visit before measuring")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    if args.url:
        asyncio.run(run(args.url.rstrip("/"), args.pid, pages, args.sessions, args.rounds, not args.cold))
        return
    with (
        tempfile.TemporaryDirectory(prefix="reindus-load-") as tmp,
        own_server(Path(tmp), args.port) as (url, pid),
    ):
        asyncio.run(run(url, pid, pages, args.sessions, args.rounds, not args.cold))


if __name__ == "__main__":
    main()
