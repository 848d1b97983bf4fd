"""Streamed establishment import: rows per second and peak memory for a SIRENE-like CSV.

    .venv/bin/python bench/import_register.py --rows 10000000     # the issue's check: < 2 GB

Writes a synthetic register (reindus.register.synth) as a SIRENE StockEtablissement CSV, then runs
`establishments.run_import_path` into a fresh register and prints the time and the peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from reindus import register
from reindus.ingest import establishments
from reindus.store.db import init_schema, make_engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        register.synth(tmp / "synth.parquet", rows=args.rows, seed=1)
        csv = tmp / "StockEtablissement.csv"
        duckdb.execute(f"""COPY (SELECT siret, siren, nic,
            CASE WHEN active THEN 'A' ELSE 'F' END AS etatAdministratifEtablissement,
            naf AS activitePrincipaleEtablissement, 'NAFRev2' AS nomenclatureActivitePrincipaleEtablissement,
            band AS trancheEffectifsEtablissement, commune AS codeCommuneEtablissement,
            name AS denominationUsuelleEtablissement, created AS dateCreationEtablissement
            FROM read_parquet('{tmp / "synth.parquet"}')) TO '{csv}' (HEADER, DELIMITER ',')""")
        print(f"CSV : {csv.stat().st_size / 1e6:.0f} Mo, {args.rows} lignes")
        engine = make_engine(f"sqlite:///{tmp / 'store.sqlite'}")
        init_schema(engine)
        started = time.perf_counter()
        result = establishments.run_import_path(csv, engine=engine, actor="bench",
                                                register_path=tmp / "register.duckdb")
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"importé : {result.applied}, {result.summary.message if result.summary else result.problems.lines()[:3]}")
        print(f"{elapsed:.1f} s, {args.rows / elapsed:,.0f} lignes/s, mémoire max {peak_mb:,.0f} Mo "
              f"({'sous' if peak_mb < 2048 else 'AU-DESSUS de'} 2 Go)")


if __name__ == "__main__":
    main()
