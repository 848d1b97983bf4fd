"""Legal units, the one name rule, withheld persons and sole traders, and the monthly refresh."""

from __future__ import annotations

import pandas as pd
import pytest

from reindus import register
from reindus.ingest import establishments, legal_units
from reindus.reference.siret import make_siret
from reindus.store.db import init_schema, make_engine
from tests.fixtures.sirene import (
    ESTABLISHMENT_2024,
    LEGAL_UNIT_2019,
    LEGAL_UNIT_2025_12,
    ND,
    establishment,
    legal_unit,
    write_csv,
    write_zip,
)


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_schema(eng)
    yield eng
    eng.dispose()


COMPANY, SIGNED, PERSON, HIDDEN, ACRONYM = "55203253", "40348390", "81234567", "82345678", "83456789"


def _establishments():
    return [
        establishment(COMPANY, 1),
        establishment(COMPANY, 2, naf="25.62A"),
        establishment(SIGNED, 1, sign="MÉCA-PLUS"),
        establishment(PERSON, 1, band="NN", employer="N"),
        establishment(HIDDEN, 1, diffusion="P", band="NN", employer="N"),
        establishment(ACRONYM, 1, band="42"),
    ]


def _units():
    return [
        legal_unit(COMPANY, denomination="TISSAGE DE ROUEN", company_category="PME"),
        legal_unit(SIGNED, denomination="MECANIQUE GENERALE DU VEXIN", company_category="ETI"),
        legal_unit(
            PERSON, surname="DUPONT", usage_name="MARTIN", first_name="JEANNE", usual_first_name="JEANNE",
            legal_category="1000", company_category="PME",
        ),
        legal_unit(HIDDEN, diffusion="P", legal_category="1000", company_category="PME"),
        legal_unit(ACRONYM, acronym="SNCF", company_category="GE", legal_category="5510", mission="true"),
    ]  # fmt: skip


def _load(engine, tmp_path, kind, path, **kwargs):
    module = establishments if kind == "establishments" else legal_units
    result = module.run_import_path(
        path, engine=engine, actor="t", register_path=tmp_path / "register.duckdb", **kwargs
    )
    assert result.ok and result.applied, result.problems.lines()
    return result


def _shown(tmp_path, *, show_personal_names=False) -> dict[str, str]:
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        frame = register.by_siret(
            reg,
            [make_siret(s, "1") for s in (COMPANY, SIGNED, PERSON, HIDDEN, ACRONYM)],
            show_personal_names=show_personal_names,
        )
    return dict(zip(frame["siret"].str[:8], frame["name"], strict=True))


@pytest.mark.parametrize("order", ["establishments first", "legal units first"])
def test_the_name_shown_whichever_file_comes_first(engine, tmp_path, order):
    etab = write_csv(tmp_path / "StockEtablissement_utf8.csv", _establishments(), ESTABLISHMENT_2024)
    units = write_zip(tmp_path / "StockUniteLegale_utf8.zip", _units(), LEGAL_UNIT_2025_12)
    steps = [("establishments", etab), ("legal-units", units)]
    for kind, path in steps if order == "establishments first" else steps[::-1]:
        _load(engine, tmp_path, kind, path)
    expected = {
        COMPANY: "TISSAGE DE ROUEN",
        SIGNED: "MÉCA-PLUS",  # its sign wins over its legal unit's name
        PERSON: register.MASKED_NAME,  # a sole trader: a person's name, masked by default
        HIDDEN: register.NOT_DIFFUSIBLE,
        ACRONYM: "SNCF",
    }
    assert _shown(tmp_path) == expected
    assert _shown(tmp_path, show_personal_names=True)[PERSON] == "MARTIN JEANNE"
    assert _shown(tmp_path, show_personal_names=True)[HIDDEN] == register.NOT_DIFFUSIBLE
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        cur = reg.cursor()
        stored = cur.execute("SELECT * FROM legal_units ORDER BY siren").df().set_index("siren")
        (nd,) = cur.execute(
            "SELECT count(*) FROM (SELECT name FROM legal_units UNION ALL SELECT legal_name FROM establishments "
            "UNION ALL SELECT name FROM establishments) WHERE contains(name, ?)",
            [ND],
        ).fetchall()[0]
        categories = dict(
            cur.execute("SELECT siren, company_category FROM establishments WHERE nic = '00018'").fetchall()
        )
    assert nd == 0
    hidden = stored.loc[make_siret(HIDDEN, "1")[:9]]
    assert pd.isna(hidden["name"]) and not hidden["diffusible"]
    assert stored.loc[make_siret(ACRONYM, "1")[:9], "mission"]
    assert set(categories.values()) <= {"PME", "ETI", "GE"}


