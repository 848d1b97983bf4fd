"""The « Brief de la région » PDF on the demo: it opens, one A4 page per section, the region's headline
figures as selectable text (checked against the store with SQL), fonts embedded, the demo watermark."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pypdf
import pytest
from sqlalchemy import text

from reindus import brief
from reindus.cli import main
from reindus.errors import UserError
from reindus.reference.territory import PILOT_REGIONS
from reindus.store.db import make_engine
from reindus.text import formats

EDITION = 2025
AS_OF = date(2026, 11, 20)


def _plain(value: str) -> str:
    """Extracted text with every kind of space as one plain space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


@pytest.fixture(scope="module")
def engine(demo_home):
    eng = make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}")
    yield eng
    eng.dispose()


def _scalar(engine, sql: str, **params) -> float:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


@dataclass
class Built:
    reader: pypdf.PdfReader
    pages: list[str]


@pytest.fixture(scope="module", params=[r.code for r in PILOT_REGIONS])
def built(request, engine, demo_home) -> tuple[str, Built]:
    pdf = brief.build_brief(engine, demo_home / "register.duckdb", request.param, EDITION, AS_OF)
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
    region = next(r.name for r in PILOT_REGIONS if r.code == code)
    assert f"Brief de la région {region}" in first and f"Édition {EDITION}" in first
    where = "region_code = :code AND edition = :edition"
    projects = _scalar(engine, f"SELECT count(*) FROM projects WHERE {where}", code=code, edition=EDITION)
    jobs = _scalar(engine, f"SELECT sum(target_jobs) FROM projects WHERE {where}", code=code, edition=EDITION)
    granted = _scalar(
        engine,
        "SELECT coalesce(sum(a.amount_granted), 0) FROM funding_applications a JOIN projects p "
        f"ON a.project_id = p.id WHERE a.status = 'accorde' AND p.{where.replace(' AND ', ' AND p.')}",
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


def test_unknown_region_or_edition_is_a_french_user_error(engine, demo_home):
    with pytest.raises(UserError, match="région pilote"):
        brief.build_content(engine, demo_home / "register.duckdb", "84", EDITION)
    with pytest.raises(UserError, match="Édition 2022 : aucun projet de la région Île-de-France"):
        brief.build_content(engine, demo_home / "register.duckdb", "11", 2022)


def test_command_line_writes_the_pdf(demo_env, tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    assert main(["brief", "--region", "28", "--edition", "2026", "-o", str(out), "--date", "2026-11-20"]) == 0
    assert len(pypdf.PdfReader(out).pages) == 5
    assert "Brief écrit" in capsys.readouterr().out
    assert main(["brief", "--region", "99", "--edition", "2026", "-o", str(out)]) == 1


class _Viewer:
    def __init__(self, *roles: str) -> None:
        self.roles = roles


def test_who_may_download_the_brief():
    assert brief.may_download_brief(None, public=False)  # no sign-in yet: every non-atelier session
    assert not brief.may_download_brief(None, public=True)  # never on a shared screen
    assert brief.may_download_brief(_Viewer("presidence"), public=False)
    assert brief.may_download_brief(_Viewer("conseiller", "administrateur"), public=False)
    assert not brief.may_download_brief(_Viewer("conseiller"), public=False)
    assert not brief.may_download_brief(_Viewer("presidence"), public=True)
