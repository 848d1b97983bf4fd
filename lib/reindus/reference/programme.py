"""The accelerator's programme: its stages, the common rétroplanning, and the status vocabularies.

« Une soixantaine de conseillers qui travaillent au même rythme, avec la même méthodologie et sur le
même rétroplanning » (press release, 16 November 2023). The programme lasts 4 to 6 months; stages
overlap (sourcing runs in parallel with the students' market study).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    start_day: int  # planned start, days after the cohort's start
    end_day: int  # planned end (inclusive), days after the cohort's start
    description: str

    def planned(self, cohort_start: date) -> tuple[date, date]:
        return cohort_start + timedelta(days=self.start_day), cohort_start + timedelta(days=self.end_day)


STAGES: tuple[Stage, ...] = (
    Stage("selection", "Sélection des projets", 0, 20, "Identification et sélection des projets par les CCI"),
    Stage("cadrage", "Cadrage", 14, 41, "Diagnostic du projet, objectifs, besoins d'accompagnement"),
    Stage(
        "etude_marche",
        "Étude de marché",
        35,
        98,
        "Études de marché et entretiens utilisateurs par les étudiants (environ deux mois)",
    ),
    Stage(
        "innovation",
        "Innovation / R&D",
        56,
        125,
        "Éco-conception, technologies de l'industrie 4.0, décarbonation",
    ),
    Stage(
        "sourcing",
        "Sourcing des partenaires",
        42,
        139,
        "Fournisseurs de l'amont à l'aval, en priorité régional puis national",
    ),
    Stage(
        "financement",
        "Investissements et financement",
        105,
        153,
        "Évaluation des investissements et identification des dispositifs de financement",
    ),
    Stage("hackathon", "Hackathon et pitch", 140, 149, "Hackathon et pitch de 3 minutes devant un jury"),
    Stage(
        "concretisation", "Concrétisation", 147, 181, "Passage de l'idée à la ligne de production en France"
    ),
)
STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
STAGE_LABELS: dict[str, str] = {s.key: s.label for s in STAGES}
PROGRAMME_DAYS = max(s.end_day for s in STAGES) + 1  # 182 days: the 6-month upper bound
# A stage is late when it ended, or is still open, more than this many days past its planned end.
LATE_TOLERANCE_DAYS = 14


def stage(key: str) -> Stage:
    return STAGES[STAGE_KEYS.index(key)]


# Project life cycle as recorded by coaches.
PROJECT_STATUSES: dict[str, str] = {
    "en_cours": "En cours",
    "termine": "Terminé",
    "abandonne": "Abandonné",
}

# Shortlist workflow: identifié → contacté → qualifié → retenu / écarté.
SHORTLIST_STATUSES: dict[str, str] = {
    "identifie": "Identifié",
    "contacte": "Contacté",
    "qualifie": "Qualifié",
    "retenu": "Retenu",
    "ecarte": "Écarté",
}
# Statuses at or beyond « qualifié » that count a supplier as qualified for coverage.
QUALIFIED_STATUSES: tuple[str, ...] = ("qualifie", "retenu")

FUNDING_STATUSES: dict[str, str] = {
    "en_preparation": "En préparation",
    "depose": "Déposé",
    "accorde": "Accordé",
    "refuse": "Refusé",
}

# Where a supply-chain link sits, from raw material to distribution.
CHAIN_POSITIONS: dict[str, str] = {
    "matiere": "Matière première",
    "transformation": "Transformation",
    "fabrication": "Fabrication",
    "assemblage": "Assemblage / finition",
    "distribution": "Distribution",
}
