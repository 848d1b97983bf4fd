"""Establishments into the register (DuckDB), streamed: the 40 M-row national stock never sits in memory.

Accepted files, recognised by their bytes (`containers.prepare`: INSEE's zip, `.csv.gz`, Parquet, CSV in
UTF-8, UTF-16 or cp1252, XLSX) and read by column name, never by position, so every SIRENE layout since
2019 is read alike (2024 added the Lambert coordinates and `identifiantAdresseEtablissement`, December
2025 `activitePrincipaleNAF25Etablissement`; `sirene.ESTABLISHMENT_LAYOUTS`):
- SIRENE `StockEtablissement`: `siret`, `activitePrincipaleEtablissement` with its
  `nomenclatureActivitePrincipaleEtablissement`, `activitePrincipaleNAF25Etablissement` (kept beside,
  never compared with the rév. 2 code), `etatAdministratifEtablissement` and `dateDebut` (the date a
  closed establishment closed), `trancheEffectifsEtablissement`, `caractereEmployeurEtablissement`,
  `codeCommuneEtablissement`, `denominationUsuelleEtablissement` / `enseigne1Etablissement`,
  `statutDiffusionEtablissement`, `dateCreationEtablissement`, Lambert 93 coordinates;
- the geolocated variants: `longitude` / `latitude` (`geo_score` ignored), or `x_longitude` /
  `y_latitude` with a per-row `epsg`;
- the CCI directory: `siret`, `raison sociale`, `naf`, `code commune`, `effectif`, `latitude`, `longitude`.

`[ND]` (withheld by INSEE) reads as empty, and an establishment with `statutDiffusion… = P` keeps no name.

Rows the register does not cover are skipped and counted by reason (`SKIP_REASONS`), never refused:
closed establishments coded in NAP / NAF 1993 / NAF rév. 1, closed ones without activity, the `00.00Z`
placeholder, the overseas collectivities and establishments abroad. A commune code that no longer
exists is replaced by its current commune (`reference.commune_history`), else the establishment is
placed at its département's point; both are marked approximate. Genuine defects (SIRET check digit,
unknown NAF code or band, impossible date, coordinates out of bounds or in an unknown EPSG system,
malformed line, duplicate SIRET) are listed with their line;
up to the error budget (`max_errors`, by default ERROR_SHARE of the rows read) those lines are left out
and the rest imports, each listed as a warning; above it, nothing imports.

No Python loop runs over the rows. DuckDB reads the file once, in its order (which gives each row its
line), into a narrow staging table of the work folder (`_shape`: compressed as it is written, on disk
beyond MEMORY_LIMIT): during that read each row is normalised, given its skip reason, checked where no
reference table is needed (SIRET key, dates, numbers) and its Lambert 93 coordinates converted to WGS84
(`reference.lambert`); a skipped row keeps only its reason, a SIRET is stored as a number, and a value
as read only where its check fails. Then, unordered: each commune code is resolved once against the
commune history (`_communes`), the checks against the NAF, band and commune references run as one
aggregate, and only the first lines of each defect come back to Python to be listed; the per-row EPSG
codes of a geolocated file other than WGS84 and Lambert 93 (a few overseas rows) go through pyproj. The
kept rows are written, in the register schema, to one Parquet file by one COPY, which
`register.load_file(…, replace=False)` upserts on SIRET in one transaction (`ingest.register_import`:
the audit entry first).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from reindus import config, register
from reindus.errors import UserError
from reindus.ingest import containers, register_import, staging
from reindus.ingest.checks import commune_codes
from reindus.ingest.importer import ImportResult, Parsed, Summary, checksum, source_of
from reindus.ingest.problems import Problems
from reindus.reference import lambert, siret
from reindus.reference.headcount import BANDS
from reindus.reference.naf import NAF_VERSION, naf2025_table, naf_table
from reindus.register import sirene

MEMORY_LIMIT = "1GB"
# Default error budget: one defective line in a thousand is left out (and listed), more refuses the file.
ERROR_SHARE = 0.001
WITHHELD = "[ND]"
# canonical field → accepted headers (normalised with textfile.normalize_header)
FIELDS: dict[str, tuple[str, ...]] = {
    "siret": ("siret",),
    "naf": ("activitePrincipaleEtablissement", "naf", "code naf", "ape", "code ape"),
    "nomenclature": ("nomenclatureActivitePrincipaleEtablissement",),
    "naf25": ("activitePrincipaleNAF25Etablissement", "naf 2025", "code naf 2025"),
    "state": ("etatAdministratifEtablissement", "actif", "état"),
    "state_since": ("dateDebut",),
    "band": ("trancheEffectifsEtablissement", "effectif", "tranche effectif", "tranche d'effectif"),
    "employer": ("caractereEmployeurEtablissement", "employeur"),
    "commune": ("codeCommuneEtablissement", "code commune", "commune", "code insee"),
    "name": ("denominationUsuelleEtablissement", "raison sociale", "nom", "denomination"),
    "sign": ("enseigne1Etablissement", "enseigne"),
    "diffusion": ("statutDiffusionEtablissement",),
    "created": ("dateCreationEtablissement", "date de création"),
    "legal_category": ("categorieJuridiqueUniteLegale", "catégorie juridique"),
    "lambert_x": ("coordonneeLambertAbscisseEtablissement",),
    "lambert_y": ("coordonneeLambertOrdonneeEtablissement",),
    "longitude": ("longitude", "x_longitude"),
    "latitude": ("latitude", "y_latitude"),
    "epsg": ("epsg",),
}
REQUIRED = ("siret", "naf", "commune")
# Nomenclatures of the national stock older than NAF rév. 2 (establishments closed before 2008).
OLD_NOMENCLATURES = ("NAP", "NAF1993", "NAFREV1")
OVERSEAS_COLLECTIVITIES = ("975", "977", "978", "986", "987", "988")
PLACEHOLDER_NAF = "00.00Z"
# reason → French label, in the order a row is tested (a row counts under its first reason).
SKIP_REASONS: dict[str, str] = {
    "old_nomenclature": "activité codée dans une nomenclature antérieure à la NAF rév. 2 (NAP, NAF 1993, "
    "NAF rév. 1)",
    "closed_no_activity": "établissement fermé sans code d'activité",
    "placeholder": f"code d'activité d'attente {PLACEHOLDER_NAF}",
    "withheld_commune": "personne non diffusible dont la commune n'est pas publiée",
    "abroad": "établissement à l'étranger (sans commune française)",
    "overseas_collectivity": "collectivité d'outre-mer hors du registre (975, 977, 978, 986 à 988)",
}
# The audit entry of an import names each skip reason after this prefix (the « Données » page reads them).
SKIPPED_KEY = "écartées : "
_BAND_CODES = frozenset(b.code for b in BANDS)
ProgressFn = Callable[[int, int | None], None]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- reading a file into a staging table (shared with legal_units) -----------------------------------


def source_sql(prepared: containers.Prepared) -> str:
    """A DuckDB table function scanning the prepared file, every column as text; malformed CSV lines
    go to DuckDB's reject table (`reject_errors`) instead of failing the scan."""
    p = _sql_string(str(prepared.path))
    if prepared.format == "parquet":
        return f"read_parquet({p})"
    cols = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in prepared.header) + "}"
    return (
        f"read_csv({p}, header = true, delim = {_sql_string(prepared.separator)}, quote = '\"', "
        f"escape = '\"', auto_detect = false, columns = {cols}, compression = '{prepared.compression}', "
        "strict_mode = true, null_padding = false, ignore_errors = true, store_rejects = true, "
        "parallel = true)"
    )


