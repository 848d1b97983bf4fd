"""« Mes projets »: the home of a signed-in coach. Their projects (current edition first) with each one's
stage against the rétroplanning, then what waits for them, each line a link to where it is dealt with.

Whose projects: a coach's own (the coach record carrying their address), else those of their regions;
an administrator's, every project; the présidence's, their region's (read only: the links open pages
that show no edit control to them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import streamlit as st

from reindus.auth import Role, Viewer
from reindus.programme import views
from reindus.programme.workspace import projects as workspace_projects
from reindus.programme.workspace.overview import PROJECT_PAGE
from reindus.reference.territory import regions as region_names
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import captions, data, project_form, tables, writes
from reindus.ui.banner import demo_banner
from reindus.ui.derived import derived
from reindus.ui.navigation import page

KIND_ICONS = {
    "etape": ":material/event_busy:",
    "maillon": ":material/link_off:",
    "preselection": ":material/how_to_reg:",
    "financement": ":material/euro:",
}


@dataclass(frozen=True)
class Whose:
    """Whose projects « Mes projets » lists, and how the page says it."""

    coach_id: int | None
    regions: frozenset[str] | None
    described: str


def whose(viewer: Viewer) -> Whose:
    names = region_names()
    in_regions = ", ".join(sorted(names.get(c, c) for c in viewer.regions)) or "—"
    if viewer.role is Role.CONSEILLER:
        coach_id = data.coach_id_for(viewer.email, viewer.scope)
        if coach_id is not None:
            return Whose(coach_id, frozenset(viewer.regions), "Les projets que vous suivez")
        return Whose(
            None,
            frozenset(viewer.regions),
            f"Aucune fiche conseiller ne porte votre adresse : les projets de votre région ({in_regions})",
        )
    if viewer.regions:
        return Whose(
            None, frozenset(viewer.regions), f"Les projets de votre région ({in_regions}), en lecture"
        )
    return Whose(None, None, "Tous les projets du programme")


def projects_table(mine: pd.DataFrame) -> None:
    tables.show(
        tables.arrow_of(mine, "my_projects_table", _projects_shown),
        hide_index=True,
        width="stretch",
        column_config={
            "Fiche": st.column_config.LinkColumn("Fiche", display_text="Ouvrir la fiche"),
            "Sans fournisseur régional": tables.count(
                "Sans fournisseur régional", "Maillons sans fournisseur de la région qualifié ou retenu"
            ),
            **{
                c: tables.count(c)
                for c in (
                    "Étapes en retard",
                    "Étapes à risque",
                    "Maillons",
                    "Présélections à décider",
                    "Financements en attente",
                )
            },
        },
        key="my_projects_table",
    )


def _projects_shown(mine: pd.DataFrame) -> pd.DataFrame:
    """The projects under their French headers, as the table shows them (built once per cached list)."""
    return pd.DataFrame(
        {
            "Projet": mine["name"],
            "Édition": mine["edition"].astype(str),
            "Région": mine["region"],
            # an abandoned project has no current stage: the grid would print Python's « None »
            "Étape": mine["current_stage"].fillna("—"),
            "Avancement": mine["progress_label"],
            "Étapes en retard": mine["late_stages"],
            "Étapes à risque": mine["slipping_stages"],
            "Maillons": mine["links"],
            "Sans fournisseur régional": mine["links_without_regional"],
            "Présélections à décider": mine["shortlist_pending"],
            "Financements en attente": mine["funding_pending"],
            "Fiche": mine["link"],
        }
    )


@dataclass(frozen=True)
class PageLink:
    """A link the overview made (« /projet?projet=12 ») as a page link of the app: it keeps the session
    (and the sign-in) and works under any base path."""

    file: str
    label: str  # as written (the overview's text), made Markdown-safe when shown
    icon: str
    params: dict[str, str]

    @classmethod
    def of(cls, href: str, label: str, icon: str) -> PageLink:
        parts = urlsplit(href)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return cls(page(parts.path.strip("/")).file, label, icon, params)

    def show(self) -> None:
        st.page_link(self.file, label=md_text(self.label), icon=self.icon, query_params=self.params)


def _to_do_links(todo: pd.DataFrame) -> list[tuple[int, list[PageLink]]]:
    """Per project: the link to its page, then one per item; built once per cached list, not per run."""
    out = []
    for project_id, items in todo.groupby("project_id", sort=False):
        head = PageLink.of(
            f"/{PROJECT_PAGE[0]}?{PROJECT_PAGE[1]}={project_id}",
            items.iloc[0]["project"],
            ":material/folder_open:",
        )
        out.append(
            (
                int(project_id),
                [
                    head,
                    *(
                        PageLink.of(i.link, i.label, KIND_ICONS[i.kind])
                        for i in items.itertuples(index=False)
                    ),
                ],
            )
        )
    return out


def to_do_list(todo: pd.DataFrame) -> None:
    """What waits, project by project, each line a link to the page where it is dealt with."""
    if todo.empty:
        st.success("Rien en attente sur vos projets en cours.", icon=":material/task_alt:")
        return
    for project_id, links in derived(todo, "to_do_links", _to_do_links):
        with st.container(border=True, key=f"todo_{project_id}"):
            for link in links:
                link.show()


def archived_projects(viewer: Viewer) -> None:
    """The archived projects the viewer may bring back, each with « Réactiver » (checked again on the
    server, versioned and audited like the archiving); then the project's page opens."""
    archived = data.archived_projects(viewer.scope)
    if archived.empty:
        return
    names = region_names()
    with st.expander(f"Projets archivés ({len(archived)})", icon=":material/inventory_2:"):
        st.caption(
            "Un projet réactivé revient dans toutes les vues et tous les chiffres, avec ses données et son "
            "historique."
        )
        for row in archived.itertuples(index=False):
            project_id, version = int(row.id), int(row.version)
            when = (
                ""
                if row.archived_at is None or pd.isna(row.archived_at)
                else f", archivé le {formats.day(pd.Timestamp(row.archived_at).date())} par {row.archived_by}"
            )
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.text(f"{row.name} — {names.get(row.region_code, row.region_code)} ({row.edition}){when}")
            if button.button(
                "Réactiver", key=f"project:{project_id}:v{version}:reactivate", icon=":material/unarchive:"
            ):
                writes.save(
                    project_form.AREA,
                    lambda s, pid=project_id, v=version: workspace_projects.reactivate_project(
                        s, pid, v, viewer
                    ),
                    f"Projet « {row.name} » réactivé.",
                    then=lambda _, pid=project_id: st.switch_page(
                        "pages/projet.py", query_params={PROJECT_PAGE[1]: str(pid)}
                    ),
                )


