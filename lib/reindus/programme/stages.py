"""A project's current stage: one definition for every page, figure and export.

The current stage of a project is
- for a project in progress: the most advanced stage (in programme order, `STAGE_KEYS`) whose actual
  start is recorded, whatever later or earlier stages did; the first stage when none has started;
- for a finished project: `FINISHED_STAGE` (« Programme terminé »);
- for an abandoned project: none (missing), since it is no longer at any stage.

Avancement (`metrics.project_progress`), the pitch card, the Industrie map and the projects export all
read it from here.
"""

from __future__ import annotations

import pandas as pd

from reindus.reference.programme import (
    CURRENT_STAGE_LABELS,
    FINISHED_STAGE,
    STAGE_KEYS,
    ProjectStatus,
)

_ORDER = {key: i for i, key in enumerate(STAGE_KEYS)}


def current_stages(projects: pd.DataFrame, milestones: pd.DataFrame) -> pd.Series:
    """The current stage key of each project (`id`, `status`), indexed by project id, as defined above.

    `milestones` needs `project_id`, `stage` and `actual_start`; a project without any milestone is at
    the first stage. Abandoned projects get None.
    """
    started = milestones.loc[milestones["actual_start"].notna(), ["project_id", "stage"]]
    started = started.assign(order=started["stage"].map(_ORDER)).dropna(subset=["order"])
    furthest = started.sort_values("order").groupby("project_id")["stage"].last()
    ids = projects["id"]
    status = projects["status"].to_numpy()
    reached = ids.map(furthest).astype(object)  # object: all NaN (nothing started) is no float column
    stage = reached.where(reached.notna(), STAGE_KEYS[0]).to_numpy(dtype=object, copy=True)
    stage[status == ProjectStatus.FINISHED] = FINISHED_STAGE
    stage[status == ProjectStatus.ABANDONED] = None
    return pd.Series(stage, index=ids.to_numpy(), name="current_stage", dtype=object)


def stage_label(key: object) -> str | None:
    """« Sourcing des partenaires », « Programme terminé »; None for no stage (an abandoned project)."""
    if key is None or (isinstance(key, float) and pd.isna(key)):
        return None
    return CURRENT_STAGE_LABELS.get(str(key), str(key))


def current_stage_labels(projects: pd.DataFrame, milestones: pd.DataFrame) -> pd.Series:
    """`current_stages` in words, indexed by project id."""
    return current_stages(projects, milestones).map(stage_label)
