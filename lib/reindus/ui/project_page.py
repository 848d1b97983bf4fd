"""« Fiche projet »: one project, in sections (`?volet=`) — its record, stages, supply chain, funding
and history — with the forms of the coach workspace where the viewer may change the project.

Whether the forms show follows the viewer's scope (`Scope.may_edit_project`), for convenience only:
every write checks it again on the server (`reindus.programme.workspace.access`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from reindus.auth import Role, Viewer
from reindus.programme.data import ProgrammeData
from reindus.programme.workspace.overview import (
    FUNDING_SECTION,
    SECTION_PARAM,
    STAGES_SECTION,
)
from reindus.ui import (
    chain_editor,
    data,
    funding_form,
    history_view,
    id_params,
    milestone_form,
    project_detail,
    project_form,
    tables,
)

SECTIONS = {
    "fiche": "Fiche",
    STAGES_SECTION: "Étapes",
    "chaine": "Chaîne d'approvisionnement",
    FUNDING_SECTION: "Financements",
    "historique": "Historique",
}


def section_choice() -> str:
    id_params.from_url(SECTION_PARAM, list(SECTIONS))
    choice = st.segmented_control(
        "Volet", list(SECTIONS), format_func=SECTIONS.get, default="fiche", key=SECTION_PARAM,
        on_change=id_params.to_url, args=(SECTION_PARAM,), required=True, label_visibility="collapsed",
    )  # fmt: skip
    return choice or "fiche"


def _chain_table(links: pd.DataFrame, shortlist: pd.DataFrame) -> None:
    tables.show(
        project_detail.chain_table(links, shortlist, with_naf=True),
        hide_index=True,
        width="stretch",
        column_config=project_detail.CHAIN_COLUMNS,
    )


@dataclass(frozen=True)
class Context:
    project: pd.Series
    programme: ProgrammeData
    viewer: Viewer
    scope: data.Scope
    today: date
    editable: bool

    @property
    def id(self) -> int:
        return int(self.project["id"])

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["project_id"] == self.id]


def _record(c: Context) -> None:
    if c.editable:
        project_form.edit_project(c.project, c.viewer, c.scope)
    elif str(c.project["description"]):
        st.text(str(c.project["description"]))


def _stages(c: Context) -> None:
    _, all_stages = data.project_progress(c.today, c.scope)
    stages = c.rows(all_stages)
    milestone_form.stages_table(stages)
    if c.editable:
        milestone_form.milestone_forms(c.id, stages, c.viewer)


def _chain(c: Context) -> None:
    links, shortlist = c.rows(c.programme.links), c.rows(c.programme.shortlist)
    _chain_table(links, shortlist)
    if c.editable:
        chain_editor.chain_editor(c.id, c.project["region_code"], links, shortlist, c.viewer, c.scope)


def _funding(c: Context) -> None:
    apps = c.rows(c.programme.applications)
    funding_form.applications_table(apps, c.scope.public)
    if c.editable:
        funding_form.funding_forms(c.id, apps, c.viewer, c.scope)
    if c.viewer.role is Role.ADMIN and not c.scope.public:
        with st.expander("Dispositifs de financement (administrateurs)"):
            funding_form.schemes_editor(c.viewer, c.scope)


def _history(c: Context) -> None:
    if c.scope.public:
        st.info("L'historique n'est pas affiché en mode atelier.")
    else:
        history_view.project_history(c.id, c.programme, c.viewer, c.scope, c.editable)


SHOW = {
    "fiche": _record,
    STAGES_SECTION: _stages,
    "chaine": _chain,
    FUNDING_SECTION: _funding,
    "historique": _history,
}


def project_page(project_id: int, viewer: Viewer, scope: data.Scope, today: date) -> None:
    programme = data.programme(scope)
    rows = programme.projects[programme.projects["id"] == project_id]
    if rows.empty:
        st.info("Ce projet n'est plus dans la base (archivé ou retiré).")
        return
    project = rows.iloc[0]
    editable = not scope.public and viewer.scope.may_edit_project(project["region_code"])
    project_detail.project_header(project, today, scope)
    if not editable and viewer.signed_in and not scope.public:
        st.caption("Lecture seule : ce projet est hors de votre périmètre de modification.")
    SHOW[section_choice()](Context(project, programme, viewer, scope, today, editable))
