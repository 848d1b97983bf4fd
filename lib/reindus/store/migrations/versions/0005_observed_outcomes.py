"""Observed outcomes next to the forecasts: jobs observed at the end of the programme and 12 months later,
investment committed, funding paid.

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-02

The forecasts recorded at selection (`target_jobs`, `planned_investment`) stay as they are: public
programmes report forecasts and observations separately, so the observations get columns of their own.
NULL means « non renseigné », never zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)
PROJECT_CHECKS = {
    "jobs_observed_end": "jobs_observed_end IS NULL OR jobs_observed_end >= 0",
    "jobs_observed_12m": "jobs_observed_12m IS NULL OR jobs_observed_12m >= 0",
    "committed_investment": "committed_investment IS NULL OR committed_investment >= 0",
}


def upgrade() -> None:
    # batch mode: SQLite cannot add a CHECK constraint to an existing table in place.
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("jobs_observed_end", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("jobs_observed_12m", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("committed_investment", MONEY, nullable=True))
        for name, condition in PROJECT_CHECKS.items():
            batch.create_check_constraint(op.f(f"ck_projects_{name}"), condition)
    with op.batch_alter_table("funding_applications") as batch:
        batch.add_column(sa.Column("amount_paid", MONEY, nullable=True))
        batch.create_check_constraint(
            op.f("ck_funding_applications_amount_paid"), "amount_paid IS NULL OR amount_paid >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("funding_applications") as batch:
        batch.drop_constraint(op.f("ck_funding_applications_amount_paid"), type_="check")
        batch.drop_column("amount_paid")
    with op.batch_alter_table("projects") as batch:
        for name in reversed(list(PROJECT_CHECKS)):
            batch.drop_constraint(op.f(f"ck_projects_{name}"), type_="check")
        batch.drop_column("committed_investment")
        batch.drop_column("jobs_observed_12m")
        batch.drop_column("jobs_observed_end")
