"""The workspace's forms at the Streamlit boundary: one write per click, in one transaction, through the
workspace functions (which check the viewer's scope on the server); the version the form showed; the
outcome told in French next to the form.

Stale edits: a form's widgets are keyed by the row's version (`Versioned.key`). When the row changed
since the form was shown and the user submits that older form, `Versioned.version` is the one they saw,
so the store refuses it (StaleEditError) instead of writing over the other person's change; otherwise
the form is rebuilt from the stored row at its new version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from reindus.errors import UserError
from reindus.store import repository
from reindus.text.safe import md_text
from reindus.ui import data

_FLASH = "_workspace_flash"
T = TypeVar("T")


@dataclass(frozen=True)
class Versioned:
    """A form over one stored row: its widget keys and the version to save on."""

    base: str
    version: int

    def key(self, name: str) -> str:
        return f"{self.base}:v{self.version}:{name}"


def versioned(base: str, current: int) -> Versioned:
    """The form over the row at `current`, unless its form at an older version was just submitted."""
    seen = st.session_state.get(f"{base}:seen")
    st.session_state[f"{base}:seen"] = current
    if seen is not None and seen != current:
        if st.session_state.get(f"{base}:v{seen}:submit"):
            return Versioned(base, int(seen))
        _forget(f"{base}:v{seen}")  # the form of a version no longer shown
    return Versioned(base, int(current))


def _forget(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}:")]:
        del st.session_state[key]


def save(
    area: str,
    work: Callable[[Any], T],
    done: str,
    *,
    then: Callable[[T], None] | None = None,
    forget: str | None = None,
) -> None:
    """Run `work(session)` in one write transaction. Refused: the French reason here, the form keeps
    what was typed. Saved: every cache of the store is dropped, the widgets of form `forget` too, and
    the page reruns (or `then(result)` goes elsewhere) with the stored values, `done` shown in `area`
    (see `flash`)."""
    try:
        result = repository.write(data.store_engine(), work)
    except UserError as exc:  # refused (value, scope, stale version): nothing was written
        st.error(md_text(exc.message), icon=":material/error:")
        return
    st.session_state[_FLASH] = (area, "ok", done)
    data.invalidate()
    if forget:
        _forget(forget)
    if then is not None:
        then(result)
    st.rerun()


def init(form: Versioned, values: dict[str, Any]) -> None:
    """The stored values as the form's starting values (set once per version: what the user types wins)."""
    for name, value in values.items():
        st.session_state.setdefault(form.key(name), value)


def amount_field(form: Versioned, name: str) -> dict[str, Any]:
    """`text_input` arguments for an amount in euros typed the French way (« 397 000 », « 12 500,50 »): a
    number input would show « 397000.00 ». The text goes to the field's rule, which reads it as it reads a
    spreadsheet cell; the starting value is `formats.amount` of the stored one. The label stays with the
    caller: escaped for markdown, it would reach the field's aria-label with its backslashes."""
    return {"key": form.key(name), "placeholder": "ex. 250 000", "max_chars": 30}


def value(form: Versioned, name: str) -> Any:
    return st.session_state.get(form.key(name))


def flash(area: str) -> None:
    """The outcome of the last write made in `area`, once."""
    message = st.session_state.get(_FLASH)
    if message and message[0] == area:
        del st.session_state[_FLASH]
        _, kind, text = message
        if kind == "ok":
            st.success(md_text(text), icon=":material/check_circle:")
        else:
            st.error(md_text(text), icon=":material/error:")
