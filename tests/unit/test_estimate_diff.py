"""Revision diff: lines added, removed and changed; deltas per section, per tax rate and overall."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyplan.domain.estimates import (
    CLIENT_FIELDS,
    Adjustments,
    DiscountMode,
    FeeBase,
    Line,
    LineKind,
    PricedDocument,
    Section,
    compute_totals,
    diff_documents,
    third_party_price,
)
from keyplan.domain.money import Currency, CurrencyMismatchError

D = Decimal
USD = Currency.get("USD")
JPY = Currency.get("JPY")
CODES = ["USD", "EUR", "JPY", "KRW", "VND", "HKD", "TWD", "RUB", "BHD"]
ALL_CURRENCIES = [Currency.get(code) for code in CODES]


def line(
    key: str,
    section: str,
    kind: LineKind,
    quantity: str,
    unit_price: str,
    unit_cost: str = "0",
    *,
    tax: str = "10",
    markup: str = "0",
    description: str = "",
) -> Line:
    return Line(
        key=key,
        section_key=section,
        kind=kind,
        description=description or f"Line {key}",
        quantity=D(quantity),
        unit="hour" if kind is LineKind.LABOUR else "item",
        unit_price=D(unit_price),
        unit_cost=D(unit_cost),
        markup_percent=D(markup),
        tax_rate=D(tax),
    )


# -- a worked example: revision 1 -> revision 2 --------------------------------------------------


def revision_1() -> PricedDocument:
    return PricedDocument(
        USD,
        (Section("S1", "Strategy"), Section("S2", "Production"), Section("S3", "Media")),
        (
            line("a", "S1", LineKind.LABOUR, "10", "150.00", "80.00"),
            line("b", "S1", LineKind.LABOUR, "5", "120.00", "96.00"),
            line("c", "S2", LineKind.FIXED_FEE, "1", "2000.00", "1200.00"),
            line("d", "S2", LineKind.EXPENSE, "2", "50.00", "50.00"),
            line("e", "S3", LineKind.THIRD_PARTY, "1", "1150.00", "1000.00", markup="15"),
        ),
    )


def revision_2() -> PricedDocument:
    """S1 renamed, S3 dropped with its line, S4 added; a more hours, b dropped, d dearer."""
    old = {item.key: item for item in revision_1().lines}
    return PricedDocument(
        USD,
        (
            Section("S1", "Strategy & planning"),
            Section("S2", "Production"),
            Section("S4", "Launch"),
        ),
        (
            dataclasses.replace(old["a"], quantity=D("12")),
            dataclasses.replace(old["c"], unit_cost=D("1300.00")),  # internal only: not listed
            line("f", "S2", LineKind.EXPENSE, "3", "40.00", "40.00"),
            dataclasses.replace(old["d"], unit_price=D("55.00")),
            line("g", "S4", LineKind.FIXED_FEE, "1", "500.00", "300.00"),
        ),
    )


def test_worked_revision_diff() -> None:
    diff = diff_documents(revision_1(), revision_2())
    summary = [(change.key, change.status) for change in diff.lines]
    assert summary == [
        ("a", "changed"),
        ("b", "removed"),  # after its old neighbour a
        ("f", "added"),
        ("d", "changed"),
        ("e", "removed"),  # its section is gone: after the last surviving line before it
        ("g", "added"),
    ]
    a, b, f, d, e, g = diff.lines
    assert dict(a.fields) == {
        "section": ("Strategy", "Strategy & planning"),
        "quantity": (D("10"), D("12")),
    }
    assert (a.amount_old, a.amount_new) == (D("1500.00"), D("1800.00"))
    assert a.section_name == "Strategy & planning"
    assert (b.description, b.section_name) == ("Line b", "Strategy")
    assert dict(b.fields) == {}
    assert (b.amount_old, b.amount_new) == (D("600.00"), D("0.00"))
    assert (f.amount_old, f.amount_new) == (D("0.00"), D("120.00"))
    assert f.section_name == "Production"
    assert dict(d.fields) == {"unit_price": (D("50.00"), D("55.00"))}
    assert (d.amount_old, d.amount_new) == (D("100.00"), D("110.00"))
    assert (e.section_name, e.amount_old) == ("Media", D("1150.00"))
    assert (g.section_name, g.amount_new) == ("Launch", D("500.00"))

    sections = [(s.key, s.name, s.old, s.new, s.delta) for s in diff.sections]
    assert sections == [
        ("S1", "Strategy & planning", D("2100.00"), D("1800.00"), D("-300.00")),
        ("S2", "Production", D("2100.00"), D("2230.00"), D("130.00")),
        ("S3", "Media", D("1150.00"), D("0.00"), D("-1150.00")),
        ("S4", "Launch", D("0.00"), D("500.00"), D("500.00")),
    ]
    assert diff.subtotal_delta == D("-820.00")  # 4530.00 - 5350.00
    assert diff.discount_delta == diff.contingency_delta == diff.fee_delta == D("0.00")
    assert dict(diff.tax_delta_by_rate) == {D("10"): D("-82.00")}
    assert (diff.old_total, diff.new_total) == (D("5885.00"), D("4983.00"))
    assert diff.total_delta == D("-902.00")
    assert diff.internal_cost_delta == D("-800.00")  # 2780.00 - 3580.00


def test_a_moved_line_reports_its_section() -> None:
    old = revision_1()
    moved = tuple(
        dataclasses.replace(item, section_key="S1") if item.key == "c" else item
        for item in old.lines
    )
    diff = diff_documents(old, dataclasses.replace(old, lines=moved))
    assert [(c.key, c.status, dict(c.fields)) for c in diff.lines] == [
        ("c", "changed", {"section": ("Production", "Strategy")})
    ]
    assert diff.total_delta == D("0.00")
    assert [s.delta for s in diff.sections] == [D("2000.00"), D("-2000.00"), D("0.00")]


def test_every_client_field_is_reported_in_order_and_internal_ones_are_not() -> None:
    old = PricedDocument(
        USD,
        (Section("S1", "One"), Section("S2", "Two")),
        (line("x", "S1", LineKind.LABOUR, "1", "100.00", "50.00"),),
    )
    new_line = Line(
        key="x",
        section_key="S2",
        kind=LineKind.FIXED_FEE,
        description="Changed",
        quantity=D("2"),
        unit="day",
        unit_price=D("90.00"),
        unit_cost=D("70.00"),
        discount_percent=D("5"),
        tax_rate=D("0"),
        optional=True,
        role="Designer",
        supplier="Someone",
    )
    diff = diff_documents(old, dataclasses.replace(old, lines=(new_line,)))
    (change,) = diff.lines
    assert tuple(change.fields) == CLIENT_FIELDS
    assert change.fields["kind"] == (LineKind.LABOUR, LineKind.FIXED_FEE)
    assert change.fields["optional"] == (False, True)
    assert change.description == "Changed"
    assert (change.amount_old, change.amount_new) == (D("100.00"), D("171.00"))
    # the line became optional: it leaves the subtotal
    assert diff.subtotal_delta == D("-100.00")
    assert dict(diff.tax_delta_by_rate) == {D("10"): D("-10.00")}

    internal_only = dataclasses.replace(
        old.lines[0], unit_cost=D("60.00"), role="Director", supplier="X"
    )
    diff = diff_documents(old, dataclasses.replace(old, lines=(internal_only,)))
    assert diff.lines == ()
    assert diff.internal_cost_delta == D("10.00")


def test_equal_numbers_written_differently_are_no_change() -> None:
    old = revision_1()
    rewritten = tuple(
        dataclasses.replace(item, quantity=item.quantity.quantize(D("0.01")), tax_rate=D("10.00"))
        for item in old.lines
    )
    assert diff_documents(old, dataclasses.replace(old, lines=rewritten)).lines == ()


def test_removed_lines_stay_next_to_their_old_neighbours() -> None:
    sections = (Section("S1", "One"), Section("S2", "Two"))
    items = [
        line(key, section, LineKind.EXPENSE, "1", "10.00")
        for key, section in [("p", "S1"), ("q", "S1"), ("r", "S2"), ("s", "S2"), ("t", "S2")]
    ]
    old = PricedDocument(USD, sections, tuple(items))
    # p (first of S1) goes before q; r (first of S2) goes before s; t after s.
    kept = dataclasses.replace(old, lines=(items[1], items[3]))
    assert [c.key for c in diff_documents(old, kept).lines] == ["p", "r", "t"]
    assert [c.status for c in diff_documents(old, kept).lines] == ["removed"] * 3

    added = line("n", "S2", LineKind.EXPENSE, "1", "1.00")
    reordered = dataclasses.replace(old, lines=(added, items[3], items[1]))
    keys = [c.key for c in diff_documents(old, reordered).lines]
    # new order n, s, q; r before s (same section, nothing of S2 before it), t after s, p before q
    assert keys == ["n", "r", "t", "p"]

    emptied = dataclasses.replace(old, lines=())
    assert [c.key for c in diff_documents(old, emptied).lines] == ["p", "q", "r", "s", "t"]
    assert diff_documents(old, emptied).total_delta == D("-55.00")


def test_adjustment_and_rate_deltas() -> None:
    old = PricedDocument(
        JPY,
        (Section("S", "Main"),),
        (
            line("a", "S", LineKind.LABOUR, "10", "15000", tax="10"),
            line("b", "S", LineKind.THIRD_PARTY, "1", "33000", "30000", tax="0", markup="10"),
        ),
        Adjustments(discount_value=D("5"), discount_tax_rate=D("10")),
    )
    new = dataclasses.replace(
        old,
        lines=old.lines[:1],
        adjustments=Adjustments(
            discount_mode=DiscountMode.AMOUNT,
            discount_value=D("10000"),
            discount_tax_rate=D("10"),
            contingency_percent=D("3"),
            contingency_tax_rate=D("10"),
            fee_percent=D("10"),
            fee_base=FeeBase.LABOUR,
            fee_tax_rate=D("10"),
        ),
    )
    diff = diff_documents(old, new)
    # old: subtotal 183000, discount 9150, taxable 10 % = 140850 -> 14085, 0 % = 33000; total 187935
    # new: subtotal 150000, discount 10000, contingency 4500, fee 15000;
    #      taxable 10 % = 159500 -> 15950; total 175450
    assert diff.subtotal_delta == D("-33000")
    assert diff.discount_delta == D("850")
    assert diff.contingency_delta == D("4500")
    assert diff.fee_delta == D("15000")
    assert list(diff.tax_delta_by_rate.items()) == [(D("0"), D("0")), (D("10"), D("1865"))]
    assert (diff.old_total, diff.new_total, diff.total_delta) == (
        D("187935"),
        D("175450"),
        D("-12485"),
    )
    assert str(diff.total_delta) == "-12485"


def test_documents_in_two_currencies_cannot_be_compared() -> None:
    old = revision_1()
    with pytest.raises(CurrencyMismatchError):
        diff_documents(old, dataclasses.replace(old, currency=Currency.get("EUR")))
    with pytest.raises(TypeError):
        diff_documents(old, 1.5)  # type: ignore[arg-type]


# -- strategies ----------------------------------------------------------------------------------

RATES = [D("0"), D("5"), D("10"), D("20")]
PERCENTS = [D("0"), D("2.5"), D("5"), D("12.5"), D("33.3333")]


@st.composite
def random_line(draw: st.DrawFn, currency: Currency, key: str, sections: tuple[str, ...]) -> Line:
    kind = draw(st.sampled_from(list(LineKind)))
    quantity = Decimal(draw(st.integers(min_value=-5000, max_value=50000))).scaleb(-2)
    unit_cost = Decimal(draw(st.integers(min_value=0, max_value=10**7))).scaleb(
        -currency.minor_units
    )
    markup = draw(st.sampled_from(PERCENTS)) if kind is LineKind.THIRD_PARTY else D(0)
    if kind is LineKind.THIRD_PARTY:
        unit_price = third_party_price(unit_cost, markup, currency)
    else:
        unit_price = Decimal(draw(st.integers(min_value=0, max_value=10**7))).scaleb(
            -currency.minor_units
        )
    return Line(
        key=key,
        section_key=draw(st.sampled_from(sections)),
        kind=kind,
        description=draw(st.sampled_from(["Design", "Phát triển", "Съёмка", "撮影"])),
        quantity=quantity,
        unit="item",
        unit_price=unit_price,
        unit_cost=unit_cost,
        markup_percent=markup,
        discount_percent=draw(st.sampled_from(PERCENTS)),
        tax_rate=draw(st.sampled_from(RATES)),
        optional=draw(st.integers(min_value=0, max_value=4)) == 0,
    )


@st.composite
def random_adjustments(draw: st.DrawFn) -> Adjustments:
    return Adjustments(
        discount_value=draw(st.sampled_from(PERCENTS)),
        discount_tax_rate=draw(st.sampled_from(RATES)),
        contingency_percent=draw(st.sampled_from(PERCENTS)),
        contingency_tax_rate=draw(st.sampled_from(RATES)),
        fee_percent=draw(st.sampled_from(PERCENTS)),
        fee_base=draw(st.sampled_from(list(FeeBase))),
        fee_tax_rate=draw(st.sampled_from(RATES)),
    )


@st.composite
def revisions(draw: st.DrawFn) -> tuple[PricedDocument, PricedDocument]:
    """An old document and a new one made from it by removing, changing, adding and moving."""
    currency = draw(st.sampled_from(ALL_CURRENCIES))
    old_sections = tuple(Section(f"s{i}", f"Phase {i}") for i in range(draw(st.integers(1, 3))))
    old_keys = tuple(section.key for section in old_sections)
    old_lines = [
        draw(random_line(currency, f"l{i}", old_keys)) for i in range(draw(st.integers(0, 8)))
    ]
    old = PricedDocument(currency, old_sections, tuple(old_lines), draw(random_adjustments()))

    new_sections = [
        dataclasses.replace(section, name=f"{section.name} (revised)")
        if draw(st.booleans())
        else section
        for section in old_sections
        if draw(st.integers(0, 3)) > 0
    ]
    if not new_sections or draw(st.booleans()):
        new_sections.append(Section("added", "Added phase"))
    new_keys = tuple(section.key for section in new_sections)
    new_lines: list[Line] = []
    for item in old_lines:
        action = draw(st.sampled_from(["keep", "keep", "remove", "change", "move", "internal"]))
        if item.section_key not in new_keys and action != "remove":
            action = "move"
        if action == "remove":
            continue
        if action == "change":
            item = dataclasses.replace(
                item,
                quantity=item.quantity + 1,
                description=item.description + "+",
                optional=draw(st.booleans()),
            )
        elif action == "move":
            item = dataclasses.replace(item, section_key=draw(st.sampled_from(new_keys)))
        elif action == "internal":
            item = dataclasses.replace(item, unit_cost=D(0), role="Other")
        new_lines.append(item)
    new_lines += [
        draw(random_line(currency, f"n{i}", new_keys)) for i in range(draw(st.integers(0, 3)))
    ]
    new_lines = draw(st.permutations(new_lines))
    adjustments = draw(random_adjustments()) if draw(st.booleans()) else old.adjustments
    new = PricedDocument(currency, tuple(new_sections), tuple(new_lines), adjustments)
    return old, new


# -- properties ----------------------------------------------------------------------------------


@settings(max_examples=60)
@given(revisions())
def test_a_document_diffed_with_itself_is_empty(
    pair: tuple[PricedDocument, PricedDocument],
) -> None:
    for document in pair:
        diff = diff_documents(document, document)
        assert diff.lines == ()
        assert [s.key for s in diff.sections] == [s.key for s in document.sections]
        assert all(s.delta == 0 and s.old == s.new for s in diff.sections)
        for delta in (
            diff.subtotal_delta,
            diff.discount_delta,
            diff.contingency_delta,
            diff.fee_delta,
            diff.total_delta,
            diff.internal_cost_delta,
            *diff.tax_delta_by_rate.values(),
        ):
            assert delta == 0
        assert diff.old_total == diff.new_total == compute_totals(document).total


@settings(max_examples=120)
@given(revisions())
def test_deltas_are_new_minus_old(pair: tuple[PricedDocument, PricedDocument]) -> None:
    old, new = pair
    diff = diff_documents(old, new)
    before, after = compute_totals(old), compute_totals(new)
    assert diff.total_delta == after.total - before.total
    assert (diff.old_total, diff.new_total) == (before.total, after.total)
    assert diff.subtotal_delta == after.subtotal - before.subtotal
    assert diff.discount_delta == after.discount - before.discount
    assert diff.contingency_delta == after.contingency - before.contingency
    assert diff.fee_delta == after.fee - before.fee
    assert diff.internal_cost_delta == after.internal.cost - before.internal.cost
    assert sum((s.delta for s in diff.sections), D(0)) == diff.subtotal_delta
    assert diff.total_delta == (
        diff.subtotal_delta
        - diff.discount_delta
        + diff.contingency_delta
        + diff.fee_delta
        + sum(diff.tax_delta_by_rate.values(), D(0))
    )
    assert list(diff.tax_delta_by_rate) == sorted(set(before.tax_by_rate) | set(after.tax_by_rate))
    places = new.currency.minor_units
    amounts = [diff.total_delta, diff.subtotal_delta, *diff.tax_delta_by_rate.values()]
    for section in diff.sections:
        amounts += [section.old, section.new, section.delta]
    for change in diff.lines:
        amounts += [change.amount_old, change.amount_new]
    assert all(amount.as_tuple().exponent == -places for amount in amounts)
    reverse = diff_documents(new, old)
    assert reverse.total_delta == -diff.total_delta


@settings(max_examples=120)
@given(revisions())
def test_line_changes_account_for_every_difference(
    pair: tuple[PricedDocument, PricedDocument],
) -> None:
    old, new = pair
    diff = diff_documents(old, new)
    old_lines = {item.key: item for item in old.lines}
    new_lines = {item.key: item for item in new.lines}
    keys = [change.key for change in diff.lines]
    assert len(keys) == len(set(keys))
    statuses = {change.key: change.status for change in diff.lines}
    assert {k for k, s in statuses.items() if s == "added"} == set(new_lines) - set(old_lines)
    assert {k for k, s in statuses.items() if s == "removed"} == set(old_lines) - set(new_lines)
    # the lines still there keep the new display order
    present = [change.key for change in diff.lines if change.status != "removed"]
    assert present == [item.key for item in new.lines if item.key in statuses]
    for change in diff.lines:
        if change.status == "changed":
            assert change.fields
            assert list(change.fields) == [f for f in CLIENT_FIELDS if f in change.fields]
            assert all(was != now for was, now in change.fields.values()) or (
                "section" in change.fields
            )
        else:
            assert not change.fields
    # every line whose amount or inclusion changed is listed: the listed ones explain the subtotal
    explained = D(0)
    for change in diff.lines:
        if change.key in new_lines and not new_lines[change.key].optional:
            explained += change.amount_new
        if change.key in old_lines and not old_lines[change.key].optional:
            explained -= change.amount_old
    assert explained == diff.subtotal_delta
    # sections: every section of either document once, new ones in new order
    section_keys = [s.key for s in diff.sections]
    assert sorted(section_keys) == sorted(
        {s.key for s in old.sections} | {s.key for s in new.sections}
    )
    assert [k for k in section_keys if k in {s.key for s in new.sections}] == [
        s.key for s in new.sections
    ]
