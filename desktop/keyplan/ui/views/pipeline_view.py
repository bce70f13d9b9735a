"""The Pipeline page: every account's opportunities as a board by stage and as a table.

Filters on top (account, owner, type, currency, expected close from / to, open only) narrow both
tabs through :class:`keyplan.services.opportunities.PipelineFilter`, the same filter the
workbook ("Export Excel…") is written with.

Board: one column per stage; its header counts the cards and totals amount and weighted value
per currency (never across currencies). Dragging a card to another column moves the opportunity
to that stage today, one undo step. Without a mouse: the "Move to ▸" context menu (Menu key or
right click), the Back / Forward buttons and Ctrl+Left / Ctrl+Right move the selected card.
Enter or a double-click opens the opportunity in its account's Opportunities tab
(``open_opportunity``).

Table: the same opportunities, sortable on every column, with the totals per currency under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QDate,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSignalBlocker,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain import pipeline as calc
from keyplan.services import exporting
from keyplan.services.opportunities import OpportunityRecord, PipelineFilter
from keyplan.ui import sending
from keyplan.ui.formatting import date_text, money_text, percent_text
from keyplan.ui.labels import count_text, fill
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.opportunity_commands import MoveStageCommand
from keyplan.ui.views.opportunities_panel import (
    LATE_BRUSH,
    OpportunityTableModel,
    currency_totals,
    fit_columns,
    is_late,
    opportunity_columns,
    opportunity_table,
    record_at,
    stage_labels,
    type_labels,
)
from keyplan.ui.widgets.date_filter import date_filter
from keyplan.ui.widgets.headings import page_title, section_title

Index = QModelIndex | QPersistentModelIndex
CARD_MIME = "application/x-keyplan-opportunity"
RECORD_ROLE = Qt.ItemDataRole.UserRole + 10
COLUMN_WIDTH = 236
RELOAD_KINDS = frozenset({"opportunity", "account", "team", "workspace"})
# Forward and Back walk the open stages to Won; Lost is reached through "Move to"
FLOW = (*calc.OPEN_STAGES, calc.Stage.WON)


def _t(text: str) -> str:
    return QCoreApplication.translate("PipelineView", text)


def _step(stage: str, step: int) -> str | None:
    """The stage ``step`` places along the flow from ``stage`` (Won and Lost go back to
    Negotiation), or None past either end."""
    current = calc.Stage(stage)
    if current == calc.Stage.LOST:
        return calc.Stage.NEGOTIATION.value if step < 0 else None
    position = FLOW.index(current) + step
    return FLOW[position].value if 0 <= position < len(FLOW) else None


def _chosen_day(check: QCheckBox, edit: QDateEdit) -> date | None:
    if not check.isChecked():
        return None
    day = edit.date().toPython()
    assert isinstance(day, date)
    return day


def _set_choices(combo: QComboBox, choices: Sequence[tuple[str, Any]]) -> None:
    """Replace a combo's entries, keeping the chosen one (or the first when it is gone)."""
    chosen = combo.currentData()
    with QSignalBlocker(combo):
        combo.clear()
        for label, value in choices:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))


def _compact(combo: QComboBox, characters: int) -> QComboBox:
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


def totals_html(records: Sequence[OpportunityRecord], amount: str, weighted: str) -> str:
    """A small table of amount and weighted value per currency."""
    rows = "".join(
        f"<tr><td>{code}</td><td align='right'>&nbsp;{money_text(total, code)}</td>"
        f"<td align='right'>&nbsp;{money_text(part, code)}</td></tr>"
        for code, total, part in currency_totals(records)
    )
    if not rows:
        return ""
    head = f"<tr><td></td><td align='right'>{amount}</td><td align='right'>{weighted}</td></tr>"
    return f"<table cellspacing='0'>{head}{rows}</table>"


# -- the board -------------------------------------------------------------------------------


