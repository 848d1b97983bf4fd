"""The hackathon's pitch card: one project on one screen, from the programme's frames (no Streamlit).

Called with the public programme in atelier mode (`reindus.programme.public.public_programme`): the card uses only
fields that survive it (name, region, aim, jobs, stage, links and whether each is covered), so the same code
serves both modes and never needs a confidential column. Where the shortlist is withheld, a link has no
supplier counts (None), only its coverage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from reindus.programme.data import ProgrammeData
from reindus.programme.public import public_projects
from reindus.programme.stages import current_stages, stage_label
from reindus.reference.programme import CHAIN_POSITIONS, PROJECT_STATUSES
from reindus.sourcing.coverage import link_suppliers
from reindus.text import formats
from reindus.text.params import bounded_int


@dataclass(frozen=True)
class ChainStep:
    position: int
    tier: str  # « Matière première » … « Distribution »
    label: str
    identified: int | None  # None: the viewer may not see the link's shortlist (its coverage only)
    contacted: int | None
    qualified: int | None
    retained: int | None
    regional_candidates: int | None  # establishments of the link's activities in the project's region
    covered: bool  # `reindus.sourcing.coverage`: at least one supplier qualified or retained

    @property
    def progress(self) -> str | None:
        """« 4 identifiés · 1 qualifié · 0 retenu » (contacted suppliers are in `contacted`); None when the
        shortlist is withheld."""
        if self.identified is None:
            return None
        return " · ".join(
            _count(n, word)
            for n, word in (
                (self.identified, "identifié"),
                (self.qualified, "qualifié"),
                (self.retained, "retenu"),
            )
        )


@dataclass(frozen=True)
class PitchCard:
    project_id: int
    company: str
    region: str
    edition: int
    aim: str
    jobs: int | None
    status: str  # « En cours », « Terminé », « Abandonné »
    stage_key: str | None  # `reindus.programme.stages.current_stages`: None for an abandoned project
    stage: str  # the current stage in words; for an abandoned project, its status
    chain: tuple[ChainStep, ...]

    @property
    def shortlist_shown(self) -> bool:
        """Whether the viewer sees the links' supplier counts (not only their coverage)."""
        return any(step.identified is not None for step in self.chain)

    @property
    def coverage(self) -> str:
        """« 3 maillons couverts sur 5 »."""
        covered = sum(step.covered for step in self.chain)
        return (
            f"{formats.number(covered)} maillon{'s' if covered > 1 else ''} couvert{'s' if covered > 1 else ''} "
            f"sur {formats.number(len(self.chain))}"
        )


def _whole(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _count(n: int, word: str) -> str:
    return f"{formats.number(n)} {word}{'s' if n > 1 else ''}"


def pitchable(projects: pd.DataFrame, public: bool) -> pd.DataFrame:
    """The projects one may pitch: id and label « Nom (Région, 2026) », newest edition first; in public,
    only the projects flagged public."""
    rows = public_projects(projects) if public else projects
    rows = rows.sort_values(["edition", "name"], ascending=[False, True])
    labels = (
        rows["name"].astype(str)
        + " ("
        + rows["region"].fillna("").astype(str)
        + ", "
        + rows["edition"].astype(str)
        + ")"
    )
    return pd.DataFrame({"id": rows["id"].astype(int).to_numpy(), "label": labels.to_numpy()})


def pitch_card(
    data: ProgrammeData, project_id: int, regional_candidates: Mapping[int, int] | None = None
) -> PitchCard:
    """The card of one project. `regional_candidates` maps a link id to its establishments in the region."""
    rows = data.projects[data.projects["id"] == project_id]
    if rows.empty:
        raise KeyError(project_id)
    p = rows.iloc[0]
    links = data.links[data.links["project_id"] == project_id].sort_values("position")
    shortlist = data.shortlist[data.shortlist["project_id"] == project_id]
    suppliers = link_suppliers(links, shortlist)
    chain = []
    for link in links.itertuples(index=False):
        counts = suppliers.loc[link.id]
        candidates = None if regional_candidates is None else regional_candidates.get(int(link.id))
        chain.append(
            ChainStep(
                position=int(link.position),
                tier=CHAIN_POSITIONS.get(link.tier, str(link.tier)),
                label=str(link.label),
                identified=_whole(counts["identified"]),
                contacted=_whole(counts["contacted"]),
                qualified=_whole(counts["qualified"]),
                retained=_whole(counts["retained"]),
                regional_candidates=None if candidates is None else int(candidates),
                covered=bool(counts["covered"]),
            )
        )
    stage = current_stages(rows, data.milestones[data.milestones["project_id"] == project_id]).iloc[0]
    status = PROJECT_STATUSES.get(p["status"], str(p["status"]))
    jobs = p.get("target_jobs")
    return PitchCard(
        project_id=int(p["id"]),
        company=str(p["name"]),
        region=str(p["region"]) if pd.notna(p["region"]) else str(p["region_code"]),
        edition=int(p["edition"]),
        aim=str(p["description"] or ""),
        jobs=None if jobs is None or pd.isna(jobs) else int(jobs),
        status=status,
        stage_key=stage,
        stage=stage_label(stage) or status,
        chain=tuple(chain),
    )


DURATION_BOUNDS = (5, 3600)


def countdown_seconds(text: str | None, default: int) -> int:
    """`?duree=N` read safely: an integer within DURATION_BOUNDS, else `default`."""
    return bounded_int(text, DURATION_BOUNDS, default)


def warning_seconds(seconds: int, warning: int) -> int:
    """The colour changes `warning` seconds before the end, or one second in, for a very short countdown."""
    return max(0, min(warning, seconds - 1))
