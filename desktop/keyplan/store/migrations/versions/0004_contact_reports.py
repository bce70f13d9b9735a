"""contact reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Contact reports with their attendees and action items (the 24-hour rule), and the
agency's e-mail templates for the drafts that send documents to clients.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_template",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_email_template")),
    )
    op.create_table(
        "contact_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.String(length=40), nullable=False),
        sa.Column("ends_at", sa.String(length=40), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("discussion", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("next_meeting_on", sa.Date(), nullable=True),
        sa.Column("next_meeting", sa.String(length=200), nullable=False),
        sa.Column("internal_notes", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_contact_report_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_contact_report_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_contact_report_project_id_project"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_report")),
    )
    with op.batch_alter_table("contact_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_report_account", ["account_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_contact_report_unsent", ["sent_on", "ends_at"], unique=False)

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_contact_id", sa.Integer(), nullable=True),
        sa.Column("owner_member_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_action_item_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_action_item_account_id_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_contact_id"],
            ["contact.id"],
            name=op.f("fk_action_item_owner_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["team_member.id"],
            name=op.f("fk_action_item_owner_member_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["contact_report.id"],
            name=op.f("fk_action_item_report_id_contact_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index("ix_action_item_account", ["account_id", "status"], unique=False)
        batch_op.create_index("ix_action_item_report", ["report_id", "position"], unique=False)

    op.create_table(
        "report_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("team_member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "(contact_id IS NOT NULL) + (team_member_id IS NOT NULL) + (name <> '') >= 1",
            name=op.f("ck_report_attendee_names_someone"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_report_attendee_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["contact_report.id"],
            name=op.f("fk_report_attendee_report_id_contact_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_member.id"],
            name=op.f("fk_report_attendee_team_member_id_team_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_attendee")),
    )
    with op.batch_alter_table("report_attendee", schema=None) as batch_op:
        batch_op.create_index("ix_report_attendee_report", ["report_id", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_attendee", schema=None) as batch_op:
        batch_op.drop_index("ix_report_attendee_report")

    op.drop_table("report_attendee")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_report")
        batch_op.drop_index("ix_action_item_account")

    op.drop_table("action_item")
    with op.batch_alter_table("contact_report", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_report_unsent")
        batch_op.drop_index("ix_contact_report_account")

    op.drop_table("contact_report")
    op.drop_table("email_template")
