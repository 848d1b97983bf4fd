"""Register import: time, rows per second and peak memory for SIRENE stock files as published.

    nice -n 10 .venv/bin/python bench/import_register.py --rows 1000000 --legal-units 700000
    nice -n 10 .venv/bin/python bench/import_register.py --rows 40000000 --legal-units 28000000 \
        --baseline-rows 0 --files /tmp/sirene      # keeps the generated files (13 GB + 4.5 GB) for a rerun

First, unless `--baseline-rows 0`, a sample (200 000 establishments, 140 000 legal units) is imported by
the previous pipeline (BASELINE_REV's lib/, extracted with `git archive`) and by this one, in the same
run: `previous pipeline … speedup=…`. Then, for each size, into one fresh register: the establishments,
then the legal units (whose import names the establishments already there, completing them in place),
then the Fournisseurs page's candidate query with the names (`candidates with names …`).

The `StockEtablissement` CSV is in the full December 2025 layout (`reindus.register.sirene.
ESTABLISHMENT_2025_12`, 54 columns in INSEE's order, `,`-separated, quoted where needed) with the
proportions of the national stock: 35 % closed establishments coded in the nomenclatures before NAF
rév. 2 (NAP, NAF 1993, NAF rév. 1), 30 % closed in NAF rév. 2, 0.5 % closed without activity, a few
`00.00Z` placeholders, 0.3 % in the overseas collectivities, 0.5 % abroad (no commune), 2 % of persons
who refused publication (`P`, `[ND]` in the withheld fields), about 3 % of establishments named at
establishment level (sign or usual name), NAF 2025 codes beside the rév. 2 ones on the active rows,
Lambert 93 coordinates for 80 % of metropolitan rows; real commune codes (`reference.geo.communes()`,
drawn by population) and valid SIRETs. The `StockUniteLegale` CSV (34 + 1 columns) holds the SIRENs of
those establishments (three establishments per legal unit), then more.

Each import runs in a CHILD process (`nice -n 10`) whose peak RSS is read from the kernel (`os.wait4`);
files are generated in other children. Last lines: `import N rows: seconds=… rows_per_s=… peak_rss_mb=…
cpu_s=… load=…`, `import N legal units: …`, `candidates with names N rows: median_ms=… p95_ms=…`. The
machine is shared: `load` is the 1-minute load average during the run (2 cores), `cpu_s` the import's
own CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from reindus.register.sirene import ESTABLISHMENT_2025_12 as HEADER
from reindus.register.sirene import LEGAL_UNIT_2025_12

CHUNK = 500_000
ROOT = Path(__file__).resolve().parents[1]
# The pipeline before the narrow staging (every field staged as text, the checks a second table, a legal
# units import sorting the whole register again): the speed-up is measured against it on a sample.
BASELINE_REV = "fd4b6d948eb4cf4a7cc23d0d3d742b470ad83c96"
NORMANDIE = ("14", "27", "50", "61", "76")

CITIES = ("75056", "69123", "13055")  # SIRENE writes the arrondissements instead
OLD_NAF = (("51.2A", "NAF1993"), ("74.1G", "NAFRev1"), ("6411", "NAP"), ("52.4Z", "NAFRev1"))
OVERSEAS = ("97501", "97701", "97801", "98735", "98811", "98612")


def siren_base(seed: int = 1) -> int:
    """First SIREN prefix of the synthetic files: establishment i belongs to company i // 3, whose SIREN
    is the legal unit i // 3's, so that every establishment finds its legal unit's name."""
    return int(np.random.default_rng(seed).integers(10_000_000, 50_000_000))


