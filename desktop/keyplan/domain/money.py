"""Currencies and exact money amounts.

Money is ``decimal.Decimal``, never ``float``. Every amount is held at its currency's number of
minor units (ISO 4217: JPY 0, USD 2, BHD 3, ...). :func:`round_half_up` is the one rounding
function of the app: half-up to the minor unit, away from zero for negatives, like Excel's
``ROUND`` (so an exported spreadsheet recalculates to the same figures).
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision

from keyplan.domain.errors import DomainError, ValidationError

__all__ = [
    "Currency",
    "CurrencyMismatchError",
    "Money",
    "common_codes",
    "is_known",
    "round_half_up",
]

# Arithmetic on amounts runs in this context: wide enough that sums and products of real amounts
# are exact, and ``Inexact`` is trapped so that a result too long for it raises instead of being
# rounded silently. Only :func:`round_half_up` rounds (it is computed without ``Inexact`` traps).
_EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
_ROUNDING = Context(prec=200, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Overflow])

# ISO 4217 minor units where CLDR (babel's ``get_currency_precision``) says something else.
# Checked against babel 2.18 (CLDR data): CLDR gives 0 digits for these, ISO 4217 gives the value
# below. (CLDR's "cash" digits differ for more currencies, e.g. HUF, TWD, IDR, CHF, but
# ``get_currency_precision`` returns the accounting digits, which agree with ISO 4217 for those;
# tests pin USD EUR GBP CNY HKD TWD RUB JPY KRW VND SGD AUD THB IDR INR HUF BHD KWD.)
_ISO_MINOR_UNITS_OVERRIDES: dict[str, int] = {
    "AFN": 2,
    "ALL": 2,
    "IQD": 3,
    "IRR": 2,
    "KPW": 2,
    "LAK": 2,
    "LBP": 2,
    "MGA": 2,
    "MMK": 2,
    "RSD": 2,
    "SOS": 2,
    "SYP": 2,
    "YER": 2,
}

# ISO 4217 codes without minor units ("N.A."): precious metals, IMF/bond units, test and
# "no currency" codes; plus CNH, which CLDR lists but is not an ISO 4217 code.
_NOT_MONEY = frozenset(
    {
        "XAG",
        "XAU",
        "XPD",
        "XPT",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XDR",
        "XSU",
        "XUA",
        "XTS",
        "XXX",
        "CNH",
    }
)


@cache
def _current_codes() -> frozenset[str]:
    """ISO 4217 codes in use today according to CLDR (tender or not, e.g. CLF, USN)."""
    codes: set[str] = set()
    territories: Mapping[str, list[tuple[str, object, object, bool]]] = get_global(
        "territory_currencies"
    )
    for entries in territories.values():
        for code, _start, end, _tender in entries:
            if end is None or _as_date(end) >= _dt.date.today():
                codes.add(code)
    return frozenset(codes - _NOT_MONEY)


def _as_date(value: object) -> _dt.date:
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, tuple) and len(value) == 3:
        return _dt.date(*value)
    raise TypeError(f"unexpected CLDR date {value!r}")


def is_known(code: str) -> bool:
    """Whether ``code`` is a current ISO 4217 currency code (exact, upper case) we can hold."""
    return code in _current_codes()


def common_codes() -> list[str]:
    """Sorted codes of all current currencies, for pickers in the UI."""
    return sorted(_current_codes())


def _minor_units_of(code: str) -> int:
    override = _ISO_MINOR_UNITS_OVERRIDES.get(code)
    if override is not None:
        return override
    return int(get_currency_precision(code))


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency and its number of minor units. Get one with :meth:`Currency.get`."""

    code: str
    minor_units: int

    def __post_init__(self) -> None:
        if not is_known(self.code):
            raise ValidationError("currency", f"'{self.code}' is not a known currency code")
        expected = _minor_units_of(self.code)
        if self.minor_units != expected:
            raise ValueError(
                f"{self.code} has {expected} minor units, not {self.minor_units}; "
                "use Currency.get()"
            )

    @classmethod
    def get(cls, code: str) -> Currency:
        """The currency with ISO code ``code`` (surrounding spaces and case are ignored).

        Raises ``ValidationError`` (field ``"currency"``) for an unknown code.
        """
        normalized = code.strip().upper()
        currency = _CURRENCIES.get(normalized)
        if currency is None:
            if not is_known(normalized):
                raise ValidationError("currency", f"'{code.strip()}' is not a known currency code")
            currency = cls(normalized, _minor_units_of(normalized))
            _CURRENCIES[normalized] = currency
        return currency

    @property
    def quantum(self) -> Decimal:
        """The minor unit as a Decimal: ``Decimal('0.01')`` for USD, ``Decimal('1')`` for JPY."""
        return Decimal(1).scaleb(-self.minor_units)

    def __str__(self) -> str:
        return self.code


