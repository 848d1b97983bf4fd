"""Establishments into the register (DuckDB), streamed: a 10 M-row SIRENE file never sits in memory.

Accepted files (recognised by their columns, read by name, never by position):
- SIRENE `StockEtablissement`, CSV or Parquet: `siret`, `activitePrincipaleEtablissement`,
  `nomenclatureActivitePrincipaleEtablissement` (only `NAFRev2` rows are kept), `etatAdministratif-
  Etablissement` (A active, F closed, empty counted as closed), `trancheEffectifsEtablissement`,
  `codeCommuneEtablissement` (rows without one, abroad, are skipped), `denominationUsuelleEtablissement`
  / `enseigne1Etablissement`, `dateCreationEtablissement`, `coordonneeLambertAbscisseEtablissement` /
  `coordonneeLambertOrdonneeEtablissement` (Lambert 93, metropolitan France), optional
  `categorieJuridiqueUniteLegale`.
- Geolocated variants: `longitude` / `latitude` (WGS84; `geo_score` ignored), or `x_longitude` /
  `y_latitude` with a per-row `epsg`, converted to WGS84.
- The CCI directory: `siret`, `raison sociale`, `naf`, `code commune`, `effectif` (SIRENE band code),
  `latitude`, `longitude`, `certifications` (read, not stored: the register has no such column).

Establishments without coordinates are placed at their commune's point with `approximate = true`.
DuckDB scans the file into a disk-backed staging database (progress reported from DuckDB's own); the row
checks run there in SQL (SIRET with Luhn and the La Poste rule, `siret.valid_siret_sql`; NAF rév. 2,
commune codes, bands, states, dates, numbers; duplicate SIRETs), at most PROBLEMS_PER_CHECK listed per
check and every one counted. Coordinates are converted to WGS84 with pyproj on numpy batches of
100 000 rows, written to a Parquet file in the register schema; only a file without errors reaches the
register (`register.load_file(…, replace=False)`: upsert on SIRET, one DuckDB transaction). Every DuckDB
database opened stays within MEMORY_LIMIT and spills to disk: 10 M rows import under 2 GB of RSS
(`bench/import_register.py`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from reindus import config, register
from reindus.ingest import textfile
from reindus.ingest.checks import commune_codes
from reindus.ingest.importer import ImportResult, Parsed, Summary, checksum, record_import, source_of
from reindus.ingest.problems import Problems
from reindus.reference import siret
from reindus.reference.headcount import BANDS
from reindus.reference.naf import NAF_VERSION, naf_table

BATCH_ROWS = 100_000
MEMORY_LIMIT = "1GB"
# canonical field → accepted headers (normalised with textfile.normalize_header)
FIELDS: dict[str, tuple[str, ...]] = {
    "siret": ("siret",),
    "naf": ("activitePrincipaleEtablissement", "naf", "code naf", "ape", "code ape"),
    "nomenclature": ("nomenclatureActivitePrincipaleEtablissement",),
    "state": ("etatAdministratifEtablissement", "actif", "état"),
    "band": ("trancheEffectifsEtablissement", "effectif", "tranche effectif", "tranche d'effectif"),
    "commune": ("codeCommuneEtablissement", "code commune", "commune", "code insee"),
    "name": ("denominationUsuelleEtablissement", "raison sociale", "nom", "denomination"),
    "sign": ("enseigne1Etablissement", "enseigne"),
    "created": ("dateCreationEtablissement", "date de création"),
    "legal_category": ("categorieJuridiqueUniteLegale", "catégorie juridique"),
    "lambert_x": ("coordonneeLambertAbscisseEtablissement",),
    "lambert_y": ("coordonneeLambertOrdonneeEtablissement",),
    "longitude": ("longitude", "x_longitude"),
    "latitude": ("latitude", "y_latitude"),
    "epsg": ("epsg",),
}
REQUIRED = ("siret", "naf", "commune")
_BAND_CODES = frozenset(b.code for b in BANDS)
ProgressFn = Callable[[int, int | None], None]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, source_sql: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()]


def _source_sql(path: Path, fmt: str, sample: bytes) -> str:
    p = _sql_string(str(path))
    if fmt == "parquet":
        return f"read_parquet({p})"
    text, _ = textfile.decode(sample)
    sep = textfile.sniff_separator(text)
    return (
        f"read_csv({p}, all_varchar = true, header = true, delim = {_sql_string(sep)}, quote = '\"', "
        "escape = '\"', auto_detect = false, columns = {cols}, strict_mode = true)"
    )


def _csv_columns(sample: bytes) -> list[str]:
    text, _ = textfile.decode(sample)
    table = textfile.read_table(text.splitlines()[0].encode("utf-8") + b"\n", "en-tete")
    return list(table.frame.columns)


def read_path(
    path: Path, name: str, *, progress: ProgressFn | None = None, workdir: Path | None = None
) -> tuple[Parsed, Path | None]:
    """Check the file; (parsed, Parquet file in the register schema or None if there are errors)."""
    problems = Problems(name)
    with path.open("rb") as fh:
        sample = fh.read(1 << 20)
    parsed = Parsed("establishments", name, _file_checksum(path), problems)
    try:
        fmt = textfile.sniff_format(sample)
        if fmt == "xlsx":
            raise textfile.FileFormatError("classeur XLSX : les établissements s'importent en CSV ou Parquet")
        if fmt == "csv":
            _check_utf8(path, sample)
    except textfile.FileFormatError as exc:
        problems.add(0, "", "", str(exc))
        return parsed, None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="reindus-etab-"))
    con = duckdb.connect(str(workdir / "staging.duckdb"))
    try:
        _bound(con, workdir, ordered=True)
        if fmt == "csv":
            names = _csv_columns(sample)
            cols = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in names) + "}"
            source = _source_sql(path, fmt, sample).replace("{cols}", cols)
        else:
            source = _source_sql(path, fmt, sample)
            names = _columns(con, source)
        found = _match(names, problems)
        if not problems.ok:
            return parsed, None
        select = ", ".join(
            f'CAST("{found[k]}" AS VARCHAR) AS {k}' if k in found else f"CAST(NULL AS VARCHAR) AS {k}"
            for k in FIELDS
        )
        estimate = max(1, path.stat().st_size * max(1, sample.count(b"\n") - 1) // max(1, len(sample)))
        _execute_with_progress(
            con,
            f"CREATE TABLE staged AS SELECT row_number() OVER () + 1 AS line, {select} FROM {source}",
            progress,
            estimate,
        )
        (total,) = con.execute("SELECT count(*) FROM staged").fetchall()[0]
        out = workdir / "etablissements.parquet"
        kept = _check_batches(con, problems, out, name, total, progress)
        dups = con.execute(
            "SELECT siret, list(line ORDER BY line) AS lines FROM checked GROUP BY siret "
            "HAVING count(*) > 1 ORDER BY lines[1] LIMIT 200"
        ).fetchall()
        for s, lines in dups:
            problems.add(
                int(lines[1]), found["siret"], s, f"SIRET en double dans le fichier (déjà ligne {lines[0]})"
            )
        parsed.extra.update(rows=int(total), kept=kept)
        return parsed, (out if problems.ok else None)
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


def _bound(con: duckdb.DuckDBPyConnection, workdir: Path, *, ordered: bool = False) -> None:
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


def _file_checksum(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_utf8(path: Path, sample: bytes) -> None:
    if sample.startswith(b"\xef\xbb\xbf"):
        return
    try:
        sample[: len(sample) - 4 if len(sample) == 1 << 20 else None].decode("utf-8")
    except UnicodeDecodeError:
        raise textfile.FileFormatError(
            "fichier d'établissements non encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »"
        ) from None


def _match(names: list[str], problems: Problems) -> dict[str, str]:
    by_norm = {textfile.normalize_header(n): n for n in names}
    found = {}
    for key, aliases in FIELDS.items():
        for alias in aliases:
            hit = by_norm.get(textfile.normalize_header(alias))
            if hit is not None:
                found[key] = hit
                break
    for key in REQUIRED:
        if key not in found:
            problems.add(
                1,
                FIELDS[key][0],
                "",
                "colonne obligatoire absente (colonnes lues : "
                + ", ".join(f"« {n} »" for n in names[:12])
                + ")",
            )
    return found


# The row checks, in DuckDB SQL over the staged table: (flag column, column as reported, raw value, reason).
_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("bad_siret", "siret", "siret_raw", "SIRET invalide (14 chiffres et clé de contrôle)"),
    ("bad_naf", "naf", "naf_raw", "code NAF absent de la NAF rév. 2"),
    ("bad_commune", "commune", "commune_raw", "code commune INSEE inconnu"),
    ("bad_band", "effectif", "band_raw", "tranche d'effectif SIRENE inconnue (NN, 00, 01 … 53)"),
    ("bad_state", "état", "state_raw", "état administratif attendu : A ou F"),
    ("bad_created", "date de création", "created_raw", "date attendue (aaaa-mm-jj)"),
    ("bad_longitude", "longitude", "longitude_raw", "nombre attendu"),
    ("bad_latitude", "latitude", "latitude_raw", "nombre attendu"),
)
PROBLEMS_PER_CHECK = 50  # listed per kind of problem, so that one cannot hide the others; all are counted


def _number_sql(column: str) -> str:
    cleaned = f"replace(replace(replace(trim({column}), chr(160), ''), chr(8239), ''), ',', '.')"
    return f"TRY_CAST(nullif({cleaned}, '') AS DOUBLE)"


def _checked_sql(source: str) -> str:
    """The rows kept (NAF rév. 2 or no nomenclature, with a commune), normalised, with one flag per check."""
    kept = (
        f"coalesce(trim(nomenclature), '') IN ('', {_sql_string(NAF_VERSION)}) "
        "AND coalesce(trim(commune), '') <> ''"
    )
    return f"""
    WITH n AS (
        SELECT line, siret AS siret_raw, naf AS naf_raw, commune AS commune_raw, band AS band_raw,
               state AS state_raw, created AS created_raw, longitude AS longitude_raw, latitude AS latitude_raw,
               regexp_replace(coalesce(siret, ''), '[ \u00a0\u202f\u2009.-]', '', 'g') AS s,
               upper(trim(coalesce(naf, ''))) AS naf0,
               upper(trim(commune)) AS commune0,
               coalesce(nullif(trim(band), ''), 'NN') AS band,
               upper(trim(coalesce(state, ''))) AS state,
               nullif(trim(created), '') AS created0,
               {_number_sql("longitude")} AS lon, {_number_sql("latitude")} AS lat,
               coalesce(trim(epsg), '') AS epsg,
               {_number_sql("lambert_x")} AS lambert_x, {_number_sql("lambert_y")} AS lambert_y,
               coalesce(nullif(trim(name), ''), nullif(trim(sign), '')) AS name,
               nullif(trim(legal_category), '') AS legal_category
        FROM {source} WHERE {kept}
    ), c AS (
        SELECT *,
               CASE WHEN length(s) = 13 AND regexp_full_match(s, '[0-9]+') THEN '0' || s ELSE s END AS siret,
               CASE WHEN regexp_full_match(naf0, '[0-9]{{4}}[A-Z]') THEN naf0[1:2] || '.' || naf0[3:] ELSE naf0 END AS naf,
               CASE WHEN regexp_full_match(commune0, '[0-9]{{4}}') THEN '0' || commune0 ELSE commune0 END AS commune,
               TRY_STRPTIME(created0, '%Y-%m-%d')::DATE AS created
        FROM n
    )
    SELECT c.line, c.siret_raw, c.naf_raw, c.commune_raw, c.band_raw, c.state_raw, c.created_raw,
           c.longitude_raw, c.latitude_raw,
           c.siret, c.siret[1:9] AS siren, c.siret[10:] AS nic, c.name, c.naf, c.band,
           c.state IN ('A', 'OUI') AS active, c.commune,
           CASE WHEN starts_with(c.commune, '97') THEN c.commune[1:3] ELSE c.commune[1:2] END AS departement,
           c.lon, c.lat, c.epsg, c.lambert_x, c.lambert_y, NOT starts_with(c.commune, '97') AS metro,
           p.longitude AS commune_longitude, p.latitude AS commune_latitude, c.created, c.legal_category,
           NOT {siret.valid_siret_sql("c.siret")} AS bad_siret,
           c.naf NOT IN (SELECT code FROM ref_naf) AS bad_naf,
           p.code IS NULL AS bad_commune,
           c.band NOT IN (SELECT code FROM ref_band) AS bad_band,
           c.state NOT IN ('', 'A', 'F', 'OUI', 'NON') AS bad_state,
           c.created0 IS NOT NULL AND c.created IS NULL AS bad_created,
           coalesce(trim(c.longitude_raw), '') <> '' AND c.lon IS NULL AS bad_longitude,
           coalesce(trim(c.latitude_raw), '') <> '' AND c.lat IS NULL AS bad_latitude
    FROM c LEFT JOIN ref_commune p ON p.code = c.commune
    """


def _check_batches(
    con, problems: Problems, out: Path, name: str, total: int, progress: ProgressFn | None
) -> int:
    """Check the staged rows in SQL, convert the coordinates in numpy batches, write the register rows."""
    from reindus.reference import geo

    points = geo.communes()
    codes = commune_codes()
    con.register("ref_commune_all", points[["code", "longitude", "latitude"]])
    con.execute(
        "CREATE TEMP TABLE ref_commune AS SELECT * FROM ref_commune_all WHERE code IN "
        "(SELECT unnest(?::VARCHAR[]))",
        [sorted(codes)],
    )
    con.unregister("ref_commune_all")
    con.execute("CREATE TEMP TABLE ref_naf AS SELECT unnest(?::VARCHAR[]) AS code", [list(naf_table().index)])
    con.execute("CREATE TEMP TABLE ref_band AS SELECT unnest(?::VARCHAR[]) AS code", [sorted(_BAND_CODES)])
    con.execute(f"CREATE TABLE checked AS {_checked_sql('staged')}")
    flags = ", ".join(f"count(*) FILTER (WHERE {flag})" for flag, *_ in _CHECKS)
    (counts,) = con.execute(f"SELECT {flags} FROM checked").fetchall()
    for (flag, column, raw, reason), count in zip(_CHECKS, counts, strict=True):
        if count:
            rows = con.execute(
                f"SELECT line, {raw} FROM checked WHERE {flag} ORDER BY line LIMIT {PROBLEMS_PER_CHECK}"
            ).fetchall()
            problems.add_many(
                (r[0] for r in rows),
                column,
                (r[1] for r in rows),
                reason,
                count=count,
                limit=PROBLEMS_PER_CHECK,
            )

    schema = pa.schema(
        [
            (
                c,
                pa.bool_()
                if t == "BOOLEAN"
                else pa.float64()
                if t == "DOUBLE"
                else pa.date32()
                if t == "DATE"
                else pa.string(),
            )
            for c, t in register.SCHEMA.items()
        ]
    )
    plain = [
        c
        for c in register.COLUMNS
        if c not in ("longitude", "latitude", "approximate", "naf_version", "source")
    ]
    writer = pq.ParquetWriter(out, schema)
    kept = 0
    done = total - con.execute("SELECT count(*) FROM checked").fetchall()[0][0]  # rows left out
    coordinate_problems = Problems(problems.file)
    cur = con.cursor()
    try:
        reader = cur.sql(
            f"SELECT {', '.join(plain)}, line, lon, lat, epsg, lambert_x, lambert_y, metro, "
            "commune_longitude, commune_latitude FROM checked"
        ).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            lon, lat = _coordinates(batch, coordinate_problems)
            approximate = np.isnan(lon) | np.isnan(lat)
            lon = np.where(approximate, _floats(batch, "commune_longitude"), lon)
            lat = np.where(approximate, _floats(batch, "commune_latitude"), lat)
            n = batch.num_rows
            done += n
            if problems.ok and coordinate_problems.ok and n:
                columns = {c: batch.column(c) for c in plain}
                columns.update(
                    longitude=pa.array(lon, mask=np.isnan(lon)),
                    latitude=pa.array(lat, mask=np.isnan(lat)),
                    approximate=pa.array(approximate),
                    naf_version=pa.array([NAF_VERSION] * n),
                    source=pa.array([source_of(name)] * n),
                )
                writer.write_table(
                    pa.Table.from_pydict({c: columns[c] for c in register.COLUMNS}, schema=schema)
                )
                kept += n
            if progress:
                progress(done, total)
    finally:
        writer.close()
        cur.close()
    problems.extend(coordinate_problems)
    return kept


def _floats(batch: pa.RecordBatch, column: str) -> np.ndarray:
    return batch.column(column).to_numpy(zero_copy_only=False).astype(float)  # NULL → nan


def _flag(
    problems: Problems, lines: np.ndarray, mask: np.ndarray, column: str, values: np.ndarray, reason: str
) -> None:
    problems.add_many(
        lines[mask][:PROBLEMS_PER_CHECK],
        column,
        values[mask][:PROBLEMS_PER_CHECK],
        reason,
        count=int(mask.sum()),
        limit=PROBLEMS_PER_CHECK,
    )


def _coordinates(batch: pa.RecordBatch, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude and latitude (nan where unknown): as given, from a per-row EPSG, or from Lambert 93
    (metropolitan France); out-of-range results are problems."""
    from pyproj import Transformer

    lines = batch.column("line").to_numpy(zero_copy_only=False)
    lon, lat = _floats(batch, "lon"), _floats(batch, "lat")
    epsg = batch.column("epsg").to_numpy(zero_copy_only=False).astype(str)
    projected = (epsg != "") & (epsg != "4326") & ~np.isnan(lon) & ~np.isnan(lat)
    for code in sorted(set(epsg[projected])):
        rows = projected & (epsg == code)
        try:
            t = Transformer.from_crs(f"EPSG:{int(float(code))}", "EPSG:4326", always_xy=True)
        except Exception:
            _flag(problems, lines, rows, "epsg", epsg, "code EPSG inconnu")
            lon[rows] = lat[rows] = np.nan
            continue
        lon[rows], lat[rows] = t.transform(lon[rows], lat[rows])
    lx, ly = _floats(batch, "lambert_x"), _floats(batch, "lambert_y")
    use = np.isnan(lon) & ~np.isnan(lx) & ~np.isnan(ly) & batch.column("metro").to_numpy(zero_copy_only=False)
    if use.any():
        t = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
        lon[use], lat[use] = t.transform(lx[use], ly[use])
    known = ~np.isnan(lon) & ~np.isnan(lat)
    with np.errstate(invalid="ignore"):
        out = known & ((np.abs(lon) > 180) | (np.abs(lat) > 90) | ~np.isfinite(lon) | ~np.isfinite(lat))
    _flag(problems, lines, out, "longitude", lon.astype(str), "coordonnées hors limites")
    lon[out] = lat[out] = np.nan
    return lon, lat


