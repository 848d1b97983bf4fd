"""« Pitch »: the hackathon's one-screen project card and its three-minute countdown."""

import streamlit as st

from reindus.figures.countdown import PITCH_SECONDS, WARNING_SECONDS, countdown_html
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import data, id_params, mode
from reindus.ui.banner import demo_banner
from reindus.workshop import pitch

scope = mode.scope()  # atelier mode: only projects flagged public, public data only
public = scope.public

st.title("Pitch")
labels, demo = data.pitch_choices(scope)
if not labels:
    st.info("Aucun projet public à présenter." if public else "Aucun projet dans la base.")
    st.stop()
seconds = pitch.countdown_seconds(st.query_params.get("duree"), PITCH_SECONDS)
left, right = st.columns([5, 3], gap="large")
with right:
    # The project's id in the URL (`?projet=12`): a label bound to the URL would also hold « projet »
    # for this page, and a link to that project's Fiche projet would then lose it.
    id_params.from_url("projet", labels)
    project_id = st.selectbox(
        "Projet présenté",
        list(labels),
        format_func=labels.get,
        key="projet",
        on_change=id_params.to_url,
        args=("projet",),
        help="En mode atelier, seuls les projets publics sont proposés.",
    )


def card() -> None:
    c = data.pitch_card(project_id, scope)
    if c is None:
        st.info("Ce projet n'est plus dans la base.")
        return
    st.header(md_text(c.company), anchor=False)
    # Four cells in a row gave the region a quarter of the column: « Hauts-/de-/France » on three lines.
    facts = st.container(key="pitch_facts")
    cells = facts.columns([5, 2, 3])
    cells[0].metric("Région", md_text(c.region), border=True)
    cells[1].metric("Édition", md_text(c.edition), border=True)
    cells[2].metric("Emplois prévus", "—" if c.jobs is None else formats.number(c.jobs), border=True)
    facts.metric("Étape", md_text(c.stage), border=True, help=f"Statut du projet : {md_text(c.status)}")
    if c.aim:
        st.markdown(f"**Objectif** : {md_text(c.aim)}")


def chain() -> None:
    """The chain below both columns: five boxes in the left column alone were too narrow for their words,
    which the browser then cut mid-word (« Transfor/mation »)."""
    c = data.pitch_card(project_id, scope)
    if c is None:
        return
    st.subheader(f"Chaîne d'approvisionnement — {md_text(c.coverage)}", anchor=False)
    if not c.chain:
        st.caption("Aucun maillon saisi pour ce projet.")
    steps = st.columns(max(1, len(c.chain)))
    for cell, step in zip(steps, c.chain, strict=False):
        box = cell.container(border=True)
        box.markdown(f"**{step.position:d}. {md_text(step.tier)}**  \n{md_text(step.label)}")
        if step.regional_candidates is not None:
            box.markdown(
                f"**{formats.number(step.regional_candidates)}** établissement"
                f"{'s' if step.regional_candidates > 1 else ''} dans la région"
            )
        if step.progress is not None:
            box.caption(md_text(step.progress))
        box.markdown(
            ":green-badge[:material/check: Couvert]"
            if step.covered
            else ":orange-badge[:material/pending: À couvrir]"
        )
    st.caption(
        "De la matière première (1) à la distribution. Couvert : au moins un fournisseur qualifié ou "
        "retenu. Établissements : actifs, des activités du maillon, dans la région du projet (registre "
        "des établissements, format SIRENE)."
        + (" Présélection : fournisseurs identifiés, qualifiés, retenus." if c.shortlist_shown else "")
    )


with left:
    mode.live(card)
with right:
    # The countdown runs in the browser (outside the refreshed fragment): nothing resets it mid-pitch.
    st.iframe(countdown_html(seconds, pitch.warning_seconds(seconds, WARNING_SECONDS)), height=340)
    st.caption(
        f"Temps de parole : {formats.number(seconds // 60)} min {seconds % 60:02d} s ; le chronomètre "
        f"change de couleur dans les {pitch.warning_seconds(seconds, WARNING_SECONDS):d} dernières secondes."
    )
    demo_banner(demo)
mode.live(chain)
