"""The estimate editor driven from the keyboard and the clipboard, as a user works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QComboBox, QLineEdit

from keyplan.domain.estimates import line_refs
from keyplan.services.estimate_records import LineDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.estimate_editor import EstimateEditor

D = Decimal


@pytest.fixture
def editor(qtbot, tmp_path: Path) -> Iterator[EstimateEditor]:  # type: ignore[no-untyped-def]
    services = WorkspaceServices.create(tmp_path / "e.keyplan", agency_name="Lumen")
    account = services.accounts.create(AccountDraft("Sen Việt", currency="VND", market="VN"))
    card = services.rate_cards.create_card("Agency VND", "VND")
    services.rate_cards.add_rate(
        card, "Designer", D(800000), D(400000), valid_from=date(2026, 1, 1)
    )
    services.rate_cards.add_rate(
        card, "Account Director", D(1500000), D(700000), valid_from=date(2026, 1, 1)
    )
    ref = services.estimates.create(account, "Tết campaign", tax_rate=D(10))
    session = WorkspaceSession(services)
    widget = EstimateEditor(session)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.show_revision(ref.revision_id)
    yield widget
    session.close()


def _document(editor: EstimateEditor):  # type: ignore[no-untyped-def]
    assert editor.revision_id is not None
    return editor.estimates.document(editor.revision_id)


def _type(qtbot, editor: EstimateEditor, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the cell editor that is open (ASCII only, as QTest can) and press Enter."""
    editors = [w for w in editor.grid.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    field = editors[0]
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.grid.state() != QAbstractItemView.State.EditingState)


def _go(editor: EstimateEditor, line_id: int, key: str) -> None:
    editor.grid.setFocus()
    editor.focus_cell(line_id, key)


