"""Finishing an openpyxl package: cached formula values, the company property, exact CR.

openpyxl writes every formula cell as ``<c r="I14"><f>...</f><v/></c>``: no cached value, so a
viewer that does not recalculate (mail previews, phone viewers, ``load_workbook(data_only=True)``)
shows a blank or 0. :func:`finish_package` rewrites the saved package in memory and puts the
value the app computed into each formula cell: ``<v>1234.50</v>`` (the exact decimal string) or,
for a text result, ``t="str"`` and ``<v>text</v>``. Every formula cell must get a value and every
value must find its cell, otherwise ``ValueError``: a cell without a cached value would show 0
in a viewer, which is exactly what this step exists to prevent.

The workbook keeps ``fullCalcOnLoad="1"`` (openpyxl's default), so Excel and LibreOffice
recalculate on opening and show the same numbers from the formulas.

It also writes ``<Company>`` into ``docProps/app.xml`` (openpyxl has no setting for it),
stores carriage returns in cell text as ``&#13;``, which XML parsers keep (a raw CR would be
read back as a line feed), and, for cells whose text looks like a number on purpose (a line
reference "2.3"), an ``<ignoredErrors>`` element with ``numberStoredAsText`` so Excel shows no
warning triangle on them (openpyxl cannot write that element).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

__all__ = ["CachedValue", "finish_package"]

CachedValue = Decimal | str

_FORMULA_CELL = re.compile(
    rb'<c r="(?P<ref>[A-Z]{1,3}[0-9]{1,7})"(?P<attrs>[^>]*?)>'
    rb"(?P<formula><f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)"
    rb"(?:<v\s*/>|<v>[^<]*</v>)?</c>",
    re.DOTALL,
)
_TYPE_ATTRIBUTE = re.compile(rb'\st="[^"]*"')


def _value_text(value: CachedValue) -> tuple[bytes, bytes]:
    """(extra attributes, <v> content) for one cached value."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot cache {value}")
        return b"", format(value, "f").encode("ascii")
    if isinstance(value, str):
        return b' t="str"', escape(value).replace("\r", "&#13;").encode("utf-8")
    raise TypeError(f"a cached value is a Decimal or a str, not {type(value).__name__}")


def _cache_sheet(xml: bytes, values: Mapping[str, CachedValue], part: str) -> bytes:
    missing: list[str] = []
    used: set[str] = set()

    def replace(match: re.Match[bytes]) -> bytes:
        ref = match.group("ref").decode("ascii")
        if ref not in values:
            missing.append(ref)
            return match.group(0)
        used.add(ref)
        extra, text = _value_text(values[ref])
        attrs = _TYPE_ATTRIBUTE.sub(b"", match.group("attrs")) + extra
        return b'<c r="%s"%s>%s<v>%s</v></c>' % (
            ref.encode("ascii"),
            attrs,
            match.group("formula"),
            text,
        )

    result = _FORMULA_CELL.sub(replace, xml)
    if missing:
        raise ValueError(f"{part}: no cached value for the formula cells {', '.join(missing)}")
    unused = sorted(set(values) - used)
    if unused:
        raise ValueError(f"{part}: cached values for cells without a formula: {unused}")
    return result


def _with_company(app_xml: bytes, company: str) -> bytes:
    """``app.xml`` with ``<Company>`` (before ``<Application>``, the schema's order)."""
    element = b"<Company>%s</Company>" % escape(company).encode("utf-8")
    app_xml = re.sub(rb"<Company>.*?</Company>|<Company\s*/>", b"", app_xml, flags=re.DOTALL)
    if b"<Application>" in app_xml:
        return app_xml.replace(b"<Application>", element + b"<Application>", 1)
    return app_xml.replace(b"</Properties>", element + b"</Properties>", 1)


# what may follow <ignoredErrors> in a worksheet (CT_Worksheet's sequence, ECMA-376 18.3.1.99)
_AFTER_IGNORED_ERRORS = re.compile(
    rb"<(?:smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects"
    rb"|controls|webPublishItems|tableParts|extLst)[\s/>]|</worksheet>"
)
_RANGE = re.compile(r"[A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?")


def _with_text_numbers(xml: bytes, ranges: Sequence[str], part: str) -> bytes:
    """``xml`` with ``<ignoredErrors>`` telling Excel the text numbers in ``ranges`` are meant."""
    if b"<ignoredErrors" in xml:
        raise ValueError(f"{part} has an <ignoredErrors> element already")
    bad = [r for r in ranges if not _RANGE.fullmatch(r)]
    if bad or not ranges:
        raise ValueError(f"{part}: not cell ranges: {bad or 'none'}")
    # the elements before it end with the sheet data ... page setup, header/footer
    start = max(xml.rfind(b"</sheetData>"), xml.rfind(b"<headerFooter"), 0)
    match = _AFTER_IGNORED_ERRORS.search(xml, start)
    if match is None:
        raise ValueError(f"{part} is not a worksheet")
    element = b'<ignoredErrors><ignoredError sqref="%s" numberStoredAsText="1"/></ignoredErrors>'
    element %= " ".join(ranges).encode("ascii")
    return xml[: match.start()] + element + xml[match.start() :]


def finish_package(
    package: bytes,
    cached: Mapping[str, Mapping[str, CachedValue]],
    *,
    company: str = "",
    text_numbers: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """``package`` (an xlsx openpyxl saved) with cached values and the company property.

    ``cached`` maps a worksheet part (``"xl/worksheets/sheet1.xml"``) to ``{cell: value}``;
    ``text_numbers`` maps a worksheet part to the ranges (``"A14:A20"``) whose cells hold text
    that looks like a number on purpose.
    """
    text_numbers = text_numbers or {}
    source = zipfile.ZipFile(io.BytesIO(package))
    parts = set(source.namelist())
    unknown = sorted((set(cached) | set(text_numbers)) - parts)
    if unknown:
        raise ValueError(f"no such worksheet parts: {unknown}")
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = _cache_sheet(data, cached.get(info.filename, {}), info.filename)
                data = data.replace(b"\r", b"&#13;")
                if info.filename in text_numbers:
                    data = _with_text_numbers(data, text_numbers[info.filename], info.filename)
            elif info.filename == "docProps/app.xml" and company:
                data = _with_company(data, company)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()
