"""A project's detail (stages, supply-chain coverage, funding, coach) and the coach's edits of it.

Saving an edit goes through `repository.update_versioned` with the version that was *shown* (kept in
session state), so a coach's edit never silently overwrites another's; every save ends with
`data.invalidate()`, so every page reads the change.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from reindus.errors import UserError
from reindus.programme import metrics
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    FUNDING_STATUSES,
    PROJECT_STATUSES,
    STAGE_KEYS,
    STAGE_LABELS,
)
from reindus.reference.territory import regions
from reindus.sourcing.coverage import supplier_counts
from reindus.store.db import session_factory
from reindus.store.models import Milestone, Project
from reindus.store.repository import update_versioned
from reindus.text import formats
from reindus.ui import data, tables
from reindus.ui.captions import md_escape


def project_picker(projects: pd.DataFrame) -> int | None:
    """A project of the selection, bound to the URL (`?projet=…`) so a link opens its detail."""
    ordered = projects.sort_values(["edition", "region", "name"], ascending=[False, True, True])
    names = dict(
        zip(
            ordered["project_id"],
            ordered["name"] + " (" + ordered["region"] + ", " + ordered["edition"].astype(str) + ")",
            strict=True,
        )
    )
    choice = st.selectbox(
        "Projet",
        [None, *names],
        format_func=lambda pid: "—" if pid is None else names[pid],
        key="projet",
        bind="query-params",
        help="Coordonnées du projet, avancement et mise à jour par son conseiller.",
    )
    return None if choice is None else int(choice)


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: "Oui", False: "Non"})


def project_detail(project_id: int, today: date, editable: bool, scope: data.Scope) -> None:
    """Stages, supply-chain coverage, funding and coach of one project; with `editable`, the coach's edits.

    In public (atelier mode) the data are the public ones: no coach, no amounts, name only if the project
    is flagged public, and no edits."""
    public = scope.public
    programme = data.programme(scope)
    rows = programme.projects[programme.projects["id"] == project_id]
    if rows.empty:
        st.info("Ce projet n'est plus dans la base.")
        return
    project = rows.iloc[0]
    all_progress, all_stages = data.project_progress(today, scope)
    prog = all_progress[all_progress["project_id"] == project_id].iloc[0]
    st.subheader(md_escape(project["name"]), anchor=False)
    cells = st.columns(5)
    cells[0].metric("Région", md_escape(regions().get(project["region_code"], project["region_code"])))
    cells[1].metric("Édition", str(project["edition"]))
    if public:
        jobs = project.get("target_jobs")
        cells[2].metric("Emplois prévus", formats.number(jobs) if pd.notna(jobs) else "—")
    else:
        cells[2].metric("Conseiller", md_escape(project["coach"]) if pd.notna(project["coach"]) else "—")
    cells[3].metric("Statut", PROJECT_STATUSES.get(project["status"], project["status"]))
    cells[4].metric(
        "Avancement",
        prog["progress_label"],
        help=f"Écart moyen au rétroplanning : "
        f"{'—' if pd.isna(prog['delay_days']) else formats.number(prog['delay_days']) + ' j'}",
    )
    if str(project["description"]):
        st.text(str(project["description"]))

    stages = all_stages[all_stages["project_id"] == project_id]
    left, right = st.columns(2)
    with left:
        st.markdown("**Étapes du rétroplanning**")
        st.dataframe(
            pd.DataFrame(
                {
                    "Étape": stages["stage_label"],
                    "Début prévu": stages["planned_start"],
                    "Fin prévue": stages["planned_end"],
                    "Début réel": stages["actual_start"],
                    "Fin réelle": stages["actual_end"],
                    "État": stages["state"].map(metrics.STAGE_STATES),
                    "Écart (jours)": stages["delay_days"],
                    "En retard": _yes_no(stages["late"]),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.DateColumn(c, format="DD/MM/YYYY")
                for c in ("Début prévu", "Fin prévue", "Début réel", "Fin réelle")
            }
            | {"Écart (jours)": tables.count("Écart (jours)", "Négatif : en avance sur le rétroplanning")},
        )
    with right:
        st.markdown("**Chaîne de valeur : couverture des maillons**")
        links = programme.links[programme.links["project_id"] == project_id]
        shortlist = programme.shortlist[programme.shortlist["project_id"] == project_id]
        suppliers = supplier_counts(shortlist, links["id"])
        st.dataframe(
            pd.DataFrame(
                {
                    "Rang": links["position"],
                    "Position": links["tier"].map(CHAIN_POSITIONS),
                    "Maillon": links["label"],
                    "Identifiés": links["id"].map(suppliers["identified"]),
                    "Qualifiés ou retenus": links["id"].map(suppliers["qualified"]),
                    "Retenus": links["id"].map(suppliers["retained"]),
                    "Couvert": _yes_no(links["id"].map(suppliers["covered"])),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.markdown("**Financements**")
        apps = programme.applications[programme.applications["project_id"] == project_id]
        funding = {"Dispositif": apps["scheme"], "Opérateur": apps["operator"], "Nature": apps["kind"]}
        if not public:  # amounts per company are confidential
            funding |= {"Demandé": apps["amount_requested"], "Accordé": apps["amount_granted"]}
        funding["Statut"] = apps["status"].map(FUNDING_STATUSES)
        st.dataframe(
            pd.DataFrame(funding),
            hide_index=True,
            width="stretch",
            column_config={"Demandé": tables.euros("Demandé"), "Accordé": tables.euros("Accordé")},
        )
    if editable and not public:
        _edit_forms(project, stages)


def _shown_versions_key(project_id: int) -> str:
    return f"shown_versions_{project_id}"


def _flash() -> None:
    message = st.session_state.pop("edit_flash", None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)


def _save(model, row_id: int, shown_version: int, changes: dict, actor: str) -> None:
    try:
        with session_factory(data.store_engine()).begin() as session:
            update_versioned(session, model, row_id, shown_version, changes, actor)
    except UserError as exc:  # a stale row, a refused value, no name: nothing was written
        st.session_state["edit_flash"] = ("error", exc.message)
    else:
        st.session_state["edit_flash"] = (
            "ok",
            "Modification enregistrée (journal des modifications mis à jour).",
        )
    data.invalidate()
    st.rerun()


def _edit_forms(project: pd.Series, stages: pd.DataFrame) -> None:
    """Record a stage's actual dates or change the project's status, with the version that was shown."""
    project_id = int(project["id"])
    key = _shown_versions_key(project_id)
    shown = dict(st.session_state.get(key, {}))  # versions displayed by the previous run
    current = {("projects", project_id): int(project["version"])}
    current |= {("milestones", int(r.id)): int(r.version) for r in stages.itertuples()}

    st.markdown("**Mettre à jour le projet**")
    _flash()
    actor = st.text_input("Votre nom (pour le journal des modifications)", key="edit_actor")
    stage_rows = stages.set_index("stage")
    left, right = st.columns(2)
    with left:
        stage_key = st.selectbox(
            "Étape",
            [s for s in STAGE_KEYS if s in stage_rows.index],
            format_func=STAGE_LABELS.get,
            key=f"edit_stage_{project_id}",
        )
        row = stage_rows.loc[stage_key]
        with st.form(f"stage_form_{project_id}_{stage_key}"):
            start = st.date_input(
                "Début réel",
                value=row["actual_start"] if pd.notna(row["actual_start"]) else None,
                format="DD/MM/YYYY",
            )
            end = st.date_input(
                "Fin réelle",
                value=row["actual_end"] if pd.notna(row["actual_end"]) else None,
                format="DD/MM/YYYY",
            )
            if st.form_submit_button("Enregistrer l'étape", icon=":material/save:"):
                if start is not None and end is not None and end < start:
                    st.error("La fin réelle ne peut pas précéder le début réel.")
                else:
                    ms_key = ("milestones", int(row["id"]))
                    _save(
                        Milestone,
                        int(row["id"]),
                        shown.get(ms_key, current[ms_key]),
                        {"actual_start": start, "actual_end": end},
                        actor,
                    )
    with right:
        with st.form(f"status_form_{project_id}"):
            status = st.selectbox(
                "Statut du projet",
                list(PROJECT_STATUSES),
                format_func=PROJECT_STATUSES.get,
                index=list(PROJECT_STATUSES).index(project["status"]),
            )
            if st.form_submit_button("Enregistrer le statut", icon=":material/save:"):
                p_key = ("projects", project_id)
                _save(Project, project_id, shown.get(p_key, current[p_key]), {"status": status}, actor)
    st.session_state[key] = current  # what this run showed: the base of the next save
