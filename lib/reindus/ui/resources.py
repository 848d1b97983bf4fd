"""Shared, read-only resources (database engine, register path), created once per process."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from reindus import config

# Served by the app itself: a `:material/…:` page icon makes the browser fetch the favicon from
# fonts.gstatic.com, which a room without network cannot reach.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"


@st.cache_resource(show_spinner="Préparation de la base de données…")
def engine(url: str | None = None) -> Engine:
    """The store's engine, with the schema migrated and the demo loaded on a first start."""
    from reindus import demo
    from reindus.store.db import init_schema, make_engine

    eng = make_engine(url or config.database_url())
    init_schema(eng)
    demo.install(engine=eng, if_empty=True)
    return eng
