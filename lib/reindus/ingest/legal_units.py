"""Legal units (SIRENE `StockUniteLegale`) into the register: the name a coach recognises a supplier by.

In SIRENE the name lives on the legal unit, not on the establishment: only about 3 % of establishments
carry a sign or usual name of their own. `reindus import legal-units StockUniteLegale_utf8.zip` reads
the same file forms as the establishments (`containers.prepare`) and keeps, per SIREN:

- the name: `denominationUniteLegale`, else `sigleUniteLegale`; for a person (no denomination: sole
  traders, legal category 1000) the usage name, else the birth name, and the usual first name, else
  the first one. A person who refused publication (`statutDiffusionUniteLegale = P`, `[ND]` in the
  withheld fields) keeps no name at all: `diffusible` is false and the register shows « non diffusible »;
- the legal category, `categorieEntreprise` (PME, ETI, GE), the employer flag, ESS membership,
  `societeMissionUniteLegale`, the state and the activity (NAF rév. 2, and NAF 2025 when present).

Either file may be imported first: `register.load_legal_units` completes the establishments already
there, and a later establishments import is completed from the legal units (`register.load_file`).
Defects (SIREN failing its check digit, unknown company category, duplicate SIREN, malformed line) are
listed with their line and follow the same error budget as the establishments.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from reindus import config, register
from reindus.errors import UserError
from reindus.ingest import containers, register_import, staging
from reindus.ingest.establishments import (
    PROBLEMS_PER_CHECK,
    ProgressFn,
    audit_entry,
    bound,
    checksum_meanwhile,
    columns_of,
    error_budget,
    estimate_rows,
    examples,
    match,
    settle,
    stage,
)
from reindus.ingest.importer import ImportResult, Parsed, Summary, checksum, source_of
from reindus.ingest.problems import Problems
from reindus.reference import siret
from reindus.register.sirene import LEGAL_UNIT_LAYOUTS, layout_of

FIELDS: dict[str, tuple[str, ...]] = {
    "siren": ("siren",),
    "diffusion": ("statutDiffusionUniteLegale",),
    "denomination": ("denominationUniteLegale", "raison sociale", "dénomination"),
    "acronym": ("sigleUniteLegale", "sigle"),
    "surname": ("nomUniteLegale",),
    "usage_name": ("nomUsageUniteLegale",),
    "usual_first_name": ("prenomUsuelUniteLegale",),
    "first_name": ("prenom1UniteLegale",),
    "legal_category": ("categorieJuridiqueUniteLegale", "catégorie juridique"),
    "company_category": ("categorieEntreprise", "catégorie d'entreprise"),
    "employer": ("caractereEmployeurUniteLegale",),
    "ess": ("economieSocialeSolidaireUniteLegale",),
    "mission": ("societeMissionUniteLegale",),
    "state": ("etatAdministratifUniteLegale",),
    "naf": ("activitePrincipaleUniteLegale",),
    "naf25": ("activitePrincipaleNAF25UniteLegale",),
}
REQUIRED = ("siren",)
# (flag column of `checked`, field, raw column of `staged_rows`, reason)
_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("bad_siren", "siren", "siren", "SIREN invalide (9 chiffres et clé de contrôle)"),
    (
        "bad_category",
        "company_category",
        "company_category",
        "catégorie d'entreprise attendue : PME, ETI ou GE",
    ),
    ("bad_legal", "legal_category", "legal_category", "catégorie juridique attendue : 4 chiffres (ex. 5710)"),
)


def _flag_sql(column: str) -> str:
    v = f"upper(trim(coalesce({column}, '')))"
    return f"CASE WHEN {v} IN ('O', 'OUI', 'TRUE') THEN true WHEN {v} IN ('N', 'NON', 'FALSE') THEN false END"


def _checked_sql() -> str:
    def text(column: str) -> str:
        return f"nullif(trim({column}), '')"

    person = (
        f"nullif(trim(concat_ws(' ', coalesce({text('usage_name')}, {text('surname')}), "
        f"coalesce({text('usual_first_name')}, {text('first_name')}))), '')"
    )
    return f"""
    WITH n AS (
        SELECT rid, line, regexp_replace(coalesce(siren, ''), '[ \u00a0\u202f\u2009.-]', '', 'g') AS siren,
               upper(trim(coalesce(diffusion, ''))) = 'P' AS withheld,
               coalesce({text("denomination")}, {text("acronym")}, {person}) AS name0,
               {text("legal_category")} AS legal_category,
               upper({text("company_category")}) AS company_category,
               {_flag_sql("employer")} AS employer, {_flag_sql("ess")} AS ess, {_flag_sql("mission")} AS mission,
               upper(trim(coalesce(state, ''))) AS state, upper({text("naf")}) AS naf, upper({text("naf25")}) AS naf25
        FROM staged
    )
    SELECT rid, line, siren,
           CASE WHEN withheld THEN NULL ELSE name0 END AS name, NOT withheld AS diffusible, legal_category,
           company_category, employer, ess, mission, state <> 'C' AS active, naf, naf25,
           NOT {siret.valid_siren_sql("siren", "TRY_CAST(siren AS BIGINT)")} AS bad_siren,
           company_category IS NOT NULL AND company_category NOT IN ('PME', 'ETI', 'GE') AS bad_category,
           legal_category IS NOT NULL AND NOT regexp_full_match(legal_category, '[0-9]{{4}}') AS bad_legal
    FROM n
    """


def read_path(
    path: Path,
    name: str,
    *,
    progress: ProgressFn | None = None,
    workdir: Path | None = None,
    max_errors: int | None = None,
) -> tuple[Parsed, Path | None]:
    """Check the file; (parsed, Parquet file in LEGAL_UNIT_SCHEMA, or None when it cannot import)."""
    parsed = Parsed("legal-units", name, "", Problems(name))
    with checksum_meanwhile(path, parsed):
        return _read(path, name, parsed, progress, workdir or staging.make_dir("ul"), max_errors)


def _read(
    path: Path, name: str, parsed: Parsed, progress: ProgressFn | None, workdir: Path, max_errors: int | None
) -> tuple[Parsed, Path | None]:
    problems = parsed.problems
    try:
        prepared = containers.prepare(path, workdir)
    except containers.ContainerError as exc:
        problems.add(0, "", "", str(exc))
        return parsed, None
    parsed.description = prepared.description
    con = duckdb.connect(str(workdir / "staging.duckdb"))
    try:
        bound(con, workdir, ordered=True)
        names = columns_of(con, prepared)
        found = match(names, FIELDS, REQUIRED, problems)
        if not problems.ok:
            return parsed, None
        layout = layout_of(names, LEGAL_UNIT_LAYOUTS)
        if layout:
            parsed.description += f" ; colonnes StockUniteLegale {layout}"
        total, rejects = stage(con, prepared, found, FIELDS, progress, estimate_rows(path, prepared))
        con.execute("SET preserve_insertion_order = false")  # every later row carries its line
        con.execute(f"CREATE TEMP TABLE checked AS {_checked_sql()}")
        defects = Problems(name)
        for line, message in rejects[:PROBLEMS_PER_CHECK]:
            defects.add(line, "", "", f"ligne mal formée (nombre de champs, guillemets) : {message[:160]}")
        defects.errors += max(0, len(rejects) - PROBLEMS_PER_CHECK)
        any_flag = " OR ".join(flag for flag, *_ in _CHECKS)
        counts = con.execute(
            "SELECT count(*) - count(DISTINCT siren), "
            + ", ".join(f"count(*) FILTER (WHERE {flag})" for flag, *_ in _CHECKS)
            + " FROM checked"
        ).fetchone()
        dup_count = counts[0]
        for (flag, column, raw, reason), count in zip(_CHECKS, counts[1:], strict=True):
            if count:
                rows = examples(con, "checked", flag, raw, PROBLEMS_PER_CHECK)
                defects.add_many(
                    (r[0] for r in rows),
                    found.get(column, column),
                    (r[1] for r in rows),
                    reason,
                    count=count,
                    limit=PROBLEMS_PER_CHECK,
                )
        kept = f"NOT ({any_flag})"
        # Duplicate SIRENs: the first line is kept, the others are left out (listed unless already
        # left out for a check above).
        if dup_count:
            con.execute(
                "CREATE TEMP TABLE duplicates AS SELECT * FROM (SELECT rid, line, siren, "
                f"min(line) OVER (PARTITION BY siren) AS first, {any_flag} AS flagged FROM checked WHERE siren IN "
                "(SELECT siren FROM checked GROUP BY siren HAVING count(*) > 1)) WHERE line > first"
            )
            kept += " AND rid NOT IN (SELECT rid FROM duplicates)"
            dups = con.execute(
                f"SELECT line, siren, first FROM duplicates WHERE NOT flagged ORDER BY line LIMIT {PROBLEMS_PER_CHECK}"
            ).fetchall()
            for line, s, first in dups:
                defects.add(
                    int(line), found["siren"], s, f"SIREN en double dans le fichier (déjà ligne {first})"
                )
            defects.errors += max(0, dup_count - len(dups))
        budget = error_budget(total, max_errors)
        parsed.extra.update(rows=int(total), skipped={}, rejected=0, error_budget=budget)
        if not settle(problems, defects, budget, total):
            parsed.extra["kept"] = 0
            return parsed, None
        parsed.extra["rejected"] = defects.errors
        out = workdir / "unites_legales.parquet"
        cols = [c for c in register.LEGAL_UNIT_COLUMNS if c != "source"]
        con.execute(
            f"COPY (SELECT {', '.join(cols)}, ? AS source FROM checked WHERE {kept}) TO '{out}' "
            "(FORMAT parquet, COMPRESSION zstd)",
            [source_of(name)],
        )
        n, named = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE name IS NOT NULL) FROM read_parquet('{out}')"
        ).fetchone()
        parsed.extra.update(kept=int(n), named=int(named))
        return parsed, out
    except duckdb.Error as exc:
        problems.add(
            0,
            "",
            "",
            f"fichier illisible (CSV mal formé, fichier tronqué ?) : {str(exc).splitlines()[0][:200]}",
        )
        return parsed, None
    finally:
        con.close()


def summarise(parquet: Path, register_path: Path | str | None, workdir: Path) -> Summary:
    path = Path(register_path) if register_path is not None else config.register_path()
    cols = [c for c in register.LEGAL_UNIT_COLUMNS if c not in ("siren", "source")]
    con = duckdb.connect()
    try:
        bound(con, workdir)
        new = f"read_parquet('{parquet}')"
        (n,) = con.execute(f"SELECT count(*) FROM {new}").fetchall()[0]
        if not path.exists():
            return Summary(n, 0, 0)
        con.execute(f"ATTACH '{path}' AS reg (READ_ONLY)")
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'reg'"
            ).fetchall()
        }
        if register.database.LEGAL_UNITS not in tables:
            return Summary(n, 0, 0)
        same = " AND ".join(f"n.{c} IS NOT DISTINCT FROM o.{c}" for c in cols)
        existing, unchanged = con.execute(
            f"SELECT count(o.siren), count(o.siren) FILTER (WHERE {same}) FROM {new} n "
            "LEFT JOIN reg.legal_units o ON o.siren = n.siren"
        ).fetchall()[0]
        return Summary(n - existing, existing - unchanged, unchanged)
    finally:
        con.close()


def run_import_path(
    path: Path,
    name: str | None = None,
    *,
    engine,
    actor: str,
    dry_run: bool = False,
    register_path: Path | str | None = None,
    progress: ProgressFn | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    name = name or path.name
    staging.sweep()
    workdir = staging.make_dir("ul")
    try:
        parsed, parquet = read_path(path, name, progress=progress, workdir=workdir, max_errors=max_errors)
        result = ImportResult(parsed, dry_run=dry_run)
        if parquet is None:
            return result
        summary = summarise(parquet, register_path, workdir)
        result.summary = summary
        if dry_run or not summary.changed:
            result.applied = not dry_run
            return result

        def load(reg, before_commit) -> None:
            bound(reg.con, workdir)
            register.load_legal_units(reg, parquet, before_commit=before_commit)

        def entry(session, extra):
            return audit_entry(session, parsed, actor, summary, "legal_units", extra)

        try:  # as for the establishments: the audit entry is written before the register commits
            register_import.load_and_record(engine, parsed, entry, register_path, load)
        except UserError as exc:  # the register's refusal, a busy store or register: nothing imported
            parsed.problems.add(0, "", "", exc.message)
            return result
        except duckdb.Error as exc:
            parsed.problems.add(0, "", "", f"registre inchangé : {str(exc).splitlines()[0][:200]}")
            return result
        result.applied = True
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_import(raw: bytes, name: str, **kwargs) -> ImportResult:
    """As `run_import_path`, for bytes (an upload): written to a temporary file first."""
    with staging.directory("upload") as tmp:
        path = tmp / "upload.bin"
        path.write_bytes(raw)
        result = run_import_path(path, name, **kwargs)
        result.parsed.checksum = checksum(raw)
        return result
