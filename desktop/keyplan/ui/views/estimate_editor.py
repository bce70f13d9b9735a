"""The estimate editor: a spreadsheet-like grid of sections and lines, live totals,
the estimate's details, its workflow (send, revise, approve) and change orders.

Every edit goes through an undoable command (ui/estimate_commands.py) and is in
the workspace file when the cell is left. A sent revision is read-only; "Edit as
revision n" starts the next draft.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from keyplan import APP_NAME, ORGANISATION
from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.estimates import DiscountMode, FeeBase, LineKind
from keyplan.services import estimate_import, paths
from keyplan.services.estimate_records import (
    ChangeOrderDocument,
    EstimateDocument,
    LineDraft,
    PricedRecord,
    RateOption,
)
from keyplan.services.estimates import LineEdit
from keyplan.services.exporting import (
    ExportError,
    estimate_file_name,
    estimate_pdf_file_name,
    export_estimate_pdf,
    export_estimate_xlsx,
)
from keyplan.services.workspace import WorkspaceError
from keyplan.ui import sending
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.dialogs.decision_dialogs import ApprovalDialog, RejectionDialog, SendDialog
from keyplan.ui.dialogs.revision_diff_dialog import RevisionDiffDialog
from keyplan.ui.estimate_commands import (
    AddLineCommand,
    AddSectionCommand,
    BatchCommand,
    ChangeOrderStatusCommand,
    CreateChangeOrderCommand,
    DecisionCommand,
    DeleteLinesCommand,
    DeleteSectionCommand,
    MoveLineCommand,
    MoveSectionCommand,
    ReviseCommand,
    RoundTripCommand,
    SendCommand,
)
from keyplan.ui.formatting import money_text, percent_text, read_decimal
from keyplan.ui.labels import count_text, estimate_status_label
from keyplan.ui.models.estimate_grid_model import (
    EstimateGridModel,
    GridRow,
    cell_editable,
    kind_labels,
    parse_cell,
)
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.actuals_panel import ActualsPanel
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.rag_badge import STATUS_COLOURS
from keyplan.ui.workers import CancelledError, remove_file, run_with_progress

Index = QModelIndex | QPersistentModelIndex
PASTE_PROBLEMS_SHOWN = 8
ACTUALS_TAB = 3


def read_tab_separated(text: str) -> list[list[str]]:
    """Cells as Excel and LibreOffice put them on the clipboard: tab-separated rows, and
    a cell holding a tab, a line break or a quote wrapped in double quotes."""
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), dialect="excel-tab"))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # the trailing line break spreadsheets add
    return rows


def write_tab_separated(rows: list[list[str]]) -> str:
    """The reverse, so a copied block pastes back into a spreadsheet cell for cell."""
    out = io.StringIO()
    csv.writer(out, dialect="excel-tab", lineterminator="\n").writerows(rows)
    return out.getvalue().removesuffix("\n")


class GridDelegate(QStyledItemDelegate):
    """Kind and optional as choices; the role as a list of rate-card roles that fill the rate."""

    def __init__(self, editor: EstimateEditor) -> None:
        super().__init__(editor)
        self.owner = editor

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model = self.owner.model
        row, key = model.rows[index.row()], model.columns[index.column()].key
        if row.line is not None and key == "kind":
            combo = QComboBox(parent)
            for kind, label in kind_labels().items():
                combo.addItem(label, kind.value)
            return combo
        if row.line is not None and key == "optional":
            combo = QComboBox(parent)
            combo.addItem(self.tr("No"), False)
            combo.addItem(self.tr("Yes: optional, not in the total"), True)
            return combo
        if row.line is not None and key == "who" and row.line.kind == LineKind.LABOUR:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for rate in self.owner.rate_options():
                text = (
                    f"{rate.role} — {money_text(rate.bill_rate, self.owner.currency)}/{rate.unit}"
                )
                combo.addItem(text, rate)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        model = self.owner.model
        row, key = model.rows[index.row()], model.columns[index.column()].key
        if isinstance(editor, QComboBox) and row.line is not None:
            if key == "kind":
                editor.setCurrentIndex(max(0, editor.findData(row.line.kind)))
            elif key == "optional":
                editor.setCurrentIndex(1 if row.line.optional else 0)
            else:  # the line's own role, exactly; never the first entry by accident
                match = (
                    next(
                        (
                            i
                            for i in range(editor.count())
                            if editor.itemData(i).role.casefold() == row.line.role.casefold()
                        ),
                        -1,
                    )
                    if row.line.role
                    else -1
                )
                editor.setCurrentIndex(match)
                editor.setEditText(row.line.role)
                editor.setProperty("initial_role", row.line.role)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            data = editor.currentData()
            typed = editor.currentText()
            if editor.isEditable():
                initial = editor.property("initial_role") or ""
                if typed == initial:
                    return  # passed through with Tab or Enter: the line keeps its rates
                if data is None or typed != editor.itemText(editor.currentIndex()):
                    data = typed  # a role typed by hand, not from the rate card
            model.setData(index, data, Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class GridView(QTableView):
    """Spreadsheet keys: Enter moves down, Delete clears, Ctrl+C / Ctrl+V copy and paste."""

    copy_requested = Signal()
    paste_requested = Signal()
    clear_requested = Signal()

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter: next row
            self._move(1)

    def _move(self, rows: int) -> None:
        current = self.currentIndex()
        if current.isValid():
            target = self.model().index(current.row() + rows, current.column())
            if target.isValid():
                self.setCurrentIndex(target)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_requested.emit()
                return
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste_requested.emit()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
                self.clear_requested.emit()
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self._move(1)
                return
        super().keyPressEvent(event)


class TotalsPanel(QWidget):
    """Live totals: per section, per tax rate, grand total, and the internal margin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(0, 1)
        self.values: dict[str, str] = {}  # what is shown, by key (tests read it)
        self._next_row = 0  # QGridLayout never forgets rows: count our own
        self._stretch_row = 0

    def _row(
        self,
        key: str,
        label: str,
        value: str,
        *,
        bold: bool = False,
        colour: str = "",
        tooltip: str = "",
    ) -> None:
        row = self._take_row()
        name, amount = QLabel(label), QLabel(value)
        name.setWordWrap(True)  # a long section name wraps; the amount stays whole
        amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        amount.setObjectName(f"total_{key}")
        amount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        style = ("font-weight: 600;" if bold else "") + (f"color: {colour};" if colour else "")
        for label_widget in (name, amount):
            label_widget.setStyleSheet(style)
            label_widget.setToolTip(tooltip)
        self.grid.addWidget(name, row, 0)
        self.grid.addWidget(amount, row, 1)
        self.values[key] = value

    def _take_row(self) -> int:
        self._next_row += 1
        return self._next_row - 1

    def _rule(self) -> None:
        line = QLabel()
        line.setFixedHeight(1)
        line.setStyleSheet("background: palette(mid);")
        self.grid.addWidget(line, self._take_row(), 0, 1, 2)

    def show_document(self, document: PricedRecord | None, *, internal: bool) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.values = {}
        self.grid.setRowStretch(self._stretch_row, 0)
        self._next_row = 0
        if document is not None:
            self._fill(document, internal=internal)
        self._stretch_row = self._take_row()  # the rows sit at the top
        self.grid.setRowStretch(self._stretch_row, 1)

    def _fill(self, document: PricedRecord, *, internal: bool) -> None:
        cur = document.currency
        totals = document.totals
        for section in document.sections:
            self._row(f"section_{section.id}", section.name, money_text(section.subtotal, cur))
        self._rule()
        self._row("subtotal", self.tr("Subtotal"), money_text(totals.subtotal, cur), bold=True)
        adjustments = document.adjustments
        if totals.discount > totals.subtotal:
            warning = QLabel("⚠ " + self.tr("The discount is larger than the subtotal."))
            warning.setObjectName("discount_warning")
            warning.setStyleSheet("color: #C62828;")
            warning.setWordWrap(True)
            self.grid.addWidget(warning, self._take_row(), 0, 1, 2)
            self.values["discount_warning"] = warning.text()
        if totals.discount:
            what = (
                percent_text(adjustments.discount_value)
                if adjustments.discount_mode == DiscountMode.PERCENT
                else ""
            )
            self._row(
                "discount",
                f"{self.tr('Discount')} {what}".strip(),
                "−" + money_text(totals.discount, cur),
            )
        if totals.contingency:
            self._row(
                "contingency",
                f"{self.tr('Contingency')} {percent_text(adjustments.contingency_percent)}",
                money_text(totals.contingency, cur),
            )
        if totals.fee:
            self._row(
                "fee",
                f"{self.tr('Agency fee')} {percent_text(adjustments.fee_percent)}",
                money_text(totals.fee, cur),
            )
        for rate, tax in totals.tax_by_rate.items():
            base = money_text(totals.taxable_by_rate[rate], cur)
            self._row(
                f"tax_{rate}",
                f"{self.tr('Tax')} {percent_text(rate)}",
                money_text(tax, cur),
                tooltip=self.tr("on %1").replace("%1", base),
            )
        self._rule()
        self._row(
            "total",
            self.tr("Total (%1)").replace("%1", cur),
            money_text(totals.total, cur),
            bold=True,
        )
        if totals.optional_total:
            self._row(
                "optional",
                self.tr("Optional items (not included)"),
                money_text(totals.optional_total, cur),
                colour="#6B6B6B",
            )
        if isinstance(document, EstimateDocument) and document.contracted_total is not None:
            self._row(
                "contracted",
                self.tr("Contracted total (with change orders)"),
                money_text(document.contracted_total, cur),
                bold=True,
            )
        if not internal:
            return
        self._rule()
        figures = totals.internal
        self._row("cost", self.tr("Internal cost"), money_text(figures.cost, cur))
        self._row("margin", self.tr("Margin"), money_text(figures.margin, cur))
        below = isinstance(document, EstimateDocument) and document.below_margin_floor
        percent = (
            percent_text(figures.margin_percent) if figures.margin_percent is not None else "–"
        )
        floor = document.margin_floor_percent if isinstance(document, EstimateDocument) else None
        warning = (
            self.tr("Below the agency's margin floor of %1").replace("%1", percent_text(floor))
            if below and floor is not None
            else ""
        )
        self._row(
            "margin_percent",
            self.tr("Margin %"),
            percent,
            bold=below,
            colour="#C62828" if below else "",
            tooltip=warning,
        )
        if below:
            note = QLabel("⚠ " + warning)
            note.setObjectName("margin_warning")
            note.setStyleSheet("color: #C62828;")
            note.setWordWrap(True)
            self.grid.addWidget(note, self._take_row(), 0, 1, 2)
            self.values["margin_warning"] = note.text()


