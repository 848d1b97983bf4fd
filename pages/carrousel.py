"""« Carrousel »: a screen left running in a hall rotates through chosen public views.

`/carrousel?vues=tableau-de-bord,avancement,industrie,region-28&secondes=20`. Always in atelier mode
(public data only: app.py switches the mode on for this page). One fragment reruns every N seconds and
draws the next view: no page switch, no reload, and every view reads fresh data when its turn comes.
"""

import streamlit as st

from reindus.text.safe import md_text
from reindus.ui import carousel as views
from reindus.ui.navigation import CAROUSEL_VIEWS
from reindus.workshop import carousel

names = carousel.parse_views(st.query_params.get("vues"), CAROUSEL_VIEWS)
seconds = carousel.parse_seconds(st.query_params.get("secondes"))
_INDEX = "_carousel_index"


@st.fragment(run_every=seconds)
def rotate() -> None:
    index = (st.session_state.get(_INDEX, -1) + 1) % len(names)
    st.session_state[_INDEX] = index
    view = names[index]
    with st.container(key=f"carousel_{view}"):
        views.show(view, key=f"carousel_{index}")
    st.caption(
        f"Carrousel : vue {index + 1:d} sur {len(names)} ({md_text(views.title(view))}) ; vue suivante "
        f"dans {seconds:d} s. Vues : {md_text(', '.join(views.title(n) for n in names))}."
    )


rotate()
