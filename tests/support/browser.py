"""What browser and server tests share: Debian's Chromium, free loopback ports, waiting for a server."""

from __future__ import annotations

import os
import shutil
import socket
import time
import urllib.request
from pathlib import Path

# Without these, Chromium keeps trying to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("REINDUS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url: str, log: Path, timeout_s: float = 60.0) -> None:
    """Until `url/_stcore/health` answers 200; the server's log in the error otherwise."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} ne répond pas :\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.3)