class EstimateEditor(QWidget):
    """One estimate revision or change order, editable while it is a draft."""

    open_estimate = Signal(int)  # revision id: another revision of the same estimate

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.estimates = session.services.estimates
        self.document: PricedRecord | None = None
        self.estimate_id: int | None = None
        self.revision_id: int | None = None
        self.change_order_id: int | None = None
        self._rates: list[RateOption] | None = None
        self._sized_for = 0
        self._totals_fitted = False
        self.last_export: Path | None = None

        # header: number, revision, status, workflow
        self.title = QLabel()
        self.title.setObjectName("estimate_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setObjectName("estimate_status")
        self.revisions = QComboBox()
        self.revisions.setObjectName("revision_picker")
        self.revisions.activated.connect(self._revision_picked)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: palette(mid);")
        self.buttons: dict[str, QPushButton] = {}
        self._button_actions: dict[str, QAction] = {}
        # a toolbar: buttons that do not fit go to its overflow menu, the window stays small
        self.workflow = QToolBar()
        self.workflow.setObjectName("workflow")
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.status)
        header.addWidget(self.revisions)
        for name, text, slot in (
            ("send", self.tr("Mark as sent…"), self.mark_sent),
            ("revise", self.tr("New revision"), self.new_revision),
            ("approve", self.tr("Record approval…"), self.record_approval),
            ("reject", self.tr("Record rejection…"), self.record_rejection),
            ("compare", self.tr("Compare revisions…"), self.compare_revisions),
            # clicked(bool) would pass False as the first argument: call them without one
            ("export", self.tr("Export to Excel…"), lambda: self.export_excel()),
            ("pdf", self.tr("Export PDF…"), lambda: self.export_pdf()),
            ("email", self.tr("Email to client…"), lambda: self.email_to_client()),
            ("import", self.tr("Import client's workbook…"), self.import_client_workbook),
            ("change_order", self.tr("New change order…"), self.new_change_order),
            ("back", self.tr("Back to the estimate"), self.back_to_estimate),
        ):
            button = QPushButton(text)
            button.setObjectName(f"{name}_button")
            button.clicked.connect(slot)
            self._button_actions[name] = self.workflow.addWidget(button)
            self.buttons[name] = button
        header.addStretch()

        self.banner = QWidget()
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 4, 8, 4)
        self.banner_text = QLabel()
        self.banner_text.setObjectName("frozen_banner")
        self.banner_button = QPushButton()
        self.banner_button.setObjectName("edit_as_revision")
        self.banner_button.clicked.connect(self.new_revision)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.banner_button)
        self.banner.setStyleSheet("background: #FFF4CE; border-radius: 4px;")

        # lines: toolbar, grid, totals
        self.model = EstimateGridModel(self)
        self.model.on_edit = self._edit_cell
        self.grid = GridView()
        self.grid.setObjectName("estimate_grid")
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(GridDelegate(self))
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setWordWrap(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.verticalHeader().setDefaultSectionSize(26)
        self.grid.copy_requested.connect(self.copy_selection)
        self.grid.paste_requested.connect(self.paste_from_clipboard)
        self.grid.clear_requested.connect(self.clear_selection)
        self.grid.clicked.connect(self._clicked)
        self.totals = TotalsPanel()
        totals_scroll = QScrollArea()
        totals_scroll.setWidgetResizable(True)
        totals_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        totals_scroll.setWidget(self.totals)
        totals_scroll.setMinimumWidth(170)
        self.internal = QCheckBox(self.tr("Cost and margin"))
        self.internal.setToolTip(self.tr("Show the internal figures: never in client exports"))
        self.internal.setObjectName("show_internal")
        self.internal.setChecked(True)
        self.internal.toggled.connect(lambda _on: self.refresh())
        self.message = QLabel()
        self.message.setObjectName("grid_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #C62828;")
        self.toolbar = QToolBar()
        self.actions_: dict[str, QAction] = {}
        for name, text, keys, slot in (
            ("add_line", self.tr("Add line"), ["Ctrl+Return", "Insert"], self.add_line),
            ("add_section", self.tr("Add section"), ["Ctrl+Shift+Return"], self.add_section),
            ("delete", self.tr("Delete"), ["Ctrl+Delete"], self.delete_selected),
            ("move_up", self.tr("Move up"), ["Alt+Up"], partial(self.move_selected, -1)),
            ("move_down", self.tr("Move down"), ["Alt+Down"], partial(self.move_selected, 1)),
            ("toggle", self.tr("Collapse / expand section"), ["Ctrl+Space"], self.toggle_section),
        ):
            action = QAction(text, self)
            action.setObjectName(name)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.toolbar.addAction(action)
            self.addAction(action)
            self.actions_[name] = action
        lines_box = QWidget()
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.toolbar)
        top.addStretch()
        top.addWidget(self.internal)
        lines_layout.addLayout(top)
        lines_layout.addWidget(self.grid, 1)
        lines_layout.addWidget(self.message)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("estimate_splitter")
        self.splitter.addWidget(lines_box)
        self.splitter.addWidget(totals_scroll)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)

        # details: header fields
        self.details = self._build_details()
        details_scroll = QScrollArea()
        details_scroll.setWidgetResizable(True)
        details_scroll.setWidget(self.details)

        # change orders
        self.orders_model = RecordTableModel(
            [
                Column("sequence", self.tr("No."), display=lambda o: f"CO{o.sequence}"),
                Column("title", self.tr("Title")),
                Column(
                    "status", self.tr("Status"), display=lambda o: estimate_status_label(o.status)
                ),
                Column(
                    "total", self.tr("Total"), display=lambda o: money_text(o.total, self.currency)
                ),
                Column(
                    "approved_on",
                    self.tr("Approved"),
                    display=lambda o: o.approved_on.isoformat() if o.approved_on else "",
                ),
            ],
            self,
        )
        self.orders = QTableView()
        self.orders.setObjectName("change_orders")
        self.orders.setModel(self.orders_model)
        self.orders.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.orders.horizontalHeader().setStretchLastSection(True)
        self.orders.doubleClicked.connect(
            lambda index: self.show_change_order(self.orders_model.record(index.row()).id)
        )

        self.tabs = QTabWidget()
        self.tabs.setObjectName("estimate_tabs")
        self.tabs.addTab(self.splitter, self.tr("Lines"))
        self.tabs.addTab(details_scroll, self.tr("Details"))
        self.tabs.addTab(self.orders, self.tr("Change orders"))
        self.actuals = ActualsPanel(session)
        self.actuals.setObjectName("actuals_panel")
        self.tabs.addTab(self.actuals, self.tr("Actuals"))

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        # the actions get a row of their own: beside a long title they all went to the overflow
        layout.addWidget(self.workflow)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        session.changed.connect(self._changed)

    def _build_details(self) -> Form:
        form = Form()
        form.add_line("title", self.tr("Title"))
        form.add_label("currency", self.tr("Currency"))
        form.add_date("issued_on", self.tr("Issued on"))
        form.add_line("valid_until", self.tr("Valid until"), "YYYY-MM-DD")
        form.add_line("tax_rate", self.tr("Standard tax rate %"))
        form.add_choice(
            "discount_mode",
            self.tr("Discount as"),
            [
                (self.tr("Percent of the subtotal"), DiscountMode.PERCENT.value),
                (self.tr("Amount"), DiscountMode.AMOUNT.value),
            ],
        )
        form.add_line("discount_value", self.tr("Discount"))
        form.add_line("discount_tax_rate", self.tr("Discount tax rate %"))
        form.add_line("contingency_percent", self.tr("Contingency %"))
        form.add_line("contingency_tax_rate", self.tr("Contingency tax rate %"))
        form.add_line("fee_percent", self.tr("Agency fee %"))
        form.add_choice(
            "fee_base",
            self.tr("Fee on"),
            [
                (self.tr("Subtotal"), FeeBase.SUBTOTAL.value),
                (self.tr("Labour lines"), FeeBase.LABOUR.value),
                (self.tr("Third-party lines"), FeeBase.THIRD_PARTY.value),
            ],
        )
        form.add_line("fee_tax_rate", self.tr("Fee tax rate %"))
        form.add_text("terms", self.tr("Terms"))
        form.add_text("client_notes", self.tr("Notes for the client"))
        form.add_text("internal_notes", self.tr("Internal notes (never exported to the client)"))
        form.add_text("reason", self.tr("Reason for the change"))
        form.commit.connect(self._commit_detail)
        return form

    # -- what is shown -----------------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self.document.currency if self.document is not None else "USD"

    def show_revision(self, revision_id: int) -> bool:
        self.revision_id, self.change_order_id, self.estimate_id = revision_id, None, None
        self._rates = None
        self.details.reset()
        return self.refresh()

    def show_change_order(self, change_order_id: int) -> bool:
        self.change_order_id = change_order_id
        self._rates = None
        self.details.reset()
        return self.refresh()

    def back_to_estimate(self) -> None:
        if self.revision_id is not None:
            self.show_revision(self.revision_id)

    def _load(self) -> PricedRecord | None:
        """The document to show; when it is gone (an undo, an archive) the nearest one."""
        if self.change_order_id is not None:
            try:
                return self.estimates.change_order(self.change_order_id)
            except DomainError:  # its creation was undone: back to the estimate
                self.change_order_id = None
        if self.revision_id is not None:
            try:
                return self.estimates.document(self.revision_id)
            except DomainError:
                pass
        if self.estimate_id is not None:  # the revision was undone: show the latest one
            try:
                self.revision_id = self.estimates.latest_revision_id(self.estimate_id)
                return self.estimates.document(self.revision_id)
            except DomainError:
                pass
        return None

    def refresh(self) -> bool:
        """Re-read the document from the services; False when the estimate is gone."""
        try:
            loaded = self._load()
        except WorkspaceError:
            loaded = None
        if loaded is None:
            self._show_nothing()
            return False
        document: PricedRecord = loaded
        if isinstance(document, EstimateDocument):
            self.estimate_id = document.estimate_id
        self.document = document
        internal = self.internal.isChecked()
        cursor = self._cursor()
        self.model.set_document(document, internal=internal)
        self._restore_cursor(cursor)
        self.totals.show_document(document, internal=internal)
        self._show_header(document)
        self._show_details(document)
        if isinstance(document, EstimateDocument):
            self.orders_model.set_records(list(document.change_orders))
            self.actuals.set_estimate(document.estimate_id)
        self._size_columns()
        return True

    TOTALS_WIDTH = 330  # "Optional items (not included)" and a ten-digit amount side by side

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._totals_fitted and self.splitter.width() > 2 * self.TOTALS_WIDTH:
            self._totals_fitted = True  # once: later the user's own drag wins
            width = self.splitter.width()
            self.splitter.setSizes([width - self.TOTALS_WIDTH, self.TOTALS_WIDTH])

    COLUMN_WIDTHS: ClassVar[dict[str, int]] = {
        "kind": 90,
        "description": 300,
        "who": 130,
        "quantity": 60,
        "unit": 60,
        "unit_price": 100,
        "discount_percent": 64,
        "tax_rate": 56,
        "optional": 70,
        "amount": 110,
        "unit_cost": 96,
        "markup_percent": 72,
        "cost": 100,
        "margin": 100,
    }

    def _cursor(self) -> tuple[int, str, int] | None:
        """Where the cursor is: (row id, column key, row number), to find it after a reset."""
        index = self.grid.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return (
            self.model.rows[index.row()].id,
            self.model.columns[index.column()].key,
            index.row(),
        )

    def _restore_cursor(self, cursor: tuple[int, str, int] | None) -> None:
        if cursor is None or self.grid.currentIndex().isValid() or not self.model.rows:
            return
        row_id, key, number = cursor
        row = next((i for i, r in enumerate(self.model.rows) if r.id == row_id), -1)
        if row < 0:  # the row went (a delete, an undo): the one now in its place
            row = min(number, len(self.model.rows) - 1)
        column = max(self.model.column_of(key), 0)
        self.grid.setCurrentIndex(self.model.index(row, column))

    def _show_nothing(self) -> None:
        """The estimate was archived or its creation undone: say so, offer nothing to edit."""
        self.document = None
        self.model.set_document(None, internal=True)
        self.totals.show_document(None, internal=False)
        self.title.setText(self.tr("This estimate is no longer here"))
        self.subtitle.setText(
            self.tr(
                "It was archived or its creation was undone (Ctrl+Shift+Z "
                "brings it back; archived estimates are in Deleted items)."
            )
        )
        self.status.clear()
        self.status.setStyleSheet("")
        self.revisions.hide()
        self.banner.hide()
        for action in self._button_actions.values():
            action.setVisible(False)
        for action in self.actions_.values():
            action.setEnabled(False)

    def _size_columns(self) -> None:
        if self._sized_for == len(self.model.columns):
            return  # keep widths the user dragged
        for column, spec in enumerate(self.model.columns):
            self.grid.setColumnWidth(column, self.COLUMN_WIDTHS.get(spec.key, 90))
        self._sized_for = len(self.model.columns)

    def _show_header(self, document: PricedRecord) -> None:
        is_order = isinstance(document, ChangeOrderDocument)
        colour = STATUS_COLOURS.get(document.status, "#757575")
        self.status.setText(estimate_status_label(document.status))
        self.status.setStyleSheet(
            f"background: {colour}; color: white; border-radius: 9px; padding: 2px 10px;"
        )
        if isinstance(document, ChangeOrderDocument):
            self.title.setText(f"{document.number}  {document.title}")
            self.subtitle.setText(
                self.tr("Change order on estimate %1").replace(
                    "%1", document.number.rsplit("-CO", 1)[0]
                )
            )
            self.revisions.hide()
        elif isinstance(document, EstimateDocument):
            self.title.setText(f"{document.number}  {document.title}")
            parts = [
                document.account_name,
                document.project_name,
                document.currency,
                self.tr("issued %1").replace("%1", document.issued_on.isoformat()),
            ]
            if document.valid_until:
                parts.append(
                    self.tr("valid until %1").replace("%1", document.valid_until.isoformat())
                )
            self.subtitle.setText("  ·  ".join(p for p in parts if p))
            self.revisions.show()
            self.revisions.blockSignals(True)
            self.revisions.clear()
            for info in document.revisions:
                self.revisions.addItem(
                    self.tr("Revision %1 — %2")
                    .replace("%1", str(info.revision))
                    .replace("%2", estimate_status_label(info.status)),
                    info.id,
                )
            self.revisions.setCurrentIndex(self.revisions.findData(document.revision_id))
            self.revisions.blockSignals(False)
        status = document.status
        latest = isinstance(document, EstimateDocument) and document.is_latest
        approved = isinstance(document, EstimateDocument) and any(
            r.status == "approved" for r in document.revisions
        )
        show = {
            "send": status == "draft",
            "revise": not is_order and latest and status in ("sent", "rejected"),
            "approve": status == "sent",
            "reject": status == "sent",
            "compare": not is_order and len(getattr(document, "revisions", ())) > 1,
            "change_order": not is_order and approved,
            "back": is_order,
            "export": not is_order,
            "pdf": not is_order,
            "email": not is_order,
            "import": not is_order and latest and status in ("sent", "rejected"),
        }
        for name, action in self._button_actions.items():
            action.setVisible(show[name])  # in a toolbar, the action shows or hides it
        self.tabs.setTabVisible(2, not is_order and approved)
        # estimate versus actual: once approved, or as soon as costs are booked
        has_actuals = isinstance(document, EstimateDocument) and (
            approved or self.session.services.actuals.count(document.estimate_id) > 0
        )
        self.tabs.setTabVisible(ACTUALS_TAB, not is_order and has_actuals)
        frozen = status != "draft"
        self.banner.setVisible(frozen)
        if frozen:
            what = (
                self.tr("This change order")
                if is_order
                else self.tr("Revision %1").replace("%1", str(getattr(document, "revision", "")))
            )
            sent = (
                f" ({self.tr('sent on')} {document.sent_on.isoformat()})"
                if document.sent_on
                else ""
            )
            self.banner_text.setText(
                self.tr("%1 is %2%3 and read-only.")
                .replace("%1", what)
                .replace("%2", estimate_status_label(status).lower())
                .replace("%3", sent)
            )
            can_revise = show["revise"]
            self.banner_button.setVisible(can_revise)
            if can_revise and isinstance(document, EstimateDocument):
                self.banner_button.setText(
                    self.tr("Edit as revision %1").replace("%1", str(document.revision + 1))
                )
        for action in self.actions_.values():
            action.setEnabled(not frozen or action.objectName() == "toggle")

    def _show_details(self, document: PricedRecord) -> None:
        adjustments = document.adjustments
        values: dict[str, Any] = {
            "title": document.title,
            "currency": document.currency,
            "tax_rate": percent_text(document.tax_rate).removesuffix(" %"),
            "discount_mode": adjustments.discount_mode.value,
            "discount_value": (
                percent_text(adjustments.discount_value).removesuffix(" %")
                if adjustments.discount_mode == DiscountMode.PERCENT
                else money_text(adjustments.discount_value, document.currency)
            ),
            "discount_tax_rate": percent_text(adjustments.discount_tax_rate).removesuffix(" %"),
            "contingency_percent": percent_text(adjustments.contingency_percent).removesuffix(" %"),
            "contingency_tax_rate": percent_text(adjustments.contingency_tax_rate).removesuffix(
                " %"
            ),
            "fee_percent": percent_text(adjustments.fee_percent).removesuffix(" %"),
            "fee_base": adjustments.fee_base.value,
            "fee_tax_rate": percent_text(adjustments.fee_tax_rate).removesuffix(" %"),
            "client_notes": document.client_notes,
            "internal_notes": document.internal_notes,
        }
        is_estimate = isinstance(document, EstimateDocument)
        if isinstance(document, EstimateDocument):
            values.update(
                issued_on=document.issued_on,
                valid_until=document.valid_until.isoformat() if document.valid_until else "",
                terms=document.terms,
            )
        if isinstance(document, ChangeOrderDocument):
            values["reason"] = document.reason
        for name in ("issued_on", "valid_until", "terms"):
            self._field_visible(name, is_estimate)
        self._field_visible("reason", not is_estimate)
        self.details.set_values(values)
        editable = document.editable
        for name, field in self.details.fields.items():
            field.widget.setEnabled(editable or name == "internal_notes")

    def _field_visible(self, name: str, visible: bool) -> None:
        widget = self.details.fields[name].widget.parentWidget()
        label = self.details.layout_.labelForField(widget)
        widget.setVisible(visible)
        if label is not None:
            label.setVisible(visible)

    def _changed(self, kind: str) -> None:
        watched = self.revision_id is not None or self.change_order_id is not None
        if kind in ("estimate", "project", "workspace", "agency", "account") and watched:
            self.refresh()  # also after the shown estimate vanished: a redo brings it back
        elif kind == "rate_card":
            self._rates = None

    def rate_options(self) -> list[RateOption]:
        if self._rates is None:
            document = self.document
            if isinstance(document, EstimateDocument):
                self._rates = self.session.services.rate_cards.options(
                    document.account_id, document.currency, document.issued_on
                )
            elif isinstance(document, ChangeOrderDocument):
                parent = self.estimates.document(
                    self.estimates.latest_revision_id(document.estimate_id)
                )
                self._rates = self.session.services.rate_cards.options(
                    parent.account_id, document.currency, date.today()
                )
            else:
                self._rates = []
        return self._rates

    # -- editing ---------------------------------------------------------------------------

    def _update_header(self, changes: dict[str, Any], exact: bool = False) -> Any:
        if self.change_order_id is not None:
            return self.estimates.update_change_order(self.change_order_id, changes, exact=exact)
        assert self.revision_id is not None
        return self.estimates.update_revision(self.revision_id, changes, exact=exact)

    def _commit_detail(self, name: str, value: Any) -> None:
        try:
            if name in (
                "tax_rate",
                "discount_tax_rate",
                "contingency_percent",
                "contingency_tax_rate",
                "fee_percent",
                "fee_tax_rate",
                "discount_value",
            ):
                value = read_decimal(str(value), field=name)
            elif name == "valid_until":
                text = str(value).strip()
                value = date.fromisoformat(text) if text else None
        except ValidationError as exc:
            self.details.show_error(name, exc.message)
            return
        except ValueError:
            self.details.show_error(name, self.tr("Enter a date as YYYY-MM-DD, or leave it empty."))
            return
        error = self.session.run(
            UpdateCommand(
                self.tr("Edit estimate details"), "estimate", self._update_header, {name: value}
            ),
            inline=True,
        )
        if error:
            self.details.show_error(name, error)
        else:
            self.details.clear_error(name)

    def _edit_cell(self, row: GridRow, key: str, value: Any) -> str | None:
        """A cell was edited: make the change, or say what is wrong with it."""
        if row.line is None:
            section_id = row.section.id
            return self.session.run(
                UpdateCommand(
                    self.tr("Rename section"),
                    "estimate",
                    lambda changes, exact=False: self.estimates.rename_section(
                        section_id, changes["name"]
                    ),
                    {"name": str(value)},
                ),
                inline=True,
            )
        try:
            changes = self._changes_for(row, key, value)
        except ValidationError as exc:
            return exc.message
        line_id = row.line.id
        return self.session.run(
            UpdateCommand(
                self.tr("Edit line"),
                "estimate",
                partial(self.estimates.update_line, line_id),
                changes,
            ),
            inline=True,
        )

    def _changes_for(self, row: GridRow, key: str, value: Any) -> dict[str, Any]:
        if isinstance(value, RateOption) and value.role == row.line.role:
            return {}  # the same role again: its copied rates stay as they are
        if isinstance(value, RateOption):  # a role from the rate card brings its rates
            return {
                "role": value.role,
                "unit": value.unit,
                "unit_price": value.bill_rate,
                "unit_cost": value.cost_rate,
            }
        if key == "optional" and isinstance(value, bool):
            return {"optional": value}
        field, parsed = parse_cell(key, str(value), row.line)
        if field == "role":  # a role typed by name: take its rate if the card has it
            for rate in self.rate_options():
                if rate.role.casefold() == parsed.casefold():
                    return self._changes_for(row, key, rate)
        return {field: parsed}

    def _current_row(self) -> GridRow | None:
        index = self.grid.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and self.model.rows else None

    def _container_ids(self) -> dict[str, int | None]:
        return {
            "revision_id": None if self.change_order_id else self.revision_id,
            "change_order_id": self.change_order_id,
        }

    def add_line(self) -> None:
        """A new line below the current one (at the top of a section from its own row)."""
        if self.document is None or not self.document.editable:
            return
        row = self._current_row()
        section = row.section if row is not None else self.document.sections[-1]
        # below the current line; on a section's own row: at the top of that section
        position = row.line.position + 1 if row is not None and row.line is not None else 0
        if row is None:
            position = len(section.lines)
        command = AddLineCommand(
            self.tr("Add line"), self.estimates, section.id, LineDraft(unit="hour"), position
        )
        if self.session.run(command) is None and command.line_id is not None:
            self.model.collapsed.discard(section.id)
            self.refresh()
            self.focus_cell(command.line_id, "description", edit=True)

    def add_section(self) -> None:
        if self.document is None or not self.document.editable:
            return
        name, ok = QInputDialog.getText(self, self.tr("Add section"), self.tr("Section name:"))
        if ok and name.strip():
            self.add_section_named(name)

    def add_section_named(self, name: str) -> int | None:
        row = self._current_row()
        position = row.section.position + 1 if row is not None else None
        command = AddSectionCommand(
            self.tr("Add section"), self.estimates, name, position=position, **self._container_ids()
        )
        self.session.run(command)
        return command.section_id

    def selected_rows(self) -> list[GridRow]:
        rows = sorted({index.row() for index in self.grid.selectionModel().selectedIndexes()})
        if not rows and self.grid.currentIndex().isValid():
            rows = [self.grid.currentIndex().row()]
        return [self.model.rows[r] for r in rows]

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows or self.document is None or not self.document.editable:
            return
        sections = [r for r in rows if r.is_section]
        if sections:  # a section row selected: the section with its lines
            section = sections[0].section
            answer = QMessageBox.question(
                self,
                self.tr("Delete section"),
                self.tr("Delete the section '%1' and its %2 line(s)?")
                .replace("%1", section.name)
                .replace("%2", str(len(section.lines))),
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.session.run(
                    DeleteSectionCommand(self.tr("Delete section"), self.estimates, section.id)
                )
            return
        ids = [r.line.id for r in rows if r.line is not None]
        self.session.run(
            DeleteLinesCommand(
                count_text(len(ids), "Delete 1 line", "Delete %n lines"), self.estimates, ids
            )
        )

    def move_selected(self, step: int) -> None:
        row = self._current_row()
        if row is None or self.document is None or not self.document.editable:
            return
        column = self.grid.currentIndex().column()
        if row.line is None:
            position = row.section.position + step
            if 0 <= position < len(self.document.sections):
                self.session.run(
                    MoveSectionCommand(
                        self.tr("Move section"), self.estimates, row.section.id, position
                    )
                )
                self.grid.setCurrentIndex(
                    self.model.index(self.model.row_of_section(row.section.id), column)
                )
            return
        line, sections = row.line, self.document.sections
        target_section, position = row.section, line.position + step
        index = next(i for i, s in enumerate(sections) if s.id == row.section.id)
        if position < 0 and index > 0:  # over the top: the end of the section above
            target_section = sections[index - 1]
            position = len(target_section.lines)
        elif position >= len(row.section.lines) and index + 1 < len(sections):
            target_section, position = sections[index + 1], 0
        elif not 0 <= position < len(row.section.lines):
            return
        self.session.run(
            MoveLineCommand(
                self.tr("Move line"), self.estimates, line.id, target_section.id, position
            )
        )
        self.focus_cell(line.id, self.model.columns[column].key)

    def toggle_section(self) -> None:
        row = self._current_row()
        if row is not None:
            self.model.toggle_section(row.section.id)
            self.grid.setCurrentIndex(
                self.model.index(self.model.row_of_section(row.section.id), 0)
            )

    def _clicked(self, index: QModelIndex) -> None:
        row = self.model.rows[index.row()]
        if row.is_section and self.model.columns[index.column()].key == "kind":
            self.toggle_section()

    def focus_cell(self, line_id: int, key: str, *, edit: bool = False) -> None:
        index = self.model.index(self.model.row_of_line(line_id), self.model.column_of(key))
        if index.isValid():
            self.grid.setCurrentIndex(index)
            self.grid.scrollTo(index)
            if edit:
                self.grid.edit(index)

    # -- copy, paste, clear ------------------------------------------------------------------

    def copy_selection(self) -> str:
        """The selected block as tab-separated text on the clipboard (as Excel copies)."""
        indexes = self.grid.selectionModel().selectedIndexes() or [self.grid.currentIndex()]
        indexes = [i for i in indexes if i.isValid()]
        if not indexes:
            return ""
        rows = range(min(i.row() for i in indexes), max(i.row() for i in indexes) + 1)
        columns = range(min(i.column() for i in indexes), max(i.column() for i in indexes) + 1)
        selected = {(i.row(), i.column()) for i in indexes}
        block = [
            [
                str(self.model.index(r, c).data() or "") if (r, c) in selected else ""
                for c in columns
            ]
            for r in rows
        ]
        text = write_tab_separated(block)
        QGuiApplication.clipboard().setText(text)
        return text

    def _copy_text(self, row: int, column: int) -> str:
        """A cell as a spreadsheet should receive it: no section arrow, plain digits grouping."""
        grid_row = self.model.rows[row]
        if grid_row.is_section and self.model.columns[column].key == "kind":
            return ""
        text = str(self.model.index(row, column).data() or "")
        return text.replace("\u00a0", " ").replace("\u202f", " ")

    def paste_from_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> str | None:
        """Paste a block copied from Excel or LibreOffice at the current cell.

        Rows below the last line of the section become new lines. Every cell is
        checked first; one bad cell and nothing is applied: the message names
        each bad cell by its row and column in the pasted block.
        """
        document = self.document
        start = self.grid.currentIndex()
        if document is None or not document.editable or not start.isValid() or not text:
            return None
        block = read_tab_separated(text)
        row = self.model.rows[start.row()]
        section = row.section
        targets = list(
            section.lines[row.line.position :] if row.line is not None else section.lines
        )
        problems: list[tuple[int, int, str, str]] = []  # pasted row, grid column, title, message
        edits: list[LineEdit] = []
        for number, cells in enumerate(block, start=1):
            line = targets[number - 1] if number <= len(targets) else None
            changes = self._pasted_changes(number, cells, start.column(), section, line, problems)
            if line is not None:
                edits.append(LineEdit(changes, line_id=line.id))
            else:
                changes.setdefault(
                    "unit", "hour" if changes.get("kind", "labour") == "labour" else ""
                )
                position = (targets[-1].position + 1 if targets else 0) + (
                    number - 1 - len(targets)
                )
                edits.append(LineEdit(changes, section_id=section.id, position=position))
        if problems:  # also what the rules say about the cells that did read well
            problems += self._service_problems(self.estimates.check_batch(edits))
        else:
            command = BatchCommand(
                count_text(len(block), "Paste 1 row", "Paste %n rows"), self.estimates, edits
            )
            error = self.session.run(command, inline=True)
            if error is None:
                self.message.clear()
                return None
            problems = self._service_problems(command.problems) or [(0, 0, "", error)]
        lines = [
            (self.tr("Row %1, column %2: ").replace("%1", str(r)).replace("%2", title) if r else "")
            + message
            for r, _c, title, message in sorted(problems)
        ]
        shown = lines[:PASTE_PROBLEMS_SHOWN]
        more = len(lines) - len(shown)
        message = (
            self.tr("Nothing was pasted. ")
            + "; ".join(shown)
            + (self.tr(" (and %1 more)").replace("%1", str(more)) if more else "")
        )
        self.message.setText(message)
        return message

    def _pasted_changes(
        self,
        number: int,
        cells: list[str],
        first_column: int,
        section: Any,
        line: Any,
        problems: list[tuple[int, int, str, str]],
    ) -> dict[str, Any]:
        """One pasted row as line changes; unreadable cells go to ``problems``."""
        changes: dict[str, Any] = {}
        kind = line.kind if line is not None else self._pasted_kind(cells, first_column)
        for offset, cell in enumerate(cells):
            column = first_column + offset
            if column >= len(self.model.columns):
                if cell.strip():
                    problems.append(
                        (number, column, str(offset + 1), self.tr("beyond the last column"))
                    )
                continue
            spec = self.model.columns[column]
            if not spec.editable:
                continue  # amounts are calculated: pasted ones are ignored
            if line is not None and not cell_editable(GridRow(section, line), spec.key):
                if cell.strip():
                    problems.append(
                        (number, column, spec.title, self.tr("cannot be set on this kind of line"))
                    )
                continue
            try:
                field, value = parse_cell(spec.key, cell, line)
            except ValidationError as exc:
                problems.append((number, column, spec.title, exc.message))
                continue
            if spec.key == "who" and kind == LineKind.THIRD_PARTY:
                field = "supplier"  # a new third-party row names its supplier there
            rate = next(
                (
                    r
                    for r in self.rate_options()
                    if field == "role" and r.role.casefold() == str(value).casefold()
                ),
                None,
            )
            if rate is not None:  # a role the rate card knows brings its rates
                changes.update(
                    role=rate.role,
                    unit=rate.unit,
                    unit_price=rate.bill_rate,
                    unit_cost=rate.cost_rate,
                )
            else:
                changes[field] = value
        return changes

    def _pasted_kind(self, cells: list[str], first_column: int) -> str:
        """The kind a pasted new row asks for (its Kind cell), labour by default."""
        offset = self.model.column_of("kind") - first_column
        if 0 <= offset < len(cells) and cells[offset].strip():
            try:
                return str(parse_cell("kind", cells[offset], None)[1])
            except ValidationError:
                pass  # reported where the cell itself is read
        return LineKind.LABOUR.value

    def _service_problems(
        self, problems: list[tuple[int, str, str]]
    ) -> list[tuple[int, int, str, str]]:
        """Service problems (edit index, field, message) as (pasted row, column, title, message)."""
        columns = {c.key: (i, c.title) for i, c in enumerate(self.model.columns)}
        columns.update(role=columns.get("who", (0, "role")), supplier=columns.get("who", (0, "")))
        return [
            (index + 1, *columns.get(field, (0, field)), message)
            for index, field, message in problems
        ]

    def clear_selection(self) -> None:
        """Delete clears the selected cells of lines (text emptied, numbers zero), undoably."""
        document = self.document
        if document is None or not document.editable:
            return
        blank: dict[str, Any] = {
            "description": "",
            "unit": "",
            "who": "",
            "quantity": "0",
            "unit_price": "0",
            "unit_cost": "0",
            "discount_percent": "0",
            "tax_rate": "0",
            "markup_percent": "0",
            "optional": "no",
        }
        per_line: dict[int, dict[str, Any]] = {}
        for index in self.grid.selectionModel().selectedIndexes():
            row, spec = self.model.rows[index.row()], self.model.columns[index.column()]
            if row.line is None or spec.key not in blank or not cell_editable(row, spec.key):
                continue
            field, value = parse_cell(spec.key, blank[spec.key], row.line)
            per_line.setdefault(row.line.id, {})[field] = value
        if per_line:
            edits = [LineEdit(changes, line_id=line_id) for line_id, changes in per_line.items()]
            self.session.run(BatchCommand(self.tr("Clear cells"), self.estimates, edits))

    # -- workflow ----------------------------------------------------------------------------

    def mark_sent(self) -> None:
        """Ask on which day it went out (today by default), then freeze it as sent."""
        document = self.document
        if document is None:
            return
        issued = document.issued_on if isinstance(document, EstimateDocument) else None
        dialog = SendDialog(self, title=self.title.text(), issued_on=issued)
        if dialog.exec():
            self.send_now(dialog.value())

    def send_now(self, on: date) -> str | None:
        if self.change_order_id is not None:
            return self.session.run(
                ChangeOrderStatusCommand(
                    self.tr("Send change order"),
                    self.estimates,
                    self.change_order_id,
                    step="send",
                    values=(on,),
                )
            )
        assert self.revision_id is not None
        return self.session.run(
            SendCommand(self.tr("Mark as sent"), self.estimates, self.revision_id, on)
        )

    def new_revision(self) -> int | None:
        document = self.document
        if not isinstance(document, EstimateDocument):
            return None
        command = ReviseCommand(
            self.tr("New revision"), self.estimates, document.estimate_id, document.status
        )
        if self.session.run(command) is None and command.revision_id is not None:
            self.show_revision(command.revision_id)
            return command.revision_id
        return None

    def record_approval(self) -> None:
        document = self.document
        if document is None:
            return
        dialog = ApprovalDialog(self, title=self.title.text(), sent_on=document.sent_on)
        if dialog.exec():
            self.approve_with(*dialog.values())

    def approve_with(self, approved_by: str, approved_on: date, po: str) -> str | None:
        if self.change_order_id is not None:
            return self.session.run(
                ChangeOrderStatusCommand(
                    self.tr("Approve change order"),
                    self.estimates,
                    self.change_order_id,
                    step="approve",
                    values=(approved_by, approved_on, po),
                )
            )
        assert self.revision_id is not None
        return self.session.run(
            DecisionCommand(
                self.tr("Record approval"),
                self.estimates,
                self.revision_id,
                approve=True,
                values=(approved_by, approved_on, po),
            )
        )

    def record_rejection(self) -> None:
        document = self.document
        if document is None:
            return
        dialog = RejectionDialog(self, title=self.title.text(), sent_on=document.sent_on)
        if dialog.exec():
            self.reject_with(*dialog.values())

    def reject_with(self, rejected_on: date, reason: str) -> str | None:
        if self.change_order_id is not None:
            return self.session.run(
                ChangeOrderStatusCommand(
                    self.tr("Record rejection of the change order"),
                    self.estimates,
                    self.change_order_id,
                    step="reject",
                    values=(rejected_on, reason),
                )
            )
        assert self.revision_id is not None
        return self.session.run(
            DecisionCommand(
                self.tr("Record rejection"),
                self.estimates,
                self.revision_id,
                approve=False,
                values=(rejected_on, reason),
            )
        )

    def compare_revisions(self) -> None:
        document = self.document
        if not isinstance(document, EstimateDocument) or len(document.revisions) < 2:
            return
        ids = [r.id for r in document.revisions]
        at = ids.index(document.revision_id)
        # this revision against the one before it (revision 1: against revision 2)
        old, new = (ids[at - 1], ids[at]) if at > 0 else (ids[0], ids[1])
        dialog = RevisionDiffDialog(
            self.session.services,
            document.estimate_id,
            old,
            new,
            self,
            internal=self.internal.isChecked(),
        )
        dialog.exec()

    def new_change_order(self) -> None:
        title, ok = QInputDialog.getText(
            self, self.tr("New change order"), self.tr("What changes in the scope?")
        )
        if ok and title.strip():
            self.create_change_order(title)

    def create_change_order(self, title: str) -> int | None:
        document = self.document
        if not isinstance(document, EstimateDocument):
            return None
        command = CreateChangeOrderCommand(
            self.tr("New change order"), self.estimates, document.estimate_id, title
        )
        if self.session.run(command) is None and command.change_order_id is not None:
            self.show_change_order(command.change_order_id)
            return command.change_order_id
        return None

    def export_excel(self, audience: str | None = None, path: Path | None = None) -> Path | None:
        """Write this revision as a workbook, for the client unless internal is chosen."""
        document = self.document
        if not isinstance(document, EstimateDocument):
            return None
        services = self.session.services
        if audience is None:
            audience = self._ask_audience()
            if audience is None:
                return None
        if path is None:
            settings = QSettings(ORGANISATION, APP_NAME)
            folder = Path(str(settings.value("exports/folder", "")) or paths.default_folder())
            suggested = folder / estimate_file_name(services, document.revision_id, audience)
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export to Excel"), str(suggested), self.tr("Excel workbook (*.xlsx)")
            )
            if not name:
                return None
            path = Path(name)  # the save dialog asked before replacing a file
            settings.setValue("exports/folder", str(path.parent))
        revision_id, chosen, target = document.revision_id, audience, path
        return self._run_export(
            target,
            lambda: export_estimate_xlsx(services, revision_id, chosen, target, overwrite=True),
        )

    def export_pdf(self, path: Path | None = None) -> Path | None:
        """Write this revision as the client's PDF quote (there is no internal PDF)."""
        document = self.document
        if not isinstance(document, EstimateDocument):
            return None
        services = self.session.services
        replace = True  # a path given, or one the save dialog asked about, may be replaced
        if path is None:
            settings = QSettings(ORGANISATION, APP_NAME)
            folder = Path(str(settings.value("exports/folder", "")) or paths.default_folder())
            suggested = folder / estimate_pdf_file_name(services, document.revision_id)
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export PDF"), str(suggested), self.tr("PDF document (*.pdf)")
            )
            if not name:
                return None
            path = Path(name)
            if path.suffix.lower() != ".pdf":  # the dialog did not ask about this name
                path, replace = path.with_name(path.name + ".pdf"), False
            settings.setValue("exports/folder", str(path.parent))
        revision_id, target = document.revision_id, path
        return self._run_export(
            target,
            lambda: export_estimate_pdf(services, revision_id, target, overwrite=replace),
        )

    def email_to_client(self, *, confirm: bool = True, chosen: Sequence[int] = ()) -> Path | None:
        """The PDF quote in an e-mail draft to contacts the user picks (never sent from here)."""
        document = self.document
        if not isinstance(document, EstimateDocument):
            return None
        services = self.session.services
        revision_id = document.revision_id
        return sending.email_document(
            self,
            self.session,
            "estimate",
            document.account_id,
            {
                "title": document.title,
                "number": document.number,
                "revision": str(document.revision),
                "valid_until": document.valid_until.isoformat() if document.valid_until else "",
            },
            lambda path, overwrite: export_estimate_pdf(
                services, revision_id, path, overwrite=overwrite
            ),
            estimate_pdf_file_name(services, revision_id),
            chosen=chosen,
            confirm=confirm,
        )

    def _run_export(self, target: Path, work: Callable[[], Path]) -> Path | None:
        """Run an export in a worker behind a progress dialog; offer to open its folder."""
        try:
            written: Path = run_with_progress(
                self,
                self.tr("Exporting %1…").replace("%1", target.name),
                work,
                undo_if_cancelled=remove_file,
            )
        except CancelledError:
            return None
        except (ExportError, DomainError, WorkspaceError) as exc:
            self.session.error.emit(str(exc))
            return None
        self.last_export = written
        self._offer_open_folder(written)
        return written

    def import_client_workbook(
        self, path: Path | None = None, *, confirm: bool = True
    ) -> int | None:
        """A workbook the client edited becomes the next draft revision, after review."""
        document = self.document
        if not isinstance(document, EstimateDocument):
            return None
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import client's workbook"), "", self.tr("Excel workbook (*.xlsx)")
            )
            if not name:
                return None
            path = Path(name)
        services = self.session.services
        try:
            edits = estimate_import.read_client_workbook(path, document)
            plan = estimate_import.plan_round_trip(services, document.revision_id, edits)
        except (DomainError, WorkspaceError) as exc:
            self.session.error.emit(str(exc))
            return None
        if plan.is_empty:
            self.session.error.emit(self.tr("The workbook changes nothing in this estimate."))
            return None
        if confirm:
            box = QMessageBox(self)
            box.setWindowTitle(self.tr("Import client's workbook"))
            box.setText(
                self.tr("The client changed %1 line(s). Make them revision %2?")
                .replace("%1", str(len(plan.preview)))
                .replace("%2", str(document.revision + 1))
            )
            box.setDetailedText("\n".join(plan.preview))
            box.setStandardButtons(
                QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
            )
            if box.exec() != QMessageBox.StandardButton.Ok:
                return None
        command = RoundTripCommand(
            self.tr("Import client's workbook"),
            self.estimates,
            services,
            document.revision_id,
            plan,
            document.status,
        )
        if self.session.run(command) is not None or command.new_revision_id is None:
            return None
        self.show_revision(command.new_revision_id)
        if confirm:  # the new revision next to the one the client saw: keep it or Ctrl+Z
            RevisionDiffDialog(
                services,
                document.estimate_id,
                document.revision_id,
                command.new_revision_id,
                self,
                internal=self.internal.isChecked(),
            ).exec()
        return command.new_revision_id

    def _ask_audience(self) -> str | None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Export to Excel"))
        box.setText(self.tr("Who is the workbook for?"))
        box.setInformativeText(
            self.tr("The client workbook never contains costs, markups, margins or internal notes.")
        )
        client = box.addButton(self.tr("The client"), QMessageBox.ButtonRole.AcceptRole)
        internal = box.addButton(
            self.tr("Internal (with costs and margin)"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(client)
        box.exec()
        clicked = box.clickedButton()
        return "client" if clicked is client else "internal" if clicked is internal else None

    def _offer_open_folder(self, written: Path) -> None:
        if QGuiApplication.platformName() == "offscreen":
            return  # tests and headless runs: no dialog to click
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Exported"))
        box.setText(self.tr("Saved %1").replace("%1", written.name))
        folder = box.addButton(self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()
        if box.clickedButton() is folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written.parent)))

    def _revision_picked(self, index: int) -> None:
        revision_id = self.revisions.itemData(index)
        if revision_id is not None:
            self.show_revision(revision_id)
