"""The pitch card and the carousel's settings, from hand-made frames (no store, no Streamlit)."""

from datetime import date

import pandas as pd
import pytest

from reindus.programme import public
from reindus.programme.data import ProgrammeData
from reindus.reference.programme import FINISHED_STAGE_LABEL
from reindus.workshop import carousel, pitch


def _programme() -> ProgrammeData:
    projects = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["Atelier Lin", "Secret SAS", "Vélos Nord"],
            "siren": ["1", "2", "3"],
            "region_code": ["28", "28", "32"],
            "region": ["Normandie", "Normandie", "Hauts-de-France"],
            "edition": [2026, 2026, 2025],
            "coach": ["Anne Coach", "Bruno Coach", "Anne Coach"],
            "coach_id": [1, 2, 1],
            "description": ["Tisser le lin normand", "Confidentiel", "Cadres de vélos"],
            "target_jobs": [12, 40, None],
            "planned_investment": [1_234_567.0, 2e6, 3e5],
            "status": ["en_cours", "en_cours", "termine"],
            "public": [True, False, True],
        }
    )
    milestones = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "project_id": [1, 1, 2],
            "stage": ["selection", "cadrage", "selection"],
            "actual_start": [date(2026, 1, 5), date(2026, 2, 1), None],
        }
    )
    links = pd.DataFrame(
        {
            "id": [10, 11, 12],
            "project_id": [1, 1, 3],
            "position": [2, 1, 1],
            "tier": ["transformation", "matiere", "matiere"],
            "label": ["Filature", "Fibre de lin", "Tubes"],
            "naf_codes": ["13.10Z", "01.16Z", "24.20Z"],
        }
    )
    shortlist = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "link_id": [11, 11, 11, 10],
            "project_id": [1, 1, 1, 1],
            "position": [1, 1, 1, 2],
            "siret": ["1" * 14] * 4,
            "supplier_name": ["Liniers SA", "Teillage", "Fibres", "Filatures"],
            "supplier_region_code": ["28", "11", "28", "28"],
            "status": ["retenu", "qualifie", "ecarte", "contacte"],
            "note": ["prix", "", "", "délai"],
        }
    )
    applications = pd.DataFrame(
        {"id": [1], "project_id": [1], "amount_requested": [5e4], "amount_granted": [4e4]}
    )
    return ProgrammeData(projects, milestones, links, shortlist, applications)


def test_card_of_a_project_from_raw_material_to_distribution():
    card = pitch.pitch_card(_programme(), 1, {10: 7, 11: 0})
    assert (card.company, card.region, card.edition, card.jobs) == ("Atelier Lin", "Normandie", 2026, 12)
    assert card.aim == "Tisser le lin normand" and card.status == "En cours"
    from reindus.reference.programme import STAGE_LABELS

    assert card.stage == STAGE_LABELS["cadrage"]  # the most advanced stage started
    assert [s.position for s in card.chain] == [1, 2]  # in chain order, not row order
    fibre, filature = card.chain
    assert (fibre.tier, fibre.label) == ("Matière première", "Fibre de lin")
    assert (fibre.identified, fibre.contacted, fibre.qualified, fibre.retained) == (3, 2, 2, 1)
    assert fibre.covered and not filature.covered
    assert (fibre.regional_candidates, filature.regional_candidates) == (0, 7)
    assert fibre.progress == "3 identifiés · 2 qualifiés · 1 retenu"
    assert filature.progress == "1 identifié · 0 qualifié · 0 retenu"
    assert card.coverage == "1 maillon couvert sur 2"


def test_card_without_links_jobs_or_candidates():
    card = pitch.pitch_card(_programme(), 2)
    assert card.chain == () and card.coverage == "0 maillon couvert sur 0"
    card = pitch.pitch_card(_programme(), 3)
    assert card.jobs is None and card.stage == FINISHED_STAGE_LABEL
    assert card.chain[0].regional_candidates is None and card.chain[0].identified == 0
    with pytest.raises(KeyError):
        pitch.pitch_card(_programme(), 99)


def test_card_from_the_public_programme_shows_nothing_confidential():
    data = public.public_programme(_programme())
    card = pitch.pitch_card(data, 1)
    text = repr(card)
    for secret in ("Anne Coach", "Liniers SA", "11111111111111", "prix", "1234567", "Secret SAS"):
        assert secret not in text
    # no shortlist in figures either (« 3 identifiés · 1 retenu »): only whether each link is covered
    fibre, filature = card.chain
    assert (fibre.identified, fibre.contacted, fibre.qualified, fibre.retained) == (None,) * 4
    assert fibre.progress is None and not card.shortlist_shown
    assert fibre.covered and not filature.covered and card.coverage == "1 maillon couvert sur 2"
    assert pitch.pitch_card(_programme(), 1).shortlist_shown  # signed in: the counts
    hidden = pitch.pitch_card(data, 2)
    assert hidden.company != "Secret SAS" and hidden.aim == ""


def test_only_public_projects_are_offered_in_public():
    data = _programme()
    assert pitch.pitchable(data.projects, public=True)["id"].tolist() == [1, 3]
    offered = pitch.pitchable(data.projects, public=False)
    assert offered["id"].tolist() == [1, 2, 3]  # newest edition first, then by name
    assert offered["label"].iloc[0] == "Atelier Lin (Normandie, 2026)"


def test_countdown_duration_is_bounded():
    assert pitch.countdown_seconds(None, 180) == 180
    assert pitch.countdown_seconds("abc", 180) == 180
    assert pitch.countdown_seconds("33", 180) == 33
    assert pitch.countdown_seconds("1", 180) == pitch.DURATION_BOUNDS[0]
    assert pitch.countdown_seconds("99999", 180) == pitch.DURATION_BOUNDS[1]
    assert pitch.warning_seconds(180, 30) == 30 and pitch.warning_seconds(10, 30) == 9


VIEWS = {
    "tableau-de-bord": "Tableau de bord",
    "avancement": "Avancement des projets",
    "industrie": "Industrie",
}


def test_carousel_settings_from_the_link():
    assert carousel.parse_views("tableau-de-bord,avancement,industrie,region-28", VIEWS) == [
        "tableau-de-bord",
        "avancement",
        "industrie",
        "region-28",
    ]
    assert carousel.parse_views("region-99, Avancement ,<script>", VIEWS) == ["avancement"]
    assert carousel.parse_views(None, VIEWS) == list(VIEWS)
    assert carousel.view_title("region-28", VIEWS) == "Normandie"
    assert carousel.view_title("avancement", VIEWS) == "Avancement des projets"
    assert carousel.parse_seconds("20") == 20 and carousel.parse_seconds("1") == carousel.SECONDS_BOUNDS[0]
    assert carousel.parse_seconds("x") == carousel.SECONDS
