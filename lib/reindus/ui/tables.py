"""Column configurations with French formats, shared by every page's tables."""

from __future__ import annotations

import streamlit as st


def count(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="localized", help=help)


def euros(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="euro", help=help)
