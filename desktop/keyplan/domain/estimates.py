"""Estimate arithmetic: line amounts, subtotals, discount, contingency, fee, tax and margin.

This module is the ONE implementation of the arithmetic of a priced document (an estimate
revision or a change order). The store, the services, the editor's totals panel, the Excel export
(whose ``ROUND`` formulas mirror it) and the PDF all call it, so a figure never differs between
two places.

Pieces
------
A :class:`PricedDocument` holds a currency, ordered :class:`Section` s, ordered :class:`Line` s
(each names its section by key) and estimate-level :class:`Adjustments`. :func:`compute_totals`
turns it into :class:`Totals` (client figures) with :class:`InternalFigures` (cost and margin,
never shown to the client). :func:`diff_documents` compares two documents (two revisions, or an
estimate and its change) line by line and section by section.

Line kinds (:class:`LineKind`): ``labour`` (role, hours or days x bill rate, ``unit_cost`` is the
cost rate), ``third_party`` (supplier net cost ``unit_cost`` plus ``markup_percent`` gives the
``unit_price``: :func:`third_party_price`), ``fixed_fee`` and ``expense`` (quantity x unit price;
``unit_cost`` is the internal cost).

Arithmetic (DOMAIN.md, "Money, numbers and dates")
--------------------------------------------------
Every intermediate product is an exact ``Decimal`` (computed in a 200-digit context that traps
``Inexact``, so nothing is rounded silently); every rounding is half-up (away from zero, like
Excel's ``ROUND``) to the currency's minor units through
:func:`keyplan.domain.money.round_half_up`. A spreadsheet doing the same steps with ``ROUND()``
arrives at the same numbers. With ``r(x)`` = round half-up to the minor units and percentages
divided by 100:

1. line amount = ``r(quantity x unit_price x (1 - discount_percent/100))``. Optional lines are
   priced (and listed in ``line_amounts``, summed in ``optional_total``) but are in no total, no
   fee base and no tax base.
2. subtotal = sum of the non-optional line amounts; a section subtotal is the same sum over the
   section's lines.
3. discount = ``r(subtotal x discount_value/100)`` (``DiscountMode.PERCENT``) or
   ``discount_value`` itself (``DiscountMode.AMOUNT``; it must already be in minor units);
   contingency = ``r(subtotal x contingency_percent/100)``;
   fee = ``r(base x fee_percent/100)`` where the base is the subtotal (``FeeBase.SUBTOTAL``), the
   sum of non-optional labour line amounts (``FeeBase.LABOUR``) or the sum of non-optional
   third-party line amounts (``FeeBase.THIRD_PARTY``).
   The discount is a positive number that is subtracted.
4. For each tax rate: taxable = sum of the non-optional line amounts with that rate
   - discount (if ``discount_tax_rate`` is that rate) + contingency (if ``contingency_tax_rate``
   is) + fee (if ``fee_tax_rate`` is); tax = ``r(rate/100 x taxable)``. A rate appears in
   ``taxable_by_rate`` / ``tax_by_rate`` (ascending by rate) when a non-optional line has it or
   a non-zero discount, contingency or fee carries it; 0 % appears with tax 0.
5. net = subtotal - discount + contingency + fee; tax = sum of the taxes per rate;
   total = net + tax.

Internal figures: line cost = ``r(quantity x unit_cost)``; cost = sum of the non-optional line
costs (per section too); margin = net - cost; margin % = ``round_half_up(margin / net x 100, 2)``
(``None`` when net is 0). :func:`is_below_floor` compares it with the agency's floor.

Amounts in :class:`Totals` always carry exactly the currency's minor units (``Decimal('0.00')``
for USD, ``Decimal('0')`` for JPY). Tax-rate keys are normalised (``Decimal('10')``,
``Decimal('7.5')``), so ``10`` and ``10.00`` are the same rate.

Validation
----------
The dataclasses refuse ``float`` and ``bool`` where a number is expected (``TypeError``) and
non-finite decimals (``ValidationError``); ints are accepted and converted to ``Decimal``. What a
user may enter is checked by :func:`validate_line` and :func:`validate_adjustments`, which raise
``ValidationError(field, message)`` with the attribute name as ``field``:

- quantity: at most 2 decimals, ``|quantity| < 1,000,000,000``, negative only in a change order
  (``allow_negative_quantity=True``);
- unit_price, unit_cost: >= 0, below 10^15, at most the currency's minor units (JPY, KRW, VND:
  whole numbers);
- discount_percent, tax_rate, contingency_percent, fee_percent and the adjustment tax rates:
  0..100 with at most 4 decimals; markup_percent: -100..1000 with at most 4 decimals;
- a third-party line's unit_price must equal ``third_party_price(unit_cost, markup_percent)``;
- description: at most 2,000 characters; unit, role, supplier: at most 200;
- discount in ``AMOUNT`` mode: >= 0, below 10^15, in minor units (in ``PERCENT`` mode: 0..100
  with at most 4 decimals).

:func:`compute_totals` itself does not validate lines (a stored document is computed as it is),
except that an ``AMOUNT`` discount with more decimals than the currency has is refused
(``ValidationError``); numbers far beyond the limits above raise a ``decimal`` signal
(``Inexact`` / ``InvalidOperation``) rather than being rounded silently.

Revision diff
-------------
:func:`diff_documents` matches lines by key and sections by key. A line is ``added``,
``removed`` or ``changed`` (a client-visible field differs: description, section (its name),
kind, quantity, unit, unit_price, discount_percent, tax_rate, optional); unchanged lines and
changes to internal fields only (cost, markup, role, supplier) are not listed. Lines come in the
new display order; a removed line is placed next to its old neighbours: after the nearest
preceding line of its old section that still exists, else before the nearest following one, else
after / before the nearest surviving line of any section, else at the end. Sections are all
sections of either document (new order, removed ones placed the same way) with old and new
subtotals. The two documents must be in the same currency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency, CurrencyMismatchError, round_half_up

__all__ = [
    "CLIENT_FIELDS",
    "DESCRIPTION_MAX",
    "MAX_AMOUNT",
    "MAX_QUANTITY",
    "SHORT_TEXT_MAX",
    "Adjustments",
    "DiscountMode",
    "EstimateDiff",
    "FeeBase",
    "InternalFigures",
    "Line",
    "LineChange",
    "LineKind",
    "PricedDocument",
    "Section",
    "SectionDelta",
    "Totals",
    "compute_totals",
    "diff_documents",
    "is_below_floor",
    "line_amount",
    "line_cost",
    "line_refs",
    "third_party_price",
    "validate_adjustments",
    "validate_line",
]

DESCRIPTION_MAX = 2000
"""Most characters a line description may have."""
SHORT_TEXT_MAX = 200
"""Most characters of a line's unit, role or supplier."""
MAX_QUANTITY = Decimal(10) ** 9
"""A quantity's absolute value must be below this."""
MAX_AMOUNT = Decimal(10) ** 15
"""Unit prices, unit costs and a discount amount must be below this (15 integer digits)."""

