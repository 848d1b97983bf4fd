"""« Tableau de bord »: the programme's KPIs, the four regions side by side, editions over time."""

from datetime import date

import streamlit as st

from reindus.exchange import export
from reindus.programme import metrics
from reindus.ui import brief as brief_download
from reindus.ui import filters as filter_bar
from reindus.ui import kpi, mode, outcomes, tables
from reindus.ui.banner import demo_banner

public = mode.is_atelier()  # atelier mode: public data only, refreshed on its own
filters = filter_bar.filter_bar(kpi.filter_options(public), page="tableau_de_bord", public=public)


def body() -> None:
    board = kpi.dashboard(filters, public)
    st.title("Tableau de bord")
    demo_banner(board.has_demo)
    st.caption(
        f"Sélection : {filter_bar.describe(kpi.public_filters(filters, public))}. "
        + kpi.source_caption(board.has_demo, kpi.years_text(board.facts["edition"]))
        + (mode.PUBLIC_NOTE if public else "")
    )
    if board.facts.empty:
        st.info("Aucun projet ne correspond à ces filtres.")
        return

    st.header("Fournisseurs retenus : en priorité régional, puis national", anchor=False)
    kpi.metric_cards(board, ["share_in_region", "share_in_france", "share_abroad", "link_coverage"])
    charts = kpi.dashboard_figures(filters, public)
    st.plotly_chart(mode.readable(charts["origin"]), width="stretch", key="origin_chart")

    st.header("Projets", anchor=False)
    kpi.metric_cards(board, ["projects", "active", "completed", "abandoned"])
    st.header("Prévu, décidé, constaté", anchor=False)
    st.caption(
        "Les prévisions déclarées à la sélection, les décisions des financeurs et les constats enregistrés "
        "ensuite ne s'additionnent jamais : chaque carte donne sa définition (icône d'aide)."
    )
    outcome, outcome_panels = outcomes.view(filters, public)
    outcomes.cards(outcome)
    st.header("Fournisseurs présélectionnés", anchor=False)
    kpi.metric_cards(
        board, ["suppliers_identified", "suppliers_contacted", "suppliers_qualified", "suppliers_retained"]
    )
    st.caption(
        "Décompte cumulatif : un fournisseur qualifié a aussi été contacté et identifié ; "
        "un fournisseur écarté ne compte que parmi les identifiés."
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
    region_table = metrics.labelled(board.by_region, [c for c in metrics.KPI_LABELS], {"region": "Région"})
    st.dataframe(
        region_table, hide_index=True, width="stretch", column_config=kpi.kpi_column_config(region_table)
    )
    if not public:  # no exports on a shared screen
        left, right, _ = st.columns([1, 1, 4])
        # The files are written only when a button is clicked (deferred data), not on every run.
        left.download_button(
            "Exporter en CSV",
            lambda: export.to_csv(region_table),
            "indicateurs_par_region.csv",
            mime=export.CSV_MIME,
            icon=":material/download:",
            on_click="ignore",
        )
        right.download_button(
            "Exporter en XLSX",
            lambda: export.to_xlsx(region_table, "Indicateurs par région"),
            "indicateurs_par_region.xlsx",
            mime=export.XLSX_MIME,
            icon=":material/download:",
            on_click="ignore",
        )

    st.subheader("Prévu, décidé, constaté : les régions côte à côte", anchor=False)
    outcomes.region_section(outcome, outcome_panels, public)

    brief_download.download(filters.edition, public)

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
        mode.readable(kpi.editions_figure(filters, column, public)), width="stretch", key="editions_chart"
    )

    st.header("Projets", anchor=False)
    region = kpi.clicked_region(chart, board.by_region["region"].tolist())
    projects = board.facts if region is None else board.facts[board.facts["region"] == region]
    if region is not None:
        st.subheader(f"Détail : {kpi.md_escape(region)}", anchor=False)
        kpi.region_summary(board, region)
    st.caption("Sélectionnez une ligne pour ouvrir le détail du projet.")
    picked = st.dataframe(
        kpi.projects_table(projects),
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
        kpi.project_detail(
            int(projects.iloc[picked.selection.rows[0]]["project_id"]),
            date.today(),
            editable=False,
            public=public,
        )


mode.live(body)