def test_candidates_filter_employers_and_company_categories(engine, tmp_path):
    _load(engine, tmp_path, "legal-units", write_csv(tmp_path / "ul.csv", _units(), LEGAL_UNIT_2019))
    _load(
        engine,
        tmp_path,
        "establishments",
        write_csv(tmp_path / "e.csv", _establishments(), ESTABLISHMENT_2024),
    )
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        every = register.candidates(reg)
        employers = register.candidates(reg, employer_only=True)
        large = register.candidates(reg, company_categories=["eti", "GE"])
        with pytest.raises(ValueError, match="PME, ETI ou GE"):
            register.candidates(reg, company_categories=["TPE"])
    assert len(every) == 6 and len(employers) == 4
    assert sorted(large["name"]) == ["MÉCA-PLUS", "SNCF"]
    assert (every["name"] != ND).all() and register.NOT_DIFFUSIBLE in set(every["name"])


def test_legal_unit_defects_are_listed_with_their_line(engine, tmp_path):
    rows = _units()
    rows[1]["siren"] = rows[1]["siren"][:-1] + ("0" if rows[1]["siren"][-1] != "0" else "1")
    rows[2]["categorieEntreprise"] = "TPE"
    result = legal_units.run_import_path(
        write_csv(tmp_path / "ul.csv", rows, LEGAL_UNIT_2019),
        engine=engine,
        actor="t",
        register_path=tmp_path / "register.duckdb",
    )
    assert not result.applied
    assert {(p.line, p.column) for p in result.problems.items} == {
        (3, "siren"),
        (4, "categorieEntreprise"),
    }


def test_monthly_refresh_updates_in_place(engine, tmp_path):
    first = _establishments()
    _load(engine, tmp_path, "establishments", write_csv(tmp_path / "m1.csv", first, ESTABLISHMENT_2024))
    _load(engine, tmp_path, "legal-units", write_csv(tmp_path / "u1.csv", _units(), LEGAL_UNIT_2019))
    second = _establishments()[:3]
    second[0] = establishment(COMPANY, 1, state="F", since="2026-01-31", band="NN")
    second[2] = establishment(SIGNED, 1, sign="MECA PLUS 2", naf="25.62B", band="21")
    result = _load(
        engine, tmp_path, "establishments", write_csv(tmp_path / "m2.csv", second, ESTABLISHMENT_2024)
    )
    assert result.summary.english == "0 added, 2 updated, 1 unchanged"
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        rows = register.by_siret(reg, [make_siret(COMPANY, "1"), make_siret(SIGNED, "1")]).set_index("nic")
        (total,) = reg.cursor().execute("SELECT count(*) FROM establishments").fetchall()[0]
    assert total == 6  # the establishments absent from the new file stay as they were
    closed = rows.loc[make_siret(COMPANY, "1")[9:]]
    assert not closed["active"] and str(closed["closed_since"])[:10] == "2026-01-31"
    assert closed["name"] == "TISSAGE DE ROUEN"  # still completed from its legal unit
    signed = rows.loc[make_siret(SIGNED, "1")[9:]]
    assert (signed["name"], signed["naf"], signed["band"]) == ("MECA PLUS 2", "25.62B", "21")


def test_shortlisted_supplier_closed_since_is_flagged(engine, tmp_path):
    from datetime import UTC, datetime

    from reindus.sourcing import closures

    _load(
        engine,
        tmp_path,
        "establishments",
        write_csv(tmp_path / "m1.csv", _establishments(), ESTABLISHMENT_2024),
    )
    later = [
        establishment(COMPANY, 1, state="F", since="2026-01-31", band="NN"),
        establishment(COMPANY, 2, naf="25.62A", state="F", since="2020-05-04", band="NN"),
        establishment(SIGNED, 1, sign="MÉCA-PLUS"),
    ]
    _load(engine, tmp_path, "establishments", write_csv(tmp_path / "m2.csv", later, ESTABLISHMENT_2024))
    shortlisted = datetime(2025, 11, 3, 14, 0, tzinfo=UTC)
    shortlist = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "siret": [make_siret(COMPANY, "1"), make_siret(COMPANY, "2"), make_siret(SIGNED, "1"), None],
            "supplier_name": ["Tissage", "Tissage bis", "Méca", "Fournisseur à Turin"],
            "created_at": [shortlisted] * 4,
        }
    )
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        flagged = closures.closed_entries(reg, shortlist)
    # closed in January 2026, after it was shortlisted; the other closed before: not « since »
    assert flagged["id"].tolist() == [1]
    assert flagged["closure"].tolist() == ["fermé depuis le 31 janvier 2026"]