QUANTITY_PLACES = 2
PERCENT_PLACES = 4

# Exact arithmetic: wide enough for every product of valid values, and ``Inexact`` is trapped so
# a result that would need rounding raises instead of being rounded silently. Only
# ``round_half_up`` rounds.
_EXACT = Context(
    prec=200, rounding=ROUND_HALF_UP, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow]
)
# For the one division (margin %): truncating at 200 digits and then rounding half-up at 2 places
# gives the exact half-up result (truncation never crosses the half-way point).
_DIVIDE = Context(prec=200, rounding=ROUND_DOWN, traps=[InvalidOperation, DivisionByZero, Overflow])

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


class LineKind(StrEnum):
    """What a line prices."""

    LABOUR = "labour"
    THIRD_PARTY = "third_party"
    FIXED_FEE = "fixed_fee"
    EXPENSE = "expense"


class DiscountMode(StrEnum):
    """Whether the estimate discount is a percentage of the subtotal or an amount."""

    PERCENT = "percent"
    AMOUNT = "amount"


class FeeBase(StrEnum):
    """What the agency fee / commission percentage applies to."""

    SUBTOTAL = "subtotal"
    LABOUR = "labour"
    THIRD_PARTY = "third_party"


# -- type guards -------------------------------------------------------------------------------


