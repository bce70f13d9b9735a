"""SQLAlchemy 2.0 typed models: the tables of a workspace file.

Rules kept here for every table:
- money is integer minor units beside a currency code, other exact numbers are
  ``DecimalText``; no column is REAL;
- timestamps are UTC text (``UTCDateTime``), calendar dates are ``Date``;
- history is never hard-deleted: ``deleted_at`` marks a soft delete and
  ``deletion_id`` groups what one delete took away, so restore brings back
  exactly that.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from keyplan.store.types import DecimalText, UTCDateTime, utc_now

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class SoftDeletable:
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    deletion_id: Mapped[str | None] = mapped_column(String(36), default=None)


class AgencyProfile(Timestamped, Base):
    """The agency that uses the workspace: one row, id 1."""

    __tablename__ = "agency_profile"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    tax_id: Mapped[str] = mapped_column(String(60), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_mime: Mapped[str] = mapped_column(String(40), default="")
    brand_colour: Mapped[str] = mapped_column(String(7), default="#1F4E79")
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    default_tax_rate: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal("0"))
    paper_size: Mapped[str] = mapped_column(String(10), default="A4")
    margin_floor_percent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal("30"))
    estimate_number_pattern: Mapped[str] = mapped_column(String(80), default="KP-{year}-{seq:04}")
    payment_terms: Mapped[str] = mapped_column(Text, default="")
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    hours_per_day: Mapped[Decimal] = mapped_column(
        DecimalText(), default=Decimal("8"), server_default="8"
    )


class TeamMember(Timestamped, SoftDeletable, Base):
    """Someone on the agency side who owns accounts and actions."""

    __tablename__ = "team_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")


class Account(Timestamped, SoftDeletable, Base):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("health IN ('green', 'amber', 'red')", name="health_rag"),
        Index("ix_account_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="RESTRICT"), default=None
    )
    kind: Mapped[str] = mapped_column(String(20), default="standalone")
    industry: Mapped[str] = mapped_column(String(120), default="")
    market: Mapped[str] = mapped_column(String(2), default="")
    tier: Mapped[str] = mapped_column(String(40), default="Medium")
    currency: Mapped[str] = mapped_column(String(3))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default="active")
    health: Mapped[str] = mapped_column(String(5), default="green")
    health_reason: Mapped[str] = mapped_column(Text, default="")
    health_date: Mapped[date | None] = mapped_column(Date, default=None)
    contact_cadence_days: Mapped[int | None] = mapped_column(Integer, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")


class Contact(Timestamped, SoftDeletable, Base):
    """A person at the client; ``reports_to_id`` draws the relationship map."""

    __tablename__ = "contact"
    __table_args__ = (
        CheckConstraint("reports_to_id IS NULL OR reports_to_id <> id", name="not_own_manager"),
        CheckConstraint("influence IS NULL OR influence BETWEEN 1 AND 5", name="influence_1_5"),
        CheckConstraint(
            "relationship_strength IS NULL OR relationship_strength BETWEEN 1 AND 5",
            name="strength_1_5",
        ),
        Index("ix_contact_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    buying_role: Mapped[str] = mapped_column(String(20), default="unknown")
    influence: Mapped[int | None] = mapped_column(Integer, default=None)
    relationship_strength: Mapped[int | None] = mapped_column(Integer, default=None)
    reports_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None
    )
    notes: Mapped[str] = mapped_column(Text, default="")


class Note(Timestamped, SoftDeletable, Base):
    """A dated note or learning on an account."""

    __tablename__ = "note"
    __table_args__ = (Index("ix_note_account", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    noted_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="note")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")


# -- rate cards, projects, estimates (issue 4) -------------------------------------------


class RateCard(Timestamped, SoftDeletable, Base):
    """A list of roles with cost and bill rates: the agency's, or one account's override."""

    __tablename__ = "rate_card"
    __table_args__ = (Index("ix_rate_card_account", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="RESTRICT"), default=None
    )
    currency: Mapped[str] = mapped_column(String(3))


class Rate(Timestamped, Base):
    """One role on a rate card from a date on; money in minor units of the card's currency."""

    __tablename__ = "rate"
    __table_args__ = (
        CheckConstraint("cost_rate_minor >= 0 AND bill_rate_minor >= 0", name="not_negative"),
        Index("ix_rate_card_role", "rate_card_id", "role", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rate_card_id: Mapped[int] = mapped_column(ForeignKey("rate_card.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(20), default="hour")
    cost_rate_minor: Mapped[int] = mapped_column(Integer, default=0)
    bill_rate_minor: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[date] = mapped_column(Date)


class Project(Timestamped, SoftDeletable, Base):
    __tablename__ = "project"
    __table_args__ = (Index("ix_project_account", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    po_number: Mapped[str] = mapped_column(String(60), default="")
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="briefed")


class Estimate(Timestamped, SoftDeletable, Base):
    """The estimate as the client knows it by number; its content lives in revisions."""

    __tablename__ = "estimate"
    __table_args__ = (
        Index("ix_estimate_account", "account_id"),
        Index("ix_estimate_project", "project_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    number_year: Mapped[int] = mapped_column(Integer)
    number_seq: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="RESTRICT"), default=None
    )


class _PricedContent:
    """Columns shared by an estimate revision and a change order: adjustments and texts."""

    title: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))  # standard rate
    discount_mode: Mapped[str] = mapped_column(String(10), default="percent")
    discount_percent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    discount_amount_minor: Mapped[int] = mapped_column(Integer, default=0)
    discount_tax_rate: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    contingency_percent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    contingency_tax_rate: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    fee_percent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    fee_base: Mapped[str] = mapped_column(String(20), default="subtotal")
    fee_tax_rate: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    client_notes: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    sent_on: Mapped[date | None] = mapped_column(Date, default=None)
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    approved_on: Mapped[date | None] = mapped_column(Date, default=None)
    approval_po: Mapped[str] = mapped_column(String(60), default="")
    rejected_on: Mapped[date | None] = mapped_column(Date, default=None)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")


class EstimateRevision(_PricedContent, Timestamped, Base):
    """Revision n of an estimate: a draft while editable, a frozen copy once sent."""

    __tablename__ = "estimate_revision"
    __table_args__ = (
        Index("ix_revision_estimate", "estimate_id", "revision", unique=True),
        CheckConstraint(
            "status IN ('draft', 'sent', 'approved', 'rejected', 'superseded')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimate.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    terms: Mapped[str] = mapped_column(Text, default="")


class ChangeOrder(_PricedContent, Timestamped, Base):
    """A priced change of scope on an approved estimate, approved on its own."""

    __tablename__ = "change_order"
    __table_args__ = (
        Index("ix_change_order_estimate", "estimate_id", "sequence", unique=True),
        CheckConstraint("status IN ('draft', 'sent', 'approved', 'rejected')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimate.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("estimate_revision.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")


class EstimateSection(Base):
    """An ordered, named group of lines in a revision or in a change order."""

    __tablename__ = "estimate_section"
    __table_args__ = (
        CheckConstraint("(revision_id IS NULL) <> (change_order_id IS NULL)", name="one_container"),
        Index("ix_section_revision", "revision_id", "position"),
        Index("ix_section_change_order", "change_order_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("estimate_revision.id", ondelete="CASCADE"), default=None
    )
    change_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_order.id", ondelete="CASCADE"), default=None
    )
    key: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class EstimateLine(Base):
    """A priced line; ``key`` stays the same across revisions so they can be compared."""

    __tablename__ = "estimate_line"
    __table_args__ = (
        CheckConstraint("unit_price_minor >= 0 AND unit_cost_minor >= 0", name="not_negative"),
        Index("ix_line_section", "section_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("estimate_section.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(1))
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price_minor: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost_minor: Mapped[int] = mapped_column(Integer, default=0)
    markup_percent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    discount_percent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    optional: Mapped[bool] = mapped_column(default=False)
    role: Mapped[str] = mapped_column(String(120), default="")
    supplier: Mapped[str] = mapped_column(String(200), default="")


class EstimateActual(Timestamped, SoftDeletable, Base):
    """Actual cost (and hours) booked to an estimate line or section, entered or imported.

    Lines and sections are named by their ``key``, which stays the same across revisions, so
    an actual stays with its line when a revision or change order follows. The cost is in
    minor units of the estimate's currency. ``batch`` groups the rows of one file import.
    """

    __tablename__ = "estimate_actual"
    __table_args__ = (
        CheckConstraint("line_key IS NOT NULL OR section_key IS NOT NULL", name="has_target"),
        Index("ix_actual_estimate", "estimate_id", "entry_date"),
        Index("ix_actual_batch", "batch"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimate.id", ondelete="CASCADE"))
    line_key: Mapped[str | None] = mapped_column(String(36), default=None)
    section_key: Mapped[str | None] = mapped_column(String(36), default=None)
    entry_date: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    cost_minor: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    batch: Mapped[str | None] = mapped_column(String(36), default=None)


class ContactReport(Timestamped, SoftDeletable, Base):
    """What was said and agreed at a client meeting or call; owed within 24 hours.

    ``starts_at`` / ``ends_at`` are the instants (UTC in the file); ``time_zone`` is the
    meeting's IANA zone, in which the app shows and prints its times.
    """

    __tablename__ = "contact_report"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_contact_report_account", "account_id", "starts_at"),
        Index("ix_contact_report_unsent", "sent_on", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(20), default="meeting")
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    time_zone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    next_meeting_on: Mapped[date | None] = mapped_column(Date, default=None)
    next_meeting: Mapped[str] = mapped_column(String(200), default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    sent_on: Mapped[date | None] = mapped_column(Date, default=None)


class ReportAttendee(Base):
    """Who took part: a client contact, a team member, or a guest named in the report."""

    __tablename__ = "report_attendee"
    __table_args__ = (
        CheckConstraint(
            "(contact_id IS NOT NULL) + (team_member_id IS NOT NULL) + (name <> '') >= 1",
            name="names_someone",
        ),
        Index("ix_report_attendee_report", "report_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("contact_report.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None
    )
    team_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    name: Mapped[str] = mapped_column(String(200), default="")  # a guest's name and company


class ActionItem(Timestamped, SoftDeletable, Base):
    """Something someone promised in a meeting: who does what by when."""

    __tablename__ = "action_item"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'dropped')", name="status_known"
        ),
        Index("ix_action_item_account", "account_id", "status"),
        Index("ix_action_item_report", "report_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_report.id", ondelete="CASCADE"), default=None
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    owner_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None
    )
    owner_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    done_on: Mapped[date | None] = mapped_column(Date, default=None)


class EmailTemplate(Timestamped, Base):
    """The agency's subject and body for the e-mail drafts of one kind of document."""

    __tablename__ = "email_template"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)  # "estimate", ...
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class Opportunity(Timestamped, SoftDeletable, Base):
    """A deal the agency may win with the client: the pipeline."""

    __tablename__ = "opportunity"
    __table_args__ = (
        CheckConstraint(
            "stage IN ('identified', 'qualified', 'proposal', 'negotiation', 'won', 'lost')",
            name="stage_known",
        ),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        Index("ix_opportunity_account", "account_id", "stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="new_business")
    stage: Mapped[str] = mapped_column(String(20), default="identified")
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Integer, default=0)
    probability: Mapped[Decimal | None] = mapped_column(
        DecimalText(), default=None
    )  # None: stage's
    expected_close: Mapped[date | None] = mapped_column(Date, default=None)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    service_line: Mapped[str] = mapped_column(String(120), default="")
    next_step: Mapped[str] = mapped_column(String(300), default="")
    estimate_id: Mapped[int | None] = mapped_column(
        ForeignKey("estimate.id", ondelete="SET NULL"), default=None
    )
    notes: Mapped[str] = mapped_column(Text, default="")


class OpportunityStage(Base):
    """The day an opportunity entered a stage (its history through the pipeline)."""

    __tablename__ = "opportunity_stage"
    __table_args__ = (Index("ix_opportunity_stage_opportunity", "opportunity_id", "entered_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    entered_on: Mapped[date] = mapped_column(Date)


# -- account plans -----------------------------------------------------------------------


class AccountPlan(Timestamped, SoftDeletable, Base):
    """One account's plan for a plan year: the sections below hang off it."""

    __tablename__ = "account_plan"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'archived')", name="status_known"),
        Index("ix_account_plan_account", "account_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    template: Mapped[str] = mapped_column(String(120), default="")
    situation: Mapped[str] = mapped_column(Text, default="")
    vision: Mapped[str] = mapped_column(Text, default="")
    strategies: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    revenue_target_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    internal_notes: Mapped[str] = mapped_column(Text, default="")


class PlanSwotItem(Base):
    __tablename__ = "plan_swot_item"
    __table_args__ = (
        CheckConstraint(
            "quadrant IN ('strength', 'weakness', 'opportunity', 'threat')", name="quadrant_known"
        ),
        Index("ix_plan_swot_item_plan", "plan_id", "quadrant", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    quadrant: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanObjective(Base):
    __tablename__ = "plan_objective"
    __table_args__ = (Index("ix_plan_objective_plan", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    statement: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    due: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanKpi(Base):
    """A measure of an objective (or of the plan): target against actual for a period."""

    __tablename__ = "plan_kpi"
    __table_args__ = (Index("ix_plan_kpi_plan", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_objective.id", ondelete="SET NULL"), default=None
    )
    metric: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="")
    period: Mapped[str] = mapped_column(String(10), default="")  # "2026", "2026-Q3", "2026-09"
    baseline: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    target: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    actual: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    due: Mapped[date | None] = mapped_column(Date, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanAction(Base):
    __tablename__ = "plan_action"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done')", name="status_known"),
        Index("ix_plan_action_plan", "plan_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_objective.id", ondelete="SET NULL"), default=None
    )
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    due: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanWhitespaceAxis(Base):
    """A row (agency service) or column (client business unit / market) of the whitespace."""

    __tablename__ = "plan_whitespace_axis"
    __table_args__ = (
        CheckConstraint("axis IN ('service', 'segment')", name="axis_known"),
        Index("ix_plan_whitespace_axis_plan", "plan_id", "axis", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    axis: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanWhitespaceCell(Base):
    __tablename__ = "plan_whitespace_cell"
    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'opportunity', 'not_a_fit', 'unknown')", name="status_known"
        ),
        Index("ix_plan_whitespace_cell_pair", "service_id", "segment_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("plan_whitespace_axis.id", ondelete="CASCADE")
    )
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("plan_whitespace_axis.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(12), default="unknown")
    note: Mapped[str] = mapped_column(Text, default="")


class PlanRisk(Base):
    __tablename__ = "plan_risk"
    __table_args__ = (
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_1_5"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_1_5"),
        Index("ix_plan_risk_plan", "plan_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(Integer, default=3)
    impact: Mapped[int] = mapped_column(Integer, default=3)
    mitigation: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default="open")
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanRelationshipGoal(Base):
    """What the plan wants from the relationship with one contact (internal)."""

    __tablename__ = "plan_relationship_goal"
    __table_args__ = (
        CheckConstraint(
            "target_strength IS NULL OR target_strength BETWEEN 1 AND 5", name="strength_1_5"
        ),
        Index("ix_plan_relationship_goal_pair", "plan_id", "contact_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    goal: Mapped[str] = mapped_column(Text, default="")
    target_strength: Mapped[int | None] = mapped_column(Integer, default=None)


class PlanReview(Base):
    """Who reviewed the plan when (the review history)."""

    __tablename__ = "plan_review"
    __table_args__ = (Index("ix_plan_review_plan", "plan_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")


class PlanSnapshot(Timestamped, Base):
    """A frozen, dated copy of a whole plan (JSON of its document) before a business review."""

    __tablename__ = "plan_snapshot"
    __table_args__ = (Index("ix_plan_snapshot_plan", "plan_id", "taken_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plan.id", ondelete="CASCADE"))
    taken_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text)  # JSON, exact decimals as strings


class PlanTemplate(Timestamped, SoftDeletable, Base):
    """A starting point for new plans, editable by the user (JSON sections)."""

    __tablename__ = "plan_template"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)


# -- revenue forecast and exchange rates -------------------------------------------------


class RevenueMonth(Timestamped, Base):
    """Target, forecast and actual revenue of an account (or one of its business units)
    for one month; ``month`` is the first day of the month."""

    __tablename__ = "revenue_month"
    __table_args__ = (
        Index(
            "ix_revenue_month_key", "account_id", "business_unit", "month", "currency", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    business_unit: Mapped[str] = mapped_column(String(120), default="")
    month: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    target_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    forecast_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    actual_minor: Mapped[int | None] = mapped_column(Integer, default=None)


class ForecastSnapshot(Timestamped, Base):
    """The forecast as it stood in one week, frozen to see how it moved."""

    __tablename__ = "forecast_snapshot"
    __table_args__ = (Index("ix_forecast_snapshot_week", "week_start", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the ISO week
    label: Mapped[str] = mapped_column(String(200), default="")


class ForecastSnapshotValue(Base):
    __tablename__ = "forecast_snapshot_value"
    __table_args__ = (Index("ix_forecast_snapshot_value_snapshot", "snapshot_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("forecast_snapshot.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    business_unit: Mapped[str] = mapped_column(String(120), default="")
    month: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    target_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    forecast_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    actual_minor: Mapped[int | None] = mapped_column(Integer, default=None)


class ExchangeRate(Timestamped, SoftDeletable, Base):
    """One unit of ``base`` is worth ``rate`` units of ``quote`` from ``valid_from`` on;
    entered by the user (the app never fetches rates)."""

    __tablename__ = "exchange_rate"
    __table_args__ = (
        CheckConstraint("base <> quote", name="two_currencies"),
        Index("ix_exchange_rate_pair", "base", "quote", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(DecimalText())
    valid_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="")


# -- joint business plans ----------------------------------------------------------------


class JointBusinessPlan(Timestamped, SoftDeletable, Base):
    """A plan agreed with the client for a year; QBPs and MBPs are its periods."""

    __tablename__ = "jbp"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'in_negotiation', 'signed', 'active', 'closed')",
            name="status_known",
        ),
        CheckConstraint(
            "phase IN ('foundation', 'discover_align', 'initiative_planning', 'execute', "
            "'monitor_renew')",
            name="phase_known",
        ),
        Index("ix_jbp_account", "account_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    phase: Mapped[str] = mapped_column(String(20), default="foundation")
    vision: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    review_cadence: Mapped[str] = mapped_column(String(20), default="quarterly")
    client_signatory: Mapped[str] = mapped_column(String(200), default="")
    client_signed_on: Mapped[date | None] = mapped_column(Date, default=None)
    agency_signatory: Mapped[str] = mapped_column(String(200), default="")
    agency_signed_on: Mapped[date | None] = mapped_column(Date, default=None)
    internal_notes: Mapped[str] = mapped_column(Text, default="")


class JbpObjective(Base):
    __tablename__ = "jbp_objective"
    __table_args__ = (Index("ix_jbp_objective_jbp", "jbp_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jbp_id: Mapped[int] = mapped_column(ForeignKey("jbp.id", ondelete="CASCADE"))
    statement: Mapped[str] = mapped_column(Text)
    client_owner: Mapped[str] = mapped_column(String(200), default="")
    agency_owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    position: Mapped[int] = mapped_column(Integer, default=0)


class JbpMeasure(Base):
    """A growth target (turnover, volume, cash margin, margin %...) or a scorecard KPI.

    Money measures have a currency ``unit`` and are exact decimals like the rest.
    """

    __tablename__ = "jbp_measure"
    __table_args__ = (
        CheckConstraint("kind IN ('target', 'kpi')", name="kind_known"),
        Index("ix_jbp_measure_jbp", "jbp_id", "kind", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jbp_id: Mapped[int] = mapped_column(ForeignKey("jbp.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="target")
    metric: Mapped[str] = mapped_column(String(30), default="custom")  # turnover, volume, ...
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="")
    baseline: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    target: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    higher_is_better: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)


class JbpInvestment(Base):
    __tablename__ = "jbp_investment"
    __table_args__ = (
        CheckConstraint("funded_by IN ('client', 'agency', 'shared')", name="funder_known"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        Index("ix_jbp_investment_jbp", "jbp_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jbp_id: Mapped[int] = mapped_column(ForeignKey("jbp.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    funded_by: Mapped[str] = mapped_column(String(10), default="shared")
    client_share: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)  # %
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)


class JbpActivity(Base):
    """A campaign, initiative, milestone or review on the JBP's calendar."""

    __tablename__ = "jbp_activity"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index("ix_jbp_activity_jbp", "jbp_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jbp_id: Mapped[int] = mapped_column(ForeignKey("jbp.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="campaign")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    position: Mapped[int] = mapped_column(Integer, default=0)


class JbpPeriod(Timestamped, Base):
    """A quarterly (QBP) or monthly (MBP) plan of a JBP: commentary and its own figures."""

    __tablename__ = "jbp_period"
    __table_args__ = (Index("ix_jbp_period_key", "jbp_id", "period", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jbp_id: Mapped[int] = mapped_column(ForeignKey("jbp.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # "2026-Q1" or "2026-01"
    focus: Mapped[str] = mapped_column(Text, default="")
    commentary: Mapped[str] = mapped_column(Text, default="")


class JbpPeriodValue(Base):
    """One measure's target and actual in one QBP / MBP (the scorecard cell)."""

    __tablename__ = "jbp_period_value"
    __table_args__ = (Index("ix_jbp_period_value_key", "period_id", "measure_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("jbp_period.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("jbp_measure.id", ondelete="CASCADE"))
    target: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)
    actual: Mapped[Decimal | None] = mapped_column(DecimalText(), default=None)


class JbpPeriodAction(Base):
    __tablename__ = "jbp_period_action"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done')", name="status_known"),
        Index("ix_jbp_period_action_period", "period_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("jbp_period.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    position: Mapped[int] = mapped_column(Integer, default=0)
