"""The forecast and pipeline sections of the status report, read back from the PDF."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyplan.domain.numbers import format_decimal
from keyplan.domain.periods import parse_period
from keyplan.exports.pdf.status_report import build_status_report_pdf
from keyplan.services.records import AccountDraft
from keyplan.services.reporting import status_report_document
from keyplan.services.workspace import WorkspaceServices

TODAY = date(2026, 3, 16)
Q1 = parse_period("2026-Q1")


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _account(services: WorkspaceServices, name: str) -> int:
    return next(a.id for a in services.accounts.all() if a.name == name)


def _money(value: Decimal, places: int) -> str:
    return format_decimal(value, "en_US", places)


@pytest.fixture(scope="module")
def aurora(demo: WorkspaceServices) -> dict[str, str]:
    account = _account(demo, "Aurora Consumer Brands")
    return {
        audience: _text(
            build_status_report_pdf(
                status_report_document(demo, account, Q1, audience=audience, today=TODAY)  # type: ignore[arg-type]
            )
        )
        for audience in ("client", "internal")
    }


def test_the_internal_report_shows_revenue_by_month_with_the_rates(
    demo: WorkspaceServices, aurora: dict[str, str]
) -> None:
    text = aurora["internal"]
    assert "Revenue: target, forecast and actual in USD (internal)" in text
    assert "Revenue by month (USD)" in text  # the chart's title, as text
    account = _account(demo, "Aurora Consumer Brands")
    roll = demo.forecast.roll_up(date(2026, 1, 1), 6, currency="USD", account_id=account)
    assert roll.complete and [m.month.month for m in roll.months] == [1, 2, 3, 4, 5, 6]
    january, march, june = roll.months[0], roll.months[2], roll.months[5]
    assert january.actual is not None and january.target is not None
    assert january.forecast is not None and june.forecast is not None
    assert march.actual is None  # the month is not over: nothing billed yet
    row = f"Jan 2026 {_money(january.target, 2)} {_money(january.forecast, 2)} "
    assert row + _money(january.actual, 2) in text
    assert f"Jun 2026 {_money(june.target or Decimal(0), 2)} {_money(june.forecast, 2)}" in text
    assert "Jul 2026" not in text  # the year to date and three months after the period
    assert "Converted at: 1 EUR = 1.0712 USD from 2025-12-01" in text
    assert "1 USD = 152.35 JPY" in text


def test_the_pipeline_by_stage_with_weighted_values_is_internal(
    demo: WorkspaceServices, aurora: dict[str, str]
) -> None:
    account = _account(demo, "Aurora Consumer Brands")
    totals = demo.opportunities.by_stage(demo.opportunities.pipeline(account_id=account))
    internal, client = aurora["internal"], aurora["client"]
    assert "Pipeline by stage (internal: with weighted values)" in internal
    for total in totals:
        if total.stage.is_open:
            line = f"{total.stage.value.capitalize()} {total.count} USD {_money(total.amount, 2)}"
            assert f"{line} USD {_money(total.weighted, 2)}" in internal
            if total.stage.value in ("proposal", "negotiation"):
                assert f"{line} " in client or client.endswith(line)
    assert "Pipeline by stage" in client
    for word in ("Weighted", "weighted", "Identified", "Qualified", "probability"):
        assert word not in client
    # the revenue section is the agency's own: not in the client's report at all
    for words in ("Revenue", "Forecast vs target", "Converted at", "Target"):
        assert words not in client


def test_the_document_keeps_the_split(demo: WorkspaceServices) -> None:
    account = _account(demo, "Sen Việt E-commerce")
    client = status_report_document(demo, account, Q1, audience="client", today=TODAY)
    internal = status_report_document(demo, account, Q1, audience="internal", today=TODAY)
    assert client.internal is None
    assert client.pipeline and all(line.weighted is None for line in client.pipeline)
    assert {line.stage for line in client.pipeline} <= {"Proposal", "Negotiation", "Won"}
    assert internal.internal is not None and internal.internal.forecast is not None
    forecast = internal.internal.forecast
    assert forecast.currency == "VND" and forecast.minor_units == 0
    assert forecast.through == date(2026, 3, 31) and len(forecast.months) == 6
    assert all(line.weighted is not None for line in internal.pipeline)
    assert len(internal.pipeline) >= len(client.pipeline)


def test_a_missing_rate_is_printed_not_guessed(tmp_path: Path) -> None:
    with WorkspaceServices.create(tmp_path / "r.keyplan", agency_name="Lumen") as services:
        group = services.accounts.create(AccountDraft("Aurora Group", currency="USD"))
        japan = services.accounts.create(
            AccountDraft("Aurora Japan", currency="JPY", parent_id=group)
        )
        services.forecast.set_month(group, date(2026, 2, 1), "", "forecast", Decimal("1000.00"))
        services.forecast.set_month(japan, date(2026, 2, 1), "", "forecast", Decimal(150000))
        services.forecast.set_month(group, date(2026, 1, 1), "", "target", Decimal("900.00"))
        document = status_report_document(services, group, Q1, audience="internal", today=TODAY)
        text = _text(build_status_report_pdf(document))
        assert "No exchange rate JPY→USD on or before 2026-02-28 (needed for 2026-02)" in text
        assert "Jan 2026 900.00 — —" in text
        assert "Feb 2026 — — —" in text  # never 1,000 + 150,000 at a rate of 1
        assert "151,000" not in text
        client = _text(
            build_status_report_pdf(
                status_report_document(services, group, Q1, audience="client", today=TODAY)
            )
        )
        assert "exchange rate" not in client and "Pipeline" not in client  # nothing to show


def test_the_forecast_section_is_never_built_for_the_client() -> None:
    """Like budgets and internal notes: marked internal-only, not just empty for the client."""
    from keyplan.exports.pdf.status_report import SECTIONS

    internal_only = {section.key for section in SECTIONS if section.internal_only}
    assert {"forecast", "budgets", "internal_notes"} <= internal_only
    assert "pipeline" not in internal_only  # the client's variant has its own, safe, lines