def _exact(value: object, name: str) -> Decimal:
    """``value`` as a finite Decimal; floats, bools and other types raise ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValidationError(name, f"{_LABELS.get(name, name)} must be a number, not {value}.")
    return number


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def _currency(value: object) -> Currency:
    if not isinstance(value, Currency):
        raise TypeError(f"currency must be a Currency, not {type(value).__name__}")
    return value


_LABELS = {
    "quantity": "The quantity",
    "unit_price": "The unit price",
    "unit_cost": "The unit cost",
    "markup_percent": "The markup",
    "discount_percent": "The line discount",
    "tax_rate": "The tax rate",
    "discount_value": "The discount",
    "discount_tax_rate": "The discount's tax rate",
    "contingency_percent": "The contingency",
    "contingency_tax_rate": "The contingency's tax rate",
    "fee_percent": "The agency fee",
    "fee_tax_rate": "The agency fee's tax rate",
    "floor_percent": "The margin floor",
}


# -- the document ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One priced line of an estimate or change order (see the module docstring).

    ``unit_cost`` and ``markup_percent`` are internal: never shown to the client.
    """

    key: str
    section_key: str
    kind: LineKind
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    unit_cost: Decimal = _ZERO
    markup_percent: Decimal = _ZERO
    discount_percent: Decimal = _ZERO
    tax_rate: Decimal = _ZERO
    optional: bool = False
    role: str = ""
    supplier: str = ""

    def __post_init__(self) -> None:
        for name in ("key", "section_key", "description", "unit", "role", "supplier"):
            _text(getattr(self, name), name)
        for name in _LINE_NUMBERS:
            object.__setattr__(self, name, _exact(getattr(self, name), name))
        if not isinstance(self.optional, bool):
            raise TypeError(f"optional must be a bool, not {type(self.optional).__name__}")
        object.__setattr__(self, "kind", LineKind(self.kind))


_LINE_NUMBERS = (
    "quantity",
    "unit_price",
    "unit_cost",
    "markup_percent",
    "discount_percent",
    "tax_rate",
)


@dataclass(frozen=True, slots=True)
class Section:
    """A named, ordered group of lines (a phase)."""

    key: str
    name: str

    def __post_init__(self) -> None:
        _text(self.key, "key")
        _text(self.name, "name")


@dataclass(frozen=True, slots=True)
class Adjustments:
    """Estimate-level discount, contingency and agency fee, each with its tax rate."""

    discount_mode: DiscountMode = DiscountMode.PERCENT
    discount_value: Decimal = _ZERO
    discount_tax_rate: Decimal = _ZERO
    contingency_percent: Decimal = _ZERO
    contingency_tax_rate: Decimal = _ZERO
    fee_percent: Decimal = _ZERO
    fee_base: FeeBase = FeeBase.SUBTOTAL
    fee_tax_rate: Decimal = _ZERO

    def __post_init__(self) -> None:
        for name in _ADJUSTMENT_NUMBERS:
            object.__setattr__(self, name, _exact(getattr(self, name), name))
        object.__setattr__(self, "discount_mode", DiscountMode(self.discount_mode))
        object.__setattr__(self, "fee_base", FeeBase(self.fee_base))


_ADJUSTMENT_NUMBERS = (
    "discount_value",
    "discount_tax_rate",
    "contingency_percent",
    "contingency_tax_rate",
    "fee_percent",
    "fee_tax_rate",
)


