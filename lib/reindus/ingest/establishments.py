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
DuckDB scans the file into a disk-backed staging database; batches of 100 000 rows are checked
(SIRET with Luhn and the La Poste rule, NAF rév. 2, commune codes, bands, dates, coordinates) and written
to a Parquet file in the register schema; only a file without errors reaches the register
(`register.load_file(…, replace=False)`: upsert on SIRET, one DuckDB transaction).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reindus import config, register, siret
from reindus.ingest import textfile
from reindus.ingest.checks import commune_codes
from reindus.ingest.importer import ImportResult, Parsed, Summary, checksum, record_import, source_of
from reindus.ingest.problems import Problems
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
    return (f"read_csv({p}, all_varchar = true, header = true, delim = {_sql_string(sep)}, quote = '\"', "
            "escape = '\"', auto_detect = false, columns = {cols}, strict_mode = true)")


def _csv_columns(sample: bytes) -> list[str]:
    text, _ = textfile.decode(sample)
    table = textfile.read_table(text.splitlines()[0].encode("utf-8") + b"\n", "en-tete")
    return list(table.frame.columns)


def read_path(path: Path, name: str, *, progress: ProgressFn | None = None,
              workdir: Path | None = None) -> tuple[Parsed, Path | None]:
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
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = {_sql_string(str(workdir / 'tmp'))}")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
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
            for k in FIELDS)
        con.execute(f"CREATE TABLE staged AS SELECT row_number() OVER () + 1 AS line, {select} FROM {source}")
        total = con.execute("SELECT count(*) FROM staged").fetchone()[0]
        out = workdir / "etablissements.parquet"
        kept = _check_batches(con, problems, out, name, total, progress)
        dups = con.execute(
            "SELECT trim(siret) AS s, list(line ORDER BY line) FROM staged WHERE coalesce(nomenclature, "
            f"{_sql_string(NAF_VERSION)}) = {_sql_string(NAF_VERSION)} AND trim(coalesce(commune, '')) <> '' "
            "GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 LIMIT 200").fetchall()
        for s, lines in dups:
            problems.add(int(lines[1]), found["siret"], s, f"SIRET en double dans le fichier (déjà ligne {lines[0]})")
        parsed.extra.update(rows=int(total), kept=kept)
        return parsed, (out if problems.ok else None)
    except duckdb.Error as exc:
        problems.add(0, "", "", f"fichier illisible (CSV mal formé, fichier tronqué ?) : {str(exc).splitlines()[0][:200]}")
        return parsed, None
    finally:
        con.close()


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
            "fichier d'établissements non encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »") from None


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
            problems.add(1, FIELDS[key][0], "", "colonne obligatoire absente (colonnes lues : "
                         + ", ".join(f"« {n} »" for n in names[:12]) + ")")
    return found


def _valid_siret(values: pd.Series) -> np.ndarray:
    return np.fromiter((siret.is_valid_siret(v) for v in values), dtype=bool, count=len(values))


def _check_batches(con, problems: Problems, out: Path, name: str, total: int,
                   progress: ProgressFn | None) -> int:
    from reindus import geo

    points = geo.communes().set_index("code")[["longitude", "latitude"]]
    known_naf = set(naf_table().index)
    codes = commune_codes()
    schema = pa.schema([(c, pa.bool_() if t == "BOOLEAN" else pa.float64() if t == "DOUBLE"
                         else pa.date32() if t == "DATE" else pa.string()) for c, t in register.SCHEMA.items()])
    writer = pq.ParquetWriter(out, schema)
    kept = done = 0
    source = source_of(name)
    cur = con.cursor()
    try:
        reader = cur.sql("SELECT * FROM staged ORDER BY line").to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            df = batch.to_pandas().fillna("")
            done += len(df)
            df = df[(df["nomenclature"].str.strip().isin(["", NAF_VERSION])) & (df["commune"].str.strip() != "")]
            frame = _check_frame(df, problems, known_naf, codes, points, source)
            if problems.ok and len(frame):
                writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
                kept += len(frame)
            if progress:
                progress(done, total)
    finally:
        writer.close()
        cur.close()
    return kept


def _add_all(problems: Problems, df: pd.DataFrame, mask, column: str, values, reason: str) -> None:
    for line, value in zip(df["line"][mask].head(50), pd.Series(values)[np.asarray(mask)].head(50), strict=False):
        problems.add(int(line), column, value, reason)
    hidden = int(np.asarray(mask).sum()) - min(50, int(np.asarray(mask).sum()))
    problems.errors += hidden


