"""URSSAF open data « Établissements et effectifs salariés au niveau commune × APE », into the store.

The file (`etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv`, open.urssaf.fr) is
`;`-separated, one row per commune × APE code, wide: one `nombre_d_etablissements_YYYY` and one
`effectifs_salaries_YYYY` column per year. Columns used: `code_departement`, `code_commune`, `code_ape`
(`1071C`, no dot), `secteur_na88` (« 10 Industries alimentaires ») and the year columns; the others
(region, EPCI, zone d'emploi, labels) are ignored.

On import, manufacturing rows (NAF rév. 2 divisions 10 to 33) are summed per département × division ×
year; other activities are left out. A file with any problem imports nothing: every problem names the
file, the line as a spreadsheet shows it (header = line 1), the column and the value. An empty figure
counts as 0 (no establishment that year).

Reading goes through the shared layer (`textfile.read_table`: encoding, sniffed separator, XLSX, every
cell as text) and problems are a `problems.Problems`; the upsert and its audit entry (file name and
SHA-256) go through `importer`. `reindus import industry FICHIER` recognises the file by its columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.ingest import textfile
from reindus.ingest.importer import Parsed, Summary, checksum, record_import, upsert
from reindus.ingest.problems import ImportRefused, Problems
from reindus.reference.naf import MANUFACTURING_DIVISIONS, naf_table
from reindus.reference.territory import departement_of_commune, departements
from reindus.store.models import IndustryStat

__all__ = ["ImportRefused", "UrssafFile", "apply", "from_table", "import_stats", "read"]

SOURCE = "URSSAF"
DEFINITION = (
    "URSSAF : établissements employeurs du secteur privé et effectifs salariés, industrie manufacturière "
    "(NAF rév. 2, section C, divisions 10 à 33), sommés des communes × codes APE au département"
)
TABLE = IndustryStat.__tablename__
KEYS = ("departement", "naf_division", "year")
REQUIRED_COLUMNS: tuple[str, ...] = ("code_departement", "code_commune", "code_ape", "secteur_na88")
COLUMNS = tuple(textfile.Column(c, c, required=True) for c in REQUIRED_COLUMNS)
ESTABLISHMENTS_PREFIX = "nombre_d_etablissements_"
JOBS_PREFIX = "effectifs_salaries_"
# year columns, matched on the normalised header (case, accents, underscores do not count)
_YEAR_COLUMN = re.compile(r"^(nombredetablissements|effectifssalaries)(\d{4})$")
_KINDS = {"nombredetablissements": ESTABLISHMENTS_PREFIX, "effectifssalaries": JOBS_PREFIX}
_APE = re.compile(r"^\d{4}[A-Z]$")
MAX_ROWS = 2_000_000  # the national file has about 600 000 rows
# The national file is wide (two columns a year since 2006): more cells than the other imports allow.
LIMITS = textfile.Limits(max_rows=MAX_ROWS, max_cells=60_000_000, max_bytes=512 * textfile.MB)


@dataclass
class UrssafFile:
    name: str
    problems: Problems  # those of the table read, then the checks'
    checksum: str = ""
    encoding: str = ""
    years: tuple[int, ...] = ()
    rows: int = 0  # data rows read
    kept: int = 0  # manufacturing rows (divisions 10 to 33)
    stats: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # departement, naf_division, year, establishments, jobs

    @property
    def ok(self) -> bool:
        return self.problems.ok

    def parsed(self) -> Parsed:
        """The file as the importer sees it (kind « industry »)."""
        return Parsed("industry", self.name, self.checksum, self.problems, extra={"urssaf": self})


def read(source: bytes | str | Path, name: str | None = None) -> UrssafFile:
    """Read and check an URSSAF commune × APE file (path or bytes, CSV or XLSX); aggregate its
    manufacturing rows.

    Nothing is raised for a bad file: `result.problems` lists what is wrong and `result.stats` is empty.
    """
    if isinstance(source, bytes):
        raw, name = source, name or "fichier.csv"
    else:
        path = Path(source)
        raw, name = path.read_bytes(), name or path.name
    return from_table(textfile.read_table(raw, name, limits=LIMITS), checksum(raw))


def _flag(
    problems: Problems, frame: pd.DataFrame, mask: pd.Series, column: str, reasons: str | pd.Series
) -> None:
    """One problem per row of `frame` where `mask` holds (the index is the spreadsheet line)."""
    rows = frame.index[mask.reindex(frame.index, fill_value=False).to_numpy(dtype=bool)]
    if not isinstance(reasons, str):
        reasons = reasons.reindex(rows)
    problems.add_many(rows, column, frame.loc[rows, column], reasons, count=len(rows))


def from_table(table: textfile.Table, sha256: str = "") -> UrssafFile:  # noqa: C901 - both header layouts, one pass
    """Check and aggregate a table read by `textfile.read_table` (its problems are kept)."""
    problems = table.problems
    result = UrssafFile(name=table.name, problems=problems, checksum=sha256, encoding=table.encoding)
    frame = table.frame
    if frame.columns.empty:
        return result
    result.rows = len(frame)
    found = textfile.match_columns(table, COLUMNS)
    by_year: dict[int, dict[str, str]] = {}
    for column in frame.columns:
        match = _YEAR_COLUMN.match(textfile.normalize_header(column))
        if match:
            by_year.setdefault(int(match[2]), {})[_KINDS[match[1]]] = column
    for year, kinds in sorted(by_year.items()):
        for prefix in _KINDS.values():
            if prefix not in kinds:
                problems.add(
                    1,
                    f"{prefix}{year}",
                    "",
                    f"colonne absente alors que l'année {year} figure dans le fichier",
                )
    years = tuple(sorted(y for y, kinds in by_year.items() if len(kinds) == 2))
    if not years and len(found) == len(COLUMNS):
        problems.add(
            1, "", "", "aucune colonne « nombre_d_etablissements_AAAA » / « effectifs_salaries_AAAA »"
        )
    if not problems.ok or frame.empty:
        return result
    result.years = years

    ape_col, dep_col, commune_col, na88_col = (
        found[k] for k in ("code_ape", "code_departement", "code_commune", "secteur_na88")
    )
    ape = frame[ape_col].str.strip().str.upper().str.replace(".", "", regex=False)
    bad_ape = ~ape.str.match(_APE.pattern)
    _flag(problems, frame, bad_ape, ape_col, "code APE attendu sous la forme 1071C")
    division = ape.str[:2]
    keep = ~bad_ape & division.isin(MANUFACTURING_DIVISIONS)
    rows, ape, division = frame[keep], ape[keep], division[keep]
    result.kept = len(rows)

    dotted = ape.str[:2] + "." + ape.str[2:]
    _flag(problems, rows, ~dotted.isin(set(naf_table()["code"])), ape_col, "code APE absent de la NAF rév. 2")
    dep = rows[dep_col].str.strip().str.upper()
    dep = dep.where(~dep.str.fullmatch(r"\d"), "0" + dep)
    known_dep = dep.isin(set(departements()))
    _flag(problems, rows, ~known_dep, dep_col, "code de département inconnu")
    commune = rows[commune_col].str.strip().str.upper()
    elsewhere = known_dep & (commune.map(departement_of_commune) != dep)
    _flag(
        problems, rows, elsewhere, commune_col, "commune hors du département " + dep + " indiqué sur la ligne"
    )
    na88 = rows[na88_col].str.strip().str.split(" ", n=1).str[0].str.zfill(2)
    _flag(problems, rows, na88 != division, na88_col, "secteur NA88 incohérent avec le code APE " + ape)
    dup = pd.DataFrame({"c": commune, "a": ape}).duplicated(keep="first")
    _flag(problems, rows, dup, ape_col, "ligne en double pour la commune " + commune + " et ce code APE")

    long = []
    for year in years:
        values = {}
        for kind, prefix in (("establishments", ESTABLISHMENTS_PREFIX), ("jobs", JOBS_PREFIX)):
            column = by_year[year][prefix]
            parsed, bad = textfile.parse_numbers(rows[column])
            _flag(problems, rows, bad, column, "nombre attendu (ex. 1 234 ou 12,5)")
            _flag(problems, rows, parsed < 0, column, "nombre négatif")
            if kind == "establishments":
                _flag(
                    problems,
                    rows,
                    parsed.notna() & (parsed % 1 != 0),
                    column,
                    "nombre d'établissements non entier",
                )
            values[kind] = parsed.fillna(0.0)
        long.append(
            pd.DataFrame(
                {
                    "departement": dep,
                    "naf_division": division,
                    "year": year,
                    "establishments": values["establishments"],
                    "jobs": values["jobs"],
                }
            )
        )
    if not problems.ok:
        return result
    if long and result.kept:
        stats = pd.concat(long, ignore_index=True)
        stats = stats.groupby(list(KEYS), as_index=False)[["establishments", "jobs"]].sum()
        stats["establishments"] = stats["establishments"].round().astype("int64")
        stats["jobs"] = stats["jobs"].round().astype("int64")
        result.stats = stats.sort_values(["year", "departement", "naf_division"], ignore_index=True)
    else:
        result.stats = pd.DataFrame(columns=[*KEYS, "establishments", "jobs"])
    return result


def apply(
    session: Session, data: UrssafFile, *, source: str = SOURCE, definition: str = DEFINITION
) -> Summary:
    """Upsert the file's aggregates on (departement, naf_division, year, source); no audit entry (the
    importer writes it). Raises ImportRefused, writing nothing, if the file has problems."""
    if not data.ok:
        raise ImportRefused(data.problems)
    years = sorted({int(y) for y in data.stats["year"]})
    records = [
        {
            "departement": r.departement,
            "naf_division": r.naf_division,
            "year": int(r.year),
            "establishments": int(r.establishments),
            "jobs": int(r.jobs),
            "definition": definition,
        }
        for r in data.stats.itertuples(index=False)
    ]
    return upsert(
        session,
        IndustryStat,
        KEYS,
        records,
        source,
        scope=(IndustryStat.source == source) & IndustryStat.year.in_(years),
    )


def import_stats(
    session: Session, data: UrssafFile, actor: str, *, source: str = SOURCE, definition: str = DEFINITION
) -> Summary:
    """`apply`, then one audit entry (file name and SHA-256) if anything changed.

    Flushes but does not commit: run it inside `with Session.begin() as session:` so that the whole
    file goes in one transaction. Importing the same file again adds and updates nothing (and writes
    no audit entry).
    """
    if not actor or not actor.strip():
        raise ValidationError("Indiquez qui fait la modification (actor vide).", field="actor")
    summary = apply(session, data, source=source, definition=definition)
    if summary.changed:
        record_import(session, data.parsed(), actor, summary, table_name=TABLE)
    return summary
