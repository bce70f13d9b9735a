"""The Forecast tab and the Exchange rates page, driven like a user: typed cells, refused
input, undo, a frozen snapshot and the movement since."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialogButtonBox, QLineEdit, QPushButton

from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.exchange_rates_view import ExchangeRateDialog, ExchangeRatesView
from keyplan.ui.views.forecast_panel import ERROR_BRUSH, ForecastPanel

from .conftest import when_dialog_shows

D = Decimal
YEAR = date.today().year
MARCH = date(YEAR, 3, 1)
APRIL = date(YEAR, 4, 1)


def _account(window: MainWindow, name: str) -> int:
    assert window.session is not None
    return next(a.id for a in window.session.services.accounts.all() if a.name == name)


@pytest.fixture
def panel(opened: MainWindow, qtbot) -> ForecastPanel:  # type: ignore[no-untyped-def]
    opened.resize(1200, 800)
    assert opened.show_account(_account(opened, "Aurora Japan")) is not False
    view = opened.account_view
    assert view is not None
    view.tabs.setCurrentWidget(view.forecast)
    qtbot.waitUntil(lambda: view.forecast.isVisible() and view.forecast.record is not None)
    assert view.tabs.tabText(view.tabs.indexOf(view.forecast)) == "Forecast"
    return view.forecast


def _type(qtbot, panel: ForecastPanel, figure: str, month: date, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select the cell, open its editor, type (replacing what is there) and press Enter."""
    panel.edit_cell(figure, month)
    editors = [w for w in panel.grid.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    editors[0].selectAll()
    if text:
        qtbot.keyClicks(editors[0], text)
    else:
        qtbot.keyClick(editors[0], Qt.Key.Key_Delete)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.grid.state() != QAbstractItemView.State.EditingState)


def _stored(panel: ForecastPanel, figure: str, month: date, unit: str | None = "") -> object:
    assert panel.account_id is not None
    record = panel.session.services.forecast.account_months(
        panel.account_id, YEAR, business_unit=unit
    )
    return next(m for m in record.months if m.month == month).get(figure)


def test_a_typed_figure_is_saved_bad_input_is_refused_inline_and_undo_works(
    qtbot,
    opened: MainWindow,
    panel: ForecastPanel,  # type: ignore[no-untyped-def]
) -> None:
    assert panel.note.text().startswith("Amounts in JPY")
    _type(qtbot, panel, "forecast", MARCH, "1,234,567")
    assert _stored(panel, "forecast", MARCH) == D(1234567)
    index = panel.model.index_of("forecast", MARCH)
    assert index.data() == "1,234,567"
    _type(qtbot, panel, "target", MARCH, "1,000,000")
    variance = panel.model.index_of("forecast_vs_target", MARCH)
    assert variance.data() == "+234,567"
    total = panel.model.index_of("forecast", None)
    assert total.data() == "1,234,567" and not (total.flags() & Qt.ItemFlag.ItemIsEditable)

    for bad, reason in (("12.5", "no decimals"), ("abc", "not a number"), ("-5", "below 0")):
        _type(qtbot, panel, "forecast", MARCH, bad)
        index = panel.model.index_of("forecast", MARCH)
        assert reason in index.data(Qt.ItemDataRole.ToolTipRole), bad
        assert index.data(Qt.ItemDataRole.BackgroundRole) == ERROR_BRUSH
        assert _stored(panel, "forecast", MARCH) == D(1234567)  # nothing saved
    _type(qtbot, panel, "forecast", MARCH, "1,300,000")
    assert panel.model.index_of("forecast", MARCH).data(Qt.ItemDataRole.ToolTipRole) is None

    stack = opened.session.undo_stack  # type: ignore[union-attr]
    assert stack.undoText().startswith("Edit forecast")
    stack.undo()
    assert _stored(panel, "forecast", MARCH) == D(1234567)
    assert panel.model.index_of("forecast", MARCH).data() == "1,234,567"  # the grid follows
    stack.undo()
    stack.undo()
    assert _stored(panel, "forecast", MARCH) is None and _stored(panel, "target", MARCH) is None
    stack.redo()
    assert _stored(panel, "forecast", MARCH) == D(1234567)
    _type(qtbot, panel, "forecast", MARCH, "")  # an emptied cell clears the figure
    assert _stored(panel, "forecast", MARCH) is None
    assert not opened.errors  # type: ignore[attr-defined]