@dataclass(frozen=True, slots=True)
class PricedDocument:
    """An estimate revision or a change order: what :func:`compute_totals` prices.

    Section keys and line keys are unique, and each line's ``section_key`` names one of
    ``sections`` (``ValueError`` otherwise). Lists are accepted and stored as tuples.
    """

    currency: Currency
    sections: tuple[Section, ...]
    lines: tuple[Line, ...]
    adjustments: Adjustments = field(default_factory=Adjustments)

    def __post_init__(self) -> None:
        _currency(self.currency)
        sections = tuple(self.sections)
        lines = tuple(self.lines)
        for section in sections:
            if not isinstance(section, Section):
                raise TypeError(f"sections must hold Section, not {type(section).__name__}")
        for line in lines:
            if not isinstance(line, Line):
                raise TypeError(f"lines must hold Line, not {type(line).__name__}")
        if not isinstance(self.adjustments, Adjustments):
            raise TypeError(
                f"adjustments must be Adjustments, not {type(self.adjustments).__name__}"
            )
        section_keys = {section.key for section in sections}
        if len(section_keys) != len(sections):
            raise ValueError("section keys must be unique")
        if len({line.key for line in lines}) != len(lines):
            raise ValueError("line keys must be unique")
        for line in lines:
            if line.section_key not in section_keys:
                raise ValueError(f"line {line.key} names an unknown section {line.section_key}")
        object.__setattr__(self, "sections", sections)
        object.__setattr__(self, "lines", lines)


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InternalFigures:
    """Cost and margin: internal, never on a client document."""

    line_costs: Mapping[str, Decimal]
    section_costs: Mapping[str, Decimal]
    cost: Decimal
    margin: Decimal
    margin_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class Totals:
    """Every figure of a priced document, rounded as the module docstring says."""

    currency: Currency
    line_amounts: Mapping[str, Decimal]
    section_subtotals: Mapping[str, Decimal]
    optional_total: Decimal
    subtotal: Decimal
    discount: Decimal
    contingency: Decimal
    fee: Decimal
    net: Decimal
    taxable_by_rate: Mapping[Decimal, Decimal]
    tax_by_rate: Mapping[Decimal, Decimal]
    tax: Decimal
    total: Decimal
    internal: InternalFigures


# -- arithmetic --------------------------------------------------------------------------------


def _fraction(percent: Decimal) -> Decimal:
    """``percent / 100``, exactly."""
    return percent.scaleb(-2, context=_EXACT)


def _rate_key(rate: Decimal) -> Decimal:
    """A tax rate in one canonical form: ``Decimal('10')`` for 10, 10.0 and 10.00."""
    if rate.is_zero():
        return _ZERO
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1), context=_EXACT)
    return rate.normalize(context=_EXACT)


def third_party_price(unit_cost: Decimal, markup_percent: Decimal, currency: Currency) -> Decimal:
    """The client unit price of a pass-through cost: ``r(unit_cost x (1 + markup/100))``."""
    cost = _exact(unit_cost, "unit_cost")
    markup = _exact(markup_percent, "markup_percent")
    places = _currency(currency).minor_units
    with localcontext(_EXACT):
        return round_half_up(cost * (1 + _fraction(markup)), places)


def line_amount(line: Line, currency: Currency) -> Decimal:
    """``r(quantity x unit_price x (1 - discount_percent/100))``."""
    if not isinstance(line, Line):
        raise TypeError(f"line must be a Line, not {type(line).__name__}")
    places = _currency(currency).minor_units
    with localcontext(_EXACT):
        factor = 1 - _fraction(line.discount_percent)
        return round_half_up(line.quantity * line.unit_price * factor, places)


def line_cost(line: Line, currency: Currency) -> Decimal:
    """The internal cost of a line: ``r(quantity x unit_cost)``."""
    if not isinstance(line, Line):
        raise TypeError(f"line must be a Line, not {type(line).__name__}")
    places = _currency(currency).minor_units
    with localcontext(_EXACT):
        return round_half_up(line.quantity * line.unit_cost, places)


def line_refs(document: PricedDocument, prefix: str = "") -> dict[str, str]:
    """The visible reference of each line, by line key: ``"2.3"`` is the third line of the
    second section (sections and lines counted from 1 in document order).

    The same numbers are printed on the workbooks and PDFs, so a client or a finance team can
    name a line ("item 2.3") and an import can find it again. A revision never changes once
    sent, so a reference names one line of that revision exactly. ``prefix`` marks a change
    order's lines (``"CO1-"`` gives ``"CO1-1.2"``).
    """
    section_numbers = {section.key: number for number, section in enumerate(document.sections, 1)}
    counters: dict[str, int] = {}
    refs: dict[str, str] = {}
    for line in document.lines:
        counters[line.section_key] = counters.get(line.section_key, 0) + 1
        refs[line.key] = f"{prefix}{section_numbers[line.section_key]}.{counters[line.section_key]}"
    return refs


