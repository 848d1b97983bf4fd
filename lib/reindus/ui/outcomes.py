"""« Prévu, décidé, constaté » on the dashboard: cards whose help text is their definition, one panel per
definition, the regions side by side with their export.

Public (atelier) views are computed from the whole programme on the server and only their aggregates leave
it, as `reindus.programme.public.shown_aggregates` lets them.
"""

from __future__ import annotations

import streamlit as st

from reindus.exchange import export
from reindus.programme import kpi_definitions as kd
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import mode, tables
from reindus.ui.derived import derived

GROUPS: dict[str, tuple[str, ...]] = {
    "Emplois : prévus à la sélection, constatés ensuite": (
        "jobs",
        "jobs_observed_end",
        "jobs_observed_12m",
    ),
    "Financements : demandés, accordés, versés": (
        "funding_requested",
        "funding_granted",
        "funding_paid",
        "success_rate",
    ),
    "Investissement et délai": ("investment", "investment_committed", "days_to_concretisation"),
}
# Where a smaller figure is the better one, its delta is coloured the other way round.
LOWER_IS_BETTER = {"days_to_concretisation"}


def cards(outcome: kd.OutcomeView) -> None:
    """One card per figure: the definition as help text, the delta against the previous edition, and what
    an observation rests on."""
    since = (
        f" Écart avec l'édition {outcome.previous_edition}, mêmes filtres."
        if outcome.previous_edition
        else ""
    )
    for title, keys in GROUPS.items():
        st.subheader(md_text(title), anchor=False)
        cells = st.columns(4)
        for cell, key in zip(cells, keys, strict=False):
            definition = kd.DEFINITIONS[key]
            value = outcome.total[key]
            previous = None if outcome.previous is None else outcome.previous[key]
            note = kd.recorded_note(outcome.total, key)
            shown = kd.display(outcome.total, key)
            exact = ""
            if definition.kind == "euros" and shown not in (kd.WITHHELD, kd.NOT_RECORDED):
                # « 131 742 000 € » is cut on a card a quarter of the page wide
                exact, shown = f" Montant exact : {shown}.", formats.euros_short(value)
            cell.metric(
                kd.DEFINITIONS[key].label,
                md_text(shown),
                delta=kd.delta_text(value, previous, definition.kind),
                delta_color="inverse" if key in LOWER_IS_BETTER else "normal",
                help=md_text(definition.definition + (f" Ici : {note}." if note else "") + exact + since),
                border=True,
            )


def region_section(outcome: kd.OutcomeView, panels, public: bool) -> None:
    st.plotly_chart(mode.readable(panels), width="stretch", key="outcome_chart")
    table = derived(outcome.by_region, "outcome_table", kd.labelled)  # exported: numbers
    shown = derived(outcome.by_region, "outcome_table_shown", lambda t: kd.labelled(t, shown=True))
    config = {}
    for definition in kd.DEFINITIONS.values():
        label = definition.label
        if definition.kind == "euros":
            config[label] = tables.euros(label, definition.definition)
        elif definition.kind in kd.AS_TEXT_KINDS:  # written as on the cards: « 57 % », « 162 j »
            config[label] = st.column_config.TextColumn(label, help=md_text(definition.definition))
        else:
            config[label] = tables.count(label, definition.definition)
    tables.show(tables.arrow(shown), hide_index=True, width="stretch", column_config=config)
    st.caption(
        "« — » : non renseigné (aucun projet n'a enregistré ce constat)"
        + (
            ", ou chiffre masqué en mode atelier (groupe de moins de 3 projets, ou montant qui trahirait "
            "celui d'une entreprise)."
            if public
            else "."
        )
    )
    if not public:
        left, right, _ = st.columns([1, 1, 4])
        left.download_button(
            "Exporter en CSV",
            lambda: export.to_csv(table),
            "prevu_decide_constate_par_region.csv",
            mime=export.CSV_MIME,
            icon=":material/download:",
            on_click="ignore",
            key="outcome_csv",
        )
        right.download_button(
            "Exporter en XLSX",
            lambda: export.to_xlsx(table, "Prévu, décidé, constaté"),
            "prevu_decide_constate_par_region.xlsx",
            mime=export.XLSX_MIME,
            icon=":material/download:",
            on_click="ignore",
            key="outcome_xlsx",
        )
