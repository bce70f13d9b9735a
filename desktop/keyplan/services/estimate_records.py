"""Records for rate cards, projects and estimates: plain frozen snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from keyplan.domain.estimates import Adjustments, PricedDocument, Totals


@dataclass(frozen=True)
class RateCardRecord:
    id: int
    name: str
    account_id: int | None  # None: the agency's own card
    account_name: str
    currency: str


@dataclass(frozen=True)
class RateRecord:
    id: int
    rate_card_id: int
    role: str
    unit: str
    cost_rate: Decimal
    bill_rate: Decimal
    valid_from: date


@dataclass(frozen=True)
class RateOption:
    """A role a labour line can use: the rate in force for an account, currency and date."""

    role: str
    unit: str
    bill_rate: Decimal
    cost_rate: Decimal
    source: str  # "agency" or "account"
    rate_id: int


@dataclass(frozen=True)
class ProjectDraft:
    name: str
    code: str = ""
    brief: str = ""
    scope: str = ""
    po_number: str = ""
    start_date: date | None = None
    end_date: date | None = None
    status: str = "briefed"


@dataclass(frozen=True)
class ProjectRecord:
    id: int
    account_id: int
    code: str
    name: str
    brief: str
    scope: str
    po_number: str
    start_date: date | None
    end_date: date | None
    status: str


@dataclass(frozen=True)
class LineDraft:
    """A new line; ``tax_rate`` None takes the estimate's standard rate."""

    kind: str = "labour"
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit: str = ""
    unit_price: Decimal = Decimal(0)
    unit_cost: Decimal = Decimal(0)
    markup_percent: Decimal = Decimal(0)
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal | None = None
    optional: bool = False
    role: str = ""
    supplier: str = ""


@dataclass(frozen=True)
class LineRecord:
    id: int
    key: str
    section_id: int
    position: int
    kind: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    unit_cost: Decimal  # internal
    markup_percent: Decimal  # internal
    discount_percent: Decimal
    tax_rate: Decimal
    optional: bool
    role: str
    supplier: str
    amount: Decimal
    cost: Decimal  # internal


@dataclass(frozen=True)
class SectionRecord:
    id: int
    key: str
    name: str
    position: int
    lines: tuple[LineRecord, ...]
    subtotal: Decimal
    cost: Decimal  # internal


@dataclass(frozen=True)
class RevisionInfo:
    id: int
    revision: int
    status: str
    issued_on: date
    sent_on: date | None


@dataclass(frozen=True)
class ChangeOrderSummary:
    id: int
    sequence: int
    title: str
    status: str
    total: Decimal
    approved_on: date | None


@dataclass(frozen=True)
class PricedRecord:
    """What an estimate revision and a change order have in common."""

    title: str
    currency: str
    status: str
    tax_rate: Decimal
    adjustments: Adjustments
    client_notes: str
    internal_notes: str
    sent_on: date | None
    approved_by: str
    approved_on: date | None
    approval_po: str
    rejected_on: date | None
    rejection_reason: str
    sections: tuple[SectionRecord, ...]
    priced: PricedDocument
    totals: Totals

    @property
    def editable(self) -> bool:
        return self.status == "draft"

    def line(self, line_id: int) -> LineRecord:
        for section in self.sections:
            for line in section.lines:
                if line.id == line_id:
                    return line
        raise KeyError(line_id)

    @property
    def lines(self) -> tuple[LineRecord, ...]:
        return tuple(line for section in self.sections for line in section.lines)


@dataclass(frozen=True)
class EstimateDocument(PricedRecord):
    """One revision of an estimate with everything the editor, CLI and exports need."""

    estimate_id: int = 0
    revision_id: int = 0
    number: str = ""
    revision: int = 0
    account_id: int = 0
    account_name: str = ""
    project_id: int | None = None
    project_name: str = ""
    issued_on: date = date.min
    valid_until: date | None = None
    terms: str = ""
    revisions: tuple[RevisionInfo, ...] = ()
    change_orders: tuple[ChangeOrderSummary, ...] = ()
    contracted_total: Decimal | None = None  # approved revision + approved change orders
    margin_floor_percent: Decimal = Decimal(0)
    below_margin_floor: bool = False

    @property
    def is_latest(self) -> bool:
        return not self.revisions or self.revisions[-1].id == self.revision_id


@dataclass(frozen=True)
class ChangeOrderDocument(PricedRecord):
    change_order_id: int = 0
    estimate_id: int = 0
    number: str = ""  # estimate number + "-CO1"
    sequence: int = 0
    reason: str = ""


@dataclass(frozen=True)
class EstimateSummary:
    """A row of the estimates list: the latest revision of one estimate."""

    estimate_id: int
    revision_id: int
    number: str
    revision: int
    title: str
    account_id: int
    account_name: str
    project_name: str
    currency: str
    status: str
    issued_on: date
    valid_until: date | None
    totals: Totals
    contracted_total: Decimal | None = None


@dataclass(frozen=True)
class EstimateFilter:
    statuses: frozenset[str] = field(default_factory=frozenset)
    account_id: int | None = None
    currency: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
