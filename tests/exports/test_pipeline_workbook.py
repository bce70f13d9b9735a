"""The pipeline workbook: read back with openpyxl, recalculated by LibreOffice.

Every weighted value is a live ``ROUND(amount*probability, d)``; the totals per currency and
the summary by stage are ``SUMIFS`` / ``COUNTIFS`` over the opportunities. What a recalculating
spreadsheet shows must be the app's figures to the minor unit, JPY and VND with no decimals.
"""

from __future__ import annotations

import random
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from keyplan.domain.money import Currency
from keyplan.domain.pipeline import Stage, weighted_value
from keyplan.exports.xlsx.pipeline import (
    OPPORTUNITIES_SHEET,
    SUMMARY_SHEET,
    PipelineLayout,
    build_pipeline_workbook,
)
from keyplan.services.exporting import (
    ExportExistsError,
    export_pipeline_xlsx,
    pipeline_document,
    pipeline_file_name,
)
from keyplan.services.opportunities import OpportunityDraft, OpportunityRecord, PipelineFilter
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

from .conftest import LibreOffice, decimal_of

D = Decimal
TODAY = date(2026, 3, 16)


def _layout(services: WorkspaceServices, **kwargs: Any) -> PipelineLayout:
    return build_pipeline_workbook(pipeline_document(services, today=TODAY, **kwargs))[1]


Figures = tuple[int, Decimal, Decimal]


def _expected_totals(records: list[OpportunityRecord]) -> dict[tuple[str, str], Figures]:
    """(currency, stage / "open" / "all") -> (count, amount, weighted), from the domain."""
    found: dict[tuple[str, str], Figures] = {}
    for record in records:
        keys = [record.stage, "all"] + (["open"] if Stage(record.stage).is_open else [])
        for key in keys:
            count, amount, weighted = found.get((record.currency, key), (0, D(0), D(0)))
            found[(record.currency, key)] = (
                count + 1,
                amount + record.amount,
                weighted + record.weighted,
            )
    return found


def _check_figures(
    path: Path, layout: PipelineLayout, records: list[OpportunityRecord]
) -> list[str]:
    """Each row's weighted value, the totals per currency and the summary, against the app."""
    problems: list[str] = []
    workbook = load_workbook(path, data_only=True)
    sheet, summary = workbook[OPPORTUNITIES_SHEET], workbook[SUMMARY_SHEET]
    c = layout.columns

    def same(where: str, value: Any, expected: Decimal, places: int) -> None:
        if value is None or round(decimal_of(value), places) != expected:
            problems.append(f"{where}: {value!r}, the app says {expected}")

    for row, record in enumerate(records, start=layout.first_row):
        places = Currency.get(record.currency).minor_units
        assert sheet[f"{c['name']}{row}"].value == record.name
        same(f"{c['weighted']}{row}", sheet[f"{c['weighted']}{row}"].value, record.weighted, places)
    expected = _expected_totals(records)
    for code, row in layout.currency_total_rows.items():
        places = Currency.get(code).minor_units
        _count, amount, weighted = expected[(code, "all")]
        same(f"total {code}", sheet[f"{c['amount']}{row}"].value, amount, places)
        same(f"weighted {code}", sheet[f"{c['weighted']}{row}"].value, weighted, places)
    for (code, key), row in layout.summary_rows.items():
        places = Currency.get(code).minor_units
        count, amount, weighted = expected.get((code, key), (0, D(0), D(0)))
        same(f"{key} {code} count", summary[f"C{row}"].value, D(count), 0)
        same(f"{key} {code} amount", summary[f"D{row}"].value, amount, places)
        same(f"{key} {code} weighted", summary[f"E{row}"].value, weighted, places)
    return problems


