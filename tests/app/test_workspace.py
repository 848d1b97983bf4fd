"""AppTest of the coach workspace with the demo accounts: « Mes projets », « Nouveau projet », the
project page's forms (record, stages, chain, funding, history); scope refused on the server."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from reindus.store.db import make_engine, session_factory
from reindus.store.models import Project
from tests.support.accounts import sign_in
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
    return "\n".join(e.value for e in at.error)


def test_mes_projets_asks_an_anonymous_visitor_to_sign_in(writable_home):
    at = open_page(None, "pages/mes_projets.py")
    assert any("Connectez-vous" in i.value for i in at.info)
    assert not at.dataframe


def test_a_normandie_coach_sees_normandie_projects_and_what_waits(writable_home):
    at = open_page("conseiller-normandie", "pages/mes_projets.py")
    projects, todo = at.dataframe[0].value, at.dataframe[1].value
    assert set(projects["Région"]) == {"Normandie"}
    assert projects["Fiche"].str.startswith("/projet?projet=").all()
    assert todo["Où"].str.match(r"^/(projet|fournisseurs)\?").all()
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