def my_projects(viewer: Viewer, today: date) -> None:
    """The page's body for a signed-in viewer."""
    who = whose(viewer)
    programme = data.programme(viewer.scope)  # their own projects are in full detail
    mine, todo = data.my_projects(who.coach_id, who.regions, today, viewer.scope)
    demo = views.has_demo(programme.projects[programme.projects["id"].isin(mine["project_id"])])
    demo_banner(demo)
    st.caption(
        f"{md_text(who.described)}. "
        + captions.source_caption(demo, captions.years_text(mine["edition"]))
        + f" Situation au {formats.day(today)}."
    )
    writes.flash(project_form.AREA)  # « Projet … archivé. », after the project's page sent them here
    if mine.empty:
        st.info("Aucun projet pour l'instant.")
    else:
        st.subheader("Projets", anchor=False)
        projects_table(mine)
        st.caption(
            "Édition en cours d'abord. Étape : la plus avancée commencée ; en retard / à risque : par "
            "rapport au rétroplanning commun."
        )
        st.subheader("À traiter", anchor=False)
        st.caption(
            "Projets en cours : étapes en retard ou à risque, maillons sans fournisseur de la région "
            "qualifié, présélections à décider, demandes de financement en attente de décision."
        )
        to_do_list(todo)
    archived_projects(viewer)
