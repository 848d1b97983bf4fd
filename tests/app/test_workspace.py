"""AppTest of the coach workspace with the demo accounts: « Mes projets », « Nouveau projet », the
project page's forms (record, stages, chain, funding, history); scope refused on the server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from reindus.auth import system_viewer
from reindus.errors import PermissionDeniedError
from reindus.programme.workspace import milestones as workspace_milestones
from reindus.programme.workspace import projects as workspace_projects
from reindus.programme.workspace import rules
from reindus.reference.programme import STAGE_KEYS
from reindus.store.db import make_engine, session_factory
from reindus.store.models import (
    AuditEntry,
    ChainLink,
    FundingApplication,
    FundingScheme,
    Milestone,
    Project,
    ShortlistEntry,
)
from reindus.text import formats
from tests.support.accounts import sign_in
from tests.support.markdown import shown
from tests.support.paths import ROOT


def open_page(account: str | None, page: str, **params) -> AppTest:
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), account)
    at.run()
    at.switch_page(page)
    at.run()
    if "projet" in params:
        at.selectbox(key="projet").select(params["projet"]).run()
    if "volet" in params:
        at.button_group(key="volet").set_value(params["volet"]).run()
    assert not at.exception, at.exception
    return at


def store(home):
    return session_factory(make_engine(f"sqlite:///{home / 'reindus.sqlite'}"))


def project_of(home, region_code: str) -> Project:
    with store(home)() as s:
        return (
            s.execute(
                select(Project)
                .where(Project.region_code == region_code, Project.archived.is_(False))
                .order_by(Project.id)
            )
            .scalars()
            .first()
        )


def key_of(at: AppTest, kind: str, suffix: str) -> str:
    keys = [w.key for w in getattr(at, kind) if w.key and w.key.endswith(suffix)]
    assert keys, f"no {kind} ending with {suffix}"
    return keys[0]


def widget(at: AppTest, kind: str, suffix: str):
    return getattr(at, kind)(key=key_of(at, kind, suffix))


def errors(at: AppTest) -> str:
    return "\n".join(shown(e.value) for e in at.error)


def test_mes_projets_asks_an_anonymous_visitor_to_sign_in(writable_home):
    at = open_page(None, "pages/mes_projets.py")
    assert any("Connectez-vous" in i.value for i in at.info)
    assert not at.dataframe


def test_a_normandie_coach_sees_normandie_projects_and_what_waits(writable_home):
    at = open_page("conseiller-normandie", "pages/mes_projets.py")
    projects = at.dataframe[0].value
    assert set(projects["Région"]) == {"Normandie"}
    assert projects["Fiche"].str.startswith("/projet?projet=").all()
    links = [link.proto for link in at.get("page_link")]
    pages = {link.page.rsplit("/", 1)[-1] for link in links if link.label != "Nouveau projet"}
    assert pages <= {"projet", "fournisseurs"} and "projet" in pages
    editions = projects["Édition"].astype(int).tolist()
    assert editions[0] == max(editions)  # the current edition first


def test_presidence_sees_no_edit_control(writable_home):
    at = open_page("presidence", "pages/mes_projets.py")
    assert "en lecture" in " ".join(c.value for c in at.caption)
    assert not [link for link in at.get("page_link") if "Nouveau" in link.proto.label]
    project = project_of(writable_home, "28")
    at = open_page("presidence", "pages/projet.py", projet=project.id)
    assert not [b for b in at.button if b.label.startswith("Enregistrer")]
    assert any("Lecture seule" in c.value for c in at.caption)
    at = open_page("presidence", "pages/nouveau_projet.py")
    assert not [b for b in at.main.button if b.label == "Créer le projet"]


def fill_new_project(
    at: AppTest, name: str, departement: str, commune: str, siren: str = "552100554"
) -> None:
    widget(at, "text_input", ":name").input(name)
    widget(at, "text_input", ":siren").input(siren)
    at.run()
    widget(at, "selectbox", ":departement").set_value(departement)
    at.run()
    widget(at, "selectbox", ":commune").set_value(commune)
    widget(at, "selectbox", ":naf").set_value("13.20Z")
    at.run()


def created(home, name: str) -> Project | None:
    with store(home)() as s:
        return s.execute(select(Project).where(Project.name == name)).scalar_one_or_none()


def test_a_normandie_coach_creates_a_project_with_its_stages_and_their_name_in_the_history(writable_home):
    at = open_page("conseiller-normandie", "pages/nouveau_projet.py")
    fill_new_project(at, "Tissage du Vexin", "27", "27056")
    # the tables and the project page say « Conseiller »: so does the form
    assert widget(at, "selectbox", ":coach_id").label == "Conseiller"
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert not at.exception and not at.error, errors(at)
    project = created(writable_home, "Tissage du Vexin")
    assert (project.region_code, project.commune, project.siren, project.source) == (
        "28",
        "27056",
        "552100554",
        "saisie",
    )
    with store(writable_home)() as s:
        entry = s.execute(
            select(AuditEntry).where(
                AuditEntry.table_name == "projects", AuditEntry.row_key == str(project.id)
            )
        ).scalar_one()
        assert entry.actor.endswith("<conseiller.normandie@demo.reindus.fr>")
        assert s.query(Milestone).filter(Milestone.project_id == project.id).count() == len(STAGE_KEYS)


def test_an_invalid_siren_is_refused_in_french_naming_the_field_and_nothing_is_written(writable_home):
    at = open_page("conseiller-normandie", "pages/nouveau_projet.py")
    fill_new_project(at, "Projet au SIREN faux", "27", "27056", siren="552100555")
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert "SIREN : SIREN invalide" in errors(at)
    assert created(writable_home, "Projet au SIREN faux") is None
    assert widget(at, "text_input", ":name").value == "Projet au SIREN faux"  # what was typed stays


def test_a_normandie_coach_is_refused_an_ile_de_france_project_on_the_server(writable_home):
    at = open_page("conseiller-normandie", "pages/nouveau_projet.py")
    assert not [
        o for o in widget(at, "selectbox", ":departement").options if o.startswith("75 ")
    ]  # not offered
    viewer = at.session_state["_reindus_viewer"]  # what the page passes to the workspace: refused there too
    values = {
        "name": "Projet parisien",
        "departement": "75",
        "commune": "75056",
        "naf": "13.20Z",
        "edition": 2026,
        "cohort_start": date(2026, 3, 2),
    }
    with (
        pytest.raises(PermissionDeniedError, match="hors de votre périmètre"),
        store(writable_home).begin() as s,
    ):
        workspace_projects.create_project(s, values, viewer)
    assert created(writable_home, "Projet parisien") is None
    paris = project_of(writable_home, "11")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=paris.id)
    assert not [b for b in at.button if b.label.startswith("Enregistrer")]
    assert any("Lecture seule" in c.value for c in at.caption)
    with pytest.raises(PermissionDeniedError, match="Île-de-France"), store(writable_home).begin() as s:
        workspace_projects.update_project(s, paris.id, paris.version, {"target_jobs": 1}, viewer)


def test_a_stale_edit_is_refused(writable_home):
    project = project_of(writable_home, "28")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=project.id)
    with store(writable_home).begin() as s:  # someone else saves meanwhile
        workspace_projects.update_project(
            s, project.id, project.version, {"target_jobs": 77}, system_viewer("autre")
        )
    widget(at, "text_input", ":name").input("Nom changé trop tard")
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert "modifié" in errors(at).lower() or "rechargez" in errors(at).lower(), errors(at)
    assert created(writable_home, "Nom changé trop tard") is None


def test_amounts_are_shown_and_typed_the_french_way(writable_home):
    """« 397000.00 » was the investment a number input showed; the form shows and reads « 397 000 »."""
    project = project_of(writable_home, "28")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=project.id)
    field = widget(at, "text_input", ":planned_investment")
    assert field.value == formats.amount(float(project.planned_investment))
    assert "." not in field.value and "\u202f" in field.value  # thousands apart, no decimal point
    field.input("1 250 000,50")
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        assert float(s.get(Project, project.id).planned_investment) == 1_250_000.5
    assert widget(at, "text_input", ":planned_investment").value == "1\u202f250\u202f000,50"
    widget(at, "text_input", ":planned_investment").input("12.500,5")
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert "Investissement (€) : nombre ambigu" in errors(at)

    at.button_group(key="volet").set_value("financements").run()
    with store(writable_home)() as s:
        app = (
            s.execute(select(FundingApplication).where(FundingApplication.project_id == project.id))
            .scalars()
            .first()
        )
    at.selectbox(key=f"application_choice:{project.id}").set_value(app.id).run()
    shown_amount = widget(at, "text_input", ":amount_requested").value
    assert shown_amount == formats.amount(float(app.amount_requested)) and "." not in shown_amount


def test_edit_then_restore_from_the_history(writable_home):
    project = project_of(writable_home, "28")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=project.id)
    widget(at, "number_input", ":target_jobs").set_value(123)
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        assert s.get(Project, project.id).target_jobs == 123
    at.button_group(key="volet").set_value("historique").run()
    history = at.dataframe[0].value
    row = history[history["Champ"] == "Emplois prévus"].iloc[0]
    assert (row["Après"], row["Qui"].endswith("<conseiller.normandie@demo.reindus.fr>")) == ("123", True)
    with store(writable_home)() as s:
        entry = (
            s.execute(
                select(AuditEntry.id)
                .where(AuditEntry.table_name == "projects", AuditEntry.row_key == str(project.id))
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
    at.selectbox(key="restore_choice").set_value((entry, "target_jobs")).run()
    at.button(key=key_of(at, "button", ":submit")).click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        assert s.get(Project, project.id).target_jobs == project.target_jobs


def test_a_link_with_naf_codes_and_counts_then_a_funding_application(writable_home):
    project = project_of(writable_home, "28")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=project.id, volet="chaine")
    base = f"link:new:{project.id}:v0"
    at.selectbox(key=f"{base}:tier").set_value("matiere")
    at.text_input(key=f"{base}:label").input("Fil de lin")
    at.multiselect(key=f"{base}:naf_codes").set_value(["13.10Z"]).run()
    assert any("dans la région du projet" in c.value and "en France" in c.value for c in at.caption)
    at.button(key=f"{base}:submit").click().run()
    assert not at.error, errors(at)
    # an empty choice says what to choose in French, not Streamlit's « Choose an option »
    empty = [w for w in [*at.selectbox, *at.multiselect] if w.value in (None, [])]
    assert empty and all(w.placeholder for w in empty), [w.key for w in empty if not w.placeholder]
    with store(writable_home)() as s:
        link = s.execute(select(ChainLink).where(ChainLink.label == "Fil de lin")).scalar_one()
        assert (link.project_id, link.naf_codes) == (project.id, "13.10Z")

    at.button_group(key="volet").set_value("financements").run()
    base = f"application:new:{project.id}:v0"
    with store(writable_home)() as s:
        scheme = s.execute(select(FundingScheme.id).order_by(FundingScheme.id)).scalars().first()
    at.selectbox(key=f"{base}:scheme_id").set_value(scheme)
    at.text_input(key=f"{base}:amount_requested").input("80 000")
    at.date_input(key=f"{base}:applied_on").set_value(date(2026, 3, 2))
    at.text_input(key=f"{base}:amount_paid").input("1 000")  # not for a « déposé » one
    at.button(key=f"{base}:submit").click().run()
    assert "Montant versé (€) : pas de montant versé pour une demande « Déposé »" in errors(at)
    at.text_input(key=f"{base}:amount_paid").input("")
    at.button(key=f"{base}:submit").click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        apps = s.execute(
            select(FundingApplication).where(FundingApplication.project_id == project.id)
        ).scalars()
        assert 80_000 in [float(a.amount_requested) for a in apps]


def test_a_link_in_naf_2025_is_picked_from_the_naf_2025_tree(writable_home):
    project = project_of(writable_home, "28")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=project.id, volet="chaine")
    base = f"link:new:{project.id}:v0"
    assert "13.20Z — Tissage" in at.multiselect(key=f"{base}:naf_codes").options  # NAF rév. 2 by default
    at.button_group(key=f"{base}:naf_version").set_value("NAF2025").run()
    picker = at.multiselect(key=f"{base}:naf_codes_2025")
    assert "13.20Y — Tissage" in picker.options and not any(o.startswith("13.20Z") for o in picker.options)
    at.selectbox(key=f"{base}:tier").set_value("fabrication")
    at.text_input(key=f"{base}:label").input("Tissage du lin")
    picker.set_value(["13.20Y"]).run()
    # the demo register has no NAF 2025 code (SIRENE files before December 2025): the coach is told
    assert any(
        "Aucun établissement du registre ne porte encore de code NAF 2025" in c.value for c in at.caption
    )
    at.button(key=f"{base}:submit").click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        link = s.execute(select(ChainLink).where(ChainLink.label == "Tissage du lin")).scalar_one()
        assert (link.naf_codes, link.naf_version) == ("13.20Y", "NAF2025")
    assert any(
        f"{link.position}. Fabrication — Tissage du lin (13.20Y (NAF 2025))" in t.value for t in at.text
    )


def _stage_of_a_running_project(home) -> tuple[int, int]:
    with store(home)() as s:
        project = (
            s.execute(
                select(Project)
                .where(Project.edition == 2026, Project.status == "en_cours")
                .order_by(Project.id)
            )
            .scalars()
            .first()
        )
        milestone = s.execute(
            select(Milestone).where(Milestone.project_id == project.id, Milestone.stage == "selection")
        ).scalar_one()
        return project.id, milestone.id


def test_a_coach_saves_a_stage_and_the_history_names_them(writable_home):
    pid, ms_id = _stage_of_a_running_project(writable_home)
    at = open_page("administrateur", "pages/projet.py", projet=pid, volet="etapes")
    at.date_input(key=f"milestone:{ms_id}:v1:actual_end").set_value(date(2026, 9, 22))
    at.button(key=f"milestone:{ms_id}:v1:submit").click().run()
    assert not at.error, errors(at)
    assert any("enregistrée" in s.value for s in at.success)
    with store(writable_home)() as s:
        ms = s.get(Milestone, ms_id)
        assert ms.actual_end == date(2026, 9, 22) and ms.version == 2
        entry = s.query(AuditEntry).filter_by(table_name="milestones", row_key=str(ms_id)).one()
        assert entry.actor.endswith("<admin@demo.reindus.fr>")


def test_a_stale_stage_edit_is_refused_in_french(writable_home):
    pid, ms_id = _stage_of_a_running_project(writable_home)
    at = open_page("administrateur", "pages/projet.py", projet=pid, volet="etapes")
    with store(writable_home).begin() as s:  # another coach saves the same stage after it was shown here
        workspace_milestones.update_milestone(
            s, ms_id, 1, {"actual_end": date(2026, 9, 30)}, system_viewer("autre")
        )
    at.date_input(key=f"milestone:{ms_id}:v1:actual_end").set_value(date(2026, 9, 22))
    at.button(key=f"milestone:{ms_id}:v1:submit").click().run()
    assert "modifi" in errors(at).lower(), errors(at)
    with store(writable_home)() as s:
        assert s.get(Milestone, ms_id).actual_end == date(2026, 9, 30)  # the other coach's edit is kept


def test_a_link_with_the_project_id_opens_its_page(writable_home):
    project = project_of(writable_home, "28")
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "conseiller-normandie")
    at.query_params["projet"] = str(project.id)
    at.switch_page("pages/projet.py")
    at.run()
    assert at.selectbox(key="projet").value == project.id


def test_a_link_with_the_project_id_opens_the_supply_chain_page_on_it(writable_home):
    """`?chain_project=<id>` (the link the overview makes) chooses that project, and choosing another
    puts its id, not its label, in the URL."""
    with store(writable_home)() as s:
        last, other = (
            s.execute(select(Project.id).where(Project.archived.is_(False)).order_by(Project.id.desc()))
            .scalars()
            .all()[:2]
        )
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "administrateur")
    at.run()  # signed in: every project may be chosen, not only the public ones
    at.query_params["chain_project"] = str(last)
    at.switch_page("pages/chaine.py")
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="chain_project").value == last
    at.selectbox(key="chain_project").set_value(other).run()
    assert at.query_params["chain_project"] in (str(other), [str(other)])


def test_a_link_to_a_project_page_still_opens_that_project_after_the_pitch_page(writable_home):
    """Pitch and Fiche projet both take `?projet=<id>`: the Pitch picker once bound the parameter to its
    own page, and a link to a Fiche projet then opened the project last pitched."""
    project = project_of(writable_home, "28")
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "administrateur")
    at.run()
    at.switch_page("pages/pitch.py").run()
    pitched = at.selectbox(key="projet").value
    assert pitched != project.id
    at.query_params["projet"] = str(project.id)
    at.switch_page("pages/projet.py").run()
    assert at.selectbox(key="projet").value == project.id
    at.query_params["projet"] = str(pitched)
    at.switch_page("pages/pitch.py").run()  # and a link to a pitch by id opens it
    assert at.selectbox(key="projet").value == pitched


def test_a_coach_archives_a_project_then_reactivates_it_from_mes_projets(writable_home):
    project = project_of(writable_home, "28")
    at = open_page("conseiller-normandie", "pages/projet.py", projet=project.id)
    at.checkbox(key=key_of(at, "checkbox", ":archive_sure")).check().run()
    at.button(key=key_of(at, "button", ":archive")).click().run()
    assert not at.error, errors(at)
    assert any(f"« {project.name} » archivé" in shown(s.value) for s in at.success)  # on « Mes projets »
    reactivate = f"project:{project.id}:v{project.version + 1}:reactivate"
    assert [b for b in at.button if b.key == reactivate]
    other = open_page("conseiller-idf", "pages/mes_projets.py")
    assert not [e for e in other.expander if "archivés" in e.label]  # not in their region: not offered

    at.switch_page("pages/mes_projets.py")  # AppTest would otherwise rerun the page it last switched to
    at.button(key=reactivate).click().run()
    assert not at.error, errors(at)
    assert at.selectbox(key="projet").value == project.id  # its page opens
    assert any(f"« {project.name} » réactivé" in shown(s.value) for s in at.success)
    with store(writable_home)() as s:
        assert not s.get(Project, project.id).archived
        details = (
            s.execute(
                select(AuditEntry.detail)
                .where(AuditEntry.table_name == "projects", AuditEntry.row_key == str(project.id))
                .order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
    assert details[-2:] == ["projet archivé", "projet réactivé"]


def test_removing_a_link_asks_first_and_keeps_its_suppliers_in_the_history(writable_home):
    with store(writable_home)() as s:
        entry = s.execute(select(ShortlistEntry).order_by(ShortlistEntry.id)).scalars().first()
        link = s.get(ChainLink, entry.link_id)
        project = s.get(Project, link.project_id)
        suppliers = s.query(ShortlistEntry).filter_by(link_id=link.id).count()
    at = open_page("administrateur", "pages/projet.py", projet=project.id, volet="chaine")
    at.button(key=f"link:{link.id}:v{link.version}:remove").click().run()
    assert any(f"Ses {suppliers} fournisseur(s) présélectionné(s)" in w.value for w in at.warning)
    with store(writable_home)() as s:
        assert s.get(ChainLink, link.id) is not None  # asked, nothing removed yet
    at.button(key=f"link:{link.id}:remove:yes").click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        assert s.get(ChainLink, link.id) is None
        removed = s.query(AuditEntry).filter_by(table_name="shortlist_entries", action="delete").count()
        assert removed == suppliers


def test_only_an_administrator_edits_the_funding_schemes(writable_home):
    project = project_of(writable_home, "28")
    coach = open_page("conseiller-normandie", "pages/projet.py", projet=project.id, volet="financements")
    assert not [e for e in coach.expander if "Dispositifs" in e.label]
    at = open_page("administrateur", "pages/projet.py", projet=project.id, volet="financements")
    at.text_input(key="scheme:new:v0:name").input("Prêt d'honneur Normandie")
    at.text_input(key="scheme:new:v0:operator").input("Initiative Normandie")
    at.selectbox(key="scheme:new:v0:kind").set_value(next(iter(rules.FUNDING_KIND_LABELS)))
    at.button(key="scheme:new:v0:submit").click().run()
    assert not at.error, errors(at)
    with store(writable_home)() as s:
        assert s.query(FundingScheme).filter_by(name="Prêt d'honneur Normandie").count() == 1