def _percent_of(amount: Decimal, percent: Decimal, places: int) -> Decimal:
    with localcontext(_EXACT):
        return round_half_up(amount * _fraction(percent), places)


def _discount(adjustments: Adjustments, subtotal: Decimal, currency: Currency) -> Decimal:
    places = currency.minor_units
    if adjustments.discount_mode is DiscountMode.PERCENT:
        return _percent_of(subtotal, adjustments.discount_value, places)
    value = adjustments.discount_value
    if abs(value) >= MAX_AMOUNT:
        raise ValidationError("discount_value", "The discount amount is too large.")
    rounded = round_half_up(value, places)
    if rounded != value:
        raise ValidationError("discount_value", _decimals_message(currency))
    return rounded


def compute_totals(document: PricedDocument) -> Totals:
    """Price ``document``: the five steps of the module docstring, plus the internal figures."""
    if not isinstance(document, PricedDocument):
        raise TypeError(f"document must be a PricedDocument, not {type(document).__name__}")
    currency = document.currency
    places = currency.minor_units
    zero = round_half_up(_ZERO, places)
    adj = document.adjustments

    with localcontext(_EXACT):
        amounts: dict[str, Decimal] = {}
        costs: dict[str, Decimal] = {}
        section_subtotals = dict.fromkeys((s.key for s in document.sections), zero)
        section_costs = dict.fromkeys((s.key for s in document.sections), zero)
        subtotal = optional_total = labour = third_party = cost = zero
        line_taxable: dict[Decimal, Decimal] = {}
        for line in document.lines:
            amount = line_amount(line, currency)
            line_cost_ = line_cost(line, currency)
            amounts[line.key] = amount
            costs[line.key] = line_cost_
            if line.optional:
                optional_total += amount
                continue
            subtotal += amount
            cost += line_cost_
            section_subtotals[line.section_key] += amount
            section_costs[line.section_key] += line_cost_
            if line.kind is LineKind.LABOUR:
                labour += amount
            elif line.kind is LineKind.THIRD_PARTY:
                third_party += amount
            rate = _rate_key(line.tax_rate)
            line_taxable[rate] = line_taxable.get(rate, zero) + amount

        discount = _discount(adj, subtotal, currency)
        contingency = _percent_of(subtotal, adj.contingency_percent, places)
        if adj.fee_base is FeeBase.LABOUR:
            fee_base = labour
        elif adj.fee_base is FeeBase.THIRD_PARTY:
            fee_base = third_party
        else:
            fee_base = subtotal
        fee = _percent_of(fee_base, adj.fee_percent, places)

        taxable = dict(line_taxable)
        for amount, rate in (
            (-discount, adj.discount_tax_rate),
            (contingency, adj.contingency_tax_rate),
            (fee, adj.fee_tax_rate),
        ):
            if amount:
                key = _rate_key(rate)
                taxable[key] = taxable.get(key, zero) + amount
        taxable_by_rate = {rate: taxable[rate] for rate in sorted(taxable)}
        tax_by_rate = {
            rate: round_half_up(_fraction(rate) * base, places)
            for rate, base in taxable_by_rate.items()
        }
        tax = sum(tax_by_rate.values(), zero)
        net = subtotal - discount + contingency + fee
        total = net + tax
        margin = net - cost
        margin_percent = None
        if net:
            with localcontext(_DIVIDE):
                ratio = margin * _HUNDRED / net
            margin_percent = round_half_up(ratio, 2)

    return Totals(
        currency=currency,
        line_amounts=MappingProxyType(amounts),
        section_subtotals=MappingProxyType(section_subtotals),
        optional_total=optional_total,
        subtotal=subtotal,
        discount=discount,
        contingency=contingency,
        fee=fee,
        net=net,
        taxable_by_rate=MappingProxyType(taxable_by_rate),
        tax_by_rate=MappingProxyType(tax_by_rate),
        tax=tax,
        total=total,
        internal=InternalFigures(
            line_costs=MappingProxyType(costs),
            section_costs=MappingProxyType(section_costs),
            cost=cost,
            margin=margin,
            margin_percent=margin_percent,
        ),
    )


