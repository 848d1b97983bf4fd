"""What atelier mode must never show, derived from the store: the texts a page would print."""

from __future__ import annotations

import re

import pandas as pd

from reindus.programme.data import ProgrammeData
from reindus.text import formats


def confidential_texts(data: ProgrammeData) -> set[str]:
    """Coach names, per-company amounts as the pages format them (« 1 234 567 € », French separators),
    shortlisted supplier names and SIRETs, notes, names of projects not flagged public."""
    p, sl, apps = data.projects, data.shortlist, data.applications
    texts: set[str] = set(p["coach"].dropna())
    amounts = pd.concat([p["planned_investment"], apps["amount_requested"], apps["amount_granted"]]).dropna()
    texts |= {formats.euros(v) for v in amounts if v >= 1000}
    texts |= set(sl["supplier_name"].dropna()) | set(sl["siret"].dropna()) | {n for n in sl["note"] if n}
    public_names = set(p.loc[p["public"], "name"])
    texts |= {
        n
        for n in p.loc[~p["public"], "name"]
        if n not in public_names and not any(n in shown for shown in public_names)
    }
    return {t for t in texts if len(str(t)) >= 4}


def confidential_outside(data: ProgrammeData, regions: frozenset[str]) -> set[str]:
    """What a coach of `regions` must never see: the confidential texts of other regions' projects,
    less those that also belong to their own (a same amount, a coach of both)."""
    own = set(data.projects.loc[data.projects["region_code"].isin(regions), "id"])

    def part(keep) -> ProgrammeData:
        from dataclasses import replace

        return replace(
            data,
            projects=data.projects[keep(data.projects["id"])],
            shortlist=data.shortlist[keep(data.shortlist["project_id"])],
            applications=data.applications[keep(data.applications["project_id"])],
        )

    inside = confidential_texts(part(lambda ids: ids.isin(own)))
    return confidential_texts(part(lambda ids: ~ids.isin(own))) - inside


def leaks(text: str, secrets: set[str]) -> list[str]:
    """The secrets found in `text` as whole values (« 60 000 € » is not found in « 19 860 000 € »)."""
    found = []
    for secret in secrets:
        if secret in text and re.search(rf"(?<![\w\u202f\u00a0]){re.escape(secret)}(?!\w)", text):
            found.append(secret)
    return sorted(found)
