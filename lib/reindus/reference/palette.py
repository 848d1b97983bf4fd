"""The colours of the programme's regions: one colour-blind-safe palette, owned here and only here.

Okabe & Ito's eight colours (« Color Universal Design », 2008) stay distinguishable with the common
colour-vision deficiencies and on a projector. A region gets the first colour no other region of the
programme has, in this order (the four pilots of 2023 took the first four); the colour is stored with
the region (`store.models.ProgrammeRegion`), so it never changes when another region joins or leaves.
Yellow comes last: it is the hardest to read on white. Beyond eight regions colours repeat, least used
first; every chart and map also names the regions, so colour is never the only cue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

REGION_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
# Regions outside the programme (a project imported there, a region in a national table): neutral grey.
OTHER_REGION_COLOUR = "#8C8C8C"


def next_region_colour(used: Iterable[str]) -> str:
    """The colour for a region joining the programme, given the colours of the regions already in it."""
    counts = Counter(c.upper() for c in used)
    return min(REGION_PALETTE, key=lambda c: (counts[c.upper()], REGION_PALETTE.index(c)))
