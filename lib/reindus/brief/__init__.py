"""« Brief de la région »: the figures a CCI president takes to the bureau, the région or the press, as a PDF.

pdf_bytes = build_brief(engine, register_path, "28", 2026)   # UserError (French) for a bad region/edition
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from reindus.brief.content import BriefContent, build_content
from reindus.brief.pdf import SECTIONS, WATERMARK, render
from reindus.brief.permissions import BRIEF_ROLES, may_download_brief


def build_brief(
    engine: Engine, register_path: Path | str, region_code: str, edition: int, as_of: date | None = None
) -> bytes:
    return render(build_content(engine, register_path, region_code, edition, as_of))


def file_name(region_code: str, edition: int) -> str:
    return f"brief_region_{region_code}_{edition}.pdf"


__all__ = [
    "BRIEF_ROLES",
    "SECTIONS",
    "WATERMARK",
    "BriefContent",
    "build_brief",
    "build_content",
    "file_name",
    "may_download_brief",
    "render",
]
