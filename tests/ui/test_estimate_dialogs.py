"""The estimate dialogs driven like a user: decisions, the revision diff, a new estimate."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from keyplan.services.estimate_records import LineDraft, ProjectDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.decision_dialogs import ApprovalDialog, RejectionDialog
from keyplan.ui.dialogs.new_estimate_dialog import NewEstimateDialog
from keyplan.ui.dialogs.revision_diff_dialog import RevisionDiffDialog, delta_text
from keyplan.ui.formatting import money_text
from keyplan.ui.main_window import MainWindow

D = Decimal


def _ok(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _services(window: MainWindow) -> WorkspaceServices:
    assert window.session is not None
    return window.session.services


def _account_id(services: WorkspaceServices, name: str) -> int:
    return next(a.id for a in services.accounts.all() if a.name == name)


# -- approval and rejection ---------------------------------------------------------------------


def test_approval_needs_an_approver_and_a_date_not_before_sending(qtbot) -> None:  # type: ignore[no-untyped-def]
    sent_on = date.today() - timedelta(days=5)
    dialog = ApprovalDialog(None, title="KP-2026-0001 · Brand launch, revision 2", sent_on=sent_on)
    qtbot.addWidget(dialog)
    dialog.show()
    assert sent_on.isoformat() in dialog.context.text()
    approved_on = dialog.form.fields["approved_on"].widget
    assert isinstance(approved_on, QDateEdit)
    assert approved_on.date().toPython() == date.today()  # default: today

    _ok(dialog)
    assert dialog.isVisible()  # refused
    assert dialog.form.error_text("approved_by") == "Enter who approved at the client."

    approver = dialog.form.fields["approved_by"].widget
    assert isinstance(approver, QLineEdit)
    qtbot.keyClicks(approver, "Tran ")
    approver.insert("Thị Hương")  # QTest types ASCII only
    approver.textEdited.emit(approver.text())
    assert dialog.form.error_text("approved_by") == ""  # cleared as typed

    approved_on.setDate(QDate(sent_on - timedelta(days=1)))
    assert "cannot come before the estimate was sent" in dialog.form.error_text("approved_on")
    _ok(dialog)
    assert dialog.isVisible()  # still refused

    approved_on.setDate(QDate(sent_on))
    assert dialog.form.error_text("approved_on") == ""
    po = dialog.form.fields["po_number"].widget
    assert isinstance(po, QLineEdit)
    qtbot.keyClicks(po, "  PO-4471  ")
    _ok(dialog)
    assert not dialog.isVisible()
    assert dialog.result() == ApprovalDialog.DialogCode.Accepted
    assert dialog.values() == ("Tran Thị Hương", sent_on, "PO-4471")


def test_approval_without_a_po_and_without_a_sent_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ApprovalDialog(None, title="KP-2026-0002", sent_on=None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.context.isHidden()
    approver = dialog.form.fields["approved_by"].widget
    qtbot.keyClicks(approver, "Kim Min-jun")
    qtbot.keyClick(approver, Qt.Key.Key_Tab)
    _ok(dialog)
    assert dialog.result() == ApprovalDialog.DialogCode.Accepted
    assert dialog.values() == ("Kim Min-jun", date.today(), "")


def test_rejection_records_date_and_reason(qtbot) -> None:  # type: ignore[no-untyped-def]
    sent_on = date.today() - timedelta(days=3)
    dialog = RejectionDialog(None, title="KP-2026-0003 · Tết campaign", sent_on=sent_on)
    qtbot.addWidget(dialog)
    dialog.show()
    rejected_on = dialog.form.fields["rejected_on"].widget
    assert isinstance(rejected_on, QDateEdit)
    rejected_on.setDate(QDate(sent_on - timedelta(days=10)))
    _ok(dialog)
    assert dialog.isVisible()
    assert "cannot come before" in dialog.form.error_text("rejected_on")
    rejected_on.setDate(QDate(sent_on + timedelta(days=1)))
    reason = dialog.form.fields["reason"].widget
    assert isinstance(reason, QPlainTextEdit)
    qtbot.keyClicks(reason, "Budget moved to Q3. ")
    reason.insertPlainText("Ngân sách chuyển sang quý 3.")
    _ok(dialog)
    assert dialog.result() == RejectionDialog.DialogCode.Accepted
    assert dialog.values() == (
        sent_on + timedelta(days=1),
        "Budget moved to Q3. Ngân sách chuyển sang quý 3.",
    )


# -- the revision diff --------------------------------------------------------------------------


@pytest.fixture
def revised(opened: MainWindow) -> tuple[int, int, int]:
    """An estimate sent as revision 1, then revised: one line changed, one removed, one added."""
    services = _services(opened)
    account_id = _account_id(services, "Aurora Group")
    estimates = services.estimates
    ref = estimates.create(account_id, "Brand launch", currency="USD", tax_rate=D(10))
    first = estimates.document(ref.revision_id)
    scope = first.sections[0].id
    for draft in (
        LineDraft(
            description="Strategy workshop",
            quantity=D(10),
            unit="hour",
            unit_price=D(150),
            unit_cost=D(60),
            role="Strategist",
        ),
        LineDraft(
            description="Key visual",
            quantity=D(20),
            unit="hour",
            unit_price=D(120),
            unit_cost=D(50),
            role="Designer",
        ),
        LineDraft(kind="fixed_fee", description="Printing", unit_price=D(2000), unit_cost=D(1500)),
    ):
        estimates.add_line(scope, draft)
    estimates.send(ref.revision_id, date.today())
    second_id = estimates.revise(ref.estimate_id)
    second = estimates.document(second_id)
    by_name = {line.description: line for line in second.lines}
    estimates.update_line(by_name["Strategy workshop"].id, {"quantity": D(12)})
    estimates.delete_lines([by_name["Printing"].id])
    production = estimates.add_section("Production", revision_id=second_id)
    estimates.add_line(
        production,
        LineDraft(kind="expense", description="Chi phí đi lại Hà Nội", unit_price=D("850.50")),
    )
    return ref.estimate_id, ref.revision_id, second_id


def _rows(model) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_diff_lists_added_removed_and_changed_lines(
    opened: MainWindow, revised: tuple[int, int, int], qtbot
) -> None:  # type: ignore[no-untyped-def]
    services = _services(opened)
    estimate_id, first_id, second_id = revised
    dialog = RevisionDiffDialog(services, estimate_id, first_id, second_id, opened)
    qtbot.addWidget(dialog)
    dialog.show()

    old_combo = dialog.findChild(QComboBox, "old_revision")
    new_combo = dialog.findChild(QComboBox, "new_revision")
    today = date.today().isoformat()
    assert [old_combo.itemText(i) for i in range(old_combo.count())] == [
        f"Revision 1 — Superseded — {today}",
        f"Revision 2 — Draft — {today}",
    ]
    assert old_combo.currentData() == first_id and new_combo.currentData() == second_id

    rows = {row[2]: row for row in _rows(dialog.lines_model)}
    assert set(rows) == {"Strategy workshop", "Printing", "Chi phí đi lại Hà Nội"}
    assert rows["Strategy workshop"][:4] == [
        "Changed",
        "Scope",
        "Strategy workshop",
        "Quantity: 10 → 12",
    ]
    assert rows["Strategy workshop"][4:] == ["1,500.00", "1,800.00", "+300.00"]
    assert rows["Printing"][0] == "Removed" and rows["Printing"][4:] == [
        "2,000.00",
        "",
        "-2,000.00",
    ]
    assert rows["Chi phí đi lại Hà Nội"][:2] == ["Added", "Production"]
    assert rows["Chi phí đi lại Hà Nội"][4:] == ["", "850.50", "+850.50"]
    colours = {
        dialog.lines_model.index(row, 0).data(): dialog.lines_model.index(row, 0)
        .data(Qt.ItemDataRole.BackgroundRole)
        .color()
        .name()
        for row in range(dialog.lines_model.rowCount())
    }
    assert colours == {"Added": "#d7efd2", "Removed": "#f9d6d5", "Changed": "#fcebc4"}

    assert _rows(dialog.sections_model) == [
        ["Scope", "5,900.00", "4,200.00", "-1,700.00"],
        ["Production", "0.00", "850.50", "+850.50"],
    ]

    old_doc = services.estimates.document(first_id)
    new_doc = services.estimates.document(second_id)
    totals = {row[0]: row[1:] for row in _rows(dialog.totals_model)}
    assert totals["Subtotal"] == ["5,900.00", "5,050.50", "-849.50"]
    assert totals["Tax 10 %"] == ["590.00", "505.05", "-84.95"]
    assert totals["Total"] == [
        money_text(old_doc.totals.total, "USD"),
        money_text(new_doc.totals.total, "USD"),
        delta_text(new_doc.totals.total - old_doc.totals.total, "USD"),
    ]
    assert totals["Total"][2] == "-934.45"
    # internal figures: 10 h x 60 -> 12 h x 60, printing cost gone
    assert totals["Internal cost"] == ["3,100.00", "1,720.00", "-1,380.00"]
    assert "1 added, 1 removed, 1 changed" in dialog.summary.text()

    # the same revision on both sides: nothing changed
    new_combo.setCurrentIndex(new_combo.findData(first_id))
    assert dialog.lines_model.rowCount() == 0
    assert "No line changed" in dialog.summary.text()
    # swapped: the changes read the other way round
    new_combo.setCurrentIndex(new_combo.findData(second_id))
    qtbot.mouseClick(dialog.findChild(QPushButton, "swap_revisions"), Qt.MouseButton.LeftButton)
    assert old_combo.currentData() == second_id and new_combo.currentData() == first_id
    swapped = {row[2]: row[0] for row in _rows(dialog.lines_model)}
    assert swapped == {
        "Strategy workshop": "Changed",
        "Printing": "Added",
        "Chi phí đi lại Hà Nội": "Removed",
    }


def test_diff_copy_puts_tab_separated_lines_on_the_clipboard(
    opened: MainWindow, revised: tuple[int, int, int], qtbot
) -> None:  # type: ignore[no-untyped-def]
    estimate_id, first_id, second_id = revised
    dialog = RevisionDiffDialog(_services(opened), estimate_id, first_id, second_id, opened)
    qtbot.addWidget(dialog)
    dialog.show()
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.findChild(QPushButton, "copy_changes"), Qt.MouseButton.LeftButton)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == [
        "Status",
        "Section",
        "Description",
        "Changes",
        "Old amount",
        "New amount",
        "Delta",
    ]
    assert len(lines) == 4
    assert "Changed\tScope\tStrategy workshop\tQuantity: 10 → 12\t1,500.00\t1,800.00\t+300.00" in (
        lines
    )


def test_internal_figures_stay_out_of_a_client_diff(
    opened: MainWindow, revised: tuple[int, int, int], qtbot
) -> None:  # type: ignore[no-untyped-def]
    estimate_id, first_id, second_id = revised
    dialog = RevisionDiffDialog(
        _services(opened), estimate_id, first_id, second_id, opened, internal=False
    )
    qtbot.addWidget(dialog)
    labels = [row[0] for row in _rows(dialog.totals_model)]
    assert labels == ["Subtotal", "Discount", "Contingency", "Agency fee", "Tax 10 %", "Total"]


# -- a new estimate -----------------------------------------------------------------------------


def test_new_estimate_needs_a_title_and_creates_through_services(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = _services(opened)
    japan = _account_id(services, "Aurora Japan")
    group = _account_id(services, "Aurora Group")
    project = services.projects.create(japan, ProjectDraft("Spring launch"))
    services.agency.update({"default_tax_rate": D(10)})

    dialog = NewEstimateDialog(services, japan, opened)
    qtbot.addWidget(dialog)
    dialog.show()
    fields = dialog.form.fields
    assert fields["account_id"].read() == japan
    assert fields["currency"].read() == "JPY"  # the account's currency
    assert fields["tax_rate"].widget.text() == "10"  # the agency's default
    assert fields["issued_on"].read() == date.today()
    projects = fields["project_id"].widget
    assert isinstance(projects, QComboBox)
    assert [projects.itemText(i) for i in range(projects.count())] == [
        "(no project)",
        "Spring launch",
    ]

    _ok(dialog)
    assert dialog.isVisible()
    assert dialog.form.error_text("title") == "Give the estimate a title."

    tax = fields["tax_rate"].widget
    assert isinstance(tax, QLineEdit)
    tax.selectAll()
    qtbot.keyClicks(tax, "ten")
    assert dialog.form.error_text("tax_rate") != ""  # checked as typed
    tax.selectAll()
    qtbot.keyClicks(tax, "8")
    assert dialog.form.error_text("tax_rate") == ""

    title = fields["title"].widget
    assert isinstance(title, QLineEdit)
    qtbot.keyClicks(title, "Spring launch ")
    title.insert("春")
    projects.setCurrentIndex(projects.findData(project))
    _ok(dialog)
    assert dialog.result() == NewEstimateDialog.DialogCode.Accepted
    values = dialog.values()
    assert values == {
        "account_id": japan,
        "title": "Spring launch 春",
        "project_id": project,
        "currency": "JPY",
        "issued_on": date.today(),
        "tax_rate": D(8),
    }
    ref = services.estimates.create(**values)
    document = services.estimates.document(ref.revision_id)
    assert (document.title, document.currency, document.tax_rate) == (
        "Spring launch 春",
        "JPY",
        D(8),
    )
    assert (document.account_id, document.project_name) == (japan, "Spring launch")

    # another account: its projects and currency
    other = NewEstimateDialog(services, None, opened)
    qtbot.addWidget(other)
    accounts = other.form.fields["account_id"].widget
    assert isinstance(accounts, QComboBox)
    accounts.setCurrentIndex(accounts.findData(group))
    assert other.form.fields["currency"].read() == "USD"
    other_projects = other.form.fields["project_id"].widget
    assert isinstance(other_projects, QComboBox)
    assert other_projects.count() == 1 and other_projects.itemData(0) is None
