"""« Brief de la région (PDF) » on the dashboard: shown to the présidence and the administrateurs only, the
PDF built on the server when the button is clicked (never on a rerun).

Who may have it is decided by `reindus.brief.build_brief` from the viewer's scope (`reindus.ui.mode.scope`:
the signed-in viewer's, the anonymous one in atelier mode), which the click hands over as it was decided
on the server for this run: hiding the section from the other viewers is for their comfort, not the check.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from reindus import brief
from reindus.auth import Scope
from reindus.reference.territory import regions
from reindus.ui import data


def pdf(scope: Scope, region: str, edition: int) -> bytes:
    """The brief's PDF for `scope` (PermissionDeniedError, in French, unless présidence or administrateur)."""
    path = data.register_path()
    reg = data.register_connection(path) if Path(path).exists() else None
    return brief.build_brief(scope, data.store_engine(), reg, region, int(edition))


def download(default_edition: int | None, scope: Scope) -> None:
    """Region and edition pickers and the button; nothing at all for a viewer who may not download.
    The editions offered are those where the chosen region has projects."""
    if not brief.may_download_brief(scope):
        return
    programme = data.programme_regions()
    projects = data.programme(scope).projects
    st.header("Brief de la région (PDF)", anchor=False)
    st.caption(
        "Une page par partie : chiffres clés avec leurs définitions et l'écart à l'édition précédente, les "
        "régions du programme côte à côte, l'avancement face au rétroplanning, l'origine des fournisseurs, les "
        "capacités manquantes de la région. A4, à imprimer ou à transmettre ; réservé à la présidence et aux "
        "administrateurs."
    )
    left, middle, right = st.columns([2, 1, 2], vertical_alignment="bottom")
    region = left.selectbox("Région", programme.codes, format_func=regions().get, key="brief_region")
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
    right.download_button(
        "Télécharger le brief (PDF)",
        lambda: pdf(scope, region, int(edition)),
        brief.file_name(region, int(edition)),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="brief_download",
    )
