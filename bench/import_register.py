"""Streamed establishment import: time, rows per second and peak memory for a SIRENE StockEtablissement CSV.

    .venv/bin/python bench/import_register.py --rows 1000000 10000000    # the issue's bar: 10 M < 2 GB

For each size, writes a SIRENE `StockEtablissement` CSV (the real column names, `,`-separated, ~190 bytes
a row like the INSEE file) with real commune codes (`reindus.reference.geo.communes()`, the arrondissements of
Paris, Lyon and Marseille rather than the cities, drawn by population), valid SIRETs (Luhn, a few
establishments per SIREN), NAF rév. 2 sous-classes from the real tree with about 2 % of old NAF 1993
rows, 1 % of rows abroad (no commune), 30 % closed, Lambert 93 coordinates for 80 % of rows. Then runs
`establishments.run_import_path` into a fresh register in a CHILD process and reads the child's peak
RSS from the kernel (`os.wait4`); the file is generated in another child, so that neither the generator
nor a large parent (whose pages a forked child starts with) counts.

Ends with one line per size: `import N rows: seconds=… rows_per_s=… peak_rss_mb=…`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHUNK = 500_000
HEADER = (
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
)
CITIES = ("75056", "69123", "13055")  # SIRENE writes the arrondissements instead
OLD_NAF = ("5120", "2851", "741G", "524Z", "553A")


def write_sirene_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A SIRENE StockEtablissement CSV of `rows` rows, generated in numpy chunks (bounded memory)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from pyproj import Transformer

    from reindus.reference import geo
    from reindus.reference.headcount import BANDS
    from reindus.reference.naf import naf_table
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
    base = int(rng.integers(10_000_000, 50_000_000))
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
            abroad = rng.random(n) < 0.01
            old = rng.random(n) < 0.02
            closed = rng.random(n) < 0.30
            has_xy = (rng.random(n) < 0.80) & metro[c] & ~abroad
            jitter = rng.normal(0, 800, size=(2, n))
            created = np.datetime64("1960-01-01") + rng.integers(0, 23_000, size=n).astype("timedelta64[D]")
            naf = np.where(old, rng.choice(OLD_NAF, size=n), rng.choice(naf_codes, size=n))
            cols = {
                "siren": np.char.zfill(siren.astype(str), 9),
                "nic": np.char.zfill((siret % 100_000).astype(str), 5),
                "siret": np.char.zfill(siret.astype(str), 14),
                "statutDiffusionEtablissement": np.full(n, "O", dtype=object),
                "dateCreationEtablissement": created.astype(str),
                "trancheEffectifsEtablissement": np.where(closed, "NN", rng.choice(bands, size=n, p=band_w)),
                "anneeEffectifsEtablissement": np.where(closed, "", "2022"),
                "dateDernierTraitementEtablissement": np.full(n, "2024-03-01T04:12:31", dtype=object),
                "etablissementSiege": np.where(i % 3 == 0, "true", "false"),
                "numeroVoieEtablissement": rng.integers(1, 200, size=n).astype(str),
                "typeVoieEtablissement": rng.choice(kinds, size=n),
                "libelleVoieEtablissement": rng.choice(streets, size=n),
                "codePostalEtablissement": np.where(abroad, "", postcodes[c]),
                "libelleCommuneEtablissement": np.where(abroad, "", names[c]),
                "codeCommuneEtablissement": np.where(abroad, "", codes[c]),
                "etatAdministratifEtablissement": np.where(closed, "F", "A"),
                "enseigne1Etablissement": rng.choice(signs, size=n),
                "denominationUsuelleEtablissement": np.where(
                    rng.random(n) < 0.3, "ETS " + (i % 9973).astype(str), ""
                ),
                "activitePrincipaleEtablissement": naf,
                "nomenclatureActivitePrincipaleEtablissement": np.where(old, "NAFRev1", "NAFRev2"),
                "caractereEmployeurEtablissement": np.where(closed, "N", "O"),
                "coordonneeLambertAbscisseEtablissement": np.where(
                    has_xy, np.round(lx[c] + jitter[0], 1).astype(str), ""
                ),
                "coordonneeLambertOrdonneeEtablissement": np.where(
                    has_xy, np.round(ly[c] + jitter[1], 1).astype(str), ""
                ),
            }
            batch = pa.table({k: pa.array(cols[k].astype(str)) for k in HEADER})
            if writer is None:
                writer = pacsv.CSVWriter(
                    str(path), batch.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
                )
            writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()


def child(csv: Path, workdir: Path) -> None:
    """Run the import (in its own process) and print its result as JSON on the last line of stdout."""
    from reindus.ingest import establishments
    from reindus.store.db import init_schema, make_engine

    engine = make_engine(f"sqlite:///{workdir / 'store.sqlite'}")
    init_schema(engine)
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        if time.monotonic() - last[0] > 5 or done == total:
            last[0] = time.monotonic()
            print(f"  … {done:,} / {total:,} lignes".replace(",", " "), file=sys.stderr, flush=True)

    started = time.perf_counter()
    result = establishments.run_import_path(
        csv, engine=engine, actor="bench", register_path=workdir / "register.duckdb", progress=progress
    )
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "applied": result.applied,
                "extra": result.parsed.extra,
                "summary": result.summary.english if result.summary else None,
                "problems": result.problems.lines()[:5],
            }
        )
    )


def measure(rows: int, tmp: Path) -> dict:
    csv = tmp / f"StockEtablissement_{rows}.csv"
    t0 = time.perf_counter()
    # generated in its own process too: a child forked from a large parent would start with its RSS
    subprocess.run([sys.executable, __file__, "--generate", str(rows), str(csv)], check=True)
    print(
        f"{rows:,} lignes : CSV de {csv.stat().st_size / 1e6:,.0f} Mo écrit en {time.perf_counter() - t0:.0f} s".replace(
            ",", " "
        ),
        flush=True,
    )
    workdir = tmp / f"run_{rows}"
    workdir.mkdir()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(csv), str(workdir)], stdout=subprocess.PIPE, text=True
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"l'import a échoué (code {os.waitstatus_to_exitcode(status)})")
    report = json.loads(out.strip().splitlines()[-1])
    report.update(rows=rows, peak_rss_mb=usage.ru_maxrss / 1024, csv_mb=csv.stat().st_size / 1e6)
    csv.unlink()
    print(
        f"  importé : {report['applied']}, {report['summary']}, lignes lues/gardées : {report['extra']}"
        + (f", problèmes : {report['problems']}" if report["problems"] else ""),
        flush=True,
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--child", nargs=2, metavar=("CSV", "WORKDIR"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, metavar=("ROWS", "CSV"), help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, default=None, help="dossier de travail (défaut : un temporaire)")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    if args.generate:
        write_sirene_csv(Path(args.generate[1]), int(args.generate[0]))
        return
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        reports = [measure(rows, Path(tmp)) for rows in args.rows]
    for r in reports:
        verdict = "sous" if r["peak_rss_mb"] < 2048 else "AU-DESSUS de"
        print(
            f"{r['rows']:,} lignes ({r['csv_mb']:,.0f} Mo) : {r['seconds']:.1f} s, {r['rows'] / r['seconds']:,.0f} "
            f"lignes/s, mémoire max {r['peak_rss_mb']:,.0f} Mo ({verdict} 2 Go)".replace(",", " ")
        )
    for r in reports:
        print(
            f"import {r['rows']} rows: seconds={r['seconds']:.1f} rows_per_s={r['rows'] / r['seconds']:.0f} "
            f"peak_rss_mb={r['peak_rss_mb']:.0f}"
        )


if __name__ == "__main__":
    main()
