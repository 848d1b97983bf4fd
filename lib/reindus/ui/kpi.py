"""The pages' boundary with the store: cached frames and KPIs, metric cards, the project detail and its edits.

Caches are keyed on simple values (database URL, the frozen `Filters`, a date), bounded by ttl and
max_entries; per-project facts and progress are computed once for the whole programme and only filtered
per run. Saving an edit goes through `repository.update_versioned` with the version that was *shown*
(kept in session state), so a coach's edit never silently overwrites another's.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import streamlit as st

from reindus import config
from reindus.errors import UserError
from reindus.programme import metrics
from reindus.programme import public as public_rule
from reindus.programme.data import ProgrammeData, load_programme
from reindus.programme.selection import Filters, previous_edition, project_mask
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    FUNDING_STATUSES,
    PROJECT_STATUSES,
    STAGE_KEYS,
    STAGE_LABELS,
)
from reindus.reference.sources import any_fictitious
from reindus.reference.territory import PILOT_REGIONS, regions
from reindus.sourcing.coverage import supplier_counts
from reindus.store.db import session_factory
from reindus.store.models import Milestone, Project
from reindus.store.repository import update_versioned
from reindus.text import formats
from reindus.ui import tables
from reindus.ui.resources import engine

# Reads are bucketed by time: every cached function takes `epoch` (the current FRESH_SECONDS slot) in its key,
# so a whole chain of derived caches moves to fresh data together, never more than FRESH_SECONDS old.
# `public` is part of every key too: a public (atelier) view is never served from a confidential entry.
FRESH_SECONDS = 10
REGION_ORDER: list[str] = [r.name for r in PILOT_REGIONS]
SOURCE_TEXT = "Source : base opérationnelle de l'accélérateur"


def _epoch() -> int:
    return int(time.time() // FRESH_SECONDS)


# --- cached reads ------------------------------------------------------------------------------------


@st.cache_data(ttl=2 * FRESH_SECONDS, max_entries=8, show_spinner=False)
def _programme(url: str, public: bool, epoch: int) -> ProgrammeData:
    data = load_programme(engine(url))
    return public_rule.public_programme(data) if public else data


@st.cache_data(ttl=2 * FRESH_SECONDS, max_entries=8, show_spinner=False)
def _facts(url: str, public: bool, epoch: int) -> pd.DataFrame:
    """Per-project facts; the public ones computed from the whole programme, then stripped and masked."""
    data = _programme(url, False, epoch)
    facts = metrics.project_facts(data)
    return public_rule.public_facts(facts, data.projects) if public else facts


@st.cache_data(ttl=2 * FRESH_SECONDS, max_entries=16, show_spinner=False)
def _progress(url: str, today: date, public: bool, epoch: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = _programme(url, public, epoch)
    return (
        metrics.project_progress(data.projects, data.milestones, today),
        metrics.stage_progress(data.milestones, today),
    )


@dataclass(frozen=True)
class Dashboard:
    facts: pd.DataFrame  # selected projects
    total: pd.Series  # KPIs of the whole selection
    previous: pd.Series | None  # the same KPIs for the previous edition (single edition selected)
    previous_edition: int | None
    by_region: pd.DataFrame
    by_edition_region: pd.DataFrame
    has_demo: bool


def public_filters(filters: Filters, public: bool) -> Filters:
    """In public, the coach filter does not apply (coach names are confidential)."""
    return replace(filters, coaches=()) if public else filters


# Results derived per selection are shared read-only objects (cache_resource: no copy per run); nothing
# downstream mutates them (pages build new frames from them, st.plotly_chart serialises a copy).
@st.cache_resource(ttl=2 * FRESH_SECONDS, max_entries=64, show_spinner=False)
def _dashboard(url: str, filters: Filters, public: bool, epoch: int) -> Dashboard:
    """KPIs of the selection. In public, aggregates come from the whole facts (sums over several projects
    are not per-company amounts) and groups under MIN_PUBLIC_COUNT projects lose every figure; the
    per-project rows are the public facts."""
    filters = public_filters(filters, public)
    all_facts = _facts(url, False, epoch)
    facts = all_facts[project_mask(all_facts, filters)]
    previous = previous_edition(sorted(all_facts["edition"].unique()), filters.edition)
    shown = (lambda frame: public_rule.suppress_small(frame)) if public else (lambda frame: frame)
    previous_total = None
    if previous is not None:
        prev_facts = all_facts[project_mask(all_facts, filters.with_edition(previous))]
        previous_total = shown(metrics.kpis(prev_facts)).iloc[0]
    rows = facts
    if public:
        public_facts = _facts(url, True, epoch)
        rows = public_facts[public_facts["project_id"].isin(facts["project_id"])]
    return Dashboard(
        facts=rows,
        total=shown(metrics.kpis(facts)).iloc[0],
        previous=previous_total,
        previous_edition=previous,
        by_region=shown(metrics.kpis_by_region(facts, _regions_in(facts))),
        by_edition_region=shown(metrics.kpis(facts, ("edition", "region"))),
        has_demo=any_fictitious(facts["source"]),
    )


def _regions_in(frame: pd.DataFrame) -> list[str]:
    present = set(frame["region"].dropna())
    return [r for r in REGION_ORDER if r in present] + sorted(present - set(REGION_ORDER))


def programme(public: bool = False) -> ProgrammeData:
    return _programme(config.database_url(), public, _epoch())


@st.cache_resource(ttl=2 * FRESH_SECONDS, max_entries=8, show_spinner=False)
def _filter_options(url: str, public: bool, epoch: int) -> dict[str, list]:
    from reindus.ui.filters import options

    choices = options(_programme(url, False, epoch))
    return {**choices, "coaches": []} if public else choices


def filter_options(public: bool = False) -> dict[str, list]:
    """The filter bar's choices (shared, read-only); in public, no coach names."""
    return _filter_options(config.database_url(), public, _epoch())


