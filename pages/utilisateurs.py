"""« Utilisateurs »: list, add and remove who may sign in (administrateur only, checked on the server)."""

import streamlit as st

from reindus.ui import auth, mode
from reindus.ui import users as section

viewer = auth.viewer()
st.title("Utilisateurs")
if mode.is_atelier():
    st.info("Utilisateurs : non disponible en mode atelier (écran partagé).", icon=":material/lock:")
elif not viewer.scope.may_manage_users:
    st.info("La gestion des utilisateurs est réservée à l'administrateur.", icon=":material/lock:")
else:
    section.users_page(viewer)
