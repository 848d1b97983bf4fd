"""Fixtures of the AppTest tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def writable_home(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo home, so that edits do not leak into other tests."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("*.log"))
    monkeypatch.setenv("REINDUS_HOME", str(home))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    return home
