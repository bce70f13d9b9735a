"""The estimate workbook read back with openpyxl: figures, live formulas, cached values,
formats, print setup, properties, logo, the INTERNAL marks, and text that stays text."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from keyplan.domain.estimates import Line, LineKind, PricedDocument, Section, compute_totals
from keyplan.domain.money import Currency
from keyplan.exports.documents import (
    ClientEstimateDocument,
    InternalEstimateDocument,
    client_estimate_document,
)
from keyplan.exports.files import ExportExistsError
from keyplan.exports.xlsx.estimate import (
    ESTIMATE_SHEET,
    OPTIONAL_MARK,
    SUMMARY_SHEET,
    write_estimate_workbook,
)
from keyplan.services.estimate_records import LineDraft
from keyplan.services.exporting import build_estimate_document, export_estimate_xlsx
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
DAY = date(2026, 3, 2)
HEADERS = ["No.", "Description", "Kind", "Qty", "Unit", "Unit price", "Disc. %", "Tax %", "Amount"]
INTERNAL_HEADERS = ["Unit cost", "Markup %", "Cost", "Margin", "Role / supplier"]


# -- a small workspace with hand-made estimates -------------------------------------------------


@dataclass
class Shop:
    services: WorkspaceServices
    accounts: dict[str, int]
    folder: Path

    def estimate(
        self,
        currency: str,
        lines: list[LineDraft],
        *,
        title: str = "Launch",
        header: dict[str, Any] | None = None,
        sections: int = 1,
    ) -> int:
        """A draft revision in ``currency`` with ``lines`` spread over ``sections``."""
        estimates = self.services.estimates
        ref = estimates.create(self.accounts[currency], title, issued_on=DAY, tax_rate=D(10))
        section_ids = [estimates.document(ref.revision_id).sections[0].id]
        for index in range(1, sections):
            section_ids.append(
                estimates.add_section(f"Phase {index + 1}", revision_id=ref.revision_id)
            )
        for index, line in enumerate(lines):
            estimates.add_line(section_ids[index % sections], line)
        if header:
            estimates.update_revision(ref.revision_id, header)
        return ref.revision_id

    def export(self, revision_id: int, audience: str = "client") -> tuple[Path, Any]:
        document = build_estimate_document(self.services, revision_id, audience)  # type: ignore[arg-type]
        path = self.folder / f"{revision_id}-{audience}.xlsx"
        layout = write_estimate_workbook(document, path)
        return path, (document, layout)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    folder = tmp_path_factory.mktemp("shop")
    with WorkspaceServices.create(folder / "shop.keyplan", agency_name="Mekong Media") as services:
        owner = services.team.create("Trần Minh Anh", "Account Director")
        accounts = {
            code: services.accounts.create(
                AccountDraft(
                    f"Client {code}", currency=code, owner_id=owner, legal_name=f"{code} Ltd"
                )
            )
            for code in ("USD", "EUR", "JPY", "KRW", "VND", "BHD")
        }
        yield Shop(services, accounts, folder)


def labour(description: str, quantity: str, price: str, **more: Any) -> LineDraft:
    return LineDraft(
        kind="labour",
        description=description,
        quantity=D(quantity),
        unit="hour",
        unit_price=D(price),
        **more,
    )


def xml_of(path: Path, part: str = "xl/worksheets/sheet1.xml") -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(part).decode("utf-8")


def cell_xml(xml: str, ref: str) -> str:
    match = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, re.DOTALL)
    assert match, f"no cell {ref}"
    return match.group(0)


# -- the demo: every figure, cached and formula --------------------------------------------------


def test_every_demo_export_shows_the_app_figures_without_recalculation(
    demo_exports: list[Any], figures: Any
) -> None:
    """What a mail preview shows: the cached values, equal to the app's figures."""
    assert len(demo_exports) >= 40
    for export in demo_exports:
        workbook = load_workbook(export.path, data_only=True)
        expected = figures.expected(export.document, export.layout)
        assert figures.mismatches(workbook, expected) == [], (export.number, export.audience)
        assert (
            workbook[ESTIMATE_SHEET][
                f"{export.layout.columns['amount']}{export.layout.total_row}"
            ].value
            is not None
        )


