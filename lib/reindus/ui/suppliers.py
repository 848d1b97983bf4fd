"""The sections of « Fournisseurs »: what to search (project, link or free activity), where and from
which size, the counts, the map (a click on a département filters the list), the ranked candidates and
the link's shortlist.

In public (atelier mode) only the projects flagged public can be chosen and the map shows counts per
département only: no establishment names, SIRETs, list of candidates or shortlist.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from reindus import register
from reindus.auth import Scope, Viewer
from reindus.figures.supplier_map import SCHEMES
from reindus.reference import headcount
from reindus.sourcing import candidates as sourcing
from reindus.sourcing.search import CandidateSearch, Tally
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, id_params, maps, tables
from reindus.ui import shortlist as shortlist_ui

FREE_SEARCH = 0  # the link choice « Recherche libre »
_DEP = "sourcing_dep"
_LAST_CLICK = "sourcing_last_click"


@dataclass(frozen=True)
class Target:
    """The project chosen, its link (FREE_SEARCH for a free search) and the activities searched."""

    project_id: int
    project: pd.Series
    link_id: int
    terms: sourcing.SearchTerms


def choose_target(choices: data.SourcingChoices) -> Target:
    """Project and link (both in the URL), or a free activity typed by the coach."""
    top = st.columns([2, 3])
    labels = choices.project_labels
    id_params.from_url("sourcing_project", labels)
    project_id = top[0].selectbox(
        "Projet",
        list(labels),
        key="sourcing_project",
        on_change=id_params.to_url,
        args=("sourcing_project",),
        format_func=labels.get,
    )
    project_links = choices.link_labels.get(project_id, {})
    link_labels = project_links | {FREE_SEARCH: "Recherche libre (code NAF, division ou libellé)"}
    id_params.from_url("sourcing_link", list(project_links))
    link_id = top[1].selectbox(
        "Maillon de la chaîne",
        list(link_labels),
        key="sourcing_link",
        on_change=id_params.to_url,
        args=("sourcing_link",),
        format_func=link_labels.get,
    )
    if link_id == FREE_SEARCH:
        query = st.text_input(
            "Activité recherchée", placeholder="ex. 25.62A, 25, 13.2 ou « tissage »", key="sourcing_query"
        )
        terms = sourcing.search_terms(query)
    else:
        terms = sourcing.search_terms(choices.link_codes[link_id])
    projects = choices.projects
    return Target(project_id, projects[projects["id"] == project_id].iloc[0], link_id, terms)


def choose_search(target: Target) -> tuple[CandidateSearch, str]:
    """Scope (in the URL), smallest headcount and map classes: the search and the map's class scheme."""
    # The scope's three options get a row of their own: beside two other controls they were cut
    # (« … | Tout »), and so were the map's classes (« Seuils naturels (Jenks »).
    scope = (
        st.segmented_control(
            "Périmètre",
            list(sourcing.SCOPES),
            format_func=sourcing.SCOPES.get,
            default="region",
            key="sourcing_scope",
            bind="query-params",
        )
        or "region"
    )
    options = st.columns([2, 3])
    min_band = options[0].selectbox(
        "Effectif minimum",
        [b.code for b in headcount.BANDS],
        index=0,
        format_func=lambda c: "Tous" if c == "NN" else headcount.band(c).label,
        key="sourcing_band",
    )
    scheme = (
        options[1].segmented_control(
            "Classes de la carte",
            list(SCHEMES),
            format_func=SCHEMES.get,
            default="quantiles",
            key="sourcing_scheme",
        )
        or "quantiles"
    )
    more = st.columns([2, 3])
    employer_only = more[0].toggle(
        "Employeurs seulement",
        key="sourcing_employer",
        help="Établissements employeurs selon SIRENE (caractère employeur)",
    )
    categories = more[1].multiselect(
        "Catégorie d'entreprise",
        list(register.COMPANY_CATEGORIES),
        format_func=lambda c: f"{c} ({register.COMPANY_CATEGORIES[c]})",
        key="sourcing_categories",
        placeholder="Toutes",
        help="Catégorie de l'unité légale (INSEE) : chargez le fichier des unités légales pour la connaître",
    )
    project = target.project
    search = CandidateSearch.for_project(
        target.terms,
        project["region_code"],
        scope,
        min_band,
        data.project_site(project),
        employer_only=employer_only,
        categories=tuple(categories),
    )
    return search, scheme


def counts(search: CandidateSearch, scope: Scope) -> Tally:
    """The search's counts, every filter applied (size, employers, company category), before any list
    or export."""
    tally = search.tally(
        data.departement_counts(search.terms, scope, search.min_band, search.employer_only, search.categories)
    )
    cells = st.columns(3)
    cells[0].metric("Candidats dans la région", formats.number(tally.regional))
    cells[1].metric("Candidats dans le périmètre", formats.number(tally.in_scope))
    cells[2].metric("Candidats en France", formats.number(tally.france))
    return tally


