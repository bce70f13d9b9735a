"""account plans, revenue forecast, exchange rates, joint business plans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

Account plans (SWOT, objectives, KPIs, actions, whitespace, risks, reviews, snapshots,
templates), monthly revenue with weekly snapshots, the exchange-rate table, and joint
business plans with their quarterly and monthly periods.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint("base <> quote", name=op.f("ck_exchange_rate_two_currencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rate")),
    )
    with op.batch_alter_table("exchange_rate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_rate_pair", ["base", "quote", "valid_from"], unique=False
        )

    op.create_table(
        "forecast_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_snapshot")),
    )
    with op.batch_alter_table("forecast_snapshot", schema=None) as batch_op:
        batch_op.create_index("ix_forecast_snapshot_week", ["week_start"], unique=True)

    op.create_table(
        "plan_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_template")),
    )
    op.create_table(
        "account_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=120), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("vision", sa.Text(), nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("revenue_target_minor", sa.Integer(), nullable=True),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'archived')", name=op.f("ck_account_plan_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_plan_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_plan")),
    )
    with op.batch_alter_table("account_plan", schema=None) as batch_op:
        batch_op.create_index("ix_account_plan_account", ["account_id", "year"], unique=False)

    op.create_table(
        "forecast_snapshot_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("business_unit", sa.String(length=120), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("target_minor", sa.Integer(), nullable=True),
        sa.Column("forecast_minor", sa.Integer(), nullable=True),
        sa.Column("actual_minor", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_forecast_snapshot_value_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["forecast_snapshot.id"],
            name=op.f("fk_forecast_snapshot_value_snapshot_id_forecast_snapshot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_snapshot_value")),
    )
    with op.batch_alter_table("forecast_snapshot_value", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forecast_snapshot_value_snapshot", ["snapshot_id", "account_id"], unique=False
        )

    op.create_table(
        "jbp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("vision", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("review_cadence", sa.String(length=20), nullable=False),
        sa.Column("client_signatory", sa.String(length=200), nullable=False),
        sa.Column("client_signed_on", sa.Date(), nullable=True),
        sa.Column("agency_signatory", sa.String(length=200), nullable=False),
        sa.Column("agency_signed_on", sa.Date(), nullable=True),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "phase IN ('foundation', 'discover_align', 'initiative_planning', 'execute', "
            "'monitor_renew')",
            name=op.f("ck_jbp_phase_known"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'in_negotiation', 'signed', 'active', 'closed')",
            name=op.f("ck_jbp_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_jbp_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp")),
    )
    with op.batch_alter_table("jbp", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_account", ["account_id", "year"], unique=False)

    op.create_table(
        "revenue_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("business_unit", sa.String(length=120), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("target_minor", sa.Integer(), nullable=True),
        sa.Column("forecast_minor", sa.Integer(), nullable=True),
        sa.Column("actual_minor", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_revenue_month_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_month")),
    )
    with op.batch_alter_table("revenue_month", schema=None) as batch_op:
        batch_op.create_index(
            "ix_revenue_month_key",
            ["account_id", "business_unit", "month", "currency"],
            unique=True,
        )

    op.create_table(
        "jbp_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jbp_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_jbp_activity_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["jbp_id"], ["jbp.id"], name=op.f("fk_jbp_activity_jbp_id_jbp"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_activity")),
    )
    with op.batch_alter_table("jbp_activity", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_activity_jbp", ["jbp_id", "starts_on"], unique=False)

    op.create_table(
        "jbp_investment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jbp_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("funded_by", sa.String(length=10), nullable=False),
        sa.Column("client_share", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "funded_by IN ('client', 'agency', 'shared')",
            name=op.f("ck_jbp_investment_funder_known"),
        ),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_jbp_investment_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["jbp_id"], ["jbp.id"], name=op.f("fk_jbp_investment_jbp_id_jbp"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_investment")),
    )
    with op.batch_alter_table("jbp_investment", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_investment_jbp", ["jbp_id", "position"], unique=False)

    op.create_table(
        "jbp_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jbp_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("metric", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("baseline", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("higher_is_better", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('target', 'kpi')", name=op.f("ck_jbp_measure_kind_known")),
        sa.ForeignKeyConstraint(
            ["jbp_id"], ["jbp.id"], name=op.f("fk_jbp_measure_jbp_id_jbp"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_measure")),
    )
    with op.batch_alter_table("jbp_measure", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_measure_jbp", ["jbp_id", "kind", "position"], unique=False)

    op.create_table(
        "jbp_objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jbp_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("client_owner", sa.String(length=200), nullable=False),
        sa.Column("agency_owner", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jbp_id"], ["jbp.id"], name=op.f("fk_jbp_objective_jbp_id_jbp"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_objective")),
    )
    with op.batch_alter_table("jbp_objective", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_objective_jbp", ["jbp_id", "position"], unique=False)

    op.create_table(
        "jbp_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jbp_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("focus", sa.Text(), nullable=False),
        sa.Column("commentary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["jbp_id"], ["jbp.id"], name=op.f("fk_jbp_period_jbp_id_jbp"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_period")),
    )
    with op.batch_alter_table("jbp_period", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_period_key", ["jbp_id", "period"], unique=True)

    op.create_table(
        "plan_objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["team_member.id"],
            name=op.f("fk_plan_objective_owner_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_objective_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objective")),
    )
    with op.batch_alter_table("plan_objective", schema=None) as batch_op:
        batch_op.create_index("ix_plan_objective_plan", ["plan_id", "position"], unique=False)

    op.create_table(
        "plan_relationship_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("target_strength", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "target_strength IS NULL OR target_strength BETWEEN 1 AND 5",
            name=op.f("ck_plan_relationship_goal_strength_1_5"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_plan_relationship_goal_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_relationship_goal_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_relationship_goal")),
    )
    with op.batch_alter_table("plan_relationship_goal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plan_relationship_goal_pair", ["plan_id", "contact_id"], unique=True
        )

    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_review_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_review")),
    )
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.create_index("ix_plan_review_plan", ["plan_id", "reviewed_on"], unique=False)

    op.create_table(
        "plan_risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_plan_risk_impact_1_5")),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name=op.f("ck_plan_risk_likelihood_1_5")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["team_member.id"],
            name=op.f("fk_plan_risk_owner_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_risk_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_risk")),
    )
    with op.batch_alter_table("plan_risk", schema=None) as batch_op:
        batch_op.create_index("ix_plan_risk_plan", ["plan_id", "position"], unique=False)

    op.create_table(
        "plan_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_snapshot_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_snapshot")),
    )
    with op.batch_alter_table("plan_snapshot", schema=None) as batch_op:
        batch_op.create_index("ix_plan_snapshot_plan", ["plan_id", "taken_on"], unique=False)

    op.create_table(
        "plan_swot_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("quadrant", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "quadrant IN ('strength', 'weakness', 'opportunity', 'threat')",
            name=op.f("ck_plan_swot_item_quadrant_known"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_swot_item_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_swot_item")),
    )
    with op.batch_alter_table("plan_swot_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plan_swot_item_plan", ["plan_id", "quadrant", "position"], unique=False
        )

    op.create_table(
        "plan_whitespace_axis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("axis", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "axis IN ('service', 'segment')", name=op.f("ck_plan_whitespace_axis_axis_known")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_whitespace_axis_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_whitespace_axis")),
    )
    with op.batch_alter_table("plan_whitespace_axis", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plan_whitespace_axis_plan", ["plan_id", "axis", "position"], unique=False
        )

    op.create_table(
        "jbp_period_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done')",
            name=op.f("ck_jbp_period_action_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["jbp_period.id"],
            name=op.f("fk_jbp_period_action_period_id_jbp_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_period_action")),
    )
    with op.batch_alter_table("jbp_period_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_jbp_period_action_period", ["period_id", "position"], unique=False
        )

    op.create_table(
        "jbp_period_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("actual", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["jbp_measure.id"],
            name=op.f("fk_jbp_period_value_measure_id_jbp_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["jbp_period.id"],
            name=op.f("fk_jbp_period_value_period_id_jbp_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jbp_period_value")),
    )
    with op.batch_alter_table("jbp_period_value", schema=None) as batch_op:
        batch_op.create_index("ix_jbp_period_value_key", ["period_id", "measure_id"], unique=True)

    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done')", name=op.f("ck_plan_action_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objective.id"],
            name=op.f("fk_plan_action_objective_id_plan_objective"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["team_member.id"],
            name=op.f("fk_plan_action_owner_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_action_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_index("ix_plan_action_plan", ["plan_id", "position"], unique=False)

    op.create_table(
        "plan_kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("baseline", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("actual", sa.String(length=64), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objective.id"],
            name=op.f("fk_plan_kpi_objective_id_plan_objective"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plan.id"],
            name=op.f("fk_plan_kpi_plan_id_account_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_kpi")),
    )
    with op.batch_alter_table("plan_kpi", schema=None) as batch_op:
        batch_op.create_index("ix_plan_kpi_plan", ["plan_id", "position"], unique=False)

    op.create_table(
        "plan_whitespace_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'opportunity', 'not_a_fit', 'unknown')",
            name=op.f("ck_plan_whitespace_cell_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["plan_whitespace_axis.id"],
            name=op.f("fk_plan_whitespace_cell_segment_id_plan_whitespace_axis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["plan_whitespace_axis.id"],
            name=op.f("fk_plan_whitespace_cell_service_id_plan_whitespace_axis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_whitespace_cell")),
    )
    with op.batch_alter_table("plan_whitespace_cell", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plan_whitespace_cell_pair", ["service_id", "segment_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_whitespace_cell", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_whitespace_cell_pair")

    op.drop_table("plan_whitespace_cell")
    with op.batch_alter_table("plan_kpi", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_kpi_plan")

    op.drop_table("plan_kpi")
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_action_plan")

    op.drop_table("plan_action")
    with op.batch_alter_table("jbp_period_value", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_period_value_key")

    op.drop_table("jbp_period_value")
    with op.batch_alter_table("jbp_period_action", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_period_action_period")

    op.drop_table("jbp_period_action")
    with op.batch_alter_table("plan_whitespace_axis", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_whitespace_axis_plan")

    op.drop_table("plan_whitespace_axis")
    with op.batch_alter_table("plan_swot_item", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_swot_item_plan")

    op.drop_table("plan_swot_item")
    with op.batch_alter_table("plan_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_snapshot_plan")

    op.drop_table("plan_snapshot")
    with op.batch_alter_table("plan_risk", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_risk_plan")

    op.drop_table("plan_risk")
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_review_plan")

    op.drop_table("plan_review")
    with op.batch_alter_table("plan_relationship_goal", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_relationship_goal_pair")

    op.drop_table("plan_relationship_goal")
    with op.batch_alter_table("plan_objective", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_objective_plan")

    op.drop_table("plan_objective")
    with op.batch_alter_table("jbp_period", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_period_key")

    op.drop_table("jbp_period")
    with op.batch_alter_table("jbp_objective", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_objective_jbp")

    op.drop_table("jbp_objective")
    with op.batch_alter_table("jbp_measure", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_measure_jbp")

    op.drop_table("jbp_measure")
    with op.batch_alter_table("jbp_investment", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_investment_jbp")

    op.drop_table("jbp_investment")
    with op.batch_alter_table("jbp_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_activity_jbp")

    op.drop_table("jbp_activity")
    with op.batch_alter_table("revenue_month", schema=None) as batch_op:
        batch_op.drop_index("ix_revenue_month_key")

    op.drop_table("revenue_month")
    with op.batch_alter_table("jbp", schema=None) as batch_op:
        batch_op.drop_index("ix_jbp_account")

    op.drop_table("jbp")
    with op.batch_alter_table("forecast_snapshot_value", schema=None) as batch_op:
        batch_op.drop_index("ix_forecast_snapshot_value_snapshot")

    op.drop_table("forecast_snapshot_value")
    with op.batch_alter_table("account_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_account_plan_account")

    op.drop_table("account_plan")
    op.drop_table("plan_template")
    with op.batch_alter_table("forecast_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_forecast_snapshot_week")

    op.drop_table("forecast_snapshot")
    with op.batch_alter_table("exchange_rate", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_rate_pair")

    op.drop_table("exchange_rate")