def test_every_formula_cell_carries_a_cached_value(demo_exports: list[Any]) -> None:
    for export in demo_exports:
        with zipfile.ZipFile(export.path) as package:
            sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
            for name in sheets:
                xml = package.read(name).decode()
                cells = re.findall(r"<c [^>]*>(?:(?!</c>).)*<f>(?:(?!</c>).)*</c>", xml, re.DOTALL)
                assert cells, name
                for cell in cells:
                    assert re.search(r"<v>[^<]+</v>", cell), (export.path.name, cell)


def test_cached_values_are_the_exact_decimal_strings(demo_exports: list[Any]) -> None:
    for export in demo_exports[:6]:
        xml = xml_of(export.path)
        column = export.layout.columns["amount"]
        total = cell_xml(xml, f"{column}{export.layout.total_row}")
        assert f"<v>{export.document.totals.total}</v>" in total  # e.g. 35368.06, 3690390


def test_the_figures_are_live_formulas(demo_exports: list[Any]) -> None:
    for export in demo_exports:
        workbook = load_workbook(export.path)
        sheet = workbook[ESTIMATE_SHEET]
        layout, document = export.layout, export.document
        places = document.header.minor_units
        c = layout.columns
        for rows in layout.line_rows:
            for row in rows:
                cell = sheet[f"{c['amount']}{row}"]
                assert cell.data_type == "f"
                assert cell.value == (
                    f"=ROUND({c['quantity']}{row}*{c['unit_price']}{row}*(1-{c['discount']}{row}),"
                    f"{places})"
                )
            if rows:
                subtotal = sheet[f"{c['amount']}{rows[-1] + 1}"]
                assert subtotal.value == (
                    f"=SUMIFS({c['amount']}{rows[0]}:{c['amount']}{rows[-1]},"
                    f'{c["optional"]}{rows[0]}:{c["optional"]}{rows[-1]},"")'
                )
        for row in (
            layout.subtotal_row,
            layout.net_row,
            layout.total_row,
            *layout.tax_rows.values(),
        ):
            assert sheet[f"{c['amount']}{row}"].data_type == "f", row
        for rate, row in layout.tax_rows.items():
            formula = sheet[f"{c['amount']}{row}"].value
            assert formula.startswith(f"=ROUND({c['tax']}{row}*(")
            assert formula.endswith(f"),{places})")
            assert sheet[f"{c['tax']}{row}"].value == pytest.approx(float(rate) / 100)
        total = sheet[f"{c['amount']}{layout.total_row}"].value
        assert total.startswith(f"={c['amount']}{layout.net_row}")
        for row in (layout.contingency_row, layout.fee_row):
            if row:
                assert sheet[f"{c['amount']}{row}"].value.startswith("=ROUND(")
        if layout.discount_row:
            percent = document.totals.discount_mode.value == "percent"
            assert (sheet[f"{c['amount']}{layout.discount_row}"].data_type == "f") is percent


def test_a_fee_on_labour_sums_the_included_labour_lines(demo_exports: list[Any]) -> None:
    fees = [
        e
        for e in demo_exports
        if e.layout.fee_row and e.document.totals.fee_base.value != "subtotal"
    ]
    assert fees, "the demo has a fee on third-party lines"
    for export in fees:
        sheet = load_workbook(export.path)[ESTIMATE_SHEET]
        formula = sheet[f"{export.layout.columns['amount']}{export.layout.fee_row}"].value
        assert '"Third party"' in formula or '"Labour"' in formula
        assert ',"")' in formula  # the included lines only


