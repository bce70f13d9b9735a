"""The rate import dialog driven like a user: choose the columns, read the preview, import.

A file whose headers say little shows what is missing until the columns are chosen; the
preview says what each row will do; Import is one undoable step; a bad cell is named by
sheet, row and column; one column cannot hold two fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel

from keyplan.services import rate_import
from keyplan.services.estimate_records import RateCardRecord
from keyplan.ui.dialogs.rate_import_dialog import RateImportDialog
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.rate_cards_view import RateCardsView

from .conftest import when_dialog_shows

JAN = date(2026, 1, 1)
UNKNOWN_HEADERS = ["Position", "Charge", "Internal", "Start"]


@pytest.fixture
def view(opened: MainWindow, qtbot) -> RateCardsView:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    page = RateCardsView(opened.session)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def card(view: RateCardsView) -> RateCardRecord:
    """A USD agency card that already has a Designer from 1 January."""
    cards = view.session.services.rate_cards
    card_id = cards.create_card("Standard 2026", "USD")
    cards.add_rate(card_id, "Designer", Decimal(140), Decimal(60), valid_from=JAN)
    view.reload()
    view.select_card(card_id)
    return next(c for c in cards.cards() if c.id == card_id)


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str = "Rates") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def unknown_headers_file(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "rates.xlsx",
        [
            UNKNOWN_HEADERS,
            ["Designer", 150, 60, JAN],
            ["Producer", 900.5, 400, JAN],
            ["Copywriter", 110, 45, "2026-02-01"],
        ],
    )


def open_dialog(view: RateCardsView, card: RateCardRecord, path: Path, qtbot) -> RateImportDialog:  # type: ignore[no-untyped-def]
    table = rate_import.read_rate_table(path)
    dialog = RateImportDialog(view.session.services, card, path, table, view)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cells(model: Any) -> list[list[str]]:
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_unknown_headers_show_problems_until_the_columns_are_chosen(
    view: RateCardsView,
    card: RateCardRecord,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    services = view.session.services
    path = unknown_headers_file(tmp_path)
    seen: dict[str, Any] = {}

    def choose_and_import(dialog: RateImportDialog) -> None:
        assert dialog.file_label.text() == "rates.xlsx"
        details = dialog.details_label.text()
        assert "Sheet “Rates”" in details and "3 rows" in details and "Standard 2026" in details
        # only "Position" is a known word (the role); the rest must be chosen
        assert dialog.combos["role"].currentText() == "A: Position"
        assert [dialog.combos[f].currentIndex() for f in ("bill_rate", "cost_rate")] == [-1, -1]
        assert dialog.combos["unit"].currentText() == "(not in file)"
        assert [dialog.combos["bill_rate"].itemText(i) for i in range(4)] == [
            "A: Position",
            "B: Charge",
            "C: Internal",
            "D: Start",
        ]
        assert dialog.stack.currentWidget() is dialog.problems_table
        assert not dialog.import_button.isEnabled()
        assert dialog.summary.text() == "3 problems: fix the file or the column choices"
        assert [row[3] for row in cells(dialog.problems_model)] == [
            "Choose the column that holds the bill rate.",
            "Choose the column that holds the cost rate.",
            "Choose the column that holds the valid-from date.",
        ]

        dialog.choose_column("bill_rate", 1)
        assert dialog.summary.text() == "2 problems: fix the file or the column choices"
        dialog.choose_column("cost_rate", 2)
        dialog.choose_column("valid_from", 3)
        assert dialog.mapping() == {
            "role": 0,
            "unit": None,
            "bill_rate": 1,
            "cost_rate": 2,
            "valid_from": 3,
        }
        assert dialog.stack.currentWidget() is dialog.preview_table
        assert dialog.summary.text() == "2 to add, 1 to update, 0 already the same."
        assert cells(dialog.preview_model) == [
            ["2", "Update", "Designer", "per hour", "140.00 → 150.00", "60.00", "2026-01-01"],
            ["3", "Add", "Producer", "per hour", "900.50", "400.00", "2026-01-01"],
            ["4", "Add", "Copywriter", "per hour", "110.00", "45.00", "2026-02-01"],
        ]
        seen["rates before import"] = services.rate_cards.rates(card.id)
        assert dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    problems = when_dialog_shows(view, RateImportDialog, choose_and_import)
    assert view.import_rates_file(path) == 3
    assert not problems, problems
    assert len(seen["rates before import"]) == 1  # the preview wrote nothing
    rates = services.rate_cards.rates(card.id)
    assert sorted((r.role, r.unit, str(r.bill_rate), str(r.cost_rate)) for r in rates) == [
        ("Copywriter", "hour", "110.00", "45.00"),
        ("Designer", "hour", "150.00", "60.00"),
        ("Producer", "hour", "900.50", "400.00"),
    ]
    assert {r.role for r in view.model.records} == {"Copywriter", "Designer", "Producer"}

    view.session.undo_stack.undo()  # the whole import goes at once
    [designer] = services.rate_cards.rates(card.id)
    assert (designer.role, designer.bill_rate) == ("Designer", Decimal("140.00"))
    view.session.undo_stack.redo()
    assert len(services.rate_cards.rates(card.id)) == 3


def test_cancel_imports_nothing(
    view: RateCardsView,
    card: RateCardRecord,
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [["Role", "Bill", "Cost", "From"], ["QA", 50, 20, JAN]])

    def cancel(dialog: RateImportDialog) -> None:
        assert dialog.import_button.isEnabled()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    problems = when_dialog_shows(view, RateImportDialog, cancel)
    assert view.import_rates_file(path) is None
    assert not problems, problems
    assert [r.role for r in view.session.services.rate_cards.rates(card.id)] == ["Designer"]
    assert view.session.undo_stack.count() == 0


def test_one_column_chosen_twice_disables_import(
    view: RateCardsView,
    card: RateCardRecord,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "rates.xlsx",
        [["Role", "Bill rate", "Cost rate", "Valid from"], ["QA", 50, 20, JAN]],
    )
    dialog = open_dialog(view, card, path, qtbot)
    assert dialog.import_button.isEnabled()  # the headers were recognised

    dialog.choose_column("cost_rate", 1)  # the bill rate's column
    message = (
        "Column B is chosen for both the bill rate and the cost rate: give each its own column."
    )
    assert dialog.summary.text() == message
    assert not dialog.import_button.isEnabled()
    assert dialog.stack.currentWidget() is dialog.problems_table
    assert cells(dialog.problems_model) == [["Rates", "1", "B", message]]
    assert dialog.combos["bill_rate"].toolTip() == message
    assert dialog.combos["cost_rate"].toolTip() == message
    assert dialog.combos["role"].toolTip() == ""
    dialog.accept()  # Enter does nothing either
    assert dialog.isVisible() and dialog.rows == []

    dialog.choose_column("cost_rate", 2)
    assert dialog.import_button.isEnabled()
    assert dialog.combos["cost_rate"].toolTip() == ""
    assert cells(dialog.preview_model)[0][:3] == ["2", "Add", "QA"]


def test_a_bad_value_is_named_by_sheet_row_and_column(
    view: RateCardsView,
    card: RateCardRecord,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "rates.xlsx",
        [
            ["Role", "Unit", "Bill rate", "Cost rate", "Valid from"],
            ["QA", "hour", 50, 20, JAN],
            ["Writer", "week", 80, "cheap", JAN],
        ],
        title="Tarifs",
    )
    dialog = open_dialog(view, card, path, qtbot)
    assert not dialog.import_button.isEnabled()
    assert dialog.stack.currentWidget() is dialog.problems_table
    assert dialog.summary.text() == "2 problems: fix the file or the column choices"
    assert cells(dialog.problems_model) == [
        ["Tarifs", "3", "B", "Unknown unit 'week': use hour or day."],
        ["Tarifs", "3", "D", "The cost rate: 'cheap' is not a number: unexpected character 'c'."],
    ]
    header = dialog.problems_model.headerData(0, Qt.Orientation.Horizontal)
    assert header == "Sheet"

    dialog.choose_column("unit", None)  # not in file: every rate per hour
    assert [row[:3] for row in cells(dialog.problems_model)] == [["Tarifs", "3", "D"]]
    assert dialog.summary.text() == "1 problem: fix the file or the column choices"


def test_a_csv_file_says_so_and_keyboard_choices_work(
    view: RateCardsView,
    card: RateCardRecord,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("Position,Charge,Internal,Start\nQA,50,20,2026-03-01\n", encoding="utf-8")
    dialog = open_dialog(view, card, path, qtbot)
    assert dialog.details_label.text().startswith("CSV file · 1 row ")
    # each choice has a label with an Alt+letter that leads to it, in the order of the form
    buddies = {label.buddy().objectName() for label in dialog.findChildren(QLabel) if label.buddy()}
    assert buddies == {f"{field}_column" for field in rate_import.FIELDS}
    # the first column still to choose has the focus; arrow keys choose, Tab moves on
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.combos["bill_rate"])
    qtbot.keyClick(dialog.combos["bill_rate"], Qt.Key.Key_Down)
    qtbot.keyClick(dialog.combos["bill_rate"], Qt.Key.Key_Down)
    assert dialog.mapping()["bill_rate"] == 1
    qtbot.keyClick(dialog.combos["bill_rate"], Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.combos["cost_rate"]
    for _ in range(3):
        qtbot.keyClick(dialog.combos["cost_rate"], Qt.Key.Key_Down)
    qtbot.keyClick(dialog.combos["cost_rate"], Qt.Key.Key_Tab)
    for _ in range(4):
        qtbot.keyClick(dialog.combos["valid_from"], Qt.Key.Key_Down)
    assert dialog.mapping() == {
        "role": 0,
        "unit": None,
        "bill_rate": 1,
        "cost_rate": 2,
        "valid_from": 3,
    }
    # Alt+letter jumps to a field's choice
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.combos["role"]
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.combos["valid_from"]
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()
    qtbot.keyClick(dialog.combos["valid_from"], Qt.Key.Key_Return)  # the default button
    assert dialog.result() == RateImportDialog.DialogCode.Accepted
    assert [(r.role, r.bill_rate) for r in dialog.rows] == [("QA", Decimal(50))]


def test_the_dialog_fits_a_small_window(
    view: RateCardsView,
    card: RateCardRecord,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    long_header = "Notes on the role for the client, before any discount or agency fee"
    path = write_xlsx(
        tmp_path / "a rather long file name for the 2026 rate card of the agency.xlsx",
        [["Role", "Bill", "Cost rate", "Valid from", long_header], ["QA", 50, 20, JAN, "x"]],
    )
    dialog = open_dialog(view, card, path, qtbot)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 480 and hint.height() <= 400, hint
    dialog.resize(520, 440)
    qtbot.wait(10)
    assert dialog.width() <= 520 and dialog.height() <= 440
    assert dialog.preview_table.height() >= dialog.preview_table.fontMetrics().height() * 4
    assert dialog.import_button.isVisible() and dialog.import_button.isEnabled()
    combo = dialog.combos["bill_rate"]
    assert isinstance(combo, QComboBox) and combo.width() < 520
