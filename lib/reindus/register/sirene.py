"""The column layouts of INSEE's SIRENE stock files, in INSEE's order, as published since 2019.

The importers read columns by name (any order, extra columns ignored); these lists name the layouts
for the summary of an import, and let the tests and the benchmark write files exactly as published.
"""

from __future__ import annotations

_ADDRESS_2 = (
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
)
_PERIOD = (
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
)

# StockEtablissement from 2019 to 2023: 48 columns.
ESTABLISHMENT_2019: tuple[str, ...] = (
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    *_ADDRESS_2,
    *_PERIOD,
)
# 2024: the last street number of a range, a national address identifier and Lambert 93 coordinates.
ESTABLISHMENT_2024: tuple[str, ...] = (
    *ESTABLISHMENT_2019[:14],
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    *ESTABLISHMENT_2019[14:25],
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    *_ADDRESS_2,
    *_PERIOD,
)
# December 2025: the activity in NAF 2025 beside the NAF rév. 2 one.
ESTABLISHMENT_2025_12: tuple[str, ...] = (*ESTABLISHMENT_2024, "activitePrincipaleNAF25Etablissement")
# The geolocated stock published by etalab adds its geocoding at the end.
GEO_COLUMNS: tuple[str, ...] = ("longitude", "latitude", "geo_score", "geo_type", "geo_adresse", "geo_id")

ESTABLISHMENT_LAYOUTS: dict[str, tuple[str, ...]] = {
    "2019": ESTABLISHMENT_2019,
    "2024": ESTABLISHMENT_2024,
    "2025-12": ESTABLISHMENT_2025_12,
}

# StockUniteLegale since 2019: 34 columns; December 2025 adds the NAF 2025 activity.
LEGAL_UNIT_2019: tuple[str, ...] = (
    "siren",
    "statutDiffusionUniteLegale",
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise",
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
)
LEGAL_UNIT_2025_12: tuple[str, ...] = (*LEGAL_UNIT_2019, "activitePrincipaleNAF25UniteLegale")
LEGAL_UNIT_LAYOUTS: dict[str, tuple[str, ...]] = {"2019": LEGAL_UNIT_2019, "2025-12": LEGAL_UNIT_2025_12}


def layout_of(columns: list[str] | tuple[str, ...], layouts: dict[str, tuple[str, ...]]) -> str | None:
    """The newest published layout whose columns are all present (extra columns allowed), or None."""
    present = set(columns)
    for name in sorted(layouts, reverse=True):
        if set(layouts[name]) <= present:
            return name
    return None