def test_optional_lines_are_marked_and_left_out(demo_exports: list[Any]) -> None:
    seen = 0
    for export in demo_exports:
        sheet = load_workbook(export.path)[ESTIMATE_SHEET]
        c = export.layout.columns
        for section, rows in zip(export.document.sections, export.layout.line_rows, strict=True):
            for line, row in zip(section.lines, rows, strict=True):
                mark = sheet[f"{c['optional']}{row}"].value
                assert mark == (OPTIONAL_MARK if line.optional else None)
                if line.optional:
                    seen += 1
                    assert sheet[f"{c['description']}{row}"].font.i
            included = sum((line.amount for line in section.lines if not line.optional), D(0))
            assert section.subtotal == included
        if export.document.totals.optional_total:
            row = export.layout.optional_total_row
            assert "not included" in sheet[f"{c['unit_price']}{row}"].value
    assert seen


def test_layout_header_freeze_and_widths(demo_exports: list[Any]) -> None:
    for export in demo_exports[:4]:
        sheet = load_workbook(export.path)[ESTIMATE_SHEET]
        header_row = export.layout.header_row
        titles = [cell.value for cell in sheet[header_row]]
        expected = [*HEADERS, "Optional"]
        if export.audience == "internal":
            expected += INTERNAL_HEADERS
        assert titles == expected
        assert sheet.freeze_panes == f"A{header_row + 1}"
        assert sheet.column_dimensions["B"].width >= 40
        assert all(sheet.column_dimensions[col].width for col in "ABCDEFGHIJ")
        first_line = export.layout.line_rows[0][0]
        assert sheet[f"B{first_line}"].alignment.wrap_text
        assert sheet[f"B{first_line}"].font.name == "Noto Sans"
        assert sheet.sheet_view.showGridLines is False


def test_every_line_shows_its_reference_in_both_audiences(demo_exports: list[Any]) -> None:
    """No. holds "2.3" (text) on the third line of the second section; a section's title row
    its number; subtotal and total rows nothing."""
    seen = {"client": 0, "internal": 0}
    for export in demo_exports:
        sheet = load_workbook(export.path)[ESTIMATE_SHEET]
        layout, document = export.layout, export.document
        no = layout.columns["no"]
        assert no == "A" and sheet[f"A{layout.header_row}"].value == "No."
        for index, (section, rows) in enumerate(
            zip(document.sections, layout.line_rows, strict=True), start=1
        ):
            title = sheet[f"A{layout.section_title_rows[index - 1]}"]
            assert title.value == index and title.font.b
            assert sheet[f"A{layout.section_subtotal_rows[index - 1]}"].value is None
            for number, (line, row) in enumerate(zip(section.lines, rows, strict=True), start=1):
                cell = sheet[f"A{row}"]
                assert line.ref == f"{index}.{number}"
                assert (cell.value, cell.data_type, cell.number_format) == (line.ref, "s", "@")
                assert cell.font.i == line.optional
                seen[export.audience] += 1
        totals = [layout.subtotal_row, layout.net_row, layout.total_row, *layout.tax_rows.values()]
        for row in (*totals, layout.discount_row, layout.contingency_row, layout.fee_row):
            if row:
                assert sheet[f"A{row}"].value is None, row
        for row in range(layout.total_row, layout.last_row + 1):
            assert sheet[f"A{row}"].value is None, row
    assert seen["client"] == seen["internal"] >= 100


def test_excel_is_told_the_references_are_text_on_purpose(demo_exports: list[Any]) -> None:
    """Excel marks "1.2" stored as text with a warning triangle unless the sheet says it is
    meant (``ignoredErrors``), which must stand in its place in the schema: after the header
    and footer, before the logo's drawing."""
    for export in demo_exports[:6]:
        xml = xml_of(export.path)
        ranges = [f"A{rows[0]}:A{rows[-1]}" for rows in export.layout.line_rows if rows]
        element = (
            f'<ignoredErrors><ignoredError sqref="{" ".join(ranges)}" '
            'numberStoredAsText="1"/></ignoredErrors>'
        )
        assert xml.count("<ignoredErrors") == 1 and element in xml
        assert xml.index("</headerFooter>") < xml.index(element) < xml.index("<drawing ")
        assert xml.index(element) + len(element) == xml.index("<drawing ")