def columns_of(con: duckdb.DuckDBPyConnection, prepared: containers.Prepared) -> list[str]:
    if prepared.format == "parquet":
        return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source_sql(prepared)}").fetchall()]
    return list(prepared.header)


def match(
    names: list[str], fields: dict[str, tuple[str, ...]], required, problems: Problems
) -> dict[str, str]:
    from reindus.ingest.textfile import normalize_header

    by_norm = {normalize_header(n): n for n in names}
    found = {}
    for key, aliases in fields.items():
        for alias in aliases:
            hit = by_norm.get(normalize_header(alias))
            if hit is not None:
                found[key] = hit
                break
    for key in required:
        if key not in found:
            problems.add(
                1,
                fields[key][0],
                "",
                "colonne obligatoire absente (colonnes lues : "
                + ", ".join(f"« {n} »" for n in names[:12])
                + ")",
            )
    return found


def stage(
    con: duckdb.DuckDBPyConnection,
    prepared: containers.Prepared,
    found: dict[str, str],
    fields: dict[str, tuple[str, ...]],
    progress: ProgressFn | None,
    estimate: int,
    shape: Callable[[str], str] | None = None,
) -> tuple[int, list[tuple[int, str]]]:
    """Scan the file once into `staged_rows` (one text column per field, `[ND]` as NULL, in the file's
    order: `con` must keep insertion order) and make the view `staged` over it with `rid` (the row's
    id in `staged_rows`) and `line` (the line a spreadsheet shows); returns (rows read, [(line,
    reason)] of the malformed lines DuckDB rejected). `shape(raw)`, when given, is the query stored
    instead of those text columns, over the query `raw` that reads them (one row out per row in)."""
    select = ", ".join(
        f"nullif(CAST(\"{found[k]}\" AS VARCHAR), '{WITHHELD}') AS {k}"
        if k in found
        else f"CAST(NULL AS VARCHAR) AS {k}"
        for k in fields
    )
    raw = f"SELECT {select} FROM {source_sql(prepared)}"
    # A table of the staging database, not a temporary one: DuckDB compresses it as it writes it.
    _execute_with_progress(
        con,
        f"CREATE TABLE staged_rows AS {shape(raw) if shape else raw}",
        progress,
        estimate,
    )
    rejects: list[tuple[int, str]] = []
    if prepared.format == "csv":
        rejects = [
            (int(line), str(message))
            for line, message in con.execute(
                "SELECT line, error_message FROM reject_errors ORDER BY line"
            ).fetchall()
        ]
    # A row's line is its place in the table plus the header, plus the rejected lines before it.
    if rejects:
        con.execute(
            "CREATE TEMP TABLE shift AS SELECT a, max(k) AS k FROM (SELECT l - row_number() OVER (ORDER BY l) "
            "AS a, row_number() OVER (ORDER BY l) AS k FROM (SELECT unnest(?::BIGINT[]) AS l)) GROUP BY a",
            [[r[0] for r in rejects]],
        )
        con.execute(
            "CREATE TEMP VIEW staged AS SELECT r.rowid AS rid, r.rowid + 2 + coalesce(s.k, 0) AS line, r.* "
            "FROM staged_rows r ASOF LEFT JOIN shift s ON r.rowid + 1 >= s.a"
        )
    else:
        con.execute("CREATE TEMP VIEW staged AS SELECT rowid AS rid, rowid + 2 AS line, * FROM staged_rows")
    (total,) = con.execute("SELECT count(*) FROM staged_rows").fetchall()[0]
    return int(total) + len(rejects), rejects


