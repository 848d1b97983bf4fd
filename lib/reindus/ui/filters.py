"""THE shared filter bar: edition, regions, NAF section or division, coach, project status.

Every widget is bound to the URL (`bind="query-params"`, the key is the parameter's name), so a copied
link reopens the same view: `?edition=2026&region=Normandie&statut=En+cours`. The URL carries the
options' French labels, never codes. The bar is the same on every page; its values survive a page
switch because they live in the URL.
"""

from __future__ import annotations

import streamlit as st

from reindus.programme.data import ProgrammeData
from reindus.programme.regions import ProgrammeRegions
from reindus.programme.selection import Filters, naf_division
from reindus.reference.naf import divisions, sections
from reindus.reference.programme import PROJECT_STATUSES
from reindus.reference.territory import regions

ALL_EDITIONS = "Toutes les éditions"
KEYS = {
    "edition": "edition",
    "regions": "region",
    "naf": "naf",
    "coaches": "conseiller",
    "statuses": "statut",
}


def _naf_label(code: str) -> str:
    label = sections().get(code) if code.isalpha() else divisions().get(code)
    kind = "Section" if code.isalpha() else "Division"
    return f"{kind} {code} – {label}" if label else code


def _region_label(code: str) -> str:
    return regions().get(code, code)


def _edition_label(edition: int | None) -> str:
    return ALL_EDITIONS if edition is None else str(edition)


def _reset() -> None:
    st.session_state[KEYS["edition"]] = None
    for name in ("regions", "naf", "coaches", "statuses"):
        st.session_state[KEYS[name]] = []


def options(data: ProgrammeData, programme_regions: ProgrammeRegions) -> dict[str, list]:
    """The choices offered, from the whole programme (not the current selection) so links stay stable:
    every region of the programme, in its order, then the other regions that have projects."""
    p = data.projects
    division = sorted(naf_division(p["naf"]).dropna().unique())
    section = sorted({s for s in (_section_of(d) for d in division) if s})
    return {
        "editions": [None, *sorted(p["edition"].dropna().unique().tolist(), reverse=True)],
        "regions": programme_regions.order_codes([*programme_regions.codes, *p["region_code"].dropna()]),
        "naf": [*section, *division],
        "coaches": sorted(p["coach"].dropna().unique().tolist()),
        "statuses": list(PROJECT_STATUSES),
    }


def _section_of(division: str) -> str | None:
    from reindus.programme.selection import division_sections

    return division_sections().get(division)


_SAVED = "_filters_saved"
_PAGE = "_filters_page"


def _carry_over(page: str) -> None:
    """Coming from another page, restore the selection made there.

    The bound values live in the URL, but a click in the navigation menu opens the other page's URL
    without them; so the bar also keeps its last values in session state and, on arriving on another
    page with no filter in the URL, puts them back (which writes them into the URL again).
    """
    saved, previous_page = st.session_state.get(_SAVED), st.session_state.get(_PAGE)
    arrived = previous_page is not None and previous_page != page
    if saved and arrived and not any(key in st.query_params for key in KEYS.values()):
        for key, value in saved.items():
            st.session_state[key] = value


def filter_bar(choices: dict[str, list], page: str, public: bool = False) -> Filters:
    """Draw the bar in the sidebar and return the selection; `choices` from `options(...)`, `page` names
    the calling page (the selection follows the user from one page to another). In public (atelier
    mode) there is no coach filter: coach names are confidential, even in the URL."""
    _carry_over(page)
    if public and KEYS["coaches"] in st.query_params:
        del st.query_params[KEYS["coaches"]]
    with st.sidebar:
        st.subheader("Filtres", anchor=False)
        edition = st.selectbox(
            "Édition",
            choices["editions"],
            index=0,
            format_func=_edition_label,
            key=KEYS["edition"],
            bind="query-params",
        )
        region_codes = st.multiselect(
            "Régions",
            choices["regions"],
            format_func=_region_label,
            key=KEYS["regions"],
            bind="query-params",
            placeholder="Toutes les régions",
        )
        naf = st.multiselect(
            "Secteur (NAF section ou division)",
            choices["naf"],
            format_func=_naf_label,
            key=KEYS["naf"],
            bind="query-params",
            placeholder="Tous les secteurs",
        )
        coaches = (
            []
            if public
            else st.multiselect(
                "Conseiller",
                choices["coaches"],
                key=KEYS["coaches"],
                bind="query-params",
                placeholder="Tous les conseillers",
            )
        )
        statuses = st.multiselect(
            "Statut du projet",
            choices["statuses"],
            format_func=lambda k: PROJECT_STATUSES.get(k, k),
            key=KEYS["statuses"],
            bind="query-params",
            placeholder="Tous les statuts",
        )
        st.button("Réinitialiser les filtres", on_click=_reset, icon=":material/filter_alt_off:")
        st.caption("Le lien de la page reprend ces filtres : copiez-le pour partager cette vue.")
    saved = {
        KEYS["edition"]: edition,
        KEYS["regions"]: list(region_codes),
        KEYS["naf"]: list(naf),
        KEYS["statuses"]: list(statuses),
    }
    if not public:
        saved[KEYS["coaches"]] = list(coaches)
    st.session_state[_SAVED] = saved
    st.session_state[_PAGE] = page
    return Filters(
        edition=None if edition is None else int(edition),
        regions=tuple(region_codes),
        naf=tuple(naf),
        coaches=tuple(coaches),
        statuses=tuple(statuses),
    )


def describe(filters: Filters) -> str:
    """The selection in words, for captions: « édition 2026 · Normandie, Hauts-de-France · En cours »."""
    parts = [f"édition {filters.edition}" if filters.edition is not None else "toutes les éditions"]
    if filters.regions:
        parts.append(", ".join(_region_label(c) for c in filters.regions))
    if filters.naf:
        parts.append(", ".join(_naf_label(c) for c in filters.naf))
    if filters.coaches:
        parts.append("conseiller : " + ", ".join(filters.coaches))
    if filters.statuses:
        parts.append(", ".join(PROJECT_STATUSES.get(s, s) for s in filters.statuses))
    return " · ".join(parts)
