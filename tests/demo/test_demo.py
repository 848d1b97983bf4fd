from datetime import timedelta

import pandas as pd
import pytest

from reindus import demo
from reindus.demo import generate as gen
from reindus.programme import regions
from reindus.reference import geo, siret
from reindus.reference.territory import departements
from reindus.store import models as m
from reindus.store.db import init_schema, make_engine, session_factory


@pytest.fixture(scope="module")
def data(new_store_regions) -> gen.DemoData:
    return gen.generate(geo.communes(), seed=2023, regions=new_store_regions)


def test_the_seven_real_projects_of_rouen_2023(data):
    real = data.projects[data.projects["name"].isin([p.name for p in demo.catalogue.REAL_PROJECTS_2023])]
    assert sorted(zip(real["name"], real["departement"], real["edition"], strict=True)) == [
        ("ARTHUS et PAOLA", "76", 2023),
        ("Conseil Départemental du Calvados", "14", 2023),
        ("Groupe DELINEO", "92", 2023),
        ("HUMAN MOB", "76", 2023),
        ("MIJUIN", "76", 2023),
        ("PIERCAN", "14", 2023),
        ("TOUROUL-CHEVALERIE", "77", 2023),
    ]
    communes = geo.communes().set_index("code")["nom"]
    towns = {row.name: communes[row.commune] for row in real.itertuples()}
    assert towns["MIJUIN"] == "Malaunay" and towns["Groupe DELINEO"] == "Clichy"
    assert towns["PIERCAN"].startswith("Port-en-Bessin")
    assert real["public"].all()


def test_2022_is_normandie_alone_then_four_regions_every_edition(data, new_store_regions):
    by_edition = data.projects.groupby("edition")["region_code"].agg(set)
    assert by_edition[2022] == {"28"}
    for edition in range(2023, 2027):
        assert by_edition[edition] == set(new_store_regions.codes)


def test_about_sixty_coaches_fifteen_per_cci(data):
    assert len(data.coaches) == 60
    assert data.coaches.groupby("region_code").size().to_dict() == {"11": 15, "27": 15, "28": 15, "32": 15}
    assert data.coaches["name"].is_unique


def test_every_row_says_demo(data):
    for frame in (
        data.coaches,
        data.projects,
        data.milestones,
        data.links,
        data.establishments,
        data.shortlist,
        data.applications,
        data.industry,
        data.site_events,
    ):
        assert set(frame["source"]) == {"démo"}


def test_establishments_are_sirene_like_with_valid_sirets_in_real_communes(data):
    est = data.establishments
    assert len(est) >= 20_000
    assert est["siret"].is_unique
    assert est["siret"].map(siret.is_valid_siret).all()
    assert (est["siret"].str[:9] == est["siren"]).all()
    communes = geo.communes().set_index("code")
    assert est["commune"].isin(communes.index).all()
    assert (communes.loc[est["commune"], "departement"].to_numpy() == est["departement"].to_numpy()).all()
    # Paris establishments are filed under arrondissements, as in SIRENE
    assert not (est["commune"] == "75056").any() and est["commune"].str.startswith("751").any()
    # all of France, in proportion to population: Nord has far more than Lozère
    counts = est["departement"].value_counts()
    assert est["departement"].nunique() >= 95
    assert counts.get("59", 0) > 10 * counts.get("48", 0)


def test_each_link_has_realistic_naf_codes_in_the_register(data):
    lin = data.links[(data.links["project"] == "MIJUIN")]
    assert lin["naf_codes"].tolist() == [
        "01.16Z",
        "13.10Z",
        "13.20Z",
        "13.30Z",
        "14.13Z,14.14Z",
        "46.41Z,47.71Z",
    ]
    flax = data.establishments[data.establishments["naf"] == "01.16Z"]
    assert len(flax) > 0 and set(flax["departement"]) <= set(gen.GEOGRAPHIC_AFFINITY["01.16Z"])


def test_milestones_include_projects_ahead_on_time_and_late(data):
    ms = data.milestones.dropna(subset=["actual_end"])
    delay = (pd.to_datetime(ms["actual_end"]) - pd.to_datetime(ms["planned_end"])).dt.days
    per_project = delay.groupby([ms["project"], ms["edition"]]).max()
    assert (per_project < -3).any()
    assert ((per_project >= -3) & (per_project <= 7)).any()
    assert (per_project > 14).any()
    # nothing happens after the snapshot date
    assert (pd.to_datetime(ms["actual_end"]) <= pd.Timestamp(demo.DEMO_AS_OF)).all()


