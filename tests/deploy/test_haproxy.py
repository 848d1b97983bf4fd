"""The deployment of deploy/: two `reindus serve` processes on one PostgreSQL store behind haproxy.

Started here on loopback exactly as deploy/ describes it (the same haproxy.cfg, its addresses from the
environment), then driven in headless Chromium through the proxy:
- sessions are spread over both processes and each stays on its process (sticky cookie STSRV);
- a change committed to the store is seen through both processes within 5 s, caches warm;
- when a process is killed, its visitors are sent to the other one and find the same data.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from reindus.store.db import make_engine, session_factory
from reindus.store.models import Project
from reindus.store.repository import update_versioned
from tests.support.browser import free_port, wait_for_health
from tests.support.ci import in_ci

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
pytestmark = [pytest.mark.deploy, pytest.mark.postgres, pytest.mark.e2e]


@dataclass
class Deployment:
    url: str  # the proxy
    database_url: str
    processes: dict[str, subprocess.Popen]  # haproxy cookie value -> app process


def _haproxy() -> str:
    path = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if path is None:
        message = "haproxy introuvable (paquet Debian `haproxy`) : test de déploiement non exécuté"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                with suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=20)
            if proc.poll() is None:
                proc.kill()


@pytest.fixture(scope="module")
def deployment(pg_schema, tmp_path_factory) -> Iterator[Deployment]:
    haproxy = _haproxy()
    url, schema = pg_schema
    database_url = f"{url}?options={quote(f'-csearch_path={schema}')}"
    home = tmp_path_factory.mktemp("deploy-home")
    env = {**os.environ, "REINDUS_HOME": str(home), "REINDUS_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "reindus.cli", "demo", "--reset"], cwd=ROOT, env=env, check=True)
    ports = {"app1": free_port(), "app2": free_port()}
    proxy_port = free_port()

    def serve(name: str):
        args = [sys.executable, "-m", "reindus.cli", "serve", "--server.port", str(ports[name])]
        args += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        return _process(args, env, home / f"{name}.log")

    proxy_env = {
        **os.environ,
        "REINDUS_PROXY_BIND": f"127.0.0.1:{proxy_port}",
        "REINDUS_APP1": f"127.0.0.1:{ports['app1']}",
        "REINDUS_APP2": f"127.0.0.1:{ports['app2']}",
    }
    with serve("app1") as app1, serve("app2") as app2:
        for name, port in ports.items():
            wait_for_health(f"http://127.0.0.1:{port}", home / f"{name}.log")
        with _process([haproxy, "-db", "-f", str(HAPROXY_CFG)], proxy_env, home / "haproxy.log"):
            proxy = f"http://127.0.0.1:{proxy_port}"
            wait_for_health(proxy, home / "haproxy.log")
            yield Deployment(proxy, database_url, {"app1": app1, "app2": app2})


def _open(browser, url: str, path: str = "pitch"):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{url}/{path}")
    _wait_for_script(page)
    return context, page


def _wait_for_script(page, timeout_ms: int = 30_000) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] .element-container').length > 3",
        timeout=timeout_ms,
    )


def _server_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "STSRV")


def test_sessions_are_spread_and_each_stays_on_its_process(deployment, browser):
    opened = [_open(browser, deployment.url) for _ in range(4)]
    try:
        servers = [_server_of(context) for context, _ in opened]
        assert set(servers) == {"app1", "app2"}
        for (context, page), server in zip(opened, servers, strict=True):
            page.reload()
            _wait_for_script(page)
            assert _server_of(context) == server
    finally:
        for context, _ in opened:
            context.close()


def _rename_a_project(database_url: str, suffix: str) -> str:
    engine = make_engine(database_url)
    try:
        with session_factory(engine).begin() as session:
            # Pitch opens on the newest edition's first project by name, among the public ones for a visitor
            # who is not signed in (a deployment without [auth]): rename that one.
            project = session.scalars(
                select(Project).where(Project.public.is_(True)).order_by(Project.edition.desc(), Project.name)
            ).first()
            new_name = f"{project.name} {suffix}"
            update_versioned(session, Project, project.id, project.version, {"name": new_name}, actor="test")
        return new_name
    finally:
        engine.dispose()


def _shows_within(page, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.reload()
        _wait_for_script(page)
        if text in page.content():
            return True
    return False


def test_a_change_is_seen_through_both_processes_within_five_seconds(deployment, browser):
    by_server: dict[str, tuple] = {}
    contexts = []
    try:
        while len(by_server) < 2 and len(contexts) < 8:
            context, page = _open(browser, deployment.url)
            contexts.append(context)
            by_server.setdefault(_server_of(context), (context, page))
        assert set(by_server) == {"app1", "app2"}
        new_name = _rename_a_project(deployment.database_url, "(renommé)")
        committed = time.monotonic()
        for server, (_, page) in by_server.items():
            left = 5.0 - (time.monotonic() - committed)
            assert _shows_within(page, new_name, max(left, 0.5)), f"{server} montre encore l'ancien nom"
    finally:
        for context in contexts:
            context.close()


def test_when_a_process_dies_its_visitors_continue_on_the_other(deployment, browser):
    context, page = _open(browser, deployment.url)
    try:
        victim = _server_of(context)
        survivor = "app2" if victim == "app1" else "app1"
        new_name = _rename_a_project(deployment.database_url, "(avant la panne)")
        deployment.processes[victim].send_signal(signal.SIGKILL)
        deployment.processes[victim].wait(timeout=10)
        assert _shows_within(page, new_name, 30.0)
        assert _server_of(context) == survivor
    finally:
        context.close()