def test_build_an_estimate_from_the_keyboard(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    editor.estimates.add_line(section, LineDraft(description="Next"))
    editor.refresh()
    editor.grid.setFocus()
    editor.grid.setCurrentIndex(editor.model.index(0, 0))  # the section row
    editor.actions_["add_line"].trigger()  # the description cell opens for typing
    _type(qtbot, editor, "Key visual design")
    line, following = _document(editor).lines
    assert (line.description, following.description) == ("Key visual design", "Next")
    # Enter moved down like a spreadsheet: the cursor is on the next line now
    assert editor.grid.currentIndex().row() == editor.model.row_of_line(following.id)

    _go(editor, line.id, "quantity")
    qtbot.keyClick(editor.grid, Qt.Key.Key_4)  # type-to-edit starts the editor with "4"
    qtbot.keyClick(editor.grid.focusWidget(), Qt.Key.Key_0)
    qtbot.keyClick(editor.grid.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.grid.state() != QAbstractItemView.State.EditingState)
    _go(editor, line.id, "unit_price")
    editor.grid.edit(editor.grid.currentIndex())
    _type(qtbot, editor, "800,000")
    line = _document(editor).line(line.id)
    assert (line.quantity, line.unit_price, line.amount) == (D(40), D(800000), D(32000000))
    assert editor.totals.values["total"] == "35,200,000"  # 32,000,000 + 10 % tax, live


def test_role_picker_fills_the_rate(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    line_id = editor.estimates.add_line(section, LineDraft(description="Design", quantity=D(10)))
    editor.refresh()
    _go(editor, line_id, "who")
    editor.grid.edit(editor.grid.currentIndex())
    combo = next(w for w in editor.grid.viewport().findChildren(QComboBox) if w.isVisible())
    combo.setCurrentIndex(combo.findText("Designer", Qt.MatchFlag.MatchStartsWith))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.grid.state() != QAbstractItemView.State.EditingState)
    line = _document(editor).line(line_id)
    assert (line.role, line.unit_price, line.unit_cost, line.unit) == (
        "Designer",
        D(800000),
        D(400000),
        "hour",
    )


def test_a_bad_number_is_refused_in_the_cell(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    line_id = editor.estimates.add_line(section, LineDraft(description="Design", unit_price=D(5)))
    editor.refresh()
    _go(editor, line_id, "unit_price")
    editor.grid.edit(editor.grid.currentIndex())
    _type(qtbot, editor, "12.5")  # VND has no decimals
    index = editor.model.index(
        editor.model.row_of_line(line_id), editor.model.column_of("unit_price")
    )
    assert "VND has no decimals" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert _document(editor).line(line_id).unit_price == D(5)
    assert editor.session.undo_stack.count() == 0


def test_paste_a_block_from_a_spreadsheet(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    first = editor.estimates.add_line(section, LineDraft(description="Old", quantity=D(1)))
    editor.refresh()
    _go(editor, first, "description")
    # description, role, qty, unit, unit price: 1 row over the line, 2 new lines
    QGuiApplication.clipboard().setText(
        "Thiết kế key visual\tDesigner\t40\thour\t800000\n"
        "Quản lý dự án\tAccount Director\t12.5\thour\t1500000\n"
        "In ấn\t\t2\titem\t3500000\n"
    )
    qtbot.keyClick(editor.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    lines = _document(editor).lines
    assert [line.description for line in lines] == ["Thiết kế key visual", "Quản lý dự án", "In ấn"]
    assert lines[1].unit_price == D(1500000) and lines[1].unit_cost == D(700000)  # from the card
    assert editor.message.text() == ""
    editor.session.undo_stack.undo()  # one undo takes the whole paste back
    assert [line.description for line in _document(editor).lines] == ["Old"]
    editor.session.undo_stack.redo()
    assert len(_document(editor).lines) == 3


def test_a_bad_paste_applies_nothing_and_names_the_cells(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    first = editor.estimates.add_line(section, LineDraft(description="Old", quantity=D(1)))
    editor.refresh()
    before = _document(editor)
    _go(editor, first, "quantity")
    message = editor.paste_text("3\thour\n2,5x\tday\n4\thour\t12.75\n")
    assert message is not None
    assert "Row 2, column Qty" in message and "Row 3, column Unit price" in message
    assert "Nothing was pasted" in editor.message.text()
    after = _document(editor)
    assert after.lines == before.lines and after.totals == before.totals
    assert editor.session.undo_stack.count() == 0


def test_copy_out_as_tab_separated_text(editor: EstimateEditor) -> None:
    section = _document(editor).sections[0].id
    line_id = editor.estimates.add_line(
        section, LineDraft(description="Design", quantity=D(2), unit_price=D(1000))
    )
    editor.refresh()
    row = editor.model.row_of_line(line_id)
    model = editor.model
    selection = editor.grid.selectionModel()
    for key in ("description", "quantity", "unit", "unit_price"):
        selection.select(model.index(row, model.column_of(key)), selection.SelectionFlag.Select)
    # the role column between is not selected: an empty cell keeps the columns aligned
    assert editor.copy_selection() == "Design\t\t2\t\t1,000"
    assert QGuiApplication.clipboard().text() == "Design\t\t2\t\t1,000"


def test_delete_key_clears_cells_undoably(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    line_id = editor.estimates.add_line(
        section, LineDraft(description="Design", quantity=D(2), unit_price=D(1000))
    )
    editor.refresh()
    _go(editor, line_id, "quantity")
    qtbot.keyClick(editor.grid, Qt.Key.Key_Delete)
    assert _document(editor).line(line_id).quantity == D(0)
    editor.session.undo_stack.undo()
    assert _document(editor).line(line_id).quantity == D(2)


def test_sections_insert_move_collapse_and_lines_move(editor: EstimateEditor) -> None:
    first = _document(editor).sections[0]
    a = editor.estimates.add_line(first.id, LineDraft(description="A"))
    b = editor.estimates.add_line(first.id, LineDraft(description="B"))
    editor.refresh()
    editor.grid.setCurrentIndex(editor.model.index(0, 0))
    second = editor.add_section_named("Production")
    assert [s.name for s in _document(editor).sections] == ["Scope", "Production"]
    editor.focus_cell(b, "description")
    editor.move_selected(-1)  # B above A
    assert [line.description for line in _document(editor).sections[0].lines] == ["B", "A"]
    editor.focus_cell(a, "description")
    editor.move_selected(1)  # below the last line: into the next section
    assert [line.description for line in _document(editor).sections[1].lines] == ["A"]
    assert second is not None
    rows = editor.model.rowCount()
    editor.grid.setCurrentIndex(editor.model.index(0, 0))
    editor.toggle_section()  # collapse Scope: its line row goes
    assert editor.model.rowCount() == rows - 1
    editor.toggle_section()
    assert editor.model.rowCount() == rows
    for _ in range(3):
        editor.session.undo_stack.undo()
    assert [s.name for s in _document(editor).sections] == ["Scope"]
    assert [line.description for line in _document(editor).lines] == ["A", "B"]


def test_send_freezes_then_revise_and_compare(editor: EstimateEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    line_id = editor.estimates.add_line(
        section, LineDraft(description="Design", quantity=D(10), unit_price=D(100000))
    )
    editor.refresh()
    assert editor.send_now(date.today()) is None
    document = _document(editor)
    assert document.status == "sent"
    assert not editor.model.flags(editor.model.index(1, 1)) & Qt.ItemFlag.ItemIsEditable
    assert editor.banner.isVisible() and "read-only" in editor.banner_text.text()
    assert editor.banner_button.text() == "Edit as revision 2"

    qtbot.mouseClick(editor.banner_button, Qt.MouseButton.LeftButton)
    revised = _document(editor)
    assert (revised.revision, revised.status) == (2, "draft")
    new_line = revised.lines[0]
    assert new_line.key == document.line(line_id).key  # the same line, comparable
    editor.estimates.update_line(new_line.id, {"quantity": D(12)})
    diff = editor.estimates.diff(document.revision_id, revised.revision_id)
    assert diff.total_delta == _document(editor).totals.total - document.totals.total
    assert [change.status for change in diff.lines] == ["changed"]

    editor.session.undo_stack.undo()  # undo the revision: back to revision 1, sent
    assert editor.estimates.document(document.revision_id).status == "sent"


def test_approval_and_change_order_give_the_contracted_total(editor: EstimateEditor) -> None:
    section = _document(editor).sections[0].id
    editor.estimates.add_line(section, LineDraft(description="Design", unit_price=D(100000)))
    editor.refresh()
    editor.send_now(date.today())
    assert editor.approve_with("Nguyễn Thị Hương", date.today(), "PO-77") is None
    approved = _document(editor)
    order = editor.create_change_order("Extra banner sizes")
    assert order is not None and editor.change_order_id == order
    co_section = editor.estimates.change_order(order).sections[0].id
    editor.estimates.add_line(co_section, LineDraft(description="Banners", unit_price=D(50000)))
    editor.refresh()
    editor.send_now(date.today())
    editor.approve_with("Nguyễn Thị Hương", date.today(), "PO-78")
    editor.back_to_estimate()
    co_total = editor.estimates.change_order(order).totals.total
    assert _document(editor).contracted_total == approved.totals.total + co_total
    assert editor.totals.values["contracted"] == "165,000"


def test_margin_below_the_floor_is_flagged(editor: EstimateEditor) -> None:
    section = _document(editor).sections[0].id
    editor.estimates.add_line(
        section, LineDraft(description="Thin", unit_price=D(100000), unit_cost=D(90000))
    )
    editor.refresh()
    assert "margin floor" in editor.totals.values["margin_warning"]
    editor.internal.setChecked(False)  # the client view hides cost and margin
    assert "margin" not in editor.totals.values and "cost" not in editor.totals.values
    assert editor.model.column_of("unit_cost") == -1


def test_passing_through_the_role_cell_keeps_the_copied_rates(
    editor: EstimateEditor, qtbot
) -> None:  # type: ignore[no-untyped-def]
    section = _document(editor).sections[0].id
    line_id = editor.estimates.add_line(
        section,
        LineDraft(description="Design", role="Designer", unit_price=D(700000), unit_cost=D(1)),
    )
    editor.refresh()
    _go(editor, line_id, "who")
    editor.grid.edit(editor.grid.currentIndex())
    combo = next(w for w in editor.grid.viewport().findChildren(QComboBox) if w.isVisible())
    assert combo.currentText() == "Designer"
    # leaving the cell untouched commits it, as Tab or a click elsewhere does
    editor.grid.commitData(combo)
    editor.grid.closeEditor(combo, QAbstractItemDelegate.EndEditHint.EditNextItem)
    line = _document(editor).line(line_id)
    assert (line.unit_price, line.unit_cost) == (D(700000), D(1))  # not today's card rate
    assert editor.session.undo_stack.count() == 0


def test_a_quoted_cell_from_excel_pastes_as_one_cell(editor: EstimateEditor) -> None:
    section = _document(editor).sections[0].id
    first = editor.estimates.add_line(section, LineDraft(description="Old"))
    editor.refresh()
    _go(editor, first, "description")
    # Excel quotes a cell holding a line break (Alt+Enter) or a quote
    assert editor.paste_text('"Design\nround 2"\tDesigner\t5\n"Say ""hi"""\t\t1\n') is None
    lines = _document(editor).lines
    assert [line.description for line in lines] == ["Design\nround 2", 'Say "hi"']
    assert lines[0].quantity == D(5) and lines[0].role == "Designer"
    # and copying it out quotes it again, so it lands in one spreadsheet cell
    model = editor.model
    editor.grid.selectionModel().select(
        model.index(model.row_of_line(lines[0].id), model.column_of("description")),
        editor.grid.selectionModel().SelectionFlag.ClearAndSelect,
    )
    assert editor.copy_selection() == '"Design\nround 2"'


def test_a_new_third_party_row_pastes_its_supplier(editor: EstimateEditor) -> None:
    editor.grid.setFocus()
    editor.grid.setCurrentIndex(editor.model.index(0, editor.model.column_of("kind")))
    assert editor.paste_text("Third party\tPrinting 500 flyers\tIn Nhanh Co.\t500\titem\n") is None
    [line] = _document(editor).lines
    assert (line.kind, line.supplier, line.role) == ("third_party", "In Nhanh Co.", "")


def test_the_editor_follows_an_undone_revision_and_comes_back(editor: EstimateEditor) -> None:
    section = _document(editor).sections[0].id
    editor.estimates.add_line(section, LineDraft(description="Design", unit_price=D(100)))
    editor.refresh()
    editor.send_now(date.today())
    second = editor.new_revision()
    assert second is not None and _document(editor).revision == 2
    editor.session.undo_stack.undo()  # the revision goes: the editor shows revision 1 again
    document = _document(editor)
    assert (document.revision, document.status) == (1, "sent")
    assert editor.title.text().startswith(document.number)
    assert editor.model.rowCount() == 2
    editor.session.undo_stack.undo()  # unsend: the draft is editable again
    assert _document(editor).status == "draft"
    assert editor.model.flags(editor.model.index(1, 1)) & Qt.ItemFlag.ItemIsEditable
    editor.session.undo_stack.redo()
    editor.session.undo_stack.redo()  # the revision comes back: the picker offers it again
    assert _document(editor).status == "superseded"
    assert editor.revisions.count() == 2 and "Revision 2" in editor.revisions.itemText(1)


def test_a_change_order_can_be_declined(editor: EstimateEditor) -> None:
    section = _document(editor).sections[0].id
    editor.estimates.add_line(section, LineDraft(description="Design", unit_price=D(100000)))
    editor.refresh()
    editor.send_now(date.today())
    editor.approve_with("Lan", date.today(), "")
    approved_total = _document(editor).totals.total
    order = editor.create_change_order("Extra shoot day")
    assert order is not None
    co_section = editor.estimates.change_order(order).sections[0].id
    editor.estimates.add_line(co_section, LineDraft(description="Shoot", unit_price=D(50000)))
    editor.refresh()
    editor.send_now(date.today())
    assert editor.reject_with(date.today(), "No budget this quarter") is None
    assert editor.estimates.change_order(order).status == "rejected"
    editor.back_to_estimate()
    assert _document(editor).contracted_total == approved_total
    editor.session.undo_stack.undo()
    assert editor.estimates.change_order(order).status == "sent"


def test_export_to_excel_from_the_editor(editor: EstimateEditor, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    section = _document(editor).sections[0].id
    editor.estimates.add_line(section, LineDraft(description="Design", unit_price=D(100000)))
    editor.refresh()
    assert editor.buttons["export"].isVisibleTo(editor)
    target = tmp_path / "out" / "client.xlsx"
    target.parent.mkdir()
    written = editor.export_excel("client", target)  # in a worker thread, behind a progress dialog
    assert written == target and target.exists()
    cached = load_workbook(target, data_only=True).active
    numbers = {c.value for row in cached.iter_rows() for c in row if isinstance(c.value, int)}
    assert int(_document(editor).totals.total) in numbers
    errors: list[str] = []
    editor.session.error.connect(errors.append)
    assert editor.export_excel("client", tmp_path / "missing" / "x.xlsx") is None
    assert errors and "missing" in errors[0]


def test_work_runs_off_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    from keyplan.ui.workers import run_with_progress

    main_thread = threading.get_ident()
    assert run_with_progress(None, "Working", threading.get_ident) != main_thread

    def fails() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_with_progress(None, "Working", fails)


def test_a_client_edited_workbook_becomes_the_next_revision(
    editor: EstimateEditor, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    section = _document(editor).sections[0].id
    editor.estimates.add_line(
        section, LineDraft(description="Design", quantity=D(10), unit_price=D(100000))
    )
    editor.refresh()
    editor.send_now(date.today())
    exported = editor.export_excel("client", tmp_path / "sent.xlsx")
    assert exported is not None
    book = load_workbook(exported)
    sheet = book["Estimate"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"D{r}"].value == 10)
    sheet[f"D{row}"].value = 12  # the client wants two more days
    book.save(exported)
    old = _document(editor)
    new_id = editor.import_client_workbook(exported, confirm=False)
    assert new_id is not None
    new = _document(editor)
    assert (new.revision, new.status, new.lines[0].quantity) == (2, "draft", D(12))
    assert editor.estimates.diff(old.revision_id, new_id).total_delta == (
        new.totals.total - old.totals.total
    )
    editor.session.undo_stack.undo()  # the imported revision goes again
    assert editor.estimates.document(old.revision_id).status == "sent"


def test_row_headers_number_lines_as_the_workbook_does(editor: EstimateEditor) -> None:
    first = _document(editor).sections[0].id
    for text in ("One", "Two"):
        editor.estimates.add_line(first, LineDraft(description=text))
    second = editor.estimates.add_section("Production", revision_id=editor.revision_id)
    editor.estimates.add_line(second, LineDraft(description="Three"))
    editor.refresh()
    headers = [
        editor.model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole)
        for row in range(editor.model.rowCount())
    ]
    assert headers == ["1", "1.1", "1.2", "2", "2.1"]
    # the same numbers as the line references of the exports and the actuals import
    document = _document(editor)
    refs = line_refs(document.priced)
    assert [refs[line.key] for line in document.lines] == ["1.1", "1.2", "2.1"]
