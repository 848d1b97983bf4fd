"""What browser and server tests share: Debian's Chromium and free loopback ports."""

from __future__ import annotations

import os
import shutil

# Ports belong to the loopback deployment, which the load bench shares.
from reindus.loopback import free_port

__all__ = ["CHROMIUM_ARGS", "chromium_path", "free_port"]

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