def test_a_change_orders_prefixed_references_widen_the_column(shop: Shop, tmp_path: Path) -> None:
    revision = shop.estimate("USD", [labour(f"Task {n}", "1", "10.00") for n in range(12)])
    document = build_estimate_document(shop.services, revision, "client")
    record = shop.services.estimates.document(revision)
    prefixed = client_estimate_document(
        document.agency,
        document.header,
        record.priced,
        compute_totals(record.priced),
        ref_prefix="CO12-",
    )
    path = tmp_path / "change-order.xlsx"
    layout = write_estimate_workbook(prefixed, path)
    sheet = load_workbook(path)[ESTIMATE_SHEET]
    refs = [sheet[f"A{row}"].value for row in layout.line_rows[0]]
    assert refs == [f"CO12-1.{n}" for n in range(1, 13)]
    wide = sheet.column_dimensions["A"].width
    assert wide >= len("CO12-1.12") + 1
    plain, _ = shop.export(revision)
    assert 5.5 <= load_workbook(plain)[ESTIMATE_SHEET].column_dimensions["A"].width < wide
    xml = xml_of(plain)  # no logo in the shop: the element is the last of the sheet
    assert xml.endswith('numberStoredAsText="1"/></ignoredErrors></worksheet>')


def test_print_setup(demo_exports: list[Any]) -> None:
    for export in demo_exports[:4]:
        workbook = load_workbook(export.path)
        for sheet in workbook.worksheets:
            setup = sheet.page_setup
            assert str(setup.paperSize) == "9"  # A4, the demo agency's paper
            assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            assert sheet.oddFooter.center.text == "Page &P of &N"
            number = f"{export.number} rev {export.revision}"
            assert sheet.oddFooter.left.text == number
            assert sheet.print_area
        sheet = workbook[ESTIMATE_SHEET]
        header_row = export.layout.header_row
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        last = "O" if export.audience == "internal" else "J"
        assert sheet.print_area == f"'{ESTIMATE_SHEET}'!$A$1:${last}${export.layout.last_row}"
        orientation = "landscape" if export.audience == "internal" else "portrait"
        assert sheet.page_setup.orientation == orientation


def test_letter_paper_from_the_agency(shop: Shop) -> None:
    shop.services.agency.update({"paper_size": "Letter"})
    try:
        revision = shop.estimate("USD", [labour("Design", "2", "100.00")])
        path, _ = shop.export(revision)
        assert str(load_workbook(path)[ESTIMATE_SHEET].page_setup.paperSize) == "1"
    finally:
        shop.services.agency.update({"paper_size": "A4"})


def test_document_properties(demo_exports: list[Any]) -> None:
    export = demo_exports[0]
    workbook = load_workbook(export.path)
    props = workbook.properties
    header = export.document.header
    assert props.creator == "Harbourline Partners"
    assert props.title == f"Estimate {header.number} rev {header.revision}: {header.title}"
    assert props.subject == f"Estimate for {header.client_name}"
    assert props.lastModifiedBy is None and props.description is None
    assert props.keywords is None and props.category is None
    core = xml_of(export.path, "docProps/core.xml")
    tags = set(re.findall(r"<(\w+:\w+)[ >]", core)) - {"cp:coreProperties"}
    assert tags == {"dc:creator", "dc:title", "dc:subject", "dcterms:created", "dcterms:modified"}
    app = xml_of(export.path, "docProps/app.xml")
    assert "<Company>Harbourline Partners</Company>" in app
    assert app.index("<Company>") < app.index("<Application>")


def test_the_logo_is_in_the_workbook(demo_exports: list[Any], demo: WorkspaceServices) -> None:
    logo = demo.agency.logo()
    assert logo is not None
    export = demo_exports[0]
    with zipfile.ZipFile(export.path) as package:
        media = [n for n in package.namelist() if n.startswith("xl/media/")]
        assert len(media) == 1 and package.read(media[0]) == logo[0]
        assert any(n.startswith("xl/drawings/drawing") for n in package.namelist())
    assert len(load_workbook(export.path)[ESTIMATE_SHEET]._images) == 1


