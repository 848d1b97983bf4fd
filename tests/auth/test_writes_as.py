"""The writes a page makes for a signed-in person refuse anyone out of scope on the server, whatever the
page showed, and write nothing: users (administrateur only), imports, whole-table exports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reindus.auth import ANONYMOUS, Role, Viewer, users
from reindus.errors import PermissionDeniedError, ValidationError
from reindus.exchange import tables as export_tables
from reindus.ingest import isolated
from reindus.store.db import init_schema, make_engine
from reindus.store.models import AuditEntry, User

ADMIN = Viewer(Role.ADMIN, email="ada@cci.fr", name="Ada")
PRESIDENCE = Viewer(Role.PRESIDENCE, frozenset({"28"}), email="p@cci.fr", name="Paul")
COACH_28 = Viewer(Role.CONSEILLER, frozenset({"28"}), email="c28@cci.fr", name="Camille")
NOT_ADMINS = [PRESIDENCE, COACH_28, ANONYMOUS]


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_schema(eng)
    yield eng
    eng.dispose()


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_administrateur_adds_changes_and_removes_users_under_their_name(engine):
    assert users.add_as(engine, ADMIN, "Nadia@CCI.fr", "conseiller", ["Normandie"], name="Nadia") == (
        "nadia@cci.fr : conseiller (28)."
    )
    users.add_as(engine, ADMIN, "nadia@cci.fr", "présidence", [])
    table = users.users_as(engine, ADMIN)
    assert table.set_index("email").at["nadia@cci.fr", "role"] == "presidence"
    assert users.remove_as(engine, ADMIN, "nadia@cci.fr") == "nadia@cci.fr retiré des utilisateurs."
    with engine.connect() as conn:
        actors = (
            conn.execute(select(AuditEntry.actor).where(AuditEntry.table_name == "users")).scalars().all()
        )
    assert actors == ["Ada <ada@cci.fr>"] * 3
    with pytest.raises(ValidationError, match="propre compte"):
        users.remove_as(engine, ADMIN, "ada@cci.fr")


@pytest.mark.parametrize("viewer", NOT_ADMINS, ids=lambda v: v.role.value)
def test_only_the_administrateur_reads_or_changes_users(engine, viewer):
    users.add_as(engine, ADMIN, "nadia@cci.fr", "conseiller", ["28"])
    for attempt in (
        lambda: users.users_as(engine, viewer),
        lambda: users.add_as(engine, viewer, "moi@cci.fr", "administrateur", []),
        lambda: users.remove_as(engine, viewer, "nadia@cci.fr"),
    ):
        with pytest.raises(PermissionDeniedError, match="administrateur"):
            attempt()
    assert _count(engine, User) == 1


@pytest.mark.parametrize("viewer", NOT_ADMINS, ids=lambda v: v.role.value)
def test_only_the_administrateur_imports_even_a_dry_run(engine, viewer):
    raw = "nom;région;édition\nX;Normandie;2026\n".encode()
    with pytest.raises(PermissionDeniedError, match="Seul un administrateur peut importer"):
        isolated.import_as(viewer, "projects", raw, "p.csv", database_url=str(engine.url), dry_run=True)
    assert _count(engine, AuditEntry) == 0


@pytest.mark.parametrize(("viewer", "allowed"), [(ADMIN, True), (PRESIDENCE, True), (COACH_28, False)])
def test_whole_tables_are_exported_to_the_administrateur_and_the_presidence_only(engine, viewer, allowed):
    if allowed:
        assert export_tables.frame_as(viewer, "projects", engine).empty
    else:
        with pytest.raises(PermissionDeniedError, match="tables entières"):
            export_tables.frame_as(viewer, "projects", engine)
