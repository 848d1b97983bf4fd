"""What « Industrie régionale » shows, from hand-made frames."""

import pandas as pd

from reindus.industry import indicators as ind
from reindus.industry import views


def available():
    return pd.DataFrame(
        {
            "year": [2023, 2023, 2022],
            "source": ["URSSAF", "démo", "démo"],
            "definition": ["déf. A", "déf. B", "déf. B"],
            "departements": [3, 96, 96],
        }
    )


def test_series_of_a_year_and_the_one_shown_first():
    assert views.preferred(available()) == views.Series(2023, "URSSAF", "déf. A")
    in_2023 = views.series_in_year(available(), 2023)
    assert [s.source for s in in_2023] == ["URSSAF", "démo"]
    assert in_2023[1].is_demo and not in_2023[0].is_demo
    assert in_2023[0].source_text == "Source : URSSAF, 2023"


def test_the_comparison_table_is_in_french_with_signed_gaps():
    comparison = pd.DataFrame(
        {
            "label": ["Établissements", "Part"],
            "value": [1234.0, 12.5],
            "reference": [1000.0, float("nan")],
            "gap": [234.0, float("nan")],
            "gap_pct": [0.234, float("nan")],
            "digits": [0, 1],
        }
    )
    table = views.comparison_table(comparison)
    assert table.iloc[0].tolist()[1:] == ["1\u202f234", "1\u202f000", "+234", "+23\u00a0%"]
    assert table.iloc[1].tolist()[2:] == ["—", "—", "—"]


def test_territories_put_the_programme_regions_present_first_and_the_programme_last(new_store_regions):
    dep = pd.DataFrame({"code": ["76", "59", "13"], "region_code": ["28", "32", "93"]})
    options = views.territory_options(dep, new_store_regions)
    programme = ind.programme_territory(new_store_regions.codes)
    assert [t.code for t in options] == ["28", "32", "76", "59", "13", "93", programme.code]


def test_projects_to_pick_leave_out_those_not_public_on_a_shared_screen():
    projects = pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["A", "B"],
            "region": ["Normandie"] * 2,
            "edition": [2025, 2026],
            "public": [True, False],
        }
    )
    assert views.project_choices(projects, public=False) == {
        2: "B — Normandie (2026)",
        1: "A — Normandie (2025)",
    }
    assert views.project_choices(projects, public=True) == {1: "A — Normandie (2025)"}


def test_one_measure_of_site_events_with_its_period_in_the_source_line():
    events = pd.DataFrame(
        {"measure": ["m", "m", "n"], "source": ["s", "s", "s"], "period": ["2024-S2", "2023-S1", "2024-S1"]}
    )
    assert views.event_kinds(events).to_dict("list") == {"measure": ["m", "n"], "source": ["s", "s"]}
    rows, line = views.events_of(events, "m", "s")
    assert len(rows) == 2 and line == "Source : s, 2023-S1 à 2024-S2 — mesure : m"
