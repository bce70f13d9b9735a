"""Import a rate table: choose which column holds which field, see what each row will do.

The reading, the checks and the preview are the service's (``services.rate_import``);
this dialog lets the user pick the columns, shows the service's preview or its
problems (sheet, row, column, message) and accepts only a mapping that works. The
caller applies ``rows`` in its undoable command once the dialog is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError
from keyplan.services import rate_import
from keyplan.services.estimate_records import RateCardRecord
from keyplan.services.rate_import import ImportProblem, RatePreview, RateRow, RateTable
from keyplan.services.workspace import WorkspaceError, WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, money_text
from keyplan.ui.labels import count_text, fill
from keyplan.ui.locale import ui_locale
from keyplan.ui.widgets.form import INVALID_STYLE
from keyplan.ui.widgets.read_only_table import read_only_table, row_items

CONTEXT = "RateImportDialog"
ACTION_COLOURS = {"add": "#D7EFD2", "update": "#FCEBC4"}
ACTION_TEXT_COLOUR = "#1B1B1B"  # readable on the light action colours, in a dark scheme too
PROBLEM_COLOUR = "#C62828"
SAMPLE_VALUES = 3
"""Values of a column shown in its tooltip, to recognise it when the header says little."""
NUMBER_COLUMNS = frozenset({4, 5})


def _t(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def field_labels() -> dict[str, str]:
    """The fields in the order of ``rate_import.FIELDS``, as the mapping form names them."""
    return {
        "role": _t("Role"),
        "unit": _t("Unit"),
        "bill_rate": _t("Bill rate"),
        "cost_rate": _t("Cost rate"),
        "valid_from": _t("Valid from"),
    }


def _mnemonic_labels() -> dict[str, str]:
    """The same names with an Alt+letter to jump to the field's column choice."""
    return {
        "role": _t("&Role"),
        "unit": _t("U&nit"),
        "bill_rate": _t("&Bill rate"),
        "cost_rate": _t("C&ost rate"),
        "valid_from": _t("&Valid from"),
    }


def action_labels() -> dict[str, str]:
    return {"add": _t("Add"), "update": _t("Update"), "same": _t("Same")}


def unit_labels() -> dict[str, str]:
    return {"hour": _t("per hour"), "day": _t("per day")}


def column_choice_text(index: int, header: str) -> str:
    """'B: Bill rate' — the column's letter and its header as the file has it."""
    letter = rate_import.column_letter(index)
    title = " ".join(header.split())
    return fill(_t("%1: %2"), letter, title) if title else fill(_t("%1: (no header)"), letter)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return " ".join(str(value).split())


def column_samples(table: RateTable, index: int, count: int = SAMPLE_VALUES) -> list[str]:
    """The first non-empty values of a column, as text."""
    samples: list[str] = []
    for row in table.rows:
        text = _cell_text(row.values[index]) if index < len(row.values) else ""
        if text:
            samples.append(text)
            if len(samples) == count:
                break
    return samples


def duplicate_problems(table: RateTable, mapping: dict[str, int | None]) -> list[ImportProblem]:
    """One problem for each column chosen for more than one field."""
    labels = field_labels()
    fields_of: dict[int, list[str]] = {}
    for field in rate_import.FIELDS:
        index = mapping.get(field)
        if index is not None:
            fields_of.setdefault(index, []).append(field)
    problems = []
    for index, fields in fields_of.items():
        if len(fields) < 2:
            continue
        letter = rate_import.column_letter(index)
        names = [labels[field].casefold() for field in fields]
        if len(names) == 2:
            message = fill(
                _t("Column %1 is chosen for both the %2 and the %3: give each its own column."),
                letter,
                *names,
            )
        else:
            message = fill(
                _t("Column %1 is chosen for %2 fields (%3): give each its own column."),
                letter,
                str(len(names)),
                ", ".join(names),
            )
        problems.append(ImportProblem(table.sheet, table.header_row, letter, message))
    return problems


def change_text(new: str, old: str | None) -> str:
    """'140.00 → 150.00' when the value changes, else the value."""
    return new if old is None or old == new else fill(_t("%1 → %2"), old, new)


