"""Compare any two revisions of an estimate: lines added, removed and changed, totals delta.

The arithmetic is the domain's (``EstimateService.diff`` and ``document``); this
dialog only lays the figures out. Row texts are built by plain functions so the
table and the "Copy" text are the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError
from keyplan.domain.estimates import EstimateDiff, LineChange, SectionDelta
from keyplan.services.estimate_records import EstimateDocument, RevisionInfo
from keyplan.services.workspace import WorkspaceError, WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, money_text, percent_text, quantity_text
from keyplan.ui.labels import estimate_status_labels, fill
from keyplan.ui.widgets.read_only_table import read_only_table, row_items

STATUS_COLOURS = {"added": "#D7EFD2", "removed": "#F9D6D5", "changed": "#FCEBC4"}
STATUS_TEXT_COLOUR = "#1B1B1B"  # readable on the light status colours, in a dark scheme too
NUMBER_COLUMNS = frozenset({4, 5, 6})


def _t(text: str) -> str:
    return QCoreApplication.translate("RevisionDiffDialog", text)


def status_labels() -> dict[str, str]:
    return {
        "added": _t("Added"),
        "removed": _t("Removed"),
        "changed": _t("Changed"),
    }


def field_labels() -> dict[str, str]:
    return {
        "description": _t("Description"),
        "section": _t("Section"),
        "kind": _t("Kind"),
        "quantity": _t("Quantity"),
        "unit": _t("Unit"),
        "unit_price": _t("Unit price"),
        "discount_percent": _t("Discount"),
        "tax_rate": _t("Tax rate"),
        "optional": _t("Optional"),
    }


def kind_labels() -> dict[str, str]:
    return {
        "labour": _t("Labour"),
        "third_party": _t("Third party"),
        "fixed_fee": _t("Fixed fee"),
        "expense": _t("Expense"),
    }


def revision_label(info: RevisionInfo) -> str:
    """'Revision 2 — Sent — 2026-03-02'."""
    status = estimate_status_labels().get(info.status, info.status)
    return fill(_t("Revision %1 — %2 — %3"), str(info.revision), status, date_text(info.issued_on))


def delta_text(amount: Decimal, currency: str) -> str:
    """A difference with its sign: '+1,250.00', '-300.00', '0.00'."""
    text = money_text(amount, currency)
    return f"+{text}" if amount > 0 else text


def value_text(name: str, value: object, currency: str) -> str:
    """One field's value as the user reads it."""
    if value is None:
        return ""
    if name == "unit_price" and isinstance(value, Decimal):
        return money_text(value, currency)
    if name in ("discount_percent", "tax_rate") and isinstance(value, Decimal):
        return percent_text(value)
    if name == "quantity" and isinstance(value, Decimal):
        return quantity_text(value)
    if name == "optional":
        return _t("yes") if value else _t("no")
    if name == "kind":
        return kind_labels().get(str(value), str(value))
    text = str(value)
    return text if text else _t("(empty)")


def change_texts(change: LineChange, currency: str) -> list[str]:
    """'Quantity: 10 → 12' for each changed field, in the domain's order."""
    labels = field_labels()
    return [
        fill(
            _t("%1: %2 → %3"),
            labels.get(name, name),
            value_text(name, old, currency),
            value_text(name, new, currency),
        )
        for name, (old, new) in change.fields.items()
    ]


@dataclass(frozen=True)
class LineChangeRow:
    """One row of the line-changes table, every cell as text."""

    status: str  # "added", "removed", "changed"
    cells: tuple[str, ...]


def line_change_rows(changes: Sequence[LineChange], currency: str) -> list[LineChangeRow]:
    statuses = status_labels()
    rows = []
    for change in changes:
        added, removed = change.status == "added", change.status == "removed"
        rows.append(
            LineChangeRow(
                change.status,
                (
                    statuses.get(change.status, change.status),
                    change.section_name,
                    change.description,
                    "; ".join(change_texts(change, currency)),
                    "" if added else money_text(change.amount_old, currency),
                    "" if removed else money_text(change.amount_new, currency),
                    delta_text(change.amount_new - change.amount_old, currency),
                ),
            )
        )
    return rows


def section_rows(sections: Sequence[SectionDelta], currency: str) -> list[tuple[str, ...]]:
    return [
        (
            s.name,
            money_text(s.old, currency),
            money_text(s.new, currency),
            delta_text(s.delta, currency),
        )
        for s in sections
    ]


