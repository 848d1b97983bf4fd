"""A supply-chain link says which NAF its codes belong to: NAF rév. 2 (« 13.20Z ») or NAF 2025
(« 13.20Y »), so that a link can be expressed in the nomenclature that becomes official in 2027 and be
matched against the register's NAF 2025 column, never by comparing code strings across versions.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03

Every existing link keeps its codes, all NAF rév. 2: the column's default says so. As in 0001, the
vocabulary of the CHECK constraint is frozen here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAF_VERSIONS = ("NAFRev2", "NAF2025")


def upgrade() -> None:
    # batch mode: SQLite cannot add a CHECK constraint to an existing table in place.
    with op.batch_alter_table("chain_links") as batch:
        batch.add_column(
            sa.Column("naf_version", sa.String(length=20), server_default="NAFRev2", nullable=False)
        )
        quoted = ", ".join(f"'{v}'" for v in NAF_VERSIONS)
        batch.create_check_constraint(op.f("ck_chain_links_naf_version"), f"naf_version IN ({quoted})")


def downgrade() -> None:
    # Codes of the other nomenclature would read as unknown NAF rév. 2 codes: such a link loses them.
    op.execute("UPDATE chain_links SET naf_codes = '' WHERE naf_version <> 'NAFRev2'")
    with op.batch_alter_table("chain_links") as batch:
        batch.drop_constraint(op.f("ck_chain_links_naf_version"), type_="check")
        batch.drop_column("naf_version")
