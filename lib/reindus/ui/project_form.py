"""« Nouveau projet » and « Modifier »: every field of a project, through
`reindus.programme.workspace.projects` (the rules of the projects import, the viewer's scope checked on
the server, the version shown); « Archiver ». The company can be taken from the register by name or
SIREN: its SIREN, département, commune and sector fill the form.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from reindus.auth import Viewer
from reindus.programme.workspace import projects as workspace_projects
from reindus.programme.workspace import rules
from reindus.reference import geo
from reindus.reference.programme import PROJECT_STATUSES
from reindus.reference.territory import departements, region_departements, region_of
from reindus.text import formats
from reindus.ui import data, writes
from reindus.ui.writes import Versioned

AREA = "project"
NEW = "project:new"
LABELS = {f.key: f.label for f in rules.PROJECT_FIELDS} | {
    "commune": rules.COMMUNE_LABEL,
    "coach_id": rules.COACH_LABEL,
}
FIELDS = workspace_projects.EDITABLE


def departement_choices(viewer: Viewer) -> list[str]:
    """The départements where the viewer may put a project: their regions', every one for an admin."""
    if viewer.regions and not viewer.scope.may_edit_project(None):
        return sorted({d for r in viewer.regions for d in region_departements(r)})
    return sorted(departements())


@st.cache_resource(show_spinner=False)
def _communes_by_departement() -> dict[str, dict[str, str]]:
    frame = geo.communes().sort_values("nom")
    out: dict[str, dict[str, str]] = {}
    for code, name, dep in zip(frame["code"], frame["nom"], frame["departement"], strict=True):
        out.setdefault(dep, {})[code] = f"{name} ({code})"
    return out


def _stored(project: pd.Series) -> dict:
    def cell(key):
        value = project.get(key)
        return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value

    values = {k: cell(k) for k in FIELDS}
    values["coach_id"] = None if values["coach_id"] is None else int(values["coach_id"])
    values["edition"] = int(values["edition"])
    values["cohort_start"] = pd.Timestamp(values["cohort_start"]).date()
    values["target_jobs"] = None if values["target_jobs"] is None else int(values["target_jobs"])
    values["planned_investment"] = formats.amount(values["planned_investment"])
    values["public"] = bool(values["public"])
    values["description"] = values["description"] or ""
    return values


def _blank(viewer: Viewer, coach_id: int | None) -> dict:
    today = date.today()
    return {
        "name": "",
        "siren": "",
        "departement": None,
        "commune": None,
        "naf": None,
        "edition": today.year,
        "cohort": "",
        "cohort_start": today,
        "coach_id": coach_id,
        "description": "",
        "target_jobs": None,
        "planned_investment": "",
        "status": "en_cours",
        "public": False,
    }


def _take_company(form: Versioned, found: list[dict]) -> None:
    """The company chosen in the register fills the form (the coach can still change each field)."""
    index = st.session_state.get(form.key("found"))
    if index is None:
        return
    company = found[index]
    st.session_state[form.key("siren")] = company["siren"]
    if not st.session_state.get(form.key("name")):
        st.session_state[form.key("name")] = company["name"]
    st.session_state[form.key("departement")] = company["departement"]
    st.session_state[form.key("commune")] = company["commune"]
    if company["naf"] in data.naf_choices():
        st.session_state[form.key("naf")] = company["naf"]


def _register_lookup(form: Versioned, scope: data.Scope) -> None:
    text = st.text_input(
        "Chercher l'entreprise au registre (nom ou SIREN)",
        key=form.key("lookup"),
        placeholder="ex. Tissage de Rouen, 552 100 554",
    )
    if not text or len(text.strip()) < 3:
        return
    found = data.companies(text, scope)
    if found.empty:
        st.caption("Aucune entreprise du registre ne correspond.")
        return
    records = found.to_dict("records")
    st.selectbox(
        "Entreprises trouvées au registre",
        list(range(len(records))),
        index=None,
        format_func=lambda i: (
            f"{records[i]['name']} — SIREN {records[i]['siren']} — {records[i]['commune']}"
            + ("" if records[i]["active"] else " (fermée)")
        ),
        key=form.key("found"),
        on_change=_take_company,
        args=(form, records),
        placeholder="Choisir pour remplir SIREN, commune et secteur",
    )


def _reset_commune(form: Versioned) -> None:
    st.session_state[form.key("commune")] = None


