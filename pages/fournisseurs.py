"""« Fournisseurs »: candidate suppliers for a project's supply-chain link, on a map and in a table,
and the link's shortlist."""

import streamlit as st
from streamlit_folium import st_folium

from reindus import register
from reindus.figures.supplier_map import SCHEMES
from reindus.programme.public import public_projects
from reindus.reference import headcount
from reindus.reference.sources import any_fictitious
from reindus.reference.territory import region_departements
from reindus.sourcing import candidates as sourcing
from reindus.text import formats
from reindus.ui import mode, tables
from reindus.ui import shortlist as ui
from reindus.ui.banner import demo_banner
from reindus.ui.cached import programme_regions

# Atelier mode (shared screen): counts per département only; no establishment names, SIRETs, list of
# candidates or shortlist; only the projects flagged public can be chosen.
public = mode.is_atelier()
st.title("Fournisseurs")
st.caption(
    "Trouver des fournisseurs candidats pour un maillon de la chaîne, en région d'abord puis en France."
)

url, path = ui.database_url(), ui.register_path()
projects, links = ui.projects(url, public), ui.links(url)
if public:
    projects = public_projects(projects)
    st.info(
        "Mode atelier : nombre d'établissements par département seulement ; la liste des candidats et la "
        "présélection ne sont pas affichées en public.",
        icon=":material/lock:",
    )
    if projects.empty:
        st.stop()
source, year = ui.register_source(path)

top = st.columns([2, 3])
project_labels = {p.id: f"{p.name} — {p.region}" for p in projects.itertuples(index=False)}
project_id = top[0].selectbox(
    "Projet",
    list(project_labels),
    key="sourcing_project",
    bind="query-params",
    format_func=project_labels.get,
)
project = projects.set_index("id").loc[project_id]
project_links = links[links["project_id"] == project_id]
link_options = [*project_links["id"].tolist(), 0]
link_id = top[1].selectbox(
    "Maillon de la chaîne",
    link_options,
    key="sourcing_link",
    bind="query-params",
    format_func=lambda i: (
        "Recherche libre (code NAF, division ou libellé)"
        if i == 0
        else "{}. {} ({})".format(*project_links.set_index("id").loc[i, ["position", "label", "naf_codes"]])
    ),
)
if link_id == 0:
    query = st.text_input(
        "Activité recherchée", placeholder="ex. 25.62A, 25, 13.2 ou « tissage »", key="sourcing_query"
    )
    terms = sourcing.search_terms(query)
else:
    terms = sourcing.search_terms(project_links.set_index("id").at[link_id, "naf_codes"])