def test_freezing_a_snapshot_then_seeing_the_forecast_move(
    qtbot,
    opened: MainWindow,
    panel: ForecastPanel,  # type: ignore[no-untyped-def]
) -> None:
    forecast = panel.session.services.forecast
    _type(qtbot, panel, "forecast", MARCH, "500,000")
    _type(qtbot, panel, "forecast", APRIL, "600,000")
    button = panel.findChild(QPushButton, "freeze_forecast")
    assert button is not None and button.text() == "Freeze this week's forecast"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    snapshots = forecast.snapshots()
    assert len(snapshots) == 1 and snapshots[0].week_start.weekday() == 0
    assert snapshots[0].week_start <= date.today()

    panel._fill_compare_menu()  # what opening "Compare with snapshot ▸" does
    actions = panel.compare_menu.actions()
    assert len(actions) == 1 and actions[0].text().startswith("Week ")
    actions[0].trigger()
    assert panel.compare_box.isVisible()
    model = panel.movement_model
    assert model.item(2, 2).text() == "0"  # March has not moved yet

    _type(qtbot, panel, "forecast", MARCH, "650,000")
    _type(qtbot, panel, "forecast", APRIL, "550,000")
    assert model.item(0, 2).text() == "500,000" and model.item(1, 2).text() == "650,000"
    assert model.item(2, 2).text() == "+150,000" and model.item(2, 3).text() == "-50,000"
    assert model.item(2, 12).text() == "+100,000"  # the year's movement
    assert model.item(2, 0).text() == ""  # no forecast in January either time

    # the same week again: replaced when the user says so, and undo brings the first back
    assert not panel.freeze(replace=False)
    assert panel.freeze(replace=True)
    assert len(forecast.snapshots()) == 1
    panel.compare_with(forecast.snapshots()[0].id)
    assert panel.movement_model.item(2, 2).text() == "0"
    stack = opened.session.undo_stack  # type: ignore[union-attr]
    stack.undo()
    assert forecast.compare(forecast.snapshots()[0].id, panel.account_id).months[2].delta == D(
        150000
    )
    stack.redo()
    assert forecast.compare(forecast.snapshots()[0].id, panel.account_id).months[2].delta == 0

    # delete the snapshot, and undo it
    panel.compare_with(forecast.snapshots()[0].id)
    qtbot.mouseClick(panel.delete_snapshot_button, Qt.MouseButton.LeftButton)
    assert forecast.snapshots() == [] and not panel.compare_box.isVisible()
    stack.undo()
    assert len(forecast.snapshots()) == 1
    assert not opened.errors  # type: ignore[attr-defined]


def test_business_units_are_added_and_the_total_is_read_only(
    qtbot,
    opened: MainWindow,
    panel: ForecastPanel,  # type: ignore[no-untyped-def]
) -> None:
    assert [panel.unit.itemText(i) for i in range(panel.unit.count())] == ["Whole account"]
    assert panel.add_business_unit("Retail  ") == "Retail"
    assert panel.unit.currentText() == "Retail" and panel.current_unit() == "Retail"
    _type(qtbot, panel, "target", MARCH, "700,000")
    assert _stored(panel, "target", MARCH, "Retail") == D(700000)
    assert panel.session.services.forecast.business_units(panel.account_id) == ["Retail"]  # type: ignore[arg-type]
    panel.add_business_unit("E-commerce")
    _type(qtbot, panel, "target", MARCH, "300,000")
    panel.unit.setCurrentIndex(0)
    assert panel.current_unit() is None
    assert panel.model.index_of("target", MARCH).data() == "1,000,000"
    assert not panel.model.index_of("target", MARCH).flags() & Qt.ItemFlag.ItemIsEditable
    assert "Choose a unit" in panel.note.text()
    assert panel.add_business_unit("North\nSouth") is None
    assert opened.errors  # type: ignore[attr-defined]


def test_the_tab_fits_a_narrow_window(opened: MainWindow, panel: ForecastPanel) -> None:
    assert panel.minimumSizeHint().width() <= 450


# -- the exchange rates page -------------------------------------------------------------------


@pytest.fixture
def rates_page(opened: MainWindow, qtbot) -> ExchangeRatesView:  # type: ignore[no-untyped-def]
    opened.resize(1200, 800)
    opened.show_page("exchange_rates")
    page = opened.pages["exchange_rates"]
    assert isinstance(page, ExchangeRatesView)
    qtbot.waitUntil(page.isVisible)
    return page


