"""Audited, versioned writes and the inventory, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from reindus.errors import ValidationError
from reindus.store import repository
from reindus.store.models import (
    TABLE_LABELS,
    AuditEntry,
    ChainLink,
    Coach,
    FundingApplication,
    FundingScheme,
    IndustryStat,
    Milestone,
    Project,
    ShortlistEntry,
    SiteEvent,
)
from reindus.store.repository import (
    RowInUseError,
    RowNotFoundError,
    StaleEditError,
    StoreBusyError,
    StoreError,
    delete_versioned,
    import_rows,
    insert,
    inventory,
    last_change,
    load,
    purge_source,
    update_versioned,
)
from tests.store.store_samples import ACTOR, coach_values, project_values

PILOTS = "régions pilotes 2023"  # the source of the programme's regions a new store starts with


def audit_rows(Session, **where) -> list[AuditEntry]:
    with Session() as s:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        for k, v in where.items():
            stmt = stmt.where(getattr(AuditEntry, k) == v)
        return list(s.execute(stmt).scalars())


# --- insert -------------------------------------------------------------------------------------


def test_insert_sets_id_and_version_and_audits_all_values(Session, factory):
    coach = factory.coach()
    project = factory.project(coach_id=coach.id)
    assert project.id is not None and project.version == 1
    assert project.naf_version == "NAFRev2"
    assert project.created_at.tzinfo is not None

    entries = audit_rows(Session, table_name="projects")
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.actor, entry.row_key, entry.before) == (
        "insert",
        ACTOR,
        str(project.id),
        None,
    )
    after = json.loads(entry.after)
    assert after["name"] == "Filature du Vexin"
    assert after["planned_investment"] == "1500000.00"  # Decimal as a string, at the column's scale
    assert after["cohort_start"] == "2023-09-04"  # dates in ISO 8601
    assert after["public"] is True
    assert after["coach_id"] == coach.id
    assert after["version"] == 1 and after["source"] == "démo"
    assert "created_at" not in after
    assert entry.at.tzinfo is not None


def test_insert_rejects_a_status_outside_the_vocabulary_before_writing(Session):
    with pytest.raises(ValidationError, match="n'est pas une valeur possible"), Session.begin() as s:
        insert(s, Project(**project_values(status="fini")), ACTOR)
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_insert_requires_an_actor(Session):
    with pytest.raises(ValidationError, match="actor"), Session.begin() as s:
        insert(s, Coach(**coach_values()), " ")


# --- update -------------------------------------------------------------------------------------


def test_update_versioned_bumps_the_version_and_audits_only_changed_fields(Session, factory):
    project = factory.project()
    with Session.begin() as s:
        saved = update_versioned(
            s,
            Project,
            project.id,
            1,
            {
                "status": "termine",
                "target_jobs": 30,
                "description": project.description,
                "planned_investment": Decimal("1500000"),
            },  # the last two equal what is stored
            "coach.b@cci.fr",
        )
        assert saved.version == 2 and saved.status == "termine" and saved.target_jobs == 30
    with Session() as s:
        row = load(s, Project, project.id)
        assert (row.version, row.status, row.target_jobs) == (2, "termine", 30)
        assert row.updated_at >= row.created_at

    entry = audit_rows(Session, action="update")[-1]
    assert (entry.table_name, entry.row_key, entry.actor) == ("projects", str(project.id), "coach.b@cci.fr")
    assert json.loads(entry.before) == {"status": "en_cours", "target_jobs": 25, "version": 1}
    assert json.loads(entry.after) == {"status": "termine", "target_jobs": 30, "version": 2}


def test_update_with_nothing_really_changed_writes_nothing(Session, factory):
    project = factory.project()
    with Session.begin() as s:
        same = update_versioned(s, Project, project.id, 1, {"status": "en_cours"}, ACTOR)
    assert same.version == 1
    assert audit_rows(Session, action="update") == []


def test_successive_saves_with_the_returned_version(Session, factory):
    project = factory.project()
    version = project.version
    for jobs in (26, 27, 28):
        with Session.begin() as s:
            version = update_versioned(s, Project, project.id, version, {"target_jobs": jobs}, ACTOR).version
    assert version == 4
    assert len(audit_rows(Session, action="update")) == 3


def test_stale_update_is_refused_and_keeps_the_first_change(Session, factory):
    """Two coaches open the project (version 1); the first saves; the second's save is refused."""
    project = factory.project()
    with Session() as s:
        shown_a = load(s, Project, project.id).version
    with Session() as s:
        shown_b = load(s, Project, project.id).version
    assert shown_a == shown_b == 1

    with Session.begin() as s:
        update_versioned(s, Project, project.id, shown_a, {"status": "termine"}, "coach.a@cci.fr")

    with pytest.raises(StaleEditError) as info, Session.begin() as s:
        update_versioned(
            s, Project, project.id, shown_b, {"status": "abandonne", "target_jobs": 3}, "coach.b@cci.fr"
        )
    err = info.value
    assert (err.table_name, err.row_id, err.shown_version, err.current_version) == (
        "projects",
        project.id,
        1,
        2,
    )
    assert str(err) == (
        "Le projet « Filature du Vexin » a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert "
        "(version 1 affichée, version 2 enregistrée). Rechargez la page pour voir ses changements, "
        "puis refaites le vôtre."
    )

    with Session() as s:
        row = load(s, Project, project.id)
        assert (row.status, row.target_jobs, row.version) == ("termine", 25, 2)
    updates = audit_rows(Session, action="update")
    assert [e.actor for e in updates] == ["coach.a@cci.fr"]  # nothing audited for the refused change