def write_sirene_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A SIRENE StockEtablissement CSV of `rows` rows, generated in numpy chunks (bounded memory)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from pyproj import Transformer

    from reindus.reference import geo
    from reindus.reference.headcount import BANDS
    from reindus.reference.naf import naf2025_table, naf_table
    from reindus.reference.siret import complete_siren_array, complete_siret_array

    rng = np.random.default_rng(seed)
    communes = geo.communes()
    communes = communes[~communes["code"].isin(CITIES) & communes["longitude"].notna()].reset_index(drop=True)
    weight = communes["population"].fillna(0).to_numpy(dtype=float) + 50.0
    weight /= weight.sum()
    to_lambert = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    metro = ~communes["code"].str.startswith("97").to_numpy()
    lx, ly = to_lambert.transform(communes["longitude"].to_numpy(), communes["latitude"].to_numpy())
    codes = communes["code"].to_numpy(dtype=object)
    names = communes["nom"].str.upper().to_numpy(dtype=object)
    postcodes = np.array([c if not c.startswith(("2A", "2B")) else "20" + c[2:] for c in codes], dtype=object)
    table = naf_table()
    naf_codes = np.array([c for c in table.index if len(c) == 6], dtype=object)  # sous-classes, « 13.20Z »
    naf25_codes = np.array(list(naf2025_table().index), dtype=object)
    bands = np.array([b.code for b in BANDS], dtype=object)
    band_w = np.array([0.5 if b == "NN" else 1.0 for b in bands]) ** 4
    band_w = np.where(np.arange(len(bands)) < 6, band_w * 40, band_w)
    band_w /= band_w.sum()
    streets = np.array(
        [
            "de la Gare",
            "de l'Église",
            "du Moulin",
            "Victor Hugo",
            "de la République",
            "des Tilleuls",
            "Pasteur",
            "Jean Jaurès",
            "du Général de Gaulle",
            "des Écoles",
        ],
        dtype=object,
    )
    kinds = np.array(["RUE", "AV", "BD", "PL", "CHE", "RTE", "ZI"], dtype=object)
    signs = np.array(
        [
            "",
            "",
            "",
            "",
            "ATELIER",
            "GARAGE DU CENTRE",
            "BOULANGERIE",
            "LES 3 CHÊNES",
            "MÉCA-PLUS",
            'SARL, "LE RELAIS"',
        ],
        dtype=object,
    )  # a comma and quotes: the CSV quotes them
    base = siren_base(seed)
    writer = None
    try:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            i = np.arange(start, start + n, dtype=np.int64)
            company = i // 3  # up to three establishments per company, NIC 1..3: SIRETs unique
            prefix8 = (base + company * 7919) % 100_000_000  # bijective scramble
            siren = complete_siren_array(prefix8)
            siret = complete_siret_array(siren, i % 3 + 1)
            c = rng.choice(len(codes), size=n, p=weight)
            u = rng.random(n)
            old = u < 0.35  # closed before NAF rév. 2
            closed = u < 0.65
            no_activity = (u >= 0.65) & (u < 0.655)
            placeholder = (u >= 0.655) & (u < 0.6552)
            v = rng.random(n)
            abroad = v < 0.005
            overseas = (v >= 0.005) & (v < 0.008)
            withheld = rng.random(n) < 0.02
            has_xy = (rng.random(n) < 0.80) & metro[c] & ~abroad & ~overseas & ~withheld
            jitter = rng.normal(0, 800, size=(2, n))
            created = np.datetime64("1973-01-01") + rng.integers(0, 19_000, size=n).astype("timedelta64[D]")
            since = np.datetime64("2008-01-01") + rng.integers(0, 6_500, size=n).astype("timedelta64[D]")
            old_pick = rng.integers(0, len(OLD_NAF), size=n)
            naf = np.where(
                old, np.array([o[0] for o in OLD_NAF], dtype=object)[old_pick], rng.choice(naf_codes, size=n)
            )
            naf = np.where(no_activity, "", np.where(placeholder, "00.00Z", naf))
            nomenclature = np.where(old, np.array([o[1] for o in OLD_NAF], dtype=object)[old_pick], "NAFRev2")
            nomenclature = np.where(no_activity, "", nomenclature)
            commune = np.where(abroad, "", np.where(overseas, rng.choice(OVERSEAS, size=n), codes[c]))
            named = rng.random(n) < 0.03
            nd = np.where(withheld, "[ND]", "")
            cols = dict.fromkeys(HEADER, np.full(n, "", dtype=object))
            cols.update(
                {
                    "siren": np.char.zfill(siren.astype(str), 9),
                    "nic": np.char.zfill((siret % 100_000).astype(str), 5),
                    "siret": np.char.zfill(siret.astype(str), 14),
                    "statutDiffusionEtablissement": np.where(withheld, "P", "O"),
                    "dateCreationEtablissement": created.astype(str),
                    "trancheEffectifsEtablissement": np.where(
                        closed, "", rng.choice(bands, size=n, p=band_w)
                    ),
                    "anneeEffectifsEtablissement": np.where(closed, "", "2023"),
                    "dateDernierTraitementEtablissement": np.full(n, "2025-12-01T04:12:31.000", dtype=object),
                    "etablissementSiege": np.where(i % 3 == 0, "true", "false"),
                    "nombrePeriodesEtablissement": np.full(n, "2", dtype=object),
                    "numeroVoieEtablissement": np.where(
                        withheld, "[ND]", rng.integers(1, 200, size=n).astype(str)
                    ),
                    "typeVoieEtablissement": np.where(withheld, "[ND]", rng.choice(kinds, size=n)),
                    "libelleVoieEtablissement": np.where(withheld, "[ND]", rng.choice(streets, size=n)),
                    "codePostalEtablissement": np.where(abroad | overseas, "", postcodes[c]),
                    "libelleCommuneEtablissement": np.where(abroad | overseas, "", names[c]),
                    "codeCommuneEtablissement": commune,
                    "codePaysEtrangerEtablissement": np.where(abroad, "99109", ""),
                    "libellePaysEtrangerEtablissement": np.where(abroad, "ALLEMAGNE", ""),
                    "identifiantAdresseEtablissement": np.where(has_xy, codes[c] + "_0001_00012", nd),
                    "coordonneeLambertAbscisseEtablissement": np.where(
                        has_xy, np.round(lx[c] + jitter[0], 1).astype(str), nd
                    ),
                    "coordonneeLambertOrdonneeEtablissement": np.where(
                        has_xy, np.round(ly[c] + jitter[1], 1).astype(str), nd
                    ),
                    "dateDebut": np.where(closed, since.astype(str), created.astype(str)),
                    "etatAdministratifEtablissement": np.where(closed | no_activity, "F", "A"),
                    "enseigne1Etablissement": np.where(
                        withheld, "[ND]", np.where(named, rng.choice(signs[4:], size=n), "")
                    ),
                    "denominationUsuelleEtablissement": np.where(
                        withheld,
                        "[ND]",
                        np.where(named & (rng.random(n) < 0.3), "ETS " + (i % 9973).astype(str), ""),
                    ),
                    "activitePrincipaleEtablissement": naf,
                    "nomenclatureActivitePrincipaleEtablissement": nomenclature,
                    "caractereEmployeurEtablissement": np.where(
                        closed, "N", np.where(rng.random(n) < 0.3, "O", "N")
                    ),
                    "activitePrincipaleNAF25Etablissement": np.where(
                        closed | no_activity | placeholder, "", rng.choice(naf25_codes, size=n)
                    ),
                }
            )
            batch = pa.table({k: pa.array(cols[k].astype(str)) for k in HEADER})
            if writer is None:
                writer = pacsv.CSVWriter(
                    str(path), batch.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
                )
            writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()


