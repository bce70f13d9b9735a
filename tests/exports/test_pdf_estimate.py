"""The client estimate PDF read back with pypdf: pages, metadata, fonts, the figures the app
shows, every script, nothing internal, paper size, and files that are never overwritten.

Documents are made by hand (domain objects, fast) where a test needs a particular estimate,
from a small workspace where the whole service path matters, and from the demo workspace
(the conftest's, shared by the export tests) for real estimates: 17 revisions in 8 currencies,
one of them 317 lines long.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from keyplan.domain.estimates import (
    Adjustments,
    DiscountMode,
    FeeBase,
    Line,
    LineKind,
    PricedDocument,
    Section,
    compute_totals,
)
from keyplan.domain.money import Currency
from keyplan.domain.numbers import format_decimal
from keyplan.exports.documents import (
    AgencyHeader,
    ClientEstimateDocument,
    EstimateHeader,
    InternalEstimateDocument,
    InternalLine,
    PaperSize,
    client_estimate_document,
)
from keyplan.exports.files import ExportError, ExportExistsError
from keyplan.exports.pdf import build_estimate_pdf, layout
from keyplan.exports.pdf.estimate import OPTIONAL_NOTE, TABLE_HEADERS
from keyplan.exports.pdf.fonts import FALLBACK, MISSING, SANS, has_glyph
from keyplan.services.estimate_records import LineDraft
from keyplan.services.exporting import (
    build_estimate_document,
    estimate_pdf_file_name,
    export_estimate_pdf,
)
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
TODAY = date(2026, 3, 16)
A4_POINTS = (595.28, 841.89)
LETTER_POINTS = (612.0, 792.0)
SCRIPTS = ("Nguyễn Thị Hương", "Tiếng Việt", "Дмитрий Иванов", "张伟", "株式会社", "한국어")
INTERNAL_WORDS = ("cost", "margin", "markup", "internal", "supplier", "floor")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


# -- reading a PDF back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    data: bytes
    reader: PdfReader
    pages: list[str]  # extracted text per page

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def flat(self) -> str:
        """The text with every run of white space as one space."""
        return " ".join(self.text.split())


def read(data: bytes) -> Read:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return Read(data, reader, [page.extract_text() for page in reader.pages])


def money(value: Decimal, places: int, locale: str = "en_US") -> str:
    """An amount as the app shows it (ui/formatting.money_text in this locale)."""
    return format_decimal(value, locale, places)


def page_fonts(reader: PdfReader) -> list[Any]:
    found = []
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            found.append(ref.get_object())
    return found


# -- hand-made documents -----------------------------------------------------------------------


def line(
    key: str,
    section: str,
    description: str,
    quantity: str,
    price: str,
    *,
    unit: str = "hour",
    discount: str = "0",
    tax: str = "10",
    optional: bool = False,
    cost: str = "0",
) -> Line:
    return Line(
        key=key,
        section_key=section,
        kind=LineKind.LABOUR,
        description=description,
        quantity=D(quantity),
        unit=unit,
        unit_price=D(price),
        unit_cost=D(cost),
        discount_percent=D(discount),
        tax_rate=D(tax),
        optional=optional,
    )


def document(
    currency: str = "USD",
    lines: Iterable[Line] | None = None,
    sections: Iterable[Section] | None = None,
    *,
    adjustments: Adjustments | None = None,
    paper: PaperSize = "A4",
    logo: bytes | None = None,
    **header: Any,
) -> ClientEstimateDocument:
    sections = tuple(sections or (Section("s1", "Design"),))
    lines = tuple(
        lines
        if lines is not None
        else (
            line("a", "s1", "Key visual", "10", "150"),
            line("b", "s1", "Banner set", "2.5", "99.99", discount="5"),
        )
    )
    cur = Currency.get(currency)
    priced = PricedDocument(cur, sections, lines, adjustments or Adjustments())
    agency = AgencyHeader(
        name="Mekong Media",
        legal_name="Mekong Media Co., Ltd.",
        address="12 Lê Lợi\nQuận 1, TP. Hồ Chí Minh\nViệt Nam",
        tax_id="MST 0312345678",
        brand_colour="#0E5A8A",
        logo=logo,
        logo_mime="image/png" if logo else "",
        paper_size=paper,
    )
    fields_ = {
        "number": "MM-2026-0001",
        "revision": 1,
        "title": "Launch",
        "status": "sent",
        "client_name": "Client",
        "client_legal_name": "",
        "project_name": "",
        "prepared_by": "Trần Minh Anh",
        "currency_code": cur.code,
        "minor_units": cur.minor_units,
        "issued_on": TODAY,
        "valid_until": date(2026, 4, 15),
        "terms": "Payment within 30 days.",
        "client_notes": "",
    }
    fields_.update(header)
    return client_estimate_document(
        agency, EstimateHeader(**fields_), priced, compute_totals(priced)
    )


def png_logo(width: int = 480, height: int = 160) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (14, 90, 138)).save(buffer, format="PNG")
    return buffer.getvalue()


# -- the demo ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPdf:
    client: ClientEstimateDocument
    internal: InternalEstimateDocument
    pdf: Read


@pytest.fixture(scope="module")
def demo_pdfs(demo: WorkspaceServices, demo_revision_ids: list[int]) -> list[DemoPdf]:
    """Every demo revision as the client PDF, with both of its documents."""
    found = []
    for revision_id in demo_revision_ids:
        client = build_estimate_document(demo, revision_id, "client")
        internal = build_estimate_document(demo, revision_id, "internal")
        found.append(DemoPdf(client, internal, read(build_estimate_pdf(client))))
    return found


def lines_of(document: ClientEstimateDocument | InternalEstimateDocument) -> list[Any]:
    return [line for section in document.sections for line in section.lines]


def test_demo_figures_are_the_apps(demo_pdfs: list[DemoPdf]) -> None:
    for item in demo_pdfs:
        doc, flat = item.client, item.pdf.flat
        places, totals, code = doc.header.minor_units, doc.totals, doc.header.currency_code
        number = f"{doc.header.number} rev {doc.header.revision}"
        assert f"Total {code} {money(totals.total, places)}" in flat, number
        assert f"Subtotal {money(totals.subtotal, places)}" in flat, number
        for rate, tax in totals.tax_by_rate.items():
            base = money(totals.taxable_by_rate[rate], places)
            rate_text = format(rate.normalize(), "f")
            assert f"Tax {rate_text} % on {base} {money(tax, places)}" in flat, number
        if totals.has_discount:
            assert f"−{money(totals.discount, places)}" in flat, number
        if totals.has_contingency:
            assert money(totals.contingency, places) in flat, number
        if totals.has_fee:
            assert money(totals.fee, places) in flat, number
        if totals.optional_total:
            expected = (
                f"Optional items, not included in the total {money(totals.optional_total, places)}"
            )
            assert expected in flat, number
        tokens = set(flat.split())
        for section in doc.sections:
            assert money(section.subtotal, places) in tokens, (number, section.name)
            for item_line in section.lines:
                assert item_line.ref in tokens, (number, item_line.ref)
                assert money(item_line.amount, places) in tokens, (number, item_line.ref)


def test_demo_pdfs_have_their_metadata_and_only_embedded_subset_fonts(
    demo_pdfs: list[DemoPdf],
) -> None:
    for item in demo_pdfs:
        header, reader = item.client.header, item.pdf.reader
        meta = reader.metadata
        assert meta is not None
        assert meta.title == f"Estimate {header.number} rev {header.revision}: {header.title}"
        assert meta.author == "Harbourline Partners"
        assert meta.subject == f"Estimate for {header.client_name}"
        assert meta.creator == "Keyplan"
        assert set(meta) <= {
            "/Title", "/Author", "/Subject", "/Creator", "/Producer", "/Keywords",
            "/CreationDate", "/ModDate", "/Trapped",
        }  # fmt: skip
        assert not meta.get("/Keywords")
        for font in page_fonts(reader):
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]  # no standard Type 1
            assert re.fullmatch(r"/[A-Z]{6}\+(NotoSans-\w+|WenQuanYiMicroHei-0)", font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        assert "\x00" not in item.pdf.text  # no glyph without a character behind it


def test_every_script_the_fonts_cover_is_drawn(demo_pdfs: list[DemoPdf]) -> None:
    """A box (MISSING) only where no shipped font has the character (the demo's Thai and
    Arabic market names), never for Vietnamese, Cyrillic, Chinese, Japanese or Korean."""
    for item in demo_pdfs:
        texts = [section.name for section in item.client.sections]
        texts += [line.description for line in lines_of(item.client)]
        uncovered = {
            char
            for text in texts
            for char in text
            if not char.isspace()
            and not unicodedata.combining(char)
            and not has_glyph(SANS, char)
            and not has_glyph(FALLBACK, char)
        }
        assert (MISSING in item.pdf.text) == bool(uncovered), item.client.header.number
    vietnamese = next(i for i in demo_pdfs if i.client.header.currency_code == "VND")
    korean = next(i for i in demo_pdfs if i.client.header.currency_code == "KRW")
    for item in (vietnamese, korean):
        assert item.client.header.title in item.pdf.flat
        for described in lines_of(item.client):
            assert " ".join(described.description.split()) in item.pdf.flat


def walk(value: Any) -> Iterator[Any]:
    """Every leaf value inside a document (dataclasses, tuples, mappings)."""
    if is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from walk(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from walk(item)
    elif hasattr(value, "items"):
        for key, item in value.items():
            yield from walk(key)
            yield from walk(item)
    else:
        yield value


def numbers_of(values: Iterable[Any]) -> set[Decimal]:
    found: set[Decimal] = set()
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, Decimal | int):
            found |= {D(value), D(value).scaleb(-2), D(value).scaleb(2)}
        elif isinstance(value, date):
            found |= {D(value.day), D(value.month), D(value.year)}
        elif isinstance(value, str):
            found |= {D(n.replace(",", "")) for n in NUMBER.findall(value)}
    return {n.normalize() for n in found}


def leaks(item: DemoPdf) -> list[str]:
    client, internal, pdf = item.client, item.internal, item.pdf
    problems = []
    # words and internal texts, in the text with the client's own texts taken out
    squeeze = re.compile(r"\s+")
    residue = squeeze.sub("", pdf.text)
    texts = {v for v in walk(client) if isinstance(v, str) and v.strip()}
    for text in sorted(texts, key=len, reverse=True):
        residue = residue.replace(squeeze.sub("", text), "|")
    lowered = residue.lower()
    problems += [f"the word {w!r}" for w in INTERNAL_WORDS if w in lowered]
    secrets = {internal.internal_notes}
    secrets |= {line.role for line in lines_of(internal)} | {s.supplier for s in lines_of(internal)}
    secrets = {squeeze.sub("", s).lower() for s in secrets if len(s.strip()) >= 4}
    problems += [f"the internal text {s!r}" for s in secrets if s in lowered]
    # figures: none of the internal ones, unless the client document shows the same number
    figures: list[Any] = [internal.cost, internal.margin, internal.margin_percent]
    figures.append(internal.margin_floor_percent)
    for section in internal.sections:
        figures += [section.cost, section.margin, section.margin_percent]
        for internal_line in section.lines:
            assert isinstance(internal_line, InternalLine)
            figures += [internal_line.unit_cost, internal_line.cost, internal_line.margin]
            figures.append(internal_line.markup_percent)
    secret_numbers = numbers_of(f for f in figures if f is not None)
    shown = numbers_of([*walk(client), *range(len(pdf.pages) + len(client.sections) + 1)])
    secret_numbers = {n for n in secret_numbers - shown if n != 0}
    for token in NUMBER.findall(pdf.flat):
        if D(token.replace(",", "")).normalize() in secret_numbers:
            problems.append(f"the internal figure {token}")
    # and the file itself: metadata and page streams, decompressed
    raw = [pdf.data]
    raw += [page.get_contents().get_data() for page in pdf.reader.pages]  # type: ignore[union-attr]
    for blob in raw:
        text = blob.decode("latin-1").lower()
        for secret in ("margin", "markup", "internal", "unit cost"):
            if secret in text:
                problems.append(f"{secret!r} in the file's bytes")
        note = internal.internal_notes.strip().lower()
        if note and note.encode("latin-1", "ignore").decode("latin-1") in text:
            problems.append("the internal notes in the file's bytes")
    return problems


def test_the_client_pdf_shows_nothing_internal(demo_pdfs: list[DemoPdf]) -> None:
    assert any(item.internal.internal_notes for item in demo_pdfs)  # the test has something to find
    for item in demo_pdfs:
        assert not leaks(item), (item.client.header.number, leaks(item))


def test_the_leak_check_finds_a_leak(demo_pdfs: list[DemoPdf]) -> None:
    """A check that cannot fail is no check: the internal notes and the internal cost put in
    the client's terms are found."""
    with_notes = [i for i in demo_pdfs if i.internal.internal_notes]
    item = min(with_notes, key=lambda i: len(lines_of(i.client)))
    cost = money(item.internal.cost, item.client.header.minor_units)
    terms = f"{item.internal.internal_notes} Total {cost}."
    header = dataclasses.replace(item.client.header, terms=terms)
    leaked = dataclasses.replace(item.client, header=header)
    planted = DemoPdf(item.client, item.internal, read(build_estimate_pdf(leaked)))
    problems = leaks(planted)
    assert any("internal text" in problem for problem in problems), problems
    assert f"the internal figure {cost}" in problems, problems