def examples(
    con: duckdb.DuckDBPyConnection, table: str, flag: str, raw: str, limit: int
) -> list[tuple[int, object]]:
    """(line, value as read) of the first `limit` rows of `table` where `flag` holds; the value comes
    from `staged_rows`, joined on `rid` (from `table` itself when `raw` is prefixed with its name)."""
    if raw.startswith(f"{table}."):
        return con.execute(
            f"SELECT line, {raw.removeprefix(table + '.')} FROM {table} WHERE {flag} ORDER BY line LIMIT {int(limit)}"
        ).fetchall()
    return con.execute(
        f"WITH top AS (SELECT rid, line FROM {table} WHERE {flag} ORDER BY line LIMIT {int(limit)}) "
        f"SELECT top.line, s.{raw} FROM top JOIN staged_rows s ON s.rowid = top.rid ORDER BY top.line"
    ).fetchall()


def bound(con: duckdb.DuckDBPyConnection, workdir: Path, *, ordered: bool = False) -> None:
    """Every DuckDB database the import opens stays within MEMORY_LIMIT and spills to `workdir`;
    `ordered` keeps the file's order (the staging numbers rows as the file has them)."""
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {_sql_string(str(workdir / 'tmp'))}")
    con.execute(f"SET preserve_insertion_order = {str(ordered).lower()}")
    con.execute("SET enable_progress_bar = false")


def _execute_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, progress: ProgressFn | None, estimate: int
) -> None:
    """Run a long statement, reporting DuckDB's own progress (as rows out of an estimate) every second."""
    if progress is None:
        con.execute(sql)
        return
    import threading

    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    finished = threading.Event()

    def poll() -> None:
        while not finished.wait(1.0):
            percent = con.query_progress()
            if percent > 0:
                progress(int(estimate * min(percent, 100.0) / 100), estimate)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        con.execute(sql)
    finally:
        finished.set()
        watcher.join()
        con.execute("SET enable_progress_bar = false")


