"""The pipeline workbook (openpyxl): the opportunities and their totals by stage and currency.

An internal document (it carries probabilities and the team's next steps; it never carries the
opportunities' notes), marked INTERNAL in its title rows and page headers like the internal
estimate workbook.

Sheet "Opportunities": a title, what is shown (the filters), then a frozen header row with an
autofilter and one row per opportunity::

    A Account  B Opportunity  C Type  D Stage  E Stage since  F Expected close  G Owner
    H Currency  I Amount  J Probability  K Weighted  L Next step  M Service line

The amount is a number in its currency's format (JPY and VND without decimals), the probability
a fraction shown as a percentage, and the weighted value the live formula
``K = ROUND(I*J, d)`` with ``d`` the row's minor units: exactly the domain's
:func:`keyplan.domain.pipeline.weighted_value` (amount x probability, half-up). Under the table,
per currency, ``SUMIFS`` totals of the amount and the weighted value.

Sheet "By stage": per currency, one row per stage (all six, zeros included), then "Open
pipeline" (the four open stages) and "All stages"; count (``COUNTIFS``), amount and weighted
(``SUMIFS`` over the Opportunities sheet by currency and stage label), the two total rows
``SUM`` of the stage rows. Currencies are never added together.

Every formula cell carries the app's figure as its cached value
(:func:`keyplan.exports.xlsx.package.finish_package`), so viewers that do not recalculate show
the app's totals, and a spreadsheet that does arrives at the same figures to the minor unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, PatternFill  # type: ignore[import-untyped, unused-ignore]

from keyplan.domain.pipeline import OPEN_STAGES, OpportunityType, Stage, StageTotal
from keyplan.exports.xlsx.common import (
    INTERNAL_RED,
    fit_to_width,
    package_workbook,
    page_footer,
    set_properties,
)
from keyplan.exports.xlsx.estimate import (
    INTERNAL_BANNER,
    _font,
    _Sheet,
    money_format,
    percent_format,
)
from keyplan.exports.xlsx.package import CachedValue

__all__ = [
    "OPPORTUNITIES_SHEET",
    "STAGE_LABELS",
    "SUMMARY_SHEET",
    "TYPE_LABELS",
    "PipelineDocument",
    "PipelineLayout",
    "PipelineRow",
    "build_pipeline_workbook",
    "write_pipeline_workbook",
]

OPPORTUNITIES_SHEET = "Opportunities"
SUMMARY_SHEET = "By stage"
OPEN_LABEL = "Open pipeline"
ALL_LABEL = "All stages"
STAGE_LABELS = {
    Stage.IDENTIFIED: "Identified",
    Stage.QUALIFIED: "Qualified",
    Stage.PROPOSAL: "Proposal",
    Stage.NEGOTIATION: "Negotiation",
    Stage.WON: "Won",
    Stage.LOST: "Lost",
}
TYPE_LABELS = {
    OpportunityType.NEW_BUSINESS: "New business",
    OpportunityType.UPSELL: "Upsell",
    OpportunityType.CROSS_SELL: "Cross-sell",
    OpportunityType.RENEWAL: "Renewal",
    OpportunityType.EXPANSION: "Expansion",
}
HEADER_ROW = 4  # title, subtitle, blank, then the header
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_GREY = "5B6472"
# (key, title, width)
_COLUMNS = (
    ("account", "Account", 26),
    ("name", "Opportunity", 34),
    ("kind", "Type", 13),
    ("stage", "Stage", 12),
    ("stage_since", "Stage since", 12),
    ("expected_close", "Expected close", 14),
    ("owner", "Owner", 20),
    ("currency", "Currency", 9),
    ("amount", "Amount", 17),
    ("probability", "Probability", 11),
    ("weighted", "Weighted", 17),
    ("next_step", "Next step", 34),
    ("service_line", "Service line", 18),
)
_LETTERS = {key: chr(ord("A") + index) for index, (key, _t, _w) in enumerate(_COLUMNS)}
_LAST_COLUMN = chr(ord("A") + len(_COLUMNS) - 1)
_SUMMARY_COLUMNS = (("Stage", 18), ("Currency", 10), ("Count", 8), ("Amount", 18), ("Weighted", 18))


@dataclass(frozen=True)
class PipelineRow:
    """One opportunity as the workbook shows it; money in ``currency`` (``minor_units``)."""

    account: str
    name: str
    kind: str  # an OpportunityType value
    stage: str  # a Stage value
    stage_since: date | None
    expected_close: date | None
    owner: str
    currency: str
    minor_units: int
    amount: Decimal
    probability: Decimal  # percent, 0 to 100
    weighted: Decimal  # the app's figure: amount x probability, rounded half-up
    next_step: str = ""
    service_line: str = ""


@dataclass(frozen=True)
class PipelineDocument:
    """The pipeline as a services call built it: rows and the app's totals per stage and
    currency (:func:`keyplan.domain.pipeline.pipeline_by_stage`)."""

    agency_name: str
    title: str
    subtitle: str  # what is shown: the filters, and the day
    rows: tuple[PipelineRow, ...]
    totals: tuple[StageTotal, ...]


@dataclass
class PipelineLayout:
    """Where the figures are (1-based rows), for tests and readers."""

    first_row: int = HEADER_ROW + 1
    last_row: int = HEADER_ROW  # = HEADER_ROW when there is no opportunity
    columns: dict[str, str] = field(default_factory=lambda: dict(_LETTERS))
    currency_total_rows: dict[str, int] = field(default_factory=dict)  # currency -> row
    # (currency, stage value or "open" or "all") -> row of the By stage sheet
    summary_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    cached: dict[str, dict[str, CachedValue]] = field(default_factory=dict)


def _minor_units(rows: Sequence[PipelineRow]) -> dict[str, int]:
    return {row.currency: row.minor_units for row in rows}


class _PipelineWriter:
    def __init__(self, document: PipelineDocument) -> None:
        self.document = document
        self.workbook = Workbook()
        self.layout = PipelineLayout()
        self.places = _minor_units(document.rows)

    def write(self) -> Any:
        sheet = _Sheet(self.workbook.active)
        sheet.ws.title = OPPORTUNITIES_SHEET
        self.layout.cached[OPPORTUNITIES_SHEET] = sheet.cached
        self.opportunities(sheet)
        summary = _Sheet(self.workbook.create_sheet(SUMMARY_SHEET))
        self.layout.cached[SUMMARY_SHEET] = summary.cached
        self.summary(summary)
        self.properties()
        return self.workbook

    # -- the opportunities ---------------------------------------------------------------------

    def _title(self, sheet: _Sheet, title: str) -> None:
        red = _font(size=14, bold=True, color=INTERNAL_RED)
        sheet.text(1, "A", f"{title} — {INTERNAL_BANNER}", font=red)
        sheet.text(2, "A", self.document.subtitle, font=_font(color=_GREY))

    def _header(self, sheet: _Sheet, titles: Sequence[tuple[str, int]]) -> None:
        white = _font(bold=True, color="FFFFFF")
        for index, (title, width) in enumerate(titles):
            letter = chr(ord("A") + index)
            sheet.text(HEADER_ROW, letter, title, font=white, fill=_HEADER_FILL)
            sheet.ws.column_dimensions[letter].width = width
        sheet.ws.freeze_panes = f"A{HEADER_ROW + 1}"

    def opportunities(self, sheet: _Sheet) -> None:
        self._title(sheet, self.document.title)
        self._header(sheet, [(title, width) for _key, title, width in _COLUMNS])
        c = _LETTERS
        row = HEADER_ROW
        for row, item in enumerate(self.document.rows, start=HEADER_ROW + 1):
            sheet.text(row, c["account"], item.account)
            sheet.text(row, c["name"], item.name)
            sheet.text(row, c["kind"], TYPE_LABELS.get(OpportunityType(item.kind), item.kind))
            sheet.text(row, c["stage"], STAGE_LABELS[Stage(item.stage)])
            if item.stage_since is not None:
                sheet.date(row, c["stage_since"], item.stage_since)
            if item.expected_close is not None:
                sheet.date(row, c["expected_close"], item.expected_close)
            sheet.text(row, c["owner"], item.owner)
            sheet.text(row, c["currency"], item.currency)
            money = money_format(item.minor_units)
            sheet.number(row, c["amount"], item.amount, money)
            fraction = item.probability / 100
            sheet.number(row, c["probability"], fraction, percent_format(item.probability))
            sheet.formula(
                row,
                c["weighted"],
                f"ROUND({c['amount']}{row}*{c['probability']}{row},{item.minor_units})",
                item.weighted,
                money,
            )
            sheet.text(row, c["next_step"], item.next_step)
            sheet.text(row, c["service_line"], item.service_line)
        self.layout.last_row = row
        ws = sheet.ws
        if self.document.rows:
            ws.auto_filter.ref = f"A{HEADER_ROW}:{_LAST_COLUMN}{row}"
            row = self.currency_totals(sheet, row)
        else:
            row += 1
            sheet.text(row, "A", "No opportunities.", font=_font(color=_GREY))
        self.page_setup(sheet, row, _LAST_COLUMN, landscape=True)

    def _range(self, key: str, *, sheet: str = "") -> str:
        prefix = f"{sheet}!" if sheet else ""
        letter = _LETTERS[key]
        return f"{prefix}${letter}${self.layout.first_row}:${letter}${self.layout.last_row}"

    def currency_totals(self, sheet: _Sheet, last: int) -> int:
        """Per currency: the sum of the amounts and of the weighted values, never mixed."""
        c, bold = _LETTERS, _font(bold=True)
        sums: dict[str, tuple[Decimal, Decimal]] = {}
        for item in self.document.rows:
            amount, weighted = sums.get(item.currency, (Decimal(0), Decimal(0)))
            sums[item.currency] = (amount + item.amount, weighted + item.weighted)
        row = last + 1
        currencies = self._range("currency")
        for code in sorted(sums):
            row += 1
            self.layout.currency_total_rows[code] = row
            money = money_format(self.places[code])
            sheet.text(row, c["owner"], "Total", font=bold)
            sheet.text(row, c["currency"], code, font=bold)
            for key, value in zip(("amount", "weighted"), sums[code], strict=True):
                formula = f'SUMIFS({self._range(key)},{currencies},"{code}")'
                sheet.formula(row, c[key], formula, value, money, font=bold)
        return row

    # -- the summary by stage ------------------------------------------------------------------

    def summary(self, sheet: _Sheet) -> None:
        self._title(sheet, f"{self.document.title}: by stage")
        self._header(sheet, _SUMMARY_COLUMNS)
        for letter in "CDE":
            sheet.cell(HEADER_ROW, letter).alignment = Alignment(horizontal="right")
        figures = {(t.currency, Stage(t.stage)): t for t in self.document.totals}
        row = HEADER_ROW
        for code in sorted(self.places):
            stage_rows: dict[Stage, int] = {}
            for stage in Stage:
                row += 1
                stage_rows[stage] = row
                self.layout.summary_rows[(code, stage.value)] = row
                self.summary_row(sheet, row, code, stage, figures.get((code, stage)))
            for key, label, stages in (
                ("open", OPEN_LABEL, OPEN_STAGES),
                ("all", ALL_LABEL, tuple(Stage)),
            ):
                row += 1
                self.layout.summary_rows[(code, key)] = row
                parts = [figures[(code, s)] for s in stages if (code, s) in figures]
                self.sum_row(sheet, row, code, label, [stage_rows[s] for s in stages], parts)
        if not self.places:
            row += 1
            sheet.text(row, "A", "No opportunities.", font=_font(color=_GREY))
        else:
            sheet.ws.auto_filter.ref = f"A{HEADER_ROW}:E{row}"
        self.page_setup(sheet, row, "E", landscape=False)

    def summary_row(
        self, sheet: _Sheet, row: int, code: str, stage: Stage, total: StageTotal | None
    ) -> None:
        label = STAGE_LABELS[stage]
        sheet.text(row, "A", label)
        sheet.text(row, "B", code)
        money = money_format(self.places[code])
        where = (
            f'{self._range("currency", sheet=OPPORTUNITIES_SHEET)},"{code}",'
            f'{self._range("stage", sheet=OPPORTUNITIES_SHEET)},"{label}"'
        )
        count = Decimal(total.count if total else 0)
        sheet.formula(row, "C", f"COUNTIFS({where})", count, "0")
        for letter, key, value in (
            ("D", "amount", total.amount if total else Decimal(0)),
            ("E", "weighted", total.weighted if total else Decimal(0)),
        ):
            formula = f"SUMIFS({self._range(key, sheet=OPPORTUNITIES_SHEET)},{where})"
            sheet.formula(row, letter, formula, value, money)

    def sum_row(
        self,
        sheet: _Sheet,
        row: int,
        code: str,
        label: str,
        rows: Sequence[int],
        parts: Sequence[StageTotal],
    ) -> None:
        bold = _font(bold=True)
        sheet.text(row, "A", label, font=bold)
        sheet.text(row, "B", code, font=bold)
        money = money_format(self.places[code])
        values = (
            ("C", Decimal(sum(p.count for p in parts)), "0"),
            ("D", sum((p.amount for p in parts), Decimal(0)), money),
            ("E", sum((p.weighted for p in parts), Decimal(0)), money),
        )
        # the stages of a sum are next to each other (the open ones come first)
        assert list(rows) == list(range(rows[0], rows[0] + len(rows)))
        for letter, value, fmt in values:
            formula = f"SUM({letter}{rows[0]}:{letter}{rows[-1]})"
            sheet.formula(row, letter, formula, value, fmt, font=bold)

    # -- printing and properties ---------------------------------------------------------------

    def page_setup(
        self, sheet: _Sheet, last_row: int, last_column: str, *, landscape: bool
    ) -> None:
        ws = sheet.ws
        ws.print_area = f"A1:{last_column}{last_row}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        fit_to_width(ws, letter=False, landscape=landscape)
        page_footer(ws, self.document.title, "INTERNAL", banner=INTERNAL_BANNER)

    def properties(self) -> None:
        """Title, subject and creator (the agency); nothing else (see EXPORTS.md)."""
        set_properties(
            self.workbook,
            title=f"INTERNAL — {self.document.title}",
            subject=f"INTERNAL — {self.document.subtitle}",
            creator=self.document.agency_name,
        )

    def package(self) -> bytes:
        workbook = self.write()
        cached = [self.layout.cached[ws.title] for ws in workbook.worksheets]
        return package_workbook(workbook, cached, company=self.document.agency_name)


def build_pipeline_workbook(document: PipelineDocument) -> tuple[bytes, PipelineLayout]:
    """The xlsx file of ``document`` as bytes, and where its figures are."""
    writer = _PipelineWriter(document)
    return writer.package(), writer.layout


def write_pipeline_workbook(document: PipelineDocument, path: Path) -> PipelineLayout:
    """Write the workbook to ``path`` (give it :func:`keyplan.exports.files.atomic_write`'s
    temporary path)."""
    data, layout = build_pipeline_workbook(document)
    Path(path).write_bytes(data)
    return layout
