"""Actuals on real workspace files: the baseline, booking and editing actuals, variance,
Deleted items, the demo's actuals and the schema upgrade that added them."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from keyplan.domain.actuals import VarianceFigures
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.actuals import ActualDraft, ActualRecord
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_records import LineDraft, ProjectDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.store import migrate
from keyplan.store.workspace import APPLICATION_ID

D = Decimal
ISSUED = date(2026, 3, 1)
SENT = date(2026, 3, 10)
APPROVED = date(2026, 3, 20)
WORK = date(2026, 4, 2)


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


@dataclass
class Estimate:
    """An estimate at 10 % tax: 'Design' (1.1 a: 10 h x 100 at cost 40; 1.2 b: a fixed fee of
    500 at cost 100) and 'Build' (2.1 c: 2 x 300 at cost 250; 2.2 d: optional, 2 days x 800
    at cost 400)."""

    estimate_id: int
    revision_id: int
    number: str
    keys: dict[str, str]  # line or section name -> key
    line_ids: dict[str, int]  # line name -> id in revision 1


def new_estimate(
    services: WorkspaceServices,
    account_id: int,
    *,
    title: str = "Brand site",
    currency: str = "",
    project_id: int | None = None,
) -> Estimate:
    estimates = services.estimates
    ref = estimates.create(
        account_id,
        title,
        issued_on=ISSUED,
        tax_rate=D(10),
        section_name="Design",
        currency=currency,
        project_id=project_id,
    )
    design = estimates.document(ref.revision_id).sections[0].id
    build = estimates.add_section("Build", revision_id=ref.revision_id)
    line_ids = {
        "a": estimates.add_line(
            design,
            LineDraft(
                description="a", quantity=D(10), unit="hour", unit_price=D(100), unit_cost=D(40)
            ),
        ),
        "b": estimates.add_line(
            design,
            LineDraft(kind="fixed_fee", description="b", unit_price=D(500), unit_cost=D(100)),
        ),
        "c": estimates.add_line(
            build,
            LineDraft(
                kind="expense", description="c", quantity=D(2), unit_price=D(300), unit_cost=D(250)
            ),
        ),
        "d": estimates.add_line(
            build,
            LineDraft(
                description="d",
                quantity=D(2),
                unit="day",
                unit_price=D(800),
                unit_cost=D(400),
                optional=True,
            ),
        ),
    }
    document = estimates.document(ref.revision_id)
    keys = {section.name: section.key for section in document.sections}
    keys.update({line.description: line.key for line in document.lines})
    return Estimate(ref.estimate_id, ref.revision_id, ref.number, keys, line_ids)


def approve(services: WorkspaceServices, estimate: Estimate) -> None:
    services.estimates.send(estimate.revision_id, SENT)
    services.estimates.approve(estimate.revision_id, "Ms Lan", APPROVED, "PO-77")


def change_order(
    services: WorkspaceServices,
    estimate: Estimate,
    title: str,
    lines: list[LineDraft],
    *,
    decision: str = "approved",
) -> int:
    estimates = services.estimates
    order = estimates.create_change_order(estimate.estimate_id, title)
    section = estimates.change_order(order).sections[0].id
    for draft in lines:
        estimates.add_line(section, draft)
    if decision != "draft":
        estimates.send_change_order(order, date(2026, 4, 1))
    if decision == "approved":
        estimates.approve_change_order(order, "Ms Lan", date(2026, 4, 3), "PO-78")
    elif decision == "rejected":
        estimates.reject_change_order(order, date(2026, 4, 3), "Too dear")
    return order


def draft(
    cost: str,
    *,
    line: str | None = None,
    section: str | None = None,
    hours: str | None = None,
    on: date = WORK,
    description: str = "",
    reference: str = "",
) -> ActualDraft:
    return ActualDraft(
        entry_date=on,
        cost=D(cost),
        hours=None if hours is None else D(hours),
        line_key=line,
        section_key=section,
        description=description,
        reference=reference,
    )


def costs(records: list[ActualRecord]) -> list[tuple[str, Decimal, Decimal | None]]:
    return [(record.ref, record.cost, record.hours) for record in records]


@pytest.fixture
def usd(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD", market="VN"))


@pytest.fixture
def estimate(services: WorkspaceServices, usd: int) -> Estimate:
    return new_estimate(services, usd)


# -- the baseline ------------------------------------------------------------------------------


def test_targets_are_sections_and_lines_by_reference(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    targets = services.actuals.targets(estimate.estimate_id)
    keys = estimate.keys
    assert [(t.ref, t.label, t.part, t.line_key, t.section_key) for t in targets] == [
        ("1", "Design", "Revision 1", None, keys["Design"]),
        ("1.1", "a", "Revision 1", keys["a"], keys["Design"]),
        ("1.2", "b", "Revision 1", keys["b"], keys["Design"]),
        ("2", "Build", "Revision 1", None, keys["Build"]),
        ("2.1", "c", "Revision 1", keys["c"], keys["Build"]),
        ("2.2", "d", "Revision 1", keys["d"], keys["Build"]),
    ]
    assert [t.is_section for t in targets] == [True, False, False, True, False, False]


def test_baseline_follows_the_status_and_adds_approved_change_orders(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    actuals = services.actuals
    report = actuals.variance(estimate.estimate_id)
    assert (report.basis, report.approved) == ("Revision 1 (draft)", False)
    assert (report.number, report.title, report.account_name, report.currency) == (
        estimate.number,
        "Brand site",
        "Lotus Bank",
        "USD",
    )
    actuals.add(estimate.estimate_id, draft("120.00", line=estimate.keys["a"], hours="3"))

    services.estimates.send(estimate.revision_id, SENT)
    assert actuals.variance(estimate.estimate_id).basis == "Revision 1 (sent)"
    services.estimates.approve(estimate.revision_id, "Ms Lan", APPROVED, "PO-77")
    report = actuals.variance(estimate.estimate_id)
    assert (report.basis, report.approved) == ("Revision 1 (approved)", True)

    extra = [
        LineDraft(
            description="Extra page", quantity=D(5), unit="hour", unit_price=D(100), unit_cost=D(45)
        )
    ]
    change_order(services, estimate, "Draft only", extra, decision="draft")
    change_order(services, estimate, "Declined", extra, decision="rejected")
    change_order(services, estimate, "Sent only", extra, decision="sent")
    assert actuals.variance(estimate.estimate_id).basis == "Revision 1 (approved)"
    assert not [t for t in actuals.targets(estimate.estimate_id) if t.ref.startswith("CO")]

    change_order(
        services,
        estimate,
        "More pages",
        [
            LineDraft(
                description="Page 6", quantity=D(4), unit="hour", unit_price=D(100), unit_cost=D(45)
            ),
            LineDraft(kind="expense", description="Fonts", unit_price=D(90), unit_cost=D(90)),
        ],
    )
    report = actuals.variance(estimate.estimate_id)
    assert report.basis == "Revision 1 (approved) + change order 4"
    co = [(t.ref, t.label, t.part) for t in report.targets if t.ref.startswith("CO")]
    assert co == [
        ("CO4-1", "Changes", "Change order 4"),
        ("CO4-1.1", "Page 6", "Change order 4"),
        ("CO4-1.2", "Fonts", "Change order 4"),
    ]
    page6 = report.target("CO4-1.1")
    actuals.add(estimate.estimate_id, draft("200.00", line=page6.line_key, hours="4.5"))
    actuals.add(estimate.estimate_id, draft("15.00", section=page6.section_key))

    report = actuals.variance(estimate.estimate_id)
    variance = report.variance
    assert [(s.ref, s.name, s.part) for s in variance.sections] == [
        ("1", "Design", "Revision 1"),
        ("2", "Build", "Revision 1"),
        ("CO4-1", "Changes", "Change order 4"),
    ]
    line = variance.line(page6.line_key or "")
    assert line.ref == "CO4-1.1"
    assert line.figures == VarianceFigures(D("180.00"), D("200.00"), D(4), D("4.5"))
    changes = variance.sections[2]
    # 180 + 90 estimated; 200 + 15 booked
    assert changes.figures == VarianceFigures(D("270.00"), D("215.00"), D(4), D("4.5"))
    # revision: 400 + 100 + 500 (the optional 800 is out), and the change order's 270
    assert variance.figures.estimated_cost == D("1270.00")
    assert variance.figures.actual_cost == D("335.00")
    # net before tax: 1000 + 500 + 600 = 2100 and 400 + 90 = 490
    assert variance.contracted_net == D("2590.00")
    assert variance.estimated_margin_percent == D("50.97")  # 1320 / 2590 = 50.965 %
    with pytest.raises(KeyError):
        report.target("CO1-1.1")


def test_before_approval_the_latest_revision_is_the_baseline(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    estimates = services.estimates
    estimates.send(estimate.revision_id, SENT)
    estimates.reject(estimate.revision_id, date(2026, 3, 12), "Too dear")
    assert services.actuals.variance(estimate.estimate_id).basis == "Revision 1 (rejected)"
    second = estimates.revise(estimate.estimate_id, issued_on=date(2026, 3, 13))
    line_b = next(line for line in estimates.document(second).lines if line.description == "b")
    estimates.update_line(line_b.id, {"unit_cost": D(150)})
    report = services.actuals.variance(estimate.estimate_id)
    assert (report.basis, report.approved) == ("Revision 2 (draft)", False)
    assert report.variance.line(estimate.keys["b"]).figures.estimated_cost == D("150.00")
    estimates.send(second, date(2026, 3, 14))
    estimates.approve(second, "Ms Lan", date(2026, 3, 15))
    report = services.actuals.variance(estimate.estimate_id)
    assert (report.basis, report.approved) == ("Revision 2 (approved)", True)


def test_actuals_follow_their_line_into_a_new_revision_and_become_unmatched_when_dropped(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    estimates, actuals = services.estimates, services.actuals
    keys = estimate.keys
    estimates.send(estimate.revision_id, SENT)
    actuals.add_many(
        estimate.estimate_id,
        [
            draft("380.00", line=keys["a"], hours="9.5", on=date(2026, 3, 11)),
            draft("110.00", line=keys["b"], reference="INV-7", on=date(2026, 3, 12)),
            draft("40.00", section=keys["Build"], description="Couriers", on=date(2026, 3, 13)),
        ],
    )
    second = estimates.revise(estimate.estimate_id, issued_on=date(2026, 3, 14))
    # the same keys in revision 2, so the actuals are where they were
    assert costs(actuals.entries(estimate.estimate_id)) == [
        ("1.1", D("380.00"), D("9.5")),
        ("1.2", D("110.00"), None),
        ("2", D("40.00"), None),
    ]
    report = actuals.variance(estimate.estimate_id)
    assert report.basis == "Revision 2 (draft)"
    assert report.variance.line(keys["a"]).figures.actual_cost == D("380.00")
    assert report.variance.unmatched == VarianceFigures(D(0), D(0))

    # revision 2 drops line b and the whole Build section
    document = estimates.document(second)
    line_b = next(line for line in document.lines if line.key == keys["b"])
    estimates.delete_lines([line_b.id])
    build = next(section for section in document.sections if section.key == keys["Build"])
    estimates.delete_section(build.id)

    records = actuals.entries(estimate.estimate_id)
    assert [(r.ref, r.target_label, r.line_key, r.section_key) for r in records] == [
        ("1.1", "a", keys["a"], keys["Design"]),
        ("", "", keys["b"], keys["Design"]),  # no longer in the estimate, still kept
        ("", "", None, keys["Build"]),
    ]
    variance = actuals.variance(estimate.estimate_id).variance
    assert variance.unmatched == VarianceFigures(D(0), D("150.00"), None, None)
    assert [s.key for s in variance.sections] == [keys["Design"]]
    assert variance.figures.actual_cost == D("530.00")  # every actual still counts
    assert variance.figures.estimated_cost == D("400.00")  # only line a is left
    # an unmatched actual can still be edited, but not moved to a line that is gone
    unmatched = records[1]
    actuals.update(unmatched.id, {"cost": D("105.00")})
    assert actuals.get(unmatched.id).cost == D("105.00")
    with pytest.raises(ValidationError) as error:
        actuals.update(unmatched.id, {"target": (keys["b"], keys["Design"])})
    assert error.value.field == "target"
    actuals.update(unmatched.id, {"target": (None, keys["Design"])})
    assert actuals.get(unmatched.id).ref == "1"
    # nor can a new one be booked to it
    with pytest.raises(ValidationError):
        actuals.add(estimate.estimate_id, draft("1.00", line=keys["b"]))


def test_agency_hours_per_day_convert_day_lines(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    line_d = services.actuals.variance(estimate.estimate_id).variance.line(estimate.keys["d"])
    assert line_d.figures.estimated_hours == D(16)  # 2 days x 8 h
    assert services.agency.get().hours_per_day == D(8)
    services.agency.update({"hours_per_day": D("7.5")})
    variance = services.actuals.variance(estimate.estimate_id).variance
    assert variance.line(estimate.keys["d"]).figures.estimated_hours == D(15)
    # line a is priced per hour: 10 h; d is optional so the estimate plans 10 h only
    assert variance.figures.estimated_hours == D(10)


# -- booking, editing, deleting ------------------------------------------------------------------


def test_add_cleans_and_round_trips_every_field(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    actuals = services.actuals
    actual_id = actuals.add(
        estimate.estimate_id,
        ActualDraft(
            entry_date=WORK,
            cost=D("1234.5"),
            hours=D("7.25"),
            line_key=estimate.keys["a"],
            section_key="ignored: the line's section is stored",
            description="  Timesheets week 14 — Nguyễn 撮影 🎬  ",
            reference="  TS   0042 ",
            source="finance.xlsx",
        ),
    )
    record = actuals.get(actual_id)
    assert record == ActualRecord(
        id=actual_id,
        estimate_id=estimate.estimate_id,
        line_key=estimate.keys["a"],
        section_key=estimate.keys["Design"],
        ref="1.1",
        target_label="a",
        entry_date=WORK,
        hours=D("7.25"),
        cost=D("1234.50"),
        description="Timesheets week 14 — Nguyễn 撮影 🎬",
        reference="TS 0042",
        source="finance.xlsx",
        batch=None,
    )
    assert actuals.entries(estimate.estimate_id) == [record]
    # a credit note and a timesheet correction are negative
    credit = actuals.add(
        estimate.estimate_id, draft("-34.50", line=estimate.keys["a"], hours="-0.25")
    )
    figures = actuals.variance(estimate.estimate_id).variance.line(estimate.keys["a"]).figures
    assert figures == VarianceFigures(D("400.00"), D("1200.00"), D(10), D("7.00"))
    assert actuals.get(credit).cost == D("-34.50")


def test_entries_are_in_date_order(services: WorkspaceServices, estimate: Estimate) -> None:
    actuals = services.actuals
    keys = estimate.keys
    actuals.add(estimate.estimate_id, draft("3.00", line=keys["c"], on=date(2026, 5, 1)))
    actuals.add(estimate.estimate_id, draft("1.00", line=keys["a"], on=date(2026, 4, 1)))
    actuals.add(estimate.estimate_id, draft("2.00", section=keys["Design"], on=date(2026, 4, 15)))
    assert [r.cost for r in actuals.entries(estimate.estimate_id)] == [D(1), D(2), D(3)]


def test_yen_costs_are_whole_numbers(services: WorkspaceServices, tmp_path: Path) -> None:
    tokyo = services.accounts.create(AccountDraft("Sakura Foods", currency="JPY", market="JP"))
    estimate = new_estimate(services, tokyo)
    actuals = services.actuals
    actual_id = actuals.add(estimate.estimate_id, draft("150000.00", line=estimate.keys["a"]))
    assert actuals.get(actual_id).cost == D(150000)
    assert str(actuals.get(actual_id).cost) == "150000"
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        actuals.add(estimate.estimate_id, draft("1500.5", line=estimate.keys["a"]))
    assert error.value.field == "cost"
    assert "JPY" in error.value.message
    assert fingerprint(services, tmp_path) == before


def test_update_returns_the_change_and_writes_it(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    actuals = services.actuals
    keys = estimate.keys
    actual_id = actuals.add(
        estimate.estimate_id, draft("100.00", line=keys["a"], hours="2", reference="TS-1")
    )
    change = actuals.update(
        actual_id,
        {
            "cost": D("125.00"),
            "hours": D("2.5"),
            "entry_date": date(2026, 4, 3),
            "description": "Corrected",
            "reference": "TS-1",  # unchanged: not in the change
            "target": (None, keys["Build"]),
        },
    )
    assert change.before == {
        "cost": D("100.00"),
        "hours": D(2),
        "entry_date": WORK,
        "description": "",
        "target": (keys["a"], keys["Design"]),
    }
    assert change.after == {
        "cost": D("125.00"),
        "hours": D("2.5"),
        "entry_date": date(2026, 4, 3),
        "description": "Corrected",
        "target": (None, keys["Build"]),
    }
    record = actuals.get(actual_id)
    assert (record.ref, record.line_key, record.section_key) == ("2", None, keys["Build"])
    assert (record.cost, record.hours, record.entry_date) == (D(125), D("2.5"), date(2026, 4, 3))
    assert record.description == "Corrected"
    # undo: apply the before values
    actuals.update(actual_id, change.before)
    record = actuals.get(actual_id)
    assert (record.ref, record.cost, record.hours, record.entry_date, record.description) == (
        "1.1",
        D(100),
        D(2),
        WORK,
        "",
    )
    assert actuals.update(actual_id, {"cost": D(100)}).is_empty
    actuals.update(actual_id, {"hours": None})
    assert actuals.get(actual_id).hours is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cost": D("1.234")}, "cost"),
        ({"cost": D(10) ** 15}, "cost"),
        ({"cost": 12.5}, "cost"),
        ({"hours": D("0.125")}, "hours"),
        ({"entry_date": date(1989, 1, 1)}, "entry_date"),
        ({"description": "x" * 2001}, "description"),
        ({"reference": "R" * 121}, "reference"),
        ({"target": ("no-such-line", None)}, "target"),
        ({"target": (None, "no-such-section")}, "target"),
        ({"target": (None, None)}, "target"),
        ({"estimate_id": 99}, "estimate_id"),
        ({"batch": "x"}, "batch"),
    ],
)
def test_a_bad_update_is_refused_and_nothing_changes(
    services: WorkspaceServices,
    estimate: Estimate,
    tmp_path: Path,
    changes: dict[str, object],
    field: str,
) -> None:
    actuals = services.actuals
    actual_id = actuals.add(estimate.estimate_id, draft("100.00", line=estimate.keys["a"]))
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        actuals.update(actual_id, {"description": "would be saved", **changes})
    assert error.value.field == field
    assert fingerprint(services, tmp_path) == before
    assert actuals.get(actual_id).description == ""


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (draft("1.00", line="no-such-line"), "target"),
        (draft("1.00", section="no-such-section"), "target"),
        (draft("1.00"), "target"),
        (draft("1.001", section="SECTION"), "cost"),
        (draft("NaN", section="SECTION"), "cost"),
        (draft("1.00", section="SECTION", hours="1.001"), "hours"),
        (draft("1.00", section="SECTION", on=date(2201, 1, 1)), "entry_date"),
        (draft("1.00", section="SECTION", reference="R" * 121), "reference"),
    ],
)
def test_a_bad_actual_is_refused_and_nothing_is_saved(
    services: WorkspaceServices,
    estimate: Estimate,
    tmp_path: Path,
    bad: ActualDraft,
    field: str,
) -> None:
    if bad.section_key == "SECTION":
        bad = dataclasses.replace(bad, section_key=estimate.keys["Design"])
    actuals = services.actuals
    actuals.add(estimate.estimate_id, draft("5.00", line=estimate.keys["a"]))
    before = fingerprint(services, tmp_path)
    good = draft("10.00", line=estimate.keys["c"])
    with pytest.raises(ValidationError) as error:
        actuals.add_many(estimate.estimate_id, [good, bad, good])  # all or none
    assert error.value.field == field
    with pytest.raises(ValidationError):
        actuals.add(estimate.estimate_id, bad)
    assert fingerprint(services, tmp_path) == before
    assert costs(actuals.entries(estimate.estimate_id)) == [("1.1", D("5.00"), None)]


def test_actuals_of_a_missing_or_deleted_estimate_are_refused(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    with pytest.raises(NotFoundError):
        services.actuals.add(987654, draft("1.00", section=estimate.keys["Design"]))
    with pytest.raises(NotFoundError):
        services.actuals.variance(987654)
    with pytest.raises(NotFoundError):
        services.actuals.get(987654)
    services.estimates.delete(estimate.estimate_id)
    with pytest.raises(NotFoundError):
        services.actuals.add(estimate.estimate_id, draft("1.00", section=estimate.keys["Design"]))


def test_purge_removes_for_good_and_add_with_the_id_brings_it_back(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    actuals = services.actuals
    keys = estimate.keys
    keep = actuals.add(estimate.estimate_id, draft("1.00", line=keys["a"]))
    first, second = actuals.add_many(
        estimate.estimate_id,
        [draft("2.00", line=keys["b"]), draft("3.00", section=keys["Build"], hours="1")],
        batch="batch-1",
    )
    assert {r.batch for r in actuals.entries(estimate.estimate_id)} == {None, "batch-1"}
    gone = actuals.get(second)
    actuals.purge([first, second, 424242])  # an id that is not there is ignored
    assert [r.id for r in actuals.entries(estimate.estimate_id)] == [keep]
    assert not [item for item in services.deleted_items() if item.kind == "actual"]
    with pytest.raises(NotFoundError):
        actuals.get(second)
    # redo: the same id again
    again = actuals.add(
        estimate.estimate_id,
        ActualDraft(
            entry_date=gone.entry_date,
            cost=gone.cost,
            hours=gone.hours,
            section_key=gone.section_key,
        ),
        actual_id=second,
    )
    assert again == second
    assert actuals.get(second).cost == D("3.00")


def test_delete_shows_in_deleted_items_and_restore_brings_it_back(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    actuals = services.actuals
    keys = estimate.keys
    one = actuals.add(estimate.estimate_id, draft("10.00", line=keys["a"], reference="INV-1"))
    two = actuals.add(estimate.estimate_id, draft("20.00", line=keys["c"], on=date(2026, 4, 5)))
    three = actuals.add(estimate.estimate_id, draft("30.00", section=keys["Build"]))
    before = actuals.entries(estimate.estimate_id)

    assert actuals.count(estimate.estimate_id) == 3
    deletion = actuals.delete(one)
    assert actuals.count(estimate.estimate_id) == 2
    assert [r.id for r in actuals.entries(estimate.estimate_id)] == [three, two]  # by date
    assert actuals.variance(estimate.estimate_id).variance.figures.actual_cost == D("50.00")
    with pytest.raises(NotFoundError):
        actuals.get(one)
    with pytest.raises(NotFoundError):
        actuals.update(one, {"cost": D(1)})
    items = [item for item in services.deleted_items() if item.kind == "actual"]
    assert len(items) == 1
    item = items[0]
    assert (item.deletion_id, item.entity_id, item.account_name) == (deletion, one, "Lotus Bank")
    assert item.name == f"Actual of 2026-04-02 (INV-1), {estimate.number}"
    assert services.service_for("actual") is actuals

    assert services.restore(item) == [one]
    assert actuals.count(estimate.estimate_id) == 3
    assert actuals.entries(estimate.estimate_id) == before
    assert not [item for item in services.deleted_items() if item.kind == "actual"]

    group = actuals.delete_many([two, three])
    items = [item for item in services.deleted_items() if item.kind == "actual"]
    assert {(i.deletion_id, i.entity_id) for i in items} == {(group, two), (group, three)}
    assert {i.name for i in items} == {
        f"Actual of 2026-04-05, {estimate.number}",
        f"Actual of 2026-04-02, {estimate.number}",
    }
    assert sorted(actuals.restore(group)) == [two, three]
    assert actuals.entries(estimate.estimate_id) == before


def test_delete_many_is_all_or_none(services: WorkspaceServices, estimate: Estimate) -> None:
    actuals = services.actuals
    one = actuals.add(estimate.estimate_id, draft("10.00", line=estimate.keys["a"]))
    with pytest.raises(NotFoundError):
        actuals.delete_many([one, 987654])
    assert [r.id for r in actuals.entries(estimate.estimate_id)] == [one]


def test_actuals_of_a_deleted_estimate_leave_deleted_items(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    one = services.actuals.add(estimate.estimate_id, draft("10.00", line=estimate.keys["a"]))
    services.actuals.delete(one)
    assert [i.kind for i in services.deleted_items()] == ["actual"]
    services.estimates.delete(estimate.estimate_id)
    assert [i.kind for i in services.deleted_items()] == ["estimate"]


def test_changing_the_currency_never_changes_a_booked_cost(
    services: WorkspaceServices, estimate: Estimate
) -> None:
    actuals = services.actuals
    actual_id = actuals.add(estimate.estimate_id, draft("12.34", line=estimate.keys["a"]))
    # refusing the change (yen cannot hold 12.34) is as good as keeping the value
    with contextlib.suppress(ValidationError):
        services.estimates.update_revision(estimate.revision_id, {"currency": "JPY"})
    assert actuals.get(actual_id).cost == D("12.34")


# -- project variance ----------------------------------------------------------------------------


def test_project_variance_is_per_currency(services: WorkspaceServices, usd: int) -> None:
    project = services.projects.create(usd, ProjectDraft("Website relaunch", code="WEB"))
    first = new_estimate(services, usd, title="Phase 1", project_id=project)
    second = new_estimate(services, usd, title="Phase 2", project_id=project)
    euro = new_estimate(services, usd, title="Berlin shoot", project_id=project, currency="EUR")
    dropped = new_estimate(services, usd, title="Dropped", project_id=project)
    new_estimate(services, usd, title="Other project")  # not in the project
    new_estimate(services, usd, title="Not yet", project_id=project)  # no approval, no costs
    approve(services, first)
    actuals = services.actuals
    actuals.add(first.estimate_id, draft("450.00", line=first.keys["a"], hours="11"))
    actuals.add(second.estimate_id, draft("99.99", section=second.keys["Build"]))
    actuals.add(euro.estimate_id, draft("700.00", line=euro.keys["c"]))
    actuals.add(dropped.estimate_id, draft("5000.00", line=dropped.keys["c"]))
    services.estimates.delete(dropped.estimate_id)

    result = actuals.project_variance(project)
    assert [(p.currency, p.estimates) for p in result] == [("EUR", 1), ("USD", 2)]
    eur, usd_total = result
    # each estimate plans 400 + 100 + 500 = 1000 at cost, 10 h, and nets 2100
    assert eur.figures == VarianceFigures(D("1000.00"), D("700.00"), D(10), None)
    assert eur.contracted_net == D("2100.00")
    assert usd_total.figures == VarianceFigures(D("2000.00"), D("549.99"), D(20), D(11))
    assert usd_total.contracted_net == D("4200.00")
    assert usd_total.figures.cost_variance == D("-1450.01")
    assert usd_total.figures.burn_percent == D("27.5")  # 549.99 / 2000 = 27.4995 %
    assert actuals.project_variance(987654) == []


# -- the demo ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServices]:
    path = tmp_path_factory.mktemp("demo_actuals") / "demo.keyplan"
    with create_demo_workspace(path, today=date(2026, 3, 16)) as opened:
        yield opened


def test_the_demo_books_actuals_on_its_approved_estimates(demo: WorkspaceServices) -> None:
    approved = 0
    for summary in demo.estimates.summaries():
        report = demo.actuals.variance(summary.estimate_id)
        entries = demo.actuals.entries(summary.estimate_id)
        figures = report.variance.figures
        if not report.approved:
            assert entries == []
            assert figures.actual_cost == 0
            continue
        approved += 1
        assert entries
        assert all(entry.ref for entry in entries)  # every actual names a line or section
        assert figures.actual_cost > 0
        assert figures.actual_cost == sum((entry.cost for entry in entries), D(0))
        hours = [entry.hours for entry in entries if entry.hours is not None]
        assert figures.actual_hours == (sum(hours, D(0)) if hours else None)
        assert report.variance.unmatched.actual_cost == 0
        # per line: what the entries booked to it
        for section in report.variance.sections:
            for line in section.lines:
                booked = [e.cost for e in entries if e.line_key == line.key]
                assert line.figures.actual_cost == sum(booked, D(0)), line.ref
            to_section = [
                e.cost for e in entries if e.line_key is None and e.section_key == section.key
            ]
            assert section.unallocated.actual_cost == sum(to_section, D(0))
    assert approved >= 2


# -- the schema upgrade --------------------------------------------------------------------------


def test_a_workspace_at_schema_0002_is_upgraded_with_hours_per_day_8(tmp_path: Path) -> None:
    path = tmp_path / "old.keyplan"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id={APPLICATION_ID}")
    raw.commit()
    raw.close()
    engine = migrate.migration_engine(path)
    try:
        with engine.begin() as connection:
            command.upgrade(migrate.alembic_config(connection), "0002")
            assert "estimate_actual" not in inspect(connection).get_table_names()
            connection.exec_driver_sql(
                "INSERT INTO agency_profile (id, name, legal_name, address, tax_id, logo, "
                "logo_mime, brand_colour, default_currency, default_tax_rate, paper_size, "
                "margin_floor_percent, estimate_number_pattern, payment_terms, "
                "fiscal_year_start_month, created_at, updated_at) VALUES (1, 'Mekong Media', "
                "'Mekong Media JSC', 'Hà Nội', '0101', NULL, '', '#0055AA', 'VND', '10', 'A4', "
                "'25', 'MM-{year}-{seq:03}', 'Net 30', 4, '2026-01-01T00:00:00+00:00', "
                "'2026-01-01T00:00:00+00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO account (name, legal_name, kind, industry, market, tier, currency, "
                "status, health, health_reason, notes, created_at, updated_at) VALUES ('Sen "
                "Việt', '', 'standalone', '', 'VN', 'VIP', 'VND', 'active', 'green', '', '', "
                "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
            )
    finally:
        engine.dispose()

    with WorkspaceServices.open(path, backup_dir=tmp_path / "backups") as services:
        assert services.migrated_from == "0002"
        assert services.workspace.schema_revision() == migrate.head_revision()
        profile = services.agency.get()
        assert profile.hours_per_day == D(8)
        assert (profile.name, profile.fiscal_year_start_month) == ("Mekong Media", 4)
        account = services.accounts.all()[0].id
        estimate = new_estimate(services, account)
        actual_id = services.actuals.add(
            estimate.estimate_id, draft("250000", line=estimate.keys["a"], hours="8")
        )
        assert services.actuals.get(actual_id).cost == D(250000)
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert "estimate_actual" in tables
        assert connection.execute("SELECT hours_per_day FROM agency_profile").fetchall() == [("8",)]
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
