"""THE page registry: every page's title, icon, address, file and menu section, in menu order.

app.py builds `st.navigation` from it, the carousel takes its view titles from it, the tests and
`bench/pages.py` walk it. Every declared address opens its page:
- the default page is served at the root (`/`), and its own address (`/tableau-de-bord`) too, which
  Streamlit would otherwise answer with its English « Page not found » dialog;
- any other unknown address gets a French page that lists the pages, instead of that dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from reindus.text.safe import md_text

ROOT = Path(__file__).resolve().parents[3]
# Served by the app itself: a `:material/…:` page icon makes the browser fetch the favicon from
# fonts.gstatic.com, which a room without network cannot reach.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
APP_TITLE = "Accélérateur de Relocalisations"


@dataclass(frozen=True)
class PageSpec:
    title: str
    icon: str  # a `:material/…:` icon
    url_path: str  # the page's address, « /avancement »
    file: str  # relative to the repository
    section: str  # the menu's section
    public: bool  # open to a viewer who is not signed in (administration pages are not)
    default: bool = False  # the page served at the root
    carousel: bool = False  # a view the carousel can rotate through (`?vues=…`)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Tableau de bord", ":material/monitoring:", "tableau-de-bord", "pages/tableau_de_bord.py",
             "Pilotage", public=True, default=True, carousel=True),
    PageSpec("Avancement des projets", ":material/view_timeline:", "avancement", "pages/avancement.py",
             "Pilotage", public=True, carousel=True),
    PageSpec("Mes projets", ":material/assignment_ind:", "mes-projets", "pages/mes_projets.py",
             "Espace conseiller", public=False),
    PageSpec("Fiche projet", ":material/folder_open:", "projet", "pages/projet.py",
             "Espace conseiller", public=True),
    PageSpec("Nouveau projet", ":material/add_circle:", "nouveau-projet", "pages/nouveau_projet.py",
             "Espace conseiller", public=False),
    PageSpec("Fournisseurs", ":material/travel_explore:", "fournisseurs", "pages/fournisseurs.py",
             "Sourcing", public=True),
    PageSpec("Chaîne d'approvisionnement", ":material/account_tree:", "chaine", "pages/chaine.py",
             "Sourcing", public=True),
    PageSpec("Industrie régionale", ":material/factory:", "industrie", "pages/industrie.py",
             "Territoires", public=True, carousel=True),
    PageSpec("Pitch", ":material/timer:", "pitch", "pages/pitch.py", "Atelier", public=True),
    PageSpec("Carrousel", ":material/slideshow:", "carrousel", "pages/carrousel.py", "Atelier", public=True),
    PageSpec("Données", ":material/database:", "donnees", "pages/donnees.py", "Administration", public=False),
    PageSpec("Utilisateurs", ":material/group:", "utilisateurs", "pages/utilisateurs.py", "Administration",
             public=False),
)  # fmt: skip
DEFAULT = next(p for p in PAGES if p.default)
CAROUSEL_VIEWS: dict[str, str] = {p.url_path: p.title for p in PAGES if p.carousel}
NOT_FOUND_TITLE = "Page introuvable"
_UNKNOWN = "_unknown_address"


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)


def _st_page(spec: PageSpec) -> st.Page:
    # The default page's address is the root: declaring its own address there would make it unreachable.
    return st.Page(
        spec.file,
        title=spec.title,
        icon=spec.icon,
        url_path="" if spec.default else spec.url_path,
        default=spec.default,
    )


def _to_default() -> None:
    """The default page's own address: the same page at the root, with the same parameters."""
    st.switch_page(DEFAULT.file, query_params={k: st.query_params.get_all(k) for k in st.query_params})


def _not_found() -> None:
    st.title(NOT_FOUND_TITLE)
    st.write("Cette adresse ne correspond à aucune page de l'application. Les pages :")
    for spec in PAGES:
        st.page_link(spec.file, label=md_text(spec.title), icon=spec.icon)


def _requested() -> str | None:
    """The address the browser asked for (without the base path), before st.navigation resolves it.

    Streamlit answers an address no page declares with its English « Page not found » dialog; knowing
    the address first lets `navigation` declare a French page there."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.pages_manager.intended_page_name


def navigation() -> st.navigation:
    """`st.navigation` over the registry, sections in order, plus the hidden pages that answer the
    default page's address and an unknown one."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        sections.setdefault(spec.section, []).append(_st_page(spec))
    hidden = [st.Page(_to_default, title=DEFAULT.title, url_path=DEFAULT.url_path, visibility="hidden")]
    requested = _requested()
    if requested and requested not in {p.url_path for p in PAGES} and "/" not in requested:
        # kept for the session: a rerun of that page (a widget, the atelier switch) asks for it by hash
        st.session_state[_UNKNOWN] = requested
    if unknown := st.session_state.get(_UNKNOWN):
        hidden.append(st.Page(_not_found, title=NOT_FOUND_TITLE, url_path=unknown, visibility="hidden"))
    sections[next(iter(sections))].extend(hidden)
    return st.navigation(sections)
