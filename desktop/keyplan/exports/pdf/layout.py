"""The page engine of Keyplan's PDFs (reportlab): paper, letterhead, running header and footer,
styles and tables, shared by every PDF (estimate, contact report, status report).

Usage::

    pdf = PdfDocument(PageSetup(agency, title="Estimate HLP-2026-0011 rev 1", subject="...",
                                reference="HLP-2026-0011 rev 1", confidentiality="..."))
    story = [pdf.address_block(...), pdf.paragraph("Title", pdf.styles.title), pdf.table(...)]
    data = pdf.build(story)  # the PDF file as bytes

Pages
-----
A4 or US Letter from the agency profile (``AgencyHeader.paper_size``), 20 mm side margins (¾ inch
on Letter). With ``PageSetup.letterhead`` the first page carries the full letterhead (the logo,
or the agency name large, on the left; legal name, address and tax id on the right, under the
name when there is a logo; a rule in the brand colour) and its frame starts 45 mm from the top,
where :meth:`PdfDocument.address_block` puts the recipient for a window envelope (DIN 5008
form B: 20 mm from the left, 85 x 45 mm). Every other page has the running header: logo,
agency name, the document title and a brand-colour rule. Every page has the footer: the
confidentiality line on the left, the document reference and "Page N of M" on the right (pages
are counted when the file is saved, see ``_numbered_canvas``).

Tables (:meth:`PdfDocument.table`) repeat their header row on every page they run onto; a row
taller than a page is cut in two. One of more than :data:`LONG_TABLE_ROWS` rows is laid out a
window of rows at a time (``_WindowedTable``): the same pages in linear time.

Marks: ``PageSetup.banner`` puts a strip of text in the alert colour across the top of every
page and ``PageSetup.watermark`` a large, faint diagonal word in the middle of every page, both
under the page's content (the internal status report: "INTERNAL").

Flowables beyond paragraphs and tables: :meth:`PdfDocument.highlight` (a tinted box with a
brand-colour bar on its left), :meth:`PdfDocument.bullets`, and :func:`drawing` /
:func:`label_shapes` for vector charts (reportlab graphics) whose text is in the shipped fonts
with the CJK fallback, like every other text.

Metadata: title, author (the agency), subject, creator and producer "Keyplan"; nothing else.
Every font is embedded as a subset (see :mod:`keyplan.exports.pdf.fonts`); the canvas starts in
Noto Sans, so no unembedded standard font is ever referenced.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image as PILImage
from reportlab.graphics.shapes import Drawing, Group, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, LETTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import inch, mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from keyplan.exports.documents import AgencyHeader, PaperSize
from keyplan.exports.pdf.fonts import (
    SANS,
    SANS_BOLD,
    clean_text,
    draw_text,
    fit_text,
    font_runs,
    markup,
    needs_cjk_wrap,
    register_fonts,
    text_width,
)

__all__ = [
    "ALERT",
    "DEFAULT_BRAND",
    "HEADING_ROOM",
    "LONG_TABLE_ROWS",
    "MUTED",
    "RULE",
    "TEXT",
    "PageSetup",
    "PdfDocument",
    "Styles",
    "brand_colour",
    "drawing",
    "label_shapes",
    "page_size",
    "tint",
]

DEFAULT_BRAND = "#1F4E79"
TEXT = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5B6472")
RULE = colors.HexColor("#C9CED6")
WHITE = colors.white
ALERT = colors.HexColor("#B42318")  # the banner and watermark, overdue marks

HEADING_ROOM = 28 * mm  # a heading with less room than this below it starts a new page
WINDOW_TOP = 45 * mm  # the recipient's block starts here on the first page (window envelope)
WINDOW_WIDTH = 85 * mm
WINDOW_HEIGHT = 45 * mm
_LETTERHEAD_TOP = 12 * mm
_LETTERHEAD_RULE = 39 * mm
_HEADER_BASELINE = 16 * mm
_HEADER_RULE = 20 * mm
_LATER_FRAME_TOP = 26 * mm
_FOOTER_RULE = 16 * mm
_FOOTER_BASELINE = 11.5 * mm
_FRAME_BOTTOM = 21 * mm
_BANNER_TOP = 3.5 * mm
_BANNER_HEIGHT = 6 * mm


def page_size(paper: PaperSize) -> tuple[float, float]:
    """Width and height in points: A4 (210 x 297 mm) or US Letter (8.5 x 11 in)."""
    return (
        (float(LETTER[0]), float(LETTER[1])) if paper == "Letter" else (float(A4[0]), float(A4[1]))
    )


def brand_colour(agency: AgencyHeader) -> Any:
    """The agency's brand colour ("#0E5A8A"), or the default when it is unset or not a colour."""
    text = agency.brand_colour.strip()
    if not re.fullmatch(r"#?[0-9A-Fa-f]{6}", text):
        text = DEFAULT_BRAND
    return colors.HexColor("#" + text.lstrip("#"))


