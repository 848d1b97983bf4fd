"""The « Brief de la région » PDF on the demo: it opens, one A4 page per section, the region's headline
figures as selectable text (checked against the store with SQL), sources and dates, fonts embedded, the
demo watermark; only the présidence and the administrateurs may have it; the command line writes it."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pypdf
import pytest
from sqlalchemy import text

from reindus import brief, register
from reindus.auth import ANONYMOUS_SCOPE, Role, Scope
from reindus.cli import main
from reindus.errors import PermissionDeniedError, UserError
from reindus.programme import regions
from reindus.sourcing import gaps
from reindus.store.db import make_engine
from reindus.text import formats

EDITION = 2025
AS_OF = date(2026, 11, 20)
ADMIN = Scope(Role.ADMIN)
PRESIDENCE = Scope(Role.PRESIDENCE)
# The regions the demo's store lists (checked below), so that each gets its own brief.
DEMO_REGIONS = ("28", "11", "32", "27")


def _plain(value: str) -> str:
    """Extracted text with every kind of space as one plain space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


@pytest.fixture(scope="module")
def engine(demo_home):
    eng = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def reg(demo_home):
    with register.open_register(demo_home / "register.duckdb", read_only=True) as opened:
        yield opened


def _scalar(engine, sql: str, **params) -> float:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


@dataclass
class Built:
    reader: pypdf.PdfReader
    pages: list[str]


@pytest.fixture(scope="module", params=DEMO_REGIONS)
def built(request, engine, reg) -> tuple[str, Built]:
    pdf = brief.build_brief(PRESIDENCE, engine, reg, request.param, EDITION, AS_OF)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return request.param, Built(reader, [_plain(p.extract_text()) for p in reader.pages])


def test_one_a4_page_per_section_with_the_watermark(built):
    _, doc = built
    assert len(doc.reader.pages) == len(brief.SECTIONS) == 5
    for page, title in zip(doc.pages, brief.SECTIONS, strict=True):
        assert title in page
        assert brief.WATERMARK in page  # the « démo » watermark on every page of demo data
        assert "Source" in page
    box = doc.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_headline_figures_are_the_stores_as_text(built, engine):
    code, doc = built
    first = doc.pages[0]
    region = regions.load(engine).region(code).name
    assert f"Brief de la région {region}" in first and f"Édition {EDITION}" in first
    where = "region_code = :code AND edition = :edition"
    projects = _scalar(engine, f"SELECT count(*) FROM projects WHERE {where}", code=code, edition=EDITION)
    jobs = _scalar(engine, f"SELECT sum(target_jobs) FROM projects WHERE {where}", code=code, edition=EDITION)
    granted = _scalar(
        engine,
        "SELECT coalesce(sum(a.amount_granted), 0) FROM funding_applications a JOIN projects p "
        f"ON a.project_id = p.id WHERE a.status IN ('accorde', 'verse') AND p.{where.replace(' AND ', ' AND p.')}",
        code=code,
        edition=EDITION,
    )
    observed = _scalar(
        engine, f"SELECT sum(jobs_observed_end) FROM projects WHERE {where}", code=code, edition=EDITION
    )
    assert f"Projets accompagnés {formats.number(projects)} " in first
    assert f"Emplois prévus {formats.number(jobs)} ".replace("\u202f", " ") in first
    assert _plain(f"Financements accordés {formats.euros(granted)}") in first
    want_observed = "non renseigné" if observed is None else formats.number(observed)
    assert _plain(f"Emplois constatés en fin de programme {want_observed}") in first


