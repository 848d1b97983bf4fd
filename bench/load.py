"""Many users at once, measured at the protocol level: one WebSocket per session, as a browser tab has.

Each session opens `/_stcore/stream`, asks for a page (`BackMsg.rerun_script`) and waits for
`ForwardMsg.script_finished`: that is the « open » time. Then, round after round, every session asks for a
rerun at the same moment and the time to its `script_finished` is the « rerun » time, which includes what
AppTest does not count: the server serialising figures, maps and tables for the browser.

    .venv/bin/python bench/load.py                         # 40 sessions on every page, own server on the demo
    .venv/bin/python bench/load.py --sessions 1 --pages fournisseurs
    .venv/bin/python bench/load.py --url http://127.0.0.1:8501 --pid 1234 --sessions 10
    .venv/bin/python bench/load.py --before 99f2e80 --sessions 40     # and the same on older code, ratio
    .venv/bin/python bench/load.py --soak 600 --sessions 20 --rounds 5   # waves for 10 min, then memory
    .venv/bin/python bench/load.py --processes 2 --soak 600 --sessions 4 --waves 25 --rounds 5
                                       # the same through haproxy, two processes on PostgreSQL (deploy/)
    .venv/bin/python bench/load.py --account conseiller.normandie@demo.reindus.fr --sessions 40
                                       # signed-in sessions: `serve --demo-auth`, each tab signs in first

With `--account`, each session signs in as a browser does before it is measured: it clicks « Se connecter »,
follows the redirect to the demo identity provider, picks the account there and comes back through
`/oauth2callback` with the app's cookies, then opens its measured WebSocket with them. A run that does not
show « Se déconnecter » (the session is not signed in) counts as an error.

Prints one line per page, e.g.
    load 40 sessions fournisseurs: open_p50_s=… rerun_p50_s=… rerun_p95_s=… rss_mb=… errors=0
and, for one session, the server time of a rerun is what the 60 ms bar is about: `rerun_p50_s` on a quiet
machine; `rerun_cpu_ms` (CPU time of the server process per rerun) on a shared one, where wall times grow
with the other work on the cores (`load=` is the load average when the line is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import http.cookies
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from reindus import loopback

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
STICKY_COOKIE = "STSRV"  # deploy/haproxy.cfg: the process that holds a session
# lib/reindus/ui/auth.py: the account box's buttons (their keys end the widget ids, their labels are shown)
SIGN_IN_KEY = "sign_in"
SIGNED_IN_LABEL = "Se déconnecter"


@dataclass
class Session:
    """One browser tab: its WebSocket and the page it shows."""

    url: str
    page: str
    # Behind haproxy: the process that serves this tab (its sticky cookie STSRV). Empty: ask the proxy, as a
    # browser does on its first page load; set: the tab is sent there (the warm-up visits each process).
    server: str = ""
    proxied: bool = False
    # Signed in as this demo account (`sign_in`), and the cookies the app set then: sent with the WebSocket.
    account: str = ""
    cookies: str = ""
    xsrf: str = ""  # sent with the WebSocket as the browser does; without it the server ignores the cookies
    ws: websockets.ClientConnection | None = None
    page_script_hash: str = ""
    errors: list[str] = field(default_factory=list)
    # The browser's message cache: a large element it already holds comes back as a reference to its
    # hash, and it forgets what went unused for `max_age` runs (Streamlit's ForwardMessageCache).
    cached: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    max_age: int = 2
    received_bytes: int = 0
    buttons: dict[str, str] = field(default_factory=dict)  # the last run's buttons: widget id -> label
    auth_redirect: str = ""

    async def sign_in(self) -> None:
        """Sign in as `account`, as a browser does: « Se connecter » on the page, the provider's form, back
        to the app with its cookies (kept in `cookies` for the measured WebSocket)."""
        await self._connect()
        await self._run(first=True)
        sign_in = [i for i in self.buttons if i.endswith(f"-{SIGN_IN_KEY}")]
        if not sign_in:
            raise RuntimeError("pas de bouton « Se connecter » : le serveur tourne-t-il avec --demo-auth ?")
        await self._run(first=False, clicked=sign_in[0])
        await self.close()
        if not self.auth_redirect:
            raise RuntimeError("« Se connecter » n'a pas renvoyé vers le fournisseur d'identité")
        self.cookies, self.xsrf = await asyncio.to_thread(
            provider_sign_in, self.url, self.auth_redirect, self.account
        )
        self.page_script_hash, self.cached, self.runs, self.received_bytes = "", {}, 0, 0

    async def open(self) -> float:
        started = time.perf_counter()
        await self._connect()
        await self._run(first=True)
        return time.perf_counter() - started

    async def _connect(self) -> None:
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        cookies = [self.cookies] if self.cookies else []
        if self.proxied:
            if not self.server:
                self.server = await asyncio.to_thread(sticky_server, f"{self.url}/{self.page}")
            cookies.append(f"{STICKY_COOKIE}={self.server}")
        headers = {"Cookie": "; ".join(cookies)} if cookies else {}
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit", self.xsrf] if self.xsrf else ["streamlit"],
            max_size=None,
            origin=self.url,
            open_timeout=TIMEOUT_S,
            additional_headers=headers,
        )
        if self.proxied:
            # haproxy sets the cookie again only when it sent the request to another process than the one
            # named: the tab would then lose its session at the next reconnection.
            moved = cookie_value(self.ws.response.headers.get_all("Set-Cookie"))
            if moved and moved != self.server:
                self.errors.append(f"session envoyée à {moved} au lieu de {self.server}")

    async def rerun(self) -> float:
        started = time.perf_counter()
        await self._run(first=False)
        return time.perf_counter() - started

    async def _run(self, first: bool, clicked: str = "") -> None:
        assert self.ws is not None
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        if clicked:
            state.widget_states.widgets.append(WidgetState(id=clicked, trigger_value=True))
        if first or not self.page_script_hash:
            state.page_name = self.page
        else:
            state.page_script_hash = self.page_script_hash
        state.cached_message_hashes.extend(self.cached)
        await self.ws.send(msg.SerializeToString())
        self.buttons = {}
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
                elif kind == "delta":
                    self._element(forward.delta.new_element)
                elif kind == "auth_redirect":
                    self.auth_redirect = forward.auth_redirect.url
                elif kind == "page_not_found":
                    self.errors.append(f"page introuvable : {self.page}")
                elif kind == "script_finished" and self._finished(forward.script_finished):
                    return

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(element.exception.message)
        elif kind == "button":
            self.buttons[element.button.id] = element.button.label

    def _finished(self, status: int) -> bool:
        """Whether the run is over (not cut short by a rerun), with its checks."""
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return False
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.errors.append("erreur de compilation")
        self.runs += 1
        self.cached = {h: n for h, n in self.cached.items() if self.runs - n <= self.max_age}
        if self.cookies and SIGNED_IN_LABEL not in self.buttons.values():
            self.errors.append(f"session non connectée ({self.account})")
        return True

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def provider_sign_in(url: str, login_path: str, account: str) -> tuple[str, str]:
    """The redirects and form a browser goes through after « Se connecter »: the app's `/auth/login`, the
    demo provider's page, where the account is picked (its button posts `sub`), and back to the app's
    `/oauth2callback`, which sets the signed-in cookie; then the health check the page makes before its
    WebSocket, which sets the XSRF cookie. Returns the app's cookies as a `Cookie` header and the XSRF
    token (the server reads the signed-in cookie only from a WebSocket that names it)."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(url + login_path, timeout=TIMEOUT_S) as provider_page:
        form_url = provider_page.url
    form = urllib.parse.urlencode({"sub": account}).encode()
    with browser.open(form_url, data=form, timeout=TIMEOUT_S) as back:
        if not back.url.startswith(url):
            raise RuntimeError(f"le fournisseur d'identité n'a pas renvoyé vers l'application : {back.url}")
    browser.open(f"{url}/_stcore/health", timeout=TIMEOUT_S).close()
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    cookies = request.get_header("Cookie") or ""
    xsrf = next((c.value for c in jar if c.name == "_streamlit_xsrf"), "")
    if "_streamlit_user=" not in cookies or not xsrf:
        raise RuntimeError(f"pas de cookie de connexion pour {account}")
    return cookies, xsrf


