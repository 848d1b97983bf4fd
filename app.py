"""Entry point: page frame, mode (normal / atelier), navigation over pages/, shared resources."""

import streamlit as st

from reindus.ui import auth, mode
from reindus.ui.link import copy_link_button
from reindus.ui.resources import FAVICON, engine

# Before st.navigation: with a favicon already set, the browser does not fetch the pages'
# `:material/…:` icons as favicons from fonts.gstatic.com (nothing may leave a room with no network).
st.set_page_config(page_title="Accélérateur de Relocalisations", page_icon=str(FAVICON), layout="wide")
atelier = mode.setup()  # ?mode=atelier, kept across page switches
navigation = st.navigation(
    {
        "Pilotage": [
            st.Page(
                "pages/tableau_de_bord.py",
                title="Tableau de bord",
                icon=":material/monitoring:",
                url_path="tableau-de-bord",
                default=True,
            ),
            st.Page(
                "pages/avancement.py",
                title="Avancement des projets",
                icon=":material/view_timeline:",
                url_path="avancement",
            ),
        ],
        "Sourcing": [
            st.Page(
                "pages/fournisseurs.py",
                title="Fournisseurs",
                icon=":material/travel_explore:",
                url_path="fournisseurs",
            ),
            st.Page(
                "pages/chaine.py",
                title="Chaîne d'approvisionnement",
                icon=":material/account_tree:",
                url_path="chaine",
            ),
        ],
        "Territoires": [
            st.Page(
                "pages/industrie.py",
                title="Industrie régionale",
                icon=":material/factory:",
                url_path="industrie",
            ),
        ],
        "Atelier": [
            st.Page("pages/pitch.py", title="Pitch", icon=":material/timer:", url_path="pitch"),
            st.Page(
                "pages/carrousel.py", title="Carrousel", icon=":material/slideshow:", url_path="carrousel"
            ),
        ],
        "Administration": [
            st.Page("pages/donnees.py", title="Données", icon=":material/database:", url_path="donnees"),
        ],
    }
)
if navigation.url_path == "carrousel":  # a screen left running in a hall: always public
    atelier = mode.force()
st.set_page_config(initial_sidebar_state="collapsed" if atelier else "auto")
engine()  # migrate the schema and load the demo on a first start, before any page reads
viewer = auth.current_viewer(engine())
auth.account_box(viewer)

mode.style()
mode.switch()
copy_link_button()
if not atelier:
    st.sidebar.caption(
        "Accélérateur de Relocalisations — CCI Normandie, Paris Île-de-France, Hauts-de-France, "
        "Bourgogne-Franche-Comté et Relocalisations.fr"
    )
navigation.run()