def test_the_long_demo_estimate_runs_over_pages_with_its_header_on_each(
    demo_pdfs: list[DemoPdf],
) -> None:
    item = max(demo_pdfs, key=lambda i: len(lines_of(i.client)))
    assert len(lines_of(item.client)) == 317
    pages = item.pdf.pages
    assert len(pages) >= 8
    has_discount = any(line.discount_percent for line in lines_of(item.client))
    header = " ".join(t for t in TABLE_HEADERS if has_discount or t != "Disc. %")
    refs = {line.ref for line in lines_of(item.client)}
    seen: set[str] = set()
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert f"Page {number} of {len(pages)}" in flat
        assert f"{item.client.header.number} rev {item.client.header.revision}" in flat
        on_page = refs & set(flat.split())
        if on_page or number < len(pages) - 1:
            assert header in flat, f"page {number} has lines but no table header"
        seen |= on_page
    assert seen == refs  # every line is printed
    assert "HydraGlow" in pages[1]  # the running header names the estimate on later pages


def test_sections_optional_lines_and_adjustments() -> None:
    lines = [
        line("a", "s1", "Strategy workshop", "2", "1200"),
        line("b", "s1", "Research add-on", "1", "800", optional=True),
        line("c", "s2", "Production", "3", "450.50", tax="0"),
    ]
    sections = [Section("s1", "Phase one"), Section("s2", "Phase two")]
    adjustments = Adjustments(
        discount_mode=DiscountMode.PERCENT,
        discount_value=D("5"),
        discount_tax_rate=D("10"),
        contingency_percent=D("3"),
        contingency_tax_rate=D("10"),
        fee_percent=D("12.5"),
        fee_base=FeeBase.LABOUR,
        fee_tax_rate=D("10"),
    )
    doc = document(lines=lines, sections=sections, adjustments=adjustments, tax_label="VAT")
    pdf = read(build_estimate_pdf(doc))
    t, flat = doc.totals, pdf.flat
    assert "1 Phase one" in flat and "2 Phase two" in flat
    assert f"Subtotal Phase one {money(doc.sections[0].subtotal, 2)}" in flat
    assert f"Subtotal Phase two {money(doc.sections[1].subtotal, 2)}" in flat
    assert f"Discount 5 % −{money(t.discount, 2)}" in flat
    assert f"Contingency 3 % {money(t.contingency, 2)}" in flat
    assert f"Agency fee 12.5 % (on labour) {money(t.fee, 2)}" in flat
    assert f"Total before tax {money(t.net, 2)}" in flat
    assert (
        f"VAT 10 % on {money(t.taxable_by_rate[D(10)], 2)} {money(t.tax_by_rate[D(10)], 2)}" in flat
    )
    assert f"VAT 0 % on {money(t.taxable_by_rate[D(0)], 2)} 0.00" in flat
    assert f"Total USD {money(t.total, 2)}" in flat
    assert f"Optional items, not included in the total {money(t.optional_total, 2)}" in flat
    assert f"Research add-on {OPTIONAL_NOTE}" in flat
    # the optional line is drawn in italics, the others are not
    fonts: dict[str, str] = {}

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if text.strip() and font is not None:
            fonts.setdefault(text.strip(), str(font["/BaseFont"]))

    pdf.reader.pages[0].extract_text(visitor_text=visit)
    assert fonts["Research add-on"].endswith("NotoSans-Italic")
    assert fonts["Strategy workshop"].endswith("NotoSans-Regular")
    # no line has a discount: no discount column; one line with one: the column is there
    assert "Disc. %" not in flat
    with_discount = document(lines=[line("a", "s1", "Design", "1", "100", discount="10")])
    assert "Disc. %" in read(build_estimate_pdf(with_discount)).flat


