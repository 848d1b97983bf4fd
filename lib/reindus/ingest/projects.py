"""Projects (CSV or XLSX): one row per project, upserted on (name, edition).

Columns (headers matched without regard to case, accents, spaces, punctuation or underscores):

| column                    | aliases                               | required | stored as                 |
|---------------------------|---------------------------------------|----------|---------------------------|
| projet                    | entreprise, nom, nom du projet        | yes      | name                      |
| siren                     |                                       |          | siren (checked, 0 restored)|
| département               | dept, dpt, code département           | yes      | departement (+ region)    |
| commune                   | code commune, code INSEE, insee       | yes      | commune: code, or a name resolved in the département |
| naf                       | secteur, code NAF, secteur (NAF), APE | yes      | naf (dotted)              |
| édition                   | année, annee                          | yes      | edition                   |
| date de début             | début, date début, démarrage          | yes      | cohort_start              |
| coach                     | conseiller                            |          | coach (unknown: warning, created) |
| étape                     | étape en cours                        |          | new projects: milestones  |
| emplois prévus            | emplois, emplois cibles               |          | target_jobs               |
| investissement (€)        | investissement, investissement prévu  |          | planned_investment        |
| financement obtenu (€)    | financement obtenu, financement       |          | checked, not stored (funding lives in the applications) |
| statut                    |                                       |          | status: en cours / terminé / abandonné |
| description               |                                       |          | description               |
| public                    | nom public                            |          | public: oui / non         |

A column absent from the file leaves that field of an existing project untouched. A new project gets
the cohort « édition – région », and milestones planned from the common rétroplanning; when the file
gives its `étape` (the current stage, as the export writes it: a stage of the programme or « Programme
terminé »), earlier stages are marked done and that one started, at their planned dates.

An XLSX file may hold a second sheet named « Jalons » (or « Étapes »), one row per project and stage:
`projet`, `édition`, `étape` (required), `début prévu`, `fin prévue`, `début réel`, `fin réelle`
(dates, optional columns; in a column present, an empty cell clears the date). Its dates replace those
of the project's milestones, new or existing; the project must be on the first sheet. Problems name the
sheet: « projets.xlsx — feuille « Jalons », ligne 4, colonne « fin réelle » … ».
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, changed_values, checksum, source_of, update_row
from reindus.ingest.textfile import Column
from reindus.programme import regions as programme_regions
from reindus.reference.programme import (
    CURRENT_STAGE_LABELS,
    FINISHED_STAGE,
    PROJECT_STATUSES,
    STAGE_KEYS,
    STAGE_LABELS,
    STAGES,
    ProjectStatus,
)
from reindus.reference.territory import region_of, regions
from reindus.store.models import Coach, Milestone, Project
from reindus.store.repository import take_write_lock

TABLE = Project.__tablename__
MAX_ROWS = 20_000
COLUMNS: tuple[Column, ...] = (
    Column("name", "projet", ("entreprise", "nom", "nom du projet"), required=True),
    Column("siren", "siren"),
    Column("departement", "département", ("dept", "dpt", "code département", "departement"), required=True),
    Column(
        "commune", "commune", ("code commune", "code insee", "insee", "commune (code insee)"), required=True
    ),
    Column("naf", "naf", ("secteur", "code naf", "secteur (naf)", "ape", "code ape"), required=True),
    Column("edition", "édition", ("année", "annee", "edition"), required=True),
    Column(
        "cohort_start",
        "date de début",
        ("début", "date début", "démarrage", "date de demarrage"),
        required=True,
    ),
    Column("coach", "coach", ("conseiller", "conseillère")),
    Column("stage", "étape", ("étape en cours", "etape")),
    Column("target_jobs", "emplois prévus", ("emplois", "emplois cibles")),
    Column("planned_investment", "investissement (€)", ("investissement", "investissement prévu")),
    Column("funding_obtained", "financement obtenu (€)", ("financement obtenu", "financement")),
    Column("status", "statut", ("état",)),
    Column("description", "description"),
    Column("public", "public", ("nom public",)),
)
MILESTONE_SHEETS = ("jalons", "etapes", "jalons du programme", "milestones")
MILESTONE_COLUMNS: tuple[Column, ...] = (
    Column("name", "projet", ("entreprise", "nom", "nom du projet"), required=True),
    Column("edition", "édition", ("année", "annee", "edition"), required=True),
    Column("stage", "étape", ("etape",), required=True),
    Column("planned_start", "début prévu", ("debut prevu", "date de début prévue")),
    Column("planned_end", "fin prévue", ("fin prevue", "date de fin prévue")),
    Column("actual_start", "début réel", ("debut reel", "date de début réelle")),
    Column("actual_end", "fin réelle", ("fin reelle", "date de fin réelle")),
)
MILESTONE_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")
# Fields compared and updated on existing projects (when their column is in the file).
UPDATABLE = (
    "siren",
    "departement",
    "region_code",
    "commune",
    "naf",
    "cohort_start",
    "coach",
    "target_jobs",
    "planned_investment",
    "status",
    "description",
    "public",
)
MAX_JOBS = 100_000
MAX_INVESTMENT = 10_000_000_000


def _edition(text: str) -> int:
    year = textfile.parse_int(text)
    if year is None or not 2015 <= year <= 2100:
        raise ValidationError("édition attendue : une année (ex. 2023)")
    return year


def read(raw: bytes, name: str, session: Session | None) -> Parsed:
    table = textfile.read_table(raw, name, max_rows=MAX_ROWS)
    parsed = Parsed(
        "projects", name, checksum(raw), table.problems, table=table.frame, description=table.description
    )
    rows = checks.Rows(table, COLUMNS)
    coaches = _coach_names(session) if session is not None else {}
    new_coaches: set[str] = set()
    for row in rows:
        rec: dict[str, Any] = {"_line": row.line}
        rec["name"] = row.cell("name", lambda t: textfile.clean_text(t, max_length=200), required=True)
        if "siren" in rows.found:
            rec["siren"] = row.cell("siren", checks.check_siren)
        rec["departement"] = row.cell("departement", checks.check_departement, required=True)
        dep = rec["departement"]
        rec["commune"] = row.cell("commune", lambda t, dep=dep: checks.check_commune(t, dep), required=True)
        rec["naf"] = row.cell("naf", checks.check_naf, required=True)
        rec["edition"] = row.cell("edition", _edition, required=True)
        rec["cohort_start"] = row.cell("cohort_start", textfile.parse_date, required=True)
        if (
            rec["cohort_start"]
            and rec["edition"]
            and not (rec["edition"] - 1 <= rec["cohort_start"].year <= rec["edition"] + 1)
        ):
            row.error("cohort_start", f"date de début incohérente avec l'édition {rec['edition']}")
        if row.has("coach"):
            coach = row.cell("coach", lambda t: textfile.clean_text(t, max_length=200))
            rec["coach"] = coach or None
            if coach and textfile.normalize_header(coach) not in coaches:
                key = textfile.normalize_header(coach)
                if key not in new_coaches:
                    row.warn("coach", "conseiller inconnu : il sera créé")
                    new_coaches.add(key)
        if row.has("stage"):
            rec["stage"] = row.cell("stage", lambda t: textfile.parse_choice(t, CURRENT_STAGE_LABELS))
        if row.has("target_jobs"):
            rec["target_jobs"] = row.cell("target_jobs", lambda t: textfile.parse_int(t, maximum=MAX_JOBS))
        if row.has("planned_investment"):
            rec["planned_investment"] = row.cell(
                "planned_investment", lambda t: textfile.parse_amount(t, maximum=MAX_INVESTMENT)
            )
        if row.has("funding_obtained"):
            row.cell("funding_obtained", lambda t: textfile.parse_amount(t, maximum=MAX_INVESTMENT))
        if row.has("status"):
            rec["status"] = (
                row.cell(
                    "status",
                    lambda t: textfile.parse_choice(t, PROJECT_STATUSES),
                    default=ProjectStatus.IN_PROGRESS.value,
                )
                or ProjectStatus.IN_PROGRESS.value
            )
        if row.has("description"):
            rec["description"] = (
                row.cell("description", lambda t: textfile.clean_text(t, max_length=5000), default="") or ""
            )
        if row.has("public"):
            rec["public"] = row.cell("public", textfile.parse_bool, default=False)
        if rec["departement"]:
            rec["region_code"] = region_of(rec["departement"])
        row.unique(
            (rec["name"], rec["edition"]),
            "name",
            f"projet en double dans le fichier pour l'édition {rec['edition']} (déjà ligne {{line}})",
        )
        if not row.failed:
            parsed.records.append(rec)
    _read_milestones(raw, name, parsed)
    return parsed


def _read_milestones(raw: bytes, name: str, parsed: Parsed) -> None:
    """The « Jalons » sheet, when the workbook has one: each project's dates per stage, into its record's
    `milestones` ({stage: {field: date | None}}); problems are the sheet's own, merged into the file's."""
    sheets = textfile.xlsx_sheet_names(raw)
    index = next(
        (i for i, s in enumerate(sheets) if i and textfile.normalize_header(s) in MILESTONE_SHEETS), None
    )
    if index is None:
        return
    table = textfile.read_table(
        raw, f"{name} — feuille « {sheets[index]} »", sheet=index, max_rows=MAX_ROWS * len(STAGES)
    )
    rows = checks.Rows(table, MILESTONE_COLUMNS)
    by_project = {(r["name"], r["edition"]): r for r in parsed.records}
    for row in rows:
        key = (
            row.cell("name", lambda t: textfile.clean_text(t, max_length=200), required=True),
            row.cell("edition", _edition, required=True),
        )
        stage = row.cell("stage", lambda t: textfile.parse_choice(t, STAGE_LABELS), required=True)
        # a milestone always has its planned dates: those cells may not be emptied
        dates = {
            f: row.cell(f, textfile.parse_date, required=f.startswith("planned"))
            for f in MILESTONE_DATES
            if row.has(f)
        }
        if None not in key and key not in by_project:
            row.error("name", f"projet absent de la première feuille (édition {key[1]}) : ajoutez-y sa ligne")
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if dates.get(start) and dates.get(end) and dates[end] < dates[start]:
                row.error(end, f"fin antérieure au début ({dates[start]:%d/%m/%Y})")
        if dates.get("actual_end") and not dates.get("actual_start") and row.has("actual_start"):
            row.error("actual_start", "fin réelle sans début réel")
        row.unique((*key, stage), "stage", "étape en double pour ce projet (déjà ligne {line})")
        if not row.failed and key in by_project:
            by_project[key].setdefault("milestones", {})[stage] = dates
    parsed.problems.extend(table.problems)


def _coach_names(session: Session) -> dict[str, int]:
    return {textfile.normalize_header(n): i for i, n in session.execute(select(Coach.id, Coach.name))}


def _cohort(edition: int, region_code: str) -> str:
    return f"{edition} – {regions().get(region_code, region_code)}"


def _coach_id(
    session: Session, name: str | None, region_code: str, actor: str, source: str, cache: dict[str, int]
) -> int | None:
    if not name:
        return None
    key = textfile.normalize_header(name)
    if key not in cache:
        cci = programme_regions.load(session).cci(region_code)
        coach = Coach(name=name, cci=cci, region_code=region_code, source=source)
        session.add(coach)
        session.flush()
        cache[key] = coach.id
    return cache[key]


def _milestones(project: Project, stage: str | None, source: str) -> list[Milestone]:
    """Planned from the rétroplanning; with the current `stage`, the earlier stages done and that one
    started at their planned dates (every stage done for a finished programme)."""
    reached = len(STAGE_KEYS) if stage == FINISHED_STAGE else STAGE_KEYS.index(stage) if stage else -1
    out = []
    for i, s in enumerate(STAGES):
        start, end = s.planned(project.cohort_start)
        out.append(
            Milestone(
                stage=s.key,
                planned_start=start,
                planned_end=end,
                actual_start=start if i <= reached else None,
                actual_end=end if i < reached else None,
                source=source,
            )
        )
    return out


def _set_milestone_dates(project: Project, dates: dict[str, dict[str, Any]]) -> bool:
    """The « Jalons » sheet's dates on the project's milestones; True when any changed."""
    changed = False
    by_stage = {m.stage: m for m in project.milestones}
    for stage, values in dates.items():
        milestone = by_stage.get(stage)
        if milestone is None:  # a stage the project has no row for (older data): add it
            start, end = next(s for s in STAGES if s.key == stage).planned(project.cohort_start)
            milestone = Milestone(stage=stage, planned_start=start, planned_end=end, source=project.source)
            project.milestones.append(milestone)
            changed = True
        changed = update_row(milestone, changed_values(Milestone, milestone, values)) or changed
    return changed


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    """Upsert the records on (name, edition); flushes, never commits."""
    take_write_lock(session, Project)
    source = source_of(parsed.name)
    editions = sorted({r["edition"] for r in parsed.records})
    existing = {
        (p.name, p.edition): p
        for p in session.execute(select(Project).where(Project.edition.in_(editions))).scalars()
    }
    coach_cache = _coach_names(session)
    added = updated = unchanged = 0
    for rec in parsed.records:
        project = existing.get((rec["name"], rec["edition"]))
        coach_id = (
            _coach_id(session, rec.get("coach"), rec["region_code"], actor, source, coach_cache)
            if "coach" in rec
            else None
        )
        if project is None:
            values = {k: v for k, v in rec.items() if k in UPDATABLE and k != "coach"}
            project = Project(
                name=rec["name"],
                edition=rec["edition"],
                cohort=_cohort(rec["edition"], rec["region_code"]),
                coach_id=coach_id,
                source=source,
                **values,
            )
            project.milestones = _milestones(project, rec.get("stage"), source)
            _set_milestone_dates(project, rec.get("milestones", {}))
            session.add(project)
            added += 1
            continue
        changes = changed_values(
            Project, project, {k: rec[k] for k in UPDATABLE if k in rec and k != "coach"}
        )
        if "coach" in rec and project.coach_id != coach_id:
            changes["coach_id"] = coach_id
        changed = update_row(project, changes)
        changed = _set_milestone_dates(project, rec.get("milestones", {})) or changed
        updated += changed
        unchanged += not changed
    session.flush()
    return Summary(added, updated, unchanged)
