"""Sourcing at the Streamlit boundary: cached register reads and the shortlist editor.

Caches are keyed on simple values (paths, URLs, tuples of codes) and bounded; the register connection
is a read-only `st.cache_resource` shared by every session (never mutated). Shortlist edits keep the
version that was *shown* in session state and save through `reindus.sourcing.shortlist` (versioned update
and delete), so a coach's change made on an outdated row is refused with the store's French message
(no lost update across reruns).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import folium
import pandas as pd
import streamlit as st

from reindus import config
from reindus.errors import UserError
from reindus.exchange import export
from reindus.figures.supplier_map import supplier_map
from reindus.programme import data as frames
from reindus.programme.public import mask_projects, strip
from reindus.programme.regions import ProgrammeRegions
from reindus.reference import countries, geo
from reindus.reference.programme import SHORTLIST_STATUSES
from reindus.reference.sources import any_fictitious
from reindus.register import Register, candidates, counts_by_departement, open_register, summary
from reindus.register import naf_correspondence as register_naf_correspondence
from reindus.sourcing import candidates as sourcing
from reindus.sourcing import closures
from reindus.sourcing import shortlist as shortlist_edits
from reindus.text import formats
from reindus.ui.kpi import md_escape
from reindus.ui.resources import engine

REGISTER_TTL = 600
STORE_TTL = 10  # ≤ the atelier refresh interval: a change in the store shows within 30 s
POINT_LIMIT = 20_000  # points drawn on the map; above, the choropleth tells the rest
TABLE_LIMIT = 5_000


# --- register -----------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def register_connection(path: str) -> Register:
    """The register, read-only, shared by all sessions (one DuckDB connection, a cursor per query)."""
    return open_register(path, read_only=True)


def register_path() -> str:
    return str(config.register_path())


@st.cache_data(ttl=REGISTER_TTL, max_entries=4, show_spinner=False)
def register_source(path: str) -> tuple[str, int]:
    """(sources, year of the register's last load) for captions: (« démo », 2026)."""
    info = summary(register_connection(path))
    sources = ", ".join(str(s) for s in info["by_source"]["source"].dropna()) or "inconnue"
    return sources, datetime.fromtimestamp(Path(path).stat().st_mtime).year


@st.cache_data(ttl=REGISTER_TTL, max_entries=4, show_spinner=False)
def register_fictitious(path: str) -> bool:
    """Whether the register holds demo or synthetic establishments (the page then shows the banner)."""
    return any_fictitious(summary(register_connection(path))["by_source"]["source"])


@st.cache_data(ttl=REGISTER_TTL, max_entries=32, show_spinner="Recherche des candidats…")
def ranked_candidates(
    path: str,
    codes: tuple[str, ...],
    prefixes: tuple[str, ...],
    departements: tuple[str, ...] | None,
    regional: tuple[str, ...],
    min_band: str,
    point: tuple[float, float] | None,
    limit: int = POINT_LIMIT,
    employer_only: bool = False,
    categories: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Candidates ranked by `sourcing.rank` (the `limit` nearest, regional first)."""
    found = candidates(
        register_connection(path),
        naf_codes=codes,
        naf_prefixes=prefixes,
        departements=departements,
        regional_departements=regional,
        min_band=min_band,
        point=point,
        limit=limit,
        employer_only=employer_only,
        company_categories=categories,
    )
    return sourcing.rank(found)


@st.cache_data(ttl=REGISTER_TTL, max_entries=256, show_spinner=False)
def departement_counts(
    path: str,
    codes: tuple[str, ...],
    prefixes: tuple[str, ...],
    min_band: str,
    employer_only: bool = False,
    categories: tuple[str, ...] = (),
) -> pd.DataFrame:
    return counts_by_departement(
        register_connection(path),
        naf_codes=codes,
        naf_prefixes=prefixes,
        min_band=min_band,
        employer_only=employer_only,
        company_categories=categories,
    )


@st.cache_resource(ttl=REGISTER_TTL, max_entries=16, show_spinner="Préparation de la carte…")
def candidate_map(
    path: str,
    codes: tuple[str, ...],
    prefixes: tuple[str, ...],
    departements: tuple[str, ...] | None,
    regional: tuple[str, ...],
    min_band: str,
    site: tuple[float, float] | None,
    site_label: str,
    scheme: str,
    points: bool,
    employer_only: bool = False,
    categories: tuple[str, ...] = (),
    *,
    regions: ProgrammeRegions,
) -> folium.Map:
    """The supplier map for one search, built once: selecting rows, editing the shortlist or any other
    rerun reuses it, and streamlit-folium keeps the browser's map (same script, no remount).
    `points`: False in atelier mode (a point is a named establishment); `regions`: the programme's
    (`ui.cached.programme_regions`), outlined. Shared read-only by sessions."""
    ranked = ranked_candidates(
        path, codes, prefixes, departements, regional, min_band, site, POINT_LIMIT, employer_only, categories
    )
    source, year = register_source(path)
    return supplier_map(
        departement_counts(path, codes, prefixes, min_band, employer_only, categories),
        ranked if points else ranked.iloc[0:0],
        regions=regions,
        site=site,
        site_label=site_label,
        commune_names=commune_names(),
        scheme=scheme,
        source=source,
        year=year,
    )


def link_counts(links: pd.DataFrame, min_band: str = "NN") -> dict[int, pd.DataFrame]:
    """Counts per département for each link's NAF codes: one cached read per distinct code set (many
    links share one, and each cache hit costs a copy of its frame)."""
    by_codes: dict[str, pd.DataFrame] = {}
    out = {}
    for link in links.itertuples(index=False):
        if link.naf_codes not in by_codes:
            terms = sourcing.search_terms(link.naf_codes)
            by_codes[link.naf_codes] = (
                pd.DataFrame({"departement": [], "establishments": []})
                if terms.empty
                else departement_counts(register_path(), terms.codes, terms.prefixes, min_band)
            )
        out[link.id] = by_codes[link.naf_codes]
    return out


@st.cache_data(ttl=STORE_TTL, max_entries=4, show_spinner=False)
def capability_gap_table(url: str, path: str, public: bool) -> pd.DataFrame:
    """Links of every project with no candidate in the project's region (computed once per refresh,
    not per rerun: it walks every link of the programme)."""
    all_projects, all_links = projects(url, public), links(url)
    sites = {
        int(i): site
        for i, site in ((i, project_site(p)) for i, p in all_projects.set_index("id").iterrows())
        if site is not None
    }
    return sourcing.capability_gaps(
        all_projects, all_links, link_counts(all_links), sites, departement_centroids()
    )


# --- reference lookups -------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def commune_names() -> dict[str, str]:
    """INSEE code → commune name (shared, read-only)."""
    frame = geo.communes()
    return dict(zip(frame["code"], frame["nom"], strict=True))


@st.cache_resource(show_spinner=False)
def departement_centroids() -> dict[str, tuple[float, float]]:
    """Département → (lon, lat) of a point inside it (shared, read-only)."""
    frame = geo.departements_gdf()
    points = frame.geometry.representative_point()
    return {code: (p.x, p.y) for code, p in zip(frame["code"], points, strict=True)}


def project_site(project: pd.Series) -> tuple[float, float] | None:
    try:
        return geo.commune_point(project["commune"])
    except KeyError:
        return None


# --- store --------------------------------------------------------------------------------------------


def database_url() -> str:
    return config.database_url()


@st.cache_data(ttl=STORE_TTL, max_entries=4, show_spinner=False)
def projects(url: str, public: bool = False) -> pd.DataFrame:
    """The projects; in public (atelier mode, part of the key) through `reindus.programme.public`: names of projects
    not flagged public masked, no coach, SIREN or amounts."""
    frame = frames.load_projects(engine(url))
    return mask_projects(frame) if public else frame


@st.cache_data(ttl=STORE_TTL, max_entries=4, show_spinner=False)
def links(url: str) -> pd.DataFrame:
    return frames.load_links(engine(url))


@st.cache_data(ttl=STORE_TTL, max_entries=4, show_spinner=False)
def shortlist(url: str, public: bool = False) -> pd.DataFrame:
    """The shortlists; in public without supplier names, SIRETs, communes or notes (statuses stay)."""
    frame = frames.load_shortlist(engine(url))
    return strip(frame) if public else frame


@st.cache_data(ttl=REGISTER_TTL, max_entries=32, show_spinner=False)
def naf_correspondence(path: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """NAF rév. 2 → NAF 2025 as observed on the register's double-coded establishments, with labels."""
    frame = register_naf_correspondence(register_connection(path), codes)
    return sourcing.correspondence_table(frame)


