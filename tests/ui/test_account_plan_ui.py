"""The Account plan tab driven like a user does: a plan from a template, the summary, a SWOT
item, a KPI with a bad number (red cell, nothing saved), a whitespace cell, undo and redo,
a frozen snapshot, the completeness bar, templates, the PDF, and a 450 px wide window."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.account_plan_panel import AccountPlanPanel


def _open_plan_tab(window: MainWindow, name: str = "Aurora Japan") -> tuple[AccountPlanPanel, int]:
    assert window.session is not None and window.account_view is not None
    account_id = next(a.id for a in window.session.services.accounts.all() if a.name == name)
    window.show_account(account_id)
    view = window.account_view
    view.tabs.setCurrentWidget(view.plan)
    return view.plan, account_id


def _cell_editor(table) -> QLineEdit:  # type: ignore[no-untyped-def]
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def _type_into_cell(qtbot, table, text: str) -> None:  # type: ignore[no-untyped-def]
    editor = _cell_editor(table)
    editor.selectAll()
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:  # QTest types ASCII only: the text is put in as an input method would
        editor.insert(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def _new_plan(qtbot, panel: AccountPlanPanel, template: str = "Strategic account") -> int:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(panel.findChild(QPushButton, "new_plan"), Qt.MouseButton.LeftButton)
    dialog = panel.open_new_plan()
    assert dialog is not None
    combo = dialog.template_combo
    combo.setCurrentIndex(combo.findText(template))
    dialog.accept()
    assert panel.plan is not None
    return panel.plan.id


def test_a_new_plan_from_a_template_and_its_undo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, account_id = _open_plan_tab(opened)
    services = opened.session.services  # type: ignore[union-attr]
    assert panel.empty.isVisibleTo(panel) and not panel.tabs.isVisibleTo(panel)
    plan_id = _new_plan(qtbot, panel)
    plan = services.plans.get(plan_id)
    assert plan.template == "Strategic account" and plan.account_id == account_id
    assert panel.tabs.isVisibleTo(panel) and not panel.empty.isVisibleTo(panel)
    assert panel.objectives.model.rowCount() == len(plan.objectives) == 3
    assert panel.whitespace.model.rowCount() == len(plan.services)
    assert panel.year.currentText().startswith(str(plan.year))
    # the template's prompts show where the plan is still empty
    assert "client values" in panel.swot["strength"].hint.text()
    situation = panel.form.fields["situation"].widget
    assert isinstance(situation, QPlainTextEdit) and situation.placeholderText()

    stack = opened.session.undo_stack  # type: ignore[union-attr]
    stack.undo()
    assert services.plans.plans_for(account_id) == []
    assert panel.empty.isVisibleTo(panel)
    stack.redo()
    assert services.plans.get(plan_id) == plan  # the same plan, the same ids
    assert panel.plan is not None and panel.plan.id == plan_id


def test_a_second_plan_for_the_same_year_is_refused_in_the_dialog(
    opened: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    panel, account_id = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel)
    year = opened.session.services.plans.get(plan_id).year  # type: ignore[union-attr]
    dialog = panel.open_new_plan()
    assert dialog is not None
    assert dialog.year() == year + 1  # the first year without a plan
    dialog.year_edit.setValue(year)
    dialog.accept()
    assert "already a plan" in dialog.error.text()
    assert len(opened.session.services.plans.plans_for(account_id)) == 1  # type: ignore[union-attr]


def test_edit_the_summary_and_a_bad_revenue_target(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, _ = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel, "Growth account")
    services = opened.session.services  # type: ignore[union-attr]
    panel.tabs.setCurrentIndex(0)
    situation = panel.form.fields["situation"].widget
    assert isinstance(situation, QPlainTextEdit)
    opened.activateWindow()  # focus, and so "leaving the field", needs the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is opened, timeout=2000)
    situation.setFocus()
    qtbot.keyClicks(situation, "Marketplace sales up 40 %; ")
    situation.insertPlainText("新しいCMO since April.")  # typed with an input method
    qtbot.keyClick(situation, Qt.Key.Key_Tab)  # leaving the field saves it
    assert (
        services.plans.get(plan_id).situation == "Marketplace sales up 40 %; 新しいCMO since April."
    )

    revenue = panel.form.fields["revenue_target"].widget
    assert isinstance(revenue, QLineEdit)
    revenue.setFocus()
    qtbot.keyClicks(revenue, "12abc")
    qtbot.keyClick(revenue, Qt.Key.Key_Return)
    assert panel.form.error_text("revenue_target") != ""
    assert services.plans.get(plan_id).revenue_target is None
    revenue.selectAll()
    qtbot.keyClicks(revenue, "25,000,000")
    qtbot.keyClick(revenue, Qt.Key.Key_Return)
    assert panel.form.error_text("revenue_target") == ""
    assert services.plans.get(plan_id).revenue_target == Decimal(25_000_000)

    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.plans.get(plan_id).revenue_target is None
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.plans.get(plan_id).situation == ""
    assert situation.toPlainText() == ""
    opened.session.undo_stack.redo()  # type: ignore[union-attr]
    assert situation.toPlainText().startswith("Marketplace sales")


def test_add_a_swot_item_and_completeness_moves(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, _ = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel)
    services = opened.session.services  # type: ignore[union-attr]
    panel.tabs.setCurrentIndex(1)
    before = panel.completeness.value()
    assert "SWOT: add strengths" in panel.completeness.toolTip()
    quadrant = panel.swot["strength"]
    qtbot.mouseClick(
        quadrant.findChild(QPushButton, "add_swot_strength"), Qt.MouseButton.LeftButton
    )
    _type_into_cell(qtbot, quadrant.table, "Trusted by 佐藤さん for mega-sales")
    assert [i.text for i in services.plans.get(plan_id).swot_items("strength")] == [
        "Trusted by 佐藤さん for mega-sales"
    ]
    assert panel.completeness.value() > before
    assert "SWOT: add weaknesses" in panel.completeness.toolTip()
    assert not quadrant.hint.isVisibleTo(quadrant)  # the prompt goes once there is an item
    # Remove, then undo puts it back
    quadrant.table.setCurrentIndex(quadrant.model.index(0, 0))
    qtbot.mouseClick(
        quadrant.findChild(QPushButton, "remove_swot_strength"), Qt.MouseButton.LeftButton
    )
    assert services.plans.get(plan_id).swot == ()
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert len(services.plans.get(plan_id).swot) == 1


def test_a_kpi_with_a_bad_number_shows_an_error_and_saves_nothing(
    opened: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    panel, _ = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel, "Growth account")
    services = opened.session.services  # type: ignore[union-attr]
    panel.tabs.setCurrentIndex(2)
    kpis = panel.kpis
    count = kpis.model.rowCount()
    qtbot.mouseClick(kpis.findChild(QPushButton, "add_kpis"), Qt.MouseButton.LeftButton)
    _type_into_cell(qtbot, kpis.table, "Conversion rate")
    assert kpis.model.rowCount() == count + 1
    kpi = next(k for k in services.plans.get(plan_id).kpis if k.metric == "Conversion rate")

    kpis.edit_cell(kpi.id, "target")
    _type_into_cell(qtbot, kpis.table, "2,5,1")
    index = kpis.model.index(kpis.model.row_of(kpi.id), kpis.model.column_of("target"))
    assert index.data(Qt.ItemDataRole.ToolTipRole)  # the reason, in red
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert services.plans.get(plan_id).kpis[-1].target is None

    kpis.edit_cell(kpi.id, "period")
    _type_into_cell(qtbot, kpis.table, "Q3")
    period = kpis.model.index(kpis.model.row_of(kpi.id), kpis.model.column_of("period"))
    assert "not a period" in period.data(Qt.ItemDataRole.ToolTipRole)

    kpis.edit_cell(kpi.id, "target")
    _type_into_cell(qtbot, kpis.table, "3.5")
    kpis.edit_cell(kpi.id, "actual")
    _type_into_cell(qtbot, kpis.table, "1.75")
    stored = services.plans.get(plan_id).kpis[-1]
    assert (stored.target, stored.actual, stored.progress) == (
        Decimal("3.5"),
        Decimal("1.75"),
        Decimal("50.0"),
    )
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None  # the error is gone
    # move it to the top: the table shows the new order, undo the old one
    kpis.select(kpi.id)
    qtbot.mouseClick(kpis.findChild(QPushButton, "up_kpis"), Qt.MouseButton.LeftButton)
    assert kpis.model.row_of(kpi.id) == count - 1
    assert [k.id for k in services.plans.get(plan_id).kpis][count - 1] == kpi.id
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert kpis.model.row_of(kpi.id) == count
    progress = kpis.model.index(kpis.model.row_of(kpi.id), kpis.model.column_of("progress"))
    assert progress.data() == "50 %"


def test_set_a_whitespace_cell_with_undo_and_redo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, _ = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel)
    services = opened.session.services  # type: ignore[union-attr]
    panel.tabs.setCurrentWidget(panel.whitespace)
    grid = panel.whitespace
    table = grid.table
    index = grid.model.index(2, 1)
    assert index.data() == "Not known"
    table.setCurrentIndex(index)
    table.edit(index)
    combos = [w for w in table.viewport().findChildren(QComboBox) if w.isVisible()]
    assert len(combos) == 1
    combos[0].setCurrentIndex(combos[0].findData("opportunity"))
    qtbot.keyClick(combos[0], Qt.Key.Key_Return)  # the choice is committed
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    plan = services.plans.get(plan_id)
    service, segment = plan.services[2], plan.segments[1]
    assert plan.cell_status(service.id, segment.id) == "opportunity"
    assert grid.model.index(2, 1).data() == "Opportunity"
    assert grid.model.index(2, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    stack = opened.session.undo_stack  # type: ignore[union-attr]
    stack.undo()
    assert services.plans.get(plan_id).cell_status(service.id, segment.id) == "unknown"
    assert grid.model.index(2, 1).data() == "Not known"
    stack.redo()
    assert services.plans.get(plan_id).cell_status(service.id, segment.id) == "opportunity"
    # add a column, rename it, remove it; undo brings it back with its cell
    column = grid.add_axis("segment", "Hokkaido")
    assert column is not None and grid.model.columnCount() == len(plan.segments) + 1
    grid.set_cell(service.id, column, "active")
    assert grid.rename(services.plans.get(plan_id).segments[-1], "Kyushu") is None
    assert services.plans.get(plan_id).segments[-1].label == "Kyushu"
    assert grid.rename(services.plans.get(plan_id).segments[0], "Kyushu")  # a clash: refused
    grid.remove(services.plans.get(plan_id).segments[-1])
    assert column not in [s.id for s in services.plans.get(plan_id).segments]
    stack.undo()
    assert services.plans.get(plan_id).cell_status(service.id, column) == "active"


def test_freeze_a_snapshot_and_view_it_after_the_plan_moved_on(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, _ = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel)
    services = opened.session.services  # type: ignore[union-attr]
    services.plans.update(plan_id, {"situation": "Before the QBR"})
    panel.reload()
    panel.tabs.setCurrentIndex(panel.tabs.count() - 1)
    snapshot = panel.freeze_snapshot("Before the Q3 business review")
    assert snapshot is not None
    assert panel.snapshot_model.rowCount() == 1
    assert panel.snapshot_model.item(0, 1).text() == "Before the Q3 business review"
    services.plans.update(plan_id, {"situation": "After the QBR"})
    panel.reload()
    panel.snapshot_table.selectRow(0)
    dialog = panel.view_snapshot()
    assert dialog is not None
    html = dialog.browser.toPlainText()
    assert "Before the QBR" in html and "After the QBR" not in html
    assert "Before the Q3 business review" in dialog.windowTitle()
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.plans.snapshots(plan_id) == []
    opened.session.undo_stack.redo()  # type: ignore[union-attr]
    assert services.plans.snapshot_document(snapshot).situation == "Before the QBR"


def test_templates_dialog_refuses_bad_json_and_saves_good(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, account_id = _open_plan_tab(opened)
    services = opened.session.services  # type: ignore[union-attr]
    dialog = panel.open_templates()
    qtbot.addWidget(dialog)
    assert dialog.current() is not None and dialog.current().builtin  # type: ignore[union-attr]
    assert dialog.json.isReadOnly() and not dialog.save_button.isEnabled()
    template_id = dialog.copy_current("Japan marketplace")
    assert template_id is not None and dialog.current().id == template_id  # type: ignore[union-attr]
    good = dialog.json.toPlainText()
    dialog.json.setPlainText(good.replace('"likelihood": 3', '"likelihood": 8', 1))
    assert "likelihood: 8 is not from 1 to 5" in dialog.error.text()
    assert not dialog.save_json()
    assert services.plans.templates.get(template_id).json == good
    dialog.json.setPlainText(good.replace('"Strategy"', '"Marketplace ads"', 1))
    assert dialog.error.text() == ""
    assert dialog.save_json()
    assert services.plans.templates.get(template_id).content.services[0] == "Marketplace ads"
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.plans.templates.get(template_id).content.services[0] == "Strategy"
    opened.session.undo_stack.redo()  # type: ignore[union-attr]
    new_plan = panel.new_plan(2031, template_id)
    assert new_plan is not None
    assert services.plans.get(new_plan).services[0].label == "Marketplace ads"
    assert services.plans.find(account_id, 2031) == new_plan


def test_export_the_plan_client_safe_and_internal(
    opened: MainWindow, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    panel, _ = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel)
    services = opened.session.services  # type: ignore[union-attr]
    services.plans.update(plan_id, {"internal_notes": "Do not discount SECRET-7781"})
    panel.reload()
    client = panel.export_pdf(tmp_path / "client.pdf", "client")
    internal = panel.export_pdf(tmp_path / "internal.pdf", "internal")
    assert client is not None and internal is not None

    def text(path: Path) -> str:
        return " ".join(page.extract_text() for page in PdfReader(str(path)).pages)

    assert "SECRET-7781" not in text(client) and "INTERNAL" not in text(client)
    assert "SECRET-7781" in text(internal) and "Top risks" in text(internal)
    assert opened.errors == []  # type: ignore[attr-defined]


def test_delete_the_plan_and_undo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, account_id = _open_plan_tab(opened)
    plan_id = _new_plan(qtbot, panel)
    services = opened.session.services  # type: ignore[union-attr]
    qtbot.mouseClick(panel.findChild(QPushButton, "delete_plan"), Qt.MouseButton.LeftButton)
    assert services.plans.plans_for(account_id) == []
    assert panel.empty.isVisibleTo(panel)
    assert any(i.kind == "account_plan" for i in services.deleted_items())
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert [p.id for p in services.plans.plans_for(account_id)] == [plan_id]
    assert panel.plan is not None and panel.plan.id == plan_id


def test_the_plan_tab_works_450_px_wide(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel, account_id = _open_plan_tab(opened)
    _new_plan(qtbot, panel)
    assert panel.minimumSizeHint().width() <= 420, panel.minimumSizeHint().width()
    for index in range(panel.tabs.count()):
        page = panel.tabs.widget(index)
        assert page.minimumSizeHint().width() <= 420, panel.tabs.tabText(index)
    # alone in a 450 px window, the SWOT quadrants stack instead of sitting 2 x 2
    narrow = AccountPlanPanel(opened.session)  # type: ignore[arg-type]
    qtbot.addWidget(narrow)
    narrow.show_account(account_id)
    narrow.resize(450, 700)
    narrow.show()
    narrow.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: narrow.swot["strength"].parentWidget().columns == 1)  # type: ignore[attr-defined]
    narrow.resize(1000, 700)
    qtbot.waitUntil(lambda: narrow.swot["strength"].parentWidget().columns == 2)  # type: ignore[attr-defined]
