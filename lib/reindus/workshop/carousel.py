"""The carousel's settings read from its link: `?vues=tableau-de-bord,avancement,industrie,region-28&secondes=20`."""

from __future__ import annotations

from collections.abc import Mapping

from reindus.reference.territory import regions
from reindus.text.params import bounded_int

REGION_PREFIX = "region-"
SECONDS = 20
SECONDS_BOUNDS = (5, 600)


def parse_views(text: str | None, views: Mapping[str, str]) -> list[str]:
    """The known views of the comma-separated list, in its order: a page's address among `views`
    (address → title, from the page registry) or « region-28 » for a region by its INSEE code; unknown
    names are dropped; no known view gives every one of `views`."""
    names = [n.strip().lower() for n in str(text or "").split(",") if n.strip()]
    known = [n for n in names if n in views or region_code(n) is not None]
    return known or list(views)


def region_code(view: str) -> str | None:
    if not view.startswith(REGION_PREFIX):
        return None
    code = view[len(REGION_PREFIX) :]
    return code if code in regions() else None


def view_title(view: str, views: Mapping[str, str]) -> str:
    code = region_code(view)
    return regions()[code] if code is not None else views[view]


def parse_seconds(text: str | None) -> int:
    """`?secondes=N` read safely: an integer within SECONDS_BOUNDS, else SECONDS."""
    return bounded_int(text, SECONDS_BOUNDS, SECONDS)