@st.cache_data(ttl=STORE_TTL, max_entries=4, show_spinner=False)
def closed_shortlisted(url: str, path: str) -> pd.DataFrame:
    """Shortlist entries whose establishment closed since it was shortlisted (`closures.closed_entries`)."""
    return closures.closed_entries(register_connection(path), shortlist(url))


def clear_store_caches() -> None:
    closed_shortlisted.clear()
    shortlist.clear()
    links.clear()
    projects.clear()


# --- shortlist edits -------------------------------------------------------------------------------

_FLASH = "shortlist_flash"


def actor_input() -> str:
    return st.text_input(
        "Votre nom (pour le journal des modifications)",
        key="sourcing_actor",
        help="Chaque ajout ou changement de la présélection est enregistré à ce nom dans le journal.",
    ).strip()


def flash() -> None:
    """The last action's message; it may quote supplier names, shown as text (no markdown link or image)."""
    message = st.session_state.pop(_FLASH, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(md_escape(text))


def _act(link_id: int, actor: str, action) -> None:
    """Run one shortlist action (a `shortlist_edits` function of the engine) and flash its message."""
    if not actor:
        st.session_state[_FLASH] = (
            "error",
            "Indiquez votre nom (journal des modifications) avant d'enregistrer.",
        )
        return
    try:
        st.session_state[_FLASH] = ("ok", action(engine(database_url())))
    except UserError as exc:  # a stale row or a refused value: nothing of this action was written
        st.session_state[_FLASH] = ("error", exc.message)
    clear_store_caches()
    _forget_shown(link_id)


def add_to_shortlist(link_id: int, rows: pd.DataFrame, actor: str) -> None:
    """Insert the selected register rows into the link's shortlist (status « identifié »), audited."""
    _act(link_id, actor, lambda eng: shortlist_edits.add_candidates(eng, link_id, rows, actor))


def foreign_supplier_form(link_id: int, actor: str) -> None:
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
                    actor,
                    lambda eng: shortlist_edits.add_foreign(eng, link_id, name, country or "", note, actor),
                )
                st.rerun()


