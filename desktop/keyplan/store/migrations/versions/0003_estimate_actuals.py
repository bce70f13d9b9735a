"""estimate actuals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Actual cost and hours per estimate line or section (estimate versus actual), and the
agency's working hours per day (to compare day-priced lines with booked hours).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "estimate_actual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estimate_id", sa.Integer(), nullable=False),
        sa.Column("line_key", sa.String(length=36), nullable=True),
        sa.Column("section_key", sa.String(length=36), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.String(length=64), nullable=True),
        sa.Column("cost_minor", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("batch", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "line_key IS NOT NULL OR section_key IS NOT NULL",
            name=op.f("ck_estimate_actual_has_target"),
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"],
            ["estimate.id"],
            name=op.f("fk_estimate_actual_estimate_id_estimate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate_actual")),
    )
    with op.batch_alter_table("estimate_actual", schema=None) as batch_op:
        batch_op.create_index("ix_actual_batch", ["batch"], unique=False)
        batch_op.create_index("ix_actual_estimate", ["estimate_id", "entry_date"], unique=False)

    # copied (not ALTERed in place) so the table's DDL is the one the model would create
    with op.batch_alter_table("agency_profile", recreate="always") as batch_op:
        batch_op.add_column(
            sa.Column("hours_per_day", sa.String(length=64), nullable=False, server_default="8")
        )


def downgrade() -> None:
    with op.batch_alter_table("agency_profile", schema=None) as batch_op:
        batch_op.drop_column("hours_per_day")

    with op.batch_alter_table("estimate_actual", schema=None) as batch_op:
        batch_op.drop_index("ix_actual_estimate")
        batch_op.drop_index("ix_actual_batch")

    op.drop_table("estimate_actual")
