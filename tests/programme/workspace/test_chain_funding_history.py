"""Supply-chain links, funding applications and schemes, a project's history and restoring a value;
and the round trip of a project made in the app through the export and the imports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from reindus.errors import PermissionDeniedError
from reindus.exchange import tables as export_tables
from reindus.ingest.importer import run_import
from reindus.programme.workspace import funding, history, links, milestones, projects
from reindus.programme.workspace.rules import FormError
from reindus.reference.programme import stage
from reindus.store import audit
from reindus.store.models import AuditEntry, ChainLink, FundingScheme, Milestone, Project, ShortlistEntry
from reindus.store.repository import RowInUseError, StaleEditError, insert
from tests.programme.workspace.samples import ACTOR, create
from tests.programme.workspace.viewers import ADMIN, COACH_NORMANDIE

LINKS = [
    {"tier": "matiere", "label": "Fibre de lin", "naf_codes": "0116Z; 13.10Z", "need": "Lin teillé"},
    {"tier": "Fabrication", "label": "Tissage", "naf_codes": "13.20Z"},
    {"tier": "distribution", "label": "Vente", "naf_codes": ""},
]


def _history(Session, project_id: int):
    with Session() as s:
        return history.project_history(s, project_id)


def chain(Session, project_id: int) -> list[tuple[int, str, int]]:
    with Session() as s:
        return list(
            s.execute(
                select(ChainLink.position, ChainLink.label, ChainLink.version)
                .where(ChainLink.project_id == project_id)
                .order_by(ChainLink.position)
            ).all()
        )


def with_links(Session) -> tuple[Project, list[ChainLink]]:
    project = create(Session)
    with Session.begin() as s:
        added = [links.add_link(s, project.id, v, ACTOR) for v in LINKS]
    return project, added


def test_links_are_added_downstream_with_checked_naf_codes(Session):
    project, added = with_links(Session)
    assert [(p, label) for p, label, _ in chain(Session, project.id)] == [
        (1, "Fibre de lin"),
        (2, "Tissage"),
        (3, "Vente"),
    ]
    assert added[0].naf_codes == "01.16Z,13.10Z" and added[1].tier == "fabrication"
    with pytest.raises(FormError) as caught, Session.begin() as s:
        links.add_link(s, project.id, {"tier": "usine", "label": "", "naf_codes": "13.20"}, ACTOR)
    assert set(caught.value.errors) == {"tier", "label", "naf_codes"}
    assert caught.value.errors["tier"].startswith("valeur inconnue (attendu : Matière première")


def test_reordering_moves_only_what_changed_and_refuses_a_stale_chain(Session):
    project, (a, b, c) = with_links(Session)
    with Session.begin() as s:
        links.reorder_links(s, project.id, [(c.id, 1), (a.id, 1), (b.id, 1)], ACTOR)
    assert chain(Session, project.id) == [(1, "Vente", 2), (2, "Fibre de lin", 2), (3, "Tissage", 2)]
    with pytest.raises(StaleEditError), Session.begin() as s:
        links.reorder_links(s, project.id, [(a.id, 1), (b.id, 1), (c.id, 1)], ACTOR)
    with pytest.raises(Exception, match="La chaîne a changé"), Session.begin() as s:
        links.reorder_links(s, project.id, [(a.id, 2), (b.id, 2)], ACTOR)
    with Session.begin() as s:  # one step upstream: « Tissage » before « Fibre de lin »
        links.move_link(s, b.id, 2, -1, ACTOR)
    assert [label for _, label, _ in chain(Session, project.id)] == ["Vente", "Tissage", "Fibre de lin"]
    with Session() as s:
        entry = (
            s.execute(
                select(AuditEntry).where(AuditEntry.row_key == str(b.id)).order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert (audit.parse(entry.before), audit.parse(entry.after)) == (
            {"position": 3, "version": 2},
            {"position": 2, "version": 3},
        )


def test_removing_a_link_with_suppliers_asks_first_and_keeps_them_in_the_audit(Session):
    project, (a, _, _) = with_links(Session)
    with Session.begin() as s:
        insert(
            s,
            ShortlistEntry(link_id=a.id, siret="55210055400013", supplier_name="Lin & Co", source="t"),
            ACTOR,
        )
    with pytest.raises(links.ConfirmationRequired, match="1 fournisseur.*Lin & Co"), Session.begin() as s:
        links.remove_link(s, a.id, 1, ACTOR)
    assert len(chain(Session, project.id)) == 3
    with pytest.raises(StaleEditError), Session.begin() as s:
        links.remove_link(s, a.id, 7, ACTOR, confirm=True)
    with Session.begin() as s:
        links.remove_link(s, a.id, 1, ACTOR, confirm=True)
    assert [label for _, label, _ in chain(Session, project.id)] == ["Tissage", "Vente"]
    with Session() as s:
        deleted = s.execute(
            select(AuditEntry).where(
                AuditEntry.table_name == "shortlist_entries", AuditEntry.action == "delete"
            )
        ).scalar_one()
        assert audit.parse(deleted.before)["supplier_name"] == "Lin & Co"
        assert "Fibre de lin" in deleted.detail
    rows = _history(Session, project.id)
    assert {"Maillon « Fibre de lin »", "Fournisseur « Lin & Co »"} <= set(
        rows.loc[rows["action"] == "suppression", "what"]
    )


def scheme(Session) -> FundingScheme:
    with Session.begin() as s:
        return funding.add_scheme(
            s, {"name": "Prêt Industrie", "operator": "Bpifrance", "kind": "prêt"}, ACTOR
        )


def test_a_funding_application_goes_filed_granted_paid_with_what_each_status_requires(Session):
    project = create(Session)
    sch = scheme(Session)
    filed = {
        "scheme_id": sch.id,
        "amount_requested": "250 000",
        "applied_on": "01/12/2024",
        "status": "Déposé",
    }
    with Session.begin() as s:
        app = funding.add_application(s, project.id, filed, ACTOR)
    assert app.status == "depose" and float(app.amount_requested) == 250_000
    with pytest.raises(FormError) as caught, Session.begin() as s:
        funding.update_application(s, app.id, 1, {"status": "accorde"}, ACTOR)
    assert caught.value.errors == {
        "decided_on": "date de décision obligatoire pour une demande « Accordé »",
        "amount_granted": "montant accordé obligatoire pour une demande « Accordé »",
    }
    with pytest.raises(FormError, match="décision antérieure au dépôt"), Session.begin() as s:
        funding.update_application(
            s,
            app.id,
            1,
            {"status": "accorde", "decided_on": date(2024, 11, 1), "amount_granted": 200_000},
            ACTOR,
        )
    granted = {"status": "accorde", "decided_on": date(2025, 2, 1), "amount_granted": 200_000}
    with pytest.raises(FormError) as caught, Session.begin() as s:
        funding.update_application(s, app.id, 1, {"amount_paid": 10_000}, ACTOR)
    assert caught.value.errors == {
        "amount_paid": "pas de montant versé pour une demande « Déposé » (seulement « Accordé » ou « Versé »)"
    }
    with Session.begin() as s:  # paid in instalments: a first one on a granted application
        partial = funding.update_application(s, app.id, 1, {**granted, "amount_paid": 50_000}, ACTOR)
        assert (partial.status, float(partial.amount_paid)) == ("accorde", 50_000)
    with pytest.raises(FormError, match="montant versé obligatoire"), Session.begin() as s:
        funding.update_application(s, app.id, 2, {"status": "verse", "amount_paid": None}, ACTOR)
    with pytest.raises(FormError, match="montant versé supérieur au montant accordé"), Session.begin() as s:
        funding.update_application(s, app.id, 2, {"status": "verse", "amount_paid": 250_000}, ACTOR)
    with pytest.raises(StaleEditError), Session.begin() as s:
        funding.update_application(s, app.id, 1, {"status": "verse", "amount_paid": 150_000}, ACTOR)
    with Session.begin() as s:
        paid = funding.update_application(s, app.id, 2, {"status": "verse", "amount_paid": 150_000}, ACTOR)
        assert (paid.status, float(paid.amount_paid), paid.version) == ("verse", 150_000, 3)


def test_only_administrators_change_the_schemes_and_a_scheme_in_use_stays(Session):
    coach, admin = COACH_NORMANDIE, ADMIN
    values = {"name": "Subvention Région", "operator": "Région Normandie", "kind": "subvention"}
    with pytest.raises(PermissionDeniedError, match="Seul un administrateur"), Session.begin() as s:
        funding.add_scheme(s, values, coach)
    with Session.begin() as s:
        sch = funding.add_scheme(s, values, admin)
    with pytest.raises(FormError, match="un dispositif porte déjà ce nom"), Session.begin() as s:
        funding.add_scheme(s, {**values, "name": "subvention région"}, admin)
    with Session.begin() as s:
        assert funding.update_scheme(s, sch.id, 1, {"operator": "Région BFC"}, admin).version == 2
    project = create(Session)
    with Session.begin() as s:
        funding.add_application(
            s,
            project.id,
            {"scheme_id": sch.id, "amount_requested": 1, "applied_on": date(2024, 12, 1), "status": "depose"},
            coach,
        )
    with pytest.raises(RowInUseError), Session.begin() as s:
        funding.remove_scheme(s, sch.id, 2, admin)


def test_history_in_french_and_restoring_a_value_is_a_new_audited_change(Session):
    project = create(Session)
    with Session.begin() as s:
        projects.update_project(
            s, project.id, 1, {"target_jobs": 30, "planned_investment": 2_000_000}, "Paul Durand"
        )
    rows = _history(Session, project.id)
    change = rows[rows["field"] == "target_jobs"].iloc[0]
    assert (change["actor"], change["action"], change["what"], change["label"]) == (
        "Paul Durand",
        "modification",
        "Projet",
        "Emplois prévus",
    )
    assert (change["before"], change["after"]) == ("12", "30") and change["restorable"]
    money = rows[rows["field"] == "planned_investment"].iloc[0]
    assert money["before"] == "1\u202f250\u202f000,5\u00a0€" or money["before"].replace(
        "\u202f", " "
    ).startswith("1 250 000")
    with pytest.raises(StaleEditError), Session.begin() as s:
        history.restore(s, int(change["entry_id"]), "target_jobs", 1, ACTOR)
    with Session.begin() as s:
        history.restore(s, int(change["entry_id"]), "target_jobs", 2, ACTOR)
    with Session() as s:
        p = s.get(Project, project.id)
        assert (p.target_jobs, float(p.planned_investment), p.version) == (12, 2_000_000, 3)
    latest = _history(Session, project.id).iloc[0]
    assert (latest["actor"], latest["before"], latest["after"]) == (ACTOR, "30", "12")
    assert latest["detail"].startswith("valeur rétablie") and "Paul Durand" in latest["detail"]
    with pytest.raises(history.RestoreError), Session.begin() as s:
        history.restore(s, int(rows[rows["action"] == "création"].iloc[0]["entry_id"]), "name", 3, ACTOR)


def test_a_project_made_in_the_app_exports_and_reimports_unchanged(engine, Session):
    project, _ = with_links(Session)
    sch = scheme(Session)
    with Session.begin() as s:
        funding.add_application(
            s,
            project.id,
            {
                "scheme_id": sch.id,
                "amount_requested": 5000,
                "applied_on": date(2024, 12, 1),
                "status": "depose",
            },
            ACTOR,
        )
        projects.update_project(
            s, project.id, 1, {"description": "=SOMME(A1) n'est pas une formule"[1:]}, ACTOR
        )
    with Session() as s:
        audited = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    for fmt in ("csv", "xlsx"):
        for kind in ("projects", "links"):
            more = export_tables.more_sheets(kind, engine) if fmt == "xlsx" else {}
            data = export_tables.to_bytes(export_tables.frame(kind, engine), fmt, more=more)
            result = run_import(kind, data, f"export.{fmt}", engine=engine, actor="test")
            assert result.ok, result.problems.lines()[:3]
            assert result.summary.english.startswith("0 added, 0 updated"), (
                kind,
                fmt,
                result.summary.english,
            )
    with Session() as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audited


def test_a_link_edit_is_checked_and_versioned(Session):
    _, (a, _, _) = with_links(Session)
    with pytest.raises(FormError) as caught, Session.begin() as s:
        links.update_link(s, a.id, 1, {"naf_codes": "13.10Z, 99.99Z"}, ACTOR)
    assert caught.value.errors == {
        "naf_codes": "« 99.99Z » n'existe ni dans la NAF rév. 2 ni dans la NAF 2025"
    }
    with Session.begin() as s:
        link = links.update_link(s, a.id, 1, {"label": "Fibre de lin teillée", "naf_codes": "1310Z"}, ACTOR)
        assert (link.label, link.naf_codes, link.version) == ("Fibre de lin teillée", "13.10Z", 2)
    with pytest.raises(StaleEditError), Session.begin() as s:
        links.update_link(s, a.id, 1, {"need": "x"}, ACTOR)


def test_an_application_is_removed_on_the_version_shown_and_stays_in_the_history(Session):
    project = create(Session)
    sch = scheme(Session)
    filed = {
        "scheme_id": sch.id,
        "amount_requested": 1000,
        "applied_on": date(2024, 12, 1),
        "status": "depose",
    }
    with Session.begin() as s:
        app = funding.add_application(s, project.id, filed, ACTOR)
        funding.update_application(s, app.id, 1, {"amount_requested": 2000}, ACTOR)
    with pytest.raises(StaleEditError), Session.begin() as s:
        funding.remove_application(s, app.id, 1, ACTOR)
    with Session.begin() as s:
        funding.remove_application(s, app.id, 2, ACTOR)
    rows = _history(Session, project.id)
    removed = rows[(rows["what"] == "Demande « Prêt Industrie »") & (rows["action"] == "suppression")]
    assert "2\u202f000" in removed.iloc[0]["before"] and "Déposé" in removed.iloc[0]["before"]


def test_stages_a_project_lacks_are_added_from_its_start_date(Session):
    project = create(Session)
    with Session.begin() as s:
        s.execute(Milestone.__table__.delete().where(Milestone.stage.in_(("hackathon", "concretisation"))))
    with Session.begin() as s:
        added = milestones.add_missing_stages(s, project.id, ACTOR)
        assert sorted(m.stage for m in added) == ["concretisation", "hackathon"]
        hackathon = next(m for m in added if m.stage == "hackathon")
        assert hackathon.planned_start == stage("hackathon").planned(date(2024, 9, 2))[0]
    with Session.begin() as s:
        assert milestones.add_missing_stages(s, project.id, ACTOR) == []
