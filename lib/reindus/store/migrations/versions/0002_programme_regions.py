"""The regions of the programme become data: a table, seeded with the four pilot regions of 2023.

Revision ID: 0002
Revises: 0007
Create Date: 2026-12-02

The CCIs' Contrat d'objectifs et de performance 2023-2027 commits every region to an accelerator; until
this revision the four pilots were constants in the code. A store created or upgraded here starts with
them, as the programme stood: Normandie, Île-de-France, Hauts-de-France, Bourgogne-Franche-Comté, in
that order, with the colours they had. The palette in the CHECK constraint is frozen as it was when this
revision was written (reference/palette.py); changing it needs a new revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
PILOTS_SOURCE = "régions pilotes 2023"
PILOTS = (
    ("28", "CCI Normandie", "#0072B2"),
    ("11", "CCI Paris Île-de-France", "#D55E00"),
    ("32", "CCI Hauts-de-France", "#009E73"),
    ("27", "CCI Bourgogne-Franche-Comté", "#CC79A7"),
)


def upgrade() -> None:
    now = sa.text("CURRENT_TIMESTAMP")
    quoted = ", ".join(f"'{c}'" for c in PALETTE)
    table = op.create_table(
        "programme_regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("cci", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.CheckConstraint(f"colour IN ({quoted})", name=op.f("ck_programme_regions_colour")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_regions")),
        sa.UniqueConstraint("code", name=op.f("uq_programme_regions_code")),
    )
    op.bulk_insert(
        table,
        [
            {"code": code, "cci": cci, "colour": colour, "source": PILOTS_SOURCE}
            for code, cci, colour in PILOTS
        ],
    )


def downgrade() -> None:
    op.drop_table("programme_regions")