def test_letter_parts_title_validity_terms_notes_and_signatures() -> None:
    doc = document(
        title="Spring campaign",
        client_name="Aurora Japan",
        client_legal_name="Aurora Japan K.K.",
        project_name="Spring 2026",
        terms="Payment within 30 days.\nPrices exclude media.",
        client_notes="Thank you for the brief.",
        revision=3,
    )
    pdf = read(build_estimate_pdf(doc))
    first, flat = " ".join(pdf.pages[0].split()), pdf.flat
    assert "Mekong Media Co., Ltd. · 12 Lê Lợi" in first  # the return address above the window
    assert "Aurora Japan K.K. Aurora Japan" in first
    assert "ESTIMATE" in first and "DRAFT" not in first
    for label, value in (
        ("Estimate no.", "MM-2026-0001"),
        ("Revision", "3"),
        ("Date", "March 16, 2026"),
        ("Valid until", "April 15, 2026"),
        ("Currency", "USD"),
        ("Prepared by", "Trần Minh Anh"),
        ("Project", "Spring 2026"),
    ):
        assert f"{label} {value}" in first
    assert "Spring campaign Estimate MM-2026-0001 · Revision 3 · Aurora Japan" in first
    assert (
        "This estimate is valid until April 15, 2026. All amounts are in US Dollar (USD)." in flat
    )
    assert "Terms Payment within 30 days. Prices exclude media." in flat
    assert "Notes Thank you for the brief." in flat
    assert f"for a total of USD {money(doc.totals.total, 2)}" in flat
    assert "Accepted for Aurora Japan K.K." in flat and "For Mekong Media Co., Ltd." in flat
    for label in ("Name", "Title", "Date", "Signature", "Purchase order no."):
        assert label in flat
    draft = document(status="draft")
    assert "ESTIMATE — DRAFT" in read(build_estimate_pdf(draft)).pages[0]


