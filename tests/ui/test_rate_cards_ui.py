"""The Rate cards page driven like a user: cards through the dialog, rates typed in cells."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QDialogButtonBox, QLineEdit, QPushButton

from keyplan.services.estimate_records import LineDraft
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.rate_cards_view import NewRateCardDialog, RateCardsView

from .conftest import when_dialog_shows


@pytest.fixture
def view(opened: MainWindow, qtbot) -> RateCardsView:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    page = RateCardsView(opened.session)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def _cell_editor(table) -> QLineEdit:  # type: ignore[no-untyped-def]
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def _type_into_cell(qtbot, table, text: str, *, replace: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Type into the open cell editor and press Enter, as a user does."""
    editor = _cell_editor(table)
    if replace:
        editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits on Enter from the event loop, then deletes the editor
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def _type_rate(qtbot, view: RateCardsView, rate_id: int, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select the cell, start typing (type-to-edit opens the editor) and press Enter."""
    index = view.model.index(view.model.row_of(rate_id), view.model.column_of(key))
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    _type_into_cell(qtbot, view.table, text)


def _cell(view: RateCardsView, rate_id: int, key: str):  # type: ignore[no-untyped-def]
    return view.model.index(view.model.row_of(rate_id), view.model.column_of(key))


def _click(qtbot, view: RateCardsView, name: str) -> None:  # type: ignore[no-untyped-def]
    button = view.findChild(QPushButton, name)
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _create_card_through_dialog(
    qtbot,  # type: ignore[no-untyped-def]
    view: RateCardsView,
    fill: Callable[[NewRateCardDialog], None],
) -> None:
    problems = when_dialog_shows(view, NewRateCardDialog, fill)
    _click(qtbot, view, "new_card")
    assert not problems, problems


def _card_labels(view: RateCardsView) -> list[str]:
    model = view.card_list.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _new_card(qtbot, view: RateCardsView, name: str, currency: str, account: str = "") -> int:  # type: ignore[no-untyped-def]
    def fill(dialog: NewRateCardDialog) -> None:
        field = dialog.form.fields["name"].widget
        assert isinstance(field, QLineEdit)
        qtbot.keyClicks(field, name)
        if account:
            accounts = dialog.form.fields["account_id"].widget
            assert isinstance(accounts, QComboBox)
            accounts.setCurrentIndex(accounts.findText(account))
        combo = dialog.form.fields["currency"].widget
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(currency))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    _create_card_through_dialog(qtbot, view, fill)
    card = view.current_card()
    assert card is not None and card.name == name
    return card.id


def _add_role(qtbot, view: RateCardsView, role: str) -> int:  # type: ignore[no-untyped-def]
    _click(qtbot, view, "add_role")
    # the new role's name is open for typing, showing "New role"
    assert _cell_editor(view.table).text() == "New role"
    _type_into_cell(qtbot, view.table, role)
    rate = next(r for r in view.model.records if r.role == role)
    return rate.id


def test_create_a_card_add_a_role_and_type_rates(view: RateCardsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    assert view.findChild(QPushButton, "add_role").isEnabled() is False  # no card yet
    card_id = _new_card(qtbot, view, "Standard 2026", "USD")
    assert [(c.name, c.currency, c.account_id) for c in services.rate_cards.cards()] == [
        ("Standard 2026", "USD", None)
    ]
    assert _card_labels(view) == ["Standard 2026 (USD)"]
    assert view.card_title.text() == "Standard 2026 (USD)"

    rate_id = _add_role(qtbot, view, "Designer")
    [rate] = services.rate_cards.rates(card_id)
    assert (rate.id, rate.role, rate.unit, rate.valid_from) == (
        rate_id,
        "Designer",
        "hour",
        date.today(),
    )
    assert rate.bill_rate == 0 and rate.cost_rate == 0

    _type_rate(qtbot, view, rate_id, "bill_rate", "1,250.5")
    _type_rate(qtbot, view, rate_id, "cost_rate", "500")
    [rate] = services.rate_cards.rates(card_id)
    assert (rate.bill_rate, rate.cost_rate) == (Decimal("1250.50"), Decimal("500.00"))
    assert _cell(view, rate_id, "bill_rate").data() == "1,250.50"
    assert _cell(view, rate_id, "cost_rate").data() == "500.00"
    assert _cell(view, rate_id, "margin").data() == "60 %"  # (1250.50 - 500) / 1250.50
    assert view.model.headerData(view.model.column_of("bill_rate"), Qt.Orientation.Horizontal) == (
        "Bill rate (USD)"
    )
    assert "never changes an existing estimate" in view.note.text()


def test_a_bad_rate_is_refused_in_a_red_cell_and_nothing_is_saved(
    view: RateCardsView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    card_id = _new_card(qtbot, view, "Standard", "USD")
    rate_id = _add_role(qtbot, view, "Strategist")
    _type_rate(qtbot, view, rate_id, "bill_rate", "200")
    depth = view.session.undo_stack.count()

    for typed, reason in (
        ("12x", "not a number"),
        ("-5", "cannot be negative"),
        ("12.345", "2 decimals"),
    ):
        _type_rate(qtbot, view, rate_id, "bill_rate", typed)
        cell = _cell(view, rate_id, "bill_rate")
        assert reason in cell.data(Qt.ItemDataRole.ToolTipRole), typed
        assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
        assert services.rate_cards.rates(card_id)[0].bill_rate == Decimal("200.00")
    assert view.session.undo_stack.count() == depth  # nothing to undo: nothing happened

    # a good value clears the red cell
    _type_rate(qtbot, view, rate_id, "bill_rate", "210")
    cell = _cell(view, rate_id, "bill_rate")
    assert cell.data(Qt.ItemDataRole.ToolTipRole) is None
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
    assert services.rate_cards.rates(card_id)[0].bill_rate == Decimal("210.00")


def test_valid_from_is_typed_as_an_iso_date(view: RateCardsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    card_id = _new_card(qtbot, view, "Standard", "EUR")
    rate_id = _add_role(qtbot, view, "Copywriter")
    _type_rate(qtbot, view, rate_id, "valid_from", "01/07/2026")
    assert "YYYY-MM-DD" in _cell(view, rate_id, "valid_from").data(Qt.ItemDataRole.ToolTipRole)
    _type_rate(qtbot, view, rate_id, "valid_from", "2026-02-30")
    assert "not a day" in _cell(view, rate_id, "valid_from").data(Qt.ItemDataRole.ToolTipRole)
    assert services.rate_cards.rates(card_id)[0].valid_from == date.today()
    _type_rate(qtbot, view, rate_id, "valid_from", "2026-07-01")
    assert services.rate_cards.rates(card_id)[0].valid_from == date(2026, 7, 1)
    assert _cell(view, rate_id, "valid_from").data() == "2026-07-01"


def test_unit_is_a_choice(view: RateCardsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    card_id = _new_card(qtbot, view, "Standard", "USD")
    rate_id = _add_role(qtbot, view, "Producer")
    index = _cell(view, rate_id, "unit")
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    combos = [w for w in view.table.viewport().findChildren(QComboBox) if w.isVisible()]
    assert len(combos) == 1
    assert [combos[0].itemData(i) for i in range(combos[0].count())] == ["hour", "day"]
    combos[0].setCurrentIndex(combos[0].findData("day"))
    qtbot.keyClick(combos[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.table.state() != QAbstractItemView.State.EditingState)
    assert services.rate_cards.rates(card_id)[0].unit == "day"
    assert _cell(view, rate_id, "unit").data() == "per day"


def test_undo_and_redo_every_change(view: RateCardsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    stack = view.session.undo_stack
    card_id = _new_card(qtbot, view, "Standard", "USD")
    rate_id = _add_role(qtbot, view, "Designer")
    _type_rate(qtbot, view, rate_id, "bill_rate", "100")
    _type_rate(qtbot, view, rate_id, "bill_rate", "120")

    def bill() -> Decimal:
        return services.rate_cards.rates(card_id)[0].bill_rate

    stack.undo()
    assert bill() == Decimal("100.00") and _cell(view, rate_id, "bill_rate").data() == "100.00"
    stack.redo()
    assert bill() == Decimal("120.00") and _cell(view, rate_id, "bill_rate").data() == "120.00"

    # delete the role: undo brings back the same rate, same id
    view.table.setCurrentIndex(_cell(view, rate_id, "role"))
    _click(qtbot, view, "delete_role")
    assert services.rate_cards.rates(card_id) == []
    assert view.model.rowCount() == 0
    stack.undo()
    [rate] = services.rate_cards.rates(card_id)
    assert (rate.id, rate.role, rate.bill_rate) == (rate_id, "Designer", Decimal("120.00"))
    assert view.model.row_of(rate_id) == 0
    stack.redo()
    assert services.rate_cards.rates(card_id) == []
    stack.undo()

    # undo down to the creation of the card, then redo it all with the same ids
    while stack.canUndo():
        stack.undo()
    assert services.rate_cards.cards() == []
    assert _card_labels(view) == []
    while stack.canRedo():
        stack.redo()
    assert [c.id for c in services.rate_cards.cards()] == [card_id]
    assert services.rate_cards.rates(card_id) == []  # the last change redone: the delete
    stack.undo()
    [rate] = services.rate_cards.rates(card_id)
    assert (rate.id, rate.role, rate.bill_rate) == (rate_id, "Designer", Decimal("120.00"))
    assert view.current_card().id == card_id  # type: ignore[union-attr]
    assert _cell(view, rate_id, "bill_rate").data() == "120.00"


def test_a_jpy_card_refuses_decimals(view: RateCardsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    card_id = _new_card(qtbot, view, "Tokyo", "JPY")
    rate_id = _add_role(qtbot, view, "Designer")
    assert _cell(view, rate_id, "bill_rate").data() == "0"
    _type_rate(qtbot, view, rate_id, "bill_rate", "12.50")
    assert "JPY has no decimals" in _cell(view, rate_id, "bill_rate").data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert services.rate_cards.rates(card_id)[0].bill_rate == 0
    _type_rate(qtbot, view, rate_id, "bill_rate", "12500")
    assert services.rate_cards.rates(card_id)[0].bill_rate == Decimal(12500)
    assert _cell(view, rate_id, "bill_rate").data() == "12,500"
    assert view.model.headerData(view.model.column_of("cost_rate"), Qt.Orientation.Horizontal) == (
        "Cost rate (JPY)"
    )


def test_account_overrides_follow_agency_cards_and_delete_undoes(
    view: RateCardsView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    japan_id = _new_card(qtbot, view, "Japan rates", "USD", account="Aurora Japan")
    assert services.rate_cards.cards()[0].account_name == "Aurora Japan"
    agency_id = _new_card(qtbot, view, "Agency", "USD")
    assert _card_labels(view) == ["Agency (USD)", "Aurora Japan — Japan rates (USD)"]
    assert view.current_card().id == agency_id  # type: ignore[union-attr]

    view.select_card(japan_id)
    assert "Override for Aurora Japan" in view.card_scope.text()
    _click(qtbot, view, "delete_card")
    assert [c.id for c in services.rate_cards.cards()] == [agency_id]
    assert _card_labels(view) == ["Agency (USD)"]
    view.session.undo_stack.undo()
    assert _card_labels(view) == ["Agency (USD)", "Aurora Japan — Japan rates (USD)"]


def test_the_dialog_takes_the_account_currency_and_requires_a_name(
    view: RateCardsView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}

    def fill(dialog: NewRateCardDialog) -> None:
        accounts = dialog.form.fields["account_id"].widget
        assert isinstance(accounts, QComboBox)
        accounts.setCurrentIndex(accounts.findText("Aurora Japan"))
        seen["currency"] = dialog.form.fields["currency"].read()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        seen["name_error"] = dialog.form.error_text("name")
        assert dialog.isVisible()  # refused: still open
        name = dialog.form.fields["name"].widget
        assert isinstance(name, QLineEdit)
        qtbot.keyClicks(name, "Japan ")
        name.insert("料金表")  # QTest types ASCII only
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    _create_card_through_dialog(qtbot, view, fill)
    assert seen == {"currency": "JPY", "name_error": "A name is required."}
    assert _card_labels(view) == ["Aurora Japan — Japan 料金表 (JPY)"]


def test_changing_a_rate_never_changes_an_existing_estimate(view: RateCardsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = view.session.services
    account_id = next(a.id for a in services.accounts.all() if a.name == "Aurora Group")
    card_id = _new_card(qtbot, view, "Standard", "USD")
    rate_id = _add_role(qtbot, view, "Designer")
    _type_rate(qtbot, view, rate_id, "bill_rate", "100")
    ref = services.estimates.create(account_id, "Launch", currency="USD")
    [option] = services.rate_cards.options(account_id, "USD", date.today())
    section_id = services.estimates.document(ref.revision_id).sections[0].id
    services.estimates.add_line(
        section_id,
        LineDraft(
            role=option.role,
            description="Design",
            quantity=Decimal(10),
            unit="hour",
            unit_price=option.bill_rate,
            unit_cost=option.cost_rate,
        ),
    )
    _type_rate(qtbot, view, rate_id, "bill_rate", "150")
    assert services.rate_cards.rates(card_id)[0].bill_rate == Decimal("150.00")
    [line] = services.estimates.document(ref.revision_id).lines
    assert line.unit_price == Decimal("100.00") and line.amount == Decimal("1000.00")


def test_import_a_rate_table_then_undo(view: RateCardsView, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    card_id = _new_card(qtbot, view, "Imported", "USD")
    view.select_card(card_id)
    table = tmp_path / "rates.csv"
    table.write_text(
        "Role,Unit,Bill rate,Cost rate,Valid from\n"
        "Designer,hour,150,70,2026-01-01\n"
        "Producer,day,900.50,400,2026-01-01\n",
        encoding="utf-8",
    )
    assert view.import_rates_file(table, confirm=False) == 2
    rates = view.session.services.rate_cards.rates(card_id)
    assert [(r.role, r.unit, str(r.bill_rate)) for r in rates] == [
        ("Designer", "hour", "150.00"),
        ("Producer", "day", "900.50"),
    ]
    view.session.undo_stack.undo()  # the whole import goes at once
    assert view.session.services.rate_cards.rates(card_id) == []
    bad = tmp_path / "bad.csv"
    bad.write_text("Role,Unit,Bill rate,Cost rate,Valid from\nX,week,1,1,2026-01-01\n")
    errors: list[str] = []
    view.session.error.connect(errors.append)
    assert view.import_rates_file(bad, confirm=False) is None
    assert "week" in errors[0] and view.session.services.rate_cards.rates(card_id) == []


def test_export_the_card_for_the_client(view: RateCardsView, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    card_id = _new_card(qtbot, view, "Client card", "USD")
    view.select_card(card_id)
    _add_role(qtbot, view, "Designer")
    written = view.export_card("client", tmp_path / "card.xlsx")
    assert written is not None
    headers = [c.value for c in load_workbook(written).active[4]]
    assert headers[:3] == ["Role", "Unit", "Rate (USD)"] and "Margin %" not in headers
