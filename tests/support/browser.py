"""What browser and server tests share: Debian's Chromium, free loopback ports, waiting for a server."""

from __future__ import annotations

import os
import shutil

# Ports and health checks belong to the loopback deployment, which the load bench shares.
from reindus.loopback import free_port, wait_for_health

__all__ = ["CHROMIUM_ARGS", "chromium_path", "free_port", "wait_for_health"]

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
