"""A supplier established abroad appears once per supply-chain link (case-insensitive name).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Two coaches adding the same foreign supplier at the same instant both passed the page's check: on
PostgreSQL, 8 simultaneous adds gave two rows once in three runs. The unique index makes the second add
fail, and the retry (`repository.write`) then reports it as already there. Duplicates already stored are
kept, renamed « nom (2) », « nom (3) » …, so that no row is lost and the index can be built.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_shortlist_entries_foreign_supplier"


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, link_id, supplier_name FROM shortlist_entries WHERE siret IS NULL ORDER BY link_id, id"
        )
    ).all()
    seen: dict[tuple[int, str], int] = {}
    for row_id, link_id, name in rows:
        key = (link_id, name.lower())
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            renamed = f"{name} ({seen[key]})"
            while (link_id, renamed.lower()) in seen:
                seen[key] += 1
                renamed = f"{name} ({seen[key]})"
            seen[(link_id, renamed.lower())] = 1
            conn.execute(
                sa.text("UPDATE shortlist_entries SET supplier_name = :name WHERE id = :id"),
                {"name": renamed[:300], "id": row_id},
            )
    op.create_index(
        INDEX,
        "shortlist_entries",
        ["link_id", sa.text("lower(supplier_name)")],
        unique=True,
        sqlite_where=sa.text("siret IS NULL"),
        postgresql_where=sa.text("siret IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="shortlist_entries")