@st.cache_resource(ttl=2 * FRESH_SECONDS, max_entries=64, show_spinner=False)
def _dashboard_figures(url: str, filters: Filters, public: bool, epoch: int) -> dict:
    from reindus.figures import kpi as figures

    board = _dashboard(url, filters, public, epoch)
    return {
        "origin": figures.supplier_origin(board.by_region),
        "regions": figures.region_panels(board.by_region),
    }


@st.cache_resource(ttl=2 * FRESH_SECONDS, max_entries=256, show_spinner=False)
def _editions_figure(url: str, filters: Filters, column: str, public: bool, epoch: int):
    from reindus.figures import kpi as figures

    return figures.editions(_dashboard(url, filters, public, epoch).by_edition_region, column)


def dashboard_figures(filters: Filters, public: bool = False) -> dict:
    """Figures of the dashboard for this selection, built once per selection (shared, read-only)."""
    return _dashboard_figures(config.database_url(), filters, public, _epoch())


def editions_figure(filters: Filters, column: str, public: bool = False):
    return _editions_figure(config.database_url(), filters, column, public, _epoch())


def dashboard(filters: Filters, public: bool = False) -> Dashboard:
    return _dashboard(config.database_url(), filters, public, _epoch())


@dataclass(frozen=True)
class Progress:
    projects: pd.DataFrame  # metrics.project_progress of the selected projects
    stages: pd.DataFrame  # metrics.stage_progress of their milestones
    regions: list[str]
    has_demo: bool


def progress(filters: Filters, today: date, public: bool = False) -> Progress:
    return _progress_view(config.database_url(), filters, today, public, _epoch())


@st.cache_resource(ttl=2 * FRESH_SECONDS, max_entries=64, show_spinner=False)
def _progress_view(url: str, filters: Filters, today: date, public: bool, epoch: int) -> Progress:
    filters = public_filters(filters, public)
    data = _programme(url, public, epoch)
    projects, stages = _progress(url, today, public, epoch)
    ids = data.projects.loc[project_mask(data.projects, filters), "id"]
    selected = projects[projects["project_id"].isin(ids)]
    chosen = stages[stages["project_id"].isin(ids)]
    has_demo = any_fictitious(data.projects.loc[data.projects["id"].isin(ids), "source"]) or any_fictitious(
        chosen["source"]
    )
    return Progress(selected, chosen, _regions_in(selected), has_demo)


@st.cache_resource(ttl=2 * FRESH_SECONDS, max_entries=64, show_spinner=False)
def _progress_figures(url: str, filters: Filters, today: date, public: bool, epoch: int) -> dict:
    from reindus.figures import progress as figures

    prog = _progress_view(url, filters, today, public, epoch)
    if prog.projects.empty:
        return {}
    edition = gantt_edition(filters, prog.projects)
    chosen = prog.projects[prog.projects["edition"] == edition]
    return {
        "edition": edition,
        "positions": figures.stage_positions(metrics.stage_positions(prog.projects, prog.regions)),
        "pace": figures.pace(metrics.region_pace(prog.projects, prog.regions)),
        "status": figures.status_by_region(metrics.status_counts(prog.projects, prog.regions)),
        "gantt": figures.gantt(
            prog.stages[prog.stages["project_id"].isin(chosen["project_id"])], chosen, today, prog.regions
        ),
    }


