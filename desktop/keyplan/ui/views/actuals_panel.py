"""Estimate versus actual: the variance by line and section, and the booked costs.

The estimate editor shows this panel as its "Actuals" tab. Costs are booked one by one
(:class:`ActualDialog`) or imported from a finance file (:class:`ActualsImportDialog`, a review
of every row before anything is booked); both, and deleting, go on the undo stack.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.actuals import VarianceFigures, validate_actual
from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.money import Currency
from keyplan.services import actuals_import
from keyplan.services.actuals import ActualDraft, ActualRecord, ActualTarget, VarianceReport
from keyplan.services.workspace import WorkspaceError, WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, money_text, quantity_text, read_decimal
from keyplan.ui.labels import count_text, fill
from keyplan.ui.locale import ui_locale
from keyplan.ui.models.record_table_model import RECORD_ID_ROLE, Column, RecordTableModel
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.headings import section_title

OVER_BUDGET = "#C62828"
UNDER_BUDGET = "#2E7D32"
VARIANCE_COLUMNS = 8


# -- undoable commands -----------------------------------------------------------------------


class BookActualsCommand(ServiceCommand):
    """Book actuals (one typed, or the rows of an import); undo removes exactly them."""

    kind = "actual"

    def __init__(
        self,
        text: str,
        services: WorkspaceServices,
        estimate_id: int,
        drafts: Sequence[ActualDraft],
        *,
        batch: str | None = None,
    ) -> None:
        super().__init__(text)
        self.services = services
        self.estimate_id = estimate_id
        self.drafts = tuple(drafts)
        self.batch = batch
        self.ids: list[int] = []

    @property
    def is_noop(self) -> bool:
        return not self.drafts

    def apply(self) -> None:
        self.ids = self.services.actuals.add_many(
            self.estimate_id, self.drafts, batch=self.batch, ids=self.ids or None
        )

    def revert(self) -> None:
        self.services.actuals.purge(self.ids)


class DeleteActualsCommand(ServiceCommand):
    kind = "actual"

    def __init__(self, text: str, services: WorkspaceServices, actual_ids: Sequence[int]) -> None:
        super().__init__(text)
        self.services = services
        self.actual_ids = tuple(actual_ids)
        self.deletion_id: str | None = None

    def apply(self) -> None:
        self.deletion_id = self.services.actuals.delete_many(
            self.actual_ids, deletion_id=self.deletion_id
        )

    def revert(self) -> None:
        assert self.deletion_id is not None
        self.services.actuals.restore(self.deletion_id)


# -- booking one cost ------------------------------------------------------------------------


def target_text(target: ActualTarget) -> str:
    what = target.label or "—"
    if target.is_section:
        return f"{target.ref}  {what.upper()}"
    return f"{target.ref}  {what}"


class ActualDialog(BaseDialog):
    """Book one actual cost (and hours) to a line or a section; checks every field first."""

    def __init__(
        self,
        report: VarianceReport,
        parent: QWidget | None = None,
        *,
        target: ActualTarget | None = None,
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(self.tr("Book actual cost"))
        heading = section_title(f"{report.number}  {report.title}")
        heading.setWordWrap(True)
        f = self.form = Form()
        f.add_choice(
            "target", self.tr("Line or section"), [(target_text(t), t.ref) for t in report.targets]
        )
        f.add_date("entry_date", self.tr("Date"))
        f.add_line("cost", fill(self.tr("Cost (%1)"), report.currency), "0")
        f.add_line("hours", self.tr("Hours"), self.tr("Optional"))
        f.add_line("description", self.tr("Description"), self.tr("e.g. Timesheets week 47"))
        f.add_line("reference", self.tr("Reference"), self.tr("Invoice or timesheet number"))
        f.set_values(
            {
                "target": target.ref
                if target
                else (report.targets[0].ref if report.targets else ""),
                "entry_date": date.today(),
                "cost": "",
                "hours": "",
                "description": "",
                "reference": "",
            }
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Book"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.draft: ActualDraft | None = None
        self.resize(520, self.sizeHint().height())

    def read(self) -> ActualDraft | None:
        """The draft the fields describe, or None after showing what is wrong."""
        f = self.form
        for name in f.fields:
            f.clear_error(name)
        values = {name: field.read() for name, field in f.fields.items()}
        problems = 0
        cost: Decimal | None = None
        hours: Decimal | None = None
        if not str(values["cost"]).strip():
            f.show_error("cost", self.tr("Enter the cost."))
            problems += 1
        else:
            try:
                cost = read_decimal(values["cost"], "cost")
            except ValidationError as exc:
                f.show_error("cost", exc.message)
                problems += 1
        if str(values["hours"]).strip():
            try:
                hours = read_decimal(values["hours"], "hours")
            except ValidationError as exc:
                f.show_error("hours", exc.message)
                problems += 1
        target = next((t for t in self.report.targets if t.ref == values["target"]), None)
        if target is None:
            f.show_error("target", self.tr("Choose a line or section."))
            problems += 1
        if problems or cost is None or target is None:
            return None
        try:
            validate_actual(
                cost=cost,
                hours=hours,
                currency=Currency.get(self.report.currency),
                entry_date=values["entry_date"],
                description=values["description"].strip(),
                reference=values["reference"].strip(),
            )
        except ValidationError as exc:
            f.show_error(exc.field if exc.field in f.fields else "cost", exc.message)
            return None
        return ActualDraft(
            entry_date=values["entry_date"],
            cost=cost,
            hours=hours,
            line_key=target.line_key,
            section_key=target.section_key,
            description=values["description"],
            reference=values["reference"],
        )

    def accept(self) -> None:
        self.draft = self.read()
        if self.draft is not None:
            super().accept()


# -- import review ---------------------------------------------------------------------------


class ActualsImportDialog(BaseDialog):
    """Every row of a finance file and the line it goes to, before anything is booked."""

    def __init__(self, plan: actuals_import.ActualsPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("Import actual costs"))
        currency = plan.currency
        summary = QLabel(
            fill(
                self.tr("%1 from sheet %2 for %3: %4 %5."),
                count_text(len(plan.rows), "%n row", "%n rows"),
                plan.sheet,
                plan.number,
                money_text(plan.total_cost, currency),
                currency,
            )
            + (
                " "
                + fill(
                    self.tr("%1 of other estimates are left out."),
                    count_text(plan.skipped_other_estimates, "%n row", "%n rows"),
                )
                if plan.skipped_other_estimates
                else ""
            )
        )
        summary.setObjectName("import_summary")
        summary.setWordWrap(True)
        self.summary = summary
        columns = [
            Column("row", self.tr("Row"), lambda r: str(r.row)),
            Column("ref", self.tr("No."), lambda r: r.target.ref),
            Column("line", self.tr("Line"), lambda r: r.target.label),
            Column("date", self.tr("Date"), lambda r: date_text(r.draft.entry_date)),
            Column(
                "hours",
                self.tr("Hours"),
                lambda r: "" if r.draft.hours is None else quantity_text(r.draft.hours),
            ),
            Column("cost", self.tr("Cost"), lambda r: money_text(r.draft.cost, currency)),
            Column("reference", self.tr("Reference"), lambda r: r.draft.reference),
            Column(
                "note",
                "",
                lambda r: self.tr("already imported") if r.duplicate else "",
            ),
        ]
        self.model = RecordTableModel(columns, self)
        self.model.set_records(list(plan.rows))
        self.table = QTableView()
        self.table.setObjectName("import_rows")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.skip_duplicates = QCheckBox(
            fill(
                self.tr("Leave out the %1 that look already imported"),
                count_text(plan.duplicates, "%n row", "%n rows"),
            )
        )
        self.skip_duplicates.setObjectName("skip_duplicates")
        self.skip_duplicates.setChecked(True)
        self.skip_duplicates.setVisible(plan.duplicates > 0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Book these costs"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.skip_duplicates)
        layout.addWidget(buttons)
        if not self.has_saved_geometry:
            self.resize(760, 420)

    def drafts(self) -> list[ActualDraft]:
        skip = self.skip_duplicates.isChecked()
        return [row.draft for row in self.plan.rows if not (skip and row.duplicate)]


# -- the panel -------------------------------------------------------------------------------


class ActualsPanel(QWidget):
    """The "Actuals" tab of the estimate editor."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.estimate_id: int | None = None
        self.report: VarianceReport | None = None
        self._stale = True

        self.basis = QLabel()
        self.basis.setObjectName("variance_basis")
        self.basis.setWordWrap(True)
        self.basis.setStyleSheet("color: palette(mid);")
        self.summary = QLabel()
        self.summary.setObjectName("variance_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.tree_model = QStandardItemModel(self)
        self.tree_model.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("Description"),
                self.tr("Estimated cost"),
                self.tr("Actual cost"),
                self.tr("Variance"),
                self.tr("Used"),
                self.tr("Est. hours"),
                self.tr("Actual hours"),
            ]
        )
        self.tree = QTreeView()
        self.tree.setObjectName("variance_tree")
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.doubleClicked.connect(self._book_on)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

        columns = [
            Column("entry_date", self.tr("Date"), lambda r: date_text(r.entry_date)),
            Column("ref", self.tr("No."), lambda r: r.ref or self.tr("(removed)")),
            Column("line", self.tr("Line or section"), lambda r: r.target_label),
            Column(
                "hours",
                self.tr("Hours"),
                lambda r: "" if r.hours is None else quantity_text(r.hours),
            ),
            Column("cost", self.tr("Cost"), self._cost_text),
            Column("description", self.tr("Description"), lambda r: r.description),
            Column("reference", self.tr("Reference"), lambda r: r.reference),
            Column("source", self.tr("Source"), lambda r: r.source),
        ]
        self.entries_model = RecordTableModel(columns, self)
        self.entries = QTableView()
        self.entries.setObjectName("actual_entries")
        self.entries.setModel(self.entries_model)
        self.entries.verticalHeader().hide()
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.book_button = QPushButton(self.tr("Book cost…"))
        self.book_button.setObjectName("book_actual")
        self.book_button.clicked.connect(lambda: self.book())
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setObjectName("import_actuals")
        self.import_button.setToolTip(
            self.tr("Book the costs of a finance export (.xlsx or .csv) after a review")
        )
        self.import_button.clicked.connect(lambda: self.import_file())
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_actuals")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Booked costs")))
        buttons.addStretch()
        for button in (self.book_button, self.import_button, self.delete_button):
            buttons.addWidget(button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.entries, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.basis)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        session.changed.connect(self._changed)

    # -- loading ---------------------------------------------------------------------------

    def set_estimate(self, estimate_id: int | None) -> None:
        if estimate_id != self.estimate_id:
            self.estimate_id = estimate_id
            self._stale = True
        if self.isVisible():
            self.reload()

    def _changed(self, kind: str) -> None:
        if kind in ("actual", "estimate", "agency", "workspace"):
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        if self.estimate_id is None:
            return
        services = self.session.services
        try:
            report = services.actuals.variance(self.estimate_id)
            entries = services.actuals.entries(self.estimate_id)
        except (DomainError, WorkspaceError):
            self.report = None
            self.tree_model.removeRows(0, self.tree_model.rowCount())
            self.entries_model.set_records([])
            return
        self.report = report
        self._show_summary(report)
        self._show_tree(report)
        self.entries_model.set_records(entries)
        self.entries.resizeColumnsToContents()

    def _cost_text(self, record: ActualRecord) -> str:
        return money_text(record.cost, self.report.currency) if self.report else str(record.cost)

    def _money(self, value: Decimal) -> str:
        assert self.report is not None
        return money_text(value, self.report.currency)

    def _show_summary(self, report: VarianceReport) -> None:
        variance = report.variance
        figures = variance.figures
        self.basis.setText(fill(self.tr("Compared with %1."), report.basis))
        over = figures.cost_variance > 0
        colour = OVER_BUDGET if over else UNDER_BUDGET
        used = figures.burn_percent
        parts = [
            fill(
                self.tr("Estimated cost <b>%1</b>"),
                self._money(figures.estimated_cost),
            ),
            fill(
                self.tr("actual <b>%1</b>%2"),
                self._money(figures.actual_cost),
                "" if used is None else fill(self.tr(" (%1 % used)"), quantity_text(used)),
            ),
            fill(
                self.tr("variance <b style='color:%1'>%2</b>"),
                colour,
                ("+" if over else "") + self._money(figures.cost_variance),
            ),
        ]
        margin = variance.actual_margin_percent
        planned = variance.estimated_margin_percent
        if margin is not None and planned is not None:
            parts.append(
                fill(
                    self.tr("margin planned %1 %, so far %2 %"),
                    quantity_text(planned),
                    quantity_text(margin),
                )
            )
        self.summary.setText(f"{report.currency}: " + " · ".join(parts))

    def _row(
        self, ref: str, text: str, figures: VarianceFigures, *, bold: bool = False, key: Any = None
    ) -> list[QStandardItem]:
        used = figures.burn_percent
        cells = [
            ref,
            text,
            self._money(figures.estimated_cost),
            self._money(figures.actual_cost),
            ("+" if figures.cost_variance > 0 else "") + self._money(figures.cost_variance),
            "" if used is None else f"{quantity_text(used)} %",
            "" if figures.estimated_hours is None else quantity_text(figures.estimated_hours),
            "" if figures.actual_hours is None else quantity_text(figures.actual_hours),
        ]
        items = [QStandardItem(cell) for cell in cells]
        for column, item in enumerate(items):
            if column >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setData(key, RECORD_ID_ROLE)
            if bold:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
        if figures.cost_variance > 0:
            items[4].setForeground(QBrush(QColor(OVER_BUDGET)))
        items[1].setToolTip(text)
        return items

    def _show_tree(self, report: VarianceReport) -> None:
        collapsed = {
            self.tree_model.item(row, 0).data(RECORD_ID_ROLE)
            for row in range(self.tree_model.rowCount())
            if not self.tree.isExpanded(self.tree_model.index(row, 0))
        }
        self.tree_model.removeRows(0, self.tree_model.rowCount())
        variance = report.variance
        for section in variance.sections:
            parent = self._row(
                section.ref, section.name, section.figures, bold=True, key=section.ref
            )
            for line in section.lines:
                text = line.description
                if line.optional:
                    text = fill(self.tr("%1 (optional, not in the totals)"), text)
                parent[0].appendRow(self._row(line.ref, text, line.figures, key=line.ref))
            if section.unallocated.actual_cost or section.unallocated.actual_hours:
                parent[0].appendRow(
                    self._row(
                        "",
                        self.tr("Booked to the whole section"),
                        section.unallocated,
                        key=section.ref,
                    )
                )
            self.tree_model.appendRow(parent)
        if variance.unmatched.actual_cost or variance.unmatched.actual_hours:
            self.tree_model.appendRow(
                self._row("", self.tr("Lines no longer in the estimate"), variance.unmatched)
            )
        self.tree_model.appendRow(self._row("", self.tr("Total"), variance.figures, bold=True))
        for row in range(self.tree_model.rowCount()):
            key = self.tree_model.item(row, 0).data(RECORD_ID_ROLE)
            self.tree.setExpanded(self.tree_model.index(row, 0), key not in collapsed)
        for column in (0, *range(2, VARIANCE_COLUMNS)):
            self.tree.resizeColumnToContents(column)

    # -- actions ---------------------------------------------------------------------------

    def selected_target(self) -> ActualTarget | None:
        if self.report is None:
            return None
        index = self.tree.currentIndex()
        ref = index.siblingAtColumn(0).data(RECORD_ID_ROLE) if index.isValid() else None
        try:
            return self.report.target(ref) if ref else None
        except KeyError:
            return None

    def _book_on(self, index: QModelIndex) -> None:
        self.tree.setCurrentIndex(index)
        self.book()

    def book(self, draft: ActualDraft | None = None) -> bool:
        """Book one cost: ``draft`` directly (tests, scripts) or from :class:`ActualDialog`."""
        if self.report is None or self.estimate_id is None:
            return False
        if draft is None:
            dialog = ActualDialog(self.report, self, target=self.selected_target())
            if not dialog.exec() or dialog.draft is None:
                return False
            draft = dialog.draft
        command = BookActualsCommand(
            self.tr("Book actual cost"), self.session.services, self.estimate_id, [draft]
        )
        return self.session.run(command) is None

    def import_file(self, path: Path | None = None, *, confirm: bool = True) -> int:
        """Review and book a finance file; returns how many costs were booked."""
        if self.estimate_id is None:
            return 0
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Import actual costs"),
                "",
                self.tr("Finance exports (*.xlsx *.csv)"),
            )
            if not name:
                return 0
            path = Path(name)
        try:
            plan = actuals_import.prepare_import(
                self.session.services, self.estimate_id, path, ui_locale()
            )
        except (actuals_import.ActualsImportError, DomainError, WorkspaceError) as exc:
            self.session.error.emit(str(exc))
            return 0
        dialog = ActualsImportDialog(plan, self)
        if confirm and not dialog.exec():
            return 0
        drafts = dialog.drafts()
        command = BookActualsCommand(
            fill(self.tr("Import actual costs from %1"), path.name),
            self.session.services,
            self.estimate_id,
            drafts,
            batch=str(uuid.uuid4()),
        )
        if self.session.run(command) is not None:
            return 0
        return len(drafts)

    def delete_selected(self) -> int:
        rows = sorted({index.row() for index in self.entries.selectionModel().selectedRows()})
        ids = [self.entries_model.record(row).id for row in rows]
        if not ids:
            return 0
        command = DeleteActualsCommand(self.tr("Delete booked cost"), self.session.services, ids)
        return len(ids) if self.session.run(command) is None else 0