def preview_cells(preview: RatePreview, currency: str) -> tuple[str, ...]:
    """Row, action, role, unit, bill rate, cost rate, valid from — old → new for an update."""
    units = unit_labels()

    def money(amount: Decimal | None) -> str | None:
        return None if amount is None else money_text(amount, currency)

    unit = units.get(preview.unit, preview.unit)
    old_unit = (
        None
        if preview.previous_unit is None
        else units.get(preview.previous_unit, preview.previous_unit)
    )
    return (
        str(preview.row) if preview.row else "",
        action_labels().get(preview.action, preview.action),
        preview.role,
        change_text(unit, old_unit),
        change_text(money_text(preview.bill, currency), money(preview.previous_bill)),
        change_text(money_text(preview.cost, currency), money(preview.previous_cost)),
        date_text(preview.valid_from),
    )


def problem_cells(problem: ImportProblem) -> tuple[str, ...]:
    return (
        problem.sheet,
        str(problem.row) if problem.row else "",
        problem.column,
        problem.message,
    )


def _read_only_table(name: str, model: QStandardItemModel) -> QTableView:
    table = read_only_table(name, model)
    table.setTabKeyNavigation(False)  # Tab goes on to the buttons
    table.horizontalHeader().setStretchLastSection(True)
    table.setMinimumHeight(table.fontMetrics().height() * 5)
    return table


