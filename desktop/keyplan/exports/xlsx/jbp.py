"""The joint business plan workbook (openpyxl), for the client: six sheets.

- **Summary**: letterhead, title, the facts (client, year, phase, status, review cadence,
  currency), the five phases with the current one highlighted, the shared vision, the joint
  objectives (who owns each on either side) and the sign-off block (names, dates, signatures).
- **Targets**: growth targets and KPIs with unit, baseline and target; growth and growth % are
  formulas.
- **Scorecard**: every measure by quarter (target, actual) and to date; variance, % achieved
  and RAG are formulas, so the client can type an actual and see them move.
- **Plans**: the QBPs and MBPs with their own targets and actuals (variance, % achieved, RAG as
  formulas), then each plan's focus, commentary and actions.
- **Investments**: who funds what; what the client and the agency pay of each (``ROUND`` to the
  currency's minor units) and the totals by funder per currency (``SUMIFS``).
- **Calendar**: the activities with a month strip (a Gantt-like row of filled month cells).

Formulas (``p`` = the measure's rounding places: the currency's minor units for money, 4 for
other measures; T = target, A = actual; the rules of :mod:`keyplan.domain.jbp`)::

    variance    IF(OR(T="",A=""),"",ROUND(A-T,p))
    % achieved  IF(OR(T="",A="",T=0),"",ROUND(A/T*100,1))       (lower is better: T/A, A=0)
    RAG         IF(OR(T="",A=""),"",IF(ROUND(A-T,p)>=0,"Green",
                   IF(ROUND((A-T)*10+ABS(T),p)>=0,"Amber","Red")))  (lower is better: T-A)

Each formula cell carries the app's figure as its cached value (see
:mod:`keyplan.exports.xlsx.package`); a spreadsheet that recalculates arrives at the same
figures. Nothing internal is in the document, hence nowhere in the file; the workbook's
properties are its title, subject and creator (the agency) only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.formatting.rule import CellIsRule  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Border  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from keyplan.exports.jbp_documents import (
    JbpDocument,
    JbpFigure,
    JbpInvestmentLine,
    JbpMeasureLine,
)
from keyplan.exports.xlsx.common import (
    fit_to_width,
    package_workbook,
    page_footer,
    set_properties,
)
from keyplan.exports.xlsx.estimate import (
    _GREY,
    _THIN,
    _WRAP,
    LINE_HEIGHT,
    _colour,
    _fill,
    _font,
    _lines_needed,
    _Sheet,
    _tint,
    money_format,
)
from keyplan.exports.xlsx.package import CachedValue

__all__ = [
    "CALENDAR_SHEET",
    "INVESTMENTS_SHEET",
    "PLANS_SHEET",
    "SCORECARD_SHEET",
    "SUMMARY_SHEET",
    "TARGETS_SHEET",
    "JbpLayout",
    "build_jbp_workbook",
    "write_jbp_workbook",
]

SUMMARY_SHEET = "Summary"
TARGETS_SHEET = "Targets"
SCORECARD_SHEET = "Scorecard"
PLANS_SHEET = "Plans"
INVESTMENTS_SHEET = "Investments"
CALENDAR_SHEET = "Calendar"
RAG_TEXT = {"green": "Green", "amber": "Amber", "red": "Red", "": ""}
RAG_FILLS = {"Green": "C8E6C9", "Amber": "FFE0B2", "Red": "FFCDD2"}
POINTS_FORMAT = '0.0" %"'
_CENTRE = Alignment(horizontal="center", vertical="top")
_DATE = "yyyy-mm-dd"


@dataclass
class JbpLayout:
    """Where the figures are (1-based rows), for tests and readers of the file."""

    # (measure index, quarter 0..3 or 4 for to date) -> row on the Scorecard
    scorecard_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    # (period code, measure name) -> row on Plans
    plan_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    target_rows: list[int] = field(default_factory=list)  # per measure, on Targets
    investment_rows: list[int] = field(default_factory=list)
    # (currency, key) -> row of a total on Investments; keys: client_funded, agency_funded,
    # shared, total, client_pays, agency_pays
    total_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    cached: dict[str, dict[str, CachedValue]] = field(default_factory=dict)


def _number_format(places: int, is_money: bool) -> str:
    if is_money:
        return str(money_format(places))
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def _cached(value: Decimal | None) -> CachedValue:
    return "" if value is None else value


class _Writer:
    def __init__(self, document: JbpDocument) -> None:
        self.document = document
        self.brand = _colour(document.agency.brand_colour)
        self.light = _tint(self.brand, 0.86)
        self.workbook = Workbook()
        self.layout = JbpLayout()
        self.sheets: list[_Sheet] = []

    def sheet(self, title: str, widths: Mapping[str, float]) -> _Sheet:
        ws = self.workbook.active if not self.sheets else self.workbook.create_sheet()
        ws.title = title
        ws.sheet_view.showGridLines = False
        for column, width in widths.items():
            ws.column_dimensions[column].width = width
        sheet = _Sheet(ws)
        self.sheets.append(sheet)
        self.layout.cached[title] = sheet.cached
        return sheet

    # -- shared pieces ---------------------------------------------------------------------

    def heading(self, sheet: _Sheet, title: str) -> int:
        """Agency, kicker and the sheet's title: rows 1-3; returns the next free row."""
        doc = self.document
        sheet.text(1, "A", doc.agency.name, font=_font(size=14, bold=True, color=self.brand))
        sheet.ws.row_dimensions[1].height = 22
        kicker = f"JOINT BUSINESS PLAN {doc.year} · {doc.client_name}"
        sheet.text(2, "A", kicker, font=_font(size=9, bold=True, color=_GREY))
        sheet.text(3, "A", title, font=_font(size=13, bold=True))
        sheet.ws.row_dimensions[3].height = 20
        return 5

    def table_sheet(
        self,
        name: str,
        widths: Mapping[str, float],
        title: str,
        titles: dict[str, str],
        numeric: str,
    ) -> tuple[_Sheet, int]:
        """A new sheet with its heading and the table's header row; returns the sheet and
        the header's row (the rows below it are the table's)."""
        sheet = self.sheet(name, widths)
        row = self.heading(sheet, title)
        self.header_row(sheet, row, titles, numeric)
        return sheet, row

    def rule_below(self, sheet: _Sheet, row: int, columns: Mapping[str, str]) -> None:
        """A thin rule under ``row`` across the table's ``columns``."""
        for column in columns:
            sheet.cell(row, column).border = Border(bottom=_THIN)

    def header_row(self, sheet: _Sheet, row: int, titles: dict[str, str], numeric: str) -> None:
        for column, title in titles.items():
            align = "right" if column in numeric else "left"
            if title in ("RAG", "Quarter"):
                align = "center"
            sheet.text(
                row,
                column,
                title,
                font=_font(bold=True, color="FFFFFF"),
                fill=_fill(self.brand),
                alignment=Alignment(horizontal=align, vertical="center", wrap_text=True),
            )
        sheet.ws.row_dimensions[row].height = 20

    def page_setup(self, sheet: _Sheet, last_row: int, last_column: str, title_row: int) -> None:
        ws, doc = sheet.ws, self.document
        ws.print_area = f"A1:{last_column}{max(last_row, 1)}"
        if title_row:
            ws.print_title_rows = f"{title_row}:{title_row}"
            ws.freeze_panes = f"A{title_row + 1}"
        letter = doc.agency.paper_size == "Letter"
        fit_to_width(ws, letter=letter, landscape=sheet.ws.title != SUMMARY_SHEET)
        margins = ws.page_margins
        margins.left = margins.right = 0.5
        page_footer(ws, f"{doc.client_name} · JBP {doc.year}", doc.agency.name)

    def rag_colours(self, sheet: _Sheet, cells: str) -> None:
        """Green / amber / red backgrounds on RAG cells, by their (formula) text."""
        for text, colour in RAG_FILLS.items():
            sheet.ws.conditional_formatting.add(
                cells, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=_fill(colour))
            )

    def comparison(
        self,
        sheet: _Sheet,
        row: int,
        columns: tuple[str, str, str, str, str],
        measure: JbpMeasureLine,
        figure: JbpFigure,
        *,
        write_figures: bool = True,
        bold: bool = False,
    ) -> None:
        """Target and actual (values), variance, % achieved and RAG (formulas) in
        ``columns``."""
        t_col, a_col, v_col, p_col, r_col = columns
        fmt = _number_format(measure.places, measure.is_money)
        font = _font(bold=bold)
        if write_figures:
            for column, value in ((t_col, figure.target), (a_col, figure.actual)):
                if value is not None:
                    sheet.number(row, column, value, fmt, font=font)
        t, a, p = f"{t_col}{row}", f"{a_col}{row}", measure.round_places
        blank = f'OR({t}="",{a}="")'
        sheet.formula(
            row, v_col, f'IF({blank},"",ROUND({a}-{t},{p}))', _cached(figure.variance), fmt,
            font=font,
        )  # fmt: skip
        if measure.higher_is_better:
            ratio, zero, ahead = f"{a}/{t}", f"{t}=0", f"{a}-{t}"
        else:
            ratio, zero, ahead = f"{t}/{a}", f"{a}=0", f"{t}-{a}"
        sheet.formula(
            row,
            p_col,
            f'IF(OR({t}="",{a}="",{zero}),"",ROUND({ratio}*100,1))',
            _cached(figure.achieved_percent),
            POINTS_FORMAT,
            font=font,
        )
        rag = (
            f'IF({blank},"",IF(ROUND({ahead},{p})>=0,"Green",'
            f'IF(ROUND(({ahead})*10+ABS({t}),{p})>=0,"Amber","Red")))'
        )
        sheet.formula(
            row,
            r_col,
            rag,
            RAG_TEXT[figure.rag],
            "General",
            font=_font(bold=True),
            alignment=Alignment(horizontal="center", vertical="top"),
        )

    # -- Summary ---------------------------------------------------------------------------

    def summary(self) -> None:
        doc = self.document
        s = self.sheet(SUMMARY_SHEET, {"A": 22, "B": 44, "C": 22, "D": 22, "E": 16})
        row = self.heading(s, doc.title)
        legal = "" if doc.client_legal_name == doc.client_name else doc.client_legal_name
        facts: list[tuple[str, str | date]] = [
            ("Client", doc.client_name),
            ("Legal name", legal),
            ("Year", str(doc.year)),
            ("Phase", f"{doc.phase_index + 1} of {len(doc.phases)} · {doc.phase}"),
            ("Status", doc.status),
            ("Review cadence", doc.review_cadence),
            ("Currency", doc.currency),
            ("Prepared by", doc.prepared_by),
            ("Issued", doc.issued_on),
        ]  # fmt: skip
        for label, value in facts:
            if value == "":
                continue
            s.text(row, "A", label, font=_font(color=_GREY))
            if isinstance(value, date):
                s.date(row, "B", value)
            else:
                s.text(row, "B", value, font=_font(bold=label in ("Client", "Phase")))
            row += 1
        row += 1
        s.text(row, "A", "Phases", font=_font(bold=True, size=11))
        row += 1
        for index, (column, phase) in enumerate(zip("ABCDE", doc.phases, strict=False)):
            current = index == doc.phase_index
            done = index < doc.phase_index
            colour = "FFFFFF" if current else (_GREY if not done else "1F2933")
            s.text(
                row,
                column,
                f"{index + 1}. {phase}",
                font=_font(bold=current, color=colour),
                fill=_fill(self.brand if current else (self.light if done else "F2F4F7")),
                alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            )
        s.ws.row_dimensions[row].height = 30
        row += 2
        if doc.vision.strip():
            row = self.paragraph(s, row, "Shared vision", doc.vision)
        if doc.objectives:
            s.text(row, "A", "Joint objectives", font=_font(bold=True, size=11))
            row += 1
            titles = {"A": "No.", "B": "Objective", "C": "Client owner", "D": "Agency owner"}
            self.header_row(s, row, {**titles, "E": "Status"}, "")
            row += 1
            for number, objective in enumerate(doc.objectives, start=1):
                s.text(row, "A", str(number))
                s.text(row, "B", objective.statement, alignment=_WRAP)
                s.text(row, "C", objective.client_owner, alignment=_WRAP)
                s.text(row, "D", objective.agency_owner, alignment=_WRAP)
                s.text(row, "E", objective.status)
                lines = _lines_needed(objective.statement, 44)
                if lines > 1:
                    s.ws.row_dimensions[row].height = round(LINE_HEIGHT * lines + 3, 1)
                for column in "ABCDE":
                    s.cell(row, column).border = Border(bottom=_THIN)
                row += 1
            row += 1
        row = self.sign_off(s, row)
        self.page_setup(s, row, "E", 0)

    def paragraph(self, s: _Sheet, row: int, title: str, text: str) -> int:
        s.text(row, "A", title, font=_font(bold=True, size=11))
        row += 1
        s.text(row, "A", text, alignment=_WRAP)
        s.ws.merge_cells(f"A{row}:E{row}")
        height = LINE_HEIGHT * _lines_needed(text, 22 + 44 + 22 + 22 + 16) + 4
        s.ws.row_dimensions[row].height = min(409, round(height, 1))
        return row + 2

    def sign_off(self, s: _Sheet, row: int) -> int:
        doc = self.document
        s.text(row, "A", "Sign-off", font=_font(bold=True, size=11))
        row += 1
        s.text(row, "B", doc.client_name or "Client", font=_font(bold=True))
        s.text(row, "D", doc.agency.name or "Agency", font=_font(bold=True))
        ink = Border(bottom=_THIN)
        for label, client, agency in (
            ("Name", doc.client_signatory, doc.agency_signatory),
            ("Date", doc.client_signed_on, doc.agency_signed_on),
            ("Signature", "", ""),
        ):
            row += 1
            s.text(row, "A", label, font=_font(color=_GREY), alignment=Alignment(vertical="bottom"))
            for column, value in (("B", client), ("D", agency)):
                if isinstance(value, date):
                    s.date(row, column, value)
                elif value:
                    s.text(row, column, value)
                s.cell(row, column).border = ink
            s.cell(row, "E").border = ink
            s.ws.row_dimensions[row].height = 28 if label == "Signature" else 20
        return row

    # -- Targets ---------------------------------------------------------------------------

    def targets(self) -> None:
        doc = self.document
        widths = {"A": 15, "B": 32, "C": 14, "D": 9, "E": 16, "F": 16, "G": 16, "H": 11}
        titles = {
            "A": "Kind",
            "B": "Measure",
            "C": "Metric",
            "D": "Unit",
            "E": "Baseline",
            "F": "Target",
            "G": "Growth",
            "H": "Growth %",
        }
        s, header = self.table_sheet(
            TARGETS_SHEET, widths, "Growth targets and KPIs", titles, "EFGH"
        )
        row = header
        for measure in doc.measures:
            row += 1
            self.layout.target_rows.append(row)
            fmt = _number_format(measure.places, measure.is_money)
            s.text(row, "A", measure.kind)
            s.text(row, "B", measure.name, font=_font(bold=True))
            s.text(row, "C", measure.metric)
            s.text(row, "D", measure.unit)
            for column, value in (("E", measure.baseline), ("F", measure.target)):
                if value is not None:
                    s.number(row, column, value, fmt)
            e, f, p = f"E{row}", f"F{row}", measure.round_places
            s.formula(
                row, "G", f'IF(OR({e}="",{f}=""),"",ROUND({f}-{e},{p}))',
                _cached(measure.growth), fmt,
            )  # fmt: skip
            s.formula(
                row,
                "H",
                f'IF(OR({e}="",{f}="",{e}=0),"",ROUND(({f}-{e})/ABS({e})*100,1))',
                _cached(measure.growth_percent),
                POINTS_FORMAT,
            )
            self.rule_below(s, row, titles)
        self.page_setup(s, row, "H", header)

    # -- Scorecard -------------------------------------------------------------------------

    def scorecard(self) -> None:
        doc = self.document
        widths = {
            "A": 28, "B": 9, "C": 15, "D": 12, "E": 16, "F": 16, "G": 15, "H": 11, "I": 9,
            "J": 18,
        }  # fmt: skip
        titles = {
            "A": "Measure",
            "B": "Unit",
            "C": "Year target",
            "D": "Quarter",
            "E": "Target",
            "F": "Actual",
            "G": "Variance",
            "H": "% achieved",
            "I": "RAG",
            "J": "Note",
        }
        s, header = self.table_sheet(
            SCORECARD_SHEET, widths, f"Scorecard by quarter, {doc.year}", titles, "CEFGH"
        )
        row = header
        columns = ("E", "F", "G", "H", "I")
        for index, line in enumerate(doc.scorecard):
            measure = line.measure
            fmt = _number_format(measure.places, measure.is_money)
            first = row + 1
            for quarter, figure in enumerate(line.quarters):
                row += 1
                self.layout.scorecard_rows[(index, quarter)] = row
                if quarter == 0:
                    s.text(row, "A", measure.name, font=_font(bold=True), alignment=_WRAP)
                    s.text(row, "B", measure.unit)
                    if measure.target is not None:
                        s.number(row, "C", measure.target, fmt, font=_font(bold=True))
                s.text(row, "D", f"Q{quarter + 1}", alignment=_CENTRE)
                self.comparison(s, row, columns, measure, figure)
                s.text(row, "J", figure.note, font=_font(size=9, color=_GREY))
            last = row
            row += 1
            self.layout.scorecard_rows[(index, 4)] = row
            s.text(row, "D", "To date", font=_font(bold=True), alignment=_CENTRE)
            to_date = line.to_date
            live = (
                measure.additive
                and all(q.target is not None for q in line.quarters)
                and line.quarters_reported > 0
            )
            p = measure.round_places
            if live:  # the reported quarters, summed by formulas
                targets, actuals = f"E{first}:E{last}", f"F{first}:F{last}"
                reported = f"COUNT({actuals})=0"
                s.formula(
                    row, "E", f'IF({reported},"",ROUND(SUMIFS({targets},{actuals},"<>"),{p}))',
                    _cached(to_date.target), fmt, font=_font(bold=True),
                )  # fmt: skip
                s.formula(
                    row, "F", f'IF({reported},"",ROUND(SUM({actuals}),{p}))',
                    _cached(to_date.actual), fmt, font=_font(bold=True),
                )  # fmt: skip
            self.comparison(s, row, columns, measure, to_date, write_figures=not live, bold=True)
            s.text(row, "J", to_date.note, font=_font(size=9, color=_GREY))
            self.rule_below(s, row, titles)
        if doc.scorecard:
            self.rag_colours(s, f"I{header + 1}:I{row}")
        self.page_setup(s, row, "J", header)

    # -- Plans (QBPs and MBPs) -------------------------------------------------------------

    def plans(self) -> None:
        doc = self.document
        widths = {
            "A": 11, "B": 7, "C": 28, "D": 9, "E": 16, "F": 16, "G": 15, "H": 11, "I": 9,
        }  # fmt: skip
        titles = {
            "A": "Period",
            "B": "Plan",
            "C": "Measure",
            "D": "Unit",
            "E": "Target",
            "F": "Actual",
            "G": "Variance",
            "H": "% achieved",
            "I": "RAG",
        }
        s, header = self.table_sheet(
            PLANS_SHEET, widths, "Quarterly and monthly business plans (QBP / MBP)", titles, "EFGH"
        )
        row = header
        for period in doc.periods:
            for item in period.figures:
                row += 1
                self.layout.plan_rows[(period.code, item.measure)] = row
                s.text(row, "A", period.label)
                s.text(row, "B", period.kind)
                s.text(row, "C", item.measure)
                s.text(row, "D", item.unit)
                measure = JbpMeasureLine(
                    item.measure, "", "", item.unit, item.is_money, item.higher_is_better,
                    True, item.places, item.round_places, None, None, None, None,
                )  # fmt: skip
                self.comparison(s, row, ("E", "F", "G", "H", "I"), measure, item.figure)
                self.rule_below(s, row, titles)
        if row > header:
            self.rag_colours(s, f"I{header + 1}:I{row}")
        last_figure_row = row
        notes = [p for p in doc.periods if p.focus or p.commentary or p.actions]
        if notes:
            row += 2
            s.text(row, "A", "Focus, commentary and actions", font=_font(bold=True, size=11))
            for period in notes:
                row += 2
                s.text(row, "A", f"{period.kind} {period.label}", font=_font(bold=True))
                for label, text in (("Focus", period.focus), ("Commentary", period.commentary)):
                    if not text.strip():
                        continue
                    row += 1
                    s.text(row, "A", label, font=_font(color=_GREY))
                    s.text(row, "C", text, alignment=_WRAP)
                    s.ws.merge_cells(f"C{row}:I{row}")
                    lines = _lines_needed(text, 28 + 9 + 16 + 16 + 15 + 11 + 9)
                    s.ws.row_dimensions[row].height = min(409, round(LINE_HEIGHT * lines + 4, 1))
                for action in period.actions:
                    row += 1
                    s.text(row, "A", "Action", font=_font(color=_GREY))
                    s.text(row, "C", action.description, alignment=_WRAP)
                    s.ws.merge_cells(f"C{row}:E{row}")
                    s.text(row, "F", action.owner)
                    if action.due is not None:
                        s.date(row, "G", action.due)
                    s.text(row, "H", action.status)
        self.page_setup(s, max(row, last_figure_row), "I", header)

    # -- Investments -----------------------------------------------------------------------

    def investments(self) -> None:
        doc = self.document
        widths = {
            "A": 36, "B": 11, "C": 12, "D": 9, "E": 17, "F": 17, "G": 17, "H": 12, "I": 12,
        }  # fmt: skip
        titles = {
            "A": "Investment",
            "B": "Funded by",
            "C": "Client share",
            "D": "Currency",
            "E": "Amount",
            "F": "Client pays",
            "G": "Agency pays",
            "H": "From",
            "I": "To",
        }
        s, header = self.table_sheet(
            INVESTMENTS_SHEET, widths, "Joint investments: who funds what", titles, "CEFG"
        )
        row = header
        for line in doc.investments:
            row += 1
            self.layout.investment_rows.append(row)
            self.investment(s, row, line)
            self.rule_below(s, row, titles)
        first, last = header + 1, row
        for totals in doc.funder_totals:
            row += 2
            code, d = totals.currency, totals.minor_units
            fmt = money_format(d)
            s.text(row, "A", f"Totals in {code}", font=_font(bold=True, size=11))
            amounts, funders = f"$E${first}:$E${last}", f"$B${first}:$B${last}"
            currencies = f"$D${first}:$D${last}"
            by_funder = ',{f},"{who}"'
            rows = (
                ("client_funded", "Funded by the client", amounts, "Client", totals.client_funded),
                ("agency_funded", "Funded by the agency", amounts, "Agency", totals.agency_funded),
                ("shared", "Shared", amounts, "Shared", totals.shared),
                ("total", "Total", amounts, "", totals.total),
                ("client_pays", "The client pays", f"$F${first}:$F${last}", "", totals.client_pays),
                ("agency_pays", "The agency pays", f"$G${first}:$G${last}", "", totals.agency_pays),
            )
            for key, label, column, who, value in rows:
                row += 1
                self.layout.total_rows[(code, key)] = row
                strong = key in ("total", "client_pays", "agency_pays")
                s.text(row, "A", label, font=_font(bold=strong))
                condition = by_funder.format(f=funders, who=who) if who else ""
                formula = f'ROUND(SUMIFS({column},{currencies},"{code}"{condition}),{d})'
                s.formula(row, "E", formula, value, fmt, font=_font(bold=strong))
                if key == "total":
                    for column_ in "ABCDE":
                        s.cell(row, column_).border = Border(top=_THIN)
        self.page_setup(s, row, "I", header)

    def investment(self, s: _Sheet, row: int, line: JbpInvestmentLine) -> None:
        fmt, d = money_format(line.minor_units), line.minor_units
        s.text(row, "A", line.description, alignment=_WRAP)
        s.text(row, "B", line.funded_by)
        share_places = max(0, -int(line.client_share.normalize().as_tuple().exponent))
        share_format = "0%" if share_places == 0 else "0." + "0" * share_places + "%"
        s.number(row, "C", line.client_share.scaleb(-2), share_format)
        s.text(row, "D", line.currency)
        s.number(row, "E", line.amount, fmt)
        s.formula(row, "F", f"ROUND(E{row}*C{row},{d})", line.client_pays, fmt)
        s.formula(row, "G", f"ROUND(E{row}-F{row},{d})", line.agency_pays, fmt)
        for column, day in (("H", line.starts_on), ("I", line.ends_on)):
            if day is not None:
                s.date(row, column, day)
        lines = _lines_needed(line.description, 36)
        if lines > 1:
            s.ws.row_dimensions[row].height = round(LINE_HEIGHT * lines + 3, 1)

    # -- Calendar --------------------------------------------------------------------------

    def calendar(self) -> None:
        doc = self.document
        months = _months(doc.year, doc.activities)
        widths: dict[str, float] = {"A": 34, "B": 12, "C": 18, "D": 12, "E": 11, "F": 11}
        letters = [_letter(7 + index) for index in range(len(months))]
        widths.update({letter: 5.5 for letter in letters})
        s = self.sheet(CALENDAR_SHEET, widths)
        row = self.heading(s, f"Activity calendar, {doc.year}")
        titles = {"A": "Activity", "B": "Kind", "C": "Owner", "D": "Status", "E": "Starts"}
        titles["F"] = "Ends"
        for letter, month in zip(letters, months, strict=True):
            titles[letter] = f"{month:%b}\n{month:%y}"
        header = row
        self.header_row(s, row, titles, "")
        s.ws.row_dimensions[row].height = 28
        bar = _fill(self.brand)
        for activity in doc.activities:
            row += 1
            s.text(row, "A", activity.name, alignment=_WRAP)
            s.text(row, "B", activity.kind)
            s.text(row, "C", activity.owner)
            s.text(row, "D", activity.status)
            s.date(row, "E", activity.starts_on)
            if activity.ends_on is not None:
                s.date(row, "F", activity.ends_on)
            end = activity.ends_on or activity.starts_on
            for letter, month in zip(letters, months, strict=True):
                month_end = _next_month(month)
                if activity.starts_on < month_end and end >= month:
                    s.cell(row, letter).fill = bar
            self.rule_below(s, row, titles)
        self.page_setup(s, row, letters[-1], header)

    # -- the file --------------------------------------------------------------------------

    def properties(self) -> None:
        doc = self.document
        set_properties(
            self.workbook,
            title=f"Joint business plan {doc.year}: {doc.client_name}",
            subject=f"{doc.title} — {doc.client_name} and {doc.agency.name}",
            creator=doc.agency.name,
        )

    def package(self) -> bytes:
        self.summary()
        self.targets()
        self.scorecard()
        self.plans()
        self.investments()
        self.calendar()
        self.properties()
        cached = [sheet.cached for sheet in self.sheets]
        return package_workbook(self.workbook, cached, company=self.document.agency.name)


def _letter(index: int) -> str:
    return str(get_column_letter(index))


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(year: int, activities: Any) -> list[date]:
    """January to December of ``year``, widened to the activities (at most 24 months)."""
    first, last = date(year, 1, 1), date(year, 12, 1)
    for activity in activities:
        start = activity.starts_on.replace(day=1)
        end = (activity.ends_on or activity.starts_on).replace(day=1)
        first, last = min(first, start), max(last, end)
    months = [first]
    while months[-1] < last and len(months) < 24:
        months.append(_next_month(months[-1]))
    return months


def build_jbp_workbook(document: JbpDocument) -> tuple[bytes, JbpLayout]:
    """The xlsx file of ``document`` as bytes, and where its figures are."""
    if not isinstance(document, JbpDocument):
        raise TypeError(f"a JBP workbook needs a JbpDocument, not {type(document).__name__}")
    writer = _Writer(document)
    return writer.package(), writer.layout


def write_jbp_workbook(document: JbpDocument, path: Path) -> JbpLayout:
    """Write the workbook of ``document`` to ``path`` (the exporting service gives a temporary
    path and renames it into place)."""
    data, layout = build_jbp_workbook(document)
    Path(path).write_bytes(data)
    return layout