def test_no_logo_no_drawing(shop: Shop) -> None:
    path, _ = shop.export(shop.estimate("USD", [labour("Design", "1", "10.00")]))
    with zipfile.ZipFile(path) as package:
        assert not [n for n in package.namelist() if "media" in n or "drawing" in n]


def test_a_broken_logo_is_left_out(shop: Shop) -> None:
    revision = shop.estimate("USD", [labour("Design", "1", "10.00")])
    document = build_estimate_document(shop.services, revision, "client")
    broken = ClientEstimateDocument(
        agency=type(document.agency)(
            name="A", logo=b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, logo_mime="image/png"
        ),
        header=document.header,
        sections=document.sections,
        totals=document.totals,
    )
    path = shop.folder / "broken-logo.xlsx"
    write_estimate_workbook(broken, path)
    assert load_workbook(path, data_only=True)[ESTIMATE_SHEET]["A1"].value == "A"


def test_internal_sheets_say_internal_everywhere(demo_exports: list[Any]) -> None:
    for export in [e for e in demo_exports if e.audience == "internal"][:4]:
        workbook = load_workbook(export.path)
        assert workbook.sheetnames == [ESTIMATE_SHEET, SUMMARY_SHEET]
        for sheet in workbook.worksheets:
            top = " ".join(
                str(c.value) for row in sheet.iter_rows(max_row=5) for c in row if c.value
            )
            assert "INTERNAL" in top, sheet.title
            assert "INTERNAL" in sheet.oddHeader.center.text
            assert sheet.oddFooter.right.text == "INTERNAL"
        assert workbook.properties.title.startswith("INTERNAL")


def test_client_workbook_has_one_visible_sheet(demo_exports: list[Any]) -> None:
    for export in [e for e in demo_exports if e.audience == "client"][:4]:
        workbook = load_workbook(export.path)
        assert workbook.sheetnames == [ESTIMATE_SHEET]
        text = " ".join(str(c.value) for row in workbook.active.iter_rows() for c in row if c.value)
        assert "INTERNAL" not in text


def test_dates_are_real_dates(demo_exports: list[Any]) -> None:
    export = demo_exports[0]
    sheet = load_workbook(export.path)[ESTIMATE_SHEET]
    dates = {
        c.value.date(): c.number_format
        for row in sheet.iter_rows()
        for c in row
        if getattr(c, "is_date", False) and c.value is not None
    }
    header = export.document.header
    assert header.issued_on in dates and dates[header.issued_on] == "yyyy-mm-dd"
    assert header.valid_until in dates


def test_texts_in_any_script_come_back_exactly(demo_exports: list[Any]) -> None:
    checked = 0
    for export in demo_exports:
        sheet = load_workbook(export.path)[ESTIMATE_SHEET]
        values = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
        document = export.document
        assert document.header.title in values
        assert document.header.client_name in values
        for section in document.sections:
            assert section.name in values
            for line in section.lines:
                assert line.description in values
                checked += 1
    assert checked > 400


# -- currencies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "price", "money"),
    [
        ("USD", "1234.56", "#,##0.00"),
        ("EUR", "99.99", "#,##0.00"),
        ("JPY", "12345", "#,##0"),
        ("KRW", "1500000", "#,##0"),
        ("VND", "2500000", "#,##0"),
        ("BHD", "12.345", "#,##0.000"),
    ],
)
def test_number_formats_follow_the_currency(
    shop: Shop, figures: Any, currency: str, price: str, money: str
) -> None:
    lines = [
        labour("Strategy", "3.5", price, discount_percent=D("12.5")),
        labour("Optional extra", "1", price, optional=True),
    ]
    header = {"contingency_percent": D("5"), "discount_value": D("2.5")}
    revision = shop.estimate(currency, lines, header=header)
    for audience in ("client", "internal"):
        path, (document, layout) = shop.export(revision, audience)
        sheet = load_workbook(path)[ESTIMATE_SHEET]
        c = layout.columns
        row = layout.line_rows[0][0]
        assert sheet[f"{c['unit_price']}{row}"].number_format == money
        for money_row in (row, layout.subtotal_row, layout.total_row, layout.contingency_row):
            assert sheet[f"{c['amount']}{money_row}"].number_format == money
        assert sheet[f"{c['discount']}{row}"].number_format == "0.0%"
        assert sheet[f"{c['discount']}{row}"].value == pytest.approx(0.125)
        assert sheet[f"{c['tax']}{row}"].number_format == "0%"
        assert sheet[f"{c['discount']}{layout.discount_row}"].number_format == "0.0%"
        cached = load_workbook(path, data_only=True)
        assert figures.mismatches(cached, figures.expected(document, layout)) == []


