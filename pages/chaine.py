"""« Chaîne d'approvisionnement »: a project's links upstream to downstream, their coverage, and the
links for which a region has no candidate at all."""

import streamlit as st

from reindus.figures.supply_chain import supply_chain_figure
from reindus.programme.public import public_projects
from reindus.reference.sources import any_fictitious
from reindus.sourcing import candidates as sourcing
from reindus.ui import mode, tables
from reindus.ui import shortlist as ui
from reindus.ui.banner import demo_banner
from reindus.ui.kpi import md_escape

# Atelier mode: public data (reindus.programme.public: no supplier names, SIRETs or notes; names of projects not
# flagged public masked), only public projects to choose, refreshed on its own.
public = mode.is_atelier()
st.title("Chaîne d'approvisionnement")
url, path = ui.database_url(), ui.register_path()
projects, links, shortlist = ui.projects(url, public), ui.links(url), ui.shortlist(url, public)
source, year = ui.register_source(path)
demo_banner(ui.register_fictitious(path) or any_fictitious(projects["source"]))

by_id = projects.set_index("id")
choosable = public_projects(projects) if public else projects
project_id = st.selectbox(
    "Projet",
    choosable["id"].tolist(),
    key="chain_project",
    bind="query-params",
    format_func=lambda i: f"{by_id.at[i, 'name']} — {by_id.at[i, 'region']} ({by_id.at[i, 'edition']})",
)


def body() -> None:
    """The project's chain and the capability gaps, read afresh on each (atelier) refresh."""
    projects, links, shortlist = ui.projects(url, public), ui.links(url), ui.shortlist(url, public)
    by_id = projects.set_index("id")
    if project_id not in by_id.index:
        st.info("Ce projet n'est plus dans la base.")
        return
    project = by_id.loc[project_id]
    project_links = links[links["project_id"] == project_id]
    coverage = sourcing.coverage(
        project_links, shortlist, ui.link_counts(project_links), project["region_code"]
    )
    src = f"registre des établissements ({source}, {year}) ; présélections de l'accélérateur"
    st.plotly_chart(
        mode.readable(
            supply_chain_figure(
                coverage, title=f"{project['name']} : de la matière première à la distribution", source=src
            )
        ),
        width="stretch",
        config={"displayModeBar": False},
    )
    if not public:
        closed = ui.closed_shortlisted(url, str(path))
        closed = closed[closed["link_id"].isin(project_links["id"])]
        if not closed.empty:
            st.warning(
                f"{len(closed)} fournisseur(s) présélectionné(s) fermé(s) depuis leur présélection : "
                + " ; ".join(
                    f"{md_escape(n)} ({c})"
                    for n, c in zip(closed["supplier_name"], closed["closure"], strict=True)
                )
                + f". Source : registre des établissements ({source}, {year}).",
                icon=":material/store:",
            )
    st.dataframe(
        coverage[
            [
                "position",
                "tier_label",
                "label",
                "naf_codes",
                "regional_candidates",
                "national_candidates",
                "shortlisted",
                "qualified",
                "regional_qualified",
                "furthest_label",
                "gap",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "position": st.column_config.NumberColumn("N°", format="%d"),
            "tier_label": "Étape",
            "label": "Maillon",
            "naf_codes": "Codes NAF",
            "regional_candidates": tables.count("Candidats en région"),
            "national_candidates": tables.count("Candidats en France"),
            "shortlisted": tables.count("Présélectionnés"),
            "qualified": tables.count("Qualifiés"),
            "regional_qualified": tables.count("Qualifiés en région"),
            "furthest_label": "Avancement",
            "gap": st.column_config.CheckboxColumn("Lacune régionale"),
        },
    )
    st.caption(f"Candidats : établissements actifs des codes NAF du maillon, tous effectifs. Source : {src}.")

    chain_terms = sourcing.search_terms(",".join(project_links["naf_codes"].dropna()))
    observed = ui.naf_correspondence(str(path), chain_terms.codes)
    if not observed.empty:
        with st.expander("Correspondance observée NAF rév. 2 → NAF 2025 pour les codes de la chaîne"):
            st.dataframe(
                observed,
                hide_index=True,
                width="stretch",
                column_config={
                    "naf": "NAF rév. 2",
                    "naf_label": "Activité (rév. 2)",
                    "naf25": "NAF 2025",
                    "naf25_label": "Activité (2025)",
                    "establishments": tables.count("Établissements"),
                    "share": st.column_config.NumberColumn("Part", format="percent"),
                },
            )
            st.caption(
                "Établissements codés dans les deux nomenclatures par SIRENE (depuis décembre 2025) ; la part "
                f"est celle du code rév. 2. Les codes ne se comparent jamais d'une version à l'autre. Source : {src}."
            )

    st.subheader("Maillons sans aucun candidat dans la région du projet")
    st.caption(
        "Là où la région n'a pas la capacité : une opportunité de réindustrialisation. Départements les plus "
        "proches du site du projet qui en ont (distance, nombre d'établissements)."
    )
    gaps = ui.capability_gap_table(url, str(path), public)
    st.dataframe(
        gaps.drop(columns=["project_id"]),
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
    st.caption(f"{len(gaps)} maillon(s) sur {len(links)}. Source : {src}.")


mode.live(body)
