"""Shortlist changes as the Fournisseurs page makes them: diff of the editor, one transaction per
action, audit entries, stale rows refused, foreign suppliers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from reindus.auth import ANONYMOUS, Role, Viewer
from reindus.errors import PermissionDeniedError, ValidationError
from reindus.sourcing import shortlist as edits
from reindus.store.db import make_engine, session_factory
from reindus.store.models import AuditEntry, ChainLink, Project, ShortlistEntry
from reindus.store.repository import StaleEditError, update_versioned


@pytest.fixture
def engine(demo_home: Path, tmp_path: Path):
    shutil.copy(demo_home / "reindus.sqlite", tmp_path / "store.sqlite")
    eng = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield eng
    eng.dispose()


def _entries(engine, link_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            select(ShortlistEntry).where(ShortlistEntry.link_id == link_id).order_by(ShortlistEntry.id), conn
        )


def _link_with_entries(engine, at_least: int = 3) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(ShortlistEntry.link_id)
            .group_by(ShortlistEntry.link_id)
            .having(func.count() >= at_least)
            .order_by(ShortlistEntry.link_id)
            .limit(1)
        ).scalar_one()


def _audit(engine, action: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            select(AuditEntry).where(
                AuditEntry.table_name == "shortlist_entries", AuditEntry.action == action
            ),
            conn,
        )


def _region(engine, link_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(
            select(Project.region_code)
            .join(ChainLink, ChainLink.project_id == Project.id)
            .where(ChainLink.id == link_id)
        ).scalar_one()


def coach(engine, link_id: int, *, other_region: bool = False) -> Viewer:
    """A coach of the link's project's region (or of another pilot region)."""
    region = _region(engine, link_id)
    if other_region:
        region = "11" if region != "11" else "28"
    return Viewer(Role.CONSEILLER, frozenset({region}), email="camille@cci.fr", name="Camille Test")


CAMILLE = "Camille Test <camille@cci.fr>"


def _editor(shown: pd.DataFrame) -> pd.DataFrame:
    return shown[["status", "note"]].assign(remove=False)


def test_diff_keeps_changes_and_removals_apart():
    shown = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "version": [4, 1, 2],
            "status": ["identifie", "contacte", "qualifie"],
            "note": ["", None, "x"],
        }
    )
    edited = _editor(shown)
    assert len(edits.diff(shown, edited)) == 0  # None shown, None back: no change
    edited.loc[0, "status"] = "contacte"
    edited.loc[1, "note"] = "rappeler lundi"
    edited.loc[2, ["status", "remove"]] = ["retenu", True]  # removed: its status change goes with it
    diff = edits.diff(shown, edited)
    assert diff.changed == [(1, 4, {"status": "contacte"}), (2, 1, {"note": "rappeler lundi"})]
    assert diff.removed == [(3, 2)]


def test_save_writes_changes_and_removals_in_one_audited_transaction(engine):
    link = _link_with_entries(engine)
    shown = _entries(engine, link)
    edited = _editor(shown)
    edited.loc[0, "note"] = "Devis reçu <b>le 3</b>"
    edited.loc[1, "remove"] = True
    message = edits.save(engine, edits.diff(shown, edited), coach(engine, link))
    assert message == "2 modification(s) enregistrée(s) au journal, dont 1 retrait(s)."
    after = _entries(engine, link)
    assert len(after) == len(shown) - 1 and shown.at[1, "id"] not in set(after["id"])
    assert after.set_index("id").at[shown.at[0, "id"], "note"] == "Devis reçu <b>le 3</b>"
    deleted = _audit(engine, "delete")
    assert list(deleted["row_key"]) == [str(shown.at[1, "id"])] and deleted["actor"].iat[0] == CAMILLE


def test_a_stale_row_refuses_the_whole_save(engine):
    link = _link_with_entries(engine)
    shown = _entries(engine, link)
    with session_factory(engine).begin() as session:  # another coach, after the rows were shown here
        update_versioned(
            session,
            ShortlistEntry,
            int(shown.at[2, "id"]),
            int(shown.at[2, "version"]),
            {"note": "vu par l'autre conseiller"},
            "Autre conseiller",
        )
    edited = _editor(shown)
    edited.loc[0, "remove"] = True
    edited.loc[2, "status"] = "ecarte"
    with pytest.raises(StaleEditError) as refused:
        edits.save(engine, edits.diff(shown, edited), coach(engine, link))
    assert "modifi" in refused.value.message.lower()
    after = _entries(engine, link)
    assert len(after) == len(shown)  # the removal was not written either
    assert after.set_index("id").at[shown.at[2, "id"], "note"] == "vu par l'autre conseiller"
    assert _audit(engine, "delete").empty


def test_adding_candidates_skips_those_already_there(engine):
    link = _link_with_entries(engine)
    known = _entries(engine, link).dropna(subset=["siret"]).iloc[0]
    rows = pd.DataFrame(
        {
            "siret": [known["siret"], "12345678900017", "12345678900017"],
            "name": ["x", "Tôlerie Nouvelle", "Tôlerie Nouvelle"],
            "commune": ["76540"] * 3,
            "departement": ["76"] * 3,
        }
    )
    assert edits.add_candidates(engine, link, rows, coach(engine, link)) == (
        "1 fournisseur(s) ajouté(s) à la présélection. 2 y figurai(en)t déjà."
    )
    added = _entries(engine, link).set_index("siret").loc["12345678900017"]
    assert (
        added["supplier_region_code"] == "28"
        and added["status"] == "identifie"
        and added["source"] == "saisie"
    )


def test_a_foreign_supplier_is_added_once_without_siret(engine):
    link = _link_with_entries(engine)
    before = len(_entries(engine, link))
    assert edits.add_foreign(engine, link, "  Leinen   GmbH ", "DE", "lin teillé", coach(engine, link)) == (
        "« Leinen GmbH » ajouté à la présélection."
    )
    entry = _entries(engine, link).iloc[-1]
    assert (entry["supplier_name"], entry["supplier_country"]) == ("Leinen GmbH", "DE") and pd.isna(
        entry["siret"]
    )
    assert len(_audit(engine, "insert").query("row_key == @entry.id.__str__()")) == 1
    for name, country, says in (
        ("leinen gmbh", "BE", "figure déjà"),
        ("", "DE", "nom"),
        ("Filature du Nord", "FR", "registre"),
        ("X", "QQ", "inconnu"),
    ):
        with pytest.raises(ValidationError, match=says):
            edits.add_foreign(engine, link, name, country, "", coach(engine, link))
    assert len(_entries(engine, link)) == before + 1


@pytest.mark.parametrize(
    "viewer",
    ["other_region", "presidence", "anonymous"],
)
def test_every_shortlist_write_refuses_a_viewer_out_of_scope(engine, viewer):
    link = _link_with_entries(engine)
    who = {
        "other_region": coach(engine, link, other_region=True),
        "presidence": Viewer(Role.PRESIDENCE, frozenset({_region(engine, link)}), email="p@cci.fr"),
        "anonymous": ANONYMOUS,
    }[viewer]
    shown = _entries(engine, link)
    edited = _editor(shown)
    edited.loc[0, "note"] = "hors périmètre"
    edited.loc[1, "remove"] = True
    rows = pd.DataFrame(
        {"siret": ["12345678900017"], "name": ["X"], "commune": ["76540"], "departement": ["76"]}
    )
    for write in (
        lambda: edits.save(engine, edits.diff(shown, edited), who),
        lambda: edits.add_candidates(engine, link, rows, who),
        lambda: edits.add_foreign(engine, link, "Leinen GmbH", "DE", "", who),
    ):
        with pytest.raises(PermissionDeniedError) as refused:
            write()
        assert "modifier le projet" in refused.value.message or "Connectez-vous" in refused.value.message
    pd.testing.assert_frame_equal(_entries(engine, link), shown)
    assert _audit(engine, "insert").empty and _audit(engine, "delete").empty
