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