def test_stale_update_from_a_session_still_open_since_loading(Session, factory, backend):
    """The second session's transaction is still open since it loaded the row: refused too."""
    project = factory.project()
    s_b = Session()
    try:
        shown_b = load(s_b, Project, project.id).version  # transaction B begins here and stays open
        with Session.begin() as s_a:
            update_versioned(s_a, Project, project.id, 1, {"status": "termine"}, "coach.a@cci.fr")
        with pytest.raises(StoreError) as info:
            update_versioned(s_b, Project, project.id, shown_b, {"status": "abandonne"}, "coach.b@cci.fr")
        if backend == "postgresql":  # READ COMMITTED: the locked read sees version 2
            assert isinstance(info.value, StaleEditError) and info.value.current_version == 2
        else:  # SQLite: B's snapshot predates A's commit, B cannot take the write lock: retry
            assert isinstance(info.value, StoreBusyError)
            assert "Réessayez" in str(info.value)
        s_b.rollback()
    finally:
        s_b.close()
    with Session() as s:
        assert load(s, Project, project.id).status == "termine"
    assert [e.actor for e in audit_rows(Session, action="update")] == ["coach.a@cci.fr"]


def test_concurrent_saves_of_the_same_version_let_exactly_one_through(Session, factory):
    project = factory.project()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(actor: str, jobs: int) -> None:
        barrier.wait()
        try:
            with Session.begin() as s:
                update_versioned(s, Project, project.id, 1, {"target_jobs": jobs}, actor)
            outcomes[actor] = "saved"
        except StaleEditError:
            outcomes[actor] = "stale"

    threads = [threading.Thread(target=save, args=(f"coach{i}", 100 + i)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["saved", "stale"]
    winner = next(a for a, o in outcomes.items() if o == "saved")
    with Session() as s:
        row = load(s, Project, project.id)
        assert row.version == 2 and row.target_jobs == 100 + int(winner[-1])
    assert [e.actor for e in audit_rows(Session, action="update")] == [winner]


def test_update_of_a_missing_row_says_so_in_french(Session):
    with (
        pytest.raises(RowNotFoundError, match="Le projet n° 999 est introuvable") as info,
        Session.begin() as s,
    ):
        update_versioned(s, Project, 999, 1, {"status": "termine"}, ACTOR)
    assert isinstance(info.value, LookupError)


def test_feminine_tables_agree_in_the_message(Session, factory):
    project = factory.project()
    milestone = factory.milestone(project, stage="etude_marche")
    with Session.begin() as s:
        update_versioned(s, Milestone, milestone.id, 1, {"actual_start": date(2023, 10, 9)}, ACTOR)
    with pytest.raises(StaleEditError) as info, Session.begin() as s:
        update_versioned(s, Milestone, milestone.id, 1, {"actual_start": date(2023, 10, 10)}, ACTOR)
    message = str(info.value)
    assert message.startswith("L'étape « Étude de marché »")
    assert "a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte" in message


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"nom": "x"}, ValueError, "Colonnes inconnues"),
        ({"version": 7}, ValueError, "ne se modifient pas"),
        ({"id": 7}, ValueError, "ne se modifient pas"),
        ({"status": "fini"}, ValidationError, "n'est pas une valeur possible"),
    ],
)
def test_update_refuses_bad_changes_without_writing(Session, factory, changes, error, match):
    project = factory.project()
    with pytest.raises(error, match=match), Session.begin() as s:
        update_versioned(s, Project, project.id, 1, changes, ACTOR)
    with Session() as s:
        assert load(s, Project, project.id).version == 1
    assert audit_rows(Session, action="update") == []


