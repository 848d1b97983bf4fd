"""Whether the tests run in CI, where a missing service or browser is a failure, not a skip."""

from __future__ import annotations

import os


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
