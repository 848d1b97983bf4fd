"""« Mes projets »: a coach's projects and what is waiting for them, each with the page where it is
dealt with. Pure pandas on `ProgrammeData` (already limited to the viewer's scope by its loader)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reindus.programme import metrics
from reindus.programme.data import ProgrammeData
from reindus.reference.programme import FUNDING_STATUSES, QUALIFIED_STATUSES, SHORTLIST_STATUSES
from reindus.store.models import Coach

# Where each kind of item is dealt with: the page's url_path and its query parameter for the project
# (and the link), as those pages bind them.
PROJECT_PAGE = ("projet", "projet")
CHAIN_PAGE = ("chaine", "chain_project")
SOURCING_PAGE = ("fournisseurs", "sourcing_project", "sourcing_link")
# The project page's sections (its `volet` parameter), where stages and funding are dealt with.
SECTION_PARAM = "volet"
STAGES_SECTION = "etapes"
FUNDING_SECTION = "financements"
# Shortlist entries still in play: neither retained nor set aside.
UNDECIDED_SHORTLIST = ("identifie", "contacte", "qualifie")
UNDECIDED_FUNDING = ("depose",)

PROJECT_COLUMNS = [
    "project_id", "name", "edition", "region", "current_stage", "progress_status", "progress_label",
    "late_stages", "slipping_stages", "links", "links_without_regional", "shortlist_pending",
    "funding_pending", "link",
]  # fmt: skip
TODO_COLUMNS = ["project_id", "project", "kind", "label", "link"]


def _href(page: tuple[str, ...], *ids: int, section: str | None = None) -> str:
    params = dict(zip(page[1:], ids, strict=False))
    if section:
        params[SECTION_PARAM] = section
    return f"/{page[0]}?" + urlencode(params)


def coach_id_for(session: Session, email: str) -> int | None:
    """The coach whose record carries `email` (case ignored): whose projects are « mine »."""
    address = (email or "").strip().lower()
    if not address:
        return None
    return session.execute(
        select(Coach.id).where(func.lower(Coach.email) == address).order_by(Coach.id).limit(1)
    ).scalar_one_or_none()


def _projects(data: ProgrammeData, coach_id: int | None, regions: Collection[str] | None) -> pd.DataFrame:
    projects = data.projects if coach_id is None else data.projects[data.projects["coach_id"] == coach_id]
    return projects if regions is None else projects[projects["region_code"].isin(set(regions))]


def coach_projects(
    data: ProgrammeData,
    coach_id: int | None,
    today: date,
    *,
    edition: int | None = None,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """One row per project of the coach (every coach with None; only `regions` when given), the current
    `edition` first (default: the latest), then by name: stage against the rétroplanning, late and
    slipping stages, links without a qualified regional supplier, shortlist entries and funding
    applications awaiting a decision."""
    projects = _projects(data, coach_id, regions)
    if projects.empty:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    ids = set(projects["id"])
    milestones = data.milestones[data.milestones["project_id"].isin(ids)]
    progress = metrics.project_progress(projects, milestones, today).set_index("project_id")
    stages = (
        metrics.stage_progress(milestones, today) if len(milestones) else milestones.assign(slipping=False)
    )
    slipping = stages[stages["slipping"]].groupby("project_id").size()

    links = data.links[data.links["project_id"].isin(ids)]
    sl = data.shortlist[data.shortlist["project_id"].isin(ids)]
    region_of_project = projects.set_index("id")["region_code"]
    qualified = sl[sl["status"].isin(QUALIFIED_STATUSES)]
    regional = qualified[qualified["supplier_region_code"] == qualified["project_id"].map(region_of_project)]
    uncovered = links[~links["id"].isin(set(regional["link_id"]))]
    apps = data.applications[data.applications["project_id"].isin(ids)]

    current = edition if edition is not None else int(projects["edition"].max())
    out = pd.DataFrame({"project_id": projects["id"].to_numpy()})
    pid = out["project_id"]
    out["name"] = pid.map(projects.set_index("id")["name"])
    out["edition"] = pid.map(projects.set_index("id")["edition"]).astype(int)
    out["region"] = pid.map(projects.set_index("id")["region"])
    for column in ("current_stage", "progress_status", "progress_label", "late_stages"):
        out[column] = pid.map(progress[column])
    out["slipping_stages"] = pid.map(slipping).fillna(0).astype(int)
    out["links"] = pid.map(links.groupby("project_id").size()).fillna(0).astype(int)
    out["links_without_regional"] = pid.map(uncovered.groupby("project_id").size()).fillna(0).astype(int)
    pending = sl[sl["status"].isin(UNDECIDED_SHORTLIST)].groupby("project_id").size()
    out["shortlist_pending"] = pid.map(pending).fillna(0).astype(int)
    waiting = apps[apps["status"].isin(UNDECIDED_FUNDING)].groupby("project_id").size()
    out["funding_pending"] = pid.map(waiting).fillna(0).astype(int)
    out["link"] = [_href(PROJECT_PAGE, p) for p in pid]
    out["_current"] = out["edition"] != current
    out = out.sort_values(["_current", "edition", "name"], ascending=[True, False, True])
    return out.drop(columns="_current").reset_index(drop=True)[PROJECT_COLUMNS]


def to_do(
    data: ProgrammeData, coach_id: int | None, today: date, *, regions: Collection[str] | None = None
) -> pd.DataFrame:
    """What waits for the coach, one line per item, each with the address of the page that deals with it:
    late or slipping stages (project page), links without a qualified regional supplier and shortlist
    entries to decide (supplier search on that link), funding applications awaiting a decision."""
    projects = _projects(data, coach_id, regions)
    projects = projects[projects["status"] == "en_cours"]
    ids = set(projects["id"])
    names = projects.set_index("id")["name"]
    rows: list[dict] = []

    milestones = data.milestones[data.milestones["project_id"].isin(ids)]
    if len(milestones):
        stages = metrics.stage_progress(milestones, today)
        for s in stages[stages["late"] | stages["slipping"]].itertuples(index=False):
            state = "en retard" if s.late else "à risque"
            rows.append(
                {
                    "project_id": s.project_id,
                    "kind": "etape",
                    "label": f"Étape « {s.stage_label} » {state}",
                    "link": _href(PROJECT_PAGE, s.project_id, section=STAGES_SECTION),
                }
            )
    overview = (
        coach_projects(data, coach_id, today, regions=regions)
        if ids
        else pd.DataFrame(columns=PROJECT_COLUMNS)
    )
    links = data.links[data.links["project_id"].isin(ids)]
    sl = data.shortlist[data.shortlist["project_id"].isin(ids)]
    region_of_project = projects.set_index("id")["region_code"]
    qualified = sl[sl["status"].isin(QUALIFIED_STATUSES)]
    regional = qualified[qualified["supplier_region_code"] == qualified["project_id"].map(region_of_project)]
    for link in links[~links["id"].isin(set(regional["link_id"]))].itertuples(index=False):
        rows.append(
            {
                "project_id": link.project_id,
                "kind": "maillon",
                "label": f"Maillon « {link.label} » sans fournisseur régional qualifié",
                "link": _href(SOURCING_PAGE, link.project_id, link.id),
            }
        )
    for entry in sl[sl["status"].isin(UNDECIDED_SHORTLIST)].itertuples(index=False):
        rows.append(
            {
                "project_id": entry.project_id,
                "kind": "preselection",
                "label": f"« {entry.supplier_name} » : {SHORTLIST_STATUSES[entry.status].lower()}, à décider",
                "link": _href(SOURCING_PAGE, entry.project_id, entry.link_id),
            }
        )
    apps = data.applications[data.applications["project_id"].isin(ids)]
    for app in apps[apps["status"].isin(UNDECIDED_FUNDING)].itertuples(index=False):
        rows.append(
            {
                "project_id": app.project_id,
                "kind": "financement",
                "label": f"Demande « {app.scheme} » {FUNDING_STATUSES[app.status].lower()}, décision attendue",
                "link": _href(PROJECT_PAGE, app.project_id, section=FUNDING_SECTION),
            }
        )
    frame = pd.DataFrame(rows, columns=[c for c in TODO_COLUMNS if c != "project"])
    frame.insert(1, "project", frame["project_id"].map(names))
    order = {pid: i for i, pid in enumerate(overview["project_id"])}
    frame["_order"] = frame["project_id"].map(order)
    return frame.sort_values(["_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
