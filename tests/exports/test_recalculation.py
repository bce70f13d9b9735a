"""A real spreadsheet engine recalculating the exported formulas gets the app's figures.

LibreOffice headless opens each workbook, recalculates every formula (forced: see conftest)
and saves it; openpyxl then reads the recalculated values. Every line amount, section subtotal,
discount, contingency, fee, total before tax, tax per rate and total, and on the internal
variant every cost, margin and margin %, must equal the app's to the minor unit, for every
revision of every demo estimate and for generated estimates in all kinds of currencies.
Workbooks are recalculated in batches (one LibreOffice start for many files).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from keyplan.domain.estimates import (
    Adjustments,
    DiscountMode,
    FeeBase,
    Line,
    LineKind,
    PricedDocument,
    Section,
    line_refs,
    third_party_price,
)
from keyplan.domain.money import Currency
from keyplan.exports.xlsx.estimate import ESTIMATE_SHEET, write_estimate_workbook
from keyplan.services.estimate_import import plan_round_trip, read_client_workbook

D = Decimal
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "KRW", "VND", "BHD", "KWD", "CNY", "RUB", "TWD"]
# tax rates of real countries, and a few awkward ones
TAX_RATES = [D(0), D(5), D(7), D("7.5"), D(8), D(9), D(10), D(19), D(20), D(21), D("8.875")]


def every_formula_cell_matches(original: Path, recalculated: Path, places: int) -> list[str]:
    """Each formula cell's recalculated value against the value the export cached."""
    problems = []
    cached = load_workbook(original, data_only=True)
    fresh = load_workbook(recalculated, data_only=True)
    for sheet in load_workbook(original).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                was = cached[sheet.title][cell.coordinate].value
                now = fresh[sheet.title][cell.coordinate].value
                if isinstance(was, str) or isinstance(now, str):
                    ok = was == now
                else:
                    ok = was is not None and now is not None and abs(now - was) < 10**-places / 2
                if not ok:
                    problems.append(f"{sheet.title}!{cell.coordinate} {cell.value}: {was} -> {now}")
    return problems


def test_every_demo_revision_recalculates_to_the_app_figures(
    demo_exports: list[Any], libreoffice: Any, figures: Any
) -> None:
    outputs = libreoffice.recalculate([export.path for export in demo_exports])
    numbers = {export.number for export in demo_exports}
    assert len(numbers) >= 14 and len(demo_exports) >= 40
    for export in demo_exports:
        output = outputs[export.path]
        workbook = load_workbook(output, data_only=True)
        expected = figures.expected(export.document, export.layout)
        where = f"{export.number} rev {export.revision} ({export.audience})"
        assert figures.mismatches(workbook, expected) == [], where
        places = export.document.header.minor_units
        assert every_formula_cell_matches(export.path, output, places) == [], where
        assert line_refs_shown(workbook, export.document, export.layout) == [], where


def line_refs_shown(workbook: Any, document: Any, layout: Any) -> list[str]:
    """The line references ("1.10") a workbook does not show as the exact text."""
    sheet = workbook[ESTIMATE_SHEET]
    no = layout.columns["no"]
    return [
        f"{no}{row}: {sheet[f'{no}{row}'].value!r}, the app says {line.ref!r}"
        for section, rows in zip(document.sections, layout.line_rows, strict=True)
        for line, row in zip(section.lines, rows, strict=True)
        if sheet[f"{no}{row}"].value != line.ref
    ]


def test_a_client_workbook_saved_by_libreoffice_reads_back_by_reference(
    demo: Any, demo_exports: list[Any], libreoffice: Any, figures: Any, tmp_path: Path
) -> None:
    """A client who opens and saves the workbook in LibreOffice keeps the references as text
    ("1.10" does not become the number 1.1), so the round trip still matches every line by its
    reference: nothing changed."""
    usd = Currency.get("USD")
    lines = tuple(
        Line(f"l{n}", "s", LineKind.LABOUR, f"Task {n}", D(1), "hour", D("10.00"))
        for n in range(12)
    )
    long_section, _ = figures.documents_for(PricedDocument(usd, (Section("s", "Work"),), lines))
    long_path = tmp_path / "twelve-lines.xlsx"
    long_layout = write_estimate_workbook(long_section, long_path)
    chosen = [e for e in demo_exports if e.audience == "client"][:4]
    outputs = libreoffice.recalculate([long_path, *(export.path for export in chosen)])
    saved = load_workbook(outputs[long_path])
    assert saved[ESTIMATE_SHEET][f"A{long_layout.line_rows[0][9]}"].value == "1.10"
    assert line_refs_shown(saved, long_section, long_layout) == []
    for export in chosen:
        document = demo.estimates.document(export.revision_id)
        edits = read_client_workbook(outputs[export.path], document)
        assert edits.by_ref, export.path.name
        assert [line.ref for s in edits.sections for line in s.lines] == list(
            line_refs(document.priced).values()
        )
        plan = plan_round_trip(demo, export.revision_id, edits)
        assert plan.is_empty, (export.path.name, plan.preview)