def test_naf_2025_search_and_observed_correspondence(engine, tmp_path):
    from reindus.sourcing import candidates as sourcing
    from tests.fixtures.sirene import ESTABLISHMENT_2025_12

    rows = [
        establishment(COMPANY, 1, naf="13.20Z", naf25="13.20Y"),
        establishment(COMPANY, 2, naf="13.20Z", naf25="13.20Y"),
        establishment(COMPANY, 3, naf="13.20Z", naf25="13.91Y"),
        establishment(SIGNED, 1, naf="25.62A", naf25=""),
    ]
    _load(engine, tmp_path, "establishments", write_csv(tmp_path / "e.csv", rows, ESTABLISHMENT_2025_12))
    terms = sourcing.search_terms("13.20Y")
    assert terms.codes == ("13.20Y",) and "NAF 2025" in terms.describe()
    assert {"13.20Z", "13.20Y"} <= set(sourcing.search_terms("tissage").codes)
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        by25 = register.candidates(reg, naf_codes=["13.20Y"])
        by2 = register.candidates(reg, naf_codes=["13.20Z"])
        observed = register.naf_correspondence(reg, ["13.20Z", "13.20Y", "25.62A"])
    assert sorted(by25["nic"]) == [make_siret(COMPANY, "1")[9:], make_siret(COMPANY, "2")[9:]]
    assert (by25["naf_match"] == "exact").all() and len(by2) == 3
    # observed from the double-coded rows only; a 2025 code string is never read as a rév. 2 one
    assert observed[["naf", "naf25", "establishments"]].values.tolist() == [
        ["13.20Z", "13.20Y", 2],
        ["13.20Z", "13.91Y", 1],
    ]
    assert observed["share"].round(3).tolist() == [0.667, 0.333]


def test_a_link_in_naf_2025_finds_candidates_by_their_naf_2025_code_only(engine, tmp_path):
    """« 25.62Y » (NAF 2025: locks and fittings) is not « 25.62A » (rév. 2: bar turning) nor anything
    under the rév. 2 prefix « 25.62 »: a 2025-coded link matches the register's NAF 2025 column."""
    from reindus.sourcing import candidates as sourcing
    from reindus.sourcing import gaps
    from tests.fixtures.sirene import ESTABLISHMENT_2025_12

    rows = [
        establishment(COMPANY, 1, naf="25.62A", naf25="25.62Y"),  # double-coded: found by its 2025 code
        establishment(COMPANY, 2, naf="25.62A", naf25=""),  # same rév. 2 code, no 2025 one: not found
        establishment(COMPANY, 3, naf="25.72Z", naf25="25.62Y"),
        establishment(SIGNED, 1, naf="25.62B", naf25="24.10Y"),
    ]
    _load(engine, tmp_path, "establishments", write_csv(tmp_path / "e.csv", rows, ESTABLISHMENT_2025_12))
    terms = sourcing.search_terms("25.62Y")  # a link's codes, as its page and the counts read them
    with register.open_register(tmp_path / "register.duckdb", read_only=True) as reg:
        found = register.candidates(reg, naf_codes=terms.codes, naf_prefixes=terms.prefixes)
        counted = register.counts_by_departement(reg, naf_codes=terms.codes)
        by_activity = gaps.register_counts(reg, ["25.62Y", "25.62A", "25"])
        observed = register.naf_correspondence(reg, ["25.62Y"])
    assert sorted(found["siret"]) == [make_siret(COMPANY, "1"), make_siret(COMPANY, "3")]
    assert int(counted["establishments"].sum()) == 2
    totals = {a: int(f["establishments"].sum()) for a, f in by_activity.items()}
    assert totals == {"25.62Y": 2, "25.62A": 2, "25": 4}  # the prefix reads rév. 2 codes only
    # what leads to the 2025 code, the share over each rév. 2 code's double-coded establishments
    assert observed[["naf", "naf25", "establishments", "share"]].values.tolist() == [
        ["25.62A", "25.62Y", 1, 1.0],
        ["25.72Z", "25.62Y", 1, 1.0],
    ]


def test_a_register_of_an_earlier_version_says_how_to_upgrade(tmp_path, monkeypatch):
    import duckdb

    from reindus.cli import main

    path = tmp_path / "register.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE establishments (siret VARCHAR, name VARCHAR)")
    con.close()
    with pytest.raises(register.RegisterError, match="reindus register migrate"):
        register.open_register(path, read_only=True)
    monkeypatch.setenv("REINDUS_HOME", str(tmp_path))
    assert main(["register", "migrate"]) == 0
    with register.open_register(path, read_only=True) as reg:
        assert set(register.COLUMNS) <= set(reg.cursor().execute("SELECT * FROM establishments").df().columns)
