"""Creating, changing and archiving projects through the workspace: checked by the import's rules,
versioned, audited, scoped, nothing half-saved."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from reindus.auth import Role, Scope
from reindus.errors import PermissionDeniedError
from reindus.ingest.importer import run_import
from reindus.programme import data as programme_data
from reindus.programme.workspace import milestones, projects
from reindus.programme.workspace.rules import FormError
from reindus.reference.programme import STAGES
from reindus.store.models import AuditEntry, Milestone, Project
from reindus.store.repository import StaleEditError
from tests.programme.workspace.samples import ACTOR, count, create, values
from tests.programme.workspace.viewers import COACH_NORMANDIE, COACH_PARIS


def test_a_new_project_gets_every_field_and_its_stages_from_the_retroplanning(Session):
    project = create(Session, commune="Bernay")  # a name resolved within the département
    with Session() as s:
        p = s.get(Project, project.id)
        assert (p.commune, p.region_code, p.cohort, p.source) == ("27056", "28", "2024 – Normandie", "saisie")
        assert p.planned_investment == Decimal("1250000.50") and p.public and p.version == 1
        stages = {
            m.stage: m for m in s.execute(select(Milestone).where(Milestone.project_id == p.id)).scalars()
        }
        assert sorted(stages) == sorted(st.key for st in STAGES)
        assert stages["cadrage"].planned_start == date(2024, 9, 2) + timedelta(days=STAGES[1].start_day)
        assert all(m.actual_start is None for m in stages.values())
        actors = set(s.execute(select(AuditEntry.actor)).scalars())
        assert actors == {ACTOR} and count(Session, AuditEntry) == 1 + len(STAGES)


def test_every_refused_field_is_named_and_nothing_is_written(Session):
    with pytest.raises(FormError) as caught, Session.begin() as s:
        projects.create_project(
            s,
            values(
                siren="552100555", commune="Paris", naf="99.99Z", target_jobs=-3, description="=1+1", name=""
            ),
            ACTOR,
        )
    errors = caught.value.errors
    assert errors["siren"] == "SIREN invalide (clé de contrôle fausse)"
    assert errors["commune"] == "commune inconnue dans le département 27"
    assert "n'existe pas dans la NAF" in errors["naf"]
    assert errors["target_jobs"] == "nombre négatif"
    assert "formule" in errors["description"] and errors["name"] == "valeur obligatoire manquante"
    assert "SIREN : SIREN invalide" in caught.value.message
    assert count(Session, Project) == count(Session, AuditEntry) == 0


def test_the_form_and_the_import_refuse_a_value_with_the_same_reason(engine, Session):
    """One set of rules: each bad value gives, in the import, the reason the form gives."""
    header = "projet;siren;département;commune;naf;édition;date de début;emplois prévus;statut;public\r\n"
    good = ["Filature", "552100554", "27", "27056", "13.20Z", "2024", "02/09/2024", "12", "en cours", "oui"]
    columns = header.strip().split(";")
    cases = {
        "siren": "552100555",
        "commune": "Paris",
        "naf": "1320",
        "edition": "1999",
        "cohort_start": "31/02/2024",
        "target_jobs": "12,5",
        "status": "fini",
        "public": "peut-être",
    }
    form_keys = [
        "name",
        "siren",
        "departement",
        "commune",
        "naf",
        "edition",
        "cohort_start",
        "target_jobs",
        "status",
        "public",
    ]
    for key, bad in cases.items():
        cells = list(good)
        cells[form_keys.index(key)] = bad
        raw = (header + ";".join(cells) + "\r\n").encode()
        result = run_import("projects", raw, "p.csv", engine=engine, actor="t", dry_run=True)
        [problem] = result.problems.items
        assert problem.column == columns[form_keys.index(key)]
        with pytest.raises(FormError) as caught, Session() as s:
            projects.check_project(s, dict(zip(form_keys, cells, strict=True)))
        assert caught.value.errors == {key: problem.reason}, key


def test_a_project_name_is_unique_within_its_edition(Session):
    create(Session)
    with (
        pytest.raises(FormError, match="un projet porte déjà ce nom dans l'édition 2024"),
        Session.begin() as s,
    ):
        projects.create_project(s, values(), ACTOR)
    create(Session, edition=2025, cohort_start=date(2025, 9, 1))


def test_an_edit_saves_the_fields_given_and_a_stale_form_is_refused(Session):
    project = create(Session)
    with Session.begin() as s:
        p = projects.update_project(s, project.id, 1, {"target_jobs": "15", "commune": "Évreux"}, ACTOR)
        assert (p.target_jobs, p.commune, p.version) == (15, "27229", 2)
    with pytest.raises(StaleEditError, match="version 1 affichée"), Session.begin() as s:
        projects.update_project(s, project.id, 1, {"target_jobs": 99}, "Autre")
    with Session() as s:
        assert s.get(Project, project.id).target_jobs == 15


def test_moving_a_project_checks_its_commune_in_the_new_departement(Session):
    project = create(Session)
    with pytest.raises(FormError) as caught, Session.begin() as s:
        projects.update_project(s, project.id, 1, {"departement": "76"}, ACTOR)
    assert caught.value.errors == {"commune": "commune hors du département 76 indiqué sur la ligne"}
    with Session.begin() as s:
        p = projects.update_project(s, project.id, 1, {"departement": "76", "commune": "Rouen"}, ACTOR)
        assert (p.departement, p.commune, p.region_code) == ("76", "76540", "28")


def test_an_archived_project_leaves_the_views_and_comes_back(Session, engine):
    project = create(Session)
    with Session.begin() as s:
        projects.archive_project(s, project.id, 1, ACTOR)
    assert project.id not in set(programme_data.load_programme(engine).projects["id"])
    assert project.id not in set(programme_data.load_programme(engine).milestones["project_id"])
    with Session.begin() as s:
        projects.archive_project(s, project.id, 2, ACTOR, archived=False)
    assert project.id in set(programme_data.load_projects(engine)["id"])


def test_only_a_coach_of_its_region_or_an_administrator_reactivates_an_archived_project(Session, engine):
    project = create(Session)  # in Normandie (27)
    with Session.begin() as s:
        projects.archive_project(s, project.id, 1, COACH_NORMANDIE)
    normandie, paris = Scope(Role.CONSEILLER, frozenset({"28"})), Scope(Role.CONSEILLER, frozenset({"11"}))
    with Session() as s:
        listed = projects.archived_projects(s, normandie)
        assert listed[["id", "name", "version", "archived_by"]].values.tolist() == [
            [project.id, project.name, 2, COACH_NORMANDIE.actor]
        ]
        assert listed["archived_at"].notna().all()
        assert projects.archived_projects(s, paris).empty
        assert projects.archived_projects(s, Scope(Role.PRESIDENCE)).empty  # reads, never changes
        assert projects.archived_projects(s, Scope(Role.ADMIN))["id"].tolist() == [project.id]
    with pytest.raises(PermissionDeniedError, match="hors de votre périmètre"), Session.begin() as s:
        projects.reactivate_project(s, project.id, 2, COACH_PARIS)
    with pytest.raises(StaleEditError), Session.begin() as s:
        projects.reactivate_project(s, project.id, 1, COACH_NORMANDIE)  # the form showed it before
    with Session.begin() as s:
        assert projects.reactivate_project(s, project.id, 2, COACH_NORMANDIE).version == 3
    assert project.id in set(programme_data.load_projects(engine)["id"])
    with Session() as s:
        assert projects.archived_projects(s, normandie).empty
        last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        assert (last.actor, last.detail, last.row_key) == (
            COACH_NORMANDIE.actor,
            "projet réactivé",
            str(project.id),
        )
        assert '"archived": false' in last.after


def test_a_viewer_changes_only_the_projects_of_its_regions(Session):
    normandie, paris = COACH_NORMANDIE, COACH_PARIS
    with (
        pytest.raises(
            PermissionDeniedError, match=r"le projet « Tissage du Vexin » : hors de votre périmètre \(28\)"
        ),
        Session.begin() as s,
    ):
        projects.create_project(s, values(), paris)
    with Session.begin() as s:
        project = projects.create_project(s, values(), normandie)
        assert s.execute(select(AuditEntry.actor)).scalars().first() == "Claire <claire@cci.fr>"
    with pytest.raises(PermissionDeniedError), Session.begin() as s:
        projects.update_project(s, project.id, 1, {"target_jobs": 1}, paris)
    # nor may a coach move a project out of reach
    with pytest.raises(PermissionDeniedError), Session.begin() as s:
        projects.update_project(s, project.id, 1, {"departement": "75", "commune": "75056"}, normandie)
    with Session() as s:
        assert s.get(Project, project.id).version == 1


def test_stage_dates_follow_the_import_rules(Session):
    project = create(Session)
    with Session() as s:
        stage = s.execute(
            select(Milestone).where(Milestone.project_id == project.id, Milestone.stage == "cadrage")
        ).scalar_one()
    with pytest.raises(FormError) as caught, Session.begin() as s:
        milestones.update_milestone(s, stage.id, 1, {"actual_end": date(2024, 10, 1)}, ACTOR)
    assert caught.value.errors == {"actual_start": "fin réelle sans début réel"}
    with pytest.raises(FormError, match="fin antérieure au début"), Session.begin() as s:
        milestones.update_milestone(s, stage.id, 1, {"planned_end": date(2024, 1, 1)}, ACTOR)
    with Session.begin() as s:
        m = milestones.update_milestone(
            s, stage.id, 1, {"actual_start": date(2024, 9, 20), "planned_end": date(2024, 10, 20)}, ACTOR
        )
        assert (m.actual_start, m.planned_end, m.version) == (date(2024, 9, 20), date(2024, 10, 20), 2)
    with pytest.raises(StaleEditError), Session.begin() as s:
        milestones.update_milestone(s, stage.id, 1, {"actual_start": date(2024, 9, 21)}, ACTOR)
