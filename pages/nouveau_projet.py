"""« Nouveau projet »: a project created in the app, with the rules of the projects import, and its
stages planned from the common rétroplanning."""

import streamlit as st

from reindus.ui import auth, data, mode, project_form

viewer = auth.viewer()
st.title("Nouveau projet")
if mode.is_atelier():
    st.info("Nouveau projet : non disponible en mode atelier (écran partagé).", icon=":material/lock:")
elif not viewer.scope.may_edit:
    st.info(
        "Seuls les conseillers (pour leur région) et les administrateurs créent des projets."
        + ("" if viewer.signed_in else " Connectez-vous."),
        icon=":material/lock:",
    )
else:
    st.caption(
        "Les étapes du projet sont créées d'après le rétroplanning commun, à partir de sa date de début. "
        "Mêmes règles qu'à l'import d'un classeur de projets."
    )
    project_form.new_project(viewer, mode.scope(), data.coach_id_for(viewer.email, viewer.scope))
