"""A project's history on its page, in French: who, when, what changed, old → new value; and
« Restaurer » a previous value of a field, itself a checked and audited change
(`reindus.programme.workspace.history`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus.auth import Viewer
from reindus.programme.data import ProgrammeData
from reindus.programme.workspace import history as workspace_history
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, tables, writes

AREA = "history"
# The frame of ProgrammeData that holds each restorable table's rows (and their version).
FRAMES = {
    "projects": "projects",
    "milestones": "milestones",
    "chain_links": "links",
    "funding_applications": "applications",
}


def history_table(trail: pd.DataFrame) -> None:
    tables.show(
        pd.DataFrame(
            {
                "Quand": trail["at"].map(formats.moment),
                "Qui": trail["actor"],
                "Action": trail["action"],
                "Quoi": trail["what"],
                "Champ": trail["label"],
                "Avant": trail["before"],
                "Après": trail["after"],
                "Détail": trail["detail"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="history_table",
    )
    st.caption(f"{len(trail)} changement(s), du plus récent au plus ancien. Heures en UTC.")


def _versions(programme: ProgrammeData) -> dict[tuple[str, int], int]:
    out = {}
    for table, frame_name in FRAMES.items():
        frame = getattr(programme, frame_name)
        out |= {(table, int(i)): int(v) for i, v in zip(frame["id"], frame["version"], strict=True)}
    return out


def restore_form(trail: pd.DataFrame, programme: ProgrammeData, viewer: Viewer) -> None:
    """Pick a change and put the field back to its value before it."""
    versions = _versions(programme)
    candidates = trail[trail["restorable"]]
    candidates = candidates[
        [(t, int(r)) in versions for t, r in zip(candidates["table"], candidates["row_key"], strict=True)]
    ]
    if candidates.empty:
        st.caption("Aucune valeur à restaurer.")
        return
    labels = {
        (int(r.entry_id), r.field): f"{formats.moment(r.at)} — {r.what} — {r.label} : {r.before} → {r.after}"
        for r in candidates.itertuples(index=False)
    }
    chosen = st.selectbox(
        "Restaurer la valeur d'avant une modification",
        list(labels),
        index=None,
        format_func=labels.get,
        key="restore_choice",
        placeholder="Choisir la modification à défaire",
    )
    if chosen is None:
        return
    row = candidates[(candidates["entry_id"] == chosen[0]) & (candidates["field"] == chosen[1])].iloc[0]
    current = versions[(row["table"], int(row["row_key"]))]
    form = writes.versioned(f"restore:{row['table']}:{int(row['row_key'])}", current)
    if st.button(
        f"Restaurer « {md_text(row['before'])} »", key=form.key("submit"), icon=":material/history:"
    ):
        writes.save(
            AREA,
            lambda s: workspace_history.restore(s, int(chosen[0]), chosen[1], form.version, viewer),
            f"{row['label']} : valeur « {row['before']} » restaurée (changement ajouté à l'historique).",
        )


def project_history(project_id: int, programme: ProgrammeData, viewer: Viewer, scope, editable: bool) -> None:
    writes.flash(AREA)
    trail = data.project_history(project_id, scope)
    if trail.empty:
        st.info("Aucun changement enregistré pour ce projet.")
        return
    if editable:
        restore_form(trail, programme, viewer)
    history_table(trail)
