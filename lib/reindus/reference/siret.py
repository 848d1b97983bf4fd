"""SIREN and SIRET numbers: check digits, validation, and deterministic generation for synthetic data.

A SIREN (9 digits) identifies a company, a SIRET (14 digits = SIREN + 5-digit NIC) one of its
establishments. Both carry a Luhn check. La Poste (SIREN 356000000) has more establishments than the
NIC can number with a Luhn check: its SIRETs are valid when the sum of their digits is a multiple of 5
(its head office, 356 000 000 00048, keeps a Luhn check).

The scalar functions take and return strings (numbers lose leading zeros); the `*_array` functions are
their vectorised numpy counterparts on int64, used to generate millions of synthetic SIRETs.
"""

from __future__ import annotations

import numpy as np

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"
_LA_POSTE_SIREN_INT = 356_000_000
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009.-")


def compact(value: str) -> str:
    """Remove the separators people write in numbers: `732 829 320 00074` → `73282932000074`."""
    return str(value).translate(_SEPARATORS)


def luhn_sum(digits: str) -> int:
    """Luhn sum of a digit string, doubling every second digit from the right (the last is not doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if position % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def luhn_ok(digits: str) -> bool:
    """True when `digits` is a non-empty string of ASCII digits passing the Luhn check."""
    return isinstance(digits, str) and digits.isascii() and digits.isdigit() and luhn_sum(digits) % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit to append to `payload` so that the whole passes the Luhn check."""
    if not (payload.isascii() and payload.isdigit()):
        raise ValueError(f"« {payload} » ne contient pas que des chiffres")
    # Appending a digit shifts every payload digit one place left: compute as if the check were 0.
    return str(-luhn_sum(payload + "0") % 10)


def is_valid_siren(value: str) -> bool:
    """Nine digits passing the Luhn check (separators tolerated)."""
    if not isinstance(value, str):
        return False
    s = compact(value)
    return len(s) == 9 and luhn_ok(s)


def is_valid_siret(value: str) -> bool:
    """Fourteen digits with a valid SIREN and a valid SIRET check (La Poste rule included)."""
    if not isinstance(value, str):
        return False
    s = compact(value)
    if len(s) != 14 or not (s.isascii() and s.isdigit()):
        return False
    if s.startswith(LA_POSTE_SIREN) and s != LA_POSTE_HEAD_OFFICE:
        return sum(map(int, s)) % 5 == 0
    return luhn_ok(s[:9]) and luhn_ok(s)


def complete_siren(first8: str) -> str:
    """Append the Luhn check digit to the first 8 digits of a SIREN."""
    if len(first8) != 8:
        raise ValueError(f"« {first8} » : il faut les 8 premiers chiffres d'un SIREN")
    return first8 + luhn_check_digit(first8)


def complete_siret(siren: str, nic4: str) -> str:
    """The valid SIRET made of `siren` (9 digits), `nic4` (4 digits) and a fifth NIC digit as check.

    For La Poste the fifth digit is the smallest that makes the digit sum a multiple of 5.
    """
    if len(siren) != 9 or not is_valid_siren(siren):
        raise ValueError(f"« {siren} » n'est pas un SIREN valide")
    if len(nic4) != 4 or not (nic4.isascii() and nic4.isdigit()):
        raise ValueError(f"« {nic4} » : il faut les 4 premiers chiffres du NIC")
    payload = siren + nic4
    if siren == LA_POSTE_SIREN:
        return payload + str(-sum(map(int, payload)) % 5)
    return payload + luhn_check_digit(payload)


def make_siret(siren: str, nic4: str | int) -> str:
    """A valid SIRET from a SIREN (9 digits, or its first 8 to be completed) and a NIC number (≤ 4 digits)."""
    if len(siren) == 8:
        siren = complete_siren(siren)
    nic = f"{int(nic4):04d}" if isinstance(nic4, int) else nic4.zfill(4)
    return complete_siret(siren, nic)


def format_siret(value: str) -> str:
    """`73282932000074` → `732 829 320 00074` (returned unchanged if it is not 14 digits)."""
    s = compact(value)
    if len(s) != 14 or not s.isdigit():
        return value
    return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"


# --- vectorised (numpy int64) -----------------------------------------------------------------