def test_unversioned_tables_cannot_be_edited_with_update_versioned(Session):
    with Session.begin() as s:
        [stat] = import_rows(
            s,
            IndustryStat,
            [
                {
                    "departement": "27",
                    "naf_division": "13",
                    "year": 2022,
                    "establishments": 4,
                    "jobs": 60,
                    "definition": "d",
                    "source": "t",
                }
            ],
            ACTOR,
        )
    with pytest.raises(TypeError), Session.begin() as s:
        update_versioned(s, IndustryStat, stat.id, 1, {"jobs": 61}, ACTOR)


def test_orm_flush_inside_one_session_also_bumps_the_version(Session, factory):
    coach = factory.coach()
    with Session.begin() as s:
        row = s.get(Coach, coach.id)
        row.email = "autre@cci.fr"
    with Session() as s:
        assert s.get(Coach, coach.id).version == 2


# --- delete -------------------------------------------------------------------------------------


def test_delete_versioned_cascades_milestones_and_audits_each_row(Session, factory):
    project = factory.project()
    milestones = [factory.milestone(project, stage=k) for k in ("selection", "cadrage")]
    with Session.begin() as s:
        delete_versioned(s, Project, project.id, 1, ACTOR, detail="doublon")
    with Session() as s:
        assert s.get(Project, project.id) is None
        assert s.scalar(select(func.count()).select_from(Milestone)) == 0
    deletes = audit_rows(Session, action="delete")
    assert [(e.table_name, e.row_key) for e in deletes] == [
        ("milestones", str(milestones[0].id)),
        ("milestones", str(milestones[1].id)),
        ("projects", str(project.id)),
    ]
    assert deletes[-1].detail == "doublon" and deletes[-1].after is None
    before = json.loads(deletes[-1].before)
    assert before["name"] == "Filature du Vexin" and before["planned_investment"] == "1500000.00"
    assert json.loads(deletes[0].before)["stage"] == "selection"


def test_stale_delete_is_refused(Session, factory):
    project = factory.project()
    with Session.begin() as s:
        update_versioned(s, Project, project.id, 1, {"public": False}, ACTOR)
    with (
        pytest.raises(StaleEditError, match="version 1 affichée, version 2 enregistrée"),
        Session.begin() as s,
    ):
        delete_versioned(s, Project, project.id, 1, ACTOR)
    with Session() as s:
        assert s.get(Project, project.id) is not None
    assert audit_rows(Session, action="delete") == []


def test_delete_of_a_missing_row(Session):
    with pytest.raises(RowNotFoundError), Session.begin() as s:
        delete_versioned(s, Coach, 42, 1, ACTOR)


def test_delete_blocked_by_dependent_rows_explains_which(Session, factory):
    project = factory.project()
    factory.link(project, 1)
    factory.link(project, 2, tier="fabrication", label="Tissage")
    factory.application(project, factory.scheme())
    with pytest.raises(RowInUseError) as info, Session.begin() as s:
        delete_versioned(s, Project, project.id, 1, ACTOR)
    assert info.value.dependents == {"chain_links": 2, "funding_applications": 1}
    assert str(info.value) == (
        "Le projet « Filature du Vexin » ne peut pas être supprimé : des données y sont rattachées "
        "(Maillons des chaînes de valeur : 2 ; Demandes de financement : 1). Supprimez-les d'abord."
    )
    with Session() as s:
        assert s.get(Project, project.id) is not None
    assert audit_rows(Session, action="delete") == []


# --- constraints --------------------------------------------------------------------------------


def _violates(Session, *objs) -> bool:
    """True if adding the objects in one transaction breaks a database constraint."""
    try:
        with Session.begin() as s:
            s.add_all(objs)
    except IntegrityError:
        return True
    return False


