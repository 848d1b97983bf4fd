"""The « Importer » and « Exporter » sections of the « Données » page.

Upload → read and check (nothing written) → preview with the problems highlighted by row and column →
dry-run summary → « Confirmer l'import » → one transaction → summary. An uploaded file is validated by
parsing, never trusted by its name (used only as a label), and capped in size.

Reading and applying run in a child process with its own memory and time limits (`ingest.isolated`):
a hostile file cannot take the server down or hold the other visitors' pages, and closing the tab stops
the child (the progress line is the point where Streamlit stops a script whose page went away). The
check of a file is kept for the session, so that a rerun does not read the file again.

Both sections take the signed-in `Viewer`: the import is audited under their name and refused on the
server unless they may import (`isolated.import_as`), the export unless they may export every table.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus import config
from reindus.auth import Viewer
from reindus.errors import PermissionDeniedError
from reindus.exchange import export
from reindus.exchange import tables as export_tables
from reindus.ingest import importer, isolated
from reindus.ingest.problems import Problems
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, tables

# The register is opened read-only by the app: establishments are imported with the command line.
UPLOAD_KINDS = ("projects", "links", "shortlists", "industry", "openings")
MAX_UPLOAD_MB = 50
UPLOAD_TYPES = ("csv", "txt", "xlsx")
# Streamlit writes the uploader's button, limits and refusals in English and has no parameter for them
# (streamlit/streamlit#13500): the English text is hidden and French drawn in its place. A file refused in
# the browser (« File must be 50.0MB or smaller. », « pdf files are not allowed. ») gets one French
# message in its chip's tooltip and its screen-reader alert: this page's only tooltip error is the
# uploader's, and the message names both limits.
TYPES_TEXT = ", ".join(t.upper() for t in UPLOAD_TYPES)
REFUSED_TEXT = f"Fichier refusé : {MAX_UPLOAD_MB} Mo au plus, au format {TYPES_TEXT}."
UPLOADER_CSS = f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span,
[data-testid="stFileUploader"] [role="alert"],
[data-testid="stTooltipErrorContent"] {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "Choisir un fichier"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "{MAX_UPLOAD_MB} Mo au plus par fichier • {TYPES_TEXT}"; font-size: 0.75rem; }}
[data-testid="stFileUploader"] [role="alert"]::after,
[data-testid="stTooltipErrorContent"]::after {{ content: "{REFUSED_TEXT}"; font-size: 0.875rem; }}
</style>"""
PREVIEW_ROWS = isolated.PREVIEW_ROWS
_CHECKED = "import_checked"  # session state: (kind, sha256) → the dry run's result


def problem_frame(problems: Problems) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "gravité": p.severity,
                "ligne": p.line or None,
                "colonne": p.column,
                "valeur": p.value,
                "problème": p.reason,
            }
            for p in problems.sorted()
        ],
        columns=["gravité", "ligne", "colonne", "valeur", "problème"],
    ).astype({"ligne": "Int64"})


