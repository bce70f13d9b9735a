"""Estimate versus actual: worked examples, validation and hypothesis properties.

The worked examples are computed by hand (the arithmetic is in the comments); the properties
check the rules of :mod:`keyplan.domain.actuals` against :func:`compute_totals` and an exact
Fraction oracle.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyplan.domain.actuals import (
    ActualEntry,
    BaselinePart,
    EstimateVariance,
    VarianceFigures,
    combine,
    compute_variance,
    estimated_hours,
    validate_actual,
)
from keyplan.domain.errors import ValidationError
from keyplan.domain.estimates import (
    Adjustments,
    Line,
    LineKind,
    PricedDocument,
    Section,
    compute_totals,
    line_refs,
    third_party_price,
)
from keyplan.domain.money import Currency

D = Decimal
USD = Currency.get("USD")
EUR = Currency.get("EUR")
JPY = Currency.get("JPY")
VND = Currency.get("VND")
KRW = Currency.get("KRW")
BHD = Currency.get("BHD")
DAY = date(2026, 3, 16)


def line(
    key: str,
    kind: LineKind,
    quantity: str,
    unit_price: str,
    *,
    section: str = "S1",
    unit_cost: str = "0",
    markup: str = "0",
    optional: bool = False,
    unit: str = "item",
) -> Line:
    return Line(
        key=key,
        section_key=section,
        kind=kind,
        description=key.title(),
        quantity=D(quantity),
        unit=unit,
        unit_price=D(unit_price),
        unit_cost=D(unit_cost),
        markup_percent=D(markup),
        optional=optional,
    )


def doc(
    currency: Currency,
    lines: list[Line],
    sections: tuple[Section, ...] = (Section("S1", "Strategy"), Section("S2", "Production")),
    adjustments: Adjustments | None = None,
) -> PricedDocument:
    return PricedDocument(currency, sections, tuple(lines), adjustments or Adjustments())


def usd_campaign() -> PricedDocument:
    """Strategy: 12.5 h x 180 (cost 95/h), 3 days x 1,000 (cost 480/day), a fixed fee of
    2,000 (cost 500); Production: stock photos (3 x 333.33 + 15 %), optional extra prints."""
    return doc(
        USD,
        [
            line("ad", LineKind.LABOUR, "12.5", "180", unit_cost="95", unit="hour"),
            line("design", LineKind.LABOUR, "3", "1000", unit_cost="480", unit="Days"),
            line("fee", LineKind.FIXED_FEE, "1", "2000", unit_cost="500"),
            line(
                "stock",
                LineKind.THIRD_PARTY,
                "3",
                "383.33",
                section="S2",
                unit_cost="333.33",
                markup="15",
            ),
            line(
                "extra", LineKind.EXPENSE, "2", "100", section="S2", unit_cost="80", optional=True
            ),
        ],
    )


def campaign_actuals() -> list[ActualEntry]:
    return [
        ActualEntry(D("1000.00"), D("10"), line_key="ad", section_key="S1"),
        ActualEntry(D("300.00"), D("3.5"), line_key="ad", section_key="S1"),
        ActualEntry(D("1500.00"), D("20"), line_key="design", section_key="S1"),
        ActualEntry(D("1000.00"), line_key="stock", section_key="S2"),
        ActualEntry(D("50.00"), line_key="extra", section_key="S2"),
        ActualEntry(D("25.50"), D("1.5"), section_key="S2"),  # to the section, not to a line
        ActualEntry(D("75.25"), D("2"), line_key="gone", section_key="S1"),  # a dropped line
        ActualEntry(D("10.00"), section_key="old-section"),  # a dropped section
    ]


def campaign_variance(hours_per_day: Decimal = Decimal(8)) -> EstimateVariance:
    return compute_variance(
        [BaselinePart("Revision 1", usd_campaign())],
        campaign_actuals(),
        hours_per_day=hours_per_day,
    )


# -- worked examples -----------------------------------------------------------------------------


def test_line_figures_of_the_usd_campaign() -> None:
    variance = campaign_variance()
    ad = variance.line("ad")
    assert (ad.ref, ad.section_key, ad.description, ad.amount) == ("1.1", "S1", "Ad", D("2250.00"))
    # 12.5 x 95 = 1187.50 estimated; 1000 + 300 booked; 12.5 h planned, 13.5 booked
    assert ad.figures == VarianceFigures(D("1187.50"), D("1300.00"), D("12.5"), D("13.5"))
    assert ad.figures.cost_variance == D("112.50")
    assert ad.figures.cost_variance_percent == D("9.5")  # 112.50 / 1187.50 = 9.4737 %
    assert ad.figures.burn_percent == D("109.5")  # 109.4737 %
    assert ad.figures.hours_variance == D("1.0")

    design = variance.line("design")
    # 3 days x 480 = 1440; 3 days x 8 h = 24 h planned ("Days" is a day unit)
    assert design.figures == VarianceFigures(D("1440.00"), D("1500.00"), D(24), D(20))
    assert design.figures.cost_variance == D("60.00")
    assert design.figures.cost_variance_percent == D("4.2")  # 4.1667 %
    assert design.figures.burn_percent == D("104.2")
    assert design.figures.hours_variance == D(-4)

    fee = variance.line("fee")  # a fixed fee has no hours to compare, and nothing booked yet
    assert fee.figures == VarianceFigures(D("500.00"), D(0), None, None)
    assert fee.figures.cost_variance == D("-500.00")
    assert fee.figures.cost_variance_percent == D("-100.0")
    assert fee.figures.burn_percent == D("0.0")
    assert fee.figures.hours_variance is None

    stock = variance.line("stock")
    assert stock.ref == "2.1"
    assert stock.figures.estimated_cost == D("999.99")  # 3 x 333.33
    assert stock.figures.estimated_hours is None
    assert stock.figures.cost_variance == D("0.01")
    assert stock.figures.cost_variance_percent == D("0.0")  # 0.001 %
    assert stock.figures.burn_percent == D("100.0")

    extra = variance.line("extra")
    assert extra.optional and extra.ref == "2.2"
    assert extra.figures == VarianceFigures(D("160.00"), D("50.00"), None, None)

    with pytest.raises(KeyError):
        variance.line("gone")


def test_section_figures_exclude_optional_estimates_but_count_their_actuals() -> None:
    variance = campaign_variance()
    strategy, production = variance.sections
    assert (strategy.key, strategy.name, strategy.part, strategy.ref) == (
        "S1",
        "Strategy",
        "Revision 1",
        "1",
    )
    assert [item.key for item in strategy.lines] == ["ad", "design", "fee"]
    # 1187.50 + 1440 + 500 estimated; 1300 + 1500 booked; hours 12.5 + 24 and 13.5 + 20
    assert strategy.figures == VarianceFigures(D("3127.50"), D("2800.00"), D("36.5"), D("33.5"))
    assert strategy.unallocated == VarianceFigures(D(0), D(0), None, None)

    assert production.ref == "2"
    # the optional line's 160 estimate is out, its 50 booked is in, with 25.50 to the section
    assert production.unallocated == VarianceFigures(D(0), D("25.50"), None, D("1.5"))
    assert production.figures == VarianceFigures(D("999.99"), D("1075.50"), None, D("1.5"))
    assert production.figures.cost_variance == D("75.51")
    assert production.figures.cost_variance_percent == D("7.6")  # 75.51 / 999.99 = 7.5511 %
    assert production.figures.hours_variance == D("1.5")


def test_estimate_figures_count_unmatched_actuals() -> None:
    variance = campaign_variance()
    assert variance.currency == USD
    # the dropped line (75.25, 2 h) and the dropped section (10.00)
    assert variance.unmatched == VarianceFigures(D(0), D("85.25"), None, D(2))
    figures = variance.figures
    assert figures.estimated_cost == D("4127.49")  # 3127.50 + 999.99
    assert figures.actual_cost == D("3960.75")  # 2800 + 1075.50 + 85.25
    assert figures.estimated_hours == D("36.5")
    assert figures.actual_hours == D("37.0")  # 33.5 + 1.5 + 2
    assert figures.cost_variance == D("-166.74")
    assert figures.cost_variance_percent == D("-4.0")  # -4.0397 %
    assert figures.burn_percent == D("96.0")  # 95.9603 %
    assert figures.hours_variance == D("0.5")
    assert figures.actual_cost == sum((entry.cost for entry in campaign_actuals()), D(0))


def test_margins_of_the_usd_campaign() -> None:
    variance = campaign_variance()
    # 2250 + 3000 + 2000 + 1149.99 (the optional 200 is not contracted)
    assert variance.contracted_net == D("8399.99")
    assert variance.estimated_margin == D("4272.50")  # 8399.99 - 4127.49
    assert variance.estimated_margin_percent == D("50.86")  # 50.8632 %
    assert variance.actual_margin == D("4439.24")  # 8399.99 - 3960.75
    assert variance.actual_margin_percent == D("52.85")  # 52.8482 %


def test_hours_per_day_converts_day_lines() -> None:
    variance = campaign_variance(hours_per_day=D("7.5"))
    assert variance.line("design").figures.estimated_hours == D("22.5")  # 3 x 7.5
    assert variance.line("design").figures.hours_variance == D("-2.5")
    assert variance.figures.estimated_hours == D("35.0")  # 12.5 + 22.5


@pytest.mark.parametrize(
    ("kind", "quantity", "unit", "expected"),
    [
        (LineKind.LABOUR, "12.5", "hour", "12.5"),
        (LineKind.LABOUR, "12.5", "Hours", "12.5"),
        (LineKind.LABOUR, "2", " h ", "2"),
        (LineKind.LABOUR, "2", "HR", "2"),
        (LineKind.LABOUR, "3", "day", "22.5"),
        (LineKind.LABOUR, "3", "DAYS", "22.5"),
        (LineKind.LABOUR, "0.5", "d", "3.75"),
        (LineKind.LABOUR, "-2", "day", "-15"),  # a change order removing two days
        (LineKind.LABOUR, "1", "month", None),
        (LineKind.LABOUR, "1", "", None),
        (LineKind.EXPENSE, "3", "hour", None),
        (LineKind.FIXED_FEE, "1", "day", None),
        (LineKind.THIRD_PARTY, "4", "hours", None),
    ],
)
def test_estimated_hours(kind: LineKind, quantity: str, unit: str, expected: str | None) -> None:
    hours = estimated_hours(kind, D(quantity), unit, D("7.5"))
    assert hours == (None if expected is None else D(expected))


def test_percentages_round_half_up_away_from_zero() -> None:
    over = VarianceFigures(D("400.00"), D("449.00"))
    assert over.cost_variance_percent == D("12.3")  # 49 / 400 = 12.25 %: half up, not even
    assert over.burn_percent == D("112.3")  # 112.25 %
    under = VarianceFigures(D("400.00"), D("351.00"))
    assert under.cost_variance_percent == D("-12.3")  # -12.25 %: away from zero
    assert under.burn_percent == D("87.8")  # 87.75 %
    just_below = VarianceFigures(D("400.00"), D("448.99"))
    assert just_below.cost_variance_percent == D("12.2")  # 12.2475 %


def test_margin_percent_rounds_half_up_to_two_decimals() -> None:
    fixed = doc(USD, [line("fee", LineKind.FIXED_FEE, "1", "800", unit_cost="701.24")])
    under = compute_variance([BaselinePart("Revision 1", fixed)], [])
    assert under.estimated_margin == D("98.76")
    assert under.estimated_margin_percent == D("12.35")  # 98.76 / 800 = 12.345 %
    over = compute_variance(
        [BaselinePart("Revision 1", fixed)], [ActualEntry(D("898.76"), line_key="fee")]
    )
    assert over.actual_margin == D("-98.76")
    assert over.actual_margin_percent == D("-12.35")


def test_percentages_are_none_when_the_estimate_is_zero() -> None:
    free = doc(USD, [line("pitch", LineKind.LABOUR, "4", "0", unit="hour")])  # no cost, no price
    variance = compute_variance(
        [BaselinePart("Revision 1", free)], [ActualEntry(D("120.00"), D(4), line_key="pitch")]
    )
    figures = variance.line("pitch").figures
    assert figures.estimated_cost == D(0)
    assert figures.cost_variance == D("120.00")
    assert figures.cost_variance_percent is None
    assert figures.burn_percent is None
    assert figures.hours_variance == D(0)
    assert variance.figures.cost_variance_percent is None
    assert variance.contracted_net == D(0)
    assert variance.estimated_margin_percent is None
    assert variance.actual_margin_percent is None
    assert variance.actual_margin == D("-120.00")
    assert VarianceFigures(D(0), D(0)).burn_percent is None


def test_hours_variance_is_none_only_without_any_hours() -> None:
    assert VarianceFigures(D(1), D(1)).hours_variance is None
    assert VarianceFigures(D(1), D(1), estimated_hours=D(8)).hours_variance == D(-8)
    assert VarianceFigures(D(1), D(1), actual_hours=D("2.5")).hours_variance == D("2.5")
    total = VarianceFigures(D(1), D(2), D(3), None) + VarianceFigures(D(4), D(5), None, D(6))
    assert total == VarianceFigures(D(5), D(7), D(3), D(6))


def test_change_orders_are_parts_of_the_baseline_with_their_prefix() -> None:
    revision = doc(
        JPY, [line("shoot", LineKind.LABOUR, "2", "90000", unit_cost="40000", unit="day")]
    )
    change = doc(
        JPY,
        [
            line("more", LineKind.LABOUR, "1", "90000", section="C1", unit_cost="40000", unit="d"),
            line("less", LineKind.EXPENSE, "-1", "5000", section="C1", unit_cost="3333.5"),
        ],
        sections=(Section("C1", "Changes"),),
    )
    variance = compute_variance(
        [BaselinePart("Revision 2", revision), BaselinePart("Change order 1", change, "CO1-")],
        [
            ActualEntry(D(85000), D(15), line_key="shoot"),
            ActualEntry(D(42000), D(8), line_key="more"),
            ActualEntry(D(1500), section_key="C1"),
        ],
        hours_per_day=D(8),
    )
    assert [(s.ref, s.name, s.part) for s in variance.sections] == [
        ("1", "Strategy", "Revision 2"),
        ("2", "Production", "Revision 2"),
        ("CO1-1", "Changes", "Change order 1"),
    ]
    assert variance.line("more").ref == "CO1-1.1"
    assert variance.line("less").ref == "CO1-1.2"
    # -1 x 3333.5 = -3333.5, half up (away from zero) to -3334 yen
    assert variance.line("less").figures.estimated_cost == D(-3334)
    changes = variance.sections[2]
    assert changes.figures == VarianceFigures(D(36666), D(43500), D(8), D(8))
    # 80000 + 40000 - 3334 = 116666 estimated; 85000 + 42000 + 1500 booked
    assert variance.figures == VarianceFigures(D(116666), D(128500), D(24), D(23))
    assert variance.figures.cost_variance_percent == D("10.1")  # 11834 / 116666 = 10.1435 %
    # 180000 + 90000 - 5000 contracted, before tax
    assert variance.contracted_net == D(265000)
    assert variance.estimated_margin_percent == D("55.98")  # 148334 / 265000 = 55.9751 %
    assert variance.unmatched == VarianceFigures(D(0), D(0))


def test_an_estimate_without_lines_and_actuals_is_all_zero() -> None:
    variance = compute_variance([BaselinePart("Revision 1", doc(EUR, []))], [])
    assert variance.figures == VarianceFigures(D(0), D(0))
    assert [section.figures for section in variance.sections] == [VarianceFigures(D(0), D(0))] * 2
    assert variance.figures.cost_variance_percent is None
    assert variance.estimated_margin_percent is None


def test_combine_adds_up_per_currency() -> None:
    first = campaign_variance()
    second = compute_variance(
        [
            BaselinePart(
                "Revision 1", doc(USD, [line("x", LineKind.EXPENSE, "1", "50", unit_cost="40")])
            )
        ],
        [ActualEntry(D("45.00"), line_key="x")],
    )
    yen = compute_variance(
        [
            BaselinePart(
                "Revision 1", doc(JPY, [line("y", LineKind.EXPENSE, "1", "5000", unit_cost="1000")])
            )
        ],
        [ActualEntry(D(1200), line_key="y")],
    )
    combined = combine([first, yen, second])
    assert set(combined) == {"USD", "JPY"}
    usd_figures, usd_net = combined["USD"]
    assert usd_figures == VarianceFigures(D("4167.49"), D("4005.75"), D("36.5"), D("37.0"))
    assert usd_net == D("8449.99")  # 8399.99 + 50
    assert combined["JPY"] == (VarianceFigures(D(1000), D(1200)), D(5000))
    assert combine([]) == {}


def test_baseline_parts_in_different_currencies_are_refused() -> None:
    with pytest.raises(ValueError, match="same currency"):
        compute_variance(
            [BaselinePart("Revision 1", usd_campaign()), BaselinePart("CO1", doc(EUR, []), "CO1-")],
            [],
        )


def test_a_variance_needs_a_part_and_actuals_need_a_target() -> None:
    with pytest.raises(ValueError):
        compute_variance([], [])
    with pytest.raises(ValueError, match="line or a section"):
        compute_variance([BaselinePart("Revision 1", usd_campaign())], [ActualEntry(D(1))])


# -- validate_actual ------------------------------------------------------------------------------


def check(
    cost: object = D("10.00"),
    hours: object = None,
    currency: Currency = USD,
    entry_date: object = DAY,
    description: str = "",
    reference: str = "",
) -> None:
    validate_actual(
        cost=cost,  # type: ignore[arg-type]
        hours=hours,  # type: ignore[arg-type]
        currency=currency,
        entry_date=entry_date,  # type: ignore[arg-type]
        description=description,
        reference=reference,
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"cost": D("1500.5"), "currency": JPY}, "cost", "JPY amounts have whole numbers"),
        ({"cost": D("0.1"), "currency": JPY}, "cost", "whole numbers"),
        ({"cost": D("250000.5"), "currency": VND}, "cost", "VND amounts have whole numbers"),
        ({"cost": D("-1.5"), "currency": KRW}, "cost", "whole numbers"),
        ({"cost": D("12.345")}, "cost", "USD amounts have at most 2 decimals"),
        ({"cost": D("0.001")}, "cost", "at most 2 decimals"),
        ({"cost": D("1.2345"), "currency": BHD}, "cost", "at most 3 decimals"),
        ({"cost": D(10) ** 15}, "cost", "too large"),
        ({"cost": -(D(10) ** 15)}, "cost", "too large"),
        ({"cost": D("NaN")}, "cost", "must be a number"),
        ({"cost": D("Infinity")}, "cost", "must be a number"),
        ({"cost": 12.5}, "cost", "must be a number"),
        ({"cost": True}, "cost", "must be a number"),
        ({"cost": "12.50"}, "cost", "must be a number"),
        ({"hours": D("1.234")}, "hours", "at most 2 decimals"),
        ({"hours": D(1_000_000)}, "hours", "too many"),
        ({"hours": D(-1_000_000)}, "hours", "too many"),
        ({"hours": D("sNaN")}, "hours", "must be a number"),
        ({"hours": 7.5}, "hours", "must be a number"),
        ({"hours": False}, "hours", "must be a number"),
        ({"entry_date": date(1989, 12, 31)}, "entry_date", "1990 to 2200"),
        ({"entry_date": date(2201, 1, 1)}, "entry_date", "1990 to 2200"),
        ({"entry_date": "2026-03-16"}, "entry_date", "1990 to 2200"),
        ({"entry_date": None}, "entry_date", "1990 to 2200"),
        ({"description": "x" * 2001}, "description", "2,000"),
        ({"reference": "R" * 121}, "reference", "120"),
    ],
)
def test_validate_actual_names_the_field(
    changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        check(**changes)  # type: ignore[arg-type]
    assert error.value.field == field
    assert words in error.value.message


@pytest.mark.parametrize(
    "changes",
    [
        {"cost": D("1500"), "currency": JPY},
        {"cost": D("-1500"), "currency": JPY},  # a credit note
        {"cost": D("1500.00"), "currency": JPY},  # a whole number written with decimals
        {"cost": D("1.5E+3"), "currency": VND},
        {"cost": D("250000000"), "currency": VND},
        {"cost": D("12.34")},
        {"cost": D("12.5")},
        {"cost": D("12.500")},  # still 2 decimals' worth
        {"cost": D("-0.01")},
        {"cost": D("0")},
        {"cost": D("999999999999999.99")},
        {"cost": D("1.234"), "currency": BHD},
        {"hours": D("7.25")},
        {"hours": D("7.250")},
        {"hours": D("-2")},  # a timesheet correction
        {"hours": D("999999.99")},
        {"entry_date": date(1990, 1, 1)},
        {"entry_date": date(2200, 12, 31)},
        {"description": "x" * 2000, "reference": "R" * 120},
        {"description": "Thiết kế 撮影 💡 =cmd|' /C calc'!A0"},
    ],
)
def test_validate_actual_accepts(changes: dict[str, object]) -> None:
    check(**changes)  # type: ignore[arg-type]


# -- properties ----------------------------------------------------------------------------------

quick = settings(max_examples=50, deadline=None)

ALL_CURRENCIES = [USD, EUR, JPY, KRW, VND, BHD]
currencies = st.sampled_from(ALL_CURRENCIES)
percents = st.sampled_from([D("0"), D("5"), D("12.5"), D("100")]) | st.decimals(
    min_value=0, max_value=100, places=4
)


def amounts_in(currency: Currency, low: int = 0, high: int = 10**8) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=low, max_value=high).map(
        lambda units: Decimal(units).scaleb(-currency.minor_units)
    )


@st.composite
def lines_for(
    draw: st.DrawFn, currency: Currency, key: str, section_keys: tuple[str, ...], negative: bool
) -> Line:
    kind = draw(st.sampled_from(list(LineKind)))
    low = -(10**6) if negative else 0
    quantity = draw(
        st.integers(min_value=low, max_value=10**6).map(lambda n: Decimal(n).scaleb(-2))
        | st.sampled_from([D("1"), D("0.5"), D("1.5"), D("8")])
    )
    unit_cost = draw(amounts_in(currency))
    markup = D(0)
    if kind is LineKind.THIRD_PARTY:
        markup = draw(st.decimals(min_value=-100, max_value=1000, places=4))
        unit_price = third_party_price(unit_cost, markup, currency)
    else:
        unit_price = draw(amounts_in(currency))
    return Line(
        key=key,
        section_key=draw(st.sampled_from(section_keys)),
        kind=kind,
        description=draw(st.sampled_from(["Design", "Перевод", "撮影", "Thiết kế", ""])),
        quantity=quantity,
        unit=draw(st.sampled_from(["hour", "hours", "h", "day", "Days", "item", "month"])),
        unit_price=unit_price,
        unit_cost=unit_cost,
        markup_percent=markup,
        discount_percent=draw(percents),
        tax_rate=draw(st.sampled_from([D(0), D(10), D("7.5")])),
        optional=draw(st.integers(min_value=0, max_value=3)) == 0,
    )


@st.composite
def parts_in(draw: st.DrawFn, currency: Currency) -> list[BaselinePart]:
    """A revision and 0-2 change orders (negative quantities allowed in those), unique keys."""
    parts: list[BaselinePart] = []
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        sections = tuple(
            Section(f"p{index}s{i}", f"Phase {i}")
            for i in range(draw(st.integers(min_value=1, max_value=3)))
        )
        keys = tuple(section.key for section in sections)
        lines = tuple(
            draw(lines_for(currency, f"p{index}l{i}", keys, index > 0))
            for i in range(draw(st.integers(min_value=0, max_value=6)))
        )
        adjustments = Adjustments(
            discount_value=draw(percents),
            contingency_percent=draw(percents),
            fee_percent=draw(percents),
        )
        document = PricedDocument(currency, sections, lines, adjustments)
        label, prefix = (
            ("Revision 1", "") if index == 0 else (f"Change order {index}", f"CO{index}-")
        )
        parts.append(BaselinePart(label, document, prefix))
    return parts


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[BaselinePart], list[ActualEntry], Decimal]:
    currency = draw(currencies)
    parts = draw(parts_in(currency))
    line_keys = [item.key for part in parts for item in part.document.lines]
    section_keys = [s.key for part in parts for s in part.document.sections]
    targets = st.sampled_from(
        [("line", key) for key in [*line_keys, "dropped-line"]]
        + [("section", key) for key in [*section_keys, "dropped-section"]]
    )
    entries: list[ActualEntry] = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        kind, key = draw(targets)
        hours = draw(
            st.none() | st.integers(min_value=-1000, max_value=100_000).map(lambda n: D(n) / 100)
        )
        cost = draw(amounts_in(currency, -(10**6), 10**9))
        if kind == "line":
            entries.append(ActualEntry(cost, hours, line_key=key, section_key="whatever"))
        else:
            entries.append(ActualEntry(cost, hours, section_key=key))
    hours_per_day = draw(st.sampled_from([D(8), D("7.5"), D(1), D(24), D("6.25")]))
    return parts, entries, hours_per_day


def exact_percent(part: Decimal, whole: Decimal, places: int) -> Decimal | None:
    """The documented percentage, computed with Fractions: half-up, away from zero."""
    if whole == 0:
        return None
    value = Fraction(part) * 100 / Fraction(whole)
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    return Decimal(units if value >= 0 else -units).scaleb(-places)


def all_figures(variance: EstimateVariance) -> list[VarianceFigures]:
    figures = [variance.figures, variance.unmatched]
    for section in variance.sections:
        figures += [section.figures, section.unallocated]
        figures += [item.figures for item in section.lines]
    return figures


@quick
@given(scenarios())
def test_actual_total_is_the_sum_of_every_entry(
    scenario: tuple[list[BaselinePart], list[ActualEntry], Decimal],
) -> None:
    parts, entries, hours_per_day = scenario
    variance = compute_variance(parts, entries, hours_per_day=hours_per_day)
    assert variance.figures.actual_cost == sum((entry.cost for entry in entries), D(0))
    booked_hours = [entry.hours for entry in entries if entry.hours is not None]
    assert variance.figures.actual_hours == (sum(booked_hours, D(0)) if booked_hours else None)
    # every entry is counted exactly once: in a line, a section's unallocated or unmatched
    shown = sum((item.figures.actual_cost for s in variance.sections for item in s.lines), D(0))
    shown += sum((s.unallocated.actual_cost for s in variance.sections), D(0))
    shown += variance.unmatched.actual_cost
    assert shown == variance.figures.actual_cost
    known_lines = {item.key for part in parts for item in part.document.lines}
    known_sections = {s.key for part in parts for s in part.document.sections}
    lost = sum(
        (
            entry.cost
            for entry in entries
            if (entry.line_key is not None and entry.line_key not in known_lines)
            or (entry.line_key is None and entry.section_key not in known_sections)
        ),
        D(0),
    )
    assert variance.unmatched.actual_cost == lost


@quick
@given(scenarios())
def test_estimated_cost_is_the_internal_cost_of_every_part(
    scenario: tuple[list[BaselinePart], list[ActualEntry], Decimal],
) -> None:
    parts, entries, hours_per_day = scenario
    variance = compute_variance(parts, entries, hours_per_day=hours_per_day)
    totals = [compute_totals(part.document) for part in parts]
    assert variance.figures.estimated_cost == sum((t.internal.cost for t in totals), D(0))
    assert variance.contracted_net == sum((t.net for t in totals), D(0))
    section_costs = {key: cost for t in totals for key, cost in t.internal.section_costs.items()}
    line_costs = {key: cost for t in totals for key, cost in t.internal.line_costs.items()}
    line_amounts = {key: amount for t in totals for key, amount in t.line_amounts.items()}
    assert [s.key for s in variance.sections] == [
        s.key for part in parts for s in part.document.sections
    ]
    for section in variance.sections:
        assert section.figures.estimated_cost == section_costs[section.key]
        for item in section.lines:
            assert item.figures.estimated_cost == line_costs[item.key]
            assert item.amount == line_amounts[item.key]
    refs = {
        key: ref for part in parts for key, ref in line_refs(part.document, part.ref_prefix).items()
    }
    assert {item.key: item.ref for s in variance.sections for item in s.lines} == refs
    assert variance.estimated_margin == sum((t.internal.margin for t in totals), D(0))


@quick
@given(scenarios())
def test_variance_is_actual_minus_estimated_everywhere(
    scenario: tuple[list[BaselinePart], list[ActualEntry], Decimal],
) -> None:
    parts, entries, hours_per_day = scenario
    variance = compute_variance(parts, entries, hours_per_day=hours_per_day)
    for figures in all_figures(variance):
        assert figures.cost_variance == figures.actual_cost - figures.estimated_cost
        assert figures.cost_variance_percent == exact_percent(
            figures.cost_variance, figures.estimated_cost, 1
        )
        assert figures.burn_percent == exact_percent(figures.actual_cost, figures.estimated_cost, 1)
        if figures.estimated_hours is None and figures.actual_hours is None:
            assert figures.hours_variance is None
        else:
            assert figures.hours_variance == (figures.actual_hours or 0) - (
                figures.estimated_hours or 0
            )
    net = variance.contracted_net
    assert variance.actual_margin == net - variance.figures.actual_cost
    assert variance.estimated_margin_percent == exact_percent(variance.estimated_margin, net, 2)
    assert variance.actual_margin_percent == exact_percent(variance.actual_margin, net, 2)


@quick
@given(scenarios())
def test_sections_add_up_to_the_estimate(
    scenario: tuple[list[BaselinePart], list[ActualEntry], Decimal],
) -> None:
    parts, entries, hours_per_day = scenario
    variance = compute_variance(parts, entries, hours_per_day=hours_per_day)
    total = VarianceFigures(D(0), D(0))
    for section in variance.sections:
        expected = section.unallocated
        for item in section.lines:
            if item.optional:  # its actuals count, its estimate does not
                expected += VarianceFigures(
                    D(0), item.figures.actual_cost, None, item.figures.actual_hours
                )
            else:
                expected += item.figures
        assert section.figures == expected
        total += section.figures
    assert total + variance.unmatched == variance.figures
    planned = [
        hours
        for part in parts
        for item in part.document.lines
        if not item.optional
        and (hours := estimated_hours(item.kind, item.quantity, item.unit, hours_per_day))
        is not None
    ]
    assert variance.figures.estimated_hours == (sum(planned, D(0)) if planned else None)


@quick
@given(st.lists(scenarios(), min_size=0, max_size=4))
def test_combine_sums_each_currency(
    scenarios_: list[tuple[list[BaselinePart], list[ActualEntry], Decimal]],
) -> None:
    variances = [compute_variance(p, e, hours_per_day=h) for p, e, h in scenarios_]
    combined = combine(variances)
    assert set(combined) == {v.currency.code for v in variances}
    for code, (figures, net) in combined.items():
        mine = [v for v in variances if v.currency.code == code]
        assert figures.estimated_cost == sum((v.figures.estimated_cost for v in mine), D(0))
        assert figures.actual_cost == sum((v.figures.actual_cost for v in mine), D(0))
        assert net == sum((v.contracted_net for v in mine), D(0))


@quick
@given(
    currencies,
    st.integers(min_value=-(10**17) + 1, max_value=10**17 - 1),
    st.integers(min_value=-3, max_value=4),
)
def test_validate_actual_accepts_exactly_the_currency_minor_units(
    currency: Currency, units: int, extra_zeros: int
) -> None:
    """A cost in minor units is accepted however many trailing zeros it is written with;
    a cost needing one more decimal than the currency has is refused."""
    cost = Decimal(units).scaleb(-currency.minor_units)
    if abs(cost) >= D(10) ** 15:
        with pytest.raises(ValidationError):
            check(cost=cost, currency=currency)
        return
    if extra_zeros > 0:
        cost = cost.quantize(Decimal(1).scaleb(-(currency.minor_units + extra_zeros)))
    check(cost=cost, currency=currency)
    finer = cost + Decimal(1).scaleb(-(currency.minor_units + 1))
    if abs(finer) < D(10) ** 15:
        with pytest.raises(ValidationError) as error:
            check(cost=finer, currency=currency)
        assert error.value.field == "cost"


@quick
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_validate_actual_never_takes_a_float(value: float) -> None:
    with pytest.raises(ValidationError) as error:
        check(cost=value)
    assert error.value.field == "cost"
    with pytest.raises(ValidationError) as error:
        check(hours=value)
    assert error.value.field == "hours"
