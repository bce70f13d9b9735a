"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agency_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("tax_id", sa.String(length=60), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_mime", sa.String(length=40), nullable=False),
        sa.Column("brand_colour", sa.String(length=7), nullable=False),
        sa.Column("default_currency", sa.String(length=3), nullable=False),
        sa.Column("default_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("paper_size", sa.String(length=10), nullable=False),
        sa.Column("margin_floor_percent", sa.String(length=64), nullable=False),
        sa.Column("estimate_number_pattern", sa.String(length=80), nullable=False),
        sa.Column("payment_terms", sa.Text(), nullable=False),
        sa.Column("fiscal_year_start_month", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_agency_profile_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_profile")),
    )
    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_member")),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("industry", sa.String(length=120), nullable=False),
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("tier", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("health", sa.String(length=5), nullable=False),
        sa.Column("health_reason", sa.Text(), nullable=False),
        sa.Column("health_date", sa.Date(), nullable=True),
        sa.Column("contact_cadence_days", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "health IN ('green', 'amber', 'red')", name=op.f("ck_account_health_rag")
        ),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> id", name=op.f("ck_account_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["team_member.id"],
            name=op.f("fk_account_owner_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["account.id"],
            name=op.f("fk_account_parent_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index("ix_account_parent", ["parent_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("buying_role", sa.String(length=20), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=True),
        sa.Column("relationship_strength", sa.Integer(), nullable=True),
        sa.Column("reports_to_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "influence IS NULL OR influence BETWEEN 1 AND 5", name=op.f("ck_contact_influence_1_5")
        ),
        sa.CheckConstraint(
            "relationship_strength IS NULL OR relationship_strength BETWEEN 1 AND 5",
            name=op.f("ck_contact_strength_1_5"),
        ),
        sa.CheckConstraint(
            "reports_to_id IS NULL OR reports_to_id <> id", name=op.f("ck_contact_not_own_manager")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_contact_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reports_to_id"],
            ["contact.id"],
            name=op.f("fk_contact_reports_to_id_contact"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_account", ["account_id"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_note_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index("ix_note_account", ["account_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_account")

    op.drop_table("note")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_account")

    op.drop_table("contact")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index("ix_account_parent")

    op.drop_table("account")
    op.drop_table("team_member")
    op.drop_table("agency_profile")