def write_legal_units_csv(path: Path, rows: int, seed: int = 2) -> None:
    """A SIRENE StockUniteLegale CSV of `rows` units: companies and persons (legal category 1000), 2 % of
    persons withheld (`P`, `[ND]`), categories PME / ETI / GE."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from reindus.reference.siret import complete_siren_array

    rng = np.random.default_rng(seed)
    surnames = np.array(
        ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND", "LEROY"], dtype=object
    )
    firsts = np.array(["JEANNE", "PIERRE", "MARIE", "LUC", "CLAIRE", "PAUL"], dtype=object)
    words = np.array(["FORGES", "ATELIERS", "TISSAGE", "MECANIQUE", "PLASTURGIE", "SOCIETE"], dtype=object)
    writer = None
    try:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            k = np.arange(start, start + n, dtype=np.int64)
            siren = complete_siren_array((siren_base() + k * 7919) % 100_000_000)
            person = rng.random(n) < 0.45
            withheld = person & (rng.random(n) < 0.04)
            nd = np.where(withheld, "[ND]", "")
            closed = rng.random(n) < 0.55
            category = rng.choice(
                np.array(["PME", "ETI", "GE"], dtype=object), size=n, p=[0.995, 0.004, 0.001]
            )
            cols = dict.fromkeys(LEGAL_UNIT_2025_12, np.full(n, "", dtype=object))
            cols.update(
                {
                    "siren": np.char.zfill(siren.astype(str), 9),
                    "statutDiffusionUniteLegale": np.where(withheld, "P", "O"),
                    "dateCreationUniteLegale": np.full(n, "2001-05-14", dtype=object),
                    "prenom1UniteLegale": np.where(
                        withheld, "[ND]", np.where(person, rng.choice(firsts, size=n), "")
                    ),
                    "prenomUsuelUniteLegale": np.where(
                        withheld, "[ND]", np.where(person, rng.choice(firsts, size=n), "")
                    ),
                    "nomUniteLegale": np.where(
                        withheld, "[ND]", np.where(person, rng.choice(surnames, size=n), "")
                    ),
                    "denominationUniteLegale": np.where(
                        person, nd, rng.choice(words, size=n) + " " + rng.choice(surnames, size=n)
                    ),
                    "categorieEntreprise": np.where(closed, "", category),
                    "etatAdministratifUniteLegale": np.where(closed, "C", "A"),
                    "categorieJuridiqueUniteLegale": np.where(person, "1000", "5710"),
                    "activitePrincipaleUniteLegale": np.full(n, "25.62A", dtype=object),
                    "nomenclatureActivitePrincipaleUniteLegale": np.full(n, "NAFRev2", dtype=object),
                    "economieSocialeSolidaireUniteLegale": np.where(rng.random(n) < 0.02, "O", "N"),
                    "caractereEmployeurUniteLegale": np.where(closed, "N", "O"),
                }
            )
            batch = pa.table({c: pa.array(cols[c].astype(str)) for c in LEGAL_UNIT_2025_12})
            if writer is None:
                writer = pacsv.CSVWriter(
                    str(path), batch.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
                )
            writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()


def child(csv: Path, workdir: Path, kind: str = "establishments") -> None:
    """Run the import (in its own process) into `workdir`'s register and print its result as JSON on the
    last line of stdout."""
    from reindus.ingest import establishments, legal_units
    from reindus.store.db import init_schema, make_engine

    engine = make_engine(f"sqlite:///{workdir / 'store.sqlite'}")
    init_schema(engine)
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        if time.monotonic() - last[0] > 30 or done == total:
            last[0] = time.monotonic()
            print(f"  … {done:,} / {total:,} lignes".replace(",", " "), file=sys.stderr, flush=True)

    started = time.perf_counter()
    cpu = time.process_time()
    result = (establishments if kind == "establishments" else legal_units).run_import_path(
        csv, engine=engine, actor="bench", register_path=workdir / "register.duckdb", progress=progress
    )
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": time.process_time() - cpu,
                "applied": result.applied,
                "extra": result.parsed.extra,
                "summary": result.summary.english if result.summary else None,
                "problems": result.problems.lines()[:5],
            }
        )
    )


def query_child(workdir: Path) -> None:
    """The Fournisseurs page's candidate query (as `bench/register.py`: Normandie, NAF division 25, 10
    employees and more, nearest to Rouen, 20 000 rows at most), names shown by the one name rule, on the
    register the import built: median and p95 of 30 runs after 3 warm-ups, as JSON."""
    from reindus.register import candidates, open_register

    def query(reg):
        return candidates(
            reg,
            naf_prefixes=("25",),
            departements=NORMANDIE,
            regional_departements=NORMANDIE,
            min_band="11",
            point=(1.0993, 49.4431),
            limit=20_000,
        )

    reg = open_register(workdir / "register.duckdb", read_only=True)
    for _ in range(3):
        found = query(reg)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        query(reg)
        times.append((time.perf_counter() - t0) * 1000)
    (rows, named) = reg.con.execute(
        "SELECT count(*), count(*) FILTER (WHERE coalesce(name, legal_name) IS NOT NULL) FROM establishments"
    ).fetchall()[0]
    times.sort()
    print(
        json.dumps(
            {
                "median_ms": statistics.median(times),
                "p95_ms": times[round(0.95 * (len(times) - 1))],
                "found": len(found),
                "found_named": int(found["name"].notna().sum()),
                "register_rows": rows,
                "register_named": named,
            }
        )
    )


def _file(folder: Path, kind: str, rows: int) -> Path:
    """The synthetic file of `rows` rows in `folder`, generated (in its own process: a child forked from
    a large parent would start with its RSS) unless already there."""
    stem = "StockEtablissement" if kind == "establishments" else "StockUniteLegale"
    csv = folder / f"{stem}_{rows}.csv"
    while csv.with_suffix(".partial").exists() and not csv.exists():  # being generated by another run
        time.sleep(10)
    if not csv.exists():
        t0 = time.perf_counter()
        partial = csv.with_suffix(".partial")
        subprocess.run(
            ["nice", "-n", "10", sys.executable, __file__, "--generate", kind, str(rows), str(partial)],
            check=True,
        )
        partial.replace(csv)
        print(
            f"{rows:,} lignes : CSV de {csv.stat().st_size / 1e6:,.0f} Mo écrit en "
            f"{time.perf_counter() - t0:.0f} s".replace(",", " "),
            flush=True,
        )
    return csv


def measure(csv: Path, rows: int, workdir: Path, kind: str, env: dict | None = None) -> dict:
    """Import `csv` into `workdir`'s register in a child process; its figures, peak RSS from the kernel."""
    load = os.getloadavg()[0]
    proc = subprocess.Popen(
        ["nice", "-n", "10", sys.executable, __file__, "--child", kind, str(csv), str(workdir)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"l'import a échoué (code {os.waitstatus_to_exitcode(status)})")
    report = json.loads(out.strip().splitlines()[-1])
    report.update(
        rows=rows,
        kind=kind,
        peak_rss_mb=usage.ru_maxrss / 1024,
        csv_mb=csv.stat().st_size / 1e6,
        load=(load + os.getloadavg()[0]) / 2,
    )
    print(
        f"  {kind} {rows:,} : importé {report['applied']} en {report['seconds']:.1f} s (CPU {report['cpu_seconds']:.0f} s), "
        f"{report['summary']}, lignes : {report['extra']}".replace(",", " ")
        + (f", problèmes : {report['problems']}" if report["problems"] else ""),
        flush=True,
    )
    return report


def previous_pipeline(folder: Path, rows: int) -> list[str]:
    """The same sample imported by the pipeline of BASELINE_REV (its lib/ extracted with `git archive`)
    and by this one, in this run: the speed-up, on a sample small enough for the old path."""
    base = folder / "baseline"
    if not (base / "lib").exists():
        base.mkdir(exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", BASELINE_REV, "lib"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        (base / "data").symlink_to(ROOT / "data")  # the reference files, some built and not versioned
    old_env = {**os.environ, "PYTHONPATH": str(base / "lib")}
    lines = []
    for kind, n in (("establishments", rows), ("legal-units", rows * 7 // 10)):
        csv = _file(folder, kind, n)
        timed = {}
        for label, env in (("previous", old_env), ("now", None)):
            workdir = folder / f"sample_{label}_{kind}"
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir()
            timed[label] = measure(csv, n, workdir, kind, env)
            shutil.rmtree(workdir, ignore_errors=True)
        old, new = timed["previous"], timed["now"]
        lines.append(
            f"previous pipeline ({BASELINE_REV[:7]}) {kind} {n} rows: previous_s={old['seconds']:.1f} "
            f"now_s={new['seconds']:.1f} speedup={old['seconds'] / new['seconds']:.1f} "
            f"cpu_speedup={old['cpu_seconds'] / new['cpu_seconds']:.1f} load={new['load']:.1f}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=None, help="tailles de StockEtablissement")
    parser.add_argument(
        "--legal-units", type=int, nargs="*", default=(), help="tailles de StockUniteLegale (importé ensuite)"
    )
    parser.add_argument("--baseline-rows", type=int, default=200_000, help="échantillon comparé (0 : aucun)")
    parser.add_argument("--files", type=Path, default=None, help="dossier gardant les fichiers générés")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "CSV", "WORKDIR"), help=argparse.SUPPRESS)
    parser.add_argument("--query", type=Path, metavar="WORKDIR", help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, metavar=("KIND", "ROWS", "CSV"), help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, default=None, help="dossier de travail (défaut : un temporaire)")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[1]), Path(args.child[2]), args.child[0])
        return
    if args.query:
        query_child(args.query)
        return
    if args.generate:
        writer = write_sirene_csv if args.generate[0] == "establishments" else write_legal_units_csv
        writer(Path(args.generate[2]), int(args.generate[1]))
        return
    sizes = args.rows if args.rows is not None else ([] if args.legal_units else [1_000_000])
    units = list(args.legal_units)
    lines = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = args.files or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.baseline_rows:
            lines += previous_pipeline(folder, args.baseline_rows)
        for i in range(max(len(sizes), len(units))):
            workdir = Path(tmp) / f"run_{i}"
            workdir.mkdir()
            reports = []
            if i < len(sizes):
                reports.append(
                    measure(_file(folder, "establishments", sizes[i]), sizes[i], workdir, "establishments")
                )
            if i < len(units):  # then the legal units, whose import names the establishments already there
                reports.append(
                    measure(_file(folder, "legal-units", units[i]), units[i], workdir, "legal-units")
                )
            for r in reports:
                what = "rows" if r["kind"] == "establishments" else "legal units"
                lines.append(
                    f"import {r['rows']} {what}: seconds={r['seconds']:.1f} rows_per_s={r['rows'] / r['seconds']:.0f} "
                    f"peak_rss_mb={r['peak_rss_mb']:.0f} cpu_s={r['cpu_seconds']:.0f} load={r['load']:.1f}"
                )
            if i < len(sizes):
                out = subprocess.run(
                    [sys.executable, __file__, "--query", str(workdir)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                q = json.loads(out.stdout.strip().splitlines()[-1])
                lines.append(
                    f"candidates with names {q['register_rows']} rows: median_ms={q['median_ms']:.1f} "
                    f"p95_ms={q['p95_ms']:.1f} found={q['found']} named={q['found_named']} "
                    f"load={os.getloadavg()[0]:.1f}"
                )
            print(lines[-1], flush=True)
            shutil.rmtree(workdir, ignore_errors=True)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
