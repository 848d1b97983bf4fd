"""Staging folders of imports (the register's checked rows, an upload's bytes): removed when the import
ends, and after a crash at the next start.

A folder's name carries the id of the process that made it (`reindus-staging-etab-4242-…`): `sweep`
removes those whose process is gone, never one in use. Sweeping runs when an import starts (command
line or page) and when the app starts.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "reindus-staging-"
_NAME = re.compile(rf"^{re.escape(PREFIX)}[a-z]+-(\d+)-")
log = logging.getLogger(__name__)


def make_dir(kind: str) -> Path:
    """A new staging folder for `kind` (« etab », « upload » …), owned by this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


@contextmanager
def directory(kind: str) -> Iterator[Path]:
    """A staging folder removed when the block ends, however it ends."""
    path = make_dir(kind)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def sweep(root: Path | None = None) -> list[Path]:
    """Remove the staging folders left by processes that no longer run; returns those removed."""
    root = Path(root) if root is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _NAME.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match[1])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    if removed:
        log.warning("removed %d staging folder(s) left by interrupted imports", len(removed))
    return removed