def _shown_key(link_id: int) -> str:
    return f"shortlist_shown_{link_id}"


def _forget_shown(link_id: int) -> None:
    st.session_state.pop(_shown_key(link_id), None)
    st.session_state.pop(f"shortlist_editor_{link_id}", None)


EDIT_COLUMNS = ["id", "version", "supplier_name", "siret", "supplier_commune", "supplier_departement",
                "supplier_country", "status", "note", "source"]  # fmt: skip


def shortlist_editor(link_id: int, actor: str) -> pd.DataFrame:
    """The link's shortlist, editable (status, note); returns the rows shown.

    The rows shown (with their versions) are kept in session state until saved or reloaded, so a save
    compares against what the coach saw, not against what a rerun just re-read.
    """
    key = _shown_key(link_id)
    fresh = shortlist(database_url())
    fresh = fresh.loc[fresh["link_id"] == link_id, EDIT_COLUMNS].reset_index(drop=True)
    if key not in st.session_state:
        st.session_state[key] = fresh.to_dict("records")  # a few rows per link: light
    shown = pd.DataFrame(st.session_state[key], columns=EDIT_COLUMNS)
    if shown.empty:
        st.caption("Aucun fournisseur présélectionné pour ce maillon.")
        return shown
    names = commune_names()
    display = shown.assign(
        commune=shown["supplier_commune"].map(lambda c: names.get(c, c) if isinstance(c, str) else ""),
        departement=shown["supplier_departement"].map(sourcing.departement_label),
        # "" rather than None: the grid writes « None » for a missing link (suppliers abroad have no SIRET)
        annuaire=shown["siret"].map(lambda s: sourcing.annuaire_url(s) if isinstance(s, str) else ""),
        pays=shown["supplier_country"].map(countries.name),
        etat=shown["id"].map(closure_labels()).fillna(""),
        remove=False,
    )
    edited = st.data_editor(
        display[
            [
                "remove",
                "supplier_name",
                "annuaire",
                "commune",
                "departement",
                "pays",
                "etat",
                "status",
                "note",
                "source",
            ]
        ],
        key=f"shortlist_editor_{link_id}",
        hide_index=True,
        width="stretch",
        disabled=["supplier_name", "annuaire", "commune", "departement", "pays", "etat", "source"],
        column_config={
            "supplier_name": st.column_config.TextColumn("Fournisseur"),
            "annuaire": st.column_config.LinkColumn(
                "SIRET", display_text=r"etablissement/(\d+)", help="Fiche dans l'annuaire des entreprises"
            ),
            "commune": "Commune",
            "departement": "Département",
            "status": st.column_config.SelectboxColumn(
                "Statut", options=list(SHORTLIST_STATUSES), format_func=SHORTLIST_STATUSES.get, required=True
            ),
            "note": st.column_config.TextColumn("Note", max_chars=2000),
            "source": "Source",
            "pays": "Pays",
            "etat": st.column_config.TextColumn(
                "État", help="Fermé depuis sa présélection, selon le dernier registre SIRENE chargé"
            ),
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
        _act(link_id, actor, lambda eng: shortlist_edits.save(eng, edits, actor))
        st.rerun()
    if right.button(
        "Recharger la présélection", key=f"reload_shortlist_{link_id}", icon=":material/refresh:"
    ):
        clear_store_caches()
        _forget_shown(link_id)
        st.rerun()
    return shown


def export_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The shortlist as exported: French headers, labels rather than codes."""
    names = commune_names()
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


def closure_labels() -> dict[int, str]:
    """Shortlist entry id → « fermé depuis le … » for the suppliers closed since they were shortlisted."""
    closed = closed_shortlisted(database_url(), register_path())
    return dict(zip(closed["id"].astype(int), closed["closure"], strict=True))


def export_buttons(
    rows: pd.DataFrame, stem: str, *, table: pd.DataFrame | None = None, sheet: str = "Présélection"
) -> None:
    """XLSX and CSV downloads of `table` (default: the shortlist `rows` as exported); the labels say how
    many rows the file will hold."""
    table = export_frame(rows) if table is None else table
    count = f" ({formats.number(len(table))} ligne{'s' if len(table) > 1 else ''})"
    left, right = st.columns(2)
    left.download_button(
        "Exporter en XLSX" + count,
        export.to_xlsx(table, sheet=sheet),
        file_name=f"{stem}.xlsx",
        key=f"{stem}-xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        disabled=table.empty,
    )
    right.download_button(
        "Exporter en CSV" + count,
        export.to_csv(table),
        file_name=f"{stem}.csv",
        key=f"{stem}-csv",
        mime="text/csv",
        icon=":material/download:",
        disabled=table.empty,
    )
