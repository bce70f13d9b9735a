"""Opportunities on a real workspace file: stages with their dates, undo, the pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

from keyplan.domain.errors import ValidationError
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_records import ProjectDraft
from keyplan.services.opportunities import OpportunityDraft, PipelineFilter
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal


def test_an_opportunity_moves_through_stages_with_their_dates_and_undo(
    services: WorkspaceServices, account_id: int
) -> None:
    deals = services.opportunities
    owner = services.team.create("Nguyễn Hoàng Minh", "Account Director")
    deal = deals.create(
        account_id,
        OpportunityDraft(
            "Tết 2027", D("500000000"), owner_id=owner, expected_close=date(2027, 1, 20)
        ),
        on=date(2026, 10, 1),
    )
    record = deals.get(deal)
    assert (record.currency, record.stage, record.probability, record.weighted) == (
        "VND", "identified", D(10), D("50000000"),
    )  # fmt: skip
    assert record.owner_name == "Nguyễn Hoàng Minh"
    first = deals.move(deal, "qualified", date(2026, 10, 10))
    second = deals.move(deal, "proposal", date(2026, 11, 2))
    assert deals.get(deal).stages == (
        ("identified", date(2026, 10, 1)),
        ("qualified", date(2026, 10, 10)),
        ("proposal", date(2026, 11, 2)),
    )
    assert deals.get(deal).weighted == D("250000000")
    with pytest.raises(ValidationError) as raised:  # before the stage it is in began
        deals.move(deal, "negotiation", date(2026, 10, 5))
    assert raised.value.field == "on"
    deals.undo_move(second)
    assert (deals.get(deal).stage, len(deals.get(deal).stages)) == ("qualified", 2)
    deals.undo_move(first)
    assert deals.get(deal).stages == (("identified", date(2026, 10, 1)),)

    change = deals.update(deal, {"probability": D(40)})
    assert deals.get(deal).weighted == D("200000000")
    deals.update(deal, change.before, exact=True)
    assert deals.get(deal).probability == D(10) and not deals.get(deal).probability_set
    amount = deals.set_amount(deal, D("600000000"))
    assert amount.after == {"amount": D("600000000")}
    with pytest.raises(ValidationError):
        deals.set_amount(deal, D("1.5"))  # VND has no decimals


def test_bad_opportunities_are_refused(services: WorkspaceServices, account_id: int) -> None:
    deals = services.opportunities
    for draft, field in (
        (OpportunityDraft("", D(1)), "name"),
        (OpportunityDraft("x", D(-1)), "amount"),
        (OpportunityDraft("x", D(1), stage="maybe"), "stage"),
        (OpportunityDraft("x", D(1), kind="barter"), "kind"),
        (OpportunityDraft("x", D(1), probability=D(101)), "probability"),
        (OpportunityDraft("x", D(1), owner_id=999), "owner_id"),
    ):
        with pytest.raises(ValidationError) as raised:
            deals.create(account_id, draft)
        assert raised.value.field == field
    assert deals.pipeline() == []


def test_the_pipeline_across_accounts_and_deleted_items(
    services: WorkspaceServices, account_id: int
) -> None:
    deals = services.opportunities
    usd = services.accounts.create(AccountDraft("Aurora", currency="USD"))
    deals.create(usd, OpportunityDraft("Retainer", D("480000"), stage="negotiation"))
    deals.create(account_id, OpportunityDraft("Livestream", D("640000000"), stage="proposal"))
    lost = deals.create(usd, OpportunityDraft("Social", D("1000"), stage="lost"))
    assert [r.name for r in deals.pipeline(stages=["lost"])] == ["Social"]
    assert [r.name for r in deals.pipeline(account_id=account_id)] == ["Livestream"]
    totals = deals.by_stage(deals.pipeline())
    assert [(t.stage.value, t.currency, t.weighted) for t in totals] == [
        ("proposal", "VND", D("320000000")),
        ("negotiation", "USD", D("360000.00")),
        ("lost", "USD", D("0.00")),
    ]
    deletion = deals.delete(lost)
    assert "Social" not in [r.name for r in deals.pipeline()]
    assert [i.name for i in services.deleted_items() if i.kind == "opportunity"] == ["Social"]
    deals.restore(deletion)
    assert "Social" in [r.name for r in deals.pipeline()]


def test_the_demo_has_opportunities_in_every_stage(tmp_path: Path) -> None:
    with create_demo_workspace(tmp_path / "demo.keyplan", today=date(2026, 11, 20)) as services:
        records = services.opportunities.pipeline()
        assert {r.stage for r in records} == {
            "identified", "qualified", "proposal", "negotiation", "won", "lost",
        }  # fmt: skip
        for record in records:
            days = [day for _stage, day in record.stages]
            assert days == sorted(days) and record.stages[-1][0] == record.stage


def test_create_estimate_from_an_opportunity_in_a_new_project_undo_and_redo(
    services: WorkspaceServices, account_id: int
) -> None:
    deals = services.opportunities
    deal = deals.create(account_id, OpportunityDraft("Livestream 12.12", D("640000000")))
    link = deals.create_estimate(deal, issued_on=date(2026, 11, 3))
    assert link.project_created and deals.get(deal).estimate_id == link.estimate.estimate_id
    project = services.projects.get(link.project_id)
    assert (project.name, project.status, project.account_id) == (
        "Livestream 12.12", "estimating", account_id,
    )  # fmt: skip
    document = services.estimates.document(link.estimate.revision_id)
    assert (document.title, document.totals.currency.code, document.project_name) == (
        "Livestream 12.12", "VND", "Livestream 12.12",
    )  # fmt: skip
    assert document.issued_on == date(2026, 11, 3)

    deals.remove_estimate(link)  # undo: nothing of it is left
    assert deals.get(deal).estimate_id is None
    assert services.projects.for_account(account_id) == []
    assert services.estimates.summaries() == []

    again = deals.create_estimate(deal, again=link)  # redo: the same ids and number
    assert again == link
    assert services.estimates.document(again.estimate.revision_id).number == link.estimate.number
    assert deals.get(deal).estimate_id == link.estimate.estimate_id


def test_create_estimate_in_an_existing_project_keeps_the_project_on_undo(
    services: WorkspaceServices, account_id: int
) -> None:
    deals = services.opportunities
    deal = deals.create(account_id, OpportunityDraft("Tết 2027", D("500000000"), currency="USD"))
    project = services.projects.create(account_id, ProjectDraft("Always-on 2027"))
    first = deals.create_estimate(deal, project, title="Tết 2027 — phase 1")
    assert not first.project_created
    assert services.estimates.document(first.estimate.revision_id).title == "Tết 2027 — phase 1"
    assert services.estimates.document(first.estimate.revision_id).totals.currency.code == "USD"
    second = deals.create_estimate(deal, project)  # a second estimate: relinks, undo goes back
    assert second.previous_estimate_id == first.estimate.estimate_id
    deals.remove_estimate(second)
    assert deals.get(deal).estimate_id == first.estimate.estimate_id
    assert [p.id for p in services.projects.for_account(account_id)] == [project]

    other = services.accounts.create(AccountDraft("Aurora", currency="USD"))
    foreign = services.projects.create(other, ProjectDraft("Not theirs"))
    with pytest.raises(ValidationError) as raised:  # nothing half-made: no project, no link
        deals.create_estimate(deal, foreign)
    assert raised.value.field == "project_id"
    assert deals.get(deal).estimate_id == first.estimate.estimate_id
    assert len(services.estimates.summaries()) == 1


def test_a_failed_create_estimate_leaves_no_new_project(
    services: WorkspaceServices, account_id: int
) -> None:
    deals = services.opportunities
    deal = deals.create(account_id, OpportunityDraft("Loyalty", D(100)))
    with pytest.raises(ValidationError):
        deals.create_estimate(deal, title="x" * 1000)  # too long a title for an estimate
    assert services.projects.for_account(account_id) == []
    assert deals.get(deal).estimate_id is None


def test_amount_and_currency_change_together_and_undo(
    services: WorkspaceServices, account_id: int
) -> None:
    deals = services.opportunities
    deal = deals.create(account_id, OpportunityDraft("Retainer", D("480000000")))
    change = deals.set_amount(deal, D("19500.50"), "usd")
    assert change.before == {"amount": D("480000000"), "currency": "VND"}
    assert change.after == {"amount": D("19500.50"), "currency": "USD"}
    assert deals.get(deal).weighted == D("1950.05")
    assert deals.set_amount(deal, D("19500.5"), "USD").is_empty
    deals.set_amount(deal, change.before["amount"], change.before["currency"])
    assert (deals.get(deal).amount, deals.get(deal).currency) == (D("480000000"), "VND")
    with pytest.raises(ValidationError) as raised:
        deals.set_amount(deal, D(1), "XXX")
    assert raised.value.field == "currency"


def test_the_pipeline_filter(services: WorkspaceServices, account_id: int) -> None:
    deals = services.opportunities
    owner = services.team.create("Amelia Hart", "Director")
    usd = services.accounts.create(AccountDraft("Aurora", currency="USD"))
    deals.create(
        usd,
        OpportunityDraft(
            "Retainer", D(480000), stage="negotiation", kind="renewal",
            expected_close=date(2026, 12, 20), owner_id=owner,
        ),
    )  # fmt: skip
    deals.create(account_id, OpportunityDraft("Livestream", D(640000000), stage="proposal"))
    deals.create(usd, OpportunityDraft("Social", D(1000), stage="lost", kind="upsell",
                                       expected_close=date(2026, 9, 1)))  # fmt: skip

    def names(**filters: object) -> list[str]:
        return [r.name for r in deals.filtered(PipelineFilter(**filters))]  # type: ignore[arg-type]

    assert names() == ["Social", "Retainer", "Livestream"]
    assert names(open_only=True) == ["Retainer", "Livestream"]
    assert names(currency="VND") == ["Livestream"]
    assert names(kind="upsell") == ["Social"]
    assert names(owner_id=owner) == ["Retainer"]
    assert names(account_id=usd) == ["Social", "Retainer"]
    assert names(close_from=date(2026, 10, 1)) == ["Retainer"]  # no close date: left out
    assert names(close_to=date(2026, 10, 1)) == ["Social"]


def test_the_pipeline_filter_accepts_a_record_on_every_field(
    services: WorkspaceServices, account_id: int
) -> None:
    """``accepts`` on its own (not only through ``filtered``) honours the account and owner."""
    deals = services.opportunities
    owner = services.team.create("Amelia Hart", "Director")
    other = services.accounts.create(AccountDraft("Aurora", currency="USD"))
    mine = deals.get(deals.create(account_id, OpportunityDraft("Livestream", D(1000))))
    theirs = deals.get(deals.create(other, OpportunityDraft("Retainer", D(5), owner_id=owner)))
    assert PipelineFilter(account_id=account_id).accepts(mine)
    assert not PipelineFilter(account_id=account_id).accepts(theirs)
    assert PipelineFilter(owner_id=owner).accepts(theirs)
    assert not PipelineFilter(owner_id=owner).accepts(mine)


def test_a_nan_amount_is_refused_with_a_message(
    services: WorkspaceServices, account_id: int
) -> None:
    """``Decimal("NaN") < 0`` raises InvalidOperation: it must come back as a ValidationError."""
    deals = services.opportunities
    for amount in (D("NaN"), D("sNaN")):
        with pytest.raises(ValidationError) as raised:
            deals.create(account_id, OpportunityDraft("x", amount))
        assert raised.value.field == "amount"
    deal = deals.create(account_id, OpportunityDraft("Livestream", D(1000)))
    with pytest.raises(ValidationError) as raised:
        deals.set_amount(deal, D("NaN"))
    assert raised.value.field == "amount"
    assert deals.get(deal).amount == D(1000)


def test_the_pipeline_reads_the_same_number_of_statements_for_3_or_30_deals(
    services: WorkspaceServices,
) -> None:
    """No query per opportunity for its stage history, account or owner (N+1)."""
    deals = services.opportunities

    def statements_for(count: int) -> int:
        for number in range(count - len(deals.pipeline())):
            account = services.accounts.create(AccountDraft(f"Client {number}", currency="USD"))
            owner = services.team.create(f"Owner {number}", "Account Director")
            deal = deals.create(
                account,
                OpportunityDraft(f"Deal {number}", D(1000), owner_id=owner),
                on=date(2026, 1, 5),
            )
            deals.move(deal, "qualified", date(2026, 2, 1))
        statements: list[str] = []

        def count_statement(*args: object) -> None:
            statements.append(str(args[2]))

        engine = services.workspace.engine
        event.listen(engine, "before_cursor_execute", count_statement)
        try:
            records = deals.pipeline()
        finally:
            event.remove(engine, "before_cursor_execute", count_statement)
        assert len(records) == count
        assert all(len(r.stages) == 2 and r.owner_name and r.account_name for r in records)
        return len(statements)

    assert statements_for(3) == statements_for(30)
