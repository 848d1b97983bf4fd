"""« Fournisseurs »: candidate suppliers for a project's supply-chain link, on a map and in a table,
and the link's shortlist."""

import streamlit as st

from reindus.reference.sources import any_fictitious
from reindus.text.safe import md_text
from reindus.ui import auth, data, mode
from reindus.ui import suppliers as sections
from reindus.ui.banner import demo_banner

# Atelier mode (shared screen): counts per département only; no establishment names, SIRETs, list of
# candidates or shortlist; only the projects flagged public can be chosen.
scope = mode.scope()
st.title("Fournisseurs")
st.caption(
    "Trouver des fournisseurs candidats pour un maillon de la chaîne, en région d'abord puis en France."
)
choices = data.sourcing_choices(scope)
if scope.public:
    st.info(
        "Mode atelier : nombre d'établissements par département seulement ; la liste des candidats et la "
        "présélection ne sont pas affichées en public.",
        icon=":material/lock:",
    )
    if choices.projects.empty:
        st.stop()

target = sections.choose_target(choices)
search, scheme = sections.choose_search(target)
if target.terms.empty:
    st.info("Choisissez un maillon ou saisissez une activité (code NAF, division ou mots du libellé).")
    st.stop()
st.caption(f"Activités recherchées : {md_text(target.terms.describe())}")

ranked = data.ranked_candidates(search, scope)
demo_banner(data.register_fictitious(scope) or any_fictitious(ranked["source"]))
tally = sections.counts(search, scope)
dep = sections.candidate_map(search, target.project["name"], scheme, scope)
if scope.public:
    st.stop()
found = sections.departement_filter(dep, tally)
picked = sections.candidate_table(
    search, dep, scope, f"candidats-projet{target.project_id}-maillon{target.link_id}", found
)
sections.shortlist_section(target, picked, auth.viewer(), scope)
