"""Cached reads for the pages. Keys are simple values (URLs, paths); every cache is bounded."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from reindus import config
from reindus.exchange import inventory
from reindus.programme import regions
from reindus.ui.resources import engine

FRESH_SECONDS = 30


@st.cache_data(ttl=FRESH_SECONDS, max_entries=4, show_spinner=False)
def store_inventory(url: str, register_path: str) -> inventory.Inventory:
    return inventory.store_inventory(engine(url), Path(register_path))


def current_inventory() -> inventory.Inventory:
    return store_inventory(config.database_url(), str(config.register_path()))


@st.cache_data(ttl=FRESH_SECONDS, max_entries=4, show_spinner=False)
def _programme_regions(url: str) -> regions.ProgrammeRegions:
    return regions.load(engine(url))


def programme_regions() -> regions.ProgrammeRegions:
    """The regions of the programme, as the store lists them (a region added shows within 30 s). The one
    read of them in the UI: pages and cached views pass the value on, so it is part of their cache keys."""
    return _programme_regions(config.database_url())
