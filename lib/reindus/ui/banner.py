"""The demo banner: shown whenever demo data is on screen."""

from __future__ import annotations

import streamlit as st

DEMO_BANNER = (
    "**Données de démonstration** — les chiffres affichés sont fictifs (source « démo »), "
    "hormis les noms, communes et objectifs des sept projets réels de l'édition 2023 de Rouen."
)


def demo_banner(shown: bool) -> None:
    if shown:
        st.warning(DEMO_BANNER, icon=":material/science:")
