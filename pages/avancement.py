"""« Avancement des projets »: the projects against the common rétroplanning, region by region."""

from datetime import date

import streamlit as st

from reindus.programme import views
from reindus.reference.programme import LATE_TOLERANCE_DAYS
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import captions, cards, data, mode, project_detail
from reindus.ui import filters as filter_bar
from reindus.ui.banner import demo_banner

scope = mode.scope()
public = scope.public  # atelier mode: public data only, no edits, refreshed on its own
filters = filter_bar.filter_bar(data.filter_options(scope), page="avancement", public=public)


def body() -> None:
    today = date.today()
    prog = data.progress(filters, today, scope)
    st.title("Avancement des projets")
    demo_banner(prog.has_demo)
    st.caption(
        f"Sélection : {md_text(filter_bar.describe(views.public_filters(filters, public)))}. "
        + captions.source_caption(prog.has_demo, captions.years_text(prog.projects["edition"]))
        + f" Situation au {formats.day(today)}."
        + (mode.PUBLIC_NOTE if public else "")
    )
    if prog.projects.empty:
        st.info("Aucun projet ne correspond à ces filtres.")
        return

    cards.status_cards(prog.projects)
    st.caption(
        f"En retard : une étape terminée, ou encore ouverte, plus de {LATE_TOLERANCE_DAYS} jours après "
        "sa fin prévue. À risque : une étape ouverte a dépassé sa fin prévue (dans la tolérance) ou "
        f"n'a pas commencé {LATE_TOLERANCE_DAYS} jours après son début prévu."
    )

    charts = data.progress_figures(filters, today, scope)
    st.header("Même rythme, même rétroplanning : les régions comparées", anchor=False)
    left, right = st.columns(2)
    with left:
        st.subheader("Étape atteinte par les projets", anchor=False)
        st.plotly_chart(mode.readable(charts["positions"]), width="stretch", key="positions_chart")
        st.caption(
            "Étape la plus avancée commencée par chaque projet en cours ; les projets terminés comptent "
            "dans « Programme terminé », les abandonnés nulle part."
        )
    with right:
        st.subheader("Écart moyen au rétroplanning", anchor=False)
        st.plotly_chart(mode.readable(charts["pace"]), width="stretch", key="pace_chart")
        st.caption(
            "Moyenne, par projet, des écarts à la fin prévue des étapes mesurables (terminées, ou "
            "ouvertes au-delà de leur fin prévue), en jours ; projets abandonnés exclus."
        )
    st.subheader("Statut des projets par région", anchor=False)
    st.plotly_chart(mode.readable(charts["status"]), width="stretch", key="status_chart")

    st.header(f"Rétroplanning des projets — édition {md_text(charts['edition'])}", anchor=False)
    if filters.edition is None:
        st.caption(
            "Édition la plus récente de la sélection ; choisissez une édition dans les filtres pour en "
            "voir une autre."
        )
    st.caption(
        "Par projet, une ligne par étape dans l'ordre du programme, de la sélection (en haut) à la "
        "concrétisation (en bas) : en gris le rétroplanning, en couleur de la région les dates réelles."
    )
    st.plotly_chart(mode.readable(charts["gantt"]), width="stretch", key="gantt_chart")

    st.header("Fiche projet", anchor=False)
    project_id = project_detail.project_picker(prog.projects)
    if project_id is not None:
        project_detail.project_detail(project_id, today, editable=not public, scope=scope)


mode.live(body)
