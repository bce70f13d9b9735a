"""Plain, immutable records the services hand to the UI, the CLI and exporters.

Never ORM objects: a record is a snapshot that can cross threads and outlive
its session without lazy loading surprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Change:
    """What one update did: field -> value before, field -> value after."""

    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def is_empty(self) -> bool:
        return not self.after


@dataclass(frozen=True)
class AgencyProfileRecord:
    name: str
    legal_name: str
    address: str
    tax_id: str
    has_logo: bool
    logo_mime: str
    brand_colour: str
    default_currency: str
    default_tax_rate: Decimal
    paper_size: str
    margin_floor_percent: Decimal
    estimate_number_pattern: str
    payment_terms: str
    fiscal_year_start_month: int
    hours_per_day: Decimal = Decimal(8)


@dataclass(frozen=True)
class TeamMemberRecord:
    id: int
    name: str
    role: str
    email: str


@dataclass(frozen=True)
class AccountDraft:
    """What a user fills in to create an account; the rest gets defaults."""

    name: str
    currency: str = ""  # empty: the agency's default currency
    parent_id: int | None = None
    kind: str = ""  # empty: standalone, or subsidiary when a parent is given
    legal_name: str = ""
    industry: str = ""
    market: str = ""
    tier: str = "Medium"
    owner_id: int | None = None
    status: str = "active"
    health: str = "green"
    health_reason: str = ""
    contact_cadence_days: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class AccountRecord:
    id: int
    name: str
    legal_name: str
    parent_id: int | None
    kind: str
    industry: str
    market: str
    tier: str
    currency: str
    owner_id: int | None
    owner_name: str
    status: str
    health: str
    health_reason: str
    health_date: date | None
    contact_cadence_days: int | None
    notes: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class ContactDraft:
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    time_zone: str = ""
    buying_role: str = "unknown"
    influence: int | None = None
    relationship_strength: int | None = None
    reports_to_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class ContactRecord:
    id: int
    account_id: int
    name: str
    title: str
    email: str
    phone: str
    location: str
    time_zone: str
    buying_role: str
    influence: int | None
    relationship_strength: int | None
    reports_to_id: int | None
    notes: str


@dataclass(frozen=True)
class NoteDraft:
    title: str
    noted_on: date
    kind: str = "note"
    body: str = ""


@dataclass(frozen=True)
class NoteRecord:
    id: int
    account_id: int
    noted_on: date
    kind: str
    title: str
    body: str


@dataclass(frozen=True)
class DeletedItem:
    """One delete action that can be undone from the Deleted items page."""

    deletion_id: str
    kind: str  # "account", "contact", "note", "team_member"
    name: str
    account_name: str
    deleted_at: datetime
    item_count: int = 1
    entity_id: int = 0  # the deleted account (root of the subtree), contact or note


@dataclass(frozen=True)
class WorkspaceInfo:
    path: str
    schema_version: str
    counts: dict[str, int] = field(default_factory=dict)
