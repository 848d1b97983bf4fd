"""The Alembic migration builds the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from reindus.reference.programme import (
    CHAIN_POSITIONS,
    FUNDING_STATUSES,
    PROJECT_STATUSES,
    SHORTLIST_STATUSES,
    STAGES,
)
from reindus.store import db
from reindus.store.models import FUNDING_KINDS, Base, ChainLink, Milestone, Project, ShortlistEntry
from reindus.store.repository import insert
from tests.store.store_samples import ACTOR, project_values

TABLES = {
    "programme_regions",
    "coaches",
    "projects",
    "milestones",
    "chain_links",
    "shortlist_entries",
    "funding_schemes",
    "funding_applications",
    "industry_stats",
    "site_events",
    "users",
    "audit_log",
    "store_version",
}


def test_models_define_the_expected_tables():
    assert set(Base.metadata.tables) == TABLES


def test_init_schema_creates_every_table_on_an_empty_database(empty_engine):
    assert inspect(empty_engine).get_table_names() == []
    assert db.schema_revision(empty_engine) is None

    db.init_schema(empty_engine)

    assert set(inspect(empty_engine).get_table_names()) == TABLES | {"alembic_version"}
    assert db.schema_revision(empty_engine) == db.head_revision()
    assert db.schema_is_current(empty_engine)


def test_init_schema_is_idempotent_and_keeps_data(engine, factory):
    project = factory.project()
    db.init_schema(engine)
    db.init_schema(engine)
    assert db.schema_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM projects")).scalar_one() == project.name
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_migration_matches_the_models(engine):
    """What `alembic check` does: autogenerate finds nothing to change."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []


def test_downgrade_to_base_then_upgrade_again(engine):
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.init_schema(engine)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}


def test_vocabularies_frozen_in_the_migration_accept_every_reference_key(Session, factory):
    """The CHECK constraints of the migration agree with reference/programme.py."""
    project = factory.project()
    link = None
    with Session.begin() as s:
        for i, stage in enumerate(STAGES):
            insert(
                s,
                Milestone(
                    project_id=project.id,
                    stage=stage.key,
                    planned_start=date(2023, 9, 4),
                    planned_end=date(2023, 9, 5 + i),
                    source="t",
                ),
                ACTOR,
            )
        for position, tier in enumerate(CHAIN_POSITIONS, start=1):
            link = insert(
                s,
                ChainLink(project_id=project.id, position=position, tier=tier, label=tier, source="t"),
                ACTOR,
            )
        for i, status in enumerate(SHORTLIST_STATUSES):
            insert(
                s,
                ShortlistEntry(
                    link_id=link.id, siret=f"{i:014d}", supplier_name=status, status=status, source="t"
                ),
                ACTOR,
            )
        for i, status in enumerate(PROJECT_STATUSES):
            insert(s, Project(**project_values(name=f"P{i}", status=status)), ACTOR)
    # funding kinds and statuses straight in SQL: only the database's CHECK constraints are tested
    with Session.begin() as s:
        for i, kind in enumerate(FUNDING_KINDS):
            s.execute(
                text("INSERT INTO funding_schemes (name, operator, kind, source) VALUES (:n, 'op', :k, 't')"),
                {"n": f"S{i}", "k": kind},
            )
        scheme_id = s.execute(text("SELECT min(id) FROM funding_schemes")).scalar_one()
        for status in FUNDING_STATUSES:
            s.execute(
                text(
                    "INSERT INTO funding_applications (project_id, scheme_id, amount_requested, status, "
                    "applied_on, source) VALUES (:p, :s, 10, :st, :d, 't')"
                ),
                {"p": project.id, "s": scheme_id, "st": status, "d": date(2024, 1, 1)},
            )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE projects SET status = 'fini'",
        "UPDATE projects SET siren = '123'",
        "UPDATE milestones SET stage = 'pitch'",
        "INSERT INTO audit_log (at, actor, action, table_name, row_key) VALUES (CURRENT_TIMESTAMP, 'a', 'drop', 't', '1')",
        "UPDATE chain_links SET position = 0",
        "UPDATE chain_links SET naf_version = 'NAFRev1'",
        "UPDATE programme_regions SET colour = '#FF0000'",
        "UPDATE programme_regions SET code = '28'",
    ],
)
def test_database_refuses_values_outside_the_vocabularies(engine, factory, sql):
    project = factory.project()
    factory.milestone(project)
    factory.link(project)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(sql))