def file_checksum(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def checksum_meanwhile(path: Path, parsed: Parsed) -> Iterator[None]:
    """Set `parsed.checksum` from a thread reading the file while the block runs: hashing the national
    stock takes about a minute, which DuckDB's scan of the same file then hides."""
    with ThreadPoolExecutor(1) as pool:
        digest = pool.submit(file_checksum, path)
        try:
            yield
        finally:
            parsed.checksum = digest.result()


def estimate_rows(path: Path, prepared: containers.Prepared) -> int:
    ratio = 10 if prepared.compression == "gzip" else 1  # a gzipped CSV is about a tenth of its size
    return max(1, prepared.path.stat().st_size * ratio // 200)


def error_budget(rows: int, max_errors: int | None) -> int:
    return int(math.floor(rows * ERROR_SHARE)) if max_errors is None else max(0, int(max_errors))


def settle(problems: Problems, defects: Problems, budget: int, rows: int, *, what: str = "ligne(s)") -> bool:
    """Apply the error budget: True when the defects fit in it (they are added as warnings, the lines
    left out); else they are added as errors with a line saying the budget was exceeded."""
    if defects.errors == 0:
        return True
    if defects.errors > budget:
        problems.extend(defects)
        if budget == 0:  # a small file: any error refuses it, as for every other import
            return False
        problems.add(
            0,
            "",
            "",
            f"{defects.errors} {what} en erreur sur {rows}, au-delà du budget d'erreurs ({budget}, "
            "option --max-errors) : rien n'a été importé",
        )
        return False
    problems.warn(
        0,
        "",
        "",
        f"{defects.errors} {what} en erreur sur {rows} laissée(s) de côté (budget d'erreurs : {budget}, "
        "option --max-errors) ; le reste est importé",
    )
    for p in defects.items:
        problems.warn(p.line, p.column, p.value, f"{p.reason} — ligne laissée de côté")
    hidden = defects.errors - len(defects.items)
    problems.warnings += max(0, hidden)
    return True


# --- establishments ---------------------------------------------------------------------------------


# The row checks over the `checked` view: (flag column, column as reported, value shown: a column of
# `staged_rows`, which keeps the value as read where a check fails, or of `checked` when prefixed).
_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("bad_siret", "siret", "siret_raw", "SIRET invalide (14 chiffres et clé de contrôle)"),
    ("bad_naf", "naf", "naf", "code NAF absent de la NAF rév. 2"),
    ("bad_naf25", "naf 2025", "naf25", "code absent de la NAF 2025"),
    ("bad_commune", "commune", "commune1", "code commune INSEE inconnu"),
    ("bad_band", "effectif", "band", "tranche d'effectif SIRENE inconnue (NN, 00, 01 … 53)"),
    ("bad_state", "état", "state", "état administratif attendu : A ou F"),
    ("bad_created", "date de création", "created_raw", "date impossible (aaaa-mm-jj attendu)"),
    ("bad_longitude", "longitude", "longitude_raw", "nombre attendu"),
    ("bad_latitude", "latitude", "latitude_raw", "nombre attendu"),
    ("bad_epsg", "epsg", "other_epsg", "code EPSG inconnu"),
    ("bad_position", "longitude", "checked.lon", "coordonnées hors limites"),
)
PROBLEMS_PER_CHECK = 50  # listed per kind of problem, so that one cannot hide the others; all are counted
# Coordinate systems converted in SQL; any other EPSG code of a geolocated file goes through pyproj.
_IN_SQL_EPSG = ("", "4326", "2154")


def _number_sql(column: str) -> str:
    cleaned = f"replace(replace(replace(trim({column}), chr(160), ''), chr(8239), ''), ',', '.')"
    return f"TRY_CAST(nullif({cleaned}, '') AS DOUBLE)"


def _dotted(column: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({column}, '[0-9]{{4}}[A-Z]') THEN {column}[1:2] || '.' || {column}[3:] "
        f"ELSE {column} END"
    )


def _shape(*, has_state: bool) -> Callable[[str], str]:
    """The staging query over the file's text fields (`raw`), run in the file's order: each row
    normalised, its skip reason (NULL: kept) and, for the kept rows, the checks that need no reference
    table and the WGS84 coordinates (Lambert 93 converted in SQL; other EPSG systems by `_reproject`).

    The value as read is kept only where a check fails (for the listing) and a SIRET is stored as a
    number: the national stock's 40 M rows stay a narrow table instead of twenty text columns."""
    old = ", ".join(_sql_string(n) for n in OLD_NOMENCLATURES)
    overseas = ", ".join(_sql_string(c) for c in OVERSEAS_COLLECTIVITIES)
    given = ", ".join(_sql_string(code) for code in _IN_SQL_EPSG[:2])

    kept = {
        "siret_n": "siret_n",
        "naf": "naf",
        "naf25": "naf25",
        "commune1": "commune1",
        "band": "band",
        "state": "state",
        "active": "active",
        "diffusible": "NOT withheld",
        "employer": "CASE WHEN employer0 IN ('O', 'OUI') THEN true WHEN employer0 IN ('N', 'NON') THEN false END",
        "created": "created",
        "closed_since": "CASE WHEN state IN ('F', 'NON') THEN TRY_STRPTIME(nullif(trim(state_since), ''), "
        "'%Y-%m-%d')::DATE END",
        "name": "CASE WHEN NOT withheld THEN own_name END",
        "legal_category": "legal_category",
        "lon": "lon",
        "lat": "lat",
    }
    kept_only = ", ".join(
        f"CASE WHEN skip IS NULL THEN {sql} END AS {column}" for column, sql in kept.items()
    )

    def shape(raw: str) -> str:
        return f"""
    WITH n AS (
        SELECT siret AS siret_raw, created AS created_raw, longitude AS longitude_raw, latitude AS latitude_raw,
               regexp_replace(coalesce(siret, ''), '[ \u00a0\u202f\u2009.-]', '', 'g') AS s0,
               upper(trim(coalesce(naf, ''))) AS naf0,
               upper(trim(coalesce(naf25, ''))) AS naf250,
               upper(replace(trim(coalesce(nomenclature, '')), ' ', '')) AS nomenclature,
               upper(trim(coalesce(commune, ''))) AS commune0,
               coalesce(nullif(trim(band), ''), 'NN') AS band,
               upper(trim(coalesce(state, ''))) AS state,
               upper(trim(coalesce(diffusion, ''))) = 'P' AS withheld,
               upper(trim(coalesce(employer, ''))) AS employer0,
               nullif(trim(created), '') AS created0,
               state_since,
               {_number_sql("longitude")} AS x, {_number_sql("latitude")} AS y,
               {_number_sql("lambert_x")} AS lx, {_number_sql("lambert_y")} AS ly,
               coalesce(trim(epsg), '') AS epsg,
               coalesce(nullif(trim(name), ''), nullif(trim(sign), '')) AS own_name,
               nullif(trim(legal_category), '') AS legal_category
        FROM ({raw})
    ), c AS (
        SELECT *,
               CASE WHEN length(s0) = 13 AND regexp_full_match(s0, '[0-9]+') THEN '0' || s0 ELSE s0 END AS siret,
               {_dotted("naf0")} AS naf,
               nullif({_dotted("naf250")}, '') AS naf25,
               CASE WHEN regexp_full_match(commune0, '[0-9]{{4}}') THEN '0' || commune0 ELSE commune0 END
                   AS commune1,
               {"state IN ('A', 'OUI')" if has_state else "true"} AS active,
               CASE WHEN epsg IN ({given}) THEN 'given' WHEN TRY_CAST(epsg AS DOUBLE) = 2154 THEN 'lambert'
                    ELSE 'other' END AS system
        FROM n
    ), s AS (
        SELECT *,
               CASE
                   WHEN nomenclature IN ({old}) THEN 'old_nomenclature'
                   WHEN naf0 = '' AND state IN ('F', 'NON') THEN 'closed_no_activity'
                   WHEN naf = '{PLACEHOLDER_NAF}' THEN 'placeholder'
                   WHEN commune1 = '' AND withheld THEN 'withheld_commune'
                   WHEN commune1 = '' THEN 'abroad'
                   WHEN commune1[1:3] IN ({overseas}) THEN 'overseas_collectivity'
               END AS skip,
               TRY_CAST(siret AS BIGINT) AS siret_n
        FROM c
    ), k AS (
        SELECT *,
               CASE WHEN skip IS NULL THEN NOT {siret.valid_siret_sql("siret", "siret_n")} END AS bad_siret,
               CASE WHEN skip IS NULL THEN TRY_STRPTIME(created0, '%Y-%m-%d')::DATE END AS created,
               skip IS NULL AND x IS NOT NULL AND y IS NOT NULL AS positioned
        FROM s
    ), g AS (
        SELECT *,
               CASE WHEN positioned AND system = 'given' THEN x
                    WHEN positioned AND system = 'lambert' THEN {lambert.longitude_sql("x", "y")} END AS lon1,
               CASE WHEN positioned AND system = 'given' THEN y END AS given_lat,
               CASE WHEN positioned AND system = 'lambert' THEN {lambert.isometric_sql("x", "y")} END
                   AS given_isometric,
               -- SIRENE's Lambert 93 columns, where the row has no usable coordinates of its own
               skip IS NULL AND NOT (positioned AND system IN ('given', 'lambert')) AND lx IS NOT NULL
                   AND ly IS NOT NULL AND NOT starts_with(commune1, '97') AS fallback
        FROM k
    ), i AS (
        SELECT *,
               CASE WHEN fallback THEN {lambert.longitude_sql("lx", "ly")} END AS fallback_lon,
               CASE WHEN fallback THEN {lambert.isometric_sql("lx", "ly")} END AS fallback_isometric
        FROM g
    ), o AS (
        SELECT *,
               coalesce(lon1, fallback_lon) AS lon,
               CASE WHEN lon1 IS NOT NULL
                    THEN CASE WHEN given_isometric IS NOT NULL THEN {lambert.latitude_sql("given_isometric")}
                              ELSE given_lat END
                    WHEN fallback THEN {lambert.latitude_sql("fallback_isometric")} END AS lat
        FROM i
    )
    -- A skipped row keeps its reason only (NULLs cost nothing stored); a value as read is kept, in the
    -- column of the same name, only where its check fails, which is how the checks below find it.
    SELECT skip, {kept_only},
           CASE WHEN bad_siret THEN coalesce(siret_raw, '') END AS siret_raw,
           CASE WHEN skip IS NULL AND created0 IS NOT NULL AND created IS NULL THEN created_raw END AS created_raw,
           CASE WHEN skip IS NULL AND coalesce(trim(longitude_raw), '') <> '' AND x IS NULL THEN longitude_raw
               END AS longitude_raw,
           CASE WHEN skip IS NULL AND coalesce(trim(latitude_raw), '') <> '' AND y IS NULL THEN latitude_raw
               END AS latitude_raw,
           CASE WHEN positioned AND system = 'other' THEN x END AS other_x,
           CASE WHEN positioned AND system = 'other' THEN y END AS other_y,
           CASE WHEN positioned AND system = 'other' THEN epsg END AS other_epsg
    FROM o
    """

    return shape


def _communes(con: duckdb.DuckDBPyConnection) -> None:
    """`commune_map`: each commune code of the kept rows, resolved once (there are some 40 000 of them
    for 25 M rows): its current commune (the history maps a merged commune's code), département,
    point, and whether it was remapped, placed at its département or is unknown."""
    con.execute(
        """
    CREATE TEMP TABLE commune_map AS
    WITH codes AS (SELECT DISTINCT commune1 AS code FROM staged_rows WHERE skip IS NULL),
    r AS (
        SELECT c.code, coalesce(p.code, f.commune, c.code) AS commune,
               coalesce(p.longitude, fp.longitude, d.longitude) AS commune_longitude,
               coalesce(p.latitude, fp.latitude, d.latitude) AS commune_latitude,
               p.code IS NULL AND f.commune IS NOT NULL AS remapped,
               p.code IS NULL AND f.commune IS NULL AND d.code IS NOT NULL AS at_departement,
               p.code IS NULL AND f.commune IS NULL AND d.code IS NULL AS bad_commune
        FROM codes c
        LEFT JOIN ref_commune p ON p.code = c.code
        LEFT JOIN ref_former f ON p.code IS NULL AND f.code = c.code
        LEFT JOIN ref_commune fp ON fp.code = f.commune
        LEFT JOIN ref_departement d ON p.code IS NULL AND f.commune IS NULL
             AND regexp_full_match(c.code, '([0-9]{2}|2A|2B)[0-9]{3}')
             AND d.code = CASE WHEN starts_with(c.code, '97') THEN c.code[1:3] ELSE c.code[1:2] END
    )
    SELECT *, CASE WHEN starts_with(commune, '97') THEN commune[1:3] ELSE commune[1:2] END AS departement
    FROM r
    """
    )


def _checked_sql(*, reprojected: bool) -> str:
    """The kept rows in the register's terms, with one flag per check: `staged` joined with its
    commune (`commune_map`) and, for the few rows in another EPSG system, `reprojected`."""
    if reprojected:
        lon = "CASE WHEN r.longitude IS NOT NULL THEN r.longitude ELSE s.lon END"
        lat = "CASE WHEN r.longitude IS NOT NULL THEN r.latitude ELSE s.lat END"
        join, unknown = "LEFT JOIN reprojected r ON r.rid = s.rid", "coalesce(r.unknown, false)"
    else:
        lon, lat, join, unknown = "s.lon", "s.lat", "", "false"
    return f"""
    WITH x AS (
        SELECT s.rid, s.line, lpad(CAST(s.siret_n AS VARCHAR), 14, '0') AS siret, s.siret_n,
               s.name, s.naf, s.naf25, s.band, s.active, m.commune, m.departement,
               {lon} AS lon, {lat} AS lat, m.commune_longitude, m.commune_latitude, m.remapped,
               m.at_departement, s.created, s.legal_category, s.diffusible, s.employer, s.closed_since,
               s.siret_raw IS NOT NULL AS bad_siret,
               s.naf NOT IN (SELECT code FROM ref_naf) AS bad_naf,
               s.naf25 IS NOT NULL AND s.naf25 NOT IN (SELECT code FROM ref_naf25) AS bad_naf25,
               m.bad_commune,
               s.band NOT IN (SELECT code FROM ref_band) AS bad_band,
               s.state NOT IN ('', 'A', 'F', 'OUI', 'NON') AS bad_state,
               s.created_raw IS NOT NULL AS bad_created, s.longitude_raw IS NOT NULL AS bad_longitude,
               s.latitude_raw IS NOT NULL AS bad_latitude, {unknown} AS bad_epsg
        FROM staged s JOIN commune_map m ON m.code = s.commune1 {join}
        WHERE s.skip IS NULL
    )
    SELECT *, siret[1:9] AS siren, siret[10:] AS nic,
           coalesce(abs(lon) > 180 OR abs(lat) > 90 OR NOT isfinite(lon) OR NOT isfinite(lat), false)
               AS bad_position
    FROM x
    """


def _reproject(con: duckdb.DuckDBPyConnection) -> bool:
    """`reprojected(rid, longitude, latitude, unknown)`: the rows of a geolocated file whose per-row
    EPSG code is neither WGS84 nor Lambert 93 (overseas systems: a few, converted by pyproj); False
    when there are none."""
    codes = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT other_epsg FROM staged_rows WHERE other_epsg IS NOT NULL"
        ).fetchall()
    ]
    if not codes:
        return False
    con.execute(
        "CREATE TEMP TABLE reprojected (rid BIGINT, longitude DOUBLE, latitude DOUBLE, unknown BOOLEAN)"
    )
    for code in codes:
        rows = con.execute(
            "SELECT rowid AS rid, other_x AS x, other_y AS y FROM staged_rows WHERE other_epsg = ?", [code]
        ).fetchnumpy()
        x, y = (np.asarray(rows[c], dtype=float) for c in ("x", "y"))
        try:
            from pyproj import Transformer

            t = Transformer.from_crs(f"EPSG:{int(float(code))}", "EPSG:4326", always_xy=True)
            lon, lat = t.transform(x, y)
            unknown = False
        except Exception:  # pyproj's CRSError, or a code that is no number
            lon, lat, unknown = np.full_like(x, np.nan), np.full_like(y, np.nan), True
        frame = pd.DataFrame({"rid": rows["rid"], "longitude": lon, "latitude": lat})
        frame["unknown"] = unknown
        con.register("reprojected_batch", frame)
        con.execute(
            "INSERT INTO reprojected SELECT rid, nullif(longitude, 'nan'::DOUBLE), "
            "nullif(latitude, 'nan'::DOUBLE), unknown FROM reprojected_batch"
        )
        con.unregister("reprojected_batch")
    return True


