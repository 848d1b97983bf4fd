"""A project's stages on its page: planned and real dates against the rétroplanning, and the form that
changes them (`reindus.programme.workspace.milestones`: same rules as the « Jalons » sheet)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus.auth import Viewer
from reindus.programme import metrics
from reindus.programme.workspace import milestones as workspace_milestones
from reindus.programme.workspace import rules
from reindus.reference.programme import STAGE_KEYS, STAGE_LABELS
from reindus.text import formats
from reindus.ui import tables, writes

AREA = "milestones"
LABELS = {f.key: f.label for f in rules.MILESTONE_FIELDS}
DATES = tuple(LABELS)


def _date(value) -> object:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def stages_table(stages: pd.DataFrame) -> None:
    tables.show(
        pd.DataFrame(
            {
                "Étape": stages["stage_label"],
                **{LABELS[k]: stages[k] for k in DATES},
                "État": stages["state"].map(metrics.STAGE_STATES),
                "Écart (jours)": stages["delay_days"],
                "En retard": stages["late"].map({True: "Oui", False: "Non"}),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            LABELS[k]: st.column_config.DateColumn(LABELS[k], format=formats.DATE_WIDGET) for k in DATES
        }
        | {"Écart (jours)": tables.count("Écart (jours)", "Négatif : en avance sur le rétroplanning")},
    )


def milestone_forms(project_id: int, stages: pd.DataFrame, viewer: Viewer) -> None:
    """Change one stage's dates; add the stages a project lacks, planned from its start date."""
    writes.flash(AREA)
    by_stage = stages.set_index("stage")
    present = [s for s in STAGE_KEYS if s in by_stage.index]
    if len(present) < len(STAGE_KEYS) and st.button(
        "Ajouter les étapes manquantes (rétroplanning commun)", key=f"stages_missing:{project_id}"
    ):
        writes.save(
            AREA,
            lambda s: workspace_milestones.add_missing_stages(s, project_id, viewer),
            "Étapes ajoutées d'après le rétroplanning commun et la date de début du projet.",
        )
    if not present:
        return
    stage = st.selectbox(
        "Étape à mettre à jour", present, format_func=STAGE_LABELS.get, key=f"stage_choice:{project_id}"
    )
    row = by_stage.loc[stage]
    form = writes.versioned(f"milestone:{int(row['id'])}", int(row["version"]))
    writes.init(form, {k: _date(row[k]) for k in DATES})
    with st.form(form.key("form")):
        cols = st.columns(4)
        for col, k in zip(cols, DATES, strict=True):
            col.date_input(LABELS[k], key=form.key(k), format=formats.DATE_WIDGET, value=None)
        if st.form_submit_button("Enregistrer l'étape", key=form.key("submit"), icon=":material/save:"):
            values = {k: writes.value(form, k) for k in DATES}
            writes.save(
                AREA,
                lambda s: workspace_milestones.update_milestone(
                    s, int(row["id"]), form.version, values, viewer
                ),
                f"Étape « {STAGE_LABELS[stage]} » enregistrée.",
            )
