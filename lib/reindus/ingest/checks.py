"""Checks shared by the readers: codes (département, commune, NAF, SIRET, SIREN) and a row walker that
turns each cell into a value or a Problem.

Each `check_*` takes the text of a cell and returns the canonical value or raises ValidationError with
a French reason. Leading zeros a spreadsheet stripped are restored when that is unambiguous.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pandas as pd

from reindus.errors import ValidationError
from reindus.ingest.textfile import Column, Table, match_columns, normalize_header
from reindus.reference import siret as siret_mod
from reindus.reference.naf import normalize_naf
from reindus.reference.territory import departement_of_commune, is_arrondissement, normalize_departement


def check_departement(text: str) -> str:
    return normalize_departement(text)


@cache
def _commune_table() -> pd.DataFrame:
    from reindus.reference import geo

    frame = geo.communes()[["code", "nom", "departement"]].copy()
    frame["norm"] = frame["nom"].map(normalize_header)
    return frame


@cache
def commune_codes() -> frozenset[str]:
    return frozenset(_commune_table()["code"])


def check_commune_code(text: str) -> str:
    """An INSEE commune code (2A/2B, overseas, arrondissements of Paris/Lyon/Marseille); 4 digits get
    their leading zero back."""
    code = str(text).strip().upper()
    if code.isdigit() and len(code) == 4:
        code = "0" + code
    if code not in commune_codes():
        if len(code) == 5 and (code[:2].isdigit() or code[:2] in ("2A", "2B")):
            raise ValidationError("code commune INSEE inconnu")
        raise ValidationError("code commune INSEE attendu (5 caractères, ex. 76540)")
    return code


def check_commune(text: str, departement: str | None) -> str:
    """An INSEE code, or a commune name resolved within the département (ambiguous or unknown: error)."""
    s = str(text).strip()
    if not s:
        raise ValidationError("commune manquante")
    if any(ch.isdigit() for ch in s):
        code = check_commune_code(s)
        if (
            departement
            and departement_of_commune(code) != departement
            and not (is_arrondissement(code) and departement_of_commune(code) == departement)
        ):
            raise ValidationError(f"commune hors du département {departement} indiqué sur la ligne")
        return code
    if not departement:
        raise ValidationError("nom de commune sans département pour le situer : indiquez le code INSEE")
    table = _commune_table()
    norm = normalize_header(s)
    hits = table[(table["departement"] == departement) & (table["norm"] == norm)]
    if hits.empty:
        raise ValidationError(f"commune inconnue dans le département {departement}")
    if len(hits) > 1:
        codes = ", ".join(hits["code"].head(5))
        raise ValidationError(
            f"nom de commune ambigu dans le département {departement} ({codes}) : indiquez le code INSEE"
        )
    return str(hits["code"].iloc[0])


def check_naf(text: str) -> str:
    return normalize_naf(text)


def _check_identifier(text: str, label: str, length: int, valid: Callable[[str], bool]) -> str:
    """`length` digits passing `valid`; one digit short is padded with a leading zero when the result
    passes (a spreadsheet stripped it)."""
    s = siret_mod.compact(text)
    if not (s.isascii() and s.isdigit()):
        raise ValidationError(f"{label} attendu : {length} chiffres")
    if len(s) == length - 1 and valid("0" + s):
        s = "0" + s
    if len(s) != length:
        raise ValidationError(f"{label} attendu : {length} chiffres ({len(s)} lus)")
    if not valid(s):
        raise ValidationError(f"{label} invalide (clé de contrôle fausse)")
    return s


def check_siret(text: str) -> str:
    """14 digits passing the check (Luhn, La Poste rule); 13 digits padded when the result passes."""
    return _check_identifier(text, "SIRET", 14, siret_mod.is_valid_siret)


def check_siren(text: str) -> str:
    return _check_identifier(text, "SIREN", 9, siret_mod.is_valid_siren)


class Rows:
    """Walks a table's rows: `cell(key, parse)` gives the parsed value or records a Problem at the
    row and the column as the user named it, and returns None."""

    def __init__(self, table: Table, columns: tuple[Column, ...]) -> None:
        self.table = table
        self.columns = {c.key: c for c in columns}
        self.found = match_columns(table, columns) if len(table.frame.columns) else {}
        self.line = 0
        self.values: pd.Series | None = None
        self.failed = False
        self._seen: dict[tuple, int] = {}

    def __iter__(self):
        if len(self.table.frame.columns) == 0:
            return
        for line, values in self.table.frame.iterrows():
            self.line, self.values, self.failed = int(line), values, False
            yield self

    def has(self, key: str) -> bool:
        return key in self.found

    def text(self, key: str) -> str:
        column = self.found.get(key)
        return "" if column is None or self.values is None else str(self.values[column])

    def header(self, key: str) -> str:
        return self.found.get(key) or self.columns[key].header

    def error(self, key: str, reason: str, value: str | None = None) -> None:
        self.failed = True
        self.table.problems.add(
            self.line, self.header(key), self.text(key) if value is None else value, reason
        )

    def unique(self, natural_key: tuple, key: str, reason: str) -> None:
        """An error on column `key` when an earlier row had the same `natural_key` (not compared when a
        part is missing); `{line}` in `reason` becomes that row's number."""
        if None in natural_key:
            return
        first = self._seen.setdefault(natural_key, self.line)
        if first != self.line:
            self.error(key, reason.replace("{line}", str(first)))

    def warn(self, key: str, reason: str) -> None:
        self.table.problems.warn(self.line, self.header(key), self.text(key), reason)

    def cell(
        self, key: str, parse: Callable[[str], Any], *, required: bool = False, default: Any = None
    ) -> Any:
        if key not in self.found:
            return default
        text = self.text(key)
        if not text.strip():
            if required:
                self.error(key, "valeur obligatoire manquante")
            return default
        try:
            return parse(text)
        except ValidationError as exc:
            self.error(key, exc.message)
            return None