def progress_figures(filters: Filters, today: date, public: bool = False) -> dict:
    """Figures of the progress page for this selection and day (shared, read-only)."""
    return _progress_figures(config.database_url(), filters, today, public, _epoch())


def clear_caches() -> None:
    for fn in (
        _programme,
        _facts,
        _progress,
        _dashboard,
        _filter_options,
        _dashboard_figures,
        _editions_figure,
        _progress_view,
        _progress_figures,
    ):
        fn.clear()


# --- presentation helpers ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """Data text shown through markdown: every markdown character backslash-escaped (links, images, html)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def source_caption(has_demo: bool, years: str) -> str:
    return f"{SOURCE_TEXT}{' (démo)' if has_demo else ''}, édition{'s' if '–' in years else ''} {years}."


def years_text(editions: pd.Series) -> str:
    values = sorted(pd.Series(editions).dropna().unique().tolist())
    if not values:
        return "—"
    return str(values[0]) if values[0] == values[-1] else f"{values[0]}–{values[-1]}"


def _delta(value, previous, kind: str) -> str | None:
    if previous is None or pd.isna(previous) or pd.isna(value):
        return None
    diff = float(value) - float(previous)
    if kind == "ratio":
        return f"{'+' if diff >= 0 else '−'}{formats.number(abs(diff) * 100)} pts"
    text = formats.euros(abs(diff)) if kind == "euros" else formats.number(abs(diff))
    return f"{'+' if diff >= 0 else '−'}{text}"


def metric_cards(board: Dashboard, columns: list[str], per_row: int = 4) -> None:
    """One `st.metric` per KPI column, French formats, delta against the previous edition when there is one."""
    from reindus.figures.kpi import format_value

    help_prev = (
        f"Écart avec l'édition {board.previous_edition}, mêmes filtres." if board.previous_edition else None
    )
    for start in range(0, len(columns), per_row):
        cells = st.columns(per_row)
        for cell, column in zip(cells, columns[start : start + per_row], strict=False):
            kind = metrics.KPI_KINDS[column]
            prev = None if board.previous is None else board.previous[column]
            cell.metric(
                metrics.KPI_LABELS[column],
                format_value(board.total[column], kind),
                delta=_delta(board.total[column], prev, kind),
                delta_color="normal",
                help=help_prev,
                border=True,
            )


# --- project detail ----------------------------------------------------------------------------------


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: "Oui", False: "Non"})