def _luhn_sum_array(payload: np.ndarray, ndigits: int, *, double_last: bool) -> np.ndarray:
    """Luhn sum of `ndigits`-digit integers; `double_last` doubles the rightmost digit (check to come)."""
    rest = np.asarray(payload, dtype=np.int64).copy()
    total = np.zeros(rest.shape, dtype=np.int64)
    for position in range(ndigits):
        d = rest % 10
        rest //= 10
        if (position % 2 == 0) == double_last:
            d = d * 2
            d -= 9 * (d > 9)
        total += d
    return total


def _digit_sum_array(values: np.ndarray, ndigits: int) -> np.ndarray:
    rest = np.asarray(values, dtype=np.int64).copy()
    total = np.zeros(rest.shape, dtype=np.int64)
    for _ in range(ndigits):
        total += rest % 10
        rest //= 10
    return total


def complete_siren_array(first8: np.ndarray) -> np.ndarray:
    """Vectorised `complete_siren`: int64 array of 8-digit prefixes (0 ≤ x < 10⁸) → 9-digit SIRENs."""
    first8 = np.asarray(first8, dtype=np.int64)
    if first8.size and (first8.min() < 0 or first8.max() >= 10**8):
        raise ValueError("les préfixes de SIREN doivent être compris entre 0 et 99 999 999")
    check = -_luhn_sum_array(first8, 8, double_last=True) % 10
    return first8 * 10 + check


def complete_siret_array(siren: np.ndarray, nic4: np.ndarray) -> np.ndarray:
    """Vectorised `complete_siret`: int64 SIRENs and 4-digit NIC prefixes → 14-digit SIRETs (as int64)."""
    siren = np.asarray(siren, dtype=np.int64)
    nic4 = np.asarray(nic4, dtype=np.int64)
    if nic4.size and (nic4.min() < 0 or nic4.max() > 9999):
        raise ValueError("les préfixes de NIC doivent être compris entre 0 et 9 999")
    payload = siren * 10_000 + nic4
    check = -_luhn_sum_array(payload, 13, double_last=True) % 10
    la_poste = siren == _LA_POSTE_SIREN_INT
    if la_poste.any():
        check = np.where(la_poste, -_digit_sum_array(payload, 13) % 5, check)
    return payload * 10 + check


# --- vectorised (DuckDB SQL) ----------------------------------------------------------------------


def _luhn_sum_sql(number: str, ndigits: int) -> str:
    """SQL: Luhn sum of the BIGINT expression `number` (`ndigits` digits), unrolled digit by digit."""
    terms = []
    for position in range(ndigits):
        d = f"(({number} // {10**position}) % 10)"
        terms.append(f"(2 * {d} - CASE WHEN {d} > 4 THEN 9 ELSE 0 END)" if position % 2 else d)
    return "(" + " + ".join(terms) + ")"


def valid_siret_sql(text: str, number: str | None = None) -> str:
    """A DuckDB boolean expression: `is_valid_siret` of the VARCHAR expression `text` (already
    compacted): 14 digits, SIREN and SIRET Luhn checks, the La Poste rule. NULL text gives false.
    `number`, a column holding `TRY_CAST(text AS BIGINT)`, spares the ~50 casts the unrolled sums
    would otherwise repeat (DuckDB does not share them): 5× faster on the national stock."""
    n = number or f"TRY_CAST({text} AS BIGINT)"
    digit_sum = "(" + " + ".join(f"(({n} // {10**p}) % 10)" for p in range(14)) + ")"
    return (
        f"coalesce(regexp_full_match({text}, '[0-9]{{14}}') AND CASE "
        f"WHEN starts_with({text}, '{LA_POSTE_SIREN}') AND {text} <> '{LA_POSTE_HEAD_OFFICE}' "
        f"THEN {digit_sum} % 5 = 0 "
        f"ELSE {_luhn_sum_sql(n, 14)} % 10 = 0 AND {_luhn_sum_sql(f'({n} // 100000)', 9)} % 10 = 0 END, false)"
    )


def valid_siren_sql(text: str, number: str | None = None) -> str:
    """A DuckDB boolean expression: `is_valid_siren` of the VARCHAR expression `text`: 9 digits, Luhn
    (`number`: as for `valid_siret_sql`)."""
    n = number or f"TRY_CAST({text} AS BIGINT)"
    return f"coalesce(regexp_full_match({text}, '[0-9]{{9}}') AND {_luhn_sum_sql(n, 9)} % 10 = 0, false)"