def test_shortlists_in_various_states_with_foreign_suppliers(data):
    statuses = set(data.shortlist["status"])
    assert statuses == {"identifie", "contacte", "qualifie", "retenu", "ecarte"}
    assert (data.shortlist["supplier_country"] != "FR").any()
    french = data.shortlist[data.shortlist["supplier_country"] == "FR"]
    assert french["siret"].isin(data.establishments["siret"]).all()


def test_industry_figures_have_the_press_release_order_of_magnitude(data):
    ind = data.industry
    assert set(ind["naf_division"]) == {f"{d}" for d in range(10, 34)}
    region_of = {c: d.region_code for c, d in departements().items()}
    jobs = (
        ind[ind["year"] == 2023]
        .assign(region=ind["departement"].map(region_of))
        .groupby("region")["jobs"]
        .sum()
    )
    # press release: Normandie ~200 000 industrial jobs (incl. services), Île-de-France ~418 000
    assert 100_000 <= jobs["28"] <= 250_000
    assert 200_000 <= jobs["11"] <= 500_000


def test_same_seed_same_rows_other_seed_other_rows(data, new_store_regions):
    again = gen.generate(geo.communes(), seed=2023, regions=new_store_regions)
    pd.testing.assert_frame_equal(again.projects, data.projects)
    pd.testing.assert_frame_equal(again.establishments, data.establishments)
    pd.testing.assert_frame_equal(again.shortlist, data.shortlist)
    other = gen.make_projects(
        __import__("numpy").random.default_rng(7), geo.communes(), data.coaches, new_store_regions
    )
    assert not other["name"].equals(data.projects["name"])


def test_demo_reset_twice_gives_the_same_checksum(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    first = demo.install(engine=engine, register_path=tmp_path / "register.duckdb", reset=True)
    # a change between the two resets is wiped out by the second
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE projects SET target_jobs = target_jobs + 1 WHERE id = 1")
    with session_factory(engine).begin() as session:
        regions.add(session, "84", "cli:admin")
    assert demo.checksum(engine, tmp_path / "register.duckdb") != first.digest
    second = demo.install(engine=engine, register_path=tmp_path / "register.duckdb", reset=True)
    assert first.digest == second.digest == demo.checksum(engine, tmp_path / "register.duckdb")
    with session_factory(engine)() as session:
        assert session.query(m.Project).count() == first.counts["projects"]


def test_the_demo_keeps_the_four_pilot_regions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_schema(engine)
    with session_factory(engine).begin() as session:  # changed before any project was loaded
        regions.add(session, "84", "cli:admin")
        regions.remove(session, "27", "cli:admin")
    demo.install(engine=engine, register_path=tmp_path / "register.duckdb", if_empty=True)
    listed = regions.load(engine)
    assert listed.codes == ("28", "11", "32", "84", "27")
    assert listed.cci("27") == "CCI Bourgogne-Franche-Comté" and listed.colour("27") == "#CC79A7"
    with session_factory(engine)() as session:
        in_programme = session.query(m.Project).filter(m.Project.region_code.in_(listed.codes)).count()
        assert in_programme == session.query(m.Project).count()


def test_if_empty_leaves_a_filled_store_alone(demo_home):
    engine = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    before = demo.checksum(engine, demo_home / "register.duckdb")
    assert demo.install(engine=engine, register_path=demo_home / "register.duckdb", if_empty=True) is None
    assert demo.checksum(engine, demo_home / "register.duckdb") == before


def test_planned_dates_follow_the_common_retroplanning(data):
    ms = data.milestones.merge(
        data.projects[["name", "edition", "cohort_start"]],
        left_on=["project", "edition"],
        right_on=["name", "edition"],
    )
    hackathon = ms[(ms["stage"] == "hackathon") & (ms["edition"] == 2023)]
    # the 2023 hackathon is planned on 30 November, as in the press release
    assert set(hackathon["planned_start"]) == {hackathon["cohort_start"].iloc[0] + timedelta(days=140)}
    assert hackathon["planned_start"].iloc[0].isoformat() == "2023-11-30"
