"""AppTest: the dashboard and the progress page against the store, the URL-bound filters, the coach's edits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from reindus.store.db import make_engine
from reindus.text import formats
from tests.support import markdown
from tests.support.accounts import sign_in

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = "pages/tableau_de_bord.py"
PROGRESS = "pages/avancement.py"


def start(query: dict | None = None, page: str = DASHBOARD) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "administrateur")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page != DASHBOARD:
        # app.py first (who is signed in), then the page, as a link to it would open it
        at.run()
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def sql_count(home: Path, sql: str, **params) -> int:
    engine = make_engine(f"sqlite:///{home / 'reindus.sqlite'}")
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar_one()
    engine.dispose()
    return int(value)


PROJECTS_SQL = (
    "SELECT count(*) FROM projects WHERE (:edition IS NULL OR edition = :edition) AND region_code IN ({})"
)
RETAINED_SQL = (
    "SELECT count(*) FROM shortlist_entries s JOIN chain_links l ON s.link_id = l.id "
    "JOIN projects p ON l.project_id = p.id WHERE s.status = 'retenu' "
    "AND (:edition IS NULL OR p.edition = :edition) AND p.region_code IN ({})"
)
JOBS_SQL = (
    "SELECT coalesce(sum(target_jobs), 0) FROM projects WHERE (:edition IS NULL OR edition = :edition) "
    "AND region_code IN ({})"
)


def expected(home: Path, edition: int | None, regions: list[str]) -> dict[str, str]:
    codes = ", ".join(f"'{c}'" for c in regions)
    return {
        "Projets accompagnés": formats.number(sql_count(home, PROJECTS_SQL.format(codes), edition=edition)),
        "Fournisseurs retenus": formats.number(sql_count(home, RETAINED_SQL.format(codes), edition=edition)),
        "Emplois prévus": formats.number(sql_count(home, JOBS_SQL.format(codes), edition=edition)),
    }


def test_dashboard_default_view_matches_the_store(demo_env):
    at = start()
    shown = metrics_of(at)
    want = expected(demo_env, None, ["28", "11", "32", "27"])
    assert {k: shown[k] for k in want} == want
    assert any("Données de démonstration" in w.value for w in at.warning)
    assert any("Source : base opérationnelle de l'accélérateur (démo)" in c.value for c in at.caption)
    assert [s.label for s in at.sidebar.selectbox] == ["Édition"]
    # the region table and its export: French headers, one row per pilot region, region names not codes
    table = at.dataframe[0].value
    assert list(table["Région"]) == [
        "Normandie",
        "Île-de-France",
        "Hauts-de-France",
        "Bourgogne-Franche-Comté",
    ]
    assert "Part des retenus dans la région" in table.columns
    # its rates read as the cards: « 58 % », not Streamlit's « 57,89 % »
    for label in ("Part des retenus dans la région", "Taux de succès des dossiers"):
        assert all(re.fullmatch(r"\d+\u00a0%|—", v) for v in table[label]), list(table[label])


def test_driving_the_filters_changes_the_figures(demo_env):
    at = start()
    at.selectbox(key="edition").set_value(2026)
    at.multiselect(key="region").set_value(["28", "32"])
    at.run()
    assert not at.exception
    shown = metrics_of(at)
    want = expected(demo_env, 2026, ["28", "32"])
    assert {k: shown[k] for k in want} == want
    assert any("édition 2026 · Normandie, Hauts-de-France" in markdown.shown(c.value) for c in at.caption)
    # (the browser writes bound widgets into the URL; AppTest does not: the deep-link tests cover the URL)
    # delta against the previous edition with the same filters
    card = next(m for m in at.metric if m.label == "Projets accompagnés")
    assert card.delta is not None


def test_a_deep_link_applies_the_same_selection(demo_env):
    at = start({"edition": "2026", "region": ["Normandie", "Hauts-de-France"]})
    assert at.selectbox(key="edition").value == 2026
    assert sorted(at.multiselect(key="region").value) == ["28", "32"]
    shown = metrics_of(at)
    want = expected(demo_env, 2026, ["28", "32"])
    assert {k: shown[k] for k in want} == want
    assert list(at.dataframe[0].value["Région"]) == ["Normandie", "Hauts-de-France"]


def test_a_deep_link_with_status_and_coach(demo_env):
    coach = "Julien Blanc"
    at = start({"statut": "Terminé", "conseiller": coach})
    assert at.multiselect(key="statut").value == ["termine"]
    n = sql_count(
        demo_env,
        "SELECT count(*) FROM projects p JOIN coaches c ON p.coach_id = c.id "
        "WHERE p.status = 'termine' AND c.name = :coach",
        coach=coach,
    )
    assert metrics_of(at)["Projets accompagnés"] == formats.number(n)


def test_progress_page_counts_every_selected_project(demo_env):
    at = start({"edition": "2026"}, page=PROGRESS)
    shown = metrics_of(at)
    statuses = ["À l'heure", "À risque", "En retard", "Terminé", "Abandonné"]
    total = sum(int(shown[s].replace("\u202f", "")) for s in statuses)
    assert total == sql_count(demo_env, "SELECT count(*) FROM projects WHERE edition = 2026")
    assert shown["Abandonné"] == formats.number(
        sql_count(demo_env, "SELECT count(*) FROM projects WHERE edition = 2026 AND status = 'abandonne'")
    )
    assert any("Rétroplanning des projets — édition 2026" in h.value for h in at.header)
    assert any("Données de démonstration" in w.value for w in at.warning)


def test_the_filter_bar_is_the_same_on_both_pages(demo_env):
    keys = {"edition", "region", "naf", "conseiller", "statut"}
    for page in (DASHBOARD, PROGRESS):
        at = start({"edition": "2025"}, page=page)
        sidebar_keys = {w.key for w in [*at.sidebar.selectbox, *at.sidebar.multiselect]}
        assert sidebar_keys == keys
        assert at.selectbox(key="edition").value == 2025


def test_observed_jobs_and_the_funding_pipeline_match_the_store_with_their_definitions(demo_env):
    at = start({"edition": "2024"})
    cards = {m.label: m for m in at.metric}
    observed = sql_count(
        demo_env, "SELECT coalesce(sum(jobs_observed_end), -1) FROM projects WHERE edition = 2024"
    )
    assert observed >= 0  # the demo records some
    assert cards["Emplois constatés en fin de programme"].value == formats.number(observed)
    paid = sql_count(
        demo_env,
        "SELECT coalesce(sum(a.amount_paid), 0) FROM funding_applications a JOIN projects p "
        "ON a.project_id = p.id WHERE p.edition = 2024 AND a.status IN ('accorde', 'verse')",
    )
    assert paid > 0  # a paid application (« versé ») was granted first: it counts
    # the card shows « 1,2 M € », which fits it; the exact amount is in its help
    assert cards["Financements versés"].value == formats.euros_short(paid)
    assert formats.euros(paid) in cards["Financements versés"].help
    assert "Emplois créés constatés par le conseiller" in cards["Emplois constatés en fin de programme"].help
    assert "Prévision" in cards["Emplois prévus"].help
    # the regions' table writes the rate and the delay as the cards do: « 57 % », « 162 j »
    [table] = [d.value for d in at.dataframe if "Délai sélection → concrétisation" in d.value.columns]
    assert all(re.fullmatch(r"\d+\u00a0%|—", v) for v in table["Taux de succès des dossiers"])
    assert all(re.fullmatch(r"\d+\u00a0j|—", v) for v in table["Délai sélection → concrétisation"])
    assert set(table["Taux de succès des dossiers"]) != {"—"}
    # 2026 is under way: nobody has observed jobs yet, and it says so instead of « 0 »
    at = start({"edition": "2026"})
    shown = metrics_of(at)
    assert shown["Emplois constatés à 12 mois"] == "non renseigné"
    assert shown["Emplois prévus"] != "non renseigné"


BRIEF_BUTTON = "Télécharger le brief (PDF)"


def signed_in(account: str | None, query: dict) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), account)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def buttons(at: AppTest) -> list[str]:
    return [str(b.proto.label) for b in at.get("download_button")]


def test_the_presidence_downloads_the_brief_of_a_region_and_edition(demo_env):
    at = signed_in("presidence", {"edition": "2025"})
    assert BRIEF_BUTTON in buttons(at)
    assert at.selectbox(key="brief_edition").value == 2025
    at.selectbox(key="brief_region").set_value("11").run()
    offered = [str(o) for o in at.selectbox(key="brief_edition").options]
    assert "2023" in offered and "2022" not in offered  # Île-de-France joined in 2023


@pytest.mark.parametrize(
    ("account", "query"),
    [
        (None, {}),  # anonymous
        ("conseiller-normandie", {}),
        ("presidence", {"mode": "atelier"}),  # a shared screen shows public data only, whoever signed in
    ],
)
def test_the_brief_is_not_offered_to_others(demo_env, account, query):
    at = signed_in(account, query)
    assert BRIEF_BUTTON not in buttons(at)
    assert not [h for h in at.header if "Brief de la région" in h.value]
