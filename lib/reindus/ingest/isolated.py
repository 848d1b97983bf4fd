"""Imports from the page run in a child process with their own memory and time limits.

A hostile upload (a 200 KB workbook that unpacks to gigabytes, a row bomb) must not take the server
down, nor slow the other visitors: the file is read, checked and applied by `python -m
reindus.ingest.isolated` in a child process that caps its own address space (RLIMIT_AS) and CPU time
(RLIMIT_CPU), runs at a lower priority, and is killed at its wall-clock deadline — or as soon as the
page that asked for it goes away (`tick` raises: Streamlit stops a script whose tab was closed).

    result = isolated.run_import("projects", raw, "projets.xlsx", database_url=url, actor="…",
                                 dry_run=True, tick=lambda seconds: None)

The result is the importer's `ImportResult`, trimmed for the page: the preview keeps PREVIEW_ROWS rows
(`parsed.extra["rows_read"]` counts them all), records stay in the child.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reindus.auth import Viewer
from reindus.ingest import staging
from reindus.ingest.importer import ImportResult, Parsed, checksum
from reindus.ingest.problems import Problems

MEMORY_MB = 2048  # the child's whole address space, interpreter and libraries (~0.5 GB) included
SECONDS = 120
MAX_RUNNING = 2  # imports at once on the server; more wait their turn … or are told to retry
PREVIEW_ROWS = 200
log = logging.getLogger(__name__)
_slots = threading.BoundedSemaphore(MAX_RUNNING)
# What a child under RLIMIT_AS dies of: Python's, the loader's and C++ libraries' words for it.
_OUT_OF_MEMORY = ("MemoryError", "failed to map segment", "Cannot allocate memory", "bad_alloc")


def _refused(kind: str, raw: bytes, name: str, reason: str) -> ImportResult:
    problems = Problems(name)
    problems.add(0, "", "", reason)
    return ImportResult(Parsed(kind, name, checksum(raw), problems))


def import_as(viewer: Viewer, kind: str, raw: bytes, name: str, **options) -> ImportResult:
    """`run_import` for a signed-in person, audited under their name: PermissionDeniedError (French)
    unless they may import, dry runs included (an upload is already a write to the server)."""
    viewer.require_import()
    return run_import(kind, raw, name, actor=viewer.actor, **options)


def run_import(
    kind: str,
    raw: bytes,
    name: str,
    *,
    database_url: str,
    actor: str,
    dry_run: bool = False,
    accept_warnings: bool = False,
    memory_mb: int = MEMORY_MB,
    seconds: float = SECONDS,
    tick: Callable[[float], None] | None = None,
) -> ImportResult:
    """`importer.run_import` in a child process; a problem (French, naming the file and the limit)
    when it passes its memory or time limit, or when too many imports are running."""
    if not _slots.acquire(timeout=5):
        return _refused(kind, raw, name, "trop d'imports en cours sur le serveur : réessayez dans une minute")
    try:
        staging.sweep()
        with staging.directory("upload") as folder:
            (folder / "upload.bin").write_bytes(raw)
            request = {
                "kind": kind,
                "name": name,
                "database_url": database_url,
                "actor": actor,
                "dry_run": dry_run,
                "accept_warnings": accept_warnings,
                "memory_mb": memory_mb,
                "seconds": seconds,
            }
            (folder / "request.pickle").write_bytes(pickle.dumps(request))
            return _run_child(kind, raw, name, folder, memory_mb, seconds, tick)
    finally:
        _slots.release()


def _run_child(
    kind: str,
    raw: bytes,
    name: str,
    folder: Path,
    memory_mb: int,
    seconds: float,
    tick: Callable[[float], None] | None,
) -> ImportResult:
    started = time.monotonic()
    with (folder / "child.log").open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reindus.ingest.isolated", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            while True:
                try:
                    proc.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    elapsed = time.monotonic() - started
                    if elapsed > seconds:
                        proc.kill()
                        proc.wait()
                        log.warning("import of %s stopped after %.0f s", name, elapsed)
                        return _refused(
                            kind,
                            raw,
                            name,
                            f"import arrêté : il dépassait le temps permis ({seconds:g} s) ; "
                            "rien n'a été importé — découpez le fichier ou importez-le en ligne de commande",
                        )
                    if tick is not None:
                        tick(elapsed)  # raises when the page is gone: the child is killed below
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
                log.info("import of %s stopped: its page went away", name)
    output = folder / "result.pickle"
    if output.exists():
        outcome = pickle.loads(output.read_bytes())
        if isinstance(outcome, ImportResult):
            return outcome
        if outcome == "memory":
            return _memory_refusal(kind, raw, name, memory_mb)
    child_log = (folder / "child.log").read_bytes()[-4000:].decode("utf-8", "replace")
    log.error("import of %s: child exited with %s\n%s", name, proc.returncode, child_log)
    if (proc.returncode is not None and proc.returncode < 0) or any(
        sign in child_log for sign in _OUT_OF_MEMORY
    ):
        return _memory_refusal(kind, raw, name, memory_mb)
    return _refused(kind, raw, name, "import interrompu par une erreur du serveur : rien n'a été importé")


def _memory_refusal(kind: str, raw: bytes, name: str, memory_mb: int) -> ImportResult:
    return _refused(
        kind,
        raw,
        name,
        f"import arrêté : il dépassait la mémoire permise ({memory_mb} Mo) ; rien n'a été importé — "
        "découpez le fichier",
    )


def _trimmed(result: ImportResult) -> ImportResult:
    parsed = result.parsed
    parsed.extra = {"rows_read": len(parsed.table)}
    parsed.table = parsed.table.head(PREVIEW_ROWS)
    parsed.records = []
    return result


def _child(folder: Path) -> int:
    import resource

    request = pickle.loads((folder / "request.pickle").read_bytes())
    limit = request["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(request["seconds"]) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    os.nice(10)
    from reindus.ingest import importer
    from reindus.store.db import make_engine

    raw = (folder / "upload.bin").read_bytes()
    engine = make_engine(request["database_url"])
    try:
        result = importer.run_import(
            request["kind"],
            raw,
            request["name"],
            engine=engine,
            actor=request["actor"],
            dry_run=request["dry_run"],
            accept_warnings=request["accept_warnings"],
        )
        outcome: object = _trimmed(result)
    except MemoryError:
        outcome = "memory"
    finally:
        engine.dispose()
    (folder / "result.pickle").write_bytes(pickle.dumps(outcome))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(_child(Path(sys.argv[1])))
