"""THE page registry: every page's title, icon, address, file and menu section, in menu order.

app.py builds `st.navigation` from it, the carousel takes its view titles from it, the tests and
`bench/pages.py` walk it. The menu lists the pages the viewer may use (`Audience`); every other page is
registered hidden, so that its address still opens it and tells why it is refused (the pages check
again on the server: the menu is a convenience, never a permission). Every declared address opens its
page:
- the default page is served at the root (`/`), and its own address (`/tableau-de-bord`) too, which
  Streamlit would otherwise answer with its English « Page not found » dialog;
- any other unknown address gets a French page that lists the pages, instead of that dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import streamlit as st

from reindus.auth import Viewer
from reindus.text.safe import md_text

ROOT = Path(__file__).resolve().parents[3]
# Served by the app itself: a `:material/…:` page icon makes the browser fetch the favicon from
# fonts.gstatic.com, which a room without network cannot reach.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
APP_TITLE = "Accélérateur de Relocalisations"


class Audience(StrEnum):
    """Who finds a page in the menu: the same checks as the page's own, on the viewer's role."""

    EVERYONE = "everyone"
    SIGNED_IN = "signed_in"  # « Mes projets »: any signed-in viewer
    EDITORS = "editors"  # « Nouveau projet »: who may create a project (Scope.may_edit)
    TABLES = "tables"  # « Données »: who may import or export the store's tables
    USER_MANAGERS = "user_managers"  # « Utilisateurs »: the administrateur (Scope.may_manage_users)

    def admits(self, viewer: Viewer) -> bool:
        scope = viewer.scope
        match self:
            case Audience.EVERYONE:
                return True
            case Audience.SIGNED_IN:
                return viewer.signed_in
            case Audience.EDITORS:
                return scope.may_edit
            case Audience.TABLES:
                return scope.may_import or scope.may_export_tables
            case Audience.USER_MANAGERS:
                return scope.may_manage_users


@dataclass(frozen=True)
class PageSpec:
    title: str
    icon: str  # a `:material/…:` icon
    url_path: str  # the page's address, « /avancement »
    file: str  # relative to the repository
    section: str  # the menu's section
    audience: Audience  # who finds it in the menu; its address opens it for anyone
    default: bool = False  # the page served at the root
    carousel: bool = False  # a view the carousel can rotate through (`?vues=…`)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Tableau de bord", ":material/monitoring:", "tableau-de-bord", "pages/tableau_de_bord.py",
             "Pilotage", audience=Audience.EVERYONE, default=True, carousel=True),
    PageSpec("Avancement des projets", ":material/view_timeline:", "avancement", "pages/avancement.py",
             "Pilotage", audience=Audience.EVERYONE, carousel=True),
    PageSpec("Mes projets", ":material/assignment_ind:", "mes-projets", "pages/mes_projets.py",
             "Espace conseiller", audience=Audience.SIGNED_IN),
    PageSpec("Fiche projet", ":material/folder_open:", "projet", "pages/projet.py",
             "Espace conseiller", audience=Audience.EVERYONE),
    PageSpec("Nouveau projet", ":material/add_circle:", "nouveau-projet", "pages/nouveau_projet.py",
             "Espace conseiller", audience=Audience.EDITORS),
    PageSpec("Fournisseurs", ":material/travel_explore:", "fournisseurs", "pages/fournisseurs.py",
             "Sourcing", audience=Audience.EVERYONE),
    PageSpec("Chaîne d'approvisionnement", ":material/account_tree:", "chaine", "pages/chaine.py",
             "Sourcing", audience=Audience.EVERYONE),
    PageSpec("Industrie régionale", ":material/factory:", "industrie", "pages/industrie.py",
             "Territoires", audience=Audience.EVERYONE, carousel=True),
    PageSpec("Pitch", ":material/timer:", "pitch", "pages/pitch.py", "Atelier", audience=Audience.EVERYONE),
    PageSpec("Carrousel", ":material/slideshow:", "carrousel", "pages/carrousel.py", "Atelier",
             audience=Audience.EVERYONE),
    PageSpec("Données", ":material/database:", "donnees", "pages/donnees.py", "Administration",
             audience=Audience.TABLES),
    PageSpec("Utilisateurs", ":material/group:", "utilisateurs", "pages/utilisateurs.py", "Administration",
             audience=Audience.USER_MANAGERS),
)  # fmt: skip
DEFAULT = next(p for p in PAGES if p.default)
CAROUSEL_VIEWS: dict[str, str] = {p.url_path: p.title for p in PAGES if p.carousel}
NOT_FOUND_TITLE = "Page introuvable"
_UNKNOWN = "_unknown_address"


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)


def menu(viewer: Viewer) -> list[PageSpec]:
    """The pages the viewer finds in the menu, in menu order."""
    return [spec for spec in PAGES if spec.audience.admits(viewer)]


def _st_page(spec: PageSpec, listed: bool) -> st.Page:
    # The default page's address is the root: declaring its own address there would make it unreachable.
    return st.Page(
        spec.file,
        title=spec.title,
        icon=spec.icon,
        url_path="" if spec.default else spec.url_path,
        default=spec.default,
        visibility="visible" if listed else "hidden",
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


def navigation(viewer: Viewer) -> st.navigation:
    """`st.navigation` over the registry, sections in order: the viewer's pages listed (`menu`), the
    others hidden, still at their address; plus the hidden pages that answer the default page's
    address and an unknown one."""
    listed = menu(viewer)
    sections: dict[str, list] = {}
    for spec in listed:
        sections.setdefault(spec.section, []).append(_st_page(spec, listed=True))
    # in the first section, so that a section none of whose pages is listed leaves no heading in the menu
    hidden = [_st_page(spec, listed=False) for spec in PAGES if spec not in listed]
    hidden.append(st.Page(_to_default, title=DEFAULT.title, url_path=DEFAULT.url_path, visibility="hidden"))
    requested = _requested()
    if requested and requested not in {p.url_path for p in PAGES} and "/" not in requested:
        # kept for the session: a rerun of that page (a widget, the atelier switch) asks for it by hash
        st.session_state[_UNKNOWN] = requested
    if unknown := st.session_state.get(_UNKNOWN):
        hidden.append(st.Page(_not_found, title=NOT_FOUND_TITLE, url_path=unknown, visibility="hidden"))
    sections[next(iter(sections))].extend(hidden)
    return st.navigation(sections)