def test_bhd_keeps_three_decimals(shop: Shop) -> None:
    revision = shop.estimate("BHD", [labour("Design", "1.5", "10.005")])
    path, (document, layout) = shop.export(revision)
    assert document.totals.subtotal == D("15.008")
    xml = xml_of(path)
    assert "<v>15.008</v>" in cell_xml(xml, f"{layout.columns['amount']}{layout.subtotal_row}")


def test_empty_estimate_and_empty_section(shop: Shop, figures: Any) -> None:
    revision = shop.estimate("USD", [], sections=2)
    for audience in ("client", "internal"):
        path, (document, layout) = shop.export(revision, audience)
        assert document.totals.total == D("0.00")
        workbook = load_workbook(path, data_only=True)
        assert figures.mismatches(workbook, figures.expected(document, layout)) == []
        sheet = workbook[ESTIMATE_SHEET]
        assert sheet[f"I{layout.section_subtotal_rows[0]}"].value == 0


def test_export_writes_atomically_and_never_replaces_unasked(shop: Shop) -> None:
    revision = shop.estimate("USD", [labour("Design", "2", "100.00")])
    target = shop.folder / "atomic" / "Estimate.xlsx"
    target.parent.mkdir()
    assert export_estimate_xlsx(shop.services, revision, "client", target) == target
    before = target.read_bytes()
    with pytest.raises(ExportExistsError):
        export_estimate_xlsx(shop.services, revision, "internal", target)
    assert target.read_bytes() == before
    export_estimate_xlsx(shop.services, revision, "internal", target, overwrite=True)
    assert load_workbook(target).sheetnames == [ESTIMATE_SHEET, SUMMARY_SHEET]
    assert [p.name for p in target.parent.iterdir()] == ["Estimate.xlsx"]


# -- formula injection ---------------------------------------------------------------------------

SERVICE_SAFE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(1)", "=cmd|' /C calc'!A0"]
DANGEROUS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(1)",
    "\tTab",
    "\rCR",
    "=cmd|' /C calc'!A0",
]