def sticky_server(url: str) -> str:
    """The process haproxy chose for a new visitor of `url`: the STSRV cookie of its answer."""
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        server = cookie_value(response.headers.get_all("Set-Cookie") or [])
    if not server:
        raise RuntimeError(f"pas de cookie {STICKY_COOKIE} dans la réponse de {url}")
    return server


def cookie_value(set_cookies: list[str]) -> str:
    jar = http.cookies.SimpleCookie()
    for header in set_cookies:
        jar.load(header)
    return jar[STICKY_COOKIE].value if STICKY_COOKIE in jar else ""


def rss_mb(*pids: int) -> float:
    """Resident memory of the server processes (and their children), in MB; 0 when unknown."""
    total = 0
    for p in [q for pid in pids for q in (pid, *_children(pid))]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_s(*pids: int) -> float:
    """CPU time (user + system) the server processes have used, in seconds; 0 when unknown. Unlike wall
    time, it does not grow when other work shares the machine's cores."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Result:
    """One page measured: N sessions opened it, then reran it together, round after round."""

    page: str
    sessions: int
    open_times: list[float]
    reruns: list[float]
    rss_mb: float
    rss_before_mb: float
    rss_per_session_mb: float
    rerun_cpu_ms: float
    rerun_kb: float
    errors: int
    served: Counter[str] = field(default_factory=Counter)  # sessions per process, behind haproxy
    rss_each_mb: dict[str, float] = field(default_factory=dict)  # per process, sessions open

    def line(self, label: str = "") -> str:
        opened = statistics.median(self.open_times) if self.open_times else float("nan")
        return (
            f"load {self.sessions} sessions {self.page}{label}: open_p50_s={opened:.3f} "
            f"rerun_p50_s={quantile(self.reruns, 0.5):.3f} rerun_p95_s={quantile(self.reruns, 0.95):.3f} "
            f"rss_mb={self.rss_mb:.0f} rss_before_mb={self.rss_before_mb:.0f} "
            f"rss_per_session_mb={self.rss_per_session_mb:.1f} rerun_cpu_ms={self.rerun_cpu_ms:.0f} "
            f"rerun_kb={self.rerun_kb:.0f} errors={self.errors} load={os.getloadavg()[0]:.1f}"
        )


def ratio_line(before: Result, after: Result) -> str:
    """How many times faster than `before` (the same page, sessions and rounds, in the same run)."""

    def times(b: float, a: float) -> str:
        return f"{b / a:.1f}" if a > 0 else "nan"

    return (
        f"ratio {after.sessions} sessions {after.page} (before/after): "
        f"rerun_p50={times(quantile(before.reruns, 0.5), quantile(after.reruns, 0.5))} "
        f"rerun_p95={times(quantile(before.reruns, 0.95), quantile(after.reruns, 0.95))} "
        f"rerun_cpu={times(before.rerun_cpu_ms, after.rerun_cpu_ms)}"
    )


@dataclass
class Target:
    """Where the sessions go: one server, or haproxy in front of several processes (by cookie name)."""

    url: str
    pids: dict[str, int]  # process name (haproxy's cookie value, or "" for a lone server) -> pid
    proxied: bool = False
    account: str = ""  # every session signs in as this demo account (`serve --demo-auth`)

    def rss_each_mb(self) -> dict[str, float]:
        return {name: rss_mb(pid) for name, pid in self.pids.items()}


async def load_page(target: Target, page: str, sessions: int, rounds: int, server: str = "") -> Result:
    pids = list(target.pids.values())
    tabs = [
        Session(target.url, page, server=server, proxied=target.proxied, account=target.account)
        for _ in range(sessions)
    ]
    # Before the sign-in: the session a tab leaves for the provider's page stays on the server a while, as
    # a browser's does, and is part of what a signed-in tab costs.
    rss_before = rss_mb(*pids)
    failures: list[str] = []
    if target.account:  # not timed: a coach signs in once, then works on the page
        signed = await asyncio.gather(*(t.sign_in() for t in tabs), return_exceptions=True)
        failures += [f"connexion : {x!r}" for x in signed if x is not None]
        tabs = [t for t, x in zip(tabs, signed, strict=True) if x is None]
    opened = await asyncio.gather(*(t.open() for t in tabs), return_exceptions=True)
    open_times = [x for x in opened if isinstance(x, float)]
    failures += [repr(x) for x in opened if not isinstance(x, float)]
    rss_each = target.rss_each_mb()
    rss_open = sum(rss_each.values())
    reruns: list[float] = []
    live = [t for t, x in zip(tabs, opened, strict=True) if isinstance(x, float)]
    opened_bytes = sum(t.received_bytes for t in live)
    cpu_open = cpu_s(*pids)
    for _ in range(rounds):
        results = await asyncio.gather(*(t.rerun() for t in live), return_exceptions=True)
        reruns += [x for x in results if isinstance(x, float)]
        failures += [repr(x) for x in results if not isinstance(x, float)]
    rerun_cpu_ms = (cpu_s(*pids) - cpu_open) * 1000 / max(1, len(reruns))
    rerun_kb = (sum(t.received_bytes for t in live) - opened_bytes) / 1024 / max(1, len(reruns))
    await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
    errors = len(failures) + sum(len(t.errors) for t in tabs)
    for message in failures[:3] + [e for t in tabs for e in t.errors][:3]:
        print(f"  erreur ({page}) : {message[:200]}", file=sys.stderr)
    per_session = (rss_open - rss_before) / max(1, len(live))
    return Result(
        page, sessions, open_times, reruns, rss_open, rss_before, per_session, rerun_cpu_ms, rerun_kb, errors,
        Counter(t.server for t in live if t.server), rss_each,
    )  # fmt: skip


@contextlib.contextmanager
def own_server(home: Path, port: int, root: Path = ROOT, account: str = "") -> Iterator[Target]:
    """`reindus serve` of the checkout `root` on the demo in `home`, as `make run` starts it; with an
    `account`, with the demo identity provider (`--demo-auth`) and sessions that sign in as it."""
    env = {**os.environ, "REINDUS_HOME": str(home), "PYTHONPATH": str(root / "lib")}
    auth = ["--demo-auth"] if account else []
    if account:
        env["REINDUS_DEMO_IDP_PORT"] = str(loopback.free_port())
    env.pop("REINDUS_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "reindus.cli", "demo", "--if-empty"], env=env, check=True, cwd=root)
    with loopback.server(port, env, home / "streamlit.log", *auth, cwd=root) as server:
        # The sign-in's redirect URI names localhost: the cookies are the app's only under that name.
        yield Target(
            f"http://{'localhost' if account else '127.0.0.1'}:{port}", {"": server.pid}, account=account
        )


@contextlib.contextmanager
def checkout(ref: str, into: Path) -> Iterator[Path]:
    """The repository at `ref` in a temporary work tree (its own code, settings and demo)."""
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(into), ref], cwd=ROOT, check=True)
    try:
        yield into
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(into)], cwd=ROOT, check=False)


@contextlib.contextmanager
def deployment(home: Path, database_url: str) -> Iterator[Target]:
    """The deployment of deploy/ on loopback (`reindus.loopback`, as tests/deploy starts it): the demo in a
    schema of its own on the PostgreSQL server at `database_url`, dropped at the end."""
    haproxy = loopback.haproxy_path()
    if haproxy is None:
        raise SystemExit("haproxy introuvable (paquet Debian `haproxy`)")
    schema = loopback.create_schema(database_url, "reindus_bench")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    try:
        with loopback.deployment(loopback.schema_url(database_url, schema), home, env, haproxy) as deployed:
            yield Target(deployed.url, {name: p.pid for name, p in deployed.processes.items()}, proxied=True)
    finally:
        loopback.drop_schema(database_url, schema)


# Reruns of the warm-up visit: the carousel shows its next view at each rerun, and its three default views
# are each filled once by the first screen of the day, as every other page's caches are.
WARM_RERUNS = 3


async def warm(target: Target, pages: list[str]) -> None:
    """Every page once on every process: its caches filled, as after the first visits of the day."""
    for page in pages:
        for server in target.pids if target.proxied else [""]:
            await load_page(target, page, 1, WARM_RERUNS, server)


async def measure(target: Target, page: str, args: argparse.Namespace) -> Result:
    if not args.cold:  # a first visit fills the caches, as the first coach of the morning does
        await warm(target, [page])
    return await load_page(target, page, args.sessions, args.rounds)


async def run(targets: list[Target], pages: list[str], args: argparse.Namespace) -> None:
    """Every page on each server in turn (with `--before`: the older code first, then this one)."""
    for page in pages:
        results = [await measure(target, page, args) for target in targets]
        if len(results) == 2:
            print(results[0].line(f" (avant, {args.before})"), flush=True)
        print(results[-1].line(), flush=True)
        if len(results) == 2:
            print(ratio_line(*results), flush=True)


async def soak(target: Target, pages: list[str], args: argparse.Namespace) -> None:
    """Waves of `--sessions` sessions, each on the next page, open, rerun `--rounds` times and leave, for
    `--soak` seconds (back to back, or `--waves` of them spread evenly); then, once Streamlit has dropped
    the disconnected sessions (`--settle`), each process's memory against its memory after the warm-up: a
    leak per session would show there."""
    await warm(target, pages)
    rss_start = target.rss_each_mb()
    rss_peak = dict(rss_start)
    started = time.monotonic()
    waves = sessions = reruns = errors = 0
    served: Counter[str] = Counter()
    while time.monotonic() - started < args.soak and (args.waves is None or waves < args.waves):
        if args.waves:
            await asyncio.sleep(max(0.0, started + waves * args.soak / args.waves - time.monotonic()))
        result = await load_page(target, pages[waves % len(pages)], args.sessions, args.rounds)
        waves, sessions = waves + 1, sessions + result.sessions
        reruns, errors = reruns + len(result.reruns), errors + result.errors
        served += result.served
        rss_peak = {name: max(mb, result.rss_each_mb.get(name, 0.0)) for name, mb in rss_peak.items()}
    if args.waves:  # the last wave's sessions leave at the end of the period, not when they are done
        await asyncio.sleep(max(0.0, started + args.soak - time.monotonic()))
    await asyncio.sleep(args.settle)
    rss_end = target.rss_each_mb()

    def mb(values: dict[str, float]) -> str:
        return "+".join(f"{v:.0f}" for v in values.values())

    def growth(names: list[str]) -> float:
        start = sum(rss_start[n] for n in names)
        return 100 * (sum(rss_end[n] for n in names) - start) / start if start else float("nan")

    processes = f" processes={len(target.pids)}" if target.proxied else ""
    print(
        f"soak {args.soak:.0f} s{processes}: waves={waves} sessions={sessions} reruns={reruns} errors={errors} "
        f"rss_start_mb={mb(rss_start)} rss_peak_mb={mb(rss_peak)} rss_end_mb={mb(rss_end)} "
        f"rss_growth_pct={growth(list(target.pids)):.1f} load={os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if target.proxied:
        for name in target.pids:
            print(
                f"  {name}: sessions={served[name]} rss_start_mb={rss_start[name]:.0f} "
                f"rss_peak_mb={rss_peak[name]:.0f} rss_end_mb={rss_end[name]:.0f} "
                f"rss_growth_pct={growth([name]):.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start one on the demo)")
    parser.add_argument("--pid", type=int, help="the running server's process, for its memory and CPU time")
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--account", metavar="EMAIL", help="every session signs in as this demo account "
                        "first (the server runs with --demo-auth; with --url, it must)")  # fmt: skip
    parser.add_argument("--cold", action="store_true", help="no warm-up visit before measuring")
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also measure the code at this git ref, page by page, and print the ratio",
    )
    parser.add_argument(
        "--soak", type=float, help="seconds of waves of sessions, then the memory once they left"
    )
    parser.add_argument("--settle", type=float, default=130, help="seconds to wait after a soak (Streamlit "
                        "keeps a disconnected session 120 s by default)")  # fmt: skip
    parser.add_argument("--waves", type=int, help="with --soak: this many waves, spread evenly over the "
                        "period (default: back to back until it ends)")  # fmt: skip
    parser.add_argument("--processes", type=int, default=1, help="2: the deployment of deploy/ on loopback "
                        "(two processes on PostgreSQL, haproxy in front), sessions through the proxy")  # fmt: skip
    parser.add_argument("--database-url", default=loopback.test_database_url(), help="with --processes: "
                        "the PostgreSQL server where the demo goes, in a schema of its own")  # fmt: skip
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    expected = len(loopback.proxied_processes())
    if args.processes not in (1, expected):
        parser.error(f"--processes : 1, ou {expected} (les lignes `server` de deploy/haproxy.cfg)")
    if args.processes > 1 and (args.url or args.before):
        parser.error("--processes démarre son propre déploiement : sans --url ni --before")
    if args.processes > 1 and args.account:
        parser.error("--account : un processus (le déploiement de deploy/ n'a pas de fournisseur de démo)")
    with tempfile.TemporaryDirectory(prefix="reindus-load-") as tmp, contextlib.ExitStack() as stack:
        targets = []
        if args.url:
            pids = {"": args.pid} if args.pid else {}
            targets.append(Target(args.url.rstrip("/"), pids, account=args.account or ""))
        elif args.processes > 1:
            targets.append(stack.enter_context(deployment(Path(tmp), args.database_url)))
        else:
            if args.before:
                (Path(tmp) / "before-home").mkdir()
                root = stack.enter_context(checkout(args.before, Path(tmp) / "before"))
                targets.append(
                    stack.enter_context(
                        own_server(Path(tmp) / "before-home", args.port + 1, root, args.account or "")
                    )
                )
            targets.append(stack.enter_context(own_server(Path(tmp), args.port, account=args.account or "")))
        if args.soak:
            asyncio.run(soak(targets[-1], pages, args))
        else:
            asyncio.run(run(targets, pages, args))


if __name__ == "__main__":
    main()
