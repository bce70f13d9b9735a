"""The client workbook carries nothing internal, in any part of the package.

Every part of the .xlsx zip (sheets, styles, shared strings, rels, docProps, drawings, the
theme) is searched for every internal figure of the estimate (unit costs, line, section and
total costs, margins, margin %, markups, the margin floor) and every internal text (the words
cost / margin / markup, roles, suppliers, internal notes). The estimate's own client texts
are taken out first, so a description that mentions "costs" is not a leak. The package must
also hold nothing hidden: no hidden sheets, columns or rows, no comments, no defined names
except the print titles and print area.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils.datetime import to_excel

from keyplan.exports.documents import (
    ClientEstimateDocument,
    InternalEstimateDocument,
    InternalLine,
)
from keyplan.exports.xlsx.estimate import write_estimate_workbook

INTERNAL_WORDS = ("cost", "margin", "markup", "internal", "supplier", "floor")
ALLOWED_DEFINED_NAMES = {"_xlnm.Print_Titles", "_xlnm.Print_Area"}
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
# where a figure could be written: cell values, inline/shared strings, headers and footers,
# document properties; formulas hold only cell references and ROUND's digits (checked apart)
DATA_KINDS = {
    "v",
    "t",
    "oddHeader",
    "oddFooter",
    "evenHeader",
    "evenFooter",
    "firstHeader",
    "firstFooter",
    "title",
    "subject",
    "creator",
    "Company",
    "description",
    "keywords",
    "category",
    "lastModifiedBy",
    "Manager",
}


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
            number = Decimal(value)
            found |= {number, number.scaleb(-2), number.scaleb(2)}
        elif isinstance(value, date):
            found.add(Decimal(str(to_excel(value))))
    return {n.normalize() for n in found}


def client_texts(document: ClientEstimateDocument) -> list[str]:
    """The client's texts, taken out of what is searched; longest first.

    Texts that are numbers (the line references "1.2", a unit "12") are left out: taken out of
    everything they would cut pieces out of figures ("1181.25" -> "118 5"), hiding a leak. They
    are allowed as a whole cell only (:func:`whole_cell_texts`).
    """
    texts = {v for v in walk(document) if isinstance(v, str) and v.strip()}
    texts |= {line for t in list(texts) for line in t.splitlines() if line.strip()}
    return sorted((t for t in texts if not NUMBER.fullmatch(t.strip())), key=len, reverse=True)


def whole_cell_texts(document: ClientEstimateDocument) -> set[str]:
    """The client's texts that are numbers, such as the line references: allowed as a whole."""
    return {v.strip() for v in walk(document) if isinstance(v, str) and NUMBER.fullmatch(v.strip())}


def internal_figures(
    internal: InternalEstimateDocument, client: ClientEstimateDocument
) -> set[Decimal]:
    figures: list[Any] = [internal.cost, internal.margin, internal.margin_percent]
    figures.append(internal.margin_floor_percent)
    for section in internal.sections:
        figures += [section.cost, section.margin, section.margin_percent]
        for line in section.lines:
            assert isinstance(line, InternalLine)
            figures += [line.unit_cost, line.cost, line.margin, line.markup_percent]
    secret = numbers_of(f for f in figures if f is not None)
    # a figure that the client document itself shows (a cost equal to a price) is no secret;
    # nor are the sections' numbers (1, 2, ... in the No. column)
    shown = numbers_of([*walk(client), *range(1, len(client.sections) + 1)])
    return {n for n in secret - shown if n != 0}


def internal_strings(
    internal: InternalEstimateDocument, client: ClientEstimateDocument
) -> set[str]:
    shown = "\n".join(client_texts(client)).lower()
    strings = {internal.internal_notes.strip()}
    for section in internal.sections:
        for line in section.lines:
            strings |= {line.role.strip(), line.supplier.strip()}
    strings |= {line for s in list(strings) for line in s.splitlines()}
    return {s for s in strings if len(s) >= 4 and s.lower() not in shown}


def xml_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """(kind, text) of every text node and attribute value of an XML part."""
    root = ET.fromstring(data)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        for name, value in element.attrib.items():
            yield f"@{name.rsplit('}', 1)[-1]}", value
        if element.text and element.text.strip():
            yield tag, element.text
        if element.tail and element.tail.strip():
            yield tag, element.tail


def leaks(
    path: Path, client: ClientEstimateDocument, internal: InternalEstimateDocument
) -> list[str]:
    secret_numbers = internal_figures(internal, client)
    secret_strings = internal_strings(internal, client)
    allowed = client_texts(client)
    whole = whole_cell_texts(client)
    logo = client.agency.logo
    problems: list[str] = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            data = package.read(name)
            if not (name.endswith(".xml") or name.endswith(".rels")):
                if name.startswith("xl/media/") and logo is not None and data == logo:
                    continue
                problems.append(f"{name}: an unexpected binary part")
                continue
            for kind, text in xml_texts(data):
                if kind == "t" and text.strip() in whole:
                    continue  # a line reference "1.2" (a number in a cell would be a "v")
                residue = text
                for known in allowed:
                    residue = residue.replace(known, " ")
                lowered = residue.lower()
                for word in INTERNAL_WORDS:
                    if word in lowered:
                        problems.append(f"{name} {kind}: {word!r} in {text[:80]!r}")
                for secret in secret_strings:
                    if secret.lower() in lowered:
                        problems.append(f"{name} {kind}: {secret!r}")
                if kind not in DATA_KINDS:
                    continue  # layout (r="I14", widths, colours, timestamps) is not data
                for token in NUMBER.findall(residue):
                    try:
                        number = Decimal(token.replace(",", "")).normalize()
                    except ArithmeticError:
                        continue
                    if number in secret_numbers:
                        problems.append(
                            f"{name} {kind}: the internal figure {token} in {text[:60]!r}"
                        )
    return problems


