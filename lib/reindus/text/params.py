"""Numbers read from a link's query parameters (`?duree=180`, `?secondes=20`, `?rafraichir=60`).

Anyone can type a link: a value that is not an integer falls back to the default, one out of range
is brought back within its bounds, and nothing raises.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def bounded_int(text: object, bounds: tuple[int, int], default: T) -> int | T:
    """`text` as an integer within `bounds` (inclusive), or `default` when it is not an integer."""
    try:
        value = int(str(text))
    except ValueError:
        return default
    low, high = bounds
    return max(low, min(high, value))
