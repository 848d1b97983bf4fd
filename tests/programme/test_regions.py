"""The programme's regions are data: a new store lists the four pilots, a region joins and leaves, audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from reindus.errors import UserError, ValidationError
from reindus.programme import regions
from reindus.reference.palette import OTHER_REGION_COLOUR
from reindus.store.db import init_schema, make_engine, session_factory
from reindus.store.models import AuditEntry, Project

ACTOR = "cli:test"


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_schema(engine)
    yield engine
    engine.dispose()


def _audit(engine) -> list[tuple[str, str, str, str]]:
    with session_factory(engine)() as s:
        return [
            (e.actor, e.action, e.table_name, e.row_key)
            for e in s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]


def test_a_new_store_lists_the_four_pilots_in_order_with_their_colours(engine):
    listed = regions.load(engine)
    assert listed.codes == ("28", "11", "32", "27")
    assert listed.names == ("Normandie", "Île-de-France", "Hauts-de-France", "Bourgogne-Franche-Comté")
    assert [r.colour for r in listed] == ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    assert listed.cci("11") == "CCI Paris Île-de-France"
    assert {r.code: set(r.departements) for r in listed} == {
        "28": {"14", "27", "50", "61", "76"},
        "11": {"75", "77", "78", "91", "92", "93", "94", "95"},
        "32": {"02", "59", "60", "62", "80"},
        "27": {"21", "25", "39", "58", "70", "71", "89", "90"},
    }
    assert "27" in listed and "84" not in listed


def test_a_region_joins_with_the_next_free_colour_and_an_audit_entry(engine):
    with session_factory(engine).begin() as s:
        added = regions.add(s, " 84 ", ACTOR)
    assert (added.code, added.name, added.cci, added.colour) == (
        "84",
        "Auvergne-Rhône-Alpes",
        "CCI Auvergne-Rhône-Alpes",
        "#E69F00",
    )
    listed = regions.load(engine)
    assert listed.codes == ("28", "11", "32", "27", "84")
    assert listed.colour("84") == "#E69F00" and listed.colour_by_name("Auvergne-Rhône-Alpes") == "#E69F00"
    assert _audit(engine)[-1][:3] == (ACTOR, "insert", "programme_regions")


def test_a_region_code_with_its_zero_dropped_is_understood(engine):
    with session_factory(engine).begin() as s:
        assert regions.add(s, "1", ACTOR, cci="CCI Îles de Guadeloupe").code == "01"
    assert regions.load(engine).cci("01") == "CCI Îles de Guadeloupe"


@pytest.mark.parametrize("code", ["99", "5", "276", "Bretagne", ""])
def test_an_unknown_region_code_is_refused_naming_the_field(engine, code):
    with pytest.raises(ValidationError) as exc, session_factory(engine).begin() as s:
        regions.add(s, code, ACTOR)
    assert exc.value.field == "code"
    assert exc.value.message.startswith(f"code de région : « {code} » n'est pas le code INSEE")
    assert "84 Auvergne-Rhône-Alpes" in exc.value.message  # the valid codes are listed
    assert regions.load(engine).codes == ("28", "11", "32", "27")


def test_a_region_already_in_the_programme_is_refused(engine):
    with (
        pytest.raises(UserError, match="Normandie \\(28\\) participe déjà"),
        session_factory(engine).begin() as s,
    ):
        regions.add(s, "28", ACTOR)


def test_a_region_leaves_its_projects_stay_and_its_colour_goes_to_the_next(engine):
    with session_factory(engine).begin() as s:
        s.add(
            Project(
                name="P",
                commune="21231",
                departement="21",
                region_code="27",
                naf="13.20Z",
                edition=2026,
                cohort="2026",
                cohort_start=date(2026, 1, 5),
                source="t",
            )
        )
    with session_factory(engine).begin() as s:
        assert regions.remove(s, "27", ACTOR) == 1
    listed = regions.load(engine)
    assert listed.codes == ("28", "11", "32")
    assert listed.colour("27") == OTHER_REGION_COLOUR
    assert _audit(engine)[-1][:3] == (ACTOR, "delete", "programme_regions")
    with session_factory(engine)() as s:
        assert s.scalar(select(Project.region_code)) == "27"
    with session_factory(engine).begin() as s:
        assert regions.add(s, "84", ACTOR).colour == "#CC79A7"


def test_only_a_member_can_leave_and_the_last_one_stays(engine):
    with pytest.raises(UserError, match="ne participe pas"), session_factory(engine).begin() as s:
        regions.remove(s, "84", ACTOR)
    with session_factory(engine).begin() as s:
        for code in ("11", "32", "27"):
            regions.remove(s, code, ACTOR)
    with pytest.raises(UserError, match="seule région du programme"), session_factory(engine).begin() as s:
        regions.remove(s, "28", ACTOR)
    assert regions.load(engine).codes == ("28",)


def test_order_puts_the_programme_first_then_the_others(new_store_regions):
    assert new_store_regions.order_codes(["84", "27", "28", "01"]) == ["28", "27", "01", "84"]
    assert new_store_regions.order_names(["Corse", "Normandie", "Bretagne"]) == [
        "Normandie",
        "Bretagne",
        "Corse",
    ]
    assert new_store_regions.region("84").colour == OTHER_REGION_COLOUR
    assert new_store_regions.region("84").cci == "CCI Auvergne-Rhône-Alpes"


def test_partners_line_names_every_cci(new_store_regions):
    assert regions.partners(new_store_regions) == (
        "CCI Normandie, Paris Île-de-France, Hauts-de-France, Bourgogne-Franche-Comté et Relocalisations.fr"
    )