def _references(con: duckdb.DuckDBPyConnection) -> None:
    from reindus.reference import geo
    from reindus.reference.commune_history import former_communes

    points = geo.communes()
    codes = commune_codes()
    points = points[points["code"].isin(codes)][["code", "departement", "longitude", "latitude"]]
    con.register("ref_commune_all", points)
    con.execute("CREATE TEMP TABLE ref_commune AS SELECT code, longitude, latitude FROM ref_commune_all")
    # A département's point: the middle of its communes' points (for a commune code the history lacks).
    con.execute(
        "CREATE TEMP TABLE ref_departement AS SELECT departement AS code, avg(longitude) AS longitude, "
        "avg(latitude) AS latitude FROM ref_commune_all GROUP BY departement"
    )
    con.unregister("ref_commune_all")
    former = former_communes()
    con.register("ref_former_all", former[former["commune"].isin(codes)])
    con.execute("CREATE TEMP TABLE ref_former AS SELECT code, commune FROM ref_former_all")
    con.unregister("ref_former_all")
    con.execute("CREATE TEMP TABLE ref_naf AS SELECT unnest(?::VARCHAR[]) AS code", [list(naf_table().index)])
    con.execute(
        "CREATE TEMP TABLE ref_naf25 AS SELECT unnest(?::VARCHAR[]) AS code", [list(naf2025_table().index)]
    )
    con.execute("CREATE TEMP TABLE ref_band AS SELECT unnest(?::VARCHAR[]) AS code", [sorted(_BAND_CODES)])