def totals_rows(
    diff: EstimateDiff, old: EstimateDocument, new: EstimateDocument, *, internal: bool
) -> list[tuple[str, ...]]:
    """Subtotal, discount, contingency, fee, tax per rate, total (and cost when internal)."""
    currency = new.currency
    before, after = old.totals, new.totals

    def row(label: str, was: Decimal, now: Decimal, delta: Decimal) -> tuple[str, ...]:
        return (
            label,
            money_text(was, currency),
            money_text(now, currency),
            delta_text(delta, currency),
        )

    rows = [
        row(_t("Subtotal"), before.subtotal, after.subtotal, diff.subtotal_delta),
        row(_t("Discount"), before.discount, after.discount, diff.discount_delta),
        row(_t("Contingency"), before.contingency, after.contingency, diff.contingency_delta),
        row(_t("Agency fee"), before.fee, after.fee, diff.fee_delta),
    ]
    zero = Decimal(0)
    rates = sorted(set(before.tax_by_rate) | set(after.tax_by_rate) | set(diff.tax_delta_by_rate))
    for rate in rates:
        rows.append(
            row(
                fill(_t("Tax %1"), percent_text(rate)),
                before.tax_by_rate.get(rate, zero),
                after.tax_by_rate.get(rate, zero),
                diff.tax_delta_by_rate.get(rate, zero),
            )
        )
    rows.append(row(_t("Total"), diff.old_total, diff.new_total, diff.total_delta))
    if internal:
        rows.append(
            row(
                _t("Internal cost"),
                before.internal.cost,
                after.internal.cost,
                diff.internal_cost_delta,
            )
        )
    return rows


