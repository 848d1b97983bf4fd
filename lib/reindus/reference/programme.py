"""The accelerator's programme: its stages, the common rétroplanning, and the status vocabularies.

« Une soixantaine de conseillers qui travaillent au même rythme, avec la même méthodologie et sur le
même rétroplanning » (press release, 16 November 2023). The programme lasts 4 to 6 months; stages
overlap (sourcing runs in parallel with the students' market study).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


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


class Vocabulary(StrEnum):
    """A status vocabulary: each member is the value stored (a plain `str`, so frames and SQL compare with
    it directly) and carries its French `label`. Members are listed in their display order."""

    label: str

    def __new__(cls, value: str, label: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Stored value → French label, in display order (for `.map`, selectboxes and importers)."""
        return {member.value: member.label for member in cls}


class ProjectStatus(Vocabulary):
    """A project's life cycle as recorded by its coach."""

    IN_PROGRESS = "en_cours", "En cours"
    FINISHED = "termine", "Terminé"
    ABANDONED = "abandonne", "Abandonné"


class ShortlistStatus(Vocabulary):
    """A shortlisted supplier's workflow: identifié → contacté → qualifié → retenu / écarté."""

    IDENTIFIED = "identifie", "Identifié"
    CONTACTED = "contacte", "Contacté"
    QUALIFIED = "qualifie", "Qualifié"
    RETAINED = "retenu", "Retenu"
    RULED_OUT = "ecarte", "Écarté"


class FundingStatus(Vocabulary):
    """A funding application, from its preparation to the funder's decision."""

    PREPARING = "en_preparation", "En préparation"
    FILED = "depose", "Déposé"
    GRANTED = "accorde", "Accordé"
    REFUSED = "refuse", "Refusé"
    PAID = "verse", "Versé"


class ChainPosition(Vocabulary):
    """Where a supply-chain link sits, from raw material to distribution."""

    RAW_MATERIAL = "matiere", "Matière première"
    PROCESSING = "transformation", "Transformation"
    MANUFACTURING = "fabrication", "Fabrication"
    ASSEMBLY = "assemblage", "Assemblage / finition"
    DISTRIBUTION = "distribution", "Distribution"


class StageState(Vocabulary):
    """A stage of one project measured at a given day (`metrics.stage_progress`)."""

    DONE = "terminee", "Terminée"
    RUNNING = "en_cours", "En cours"
    UPCOMING = "a_venir", "À venir"


class ProgressStatus(Vocabulary):
    """A project measured against the rétroplanning (`metrics.project_progress`)."""

    ON_TIME = "a_l_heure", "À l'heure"
    AT_RISK = "a_risque", "À risque"
    LATE = "en_retard", "En retard"
    FINISHED = "termine", "Terminé"
    ABANDONED = "abandonne", "Abandonné"


PROJECT_STATUSES: dict[str, str] = ProjectStatus.labels()
SHORTLIST_STATUSES: dict[str, str] = ShortlistStatus.labels()
FUNDING_STATUSES: dict[str, str] = FundingStatus.labels()
CHAIN_POSITIONS: dict[str, str] = ChainPosition.labels()

# Funding decided in the company's favour (an amount was granted, perhaps paid), and decided at all.
GRANTED_STATUSES: tuple[FundingStatus, ...] = (FundingStatus.GRANTED, FundingStatus.PAID)
DECIDED_STATUSES: tuple[FundingStatus, ...] = (*GRANTED_STATUSES, FundingStatus.REFUSED)
# Applications that have left the applicant's hands: « en préparation » is not asked yet. A paid
# application (« versé ») was granted first: it counts as asked, granted and paid.
FILED_STATUSES: tuple[FundingStatus, ...] = (FundingStatus.FILED, *DECIDED_STATUSES)

# The shortlist workflow as progress: « écarté » is not a step forward.
SHORTLIST_PROGRESS: tuple[ShortlistStatus, ...] = (
    ShortlistStatus.IDENTIFIED,
    ShortlistStatus.CONTACTED,
    ShortlistStatus.QUALIFIED,
    ShortlistStatus.RETAINED,
)
# Statuses at or beyond « qualifié »: a link with one such supplier is covered.
QUALIFIED_STATUSES: tuple[ShortlistStatus, ...] = (ShortlistStatus.QUALIFIED, ShortlistStatus.RETAINED)
# Statuses counted as « contacted »: reached at least the contact step and still in play. An « écarté »
# entry counts only as identified: the store does not say at which step it was ruled out.
CONTACTED_STATUSES: tuple[ShortlistStatus, ...] = (ShortlistStatus.CONTACTED, *QUALIFIED_STATUSES)

# The current stage of a finished project (`reindus.programme.stages.current_stages`), and its words.
FINISHED_STAGE = "termine"
FINISHED_STAGE_LABEL = "Programme terminé"
CURRENT_STAGE_LABELS: dict[str, str] = {**STAGE_LABELS, FINISHED_STAGE: FINISHED_STAGE_LABEL}
