"""« Tableau de bord »: the programme's KPIs, the four regions side by side, editions over time."""

from datetime import date

import streamlit as st

from reindus.programme import metrics, views
from reindus.text.safe import md_text
from reindus.ui import brief as brief_download
from reindus.ui import captions, cards, data, mode, outcomes, project_detail, tables
from reindus.ui import filters as filter_bar
from reindus.ui.banner import demo_banner
from reindus.ui.derived import derived

scope = mode.scope()
public = scope.public  # atelier mode: public data only, refreshed on its own
filters = filter_bar.filter_bar(data.filter_options(scope), page="tableau_de_bord", public=public)


def body() -> None:
    board = data.dashboard(filters, scope)
    st.title("Tableau de bord")
    demo_banner(board.has_demo)
    st.caption(
        f"Sélection : {md_text(filter_bar.describe(views.public_filters(filters, public)))}. "
        + captions.source_caption(board.has_demo, captions.years_text(board.facts["edition"]))
        + (mode.PUBLIC_NOTE if public else "")
    )
    if board.facts.empty:
        st.info("Aucun projet ne correspond à ces filtres.")
        return

    st.header("Fournisseurs retenus : en priorité régional, puis national", anchor=False)
    cards.metric_cards(board, ["share_in_region", "share_in_france", "share_abroad", "link_coverage"])
    charts = data.dashboard_figures(filters, scope)
    st.plotly_chart(mode.readable(charts["origin"]), width="stretch", key="origin_chart")

    st.header("Projets", anchor=False)
    cards.metric_cards(board, ["projects", "active", "completed", "abandoned"])
    st.header("Prévu, décidé, constaté", anchor=False)
    st.caption(
        "Les prévisions déclarées à la sélection, les décisions des financeurs et les constats enregistrés "
        "ensuite ne s'additionnent jamais : chaque carte donne sa définition (icône d'aide)."
    )
    outcome, outcome_panels = data.outcomes(filters, scope)
    outcomes.cards(outcome)
    st.header("Fournisseurs présélectionnés", anchor=False)
    cards.metric_cards(
        board, ["suppliers_identified", "suppliers_contacted", "suppliers_qualified", "suppliers_retained"]
    )
    st.caption(
        "Décompte cumulatif : un fournisseur qualifié a aussi été contacté et identifié ; "
        "un fournisseur écarté ne compte que parmi les identifiés. Taux de succès : dossiers accordés "
        "sur dossiers décidés (accordés, versés ou refusés)."
    )

    st.header("Les régions côte à côte", anchor=False)
    st.caption("Cliquez sur une barre pour ouvrir le détail de la région.")
    chart = st.plotly_chart(
        mode.readable(charts["regions"]),
        width="stretch",
        key="region_chart",
        on_select="rerun",
        selection_mode="points",
    )
    region_table = tables.region_kpis(board.by_region)  # exported: numbers
    shown_table = tables.region_kpis(board.by_region, shown=True)
    kpi_config = tables.kpi_column_config(shown_table)
    tables.show(tables.arrow(shown_table), hide_index=True, width="stretch", column_config=kpi_config)
    if not public:  # no exports on a shared screen
        tables.download_buttons(region_table, "indicateurs_par_region", "Indicateurs par région")

    st.subheader("Prévu, décidé, constaté : les régions côte à côte", anchor=False)
    outcomes.region_section(outcome, outcome_panels, public)

    brief_download.download(filters.edition, scope)

    st.header("Éditions successives", anchor=False)
    st.caption("2022 : Normandie seule ; le pilote national à quatre régions commence en 2023.")
    column = st.selectbox(
        "Indicateur",
        list(metrics.KPI_LABELS),
        format_func=metrics.KPI_LABELS.get,
        key="indicateur",
        bind="query-params",
    )
    st.plotly_chart(
        mode.readable(data.editions_figure(filters, column, scope)), width="stretch", key="editions_chart"
    )

    st.header("Projets", anchor=False)
    region = cards.clicked_region(chart, board.by_region["region"].tolist())
    projects = board.facts if region is None else board.facts[board.facts["region"] == region]
    if region is not None:
        st.subheader(f"Détail : {md_text(region)}", anchor=False)
        cards.region_summary(board, region)
    st.caption("Sélectionnez une ligne pour ouvrir le détail du projet.")
    picked = tables.show(
        tables.arrow(derived(projects, "projects_table", views.projects_table)),
        hide_index=True,
        width="stretch",
        key="projects_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Investissement prévu": tables.euros("Investissement prévu"),
            "Financements accordés": tables.euros("Financements accordés"),
        },
    )
    if picked.selection.rows:
        project_detail.project_detail(
            int(projects.iloc[picked.selection.rows[0]]["project_id"]),
            date.today(),
            editable=False,
            scope=scope,
        )


mode.live(body)
