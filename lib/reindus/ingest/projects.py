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
gives its `étape`, earlier stages are marked done and that one started, at their planned dates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reindus.ingest import checks, textfile
from reindus.ingest.importer import Parsed, Summary, changed_values, checksum, source_of, update_row
from reindus.ingest.textfile import Column
from reindus.reference.programme import PROJECT_STATUSES, STAGE_KEYS, STAGE_LABELS, STAGES
from reindus.reference.territory import PILOT_REGIONS, departements, region_of
from reindus.store.models import Coach, Milestone, Project
from reindus.store.repository import _take_write_lock

TABLE = Project.__tablename__
MAX_ROWS = 20_000
COLUMNS: tuple[Column, ...] = (
    Column("name", "projet", ("entreprise", "nom", "nom du projet"), required=True),
    Column("siren", "siren"),
    Column("departement", "département", ("dept", "dpt", "code département", "departement"), required=True),
    Column("commune", "commune", ("code commune", "code insee", "insee", "commune (code insee)"), required=True),
    Column("naf", "naf", ("secteur", "code naf", "secteur (naf)", "ape", "code ape"), required=True),
    Column("edition", "édition", ("année", "annee", "edition"), required=True),
    Column("cohort_start", "date de début", ("début", "date début", "démarrage", "date de demarrage"),
           required=True),
    Column("coach", "coach", ("conseiller", "conseillère")),
    Column("stage", "étape", ("étape en cours", "etape")),
    Column("target_jobs", "emplois prévus", ("emplois", "emplois cibles")),
    Column("planned_investment", "investissement (€)", ("investissement", "investissement prévu")),
    Column("funding_obtained", "financement obtenu (€)", ("financement obtenu", "financement")),
    Column("status", "statut", ("état",)),
    Column("description", "description"),
    Column("public", "public", ("nom public",)),
)
# Fields compared and updated on existing projects (when their column is in the file).
UPDATABLE = ("siren", "departement", "region_code", "commune", "naf", "cohort_start", "coach",
             "target_jobs", "planned_investment", "status", "description", "public")
MAX_JOBS = 100_000
MAX_INVESTMENT = 10_000_000_000


def _edition(text: str) -> int:
    year = textfile.parse_int(text)
    if year is None or not 2015 <= year <= 2100:
        raise ValueError("édition attendue : une année (ex. 2023)")
    return year


def read(raw: bytes, name: str, session: Session | None) -> Parsed:
    table = textfile.read_table(raw, name, max_rows=MAX_ROWS)
    parsed = Parsed("projects", name, checksum(raw), table.problems, table=table.frame,
                    description=table.description)
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
        if rec["cohort_start"] and rec["edition"] and not (
            rec["edition"] - 1 <= rec["cohort_start"].year <= rec["edition"] + 1
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
            rec["stage"] = row.cell("stage", lambda t: textfile.parse_choice(t, STAGE_LABELS))
        if row.has("target_jobs"):
            rec["target_jobs"] = row.cell("target_jobs", lambda t: textfile.parse_int(t, maximum=MAX_JOBS))
        if row.has("planned_investment"):
            rec["planned_investment"] = row.cell(
                "planned_investment", lambda t: textfile.parse_amount(t, maximum=MAX_INVESTMENT))
        if row.has("funding_obtained"):
            row.cell("funding_obtained", lambda t: textfile.parse_amount(t, maximum=MAX_INVESTMENT))
        if row.has("status"):
            rec["status"] = row.cell("status", lambda t: textfile.parse_choice(t, PROJECT_STATUSES),
                                     default="en_cours") or "en_cours"
        if row.has("description"):
            rec["description"] = row.cell("description", lambda t: textfile.clean_text(t, max_length=5000),
                                          default="") or ""
        if row.has("public"):
            rec["public"] = row.cell("public", textfile.parse_bool, default=False)
        if rec["departement"]:
            rec["region_code"] = region_of(rec["departement"])
        row.unique((rec["name"], rec["edition"]), "name",
                   f"projet en double dans le fichier pour l'édition {rec['edition']} (déjà ligne {{line}})")
        if not row.failed:
            parsed.records.append(rec)
    return parsed


def _coach_names(session: Session) -> dict[str, int]:
    return {textfile.normalize_header(n): i for i, n in session.execute(select(Coach.id, Coach.name))}


def _cohort(edition: int, region_code: str) -> str:
    names = {r.code: r.name for r in PILOT_REGIONS}
    region = names.get(region_code) or next(
        (d.region_name for d in departements().values() if d.region_code == region_code), region_code)
    return f"{edition} – {region}"


def _coach_id(session: Session, name: str | None, region_code: str, actor: str, source: str,
              cache: dict[str, int]) -> int | None:
    if not name:
        return None
    key = textfile.normalize_header(name)
    if key not in cache:
        cci = next((r.cci for r in PILOT_REGIONS if r.code == region_code), "CCI")
        coach = Coach(name=name, cci=cci, region_code=region_code, source=source)
        session.add(coach)
        session.flush()
        cache[key] = coach.id
    return cache[key]


def _milestones(project: Project, stage: str | None, source: str) -> list[Milestone]:
    reached = STAGE_KEYS.index(stage) if stage else -1
    out = []
    for i, s in enumerate(STAGES):
        start, end = s.planned(project.cohort_start)
        out.append(Milestone(stage=s.key, planned_start=start, planned_end=end,
                             actual_start=start if i <= reached else None,
                             actual_end=end if i < reached else None, source=source))
    return out


def apply(session: Session, parsed: Parsed, actor: str) -> Summary:
    """Upsert the records on (name, edition); flushes, never commits."""
    _take_write_lock(session, Project)
    source = source_of(parsed.name)
    editions = sorted({r["edition"] for r in parsed.records})
    existing = {(p.name, p.edition): p for p in session.execute(
        select(Project).where(Project.edition.in_(editions))).scalars()}
    coach_cache = _coach_names(session)
    added = updated = unchanged = 0
    for rec in parsed.records:
        project = existing.get((rec["name"], rec["edition"]))
        coach_id = (_coach_id(session, rec.get("coach"), rec["region_code"], actor, source, coach_cache)
                    if "coach" in rec else None)
        if project is None:
            values = {k: v for k, v in rec.items() if k in UPDATABLE and k != "coach"}
            project = Project(name=rec["name"], edition=rec["edition"],
                              cohort=_cohort(rec["edition"], rec["region_code"]), coach_id=coach_id,
                              source=source, **values)
            project.milestones = _milestones(project, rec.get("stage"), source)
            session.add(project)
            added += 1
            continue
        changes = changed_values(Project, project, {k: rec[k] for k in UPDATABLE if k in rec and k != "coach"})
        if "coach" in rec and project.coach_id != coach_id:
            changes["coach_id"] = coach_id
        changed = update_row(project, changes)
        updated += changed
        unchanged += not changed
    session.flush()
    return Summary(added, updated, unchanged)
