"""The coach workspace: running a project from the app with the guarantees of the imports.

`rules` holds the field rules shared by the forms and the imports; `projects`, `milestones`, `links`,
`funding` the writes (checked, versioned, audited, permission-checked through `access`); `history` a
project's audit trail in French and restoring a previous value. No Streamlit here.

    with Session.begin() as s:
        project = projects.create_project(s, {"name": "…", "departement": "27", …}, actor=viewer)
"""
