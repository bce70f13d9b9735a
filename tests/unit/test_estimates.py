"""Estimate arithmetic: worked examples, validation and hypothesis properties."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from fractions import Fraction
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.domain.estimates import (
    Adjustments,
    DiscountMode,
    FeeBase,
    Line,
    LineKind,
    PricedDocument,
    Section,
    Totals,
    compute_totals,
    is_below_floor,
    line_amount,
    line_cost,
    line_refs,
    third_party_price,
    validate_adjustments,
    validate_line,
)
from keyplan.domain.money import Currency

D = Decimal
USD = Currency.get("USD")
EUR = Currency.get("EUR")
JPY = Currency.get("JPY")
KRW = Currency.get("KRW")
VND = Currency.get("VND")
HKD = Currency.get("HKD")
TWD = Currency.get("TWD")
RUB = Currency.get("RUB")
BHD = Currency.get("BHD")
ALL_CURRENCIES = [USD, EUR, JPY, KRW, VND, HKD, TWD, RUB, BHD]

LINE_NUMBERS = [
    "quantity",
    "unit_price",
    "unit_cost",
    "markup_percent",
    "discount_percent",
    "tax_rate",
]
ADJUSTMENT_NUMBERS = [
    "discount_value",
    "discount_tax_rate",
    "contingency_percent",
    "contingency_tax_rate",
    "fee_percent",
    "fee_tax_rate",
]


def line(
    key: str,
    kind: LineKind,
    quantity: str,
    unit_price: str,
    *,
    section: str = "S1",
    unit_cost: str = "0",
    markup: str = "0",
    discount: str = "0",
    tax: str = "0",
    optional: bool = False,
    description: str = "",
    unit: str = "item",
) -> Line:
    return Line(
        key=key,
        section_key=section,
        kind=kind,
        description=description or key,
        quantity=D(quantity),
        unit=unit,
        unit_price=D(unit_price),
        unit_cost=D(unit_cost),
        markup_percent=D(markup),
        discount_percent=D(discount),
        tax_rate=D(tax),
        optional=optional,
    )


def doc(
    currency: Currency,
    lines: list[Line],
    adjustments: Adjustments | None = None,
    sections: tuple[Section, ...] = (Section("S1", "Strategy"), Section("S2", "Production")),
) -> PricedDocument:
    return PricedDocument(currency, sections, tuple(lines), adjustments or Adjustments())


# -- worked examples (figures computed by hand) --------------------------------------------------


def usd_estimate() -> PricedDocument:
    """A US brand campaign: 10 % VAT on everything, 5 % estimate discount."""
    return doc(
        USD,
        [
            line("ad", LineKind.LABOUR, "12.5", "180.00", unit_cost="95.00", tax="10"),
            line("design", LineKind.LABOUR, "40", "125.00", unit_cost="60.00", tax="10"),
            line(
                "stock",
                LineKind.THIRD_PARTY,
                "3",
                "383.33",  # 333.33 x 1.15 = 383.3295
                section="S2",
                unit_cost="333.33",
                markup="15",
                tax="10",
            ),
            line(
                "courier",
                LineKind.EXPENSE,
                "1",
                "48.75",
                section="S2",
                unit_cost="48.75",
                discount="10",
                tax="10",
            ),
        ],
        Adjustments(discount_value=D("5"), discount_tax_rate=D("10")),
    )


def test_usd_estimate_with_vat_and_percent_discount() -> None:
    totals = compute_totals(usd_estimate())
    assert dict(totals.line_amounts) == {
        "ad": D("2250.00"),  # 12.5 x 180
        "design": D("5000.00"),
        "stock": D("1149.99"),  # 3 x 383.33
        "courier": D("43.88"),  # 48.75 x 0.9 = 43.875, half up
    }
    assert dict(totals.section_subtotals) == {"S1": D("7250.00"), "S2": D("1193.87")}
    assert totals.subtotal == D("8443.87")
    assert totals.discount == D("422.19")  # 8443.87 x 5 % = 422.1935
    assert totals.contingency == D("0.00")
    assert totals.fee == D("0.00")
    assert totals.net == D("8021.68")
    assert dict(totals.taxable_by_rate) == {D("10"): D("8021.68")}
    assert dict(totals.tax_by_rate) == {D("10"): D("802.17")}  # 802.168
    assert totals.tax == D("802.17")
    assert totals.total == D("8823.85")
    assert str(totals.total) == "8823.85"
    assert totals.optional_total == D("0.00")
    internal = totals.internal
    assert dict(internal.line_costs) == {
        "ad": D("1187.50"),
        "design": D("2400.00"),
        "stock": D("999.99"),
        "courier": D("48.75"),
    }
    assert dict(internal.section_costs) == {"S1": D("3587.50"), "S2": D("1048.74")}
    assert internal.cost == D("4636.24")
    assert internal.margin == D("3385.44")
    assert internal.margin_percent == D("42.20")  # 3385.44 / 8021.68 = 42.2036 %
    assert is_below_floor(totals, D("45"))
    assert not is_below_floor(totals, D("42.20"))
    assert not is_below_floor(totals, D("30"))


def test_usd_lines_are_valid_and_third_party_price_is_derived() -> None:
    document = usd_estimate()
    for item in document.lines:
        validate_line(item, USD)
    validate_adjustments(document.adjustments, USD)
    assert third_party_price(D("333.33"), D("15"), USD) == D("383.33")
    assert third_party_price(D("100"), D("-100"), USD) == D("0.00")
    assert third_party_price(D("1850000000"), D("7.5"), VND) == D("1988750000")


def jpy_estimate(contingency: str = "0") -> PricedDocument:
    """A Tokyo production: consumption tax 10 %, yen without decimals."""
    return doc(
        JPY,
        [
            line("pm", LineKind.LABOUR, "1.5", "333", unit_cost="201", tax="10", unit="hour"),
            line("fee", LineKind.FIXED_FEE, "1", "250000", unit_cost="180000", tax="10"),
            line(
                "print",
                LineKind.EXPENSE,
                "7",
                "1234",
                section="S2",
                unit_cost="1234",
                discount="12.5",
                tax="10",
            ),
        ],
        Adjustments(contingency_percent=D(contingency), contingency_tax_rate=D("10")),
    )


def test_jpy_half_yen_rounds_up_and_nothing_has_decimals() -> None:
    totals = compute_totals(jpy_estimate())
    assert totals.line_amounts["pm"] == D("500")  # 1.5 x 333 = 499.5
    assert totals.internal.line_costs["pm"] == D("302")  # 1.5 x 201 = 301.5
    assert totals.line_amounts["print"] == D("7558")  # 8638 x 0.875 = 7558.25
    assert totals.subtotal == D("258058")
    assert dict(totals.tax_by_rate) == {D("10"): D("25806")}  # 25805.8
    assert totals.total == D("283864")
    assert str(totals.total) == "283864"
    assert str(totals.discount) == "0"


def test_jpy_contingency_is_taxed_with_its_rate() -> None:
    totals = compute_totals(jpy_estimate("5"))
    assert totals.contingency == D("12903")  # 258058 x 5 % = 12902.9
    assert dict(totals.taxable_by_rate) == {D("10"): D("270961")}
    assert dict(totals.tax_by_rate) == {D("10"): D("27096")}  # 27096.1
    assert totals.total == D("298057")
    assert totals.internal.cost == D("188940")  # 302 + 180000 + 8638
    assert totals.internal.margin == D("82021")
    assert totals.internal.margin_percent == D("30.27")  # 82021 / 270961 = 30.2704 %


def test_negative_half_rounds_away_from_zero() -> None:
    removed = line("pm", LineKind.LABOUR, "-1.5", "333", tax="10")
    assert line_amount(removed, JPY) == D("-500")
    assert line_cost(removed, JPY) == D("0")


def test_vnd_large_amounts_with_a_fee_on_third_party_lines() -> None:
    document = doc(
        VND,
        [
            line("strategy", LineKind.LABOUR, "160", "1250000", unit_cost="700000", tax="10"),
            line(
                "media",
                LineKind.THIRD_PARTY,
                "1",
                "1988750000",
                section="S2",
                unit_cost="1850000000",
                markup="7.5",
                tax="10",
            ),
            line(
                "events",
                LineKind.EXPENSE,
                "3",
                "4567891",
                section="S2",
                unit_cost="4567891",
                discount="3.3333",
                tax="10",
            ),
        ],
        Adjustments(fee_percent=D("2.5"), fee_base=FeeBase.THIRD_PARTY, fee_tax_rate=D("10")),
    )
    for item in document.lines:
        validate_line(item, VND)
    totals = compute_totals(document)
    assert totals.line_amounts["strategy"] == D("200000000")
    assert totals.line_amounts["media"] == D("1988750000")
    # 13,703,673 x 0.966667 = 13,246,888.467891
    assert totals.line_amounts["events"] == D("13246888")
    assert totals.subtotal == D("2201996888")
    assert totals.fee == D("49718750")  # 2.5 % of 1,988,750,000
    assert dict(totals.taxable_by_rate) == {D("10"): D("2251715638")}
    assert dict(totals.tax_by_rate) == {D("10"): D("225171564")}  # 225,171,563.8
    assert totals.total == D("2476887202")
    assert totals.internal.cost == D("1975703673")
    assert totals.internal.margin == D("276011965")
    assert totals.internal.margin_percent == D("12.26")  # 12.2579 %


def eur_mixed(adjustments: Adjustments) -> PricedDocument:
    """10 % on services, 0 % on zero-rated third-party work."""
    return doc(
        EUR,
        [
            line("copy", LineKind.LABOUR, "20", "95.00", unit_cost="40.00", tax="10"),
            line(
                "translation",
                LineKind.THIRD_PARTY,
                "2",
                "1120.00",
                unit_cost="1000.00",
                markup="12",
                tax="0",
            ),
            line("prints", LineKind.EXPENSE, "3", "19.99", tax="10.00"),
        ],
        adjustments,
    )


def test_mixed_rates_with_an_amount_discount_on_the_10_percent_rate() -> None:
    totals = compute_totals(
        eur_mixed(
            Adjustments(
                discount_mode=DiscountMode.AMOUNT,
                discount_value=D("150"),
                discount_tax_rate=D("10"),
            )
        )
    )
    assert totals.subtotal == D("4199.97")
    assert totals.discount == D("150.00")
    assert str(totals.discount) == "150.00"
    assert list(totals.taxable_by_rate.items()) == [(D("0"), D("2240.00")), (D("10"), D("1809.97"))]
    assert list(totals.tax_by_rate.items()) == [(D("0"), D("0.00")), (D("10"), D("181.00"))]
    assert totals.net == D("4049.97")
    assert totals.total == D("4230.97")


def test_mixed_rates_with_a_percent_discount_on_the_10_percent_rate() -> None:
    totals = compute_totals(
        eur_mixed(Adjustments(discount_value=D("5"), discount_tax_rate=D("10")))
    )
    assert totals.discount == D("210.00")  # 4199.97 x 5 % = 209.9985
    assert dict(totals.taxable_by_rate) == {D("0"): D("2240.00"), D("10"): D("1749.97")}
    assert dict(totals.tax_by_rate) == {D("0"): D("0.00"), D("10"): D("175.00")}  # 174.997
    assert totals.total == D("4164.97")


def test_an_amount_discount_with_too_many_decimals_is_refused() -> None:
    adjustments = Adjustments(discount_mode=DiscountMode.AMOUNT, discount_value=D("150.005"))
    with pytest.raises(ValidationError) as caught:
        compute_totals(eur_mixed(adjustments))
    assert caught.value.field == "discount_value"
    with pytest.raises(ValidationError, match="JPY has no decimals"):
        compute_totals(
            doc(
                JPY,
                [],
                Adjustments(discount_mode=DiscountMode.AMOUNT, discount_value=D("0.5")),
            )
        )


def hkd_fees(base: FeeBase) -> PricedDocument:
    return doc(
        HKD,
        [
            line("ad", LineKind.LABOUR, "10", "1200.00"),
            line("shoot", LineKind.THIRD_PARTY, "2", "5000.00", unit_cost="5000.00"),
            line("music", LineKind.THIRD_PARTY, "1", "366.66", unit_cost="333.33", markup="10"),
            line(
                "drone",
                LineKind.THIRD_PARTY,
                "1",
                "1000.00",
                unit_cost="1000.00",
                optional=True,
            ),
        ],
        Adjustments(fee_percent=D("12.5"), fee_base=base),
    )


@pytest.mark.parametrize(
    ("base", "fee", "total"),
    [
        (FeeBase.THIRD_PARTY, "1295.83", "23662.49"),  # 10366.66 x 12.5 % = 1295.8325
        (FeeBase.LABOUR, "1500.00", "23866.66"),
        (FeeBase.SUBTOTAL, "2795.83", "25162.49"),  # 22366.66 x 12.5 % = 2795.8325
    ],
)
def test_fee_on_a_chosen_base_without_optional_lines(base: FeeBase, fee: str, total: str) -> None:
    totals = compute_totals(hkd_fees(base))
    assert totals.subtotal == D("22366.66")
    assert totals.optional_total == D("1000.00")
    assert totals.line_amounts["drone"] == D("1000.00")
    assert totals.fee == D(fee)
    assert totals.total == D(total)
    assert dict(totals.tax_by_rate) == {D("0"): D("0.00")}
    assert dict(totals.taxable_by_rate) == {D("0"): D(total)}


def test_optional_lines_are_priced_but_in_no_total() -> None:
    base = usd_estimate()
    with_optional = dataclasses.replace(
        base,
        lines=(
            *base.lines,
            line("video", LineKind.FIXED_FEE, "1", "9999.99", unit_cost="5000", optional=True),
            line("extra", LineKind.EXPENSE, "2", "10.00", tax="20", optional=True),
        ),
    )
    plain = compute_totals(base)
    totals = compute_totals(with_optional)
    assert totals.line_amounts["video"] == D("9999.99")
    assert totals.internal.line_costs["video"] == D("5000.00")
    assert totals.optional_total == D("10019.99")
    assert D("20") not in totals.tax_by_rate
    for name in ("subtotal", "discount", "contingency", "fee", "net", "tax", "total"):
        assert getattr(totals, name) == getattr(plain, name)
    assert totals.section_subtotals == plain.section_subtotals
    assert totals.internal.cost == plain.internal.cost
    assert totals.internal.section_costs == plain.internal.section_costs


def test_change_order_with_negative_quantities() -> None:
    """A RUB change order: 8 hours of a senior removed, 2.5 hours added, an expense dropped."""
    lines = [
        line("senior", LineKind.LABOUR, "-8", "4500.00", unit_cost="2000.00", tax="20"),
        line("junior", LineKind.LABOUR, "2.5", "6200.00", unit_cost="3100.00", tax="20"),
        line("venue", LineKind.EXPENSE, "-1", "12345.67", unit_cost="12345.67", tax="20"),
    ]
    for item in lines:
        validate_line(item, RUB, allow_negative_quantity=True)
    with pytest.raises(ValidationError) as caught:
        validate_line(lines[0], RUB)
    assert caught.value.field == "quantity"
    totals = compute_totals(doc(RUB, lines))
    assert dict(totals.line_amounts) == {
        "senior": D("-36000.00"),
        "junior": D("15500.00"),
        "venue": D("-12345.67"),
    }
    assert totals.subtotal == D("-32845.67")
    assert dict(totals.tax_by_rate) == {D("20"): D("-6569.13")}  # -6569.134
    assert totals.total == D("-39414.80")
    assert totals.internal.cost == D("-20595.67")
    assert totals.internal.margin == D("-12250.00")
    assert totals.internal.margin_percent == D("37.30")  # -12250 / -32845.67 = 37.2956 %


def test_bhd_has_three_decimals() -> None:
    totals = compute_totals(doc(BHD, [line("a", LineKind.FIXED_FEE, "1", "10.125", tax="10")]))
    assert dict(totals.tax_by_rate) == {D("10"): D("1.013")}  # 1.0125
    assert str(totals.total) == "11.138"


def test_an_empty_document_has_zero_totals_at_the_currency_places() -> None:
    totals = compute_totals(doc(USD, []))
    assert str(totals.subtotal) == "0.00"
    assert str(totals.total) == "0.00"
    assert dict(totals.section_subtotals) == {"S1": D("0.00"), "S2": D("0.00")}
    assert dict(totals.tax_by_rate) == {}
    assert totals.internal.margin_percent is None
    assert not is_below_floor(totals, D("20"))


def test_a_zero_adjustment_does_not_add_its_rate() -> None:
    totals = compute_totals(
        doc(
            USD,
            [line("a", LineKind.FIXED_FEE, "1", "100", tax="10")],
            Adjustments(discount_tax_rate=D("20"), fee_percent=D("5"), fee_base=FeeBase.LABOUR),
        )
    )
    assert totals.fee == D("0.00")
    assert list(totals.tax_by_rate) == [D("10")]


def test_rates_written_differently_are_one_rate() -> None:
    totals = compute_totals(
        doc(
            USD,
            [
                line("a", LineKind.FIXED_FEE, "1", "100", tax="10"),
                line("b", LineKind.FIXED_FEE, "1", "100", tax="10.00"),
                line("c", LineKind.FIXED_FEE, "1", "100", tax="7.50"),
            ],
        )
    )
    assert list(totals.tax_by_rate.items()) == [(D("7.5"), D("7.50")), (D("10"), D("20.00"))]
    assert [str(rate) for rate in totals.tax_by_rate] == ["7.5", "10"]


# -- validation ----------------------------------------------------------------------------------


def valid_line(**changes: object) -> Line:
    base = line("a", LineKind.LABOUR, "10", "150.00", unit_cost="80.00", tax="10")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("currency", "changes", "field", "fragment"),
    [
        (USD, {"quantity": D("1.005")}, "quantity", "2 decimals"),
        (USD, {"quantity": D("1000000000")}, "quantity", "below"),
        (USD, {"quantity": D("-1")}, "quantity", "negative"),
        (USD, {"unit_price": D("-0.01")}, "unit_price", "negative"),
        (USD, {"unit_price": D("10.005")}, "unit_price", "USD has 2 decimals"),
        (USD, {"unit_price": D("1E+15")}, "unit_price", "too large"),
        (JPY, {"unit_price": D("150.5")}, "unit_price", "JPY has no decimals"),
        (KRW, {"unit_cost": D("0.1")}, "unit_cost", "KRW has no decimals"),
        (VND, {"unit_price": D("150.00"), "unit_cost": D("80.5")}, "unit_cost", "VND"),
        (USD, {"unit_cost": D("-1")}, "unit_cost", "negative"),
        (USD, {"discount_percent": D("100.01")}, "discount_percent", "between 0 and 100"),
        (USD, {"discount_percent": D("-1")}, "discount_percent", "between 0 and 100"),
        (USD, {"discount_percent": D("1.00001")}, "discount_percent", "4 decimals"),
        (USD, {"tax_rate": D("101")}, "tax_rate", "between 0 and 100"),
        (USD, {"tax_rate": D("7.12345")}, "tax_rate", "4 decimals"),
        (USD, {"markup_percent": D("-100.5")}, "markup_percent", "between -100 and 1000"),
        (USD, {"markup_percent": D("1000.01")}, "markup_percent", "between -100 and 1000"),
        (USD, {"description": "x" * 2001}, "description", "at most 2000"),
        (USD, {"unit": "u" * 201}, "unit", "at most 200"),
    ],
)
def test_validate_line_names_the_field(
    currency: Currency, changes: dict[str, object], field: str, fragment: str
) -> None:
    bad = valid_line(**changes)
    with pytest.raises(ValidationError) as caught:
        validate_line(bad, currency, allow_negative_quantity=False)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_validate_line_accepts_the_limits() -> None:
    validate_line(valid_line(quantity=D("999999999.99"), description="x" * 2000), USD)
    validate_line(valid_line(discount_percent=D("100"), tax_rate=D("0.0001")), USD)
    validate_line(valid_line(unit_price=D("150.50"), quantity=D("1.50")), USD)
    validate_line(valid_line(unit_price=D("150.000"), unit_cost=D("80")), JPY)
    validate_line(valid_line(quantity=D("-999999999.99")), USD, allow_negative_quantity=True)


def test_third_party_price_must_be_cost_plus_markup() -> None:
    good = line("p", LineKind.THIRD_PARTY, "1", "115.00", unit_cost="100.00", markup="15")
    validate_line(good, USD)
    bad = dataclasses.replace(good, unit_price=D("120.00"))
    with pytest.raises(ValidationError) as caught:
        validate_line(bad, USD)
    assert caught.value.field == "unit_price"
    assert "115.00" in caught.value.message


@pytest.mark.parametrize(
    ("adjustments", "currency", "field"),
    [
        (Adjustments(discount_value=D("100.5")), USD, "discount_value"),
        (Adjustments(discount_value=D("5.00001")), USD, "discount_value"),
        (
            Adjustments(discount_mode=DiscountMode.AMOUNT, discount_value=D("-1")),
            USD,
            "discount_value",
        ),
        (
            Adjustments(discount_mode=DiscountMode.AMOUNT, discount_value=D("1.5")),
            KRW,
            "discount_value",
        ),
        (Adjustments(discount_tax_rate=D("120")), USD, "discount_tax_rate"),
        (Adjustments(contingency_percent=D("-5")), USD, "contingency_percent"),
        (Adjustments(contingency_tax_rate=D("5.123456")), USD, "contingency_tax_rate"),
        (Adjustments(fee_percent=D("150")), USD, "fee_percent"),
        (Adjustments(fee_tax_rate=D("-10")), USD, "fee_tax_rate"),
    ],
)
def test_validate_adjustments_names_the_field(
    adjustments: Adjustments, currency: Currency, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_adjustments(adjustments, currency)
    assert caught.value.field == field
    assert caught.value.message


def test_validate_adjustments_accepts_an_amount_discount_larger_than_100() -> None:
    validate_adjustments(
        Adjustments(discount_mode=DiscountMode.AMOUNT, discount_value=D("250000")), JPY
    )


def test_a_document_must_be_consistent() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        doc(USD, [line("a", LineKind.EXPENSE, "1", "1", section="nope")])
    with pytest.raises(ValueError, match="line keys"):
        doc(USD, [line("a", LineKind.EXPENSE, "1", "1"), line("a", LineKind.EXPENSE, "1", "1")])
    with pytest.raises(ValueError, match="section keys"):
        doc(USD, [], sections=(Section("S", "A"), Section("S", "B")))


def test_ints_become_decimals_and_strings_become_enums() -> None:
    item = Line("k", "S1", "labour", "d", 3, "hour", 100)  # type: ignore[arg-type]
    assert isinstance(item.quantity, Decimal)
    assert item.kind is LineKind.LABOUR
    adjustments = Adjustments(discount_mode="amount", fee_base="labour")  # type: ignore[arg-type]
    assert adjustments.discount_mode is DiscountMode.AMOUNT
    assert adjustments.fee_base is FeeBase.LABOUR
    with pytest.raises(ValidationError):
        valid_line(quantity=D("NaN"))


# -- no float anywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", LINE_NUMBERS)
@pytest.mark.parametrize("bad", [1.5, 0.0, True])
def test_line_refuses_float_and_bool(name: str, bad: object) -> None:
    with pytest.raises(TypeError):
        valid_line(**{name: bad})


@pytest.mark.parametrize("name", ADJUSTMENT_NUMBERS)
@pytest.mark.parametrize("bad", [2.5, False])
def test_adjustments_refuse_float_and_bool(name: str, bad: object) -> None:
    with pytest.raises(TypeError):
        Adjustments(**{name: bad})  # type: ignore[arg-type]


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_no_public_function_accepts_a_float(value: float) -> None:
    totals = compute_totals(usd_estimate())
    with pytest.raises(TypeError):
        third_party_price(value, D("10"), USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        third_party_price(D("10"), value, USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        is_below_floor(totals, value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        valid_line(quantity=value)
    with pytest.raises(TypeError):
        Adjustments(fee_percent=value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        line_amount(value, USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compute_totals(value)  # type: ignore[arg-type]


def test_public_functions_refuse_wrong_types() -> None:
    item = valid_line()
    with pytest.raises(TypeError):
        line_amount(item, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        line_cost(item, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate_line(item, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate_adjustments(Adjustments(), 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PricedDocument("USD", (), ())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        valid_line(optional=1)


# -- an independent oracle with exact fractions --------------------------------------------------


def half_up(value: Fraction, places: int) -> Fraction:
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    return Fraction(units if value >= 0 else -units, 10**places)


def oracle(document: PricedDocument) -> dict[str, object]:
    """The documented arithmetic, written again with Fractions and no shared code."""
    places = document.currency.minor_units
    adj = document.adjustments

    def pct(value: Decimal) -> Fraction:
        return Fraction(value) / 100

    amounts = {
        item.key: half_up(
            Fraction(item.quantity) * Fraction(item.unit_price) * (1 - pct(item.discount_percent)),
            places,
        )
        for item in document.lines
    }
    counted = [item for item in document.lines if not item.optional]
    subtotal = sum((amounts[item.key] for item in counted), Fraction(0))
    if adj.discount_mode is DiscountMode.PERCENT:
        discount = half_up(subtotal * pct(adj.discount_value), places)
    else:
        discount = Fraction(adj.discount_value)
    contingency = half_up(subtotal * pct(adj.contingency_percent), places)
    kinds = {FeeBase.LABOUR: LineKind.LABOUR, FeeBase.THIRD_PARTY: LineKind.THIRD_PARTY}
    base = sum(
        (
            amounts[item.key]
            for item in counted
            if adj.fee_base is FeeBase.SUBTOTAL or item.kind is kinds[adj.fee_base]
        ),
        Fraction(0),
    )
    fee = half_up(base * pct(adj.fee_percent), places)
    taxable: dict[Fraction, Fraction] = {}
    for item in counted:
        rate = Fraction(item.tax_rate)
        taxable[rate] = taxable.get(rate, Fraction(0)) + amounts[item.key]
    for amount, tax_rate in (
        (-discount, adj.discount_tax_rate),
        (contingency, adj.contingency_tax_rate),
        (fee, adj.fee_tax_rate),
    ):
        if amount:
            rate = Fraction(tax_rate)
            taxable[rate] = taxable.get(rate, Fraction(0)) + amount
    taxes = {rate: half_up(rate / 100 * base, places) for rate, base in taxable.items()}
    net = subtotal - discount + contingency + fee
    cost = sum(
        (half_up(Fraction(item.quantity) * Fraction(item.unit_cost), places) for item in counted),
        Fraction(0),
    )
    margin_percent = half_up((net - cost) / net * 100, 2) if net else None
    return {
        "line_amounts": amounts,
        "subtotal": subtotal,
        "discount": discount,
        "contingency": contingency,
        "fee": fee,
        "taxable": taxable,
        "taxes": taxes,
        "total": net + sum(taxes.values(), Fraction(0)),
        "cost": cost,
        "margin_percent": margin_percent,
    }


# -- strategies ----------------------------------------------------------------------------------

currencies = st.sampled_from(ALL_CURRENCIES)
RATES = [D("0"), D("5"), D("7.5"), D("8"), D("10"), D("10.00"), D("20")]
rates = st.sampled_from(RATES) | st.decimals(min_value=0, max_value=100, places=4)
percents = st.sampled_from([D("0"), D("5"), D("12.5"), D("33.3333"), D("100")]) | st.decimals(
    min_value=0, max_value=100, places=4
)


def amounts_in(currency: Currency, high: int = 10**8) -> st.SearchStrategy[Decimal]:
    """Non-negative amounts in minor units, e.g. 0.00 .. 1,000,000.00 for USD."""
    return st.integers(min_value=0, max_value=high).map(
        lambda units: Decimal(units).scaleb(-currency.minor_units)
    )


@st.composite
def lines_for(
    draw: st.DrawFn,
    currency: Currency,
    key: str,
    section_keys: tuple[str, ...],
    negative: bool = True,
) -> Line:
    kind = draw(st.sampled_from(list(LineKind)))
    low = -(10**6) if negative else 0
    quantity = draw(
        st.integers(min_value=low, max_value=10**6).map(lambda n: Decimal(n).scaleb(-2))
        | st.sampled_from([D("1"), D("0.5"), D("1.5"), D("2.50"), D("8")])
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
        description=draw(st.sampled_from(["Design", "Перевод", "撮影", "Thiết kế", "기획", ""])),
        quantity=quantity,
        unit=draw(st.sampled_from(["hour", "day", "item", "month"])),
        unit_price=unit_price,
        unit_cost=unit_cost,
        markup_percent=markup,
        discount_percent=draw(percents),
        tax_rate=draw(rates),
        optional=draw(st.integers(min_value=0, max_value=3)) == 0,
    )


@st.composite
def adjustments_for(draw: st.DrawFn, currency: Currency) -> Adjustments:
    mode = draw(st.sampled_from(list(DiscountMode)))
    value = draw(percents if mode is DiscountMode.PERCENT else amounts_in(currency, 10**6))
    return Adjustments(
        discount_mode=mode,
        discount_value=value,
        discount_tax_rate=draw(rates),
        contingency_percent=draw(percents),
        contingency_tax_rate=draw(rates),
        fee_percent=draw(percents),
        fee_base=draw(st.sampled_from(list(FeeBase))),
        fee_tax_rate=draw(rates),
    )


@st.composite
def documents(draw: st.DrawFn, negative: bool = True) -> PricedDocument:
    currency = draw(currencies)
    section_count = draw(st.integers(min_value=1, max_value=3))
    sections = tuple(Section(f"s{i}", f"Phase {i}") for i in range(section_count))
    keys = tuple(section.key for section in sections)
    line_count = draw(st.integers(min_value=0, max_value=10))
    lines = tuple(draw(lines_for(currency, f"line-{i}", keys, negative)) for i in range(line_count))
    return PricedDocument(currency, sections, lines, draw(adjustments_for(currency)))


def all_amounts(totals: Totals) -> list[Decimal]:
    internal = totals.internal
    return [
        *totals.line_amounts.values(),
        *totals.section_subtotals.values(),
        totals.optional_total,
        totals.subtotal,
        totals.discount,
        totals.contingency,
        totals.fee,
        totals.net,
        *totals.taxable_by_rate.values(),
        *totals.tax_by_rate.values(),
        totals.tax,
        totals.total,
        *internal.line_costs.values(),
        *internal.section_costs.values(),
        internal.cost,
        internal.margin,
    ]


# -- properties ----------------------------------------------------------------------------------

# The oracle test checks every figure; the invariants below run fewer examples (a fast file).
quick = settings(max_examples=50)


@settings(max_examples=200)
@given(documents())
def test_totals_agree_with_the_exact_oracle(document: PricedDocument) -> None:
    totals = compute_totals(document)
    expected = oracle(document)
    assert {k: Fraction(v) for k, v in totals.line_amounts.items()} == expected["line_amounts"]
    assert Fraction(totals.subtotal) == expected["subtotal"]
    assert Fraction(totals.discount) == expected["discount"]
    assert Fraction(totals.contingency) == expected["contingency"]
    assert Fraction(totals.fee) == expected["fee"]
    assert {Fraction(k): Fraction(v) for k, v in totals.taxable_by_rate.items()} == expected[
        "taxable"
    ]
    assert {Fraction(k): Fraction(v) for k, v in totals.tax_by_rate.items()} == expected["taxes"]
    assert Fraction(totals.total) == expected["total"]
    assert Fraction(totals.internal.cost) == expected["cost"]
    margin_percent = totals.internal.margin_percent
    assert (None if margin_percent is None else Fraction(margin_percent)) == expected[
        "margin_percent"
    ]


@quick
@given(documents())
def test_total_is_the_sum_of_its_rounded_parts(document: PricedDocument) -> None:
    t = compute_totals(document)
    assert t.net == t.subtotal - t.discount + t.contingency + t.fee
    assert t.tax == sum(t.tax_by_rate.values(), D(0))
    assert t.total == t.subtotal - t.discount + t.contingency + t.fee + sum(t.tax_by_rate.values())
    assert t.total == t.net + t.tax
    assert sum(t.taxable_by_rate.values(), D(0)) == t.net
    assert list(t.tax_by_rate) == sorted(t.tax_by_rate) == list(t.taxable_by_rate)


@quick
@given(documents())
def test_subtotal_is_the_sum_of_sections_and_of_lines(document: PricedDocument) -> None:
    t = compute_totals(document)
    counted = [item for item in document.lines if not item.optional]
    optional = [item for item in document.lines if item.optional]
    assert t.subtotal == sum(t.section_subtotals.values(), D(0))
    assert t.subtotal == sum((t.line_amounts[item.key] for item in counted), D(0))
    assert t.optional_total == sum((t.line_amounts[item.key] for item in optional), D(0))
    assert list(t.section_subtotals) == [section.key for section in document.sections]
    assert list(t.line_amounts) == [item.key for item in document.lines]
    for item in document.lines:
        assert t.line_amounts[item.key] == line_amount(item, document.currency)
        assert t.internal.line_costs[item.key] == line_cost(item, document.currency)


@quick
@given(documents())
def test_every_amount_is_at_the_currency_minor_units(document: PricedDocument) -> None:
    totals = compute_totals(document)
    places = document.currency.minor_units
    for amount in all_amounts(totals):
        assert amount.as_tuple().exponent == -places, amount
        if places == 0:
            assert amount == amount.to_integral_value()
            assert "." not in str(amount)


@quick
@given(documents())
def test_tax_per_rate_is_the_rounded_rate_times_its_base(document: PricedDocument) -> None:
    totals = compute_totals(document)
    places = document.currency.minor_units
    for rate, taxable in totals.taxable_by_rate.items():
        exact = Fraction(rate) / 100 * Fraction(taxable)
        assert Fraction(totals.tax_by_rate[rate]) == half_up(exact, places)
    counted_rates = {item.tax_rate for item in document.lines if not item.optional}
    assert counted_rates <= set(totals.tax_by_rate)


@quick
@given(documents(), st.data())
def test_adding_an_optional_line_changes_no_total(
    document: PricedDocument, data: st.DataObject
) -> None:
    keys = tuple(section.key for section in document.sections)
    extra = data.draw(lines_for(document.currency, "extra-optional", keys))
    extra = dataclasses.replace(extra, optional=True)
    position = data.draw(st.integers(min_value=0, max_value=len(document.lines)))
    lines = list(document.lines)
    lines.insert(position, extra)
    before = compute_totals(document)
    after = compute_totals(dataclasses.replace(document, lines=tuple(lines)))
    for name in ("subtotal", "discount", "contingency", "fee", "net", "tax", "total"):
        assert getattr(after, name) == getattr(before, name)
    assert after.section_subtotals == before.section_subtotals
    assert after.taxable_by_rate == before.taxable_by_rate
    assert after.tax_by_rate == before.tax_by_rate
    assert after.internal.cost == before.internal.cost
    assert after.internal.margin_percent == before.internal.margin_percent
    assert after.optional_total == before.optional_total + after.line_amounts["extra-optional"]


@quick
@given(documents(), st.randoms(use_true_random=False))
def test_line_order_changes_no_total(document: PricedDocument, rnd: Random) -> None:
    lines = list(document.lines)
    rnd.shuffle(lines)
    assert compute_totals(dataclasses.replace(document, lines=tuple(lines))) == compute_totals(
        document
    )


@quick
@given(documents())
def test_margin_is_net_minus_cost(document: PricedDocument) -> None:
    t = compute_totals(document)
    assert t.internal.margin == t.net - t.internal.cost
    assert t.internal.cost == sum(t.internal.section_costs.values(), D(0))
    if t.net == 0:
        assert t.internal.margin_percent is None
    else:
        assert t.internal.margin_percent is not None
        assert t.internal.margin_percent.as_tuple().exponent == -2


@quick
@given(documents(negative=False))
def test_generated_documents_pass_validation(document: PricedDocument) -> None:
    for item in document.lines:
        validate_line(item, document.currency)
    validate_adjustments(document.adjustments, document.currency)


def test_line_refs_count_sections_and_lines_from_one_in_document_order() -> None:
    def line(key: str, section: str) -> Line:
        return Line(key, section, LineKind.FIXED_FEE, key, D(1), "", D(1))

    document = PricedDocument(
        USD,
        (Section("s-a", "A"), Section("s-b", "B"), Section("s-empty", "C")),
        (line("x", "s-b"), line("y", "s-a"), line("z", "s-b")),
    )
    assert line_refs(document) == {"x": "2.1", "y": "1.1", "z": "2.2"}
    assert line_refs(document, "CO1-") == {"x": "CO1-2.1", "y": "CO1-1.1", "z": "CO1-2.2"}


@quick
@given(documents())
def test_line_refs_are_unique_and_cover_every_line(document: PricedDocument) -> None:
    refs = line_refs(document)
    assert set(refs) == {item.key for item in document.lines}
    assert len(set(refs.values())) == len(refs)