def candidate_map(search: CandidateSearch, site_label: str, scheme: str, scope: Scope) -> str | None:
    """The map, its caption, and the département clicked last (None: no filter)."""
    source, year = data.register_source(scope)
    clicked = maps.show(
        data.candidate_map(search, site_label, scheme, scope),
        "supplier_map",
        560,
        returned_objects=["last_active_drawing"],
    )
    if scope.public:
        st.caption(
            "Carte : établissements actifs correspondant à la recherche, par département. Source : "
            f"registre des établissements ({md_text(source)}, {md_text(year)})."
        )
        return None
    st.caption(
        "Carte : établissements actifs correspondant à la recherche, par département (toute la France) et "
        f"candidats du périmètre (points). Source : registre des établissements ({md_text(source)}, {md_text(year)}). "
        "Cliquez sur un département pour filtrer la liste."
    )
    drawing = (clicked or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    if code and code != st.session_state.get(_LAST_CLICK):
        st.session_state[_LAST_CLICK] = code
        st.session_state[_DEP] = code
    return st.session_state.get(_DEP)


def departement_filter(dep: str | None, tally: Tally) -> int:
    """The filter on the département clicked on the map, with a button that removes it; how many
    candidates the register has for the list (that département's, or the whole scope's)."""
    if not dep:
        return tally.in_scope
    found = tally.by_departement.get(dep, 0)
    cols = st.columns([4, 1])
    cols[0].write(f"Filtre : {md_text(sourcing.departement_label(dep))} ({formats.number(found)} candidats)")
    if cols[1].button("Retirer le filtre", icon=":material/filter_alt_off:"):
        st.session_state[_DEP] = None
        st.rerun()
    return found


CANDIDATE_COLUMNS = {
    "rank": st.column_config.NumberColumn("Rang", format="%d"),
    "tier": "Niveau",
    "name": "Établissement",
    "siret": "SIRET",
    "annuaire": st.column_config.LinkColumn(
        "Annuaire", display_text="Fiche", help="Fiche publique dans l'annuaire des entreprises"
    ),
    "naf": "Code NAF",
    "naf_label": "Activité (NAF)",
    "commune": "Commune",
    "departement": "Département",
    "band": "Effectif",
    "distance_km": st.column_config.NumberColumn("Distance (km)", format="localized"),
    "score_distance": st.column_config.NumberColumn("Points distance", format="localized"),
    "score_size": st.column_config.NumberColumn("Points taille", format="localized"),
    "score_naf": st.column_config.NumberColumn("Points NAF", format="localized"),
    "score": tables.count("Score"),
}


def candidate_table(
    search: CandidateSearch, dep: str | None, scope: Scope, stem: str, found: int
) -> pd.DataFrame:
    """The ranked candidates of département `dep` (None: all), the first TABLE_LIMIT, exportable as
    `stem`.csv/xlsx; returns the rows the coach selected. `found`: how many the register has for this
    list (the ranking stops at its limit). The table is labelled and converted once per search,
    département and scope (`data.candidate_list`): selecting rows reruns the page."""
    st.subheader("Candidats")
    st.caption(
        "Rang : régionaux d'abord, puis score sur 100 = distance au site (50) + taille (30) + "
        "correspondance NAF exacte (20) ou par préfixe (10). Nom : enseigne ou nom de l'établissement, sinon "
        "celui de l'unité légale ; noms des entrepreneurs individuels (des personnes) montrés aux seuls "
        "conseillers et administrateurs, masqués pour les autres ; personnes non diffusibles « non diffusible »."
    )
    listed = data.candidate_list(search, dep, shortlist_ui.TABLE_LIMIT, scope)
    first = listed.rows
    if len(first) < found:
        st.caption(
            f"Liste et export : les {formats.number(len(first))} premiers candidats sur "
            f"{formats.number(found)} (régionaux d'abord, puis les plus proches du site du projet). "
            "Resserrez la recherche (effectif, employeurs, catégorie, département) pour les voir tous."
        )
    selection = tables.show(
        listed.shown,
        key="candidates",
        hide_index=True,
        width="stretch",
        height=420,
        on_select="rerun",
        selection_mode="multi-row",
        column_config=CANDIDATE_COLUMNS,
    )
    shortlist_ui.export_buttons(first, stem, table=listed.export, sheet="Candidats")
    return first.iloc[selection.selection.rows] if selection.selection.rows else first.iloc[0:0]


def shortlist_section(target: Target, picked: pd.DataFrame, viewer: Viewer, scope: Scope) -> None:
    """The link's shortlist as `scope` may see it; for a viewer who may edit the project: add the
    selected candidates, edit it, add a supplier abroad. The write functions check it again."""
    st.subheader("Présélection du maillon")
    shortlist_ui.flash()
    if target.link_id == FREE_SEARCH:
        st.info("Choisissez un maillon du projet pour ajouter des candidats à sa présélection.")
        return
    region = target.project["region_code"]
    if not scope.sees_project(region):
        st.info(
            "La présélection de ce maillon relève des conseillers de la région du projet : elle n'est pas "
            "affichée hors de leur périmètre.",
            icon=":material/lock:",
        )
        return
    link_id = int(target.link_id)
    editable = scope.may_edit_project(region)
    if editable and st.button(
        f"Ajouter {len(picked)} candidat(s) à la présélection",
        disabled=picked.empty,
        icon=":material/playlist_add:",
        type="primary",
    ):
        shortlist_ui.add_to_shortlist(link_id, picked, viewer)
        st.rerun()
    shown = shortlist_ui.shortlist_editor(link_id, viewer, scope, editable)
    if editable:
        shortlist_ui.foreign_supplier_form(link_id, viewer)
        st.caption(
            f"Chaque changement est inscrit au journal des modifications au nom de {md_text(viewer.actor)}."
        )
    shortlist_ui.export_buttons(
        shown.rows, f"preselection-projet{target.project_id}-maillon{link_id}", table=shown.export
    )
