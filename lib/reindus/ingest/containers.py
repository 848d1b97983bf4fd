"""What a register file is, decided by its bytes, and a form DuckDB can scan without loading it in memory.

INSEE publishes `StockEtablissement_utf8.zip` (one CSV inside), etalab the geolocated stock as `.csv.gz`,
and coaches bring CCI directories saved from Excel (XLSX, or CSV in cp1252). All are told apart here:

- `PK\\x03\\x04` is a zip: an XLSX workbook when it holds `[Content_Types].xml`, else an archive that must
  hold exactly one data file (CSV or Parquet), extracted to the work folder after checking free disk space;
- `\\x1f\\x8b` is gzip: DuckDB reads a gzipped UTF-8 CSV as it is;
- `PAR1` is Parquet;
- a UTF-16 BOM (or NUL bytes every other byte) is UTF-16 text, cp1252 text is anything not UTF-8: both
  are transcoded to UTF-8 in the work folder, streamed, after checking free disk space;
- an XLSX workbook is read with openpyxl (`textfile.read_table`: CCI directories, thousands of rows) and
  written out as a UTF-8 CSV.

`prepare(path, workdir)` returns a `Prepared` file: its path, `csv` or `parquet`, the compression DuckDB
must apply, the header row and a description for the summary (« CSV dans une archive zip, UTF-8 »).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reindus.ingest import textfile

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAMPLE_BYTES = 1 << 20
# Free space kept on top of what an extraction needs, for DuckDB's own spill files.
DISK_MARGIN_BYTES = 512 << 20
_COPY_CHUNK = 4 << 20


class ContainerError(textfile.FileFormatError):
    """The file cannot be opened as any of the accepted forms (French reason)."""


@dataclass(frozen=True)
class Prepared:
    path: Path
    format: str  # csv, parquet
    compression: str  # none, gzip (for DuckDB's read_csv)
    header: tuple[str, ...]  # CSV only; Parquet columns come from the file
    separator: str
    description: str


def prepare(path: Path, workdir: Path) -> Prepared:
    """The file in a form DuckDB scans directly; ContainerError with a French reason otherwise."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise ContainerError("fichier vide")
    if head.startswith(ZIP_MAGIC):
        return _from_zip(path, workdir)
    if head.startswith(GZIP_MAGIC):
        with gzip.open(path, "rb") as fh:
            try:
                sample = fh.read(SAMPLE_BYTES)
            except (OSError, EOFError) as exc:
                raise ContainerError(f"archive gzip illisible ou tronquée : {exc}") from None
        return _text(path, sample, workdir, compressed=True, origin="CSV compressé (gzip)")
    if head.startswith(textfile.PARQUET_MAGIC):
        return Prepared(path, "parquet", "none", (), "", "Parquet")
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    return _text(path, sample, workdir, compressed=False, origin="CSV")


def ensure_free_space(folder: Path, needed: int, what: str) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed + DISK_MARGIN_BYTES:
        raise ContainerError(
            f"espace disque insuffisant pour {what} : il faut {_gb(needed + DISK_MARGIN_BYTES)} Go, "
            f"{_gb(free)} Go libres dans {folder} (choisissez un autre dossier de travail avec TMPDIR)"
        )


def _gb(n: int) -> str:
    return f"{n / 1e9:.1f}".replace(".", ",")


def _from_zip(path: Path, workdir: Path) -> Prepared:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ContainerError("archive zip illisible ou tronquée") from None
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            return _from_xlsx(path, workdir)
        members = [i for i in archive.infolist() if not i.is_dir() and not _is_noise(i.filename)]
        if len(members) != 1:
            listed = ", ".join(f"« {m.filename} »" for m in members[:5]) or "aucun"
            raise ContainerError(
                f"l'archive zip doit contenir un seul fichier de données (CSV ou Parquet), elle en contient "
                f"{len(members)} : {listed}"
            )
        member = members[0]
        ensure_free_space(workdir, member.file_size, f"décompresser « {member.filename} »")
        target = workdir / "archive-member"
        try:
            with archive.open(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, _COPY_CHUNK)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ContainerError(f"archive zip illisible ou tronquée ({member.filename}) : {exc}") from None
    inner = prepare(target, workdir)
    return Prepared(
        inner.path,
        inner.format,
        inner.compression,
        inner.header,
        inner.separator,
        f"{inner.description} dans une archive zip ({member.filename})",
    )


def _is_noise(name: str) -> bool:
    """Files that archivers add beside the data (macOS resource forks, Windows thumbnails)."""
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith("._") or base in ("Thumbs.db", ".DS_Store")


def _from_xlsx(path: Path, workdir: Path) -> Prepared:
    table = textfile.read_table(path.read_bytes(), path.name)
    if not table.ok:
        raise ContainerError(table.problems.items[0].reason)
    target = workdir / "classeur.csv"
    frame = table.frame
    frame.to_csv(target, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return Prepared(target, "csv", "none", tuple(frame.columns), ",", "classeur XLSX")


def _text(path: Path, sample: bytes, workdir: Path, *, compressed: bool, origin: str) -> Prepared:
    encoding = _encoding(sample)
    if encoding in ("utf-8", "utf-8-sig"):
        text = sample.decode(encoding, errors="ignore")  # the sample may cut a character in two
        header, sep = _header(text)
        return Prepared(
            path, "csv", "gzip" if compressed else "none", header, sep, f"{origin}, encodage {encoding}"
        )
    # DuckDB reads UTF-8 only: transcode, streamed. The output is at most twice the input for cp1252 and
    # about half for UTF-16; the uncompressed size of a gzip is unknown, so ask for four times it.
    size = path.stat().st_size
    ensure_free_space(workdir, size * (4 if compressed else 2), "convertir le fichier en UTF-8")
    target = workdir / "converti-utf8.csv"
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            reader = codecs.getreader(encoding)(src, errors="strict")
            while chunk := reader.read(_COPY_CHUNK):
                dst.write(chunk)
    except UnicodeDecodeError as exc:
        raise ContainerError(
            f"encodage illisible : le début du fichier est en {encoding}, mais un octet invalide "
            f"({exc.object[exc.start : exc.start + 1].hex().upper()}) apparaît plus loin"
        ) from None
    with target.open("r", encoding="utf-8") as fh:
        header, sep = _header(fh.read(SAMPLE_BYTES))
    return Prepared(target, "csv", "none", header, sep, f"{origin}, encodage {encoding} converti en UTF-8")


def _encoding(sample: bytes) -> str:
    if sample.startswith(UTF16_BOMS):
        return "utf-16"
    if len(sample) >= 4 and sample[1:8:2] == b"\x00" * len(sample[1:8:2]) and sample[0:1] != b"\x00":
        return "utf-16-le"
    if len(sample) >= 4 and sample[0:8:2] == b"\x00" * len(sample[0:8:2]):
        return "utf-16-be"
    if b"\x00" in sample[:65536]:
        raise ContainerError(
            "fichier binaire : ce n'est ni un CSV, ni un Parquet, ni une archive zip ou gzip"
        )
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    cut = sample if len(sample) < SAMPLE_BYTES else sample[:-4]
    try:
        cut.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        cut.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise ContainerError(
            f"encodage illisible (ni UTF-8, ni UTF-16, ni Windows-1252) : octet 0x{cut[exc.start]:02X} "
            f"à la position {exc.start}"
        ) from None


def _header(text: str) -> tuple[tuple[str, ...], str]:
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise ContainerError("fichier vide")
    sep = textfile.sniff_separator(first)
    row = next(csv.reader(io.StringIO(first), delimiter=sep))
    return tuple(c.strip() for c in row), sep