def test_text_that_looks_like_a_formula_stays_text(shop: Shop) -> None:
    services = shop.services
    estimates = services.estimates
    revision = shop.estimate("USD", [], title='=HYPERLINK("http://x","title")')
    section = estimates.document(revision).sections[0].id
    estimates.rename_section(section, "+SUM(A1:A9)")
    for text in SERVICE_SAFE:
        line = labour(text, "1", "10.00")
        estimates.add_line(section, dataclasses.replace(line, unit="@unit"))
    estimates.update_revision(revision, {"client_notes": "=1+1", "terms": "-2 days"})
    for audience in ("client", "internal"):
        path, (_document, layout) = shop.export(revision, audience)
        xml = xml_of(path)
        formulas = set(re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>', xml))
        assert formulas == set(layout.cached[ESTIMATE_SHEET]), "only the estimate's own formulas"
        assert "HYPERLINK" not in "".join(re.findall(r"<f>(.*?)</f>", xml))
        sheet = load_workbook(path)[ESTIMATE_SHEET]
        rows = layout.line_rows[0]
        for text, row in zip(SERVICE_SAFE, rows, strict=True):
            cell = sheet[f"B{row}"]
            assert cell.data_type == "s" and cell.value == text, repr(text)
            raw = cell_xml(xml, f"B{row}")
            assert 't="inlineStr"' in raw and "<f>" not in raw
            assert cell.quotePrefix
            unit = cell_xml(xml, f"E{row}")
            assert 't="inlineStr"' in unit and "<f>" not in unit
        values = {c.value for r in sheet.iter_rows() for c in r if c.data_type == "s"}
        assert {'=HYPERLINK("http://x","title")', "+SUM(A1:A9)", "=1+1", "-2 days"} <= values


def injected_document(figures: Any) -> tuple[Any, Any]:
    """A hand-made document whose every text begins like a formula (tab and CR included,
    which the services strip from what users type but an import could bring in)."""
    usd = Currency.get("USD")
    sections = (Section("s1", "=SUM(1,2)"), Section("s2", "@Phase"))
    lines = tuple(
        Line(
            key=f"l{index}",
            section_key="s1" if index % 2 else "s2",
            kind=LineKind.LABOUR,
            description=text,
            quantity=D(index + 1),
            unit="-hour" if index % 2 else "\tday",
            unit_price=D("10.05"),
            tax_rate=D(10),
            role="=role",
            supplier="+supplier",
        )
        for index, text in enumerate(DANGEROUS)
    )
    priced = PricedDocument(usd, sections, lines)
    return figures.documents_for(
        priced,
        title='=HYPERLINK("http://x","title")',
        client="+Client",
        notes="\rnotes",
        terms="-terms",
        internal_notes="@internal",
    )


def test_hand_made_text_with_tab_and_cr_stays_text_and_exact(figures: Any, tmp_path: Path) -> None:
    for document in injected_document(figures):
        path = tmp_path / f"{type(document).__name__}.xlsx"
        layout = write_estimate_workbook(document, path)
        for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
            try:
                xml = xml_of(path, part)
            except KeyError:
                continue
            sheet = ESTIMATE_SHEET if part.endswith("1.xml") else SUMMARY_SHEET
            formulas = set(re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>', xml))
            assert formulas == set(layout.cached[sheet])
            assert "\r" not in xml  # stored as &#13;, which XML keeps
        workbook = load_workbook(path)
        texts = {c.value for s in workbook for r in s.iter_rows() for c in r if c.data_type == "s"}
        expected = {*DANGEROUS, "=SUM(1,2)", "@Phase", "-hour", "\tday", "+Client", "-terms"}
        expected.add('=HYPERLINK("http://x","title")')
        expected.add("\rnotes")
        if isinstance(document, InternalEstimateDocument):
            expected |= {"@internal", "=role / +supplier"}
        assert expected <= texts
        sheet = workbook[ESTIMATE_SHEET]
        for text in DANGEROUS:
            cell = next(c for r in sheet.iter_rows() for c in r if c.value == text)
            assert cell.data_type == "s" and cell.quotePrefix, repr(text)


def test_injected_text_survives_a_recalculation(
    figures: Any, libreoffice: Any, tmp_path: Path
) -> None:
    client, _ = injected_document(figures)
    path = tmp_path / "injected.xlsx"
    layout = write_estimate_workbook(client, path)
    output = libreoffice.recalculate([path])[path]
    workbook = load_workbook(output, data_only=True)
    sheet = workbook[ESTIMATE_SHEET]
    values = {c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)}
    assert {"+1+1", "-2", "@SUM(1)", '=HYPERLINK("http://x","y")', "\tTab"} <= values
    assert figures.mismatches(workbook, figures.expected(client, layout)) == []


def test_a_client_document_cannot_be_rendered_as_internal(shop: Shop) -> None:
    revision = shop.estimate("USD", [labour("Design", "1", "10.00")])
    client = build_estimate_document(shop.services, revision, "client")
    internal = build_estimate_document(shop.services, revision, "internal")
    assert isinstance(client, ClientEstimateDocument)
    assert isinstance(internal, InternalEstimateDocument)
    with pytest.raises(TypeError):
        write_estimate_workbook(object(), shop.folder / "x.xlsx")  # type: ignore[arg-type]
