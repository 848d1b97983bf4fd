"""« Chaîne d'approvisionnement »: a project's links upstream to downstream, their coverage, and the
links for which a region has no candidate at all."""

import streamlit as st

from reindus.programme.public import public_projects
from reindus.reference.sources import any_fictitious
from reindus.text.safe import md_text
from reindus.ui import chain, data, id_params, mode, tables
from reindus.ui.banner import demo_banner

# Atelier mode: public data (reindus.programme.public: no supplier names, SIRETs or notes; names of projects not
# flagged public masked), only public projects to choose, refreshed on its own.
scope = mode.scope()
st.title("Chaîne d'approvisionnement")
projects = data.programme(scope).projects
source, year = data.register_source(scope)
demo_banner(data.register_fictitious(scope) or any_fictitious(projects["source"]))

choosable = public_projects(projects) if scope.public else projects
labels = {p.id: f"{p.name} — {p.region} ({p.edition})" for p in choosable.itertuples(index=False)}
# The project's id in the URL (`?chain_project=12`, the link « Mes projets » makes), not its label.
id_params.from_url("chain_project", labels)
project_id = st.selectbox(
    "Projet",
    list(labels),
    key="chain_project",
    on_change=id_params.to_url,
    args=("chain_project",),
    format_func=labels.get,
)


def body() -> None:
    """The project's chain and the capability gaps, read afresh on each (atelier) refresh."""
    programme = data.programme(scope)
    links = programme.links
    rows = programme.projects[programme.projects["id"] == project_id]
    if rows.empty:
        st.info("Ce projet n'est plus dans la base.")
        return
    project = rows.iloc[0]
    project_links = links[links["project_id"] == project_id]
    src = f"registre des établissements ({source}, {year}) ; présélections de l'accélérateur"
    title = f"{project['name']} : de la matière première à la distribution"
    coverage, figure = data.chain(project_id, title, src, scope)
    st.plotly_chart(mode.readable(figure), width="stretch", config={"displayModeBar": False})
    if not scope.public:
        chain.closed_suppliers(project_links, f"registre des établissements ({source}, {year})", scope)
    tables.show(
        tables.arrow_of(coverage, "shown", chain.coverage_table),
        hide_index=True,
        width="stretch",
        column_config={
            "position": st.column_config.NumberColumn("N°", format="%d"),
            "tier_label": "Étape",
            "label": "Maillon",
            "naf": "Codes NAF",
            "regional_candidates": tables.count("Candidats en région"),
            "national_candidates": tables.count("Candidats en France"),
            "shortlisted": tables.count("Présélectionnés"),
            "qualified": tables.count("Qualifiés"),
            "regional_qualified": tables.count("Qualifiés en région"),
            "furthest_label": "Avancement",
            "gap": st.column_config.CheckboxColumn("Lacune régionale"),
        },
    )
    st.caption(
        f"Candidats : établissements actifs des codes NAF du maillon, tous effectifs. Source : {md_text(src)}."
    )

    chain.naf_correspondence(project_links, src)

    st.subheader("Maillons sans aucun candidat dans la région du projet")
    st.caption(
        "Là où la région n'a pas la capacité : une opportunité de réindustrialisation. Départements les plus "
        "proches du site du projet qui en ont (distance, nombre d'établissements)."
    )
    gaps = data.links_without_regional_candidate(scope)
    tables.show(
        tables.arrow_of(gaps, "shown", lambda g: g.drop(columns=["project_id"])),
        hide_index=True,
        width="stretch",
        column_config={
            "project": "Projet",
            "region": "Région",
            "position": st.column_config.NumberColumn("N°", format="%d"),
            "tier_label": "Étape",
            "label": "Maillon",
            "naf": "Activités (NAF)",
            "national_candidates": tables.count("Candidats en France"),
            "nearest": "Départements les plus proches qui en ont",
        },
    )
    st.caption(f"{len(gaps)} maillon(s) sur {len(links)}. Source : {md_text(src)}.")


mode.live(body)
