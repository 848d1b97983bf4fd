"""« Fiche projet »: one project's record, stages, supply chain, funding and history, changed here by
the coaches of its region (the forms of the coach workspace)."""

from datetime import date

import streamlit as st

from reindus.ui import auth, data, mode, project_detail, project_page
from reindus.ui.banner import demo_banner

viewer = auth.viewer()
scope = mode.scope()
st.title("Fiche projet")
projects = data.programme(scope).projects
demo_banner(bool(projects["source"].astype(str).str.contains("démo").any()))
project_id = project_detail.project_picker(projects.rename(columns={"id": "project_id"}))
if project_id is None:
    st.info("Choisissez un projet." + (" Ou créez-en un :" if viewer.scope.may_edit else ""))
    if viewer.scope.may_edit and not scope.public:
        st.page_link("pages/nouveau_projet.py", label="Nouveau projet", icon=":material/add:")
else:
    project_page.project_page(project_id, viewer, scope, date.today())
