"""The « Brief de la région » download on the dashboard: the PDF is built on the server, on click only.

`brief.may_download_brief` decides who sees the button; sign-in will pass its viewer to `download`."""

from __future__ import annotations

import streamlit as st

from reindus import brief, config
from reindus.reference.territory import PILOT_REGIONS, regions
from reindus.ui.resources import engine


def download(default_edition: int | None, public: bool, viewer=None) -> None:
    """Region and edition pickers and the button; nothing at all for a viewer who may not download.
    The editions offered are those where the chosen region has projects."""
    if not brief.may_download_brief(viewer, public=public):
        return
    from reindus.ui import kpi

    projects = kpi.programme(False).projects
    st.header("Brief de la région (PDF)", anchor=False)
    st.caption(
        "Une page par partie : chiffres clés avec leurs définitions et l'écart à l'édition précédente, les "
        "quatre régions, l'avancement, l'origine des fournisseurs, les capacités manquantes. A4, à imprimer "
        "ou à transmettre."
    )
    left, middle, right = st.columns([2, 1, 2])
    region = left.selectbox(
        "Région", [r.code for r in PILOT_REGIONS], format_func=regions().get, key="brief_region"
    )
    ordered = sorted(
        projects.loc[projects["region_code"] == region, "edition"].unique().tolist(), reverse=True
    )
    if not ordered:
        st.info("Aucun projet de cette région dans la base.")
        return
    edition = middle.selectbox(
        "Édition",
        ordered,
        index=ordered.index(default_edition) if default_edition in ordered else 0,
        key="brief_edition",
    )

    def build() -> bytes:
        return brief.build_brief(engine(config.database_url()), config.register_path(), region, int(edition))

    right.markdown("&nbsp;")
    right.download_button(
        "Télécharger le brief (PDF)",
        build,
        brief.file_name(region, edition),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="brief_download",
    )
