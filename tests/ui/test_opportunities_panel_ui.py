"""The account's Opportunities tab: the editor saves each field as one undo step, refuses bad
values inline, records stage moves, and creates the estimate that prices an opportunity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from keyplan.services.estimate_records import ProjectDraft
from keyplan.services.opportunities import OpportunityDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.opportunities_panel import CreateEstimateDialog, OpportunitiesPanel

from .conftest import when_dialog_shows

D = Decimal
START = date(2026, 1, 5)


@pytest.fixture
def panel(window: MainWindow, tmp_path: Path) -> OpportunitiesPanel:
    """Sen Việt (VND) with two opportunities and a project; its Opportunities tab shown."""
    path = tmp_path / "Deals.keyplan"
    with WorkspaceServices.create(path, agency_name="Lumen Partners") as services:
        services.team.create("Nguyễn Hoàng Minh", "Account Director")
        account = services.accounts.create(AccountDraft("Sen Việt", currency="VND"))
        services.opportunities.create(
            account,
            OpportunityDraft("Livestream 12.12", D("640000000"), stage="proposal"),
            on=START,
        )
        services.opportunities.create(
            account, OpportunityDraft("Tết 2027", D("500000000")), on=START
        )
        services.projects.create(account, ProjectDraft("Always-on 2027"))
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    assert window.session is not None and window.account_view is not None
    window.show_account(account)
    view = window.account_view
    view.tabs.setCurrentWidget(view.opportunities)
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Opportunities"
    panel = view.opportunities
    deal = next(r for r in panel.model.records if r.name == "Tết 2027")
    assert panel.select_opportunity(deal.id)
    return panel


def _window(panel: OpportunitiesPanel) -> MainWindow:
    window = panel.window()
    assert isinstance(window, MainWindow)
    return window


def _type(qtbot: QtBot, panel: OpportunitiesPanel, name: str, text: str) -> None:
    """Replace a field's text and press Enter, as a user does."""
    edit = panel.form.fields[name].widget
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)  # replaces the selection; "" leaves it selected
        if not text:
            qtbot.keyClick(edit, Qt.Key.Key_Delete)
    else:  # QTest types ASCII only: the rest arrives as an input method would put it
        edit.insert(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _choose(panel: OpportunitiesPanel, name: str, value: object) -> None:
    combo = panel.form.fields[name].widget
    assert isinstance(combo, QComboBox)
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a user's choice sends


def test_edit_fields_each_one_undo_step(panel: OpportunitiesPanel, qtbot: QtBot) -> None:
    session = panel.session
    deals = session.services.opportunities
    deal = panel.current()
    assert deal is not None
    _type(qtbot, panel, "name", "Tết 2027 — TVC")
    _type(qtbot, panel, "next_step", "Gửi báo giá")
    _choose(panel, "kind", "upsell")
    _type(qtbot, panel, "amount", "750,000,000")
    _type(qtbot, panel, "probability", "40")
    _type(qtbot, panel, "expected_close", "2027-01-20")
    owner = session.services.team.all()[0]
    _choose(panel, "owner_id", owner.id)
    stored = deals.get(deal.id)
    assert (stored.name, stored.next_step, stored.kind) == (
        "Tết 2027 — TVC",
        "Gửi báo giá",
        "upsell",
    )
    assert (stored.amount, stored.probability, stored.weighted) == (
        D("750000000"), D(40), D("300000000"),
    )  # fmt: skip
    assert (stored.expected_close, stored.owner_name) == (date(2027, 1, 20), owner.name)
    assert "300,000,000" in panel.form.fields["weighted"].read()
    assert session.undo_stack.count() == 7

    _type(qtbot, panel, "probability", "")  # empty: back to the stage's default
    assert deals.get(deal.id).probability == D(10) and not deals.get(deal.id).probability_set
    probability = panel.form.fields["probability"].widget
    assert isinstance(probability, QLineEdit) and probability.placeholderText().startswith("10")

    for _ in range(8):
        session.undo_stack.undo()
    back = deals.get(deal.id)
    assert (back.name, back.kind, back.amount, back.expected_close, back.owner_id) == (
        "Tết 2027", "new_business", D("500000000"), None, None,
    )  # fmt: skip
    assert panel.form.fields["name"].read() == "Tết 2027"


def test_an_invalid_amount_shows_an_error_and_saves_nothing(
    panel: OpportunitiesPanel, qtbot: QtBot
) -> None:
    session = panel.session
    deal = panel.current()
    assert deal is not None
    steps = session.undo_stack.count()
    for text in ("12abc", "1.5", "-3"):  # not a number; VND has no decimals; negative
        _type(qtbot, panel, "amount", text)
        assert panel.form.error_text("amount"), text
        assert session.services.opportunities.get(deal.id).amount == D("500000000")
    assert session.undo_stack.count() == steps
    assert panel.form.fields["amount"].read() == "-3"  # the typed text stays to be fixed
    _type(qtbot, panel, "probability", "140")
    assert panel.form.error_text("probability")
    _type(qtbot, panel, "expected_close", "2027-13-40")
    assert "YYYY-MM-DD" in panel.form.error_text("expected_close")
    _type(qtbot, panel, "name", "")
    assert panel.form.error_text("name")
    assert session.undo_stack.count() == steps
    assert not _window(panel).errors  # type: ignore[attr-defined]  # inline, no dialog

    _type(qtbot, panel, "amount", "510,000,000")  # fixed: saved, the error goes
    assert not panel.form.error_text("amount")
    assert session.services.opportunities.get(deal.id).amount == D("510000000")


def test_a_new_currency_moves_the_amount_with_it(panel: OpportunitiesPanel, qtbot: QtBot) -> None:
    session = panel.session
    deal = panel.current()
    assert deal is not None
    _type(qtbot, panel, "amount", "19500")
    _choose(panel, "currency", "USD")
    stored = session.services.opportunities.get(deal.id)
    assert (stored.currency, stored.amount) == ("USD", D("19500.00"))
    assert panel.form.fields["amount"].read() == "19,500.00"
    session.undo_stack.undo()
    stored = session.services.opportunities.get(deal.id)
    assert (stored.currency, stored.amount) == ("VND", D("19500"))


def test_a_refused_currency_puts_the_combo_back_on_the_stored_one(
    panel: OpportunitiesPanel, qtbot: QtBot
) -> None:
    session = panel.session
    deals = session.services.opportunities
    deal = panel.current()
    assert deal is not None
    combo = panel.form.fields["currency"].widget
    assert isinstance(combo, QComboBox)
    _choose(panel, "currency", "USD")
    _type(qtbot, panel, "amount", "1,234.56")
    assert (deals.get(deal.id).currency, deals.get(deal.id).amount) == ("USD", D("1234.56"))
    steps = session.undo_stack.count()
    chosen = combo.findData("JPY")  # a user's choice: cents cannot be yen
    combo.setCurrentIndex(chosen)
    signals: list[int] = []
    combo.activated.connect(signals.append)
    combo.currentIndexChanged.connect(signals.append)
    combo.activated.emit(chosen)
    QApplication.processEvents()
    assert "decimal" in panel.form.error_text("currency")  # the refusal, under the combo
    assert combo.currentData() == "USD" and combo.currentText() == "USD"  # back on the stored
    assert signals == [chosen]  # the user's choice only: put back without another edit
    assert (deals.get(deal.id).currency, deals.get(deal.id).amount) == ("USD", D("1234.56"))
    assert session.undo_stack.count() == steps
    assert not _window(panel).errors  # type: ignore[attr-defined]  # inline, no dialog

    # the next amount is saved in the currency the screen shows
    _type(qtbot, panel, "amount", "2,000")
    stored = deals.get(deal.id)
    assert (stored.currency, stored.amount) == ("USD", D("2000.00"))
    assert combo.currentData() == "USD"
    assert panel.form.fields["amount"].read() == "2,000.00"
    assert session.undo_stack.count() == steps + 1

    # undo back to VND while the refusal is still shown: the combo follows the stored value
    for _ in range(3):
        session.undo_stack.undo()
    assert deals.get(deal.id).currency == "VND"
    assert combo.currentData() == "VND"

    # a currency that fits is still taken: the refusal goes
    _choose(panel, "currency", "USD")
    assert deals.get(deal.id).currency == "USD" and not panel.form.error_text("currency")


def test_a_stage_chosen_in_the_editor_is_recorded_with_its_day(
    panel: OpportunitiesPanel,
) -> None:
    session = panel.session
    deal = panel.current()
    assert deal is not None
    _choose(panel, "stage", "qualified")
    _choose(panel, "stage", "proposal")
    assert session.services.opportunities.get(deal.id).stages == (
        ("identified", START),
        ("qualified", date.today()),
        ("proposal", date.today()),
    )
    history = [panel.history.item(i).text() for i in range(panel.history.count())]
    assert history[0] == f"{date.today().isoformat()}  Proposal"
    assert history[-1] == f"{START.isoformat()}  Identified"
    assert panel.history.item(0).font().bold()
    session.undo_stack.undo()
    assert panel.form.fields["stage"].read() == "qualified"
    assert panel.history.count() == 2


def test_new_and_delete_with_undo(panel: OpportunitiesPanel, qtbot: QtBot) -> None:
    session = panel.session
    deals = session.services.opportunities
    window = _window(panel)
    window.activateWindow()  # focus (asserted below) needs the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    created = panel.add_opportunity()
    assert created is not None and panel.current_id == created
    record = deals.get(created)
    assert (record.currency, record.amount, record.stage) == ("VND", D(0), "identified")
    assert panel.form.fields["name"].widget.hasFocus()
    qtbot.keyClicks(panel.form.fields["name"].widget, "Loyalty app")
    qtbot.keyClick(panel.form.fields["name"].widget, Qt.Key.Key_Return)
    assert deals.get(created).name == "Loyalty app"
    assert panel.count_label.text() == "3 opportunities"

    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert created not in [r.id for r in deals.pipeline()]
    assert panel.count_label.text() == "2 opportunities"
    session.undo_stack.undo()
    assert deals.get(created).name == "Loyalty app"
    session.undo_stack.undo()  # the rename
    session.undo_stack.undo()  # the creation
    assert created not in [r.id for r in deals.pipeline()]


def _through_dialog(
    qtbot: QtBot, panel: OpportunitiesPanel, fill: Callable[[CreateEstimateDialog], None]
) -> None:
    problems = when_dialog_shows(panel, CreateEstimateDialog, fill)
    qtbot.mouseClick(panel.create_estimate_button, Qt.MouseButton.LeftButton)
    assert not problems, problems


def test_create_estimate_from_the_opportunity_links_and_opens_it(
    panel: OpportunitiesPanel, qtbot: QtBot
) -> None:
    session = panel.session
    services = session.services
    window = _window(panel)
    deal = panel.current()
    assert deal is not None

    def fill(dialog: CreateEstimateDialog) -> None:
        assert dialog.form.fields["project_id"].read() is None  # a new project by default
        assert dialog.form.fields["title"].read() == "Tết 2027"
        assert dialog.form.fields["currency"].read() == "VND"
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    _through_dialog(qtbot, panel, fill)
    linked = services.opportunities.get(deal.id).estimate_id
    assert linked is not None
    summary = next(s for s in services.estimates.summaries() if s.estimate_id == linked)
    assert (summary.title, summary.currency, summary.project_name) == (
        "Tết 2027", "VND", "Tết 2027",
    )  # fmt: skip
    editor = window.estimate_editor
    assert editor is not None and window.stack.currentWidget() is editor  # opened
    assert panel.form.fields["estimate"].read().startswith(summary.number)
    assert panel.open_estimate_button.isVisibleTo(panel)

    session.undo_stack.undo()  # the estimate, its project and the link go
    assert services.opportunities.get(deal.id).estimate_id is None
    assert services.estimates.summaries() == []
    assert [p.name for p in services.projects.for_account(deal.account_id)] == ["Always-on 2027"]
    session.undo_stack.redo()
    assert services.opportunities.get(deal.id).estimate_id == linked
    assert services.estimates.summaries()[0].number == summary.number


def test_create_estimate_in_an_existing_project(panel: OpportunitiesPanel, qtbot: QtBot) -> None:
    services = panel.session.services
    deal = panel.current()
    assert deal is not None
    project = services.projects.for_account(deal.account_id)[0]
    opened: list[int] = []
    panel.open_estimate.connect(opened.append)

    def fill(dialog: CreateEstimateDialog) -> None:
        combo = dialog.form.fields["project_id"].widget
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(project.id))
        title = dialog.form.fields["title"].widget
        assert isinstance(title, QLineEdit)
        title.clear()
        dialog.accept()  # refused: no title
        assert dialog.isVisible() and dialog.form.error_text("title")
        title.setText("Tết 2027 — phase 1")
        dialog.accept()

    _through_dialog(qtbot, panel, fill)
    link = services.opportunities.get(deal.id).estimate_id
    summary = next(s for s in services.estimates.summaries() if s.estimate_id == link)
    assert (summary.title, summary.project_name) == ("Tết 2027 — phase 1", "Always-on 2027")
    assert opened == [summary.revision_id]
    assert len(services.projects.for_account(deal.account_id)) == 1
