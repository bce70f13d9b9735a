"""Printing and file properties every Keyplan workbook shares (estimate, forecast, pipeline,
JBP): one page wide on the agency's paper, the footer with "Page N of M", the red INTERNAL
banner on internal sheets, and document properties that name only the agency (EXPORTS.md)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from keyplan.exports.files import safe_text
from keyplan.exports.xlsx.package import CachedValue, finish_package

__all__ = [
    "INTERNAL_RED",
    "fit_to_width",
    "header_footer_text",
    "package_workbook",
    "page_footer",
    "set_properties",
    "sheet_part",
]

INTERNAL_RED = "B42318"

# Every property but title, subject and creator is cleared: nothing else leaves the agency.
_CLEARED_PROPERTIES = (
    "lastModifiedBy",
    "description",
    "keywords",
    "category",
    "identifier",
    "language",
    "version",
    "revision",
    "contentStatus",
    "lastPrinted",
)


def header_footer_text(value: str) -> str:
    """User text inside a page header/footer: '&' starts a code there, so it is doubled."""
    return safe_text(value).replace("&", "&&")


def fit_to_width(ws: Any, *, letter: bool, landscape: bool) -> None:
    """Print ``ws`` on A4 (US Letter when ``letter``), one page wide and as many pages down
    as it takes."""
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER if letter else ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def page_footer(ws: Any, left: str, right: str, *, banner: str = "") -> None:
    """The footer of every page: ``left``, "Page N of M", ``right`` (8 pt); ``banner`` is
    put in red at the top centre of every page (the internal sheets)."""
    if banner:
        ws.oddHeader.center.text = banner
        ws.oddHeader.center.color = INTERNAL_RED
    ws.oddFooter.left.text = header_footer_text(left)
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = header_footer_text(right)
    for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
        part.size = 8


def set_properties(workbook: Any, *, title: str, subject: str, creator: str) -> None:
    """Title, subject and creator (the agency); every other property cleared."""
    props = workbook.properties
    props.title = safe_text(title)
    props.subject = safe_text(subject)
    props.creator = safe_text(creator)
    for name in _CLEARED_PROPERTIES:
        setattr(props, name, None)


def sheet_part(index: int) -> str:
    """The package part of the worksheet at ``index`` (0-based) in the workbook's order."""
    return f"xl/worksheets/sheet{index + 1}.xml"


def package_workbook(
    workbook: Any,
    cached: Sequence[Mapping[str, CachedValue]],
    *,
    company: str,
    text_numbers: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The saved ``workbook`` as bytes, finished by :func:`finish_package`: ``cached[i]`` are
    the cached values of the i-th worksheet's formulas, ``company`` the agency."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = {sheet_part(index): values for index, values in enumerate(cached)}
    return finish_package(
        buffer.getvalue(), parts, company=safe_text(company), text_numbers=text_numbers
    )
