"""What a page derives from a shared cached object (a figure, a table), derived once while it lives.

The loaders of `reindus.ui.data` hand every run of every session the same objects until the store or the
selection changes; what the page then makes of them for the browser (a figure's dict, a table's Arrow
form, a labelled table) is the same each time too. `derived(source, name, build)` builds it once per
source object and forgets it with that object (by identity: figures and frames are unhashable).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

# No lock: one dict assignment or pop is atomic, and a weakref callback may run inside any allocation
# (the collector), so a lock taken there could be one this thread already holds.
_DERIVED: dict[tuple[int, str], tuple[weakref.ref, Any]] = {}


def derived(source: Any, name: str, build: Callable[[Any], T]) -> T:
    """`build(source)`, computed once for this `source` object and `name`; `source` is never changed."""
    key = (id(source), name)
    entry = _DERIVED.get(key)
    if entry is not None and entry[0]() is source:
        return entry[1]
    value = build(source)
    # the entry goes with its source (what a run built for itself only is not kept)
    _DERIVED[key] = (weakref.ref(source, partial(_forget, key, _DERIVED)), value)
    return value


def _forget(key: tuple[int, str], entries: dict, _ref: weakref.ref) -> None:
    # The dict is bound when the entry is made: a source that dies while the interpreter shuts down, after
    # this module's globals were cleared, would otherwise find `_DERIVED` None.
    entries.pop(key, None)
