"""The portfolio dashboard's figures on a real workspace: tiles, charts, look-ahead, overdue.

Every expected number is worked out here from the data the test enters, not read back from
another service.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

from keyplan.services.contact_reports import ActionDraft, ReportDraft
from keyplan.services.estimate_records import LineDraft, ProjectDraft
from keyplan.services.jbp_records import ActivityDraft
from keyplan.services.opportunities import OpportunityDraft
from keyplan.services.portfolio_records import (
    LookAheadKind,
    OverdueKind,
    PortfolioOverview,
    add_months,
    fiscal_year_start,
)
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
TODAY = date(2026, 3, 18)  # a Wednesday: "this week" runs to Sunday 22 March
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
VND_PER_USD = D(25000)
USD_PER_JPY = D("0.0067")


@dataclass
class Built:
    services: WorkspaceServices
    aurora: int  # USD, Enterprise, green
    saigon: int  # VND, VIP, red
    tokyo: int  # JPY, Enterprise, amber, status at risk
    ids: dict[str, int]


def _report(
    services: WorkspaceServices, account_id: int, title: str, ends: datetime, sent: bool = False
) -> int:
    report = services.contact_reports.create(
        account_id,
        ReportDraft(title, ends.replace(hour=ends.hour - 1), ends, "UTC"),
    )
    if sent:
        services.contact_reports.mark_sent(report, ends.date())
    return report


def _estimate(
    services: WorkspaceServices,
    account_id: int,
    title: str,
    amount: Decimal,
    issued: date,
    valid_until: date,
) -> int:
    ref = services.estimates.create(account_id, title, issued_on=issued, tax_rate=D(0))
    section = services.estimates.document(ref.revision_id).sections[0].id
    services.estimates.add_line(
        section, LineDraft(description="Work", quantity=D(1), unit_price=amount)
    )
    services.estimates.update_revision(ref.revision_id, {"valid_until": valid_until})
    services.estimates.send(ref.revision_id, issued)
    return ref.revision_id


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with WorkspaceServices.create(tmp_path / "p.keyplan", agency_name="Lumen") as services:
        accounts = services.accounts
        aurora = accounts.create(
            AccountDraft("Aurora", currency="USD", tier="Enterprise", health="green")
        )
        saigon = accounts.create(AccountDraft("Saigon Shop", currency="VND", tier="VIP"))
        accounts.update(saigon, {"health": "red"})
        tokyo = accounts.create(
            AccountDraft("Tokyo Mart", currency="JPY", tier="Enterprise", status="at_risk")
        )
        accounts.update(tokyo, {"health": "amber"})
        rates = services.exchange_rates
        rates.create("USD", "VND", VND_PER_USD, date(2025, 1, 1), "bank")
        rates.create("JPY", "USD", USD_PER_JPY, date(2025, 1, 1), "bank")
        ids: dict[str, int] = {}

        # revenue: Aurora every month of 2026; Saigon in February only
        forecast = services.forecast
        for month in range(1, 13):
            figures = {"target": D(120), "forecast": D(110) if month <= 3 else D(115)}
            if month <= 3:
                figures["actual"] = D(100)
            forecast.update_month(aurora, date(2026, month, 1), "", figures)
        forecast.update_month(
            saigon, date(2026, 2, 1), "", {"target": D(2_500_000), "actual": D(2_500_000)}
        )
        forecast.update_month(aurora, date(2025, 12, 1), "", {"actual": D(999)})  # last year

        # opportunities
        opportunities = services.opportunities
        ids["retainer"] = opportunities.create(
            aurora, OpportunityDraft("Retainer", D(10_000), stage="proposal"), on=date(2026, 1, 5)
        )
        ids["renewal"] = opportunities.create(
            aurora,
            OpportunityDraft(
                "2027 renewal",
                D(40_000),
                kind="renewal",
                stage="negotiation",
                expected_close=date(2026, 6, 30),
            ),
            on=date(2026, 2, 1),
        )
        ids["far"] = opportunities.create(
            saigon,
            OpportunityDraft(
                "Tết 2027", D(500_000_000), stage="qualified", expected_close=date(2026, 12, 1)
            ),
            on=date(2026, 2, 1),
        )
        ids["won"] = opportunities.create(
            aurora, OpportunityDraft("Q1 burst", D(20_000), stage="proposal"), on=date(2026, 1, 2)
        )
        opportunities.move(ids["won"], "won", on=date(2026, 2, 10))
        opportunities.create(
            aurora, OpportunityDraft("Last year", D(7_000), stage="won"), on=date(2025, 11, 1)
        )
        opportunities.create(
            tokyo, OpportunityDraft("Lost one", D(1_000_000), stage="lost"), on=date(2026, 1, 9)
        )

        # estimates awaiting approval: one valid into April, one expired on 1 March
        ids["estimate_ok"] = _estimate(
            services, aurora, "Spring plan", D(1_000), date(2026, 3, 1), date(2026, 4, 30)
        )
        ids["estimate_late"] = _estimate(
            services, saigon, "Tết recap", D(5_000_000), date(2026, 1, 10), date(2026, 3, 1)
        )

        # contact reports and their action items
        late = _report(services, aurora, "Kick-off", datetime(2026, 3, 15, 11, tzinfo=UTC))
        _report(services, aurora, "This morning", datetime(2026, 3, 18, 9, tzinfo=UTC))
        _report(services, saigon, "Sent one", datetime(2026, 3, 2, 11, tzinfo=UTC), sent=True)
        reports = services.contact_reports
        ids["late_report"] = late
        ids["late_action"] = reports.add_action(
            late, ActionDraft("Send the deck", owner_name="Mai", due_on=date(2026, 3, 10))
        )
        reports.add_action(late, ActionDraft("Book the venue", due_on=date(2026, 3, 20)))
        reports.add_action(late, ActionDraft("Later", due_on=date(2026, 3, 25)))
        reports.add_action(
            late, ActionDraft("Done already", due_on=date(2026, 3, 1), status="done")
        )

        # projects: a start in range, an end in range, a cancelled one, one far away
        projects = services.projects
        ids["launch"] = projects.create(
            aurora,
            ProjectDraft("Launch", start_date=date(2026, 4, 1), end_date=date(2026, 10, 30)),
        )
        ids["wrap"] = projects.create(
            saigon,
            ProjectDraft(
                "Wrap-up",
                start_date=date(2025, 1, 1),
                end_date=date(2026, 5, 15),
                status="in_progress",
            ),
        )
        projects.create(
            tokyo,
            ProjectDraft("Dropped", start_date=date(2026, 5, 1), status="cancelled"),
        )
        projects.create(tokyo, ProjectDraft("Next year", start_date=date(2027, 1, 10)))

        # the JBP: activities in range, a review, a milestone, one past and unfinished
        jbp = services.jbp
        plan = jbp.create(aurora, 2026, "Aurora JBP 2026")
        jbp.derive_periods(plan, "quarter")
        add = jbp.add_activity
        ids["campaign"] = add(
            plan, ActivityDraft("Spring campaign", date(2026, 4, 1), date(2026, 4, 30))
        )
        ids["review"] = add(
            plan, ActivityDraft("Mid-year review", date(2026, 6, 30), None, "review")
        )
        ids["milestone"] = add(
            plan, ActivityDraft("Store live", date(2026, 5, 20), None, "milestone")
        )
        ids["stuck"] = add(
            plan, ActivityDraft("Winter event", date(2026, 2, 1), date(2026, 2, 15), "event")
        )
        add(plan, ActivityDraft("Done event", date(2026, 2, 1), None, "event", status="done"))
        ids["autumn"] = add(plan, ActivityDraft("Autumn push", date(2026, 11, 1)))
        # last year's JBP, closed: its unfinished activity is history, not overdue
        old = jbp.create(aurora, 2025, "Aurora JBP 2025")
        add(old, ActivityDraft("Old launch", date(2025, 12, 1), date(2025, 12, 20)))
        jbp.update(
            old,
            {
                "client_signatory": "Lan",
                "client_signed_on": date(2025, 1, 10),
                "agency_signatory": "Mai",
                "agency_signed_on": date(2025, 1, 10),
                "status": "closed",
            },
        )
        yield Built(services, aurora, saigon, tokyo, ids)


def overview(built: Built, **options: object) -> PortfolioOverview:
    return built.services.portfolio.overview(TODAY, now=NOW, **options)  # type: ignore[arg-type]


def test_months_and_fiscal_years() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 18), -6) == date(2025, 9, 18)
    assert fiscal_year_start(date(2026, 3, 18), 1) == date(2026, 1, 1)
    assert fiscal_year_start(date(2026, 3, 18), 4) == date(2025, 4, 1)
    assert fiscal_year_start(date(2026, 4, 1), 4) == date(2026, 4, 1)


def test_tiles(built: Built) -> None:
    result = overview(built)
    assert result.currency == "USD" and result.complete, result.missing
    kpis = result.kpis

    revenue = kpis.revenue
    saigon_feb = D(2_500_000) / VND_PER_USD  # 100 USD, actual and target
    assert revenue.year_start == date(2026, 1, 1) and revenue.through == date(2026, 3, 1)
    assert revenue.actual_ytd == 3 * D(100) + saigon_feb  # December 2025 is last year
    assert revenue.target_ytd == 3 * D(120) + saigon_feb
    assert revenue.forecast_year == 3 * D(110) + 9 * D(115)
    assert revenue.target_year == 12 * D(120) + saigon_feb
    assert revenue.complete

    pipeline = kpis.open_pipeline  # retainer 50 %, renewal 75 %, Tết 25 %
    assert pipeline.count == 3
    usd_weighted = D(10_000) * D("0.5") + D(40_000) * D("0.75")
    vnd_weighted = D(500_000_000) * D("0.25")
    assert {(p.currency, p.amount) for p in pipeline.by_currency} == {
        ("USD", usd_weighted),
        ("VND", vnd_weighted),
    }
    assert pipeline.total == usd_weighted + vnd_weighted / VND_PER_USD

    assert kpis.won_this_year.count == 1  # won in February; last year's is left out
    assert kpis.won_this_year.total == D(20_000)

    awaiting = kpis.awaiting_approval
    assert awaiting.count == 2
    assert {(p.currency, p.amount) for p in awaiting.by_currency} == {
        ("USD", D(1_000)),
        ("VND", D(5_000_000)),
    }
    assert awaiting.total == D(1_000) + D(5_000_000) / VND_PER_USD

    assert (kpis.accounts.total, kpis.accounts.red, kpis.accounts.amber) == (3, 1, 1)
    assert kpis.accounts.at_risk == 2  # Saigon is red, Tokyo's status is at risk
    assert (kpis.reports_overdue, kpis.reports_due_today) == (1, 0)
    assert (kpis.actions_overdue, kpis.actions_due_this_week) == (1, 1)

    rates = {(r.base, r.quote) for r in result.rates_used}
    assert ("USD", "VND") in rates


def test_chart_series(built: Built) -> None:
    result = overview(built)
    months = [point.month for point in result.revenue]
    assert months[0] == date(2025, 9, 1) and months[-1] == date(2026, 8, 1)
    assert len(months) == 12
    by_month = {point.month: point for point in result.revenue}
    assert by_month[date(2025, 12, 1)].actual == D(999)
    assert by_month[date(2026, 2, 1)].actual == D(100) + D(2_500_000) / VND_PER_USD
    assert by_month[date(2026, 5, 1)].forecast == D(115)
    assert by_month[date(2025, 10, 1)].target is None

    stages = {(bar.stage, bar.currency): bar for bar in result.pipeline_by_stage}
    assert set(stages) == {
        ("proposal", "USD"),
        ("negotiation", "USD"),
        ("qualified", "VND"),
        ("won", "USD"),
    }  # lost opportunities are not pipeline
    assert stages[("won", "USD")].count == 2 and stages[("won", "USD")].amount == D(27_000)
    converted = {bar.stage: bar for bar in result.pipeline_converted}
    assert converted["qualified"].amount == D(500_000_000) / VND_PER_USD
    assert converted["qualified"].currency == "USD"

    assert result.tiers == ("Enterprise", "VIP")
    assert {(c.tier, c.health, c.count) for c in result.health_by_tier} == {
        ("Enterprise", "green", 1),
        ("Enterprise", "amber", 1),
        ("VIP", "red", 1),
    }


def test_look_ahead_holds_what_falls_in_the_next_six_months(built: Built) -> None:
    result = overview(built)
    assert (result.look_ahead_start, result.look_ahead_end) == (TODAY, date(2026, 9, 18))
    found = {(item.kind, item.title, item.day) for item in result.look_ahead}
    ids = built.ids
    expected = {
        (LookAheadKind.PROJECT_START, "Launch", date(2026, 4, 1)),
        (LookAheadKind.PROJECT_END, "Wrap-up", date(2026, 5, 15)),
        (LookAheadKind.RENEWAL, "2027 renewal", date(2026, 6, 30)),
        (LookAheadKind.ESTIMATE_EXPIRY, "Spring plan", date(2026, 4, 30)),
        (LookAheadKind.JBP_ACTIVITY, "Spring campaign", date(2026, 4, 1)),
        (LookAheadKind.MILESTONE, "Store live", date(2026, 5, 20)),
        (LookAheadKind.REVIEW, "Mid-year review", date(2026, 6, 30)),
        (LookAheadKind.REVIEW, "Aurora JBP 2026", date(2026, 3, 31)),  # closes Q1
    }
    assert {(str(k), t, d) for k, t, d in expected} - found == set()
    titles = {item.title for item in result.look_ahead}
    # out of range or not happening: none of these
    for gone in ("Dropped", "Next year", "Tết 2027", "Autumn push", "Winter event"):
        assert gone not in titles
    assert not any(
        i.kind == LookAheadKind.PROJECT_END and i.title == "Launch" for i in result.look_ahead
    )
    # Q2's review is the calendar's own (no second, derived one); Q3 ends after the window
    reviews = [i for i in result.look_ahead if i.kind == LookAheadKind.REVIEW]
    assert len(reviews) == 2
    campaign = next(
        i
        for i in result.look_ahead
        if i.kind == LookAheadKind.JBP_ACTIVITY and i.ref_id == ids["campaign"]
    )
    assert campaign.until == date(2026, 4, 30) and campaign.account_id == built.aurora
    assert [i.day for i in result.look_ahead] == sorted(i.day for i in result.look_ahead)


def test_overdue_items(built: Built) -> None:
    result = overview(built)
    found = {(item.kind, item.title): item for item in result.overdue}
    assert set(found) == {
        (OverdueKind.CONTACT_REPORT, "Kick-off"),
        (OverdueKind.ACTION, "Send the deck"),
        (OverdueKind.ESTIMATE, "Tết recap"),
        (OverdueKind.JBP_ACTIVITY, "Winter event"),
    }
    report = found[(OverdueKind.CONTACT_REPORT, "Kick-off")]
    assert report.due == date(2026, 3, 16) and report.days_late == 2  # 24 h after the end
    action = found[(OverdueKind.ACTION, "Send the deck")]
    assert (action.days_late, action.detail, action.account_name) == (8, "Mai", "Aurora")
    assert found[(OverdueKind.ESTIMATE, "Tết recap")].account_id == built.saigon
    assert found[(OverdueKind.JBP_ACTIVITY, "Winter event")].due == date(2026, 2, 15)
    assert [i.due for i in result.overdue] == sorted(i.due for i in result.overdue)


def test_a_missing_exchange_rate_is_said_and_nothing_is_added_across_currencies(
    built: Built,
) -> None:
    services = built.services
    seoul = services.accounts.create(AccountDraft("Seoul Pay", currency="KRW", tier="VIP"))
    services.forecast.update_month(seoul, date(2026, 2, 1), "", {"actual": D(1_300_000)})
    services.opportunities.create(
        seoul, OpportunityDraft("Wallet launch", D(100_000_000), stage="proposal")
    )
    result = overview(built)
    assert not result.complete
    krw = [message for message in result.missing if "KRW→USD" in message]
    assert len(krw) == 1, result.missing  # one message per pair, however many uses
    assert "2026-02-28" in krw[0] and "Exchange rates" in krw[0]
    kpis = result.kpis
    assert not kpis.revenue.complete
    february = next(p for p in result.revenue if p.month == date(2026, 2, 1))
    assert february.actual is None  # never converted at a made-up rate
    assert february.no_rate  # the chart says why the month is empty
    assert not any(p.no_rate for p in result.revenue if p.month != date(2026, 2, 1))
    assert kpis.open_pipeline.total is None
    assert ("KRW", D(50_000_000)) in {
        (p.currency, p.amount) for p in kpis.open_pipeline.by_currency
    }
    assert result.pipeline_converted == ()

    services.exchange_rates.create("USD", "KRW", D(1300), date(2025, 1, 1))
    again = overview(built)
    assert again.complete
    assert again.kpis.open_pipeline.total is not None


def test_another_reporting_currency(built: Built) -> None:
    result = overview(built, currency="VND")
    assert result.currency == "VND" and result.kpis.revenue.currency == "VND"
    assert result.kpis.won_this_year.total == D(20_000) * VND_PER_USD


def test_one_read_per_area_whatever_the_number_of_accounts(built: Built) -> None:
    services = built.services
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = services.workspace.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        overview(built)
        few = len(statements)
        for number in range(15):
            services.accounts.create(AccountDraft(f"Extra {number}", currency="USD"))
        statements.clear()
        overview(built)
        many = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert many == few, (few, many)