def tint(colour: Any, amount: float) -> Any:
    """``colour`` mixed with white (``amount`` 0..1 of white)."""
    return colors.Color(
        colour.red + (1 - colour.red) * amount,
        colour.green + (1 - colour.green) * amount,
        colour.blue + (1 - colour.blue) * amount,
    )


@dataclass(frozen=True, slots=True)
class PageSetup:
    """What the page furniture shows; the PDF's metadata comes from here too.

    ``title`` is the running header's title and the PDF's title; ``reference`` (a document
    number such as "HLP-2026-0011 rev 1") goes in the footer next to the page number.
    """

    agency: AgencyHeader
    title: str
    subject: str
    reference: str = ""
    confidentiality: str = ""
    letterhead: bool = True
    banner: str = ""  # a strip across the top of every page ("INTERNAL — not for the client")
    watermark: str = ""  # a faint diagonal word on every page ("INTERNAL")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of a document; ``brand`` and ``light`` are its colours."""

    brand: Any
    light: Any
    body: Any
    small: Any
    muted: Any
    kicker: Any
    title: Any
    subtitle: Any
    heading: Any
    label: Any
    cell: Any
    cell_right: Any
    cell_head: Any
    cell_head_right: Any
    _cjk: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def wrapping(self, style: Any, text: str) -> Any:
        """``style``, or its CJK-wrapping twin when ``text`` has CJK characters."""
        if not needs_cjk_wrap(text):
            return style
        twin = self._cjk.get(style.name)
        if twin is None:
            twin = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
            self._cjk[style.name] = twin
        return twin


def _styles(brand: Any) -> Styles:
    def style(name: str, size: float, leading: float, **more: Any) -> Any:
        more.setdefault("fontName", SANS)
        more.setdefault("textColor", TEXT)
        return ParagraphStyle(name, fontSize=size, leading=leading, **more)

    return Styles(
        brand=brand,
        light=tint(brand, 0.88),
        body=style("body", 9.5, 13.5),
        small=style("small", 8, 10.5),
        muted=style("muted", 8, 10.5, textColor=MUTED),
        kicker=style("kicker", 8.5, 11, fontName=SANS_BOLD, textColor=brand),
        title=style("title", 16, 20.5, fontName=SANS_BOLD, spaceAfter=2),
        subtitle=style("subtitle", 9.5, 13, textColor=MUTED),
        heading=style("heading", 10.5, 14, fontName=SANS_BOLD, spaceBefore=10, spaceAfter=3),
        label=style("label", 7.5, 10, textColor=MUTED),
        cell=style("cell", 8.5, 11),
        cell_right=style("cell_right", 8.5, 11, alignment=TA_RIGHT),
        cell_head=style("cell_head", 8, 10, fontName=SANS_BOLD, textColor=WHITE),
        cell_head_right=style(
            "cell_head_right", 8, 10, fontName=SANS_BOLD, textColor=WHITE, alignment=TA_RIGHT
        ),
    )


# -- vector drawings ---------------------------------------------------------------------------


def drawing(width: float, height: float) -> Any:
    """An empty reportlab ``Drawing`` (a flowable) whose text starts in Noto Sans: reportlab's
    default would reference Helvetica, a standard font that is not embedded."""
    canvas = Drawing(width, height)
    canvas.initialFontName = SANS
    return canvas


def label_shapes(
    x: float,
    y: float,
    text: str,
    font_name: str,
    size: float,
    colour: Any = TEXT,
    *,
    align: str = "left",
    width: float | None = None,
) -> Any:
    """One line of ``text`` as drawing shapes (a ``Group`` of strings, one per font run, so CJK
    text is in the fallback font), baseline at ``y``; ``align`` "left", "right" (``x`` is the
    end) or "centre"; cut with "…" to ``width`` points when given."""
    line = " ".join(clean_text(text).split())
    if width is not None:
        line = fit_text(line, font_name, size, width)
    total = text_width(line, font_name, size)
    if align == "right":
        x -= total
    elif align == "centre":
        x -= total / 2
    group = Group()
    for run in font_runs(line):
        font = run.font(font_name)
        group.add(String(x, y, run.text, fontName=font, fontSize=size, fillColor=colour))
        x += float(pdfmetrics.stringWidth(run.text, font, size))
    return group