class CardDelegate(QStyledItemDelegate):
    """An opportunity as a card: name, account, amount and weighted value, close date."""

    LINES = 4
    today: date | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = option.fontMetrics.height()
        return QSize(COLUMN_WIDTH - 24, height * self.LINES + 22)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        record: OpportunityRecord | None = index.data(RECORD_ROLE)
        if record is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        card = option.rect.adjusted(4, 3, -4, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        edge = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Mid)
        painter.setPen(QPen(edge, 2 if selected else 1))
        painter.drawRoundedRect(card, 5, 5)
        metrics = option.fontMetrics
        line = metrics.height()
        inner = card.adjusted(8, 6, -8, -6)
        text = palette.color(QPalette.ColorRole.Text)
        grey = palette.color(QPalette.ColorRole.PlaceholderText)

        def write(row: int, value: str, colour: QColor, *, right: bool = False) -> None:
            rect = QRect(inner.left(), inner.top() + row * line, inner.width(), line)
            align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            painter.setPen(colour)
            elided = painter.fontMetrics().elidedText(
                value, Qt.TextElideMode.ElideRight, rect.width()
            )
            painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), elided)

        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        write(0, record.name, text)
        painter.setFont(option.font)
        write(1, record.account_name, grey)
        write(2, f"{record.currency} {money_text(record.amount, record.currency)}", text)
        write(2, percent_text(record.probability), grey, right=True)
        late = is_late(record, self.today or date.today())
        close = date_text(record.expected_close)
        write(3, close, LATE_BRUSH.color() if late else grey)
        weighted = _t("weighted %1").replace("%1", money_text(record.weighted, record.currency))
        write(3, weighted, grey, right=True)
        painter.restore()


