"""« Fournisseurs » by AppTest: a supplier established abroad added from the page's form."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from reindus.store.db import make_engine
from reindus.text import formats
from reindus.text.safe import md_text
from tests.support.accounts import sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_a_foreign_supplier_is_added_from_the_form_and_listed_with_its_country(writable_home):
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    at.run()
    at.switch_page("pages/fournisseurs.py").run()
    assert not at.exception, at.exception
    link = at.selectbox(key="sourcing_link").value
    form = next(t for t in at.text_input if t.label == "Nom du fournisseur")
    form.input("Hilatura <i>Ibérica</i> [x](http://example.org)")
    next(s for s in at.selectbox if s.label == "Pays").set_value("ES")
    next(b for b in at.button if b.label == "Ajouter à la présélection").click().run()
    assert not at.exception, at.exception
    name = "Hilatura <i>Ibérica</i> [x](http://example.org)"
    # the name is shown as text: every markdown character escaped (no link, no image, no html)
    assert [s.value for s in at.success] == [md_text(f"« {name} » ajouté à la présélection.")]
    engine = make_engine(f"sqlite:///{writable_home / 'reindus.sqlite'}")
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT supplier_country, siret, status FROM shortlist_entries "
                "WHERE link_id = :l AND supplier_name = :n"
            ),
            {"l": link, "n": name},
        ).one()
        actor = conn.execute(
            text(
                "SELECT actor FROM audit_log WHERE table_name = 'shortlist_entries' "
                "AND action = 'insert' ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    assert tuple(row) == ("ES", None, "identifie") and actor == "admin <admin@demo.reindus.fr>"
    # the same name again (any case) is refused, in French, and nothing is added
    next(t for t in at.text_input if t.label == "Nom du fournisseur").input(
        "HILATURA <i>ibérica</i> [X](http://example.org)"
    )
    next(s for s in at.selectbox if s.label == "Pays").set_value("PT")
    next(b for b in at.button if b.label == "Ajouter à la présélection").click().run()
    assert any("figure déjà" in e.value for e in at.error)
    editor = next(d.value for d in at.dataframe if "remove" in d.value.columns)  # the shortlist editor
    shown = editor.set_index("supplier_name")
    assert shown.at[name, "pays"] == "Espagne" and not shown["remove"].any()


def test_a_synthetic_register_gets_the_demo_banner(writable_home):
    """`reindus register synth` data is fictitious too: the page says so, as « Données » does."""
    from reindus.register import open_register, replace_all, synth_frame

    with open_register(writable_home / "register.duckdb") as reg:
        replace_all(reg, synth_frame(20_000, seed=1))
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    at.run()
    at.switch_page("pages/fournisseurs.py").run()
    assert not at.exception, at.exception
    assert any("Données de démonstration" in w.value for w in at.warning)


def _metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(str(m.value).replace("\u202f", "").replace("\u00a0", "")) for m in at.metric}


def test_the_counts_before_any_list_or_export_follow_every_filter(writable_home):
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    at.run()
    at.switch_page("pages/fournisseurs.py").run()
    every = _metrics(at)
    at.toggle(key="sourcing_employer").set_value(True).run()
    employers = _metrics(at)
    at.multiselect(key="sourcing_categories").set_value(["ETI", "GE"]).run()
    larger = _metrics(at)
    assert not at.exception, at.exception
    for label in ("Candidats dans la région", "Candidats dans le périmètre", "Candidats en France"):
        assert every[label] > employers[label] >= larger[label], label  # France too, not the region only
    assert employers["Candidats en France"] > larger["Candidats en France"] > 0
    export = next(b for b in at.get("download_button") if "CSV" in b.proto.label)
    assert f"({larger['Candidats dans le périmètre']} ligne" in export.proto.label


def test_a_shortlisted_supplier_closed_since_is_flagged_on_the_shortlist_and_the_chain(writable_home):
    from datetime import date

    from reindus.register import open_register

    engine = make_engine(f"sqlite:///{writable_home / 'reindus.sqlite'}")
    with engine.connect() as conn:
        link, project, siret, name = conn.execute(
            text(
                "SELECT e.link_id, l.project_id, e.siret, e.supplier_name FROM shortlist_entries e "
                "JOIN chain_links l ON l.id = e.link_id JOIN projects p ON p.id = l.project_id "
                "WHERE e.siret IS NOT NULL AND NOT p.archived ORDER BY e.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    with open_register(writable_home / "register.duckdb") as reg, reg.cursor() as cur:  # next month's stock
        cur.execute(
            "UPDATE establishments SET active = false, closed_since = ? WHERE siret = ?",
            [date.today(), siret],
        )
    flag = f"fermé depuis le {formats.day(date.today())}"
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "administrateur")
    at.run()
    at.switch_page("pages/fournisseurs.py").run()
    at.selectbox(key="sourcing_project").set_value(project).run()
    at.selectbox(key="sourcing_link").set_value(link).run()
    assert not at.exception, at.exception
    editor = next(d.value for d in at.dataframe if "remove" in d.value.columns).set_index("supplier_name")
    assert editor.at[name, "etat"] == flag
    at.switch_page("pages/chaine.py").run()
    at.selectbox(key="chain_project").set_value(project).run()
    assert any(md_text(name) in w.value and flag in w.value for w in at.warning), [
        w.value for w in at.warning
    ]


def test_a_sole_traders_name_goes_to_a_coach_and_never_to_the_presidence(writable_home):
    """A sole trader is a person: the name (diffusible) is shown to a signed-in coach, masked otherwise."""
    from reindus.register import MASKED_NAME, open_register

    with open_register(writable_home / "register.duckdb", read_only=True) as reg, reg.cursor() as cur:
        code, name = cur.execute(
            "SELECT naf, any_value(name) FROM establishments WHERE active AND legal_category = '1000' "
            "AND departement IN ('14', '27', '50', '61', '76') GROUP BY naf "
            "ORDER BY (SELECT count(*) FROM establishments e WHERE e.naf = establishments.naf) LIMIT 1"
        ).fetchone()

    def candidates(account: str) -> set[str]:
        at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), account)
        at.run()
        at.switch_page("pages/fournisseurs.py").run()
        at.selectbox(key="sourcing_link").set_value(0).run()  # « Recherche libre »
        at.text_input(key="sourcing_query").input(code).run()
        assert not at.exception, at.exception
        table = next(d.value for d in at.dataframe if "score" in d.value.columns)
        return set(table["name"])

    coach = candidates("conseiller-normandie")
    assert name in coach and MASKED_NAME not in coach
    presidence = candidates("presidence")
    assert name not in presidence and MASKED_NAME in presidence