def structure_problems(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        for name in names:
            if re.search(r"comments|vmlDrawing|threadedComment|custom\.xml|persons", name):
                problems.append(f"unexpected part {name}")
        workbook = package.read("xl/workbook.xml").decode()
        if re.search(r'state="(hidden|veryHidden)"', workbook):
            problems.append("a hidden sheet")
        defined = set(re.findall(r'<definedName [^>]*name="([^"]+)"', workbook))
        if defined - ALLOWED_DEFINED_NAMES:
            problems.append(f"defined names {defined - ALLOWED_DEFINED_NAMES}")
        sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if len(sheets) != 1:
            problems.append(f"{len(sheets)} worksheets")
        for sheet in sheets:
            xml = package.read(sheet).decode()
            if re.search(r'hidden="(1|true)"', xml):
                problems.append(f"{sheet}: hidden rows or columns")
            if re.search(r'outlineLevel="[1-9]"|collapsed="(1|true)"', xml):
                problems.append(f"{sheet}: grouped (collapsible) rows or columns")
            if re.search(r"<c r=\"[K-Z][0-9]+\"|<c r=\"[A-Z]{2}[0-9]+\"", xml):
                problems.append(f"{sheet}: cells right of the Optional column")
            if "<legacyDrawing" in xml or "<dataValidation" in xml:
                problems.append(f"{sheet}: comments or data validations")
    return problems


def test_no_demo_client_workbook_leaks(demo_exports: list[Any]) -> None:
    pairs: dict[int, dict[str, Any]] = {}
    for export in demo_exports:
        pairs.setdefault(export.revision_id, {})[export.audience] = export
    assert len(pairs) >= 20
    for exports in pairs.values():
        client, internal = exports["client"], exports["internal"]
        assert leaks(client.path, client.document, internal.document) == [], client.path.name
        assert structure_problems(client.path) == [], client.path.name


def test_the_leak_test_finds_a_leak(demo_exports: list[Any], tmp_path: Path) -> None:
    """The internal workbook, searched as if it were the client's, is full of findings."""
    exports = [e for e in demo_exports if e.number == demo_exports[0].number]
    client = next(e for e in exports if e.audience == "client")
    internal = next(e for e in exports if e.audience == "internal")
    found = leaks(internal.path, client.document, internal.document)
    assert any("'cost'" in p for p in found)
    assert any("'margin'" in p for p in found)
    assert any("internal figure" in p for p in found)
    assert structure_problems(internal.path)


def test_a_hand_made_estimate_with_telling_internal_fields(figures: Any, tmp_path: Path) -> None:
    """Internal values chosen to be easy to spot: none of them reaches the client file."""
    from keyplan.domain.estimates import (
        Adjustments,
        FeeBase,
        Line,
        LineKind,
        PricedDocument,
        Section,
    )
    from keyplan.domain.money import Currency

    eur = Currency.get("EUR")
    lines = (
        Line(
            "a",
            "s",
            LineKind.LABOUR,
            "Strategy",
            Decimal(7),
            "hour",
            Decimal("180.00"),
            unit_cost=Decimal("73.41"),
            role="Secret Planner",
        ),
        Line(
            "b",
            "s",
            LineKind.THIRD_PARTY,
            "Printing",
            Decimal(3),
            "lot",
            Decimal("1188.37"),
            unit_cost=Decimal("991.97"),
            markup_percent=Decimal("19.8"),
            supplier="Druckhaus Nord",
        ),
        Line(
            "c",
            "s",
            LineKind.EXPENSE,
            "Travel",
            Decimal(1),
            "trip",
            Decimal("412.00"),
            unit_cost=Decimal("377.77"),
            optional=True,
        ),
    )
    adjustments = Adjustments(
        fee_percent=Decimal(8), fee_base=FeeBase.THIRD_PARTY, fee_tax_rate=Decimal(19)
    )
    priced = PricedDocument(eur, (Section("s", "Work"),), lines, adjustments)
    client, internal = figures.documents_for(
        priced, internal_notes="Keep the 19.8 % uplift quiet", floor=Decimal("33.3")
    )
    path = tmp_path / "client.xlsx"
    write_estimate_workbook(client, path)
    assert leaks(path, client, internal) == []
    assert structure_problems(path) == []
    raw = b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
    for secret in (
        b"73.41",
        b"991.97",
        b"19.8",
        b"377.77",
        b"Druckhaus",
        b"Secret Planner",
        b"uplift",
        b"33.3",
        b"0.198",
    ):
        assert secret not in raw, secret


@pytest.mark.parametrize("audience", ["client"])
def test_client_document_itself_holds_no_internal_values(
    demo_exports: list[Any], audience: str
) -> None:
    for export in demo_exports:
        if export.audience != audience:
            continue
        assert isinstance(export.document, ClientEstimateDocument)
        names = {type(v).__name__ for v in walk(export.document)}
        assert not any("Internal" in n for n in names)