# -- generated estimates ---------------------------------------------------------------------


def _amount(draw: Any, currency: Currency, high: int) -> Decimal:
    """A price with the currency's minor units, often ending in 5 (half-way cases)."""
    units = currency.minor_units
    whole = draw(st.integers(min_value=0, max_value=high))
    minor = draw(st.integers(min_value=0, max_value=10**units - 1)) if units else 0
    return D(whole) + D(minor).scaleb(-units)


def _percent(draw: Any, high: int = 100) -> Decimal:
    return draw(
        st.one_of(
            st.sampled_from([D(0), D(0), D(5), D(10), D("12.5"), D(50), D("2.5"), D("0.5")]),
            st.integers(min_value=0, max_value=high * 10_000).map(lambda n: D(n).scaleb(-4)),
        )
    )


@st.composite
def priced_documents(draw: Any, code: str | None = None) -> PricedDocument:
    currency = Currency.get(code or draw(st.sampled_from(CURRENCIES)))
    # magnitudes a spreadsheet's doubles hold exactly enough (15 significant digits)
    high = {0: 50_000_000, 2: 500_000, 3: 50_000}[currency.minor_units]
    section_count = draw(st.integers(min_value=1, max_value=4))
    sections = tuple(Section(f"s{i}", f"Section {i}") for i in range(section_count))
    standard = draw(st.sampled_from(TAX_RATES))
    lines = []
    for index in range(draw(st.integers(min_value=0, max_value=9))):
        kind = draw(st.sampled_from(list(LineKind)))
        unit_cost = _amount(draw, currency, high)
        markup = D(0)
        if kind is LineKind.THIRD_PARTY:
            markup = draw(st.sampled_from([D(0), D(10), D(15), D("12.5"), D("33.3333")]))
            price = third_party_price(unit_cost, markup, currency)
        else:
            price = _amount(draw, currency, high)
        quantity = D(draw(st.integers(min_value=0, max_value=200_000))).scaleb(-2)
        lines.append(
            Line(
                key=f"l{index}",
                section_key=draw(st.sampled_from([s.key for s in sections])),
                kind=kind,
                description=f"Line {index}",
                quantity=quantity,
                unit="hour",
                unit_price=price,
                unit_cost=unit_cost,
                markup_percent=markup,
                discount_percent=_percent(draw),
                tax_rate=draw(st.sampled_from([standard, standard, *TAX_RATES])),
                optional=draw(st.booleans()) and draw(st.booleans()),
            )
        )
    lines.sort(key=lambda line: [s.key for s in sections].index(line.section_key))
    mode = draw(st.sampled_from(list(DiscountMode)))
    if mode is DiscountMode.AMOUNT:
        discount = _amount(draw, currency, high // 10)
    else:
        discount = _percent(draw, 30)
    rates = st.sampled_from([standard, *TAX_RATES])
    adjustments = Adjustments(
        discount_mode=mode,
        discount_value=draw(st.sampled_from([D(0), discount, discount])),
        discount_tax_rate=draw(rates),
        contingency_percent=draw(st.sampled_from([D(0), _percent(draw, 20)])),
        contingency_tax_rate=draw(rates),
        fee_percent=draw(st.sampled_from([D(0), _percent(draw, 25)])),
        fee_base=draw(st.sampled_from(list(FeeBase))),
        fee_tax_rate=draw(rates),
    )
    return PricedDocument(currency, sections, tuple(lines), adjustments)


def test_generated_estimates_recalculate_to_the_app_figures(
    libreoffice: Any, figures: Any, tmp_path: Path
) -> None:
    """Four generated estimates per currency (both audiences), recalculated in one batch."""
    written: list[tuple[Any, Any, Path]] = []

    def collect(priced: PricedDocument) -> None:
        for document in figures.documents_for(priced):
            path = tmp_path / f"generated-{len(written):03d}.xlsx"
            layout = write_estimate_workbook(document, path)
            # straight after export, the cached values are the app's
            cached = load_workbook(path, data_only=True)
            assert figures.mismatches(cached, figures.expected(document, layout)) == []
            written.append((document, layout, path))

    for code in CURRENCIES:
        run = settings(
            max_examples=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )(given(priced_documents(code))(collect))
        run()
    assert {document.header.currency_code for document, _, _ in written} == set(CURRENCIES)
    outputs = libreoffice.recalculate([path for _, _, path in written])
    failures = []
    for document, layout, path in written:
        workbook = load_workbook(outputs[path], data_only=True)
        problems = figures.mismatches(workbook, figures.expected(document, layout))
        problems += every_formula_cell_matches(path, outputs[path], document.header.minor_units)
        problems += line_refs_shown(workbook, document, layout)
        if problems:
            failures.append((document, problems))
    assert not failures, failures[0]
