"""The Pipeline page driven like a user does: the board by stage, moving cards by drag, menu,
buttons and keyboard, undo and redo, the filters, the table and its totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from keyplan.services.opportunities import OpportunityDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.pipeline_view import PipelineView

D = Decimal
TODAY = date.today()
START = TODAY - timedelta(days=60)


@dataclass
class Pipeline:
    window: MainWindow
    view: PipelineView
    services: WorkspaceServices
    ids: dict[str, int]  # opportunity name -> id
    accounts: dict[str, int]
    owner: int


# (account, name, stage, amount, type, close in days)
DEALS = (
    ("usd", "Shopper pilot", "identified", "120000", "cross_sell", 150),
    ("jpy", "楽天 SALE 年間運用", "qualified", "18000000", "upsell", 90),
    ("usd", "Market entry", "proposal", "95000", "expansion", 60),
    ("vnd", "Livestream 12.12", "proposal", "640000000", "expansion", 20),
    ("usd", "Retail media retainer", "negotiation", "480000", "renewal", 35),
    ("vnd", "Tết 2027", "won", "1850000000", "upsell", -10),
    ("jpy", "Brand refresh", "lost", "3200000", "renewal", -40),
)


@pytest.fixture
def pipeline(window: MainWindow, tmp_path: Path) -> Pipeline:
    path = tmp_path / "Pipeline.keyplan"
    with WorkspaceServices.create(path, agency_name="Lumen Partners") as services:
        owner = services.team.create("Amelia Hart", "Account Director")
        accounts = {
            "usd": services.accounts.create(AccountDraft("Aurora", currency="USD")),
            "jpy": services.accounts.create(AccountDraft("Hoshizora Travel", currency="JPY")),
            "vnd": services.accounts.create(AccountDraft("Sen Việt", currency="VND")),
        }
        for account, name, stage, amount, kind, close in DEALS:
            services.opportunities.create(
                accounts[account],
                OpportunityDraft(
                    name,
                    D(amount),
                    kind=kind,
                    stage=stage,
                    expected_close=TODAY + timedelta(days=close),
                    owner_id=owner if account == "usd" else None,
                ),
                on=START,
            )
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    assert window.session is not None
    window.show_page("pipeline")
    view = window.pages["pipeline"]
    assert isinstance(view, PipelineView) and view.isVisible()
    services = window.session.services
    ids = {r.name: r.id for r in services.opportunities.pipeline()}
    return Pipeline(window, view, services, ids, accounts, owner)


def _names(view: PipelineView, stage: str) -> set[str]:
    return {record.name for record in view.cards(stage)}


def _drag(view: PipelineView, opportunity_id: int, stage: str) -> None:
    """Drop the card onto another column, the mime data taken from its own column."""
    record = view.record(opportunity_id)
    assert record is not None
    source = view.columns[record.stage].cards
    item = next(
        source.item(row)
        for row in range(source.count())
        if source.item(row).data(Qt.ItemDataRole.UserRole) == opportunity_id
    )
    data = source.mimeData([item])
    target = view.columns[stage].cards.viewport()
    where = QPoint(20, 20)
    action, button = Qt.DropAction.MoveAction, Qt.MouseButton.LeftButton
    modifiers = Qt.KeyboardModifier.NoModifier
    for event in (  # as the platform delivers them: a drop goes where a drag was let in
        QDragEnterEvent(where, action, data, button, modifiers),
        QDragMoveEvent(where, action, data, button, modifiers),
    ):
        QApplication.sendEvent(target, event)
        assert event.isAccepted()
    drop = QDropEvent(QPointF(where), action, data, button, modifiers)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()


def _stages(services: WorkspaceServices, opportunity_id: int) -> tuple[tuple[str, date], ...]:
    return services.opportunities.get(opportunity_id).stages


def test_the_board_shows_each_stage_with_its_cards_and_totals(pipeline: Pipeline) -> None:
    view = pipeline.view
    assert _names(view, "identified") == {"Shopper pilot"}
    assert _names(view, "qualified") == {"楽天 SALE 年間運用"}
    assert _names(view, "proposal") == {"Market entry", "Livestream 12.12"}
    assert _names(view, "negotiation") == {"Retail media retainer"}
    assert _names(view, "won") == {"Tết 2027"}
    assert _names(view, "lost") == {"Brand refresh"}
    proposal = view.columns["proposal"]
    assert proposal.title.text().endswith("2")
    totals = proposal.totals.text()  # one row per currency: USD and VND never added
    assert "USD" in totals and "95,000.00" in totals and "47,500.00" in totals
    assert "VND" in totals and "640,000,000" in totals and "320,000,000" in totals
    assert "735" not in totals  # 95,000 + 640,000,000 would be a mixed sum


def test_move_an_opportunity_through_the_stages_and_undo_redo(
    pipeline: Pipeline, qtbot: QtBot
) -> None:
    view, services, stack = pipeline.view, pipeline.services, pipeline.window.session.undo_stack  # type: ignore[union-attr]
    deal = pipeline.ids["Shopper pilot"]

    _drag(view, deal, "qualified")  # by drag and drop (the move waits for the drag to end)
    qtbot.waitUntil(lambda: services.opportunities.get(deal).stage == "qualified")
    assert "Shopper pilot" in _names(view, "qualified") and not _names(view, "identified")

    record = view.record(deal)
    assert record is not None
    menu = view.card_menu(record)  # by the card's context menu: Move to ▸ Proposal
    submenu = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert isinstance(submenu, QMenu)
    actions = {a.objectName(): a for a in submenu.actions()}
    assert not actions["move_to_qualified"].isEnabled()  # its own stage
    actions["move_to_proposal"].trigger()
    assert services.opportunities.get(deal).stage == "proposal"

    assert view.select_card(deal)  # by the keyboard: Ctrl+Right, twice
    cards = view.columns["proposal"].cards
    cards.setFocus()
    qtbot.keyClick(cards, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert services.opportunities.get(deal).stage == "negotiation"
    assert view.columns["negotiation"].cards.currentItem().data(Qt.ItemDataRole.UserRole) == deal
    qtbot.mouseClick(view.forward_button, Qt.MouseButton.LeftButton)  # and the button
    assert services.opportunities.get(deal).stage == "won"
    assert not view.forward_button.isEnabled()  # nothing after Won
    assert "Shopper pilot" in _names(view, "won")

    assert _stages(services, deal) == (
        ("identified", START),
        ("qualified", TODAY),
        ("proposal", TODAY),
        ("negotiation", TODAY),
        ("won", TODAY),
    )
    for _ in range(4):
        stack.undo()
    assert _stages(services, deal) == (("identified", START),)
    assert "Shopper pilot" in _names(view, "identified")
    for _ in range(4):
        stack.redo()
    assert services.opportunities.get(deal).stage == "won"
    assert [stage for stage, _day in _stages(services, deal)] == [
        "identified", "qualified", "proposal", "negotiation", "won",
    ]  # fmt: skip
    assert _names(view, "won") == {"Shopper pilot", "Tết 2027"}

    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)  # Back from Won
    assert services.opportunities.get(deal).stage == "negotiation"
    stack.undo()
    assert services.opportunities.get(deal).stage == "won"


def test_dropping_a_card_on_its_own_column_changes_nothing(
    pipeline: Pipeline, qtbot: QtBot
) -> None:
    view, session = pipeline.view, pipeline.window.session
    assert session is not None
    deal = pipeline.ids["Market entry"]
    before = session.undo_stack.count()
    _drag(view, deal, "proposal")
    qtbot.wait(20)
    assert session.undo_stack.count() == before
    assert _stages(pipeline.services, deal) == (("proposal", START),)


def test_filters_narrow_the_board_and_the_table(pipeline: Pipeline, qtbot: QtBot) -> None:
    view = pipeline.view

    def choose(combo, value) -> None:  # type: ignore[no-untyped-def]
        combo.setCurrentIndex(combo.findData(value))

    choose(view.account_filter, pipeline.accounts["jpy"])
    assert {r.name for r in view.records} == {"楽天 SALE 年間運用", "Brand refresh"}
    assert _names(view, "lost") == {"Brand refresh"} and not _names(view, "proposal")
    choose(view.account_filter, None)

    view.open_only.setChecked(True)
    assert not view.columns["won"].isVisible() and not view.columns["lost"].isVisible()
    assert len(view.records) == 5
    view.open_only.setChecked(False)
    assert view.columns["won"].isVisible()

    choose(view.currency_filter, "USD")
    assert {r.currency for r in view.records} == {"USD"} and len(view.records) == 3
    choose(view.owner_filter, pipeline.owner)
    assert len(view.records) == 3
    choose(view.type_filter, "renewal")
    assert [r.name for r in view.records] == ["Retail media retainer"]
    choose(view.type_filter, "")
    choose(view.currency_filter, "")
    choose(view.owner_filter, None)

    view.to_date.setDate(TODAY)
    view.to_check.setChecked(True)  # closing by today: the won and the lost one
    assert {r.name for r in view.records} == {"Tết 2027", "Brand refresh"}
    view.to_check.setChecked(False)
    view.from_date.setDate(TODAY + timedelta(days=100))
    view.from_check.setChecked(True)
    assert [r.name for r in view.records] == ["Shopper pilot"]
    assert view.current_filter().close_from == TODAY + timedelta(days=100)

    path = view.export_excel(pipeline.services.path.parent / "pipeline.xlsx")
    assert path is not None
    sheet = load_workbook(path)["Opportunities"]
    assert sheet["B5"].value == "Shopper pilot" and sheet["B6"].value is None


def test_the_table_sorts_totals_each_currency_and_opens_the_editor(
    pipeline: Pipeline, qtbot: QtBot
) -> None:
    view, window = pipeline.view, pipeline.window
    view.tabs.setCurrentIndex(1)
    table, model = view.table, view.model
    assert table.model().rowCount() == len(DEALS)
    assert view.table_count.text() == "7 opportunities"
    totals = view.table_totals.text().replace("\u00a0", " ")
    assert "USD 695,000.00 (weighted 419,500.00)" in totals  # 12,000 + 47,500 + 360,000
    assert "JPY 21,200,000 (weighted 4,500,000)" in totals  # lost counts 0
    assert "VND 2,490,000,000 (weighted 2,170,000,000)" in totals

    weighted = model.column_of("weighted")
    table.sortByColumn(weighted, Qt.SortOrder.DescendingOrder)
    first = table.model().index(0, model.column_of("name")).data()
    assert first == "Tết 2027"  # 1,850,000,000 VND, sorted as a number
    table.sortByColumn(model.column_of("stage"), Qt.SortOrder.AscendingOrder)
    stages = [table.model().index(r, model.column_of("stage")).data() for r in range(7)]
    assert stages[0] == "Identified" and stages[-1] == "Lost"  # pipeline order, not a-z

    row = next(
        r for r in range(7) if table.model().index(r, model.column_of("name")).data() == "Tết 2027"
    )
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    account_view = window.account_view
    assert account_view is not None and window.stack.currentWidget() is account_view
    assert account_view.tabs.currentWidget() is account_view.opportunities
    panel = account_view.opportunities
    current = panel.current()
    assert current is not None and current.name == "Tết 2027"
    assert panel.form.fields["name"].read() == "Tết 2027"


def test_a_card_opens_with_enter(pipeline: Pipeline, qtbot: QtBot) -> None:
    view = pipeline.view
    opened: list[tuple[int, int]] = []
    view.open_opportunity.connect(lambda account, deal: opened.append((account, deal)))
    deal = pipeline.ids["Livestream 12.12"]
    assert view.select_card(deal)
    cards = view.columns["proposal"].cards
    qtbot.keyClick(cards, Qt.Key.Key_Return)
    assert opened == [(pipeline.accounts["vnd"], deal)]


def test_the_page_follows_edits_made_elsewhere(pipeline: Pipeline) -> None:
    services, view, window = pipeline.services, pipeline.view, pipeline.window
    assert window.session is not None
    window.show_page("accounts")
    services.opportunities.move(pipeline.ids["Market entry"], "negotiation")
    window.session.changed.emit("opportunity")  # while hidden: marked stale
    window.show_page("pipeline")
    assert "Market entry" in _names(view, "negotiation")


def test_a_filter_changed_with_the_keyboard_keeps_the_focus(
    pipeline: Pipeline, qtbot: QtBot
) -> None:
    view, window = pipeline.view, pipeline.window
    window.activateWindow()  # focus needs the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    deal = pipeline.ids["Market entry"]
    assert view.select_card(deal)
    view.owner_filter.setFocus()
    qtbot.waitUntil(view.owner_filter.hasFocus)
    qtbot.keyClick(view.owner_filter, Qt.Key.Key_Down)  # All owners -> Amelia Hart
    assert view.owner_filter.currentText() == "Amelia Hart"
    assert "Market entry" in _names(view, "proposal")  # still shown, still selected
    assert view.columns["proposal"].cards.currentItem().data(Qt.ItemDataRole.UserRole) == deal
    # the next key goes to the filter again, not to the card list
    assert view.owner_filter.hasFocus()


def test_export_from_the_dialog_starts_in_the_export_folder_and_adds_xlsx(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from keyplan.ui import sending

    folder = tmp_path / "exports"
    folder.mkdir()
    remembered = sending.export_folder
    monkeypatch.setattr(sending, "export_folder", lambda: folder)
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "chosen" / "for the QBR"), ""  # typed without ".xlsx"

    (tmp_path / "chosen").mkdir()
    monkeypatch.setattr(sending.QFileDialog, "getSaveFileName", save_as)
    path = pipeline.view.export_excel()
    assert asked == [str(folder / f"Pipeline {TODAY.isoformat()}.xlsx")]
    assert path == tmp_path / "chosen" / "for the QBR.xlsx" and path.is_file()
    assert load_workbook(path)["Opportunities"]["B5"].value
    assert remembered() == tmp_path / "chosen"  # remembered for the next export
