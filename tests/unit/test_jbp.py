"""Domain rules of joint business plans: the exact split of a year's target into QBPs and MBPs
(property tests, JPY and VND with no decimals), ratios carried, months rolled up into a
quarter, plan against actual with the direction of the measure, who funds what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain import jbp
from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency

D = Decimal


# -- phases and measures -------------------------------------------------------------------------


def test_the_five_phases_in_the_industry_order() -> None:
    assert [jbp.PHASE_LABELS[p] for p in jbp.PHASES] == [
        "Foundation",
        "Discover and align",
        "Initiative planning",
        "Execute",
        "Monitor and renew",
    ]
    assert [p.number for p in jbp.PHASES] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("metric", "unit", "additive", "rule"),
    [
        ("turnover", "USD", True, jbp.Rollup.SUM),
        ("volume", "units", True, jbp.Rollup.SUM),
        ("cash_margin", "VND", True, jbp.Rollup.SUM),
        ("media_spend", "JPY", True, jbp.Rollup.SUM),
        ("margin_pct", "%", False, jbp.Rollup.WEIGHTED),
        ("share", "%", False, jbp.Rollup.AVERAGE),
        ("custom", "orders", True, jbp.Rollup.SUM),
        ("custom", "%", False, jbp.Rollup.AVERAGE),
        ("custom", "x", False, jbp.Rollup.AVERAGE),
        ("custom", "USD/order", False, jbp.Rollup.AVERAGE),
        ("custom", "per visit", False, jbp.Rollup.AVERAGE),
    ],
)
def test_which_measures_add_up(metric: str, unit: str, additive: bool, rule: jbp.Rollup) -> None:
    assert jbp.is_additive(metric, unit) is additive
    assert jbp.rollup_rule(metric, unit) is rule


def test_default_units() -> None:
    assert jbp.default_unit("turnover", "VND") == "VND"
    assert jbp.default_unit("margin_pct", "VND") == "%"
    assert jbp.default_unit("volume", "USD") == "units"
    assert jbp.default_unit("custom", "USD") == ""


def test_periods_of_a_year_and_a_quarter() -> None:
    assert jbp.period_codes(2026, "quarter") == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
    assert jbp.period_codes(2026, "month")[::11] == ("2026-01", "2026-12")
    assert jbp.months_of_quarter("2026-Q3") == ("2026-07", "2026-08", "2026-09")
    assert jbp.period_in_year("2026-05", 2026).label == "May 2026"
    with pytest.raises(ValidationError, match="not in the plan's year 2026"):
        jbp.period_in_year("2027-Q1", 2026)
    with pytest.raises(ValidationError, match="quarter"):
        jbp.period_in_year("2026-W10", 2026)


# -- the split -----------------------------------------------------------------------------------


def test_a_split_gives_the_remainder_to_the_last_period() -> None:
    assert jbp.split_target(D("100.00"), [D(1)] * 3, 2) == [D("33.33"), D("33.33"), D("33.34")]
    vnd = jbp.split_target(D(1_000_000), [D(1)] * 12, 0)
    assert vnd == [D(83_333)] * 11 + [D(83_337)]
    assert jbp.split_target(D(7), [D(1)] * 12, 0) == [D(0)] * 11 + [D(7)]  # never negative
    assert jbp.split_target(D("-100.00"), [D(1)] * 3, 2)[-1] == D("-33.34")


def test_a_seasonality_profile_by_month_or_by_quarter() -> None:
    months = [D(w) for w in (11, 5, 7, 7, 7, 7, 7, 8, 10, 9, 12, 10)]
    assert jbp.profile_weights("quarter", months) == [D(23), D(21), D(25), D(31)]
    assert jbp.profile_weights("month", [D(1), D(2), D(3), D(4)])[:4] == [D(1), D(1), D(1), D(2)]
    assert jbp.profile_weights("quarter", None) == [D(1)] * 4
    parts = jbp.derive_targets(D(240_000_000_000), additive=True, grain="quarter",
                               places=0, profile=months)  # fmt: skip
    assert parts == [D(55_200_000_000), D(50_400_000_000), D(60_000_000_000), D(74_400_000_000)]
    for bad, message in (
        ([D(1)] * 5, "12 monthly or 4 quarterly"),
        ([D(-1), D(1), D(1), D(1)], "negative"),
        ([D(0)] * 4, "above 0"),
    ):
        with pytest.raises(ValidationError, match=message):
            jbp.profile_weights("quarter", bad)


def test_ratios_are_carried_not_split() -> None:
    assert (
        jbp.derive_targets(D("31.5"), additive=False, grain="month", places=1) == [D("31.5")] * 12
    )
    assert jbp.derive_targets(None, additive=True, grain="quarter", places=2) == [None] * 4


currencies = st.sampled_from(["USD", "EUR", "JPY", "VND", "KRW", "BHD"])
weights = st.lists(st.integers(min_value=0, max_value=1000), min_size=12, max_size=12).filter(
    lambda ws: sum(ws) > 0
)


@given(
    code=currencies,
    units=st.integers(min_value=-(10**14), max_value=10**14),
    grain=st.sampled_from(["quarter", "month"]),
    profile=st.one_of(st.none(), weights),
)
def test_the_parts_always_sum_exactly_to_the_year(
    code: str, units: int, grain: str, profile: list[int] | None
) -> None:
    currency = Currency.get(code)
    annual = D(units).scaleb(-currency.minor_units)
    parts = jbp.derive_targets(
        annual, additive=True, grain=grain, places=currency.minor_units, profile=profile
    )
    assert len(parts) == (4 if grain == "quarter" else 12)
    assert sum(p for p in parts if p is not None) == annual  # to the last minor unit
    for part in parts:
        assert part is not None
        assert part == part.quantize(currency.quantum)  # JPY and VND: no decimals ever
        assert part * annual >= 0  # never the other sign
    # every part but the last is its exact share cut towards zero
    shares = jbp.profile_weights(grain, profile)
    whole = sum(shares)
    for part, share in zip(parts[:-1], shares[:-1], strict=True):
        assert part is not None
        assert abs(part) <= abs(annual) * share / whole


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=4))
def test_quantities_keep_the_decimals_of_their_target(units: int, places: int) -> None:
    annual = D(units).scaleb(-places)
    parts = jbp.split_target(annual, [D(1)] * 12, 0)  # the target's own decimals win
    assert sum(parts) == annual


# -- rolling months up ---------------------------------------------------------------------------


def test_additive_months_are_summed_and_ratios_averaged() -> None:
    assert jbp.roll_up([D(100), None, D(50)], "sum") == D(150)
    assert jbp.roll_up([None, None, None], "sum") is None
    assert jbp.roll_up([D(20), D(21), D(23)], "average") == D("21.3333")


def test_margin_percent_is_recomputed_from_the_turnover() -> None:
    # 20 % of 100 and 30 % of 300: the quarter's margin is 110 / 400 = 27.5 %, not 25 %
    assert jbp.roll_up([D(20), D(30), None], "weighted", [D(100), D(300), None]) == D("27.5000")
    # without turnover for a month that has a margin: the plain average
    assert jbp.roll_up([D(20), D(30)], "weighted", [D(100), None]) == D("25.0000")
    assert jbp.roll_up([D(20), D(30)], "weighted", None) == D("25.0000")
    assert jbp.roll_up([D(20), D(30)], "weighted", [D(0), D(0)]) == D("25.0000")


# -- plan against actual -------------------------------------------------------------------------


def test_higher_is_better() -> None:
    assert jbp.rag(D(100), D(100), True) is jbp.Rag.GREEN
    assert jbp.rag(D(100), D(90), True) is jbp.Rag.AMBER  # exactly 10 % short: amber
    assert jbp.rag(D(100), D("89.99"), True) is jbp.Rag.RED
    comparison = jbp.compare(D(200), D(190), True)
    assert (comparison.variance, comparison.achieved_percent) == (D(-10), D("95.0"))


def test_lower_is_better() -> None:
    assert jbp.rag(D(40), D(39), False) is jbp.Rag.GREEN
    assert jbp.rag(D(40), D(44), False) is jbp.Rag.AMBER
    assert jbp.rag(D(40), D("44.01"), False) is jbp.Rag.RED
    comparison = jbp.compare(D(40), D(50), False)
    assert comparison.variance == D(10)  # actual - target, whatever the direction
    assert comparison.achieved_percent == D("80.0")  # target / actual


def test_comparisons_without_a_figure_or_with_zero() -> None:
    assert jbp.compare(None, D(5), True) == jbp.Comparison(None, D(5), None, None, None)
    assert jbp.compare(D(0), D(5), True).achieved_percent is None
    assert jbp.compare(D(0), D(5), True).rag is jbp.Rag.GREEN
    assert jbp.compare(D(10), D(0), False).achieved_percent is None
    assert jbp.rag(D(-100), D(-105), True) is jbp.Rag.AMBER  # 10 % of the target's size


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.booleans(),
)
def test_rag_is_green_exactly_when_the_target_is_met(
    target: int, actual: int, higher: bool
) -> None:
    t, a = D(target).scaleb(-2), D(actual).scaleb(-2)
    met = a >= t if higher else a <= t
    assert (jbp.rag(t, a, higher) is jbp.Rag.GREEN) is met


def test_progress_to_date() -> None:
    quarters = [
        jbp.compare(D(100), D(110), True),
        jbp.compare(D(100), D(90), True),
        jbp.compare(D(100), None, True),
        jbp.compare(D(100), None, True),
    ]
    additive = jbp.progress(D(400), quarters, additive=True, higher_is_better=True)
    assert additive.quarters_reported == 2
    assert (additive.to_date.target, additive.to_date.actual) == (D(200), D(200))
    assert (additive.bar, additive.marker) == (D("0.5000"), D("0.5000"))
    ratio = jbp.progress(D(30), quarters, additive=False, higher_is_better=True)
    assert ratio.to_date.actual == D(90) and ratio.marker == D(1)
    nothing = jbp.progress(D(30), quarters[2:], additive=True, higher_is_better=True)
    assert nothing.bar is None and nothing.quarters_reported == 0


# -- investments ---------------------------------------------------------------------------------


def test_who_pays_what() -> None:
    assert jbp.client_part(D("1001"), "shared", D(50), 0) == D(501)  # half-up to the đồng
    assert jbp.client_part(D("100.00"), "shared", None, 2) == D("50.00")
    assert jbp.client_part(D("100.00"), "client", D(10), 2) == D("100.00")
    assert jbp.client_part(D("100.00"), "agency", None, 2) == D("0.00")
    usd, vnd = Currency.get("USD"), Currency.get("VND")
    totals = jbp.funder_totals(
        [
            ("client", None, usd, D("1000.00")),
            ("agency", None, usd, D("250.50")),
            ("shared", D("33.3333"), usd, D("100.00")),
            ("shared", D(70), vnd, D(900_000_000)),
        ]
    )
    assert [t.currency for t in totals] == ["USD", "VND"]  # never added across currencies
    dollars = totals[0]
    assert (dollars.client_funded, dollars.agency_funded, dollars.shared) == (
        D("1000.00"),
        D("250.50"),
        D("100.00"),
    )
    assert dollars.total == D("1350.50")
    assert dollars.client_pays == D("1033.33")
    assert dollars.client_pays + dollars.agency_pays == dollars.total
    assert totals[1].client_pays == D(630_000_000)
