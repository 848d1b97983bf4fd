"""A synthetic establishment register with the real schema and plausible distributions.

For demos and benchmarks only: every row says `source = SYNTH_SOURCE`. Deterministic for a given
(rows, seed, chunk). Generated in numpy chunks and written with pyarrow, so memory stays bounded by
the chunk whatever the number of rows (10 M rows: see the report in the module tests).

- Départements weighted by an approximate population (INSEE, ~2021, in thousands), coordinates
  around an approximate centre of each département: good enough for maps, not for geography.
- Synthetic communes per département (the arrondissements for Paris), the first ones heavier;
  `approximate` rows sit exactly on their commune point, the others about a kilometre around it.
- About 30 % closed establishments; bands mostly small with NN the most common (closed ones mostly NN).
- NAF drawn from the real NAF rév. 2 sous-classes: a weight per section, Zipf-like inside it.
- Companies have one establishment or a few; SIRENs are a bijective scramble of the company number,
  SIRETs carry a valid check digit (La Poste rule included, should its SIREN come up).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reindus.reference import headcount
from reindus.reference.naf import NAF_VERSION, naf_table
from reindus.reference.siret import complete_siren_array, complete_siret_array
from reindus.reference.sources import SYNTH_SOURCE
from reindus.register.database import SOLE_TRADER

# code: (longitude, latitude, population in thousands) — approximate centres and populations.
DEPARTEMENT_CENTRES: dict[str, tuple[float, float, int]] = {
    "01": (5.35, 46.10, 660), "02": (3.56, 49.56, 525), "03": (3.19, 46.39, 335), "04": (6.24, 44.10, 166),
    "05": (6.26, 44.66, 141), "06": (7.12, 43.94, 1100), "07": (4.43, 44.75, 330), "08": (4.64, 49.62, 270),
    "09": (1.50, 42.92, 155), "10": (4.16, 48.30, 310), "11": (2.41, 43.10, 375), "12": (2.68, 44.28, 280),
    "13": (5.09, 43.54, 2040), "14": (-0.36, 49.10, 700), "15": (2.67, 45.05, 144), "16": (0.20, 45.72, 350),
    "17": (-0.67, 45.78, 655), "18": (2.49, 47.06, 300), "19": (1.88, 45.36, 240), "21": (4.77, 47.42, 535),
    "22": (-2.86, 48.44, 605), "23": (2.02, 46.09, 115), "24": (0.74, 45.10, 415), "25": (6.36, 47.17, 545),
    "26": (5.17, 44.68, 520), "27": (1.00, 49.11, 600), "28": (1.37, 48.39, 430), "29": (-4.10, 48.26, 920),
    "2A": (8.99, 41.86, 160), "2B": (9.21, 42.39, 185), "30": (4.18, 43.99, 755), "31": (1.17, 43.36, 1420),
    "32": (0.45, 43.69, 190), "33": (-0.58, 44.83, 1650), "34": (3.37, 43.58, 1200), "35": (-1.64, 48.15, 1100),
    "36": (1.58, 46.78, 218), "37": (0.69, 47.26, 612), "38": (5.58, 45.26, 1280), "39": (5.70, 46.73, 258),
    "40": (-0.78, 43.96, 420), "41": (1.43, 47.62, 330), "42": (4.17, 45.73, 765), "43": (3.81, 45.13, 228),
    "44": (-1.68, 47.36, 1450), "45": (2.34, 47.91, 685), "46": (1.60, 44.62, 175), "47": (0.46, 44.37, 332),
    "48": (3.50, 44.52, 77), "49": (-0.56, 47.39, 820), "50": (-1.33, 49.08, 495), "51": (4.24, 48.95, 565),
    "52": (5.23, 48.11, 172), "53": (-0.66, 48.15, 307), "54": (6.17, 48.79, 730), "55": (5.38, 48.99, 183),
    "56": (-2.81, 47.85, 760), "57": (6.66, 49.04, 1045), "58": (3.50, 47.12, 200), "59": (3.22, 50.45, 2610),
    "60": (2.43, 49.41, 830), "61": (0.13, 48.62, 278), "62": (2.29, 50.49, 1460), "63": (3.14, 45.73, 665),
    "64": (-0.76, 43.26, 690), "65": (0.16, 43.05, 230), "66": (2.52, 42.60, 480), "67": (7.55, 48.67, 1150),
    "68": (7.27, 47.86, 770), "69": (4.64, 45.87, 1900), "70": (6.09, 47.64, 233), "71": (4.54, 46.64, 550),
    "72": (0.22, 47.99, 565), "73": (6.44, 45.48, 440), "74": (6.43, 46.03, 835), "75": (2.35, 48.86, 2130),
    "76": (1.03, 49.66, 1255), "77": (2.93, 48.63, 1430), "78": (1.84, 48.82, 1450), "79": (-0.32, 46.56, 375),
    "80": (2.28, 49.96, 568), "81": (2.17, 43.79, 390), "82": (1.28, 44.09, 262), "83": (6.22, 43.46, 1090),
    "84": (5.18, 44.01, 562), "85": (-1.30, 46.68, 690), "86": (0.46, 46.56, 440), "87": (1.24, 45.89, 372),
    "88": (6.38, 48.20, 362), "89": (3.56, 47.84, 335), "90": (6.93, 47.63, 140), "91": (2.24, 48.52, 1300),
    "92": (2.25, 48.85, 1625), "93": (2.48, 48.91, 1650), "94": (2.47, 48.78, 1400), "95": (2.13, 49.08, 1250),
    "971": (-61.55, 16.20, 385), "972": (-61.02, 14.64, 360), "973": (-53.24, 3.93, 285),
    "974": (55.53, -21.13, 870), "976": (45.15, -12.82, 300),
}  # fmt: skip
# Spread (degrees) of the points around the centre; default for the others.
_SPREAD = {"75": 0.03, "92": 0.05, "93": 0.05, "94": 0.05, "90": 0.08, "976": 0.06, "972": 0.1, "971": 0.12}
_DEFAULT_SPREAD = 0.22

# Share of establishments per NAF section (SIRENE-like, manufacturing slightly favoured for the demo).
SECTION_WEIGHTS: dict[str, float] = {
    "A": 0.06, "B": 0.002, "C": 0.10, "D": 0.01, "E": 0.005, "F": 0.11, "G": 0.17, "H": 0.04, "I": 0.06,
    "J": 0.04, "K": 0.04, "L": 0.09, "M": 0.12, "N": 0.06, "O": 0.01, "P": 0.02, "Q": 0.05, "R": 0.02,
    "S": 0.05, "T": 0.001, "U": 0.0005,
}  # fmt: skip

# Band shares among active establishments, and among closed ones (mostly NN).
BAND_WEIGHTS_ACTIVE: dict[str, float] = {
    "NN": 0.50, "00": 0.12, "01": 0.14, "02": 0.08, "03": 0.05, "11": 0.04, "12": 0.035, "21": 0.015,
    "22": 0.0085, "31": 0.002, "32": 0.0025, "41": 0.0012, "42": 0.0005, "51": 0.0002, "52": 0.00005,
    "53": 0.00002,
}  # fmt: skip
BAND_WEIGHTS_CLOSED: dict[str, float] = {"NN": 0.85, "00": 0.06, "01": 0.05, "02": 0.03, "03": 0.01}

LEGAL_CATEGORY_WEIGHTS: dict[str, float] = {
    SOLE_TRADER: 0.35, "5710": 0.20, "5499": 0.15, "5720": 0.08, "6540": 0.08, "9220": 0.06,
    "5498": 0.04, "5599": 0.02, "7210": 0.02,
}  # fmt: skip

_SURNAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
    "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
    "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
    "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
    "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
)  # fmt: skip
_FIRST_NAMES = (
    "Marie", "Jean", "Pierre", "Michel", "Nathalie", "Isabelle", "Philippe", "Sophie", "Nicolas", "Catherine",
    "Julien", "Camille", "Thomas", "Sandrine", "Laurent", "Céline", "Éric", "Claire", "Olivier", "Julie",
)  # fmt: skip
# Company name patterns: prefix + surname + suffix.
_PATTERNS = (
    ("Ateliers ", ""), ("Établissements ", ""), ("", " et Fils"), ("Société ", ""), ("Forges ", ""),
    ("", " Industrie"), ("Groupe ", ""), ("Transports ", ""), ("Menuiserie ", ""), ("", " Services"),
    ("Mécanique ", ""), ("Plasturgie ", ""), ("", " Frères"), ("SCI ", ""), ("Boulangerie ", ""),
    ("Garage ", ""), ("", " Conseil"), ("Tôlerie ", ""), ("", " Distribution"), ("Imprimerie ", ""),
)  # fmt: skip

_DAY_2025_06_30 = 20269  # days since 1970-01-01
_DAY_1950_01_01 = -7305
_SIREN_SPACE = 90_000_000  # first digit 1–9
_SIREN_MULTIPLIER = 48_271_007  # coprime with 90 000 000: company number → SIREN is a bijection

ARROW_SCHEMA = pa.schema(
    [
        ("siret", pa.string()), ("siren", pa.string()), ("nic", pa.string()), ("name", pa.string()),
        ("naf", pa.string()), ("naf_version", pa.string()), ("band", pa.string()), ("active", pa.bool_()),
        ("commune", pa.string()), ("departement", pa.string()), ("longitude", pa.float64()),
        ("latitude", pa.float64()), ("approximate", pa.bool_()), ("created", pa.date32()),
        ("legal_category", pa.string()), ("source", pa.string()), ("naf25", pa.string()),
        ("diffusible", pa.bool_()), ("employer", pa.bool_()), ("closed_since", pa.date32()),
        ("legal_name", pa.string()), ("legal_diffusible", pa.bool_()), ("company_category", pa.string()),
    ]
)  # fmt: skip
# As in SIRENE: about 3 % of establishments carry a name of their own (sign or usual name), the others
# are known by their legal unit's; about 1 % of persons refused publication.
OWN_NAME_SHARE = 0.03
WITHHELD_SHARE = 0.01


def _probabilities(weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys, p / p.sum()


class _World:
    """Everything drawn once per seed: communes and their points, NAF weights, SIREN offset."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng([seed, 0])
        self.departements = list(DEPARTEMENT_CENTRES)
        population = np.array([DEPARTEMENT_CENTRES[d][2] for d in self.departements], dtype=float)
        self.departement_p = population / population.sum()

        codes, lons, lats, cdf, owner = [], [], [], [], []
        for i, dep in enumerate(self.departements):
            lon, lat, _ = DEPARTEMENT_CENTRES[dep]
            spread = _SPREAD.get(dep, _DEFAULT_SPREAD)
            if dep == "75":
                names = [f"751{k:02d}" for k in range(1, 21)]
            elif len(dep) == 3:
                names = [f"{dep}{k:02d}" for k in range(1, 31)]
            else:
                names = [f"{dep}{k:03d}" for k in range(1, 301)]
            n = len(names)
            weights = 1.0 / np.arange(1, n + 1) ** (0.3 if dep == "75" else 1.0)
            codes += names
            lons.append(lon + rng.normal(0, spread, n) / max(np.cos(np.radians(lat)), 0.3))
            lats.append(lat + rng.normal(0, spread, n))
            # Cumulative weights inside the département, shifted by its index: one global searchsorted.
            cdf.append(i + np.cumsum(weights) / weights.sum())
            owner.append(np.full(n, i))
        self.commune_codes = pa.array(codes, pa.string())
        self.commune_lon = np.concatenate(lons)
        self.commune_lat = np.concatenate(lats)
        self.commune_cdf = np.concatenate(cdf)
        self.commune_owner = np.concatenate(owner)
        self.departement_codes = pa.array(self.departements, pa.string())

        table = naf_table()
        section_of = dict(zip(table["code"], table["section"], strict=True))
        naf_codes = sorted(section_of)
        weights = np.zeros(len(naf_codes))
        for section, share in SECTION_WEIGHTS.items():
            members = [i for i, c in enumerate(naf_codes) if section_of[c] == section]
            if not members:
                continue
            zipf = 1.0 / np.arange(1, len(members) + 1) ** 1.1
            weights[rng.permutation(members)] = share * zipf / zipf.sum()
        self.naf_codes = pa.array(naf_codes, pa.string())
        self.naf_p = weights / weights.sum()

        self.band_active, self.band_active_p = _probabilities(BAND_WEIGHTS_ACTIVE)
        self.band_closed, self.band_closed_p = _probabilities(BAND_WEIGHTS_CLOSED)
        self.band_codes = pa.array([b.code for b in headcount.BANDS], pa.string())
        self._band_index = {b.code: i for i, b in enumerate(headcount.BANDS)}
        self.legal, self.legal_p = _probabilities(LEGAL_CATEGORY_WEIGHTS)
        self.legal_codes = pa.array(self.legal, pa.string())
        self.siren_offset = int(rng.integers(0, _SIREN_SPACE))
        # Every possible name: companies (pattern × surname), then sole traders (surname × first name).
        companies = [f"{pre}{surname}{post}" for pre, post in _PATTERNS for surname in _SURNAMES]
        people = [f"{surname.upper()} {first}" for surname in _SURNAMES for first in _FIRST_NAMES]
        self.names = pa.array(companies + people, pa.string())

    def band_indices(self, codes: list[str]) -> np.ndarray:
        return np.array([self._band_index[c] for c in codes])