def _insert_old_project(conn) -> None:
    """Project « P » straight in SQL, with only the columns every revision since 0001 has: the models
    describe the newest schema, not the one an old revision left."""
    conn.execute(
        text(
            "INSERT INTO projects (name, commune, departement, region_code, naf, edition, cohort, "
            "cohort_start, source) VALUES ('P', '76540', '76', '28', '13.20Z', 2023, 'c', '2023-07-13', 't')"
        )
    )


def test_a_new_store_starts_with_the_four_pilot_regions(engine):
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, cci, colour, version FROM programme_regions ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("28", "CCI Normandie", "#0072B2", 1),
        ("11", "CCI Paris Île-de-France", "#D55E00", 1),
        ("32", "CCI Hauts-de-France", "#009E73", 1),
        ("27", "CCI Bourgogne-Franche-Comté", "#CC79A7", 1),
    ]


def test_a_store_at_the_first_revision_gets_the_pilots_and_keeps_its_projects(empty_engine):
    cfg = db.alembic_config()
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        _insert_old_project(conn)
    db.init_schema(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM programme_regions")).scalar_one() == 4
        assert conn.execute(text("SELECT name FROM projects")).scalar_one() == "P"


def test_links_stored_before_0008_are_naf_rev2_and_a_downgrade_drops_only_naf_2025_codes(empty_engine):
    cfg = db.alembic_config()
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        _insert_old_project(conn)
        conn.execute(
            text(
                "INSERT INTO chain_links (project_id, position, tier, label, naf_codes, source) "
                "SELECT id, 1, 'fabrication', 'Tissage', '13.20Z', 't' FROM projects"
            )
        )
    db.init_schema(empty_engine)
    with empty_engine.begin() as conn:
        assert conn.execute(text("SELECT naf_codes, naf_version FROM chain_links")).one() == (
            "13.20Z",
            "NAFRev2",
        )
        conn.execute(
            text(
                "INSERT INTO chain_links (project_id, position, tier, label, naf_codes, naf_version, source) "
                "SELECT id, 2, 'fabrication', 'Tissage', '13.20Y', 'NAF2025', 't' FROM projects"
            )
        )
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        rows = conn.execute(text("SELECT position, naf_codes FROM chain_links ORDER BY position")).all()
    assert [tuple(r) for r in rows] == [(1, "13.20Z"), (2, "")]


def test_a_populated_store_goes_down_and_up_every_revision_and_keeps_its_rows(engine, factory):
    """SQLite copies a table to change it: done with foreign keys on, dropping the original refused while
    shortlist entries point at it (0008) or deleted a project's milestones with it (0006)."""
    project = factory.project()
    factory.milestone(project)
    link = factory.link(project)
    scheme = factory.scheme()
    factory.application(project, scheme)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO shortlist_entries (link_id, siret, supplier_name, source) VALUES (:l, :s, 'F', 't')"
            ),
            {"l": link.id, "s": "55210055400013"},
        )
    tables = ("projects", "milestones", "chain_links", "shortlist_entries", "funding_applications")

    def counts() -> list[int]:
        with engine.connect() as conn:
            return [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables]

    assert counts() == [1, 1, 1, 1, 1]
    with db.migration_connection(engine) as conn:
        cfg = db.alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    assert counts() == [1, 1, 1, 1, 1]
    db.init_schema(engine)
    assert db.schema_revision(engine) == db.head_revision()
    assert counts() == [1, 1, 1, 1, 1]


def test_sqlite_migrations_leave_foreign_keys_enforced(empty_engine):
    if empty_engine.dialect.name != "sqlite":
        pytest.skip("a SQLite setting")
    db.init_schema(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        with pytest.raises(IntegrityError):
            conn.execute(
                text("INSERT INTO milestones (project_id, stage, source) VALUES (999, 'selection', 't')")
            )


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_default_url_is_sqlite_under_reindus_home(tmp_path, monkeypatch):
    monkeypatch.setenv("REINDUS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("REINDUS_DATABASE_URL", raising=False)
    engine = db.make_engine()
    try:
        assert engine.dialect.name == "sqlite"
        assert engine.url.database == str(tmp_path / "home" / "reindus.sqlite")
        db.init_schema(engine)
        assert db.schema_is_current(engine)
    finally:
        engine.dispose()


def test_alembic_ini_in_the_package_drives_the_command_line(tmp_path, monkeypatch):
    """`alembic -c lib/reindus/store/migrations/alembic.ini upgrade head` with REINDUS_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("REINDUS_DATABASE_URL", url)
    cfg = Config(str(db.MIGRATIONS_DIR / "alembic.ini"))
    command.upgrade(cfg, "head")
    engine = db.make_engine(url)
    try:
        assert db.schema_is_current(engine)
    finally:
        engine.dispose()
