"""What a page derives from a shared cached object: built once per object, forgotten with it."""

from __future__ import annotations

import gc
import sys

import pandas as pd

from reindus.ui import derived as module
from reindus.ui.derived import derived


def test_built_once_per_source_object_and_forgotten_with_it():
    builds = []
    frame = pd.DataFrame({"a": [1, 2]})
    build = lambda f: builds.append(1) or len(f)  # noqa: E731
    assert derived(frame, "rows", build) == derived(frame, "rows", build) == 2
    assert len(builds) == 1
    other = pd.DataFrame({"a": [1, 2, 3]})  # an equal-looking object of its own gets its own value
    assert derived(other, "rows", build) == 3
    key = (id(frame), "rows")
    del frame
    gc.collect()
    assert key not in module._DERIVED


def test_a_source_dying_at_interpreter_shutdown_raises_nothing(monkeypatch):
    """At exit, Python clears the module's globals before the last cached objects die: the callback that
    forgets an entry must not need them (it printed « 'NoneType' object has no attribute 'pop' »)."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    frame = pd.DataFrame({"a": [1]})
    derived(frame, "rows", len)
    entries = module._DERIVED
    monkeypatch.setattr(module, "_DERIVED", None)  # as the interpreter's shutdown leaves it
    key = (id(frame), "rows")
    del frame
    gc.collect()
    assert not unraisable
    assert key not in entries