def _cell(text: str) -> str:
    """A cell of tab-separated text as Excel and LibreOffice read it back."""
    if any(char in text for char in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def tab_separated(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "\n".join("\t".join(_cell(cell) for cell in line) for line in [header, *rows]) + "\n"


def _fit_height(table: QTableView) -> None:
    """Tall enough to show every row without scrolling (the totals are short)."""
    rows = table.model().rowCount()
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(row) for row in range(rows))
    table.setMinimumHeight(height + 2)


class RevisionDiffDialog(BaseDialog):
    """Two revisions side by side: what the client will see changed, and what it costs."""

    def __init__(
        self,
        services: WorkspaceServices,
        estimate_id: int,
        old_revision_id: int,
        new_revision_id: int,
        parent: QWidget | None = None,
        *,
        internal: bool = True,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.estimate_id = estimate_id
        self.internal = internal
        self.diff: EstimateDiff | None = None
        self.line_rows: list[LineChangeRow] = []
        latest = services.estimates.document(services.estimates.latest_revision_id(estimate_id))
        self.revisions = latest.revisions
        self.setWindowTitle(fill(self.tr("Compare revisions — %1"), latest.number))

        self.old_combo = QComboBox()
        self.old_combo.setObjectName("old_revision")
        self.new_combo = QComboBox()
        self.new_combo.setObjectName("new_revision")
        for combo in (self.old_combo, self.new_combo):
            for info in self.revisions:
                combo.addItem(revision_label(info), info.id)
        self._choose(self.old_combo, old_revision_id, 0)
        self._choose(self.new_combo, new_revision_id, len(self.revisions) - 1)
        swap = QPushButton(self.tr("Swap"))
        swap.setObjectName("swap_revisions")
        swap.clicked.connect(self.swap)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("Compare")))
        chooser.addWidget(self.old_combo, 1)
        chooser.addWidget(QLabel(self.tr("with")))
        chooser.addWidget(self.new_combo, 1)
        chooser.addWidget(swap)

        self.summary = QLabel()
        self.summary.setObjectName("diff_summary")
        self.summary.setWordWrap(True)

        self.lines_model = QStandardItemModel(self)
        self.lines_table = read_only_table("line_changes", self.lines_model)
        self.sections_model = QStandardItemModel(self)
        self.sections_table = read_only_table("section_deltas", self.sections_model)
        self.totals_model = QStandardItemModel(self)
        self.totals_table = read_only_table("totals", self.totals_model)

        lines_box = QWidget()
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(QLabel(self.tr("Line changes")))
        lines_layout.addWidget(self.lines_table)
        sections_box = QWidget()
        sections_layout = QVBoxLayout(sections_box)
        sections_layout.setContentsMargins(0, 0, 0, 0)
        sections_layout.addWidget(QLabel(self.tr("Sections")))
        sections_layout.addWidget(self.sections_table)
        totals_box = QWidget()
        totals_layout = QVBoxLayout(totals_box)
        totals_layout.setContentsMargins(0, 0, 0, 0)
        totals_layout.addWidget(QLabel(self.tr("Totals")))
        totals_layout.addWidget(self.totals_table)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(sections_box)
        bottom.addWidget(totals_box)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("diff_splitter")
        self.splitter.addWidget(lines_box)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setObjectName("copy_changes")
        self.copy_button.setToolTip(
            self.tr("Copy the line changes as tab-separated text, for Excel or a mail")
        )
        self.copy_button.clicked.connect(self.copy)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)
        self.old_combo.currentIndexChanged.connect(self.refresh)
        self.new_combo.currentIndexChanged.connect(self.refresh)
        self.resize(1000, 680)
        self.refresh()

    @staticmethod
    def _choose(combo: QComboBox, revision_id: int, fallback: int) -> None:
        index = combo.findData(revision_id)
        combo.setCurrentIndex(index if index >= 0 else fallback)

    def swap(self) -> None:
        old, new = self.old_combo.currentIndex(), self.new_combo.currentIndex()
        self.old_combo.blockSignals(True)
        self.old_combo.setCurrentIndex(new)
        self.old_combo.blockSignals(False)
        self.new_combo.setCurrentIndex(old)  # refreshes
        if old == new:
            self.refresh()

    def line_headers(self) -> list[str]:
        return [
            self.tr("Status"),
            self.tr("Section"),
            self.tr("Description"),
            self.tr("Changes"),
            self.tr("Old amount"),
            self.tr("New amount"),
            self.tr("Delta"),
        ]

    # -- figures -----------------------------------------------------------------------

    def refresh(self) -> None:
        old_id, new_id = self.old_combo.currentData(), self.new_combo.currentData()
        self.lines_model.clear()
        self.sections_model.clear()
        self.totals_model.clear()
        self.line_rows = []
        self.diff = None
        if old_id is None or new_id is None:
            self.summary.setText(self.tr("This estimate has no revision to compare."))
            return
        try:
            diff = self.services.estimates.diff(old_id, new_id)
            old = self.services.estimates.document(old_id)
            new = self.services.estimates.document(new_id)
        except (DomainError, WorkspaceError) as exc:
            self.summary.setText(fill(self.tr("These revisions cannot be compared: %1"), str(exc)))
            self.copy_button.setEnabled(False)
            return
        self.diff = diff
        currency = new.currency
        self._fill_lines(diff, currency)
        self._fill_sections(diff, currency)
        self._fill_totals(diff, old, new)
        self.summary.setText(self._summary_text(diff, currency))
        self.copy_button.setEnabled(bool(self.line_rows))

    def _summary_text(self, diff: EstimateDiff, currency: str) -> str:
        if diff.lines:
            counts = {status: 0 for status in STATUS_COLOURS}
            for change in diff.lines:
                counts[change.status] += 1
            lines = fill(
                self.tr("%1 added, %2 removed, %3 changed"),
                str(counts["added"]),
                str(counts["removed"]),
                str(counts["changed"]),
            )
        else:
            lines = self.tr("No line changed")
        total = fill(self.tr("total %1 %2"), delta_text(diff.total_delta, currency), currency)
        return f"{lines} · {total}"

    def _fill_lines(self, diff: EstimateDiff, currency: str) -> None:
        self.line_rows = line_change_rows(diff.lines, currency)
        self.lines_model.setHorizontalHeaderLabels(self.line_headers())
        for row in self.line_rows:
            items = row_items(row.cells, NUMBER_COLUMNS)
            background = QBrush(QColor(STATUS_COLOURS[row.status]))
            foreground = QBrush(QColor(STATUS_TEXT_COLOUR))
            for item in items:
                item.setBackground(background)
                item.setForeground(foreground)
            self.lines_model.appendRow(items)
        self.lines_table.resizeColumnsToContents()
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # after clear()
        # a long description must not eat the screen; the changes take the rest
        self.lines_table.setColumnWidth(2, min(self.lines_table.columnWidth(2), 320))

    def _fill_sections(self, diff: EstimateDiff, currency: str) -> None:
        self.sections_model.setHorizontalHeaderLabels(
            [self.tr("Section"), self.tr("Old"), self.tr("New"), self.tr("Delta")]
        )
        for cells in section_rows(diff.sections, currency):
            self.sections_model.appendRow(row_items(cells, frozenset({1, 2, 3})))
        self.sections_table.resizeColumnsToContents()

    def _fill_totals(
        self, diff: EstimateDiff, old: EstimateDocument, new: EstimateDocument
    ) -> None:
        self.totals_model.setHorizontalHeaderLabels(
            [
                "",
                fill(self.tr("Revision %1"), str(old.revision)),
                fill(self.tr("Revision %1"), str(new.revision)),
                self.tr("Delta"),
            ]
        )
        total_label = _t("Total")
        for cells in totals_rows(diff, old, new, internal=self.internal):
            items = row_items(cells, frozenset({1, 2, 3}))
            if cells[0] == total_label:
                for item in items:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
            self.totals_model.appendRow(items)
        self.totals_table.resizeColumnsToContents()
        _fit_height(self.totals_table)

    # -- copy --------------------------------------------------------------------------

    def changes_text(self) -> str:
        """The line-changes table as tab-separated text, with its header row."""
        return tab_separated(self.line_headers(), [row.cells for row in self.line_rows])

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.changes_text())
