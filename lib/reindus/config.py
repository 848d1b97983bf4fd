"""Where state lives. One folder, REINDUS_HOME, holds everything the app writes."""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Committed reference files (geodata, NAF tree). The package is installed in editable mode from the
# repository, so data/ sits two levels above the package; REINDUS_DATA_DIR overrides it.
DATA_DIR = Path(os.environ.get("REINDUS_DATA_DIR", PACKAGE_DIR.parent.parent / "data"))


def home() -> Path:
    """The state folder (SQLite database, establishment register), created on first use."""
    return _home(os.environ.get("REINDUS_HOME", "var"), os.getcwd())


@functools.lru_cache(maxsize=16)
def _home(raw: str, cwd: str) -> Path:
    # Every cached read of a page asks where the store is: resolving the path (a stat per component) and
    # creating the folder once per setting, not once per call, keeps that off every rerun.
    path = (Path(cwd) / raw).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = os.environ.get("REINDUS_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'reindus.sqlite'}"


def register_path() -> Path:
    return home() / "register.duckdb"


DEFAULT_SESSION_MAX_AGE = 8 * 3600  # a working day


def session_max_age() -> float:
    """Seconds a sign-in stays valid (REINDUS_SESSION_MAX_AGE); Streamlit's own cookie lasts 30 days."""
    value = os.environ.get("REINDUS_SESSION_MAX_AGE")
    return float(value) if value else float(DEFAULT_SESSION_MAX_AGE)
