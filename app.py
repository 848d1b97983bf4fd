"""Entry point: page frame, navigation over pages/, shared resources."""

import streamlit as st

from reindus.ui.resources import engine

st.set_page_config(
    page_title="Accélérateur de Relocalisations",
    page_icon=":material/factory:",
    layout="wide",
)
engine()  # migrate the schema and load the demo on a first start, before any page reads

navigation = st.navigation(
    {
        "Pilotage": [
            st.Page("pages/donnees.py", title="Données", icon=":material/database:", url_path="donnees"),
        ],
    }
)
st.sidebar.caption("Accélérateur de Relocalisations — CCI Normandie, Paris Île-de-France, Hauts-de-France, Bourgogne-Franche-Comté et Relocalisations.fr")
navigation.run()
