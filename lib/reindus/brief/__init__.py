"""« Brief de la région »: the figures a CCI president takes to the bureau, the région or the press, as a PDF.

pdf_bytes = build_brief(viewer.scope, engine, reg, "28", 2026)
    # PermissionDeniedError (French) unless présidence or administrateur;
    # UserError (French) for a region outside the programme or an edition without its projects
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from reindus.auth import Scope
from reindus.brief.content import BriefContent, build_content
from reindus.brief.pdf import SECTIONS, WATERMARK, render
from reindus.brief.permissions import BRIEF_ROLES, may_download_brief, require_brief
from reindus.register import Register


def build_brief(
    scope: Scope,
    engine: Engine,
    reg: Register | None,
    region_code: str,
    edition: int,
    as_of: date | None = None,
) -> bytes:
    """The PDF of a region's edition for a viewer who may have it; checked before anything is read."""
    require_brief(scope)
    return render(build_content(engine, reg, region_code, edition, as_of))


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
    "require_brief",
]