def summarise(parquet: Path, register_path: Path | str | None, workdir: Path | None = None) -> Summary:
    """Added / updated / unchanged against the register (compares every column but `source`)."""
    path = Path(register_path) if register_path is not None else config.register_path()
    cols = [c for c in register.COLUMNS if c != "source"]
    con = duckdb.connect()
    try:
        _bound(con, workdir or parquet.parent)
        new = f"read_parquet({_sql_string(str(parquet))})"
        (n,) = con.execute(f"SELECT count(*) FROM {new}").fetchone()
        if not path.exists():
            return Summary(n, 0, 0)
        con.execute(f"ATTACH {_sql_string(str(path))} AS reg (READ_ONLY)")
        same = " AND ".join(f"n.{c} IS NOT DISTINCT FROM o.{c}" for c in cols)
        existing, unchanged = con.execute(
            f"SELECT count(o.siret), count(o.siret) FILTER (WHERE {same}) FROM {new} n "
            "LEFT JOIN reg.establishments o ON o.siret = n.siret"
        ).fetchone()
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
) -> ImportResult:
    name = name or path.name
    workdir = Path(tempfile.mkdtemp(prefix="reindus-etab-"))
    try:
        parsed, parquet = read_path(path, name, progress=progress, workdir=workdir)
        result = ImportResult(parsed, dry_run=dry_run)
        if parquet is None:
            return result
        summary = summarise(parquet, register_path, workdir)
        result.summary = summary
        if dry_run or not summary.changed:
            result.applied = not dry_run
            return result
        try:
            with register.open_register(register_path) as reg:
                _bound(reg.con, workdir)
                register.load_file(reg, parquet, replace=False)
        except (register.RegisterError, duckdb.Error) as exc:
            parsed.problems.add(0, "", "", str(exc))
            return result
        from sqlalchemy.orm import Session

        with Session(engine) as session, session.begin():
            record_import(session, parsed, actor, summary, table_name="establishments")
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
) -> ImportResult:
    """As `run_import_path`, for bytes (an upload): written to a temporary file first."""
    with tempfile.TemporaryDirectory(prefix="reindus-upload-") as tmp:
        path = Path(tmp) / "upload.bin"
        data = raw
        try:
            if textfile.sniff_format(raw) == "csv":
                text, encoding = textfile.decode(raw)
                if encoding == "cp1252":
                    data = text.encode("utf-8")
        except textfile.FileFormatError:
            pass  # read_path reports it
        path.write_bytes(data)
        result = run_import_path(
            path,
            name,
            engine=engine,
            actor=actor,
            dry_run=dry_run,
            register_path=register_path,
            progress=progress,
        )
        result.parsed.checksum = checksum(raw)
        return result
