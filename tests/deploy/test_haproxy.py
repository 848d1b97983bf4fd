"""The deployment of deploy/: two `reindus serve` processes on one PostgreSQL store behind haproxy.

Started on loopback by `reindus.loopback` exactly as deploy/ describes it (the same haproxy.cfg, its
addresses from the environment), then driven in headless Chromium through the proxy:
- sessions are spread over both processes and each stays on its process (sticky cookie STSRV);
- a change committed to the store is seen through both processes within 5 s, caches warm;
- when a process is killed, its visitors are sent to the other one and find the same data.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from reindus import loopback
from reindus.store.db import make_engine, session_factory
from reindus.store.models import Project
from reindus.store.repository import update_versioned
from tests.support.ci import in_ci

pytestmark = [pytest.mark.deploy, pytest.mark.postgres, pytest.mark.e2e]


@pytest.fixture(scope="module")
def deployment(pg_schema, tmp_path_factory) -> Iterator[loopback.Deployment]:
    haproxy = loopback.haproxy_path()
    if haproxy is None:
        message = "haproxy introuvable (paquet Debian `haproxy`) : test de déploiement non exécuté"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    url, schema = pg_schema
    home = tmp_path_factory.mktemp("deploy-home")
    with loopback.deployment(loopback.schema_url(url, schema), home, dict(os.environ), haproxy) as deployed:
        yield deployed


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
