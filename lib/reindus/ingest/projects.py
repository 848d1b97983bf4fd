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

from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, changed_values, checksum, source_of
from reindus.ingest.textfile import Column
from reindus.programme import regions as programme_regions
from reindus.programme.workspace import milestones as workspace_milestones
from reindus.programme.workspace import projects as workspace_projects
from reindus.programme.workspace import rules
from reindus.reference.programme import STAGES
from reindus.reference.territory import region_of
from reindus.store import repository
from reindus.store.models import Coach, Project

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
# The rules of each field, shared with the project forms (reindus.programme.workspace.rules).
FIELDS = {f.key: f for f in rules.PROJECT_FIELDS}
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


def read(raw: bytes, name: str, session: Session | None) -> Parsed:  # noqa: C901 - one pass over both sheets, in file order
    table = textfile.read_table(raw, name, max_rows=MAX_ROWS)
    parsed = Parsed(
        "projects", name, checksum(raw), table.problems, table=table.frame, description=table.description
    )
    rows = checks.Rows(table, COLUMNS)
    coaches = _coach_names(session) if session is not None else {}
    new_coaches: set[str] = set()
    for row in rows:
        rec: dict[str, Any] = {"_line": row.line}
        for key in ("name", "departement", "naf", "edition", "cohort_start"):
            rec[key] = row.cell(key, FIELDS[key].parse, required=True)
        if "siren" in rows.found:
            rec["siren"] = row.cell("siren", FIELDS["siren"].parse)
        dep = rec["departement"]
        rec["commune"] = row.cell("commune", lambda t, dep=dep: checks.check_commune(t, dep), required=True)
        reason = rules.cohort_start_reason(rec["cohort_start"], rec["edition"])
        if reason:
            row.error("cohort_start", reason)
        if row.has("coach"):
            coach = row.cell("coach", rules.text(200))
            rec["coach"] = coach or None
            if coach and textfile.normalize_header(coach) not in coaches:
                key = textfile.normalize_header(coach)
                if key not in new_coaches:
                    row.warn("coach", "conseiller inconnu : il sera créé")
                    new_coaches.add(key)
        if row.has("stage"):
            rec["stage"] = row.cell("stage", rules.current_stage)
        if row.has("funding_obtained"):
            row.cell("funding_obtained", rules.amount)
        for key in ("target_jobs", "planned_investment", "status", "description", "public"):
            if row.has(key):
                rec[key] = row.cell(key, FIELDS[key].parse, default=FIELDS[key].default)
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
            row.cell("name", FIELDS["name"].parse, required=True),
            row.cell("edition", FIELDS["edition"].parse, required=True),
        )
        stage = row.cell("stage", rules.stage, required=True)
        # a milestone always has its planned dates: those cells may not be emptied
        dates = {
            f: row.cell(f, textfile.parse_date, required=f.startswith("planned"))
            for f in MILESTONE_DATES
            if row.has(f)
        }
        if None not in key and key not in by_project:
            row.error("name", f"projet absent de la première feuille (édition {key[1]}) : ajoutez-y sa ligne")
        for field, reason in rules.milestone_reasons(
            dates, actual_start_known=row.has("actual_start")
        ).items():
            row.error(field, reason)
        row.unique((*key, stage), "stage", "étape en double pour ce projet (déjà ligne {line})")
        if not row.failed and key in by_project:
            by_project[key].setdefault("milestones", {})[stage] = dates
    parsed.problems.extend(table.problems)


def _coach_names(session: Session) -> dict[str, int]:
    return {textfile.normalize_header(n): i for i, n in session.execute(select(Coach.id, Coach.name))}


def _coach_id(
    session: Session, name: str | None, region_code: str, actor: str, source: str, cache: dict[str, int]
) -> int | None:
    if not name:
        return None
    key = textfile.normalize_header(name)
    if key not in cache:
        cci = programme_regions.load(session).cci(region_code)
        coach = repository.insert(
            session, Coach(name=name, cci=cci, region_code=region_code, source=source), actor
        )
        cache[key] = coach.id
    return cache[key]


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    """Upsert the records on (name, edition) through the workspace's writes (each row audited, as a
    form's would be); flushes, never commits."""
    repository.take_write_lock(session, Project)
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
            workspace_projects.insert_project(
                session,
                {"name": rec["name"], "edition": rec["edition"], "coach_id": coach_id, **values},
                actor,
                source=source,
                reached_stage=rec.get("stage"),
                milestone_dates=rec.get("milestones", {}),
            )
            added += 1
            continue
        changes = changed_values(
            Project, project, {k: rec[k] for k in UPDATABLE if k in rec and k != "coach"}
        )
        if "coach" in rec and project.coach_id != coach_id:
            changes["coach_id"] = coach_id
        if changes:
            workspace_projects.write_project(session, project.id, project.version, changes, actor)
        changed = bool(changes)
        for stage, dates in rec.get("milestones", {}).items():
            changed = (
                workspace_milestones.write_dates(session, project, stage, dates, actor, source=source)
                or changed
            )
        updated += changed
        unchanged += not changed
    session.flush()
    return Summary(added, updated, unchanged)