@pytest.mark.parametrize(
    ("currency", "price", "expected"),
    [
        ("JPY", "123456", "1,234,560"),
        ("VND", "25300000", "253,000,000"),
        ("KRW", "1200000", "12,000,000"),
        ("USD", "1234.56", "12,345.60"),
        ("BHD", "12.345", "123.450"),
    ],
)
def test_amounts_have_the_currencys_decimals(currency: str, price: str, expected: str) -> None:
    doc = document(currency, [line("a", "s1", "Work", "10", price, tax="0")])
    flat = read(build_estimate_pdf(doc)).flat
    assert f"Total {currency} {expected}" in flat
    assert money(doc.totals.total, doc.header.minor_units) == expected
    amount = re.search(rf"Total {currency} (\S+)", flat)
    assert amount is not None and amount.group(1) == expected


def test_the_locale_formats_amounts_and_dates() -> None:
    doc = document("EUR", [line("a", "s1", "Arbeit", "10", "1234.5", tax="19")])
    flat = read(build_estimate_pdf(doc, locale="de_DE")).flat
    assert f"Total EUR {money(doc.totals.total, 2, 'de_DE')}" in flat
    assert "14.690,55" in flat and "16. März 2026" in flat
    default = read(build_estimate_pdf(doc)).flat  # en_US: the document carries no locale
    assert "Total EUR 14,690.55" in default