def is_below_floor(totals: Totals, floor_percent: Decimal) -> bool:
    """Whether the margin % is known and below the agency's floor (e.g. ``Decimal('25')``)."""
    if not isinstance(totals, Totals):
        raise TypeError(f"totals must be Totals, not {type(totals).__name__}")
    floor = _exact(floor_percent, "floor_percent")
    margin_percent = totals.internal.margin_percent
    return margin_percent is not None and margin_percent < floor


# -- validation --------------------------------------------------------------------------------


def _decimals_message(currency: Currency) -> str:
    if currency.minor_units == 0:
        return f"{currency.code} has no decimals: enter a whole number."
    plural = "decimal" if currency.minor_units == 1 else "decimals"
    return f"{currency.code} has {currency.minor_units} {plural}: enter at most that many."


def _has_at_most(value: Decimal, places: int) -> bool:
    """Whether ``value`` needs no more than ``places`` decimals (``1.50`` needs 1)."""
    return round_half_up(value, places) == value


def _check_percent(value: Decimal, name: str, low: int = 0, high: int = 100) -> None:
    label = _LABELS[name]
    if not low <= value <= high:
        raise ValidationError(name, f"{label} must be between {low} and {high} %.")
    if not _has_at_most(value, PERCENT_PLACES):
        raise ValidationError(name, f"{label} can have at most {PERCENT_PLACES} decimals.")


def _check_amount(value: Decimal, name: str, currency: Currency) -> None:
    label = _LABELS[name]
    if value < 0:
        raise ValidationError(name, f"{label} cannot be negative.")
    if value >= MAX_AMOUNT:
        raise ValidationError(name, f"{label} is too large (at most 15 digits before the point).")
    if not _has_at_most(value, currency.minor_units):
        raise ValidationError(name, _decimals_message(currency))


def _check_length(value: str, name: str, label: str, limit: int) -> None:
    if len(value) > limit:
        raise ValidationError(
            name, f"{label} is too long: {len(value)} characters, at most {limit}."
        )


def validate_line(line: Line, currency: Currency, *, allow_negative_quantity: bool = False) -> None:
    """Raise ``ValidationError`` naming the first field of ``line`` a user must correct.

    ``allow_negative_quantity`` is for change orders, whose lines may remove quantities.
    """
    if not isinstance(line, Line):
        raise TypeError(f"line must be a Line, not {type(line).__name__}")
    _currency(currency)
    if not isinstance(allow_negative_quantity, bool):
        raise TypeError("allow_negative_quantity must be a bool")

    _check_length(line.description, "description", "The description", DESCRIPTION_MAX)
    _check_length(line.unit, "unit", "The unit", SHORT_TEXT_MAX)
    _check_length(line.role, "role", "The role", SHORT_TEXT_MAX)
    _check_length(line.supplier, "supplier", "The supplier", SHORT_TEXT_MAX)

    quantity = line.quantity
    if quantity < 0 and not allow_negative_quantity:
        raise ValidationError(
            "quantity", "The quantity cannot be negative (only a change order removes quantities)."
        )
    if abs(quantity) >= MAX_QUANTITY:
        raise ValidationError("quantity", "The quantity must be below 1,000,000,000.")
    if not _has_at_most(quantity, QUANTITY_PLACES):
        raise ValidationError(
            "quantity", f"The quantity can have at most {QUANTITY_PLACES} decimals."
        )

    _check_amount(line.unit_price, "unit_price", currency)
    _check_amount(line.unit_cost, "unit_cost", currency)
    _check_percent(line.markup_percent, "markup_percent", -100, 1000)
    _check_percent(line.discount_percent, "discount_percent")
    _check_percent(line.tax_rate, "tax_rate")

    if line.kind is LineKind.THIRD_PARTY:
        expected = third_party_price(line.unit_cost, line.markup_percent, currency)
        if line.unit_price != expected:
            raise ValidationError(
                "unit_price",
                "The price of a third-party line is its cost plus the markup: "
                f"{expected:f}, not {line.unit_price:f}.",
            )


