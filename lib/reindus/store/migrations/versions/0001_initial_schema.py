"""Initial schema: projects and their stages, supply chains and shortlists, funding, coaches,
industry statistics, site openings/closures and the audit log.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

The vocabularies in the CHECK constraints are frozen here as they were when this revision was written
(reference/programme.py); changing a vocabulary needs a new revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = (
    "selection",
    "cadrage",
    "etude_marche",
    "innovation",
    "sourcing",
    "financement",
    "hackathon",
    "concretisation",
)
PROJECT_STATUSES = ("en_cours", "termine", "abandonne")
SHORTLIST_STATUSES = ("identifie", "contacte", "qualifie", "retenu", "ecarte")
FUNDING_STATUSES = ("en_preparation", "depose", "accorde", "refuse")
CHAIN_TIERS = ("matiere", "transformation", "fabrication", "assemblage", "distribution")
FUNDING_KINDS = ("subvention", "prêt", "avance remboursable", "crédit d'impôt")
AUDIT_ACTIONS = ("insert", "update", "delete", "import")


def _in(column: str, values: Sequence[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _source() -> sa.Column:
    return sa.Column("source", sa.String(length=200), nullable=False)


def _versioned() -> list[sa.Column]:
    """source, version, created_at, updated_at: the bookkeeping columns of editable tables."""
    now = sa.text("CURRENT_TIMESTAMP")
    return [
        _source(),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.CheckConstraint(_in("action", AUDIT_ACTIONS), name=op.f("ck_audit_log_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_table_name_row_key"), "audit_log", ["table_name", "row_key"])

    op.create_table(
        "coaches",
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("cci", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaches")),
        sa.UniqueConstraint("name", name=op.f("uq_coaches_name")),
    )

    op.create_table(
        "funding_schemes",
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        _source(),
        sa.CheckConstraint(_in("kind", FUNDING_KINDS), name=op.f("ck_funding_schemes_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_schemes")),
        sa.UniqueConstraint("name", name=op.f("uq_funding_schemes_name")),
    )

    op.create_table(
        "industry_stats",
        _id(),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("naf_division", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("establishments", sa.Integer(), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
        sa.Column("definition", sa.String(length=500), nullable=False),
        _source(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_stats")),
        sa.UniqueConstraint(
            "departement",
            "naf_division",
            "year",
            "source",
            name=op.f("uq_industry_stats_departement_naf_division_year_source"),
        ),
    )

    op.create_table(
        "site_events",
        _id(),
        sa.Column("region_code", sa.String(length=3), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("closures", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=200), nullable=False),
        _source(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_events")),
        sa.UniqueConstraint(
            "region_code",
            "period",
            "measure",
            "source",
            name=op.f("uq_site_events_region_code_period_measure_source"),
        ),
    )

    op.create_table(
        "projects",
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("commune", sa.String(length=5), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("region_code", sa.String(length=3), nullable=False),
        sa.Column("naf", sa.String(length=6), nullable=False),
        sa.Column("naf_version", sa.String(length=20), server_default="NAFRev2", nullable=False),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("cohort", sa.String(length=100), nullable=False),
        sa.Column("cohort_start", sa.Date(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("target_jobs", sa.Integer(), nullable=True),
        sa.Column("planned_investment", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="en_cours", nullable=False),
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
        *_versioned(),
        sa.CheckConstraint(_in("status", PROJECT_STATUSES), name=op.f("ck_projects_status")),
        sa.CheckConstraint("siren IS NULL OR length(siren) = 9", name=op.f("ck_projects_siren_length")),
        sa.ForeignKeyConstraint(["coach_id"], ["coaches.id"], name=op.f("fk_projects_coach_id_coaches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", "edition", name=op.f("uq_projects_name_edition")),
    )
    op.create_index(op.f("ix_projects_coach_id"), "projects", ["coach_id"])
    op.create_index(op.f("ix_projects_region_code"), "projects", ["region_code"])

    op.create_table(
        "chain_links",
        _id(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("naf_codes", sa.String(length=500), server_default="", nullable=False),
        sa.Column("need", sa.Text(), server_default="", nullable=False),
        *_versioned(),
        sa.CheckConstraint(_in("tier", CHAIN_TIERS), name=op.f("ck_chain_links_tier")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_chain_links_position_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_chain_links_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_links")),
        sa.UniqueConstraint("project_id", "position", name=op.f("uq_chain_links_project_id_position")),
    )

    op.create_table(
        "funding_applications",
        _id(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("amount_requested", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount_granted", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="en_preparation", nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        *_versioned(),
        sa.CheckConstraint(_in("status", FUNDING_STATUSES), name=op.f("ck_funding_applications_status")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_funding_applications_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["funding_schemes.id"],
            name=op.f("fk_funding_applications_scheme_id_funding_schemes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_applications")),
    )
    op.create_index(op.f("ix_funding_applications_project_id"), "funding_applications", ["project_id"])
    op.create_index(op.f("ix_funding_applications_scheme_id"), "funding_applications", ["scheme_id"])

    op.create_table(
        "milestones",
        _id(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        *_versioned(),
        sa.CheckConstraint(_in("stage", STAGES), name=op.f("ck_milestones_stage")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_milestones_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("project_id", "stage", name=op.f("uq_milestones_project_id_stage")),
    )

    op.create_table(
        "shortlist_entries",
        _id(),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("supplier_name", sa.String(length=300), nullable=False),
        sa.Column("supplier_commune", sa.String(length=5), nullable=True),
        sa.Column("supplier_departement", sa.String(length=3), nullable=True),
        sa.Column("supplier_region_code", sa.String(length=3), nullable=True),
        sa.Column("supplier_country", sa.String(length=2), server_default="FR", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="identifie", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        *_versioned(),
        sa.CheckConstraint(_in("status", SHORTLIST_STATUSES), name=op.f("ck_shortlist_entries_status")),
        sa.CheckConstraint(
            "siret IS NULL OR length(siret) = 14", name=op.f("ck_shortlist_entries_siret_length")
        ),
        sa.CheckConstraint("length(supplier_country) = 2", name=op.f("ck_shortlist_entries_country_alpha2")),
        sa.ForeignKeyConstraint(
            ["link_id"], ["chain_links.id"], name=op.f("fk_shortlist_entries_link_id_chain_links")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortlist_entries")),
        sa.UniqueConstraint("link_id", "siret", name=op.f("uq_shortlist_entries_link_id_siret")),
    )


def downgrade() -> None:
    for table in (
        "shortlist_entries",
        "milestones",
        "funding_applications",
        "chain_links",
        "projects",
        "site_events",
        "industry_stats",
        "funding_schemes",
        "coaches",
        "audit_log",
    ):
        op.drop_table(table)
