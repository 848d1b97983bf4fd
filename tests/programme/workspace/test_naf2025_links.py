"""Supply-chain links in either NAF: NAF rév. 2 (« 13.20Z ») or NAF 2025 (« 13.20Y »). A link is in one
nomenclature, which it stores; the form and the links import check it with the same rule and the same
words; the history reads it; the export carries it and re-imports unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reindus.exchange import tables as export_tables
from reindus.ingest.importer import run_import
from reindus.programme.workspace import history, links
from reindus.programme.workspace.rules import FormError
from reindus.store.models import ChainLink
from tests.programme.workspace.samples import ACTOR, create

MIXED = (
    "codes de deux nomenclatures dans un même maillon (13.20Z : NAF rév. 2 ; 13.20Y : NAF 2025) : un "
    "maillon s'exprime dans une seule, NAF rév. 2 ou NAF 2025"
)


def test_a_link_in_naf_2025_stores_its_nomenclature_and_one_link_is_in_one(Session):
    project = create(Session)
    with Session.begin() as s:
        weaving = links.add_link(
            s, project.id, {"tier": "fabrication", "label": "Tissage", "naf_codes": "1320y"}, ACTOR
        )
        spinning = links.add_link(
            s,
            project.id,
            {"tier": "transformation", "label": "Filature", "naf_codes": "13.10Y", "naf_version": "NAF 2025"},
            ACTOR,
        )
        empty = links.add_link(s, project.id, {"tier": "distribution", "label": "Vente"}, ACTOR)
    assert (weaving.naf_codes, weaving.naf_version) == ("13.20Y", "NAF2025")  # the codes say which
    assert (spinning.naf_codes, spinning.naf_version) == ("13.10Y", "NAF2025")
    assert (empty.naf_codes, empty.naf_version) == ("", "NAFRev2")

    refusals = {
        "13.20Z, 13.20Y": MIXED,
        "99.99Z": "« 99.99Z » n'existe ni dans la NAF rév. 2 ni dans la NAF 2025",
    }
    for codes, reason in refusals.items():
        with pytest.raises(FormError) as caught, Session.begin() as s:
            links.add_link(s, project.id, {"tier": "matiere", "label": "Lin", "naf_codes": codes}, ACTOR)
        assert caught.value.errors == {"naf_codes": reason}
    with pytest.raises(FormError) as caught, Session.begin() as s:
        links.add_link(
            s,
            project.id,
            {"tier": "matiere", "label": "Lin", "naf_codes": "13.10Z", "naf_version": "NAF2025"},
            ACTOR,
        )
    assert caught.value.errors["naf_codes"].startswith(
        "« 13.10Z » est un code de la NAF rév. 2, or le maillon"
    )


def test_a_link_edit_changes_its_nomenclature_with_its_codes_and_the_history_restores_both(Session):
    project = create(Session)
    with Session.begin() as s:
        link = links.add_link(
            s, project.id, {"tier": "fabrication", "label": "Tissage", "naf_codes": "13.20Z"}, ACTOR
        )
    with pytest.raises(FormError) as caught, Session.begin() as s:  # the codes stay rév. 2
        links.update_link(s, link.id, 1, {"naf_version": "NAF2025"}, ACTOR)
    assert caught.value.errors["naf_codes"].startswith("« 13.20Z » est un code de la NAF rév. 2")
    with Session.begin() as s:
        link = links.update_link(s, link.id, 1, {"naf_codes": "13.20Y", "naf_version": "NAF2025"}, ACTOR)
        assert (link.naf_codes, link.naf_version, link.version) == ("13.20Y", "NAF2025", 2)
    with Session.begin() as s:  # new codes alone, in the link's nomenclature
        assert links.update_link(s, link.id, 2, {"naf_codes": "13.91Y"}, ACTOR).naf_version == "NAF2025"
    with Session() as s:
        rows = history.project_history(s, project.id)
    change = rows[rows["field"] == "naf_version"].iloc[0]
    assert (change["label"], change["before"], change["after"]) == (
        "Nomenclature NAF",
        "NAF rév. 2",
        "NAF 2025",
    )
    with Session.begin() as s:  # back to the rév. 2 codes: their nomenclature comes back with them
        history.restore(s, int(change["entry_id"]), "naf_codes", 3, ACTOR)
    with Session() as s:
        link = s.get(ChainLink, link.id)
        assert (link.naf_codes, link.naf_version) == ("13.20Z", "NAFRev2")


LINKS_CSV = """projet;édition;maillon;niveau;libellé;codes NAF;nomenclature NAF
Tissage du Vexin;2024;1;matière première;Lin;01.16Z;
Tissage du Vexin;2024;2;transformation;Filature;13.10Y;
Tissage du Vexin;2024;3;fabrication;Tissage;13.20Y;NAF 2025
"""


def test_the_links_import_reads_either_nomenclature_and_names_file_line_and_column(engine, Session):
    create(Session)
    result = run_import("links", LINKS_CSV.encode(), "chaine.csv", engine=engine, actor="test")
    assert result.ok, result.problems.lines()
    with Session() as s:
        stored = s.execute(
            select(ChainLink.position, ChainLink.naf_codes, ChainLink.naf_version).order_by(
                ChainLink.position
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        (1, "01.16Z", "NAFRev2"),
        (2, "13.10Y", "NAF2025"),
        (3, "13.20Y", "NAF2025"),
    ]

    bad = (
        LINKS_CSV.replace("13.10Y;", "13.10Z, 13.10Y;")
        .replace("13.20Y;NAF 2025", "13.20Z;NAF 2025")
        .replace("01.16Z;", "01.99Z;")
    )
    result = run_import("links", bad.encode(), "chaine.csv", engine=engine, actor="test")
    assert not result.ok
    assert result.problems.lines() == [
        "chaine.csv, ligne 2, colonne « codes NAF », valeur « 01.99Z » : « 01.99Z » n'existe ni dans la "
        "NAF rév. 2 ni dans la NAF 2025",
        "chaine.csv, ligne 3, colonne « codes NAF », valeur « 13.10Z, 13.10Y » : "
        + MIXED.replace("13.20", "13.10"),
        "chaine.csv, ligne 4, colonne « codes NAF », valeur « 13.20Z » : « 13.20Z » est un code de la NAF "
        "rév. 2, or le maillon est en NAF 2025 : choisissez ses codes dans cette nomenclature",
    ]
    result = run_import(
        "links", LINKS_CSV.replace(";NAF 2025", ";NAF 1993").encode(), "chaine.csv", engine=engine, actor="t"
    )
    assert [p.column for p in result.problems.items] == ["nomenclature NAF"]
    assert "valeur inconnue (attendu : NAF rév. 2, NAF 2025)" in result.problems.lines()[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_chain_in_both_nomenclatures_exports_and_reimports_unchanged(engine, Session, fmt):
    project = create(Session)
    with Session.begin() as s:
        links.add_link(s, project.id, {"tier": "matiere", "label": "Lin", "naf_codes": "01.16Z"}, ACTOR)
        links.add_link(
            s, project.id, {"tier": "fabrication", "label": "Tissage", "naf_codes": "13.20Y"}, ACTOR
        )
    frame = export_tables.frame("links", engine)
    assert frame[["codes NAF", "nomenclature NAF"]].values.tolist() == [
        ["01.16Z", "NAF rév. 2"],
        ["13.20Y", "NAF 2025"],
    ]
    result = run_import(
        "links", export_tables.to_bytes(frame, fmt), f"export.{fmt}", engine=engine, actor="t"
    )
    assert result.ok, result.problems.lines()[:3]
    assert result.summary.english.startswith("0 added, 0 updated")
