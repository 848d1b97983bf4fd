"""A project's detail (stages, supply-chain coverage, funding, coach), read only: it is changed in its
« Fiche projet » (`reindus.ui.project_page`), through the coach workspace."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from reindus.auth import Scope
from reindus.programme import metrics
from reindus.reference.naf import codes_text
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    FUNDING_STATUSES,
    PROJECT_STATUSES,
)
from reindus.reference.territory import regions
from reindus.sourcing import coverage
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, id_params, tables
from reindus.ui.derived import derived


def project_picker(projects: pd.DataFrame) -> int | None:
    """A project of the selection, its id in the URL (`?projet=12`) so a link opens its detail."""
    names = derived(projects, "picker", _picker_names)  # once per cached selection
    id_params.from_url("projet", names)
    choice = st.selectbox(
        "Projet",
        [None, *names],
        format_func=lambda pid: "—" if pid is None else names[pid],
        key="projet",
        on_change=id_params.to_url,
        args=("projet",),
        help="Coordonnées du projet, avancement et mise à jour par son conseiller.",
    )
    return None if choice is None else int(choice)


def _picker_names(projects: pd.DataFrame) -> dict[int, str]:
    ordered = projects.sort_values(["edition", "region", "name"], ascending=[False, True, True])
    return dict(
        zip(
            ordered["project_id"],
            ordered["name"] + " (" + ordered["region"] + ", " + ordered["edition"].astype(str) + ")",
            strict=True,
        )
    )


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: "Oui", False: "Non"})


CHAIN_COLUMNS = {c: tables.count(c) for c in ("Identifiés", "Qualifiés ou retenus", "Retenus")} | {
    "Rang": st.column_config.NumberColumn("Rang", format="%d")
}


def chain_table(links: pd.DataFrame, shortlist: pd.DataFrame, with_naf: bool = False) -> pd.DataFrame:
    """A project's links, upstream first, with their suppliers (`coverage.link_suppliers`) and whether
    each is covered; where the viewer may not see the shortlist, coverage only (no count columns)."""
    suppliers = coverage.link_suppliers(links, shortlist)
    table = pd.DataFrame(
        {
            "Rang": links["position"],
            "Position": links["tier"].map(CHAIN_POSITIONS),
            "Maillon": links["label"],
            "Codes NAF": [
                codes_text(c, v) for c, v in zip(links["naf_codes"], links["naf_version"], strict=True)
            ]
            if with_naf
            else None,
            "Identifiés": links["id"].map(suppliers["identified"]),
            "Qualifiés ou retenus": links["id"].map(suppliers["qualified"]),
            "Retenus": links["id"].map(suppliers["retained"]),
            "Couvert": _yes_no(links["id"].map(suppliers["covered"])),
        }
    ).sort_values("Rang")
    shown = [c for c in table.columns if table[c].notna().any() or c in ("Rang", "Position", "Maillon")]
    return table[shown].reset_index(drop=True)


def project_header(project: pd.Series, today: date, scope: Scope) -> None:
    """The project's name and key figures; in public no coach (confidential), its planned jobs instead."""
    project_id = int(project["id"])
    all_progress, _ = data.project_progress(today, scope)
    prog = all_progress[all_progress["project_id"] == project_id].iloc[0]
    st.subheader(md_text(project["name"]), anchor=False)
    # the region's name is the longest value (« Bourgogne-Franche-Comté »): « Normand… » in atelier type
    cells = st.columns([3, 1.5, 2, 2, 2])
    cells[0].metric("Région", md_text(regions().get(project["region_code"], project["region_code"])))
    cells[1].metric("Édition", md_text(project["edition"]))
    if scope.public:
        jobs = project.get("target_jobs")
        cells[2].metric("Emplois prévus", formats.number(jobs) if pd.notna(jobs) else "—")
    else:
        cells[2].metric("Conseiller", md_text(project["coach"]) if pd.notna(project["coach"]) else "—")
    cells[3].metric("Statut", md_text(PROJECT_STATUSES.get(project["status"], project["status"])))
    cells[4].metric(
        "Avancement",
        md_text(prog["progress_label"]),
        help=f"Écart moyen au rétroplanning : "
        f"{'—' if pd.isna(prog['delay_days']) else formats.number(prog['delay_days']) + ' j'}",
    )


def project_detail(project_id: int, today: date, editable: bool, scope: Scope) -> None:
    """Stages, supply-chain coverage, funding and coach of one project; with `editable`, the way to its
    « Fiche projet », where it is changed.

    In public (atelier mode) the data are the public ones: no coach, no amounts, name only if the project
    is flagged public, and no edits."""
    public = scope.public
    programme = data.programme(scope)
    rows = programme.projects[programme.projects["id"] == project_id]
    if rows.empty:
        st.info("Ce projet n'est plus dans la base.")
        return
    project = rows.iloc[0]
    project_header(project, today, scope)
    if str(project["description"]):
        st.text(str(project["description"]))
    if editable and scope.may_edit_project(project["region_code"]):
        st.page_link(
            "pages/projet.py",
            label="Modifier dans la fiche projet",
            icon=":material/edit:",
            query_params={"projet": project_id},
        )
    _, all_stages = data.project_progress(today, scope)
    stages = all_stages[all_stages["project_id"] == project_id]
    left, right = st.columns(2)
    with left:
        st.markdown("**Étapes du rétroplanning**")
        tables.show(
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
                c: st.column_config.DateColumn(c, format=formats.DATE_WIDGET)
                for c in ("Début prévu", "Fin prévue", "Début réel", "Fin réelle")
            }
            | {"Écart (jours)": tables.count("Écart (jours)", "Négatif : en avance sur le rétroplanning")},
        )
    with right:
        st.markdown("**Chaîne de valeur : couverture des maillons**")
        links = programme.links[programme.links["project_id"] == project_id]
        shortlist = programme.shortlist[programme.shortlist["project_id"] == project_id]
        tables.show(
            chain_table(links, shortlist), hide_index=True, width="stretch", column_config=CHAIN_COLUMNS
        )
        st.markdown("**Financements**")
        apps = programme.applications[programme.applications["project_id"] == project_id]
        funding = {"Dispositif": apps["scheme"], "Opérateur": apps["operator"], "Nature": apps["kind"]}
        if not public:  # amounts per company are confidential
            funding |= {"Demandé": apps["amount_requested"], "Accordé": apps["amount_granted"]}
        funding["Statut"] = apps["status"].map(FUNDING_STATUSES)
        tables.show(
            pd.DataFrame(funding),
            hide_index=True,
            width="stretch",
            column_config={"Demandé": tables.euros("Demandé"), "Accordé": tables.euros("Accordé")},
        )
