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
