"""Coach workspace: archived projects, funding paid out (status « versé »), and funding
schemes editable from the app (versioned like the other edited tables).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Numbered 0006 when it was written, it follows 0005 (observed outcomes, which added `amount_paid`), the head
on main when it landed.
As in 0001, the vocabulary of the funding status CHECK constraint is frozen here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_FUNDING_STATUSES = ("en_preparation", "depose", "accorde", "refuse")
FUNDING_STATUSES = (*OLD_FUNDING_STATUSES, "verse")


def _in(column: str, values: Sequence[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _recreate() -> str:
    # SQLite can neither change a CHECK constraint nor add a column whose default is CURRENT_TIMESTAMP
    # in place: Alembic copies the table there. PostgreSQL alters in place.
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def _status_check(batch, values: Sequence[str]) -> None:
    batch.drop_constraint(op.f("ck_funding_applications_status"), type_="check")
    batch.create_check_constraint(op.f("ck_funding_applications_status"), _in("status", values))


def upgrade() -> None:
    now = sa.text("CURRENT_TIMESTAMP")
    with op.batch_alter_table("projects", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("funding_applications", recreate=_recreate()) as batch:
        _status_check(batch, FUNDING_STATUSES)
    with op.batch_alter_table("funding_schemes", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
        batch.add_column(
            sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False)
        )
        batch.add_column(
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=now, nullable=False)
        )


def downgrade() -> None:
    # An application paid out was granted first: that is the closest status the old vocabulary has.
    op.execute("UPDATE funding_applications SET status = 'accorde' WHERE status = 'verse'")
    with op.batch_alter_table("funding_schemes", recreate=_recreate()) as batch:
        batch.drop_column("updated_at")
        batch.drop_column("created_at")
        batch.drop_column("version")
    with op.batch_alter_table("funding_applications", recreate=_recreate()) as batch:
        _status_check(batch, OLD_FUNDING_STATUSES)
    with op.batch_alter_table("projects", recreate=_recreate()) as batch:
        batch.drop_column("archived")
