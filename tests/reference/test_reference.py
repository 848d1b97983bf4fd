from datetime import date

import pytest

from reindus.errors import ValidationError
from reindus.reference import headcount, naf, palette, programme, territory


def test_region_27_is_not_departement_27():
    assert territory.regions()["27"] == "Bourgogne-Franche-Comté"
    assert territory.departements()["27"].name == "Eure"
    assert territory.region_of("27") == "28"


def test_region_colours_come_from_one_colour_blind_safe_palette_in_order():
    assert palette.next_region_colour([]) == "#0072B2"
    pilots = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    assert palette.next_region_colour(pilots) == "#E69F00"
    # a colour freed by a region leaving goes to the next region joining
    assert palette.next_region_colour(["#0072B2", "#009E73"]) == "#D55E00"
    # beyond eight regions, colours repeat, least used first
    assert palette.next_region_colour([*palette.REGION_PALETTE, "#0072B2"]) == "#D55E00"
    assert palette.OTHER_REGION_COLOUR not in palette.REGION_PALETTE
    assert len(set(palette.REGION_PALETTE)) == 8


def test_all_french_departements_including_corsica_and_overseas():
    deps = territory.departements()
    assert len(deps) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(deps)
    assert "20" not in deps
    assert len(territory.regions()) == 18


@pytest.mark.parametrize(
    ("raw", "expected"), [("2", "02"), ("02", "02"), (" 76 ", "76"), ("2a", "2A"), ("971", "971")]
)
def test_normalize_departement_restores_leading_zero(raw, expected):
    assert territory.normalize_departement(raw) == expected


@pytest.mark.parametrize("raw", ["20", "00", "96", "100", "abc", ""])
def test_normalize_departement_refuses_unknown_codes(raw):
    with pytest.raises(ValidationError):
        territory.normalize_departement(raw)


def test_departement_of_commune():
    assert territory.departement_of_commune("76540") == "76"
    assert territory.departement_of_commune("2A004") == "2A"
    assert territory.departement_of_commune("97411") == "974"


def test_naf_tree_sizes():
    assert len(naf.sections()) == 21
    assert len(naf.divisions()) == 88
    assert len(naf.groups()) == 272
    assert len(naf.classes()) == 615
    assert len(naf.subclasses()) == 732


@pytest.mark.parametrize("raw", ["13.20Z", "1320Z", "13.20z", " 1320Z "])
def test_normalize_naf_with_or_without_dot(raw):
    assert naf.normalize_naf(raw) == "13.20Z"


@pytest.mark.parametrize("raw", ["13.20", "99.99Z", "1320", "XX.XXZ", "13.2Z"])
def test_normalize_naf_refuses_non_codes(raw):
    with pytest.raises(ValidationError):
        naf.normalize_naf(raw)


def test_naf_labels_at_every_level():
    assert naf.naf_label("13.20Z") == "Tissage"
    assert naf.naf_label("13") == "Fabrication de textiles"
    assert naf.naf_label("C") == "Industrie manufacturière"
    assert naf.section_of("1320Z") == "C"
    assert naf.is_naf_prefix("13.2") and naf.is_naf_prefix("13") and not naf.is_naf_prefix("34")


def test_manufacturing_is_divisions_10_to_33():
    divisions = naf.manufacturing_divisions()
    assert list(divisions) == [f"{d}" for d in range(10, 34)]
    assert divisions["13"] == "Fabrication de textiles"


def test_headcount_minimum_never_admits_unknown_band():
    assert "NN" not in headcount.at_least("11")
    assert headcount.at_least("11") == ("11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53")
    assert headcount.at_least("53") == ("53",)
    assert "NN" in headcount.at_least("NN")


def test_headcount_band_labels_and_bounds():
    assert headcount.band("12").label == "20 à 49 salariés"
    assert (headcount.band("12").low, headcount.band("12").high) == (20, 49)
    assert headcount.band("") is headcount.band("NN")
    with pytest.raises(KeyError):
        headcount.band("13")


def test_programme_stages_follow_the_press_release():
    assert [s.label for s in programme.STAGES] == [
        "Sélection des projets",
        "Cadrage",
        "Étude de marché",
        "Innovation / R&D",
        "Sourcing des partenaires",
        "Investissements et financement",
        "Hackathon et pitch",
        "Concrétisation",
    ]
    # 4 to 6 months
    assert 120 <= programme.PROGRAMME_DAYS <= 186
    market, sourcing = programme.stage("etude_marche"), programme.stage("sourcing")
    # the students' market study lasts about two months and runs in parallel with sourcing
    assert 55 <= market.end_day - market.start_day + 1 <= 70
    assert sourcing.start_day < market.end_day and market.start_day < sourcing.end_day


def test_stage_planned_dates_from_cohort_start():
    start, end = programme.stage("cadrage").planned(date(2023, 9, 1))
    assert (start, end) == (date(2023, 9, 15), date(2023, 10, 12))
