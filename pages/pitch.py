"""« Pitch »: the hackathon's one-screen project card and its three-minute countdown."""

import streamlit as st

from reindus import config
from reindus.figures.countdown import PITCH_SECONDS, WARNING_SECONDS, countdown_html
from reindus.industry import indicators as industry
from reindus.reference.sources import any_fictitious
from reindus.reference.territory import region_departements
from reindus.text import formats
from reindus.ui import kpi, mode
from reindus.ui.banner import demo_banner
from reindus.ui.industry import register_counts
from reindus.workshop import pitch

public = mode.is_atelier()  # atelier mode: only projects flagged public, public data only

st.title("Pitch")
data = kpi.programme(public)
choices = pitch.pitchable(data.projects, public)
if choices.empty:
    st.info("Aucun projet public à présenter." if public else "Aucun projet dans la base.")
    st.stop()
labels = dict(zip(choices["id"], choices["label"], strict=True))
seconds = pitch.countdown_seconds(st.query_params.get("duree"), PITCH_SECONDS)
left, right = st.columns([5, 3], gap="large")
with right:
    project_id = st.selectbox(
        "Projet présenté",
        list(labels),
        format_func=labels.get,
        key="projet",
        bind="query-params",
        help="En mode atelier, seuls les projets publics sont proposés.",
    )


def regional_candidates(data, project_id: int) -> dict[int, int]:
    """Establishments of each link's activities in the project's region (register counts per département)."""
    project = data.projects.set_index("id").loc[project_id]
    region_deps = region_departements(project["region_code"])
    links = data.links[data.links["project_id"] == project_id].sort_values("position")
    counts = {
        int(r.id): register_counts(str(config.register_path()), r.naf_codes) for r in links.itertuples()
    }
    coverage = industry.link_coverage(links, counts, region_deps)
    return dict(zip(links["id"].astype(int), coverage["establishments"].astype(int), strict=True))


def card() -> None:
    data = kpi.programme(public)
    if project_id not in set(data.projects["id"]):
        st.info("Ce projet n'est plus dans la base.")
        return
    c = pitch.pitch_card(data, int(project_id), regional_candidates(data, int(project_id)))
    st.header(c.company, anchor=False)
    cells = st.container(key="pitch_facts").columns([3, 2, 2, 4])
    cells[0].metric("Région", c.region, border=True)
    cells[1].metric("Édition", str(c.edition), border=True)
    cells[2].metric("Emplois prévus", "—" if c.jobs is None else formats.number(c.jobs), border=True)
    cells[3].metric("Étape", c.stage, border=True, help=f"Statut du projet : {c.status}")
    if c.aim:
        st.markdown(f"**Objectif** : {kpi.md_escape(c.aim)}")
    st.subheader(f"Chaîne d'approvisionnement — {c.coverage}", anchor=False)
    if not c.chain:
        st.caption("Aucun maillon saisi pour ce projet.")
    steps = st.columns(max(1, len(c.chain)))
    for cell, step in zip(steps, c.chain, strict=False):
        box = cell.container(border=True)
        box.markdown(f"**{step.position}. {step.tier}**  \n{kpi.md_escape(step.label)}")
        if step.regional_candidates is not None:
            box.markdown(
                f"**{formats.number(step.regional_candidates)}** établissement"
                f"{'s' if step.regional_candidates > 1 else ''} dans la région"
            )
        box.caption(step.progress)
        box.markdown(
            ":green-badge[:material/check: Couvert]"
            if step.covered
            else ":orange-badge[:material/pending: À couvrir]"
        )
    st.caption(
        "De la matière première (1) à la distribution. Couvert : au moins un fournisseur qualifié ou "
        "retenu. Établissements : actifs, des activités du maillon, dans la région du projet (registre "
        "des établissements, format SIRENE). Présélection : fournisseurs identifiés, qualifiés, retenus."
    )


with left:
    mode.live(card)
with right:
    # The countdown runs in the browser (outside the refreshed fragment): nothing resets it mid-pitch.
    st.iframe(countdown_html(seconds, pitch.warning_seconds(seconds, WARNING_SECONDS)), height=340)
    st.caption(
        f"Temps de parole : {formats.number(seconds // 60)} min {seconds % 60:02d} s ; le chronomètre "
        f"change de couleur dans les {pitch.warning_seconds(seconds, WARNING_SECONDS)} dernières secondes."
    )
    demo_banner(any_fictitious(data.projects["source"]))
