"""Where the repository is, for tests that open its files (pages, data, deploy)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