class RateImportDialog(BaseDialog):
    """Which column holds which field, and what importing the file into a card will do.

    After ``exec()`` returns Accepted, ``rows`` are the valid rates to import (built with
    ``mapping()``); the dialog itself writes nothing.
    """

    def __init__(
        self,
        services: WorkspaceServices,
        card: RateCardRecord,
        path: Path,
        table: RateTable,
        parent: QWidget | None = None,
        *,
        mapping: dict[str, int | None] | None = None,
        locale: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.card = card
        self.path = Path(path)
        self.table = table
        self.locale = locale or ui_locale()
        self.rows: list[RateRow] = []
        self.preview: list[RatePreview] = []
        self.problems: list[ImportProblem] = []
        self.problem_total = 0
        self.setWindowTitle(fill(self.tr("Import rates into %1"), card.name))

        # -- the file ----------------------------------------------------------------------
        self.file_label = QLabel(self.path.name)
        self.file_label.setObjectName("import_file")
        font = QFont(self.file_label.font())
        font.setBold(True)
        self.file_label.setFont(font)
        self.file_label.setToolTip(str(self.path))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setWordWrap(True)
        self.details_label = QLabel(self._details_text())
        self.details_label.setObjectName("import_details")
        self.details_label.setWordWrap(True)

        # -- the mapping -------------------------------------------------------------------
        guessed = dict(mapping) if mapping is not None else rate_import.guess_mapping(table.headers)
        self.combos: dict[str, QComboBox] = {}
        self.mapping_box = QGroupBox(self.tr("Columns in the file (* required)"))
        self.mapping_box.setObjectName("mapping")
        mapping_layout = QFormLayout(self.mapping_box)
        mapping_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        mapping_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        mnemonics = _mnemonic_labels()
        for field in rate_import.FIELDS:
            combo = self._column_combo(field, guessed.get(field))
            required = field in rate_import.REQUIRED_FIELDS
            text = fill(self.tr("%1 *"), mnemonics[field]) if required else mnemonics[field]
            label = QLabel(text)
            label.setObjectName(f"{field}_label")
            label.setBuddy(combo)
            if required:
                label.setToolTip(self.tr("Required: every row must have it"))
            else:
                label.setToolTip(self.tr("Without a unit column, every rate is per hour"))
            combo.setToolTip(label.toolTip())
            mapping_layout.addRow(label, combo)
            self.combos[field] = combo

        # -- the outcome -------------------------------------------------------------------
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_model = QStandardItemModel(self)
        self.preview_table = _read_only_table("import_preview", self.preview_model)
        self.problems_model = QStandardItemModel(self)
        self.problems_table = _read_only_table("import_problems", self.problems_model)
        self.problems_table.setWordWrap(True)  # a long message wraps rather than hides
        self.problems_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.preview_table)
        self.stack.addWidget(self.problems_table)

        self.import_button = QPushButton(self.tr("&Import"))
        self.import_button.setObjectName("import_button")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        # at a small size the preview keeps its room: the columns scroll, the split moves
        mapping_area = QScrollArea()
        mapping_area.setObjectName("mapping_area")
        mapping_area.setWidget(self.mapping_box)
        mapping_area.setWidgetResizable(True)
        mapping_area.setFrameShape(QFrame.Shape.NoFrame)
        mapping_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        mapping_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outcome = QWidget()
        outcome_layout = QVBoxLayout(outcome)
        outcome_layout.setContentsMargins(0, 0, 0, 0)
        outcome_layout.addWidget(self.summary)
        outcome_layout.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("import_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(mapping_area)
        self.splitter.addWidget(outcome)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)
        self.import_button.setDefault(True)  # Enter imports, once the button is in the dialog

        previous: QWidget = self.combos[rate_import.FIELDS[0]]
        for field in rate_import.FIELDS[1:]:
            QWidget.setTabOrder(previous, self.combos[field])
            previous = self.combos[field]
        for widget in (self.preview_table, self.problems_table, self.import_button):
            QWidget.setTabOrder(previous, widget)
            previous = widget
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(self.refresh)
        if not self.has_saved_geometry:
            self.resize(760, 600)
        self.refresh()
        first_unset = next(
            (c for c in self.combos.values() if c.currentIndex() < 0), self.combos["role"]
        )
        first_unset.setFocus()

    # -- building ----------------------------------------------------------------------

    def _details_text(self) -> str:
        rows = count_text(len(self.table.rows), "1 row", "%n rows", CONTEXT)
        if self.table.sheet == rate_import.CSV_SHEET:
            where = self.tr("CSV file")
        else:
            where = fill(self.tr("Sheet “%1”"), self.table.sheet)
        card = self.card
        if card.account_id is None:
            into = fill(self.tr("%1 (%2)"), card.name, card.currency)
        else:
            into = fill(self.tr("%1 — %2 (%3)"), card.account_name, card.name, card.currency)
        return fill(
            self.tr("%1 · %2 below the header on row %3 · into %4"),
            where,
            rows,
            str(self.table.header_row),
            into,
        )

    def _column_combo(self, field: str, chosen: int | None) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"{field}_column")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(14)
        if field not in rate_import.REQUIRED_FIELDS:
            combo.addItem(self.tr("(not in file)"), None)
        else:
            combo.setPlaceholderText(self.tr("Choose a column…"))
        for index, header in enumerate(self.table.headers):
            combo.addItem(column_choice_text(index, header), index)
            samples = column_samples(self.table, index)
            tip = (
                fill(self.tr("First values: %1"), ", ".join(samples))
                if samples
                else self.tr("No values in this column")
            )
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        found = combo.findData(chosen) if chosen is not None else -1
        if found >= 0:
            combo.setCurrentIndex(found)
        else:
            combo.setCurrentIndex(0 if field not in rate_import.REQUIRED_FIELDS else -1)
        return combo

    # -- the mapping and its outcome ---------------------------------------------------

    def mapping(self) -> dict[str, int | None]:
        """Field -> the chosen column's index, or None when not chosen (or not in the file)."""
        chosen: dict[str, int | None] = {}
        for field, combo in self.combos.items():
            data = combo.currentData() if combo.currentIndex() >= 0 else None
            chosen[field] = data if isinstance(data, int) else None
        return chosen

    def choose_column(self, field: str, index: int | None) -> None:
        """Pick a column for a field as the user does in its combo box (None: not in file)."""
        combo = self.combos[field]
        combo.setCurrentIndex(combo.findData(index) if index is not None else -1)

    def refresh(self) -> None:
        """Build and preview the rows with the chosen columns; show the problems otherwise."""
        mapping = self.mapping()
        self.rows, self.preview, self.problems, self.problem_total = [], [], [], 0
        duplicates = duplicate_problems(self.table, mapping)
        self._mark_duplicates(duplicates)
        if duplicates:
            self._show_problems(duplicates, len(duplicates), duplicates[0].message)
            return
        try:
            rows = rate_import.build_rates(self.table, mapping, self.card.currency, self.locale)
            preview = rate_import.preview_import(self.services, self.card.id, rows)
        except rate_import.RateImportError as exc:
            self._show_problems(list(exc.problems), exc.total)
            return
        except (DomainError, WorkspaceError) as exc:
            self._show_problems([ImportProblem("", 0, "", str(exc))], 1)
            return
        self.rows, self.preview = rows, preview
        self._show_preview()

    def _mark_duplicates(self, duplicates: Sequence[ImportProblem]) -> None:
        """The combo boxes sharing a column turn red, the message in their tooltip."""
        messages = {problem.column: problem.message for problem in duplicates}
        for combo in self.combos.values():
            index = combo.currentData() if combo.currentIndex() >= 0 else None
            message = (
                messages.get(rate_import.column_letter(index)) if isinstance(index, int) else None
            )
            combo.setStyleSheet(INVALID_STYLE if message else "")
            combo.setToolTip(message or "")

    def _show_problems(
        self, problems: Sequence[ImportProblem], total: int, message: str | None = None
    ) -> None:
        self.problems, self.problem_total = list(problems), total
        self.problems_model.clear()
        self.problems_model.setHorizontalHeaderLabels(
            [self.tr("Sheet"), self.tr("Row"), self.tr("Column"), self.tr("Problem")]
        )
        colour = QBrush(QColor(PROBLEM_COLOUR))
        for problem in problems:
            items = row_items(problem_cells(problem), frozenset({1}))
            items[3].setForeground(colour)
            self.problems_model.appendRow(items)
        more = total - len(problems)
        if more > 0:
            self.problems_model.appendRow(
                row_items(("", "", "", count_text(more, "…and 1 more", "…and %n more", CONTEXT)))
            )
        self.problems_table.resizeColumnsToContents()
        self.problems_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.stack.setCurrentWidget(self.problems_table)
        self.summary.setText(
            message
            or count_text(
                total,
                "1 problem: fix the file or the column choices",
                "%n problems: fix the file or the column choices",
                CONTEXT,
            )
        )
        self.summary.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.import_button.setEnabled(False)

    def _show_preview(self) -> None:
        currency = self.card.currency
        self.preview_model.clear()
        self.preview_model.setHorizontalHeaderLabels(
            [
                self.tr("Row"),
                self.tr("Action"),
                self.tr("Role"),
                self.tr("Unit"),
                fill(self.tr("Bill rate (%1)"), currency),
                fill(self.tr("Cost rate (%1)"), currency),
                self.tr("Valid from"),
            ]
        )
        foreground = QBrush(QColor(ACTION_TEXT_COLOUR))
        for preview in self.preview:
            items = row_items(preview_cells(preview, currency), NUMBER_COLUMNS | {0})
            colour = ACTION_COLOURS.get(preview.action)
            if colour is not None:
                items[1].setBackground(QBrush(QColor(colour)))
                items[1].setForeground(foreground)
            self.preview_model.appendRow(items)
        self.preview_table.resizeColumnsToContents()
        self.stack.setCurrentWidget(self.preview_table)
        counts = {
            action: sum(p.action == action for p in self.preview) for action in action_labels()
        }
        changes = counts["add"] + counts["update"]
        self.summary.setStyleSheet("")
        if changes:
            self.summary.setText(
                fill(
                    self.tr("%1 to add, %2 to update, %3 already the same."),
                    str(counts["add"]),
                    str(counts["update"]),
                    str(counts["same"]),
                )
            )
        else:
            self.summary.setText(self.tr("Nothing to import: the card already has every rate."))
        self.import_button.setEnabled(changes > 0)

    # -- result ------------------------------------------------------------------------

    def accept(self) -> None:
        """Only a mapping whose rows all work, and that changes something, is accepted."""
        if self.problems or not self.import_button.isEnabled() or not self.rows:
            return
        super().accept()