def _fields(form: Versioned, viewer: Viewer, scope: data.Scope) -> None:
    key = form.key
    st.text_input(LABELS["name"], key=key("name"), max_chars=200)
    left, right = st.columns(2)
    left.text_input(LABELS["siren"], key=key("siren"), help="9 chiffres ; clé de contrôle vérifiée.")
    names = departements()
    choices = departement_choices(viewer)
    if writes.value(form, "departement") not in (None, *choices):
        choices = [writes.value(form, "departement"), *choices]
    right.selectbox(
        LABELS["departement"],
        choices,
        index=None,
        format_func=lambda c: f"{c} — {names[c].name}" if c in names else c,
        key=key("departement"),
        on_change=_reset_commune,
        args=(form,),
        placeholder="Choisir",
    )
    dep = writes.value(form, "departement")
    communes = _communes_by_departement().get(dep, {}) if dep else {}
    if writes.value(form, "commune") not in (None, *communes):
        st.session_state[key("commune")] = None
    left, right = st.columns(2)
    left.selectbox(
        LABELS["commune"],
        list(communes),
        index=None,
        format_func=communes.get,
        key=key("commune"),
        placeholder="Choisir le département d'abord" if not dep else "Nom de la commune",
    )
    naf = data.naf_choices()
    right.selectbox(
        LABELS["naf"], list(naf), index=None, format_func=naf.get, key=key("naf"), placeholder="Code ou mots"
    )
    cols = st.columns(3)
    cols[0].number_input(
        LABELS["edition"], min_value=2015, max_value=2100, step=1, value=None, key=key("edition")
    )
    cols[1].text_input(LABELS["cohort"], key=key("cohort"), help="Vide : « édition – région ».")
    cols[2].date_input(
        LABELS["cohort_start"], value=None, key=key("cohort_start"), format=formats.DATE_WIDGET
    )
    coaches = data.coaches(scope)
    if dep:
        coaches = coaches[coaches["region_code"] == region_of(dep)]
    coach_names = dict(zip(coaches["id"].astype(int), coaches["name"], strict=True))
    if writes.value(form, "coach_id") not in (None, *coach_names):
        st.session_state[key("coach_id")] = None
    st.selectbox(
        LABELS["coach_id"],
        [None, *coach_names],
        format_func=lambda i: "— aucun —" if i is None else coach_names[i],
        key=key("coach_id"),
        placeholder="— aucun —",
    )
    st.text_area(LABELS["description"], key=key("description"), max_chars=5000)
    cols = st.columns(4)
    cols[0].number_input(LABELS["target_jobs"], min_value=0, step=1, value=None, key=key("target_jobs"))
    cols[1].text_input(LABELS["planned_investment"], **writes.amount_field(form, "planned_investment"))
    cols[2].selectbox(
        LABELS["status"], list(PROJECT_STATUSES), format_func=PROJECT_STATUSES.get, key=key("status")
    )
    cols[3].checkbox(
        LABELS["public"], key=key("public"), help="Le nom du projet peut s'afficher sur un écran partagé."
    )


def _values(form: Versioned) -> dict:
    return {k: writes.value(form, k) for k in FIELDS}


def new_project(viewer: Viewer, scope: data.Scope, coach_id: int | None) -> None:
    """« Nouveau projet »: created with its stages from the rétroplanning, then its page opens."""
    form = Versioned(NEW, 0)
    writes.init(form, _blank(viewer, coach_id))
    _register_lookup(form, scope)
    _fields(form, viewer, scope)
    if st.button("Créer le projet", key=form.key("submit"), type="primary", icon=":material/add:"):
        values = _values(form)
        writes.save(
            AREA,
            lambda s: workspace_projects.create_project(s, values, viewer).id,
            f"Projet « {values['name']} » créé, avec les étapes du rétroplanning.",
            then=lambda project_id: st.switch_page(
                "pages/projet.py", query_params={"projet": str(project_id)}
            ),
            forget=NEW,
        )


def edit_project(project: pd.Series, viewer: Viewer, scope: data.Scope) -> None:
    """« Modifier » every field, and « Archiver »."""
    project_id = int(project["id"])
    form = writes.versioned(f"project:{project_id}", int(project["version"]))
    writes.init(form, _stored(project))
    writes.flash(AREA)
    with st.expander("Reprendre l'entreprise du registre"):
        _register_lookup(form, scope)
    _fields(form, viewer, scope)
    if st.button(
        "Enregistrer les modifications", key=form.key("submit"), type="primary", icon=":material/save:"
    ):
        values = _values(form)
        writes.save(
            AREA,
            lambda s: workspace_projects.update_project(s, project_id, form.version, values, viewer),
            "Modifications enregistrées (historique du projet mis à jour).",
        )
    with st.expander("Archiver le projet"):
        st.caption(
            "Un projet archivé quitte toutes les vues et tous les chiffres ; ses données et son historique "
            "sont conservés."
        )
        sure = st.checkbox("Je confirme l'archivage de ce projet", key=form.key("archive_sure"))
        if st.button("Archiver", key=form.key("archive"), icon=":material/archive:", disabled=not sure):
            writes.save(
                AREA,
                lambda s: workspace_projects.archive_project(s, project_id, form.version, viewer),
                f"Projet « {project['name']} » archivé.",
                then=lambda _: st.switch_page("pages/mes_projets.py"),
            )