def test_the_demo_pipeline_reads_back_with_live_formulas(
    demo: WorkspaceServices, tmp_path: Path
) -> None:
    records = demo.opportunities.pipeline()
    path = export_pipeline_xlsx(demo, tmp_path / "pipeline.xlsx", today=TODAY)
    layout = _layout(demo)
    formulas = load_workbook(path)
    sheet = formulas[OPPORTUNITIES_SHEET]
    c = layout.columns
    assert sheet.freeze_panes == f"A{layout.first_row}"
    assert sheet.auto_filter.ref == f"A{layout.first_row - 1}:M{layout.last_row}"
    assert sheet.print_title_rows == f"${layout.first_row - 1}:${layout.first_row - 1}"
    assert "INTERNAL" in str(sheet["A1"].value)
    assert layout.last_row - layout.first_row + 1 == len(records) == 12
    for row, record in enumerate(records, start=layout.first_row):
        places = Currency.get(record.currency).minor_units
        assert [sheet[f"{c[k]}{row}"].value for k in ("account", "name", "currency")] == [
            record.account_name, record.name, record.currency,
        ]  # fmt: skip
        assert decimal_of(sheet[f"{c['amount']}{row}"].value) == record.amount
        assert decimal_of(sheet[f"{c['probability']}{row}"].value) == record.probability / 100
        assert sheet[f"{c['weighted']}{row}"].value == f"=ROUND(I{row}*J{row},{places})"
        money = sheet[f"{c['amount']}{row}"].number_format
        assert money == ("#,##0" if places == 0 else "#,##0." + "0" * places)
        assert sheet[f"{c['weighted']}{row}"].number_format == money
        assert sheet[f"{c['probability']}{row}"].number_format.endswith("%")
        assert sheet[f"{c['expected_close']}{row}"].value.date() == record.expected_close
    assert {"VND", "JPY", "KRW", "USD"} <= set(layout.currency_total_rows)
    for code, row in layout.currency_total_rows.items():
        assert str(sheet[f"{c['amount']}{row}"].value).startswith("=SUMIFS(")
        assert f'"{code}"' in str(sheet[f"{c['weighted']}{row}"].value)
    summary = formulas[SUMMARY_SHEET]
    row = layout.summary_rows[("VND", "proposal")]
    assert summary[f"A{row}"].value == "Proposal" and summary[f"B{row}"].value == "VND"
    assert str(summary[f"C{row}"].value).startswith("=COUNTIFS(Opportunities!")
    assert str(summary[f"E{row}"].value).startswith("=SUMIFS(Opportunities!$K$")
    assert str(summary[f"E{layout.summary_rows[('VND', 'open')]}"].value).startswith("=SUM(E")
    # straight after export (no recalculation) the cached values are the app's figures
    assert _check_figures(path, layout, records) == []
    properties = formulas.properties
    assert properties.creator == demo.agency.get().name and "INTERNAL" in properties.title