class StageList(QListWidget):
    """The cards of one stage. Cards drag out as their opportunity id; a card dropped here
    asks (``dropped``) for its opportunity to move to this stage."""

    dropped = Signal(int, str)  # opportunity id, this stage
    step = Signal(int)  # Ctrl+Left (-1) or Ctrl+Right (+1): move the current card

    def __init__(self, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setObjectName(f"stage_{stage}")
        self.setItemDelegate(CardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # the list's own Ctrl+arrow moves its cursor: here it moves the card to a stage
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if event.modifiers() == Qt.KeyboardModifier.ControlModifier and event.key() in steps:
            event.accept()
            self.step.emit(steps[Qt.Key(event.key())])
            return
        super().keyPressEvent(event)

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        ids = ",".join(str(item.data(Qt.ItemDataRole.UserRole)) for item in items)
        data.setData(CARD_MIME, QByteArray(ids.encode("ascii")))
        data.setText(" / ".join(item.text() for item in items))  # dropped in a text editor
        return data

    def startDrag(self, _supported: Qt.DropAction) -> None:
        # our own drag: the list must not remove the card itself; a reload moves it
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        drag.setPixmap(self.viewport().grab(self.visualItemRect(item)))
        drag.exec(Qt.DropAction.MoveAction)

    @staticmethod
    def card_ids(data: QMimeData | None) -> list[int]:
        if data is None or not data.hasFormat(CARD_MIME):
            return []
        text = bytes(data.data(CARD_MIME).data()).decode("ascii", "replace")
        return [int(part) for part in text.split(",") if part.isdigit()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._take(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._take(event)

    def _take(self, event: QDragMoveEvent) -> None:
        if self.card_ids(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        ids = self.card_ids(event.mimeData())
        if not ids:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        for opportunity_id in ids:
            self.dropped.emit(opportunity_id, self.stage)


class StageColumn(QFrame):
    """A stage's header (name, count, totals per currency) over its cards."""

    def __init__(self, stage: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.label = label
        self.setObjectName(f"column_{stage}")
        self.setFixedWidth(COLUMN_WIDTH)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = section_title()
        self.title.setObjectName(f"title_{stage}")
        self.totals = QLabel()
        self.totals.setObjectName(f"totals_{stage}")
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        small = self.totals.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.totals.setFont(small)
        self.cards = StageList(stage)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.totals)
        layout.addWidget(self.cards, 1)

    def show_records(self, records: Sequence[OpportunityRecord]) -> None:
        self.title.setText(f"{self.label}  ·  {len(records)}")
        self.totals.setText(totals_html(records, self.tr("Amount"), self.tr("Weighted")))
        self.totals.setToolTip(
            self.tr("Totals per currency: amounts in different currencies are never added")
        )
        # rebuilt quietly: a card removed must not pass the selection to its neighbour
        blocker = QSignalBlocker(self.cards)
        self.cards.clear()
        for record in records:
            item = QListWidgetItem(record.name)
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setData(RECORD_ROLE, record)
            item.setToolTip(
                "\n".join(
                    part
                    for part in (
                        record.name,
                        record.account_name,
                        f"{record.currency} {money_text(record.amount, record.currency)}",
                        record.owner_name,
                        record.next_step,
                    )
                    if part
                )
            )
            self.cards.addItem(item)
        self.cards.setCurrentRow(-1)
        blocker.unblock()


# -- the page --------------------------------------------------------------------------------


class PipelineView(QWidget):
    open_opportunity = Signal(int, int)  # account id, opportunity id

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.records: list[OpportunityRecord] = []
        self._stale = False
        self._selected: int | None = None  # the card selected, kept across reloads
        stages = stage_labels()

        title = page_title(self.tr("Pipeline"))
        title.setObjectName("pipeline_title")
        self.export_button = QPushButton(self.tr("Export Excel…"))
        self.export_button.setObjectName("export_pipeline")
        self.export_button.setToolTip(self.tr("The opportunities shown, as an Excel workbook"))
        self.export_button.clicked.connect(lambda: self.export_excel())

        # -- filters ------------------------------------------------------------------------
        self.account_filter = _compact(QComboBox(), 14)
        self.account_filter.setObjectName("pipeline_account_filter")
        self.owner_filter = _compact(QComboBox(), 12)
        self.owner_filter.setObjectName("pipeline_owner_filter")
        self.type_filter = _compact(QComboBox(), 11)
        self.type_filter.setObjectName("pipeline_type_filter")
        self.type_filter.addItem(self.tr("All types"), "")
        for key, label in type_labels().items():
            self.type_filter.addItem(label, key)
        self.currency_filter = _compact(QComboBox(), 8)
        self.currency_filter.setObjectName("pipeline_currency_filter")
        self.open_only = QCheckBox(self.tr("Open only"))
        self.open_only.setObjectName("pipeline_open_only")
        self.open_only.setToolTip(self.tr("Leave out what was won or lost"))
        today = QDate.currentDate()
        earliest = QDate(1990, 1, 1)
        self.from_check, self.from_date = date_filter(
            self.tr("Closing from"),
            "pipeline_close_from",
            QDate(today.year(), 1, 1),
            self.refilter,
            earliest,
        )
        self.to_check, self.to_date = date_filter(
            self.tr("to"), "pipeline_close_to", QDate(today.year(), 12, 31), self.refilter, earliest
        )
        for combo in (self.account_filter, self.owner_filter, self.type_filter):
            combo.currentIndexChanged.connect(self.refilter)
        self.currency_filter.currentIndexChanged.connect(self.refilter)
        self.open_only.toggled.connect(self.refilter)

        # -- the board ----------------------------------------------------------------------
        self.columns: dict[str, StageColumn] = {}
        strip = QWidget()
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        for stage in calc.Stage:
            column = StageColumn(stage.value, stages[stage])
            column.cards.dropped.connect(self._dropped)
            column.cards.step.connect(self.move_selected)
            column.cards.itemActivated.connect(self._card_activated)
            column.cards.currentItemChanged.connect(
                lambda current, _previous, s=stage.value: self._card_selected(s, current)
            )
            column.cards.customContextMenuRequested.connect(
                lambda position, s=stage.value: self._card_menu(s, position)
            )
            self.columns[stage.value] = column
            row.addWidget(column)
        row.addStretch()
        self.board_scroll = QScrollArea()
        self.board_scroll.setObjectName("pipeline_board")
        self.board_scroll.setWidgetResizable(True)
        self.board_scroll.setWidget(strip)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("open_opportunity")
        self.open_button.clicked.connect(self.open_selected)
        self.back_button = QPushButton(self.tr("◀ Back"))
        self.back_button.setObjectName("move_back")
        self.back_button.setToolTip(self.tr("Move to the previous stage (Ctrl+Left)"))
        self.back_button.clicked.connect(lambda: self.move_selected(-1))
        self.forward_button = QPushButton(self.tr("Forward ▶"))
        self.forward_button.setObjectName("move_forward")
        self.forward_button.setToolTip(self.tr("Move to the next stage (Ctrl+Right)"))
        self.forward_button.clicked.connect(lambda: self.move_selected(1))
        self.move_menu = QMenu(self)
        self.move_menu.aboutToShow.connect(self._fill_move_menu)
        self.move_button = QToolButton()
        self.move_button.setObjectName("move_to")
        self.move_button.setText(self.tr("Move to ▸"))
        self.move_button.setMenu(self.move_menu)
        self.move_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        board_buttons = QHBoxLayout()
        for widget in (self.open_button, self.back_button, self.forward_button, self.move_button):
            board_buttons.addWidget(widget)
        board_buttons.addStretch()
        self.board = QWidget()
        self.board.setObjectName("board_tab")
        board_layout = QVBoxLayout(self.board)
        board_layout.setContentsMargins(0, 4, 0, 0)
        board_layout.addLayout(board_buttons)
        board_layout.addWidget(self.board_scroll, 1)

        # -- the table ----------------------------------------------------------------------
        self.model = OpportunityTableModel(opportunity_columns(with_account=True), self)
        self.table = opportunity_table("pipeline_table", self.model, self)
        self.table.activated.connect(self._row_activated)
        self.table_count = QLabel()
        self.table_count.setObjectName("pipeline_count")
        self.table_totals = QLabel()
        self.table_totals.setObjectName("pipeline_totals")
        self.table_totals.setWordWrap(True)  # eight currencies must not widen the window
        self.table_totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.table_totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        footer = QHBoxLayout()
        footer.addWidget(self.table_count, 0, Qt.AlignmentFlag.AlignTop)
        footer.addWidget(self.table_totals, 1)
        table_tab = QWidget()
        table_layout = QVBoxLayout(table_tab)
        table_layout.setContentsMargins(0, 4, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addLayout(footer)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pipeline_tabs")
        self.tabs.addTab(self.board, self.tr("Board"))
        self.tabs.addTab(table_tab, self.tr("Table"))

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch()
        top.addWidget(self.export_button)
        who = QHBoxLayout()
        who.addWidget(self.account_filter)
        who.addWidget(self.owner_filter)
        who.addStretch()
        what = QHBoxLayout()
        what.addWidget(self.type_filter)
        what.addWidget(self.currency_filter)
        what.addWidget(self.open_only)
        what.addStretch()
        when = QHBoxLayout()
        for widget in (self.from_check, self.from_date, self.to_check, self.to_date):
            when.addWidget(widget)
        when.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(who)
        layout.addLayout(what)
        layout.addLayout(when)
        layout.addWidget(self.tabs, 1)
        session.changed.connect(self._changed)
        self._stale = True  # read when first shown: opening a workspace stays quick

    # -- reading ---------------------------------------------------------------------------

    def current_filter(self) -> PipelineFilter:
        return PipelineFilter(
            account_id=self.account_filter.currentData(),
            owner_id=self.owner_filter.currentData(),
            kind=self.type_filter.currentData() or "",
            currency=self.currency_filter.currentData() or "",
            close_from=_chosen_day(self.from_check, self.from_date),
            close_to=_chosen_day(self.to_check, self.to_date),
            open_only=self.open_only.isChecked(),
        )

    def reload(self) -> None:
        """Re-read the filters' choices and the opportunities."""
        self._stale = False
        services = self.session.services
        _set_choices(
            self.account_filter,
            [(self.tr("All accounts"), None), *((a.name, a.id) for a in services.accounts.all())],
        )
        _set_choices(
            self.owner_filter,
            [(self.tr("All owners"), None), *((m.name, m.id) for m in services.team.all())],
        )
        everything = services.opportunities.pipeline()  # one read for the choices and cards
        present = {r.currency for r in everything}
        chosen = self.currency_filter.currentData()
        if chosen:  # keep the user's choice while it is set
            present.add(chosen)
        _set_choices(
            self.currency_filter,
            [(self.tr("All currencies"), ""), *((c, c) for c in sorted(present))],
        )
        filters = self.current_filter()
        self._show([r for r in everything if filters.accepts(r)], filters)

    def refilter(self) -> None:
        filters = self.current_filter()
        self._show(self.session.services.opportunities.filtered(filters), filters)

    def _show(self, records: list[OpportunityRecord], filters: PipelineFilter) -> None:
        self.records = records
        for stage, column in self.columns.items():
            shown = calc.Stage(stage).is_open or not filters.open_only
            column.setVisible(shown)
            column.show_records([r for r in self.records if r.stage == stage] if shown else [])
        # the cards of every column start at one height, however many currencies above them
        tallest = max(column.totals.sizeHint().height() for column in self.columns.values())
        for column in self.columns.values():
            column.totals.setMinimumHeight(tallest)
        self.model.set_records(self.records)
        fit_columns(self.table, self.model)
        self.table_count.setText(count_text(len(self.records), "1 opportunity", "%n opportunities"))
        self.table_totals.setText(
            "  ·  ".join(
                fill(
                    self.tr("%1\u00a0%2\u00a0(weighted\u00a0%3)"),
                    code,
                    money_text(amount, code),
                    money_text(weighted, code),
                )
                for code, amount, weighted in currency_totals(self.records)
            )
        )
        if self._selected is not None:
            # the card list takes the focus only from another card list (a move by the
            # keyboard): a filter changed with the keyboard keeps it
            self.select_card(
                self._selected, focus=isinstance(QApplication.focusWidget(), StageList)
            )
        self._update_buttons()

    def _changed(self, kind: str) -> None:
        if kind not in RELOAD_KINDS:
            return
        if self.isVisible():
            self.reload()
        else:  # a hidden page re-reads when it is shown, not on every edit elsewhere
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def record(self, opportunity_id: int) -> OpportunityRecord | None:
        return next((r for r in self.records if r.id == opportunity_id), None)

    def cards(self, stage: str) -> list[OpportunityRecord]:
        """The cards of a stage's column, top to bottom."""
        cards = self.columns[stage].cards
        return [cards.item(row).data(RECORD_ROLE) for row in range(cards.count())]

    # -- selection -------------------------------------------------------------------------

    def selected(self) -> OpportunityRecord | None:
        """The card selected on the board, or the row on the table, whichever tab is shown."""
        if self.tabs.currentIndex() == 1:
            return record_at(self.table, self.model, self.table.currentIndex())  # type: ignore[no-any-return]
        return self.record(self._selected) if self._selected is not None else None

    def select_card(self, opportunity_id: int, *, focus: bool = True) -> bool:
        record = self.record(opportunity_id)
        if record is None or not self.columns[record.stage].isVisible():
            self._selected = None
            return False
        cards = self.columns[record.stage].cards
        for row in range(cards.count()):
            if cards.item(row).data(Qt.ItemDataRole.UserRole) == opportunity_id:
                cards.setCurrentRow(row)
                cards.scrollToItem(cards.item(row))
                if focus and self.tabs.currentWidget() is self.board:
                    cards.setFocus()
                self.board_scroll.ensureWidgetVisible(self.columns[record.stage], 8, 0)
                break
        self._selected = opportunity_id
        self._update_buttons()
        return True

    def _card_selected(self, stage: str, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self._selected = item.data(Qt.ItemDataRole.UserRole)
        for other, column in self.columns.items():  # one card selected on the whole board
            if other != stage:
                with QSignalBlocker(column.cards):
                    column.cards.clearSelection()
                    column.cards.setCurrentRow(-1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        record = self.record(self._selected) if self._selected is not None else None
        self.open_button.setEnabled(record is not None)
        self.move_button.setEnabled(record is not None)
        self.back_button.setEnabled(record is not None and _step(record.stage, -1) is not None)
        self.forward_button.setEnabled(record is not None and _step(record.stage, 1) is not None)

    # -- moving ----------------------------------------------------------------------------

    def move_to(self, opportunity_id: int, stage: str, on: date | None = None) -> str | None:
        """Move the opportunity to ``stage`` (undoable); None, or the message why not."""
        record = self.record(opportunity_id)
        if record is None or record.stage == stage:
            return None
        label = stage_labels().get(stage, stage)
        command = MoveStageCommand(
            fill(self.tr("Move %1 to %2"), record.name, label),
            self.session.services.opportunities,
            opportunity_id,
            stage,
            on,
        )
        self._selected = opportunity_id  # the card stays selected in its new column
        return self.session.run(command)

    def move_selected(self, step: int) -> str | None:
        record = self.selected()
        target = _step(record.stage, step) if record is not None else None
        if record is None or target is None:
            return None
        return self.move_to(record.id, target)

    def _dropped(self, opportunity_id: int, stage: str) -> None:
        # after the drag has finished: the columns are rebuilt by the move
        QTimer.singleShot(0, lambda: self.move_to(opportunity_id, stage))

    def stage_menu(self, record: OpportunityRecord, menu: QMenu) -> None:
        """Fill ``menu`` with "Move to" entries: every stage but the card's own."""
        for stage, label in stage_labels().items():
            action = menu.addAction(label)
            action.setObjectName(f"move_to_{stage}")
            action.setEnabled(stage != record.stage)
            action.triggered.connect(partial(self.move_to, record.id, str(stage)))

    def _fill_move_menu(self) -> None:
        self.move_menu.clear()
        record = self.selected()
        if record is not None:
            self.stage_menu(record, self.move_menu)

    def card_menu(self, record: OpportunityRecord) -> QMenu:
        """The context menu of a card: Open, and Move to ▸ each other stage."""
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), partial(self.open, record))
        self.stage_menu(record, menu.addMenu(self.tr("Move to")))
        return menu

    def _card_menu(self, stage: str, position: QPoint) -> None:
        cards = self.columns[stage].cards
        item = cards.itemAt(position) or cards.currentItem()
        if item is None:
            return
        record: OpportunityRecord = item.data(RECORD_ROLE)
        cards.setCurrentItem(item)
        self.card_menu(record).exec(cards.viewport().mapToGlobal(position))

    # -- opening and exporting -------------------------------------------------------------

    def open(self, record: OpportunityRecord) -> None:
        self.open_opportunity.emit(record.account_id, record.id)

    def open_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self.open(record)

    def _card_activated(self, item: QListWidgetItem) -> None:
        self.open(item.data(RECORD_ROLE))

    def _row_activated(self, index: QModelIndex) -> None:
        record = record_at(self.table, self.model, index)
        if record is not None:
            self.open(record)

    def export_excel(self, path: Path | None = None) -> Path | None:
        """The opportunities the filters show, as the pipeline workbook."""
        services = self.session.services
        filters = self.current_filter()
        return sending.export_file(
            self,
            self.session,
            lambda target, overwrite: exporting.export_pipeline_xlsx(
                services, target, filters=filters, overwrite=overwrite
            ),
            exporting.pipeline_file_name(services, account_id=filters.account_id),
            self.tr("Export pipeline"),
            path,
            suffix=".xlsx",
            replace=True,
        )