def read_path(
    path: Path,
    name: str,
    *,
    progress: ProgressFn | None = None,
    workdir: Path | None = None,
    max_errors: int | None = None,
) -> tuple[Parsed, Path | None]:
    """Check the file; (parsed, Parquet file in the register schema, or None when it cannot import).

    `parsed.extra`: rows read, kept, skipped by reason (French label → count), rejected (left out
    within the error budget), remapped communes, establishments placed at their département."""
    parsed = Parsed("establishments", name, "", Problems(name))
    with checksum_meanwhile(path, parsed):
        return _read(path, name, parsed, progress, workdir or staging.make_dir("etab"), max_errors)


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
        layout = sirene.layout_of(names, sirene.ESTABLISHMENT_LAYOUTS)
        if layout:
            parsed.description += f" ; colonnes StockEtablissement {layout}"
            parsed.extra["layout"] = layout
        # Without a state column (a CCI directory lists the establishments it knows to be open),
        # every row is active, and the summary says so.
        shape = _shape(has_state="state" in found)
        total, rejects = stage(con, prepared, found, FIELDS, progress, estimate_rows(path, prepared), shape)
        con.execute("SET preserve_insertion_order = false")  # every later row carries its line
        if "state" not in found:
            parsed.extra["all_active"] = True
        skipped = dict(
            con.execute(
                "SELECT skip, count(*) FROM staged_rows WHERE skip IS NOT NULL GROUP BY skip"
            ).fetchall()
        )
        _references(con)
        _communes(con)
        con.execute(f"CREATE TEMP VIEW checked AS {_checked_sql(reprojected=_reproject(con))}")
        defects = Problems(name)
        for line, message in rejects[:PROBLEMS_PER_CHECK]:
            defects.add(line, "", "", f"ligne mal formée (nombre de champs, guillemets) : {message[:160]}")
        defects.errors += max(0, len(rejects) - PROBLEMS_PER_CHECK)
        counts = con.execute(
            "SELECT count(siret_n) - count(DISTINCT siret_n), count(*) FILTER (WHERE remapped), "
            "count(*) FILTER (WHERE at_departement), "
            + ", ".join(f"count(*) FILTER (WHERE {flag})" for flag, *_ in _CHECKS)
            + " FROM checked"
        ).fetchone()
        dup_count, remapped, at_departement = counts[:3]
        for (flag, column, raw, reason), count in zip(_CHECKS, counts[3:], strict=True):
            if count:
                rows = examples(con, "checked", flag, raw, PROBLEMS_PER_CHECK)
                defects.add_many(
                    (r[0] for r in rows),
                    _column(found, column),
                    (r[1] for r in rows),
                    reason,
                    count=count,
                    limit=PROBLEMS_PER_CHECK,
                )
        left_out = " OR ".join(flag for flag, *_ in _CHECKS)
        # Duplicate SIRETs: the first line is kept, the others are defects.
        if dup_count:
            con.execute(
                "CREATE TEMP TABLE duplicates AS SELECT rid, line, siret, first FROM (SELECT rid, line, siret, "
                "min(line) OVER (PARTITION BY siret_n) AS first FROM checked WHERE siret_n IN "
                "(SELECT siret_n FROM checked GROUP BY siret_n HAVING count(*) > 1)) WHERE line > first"
            )
            left_out += " OR rid IN (SELECT rid FROM duplicates)"
            rows = con.execute(
                f"SELECT line, siret, first FROM duplicates ORDER BY line LIMIT {PROBLEMS_PER_CHECK}"
            )
            for line, s, first in rows.fetchall():
                defects.add(
                    int(line), found["siret"], s, f"SIRET en double dans le fichier (déjà ligne {first})"
                )
            defects.errors += max(0, dup_count - PROBLEMS_PER_CHECK)
        budget = error_budget(total, max_errors)
        parsed.extra.update(
            rows=int(total),
            skipped={SKIP_REASONS[k]: int(skipped[k]) for k in SKIP_REASONS if skipped.get(k)},
            rejected=0,
            remapped_communes=int(remapped),
            placed_at_departement=int(at_departement),
            error_budget=budget,
        )
        if not settle(problems, defects, budget, total):
            parsed.extra["kept"] = 0
            return parsed, None
        parsed.extra["rejected"] = defects.errors
        out = workdir / "etablissements.parquet"
        parsed.extra["kept"] = _write(con, out, name, f"NOT ({left_out})", progress, total)
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


