"""Pipeline arithmetic: weighted values and totals per stage and currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency, round_half_up
from keyplan.domain.pipeline import (
    DEFAULT_PROBABILITY,
    OPEN_STAGES,
    Stage,
    clean_probability,
    pipeline_by_stage,
    weighted_value,
)

D = Decimal
USD, JPY, VND = Currency.get("USD"), Currency.get("JPY"), Currency.get("VND")


def test_weighted_value_rounds_half_up_to_the_currency() -> None:
    assert weighted_value(D("1000.05"), D(50), USD) == D("500.03")  # 500.025 -> up
    assert weighted_value(D("1001"), D("12.5"), JPY) == D("125")  # 125.125
    assert weighted_value(D("1000"), D(0), VND) == D("0")
    assert weighted_value(D("0.00"), D(75), USD) == D("0.00")


@pytest.mark.parametrize("bad", [D(-1), D("100.01"), D("12.345"), 12.5, True, "50", D("NaN")])
def test_a_probability_is_a_percentage_with_two_decimals(bad: object) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_probability(bad)
    assert raised.value.field == "probability"


def test_stage_defaults_and_open_stages() -> None:
    assert [DEFAULT_PROBABILITY[s] for s in Stage] == [10, 25, 50, 75, 100, 0]
    assert OPEN_STAGES == (Stage.IDENTIFIED, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION)


def test_totals_per_stage_never_add_currencies() -> None:
    totals = pipeline_by_stage(
        [
            (Stage.PROPOSAL, USD, D("100.00"), D(50)),
            (Stage.IDENTIFIED, JPY, D("7000"), D(10)),
            (Stage.PROPOSAL, USD, D("0.05"), D(50)),  # 0.025 -> 0.03
            (Stage.PROPOSAL, JPY, D("10"), D(50)),
        ]
    )
    assert [(t.stage, t.currency, t.count, t.amount, t.weighted) for t in totals] == [
        (Stage.IDENTIFIED, "JPY", 1, D("7000"), D("700")),
        (Stage.PROPOSAL, "JPY", 1, D("10"), D("5")),
        (Stage.PROPOSAL, "USD", 2, D("100.05"), D("50.03")),
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Stage)),
            st.decimals(min_value=0, max_value=10**9, places=2),
            st.decimals(min_value=0, max_value=100, places=2),
        ),
        max_size=20,
    )
)
def test_the_weighted_total_is_the_sum_of_rounded_values(
    rows: list[tuple[Stage, Decimal, Decimal]],
) -> None:
    totals = pipeline_by_stage((stage, USD, amount, p) for stage, amount, p in rows)
    assert sum(t.count for t in totals) == len(rows)
    for total in totals:
        mine = [(a, p) for s, a, p in rows if s == total.stage]
        assert total.weighted == sum((round_half_up(a * p / 100, 2) for a, p in mine), D(0))
        assert total.weighted <= total.amount