def highlighted(table: pd.DataFrame, problems: Problems):
    """The first rows of the file as read, cells with an error in red, with a warning in yellow."""
    preview = table.head(PREVIEW_ROWS)
    marks = {(p.line, p.column): p.is_error for p in problems.items}
    rows_with = {p.line: p.is_error for p in problems.items if not p.column}

    def style(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (line, column), is_error in marks.items():
            if line in out.index and column in out.columns:
                out.loc[line, column] = (
                    "background-color: #f8d0d0" if is_error else "background-color: #fff3c4"
                )
        for line, is_error in rows_with.items():
            if line in out.index:
                out.loc[line] = "background-color: #f8d0d0" if is_error else "background-color: #fff3c4"
        return out

    return preview.style.apply(style, axis=None)


def import_section(viewer: Viewer) -> None:  # noqa: C901 - the upload form, top to bottom
    st.header("Importer")
    st.caption(
        "Projets, maillons, fournisseurs présélectionnés, statistiques industrielles (format long ou "
        "fichier URSSAF commune × APE), ouvertures et fermetures : CSV (UTF-8 ou Windows-1252, "
        "séparateur « ; », « , », tabulation) ou XLSX. Un classeur de projets peut avoir une feuille "
        "« Jalons » (projet, édition, étape, début et fin prévus, début et fin réels). "
        "Un fichier avec une erreur n'importe rien. "
        "Les établissements du registre s'importent en ligne de commande : "
        "`reindus import establishments FICHIER`."
    )
    kind = st.selectbox(
        "Type de données", UPLOAD_KINDS, format_func=lambda k: importer.KINDS[k][1], key="import_kind"
    )
    st.html(UPLOADER_CSS)
    upload = st.file_uploader(
        "Fichier à importer", type=list(UPLOAD_TYPES), key="import_file", max_upload_size=MAX_UPLOAD_MB
    )
    if upload is None:
        return
    raw = upload.getvalue()
    name = upload.name[-120:]
    if len(raw) > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"Fichier trop gros (plus de {MAX_UPLOAD_MB} Mo).")
        return
    url = config.database_url()
    data.store_engine()  # the schema is migrated before a child process writes to it
    key = (kind, importer.checksum(raw))
    result = st.session_state.get(_CHECKED, {}).get(key)
    if result is None:
        try:
            result = _isolated(viewer, kind, raw, name, url, dry_run=True)
        except PermissionDeniedError as exc:
            st.error(md_text(exc.message))
            return
        st.session_state[_CHECKED] = {key: result}
    parsed = result.parsed
    rows_read = parsed.extra.get("rows_read", len(parsed.table))
    st.text(f"{name} — {parsed.description} — {rows_read} ligne(s) lue(s)")
    if parsed.problems.errors:
        st.error(
            f"{formats.number(parsed.problems.errors)} erreur(s) : rien ne sera importé. Corrigez le fichier puis "
            "déposez-le de nouveau."
        )
    elif parsed.problems.warnings:
        st.warning(
            f"{formats.number(parsed.problems.warnings)} avertissement(s) : vérifiez-les avant de confirmer."
        )
    if parsed.problems.items:
        tables.show(problem_frame(parsed.problems), hide_index=True, width="stretch", key="import_problems")
    if len(parsed.table.columns):
        st.caption(
            "Aperçu du fichier (numéros de ligne du tableur ; en rouge les erreurs, en jaune les "
            "avertissements)."
        )
        tables.show(highlighted(parsed.table, parsed.problems), width="stretch", key="import_preview")
    if not parsed.ok or result.summary is None:
        return
    st.info(f"Si vous confirmez : {md_text(result.summary.message)}.")
    if not result.summary.changed:
        return
    if st.button("Confirmer l'import", type="primary", key="import_confirm"):
        try:
            done = _isolated(viewer, kind, raw, name, url, accept_warnings=True)
        except PermissionDeniedError as exc:
            st.error(md_text(exc.message))
            return
        if done.applied:
            st.session_state.pop(_CHECKED, None)
            st.success(f"Import terminé : {md_text(done.summary.message)}.")
            data.invalidate()
        else:
            st.error("Import refusé, rien n'a été écrit : " + md_text(" ; ".join(done.problems.lines()[:5])))
    st.caption(f"L'import sera inscrit au journal des modifications au nom de {md_text(viewer.actor)}.")


def _isolated(viewer: Viewer, kind: str, raw: bytes, name: str, url: str, **options) -> importer.ImportResult:
    """The import in its child process, with a progress line that also lets Streamlit stop it."""
    line = st.empty()
    try:
        return isolated.import_as(
            viewer,
            kind,
            raw,
            name,
            database_url=url,
            tick=lambda seconds: line.text(f"Lecture et vérification de « {name} »… {seconds:.0f} s"),
            **options,
        )
    finally:
        line.empty()


def export_section(viewer: Viewer) -> None:
    """Every table of the store, whole: for the administrateur and the présidence (a coach's exports are
    those of the pages, within their scope)."""
    st.header("Exporter")
    st.caption(
        "CSV (UTF-8 avec BOM, séparateur « ; ») ou XLSX, en-têtes en français : réimportables tels quels."
    )
    cols = st.columns(3)
    kind = cols[0].selectbox(
        "Table",
        [k for k in export_tables.EXPORT_KINDS if k != "establishments"],
        format_func=export_tables.EXPORT_KINDS.get,
        key="export_kind",
    )
    fmt = cols[1].radio("Format", ["xlsx", "csv"], horizontal=True, key="export_format")
    if cols[2].button("Préparer le fichier", key="export_prepare"):
        store = data.store_engine()
        try:
            frame = export_tables.frame_as(viewer, kind, store)
        except PermissionDeniedError as exc:
            st.error(md_text(exc.message))
            return
        more = export_tables.more_sheets(kind, store) if fmt == "xlsx" else {}
        st.download_button(
            f"Télécharger ({len(frame)} lignes)",
            export_tables.to_bytes(frame, fmt, sheet=export_tables.EXPORT_KINDS[kind], more=more),
            file_name=f"{kind}.{fmt}",
            mime=export.XLSX_MIME if fmt == "xlsx" else export.CSV_MIME,
            key="export_download",
        )