def _column(found: dict[str, str], reported: str) -> str:
    keys = {"siret": "siret", "naf": "naf", "naf 2025": "naf25", "commune": "commune", "effectif": "band"}
    keys |= {"état": "state", "date de création": "created", "longitude": "longitude", "latitude": "latitude"}
    keys |= {"epsg": "epsg"}
    return found.get(keys.get(reported, ""), reported)


def _write(
    con: duckdb.DuckDBPyConnection, out: Path, name: str, kept: str, progress: ProgressFn | None, total: int
) -> int:
    """The kept rows in the register schema, as Parquet, in one statement; returns their number.
    Without coordinates an establishment is placed at its (current) commune's point, marked approximate."""
    approximate = "(lon IS NULL OR lat IS NULL)"
    computed = {
        "longitude": f"CASE WHEN {approximate} THEN commune_longitude ELSE lon END",
        "latitude": f"CASE WHEN {approximate} THEN commune_latitude ELSE lat END",
        "approximate": approximate,
        "naf_version": _sql_string(NAF_VERSION),
        "source": _sql_string(source_of(name)),
        **{c: f"CAST(NULL AS {register.SCHEMA[c]})" for c in register.FROM_LEGAL_UNIT},
    }
    select = ", ".join(f"{computed.get(c, c)} AS {c}" for c in register.COLUMNS)
    _execute_with_progress(
        con,
        f"COPY (SELECT {select} FROM checked WHERE {kept}) TO {_sql_string(str(out))} "
        "(FORMAT parquet, COMPRESSION zstd)",
        progress,
        total,
    )
    (n,) = con.execute(f"SELECT count(*) FROM read_parquet({_sql_string(str(out))})").fetchone()
    return int(n)


ALL_ACTIVE_NOTE = "pas de colonne « état » : tous les établissements du fichier sont comptés en activité"


