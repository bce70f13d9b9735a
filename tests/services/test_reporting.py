"""The documents behind the contact report and status report PDFs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from keyplan.domain.periods import parse_period
from keyplan.services.contact_reports import ActionDraft, AttendeeRef, ReportDraft
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_records import LineDraft
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.reporting import contact_report_document, status_report_document
from keyplan.services.workspace import WorkspaceServices

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def setup(services: WorkspaceServices) -> dict[str, int]:
    owner = services.team.create("Kenji Watanabe", "Account Director")
    account = services.accounts.create(
        AccountDraft("Hoshizora Travel", currency="JPY", owner_id=owner)
    )
    services.accounts.update(account, {"health": "amber", "health_reason": "Budget freeze"})
    ceo = services.contacts.create(account, ContactDraft("山本 健一", title="CEO"))
    starts = datetime(2026, 9, 14, 10, 0, tzinfo=TOKYO)
    report = services.contact_reports.create(
        account,
        ReportDraft(
            "決済セキュリティ", starts, starts + timedelta(hours=1), "Asia/Tokyo",
            kind="video_call", decisions="Go", internal_notes="CEO is sceptical",
            next_meeting_on=date(2026, 10, 5), next_meeting="Tokyo office",
            attendees=(AttendeeRef(contact_id=ceo), AttendeeRef(team_member_id=owner),
                       AttendeeRef(name="Guest Auditor")),
        ),
    )  # fmt: skip
    services.contact_reports.add_action(
        report, ActionDraft("Send the audit scope", owner_member_id=owner, due_on=date(2026, 9, 20))
    )
    services.contact_reports.add_action(
        report, ActionDraft("Sign the NDA", owner_contact_id=ceo, due_on=date(2026, 10, 2))
    )
    return {"account": account, "report": report, "owner": owner, "ceo": ceo}


def test_the_contact_report_document_has_no_internal_notes(
    services: WorkspaceServices, setup: dict[str, int]
) -> None:
    document = contact_report_document(services, setup["report"], today=date(2026, 9, 25))
    assert document.client_name == "Hoshizora Travel"
    assert document.kind == "Video call"
    assert document.starts_at.tzinfo == TOKYO and document.starts_at.hour == 10
    assert document.client_attendees == (("山本 健一", "CEO"),)
    assert document.agency_attendees == (("Kenji Watanabe", "Account Director"),)
    assert document.guests == ("Guest Auditor",)
    assert [(a.description, a.side, a.overdue) for a in document.actions] == [
        ("Send the audit scope", "agency", True),  # due 09-20, still open on 09-25
        ("Sign the NDA", "client", False),
    ]
    assert "CEO is sceptical" not in repr(document)
    assert not hasattr(document, "internal_notes")


def test_the_status_report_leads_with_health_and_whats_owed(
    services: WorkspaceServices, setup: dict[str, int]
) -> None:
    document = status_report_document(
        services, setup["account"], parse_period("2026-Q3"), today=date(2026, 10, 1)
    )
    assert (document.period_label, document.period_start) == ("Q3 2026", date(2026, 7, 1))
    # the health reason is the team's note: not in the client variant, nor as its headline
    assert (document.overall.rag, document.overall.reason) == ("amber", "")
    assert document.headline == ""
    assert "Budget freeze" not in repr(document)
    internal = status_report_document(
        services, setup["account"], parse_period("2026-Q3"), audience="internal",
        headline="  Audit on track  ",
    )  # fmt: skip
    assert (internal.overall.reason, internal.headline) == ("Budget freeze", "Audit on track")
    assert [a.description for a in document.client_actions] == ["Sign the NDA"]
    assert [a.description for a in document.agency_actions] == ["Send the audit scope"]
    assert [m.title for m in document.meetings] == ["決済セキュリティ"]
    assert document.next_steps == (
        "2026-10-02: Sign the NDA (山本 健一)",
        "2026-10-05: Tokyo office",
    )
    assert document.internal is None and document.audience == "client"
    # a period without the meeting has no meetings
    empty = status_report_document(services, setup["account"], parse_period("2026-06"))
    assert empty.meetings == ()


def test_estimates_awaiting_approval_become_decisions_and_internal_adds_budgets(
    services: WorkspaceServices, setup: dict[str, int]
) -> None:
    estimates = services.estimates
    ref = estimates.create(setup["account"], "Audit support", issued_on=date(2026, 8, 3))
    section = estimates.document(ref.revision_id).sections[0].id
    estimates.add_line(
        section,
        LineDraft(description="Audit", quantity=Decimal(10), unit="hour",
                  unit_price=Decimal(20000), unit_cost=Decimal(9000)),
    )  # fmt: skip
    estimates.send(ref.revision_id, date(2026, 8, 4))
    total = estimates.document(ref.revision_id).totals.total
    document = status_report_document(
        services, setup["account"], parse_period("2026-Q3"), audience="internal"
    )
    [line] = document.estimates
    assert (line.status, line.total, line.currency, line.minor_units) == (
        "Awaiting approval", total, "JPY", 0,
    )  # fmt: skip
    assert document.decisions_needed == (f"Approve estimate {line.number} rev 1: Audit support",)
    assert document.internal is not None and document.audience == "internal"
    assert document.internal.notes == ("2026-09-14 決済セキュリティ: CEO is sceptical",)
    # estimates issued after the period are not in it
    later = status_report_document(services, setup["account"], parse_period("2026-07"))
    assert later.estimates == () and later.decisions_needed == ()


def test_the_internal_budget_lines_are_the_actuals_figures(tmp_path: Path) -> None:
    path = tmp_path / "demo.keyplan"
    with create_demo_workspace(path, today=date(2026, 11, 20)) as services:
        account = next(a.id for a in services.accounts.all() if a.name == "Aurora Consumer Brands")
        document = status_report_document(
            services, account, parse_period("2026-11"), audience="internal"
        )
        assert document.internal is not None
        [budget] = document.internal.budgets
        project = next(
            p for p in services.projects.for_account(account) if p.name == budget.project
        )
        [variance] = services.actuals.project_variance(project.id)
        assert (budget.estimated_cost, budget.actual_cost) == (
            variance.figures.estimated_cost,
            variance.figures.actual_cost,
        )
        assert budget.burn_percent == variance.figures.burn_percent
        now = datetime(2026, 11, 20, 12, tzinfo=UTC)
        assert any(
            r.state == "sent" for r in services.contact_reports.for_account(account, now=now)
        )
