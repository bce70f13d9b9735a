"""What the exporters render: read-only estimate documents, one type per audience.

The client/internal split is made here, when a document is built, not in the renderers: a
:class:`ClientEstimateDocument` has no cost, margin, markup, role, supplier or internal-note
field at all, so no exporter can leak them (EXPORTS.md, "Two audiences, one rule"). The internal
types are separate classes, not subclasses, so an internal document never passes where a client
one is expected.

Every figure is the one :func:`keyplan.domain.estimates.compute_totals` computed: the builders
(:func:`client_estimate_document`, :func:`internal_estimate_document`) copy amounts from the
domain's :class:`~keyplan.domain.estimates.Totals` and never recompute them. Percentages are kept
as the domain holds them (``Decimal('7.5')`` is 7.5 %); renderers divide by 100 where a format
needs a fraction. Amounts carry the currency's minor units (``Decimal('0.00')`` for USD).

Every line carries its visible reference (``ref``, ``"2.3"``: the third line of the second
section), numbered by :func:`keyplan.domain.estimates.line_refs`, the one numbering the exports
print and the round-trip import matches lines by; a change order's lines get a prefix
(``ref_prefix="CO1-"`` gives ``"CO1-2.3"``).

Only plain values live inside: ``str``, ``int``, ``bool``, ``bytes``, ``Decimal``, ``date`` and
the domain's enums, so a document can cross threads (exports run in a worker).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Context, Decimal, localcontext
from types import MappingProxyType
from typing import Literal

from keyplan.domain.estimates import (
    DiscountMode,
    FeeBase,
    Line,
    LineKind,
    PricedDocument,
    Totals,
    line_refs,
)
from keyplan.domain.money import round_half_up

__all__ = [
    "KIND_LABELS",
    "AgencyHeader",
    "ClientEstimateDocument",
    "ClientLine",
    "ClientSection",
    "ClientTotals",
    "EstimateHeader",
    "InternalEstimateDocument",
    "InternalLine",
    "InternalSection",
    "PaperSize",
    "client_estimate_document",
    "internal_estimate_document",
]

PaperSize = Literal["A4", "Letter"]

KIND_LABELS: Mapping[LineKind, str] = MappingProxyType(
    {
        LineKind.LABOUR: "Labour",
        LineKind.THIRD_PARTY: "Third party",
        LineKind.FIXED_FEE: "Fixed fee",
        LineKind.EXPENSE: "Expense",
    }
)
"""The label of each line kind as the client reads it (and as the workbook's formulas match it)."""


@dataclass(frozen=True, slots=True)
class AgencyHeader:
    """The agency as the letterhead shows it."""

    name: str
    legal_name: str = ""
    address: str = ""
    tax_id: str = ""
    brand_colour: str = ""  # "#0E5A8A"; empty: the exporter's default
    logo: bytes | None = None
    logo_mime: str = ""  # "image/png" or "image/jpeg" when there is a logo
    paper_size: PaperSize = "A4"


@dataclass(frozen=True, slots=True)
class EstimateHeader:
    """Who, what and when of one estimate revision: client-facing fields only."""

    number: str
    revision: int
    title: str
    status: str
    client_name: str
    client_legal_name: str
    project_name: str
    prepared_by: str  # the account owner's name
    currency_code: str
    minor_units: int
    issued_on: date
    valid_until: date | None
    terms: str
    client_notes: str
    tax_label: str = "Tax"  # "VAT", "GST"...: the tax rows read "VAT 10 %"


@dataclass(frozen=True, slots=True)
class ClientLine:
    """One line as the client sees it. Percentages in percent (``Decimal('10')`` is 10 %)."""

    number: int  # 1, 2, ... within its section
    ref: str  # "2.3": section 2, line 3 (domain.estimates.line_refs); "CO1-2.3" in a change order
    kind: LineKind
    kind_label: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    optional: bool
    amount: Decimal  # the domain's rounded line amount (optional lines are priced too)


@dataclass(frozen=True, slots=True)
class ClientSection:
    name: str
    lines: tuple[ClientLine, ...]
    subtotal: Decimal  # non-optional lines only


@dataclass(frozen=True, slots=True)
class ClientTotals:
    """The estimate-level figures of :class:`keyplan.domain.estimates.Totals`, client side.

    ``discount_value`` is a percentage in ``PERCENT`` mode and an amount in ``AMOUNT`` mode.
    ``taxable_by_rate`` and ``tax_by_rate`` are keyed by the normalised tax rate in percent and
    ordered by rate, as the domain gives them.
    """

    subtotal: Decimal
    discount: Decimal
    discount_mode: DiscountMode
    discount_value: Decimal
    discount_tax_rate: Decimal
    contingency: Decimal
    contingency_percent: Decimal
    contingency_tax_rate: Decimal
    fee: Decimal
    fee_percent: Decimal
    fee_base: FeeBase
    fee_tax_rate: Decimal
    net: Decimal  # subtotal - discount + contingency + fee
    taxable_by_rate: Mapping[Decimal, Decimal]
    tax_by_rate: Mapping[Decimal, Decimal]
    tax: Decimal
    total: Decimal
    optional_total: Decimal  # priced optional lines, in no total

    @property
    def has_discount(self) -> bool:
        """Whether the estimate has a discount at all (a row on the client document)."""
        return not self.discount_value.is_zero()

    @property
    def has_contingency(self) -> bool:
        return not self.contingency_percent.is_zero()

    @property
    def has_fee(self) -> bool:
        return not self.fee_percent.is_zero()


@dataclass(frozen=True, slots=True)
class ClientEstimateDocument:
    """Everything a client-facing estimate export shows, and nothing internal."""

    agency: AgencyHeader
    header: EstimateHeader
    sections: tuple[ClientSection, ...]
    totals: ClientTotals


@dataclass(frozen=True, slots=True)
class InternalLine:
    """A line with the internal fields: the :class:`ClientLine` fields plus cost and margin."""

    number: int
    ref: str
    kind: LineKind
    kind_label: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    optional: bool
    amount: Decimal
    role: str
    supplier: str
    unit_cost: Decimal
    markup_percent: Decimal
    cost: Decimal  # r(quantity x unit_cost)
    margin: Decimal  # amount - cost


@dataclass(frozen=True, slots=True)
class InternalSection:
    name: str
    lines: tuple[InternalLine, ...]
    subtotal: Decimal
    cost: Decimal  # non-optional lines only, like the subtotal
    margin: Decimal  # subtotal - cost
    margin_percent: Decimal | None  # margin / subtotal, rounded like the estimate's; None at 0


@dataclass(frozen=True, slots=True)
class InternalEstimateDocument:
    """The internal variant: client figures plus cost, margin and internal notes."""

    agency: AgencyHeader
    header: EstimateHeader
    sections: tuple[InternalSection, ...]
    totals: ClientTotals
    internal_notes: str
    cost: Decimal
    margin: Decimal  # net - cost
    margin_percent: Decimal | None  # round_half_up(margin / net x 100, 2); None when net is 0
    margin_floor_percent: Decimal
    below_floor: bool


# -- building ----------------------------------------------------------------------------------


def _check(header: EstimateHeader, priced: PricedDocument, totals: Totals) -> None:
    if not isinstance(priced, PricedDocument):
        raise TypeError(f"priced must be a PricedDocument, not {type(priced).__name__}")
    if not isinstance(totals, Totals):
        raise TypeError(f"totals must be Totals, not {type(totals).__name__}")
    currency = priced.currency
    if totals.currency != currency:
        raise ValueError("the totals were computed for another currency")
    if (header.currency_code, header.minor_units) != (currency.code, currency.minor_units):
        raise ValueError(
            f"the header says {header.currency_code} with {header.minor_units} minor units, "
            f"the document is in {currency.code}"
        )


def _lines_by_section(priced: PricedDocument) -> dict[str, list[Line]]:
    grouped: dict[str, list[Line]] = {section.key: [] for section in priced.sections}
    for line in priced.lines:
        grouped[line.section_key].append(line)
    return grouped


def _client_line(number: int, ref: str, line: Line, totals: Totals) -> ClientLine:
    return ClientLine(
        number=number,
        ref=ref,
        kind=line.kind,
        kind_label=KIND_LABELS[line.kind],
        description=line.description,
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        tax_rate=line.tax_rate,
        optional=line.optional,
        amount=totals.line_amounts[line.key],
    )


def _client_totals(priced: PricedDocument, totals: Totals) -> ClientTotals:
    adj = priced.adjustments
    return ClientTotals(
        subtotal=totals.subtotal,
        discount=totals.discount,
        discount_mode=adj.discount_mode,
        discount_value=adj.discount_value,
        discount_tax_rate=adj.discount_tax_rate,
        contingency=totals.contingency,
        contingency_percent=adj.contingency_percent,
        contingency_tax_rate=adj.contingency_tax_rate,
        fee=totals.fee,
        fee_percent=adj.fee_percent,
        fee_base=adj.fee_base,
        fee_tax_rate=adj.fee_tax_rate,
        net=totals.net,
        taxable_by_rate=MappingProxyType(dict(totals.taxable_by_rate)),
        tax_by_rate=MappingProxyType(dict(totals.tax_by_rate)),
        tax=totals.tax,
        total=totals.total,
        optional_total=totals.optional_total,
    )


def client_estimate_document(
    agency: AgencyHeader,
    header: EstimateHeader,
    priced: PricedDocument,
    totals: Totals,
    *,
    ref_prefix: str = "",
) -> ClientEstimateDocument:
    """The client document of ``priced``, with the figures ``totals`` holds for it.

    ``totals`` must be ``compute_totals(priced)`` (the services pass the pair they priced).
    ``ref_prefix`` goes before every line reference: ``"CO1-"`` for change order 1.
    """
    _check(header, priced, totals)
    grouped = _lines_by_section(priced)
    refs = line_refs(priced, ref_prefix)
    sections = tuple(
        ClientSection(
            name=section.name,
            lines=tuple(
                _client_line(number, refs[line.key], line, totals)
                for number, line in enumerate(grouped[section.key], start=1)
            ),
            subtotal=totals.section_subtotals[section.key],
        )
        for section in priced.sections
    )
    return ClientEstimateDocument(agency, header, sections, _client_totals(priced, totals))


def internal_estimate_document(
    agency: AgencyHeader,
    header: EstimateHeader,
    priced: PricedDocument,
    totals: Totals,
    *,
    internal_notes: str,
    margin_floor_percent: Decimal,
    below_floor: bool,
    ref_prefix: str = "",
) -> InternalEstimateDocument:
    """The internal document: the client figures plus cost, markup and margin.

    The line references are the client document's (``ref_prefix`` likewise).
    """
    _check(header, priced, totals)
    grouped = _lines_by_section(priced)
    refs = line_refs(priced, ref_prefix)
    internal = totals.internal
    sections: list[InternalSection] = []
    for section in priced.sections:
        lines = []
        for number, line in enumerate(grouped[section.key], start=1):
            amount = totals.line_amounts[line.key]
            cost = internal.line_costs[line.key]
            lines.append(
                InternalLine(
                    number=number,
                    ref=refs[line.key],
                    kind=line.kind,
                    kind_label=KIND_LABELS[line.kind],
                    description=line.description,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    discount_percent=line.discount_percent,
                    tax_rate=line.tax_rate,
                    optional=line.optional,
                    amount=amount,
                    role=line.role,
                    supplier=line.supplier,
                    unit_cost=line.unit_cost,
                    markup_percent=line.markup_percent,
                    cost=cost,
                    margin=amount - cost,  # both at the minor units: exact
                )
            )
        subtotal = totals.section_subtotals[section.key]
        section_cost = internal.section_costs[section.key]
        sections.append(
            InternalSection(
                name=section.name,
                lines=tuple(lines),
                subtotal=subtotal,
                cost=section_cost,
                margin=subtotal - section_cost,
                margin_percent=_margin_percent(subtotal - section_cost, subtotal),
            )
        )
    return InternalEstimateDocument(
        agency=agency,
        header=header,
        sections=tuple(sections),
        totals=_client_totals(priced, totals),
        internal_notes=internal_notes,
        cost=internal.cost,
        margin=internal.margin,
        margin_percent=internal.margin_percent,
        margin_floor_percent=margin_floor_percent,
        below_floor=below_floor,
    )


def _margin_percent(margin: Decimal, amount: Decimal) -> Decimal | None:
    """``margin / amount x 100`` half-up to 2 places, as the domain rounds an estimate's."""
    if amount.is_zero():
        return None
    with localcontext(Context(prec=200, rounding=ROUND_DOWN)):
        ratio = margin * 100 / amount  # truncated far below the 2nd place: exact half-up next
    return round_half_up(ratio, 2)
