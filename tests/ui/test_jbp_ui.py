"""The account's JBP tab driven like a user: create a plan, set a target, derive the QBPs,
enter an actual, read the business review, move the phase, sign off, undo all of it; and the
demo's plans at a 450 px width."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QPushButton

from keyplan.services.demo import create_demo_workspace
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.jbp_panel import JbpPanel

YEAR = date.today().year


def _open_jbp(window: MainWindow, name: str) -> tuple[int, JbpPanel]:
    assert window.session is not None and window.account_view is not None
    account_id = next(a.id for a in window.session.services.accounts.all() if a.name == name)
    window.show_account(account_id)
    view = window.account_view
    view.tabs.setCurrentWidget(view.jbp)
    return account_id, view.jbp


def _type_into_cell(qtbot, table, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the open cell editor (replacing its text) and press Enter, as a user does."""
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_plan_a_year_enter_an_actual_and_review_it(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id, panel = _open_jbp(opened, "Aurora Japan")
    services = opened.session.services  # type: ignore[union-attr]
    stack = opened.session.undo_stack  # type: ignore[union-attr]
    assert panel.empty.isVisible() and not panel.tabs.isVisible()
    assert "No joint business plan" in panel.empty.text()

    qtbot.mouseClick(panel.findChild(QPushButton, "new_jbp"), Qt.MouseButton.LeftButton)
    jbp_id = services.jbp.find(account_id, YEAR)
    assert jbp_id is not None
    assert panel.tabs.isVisible() and panel.year_combo.currentText() == str(YEAR)
    assert panel.title.text() == f"Joint business plan {YEAR}"

    # a target typed into its cell, in JPY (no decimals: 12.5 is refused in place)
    panel.tabs.setCurrentWidget(panel.measures)
    turnover = next(m for m in services.jbp.get(jbp_id).measures if m.metric == "turnover")
    panel.measures.edit_cell(turnover.id, "target")
    _type_into_cell(qtbot, panel.measures.table, "12.5")
    model = panel.measures.model
    index = model.index(model.row_of(turnover.id), model.column_of("target"))
    assert "JPY has no decimals" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert services.jbp.get(jbp_id).measure(turnover.id).target is None  # type: ignore[union-attr]
    panel.measures.edit_cell(turnover.id, "target")
    _type_into_cell(qtbot, panel.measures.table, "1,200,000")
    assert services.jbp.get(jbp_id).measure(turnover.id).target == Decimal(1_200_000)  # type: ignore[union-attr]
    assert index.data(Qt.ItemDataRole.ToolTipRole) is None
    # a growth target and a KPI added with their buttons, named at once
    qtbot.mouseClick(panel.findChild(QPushButton, "add_measure"), Qt.MouseButton.LeftButton)
    _type_into_cell(qtbot, panel.measures.table, "Repeat bookings")
    assert [t.name for t in services.jbp.get(jbp_id).targets][-1] == "Repeat bookings"
    qtbot.mouseClick(panel.findChild(QPushButton, "add_kpi"), Qt.MouseButton.LeftButton)
    _type_into_cell(qtbot, panel.measures.table, "Share of search")
    kpi = services.jbp.get(jbp_id).kpis
    assert [k.name for k in kpi] == ["Share of search"]

    # derive the QBPs: the button opens the dialog; the split is exact
    panel.tabs.setCurrentWidget(panel.periods)
    dialog = panel.periods.ask_derive("quarter")
    assert dialog is not None and dialog.findChild(QComboBox, "derive_how") is not None
    dialog.close()
    message = panel.periods.derive("quarter")
    assert message == "4 QBPs created."
    assert panel.periods.period_combo.count() == 4
    assert panel.periods.period_combo.currentText() == f"QBP Q1 {YEAR}"
    q1 = services.jbp.get(jbp_id).quarters[0]
    assert q1.value(turnover.id).target == Decimal(300_000)  # type: ignore[union-attr]

    # an actual typed into the QBP's figures
    cell = (q1.id, turnover.id)
    panel.periods.values.edit_cell(cell, "actual")  # type: ignore[arg-type]
    _type_into_cell(qtbot, panel.periods.values.table, "270,000")
    assert services.jbp.get(jbp_id).quarters[0].value(turnover.id).actual == Decimal(270_000)  # type: ignore[union-attr]
    values = panel.periods.values.model
    row = values.row_of(cell)  # type: ignore[arg-type]
    assert values.index(row, values.column_of("rag")).data() == "Amber"  # 10 % short
    assert values.index(row, values.column_of("achieved_percent")).data() == "90 %"

    # the business review of Q1 shows the variance
    panel.tabs.setCurrentWidget(panel.review)
    panel.review.choose(f"{YEAR}-Q1")
    table = panel.review.model
    cells = [table.index(0, column).data() for column in range(table.columnCount())]
    assert cells == ["Turnover", "JPY", "300,000", "270,000", "-30,000", "90 %", "Amber"]
    assert "0 on target, 1 close, 0 behind" in panel.review.summary.text()

    # the phase moves with a click on the stepper, and back with undo
    stepper = panel.stepper
    third = QPoint(int(stepper.width() * 2.5 / 5), stepper.height() // 2)
    qtbot.mouseClick(stepper, Qt.MouseButton.LeftButton, pos=third)
    assert services.jbp.get(jbp_id).phase == "initiative_planning"
    assert stepper.phase == "initiative_planning"
    stack.undo()
    assert services.jbp.get(jbp_id).phase == "foundation" and stepper.phase == "foundation"

    # undo, step by step: the actual, the derivation, the KPI, the target, the plan
    stack.undo()
    assert services.jbp.get(jbp_id).quarters[0].value(turnover.id).actual is None  # type: ignore[union-attr]
    stack.undo()
    assert services.jbp.get(jbp_id).periods == ()
    assert not panel.periods.period_combo.isVisible()
    stack.undo()
    stack.undo()
    assert services.jbp.get(jbp_id).kpis == ()
    stack.undo()
    stack.undo()
    assert len(services.jbp.get(jbp_id).targets) == 4
    stack.undo()
    assert services.jbp.get(jbp_id).measure(turnover.id).target is None  # type: ignore[union-attr]
    stack.undo()
    assert services.jbp.find(account_id, YEAR) is None and panel.empty.isVisible()
    stack.redo()  # the same plan again, with the same id
    assert services.jbp.find(account_id, YEAR) == jbp_id


def test_sign_off_errors_show_next_to_the_field(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id, panel = _open_jbp(opened, "Aurora Group")
    panel.new_plan(YEAR)
    services = opened.session.services  # type: ignore[union-attr]
    jbp_id = services.jbp.find(account_id, YEAR)
    form = panel.overview.form
    status = form.fields["status"].widget
    assert isinstance(status, QComboBox)
    status.setCurrentIndex(status.findData("signed"))
    status.activated.emit(status.currentIndex())
    assert "needs both signatures" in form.error_text("status")
    assert services.jbp.get(jbp_id).status == "draft"  # type: ignore[arg-type]
    title = form.fields["title"].widget
    assert isinstance(title, QLineEdit)
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Aurora × Lumen 2026")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert services.jbp.get(jbp_id).title == "Aurora × Lumen 2026"  # type: ignore[arg-type]
    assert panel.title.text() == "Aurora × Lumen 2026"
    # deleting the plan is undoable too
    qtbot.mouseClick(panel.findChild(QPushButton, "delete_jbp"), Qt.MouseButton.LeftButton)
    assert services.jbp.find(account_id, YEAR) is None
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.jbp.find(account_id, YEAR) == jbp_id


def test_the_demo_plans_at_450_px(window: MainWindow, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.keyplan"
    create_demo_workspace(path).close()
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    _account_id, panel = _open_jbp(window, "Sen Việt E-commerce")
    assert panel.record is not None and panel.record.status == "signed"
    assert panel.stepper.phase == panel.record.phase
    assert panel.minimumSizeHint().width() <= 450
    assert all(page.minimumSizeHint().width() <= 450 for page in panel.pages)
    window.resize(450 + window.width() - window.account_view.width(), 800)  # type: ignore[union-attr]
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        qtbot.wait(1)
    # Vietnamese text and figures: the scorecard and the rolled-up quarters
    assert panel.objectives.model.rowCount() == 4
    assert "Tăng doanh thu" in panel.objectives.model.records[0].statement
    assert panel.scorecard.model.rowCount() == len(panel.record.measures)
    assert panel.periods.period_combo.count() == 16  # 4 QBPs and 12 MBPs
    activities = panel.calendar.strip.activities
    assert activities and any(a.name.startswith("Chiến dịch") for a in activities)
    panel.grab().save(str(tmp_path / "jbp.png"))
