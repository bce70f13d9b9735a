"""The Estimates page and the per-account estimates tab, driven like a user.

The workspace is built through the services: Aurora Group (USD) with a draft, a sent
estimate past its validity date, an approved estimate with an approved change order and
a rejected one; Aurora Japan (JPY) with an estimate in its second revision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from keyplan.domain.errors import NotFoundError
from keyplan.services.estimate_records import EstimateFilter, LineDraft, ProjectDraft
from keyplan.services.estimates import EstimateService
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.new_estimate_dialog import NewEstimateDialog
from keyplan.ui.formatting import money_text, percent_text
from keyplan.ui.models.record_table_model import SORT_ROLE
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.estimates_view import ALERT_BRUSH, EstimateRow, EstimatesView

from .conftest import when_dialog_shows

D = Decimal


@dataclass
class Portfolio:
    services: WorkspaceServices
    session: WorkspaceSession
    usd: int  # Aurora Group
    jpy: int  # Aurora Japan
    numbers: dict[str, str]  # short name -> estimate number


def _line(estimates: EstimateService, revision_id: int, **fields: Any) -> None:
    section = estimates.document(revision_id).sections[0].id
    estimates.add_line(section, LineDraft(**fields))


@pytest.fixture
def portfolio(qapp: QApplication, tmp_path: Path) -> Iterator[Portfolio]:
    services = WorkspaceServices.create(tmp_path / "Estimates.keyplan", agency_name="Lumen")
    estimates = services.estimates
    usd = services.accounts.create(AccountDraft("Aurora Group", currency="USD"))
    jpy = services.accounts.create(AccountDraft("Aurora Japan", currency="JPY", market="JP"))
    launch = services.projects.create(usd, ProjectDraft("Launch 2025"))
    numbers: dict[str, str] = {}

    # a draft, 60 % margin
    ref = estimates.create(
        usd, "Brand launch", project_id=launch, issued_on=date(2025, 1, 10), tax_rate=D(10)
    )
    _line(
        estimates,
        ref.revision_id,
        description="Design",
        quantity=D(10),
        unit_price=D(150),
        unit_cost=D(60),
        unit="hour",
    )
    numbers["launch"] = ref.number

    # sent, valid until a day long past: expired; 10 % margin, under the 30 % floor
    ref = estimates.create(usd, "Retainer Q2", issued_on=date(2025, 4, 2), tax_rate=D(10))
    _line(
        estimates,
        ref.revision_id,
        kind="fixed_fee",
        description="Retainer",
        unit_price=D(5000),
        unit_cost=D(4500),
    )
    estimates.update_revision(ref.revision_id, {"valid_until": date(2025, 5, 1)})
    estimates.send(ref.revision_id, date(2025, 4, 3))
    numbers["retainer"] = ref.number

    # approved, with an approved change order: contracted = estimate + change order
    ref = estimates.create(usd, "Website rebuild", issued_on=date(2025, 2, 15), tax_rate=D(10))
    _line(
        estimates,
        ref.revision_id,
        description="Build",
        quantity=D(20),
        unit_price=D(100),
        unit_cost=D(50),
    )
    estimates.send(ref.revision_id, date(2025, 2, 16))
    estimates.approve(ref.revision_id, "Ms Lan", date(2025, 2, 20), "PO-1")
    order = estimates.create_change_order(ref.estimate_id, "Two more pages")
    estimates.add_line(
        estimates.change_order(order).sections[0].id,
        LineDraft(description="Pages", quantity=D(2), unit_price=D(250), unit_cost=D(100)),
    )
    estimates.send_change_order(order, date(2025, 3, 1))
    estimates.approve_change_order(order, "Ms Lan", date(2025, 3, 2))
    numbers["website"] = ref.number

    # rejected
    ref = estimates.create(usd, "Pitch film", issued_on=date(2025, 6, 1), tax_rate=D(0))
    _line(estimates, ref.revision_id, description="Film", unit_price=D("1234.56"))
    estimates.send(ref.revision_id, date(2025, 6, 2))
    estimates.reject(ref.revision_id, date(2025, 6, 9), "Too dear")
    numbers["pitch"] = ref.number

    # JPY, in its second revision (a draft); revision 1 was sent and is superseded
    ref = estimates.create(jpy, "Tokyo pop-up", issued_on=date(2025, 3, 5), tax_rate=D(10))
    _line(
        estimates,
        ref.revision_id,
        description="Booth",
        quantity=D(3),
        unit_price=D(250000),
        unit_cost=D(100000),
    )
    estimates.send(ref.revision_id, date(2025, 3, 6))
    revision_2 = estimates.revise(ref.estimate_id)
    estimates.update_revision(revision_2, {"issued_on": date(2025, 3, 20)})  # not today
    numbers["tokyo"] = ref.number

    session = WorkspaceSession(services)
    yield Portfolio(services, session, usd, jpy, numbers)
    session.close()


@pytest.fixture
def make_view(portfolio: Portfolio, qtbot: QtBot) -> Callable[..., EstimatesView]:
    def make(account_id: int | None = None) -> EstimatesView:
        view = EstimatesView(portfolio.session, account_id=account_id)
        qtbot.addWidget(view)
        view.resize(1400, 600)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


@pytest.fixture
def view(make_view: Callable[..., EstimatesView]) -> EstimatesView:
    return make_view()


def _numbers(view: EstimatesView) -> set[str]:
    return {row.number for row in view.shown_rows()}


def _row(view: EstimatesView, number: str) -> EstimateRow:
    return next(row for row in view.shown_rows() if row.number == number)


def _cell(view: EstimatesView, number: str, key: str) -> QModelIndex:
    """The table's (proxy) index of an estimate's cell."""
    for i in range(view.proxy.rowCount()):
        index = view.proxy.index(i, view.model.column_of(key))
        if view.proxy.index(i, view.model.column_of("number")).data() == number:
            return index
    raise KeyError(number)


def _choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, (data, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def _click(qtbot: QtBot, view: EstimatesView, name: str) -> None:
    button = view.findChild(QPushButton, name)
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- what the table shows ----------------------------------------------------------------------


def test_rows_and_totals_match_the_services_documents(
    view: EstimatesView, portfolio: Portfolio
) -> None:
    estimates = portfolio.services.estimates
    assert _numbers(view) == set(portfolio.numbers.values())
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal, 0) for c in range(14)]
    assert headers == [
        "Number",
        "Rev.",
        "Title",
        "Account",
        "Project",
        "Status",
        "Currency",
        "Subtotal",
        "Tax",
        "Total",
        "Contracted",
        "Issued",
        "Valid until",
        "Margin %",
    ]
    for number in portfolio.numbers.values():
        document = estimates.document(estimates.find(number))
        totals = document.totals

        def text(key: str, number: str = number) -> str:
            return str(_cell(view, number, key).data())

        assert text("revision") == f"R{document.revision}"
        assert text("title") == document.title
        assert text("account_name") == document.account_name
        assert text("project_name") == document.project_name
        assert text("currency") == document.currency
        assert text("subtotal") == money_text(totals.subtotal, document.currency)
        assert text("tax") == money_text(totals.tax, document.currency)
        assert text("total") == money_text(totals.total, document.currency)
        assert text("issued_on") == document.issued_on.isoformat()
        margin = totals.internal.margin_percent
        assert text("margin_percent") == ("" if margin is None else percent_text(margin))
        assert _cell(view, number, "total").data(SORT_ROLE) == totals.total
        right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        assert _cell(view, number, "total").data(Qt.ItemDataRole.TextAlignmentRole) == right

    n = portfolio.numbers
    status = {number: _cell(view, number, "status").data() for number in n.values()}
    assert status == {
        n["launch"]: "Draft",
        n["retainer"]: "Sent",
        n["website"]: "Approved",
        n["pitch"]: "Rejected",
        n["tokyo"]: "Draft",
    }
    assert _cell(view, n["website"], "status").data(Qt.ItemDataRole.DecorationRole) is not None
    assert _cell(view, n["tokyo"], "revision").data() == "R2"
    assert _cell(view, n["tokyo"], "total").data() == "825,000"  # yen: no decimals
    assert _cell(view, n["pitch"], "total").data() == "1,234.56"

    # contracted total: the approved estimate plus its approved change order, else blank
    website = estimates.document(estimates.find(n["website"]))
    assert website.contracted_total == website.totals.total + D(550)  # 2 x 250 + 10 % tax
    assert _cell(view, n["website"], "contracted_total").data() == money_text(
        website.contracted_total, "USD"
    )
    for short in ("launch", "retainer", "pitch", "tokyo"):
        assert _cell(view, n[short], "contracted_total").data() == ""


def test_expired_validity_and_a_margin_under_the_floor_are_red(
    view: EstimatesView, portfolio: Portfolio
) -> None:
    n = portfolio.numbers
    expired = _cell(view, n["retainer"], "valid_until")
    assert expired.data() == "2025-05-01"
    assert expired.data(Qt.ItemDataRole.ForegroundRole) == ALERT_BRUSH
    assert expired.data(Qt.ItemDataRole.ToolTipRole) == "Expired"
    low = _cell(view, n["retainer"], "margin_percent")
    assert low.data() == percent_text(D(10))
    assert low.data(Qt.ItemDataRole.ForegroundRole) == ALERT_BRUSH
    assert "30 %" in low.data(Qt.ItemDataRole.ToolTipRole)
    fine = _cell(view, n["launch"], "margin_percent")
    assert fine.data() == percent_text(D(60))
    assert fine.data(Qt.ItemDataRole.ForegroundRole) is None

    # the floor comes from the agency profile: lowered under 10 %, the retainer is fine
    portfolio.services.agency.update({"margin_floor_percent": D(5)})
    portfolio.session.changed.emit("agency")
    low = _cell(view, n["retainer"], "margin_percent")
    assert low.data(Qt.ItemDataRole.ForegroundRole) is None


def test_money_and_dates_sort_by_value_not_by_text(view: EstimatesView) -> None:
    view.table.sortByColumn(view.model.column_of("total"), Qt.SortOrder.AscendingOrder)
    totals = [row.total for row in view.shown_rows()]
    assert totals == sorted(totals)
    assert totals[-1] == D(825000)  # as text "825,000" would sort before "2,200.00"...
    view.table.sortByColumn(view.model.column_of("valid_until"), Qt.SortOrder.AscendingOrder)
    assert view.shown_rows()[-1].valid_until == date(2025, 5, 1)  # blanks first
    view.table.sortByColumn(view.model.column_of("issued_on"), Qt.SortOrder.DescendingOrder)
    issued = [row.issued_on for row in view.shown_rows()]
    assert issued == sorted(issued, reverse=True)


def test_count_and_sums_per_currency_of_the_rows_shown(
    view: EstimatesView, portfolio: Portfolio
) -> None:
    estimates = portfolio.services.estimates
    usd = sum((s.totals.total for s in estimates.summaries(EstimateFilter(currency="USD"))), D(0))
    assert view.count.text().startswith("5 estimate")
    assert view.totals.text() == f"JPY\u00a0825,000 · USD\u00a0{money_text(usd, 'USD')}"
    view.filter.setText("Tokyo")
    assert view.count.text().startswith("1 estimate")
    assert view.totals.text() == "JPY\u00a0825,000"  # never added to the dollars
    view.filter.setText("no such thing")
    assert view.count.text().startswith("0 estimate")
    assert view.totals.text() == ""


# -- filters -----------------------------------------------------------------------------------


def test_status_filter(view: EstimatesView, portfolio: Portfolio) -> None:
    n = portfolio.numbers
    combo = view.status_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All statuses",
        "Open (draft or sent)",
        "Draft",
        "Sent",
        "Approved",
        "Rejected",
    ]
    _choose(combo, "sent")
    assert view.current_filter().statuses == {"sent"}
    assert _numbers(view) == {n["retainer"]}
    _choose(combo, "draft")
    assert _numbers(view) == {n["launch"], n["tokyo"]}
    _choose(combo, "open")
    assert _numbers(view) == {n["launch"], n["tokyo"], n["retainer"]}
    combo.setCurrentIndex(0)
    assert len(_numbers(view)) == 5


def test_account_filter(view: EstimatesView, portfolio: Portfolio) -> None:
    combo = view.account_filter
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All accounts",
        "Aurora Group",
        "Aurora Japan",
    ]
    _choose(combo, portfolio.jpy)
    assert _numbers(view) == {portfolio.numbers["tokyo"]}
    _choose(combo, portfolio.usd)
    assert len(_numbers(view)) == 4
    assert {row.account_name for row in view.shown_rows()} == {"Aurora Group"}


def test_currency_filter_offers_the_currencies_present(
    view: EstimatesView, portfolio: Portfolio
) -> None:
    combo = view.currency_filter
    assert [combo.itemText(i) for i in range(combo.count())] == ["All currencies", "JPY", "USD"]
    _choose(combo, "JPY")
    assert _numbers(view) == {portfolio.numbers["tokyo"]}
    assert view.totals.text() == "JPY\u00a0825,000"
    _choose(combo, "USD")
    assert {row.currency for row in view.shown_rows()} == {"USD"}
    assert len(view.shown_rows()) == 4


def test_issue_date_filters(view: EstimatesView, portfolio: Portfolio) -> None:
    n = portfolio.numbers
    assert not view.from_date.isEnabled()
    view.from_date.setDate(QDate(2025, 3, 1))  # not ticked: no effect
    assert len(_numbers(view)) == 5
    view.from_check.setChecked(True)
    assert view.from_date.isEnabled()
    assert view.current_filter().issued_from == date(2025, 3, 1)
    assert _numbers(view) == {n["retainer"], n["pitch"], n["tokyo"]}
    view.to_date.setDate(QDate(2025, 4, 30))
    view.to_check.setChecked(True)
    assert _numbers(view) == {n["retainer"], n["tokyo"]}
    view.to_date.setDate(QDate(2025, 4, 2))  # inclusive
    assert _numbers(view) == {n["retainer"], n["tokyo"]}
    view.to_date.setDate(QDate(2025, 4, 1))
    assert _numbers(view) == {n["tokyo"]}
    view.from_check.setChecked(False)
    assert _numbers(view) == {n["launch"], n["website"], n["tokyo"]}


def test_text_filter_looks_in_number_title_and_account(
    view: EstimatesView, portfolio: Portfolio, qtbot: QtBot
) -> None:
    n = portfolio.numbers
    qtbot.keyClicks(view.filter, "website")
    assert _numbers(view) == {n["website"]}
    view.filter.clear()
    qtbot.keyClicks(view.filter, "aurora japan")
    assert _numbers(view) == {n["tokyo"]}
    view.filter.setText(n["pitch"])
    assert _numbers(view) == {n["pitch"]}
    view.filter.setText("launch 2025")  # the project
    assert _numbers(view) == {n["launch"]}
    view.filter.setText("825")  # an amount is not looked at
    assert _numbers(view) == set()
    view.filter.clear()
    assert len(_numbers(view)) == 5


def test_filters_combine(view: EstimatesView, portfolio: Portfolio) -> None:
    assert view.account_filter is not None
    _choose(view.account_filter, portfolio.usd)
    _choose(view.status_filter, "open")
    assert _numbers(view) == {portfolio.numbers["launch"], portfolio.numbers["retainer"]}
    view.filter.setText("retainer")
    assert _numbers(view) == {portfolio.numbers["retainer"]}
    # a change elsewhere reloads with the filters kept
    portfolio.session.changed.emit("estimate")
    assert _numbers(view) == {portfolio.numbers["retainer"]}
    assert view.account_filter.currentData() == portfolio.usd


# -- actions -----------------------------------------------------------------------------------


def test_open_with_the_button_enter_and_a_double_click(
    view: EstimatesView, portfolio: Portfolio, qtbot: QtBot
) -> None:
    estimates = portfolio.services.estimates
    opened: list[int] = []
    view.open_estimate.connect(opened.append)
    assert not view.open_button.isEnabled()  # nothing chosen yet
    tokyo = portfolio.numbers["tokyo"]
    assert view.select_estimate(_row(view, tokyo).id)
    latest = estimates.find(tokyo)
    assert latest == _row(view, tokyo).revision_id

    _click(qtbot, view, "open_estimate")
    assert opened == [latest]
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened == [latest, latest]
    index = _cell(view, portfolio.numbers["pitch"], "title")
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [latest, latest, estimates.find(portfolio.numbers["pitch"])]  # once


def _through_dialog(
    qtbot: QtBot, view: EstimatesView, fill: Callable[[NewEstimateDialog], None]
) -> None:
    problems = when_dialog_shows(view, NewEstimateDialog, fill)
    _click(qtbot, view, "new_estimate")
    assert not problems, problems


def test_new_estimate_through_the_dialog_then_undo_and_redo(
    view: EstimatesView, portfolio: Portfolio, qtbot: QtBot
) -> None:
    estimates = portfolio.services.estimates
    assert view.account_filter is not None
    _choose(view.account_filter, portfolio.jpy)  # the filtered account is preselected
    opened: list[int] = []
    view.open_estimate.connect(opened.append)

    def fill(dialog: NewEstimateDialog) -> None:
        assert dialog.form.fields["account_id"].read() == portfolio.jpy
        assert dialog.form.fields["currency"].read() == "JPY"
        title = dialog.form.fields["title"].widget
        assert isinstance(title, QLineEdit)
        qtbot.keyClicks(title, "Osaka ")
        title.insert("ポップアップ")  # QTest types ASCII only
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    _through_dialog(qtbot, view, fill)
    assert len(opened) == 1
    document = estimates.document(opened[0])
    assert (document.title, document.account_id, document.currency) == (
        "Osaka ポップアップ",
        portfolio.jpy,
        "JPY",
    )
    assert (document.revision, document.status) == (1, "draft")
    number, estimate_id = document.number, document.estimate_id
    assert number not in portfolio.numbers.values()
    assert _numbers(view) == {portfolio.numbers["tokyo"], number}
    current = view.current_row()
    assert current is not None and current.number == number  # the new row is chosen
    stack = portfolio.session.undo_stack
    assert stack.undoText() == "New estimate Osaka ポップアップ"

    stack.undo()
    with pytest.raises(NotFoundError):
        estimates.find(number)
    assert _numbers(view) == {portfolio.numbers["tokyo"]}

    stack.redo()
    again = estimates.document(estimates.find(number))
    assert (again.estimate_id, again.number, again.title) == (
        estimate_id,
        number,
        "Osaka ポップアップ",
    )
    assert _numbers(view) == {portfolio.numbers["tokyo"], number}


def test_cancelling_the_dialog_creates_nothing(
    view: EstimatesView, portfolio: Portfolio, qtbot: QtBot
) -> None:
    opened: list[int] = []
    view.open_estimate.connect(opened.append)
    _through_dialog(qtbot, view, lambda dialog: dialog.reject())
    assert opened == []
    assert portfolio.session.undo_stack.count() == 0
    assert len(portfolio.services.estimates.summaries()) == 5


def test_archive_and_undo(view: EstimatesView, portfolio: Portfolio, qtbot: QtBot) -> None:
    website = portfolio.numbers["website"]
    assert not view.archive_button.isEnabled()
    view.select_estimate(_row(view, website).id)
    _click(qtbot, view, "archive_estimate")
    assert website not in _numbers(view)
    assert len(portfolio.services.estimates.summaries()) == 4
    assert view.count.text().startswith("4 estimate")
    assert portfolio.session.undo_stack.undoText() == f"Archive estimate {website}"

    portfolio.session.undo_stack.undo()
    assert website in _numbers(view)
    restored = portfolio.services.estimates.document(portfolio.services.estimates.find(website))
    assert (restored.status, restored.contracted_total is not None) == ("approved", True)
    portfolio.session.undo_stack.redo()
    assert website not in _numbers(view)


# -- the per-account tab -----------------------------------------------------------------------


def test_the_per_account_tab_shows_only_that_account(
    make_view: Callable[..., EstimatesView], portfolio: Portfolio, qtbot: QtBot
) -> None:
    view = make_view(portfolio.jpy)
    assert view.account_filter is None
    assert view.findChild(QComboBox, "estimate_account_filter") is None
    assert "account_name" not in [c.key for c in view.model.columns]
    assert _numbers(view) == {portfolio.numbers["tokyo"]}
    assert view.current_filter().account_id == portfolio.jpy
    assert [view.currency_filter.itemText(i) for i in range(view.currency_filter.count())] == [
        "All currencies",
        "JPY",
    ]
    assert view.totals.text() == "JPY\u00a0825,000"

    def fill(dialog: NewEstimateDialog) -> None:
        assert dialog.form.fields["account_id"].read() == portfolio.jpy
        title = dialog.form.fields["title"].widget
        assert isinstance(title, QLineEdit)
        qtbot.keyClicks(title, "Nagoya booth")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    _through_dialog(qtbot, view, fill)
    assert len(_numbers(view)) == 2
    assert view.count.text().startswith("2 estimate")

    view.show_account(portfolio.usd)
    assert len(_numbers(view)) == 4
    assert {row.account_id for row in view.shown_rows()} == {portfolio.usd}


def test_reloads_on_changes_and_a_hidden_page_catches_up_when_shown(
    view: EstimatesView, portfolio: Portfolio
) -> None:
    services = portfolio.services
    services.accounts.update(portfolio.jpy, {"name": "Aurora Japan K.K."})
    portfolio.session.changed.emit("account")
    assert _row(view, portfolio.numbers["tokyo"]).account_name == "Aurora Japan K.K."
    assert view.account_filter is not None
    assert view.account_filter.itemText(2) == "Aurora Japan K.K."

    view.hide()
    services.estimates.update_revision(
        services.estimates.find(portfolio.numbers["tokyo"]), {"title": "Tokyo pop-up store"}
    )
    portfolio.session.changed.emit("estimate")
    assert _row(view, portfolio.numbers["tokyo"]).title == "Tokyo pop-up"  # not yet re-read
    portfolio.session.changed.emit("contact")  # not shown here: ignored
    view.show()
    assert _row(view, portfolio.numbers["tokyo"]).title == "Tokyo pop-up store"


def test_export_the_filtered_list(view: EstimatesView, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    view.currency_filter.setCurrentIndex(view.currency_filter.findData("JPY"))
    shown = {row.number for row in view.shown_rows()}
    written = view.export_list(tmp_path / "estimates.xlsx")
    assert written is not None
    sheet = load_workbook(written).active
    numbers = {
        sheet[f"A{r}"].value
        for r in range(5, sheet.max_row + 1)
        if str(sheet[f"A{r}"].value or "").count("-") >= 2
    }
    assert numbers == shown and shown  # exactly the estimates the filters show