options = st.columns([5, 2, 3])  # room for the scope's three options in atelier type too
scope = (
    options[0].segmented_control(
        "Périmètre",
        list(sourcing.SCOPES),
        format_func=sourcing.SCOPES.get,
        default="region",
        key="sourcing_scope",
        bind="query-params",
    )
    or "region"
)
min_band = options[1].selectbox(
    "Effectif minimum",
    [b.code for b in headcount.BANDS],
    index=0,
    format_func=lambda c: "Tous" if c == "NN" else headcount.band(c).label,
    key="sourcing_band",
)
scheme = (
    options[2].segmented_control(
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
categories = tuple(
    more[1].multiselect(
        "Catégorie d'entreprise",
        list(register.COMPANY_CATEGORIES),
        format_func=lambda c: f"{c} ({register.COMPANY_CATEGORIES[c]})",
        key="sourcing_categories",
        placeholder="Toutes",
        help="Catégorie de l'unité légale (INSEE) : chargez le fichier des unités légales pour la connaître",
    )
)
if terms.empty:
    st.info("Choisissez un maillon ou saisissez une activité (code NAF, division ou mots du libellé).")
    st.stop()
st.caption(f"Activités recherchées : {terms.describe()}")

regional = region_departements(project["region_code"])
site = ui.project_site(project)
scope_deps = sourcing.scope_departements(project["region_code"], scope)
ranked = ui.ranked_candidates(
    path,
    terms.codes,
    terms.prefixes,
    scope_deps,
    regional,
    min_band,
    site,
    ui.POINT_LIMIT,
    employer_only,
    categories,
)
counts = ui.departement_counts(path, terms.codes, terms.prefixes, min_band, employer_only, categories)
demo_banner(ui.register_fictitious(path) or any_fictitious(ranked["source"]))

n_regional = int(ranked["regional"].sum())
kpis = st.columns(3)
kpis[0].metric("Candidats dans la région", formats.number(n_regional))
kpis[1].metric("Candidats dans le périmètre", formats.number(len(ranked)))
kpis[2].metric("Candidats en France", formats.number(int(counts["establishments"].sum())))

fmap = ui.candidate_map(
    path,
    terms.codes,
    terms.prefixes,
    scope_deps,
    regional,
    min_band,
    site,
    project["name"],
    scheme,
    points=not public,
    employer_only=employer_only,
    categories=categories,
    regions=programme_regions(),
)
clicked = st_folium(
    fmap, key="supplier_map", height=560, width=None, returned_objects=["last_active_drawing"]
)
if public:
    st.caption(
        f"Carte : établissements actifs correspondant à la recherche, par département. Source : "
        f"registre des établissements ({source}, {year})."
    )
    st.stop()
st.caption(
    f"Carte : établissements actifs correspondant à la recherche, par département (toute la France) et "
    f"candidats du périmètre (points). Source : registre des établissements ({source}, {year}). "
    "Cliquez sur un département pour filtrer la liste."
)

drawing = (clicked or {}).get("last_active_drawing") or {}
code = (drawing.get("properties") or {}).get("code")
if code and code != st.session_state.get("sourcing_last_click"):
    st.session_state["sourcing_last_click"] = code
    st.session_state["sourcing_dep"] = code
dep = st.session_state.get("sourcing_dep")
shown = ranked if not dep else ranked[ranked["departement"] == dep]
if dep:
    cols = st.columns([4, 1])
    cols[0].write(f"Filtre : {sourcing.departement_label(dep)} ({formats.number(len(shown))} candidats)")
    if cols[1].button("Retirer le filtre", icon=":material/filter_alt_off:"):
        st.session_state["sourcing_dep"] = None
        st.rerun()

st.subheader("Candidats")
st.caption(
    "Rang : régionaux d'abord, puis score sur 100 = distance au site (50) + taille (30) + "
    "correspondance NAF exacte (20) ou par préfixe (10). Nom : enseigne ou nom de l'établissement, sinon "
    "celui de l'unité légale ; noms des entrepreneurs individuels masqués, personnes non diffusibles "
    "« non diffusible »."
)
table = sourcing.display_table(shown.head(ui.TABLE_LIMIT), ui.commune_names())
selection = st.dataframe(
    table,
    key="candidates",
    hide_index=True,
    width="stretch",
    height=420,
    on_select="rerun",
    selection_mode="multi-row",
    column_config={
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
    },
)
picked = (
    shown.head(ui.TABLE_LIMIT).iloc[selection.selection.rows] if selection.selection.rows else shown.iloc[0:0]
)
st.caption(
    f"Liste : {formats.number(min(len(shown), ui.TABLE_LIMIT))} candidat(s) affiché(s) sur "
    f"{formats.number(len(shown))}. Source : registre des établissements ({source}, {year})."
)
ui.export_buttons(
    shown,
    f"candidats-projet{project_id}-maillon{link_id}",
    table=sourcing.export_table(table),
    sheet="Candidats",
)

st.subheader("Présélection du maillon")
ui.flash()
if link_id == 0:
    st.info("Choisissez un maillon du projet pour ajouter des candidats à sa présélection.")
    st.stop()
actor = ui.actor_input()
if st.button(
    f"Ajouter {len(picked)} candidat(s) à la présélection",
    disabled=picked.empty,
    icon=":material/playlist_add:",
    type="primary",
):
    ui.add_to_shortlist(int(link_id), picked, actor)
    st.rerun()
rows = ui.shortlist_editor(int(link_id), actor)
ui.foreign_supplier_form(int(link_id), actor)
ui.export_buttons(rows, f"preselection-projet{project_id}-maillon{link_id}")