def _check_frame(df: pd.DataFrame, problems: Problems, known_naf, codes, points, source) -> pd.DataFrame:
    s = df["siret"].map(siret.compact)
    pad = (s.str.len() == 13) & s.str.isdigit()
    s = s.where(~pad, "0" + s)
    ok = _valid_siret(s)
    _add_all(problems, df, ~ok, "siret", df["siret"].values, "SIRET invalide (14 chiffres et clé de contrôle)")
    naf = df["naf"].str.strip().str.upper()
    naf = naf.where(~naf.str.fullmatch(r"\d{4}[A-Z]"), naf.str[:2] + "." + naf.str[2:])
    bad = ~naf.isin(known_naf)
    _add_all(problems, df, bad, "naf", df["naf"].values, "code NAF absent de la NAF rév. 2")
    commune = df["commune"].str.strip().str.upper()
    commune = commune.where(~(commune.str.fullmatch(r"\d{4}")), "0" + commune)
    bad = ~commune.isin(codes)
    _add_all(problems, df, bad, "commune", df["commune"].values, "code commune INSEE inconnu")
    band = df["band"].str.strip().replace("", "NN")
    bad = ~band.isin(_BAND_CODES)
    _add_all(problems, df, bad, "effectif", df["band"].values, "tranche d'effectif SIRENE inconnue (NN, 00, 01 … 53)")
    state = df["state"].str.strip().str.upper()
    bad = ~state.isin(["", "A", "F", "OUI", "NON"])
    _add_all(problems, df, bad, "état", df["state"].values, "état administratif attendu : A ou F")
    created = pd.to_datetime(df["created"].str.strip().replace("", None), format="%Y-%m-%d", errors="coerce")
    bad = (df["created"].str.strip() != "") & created.isna()
    _add_all(problems, df, bad, "date de création", df["created"].values, "date attendue (aaaa-mm-jj)")
    lon, lat = _coordinates(df, problems)
    commune_lon = commune.map(points["longitude"])
    commune_lat = commune.map(points["latitude"])
    approximate = lon.isna() | lat.isna()
    name = df["name"].str.strip().where(df["name"].str.strip() != "", df["sign"].str.strip())
    return pd.DataFrame({
        "siret": s, "siren": s.str[:9], "nic": s.str[9:], "name": name.replace("", None), "naf": naf,
        "naf_version": NAF_VERSION, "band": band, "active": state.isin(["A", "OUI"]), "commune": commune,
        "departement": commune.where(~commune.str.startswith("97"), commune.str[:3]).where(
            commune.str.startswith("97"), commune.str[:2]),
        "longitude": lon.where(~approximate, commune_lon), "latitude": lat.where(~approximate, commune_lat),
        "approximate": approximate, "created": created.dt.date,
        "legal_category": df["legal_category"].str.strip().replace("", None), "source": source,
    })


def _number(series: pd.Series) -> pd.Series:
    cleaned = series.str.strip().str.replace(",", ".", regex=False).str.replace("\u00a0", "", regex=False)
    return pd.to_numeric(cleaned.replace("", None), errors="coerce")


def _coordinates(df: pd.DataFrame, problems: Problems) -> tuple[pd.Series, pd.Series]:
    from pyproj import Transformer

    lon, lat = _number(df["longitude"]), _number(df["latitude"])
    bad = (df["longitude"].str.strip() != "") & lon.isna()
    _add_all(problems, df, bad, "longitude", df["longitude"].values, "nombre attendu")
    epsg = df["epsg"].str.strip()
    projected = (epsg != "") & (epsg != "4326") & lon.notna() & lat.notna()
    for code in sorted(set(epsg[projected])):
        rows = projected & (epsg == code)
        try:
            t = Transformer.from_crs(f"EPSG:{int(float(code))}", "EPSG:4326", always_xy=True)
        except Exception:
            _add_all(problems, df, rows, "epsg", df["epsg"].values, "code EPSG inconnu")
            continue
        x, y = t.transform(lon[rows].to_numpy(), lat[rows].to_numpy())
        lon[rows], lat[rows] = x, y
    lx, ly = _number(df["lambert_x"]), _number(df["lambert_y"])
    metro = ~df["commune"].str.strip().str.startswith("97")
    use = lon.isna() & lx.notna() & ly.notna() & metro
    if use.any():
        t = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
        x, y = t.transform(lx[use].to_numpy(), ly[use].to_numpy())
        lon[use], lat[use] = x, y
    out = (lon.abs() > 180) | (lat.abs() > 90) | ~np.isfinite(lon.fillna(0)) | ~np.isfinite(lat.fillna(0))
    _add_all(problems, df, out, "longitude", lon.astype(str).values, "coordonnées hors limites")
    return lon.where(~out), lat.where(~out)


def summarise(parquet: Path, register_path: Path | str | None) -> Summary:
    """Added / updated / unchanged against the register (compares every column but `source`)."""
    path = Path(register_path) if register_path is not None else config.register_path()
    cols = [c for c in register.COLUMNS if c != "source"]
    con = duckdb.connect()
    try:
        new = f"read_parquet({_sql_string(str(parquet))})"
        (n,) = con.execute(f"SELECT count(*) FROM {new}").fetchone()
        if not path.exists():
            return Summary(n, 0, 0)
        con.execute(f"ATTACH {_sql_string(str(path))} AS reg (READ_ONLY)")
        same = " AND ".join(f"n.{c} IS NOT DISTINCT FROM o.{c}" for c in cols)
        existing, unchanged = con.execute(
            f"SELECT count(o.siret), count(o.siret) FILTER (WHERE {same}) FROM {new} n "
            "LEFT JOIN reg.establishments o ON o.siret = n.siret").fetchone()
        return Summary(n - existing, existing - unchanged, unchanged)
    finally:
        con.close()


def run_import_path(path: Path, name: str | None = None, *, engine, actor: str, dry_run: bool = False,
                    register_path: Path | str | None = None, progress: ProgressFn | None = None) -> ImportResult:
    name = name or path.name
    workdir = Path(tempfile.mkdtemp(prefix="reindus-etab-"))
    try:
        parsed, parquet = read_path(path, name, progress=progress, workdir=workdir)
        result = ImportResult(parsed, dry_run=dry_run)
        if parquet is None:
            return result
        summary = summarise(parquet, register_path)
        result.summary = summary
        if dry_run or not summary.changed:
            result.applied = not dry_run
            return result
        try:
            with register.open_register(register_path) as reg:
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


def run_import(raw: bytes, name: str, *, engine, actor: str, dry_run: bool = False,
               register_path: Path | str | None = None, progress: ProgressFn | None = None) -> ImportResult:
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
        result = run_import_path(path, name, engine=engine, actor=actor, dry_run=dry_run,
                                 register_path=register_path, progress=progress)
        result.parsed.checksum = checksum(raw)
        return result
