"""The deployment of deploy/ on loopback: `reindus serve` processes on one PostgreSQL schema, haproxy in front.

Started exactly as deploy/ describes it (the same haproxy.cfg, its addresses from the environment), on free
local ports. The deployment test (tests/deploy) proves it in Chromium; the load bench (`bench/load.py
--processes 2`) drives sessions through it and watches each process's memory. `server` is the one way a
test or the bench starts a single `reindus serve` and waits for it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.pool import NullPool

from reindus.config import PACKAGE_DIR
from reindus.store.db import make_engine

ROOT = PACKAGE_DIR.parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
# The PostgreSQL server of the tests and the bench (a local one, trusted): each makes a schema of its own.
DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Deployment:
    url: str  # the proxy
    database_url: str
    processes: dict[str, subprocess.Popen]  # haproxy cookie value (STSRV) -> app process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(
    url: str, log: Path, timeout_s: float = 60.0, proc: subprocess.Popen | None = None
) -> None:
    """Until `url/_stcore/health` answers 200; the server's log in the error otherwise, at once if its
    process `proc` has ended (a server that crashed at start-up would not answer in a minute either)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(f"{url} ne répond pas :\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.3)


def haproxy_path() -> str | None:
    """Debian installs haproxy in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")


def proxied_processes() -> list[str]:
    """The cookie names of the `server` lines of deploy/haproxy.cfg: the processes it expects."""
    names = []
    for line in HAPROXY_CFG.read_text().splitlines():
        words = line.split()
        if words[:1] == ["server"] and "cookie" in words:
            names.append(words[words.index("cookie") + 1])
    return names


def test_database_url() -> str:
    return os.environ.get("REINDUS_TEST_PG_URL", DEFAULT_TEST_DATABASE_URL)


def create_schema(url: str, prefix: str) -> str:
    """A new schema of our own on the PostgreSQL server at `url`, e.g. `reindus_test_3f…`."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    return schema


def drop_schema(url: str, schema: str) -> None:
    admin = make_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


def schema_url(url: str, schema: str) -> str:
    """`url` with every connection on `schema` (what REINDUS_DATABASE_URL holds for the app processes)."""
    return f"{url}?options={quote(f'-csearch_path={schema}')}"


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> Iterator[subprocess.Popen]:
    """`args` run in `cwd` with `env`, its output in `log`; stopped on exit (killed if it lingers)."""
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                with suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=20)
            if proc.poll() is None:
                proc.kill()


def serve_command(port: int, *options: str) -> list[str]:
    """`reindus serve` (with `options`), headless, on 127.0.0.1:`port`."""
    return [
        sys.executable, "-m", "reindus.cli", "serve", *options,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip


@contextmanager
def server(
    port: int, env: dict[str, str], log: Path, *options: str, cwd: Path = ROOT
) -> Iterator[subprocess.Popen]:
    """`reindus serve` (`serve_command`) of the checkout `cwd`, once its health endpoint answers; stopped on
    exit. `env` is its whole environment (REINDUS_HOME, the store, PYTHONPATH for another checkout)."""
    with process(serve_command(port, *options), env, log, cwd) as proc:
        wait_for_health(f"http://127.0.0.1:{port}", log, proc=proc)
        yield proc


@contextmanager
def deployment(database_url: str, home: Path, env: dict[str, str], haproxy: str) -> Iterator[Deployment]:
    """The demo loaded in `database_url` (reset), one `reindus serve` per `server` line of haproxy.cfg, and
    haproxy in front; `env` is the environment of every process (REINDUS_HOME and the store are set here)."""
    env = {**env, "REINDUS_HOME": str(home), "REINDUS_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "reindus.cli", "demo", "--reset"], cwd=ROOT, env=env, check=True)
    names = proxied_processes()
    ports = {name: free_port() for name in names}
    proxy_port = free_port()
    proxy_env = {**env, "REINDUS_PROXY_BIND": f"127.0.0.1:{proxy_port}"}
    proxy_env |= {f"REINDUS_{name.upper()}": f"127.0.0.1:{port}" for name, port in ports.items()}
    with ExitStack() as stack:
        processes = {}
        for name, port in ports.items():  # all started, then waited for: they start side by side
            processes[name] = stack.enter_context(process(serve_command(port), env, home / f"{name}.log"))
        for name, port in ports.items():
            wait_for_health(f"http://127.0.0.1:{port}", home / f"{name}.log", proc=processes[name])
        proxy_process = stack.enter_context(
            process([haproxy, "-db", "-f", str(HAPROXY_CFG)], proxy_env, home / "haproxy.log")
        )
        proxy = f"http://127.0.0.1:{proxy_port}"
        wait_for_health(proxy, home / "haproxy.log", proc=proxy_process)
        yield Deployment(proxy, database_url, processes)