# -- the logo ----------------------------------------------------------------------------------


def _logo(data: bytes | None) -> tuple[Any, float, float] | None:
    """The logo as a reportlab image (at most 900 x 400 px: a photo-sized logo does not bloat
    every page) with its pixel size; ``None`` when there is none or it cannot be read."""
    if not data:
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            image = opened.convert("RGBA" if "A" in opened.getbands() else "RGB")
        image.thumbnail((900, 400))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        buffer.seek(0)
        return ImageReader(buffer), float(image.width), float(image.height)
    except Exception:  # not an image Pillow can read: the document goes out without it
        return None


# -- long tables -------------------------------------------------------------------------------

LONG_TABLE_ROWS = 1500
"""Tables with more data rows than this are laid out a window at a time (``_WindowedTable``):
below it reportlab's own splitting is quicker (measured: 1,000 lines 1.5 s whole, 1.9 s in
windows; 3,000 lines 7.3 s and 6.0 s; 10,000 lines 61 s and 19 s)."""
WINDOW = 80
"""Rows of a long table laid out at a time at first; then twice what the last page held (a
window must hold more than a page: one that fits whole is doubled)."""


class _TableSource:
    """A table's rows and style, from which a Table of any window of its rows is built.

    reportlab re-examines every remaining row and style command of a table each time it splits
    one over a page, which makes a table of n rows over p pages cost n x p. A window of the
    next :data:`WINDOW` rows costs the same on every page, so a 10,000-line estimate takes
    linear time. Style commands are re-based onto each window: commands on header rows or on
    "every row" (negative row indices) apply to every window as they are; commands on given
    data rows go to the windows holding those rows, clipped to them.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        header_rows: int,
        commands: Sequence[tuple[Any, ...]],
        split_in_row: bool,
    ) -> None:
        self.header = [list(row) for row in rows[:header_rows]]
        self.rows = [list(row) for row in rows[header_rows:]]
        self.count = len(self.rows)
        self.widths = list(widths)
        self.header_rows = header_rows
        self.split_in_row = split_in_row
        self.general: list[tuple[Any, ...]] = []
        self.by_row: dict[int, list[tuple[Any, ...]]] = {}
        self.reach = 0  # how many rows a data command spans at most, beyond its first
        for command in commands:
            name, (c0, r0), (c1, r1), *args = command
            first, last = min(r0, r1), max(r0, r1)
            if r0 < 0 or r1 < 0:  # up to the end: the same in every window if it starts
                if last > header_rows:  # at the top or the first data row, else unclear
                    raise ValueError(f"{name}: rows {r0}..{r1} start inside the data rows")
                self.general.append(command)
                continue
            if last < header_rows:  # header rows only
                self.general.append(command)
                continue
            if first < header_rows:
                raise ValueError(f"{name}: rows {r0}..{r1} mix header and data rows")
            start = first - header_rows
            self.by_row.setdefault(start, []).append(
                (name, c0, c1, start, last - header_rows, args)
            )
            self.reach = max(self.reach, last - first)

    def table(self, start: int, end: int, first: Sequence[Any] | None = None) -> Any:
        """A Table of the header and data rows ``start:end``; ``first`` replaces row ``start``
        (the part of a row that did not fit on the previous page)."""
        data = self.rows[start:end]
        if first is not None and data:
            data[0] = list(first)
        commands = list(self.general)
        head = self.header_rows
        for row in range(max(0, start - self.reach), end):
            for name, c0, c1, low, high, args in self.by_row.get(row, ()):
                low, high = max(low, start), min(high, end - 1)
                if low <= high:
                    commands.append(
                        (name, (c0, low - start + head), (c1, high - start + head), *args)
                    )
        return Table(
            self.header + data,
            colWidths=self.widths,
            repeatRows=head,
            style=TableStyle(commands),
            hAlign="LEFT",
            splitInRow=1 if self.split_in_row else 0,
        )


class _WindowedTable(Flowable):  # type: ignore[misc]
    """The rows of a long table from ``start`` on, shown a window at a time (``_TableSource``).

    It claims more height than there is while rows remain beyond its window, so the frame
    splits it: the window's table is split by reportlab (header repeated, NOSPLIT and in-row
    splits as usual), the part that fits is drawn, and a new ``_WindowedTable`` carries on
    with the rows after it (starting with the rest of a row cut in two).
    """

    def __init__(
        self,
        source: _TableSource,
        start: int,
        first: Sequence[Any] | None = None,
        size: int | None = None,
    ) -> None:
        super().__init__()
        self.source, self.start, self.first = source, start, first
        self.end = min(start + (size or WINDOW), source.count)
        self._table: Any = None

    def _window(self) -> Any:
        if self._table is None:
            self._table = self.source.table(self.start, self.end, self.first)
        return self._table

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width, height = self._window().wrap(available_width, available_height)
        if self.end < self.source.count:  # more rows follow: never "fits", always split
            height = max(height, available_height + 1)
        self.width, self.height = width, height
        return width, height

    def split(self, available_width: float, available_height: float) -> list[Any]:
        parts = list(self._window().split(available_width, available_height))
        while len(parts) == 1 and self.end < self.source.count:  # the window fits: widen it
            self.end = min(self.start + 2 * (self.end - self.start), self.source.count)
            self._table = None
            parts = list(self._window().split(available_width, available_height))
        if self.end >= self.source.count or not parts:
            return parts
        head = self.source.header_rows
        shown, left = parts[0]._nrows - head, parts[1]._nrows - head
        size = max(WINDOW // 2, shown + max(8, shown // 4))
        if shown + left == self.end - self.start:
            return [parts[0], _WindowedTable(self.source, self.start + shown, size=size)]
        # the last row shown was cut in two: the next window starts with the rest of it
        cut = self.start + shown - 1
        rest = parts[1]._cellvalues[head]
        return [parts[0], _WindowedTable(self.source, cut, rest, size=size)]

    def draw(self) -> None:  # the last window, when it fits
        self._window().drawOn(self.canv, 0, 0)


# -- pages -------------------------------------------------------------------------------------


def _numbered_canvas(draw_footer: Any) -> Any:
    """A canvas class that keeps its pages until it is saved, then draws every page's footer
    with the page count ("Page 2 of 5") and writes them."""

    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _NumberedCanvas


class PdfDocument:
    """One PDF on the agency's paper: build a story of flowables, then :meth:`build` it."""

    def __init__(self, setup: PageSetup) -> None:
        register_fonts()
        self.setup = setup
        self.agency = setup.agency
        self.pagesize = page_size(setup.agency.paper_size)
        side = 0.75 * inch if setup.agency.paper_size == "Letter" else 20 * mm
        self.left = self.right = side
        self.width = self.pagesize[0] - 2 * side  # the frame's width: tables fill it
        self.styles = _styles(brand_colour(setup.agency))
        self._logo = _logo(setup.agency.logo)

    # -- flowables ---------------------------------------------------------------------------

    def paragraph(self, text: str, style: Any, *, bold: bool = False, italic: bool = False) -> Any:
        """A paragraph of plain text (escaped, every script in a font that has it)."""
        body = markup(text)
        if bold:
            body = f"<b>{body}</b>"
        if italic:
            body = f"<i>{body}</i>"
        return Paragraph(body, self.styles.wrapping(style, text))

    def heading(self, text: str, style: Any = None, *, room: float = HEADING_ROOM) -> list[Any]:
        """A section heading (``style``, by default the heading style) that never ends a page:
        with less than ``room`` left, the section starts on the next one (a table or text too
        long for the rest of the page runs over from where it starts, with no gap before it)."""
        return [CondPageBreak(room), self.paragraph(text, style or self.styles.heading)]

    def facts_table(self, facts: Sequence[tuple[str, str]], *, roomy: bool = False) -> Any:
        """The facts under a title: a label column and a value column between two rules,
        the facts with no value left out. ``roomy`` pads the first and last row more and
        keeps 3 pt right of every cell (the contact report's look)."""
        s = self.styles
        rows = [
            [self.paragraph(label, s.label), self.paragraph(value, s.cell)]
            for label, value in facts
            if value.strip()
        ]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ]
        if roomy:
            commands += [
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, 0), 4),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
            ]
        return Table(
            rows,
            colWidths=[30 * mm, self.width - 30 * mm],
            style=TableStyle(commands),
            hAlign="LEFT",
        )

    def table(
        self,
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        header_rows: int = 1,
        right: Sequence[int] = (),
        style: Sequence[tuple[Any, ...]] = (),
        split_in_row: bool = True,
    ) -> Any:
        """A data table that fills the frame: its first ``header_rows`` rows on the brand colour,
        repeated on every page the table runs onto; columns ``right`` aligned right.

        Cells are strings (drawn in Noto Sans: use them only for text it can draw) or
        flowables (:meth:`paragraph`). A row taller than a page splits inside. ``style``
        commands address rows as in the whole table (header rows first); a long table is laid
        out a window of rows at a time (see ``_WindowedTable``), which is invisible here.
        """
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("LEADING", (0, 0), (-1, -1), 11),
            ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for column in right:
            commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
        if header_rows:
            last = header_rows - 1
            commands += [
                ("BACKGROUND", (0, 0), (-1, last), self.styles.brand),
                ("TEXTCOLOR", (0, 0), (-1, last), WHITE),
                ("FONTNAME", (0, 0), (-1, last), SANS_BOLD),
                ("FONTSIZE", (0, 0), (-1, last), 8),
                ("VALIGN", (0, 0), (-1, last), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, last), 4),
                ("BOTTOMPADDING", (0, 0), (-1, last), 4.5),
            ]
        commands += list(style)
        source = _TableSource(rows, widths, header_rows, commands, split_in_row)
        if source.count <= LONG_TABLE_ROWS:
            return source.table(0, source.count)
        return _WindowedTable(source, 0)

    def address_block(
        self,
        sender: Sequence[str],
        recipient: Sequence[str],
        details: Sequence[tuple[str, str]],
        *,
        heading: str = "",
    ) -> Any:
        """The window-envelope block: the recipient on the left (the return address above it:
        as many whole ``sender`` parts as fit on one line, the first one at least; the first
        ``recipient`` line bold), ``details`` (label, value) on the right under an optional
        ``heading``. Put it first on a letterhead page: it starts
        45 mm from the top, 20 mm from the left, and takes at least 45 mm.
        """
        s = self.styles
        room = WINDOW_WIDTH - 6
        parts = [" ".join(clean_text(part).split()) for part in sender]
        parts = [part for part in parts if part]
        sender_line = fit_text(parts[0], SANS, 6.5, room) if parts else ""
        for count in range(len(parts), 1, -1):
            candidate = " · ".join(parts[:count])
            if text_width(candidate, SANS, 6.5) <= room:
                sender_line = candidate
                break
        sender_style = ParagraphStyle("sender", parent=s.label, fontSize=6.5, leading=9)
        left: list[Any] = [Paragraph(f"<u>{markup(sender_line)}</u>", sender_style)]
        recipient_style = ParagraphStyle("recipient", parent=s.body, fontSize=10, leading=13.5)
        for index, text in enumerate(line for line in recipient if line.strip()):
            short = _shorten(text, 160)
            left.append(self.paragraph(short, recipient_style, bold=index == 0))
        detail_width = min(78 * mm, self.width - WINDOW_WIDTH - 5 * mm)
        label_width = 26 * mm
        rows: list[list[Any]] = []
        if heading:
            rows.append([self.paragraph(heading, s.kicker), ""])
        value_style = ParagraphStyle("detail", parent=s.cell, fontSize=8.5, leading=11)
        for label, value in details:
            rows.append(
                [self.paragraph(label, s.label), self.paragraph(_shorten(value, 120), value_style)]
            )
        spans = [("SPAN", (0, 0), (1, 0))] if heading else []
        info = Table(
            rows or [[""]],
            colWidths=[label_width, detail_width - label_width],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    *spans,
                ]
            ),
            hAlign="RIGHT",
        )
        outer = Table(
            [[left, info]],
            colWidths=[WINDOW_WIDTH, self.width - WINDOW_WIDTH],
            minRowHeights=[WINDOW_HEIGHT],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
            hAlign="LEFT",
        )
        return outer

    def highlight(self, content: Sequence[Any], *, colour: Any = None) -> Any:
        """``content`` (flowables) in a box tinted with ``colour`` (the brand colour by
        default), with a bar of that colour on its left: decisions, a headline."""
        colour = self.styles.brand if colour is None else colour
        return Table(
            [[list(content)]],
            colWidths=[self.width],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("BACKGROUND", (0, 0), (-1, -1), tint(colour, 0.9)),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, colour),
                    ("LEFTPADDING", (0, 0), (-1, -1), 9),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            ),
            hAlign="LEFT",
            splitInRow=1,
        )

    def bullets(self, texts: Sequence[str], style: Any = None, *, bold: bool = False) -> list[Any]:
        """One paragraph per text with a bullet (the bullet in Noto Sans too)."""
        base = self.styles.body if style is None else style
        bulleted = ParagraphStyle(
            f"{base.name}-bullet",
            parent=base,
            leftIndent=base.leftIndent + 11,
            bulletIndent=base.leftIndent + 2,
            bulletFontName=SANS,
            bulletFontSize=base.fontSize,
            spaceAfter=2,
        )
        items = []
        for text in texts:
            if not text.strip():
                continue
            item = self.paragraph(text, bulleted, bold=bold)
            item.bulletText = "•"
            items.append(item)
        return items

    # -- page furniture ----------------------------------------------------------------------

    def _draw_logo(self, canvas: Any, x: float, top: float, max_w: float, max_h: float) -> float:
        """Draw the logo with its top-left corner at (x, top); returns the width drawn."""
        if self._logo is None:
            return 0.0
        reader, width, height = self._logo
        scale = min(max_w / width, max_h / height)
        w, h = width * scale, height * scale
        canvas.drawImage(reader, x, top - h, w, h, mask="auto")
        return float(w)

    def _marks(self, canvas: Any) -> None:
        """The banner and the watermark (under the page's content: drawn first)."""
        setup = self.setup
        page_w, page_h = self.pagesize
        banner = " ".join(clean_text(setup.banner).split())
        watermark = " ".join(clean_text(setup.watermark).split())
        if not banner and not watermark:
            return
        canvas.saveState()
        if watermark:
            size = 96.0
            width = text_width(watermark, SANS_BOLD, size)
            room = 0.7 * math.hypot(page_w, page_h)  # along the diagonal, with room to spare
            if width > room:
                size *= room / width
            canvas.setFillColor(tint(ALERT, 0.86))
            canvas.translate(page_w / 2, page_h / 2)
            canvas.rotate(math.degrees(math.atan2(page_h, page_w)))
            draw_text(canvas, 0, -size * 0.35, watermark, SANS_BOLD, size, align="centre")
            canvas.restoreState()
            canvas.saveState()
        if banner:
            top = page_h - _BANNER_TOP
            canvas.setFillColor(ALERT)
            canvas.rect(self.left, top - _BANNER_HEIGHT, self.width, _BANNER_HEIGHT, 0, 1)
            canvas.setFillColor(WHITE)
            line = fit_text(banner, SANS_BOLD, 8, self.width - 6 * mm)
            baseline = top - _BANNER_HEIGHT / 2 - 2.8
            draw_text(
                canvas, self.left + self.width / 2, baseline, line, SANS_BOLD, 8, align="centre"
            )
        canvas.restoreState()

    def _letterhead(self, canvas: Any, _doc: Any) -> None:
        self._marks(canvas)
        agency, s = self.agency, self.styles
        page_w, page_h = self.pagesize
        top = page_h - _LETTERHEAD_TOP
        right = page_w - self.right
        canvas.saveState()
        canvas.setFillColor(s.brand)
        logo_width = self._draw_logo(canvas, self.left, top, 60 * mm, 20 * mm)
        details_width = 80 * mm
        name_room = self.width - details_width - 6 * mm
        if not logo_width:
            name = fit_text(agency.name, SANS_BOLD, 17, name_room)
            draw_text(canvas, self.left, top - 15, name, SANS_BOLD, 17)
        lines: list[tuple[str, str, float, Any]] = []
        if logo_width:  # without a logo the name is already large on the left
            lines.append((agency.name, SANS_BOLD, 9, s.brand))
        if agency.legal_name.strip() and agency.legal_name.strip() != agency.name.strip():
            lines.append((agency.legal_name, SANS, 7.5, MUTED))
        lines += [(line, SANS, 7.5, MUTED) for line in agency.address.splitlines() if line.strip()]
        if agency.tax_id.strip():
            lines.append((agency.tax_id, SANS, 7.5, MUTED))
        y = top - 8
        for text, font, size, colour in lines[:8]:
            canvas.setFillColor(colour)
            draw_text(
                canvas,
                right,
                y,
                fit_text(text, font, size, details_width),
                font,
                size,
                align="right",
            )
            y -= size + 2.2
        canvas.setStrokeColor(s.brand)
        canvas.setLineWidth(1.2)
        rule = page_h - _LETTERHEAD_RULE
        canvas.line(self.left, rule, right, rule)
        canvas.restoreState()

    def _running_header(self, canvas: Any, _doc: Any) -> None:
        self._marks(canvas)
        s = self.styles
        page_w, page_h = self.pagesize
        right = page_w - self.right
        baseline = page_h - _HEADER_BASELINE
        canvas.saveState()
        x = self.left
        logo_width = self._draw_logo(canvas, x, baseline + 9, 32 * mm, 9 * mm)
        if logo_width:
            x += logo_width + 3 * mm
        half = (right - self.left) / 2
        canvas.setFillColor(s.brand)
        name = fit_text(self.agency.name, SANS_BOLD, 9, self.left + half - x - 4 * mm)
        draw_text(canvas, x, baseline, name, SANS_BOLD, 9)
        canvas.setFillColor(MUTED)
        title = fit_text(self.setup.title, SANS, 8.5, half - 4 * mm)
        draw_text(canvas, right, baseline, title, SANS, 8.5, align="right")
        canvas.setStrokeColor(s.brand)
        canvas.setLineWidth(0.8)
        rule = page_h - _HEADER_RULE
        canvas.line(self.left, rule, right, rule)
        canvas.restoreState()

    def _footer(self, canvas: Any, number: int, total: int) -> None:
        page_w, _ = self.pagesize
        right = page_w - self.right
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.left, _FOOTER_RULE, right, _FOOTER_RULE)
        canvas.setFillColor(MUTED)
        page = f"Page {number} of {total}"
        reference = clean_text(self.setup.reference).strip()
        numbering = f"{reference}  ·  {page}" if reference else page
        width = draw_text(canvas, right, _FOOTER_BASELINE, numbering, SANS, 7, align="right")
        room = self.width - width - 8 * mm
        line = fit_text(self.setup.confidentiality, SANS, 7, room)
        draw_text(canvas, self.left, _FOOTER_BASELINE, line, SANS, 7)
        canvas.restoreState()

    # -- building ----------------------------------------------------------------------------

    def _templates(self) -> list[Any]:
        page_h = self.pagesize[1]
        height_later = page_h - _LATER_FRAME_TOP - _FRAME_BOTTOM
        padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
        later = PageTemplate(
            id="later",
            frames=[
                Frame(self.left, _FRAME_BOTTOM, self.width, height_later, id="body", **padding)
            ],
            onPage=self._running_header,
            pagesize=self.pagesize,
        )
        if not self.setup.letterhead:
            return [later]
        height_first = page_h - WINDOW_TOP - _FRAME_BOTTOM
        first = PageTemplate(
            id="first",
            frames=[
                Frame(self.left, _FRAME_BOTTOM, self.width, height_first, id="first", **padding)
            ],
            onPage=self._letterhead,
            pagesize=self.pagesize,
            autoNextPageTemplate="later",
        )
        return [first, later]

    def build_parts(self, parts: Iterable[Callable[[], list[Any]]]) -> bytes:
        """The PDF of the parts' flowables, one part after the other (a part with nothing to
        show returns an empty list)."""
        story: list[Any] = []
        for part in parts:
            story += part()
        return self.build(story)

    def build(self, story: Sequence[Any]) -> bytes:
        """The PDF of ``story`` as bytes."""
        setup, buffer = self.setup, io.BytesIO()
        document = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.left,
            rightMargin=self.right,
            topMargin=_LATER_FRAME_TOP,
            bottomMargin=_FRAME_BOTTOM,
            title=clean_text(setup.title),
            author=clean_text(setup.agency.name),
            subject=clean_text(setup.subject),
            creator="Keyplan",
            producer="Keyplan",
            keywords=[],
            initialFontName=SANS,
            displayDocTitle=1,
        )
        document.addPageTemplates(self._templates())
        flowables: list[Flowable] = list(story)
        if setup.letterhead:
            flowables.insert(0, NextPageTemplate("later"))
        document.build(flowables, canvasmaker=_numbered_canvas(self._footer))
        return buffer.getvalue()


def _shorten(text: str, most: int) -> str:
    """At most ``most`` characters of ``text``, with "…" when cut."""
    text = clean_text(text).strip()
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
