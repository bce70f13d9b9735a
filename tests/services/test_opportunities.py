"""Opportunities on a real workspace file: stages with their dates, undo, the pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from keyplan.domain.errors import ValidationError
from keyplan.services.demo import create_demo_workspace
from keyplan.services.opportunities import OpportunityDraft
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