_CURRENCIES: dict[str, Currency] = {}


class CurrencyMismatchError(DomainError):
    """Two amounts in different currencies were combined or compared."""

    def __init__(self, left: Currency, right: Currency) -> None:
        super().__init__(f"cannot combine {left.code} with {right.code} without an exchange rate")
        self.left = left
        self.right = right


def _check_exact_number(value: object, what: str) -> None:
    """Refuse ``float`` (and ``bool``) wherever an exact number is expected."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be Decimal or int, not {type(value).__name__}")


def round_half_up(value: Decimal, minor_units: int) -> Decimal:
    """Round ``value`` half-up (away from zero on ties) to ``minor_units`` decimal places.

    ``round_half_up(Decimal('0.005'), 2) == Decimal('0.01')``,
    ``round_half_up(Decimal('-2.5'), 0) == Decimal('-3')`` (like Excel ``ROUND``).
    The result always has exactly ``minor_units`` places; negative zero comes back as zero.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"round_half_up needs a Decimal, not {type(value).__name__}")
    if isinstance(minor_units, bool) or not isinstance(minor_units, int) or minor_units < 0:
        raise ValueError(f"minor_units must be a non-negative int, not {minor_units!r}")
    if not value.is_finite():
        raise ValueError(f"cannot round {value}")
    rounded = value.quantize(Decimal(1).scaleb(-minor_units), context=_ROUNDING)
    return rounded.copy_abs() if rounded.is_zero() else rounded


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency, held at the currency's minor units.

    The constructor only accepts an amount that already fits the currency (``Money(Decimal('1.5'),
    usd)`` is fine, ``Money(Decimal('1.005'), usd)`` raises ``ValueError``); :meth:`Money.of`
    rounds half-up.
    """

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, not {type(self.amount).__name__}")
        if not isinstance(self.currency, Currency):
            raise TypeError(f"Money currency must be a Currency, not {type(self.currency)}")
        if not self.amount.is_finite():
            raise ValueError(f"Money amount must be finite, not {self.amount}")
        rounded = round_half_up(self.amount, self.currency.minor_units)
        if rounded != self.amount:
            raise ValueError(
                f"{self.amount} has more decimals than {self.currency.code} allows "
                f"({self.currency.minor_units}); use Money.of() to round"
            )
        object.__setattr__(self, "amount", rounded)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: Currency) -> Money:
        """``amount`` rounded half-up to ``currency``'s minor units.

        ``amount`` is a Decimal, an int or a machine-format decimal string (``"1234.5"``); a
        ``float`` or ``bool`` raises ``TypeError``. Parse what a user typed with
        :func:`keyplan.domain.numbers.parse_money` instead.
        """
        if isinstance(amount, str):
            try:
                value = Decimal(amount.strip())
            except InvalidOperation:
                raise ValueError(f"'{amount}' is not a decimal number") from None
        else:
            _check_exact_number(amount, "Money amount")
            value = Decimal(amount)
        if not value.is_finite():
            raise ValueError(f"Money amount must be finite, not {amount}")
        return cls(round_half_up(value, currency.minor_units), currency)

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor_units(cls, units: int, currency: Currency) -> Money:
        """``Money.from_minor_units(123456, usd)`` is USD 1234.56."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError(f"minor units must be an int, not {type(units).__name__}")
        return cls(_EXACT.scaleb(Decimal(units), Decimal(-currency.minor_units)), currency)

    @classmethod
    def sum(cls, items: Iterable[Money], currency: Currency) -> Money:
        """The exact sum of ``items`` (zero when empty); all must be in ``currency``."""
        total = Decimal(0)
        for item in items:
            if item.currency != currency:
                raise CurrencyMismatchError(currency, item.currency)
            total = _EXACT.add(total, item.amount)
        return cls(total, currency)

    # -- conversion ---------------------------------------------------------------------------

    def to_minor_units(self) -> int:
        """The amount as an integer count of minor units (cents, yen): USD 1234.56 -> 123456."""
        return int(_EXACT.scaleb(self.amount, Decimal(self.currency.minor_units)))

    def __str__(self) -> str:
        return f"{self.currency.code} {self.amount:f}"

    def format(self, locale: str) -> str:
        """The amount for display in ``locale`` with the currency's decimals, e.g. '¥1,235'."""
        loc = Locale.parse(locale.replace("-", "_"))
        pattern = copy.copy(loc.currency_formats["standard"])
        places = self.currency.minor_units
        pattern.frac_prec = (places, places)
        # babel computes in the current decimal context; make it wide enough for every digit.
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, max(self.amount.adjusted() + 1, 1) + places + 2)
            return format_currency(
                self.amount, self.currency.code, format=pattern, locale=loc, currency_digits=False
            )

    # -- queries ------------------------------------------------------------------------------

    def is_zero(self) -> bool:
        return self.amount.is_zero()

    def is_negative(self) -> bool:
        return self.amount < 0

    # -- arithmetic ---------------------------------------------------------------------------

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(_EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(_EXACT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        """``amount x factor`` rounded half-up to the minor unit (factor never a float)."""
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            return NotImplemented
        if isinstance(factor, Decimal) and not factor.is_finite():
            raise ValueError(f"cannot multiply money by {factor}")
        product = _EXACT.multiply(self.amount, Decimal(factor))
        return Money(round_half_up(product, self.currency.minor_units), self.currency)

    __rmul__ = __mul__

    def allocate(self, ratios: Sequence[Decimal | int]) -> list[Money]:
        """Split into parts proportional to ``ratios`` whose sum is exactly this amount.

        Each part is the exact share truncated to the minor unit; the minor units left over go
        one each to the parts with the largest remainders (earlier parts first on ties). E.g.
        USD 100.00 by (1, 1, 1) -> 33.34, 33.33, 33.33. Ratios are non-negative Decimals or ints
        with a positive sum.
        """
        if not ratios:
            raise ValueError("allocate needs at least one ratio")
        for ratio in ratios:
            _check_exact_number(ratio, "ratio")
            if not Decimal(ratio).is_finite() or ratio < 0:
                raise ValueError(f"ratios must be finite and non-negative, not {ratio}")
        weights = [Decimal(r) for r in ratios]
        total_weight = sum(weights, Decimal(0))
        if total_weight == 0:
            raise ValueError("ratios must not all be zero")
        units = abs(self.to_minor_units())
        sign = -1 if self.amount < 0 else 1
        shares: list[int] = []
        remainders: list[Fraction] = []
        for weight in weights:
            exact = Fraction(units) * Fraction(weight) / Fraction(total_weight)
            whole = math.floor(exact)
            shares.append(whole)
            remainders.append(exact - whole)
        left_over = units - sum(shares)
        by_remainder = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
        for index in by_remainder[:left_over]:
            shares[index] += 1
        return [Money.from_minor_units(sign * share, self.currency) for share in shares]

    # -- comparison (same currency only) ------------------------------------------------------

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount
