"""The JBP workbook read back: its sheets, live formulas with the app's figures cached,
LibreOffice recalculating every formula to the service's numbers, and nothing internal
anywhere in the package.

Two sources: the demo (the global account's closed plan of last year with every quarter's
actual, the Vietnamese client's plan with MBPs rolled up into its quarters) and a small
workspace made here (JPY and USD, a lower-is-better KPI, a shared investment with an odd
share, formula-like text, and internal notes with a marker that must never be written).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from keyplan.exports.jbp_documents import JbpDocument
from keyplan.exports.xlsx.jbp import (
    INVESTMENTS_SHEET,
    PLANS_SHEET,
    SCORECARD_SHEET,
    JbpLayout,
    write_jbp_workbook,
)
from keyplan.services.exporting import export_jbp_xlsx, jbp_document, jbp_file_name
from keyplan.services.jbp import InvestmentDraft, MeasureDraft, ObjectiveDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
TODAY = date(2026, 3, 16)  # the demo's day (tests/exports/conftest.py)
MARKER = "INTERNAL-MARKER-7Q"
RAG = {"green": "Green", "amber": "Amber", "red": "Red", "": None}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WorkspaceServices, int]]:
    """A JPY client's 2026 plan with every awkward case the workbook has to get right."""
    path = tmp_path_factory.mktemp("jbp_workbook") / "small.keyplan"
    with WorkspaceServices.create(path, agency_name="Mekong Media") as services:
        account = services.accounts.create(
            AccountDraft("星空トラベル", currency="JPY", market="JP", notes=MARKER)
        )
        jbp = services.jbp.create(account, 2026, "星空 × Mekong 2026", vision="旅の予約を倍に")
        services.jbp.update(jbp, {"internal_notes": f"{MARKER} do not tell the client"})
        services.jbp.add_objective(jbp, ObjectiveDraft('=HYPERLINK("http://x")', "田中", "Mai"))
        measures = {m.name: m.id for m in services.jbp.get(jbp).measures}
        services.jbp.update_measure(measures["Turnover"], {"baseline": D(0), "target": D(1000)})
        services.jbp.update_measure(measures["Margin %"], {"baseline": D("20.5"), "target": D(22)})
        cpa = services.jbp.add_measure(
            jbp,
            MeasureDraft("Cost per booking", kind="kpi", unit="JPY/booking", target=D("3500.5"),
                         higher_is_better=False),
        )  # fmt: skip
        services.jbp.derive_periods(jbp, "quarter", [D(1), D(2), D(3), D(4)])
        record = services.jbp.get(jbp)
        figures = (  # (turnover, margin %, cost per booking) actuals per quarter
            (D(101), D("22.4"), D(3400)),
            (D(181), D("21.3"), D("3850.6")),  # red: 10 % short; and 10 % over on cost
            (D(270), None, D("3850.55")),  # amber: exactly 10 % over
        )
        for quarter, (turnover, margin, cost) in zip(record.quarters, figures, strict=False):
            services.jbp.update_period_value(quarter.id, measures["Turnover"], {"actual": turnover})
            if margin is not None:
                services.jbp.update_period_value(
                    quarter.id, measures["Margin %"], {"actual": margin}
                )
            services.jbp.update_period_value(quarter.id, cpa, {"actual": cost})
        services.jbp.update_period(record.quarters[0].id, {"commentary": "+ 良いスタート"})
        services.jbp.add_investment(
            jbp, InvestmentDraft("Shared studio", amount=D(1001), client_share=D("33.3333"))
        )
        services.jbp.add_investment(
            jbp, InvestmentDraft("Media", amount=D(2_500_001), funded_by="client")
        )
        services.jbp.add_investment(
            jbp,
            InvestmentDraft("Data team", amount=D("999.99"), funded_by="agency", currency="USD"),
        )
        yield services, jbp


