"""The shortlist of a supply-chain link: its editor, the coach's additions, its export.

Shortlist edits keep the version that was *shown* in session state and save through
`reindus.sourcing.shortlist` (versioned update and delete), so a coach's change made on an outdated row
is refused with the store's French message (no lost update across reruns). Every action ends with
`data.invalidate()`. The actions take the signed-in `Viewer`: the audit names them, and the write
functions refuse a project outside their scope, whatever this page showed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from reindus.auth import Scope, Viewer
from reindus.errors import UserError
from reindus.exchange import export
from reindus.reference import countries
from reindus.reference.programme import SHORTLIST_STATUSES
from reindus.sourcing import candidates as sourcing
from reindus.sourcing import shortlist as shortlist_edits
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, tables

TABLE_LIMIT = 5_000


_FLASH = "shortlist_flash"


def flash() -> None:
    """The last action's message; it may quote supplier names, shown as text (no markdown link or image)."""
    message = st.session_state.pop(_FLASH, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(md_text(text))


def _act(link_id: int, action) -> None:
    """Run one shortlist action (a `shortlist_edits` function of the engine) and flash its message."""
    try:
        st.session_state[_FLASH] = ("ok", action(data.store_engine()))
    except UserError as exc:  # stale row, refused value or out of scope: nothing of it was written
        st.session_state[_FLASH] = ("error", exc.message)
    data.invalidate()
    _forget_shown(link_id)


def add_to_shortlist(link_id: int, rows: pd.DataFrame, viewer: Viewer) -> None:
    """Insert the selected register rows into the link's shortlist (status « identifié »), audited."""
    _act(link_id, lambda eng: shortlist_edits.add_candidates(eng, link_id, rows, viewer))


def foreign_supplier_form(link_id: int, viewer: Viewer) -> None:
    """A supplier the register cannot hold: one established abroad (name, country, note)."""
    with st.expander("Ajouter un fournisseur établi hors de France", icon=":material/public:"):
        with st.form(f"foreign_supplier_{link_id}", clear_on_submit=False, border=False):
            name = st.text_input("Nom du fournisseur", max_chars=300)
            foreign = countries.foreign()
            country = st.selectbox(
                "Pays", list(foreign), format_func=foreign.get, index=None, placeholder="Choisissez un pays"
            )
            note = st.text_area("Note", max_chars=2000)
            if st.form_submit_button("Ajouter à la présélection", icon=":material/add:"):
                _act(
                    link_id,
                    lambda eng: shortlist_edits.add_foreign(eng, link_id, name, country or "", note, viewer),
                )
                st.rerun()


def _shown_key(link_id: int) -> str:
    return f"shortlist_shown_{link_id}"


def _forget_shown(link_id: int) -> None:
    st.session_state.pop(_shown_key(link_id), None)
    st.session_state.pop(f"shortlist_editor_{link_id}", None)


EDIT_COLUMNS = ["id", "version", "supplier_name", "siret", "supplier_commune", "supplier_departement",
                "supplier_country", "status", "note", "source"]  # fmt: skip


_COLUMNS = {
    "supplier_name": st.column_config.TextColumn("Fournisseur"),
    "annuaire": st.column_config.LinkColumn(
        "SIRET", display_text=r"etablissement/(\d+)", help="Fiche dans l'annuaire des entreprises"
    ),
    "commune": "Commune",
    "departement": "Département",
    "status": "Statut",
    "note": "Note",
    "source": "Source",
    "pays": "Pays",
    "etat": st.column_config.TextColumn(
        "État", help="Fermé depuis sa présélection, selon le dernier registre SIRENE chargé"
    ),
}


@dataclass(frozen=True)
class _Shown:
    """A link's shortlist as first shown to this session, and what is drawn from it (once, not at every
    rerun): kept in session state until saved or reloaded."""

    scope: Scope  # the viewer's scope when it was read: another scope reads it again
    rows: pd.DataFrame  # EDIT_COLUMNS, with the versions a save compares against
    display: pd.DataFrame  # the editor's columns (`_EDITOR_COLUMNS`), labelled
    closures: list[str]  # its « État » column: « fermé depuis le … » or ""
    export: pd.DataFrame  # as exported (`export_frame`)


_EDITOR_COLUMNS = ["remove", "supplier_name", "annuaire", "commune", "departement", "pays", "etat", "status",
                   "note", "source"]  # fmt: skip


def _read_shown(link_id: int, scope: Scope) -> _Shown:
    fresh = data.programme(scope).shortlist
    fresh = fresh.loc[fresh["link_id"] == link_id, EDIT_COLUMNS].reset_index(drop=True)
    shown = pd.DataFrame(fresh.to_dict("records"), columns=EDIT_COLUMNS)  # a few rows per link: light
    names = data.commune_names()
    closures = _closures(shown, scope)
    display = shown.assign(
        commune=shown["supplier_commune"].map(lambda c: names.get(c, c) if isinstance(c, str) else ""),
        departement=shown["supplier_departement"].map(sourcing.departement_label),
        # "" rather than None: the grid writes « None » for a missing link (suppliers abroad have no SIRET)
        annuaire=shown["siret"].map(lambda s: sourcing.annuaire_url(s) if isinstance(s, str) else ""),
        pays=shown["supplier_country"].map(countries.name),
        etat=closures,
        remove=False,
    )[_EDITOR_COLUMNS]
    return _Shown(scope, shown, display, closures, export_frame(shown))


def _closures(shown: pd.DataFrame, scope: Scope) -> list[str]:
    closed = data.closure_labels(scope)
    return [closed.get(i, "") for i in shown["id"]]


def shortlist_editor(link_id: int, viewer: Viewer, scope: Scope, editable: bool) -> _Shown:
    """The link's shortlist, editable (status, note) when `editable`; returns what is shown (its rows
    and its export).

    The rows shown (with their versions) are kept in session state until saved or reloaded, so a save
    compares against what the coach saw, not against what a rerun just re-read; so is their labelled
    table, but not the closures of their establishments, read again at each run.
    """
    key = _shown_key(link_id)
    kept = st.session_state.get(key)
    if not isinstance(kept, _Shown) or kept.scope != scope:
        kept = st.session_state[key] = _read_shown(link_id, scope)
    shown = kept.rows
    if shown.empty:
        st.caption("Aucun fournisseur présélectionné pour ce maillon.")
        return kept
    closures = _closures(shown, scope)
    display = kept.display if closures == kept.closures else kept.display.assign(etat=closures)
    if not editable:
        tables.show(
            display[_EDITOR_COLUMNS[1:]].assign(status=display["status"].map(SHORTLIST_STATUSES)),
            hide_index=True,
            width="stretch",
            column_config=_COLUMNS,
        )
        return kept
    edited = tables.edit(
        display,
        key=f"shortlist_editor_{link_id}",
        hide_index=True,
        width="stretch",
        disabled=["supplier_name", "annuaire", "commune", "departement", "pays", "etat", "source"],
        column_config={
            **_COLUMNS,
            "status": st.column_config.SelectboxColumn(
                "Statut", options=list(SHORTLIST_STATUSES), format_func=SHORTLIST_STATUSES.get, required=True
            ),
            "note": st.column_config.TextColumn("Note", max_chars=2000),
            "remove": st.column_config.CheckboxColumn(
                "Retirer", help="Retirer de la présélection à l'enregistrement (inscrit au journal)"
            ),
        },
    )
    edits = shortlist_edits.diff(shown, edited)
    left, right = st.columns([1, 1])
    if left.button(
        f"Enregistrer ({len(edits)} modification(s))",
        disabled=not len(edits),
        key=f"save_shortlist_{link_id}",
        icon=":material/save:",
        type="primary",
    ):
        _act(link_id, lambda eng: shortlist_edits.save(eng, edits, viewer))
        st.rerun()
    if right.button(
        "Recharger la présélection", key=f"reload_shortlist_{link_id}", icon=":material/refresh:"
    ):
        data.invalidate()
        _forget_shown(link_id)
        st.rerun()
    return kept


def export_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The shortlist as exported: French headers, labels rather than codes."""
    names = data.commune_names()
    return pd.DataFrame(
        {
            "Fournisseur": rows["supplier_name"],
            "SIRET": rows["siret"],
            "Commune": rows["supplier_commune"].map(lambda c: names.get(c, c) if isinstance(c, str) else ""),
            "Département": rows["supplier_departement"].map(sourcing.departement_label),
            "Pays": rows["supplier_country"].map(countries.name),
            "Statut": rows["status"].map(SHORTLIST_STATUSES),
            "Note": rows["note"],
            "Source": rows["source"],
        }
    )


def export_buttons(
    rows: pd.DataFrame, stem: str, *, table: pd.DataFrame | None = None, sheet: str = "Présélection"
) -> None:
    """XLSX and CSV downloads of `table` (default: the shortlist `rows` as exported); the labels say how
    many rows the file will hold. The files are written when a button is clicked (deferred data), not on
    every run: the page reruns on every selection and shortlist edit."""
    table = export_frame(rows) if table is None else table
    count = formats.number(len(table)) + (" lignes" if len(table) > 1 else " ligne")
    left, right = st.columns(2)
    left.download_button(
        f"Exporter en XLSX ({md_text(count)})",
        lambda: export.to_xlsx(table, sheet=sheet),
        file_name=f"{stem}.xlsx",
        key=f"{stem}-xlsx",
        mime=export.XLSX_MIME,
        icon=":material/download:",
        disabled=table.empty,
        on_click="ignore",
    )
    right.download_button(
        f"Exporter en CSV ({md_text(count)})",
        lambda: export.to_csv(table),
        file_name=f"{stem}.csv",
        key=f"{stem}-csv",
        mime=export.CSV_MIME,
        icon=":material/download:",
        disabled=table.empty,
        on_click="ignore",
    )