def project_detail(project_id: int, today: date, editable: bool, public: bool = False) -> None:
    """Stages, supply-chain coverage, funding and coach of one project; with `editable`, the coach's edits.

    In public (atelier mode) the data are the public ones: no coach, no amounts, name only if the project
    is flagged public, and no edits."""
    data = programme(public)
    rows = data.projects[data.projects["id"] == project_id]
    if rows.empty:
        st.info("Ce projet n'est plus dans la base.")
        return
    project = rows.iloc[0]
    all_progress, all_stages = _progress(config.database_url(), today, public, _epoch())
    prog = all_progress[all_progress["project_id"] == project_id].iloc[0]
    st.subheader(md_escape(project["name"]), anchor=False)
    cells = st.columns(5)
    cells[0].metric("Région", md_escape(regions().get(project["region_code"], project["region_code"])))
    cells[1].metric("Édition", str(project["edition"]))
    if public:
        jobs = project.get("target_jobs")
        cells[2].metric("Emplois prévus", formats.number(jobs) if pd.notna(jobs) else "—")
    else:
        cells[2].metric("Conseiller", md_escape(project["coach"]) if pd.notna(project["coach"]) else "—")
    cells[3].metric("Statut", PROJECT_STATUSES.get(project["status"], project["status"]))
    cells[4].metric(
        "Avancement",
        prog["progress_label"],
        help=f"Écart moyen au rétroplanning : "
        f"{'—' if pd.isna(prog['delay_days']) else formats.number(prog['delay_days']) + ' j'}",
    )
    if str(project["description"]):
        st.text(str(project["description"]))

    stages = all_stages[all_stages["project_id"] == project_id]
    left, right = st.columns(2)
    with left:
        st.markdown("**Étapes du rétroplanning**")
        st.dataframe(
            pd.DataFrame(
                {
                    "Étape": stages["stage_label"],
                    "Début prévu": stages["planned_start"],
                    "Fin prévue": stages["planned_end"],
                    "Début réel": stages["actual_start"],
                    "Fin réelle": stages["actual_end"],
                    "État": stages["state"].map(metrics.STAGE_STATES),
                    "Écart (jours)": stages["delay_days"],
                    "En retard": _yes_no(stages["late"]),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.DateColumn(c, format="DD/MM/YYYY")
                for c in ("Début prévu", "Fin prévue", "Début réel", "Fin réelle")
            }
            | {"Écart (jours)": tables.count("Écart (jours)", "Négatif : en avance sur le rétroplanning")},
        )
    with right:
        st.markdown("**Chaîne de valeur : couverture des maillons**")
        links = data.links[data.links["project_id"] == project_id]
        shortlist = data.shortlist[data.shortlist["project_id"] == project_id]
        suppliers = supplier_counts(shortlist, links["id"])
        st.dataframe(
            pd.DataFrame(
                {
                    "Rang": links["position"],
                    "Position": links["tier"].map(CHAIN_POSITIONS),
                    "Maillon": links["label"],
                    "Identifiés": links["id"].map(suppliers["identified"]),
                    "Qualifiés ou retenus": links["id"].map(suppliers["qualified"]),
                    "Retenus": links["id"].map(suppliers["retained"]),
                    "Couvert": _yes_no(links["id"].map(suppliers["covered"])),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.markdown("**Financements**")
        apps = data.applications[data.applications["project_id"] == project_id]
        funding = {"Dispositif": apps["scheme"], "Opérateur": apps["operator"], "Nature": apps["kind"]}
        if not public:  # amounts per company are confidential
            funding |= {"Demandé": apps["amount_requested"], "Accordé": apps["amount_granted"]}
        funding["Statut"] = apps["status"].map(FUNDING_STATUSES)
        st.dataframe(
            pd.DataFrame(funding),
            hide_index=True,
            width="stretch",
            column_config={"Demandé": tables.euros("Demandé"), "Accordé": tables.euros("Accordé")},
        )
    if editable and not public:
        _edit_forms(project, stages)


def _shown_versions_key(project_id: int) -> str:
    return f"shown_versions_{project_id}"


def _flash() -> None:
    message = st.session_state.pop("edit_flash", None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)


def _save(model, row_id: int, shown_version: int, changes: dict, actor: str) -> None:
    try:
        with session_factory(engine(config.database_url())).begin() as session:
            update_versioned(session, model, row_id, shown_version, changes, actor)
    except UserError as exc:  # a stale row, a refused value, no name: nothing was written
        st.session_state["edit_flash"] = ("error", exc.message)
    else:
        st.session_state["edit_flash"] = (
            "ok",
            "Modification enregistrée (journal des modifications mis à jour).",
        )
    clear_caches()
    st.rerun()


def _edit_forms(project: pd.Series, stages: pd.DataFrame) -> None:
    """Record a stage's actual dates or change the project's status, with the version that was shown."""
    project_id = int(project["id"])
    key = _shown_versions_key(project_id)
    shown = dict(st.session_state.get(key, {}))  # versions displayed by the previous run
    current = {("projects", project_id): int(project["version"])}
    current |= {("milestones", int(r.id)): int(r.version) for r in stages.itertuples()}

    st.markdown("**Mettre à jour le projet**")
    _flash()
    actor = st.text_input("Votre nom (pour le journal des modifications)", key="edit_actor")
    stage_rows = stages.set_index("stage")
    left, right = st.columns(2)
    with left:
        stage_key = st.selectbox(
            "Étape",
            [s for s in STAGE_KEYS if s in stage_rows.index],
            format_func=STAGE_LABELS.get,
            key=f"edit_stage_{project_id}",
        )
        row = stage_rows.loc[stage_key]
        with st.form(f"stage_form_{project_id}_{stage_key}"):
            start = st.date_input(
                "Début réel",
                value=row["actual_start"] if pd.notna(row["actual_start"]) else None,
                format="DD/MM/YYYY",
            )
            end = st.date_input(
                "Fin réelle",
                value=row["actual_end"] if pd.notna(row["actual_end"]) else None,
                format="DD/MM/YYYY",
            )
            if st.form_submit_button("Enregistrer l'étape", icon=":material/save:"):
                if start is not None and end is not None and end < start:
                    st.error("La fin réelle ne peut pas précéder le début réel.")
                else:
                    ms_key = ("milestones", int(row["id"]))
                    _save(
                        Milestone,
                        int(row["id"]),
                        shown.get(ms_key, current[ms_key]),
                        {"actual_start": start, "actual_end": end},
                        actor,
                    )
    with right:
        with st.form(f"status_form_{project_id}"):
            status = st.selectbox(
                "Statut du projet",
                list(PROJECT_STATUSES),
                format_func=PROJECT_STATUSES.get,
                index=list(PROJECT_STATUSES).index(project["status"]),
            )
            if st.form_submit_button("Enregistrer le statut", icon=":material/save:"):
                p_key = ("projects", project_id)
                _save(Project, project_id, shown.get(p_key, current[p_key]), {"status": status}, actor)
    st.session_state[key] = current  # what this run showed: the base of the next save


# --- dashboard helpers -------------------------------------------------------------------------------


def kpi_column_config(table: pd.DataFrame) -> dict:
    """French number formats for a `metrics.labelled` table."""
    by_label = {label: column for column, label in metrics.KPI_LABELS.items()}
    config: dict = {}
    for label in table.columns:
        kind = metrics.KPI_KINDS.get(by_label.get(label, ""))
        if kind == "euros":
            config[label] = tables.euros(label)
        elif kind == "ratio":
            config[label] = st.column_config.NumberColumn(label, format="percent")
        elif kind == "count":
            config[label] = tables.count(label)
    return config


def clicked_region(chart, names: list[str]) -> str | None:
    """The region of the bar clicked in a chart (its customdata), if any."""
    points = getattr(getattr(chart, "selection", None), "points", None) or []
    for point in points:
        custom = point.get("customdata") if isinstance(point, dict) else None
        value = custom[0] if isinstance(custom, list) and custom else custom
        if value in names:
            return value
        if point.get("x") in names:
            return point["x"]
    return None


def region_summary(board: Dashboard, region: str) -> None:
    row = board.by_region.set_index("region").loc[region]
    from reindus.figures.kpi import format_value

    cells = st.columns(4)
    for cell, column in zip(
        cells, ["projects", "funding_granted", "share_in_region", "link_coverage"], strict=True
    ):
        cell.metric(
            metrics.KPI_LABELS[column], format_value(row[column], metrics.KPI_KINDS[column]), border=True
        )


def projects_table(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per project; the columns absent from public facts (coach, amounts) are left out."""
    columns = {
        "Projet": facts["name"],
        "Région": facts["region"],
        "Édition": facts["edition"].astype(str),
        "Conseiller": facts.get("coach"),
        "Statut": facts["status"].map(PROJECT_STATUSES),
        "Emplois prévus": facts["jobs"],
        "Investissement prévu": facts.get("investment"),
        "Financements accordés": facts.get("funding_granted"),
        "Fournisseurs retenus": facts["suppliers_retained"],
        "Dont dans la région": facts["retained_in_region"],
        "Maillons couverts": facts["links_covered"].astype(str) + " / " + facts["links"].astype(str),
    }
    return pd.DataFrame({k: v for k, v in columns.items() if v is not None}).reset_index(drop=True)


# --- progress helpers --------------------------------------------------------------------------------


def status_cards(projects: pd.DataFrame) -> None:
    counts = projects["progress_status"].value_counts()
    cells = st.columns(len(metrics.PROGRESS_STATUSES))
    for cell, (key, label) in zip(cells, metrics.PROGRESS_STATUSES.items(), strict=True):
        cell.metric(label, formats.number(int(counts.get(key, 0))), border=True)


def gantt_edition(filters: Filters, projects: pd.DataFrame) -> int:
    """The edition drawn in the Gantt: the one selected, else the most recent of the selection."""
    return filters.edition if filters.edition is not None else int(projects["edition"].max())


def project_picker(projects: pd.DataFrame) -> int | None:
    """A project of the selection, bound to the URL (`?projet=…`) so a link opens its detail."""
    ordered = projects.sort_values(["edition", "region", "name"], ascending=[False, True, True])
    names = dict(
        zip(
            ordered["project_id"],
            ordered["name"] + " (" + ordered["region"] + ", " + ordered["edition"].astype(str) + ")",
            strict=True,
        )
    )
    choice = st.selectbox(
        "Projet",
        [None, *names],
        format_func=lambda pid: "—" if pid is None else names[pid],
        key="projet",
        bind="query-params",
        help="Coordonnées du projet, avancement et mise à jour par son conseiller.",
    )
    return None if choice is None else int(choice)