def _keep_masked_names(parquet: Path, register_path: Path | str | None, workdir: Path) -> None:
    """A register export masks sole traders' names (`register.MASKED_NAME`): re-imported, that text
    keeps the name the register holds (none for an establishment it does not know)."""
    path = Path(register_path) if register_path is not None else config.register_path()
    con = duckdb.connect()
    try:
        bound(con, workdir)
        new = f"read_parquet({_sql_string(str(parquet))})"
        (masked,) = con.execute(
            f"SELECT count(*) FROM {new} WHERE name = ?", [register.MASKED_NAME]
        ).fetchone()
        if not masked:
            return
        if path.exists():
            con.execute(f"ATTACH {_sql_string(str(path))} AS reg (READ_ONLY)")
            kept = "(SELECT o.name FROM reg.establishments o WHERE o.siret = n.siret)"
        else:
            kept = "CAST(NULL AS VARCHAR)"
        restored = parquet.with_suffix(".names.parquet")
        con.execute(
            f"COPY (SELECT n.* REPLACE (CASE WHEN n.name = ? THEN {kept} ELSE n.name END AS name) "
            f"FROM {new} n) TO {_sql_string(str(restored))} (FORMAT parquet)",
            [register.MASKED_NAME],
        )
    finally:
        con.close()
    restored.replace(parquet)


def summarise(parquet: Path, register_path: Path | str | None, workdir: Path | None = None) -> Summary:
    """Added / updated / unchanged against the register: compares what the file says (not `source`, nor
    what the legal units add)."""
    path = Path(register_path) if register_path is not None else config.register_path()
    cols = [c for c in register.COLUMNS if c not in ("source", "legal_category", *register.FROM_LEGAL_UNIT)]
    con = duckdb.connect()
    try:
        bound(con, workdir or parquet.parent)
        new = f"read_parquet({_sql_string(str(parquet))})"
        (n,) = con.execute(f"SELECT count(*) FROM {new}").fetchall()[0]
        if not path.exists():
            return Summary(n, 0, 0)
        con.execute(f"ATTACH {_sql_string(str(path))} AS reg (READ_ONLY)")
        present = {r[0] for r in con.execute("DESCRIBE reg.establishments").fetchall()}
        same = " AND ".join(
            f"n.{c} IS NOT DISTINCT FROM o.{c}" if c in present else f"n.{c} IS NULL" for c in cols
        )
        same += " AND (n.legal_category IS NULL OR n.legal_category IS NOT DISTINCT FROM o.legal_category)"
        existing, unchanged = con.execute(
            f"SELECT count(o.siret), count(o.siret) FILTER (WHERE {same}) FROM {new} n "
            "LEFT JOIN reg.establishments o ON o.siret = n.siret"
        ).fetchall()[0]
        return Summary(n - existing, existing - unchanged, unchanged)
    finally:
        con.close()


def audit_entry(session, parsed: Parsed, actor: str, summary: Summary, table_name: str, extra=None):
    """The import's audit entry, with what was skipped by reason and what was left out, in the caller's
    session (flushed, returned); `extra` joins its `after`."""
    from reindus.store import audit

    label = {"establishments": "Établissements (registre)", "legal-units": "Unités légales (registre)"}[
        parsed.kind
    ]
    skipped = parsed.extra.get("skipped", {})
    entry = audit.record(
        session,
        actor=actor,
        action="import",
        table_name=table_name,
        row_key=f"fichier:{parsed.name}"[:200],
        after={
            "fichier": parsed.name,
            "sha256": parsed.checksum,
            "ajoutés": summary.added,
            "mis à jour": summary.updated,
            "inchangés": summary.unchanged,
            "lignes lues": parsed.extra.get("rows"),
            "laissées de côté (erreurs)": parsed.extra.get("rejected", 0),
            **{f"{SKIPPED_KEY}{reason}": count for reason, count in skipped.items()},
            **(extra or {}),
        },
        detail=f"Import « {label} » du fichier « {parsed.name} » (sha256 {parsed.checksum[:12]}…) : "
        f"{summary.message} ; {sum(skipped.values())} ligne(s) hors registre, "
        f"{parsed.extra.get('rejected', 0)} laissée(s) de côté",
    )
    session.flush()
    return entry


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
    workdir = staging.make_dir("etab")
    try:
        parsed, parquet = read_path(path, name, progress=progress, workdir=workdir, max_errors=max_errors)
        result = ImportResult(parsed, dry_run=dry_run)
        if parquet is None:
            return result
        try:
            _keep_masked_names(parquet, register_path, workdir)
            summary = summarise(parquet, register_path, workdir)
        except duckdb.IOException as exc:
            parsed.problems.add(0, "", "", register_import.busy_or_raise(exc).message)
            return result
        if parsed.extra.get("all_active"):
            summary = replace(summary, note=ALL_ACTIVE_NOTE)
        result.summary = summary
        if dry_run or not summary.changed:
            result.applied = not dry_run
            return result

        def load(reg, before_commit) -> None:
            bound(reg.con, workdir)
            register.load_file(reg, parquet, replace=False, before_commit=before_commit)

        def entry(session, extra):
            return audit_entry(session, parsed, actor, summary, "establishments", extra)

        try:
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


def run_import(
    raw: bytes,
    name: str,
    *,
    engine,
    actor: str,
    dry_run: bool = False,
    register_path: Path | str | None = None,
    progress: ProgressFn | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """As `run_import_path`, for bytes (an upload): written to a temporary file first."""
    with staging.directory("upload") as tmp:
        path = tmp / "upload.bin"
        path.write_bytes(raw)
        result = run_import_path(
            path,
            name,
            engine=engine,
            actor=actor,
            dry_run=dry_run,
            register_path=register_path,
            progress=progress,
            max_errors=max_errors,
        )
        result.parsed.checksum = checksum(raw)
        return result