def validate_adjustments(adj: Adjustments, currency: Currency) -> None:
    """Raise ``ValidationError`` naming the first estimate-level figure a user must correct."""
    if not isinstance(adj, Adjustments):
        raise TypeError(f"adj must be Adjustments, not {type(adj).__name__}")
    _currency(currency)
    if adj.discount_mode is DiscountMode.PERCENT:
        _check_percent(adj.discount_value, "discount_value")
    else:
        _check_amount(adj.discount_value, "discount_value", currency)
    _check_percent(adj.discount_tax_rate, "discount_tax_rate")
    _check_percent(adj.contingency_percent, "contingency_percent")
    _check_percent(adj.contingency_tax_rate, "contingency_tax_rate")
    _check_percent(adj.fee_percent, "fee_percent")
    _check_percent(adj.fee_tax_rate, "fee_tax_rate")


# -- revision diff -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineChange:
    """One line that differs between two documents (amounts are rounded line amounts)."""

    key: str
    description: str
    section_name: str
    status: Literal["added", "removed", "changed"]
    fields: Mapping[str, tuple[object, object]]
    amount_old: Decimal
    amount_new: Decimal


@dataclass(frozen=True, slots=True)
class SectionDelta:
    """A section's subtotal before and after (0 where it does not exist)."""

    key: str
    name: str
    old: Decimal
    new: Decimal
    delta: Decimal


@dataclass(frozen=True, slots=True)
class EstimateDiff:
    """What changed from one document to another; deltas are new minus old."""

    lines: tuple[LineChange, ...]
    sections: tuple[SectionDelta, ...]
    subtotal_delta: Decimal
    discount_delta: Decimal
    contingency_delta: Decimal
    fee_delta: Decimal
    tax_delta_by_rate: Mapping[Decimal, Decimal]
    total_delta: Decimal
    old_total: Decimal
    new_total: Decimal
    internal_cost_delta: Decimal


CLIENT_FIELDS: tuple[str, ...] = (
    "description",
    "section",
    "kind",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "tax_rate",
    "optional",
)
"""The client-visible fields a :class:`LineChange` reports, in this order."""


def _merge_order(
    old_keys: Sequence[str],
    new_keys: Sequence[str],
    group: Callable[[str], str] | None = None,
) -> list[str]:
    """``new_keys`` in order with the keys only in ``old_keys`` placed by their old neighbours."""
    survivors = set(new_keys)
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    at_end: list[str] = []

    def nearest(index: int, step: int, same_group: bool) -> str | None:
        position = index + step
        while 0 <= position < len(old_keys):
            candidate = old_keys[position]
            if candidate in survivors and (
                not same_group or group is None or group(candidate) == group(old_keys[index])
            ):
                return candidate
            position += step
        return None

    for index, key in enumerate(old_keys):
        if key in survivors:
            continue
        for same_group in (True, False):
            anchor = nearest(index, -1, same_group)
            if anchor is not None:
                after.setdefault(anchor, []).append(key)
                break
            anchor = nearest(index, +1, same_group)
            if anchor is not None:
                before.setdefault(anchor, []).append(key)
                break
        else:
            at_end.append(key)

    order: list[str] = []
    for key in new_keys:
        order.extend(before.get(key, ()))
        order.append(key)
        order.extend(after.get(key, ()))
    order.extend(at_end)
    return order


def _client_values(line: Line, section: Section) -> dict[str, object]:
    return {
        "description": line.description,
        "section": section.name,
        "kind": line.kind,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "discount_percent": line.discount_percent,
        "tax_rate": line.tax_rate,
        "optional": line.optional,
    }