def _chunk(world: _World, rng: np.random.Generator, n: int, first_company: int) -> tuple[pa.Table, int]:
    """`n` rows whose companies are numbered from `first_company`; returns the table and the next number."""
    idx = np.arange(n)
    new_company = rng.random(n) < 0.75
    new_company[0] = True
    company = first_company + np.cumsum(new_company) - 1
    run_start = np.maximum.accumulate(np.where(new_company, idx, 0))
    nic_seq = idx - run_start + 1  # 1, 2, … inside each company
    if nic_seq.max() > 9999:
        raise RuntimeError("trop d'établissements pour une entreprise")
    next_company = int(company[-1]) + 1
    if next_company > _SIREN_SPACE:
        raise ValueError(f"au plus {_SIREN_SPACE} entreprises synthétiques")

    siren8 = 10_000_000 + (company * _SIREN_MULTIPLIER + world.siren_offset) % _SIREN_SPACE
    siren = complete_siren_array(siren8)
    siret = complete_siret_array(siren, nic_seq)

    # Company-level draws, broadcast from each company's first row.
    legal = rng.choice(len(world.legal), size=n, p=world.legal_p)[run_start]
    sole = legal == world.legal.index(SOLE_TRADER)
    surname = rng.integers(0, len(_SURNAMES), n)[run_start]
    first_name = rng.integers(0, len(_FIRST_NAMES), n)[run_start]
    pattern = rng.integers(0, len(_PATTERNS), n)[run_start]

    active = rng.random(n) < 0.70
    band_active = world.band_indices(world.band_active)[
        rng.choice(len(world.band_active), n, p=world.band_active_p)
    ]
    band_closed = world.band_indices(world.band_closed)[
        rng.choice(len(world.band_closed), n, p=world.band_closed_p)
    ]
    band = np.where(active, band_active, band_closed)
    band = np.where(sole & (band > world._band_index["02"]), world._band_index["01"], band)

    departement = rng.choice(len(world.departements), size=n, p=world.departement_p)
    commune = np.searchsorted(world.commune_cdf, departement + rng.random(n), side="right")
    commune = np.minimum(commune, len(world.commune_cdf) - 1)
    # Float rounding at a segment's end could pick the next département's first commune.
    commune = np.where(world.commune_owner[commune] == departement, commune, commune - 1)
    approximate = rng.random(n) < 0.15
    lon = world.commune_lon[commune] + np.where(approximate, 0.0, rng.normal(0, 0.012, n))
    lat = world.commune_lat[commune] + np.where(approximate, 0.0, rng.normal(0, 0.008, n))

    naf = rng.choice(len(world.naf_p), size=n, p=world.naf_p)
    age = rng.exponential(9 * 365.25, n) + np.where(active, 0, rng.exponential(6 * 365.25, n))
    created = np.maximum(_DAY_2025_06_30 - age.astype(np.int64), _DAY_1950_01_01).astype(np.int32)

    siret_str = pc.utf8_lpad(pc.cast(pa.array(siret), pa.string()), 14, "0")
    name = np.where(
        sole,
        len(_PATTERNS) * len(_SURNAMES) + surname * len(_FIRST_NAMES) + first_name,
        pattern * len(_SURNAMES) + surname,
    )
    columns = {
        "siret": siret_str,
        "siren": pc.utf8_slice_codeunits(siret_str, 0, 9),
        "nic": pc.utf8_slice_codeunits(siret_str, 9, 14),
        "name": pc.take(world.names, pa.array(name)),
        "naf": pc.take(world.naf_codes, pa.array(naf)),
        "naf_version": pa.repeat(pa.scalar(NAF_VERSION), n),
        "band": pc.take(world.band_codes, pa.array(band)),
        "active": pa.array(active),
        "commune": pc.take(world.commune_codes, pa.array(commune)),
        "departement": pc.take(world.departement_codes, pa.array(departement)),
        "longitude": pa.array(np.round(lon, 6)),
        "latitude": pa.array(np.round(lat, 6)),
        "approximate": pa.array(approximate),
        "created": pa.array(created, pa.date32()),
        "legal_category": pc.take(world.legal_codes, pa.array(legal)),
        "source": pa.repeat(pa.scalar(SYNTH_SOURCE), n),
    }
    names = columns["name"]
    own = rng.random(n) < OWN_NAME_SHARE
    withheld = sole & (rng.random(n) < WITHHELD_SHARE)[run_start]
    large = band >= world._band_index["41"]
    columns.update(
        name=pc.if_else(pa.array(own), names, pa.nulls(n, pa.string())),
        naf25=pa.nulls(n, pa.string()),
        diffusible=pa.array(~withheld),
        employer=pa.array(active & (band > world._band_index["00"])),
        closed_since=pa.array(
            np.minimum(created + 365, _DAY_2025_06_30).astype(np.int32), pa.date32(), mask=active
        ),
        legal_name=pc.if_else(pa.array(withheld), pa.nulls(n, pa.string()), names),
        legal_diffusible=pa.array(~withheld),
        company_category=pa.array(np.where(large, "ETI", "PME"), pa.string()),
    )
    return pa.table(columns, schema=ARROW_SCHEMA), next_company


