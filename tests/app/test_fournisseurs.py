"""« Fournisseurs » by AppTest: a supplier established abroad added from the page's form."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from reindus.store.db import make_engine
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