def _add_through_dialog(qtbot, page: ExchangeRatesView, rate: str) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []

    def fill(dialog: ExchangeRateDialog) -> None:
        dialog.form.fields["base"].write("USD")
        dialog.form.fields["quote"].write("JPY")
        field = dialog.form.fields["rate"].widget
        assert isinstance(field, QLineEdit)
        qtbot.keyClicks(field, rate)
        dialog.form.fields["source"].write("MUFG month-end")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        errors.append(dialog.form.error_text("rate"))

    problems = when_dialog_shows(page, ExchangeRateDialog, fill)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    return errors


def test_exchange_rates_are_added_edited_and_deleted_undoably(
    qtbot,
    opened: MainWindow,
    rates_page: ExchangeRatesView,  # type: ignore[no-untyped-def]
) -> None:
    services = rates_page.session.services
    assert "never fetches" in rates_page.note.text()
    assert rates_page.empty.isVisible()
    assert _add_through_dialog(qtbot, rates_page, "0") == ["A rate is a number above 0."]
    assert services.exchange_rates.rates() == []
    assert _add_through_dialog(qtbot, rates_page, "151.25") == [""]
    [rate] = services.exchange_rates.rates()
    assert (rate.base, rate.quote, rate.rate, rate.source) == (
        "USD",
        "JPY",
        D("151.25"),
        "MUFG month-end",
    )
    assert rates_page.model.index(0, 5).data() == "1 USD = 151.25 JPY"
    assert not rates_page.empty.isVisible()

    column = rates_page.model.column_of("rate")
    index = rates_page.model.index(0, column)
    rates_page.table.setCurrentIndex(index)
    for text, stored in (("-3", D("151.25")), ("152.5", D("152.5"))):
        rates_page.table.edit(index)
        editor = next(
            w for w in rates_page.table.viewport().findChildren(QLineEdit) if w.isVisible()
        )
        editor.selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: rates_page.table.state() != QAbstractItemView.State.EditingState)
        assert services.exchange_rates.rates()[0].rate == stored
    stack = opened.session.undo_stack  # type: ignore[union-attr]
    stack.undo()
    assert services.exchange_rates.rates()[0].rate == D("151.25")

    rates_page.select(rate.id)
    assert rates_page.delete_rate()
    assert services.exchange_rates.rates() == []
    stack.undo()
    assert [r.id for r in services.exchange_rates.rates()] == [rate.id]
    stack.undo()  # the add itself
    assert services.exchange_rates.rates() == []
    assert not opened.errors  # type: ignore[attr-defined]


def test_a_refused_rate_keeps_the_dialog_open_with_what_was_typed(
    qtbot,
    rates_page: ExchangeRatesView,  # type: ignore[no-untyped-def]
) -> None:
    services = rates_page.session.services
    services.exchange_rates.create("USD", "JPY", D("150"), date.today())
    seen: list[tuple[bool, str, str]] = []

    def refused(dialog: ExchangeRateDialog) -> None:
        dialog.form.fields["base"].write("USD")
        dialog.form.fields["quote"].write("JPY")
        dialog.form.fields["rate"].write("151.25")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        seen.append(
            (dialog.isVisible(), dialog.refusal.text(), str(dialog.form.fields["rate"].read()))
        )

    problems = when_dialog_shows(rates_page, ExchangeRateDialog, refused)
    assert rates_page.add_rate() is None
    assert not problems, problems
    [(still_open, refusal, typed)] = seen
    assert still_open and "already" in refusal and typed == "151.25"
    assert [r.rate for r in services.exchange_rates.rates()] == [D("150")]  # nothing changed


def test_a_missing_rate_and_a_rate_added_on_the_page_move_the_roll_up(
    opened: MainWindow, rates_page: ExchangeRatesView
) -> None:
    services = rates_page.session.services
    japan = _account(opened, "Aurora Japan")
    services.forecast.set_month(japan, MARCH, "", "forecast", D(151250))
    roll = services.forecast.roll_up(MARCH, 1)
    assert roll.months[0].forecast is None and "JPY→USD" in roll.missing[0]
    rates_page.add_rate(
        {"base": "USD", "quote": "JPY", "rate": D("151.25"), "valid_from": MARCH, "source": ""}
    )
    assert services.forecast.roll_up(MARCH, 1).months[0].forecast == D("1000.00")