def test_unique_constraints(Session, factory):
    coach = factory.coach()
    project = factory.project(coach_id=coach.id)
    link = factory.link(project)
    scheme = factory.scheme()
    factory.milestone(project, "selection")

    assert _violates(Session, Coach(**coach_values(email=None)))
    assert _violates(Session, Project(**project_values()))
    assert not _violates(Session, Project(**project_values(edition=2024)))  # same name, other edition
    assert _violates(
        Session,
        Milestone(
            project_id=project.id,
            stage="selection",
            planned_start=date(2023, 1, 1),
            planned_end=date(2023, 1, 2),
            source="x",
        ),
    )
    assert _violates(
        Session, ChainLink(project_id=project.id, position=1, tier="fabrication", label="x", source="x")
    )
    assert _violates(Session, FundingScheme(name=scheme.name, operator="x", kind="subvention", source="x"))

    entry = {"link_id": link.id, "supplier_name": "Lin & Co", "source": "démo"}
    assert not _violates(Session, ShortlistEntry(siret="55210055400013", **entry))
    assert _violates(Session, ShortlistEntry(siret="55210055400013", **entry))
    # foreign suppliers have no SIRET: several may sit on the same link, but not the same one twice
    # (same name, whatever its case), which two coaches adding it at the same instant would give
    foreign = {"link_id": link.id, "source": "démo", "siret": None}
    assert not _violates(
        Session,
        ShortlistEntry(supplier_name="Lin & Co", supplier_country="BE", **foreign),
        ShortlistEntry(supplier_name="Lino SpA", supplier_country="IT", **foreign),
    )
    assert _violates(Session, ShortlistEntry(supplier_name="LIN & CO", supplier_country="BE", **foreign))

    stat = {
        "departement": "76",
        "naf_division": "13",
        "year": 2022,
        "establishments": 12,
        "jobs": 340,
        "definition": "URSSAF établissements employeurs, effectifs salariés au 31/12",
    }
    assert not _violates(Session, IndustryStat(source="URSSAF", **stat))
    assert _violates(Session, IndustryStat(source="URSSAF", **stat))
    assert not _violates(Session, IndustryStat(source="INSEE Flores", **stat))  # another source's figure

    event = {
        "region_code": "28",
        "period": "2023-S1",
        "openings": 12,
        "closures": 7,
        "measure": "ouvertures effectives",
    }
    assert not _violates(Session, SiteEvent(source="Trendeo", **event))
    assert _violates(Session, SiteEvent(source="Trendeo", **event))
    assert not _violates(Session, SiteEvent(source="Trendeo", **{**event, "measure": "annonces"}))


def test_foreign_keys_are_enforced(Session):
    assert _violates(
        Session,
        Milestone(
            project_id=999,
            stage="selection",
            planned_start=date(2023, 1, 1),
            planned_end=date(2023, 1, 2),
            source="x",
        ),
    )


# --- round trips --------------------------------------------------------------------------------


def test_decimals_dates_and_booleans_round_trip(Session, factory):
    project = factory.project(
        planned_investment=Decimal("123456789012.34"),
        public=False,
        cohort_start=date(1999, 12, 31),
        siren=None,
    )
    scheme = factory.scheme()
    app = factory.application(
        project,
        scheme,
        amount_requested=Decimal("0.10"),
        amount_granted=Decimal("99999.99"),
        applied_on=date(2099, 1, 1),
        decided_on=date(2024, 2, 29),
    )
    with Session() as s:
        p = s.get(Project, project.id)
        a = s.get(FundingApplication, app.id)
        assert p.planned_investment == Decimal("123456789012.34")
        assert isinstance(p.planned_investment, Decimal)
        assert p.cohort_start == date(1999, 12, 31) and type(p.cohort_start) is date
        assert p.public is False and p.siren is None
        assert (a.amount_requested, a.amount_granted) == (Decimal("0.10"), Decimal("99999.99"))
        assert (a.applied_on, a.decided_on) == (date(2099, 1, 1), date(2024, 2, 29))
        assert p.created_at.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - p.created_at) < timedelta(minutes=5)
        total = s.scalar(select(func.sum(FundingApplication.amount_requested)))
        assert Decimal(total) == Decimal("0.10")


def test_timestamps_given_in_another_zone_are_stored_in_utc(Session, factory):
    coach = factory.coach()
    paris = datetime(2024, 3, 1, 9, 30, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Paris")
    )
    with Session.begin() as s:
        s.execute(Coach.__table__.update().values(created_at=paris))
    with Session() as s:
        got = s.get(Coach, coach.id).created_at
    assert got == datetime(2024, 3, 1, 9, 30, tzinfo=UTC) and got.tzinfo == UTC


# --- bulk loads, purge --------------------------------------------------------------------------


def test_import_rows_adds_many_rows_with_one_audit_entry(Session):
    rows = [
        {
            "departement": "76",
            "naf_division": f"{d:02d}",
            "year": 2022,
            "establishments": d,
            "jobs": 10 * d,
            "definition": "URSSAF",
            "source": "import:urssaf.csv",
        }
        for d in range(10, 34)
    ]
    with Session.begin() as s:
        objs = import_rows(s, IndustryStat, rows, ACTOR, detail="urssaf.csv")
        assert [o.naf_division for o in objs] == [f"{d:02d}" for d in range(10, 34)]
        assert all(o.id for o in objs)
    entries = audit_rows(Session)
    assert len(entries) == 1
    assert (entries[0].action, entries[0].table_name, entries[0].row_key) == (
        "import",
        "industry_stats",
        "import:urssaf.csv",
    )
    assert json.loads(entries[0].after) == {"lignes": 24, "sources": "import:urssaf.csv"}
    with Session.begin() as s:
        assert import_rows(s, IndustryStat, [], ACTOR) == []
    assert len(audit_rows(Session)) == 1


