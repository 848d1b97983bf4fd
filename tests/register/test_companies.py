"""Companies found by name or SIREN for « Nouveau projet »: one line per SIREN, never a withheld name."""

from __future__ import annotations

import pandas as pd

from reindus import register
from reindus.register.companies import find_companies


def _row(siret, name, *, active=True, legal_category="5710", diffusible=True, commune="76540"):
    return {
        "siret": siret,
        "siren": siret[:9],
        "nic": siret[9:],
        "name": name,
        "naf": "13.20Z",
        "naf_version": "NAFRev2",
        "band": "11",
        "active": active,
        "commune": commune,
        "departement": commune[:2],
        "legal_category": legal_category,
        "diffusible": diffusible,
        "source": "test",
    }


def _register():
    reg = register.open_register(None)
    register.replace_all(
        reg,
        pd.DataFrame(
            [
                _row("55210055400013", "Tissage de Rouen", active=False),
                _row("55210055400021", "Tissage de Rouen", commune="27056"),
                _row("40348390100015", "Mécanique du Vexin"),
                _row("81234567800010", "Jean Tissage", legal_category="1000"),
                _row("82345678900011", "Tissage caché", diffusible=False),
            ]
        ),
    )
    return reg


def test_a_name_finds_one_line_per_company_active_establishment_first():
    found = find_companies(_register(), "tissage")
    assert found["siren"].tolist() == ["552100554"]
    row = found.iloc[0]
    assert (row["siret"], row["commune"], row["establishments"]) == ("55210055400021", "27056", 2)


def test_siren_digits_and_accents():
    reg = _register()
    assert find_companies(reg, "403 483")["name"].tolist() == ["Mécanique du Vexin"]
    assert find_companies(reg, "mecanique")["siren"].tolist() == ["403483901"]
    assert find_companies(reg, "ti").empty  # too short to search