def test_notes_stay_out_of_the_workbook(
    tmp_path: Path, services_with_deals: WorkspaceServices
) -> None:
    services = services_with_deals
    deal = services.opportunities.pipeline()[0]
    services.opportunities.update(deal.id, {"notes": "Procurement hates us: SECRET-7731"})
    path = export_pipeline_xlsx(services, tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as package:
        text = b"".join(package.read(name) for name in package.namelist())
    assert b"SECRET-7731" not in text
    with pytest.raises(ExportExistsError):
        export_pipeline_xlsx(services, path)
    assert export_pipeline_xlsx(services, path, overwrite=True) == path


@pytest.fixture
def services_with_deals(tmp_path: Path) -> Any:
    """A workspace with awkward figures: JPY and VND amounts whose weighted value ends in .5,
    fractional probabilities, three-decimal dinars, every stage."""
    with WorkspaceServices.create(tmp_path / "deals.keyplan", agency_name="Lumen") as services:
        accounts = {
            code: services.accounts.create(AccountDraft(f"Client {code}", currency=code))
            for code in ("JPY", "VND", "USD", "BHD", "KRW")
        }
        generator = random.Random(7)
        stages = [s.value for s in Stage]
        fixed = [
            ("JPY", D(5), D(10)),  # 0.5 yen: half-up to 1
            ("JPY", D(15), D(10)),  # 1.5 -> 2
            ("VND", D(25), D(10)),  # 2.5 -> 3
            ("VND", D(1005), D("0.5")),  # 5.025 -> 5
            ("USD", D("1.01"), D("50")),  # 0.505 -> 0.51
            ("USD", D("3"), D("33.5")),  # 1.005 -> 1.01
            ("BHD", D("2.005"), D("50")),  # 1.0025 -> 1.003
        ]
        for _ in range(40):
            code = generator.choice(list(accounts))
            places = Currency.get(code).minor_units
            amount = D(generator.randint(0, 10**9)) / D(10) ** places
            probability = D(generator.randint(0, 10000)) / 100
            fixed.append((code, amount, probability))
        for number, (code, amount, probability) in enumerate(fixed):
            services.opportunities.create(
                accounts[code],
                OpportunityDraft(
                    f"Deal {number}",
                    amount,
                    stage=stages[number % len(stages)],
                    probability=probability,
                    expected_close=date(2026, 1, 1 + number % 28),
                ),
            )
        yield services


def test_a_recalculating_spreadsheet_gets_the_app_figures(
    demo: WorkspaceServices,
    services_with_deals: WorkspaceServices,
    libreoffice: LibreOffice,
    tmp_path: Path,
) -> None:
    records = services_with_deals.opportunities.pipeline()
    for record in records:  # the fixture's awkward cases are what the domain says
        currency = Currency.get(record.currency)
        assert record.weighted == weighted_value(record.amount, record.probability, currency)
    weighted = {r.name: r.weighted for r in records}
    assert (weighted["Deal 0"], weighted["Deal 1"], weighted["Deal 2"]) == (D(1), D(2), D(3))
    assert (weighted["Deal 4"], weighted["Deal 5"], weighted["Deal 6"]) == (
        D("0.51"), D("1.01"), D("1.003"),
    )  # fmt: skip
    cases = {
        "deals": (services_with_deals, None),
        "demo": (demo, None),
        "demo-open": (demo, PipelineFilter(open_only=True)),
    }
    paths = {}
    for name, (services, filters) in cases.items():
        paths[name] = export_pipeline_xlsx(
            services, tmp_path / f"{name}.xlsx", filters=filters, today=TODAY
        )
    outputs = libreoffice.recalculate(list(paths.values()))
    for name, (services, filters) in cases.items():
        chosen = services.opportunities.filtered(filters or PipelineFilter())
        layout = _layout(services, filters=filters)
        assert _check_figures(outputs[paths[name]], layout, chosen) == [], name


def test_filters_title_and_file_name(demo: WorkspaceServices) -> None:
    aurora = next(a for a in demo.accounts.all() if a.name == "Aurora Consumer Brands")
    document = pipeline_document(demo, account_id=aurora.id, today=TODAY)
    assert document.title == "Pipeline — Aurora Consumer Brands"
    assert {row.account for row in document.rows} == {"Aurora Consumer Brands"}
    assert document.subtitle.endswith("as of 2026-03-16")
    only_open = pipeline_document(demo, filters=PipelineFilter(open_only=True), today=TODAY)
    assert {row.stage for row in only_open.rows} <= {"identified", "qualified", "proposal",
                                                      "negotiation"}  # fmt: skip
    assert "open only" in only_open.subtitle
    cross_sell = pipeline_document(demo, filters=PipelineFilter(kind="cross_sell"), today=TODAY)
    assert "· Cross-sell ·" in cross_sell.subtitle  # the label the rows use, not "Cross sell"
    assert pipeline_file_name(demo, today=TODAY) == "Pipeline 2026-03-16.xlsx"
    assert (
        pipeline_file_name(demo, account_id=aurora.id, today=TODAY)
        == "Aurora Consumer Brands - pipeline 2026-03-16.xlsx"
    )


def test_an_empty_pipeline_is_a_valid_workbook(tmp_path: Path) -> None:
    with WorkspaceServices.create(tmp_path / "empty.keyplan") as services:
        path = export_pipeline_xlsx(services, tmp_path / "empty.xlsx")
    workbook = load_workbook(path)
    assert workbook[OPPORTUNITIES_SHEET]["A5"].value == "No opportunities."
    assert not any(
        cell.data_type == "f" for sheet in workbook.worksheets for row in sheet for cell in row
    )