def _rate_deltas(
    old: Mapping[Decimal, Decimal], new: Mapping[Decimal, Decimal], zero: Decimal
) -> dict[Decimal, Decimal]:
    rates: Iterable[Decimal] = sorted(set(old) | set(new))
    with localcontext(_EXACT):
        return {rate: new.get(rate, zero) - old.get(rate, zero) for rate in rates}


def diff_documents(old: PricedDocument, new: PricedDocument) -> EstimateDiff:
    """Compare two documents in one currency: lines by key, sections by key (see the module)."""
    for name, document in (("old", old), ("new", new)):
        if not isinstance(document, PricedDocument):
            raise TypeError(f"{name} must be a PricedDocument, not {type(document).__name__}")
    if old.currency != new.currency:
        raise CurrencyMismatchError(old.currency, new.currency)
    currency = new.currency
    zero = round_half_up(_ZERO, currency.minor_units)
    old_totals = compute_totals(old)
    new_totals = compute_totals(new)

    old_sections = {section.key: section for section in old.sections}
    new_sections = {section.key: section for section in new.sections}
    old_lines = {line.key: line for line in old.lines}
    new_lines = {line.key: line for line in new.lines}

    changes: list[LineChange] = []
    order = _merge_order(
        [line.key for line in old.lines],
        [line.key for line in new.lines],
        lambda key: old_lines[key].section_key,
    )
    for key in order:
        before_line = old_lines.get(key)
        after_line = new_lines.get(key)
        if after_line is None:
            assert before_line is not None
            changes.append(
                LineChange(
                    key=key,
                    description=before_line.description,
                    section_name=old_sections[before_line.section_key].name,
                    status="removed",
                    fields=MappingProxyType({}),
                    amount_old=old_totals.line_amounts[key],
                    amount_new=zero,
                )
            )
            continue
        section = new_sections[after_line.section_key]
        if before_line is None:
            changes.append(
                LineChange(
                    key=key,
                    description=after_line.description,
                    section_name=section.name,
                    status="added",
                    fields=MappingProxyType({}),
                    amount_old=zero,
                    amount_new=new_totals.line_amounts[key],
                )
            )
            continue
        old_section = old_sections[before_line.section_key]
        was = _client_values(before_line, old_section)
        now = _client_values(after_line, section)
        changed = {name: (was[name], now[name]) for name in CLIENT_FIELDS if was[name] != now[name]}
        if before_line.section_key != after_line.section_key:
            changed["section"] = (old_section.name, section.name)
            changed = {name: changed[name] for name in CLIENT_FIELDS if name in changed}
        if changed:
            changes.append(
                LineChange(
                    key=key,
                    description=after_line.description,
                    section_name=section.name,
                    status="changed",
                    fields=MappingProxyType(changed),
                    amount_old=old_totals.line_amounts[key],
                    amount_new=new_totals.line_amounts[key],
                )
            )

    section_deltas: list[SectionDelta] = []
    with localcontext(_EXACT):
        for key in _merge_order([s.key for s in old.sections], [s.key for s in new.sections]):
            named = new_sections.get(key) or old_sections[key]
            before_amount = old_totals.section_subtotals.get(key, zero)
            after_amount = new_totals.section_subtotals.get(key, zero)
            section_deltas.append(
                SectionDelta(
                    key=key,
                    name=named.name,
                    old=before_amount,
                    new=after_amount,
                    delta=after_amount - before_amount,
                )
            )

        return EstimateDiff(
            lines=tuple(changes),
            sections=tuple(section_deltas),
            subtotal_delta=new_totals.subtotal - old_totals.subtotal,
            discount_delta=new_totals.discount - old_totals.discount,
            contingency_delta=new_totals.contingency - old_totals.contingency,
            fee_delta=new_totals.fee - old_totals.fee,
            tax_delta_by_rate=MappingProxyType(
                _rate_deltas(old_totals.tax_by_rate, new_totals.tax_by_rate, zero)
            ),
            total_delta=new_totals.total - old_totals.total,
            old_total=old_totals.total,
            new_total=new_totals.total,
            internal_cost_delta=new_totals.internal.cost - old_totals.internal.cost,
        )