def test_fonts_are_embedded(built):
    _, doc = built
    fonts = doc.reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        if font.get("/Subtype") == "/Type0":
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        else:
            descriptor = font["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


def test_the_gaps_page_names_no_company(built, engine):
    _, doc = built
    with engine.connect() as conn:
        suppliers = {n for (n,) in conn.execute(text("SELECT supplier_name FROM shortlist_entries"))}
    assert not [n for n in suppliers if len(n) > 6 and n in doc.pages[4]]


def test_unknown_region_or_edition_is_a_french_user_error(engine, reg):
    with pytest.raises(UserError, match="région du programme"):
        brief.build_brief(ADMIN, engine, reg, "84", EDITION)
    with pytest.raises(UserError, match="Édition 2022 : aucun projet de la région Île-de-France"):
        brief.build_content(engine, reg, "11", 2022)


def test_command_line_writes_the_pdf(demo_env, tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    assert main(["brief", "--region", "28", "--edition", "2026", "-o", str(out), "--date", "2026-11-20"]) == 0
    assert len(pypdf.PdfReader(out).pages) == 5
    assert "Brief écrit" in capsys.readouterr().out
    text_of_page1 = _plain(pypdf.PdfReader(out).pages[0].extract_text())
    assert "Brief de la région Normandie" in text_of_page1 and "Édition 2026" in text_of_page1
    assert main(["brief", "--region", "99", "--edition", "2026", "-o", str(tmp_path / "no.pdf")]) == 1
    assert "le brief porte sur une région du programme" in capsys.readouterr().err
    assert main(["brief", "--region", "28", "--edition", "2026", "-o", str(out), "--date", "20/11/2026"]) == 1
    assert "n'est pas une date AAAA-MM-JJ" in capsys.readouterr().err
    assert not (tmp_path / "no.pdf").exists()


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (ANONYMOUS_SCOPE, "réservé à la présidence et aux administrateurs : connectez-vous"),
        (Scope(Role.CONSEILLER, frozenset({"28"})), r"Votre rôle \(conseiller\) ne permet pas"),
    ],
)
def test_the_brief_is_refused_to_a_coach_and_to_the_anonymous_view(scope, message):
    assert not brief.may_download_brief(scope)
    # refused before anything is read: no store, no register
    with pytest.raises(PermissionDeniedError, match=message):
        brief.build_brief(scope, None, None, "28", EDITION)


def test_the_presidence_and_the_administrateurs_may_have_it():
    assert brief.may_download_brief(PRESIDENCE) and brief.may_download_brief(ADMIN)


def test_the_demo_lists_the_regions_briefed_here(engine):
    assert set(regions.load(engine).codes) == set(DEMO_REGIONS)


def test_every_page_says_its_source_and_date(built):
    _, doc = built
    for page in doc.pages:
        assert "Source" in page and "état au 20 novembre 2026" in page
    assert "Généré le" in doc.pages[0] and "et Relocalisations.fr" in doc.pages[0]


def test_deltas_against_the_previous_edition_and_the_regions_side_by_side(built, engine):
    code, doc = built
    first = doc.pages[0]
    assert f"Édition {EDITION - 1}" in first and "Écart" in first
    assert f"écarts avec l'édition {EDITION - 1}, même région" in first
    for name in regions.load(engine).names:
        assert name in doc.pages[1]
    assert "Les quatre régions du programme" in doc.pages[1]


def test_progress_and_where_suppliers_were_found(built):
    _, doc = built
    assert "rétroplanning" in doc.pages[2] and "Projets par état d'avancement" in doc.pages[2]
    for origin in ("Dans la région", "Ailleurs en France", "À l'étranger"):
        assert origin in doc.pages[3]


def test_the_gaps_page_lists_the_regions_gaps_with_national_counts_and_sources(built, engine, reg):
    code, doc = built
    page = doc.pages[4]
    content = brief.build_content(engine, reg, code, EDITION, AS_OF)
    assert "Établis sements actifs en France" in page or "actifs en France" in page
    for row in content.gaps.itertuples():
        assert f"{row.activity} –" in page
    assert "registre des établissements (démo, " in page and "(division NAF)" in page
    assert _plain(gaps.DEFINITION)[:60] in page
