"""Estimate workflow through the service: send, revise, approve, reject, change orders, diff.

The FROZEN section calls every content-changing method of ``EstimateService`` on sent,
approved, rejected and superseded revisions and on sent and approved change orders:
each must raise ``FrozenError`` and leave the workspace file exactly as it was (issue 4,
item 10: "a sent revision cannot be changed through any service call").
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keyplan.domain.errors import DomainError, FrozenError, NotFoundError, ValidationError
from keyplan.services.estimate_records import EstimateFilter, LineDraft
from keyplan.services.estimates import (
    CHANGE_ORDER_FIELDS,
    REVISION_FIELDS,
    BatchResult,
    LineEdit,
    SectionSnapshot,
)
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
SENT = date(2026, 3, 10)
APPROVED = date(2026, 3, 20)


def fingerprint(services: WorkspaceServices, folder: Path) -> str:
    """sha256 of an SQL dump of a consistent copy of the whole workspace file."""
    copy = services.save_copy(folder / f"fingerprint-{uuid.uuid4().hex}.keyplan")
    connection = sqlite3.connect(copy)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    copy.unlink()
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def usd(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD", market="VN"))


def new_estimate(services: WorkspaceServices, account_id: int, title: str = "Brand site") -> Any:
    """A draft at 10 % tax with 'Design' (a: 10 h x 100, b: 1 x 500) and 'Build' (c: 2 x 300)."""
    estimates = services.estimates
    ref = estimates.create(
        account_id, title, issued_on=date(2026, 3, 1), tax_rate=D(10), section_name="Design"
    )
    design = estimates.document(ref.revision_id).sections[0].id
    build = estimates.add_section("Build", revision_id=ref.revision_id)
    estimates.add_line(
        design,
        LineDraft(description="a", quantity=D(10), unit="hour", unit_price=D(100), unit_cost=D(40)),
    )
    estimates.add_line(
        design, LineDraft(kind="fixed_fee", description="b", unit_price=D(500), unit_cost=D(100))
    )
    estimates.add_line(
        build, LineDraft(kind="expense", description="c", quantity=D(2), unit_price=D(300))
    )
    return ref


APPROVAL_TOKENS: dict[int, str] = {}  # revision id -> the token approve() handed out


def approved_estimate(services: WorkspaceServices, account_id: int) -> Any:
    ref = new_estimate(services, account_id)
    services.estimates.send(ref.revision_id, SENT)
    token = services.estimates.approve(ref.revision_id, "Ms Lan", APPROVED, "PO-77")
    APPROVAL_TOKENS[ref.revision_id] = token
    return ref


# -- send, unsend ------------------------------------------------------------------------------


def test_send_needs_a_line(services: WorkspaceServices, usd: int, tmp_path: Path) -> None:
    ref = services.estimates.create(usd, "Empty", issued_on=date(2026, 3, 1))
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        services.estimates.send(ref.revision_id, SENT)
    assert error.value.field == "lines"
    assert fingerprint(services, tmp_path) == before
    assert services.estimates.document(ref.revision_id).status == "draft"


def test_send_freezes_and_unsend_thaws(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    draft = estimates.document(ref.revision_id)
    assert draft.editable
    token = estimates.send(ref.revision_id, SENT)
    sent = estimates.document(ref.revision_id)
    assert (sent.status, sent.sent_on, sent.editable) == ("sent", SENT, False)
    assert sent.totals == draft.totals
    with pytest.raises(FrozenError):
        estimates.send(ref.revision_id, SENT)
    with pytest.raises(FrozenError) as error:
        estimates.update_line(sent.lines[0].id, {"description": "x"})
    assert "Revision 1" in str(error.value) and "2026-03-10" in str(error.value)

    with pytest.raises(FrozenError, match="only Edit > Undo"):
        estimates.unsend(ref.revision_id, token="guessed")  # no way back without the token
    estimates.unsend(ref.revision_id, token=token)
    again = estimates.document(ref.revision_id)
    assert (again.status, again.sent_on) == ("draft", None)
    assert again == draft
    with pytest.raises(FrozenError):
        estimates.unsend(ref.revision_id, token=token)  # a token serves once
    estimates.update_line(again.lines[0].id, {"description": "editable again"})


def test_send_defaults_to_today(services: WorkspaceServices, usd: int) -> None:
    ref = new_estimate(services, usd)
    services.estimates.send(ref.revision_id)
    assert services.estimates.document(ref.revision_id).sent_on == date.today()


# -- revise, unrevise --------------------------------------------------------------------------


def test_revise_copies_everything_with_same_keys_and_new_ids(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    estimates.update_revision(
        ref.revision_id,
        {
            "discount_value": D(5),
            "contingency_percent": D(3),
            "fee_percent": D(2),
            "client_notes": "For the client",
            "internal_notes": "For us",
            "terms": "Net 30",
            "valid_until": date(2026, 4, 1),
        },
    )
    estimates.send(ref.revision_id, SENT)
    old = estimates.document(ref.revision_id)
    second = estimates.revise(ref.estimate_id)
    new = estimates.document(second)

    assert (new.revision, new.status, new.sent_on, new.number) == (2, "draft", None, old.number)
    assert new.issued_on == date.today()
    # valid as long as the last revision was, counted from the new issue date
    assert old.valid_until is not None
    assert new.valid_until == new.issued_on + (old.valid_until - old.issued_on)
    for name in ("title", "currency", "tax_rate", "adjustments", "client_notes", "internal_notes"):
        assert getattr(new, name) == getattr(old, name), name
    assert new.terms == old.terms
    assert [s.key for s in new.sections] == [s.key for s in old.sections]
    assert [s.name for s in new.sections] == [s.name for s in old.sections]
    assert not {s.id for s in new.sections} & {s.id for s in old.sections}
    assert [line.key for line in new.lines] == [line.key for line in old.lines]
    assert not {line.id for line in new.lines} & {line.id for line in old.lines}
    strip = {"id": 0, "section_id": 0}
    assert [dataclasses.replace(line, **strip) for line in new.lines] == [
        dataclasses.replace(line, **strip) for line in old.lines
    ]
    assert new.totals == old.totals

    superseded = estimates.document(ref.revision_id)
    assert superseded.status == "superseded"
    assert superseded.sections == old.sections  # still viewable, unchanged
    assert [(r.revision, r.status) for r in new.revisions] == [(1, "superseded"), (2, "draft")]
    assert new.is_latest and not superseded.is_latest
    assert estimates.latest_revision_id(ref.estimate_id) == second
    assert estimates.find(old.number) == second
    assert estimates.find(old.number, 1) == ref.revision_id
    with pytest.raises(NotFoundError):
        estimates.find(old.number, 3)

    # the copy is independent: editing revision 2 leaves revision 1 as it was
    estimates.update_line(new.lines[0].id, {"quantity": D(20)})
    assert estimates.document(ref.revision_id).sections == old.sections


def test_revise_is_refused_on_a_draft_and_on_an_approved_estimate(
    services: WorkspaceServices, usd: int, tmp_path: Path
) -> None:
    estimates = services.estimates
    draft = new_estimate(services, usd)
    approved = approved_estimate(services, usd)
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError):
        estimates.revise(draft.estimate_id)
    with pytest.raises(ValidationError) as error:
        estimates.revise(approved.estimate_id)
    assert "change order" in error.value.message
    assert fingerprint(services, tmp_path) == before


def test_a_rejected_revision_can_be_revised(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    estimates.send(ref.revision_id, SENT)
    estimates.reject(ref.revision_id, APPROVED, "Too expensive")
    second = estimates.revise(ref.estimate_id)
    assert estimates.document(ref.revision_id).status == "superseded"
    assert estimates.document(second).status == "draft"


def test_unrevise_and_redo_with_the_same_id(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    estimates.send(ref.revision_id, SENT)
    sent = estimates.document(ref.revision_id)
    second = estimates.revise(ref.estimate_id)
    keys = [line.key for line in estimates.document(second).lines]
    estimates.unrevise(second, "sent")
    with pytest.raises(NotFoundError):
        estimates.document(second)
    assert estimates.document(ref.revision_id) == sent
    again = estimates.revise(ref.estimate_id, revision_id=second)
    assert again == second
    assert [line.key for line in estimates.document(second).lines] == keys
    # unrevise is only for the new draft (a revision is issued the day it is made)
    estimates.send(second)
    with pytest.raises(FrozenError):
        estimates.unrevise(second, "sent")


# -- approval and rejection --------------------------------------------------------------------


def test_approve_only_a_sent_revision_not_before_it_was_sent(
    services: WorkspaceServices, usd: int, tmp_path: Path
) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    with pytest.raises(ValidationError):
        estimates.approve(ref.revision_id, "Ms Lan", APPROVED)
    estimates.send(ref.revision_id, SENT)
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        estimates.approve(ref.revision_id, "Ms Lan", date(2026, 3, 9))
    assert error.value.field == "approved_on"
    with pytest.raises(ValidationError):
        estimates.approve(ref.revision_id, "", SENT)
    with pytest.raises(ValidationError):
        estimates.approve(ref.revision_id, "Ms Lan", SENT, "P" * 61)
    assert fingerprint(services, tmp_path) == before

    estimates.approve(ref.revision_id, "Ms Lan", SENT, "PO-1")  # the same day is fine
    doc = estimates.document(ref.revision_id)
    assert (doc.status, doc.approved_by, doc.approved_on, doc.approval_po) == (
        "approved",
        "Ms Lan",
        SENT,
        "PO-1",
    )
    assert doc.contracted_total == doc.totals.total
    with pytest.raises(ValidationError):
        estimates.approve(ref.revision_id, "Ms Lan", SENT)
    with pytest.raises(ValidationError):
        estimates.reject(ref.revision_id, SENT)


def test_reject_and_reopen_decision(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    with pytest.raises(ValidationError):
        estimates.reject(ref.revision_id, SENT)
    estimates.send(ref.revision_id, SENT)
    sent = estimates.document(ref.revision_id)
    rejected = estimates.reject(ref.revision_id, APPROVED, "Budget cut")
    doc = estimates.document(ref.revision_id)
    assert (doc.status, doc.rejected_on, doc.rejection_reason) == (
        "rejected",
        APPROVED,
        "Budget cut",
    )
    assert doc.contracted_total is None
    estimates.reopen_decision(ref.revision_id, token=rejected)
    assert estimates.document(ref.revision_id) == sent
    approved = estimates.approve(ref.revision_id, "Ms Lan", APPROVED, "PO")
    with pytest.raises(FrozenError):
        estimates.reopen_decision(ref.revision_id, token=rejected)  # that token is spent
    estimates.reopen_decision(ref.revision_id, token=approved)
    assert estimates.document(ref.revision_id) == sent


def test_a_rejection_cannot_come_before_sending(services: WorkspaceServices, usd: int) -> None:
    ref = new_estimate(services, usd)
    services.estimates.send(ref.revision_id, SENT)
    with pytest.raises(ValidationError):
        services.estimates.reject(ref.revision_id, date(2026, 3, 1))


def test_a_change_order_approval_cannot_come_before_sending(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    order = estimates.create_change_order(ref.estimate_id, "More")
    estimates.add_line(estimates.change_order(order).sections[0].id, LineDraft(unit_price=D(1)))
    estimates.send_change_order(order, date(2026, 4, 10))
    with pytest.raises(ValidationError):
        estimates.approve_change_order(order, "Ms Lan", date(2026, 4, 1))


def test_the_frozen_message_does_not_misdate_the_approval(
    services: WorkspaceServices, usd: int
) -> None:
    ref = approved_estimate(services, usd)
    line = services.estimates.document(ref.revision_id).lines[0].id
    with pytest.raises(FrozenError) as error:
        services.estimates.update_line(line, {"description": "x"})
    assert f"approved on {SENT.isoformat()}" not in str(error.value)


# -- change orders -----------------------------------------------------------------------------


def test_change_orders_need_an_approved_estimate(
    services: WorkspaceServices, usd: int, tmp_path: Path
) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    for step in (lambda: None, lambda: estimates.send(ref.revision_id, SENT)):
        step()
        before = fingerprint(services, tmp_path)
        with pytest.raises(ValidationError):
            estimates.create_change_order(ref.estimate_id, "More pages")
        assert fingerprint(services, tmp_path) == before
    estimates.reject(ref.revision_id, APPROVED)
    with pytest.raises(ValidationError):
        estimates.create_change_order(ref.estimate_id, "More pages")


def test_contracted_total_counts_only_approved_change_orders(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    approved_total = estimates.document(ref.revision_id).totals.total
    assert approved_total == D("2310.00")  # (1,000 + 500 + 600) x 1.10

    more = estimates.create_change_order(ref.estimate_id, "More pages", "Client asked")
    order = estimates.change_order(more)
    assert (order.number, order.sequence, order.status) == (f"{ref.number}-CO1", 1, "draft")
    assert (order.currency, order.tax_rate, order.reason) == ("USD", D(10), "Client asked")
    estimates.add_line(
        order.sections[0].id, LineDraft(description="2 pages", quantity=D(2), unit_price=D(100))
    )

    less = estimates.create_change_order(ref.estimate_id, "Fewer visits")
    less_section = estimates.change_order(less).sections[0].id
    # a change order may remove quantities: negative quantities are allowed there
    estimates.add_line(
        less_section, LineDraft(description="visit", quantity=D("-1.5"), unit_price=D(200))
    )
    assert estimates.change_order(less).totals.total == D("-330.00")

    draft_only = estimates.create_change_order(ref.estimate_id, "Maybe later")
    estimates.add_line(
        estimates.change_order(draft_only).sections[0].id, LineDraft(unit_price=D(1000))
    )

    def contracted() -> Decimal | None:
        return estimates.document(ref.revision_id).contracted_total

    assert contracted() == approved_total  # drafts count for nothing
    estimates.send_change_order(more, date(2026, 4, 1))
    less_sent = estimates.send_change_order(less, date(2026, 4, 1))
    assert contracted() == approved_total  # sent ones neither
    estimates.approve_change_order(more, "Ms Lan", date(2026, 4, 2), "PO-78")
    assert contracted() == approved_total + D("220.00")
    less_approved = estimates.approve_change_order(less, "Ms Lan", date(2026, 4, 3))
    assert contracted() == D("2200.00")  # 2,310 + 220 - 330

    doc = estimates.document(ref.revision_id)
    assert [(o.sequence, o.status, o.total) for o in doc.change_orders] == [
        (1, "approved", D("220.00")),
        (2, "approved", D("-330.00")),
        (3, "draft", D("1100.00")),
    ]
    assert estimates.change_orders(ref.estimate_id) == list(doc.change_orders)
    [summary] = estimates.summaries(EstimateFilter(account_id=usd))
    assert summary.contracted_total == D("2200.00")

    # the approval cannot be undone while change orders hang on it
    with pytest.raises(DomainError, match="change orders"):
        estimates.reopen_decision(ref.revision_id, token=ref_approved_token(services, ref))
    # undo of a change order approval, then of its sending: each with its own token
    with pytest.raises(FrozenError):
        estimates.reset_change_order(less, "sent", token=less_sent)
    estimates.reset_change_order(less, "sent", token=less_approved)
    assert contracted() == D("2530.00")
    estimates.reset_change_order(less, "draft", token=less_sent)
    assert estimates.change_order(less).sent_on is None
    with pytest.raises(ValidationError):
        estimates.reset_change_order(less, "approved", token=less_sent)


def ref_approved_token(services: WorkspaceServices, ref: Any) -> str:
    """The token of the approval approved_estimate() made."""
    return APPROVAL_TOKENS[ref.revision_id]


def test_a_declined_change_order_never_counts(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    approved_total = estimates.document(ref.revision_id).totals.total
    order = estimates.create_change_order(ref.estimate_id, "Extra shoot day")
    section = estimates.change_order(order).sections[0].id
    estimates.add_line(section, LineDraft(description="Shoot day", unit_price=D(900)))
    estimates.send_change_order(order, date(2026, 4, 1))
    token = estimates.reject_change_order(order, date(2026, 4, 5), "No budget")
    declined = estimates.change_order(order)
    assert (declined.status, declined.rejected_on) == ("rejected", date(2026, 4, 5))
    assert estimates.document(ref.revision_id).contracted_total == approved_total
    with pytest.raises(FrozenError):
        estimates.add_line(section, LineDraft(description="More"))
    estimates.reset_change_order(order, "sent", token=token)
    assert estimates.change_order(order).status == "sent"


def test_a_change_order_stays_in_the_estimate_currency(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    approved_total = estimates.document(ref.revision_id).totals.total
    order = estimates.create_change_order(ref.estimate_id, "In yen")
    with contextlib.suppress(ValidationError):  # refusing the change is the fix
        estimates.update_change_order(order, {"currency": "JPY"})
    estimates.add_line(estimates.change_order(order).sections[0].id, LineDraft(unit_price=D(10000)))
    estimates.send_change_order(order, date(2026, 4, 1))
    estimates.approve_change_order(order, "Ms Lan", date(2026, 4, 2))
    assert estimates.change_order(order).currency == "USD"
    order_total = estimates.change_order(order).totals.total  # 10,000 plus its 10 % tax
    assert order_total == D("11000.00")
    assert estimates.document(ref.revision_id).contracted_total == approved_total + order_total


def test_negative_quantities_only_in_change_orders(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    order = estimates.create_change_order(ref.estimate_id, "Less")
    section = estimates.change_order(order).sections[0].id
    line = estimates.add_line(section, LineDraft(quantity=D(-2), unit_price=D(50)))
    estimates.update_line(line, {"quantity": D(-3)})
    assert estimates.change_order(order).totals.subtotal == D("-150.00")
    with pytest.raises(ValidationError):
        estimates.update_line(line, {"unit_price": D(-50)})  # a price is never negative
    draft = new_estimate(services, usd, "Other")
    section = estimates.document(draft.revision_id).sections[0].id
    with pytest.raises(ValidationError):
        estimates.add_line(section, LineDraft(quantity=D(-1)))


def test_change_order_approval_only_when_sent(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    order = estimates.create_change_order(ref.estimate_id, "More")
    with pytest.raises(ValidationError):
        estimates.approve_change_order(order, "Ms Lan", APPROVED)
    estimates.purge_change_order(order)
    with pytest.raises(NotFoundError):
        estimates.change_order(order)
    again = estimates.create_change_order(ref.estimate_id, "More", change_order_id=order)
    assert again == order


# -- diff between revisions --------------------------------------------------------------------


def test_diff_between_revisions(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    first = estimates.document(ref.revision_id)
    a, b, c = (line.id for line in first.lines)
    estimates.send(ref.revision_id, SENT)
    second = estimates.revise(ref.estimate_id)
    doc = estimates.document(second)
    design, build = (s.id for s in doc.sections)
    by_key = {line.key: line.id for line in doc.lines}
    new_a, new_b, new_c = (by_key[line.key] for line in first.lines)
    estimates.update_line(new_a, {"quantity": D(12)})  # changed: +200
    estimates.delete_lines([new_b])  # removed: -500
    estimates.add_line(build, LineDraft(description="d", unit_price=D(80)))  # added: +80
    estimates.update_line(new_c, {"unit_cost": D(10)})  # internal only: not listed
    estimates.update_revision(second, {"discount_value": D(10)})

    diff = estimates.diff(ref.revision_id, second)
    old_totals = estimates.document(ref.revision_id).totals
    new_totals = estimates.document(second).totals
    assert [(change.description, change.status) for change in diff.lines] == [
        ("a", "changed"),
        ("b", "removed"),
        ("d", "added"),
    ]
    assert dict(diff.lines[0].fields) == {"quantity": (D(10), D(12))}
    assert (diff.lines[1].amount_old, diff.lines[1].amount_new) == (D("500.00"), D("0.00"))
    assert [(s.name, s.old, s.new, s.delta) for s in diff.sections] == [
        ("Design", D("1500.00"), D("1200.00"), D("-300.00")),
        ("Build", D("600.00"), D("680.00"), D("80.00")),
    ]
    assert diff.subtotal_delta == sum(s.delta for s in diff.sections)
    assert diff.discount_delta == D("188.00")
    assert (diff.old_total, diff.new_total) == (old_totals.total, new_totals.total)
    assert diff.total_delta == new_totals.total - old_totals.total == D("-448.80")
    assert diff.internal_cost_delta == new_totals.internal.cost - old_totals.internal.cost
    # and backwards
    assert estimates.diff(second, ref.revision_id).total_delta == -diff.total_delta
    assert estimates.diff(second, second).lines == ()
    del a, b, c, design


def test_margin_floor_warning(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    doc = estimates.document(ref.revision_id)
    # net 2,100.00, cost 400.00 + 100.00 = 500.00 -> margin 76.19 %
    assert doc.totals.internal.margin_percent == D("76.19")
    assert not doc.below_margin_floor
    services.agency.update({"margin_floor_percent": D(80)})
    doc = estimates.document(ref.revision_id)
    assert (doc.margin_floor_percent, doc.below_margin_floor) == (D(80), True)


def test_summaries_show_the_latest_revision_with_filters(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    jpy = services.accounts.create(AccountDraft("Sakura Foods", currency="JPY"))
    one = new_estimate(services, usd, "One")
    estimates.send(one.revision_id, SENT)
    second = estimates.revise(one.estimate_id)
    two = estimates.create(jpy, "Two", issued_on=date(2025, 12, 1))
    rows = estimates.summaries()
    assert {(r.number, r.revision, r.status) for r in rows} == {
        (one.number, 2, "draft"),
        (two.number, 1, "draft"),
    }
    assert [r.revision_id for r in estimates.summaries(EstimateFilter(currency="USD"))] == [second]
    assert [r.number for r in estimates.summaries(EstimateFilter(account_id=jpy))] == [two.number]
    assert estimates.summaries(EstimateFilter(statuses=frozenset({"sent"}))) == []
    dated = EstimateFilter(issued_to=date(2025, 12, 31))
    assert [r.number for r in estimates.summaries(dated)] == [two.number]
    deletion = estimates.delete(two.estimate_id)
    assert [r.number for r in estimates.summaries()] == [one.number]
    estimates.restore(deletion)
    assert len(estimates.summaries()) == 2


# -- FROZEN: no service call changes a sent, approved, rejected or superseded revision ---------


@dataclass
class Prepared:
    """A container with two sections and lines, plus undo snapshots taken while it was a draft."""

    revision_id: int | None
    change_order_id: int | None
    sections: list[int]
    lines: list[int]
    section_snapshot: SectionSnapshot
    line_snapshots: tuple[dict[str, Any], ...]
    batch: BatchResult


def prepare(
    services: WorkspaceServices,
    *,
    revision_id: int | None = None,
    change_order_id: int | None = None,
) -> Prepared:
    estimates = services.estimates
    where = {"revision_id": revision_id, "change_order_id": change_order_id}

    def document() -> Any:
        if revision_id is not None:
            return estimates.document(revision_id)
        return estimates.change_order(change_order_id or 0)

    if not document().lines:  # a change order: give it lines and a second section
        first = document().sections[0].id
        second = estimates.add_section("More", **where)
        estimates.add_line(first, LineDraft(description="x", quantity=D(-1), unit_price=D(100)))
        estimates.add_line(first, LineDraft(description="y", unit_price=D(50)))
        estimates.add_line(second, LineDraft(description="z", unit_price=D(70)))
    temporary = estimates.add_section("Temporary", **where)
    estimates.add_line(temporary, LineDraft(description="tmp", unit_price=D(1)))
    section_snapshot = estimates.delete_section(temporary)
    sections = [s.id for s in document().sections]
    spare = estimates.add_line(sections[0], LineDraft(description="spare", unit_price=D(2)))
    line_snapshots = estimates.delete_lines([spare])
    lines = [line.id for line in document().lines]
    batch = estimates.apply_batch(
        [
            LineEdit({"description": "batched"}, line_id=lines[0]),
            LineEdit({"description": "pasted", "unit_price": D(3)}, section_id=sections[1]),
        ]
    )
    return Prepared(
        revision_id, change_order_id, sections, lines, section_snapshot, line_snapshots, batch
    )


def frozen_calls(services: WorkspaceServices, p: Prepared) -> list[tuple[str, Callable[[], Any]]]:
    """Every content-changing service call on the prepared container."""
    e = services.estimates
    first, second = p.sections[0], p.sections[1]
    line, other = p.lines[0], p.lines[-1]
    where = {"revision_id": p.revision_id, "change_order_id": p.change_order_id}
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("add_section", lambda: e.add_section("New", **where)),
        ("add_section at 0", lambda: e.add_section("New", position=0, **where)),
        ("rename_section", lambda: e.rename_section(first, "Renamed")),
        ("move_section", lambda: e.move_section(first, 1)),
        ("delete_section", lambda: e.delete_section(second)),
        ("restore_section", lambda: e.restore_section(p.section_snapshot)),
        ("add_line", lambda: e.add_line(first, LineDraft(description="new", unit_price=D(1)))),
        ("add_line at 0", lambda: e.add_line(first, LineDraft(), position=0)),
        ("update_line description", lambda: e.update_line(line, {"description": "x"})),
        ("update_line quantity", lambda: e.update_line(line, {"quantity": D(99)})),
        ("update_line unit_price", lambda: e.update_line(line, {"unit_price": D(1)})),
        ("update_line optional", lambda: e.update_line(line, {"optional": True})),
        ("update_line exact", lambda: e.update_line(line, {"unit_cost": D(1)}, exact=True)),
        ("update_line no change", lambda: e.update_line(line, {})),
        ("move_line within", lambda: e.move_line(line, first, 1)),
        ("move_line across", lambda: e.move_line(line, second, 0)),
        ("delete_lines", lambda: e.delete_lines([line])),
        ("delete_lines two", lambda: e.delete_lines([line, other])),
        ("restore_lines", lambda: e.restore_lines(p.line_snapshots)),
        ("purge_line", lambda: e.purge_line(other)),
        ("apply_batch edit", lambda: e.apply_batch([LineEdit({"description": "x"}, line_id=line)])),
        (
            "apply_batch new line",
            lambda: e.apply_batch([LineEdit({"description": "x"}, section_id=first)]),
        ),
        ("revert_batch", lambda: e.revert_batch(p.batch)),
        ("reapply_batch", lambda: e.reapply_batch(p.batch)),
    ]
    values: dict[str, Any] = {
        "title": "Changed",
        "currency": "EUR",
        "tax_rate": D(5),
        "discount_mode": "amount",
        "discount_value": D(1),
        "discount_tax_rate": D(5),
        "contingency_percent": D(5),
        "contingency_tax_rate": D(5),
        "fee_percent": D(5),
        "fee_base": "labour",
        "fee_tax_rate": D(5),
        "client_notes": "Changed",
        "issued_on": date(2026, 3, 2),
        "valid_until": date(2026, 12, 31),
        "terms": "Changed",
        "reason": "Changed",
    }
    if p.revision_id is not None:
        revision_id = p.revision_id
        fields = [name for name in REVISION_FIELDS if name != "internal_notes"]
        for name in fields:
            calls.append(
                (
                    f"update_revision {name}",
                    lambda n=name: e.update_revision(revision_id, {n: values[n]}),
                )
            )
        calls.append(
            (
                "update_revision internal_notes with title",
                lambda: e.update_revision(revision_id, {"internal_notes": "x", "title": "y"}),
            )
        )
        calls.append(("send", lambda: e.send(revision_id, SENT)))
        calls.append(("unrevise", lambda: e.unrevise(revision_id, "sent")))
    else:
        order_id = p.change_order_id or 0
        fields = [name for name in CHANGE_ORDER_FIELDS if name != "internal_notes"]
        for name in fields:
            calls.append(
                (
                    f"update_change_order {name}",
                    lambda n=name: e.update_change_order(order_id, {n: values[n]}),
                )
            )
        calls.append(("send_change_order", lambda: e.send_change_order(order_id, SENT)))
        calls.append(("purge_change_order", lambda: e.purge_change_order(order_id)))
    return calls


def assert_every_call_is_frozen(
    services: WorkspaceServices, prepared: Prepared, folder: Path
) -> None:
    e = services.estimates

    def document() -> Any:
        if prepared.revision_id is not None:
            return e.document(prepared.revision_id)
        return e.change_order(prepared.change_order_id or 0)

    calls = frozen_calls(services, prepared)
    assert len(calls) >= 38
    original = document()
    before = fingerprint(services, folder)
    problems = []
    for name, call in calls:
        try:
            call()
        except FrozenError:
            pass
        except Exception as exc:
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            problems.append(f"{name}: accepted")
        if fingerprint(services, folder) != before:
            problems.append(f"{name}: changed the workspace file")
            break
    assert problems == []
    assert document() == original
    assert services.workspace.integrity_check() == "ok"


def _revision_in(services: WorkspaceServices, account_id: int, state: str) -> Prepared:
    estimates = services.estimates
    ref = new_estimate(services, account_id)
    prepared = prepare(services, revision_id=ref.revision_id)
    estimates.send(ref.revision_id, SENT)
    if state == "approved":
        estimates.approve(ref.revision_id, "Ms Lan", APPROVED, "PO-1")
    elif state == "rejected":
        estimates.reject(ref.revision_id, APPROVED, "No")
    elif state == "superseded":
        estimates.revise(ref.estimate_id)
    assert estimates.document(ref.revision_id).status == state
    return prepared


@pytest.mark.parametrize("state", ["sent", "approved", "rejected", "superseded"])
def test_no_service_call_changes_a_frozen_revision(
    services: WorkspaceServices, usd: int, tmp_path: Path, state: str
) -> None:
    prepared = _revision_in(services, usd, state)
    assert_every_call_is_frozen(services, prepared, tmp_path)


@pytest.mark.parametrize("state", ["sent", "approved"])
def test_no_service_call_changes_a_frozen_change_order(
    services: WorkspaceServices, usd: int, tmp_path: Path, state: str
) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    order = estimates.create_change_order(ref.estimate_id, "Extra")
    prepared = prepare(services, change_order_id=order)
    estimates.send_change_order(order, date(2026, 4, 1))
    if state == "approved":
        estimates.approve_change_order(order, "Ms Lan", date(2026, 4, 2))
    assert estimates.change_order(order).status == state
    assert_every_call_is_frozen(services, prepared, tmp_path)


@pytest.mark.parametrize("state", ["sent", "approved", "rejected", "superseded"])
def test_internal_notes_of_a_frozen_revision_stay_editable(
    services: WorkspaceServices, usd: int, state: str
) -> None:
    prepared = _revision_in(services, usd, state)
    revision_id = prepared.revision_id or 0
    before = services.estimates.document(revision_id)
    change = services.estimates.update_revision(revision_id, {"internal_notes": "Chased by phone"})
    assert change.after == {"internal_notes": "Chased by phone"}
    after = services.estimates.document(revision_id)
    assert dataclasses.replace(after, internal_notes=before.internal_notes) == before


def test_internal_notes_of_a_sent_change_order_stay_editable(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    ref = approved_estimate(services, usd)
    order = estimates.create_change_order(ref.estimate_id, "Extra")
    estimates.add_line(estimates.change_order(order).sections[0].id, LineDraft(unit_price=D(5)))
    estimates.send_change_order(order, date(2026, 4, 1))
    before = estimates.change_order(order)
    estimates.update_change_order(order, {"internal_notes": "ok"})
    after = estimates.change_order(order)
    assert dataclasses.replace(after, internal_notes=before.internal_notes) == before


def test_a_draft_is_not_frozen(services: WorkspaceServices, usd: int, tmp_path: Path) -> None:
    """The control for the frozen tests: on a draft, the same calls go through."""
    ref = new_estimate(services, usd)
    prepared = prepare(services, revision_id=ref.revision_id)
    refused = []
    done = 0
    calls = dict(frozen_calls(services, prepared))
    # restore first: a later add_section could take the deleted section's id
    order = ["restore_section", "restore_lines", "revert_batch", "reapply_batch"]
    order += [name for name in calls if name not in order and name not in ("send", "unrevise")]
    for name in order:
        try:
            calls[name]()
        except FrozenError as exc:
            refused.append(f"{name}: {exc}")
        except Exception:
            pass  # e.g. a line already deleted by an earlier call, an id taken again
        else:
            done += 1
    assert refused == []
    assert done >= 30
    assert services.estimates.document(ref.revision_id).title == "y"  # the last title edit


# Public methods that do not change the content of an existing revision or change order:
# reading, creating or archiving a whole estimate, and the workflow (status) steps.
NOT_CONTENT_METHODS = {
    "reject_change_order",  # a decision on a sent change order (status only)
    "deleted_items",  # a read
    "check_batch",  # always rolled back: writes nothing (test_estimate_lines.py)
    "document",
    "change_order",
    "change_orders",
    "latest_revision_id",
    "find",
    "summaries",
    "diff",
    "create",
    "purge",  # refused for anything but a new draft (test_estimates.py)
    "delete",  # soft delete (archive) of the whole estimate
    "restore",
    "unsend",
    "revise",
    "approve",
    "reject",
    "reopen_decision",
    "create_change_order",
    "approve_change_order",
    "reset_change_order",
}


def test_every_content_method_is_in_the_frozen_checks(
    services: WorkspaceServices, usd: int
) -> None:
    """A new public method of EstimateService must be classified: frozen-checked or not."""
    public = {
        name
        for name in dir(services.estimates)
        if not name.startswith("_") and callable(getattr(services.estimates, name))
    }
    ref = new_estimate(services, usd)
    checked = {
        name.split()[0]
        for name, _ in frozen_calls(services, prepare(services, revision_id=ref.revision_id))
    }
    order = approved_estimate(services, usd)
    co = services.estimates.create_change_order(order.estimate_id, "CO")
    checked |= {
        name.split()[0] for name, _ in frozen_calls(services, prepare(services, change_order_id=co))
    }
    assert public - NOT_CONTENT_METHODS == checked


def test_draft_lines_cannot_be_moved_or_restored_into_a_superseded_revision(
    services: WorkspaceServices, usd: int, tmp_path: Path
) -> None:
    estimates = services.estimates
    ref = new_estimate(services, usd)
    estimates.send(ref.revision_id, SENT)
    second = estimates.revise(ref.estimate_id)
    old_section = estimates.document(ref.revision_id).sections[0].id
    first_line, other_line = (line.id for line in estimates.document(second).lines[:2])
    [snapshot] = estimates.delete_lines([other_line])
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError):
        estimates.move_line(first_line, old_section, 0)
    with pytest.raises(FrozenError):
        estimates.restore_lines([{**snapshot, "section_id": old_section}])
    assert fingerprint(services, tmp_path) == before
