"""Sample rows for the store tests (imported by conftest.py and the tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from reindus.store import repository
from reindus.store.models import ChainLink, Coach, FundingApplication, FundingScheme, Milestone, Project

ACTOR = "test@cci.fr"


def coach_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Claire Martin",
        "email": "claire.martin@cci.fr",
        "cci": "CCI Normandie",
        "region_code": "28",
        "source": "démo",
    }
    values.update(overrides)
    return values


def project_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Filature du Vexin",
        "siren": "552100554",
        "commune": "27056",
        "departement": "27",
        "region_code": "28",
        "naf": "13.10Z",
        "edition": 2023,
        "cohort": "2023-Normandie",
        "cohort_start": date(2023, 9, 4),
        "description": "Relocaliser la filature de lin",
        "target_jobs": 25,
        "planned_investment": Decimal("1500000.00"),
        "status": "en_cours",
        "public": True,
        "source": "démo",
    }
    values.update(overrides)
    return values


class Factory:
    """Adds sample rows through the audited repository, each in its own committed transaction."""

    def __init__(self, Session: sessionmaker[OrmSession]) -> None:
        self.Session = Session

    def add(self, obj):
        with self.Session.begin() as s:
            return repository.insert(s, obj, ACTOR)

    def coach(self, **kw) -> Coach:
        return self.add(Coach(**coach_values(**kw)))

    def project(self, **kw) -> Project:
        return self.add(Project(**project_values(**kw)))

    def milestone(self, project: Project, stage: str = "selection", **kw) -> Milestone:
        values = {
            "project_id": project.id,
            "stage": stage,
            "planned_start": date(2023, 9, 4),
            "planned_end": date(2023, 9, 24),
            "source": "démo",
        }
        values.update(kw)
        return self.add(Milestone(**values))

    def link(self, project: Project, position: int = 1, **kw) -> ChainLink:
        values = {
            "project_id": project.id,
            "position": position,
            "tier": "matiere",
            "label": "Fibre de lin teillée",
            "naf_codes": "01.16Z,13.10Z",
            "need": "Lin teillé normand",
            "source": "démo",
        }
        values.update(kw)
        return self.add(ChainLink(**values))

    def scheme(self, **kw) -> FundingScheme:
        values = {
            "name": "Prêt Industrie du futur",
            "operator": "Bpifrance",
            "kind": "prêt",
            "source": "démo",
        }
        values.update(kw)
        return self.add(FundingScheme(**values))

    def application(self, project: Project, scheme: FundingScheme, **kw) -> FundingApplication:
        values = {
            "project_id": project.id,
            "scheme_id": scheme.id,
            "amount_requested": Decimal("250000.00"),
            "status": "depose",
            "applied_on": date(2023, 12, 1),
            "source": "démo",
        }
        values.update(kw)
        return self.add(FundingApplication(**values))