def test_paper_size_follows_the_agency() -> None:
    for paper, size in (("A4", A4_POINTS), ("Letter", LETTER_POINTS)):
        reader = read(build_estimate_pdf(document(paper=paper))).reader  # type: ignore[arg-type]
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.01)


def many_lines(count: int) -> list[Line]:
    names = ("Nguyễn Thị Hương", "张伟", "株式会社 東京", "한국어 카피", "Дмитрий Иванов")
    return [
        line(
            f"l{i}",
            f"s{i % 3}",
            f"Localised banner set {i} for {names[i % 5]}, three sizes, two rounds of changes",
            str(1 + i % 7),
            f"{100 + i * 7}.25",
            unit="日" if i % 11 == 0 else "hour",
            optional=i % 13 == 0,
        )
        for i in range(count)
    ]


def test_a_three_page_estimate_with_every_script_and_a_logo_is_small() -> None:
    sections = [Section(f"s{i}", f"Market {i + 1}") for i in range(3)]
    doc = document(lines=many_lines(48), sections=sections, logo=png_logo(4000, 1500))
    pdf = read(build_estimate_pdf(doc))
    assert len(pdf.pages) == 3
    assert len(pdf.data) < 1_000_000, len(pdf.data)


def test_a_long_table_laid_out_in_windows_breaks_pages_exactly_as_a_whole_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tables of more than LONG_TABLE_ROWS rows are laid out a window of rows at a time (linear
    time); the pages must be the same: headings kept with their first line, a subtotal with
    the last, a row taller than a page cut in two, the header on every page."""
    sections = [Section(f"s{i}", f"Market {i + 1}") for i in range(3)]
    lines = many_lines(150)
    lines[40] = dataclasses.replace(lines[40], description="Very long scope. " * 400)
    doc = document(lines=lines, sections=sections)
    whole = read(build_estimate_pdf(doc))
    monkeypatch.setattr(layout, "LONG_TABLE_ROWS", 10)
    monkeypatch.setattr(layout, "WINDOW", 12)  # smaller than a page: windows get widened
    splits: list[tuple[int, int, bool]] = []
    split = layout._WindowedTable.split

    def counted(self: Any, width: float, height: float) -> list[Any]:
        parts = split(self, width, height)
        splits.append((self.start, self.end, self.first is not None))
        return parts

    monkeypatch.setattr(layout._WindowedTable, "split", counted)
    windowed = read(build_estimate_pdf(doc))
    assert len(whole.pages) >= 6
    assert windowed.pages == whole.pages
    assert len(splits) >= len(whole.pages) - 1  # it was laid out in windows
    assert any(first for _, _, first in splits)  # one of them began with the rest of a row


def test_hostile_text_is_printed_as_text_and_long_text_runs_over_pages() -> None:
    huge = ("A very long description that keeps going. " * 250).strip()  # > one page high
    nasty = '=cmd|"/C calc"!A0 <b>not bold</b> & &amp; 👍 \x07 tab\there'
    lines = [
        line("a", "s1", huge, "1", "10"),
        line("b", "s1", nasty, "1", "10", unit="<unit>&"),
        line("c", "s1", "", "0", "0"),
        line("d", "s1", "中" * 400, "1", "10"),  # CJK with no space to break at
    ]
    doc = document(
        lines=lines,
        title="T" * 600,
        client_name="<Client> & Co " * 30,
        terms="\n\n".join(["Clause with & and < >."] * 60),
        logo=b"not an image",
    )
    pdf = read(build_estimate_pdf(doc))
    flat = pdf.flat
    assert len(pdf.pages) >= 3
    assert '=cmd|"/C calc"!A0 <b>not bold</b> & &amp;' in flat
    assert "<unit>&" in flat
    assert "Clause with & and < >." in flat
    assert "\x07" not in pdf.text
    assert pdf.text.count("中") == 400


def test_an_empty_estimate_still_makes_a_pdf() -> None:
    doc = document(lines=[], title="", terms="", valid_until=None, client_name="")
    flat = read(build_estimate_pdf(doc)).flat
    assert "Total USD 0.00" in flat


def test_only_the_client_document_becomes_a_pdf(demo_pdfs: list[DemoPdf]) -> None:
    with pytest.raises(TypeError, match="ClientEstimateDocument"):
        build_estimate_pdf(demo_pdfs[0].internal)  # type: ignore[arg-type]


def dark_pixels(image: Any, left: float, top: float, right: float, bottom: float) -> int:
    """Pixels darker than mid-grey in a box given in mm from the top left (72 dpi image)."""
    px = 72 / 25.4
    box = image.crop((round(left * px), round(top * px), round(right * px), round(bottom * px)))
    return sum(box.histogram()[:128])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) missing")
def test_the_recipient_sits_in_the_envelope_window(tmp_path: Path) -> None:
    """Page 1 rendered at 72 dpi (a pixel is a point): the client's name is inside the window
    of a DIN 5008 envelope (20 mm from the left, 45 mm from the top, 85 x 45 mm)."""
    for paper in ("A4", "Letter"):
        doc = document(
            paper=paper,  # type: ignore[arg-type]
            client_name="Sen Việt E-commerce",
            client_legal_name="Công ty Cổ phần Thương mại Điện tử Sen Việt",
        )
        path = tmp_path / f"{paper}.pdf"
        path.write_bytes(build_estimate_pdf(doc))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "72", "-singlefile", str(path), str(tmp_path / paper)],
            check=True,
            timeout=60,
        )
        image = Image.open(tmp_path / f"{paper}.png").convert("L")
        ink = partial(dark_pixels, image)
        assert ink(22, 50, 105, 88) > 200  # the recipient's lines, in the window
        assert ink(0, 40, 18, 297 if paper == "A4" else 279) == 0  # the left margin is empty
        assert ink(22, 40, 105, 44.5) == 0  # nothing between the letterhead rule and the window


# -- through the services ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WorkspaceServices, int]]:
    """A workspace with one estimate whose account, title and lines use six scripts."""
    folder = tmp_path_factory.mktemp("pdf_shop")
    with WorkspaceServices.create(folder / "shop.keyplan", agency_name="Mekong Media") as services:
        owner = services.team.create("Nguyễn Thị Hương", "Account Director")
        account = services.accounts.create(
            AccountDraft(
                "Дмитрий Иванов & Partners",
                currency="USD",
                owner_id=owner,
                legal_name="株式会社 Hoshizora",
            )
        )
        ref = services.estimates.create(
            account, "Tiếng Việt và 한국어 launch", issued_on=TODAY, tax_rate=D(10)
        )
        estimates = services.estimates
        section = estimates.document(ref.revision_id).sections[0].id
        estimates.add_line(
            section,
            LineDraft(description="Interviews with 张伟", quantity=D(12), unit="hour",
                      unit_price=D("150.00"), unit_cost=D("61.37")),
        )  # fmt: skip
        estimates.add_line(
            section,
            LineDraft(description="Copy review by Дмитрий Иванов", quantity=D(3), unit="day",
                      unit_price=D("980.00"), unit_cost=D("433.19"), role="Senior Copywriter"),
        )  # fmt: skip
        estimates.update_revision(
            ref.revision_id,
            {"internal_notes": "Quoted below the usual rate card", "client_notes": "Thanks!"},
        )
        yield services, ref.revision_id


def test_export_writes_the_quote_with_every_script(
    shop: tuple[WorkspaceServices, int], tmp_path: Path
) -> None:
    services, revision_id = shop
    name = estimate_pdf_file_name(services, revision_id)
    assert name.endswith(".pdf") and "Tiếng Việt" in name and "INTERNAL" not in name
    written = export_estimate_pdf(services, revision_id, tmp_path / name)
    assert written == tmp_path / name
    pdf = read(written.read_bytes())
    for text in SCRIPTS:
        assert text in pdf.text, text
    record = services.estimates.document(revision_id)
    assert f"Total USD {money(record.totals.total, 2)}" in pdf.flat
    assert "61.37" not in pdf.flat and "433.19" not in pdf.flat
    assert "Senior Copywriter" not in pdf.flat and "rate card" not in pdf.flat
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind


def test_an_existing_file_is_kept_unless_replacing_is_allowed(
    shop: tuple[WorkspaceServices, int], tmp_path: Path
) -> None:
    services, revision_id = shop
    target = tmp_path / "quote.pdf"
    target.write_bytes(b"the client's signed copy")
    with pytest.raises(ExportExistsError):
        export_estimate_pdf(services, revision_id, target)
    assert target.read_bytes() == b"the client's signed copy"
    export_estimate_pdf(services, revision_id, target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF-")
    with pytest.raises(ExportError, match="does not exist"):
        export_estimate_pdf(services, revision_id, tmp_path / "missing" / "quote.pdf")


def test_missing_fonts_are_an_export_error(
    shop: tuple[WorkspaceServices, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyplan.services import exporting

    def missing() -> None:
        raise FileNotFoundError("The font wqy-microhei.ttc is missing from Keyplan's fonts.")

    monkeypatch.setattr(exporting, "register_fonts", missing)
    with pytest.raises(ExportError, match=r"wqy-microhei\.ttc .* Reinstall Keyplan"):
        export_estimate_pdf(shop[0], shop[1], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_the_paper_size_comes_from_the_agency_profile(tmp_path: Path) -> None:
    with WorkspaceServices.create(tmp_path / "w.keyplan", agency_name="Lumen") as services:
        account = services.accounts.create(AccountDraft("Client", currency="USD"))
        revision_id = services.estimates.create(account, "Launch", issued_on=TODAY).revision_id
        for paper, size in (("A4", A4_POINTS), ("Letter", LETTER_POINTS)):
            services.agency.update({"paper_size": paper})
            path = export_estimate_pdf(services, revision_id, tmp_path / f"{paper}.pdf")
            box = PdfReader(path).pages[0].mediabox
            assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.01)
