"""rate cards projects estimates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# A sent, approved or rejected revision (or change order) is a frozen copy: these triggers
# refuse any change to its content, whatever code tries. The services check first and say
# so politely; the triggers are the backstop. Status changes stay possible (approve,
# supersede, and undoing a send), but never together with a content change, and a frozen
# revision or change order cannot be deleted (its lines would go with it).
FROZEN = "SELECT RAISE(ABORT, 'keyplan: frozen: a sent estimate cannot be changed')"
CONTAINER_STATUS = """(SELECT COALESCE(r.status, c.status) FROM estimate_section s
    LEFT JOIN estimate_revision r ON r.id = s.revision_id
    LEFT JOIN change_order c ON c.id = s.change_order_id
    WHERE s.id = {section})"""
SECTION_STATUS = """COALESCE(
    (SELECT status FROM estimate_revision WHERE id = {row}.revision_id),
    (SELECT status FROM change_order WHERE id = {row}.change_order_id))"""
CONTENT = (
    "title",
    "currency",
    "tax_rate",
    "discount_mode",
    "discount_percent",
    "discount_amount_minor",
    "discount_tax_rate",
    "contingency_percent",
    "contingency_tax_rate",
    "fee_percent",
    "fee_base",
    "fee_tax_rate",
    "client_notes",
)
REVISION_CONTENT = (*CONTENT, "estimate_id", "revision", "issued_on", "valid_until", "terms")
CHANGE_ORDER_CONTENT = (*CONTENT, "estimate_id", "revision_id", "sequence", "reason")


def _content_changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


TRIGGERS = {
    "line_frozen_insert": f"BEFORE INSERT ON estimate_line WHEN "
    f"{CONTAINER_STATUS.format(section='NEW.section_id')} <> 'draft'",
    "line_frozen_update": f"BEFORE UPDATE ON estimate_line WHEN "
    f"{CONTAINER_STATUS.format(section='OLD.section_id')} <> 'draft' OR "
    f"{CONTAINER_STATUS.format(section='NEW.section_id')} <> 'draft'",
    "line_frozen_delete": f"BEFORE DELETE ON estimate_line WHEN "
    f"{CONTAINER_STATUS.format(section='OLD.section_id')} <> 'draft'",
    "section_frozen_insert": f"BEFORE INSERT ON estimate_section WHEN "
    f"{SECTION_STATUS.format(row='NEW')} <> 'draft'",
    "section_frozen_update": f"BEFORE UPDATE ON estimate_section WHEN "
    f"{SECTION_STATUS.format(row='OLD')} <> 'draft' OR "
    f"{SECTION_STATUS.format(row='NEW')} <> 'draft'",
    "section_frozen_delete": f"BEFORE DELETE ON estimate_section WHEN "
    f"{SECTION_STATUS.format(row='OLD')} <> 'draft'",
    "revision_frozen_update": "BEFORE UPDATE ON estimate_revision WHEN OLD.status <> 'draft' "
    f"AND ({_content_changed(REVISION_CONTENT)})",
    "revision_frozen_delete": "BEFORE DELETE ON estimate_revision WHEN OLD.status <> 'draft'",
    "change_order_frozen_update": "BEFORE UPDATE ON change_order WHEN OLD.status <> 'draft' "
    f"AND ({_content_changed(CHANGE_ORDER_CONTENT)})",
    "change_order_frozen_delete": "BEFORE DELETE ON change_order WHEN OLD.status <> 'draft'",
    "estimate_number_fixed": "BEFORE UPDATE ON estimate WHEN NEW.number IS NOT OLD.number AND "
    "EXISTS (SELECT 1 FROM estimate_revision WHERE estimate_id = OLD.id AND status <> 'draft')",
}


def upgrade() -> None:

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("po_number", sa.String(length=60), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_project_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index("ix_project_account", ["account_id"], unique=False)

    op.create_table(
        "rate_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_rate_card_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_card")),
    )
    with op.batch_alter_table("rate_card", schema=None) as batch_op:
        batch_op.create_index("ix_rate_card_account", ["account_id"], unique=False)

    op.create_table(
        "estimate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("number_year", sa.Integer(), nullable=False),
        sa.Column("number_seq", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_estimate_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_estimate_project_id_project"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate")),
        sa.UniqueConstraint("number", name=op.f("uq_estimate_number")),
    )
    with op.batch_alter_table("estimate", schema=None) as batch_op:
        batch_op.create_index("ix_estimate_account", ["account_id"], unique=False)
        batch_op.create_index("ix_estimate_project", ["project_id"], unique=False)

    op.create_table(
        "rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rate_card_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("cost_rate_minor", sa.Integer(), nullable=False),
        sa.Column("bill_rate_minor", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "cost_rate_minor >= 0 AND bill_rate_minor >= 0", name=op.f("ck_rate_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["rate_card_id"],
            ["rate_card.id"],
            name=op.f("fk_rate_rate_card_id_rate_card"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate")),
    )
    with op.batch_alter_table("rate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rate_card_role", ["rate_card_id", "role", "valid_from"], unique=False
        )

    op.create_table(
        "estimate_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estimate_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tax_rate", sa.String(length=64), nullable=False),
        sa.Column("discount_mode", sa.String(length=10), nullable=False),
        sa.Column("discount_percent", sa.String(length=64), nullable=False),
        sa.Column("discount_amount_minor", sa.Integer(), nullable=False),
        sa.Column("discount_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("contingency_percent", sa.String(length=64), nullable=False),
        sa.Column("contingency_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("fee_percent", sa.String(length=64), nullable=False),
        sa.Column("fee_base", sa.String(length=20), nullable=False),
        sa.Column("fee_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("client_notes", sa.Text(), nullable=False),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approval_po", sa.String(length=60), nullable=False),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'sent', 'approved', 'rejected', 'superseded')",
            name=op.f("ck_estimate_revision_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"],
            ["estimate.id"],
            name=op.f("fk_estimate_revision_estimate_id_estimate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate_revision")),
    )
    with op.batch_alter_table("estimate_revision", schema=None) as batch_op:
        batch_op.create_index("ix_revision_estimate", ["estimate_id", "revision"], unique=True)

    op.create_table(
        "change_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estimate_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tax_rate", sa.String(length=64), nullable=False),
        sa.Column("discount_mode", sa.String(length=10), nullable=False),
        sa.Column("discount_percent", sa.String(length=64), nullable=False),
        sa.Column("discount_amount_minor", sa.Integer(), nullable=False),
        sa.Column("discount_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("contingency_percent", sa.String(length=64), nullable=False),
        sa.Column("contingency_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("fee_percent", sa.String(length=64), nullable=False),
        sa.Column("fee_base", sa.String(length=20), nullable=False),
        sa.Column("fee_tax_rate", sa.String(length=64), nullable=False),
        sa.Column("client_notes", sa.Text(), nullable=False),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approval_po", sa.String(length=60), nullable=False),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'sent', 'approved', 'rejected')",
            name=op.f("ck_change_order_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"],
            ["estimate.id"],
            name=op.f("fk_change_order_estimate_id_estimate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["estimate_revision.id"],
            name=op.f("fk_change_order_revision_id_estimate_revision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_order")),
    )
    with op.batch_alter_table("change_order", schema=None) as batch_op:
        batch_op.create_index("ix_change_order_estimate", ["estimate_id", "sequence"], unique=True)

    op.create_table(
        "estimate_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("change_order_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(revision_id IS NULL) <> (change_order_id IS NULL)",
            name=op.f("ck_estimate_section_one_container"),
        ),
        sa.ForeignKeyConstraint(
            ["change_order_id"],
            ["change_order.id"],
            name=op.f("fk_estimate_section_change_order_id_change_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["estimate_revision.id"],
            name=op.f("fk_estimate_section_revision_id_estimate_revision"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate_section")),
    )
    with op.batch_alter_table("estimate_section", schema=None) as batch_op:
        batch_op.create_index(
            "ix_section_change_order", ["change_order_id", "position"], unique=False
        )
        batch_op.create_index("ix_section_revision", ["revision_id", "position"], unique=False)

    op.create_table(
        "estimate_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price_minor", sa.Integer(), nullable=False),
        sa.Column("unit_cost_minor", sa.Integer(), nullable=False),
        sa.Column("markup_percent", sa.String(length=64), nullable=False),
        sa.Column("discount_percent", sa.String(length=64), nullable=False),
        sa.Column("tax_rate", sa.String(length=64), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "unit_price_minor >= 0 AND unit_cost_minor >= 0",
            name=op.f("ck_estimate_line_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["estimate_section.id"],
            name=op.f("fk_estimate_line_section_id_estimate_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimate_line")),
    )
    with op.batch_alter_table("estimate_line", schema=None) as batch_op:
        batch_op.create_index("ix_line_section", ["section_id", "position"], unique=False)

    for name, when in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {FROZEN}; END")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")

    with op.batch_alter_table("estimate_line", schema=None) as batch_op:
        batch_op.drop_index("ix_line_section")

    op.drop_table("estimate_line")
    with op.batch_alter_table("estimate_section", schema=None) as batch_op:
        batch_op.drop_index("ix_section_revision")
        batch_op.drop_index("ix_section_change_order")

    op.drop_table("estimate_section")
    with op.batch_alter_table("change_order", schema=None) as batch_op:
        batch_op.drop_index("ix_change_order_estimate")

    op.drop_table("change_order")
    with op.batch_alter_table("estimate_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_revision_estimate")

    op.drop_table("estimate_revision")
    with op.batch_alter_table("rate", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_card_role")

    op.drop_table("rate")
    with op.batch_alter_table("estimate", schema=None) as batch_op:
        batch_op.drop_index("ix_estimate_project")
        batch_op.drop_index("ix_estimate_account")

    op.drop_table("estimate")
    with op.batch_alter_table("rate_card", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_card_account")

    op.drop_table("rate_card")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_account")

    op.drop_table("project")