def test_purge_source_removes_one_source_everywhere(Session, factory):
    project = factory.project()
    factory.milestone(project)
    link = factory.link(project)
    factory.coach(source="saisie")
    factory.project(name="Vraie entreprise", source="saisie")
    with Session.begin() as s:
        counts = purge_source(s, "démo", ACTOR)
    assert counts == {"chain_links": 1, "milestones": 1, "projects": 1}
    assert set(_inventory(Session)["source"]) == {"saisie", PILOTS}
    entries = audit_rows(Session, action="delete")
    assert {e.table_name for e in entries} == {"chain_links", "milestones", "projects"}
    assert all(e.row_key == "source=démo" for e in entries)
    assert link.id  # deleted, but the detached object still says which row it was


def test_purge_source_refuses_when_other_sources_depend_on_it(Session, factory):
    project = factory.project()
    link = factory.link(project)
    factory.add(
        ShortlistEntry(
            link_id=link.id, siret="55210055400013", supplier_name="Vrai fournisseur", source="saisie"
        )
    )
    with pytest.raises(RowInUseError, match="Fournisseurs présélectionnés : 1"), Session.begin() as s:
        purge_source(s, "démo", ACTOR)
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 1


# --- inventory, freshness -----------------------------------------------------------------------


def _inventory(Session) -> pd.DataFrame:
    with Session() as s:
        return inventory(s)


def test_inventory_counts_rows_per_table_and_source(Session, factory):
    assert [tuple(r) for r in _inventory(Session).itertuples(index=False)] == [
        ("Régions du programme", PILOTS, 4)
    ]
    coach = factory.coach()
    factory.coach(name="Paul Leroy", source="import:conseillers.xlsx")
    factory.project(coach_id=coach.id)
    factory.project(name="Verrerie", source="import:projets.xlsx")
    factory.project(name="Chaussures", source="import:projets.xlsx")
    with Session.begin() as s:
        import_rows(
            s,
            SiteEvent,
            [
                {
                    "region_code": "28",
                    "period": f"2023-S{i}",
                    "openings": 1,
                    "closures": 2,
                    "measure": "ouvertures effectives",
                    "source": "Trendeo",
                }
                for i in (1, 2)
            ],
            ACTOR,
        )

    inv = _inventory(Session)
    assert list(inv.columns) == ["table", "source", "rows"]
    assert inv["rows"].dtype == "int64"
    assert [tuple(r) for r in inv.itertuples(index=False)] == [
        ("Régions du programme", PILOTS, 4),
        ("Conseillers", "démo", 1),
        ("Conseillers", "import:conseillers.xlsx", 1),
        ("Projets", "démo", 1),
        ("Projets", "import:projets.xlsx", 2),
        ("Ouvertures et fermetures de sites", "Trendeo", 2),
    ]

    with Session() as s:
        full = inventory(s, include_empty=True)
    assert set(full["table"]) == set(TABLE_LABELS.values()) - {"Journal des modifications"}
    assert full.loc[full["table"] == "Étapes des projets", "rows"].tolist() == [0]


def test_last_change_is_the_latest_audit_time(Session, factory):
    with Session() as s:
        assert last_change(s) is None
    before = datetime.now(UTC)
    project = factory.project()
    with Session() as s:
        first = last_change(s)
    assert first.tzinfo is not None and before - timedelta(seconds=1) <= first <= datetime.now(UTC)
    with Session.begin() as s:
        update_versioned(s, Project, project.id, 1, {"status": "termine"}, ACTOR)
    with Session() as s:
        assert last_change(s) >= first


def test_audit_history_reads_back_the_values(Session, factory):
    project = factory.project()
    with Session.begin() as s:
        update_versioned(s, Project, project.id, 1, {"status": "termine"}, ACTOR)
    with Session() as s:
        hist = repository.audit_history(s, table_name="projects", row_key=project.id)
    assert hist["action"].tolist() == ["update", "insert"]
    assert hist.iloc[0]["after"] == {"status": "termine", "version": 2}
    assert hist.iloc[0]["libelle"] == "Projets"


def test_raw_sql_sees_the_same_rows(engine, factory):
    """The data are plain SQL rows: other tools (exports, psql) can read them."""
    factory.project()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, version, status FROM projects")).one()
    assert tuple(row) == ("Filature du Vexin", 1, "en_cours")