@pytest.fixture(scope="module")
def workbooks(
    small: tuple[WorkspaceServices, int],
    demo: WorkspaceServices,
    tmp_path_factory: pytest.TempPathFactory,
) -> list[tuple[str, WorkspaceServices, int, JbpDocument, JbpLayout, Path]]:
    folder = tmp_path_factory.mktemp("jbp_workbooks")
    services, jbp = small
    chosen = [("small", services, jbp)]
    accounts = {a.name: a.id for a in demo.accounts.all()}
    for name, year in (("Aurora Consumer Brands", 2025), ("Sen Việt E-commerce", 2026)):
        plan = demo.jbp.find(accounts[name], year)
        assert plan is not None, name
        chosen.append((f"{name} {year}", demo, plan))
    made = []
    for label, owner, plan in chosen:
        document = jbp_document(owner, plan, today=TODAY)
        path = folder / f"{plan}-{len(made)}.xlsx"
        layout = write_jbp_workbook(document, path)
        made.append((label, owner, plan, document, layout, path))
    return made


def _expected(services: WorkspaceServices, jbp: int, layout: JbpLayout) -> dict[str, Any]:
    """(sheet!cell) -> the service's figure, from the service's own records."""
    record = services.jbp.get(jbp)
    expected: dict[str, Any] = {}
    for index, row in enumerate(services.jbp.scorecard(jbp)):
        for quarter, line in enumerate(row.quarters):
            at = layout.scorecard_rows[(index, quarter)]
            expected[f"{SCORECARD_SHEET}!G{at}"] = line.variance
            expected[f"{SCORECARD_SHEET}!H{at}"] = line.achieved_percent
            expected[f"{SCORECARD_SHEET}!I{at}"] = RAG[line.rag or ""]
        to_date = row.progress.to_date
        at = layout.scorecard_rows[(index, 4)]
        expected[f"{SCORECARD_SHEET}!E{at}"] = to_date.target
        expected[f"{SCORECARD_SHEET}!F{at}"] = to_date.actual
        expected[f"{SCORECARD_SHEET}!G{at}"] = to_date.variance
        expected[f"{SCORECARD_SHEET}!I{at}"] = RAG[to_date.rag.value if to_date.rag else ""]
    for investment, at in zip(record.investments, layout.investment_rows, strict=True):
        expected[f"{INVESTMENTS_SHEET}!F{at}"] = investment.client_pays
        expected[f"{INVESTMENTS_SHEET}!G{at}"] = investment.agency_pays
    for totals in record.funder_totals:
        for key in ("client_funded", "agency_funded", "shared", "total", "client_pays",
                    "agency_pays"):  # fmt: skip
            at = layout.total_rows[(totals.currency, key)]
            expected[f"{INVESTMENTS_SHEET}!E{at}"] = getattr(totals, key)
    return expected


def _same(value: Any, wanted: Any) -> bool:
    if wanted is None:
        return value in (None, "")
    if isinstance(wanted, str):
        return value == wanted
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return abs(Decimal(repr(value)) - wanted) < D("0.00001")


def _mismatches(workbook: Any, expected: dict[str, Any]) -> list[str]:
    problems = []
    for where, wanted in expected.items():
        sheet, cell = where.split("!")
        value = workbook[sheet][cell].value
        if not _same(value, wanted):
            problems.append(f"{where}: {value!r}, the service says {wanted}")
    return problems


def test_the_sheets_and_the_properties(workbooks: list[Any]) -> None:
    for label, _services, _plan, document, _layout, path in workbooks:
        workbook = load_workbook(path)
        assert workbook.sheetnames == [
            "Summary",
            "Targets",
            "Scorecard",
            "Plans",
            "Investments",
            "Calendar",
        ], label
        props = workbook.properties
        assert props.creator == document.agency.name
        assert props.title == f"Joint business plan {document.year}: {document.client_name}"
        assert props.lastModifiedBy is None and props.description is None and props.keywords is None
        assert all(ws.sheet_state == "visible" for ws in workbook.worksheets)


