"""Opportunities and the pipeline: stages, probabilities and the weighted value.

An opportunity moves through the stages in :class:`Stage` order (it may skip or go back); the
date it entered each stage is kept. Its probability is the stage's default
(:data:`DEFAULT_PROBABILITY`) unless the owner set one. Weighted value = amount x probability,
rounded half-up to the currency's minor units; pipeline totals add the rounded values per
currency (amounts in different currencies are never added).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from keyplan.domain.errors import ValidationError
from keyplan.domain.estimates import MAX_AMOUNT
from keyplan.domain.money import Currency, round_half_up

__all__ = [
    "DEFAULT_PROBABILITY",
    "OPEN_STAGES",
    "OpportunityType",
    "Stage",
    "StageTotal",
    "clean_probability",
    "pipeline_by_stage",
    "weighted_value",
]


class OpportunityType(StrEnum):
    NEW_BUSINESS = "new_business"
    UPSELL = "upsell"
    CROSS_SELL = "cross_sell"
    RENEWAL = "renewal"
    EXPANSION = "expansion"


class Stage(StrEnum):
    IDENTIFIED = "identified"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)


OPEN_STAGES = tuple(stage for stage in Stage if stage.is_open)
DEFAULT_PROBABILITY = MappingProxyType(
    {
        Stage.IDENTIFIED: Decimal(10),
        Stage.QUALIFIED: Decimal(25),
        Stage.PROPOSAL: Decimal(50),
        Stage.NEGOTIATION: Decimal(75),
        Stage.WON: Decimal(100),
        Stage.LOST: Decimal(0),
    }
)


def clean_probability(value: object, field: str = "probability") -> Decimal:
    """A percentage from 0 to 100 with at most 2 decimals."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(field, "Enter the probability as a percentage, 0 to 100.")
    number = Decimal(value)
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationError(field, "Enter the probability as a percentage, 0 to 100.")
    if round_half_up(number, 2) != number:
        raise ValidationError(field, "Use at most 2 decimals for the probability.")
    return number


def weighted_value(amount: Decimal, probability: Decimal, currency: Currency) -> Decimal:
    """``amount x probability / 100``, rounded half-up to the currency's minor units."""
    if amount < 0 or amount >= MAX_AMOUNT:
        raise ValidationError("amount", "The amount must be from 0 and below 10^15.")
    return round_half_up(amount * clean_probability(probability) / 100, currency.minor_units)


@dataclass(frozen=True, slots=True)
class StageTotal:
    stage: Stage
    currency: str
    count: int
    amount: Decimal
    weighted: Decimal


def pipeline_by_stage(
    opportunities: Iterable[tuple[Stage, Currency, Decimal, Decimal]],
) -> list[StageTotal]:
    """Totals per stage and currency of (stage, currency, amount, probability) tuples, in
    stage order then currency code; every stage with an opportunity is listed."""
    totals: dict[tuple[Stage, str], tuple[int, Decimal, Decimal]] = {}
    for stage, currency, amount, probability in opportunities:
        key = (Stage(stage), currency.code)
        count, total, weighted = totals.get(key, (0, Decimal(0), Decimal(0)))
        totals[key] = (
            count + 1,
            total + amount,
            weighted + weighted_value(amount, probability, currency),
        )
    order = list(Stage)
    return [
        StageTotal(stage, code, count, amount, weighted)
        for (stage, code), (count, amount, weighted) in sorted(
            totals.items(), key=lambda item: (order.index(item[0][0]), item[0][1])
        )
    ]
