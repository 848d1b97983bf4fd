"""Row ids and keys in the URL (`?projet=12&volet=financements`): the links « Mes projets » makes.

Streamlit's `bind="query-params"` writes a selectbox's *shown label* into the URL and only accepts a
label back, so a link built from an id would be ignored (and a renamed project would break every link
to it). These widgets keep the id in the URL instead: read it on arrival, write it on change.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st


def _seen(key: str) -> str:
    return f"_{key}_url_value"


def from_url(key: str, valid: Collection[int] | Collection[str]) -> None:
    """Before the widget `key`: a new `?key=<id>` naming one of `valid` (ids, or keys such as
    « financements ») selects it; others are ignored. « New »: not the one read last, or the widget has
    no value (the page was left, and a link comes back to it with the same id)."""
    raw = st.query_params.get(key)
    if raw is None or (st.session_state.get(_seen(key)) == raw and st.session_state.get(key) is not None):
        return
    st.session_state[_seen(key)] = raw
    options = set(valid)
    value: int | str = int(raw) if raw.isdigit() and not any(isinstance(v, str) for v in options) else raw
    if value in options:
        st.session_state[key] = value


def to_url(key: str) -> None:
    """The widget's `on_change`: its id into the URL (nothing for no choice), so the view is a link."""
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(key, None)
        st.session_state.pop(_seen(key), None)
    else:
        st.query_params[key] = str(value)
        st.session_state[_seen(key)] = str(value)