def test_comparisons_are_live_formulas(workbooks: list[Any]) -> None:
    _label, _services, _plan, _document, layout, path = workbooks[0]
    workbook = load_workbook(path)
    scorecard = workbook[SCORECARD_SHEET]
    row = layout.scorecard_rows[(0, 0)]
    assert scorecard[f"G{row}"].value == f'=IF(OR(E{row}="",F{row}=""),"",ROUND(F{row}-E{row},0))'
    assert scorecard[f"H{row}"].value.startswith(f'=IF(OR(E{row}="",F{row}="",E{row}=0)')
    assert '"Green"' in scorecard[f"I{row}"].value
    cost_row = layout.scorecard_rows[(4, 1)]  # the lower-is-better KPI divides the other way
    assert f"ROUND(E{cost_row}/F{cost_row}*100,1)" in scorecard[f"H{cost_row}"].value
    to_date = layout.scorecard_rows[(0, 4)]
    assert scorecard[f"F{to_date}"].value.startswith("=IF(COUNT(F")
    investments = workbook[INVESTMENTS_SHEET]
    first = layout.investment_rows[0]
    assert investments[f"F{first}"].value == f"=ROUND(E{first}*C{first},0)"
    total = layout.total_rows[("JPY", "client_funded")]
    assert investments[f"E{total}"].value.startswith("=ROUND(SUMIFS(")
    assert '"Client"' in investments[f"E{total}"].value
    statements = [c.value for row in workbook["Summary"].iter_rows() for c in row]
    assert '=HYPERLINK("http://x")' in statements  # stored as text ...
    cell = next(c for row in workbook["Summary"].iter_rows() for c in row
                if c.value == '=HYPERLINK("http://x")')  # fmt: skip
    assert cell.data_type == "s" and cell.quotePrefix  # ... and stays text when edited


def test_cached_values_are_the_service_figures(workbooks: list[Any]) -> None:
    for label, services, plan, _document, layout, path in workbooks:
        workbook = load_workbook(path, data_only=True)
        expected = _expected(services, plan, layout)
        assert len(expected) > 20, label
        assert _mismatches(workbook, expected) == [], label


def test_the_small_plan_has_every_case(workbooks: list[Any]) -> None:
    _label, _services, _plan, document, layout, path = workbooks[0]
    workbook = load_workbook(path, data_only=True)
    rags = [workbook[SCORECARD_SHEET][f"I{layout.scorecard_rows[(4, q)]}"].value for q in range(3)]
    assert rags == ["Green", "Red", "Amber"]  # lower is better: 3400, 3850.6, 3850.55
    assert document.investments[0].client_pays == D(334)  # 1001 x 33.3333 %, to the yen
    assert [t.currency for t in document.funder_totals] == ["JPY", "USD"]
    plans = workbook[PLANS_SHEET]
    assert plans[f"F{layout.plan_rows[('2026-Q1', 'Turnover')]}"].value == 101


def test_libreoffice_recalculates_to_the_service_figures(
    workbooks: list[Any], libreoffice: Any
) -> None:
    outputs = libreoffice.recalculate([path for *_rest, path in workbooks])
    for label, services, plan, _document, layout, path in workbooks:
        fresh = load_workbook(outputs[path], data_only=True)
        assert _mismatches(fresh, _expected(services, plan, layout)) == [], label
        cached = load_workbook(path, data_only=True)
        formulas = 0
        for sheet in load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    formulas += 1
                    was = cached[sheet.title][cell.coordinate].value
                    now = fresh[sheet.title][cell.coordinate].value
                    if isinstance(was, int | float) and isinstance(now, int | float):
                        assert abs(was - now) < 1e-9, (label, sheet.title, cell.coordinate)
                    else:
                        assert (was or None) == (now or None), (label, cell.coordinate, was, now)
        assert formulas > 50, label


def test_nothing_internal_anywhere_in_the_package(
    workbooks: list[Any], small: tuple[WorkspaceServices, int], tmp_path: Path
) -> None:
    services, plan = small
    path = export_jbp_xlsx(services, plan, tmp_path / jbp_file_name(services, plan))
    assert path.name == "星空トラベル - JBP 2026.xlsx"
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        text = "".join(package.read(name).decode("utf-8", "replace") for name in names)
    assert MARKER not in text and "do not tell the client" not in text
    assert not any("comments" in name or "vmlDrawing" in name for name in names)
    assert "definedName" not in text or all(
        name in ("_xlnm.Print_Titles", "_xlnm.Print_Area")
        for name in load_workbook(path).defined_names
    )
    assert not [f for f in JbpDocument.__dataclass_fields__ if "internal" in f or "note" in f]
    # the exporter is atomic and never replaces silently
    with pytest.raises(Exception, match="already exists"):
        export_jbp_xlsx(services, plan, path)