def _tables(rows: int, seed: int, chunk: int) -> Iterator[pa.Table]:
    if rows < 0 or chunk <= 0:
        raise ValueError("rows ≥ 0 et chunk > 0")
    world = _World(seed)
    company = 0
    for number, start in enumerate(range(0, rows, chunk)):
        rng = np.random.default_rng([seed, 1, number])
        table, company = _chunk(world, rng, min(chunk, rows - start), company)
        yield table


def synth(path: str | Path, rows: int, seed: int = 0, chunk: int = 1_000_000) -> Path:
    """Write a synthetic register of `rows` rows to the Parquet file `path` (replaced atomically).

    One chunk is written (in a second thread: pyarrow releases the GIL) while the next is generated.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with (
            pq.ParquetWriter(tmp, ARROW_SCHEMA, compression="zstd") as writer,
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            pending = None
            for table in _tables(rows, seed, chunk):
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, table, row_group_size=min(chunk, 1_000_000))
            if pending is not None:
                pending.result()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def synth_frame(rows: int, seed: int = 0, chunk: int = 1_000_000) -> pd.DataFrame:
    """The same rows as `synth` would write, as a DataFrame (for small demos and tests)."""
    tables = list(_tables(rows, seed, chunk))
    table = pa.concat_tables(tables) if tables else ARROW_SCHEMA.empty_table()
    return table.to_pandas()
