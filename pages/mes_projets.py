"""« Mes projets »: the home of a signed-in coach, with what waits for them and where to deal with it."""

from datetime import date

import streamlit as st

from reindus.ui import auth, mode, my_projects

viewer = auth.viewer()
st.title("Mes projets")
if not viewer.signed_in:
    st.info("Connectez-vous pour voir vos projets et ce qui vous attend.", icon=":material/login:")
elif mode.is_atelier():
    st.info("Mes projets : non disponible en mode atelier (écran partagé).", icon=":material/lock:")
else:
    if viewer.scope.may_edit:
        st.page_link("pages/nouveau_projet.py", label="Nouveau projet", icon=":material/add:")
    my_projects.my_projects(viewer, date.today())
