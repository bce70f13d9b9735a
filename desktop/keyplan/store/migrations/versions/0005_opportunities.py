"""opportunities

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Opportunities (the pipeline) with the date each entered a stage.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opportunity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("probability", sa.String(length=64), nullable=True),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("service_line", sa.String(length=120), nullable=False),
        sa.Column("next_step", sa.String(length=300), nullable=False),
        sa.Column("estimate_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "stage IN ('identified', 'qualified', 'proposal', 'negotiation', 'won', 'lost')",
            name=op.f("ck_opportunity_stage_known"),
        ),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_opportunity_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_opportunity_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"],
            ["estimate.id"],
            name=op.f("fk_opportunity_estimate_id_estimate"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["team_member.id"],
            name=op.f("fk_opportunity_owner_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
    )
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index("ix_opportunity_account", ["account_id", "stage"], unique=False)

    op.create_table(
        "opportunity_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_stage_opportunity_id_opportunity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_stage")),
    )
    with op.batch_alter_table("opportunity_stage", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opportunity_stage_opportunity", ["opportunity_id", "entered_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity_stage", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunity_stage_opportunity")

    op.drop_table("opportunity_stage")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunity_account")

    op.drop_table("opportunity")
