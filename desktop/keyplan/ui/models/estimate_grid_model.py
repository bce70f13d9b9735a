"""The estimate grid: section rows and line rows in one table, like a spreadsheet.

Row and column logic is plain Python (``GridRow``, ``GRID_COLUMNS``, ``parse_cell``)
so it can be tested without Qt; ``EstimateGridModel`` is the thin Qt adapter.
Edits are not applied here: ``on_edit(row, key, value)`` answers None (done) or
the message to show in the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from keyplan.domain.errors import ValidationError
from keyplan.domain.estimates import LineKind
from keyplan.services.estimate_records import LineRecord, PricedRecord, SectionRecord
from keyplan.ui.formatting import money_text, percent_text, quantity_text, read_decimal

Index = QModelIndex | QPersistentModelIndex
ERROR_BRUSH = QBrush(QColor("#F9D6D5"))
SECTION_BRUSH = QBrush(QColor(0, 0, 0, 18))
OPTIONAL_COLOUR = QColor("#6B6B6B")


def _t(text: str) -> str:
    return QCoreApplication.translate("EstimateGrid", text)


def kind_labels() -> dict[str, str]:
    return {
        LineKind.LABOUR: _t("Labour"),
        LineKind.THIRD_PARTY: _t("Third party"),
        LineKind.FIXED_FEE: _t("Fixed fee"),
        LineKind.EXPENSE: _t("Expense"),
    }


@dataclass(frozen=True)
class GridColumn:
    key: str
    title: str
    internal: bool = False  # cost figures: only in the internal view
    numeric: bool = False
    editable: bool = True


def grid_columns(*, internal: bool) -> list[GridColumn]:
    columns = [
        GridColumn("kind", _t("Kind")),
        GridColumn("description", _t("Description")),
        GridColumn("who", _t("Role / supplier")),
        GridColumn("quantity", _t("Qty"), numeric=True),
        GridColumn("unit", _t("Unit")),
        GridColumn("unit_price", _t("Unit price"), numeric=True),
        GridColumn("discount_percent", _t("Disc. %"), numeric=True),
        GridColumn("tax_rate", _t("Tax %"), numeric=True),
        GridColumn("optional", _t("Optional")),
        GridColumn("amount", _t("Amount"), numeric=True, editable=False),
        GridColumn("unit_cost", _t("Unit cost"), internal=True, numeric=True),
        GridColumn("markup_percent", _t("Markup %"), internal=True, numeric=True),
        GridColumn("cost", _t("Cost"), internal=True, numeric=True, editable=False),
        GridColumn("margin", _t("Margin"), internal=True, numeric=True, editable=False),
    ]
    return [c for c in columns if internal or not c.internal]


@dataclass(frozen=True)
class GridRow:
    section: SectionRecord
    line: LineRecord | None = None  # None: the section's own row

    @property
    def is_section(self) -> bool:
        return self.line is None

    @property
    def id(self) -> int:
        return self.line.id if self.line is not None else -self.section.id


def build_rows(document: PricedRecord, collapsed: set[int]) -> list[GridRow]:
    rows: list[GridRow] = []
    for section in document.sections:
        rows.append(GridRow(section))
        if section.id not in collapsed:
            rows.extend(GridRow(section, line) for line in section.lines)
    return rows


def row_refs(document: PricedRecord) -> dict[int, str]:
    """Grid row id -> the number shown in the row header: "2" for the second section, "2.3"
    for its third line, as on the workbook and PDF (``keyplan.domain.estimates.line_refs``)."""
    refs: dict[int, str] = {}
    for number, section in enumerate(document.sections, 1):
        refs[GridRow(section).id] = str(number)
        for position, line in enumerate(section.lines, 1):
            refs[line.id] = f"{number}.{position}"
    return refs


def cell_editable(row: GridRow, key: str) -> bool:
    """Which cells of a draft can be typed in."""
    if row.line is None:
        return key == "description"  # a section row: its name
    kind = row.line.kind
    if key == "who":
        return kind in (LineKind.LABOUR, LineKind.THIRD_PARTY)
    if key == "unit_price":
        return kind != LineKind.THIRD_PARTY  # follows cost + markup
    if key == "markup_percent":
        return kind == LineKind.THIRD_PARTY
    return key not in ("amount", "cost", "margin")


_YES = {"yes", "y", "true", "1", "x", "optional", "да", "có", "是", "はい", "예"}
_NO = {"no", "n", "false", "0", "", "нет", "không", "否", "いいえ", "아니요"}


def parse_cell(key: str, text: str, line: LineRecord | None) -> tuple[str, Any]:
    """A typed or pasted cell as (field, value); ValidationError says what is wrong."""
    value = text.strip()
    if key == "kind":
        wanted = value.casefold().replace("-", " ").replace("_", " ")
        for kind, label in kind_labels().items():
            if wanted in (label.casefold(), kind.value.replace("_", " ")):
                return "kind", kind.value
        raise ValidationError(
            "kind", f"'{value}' is not a kind: use {', '.join(kind_labels().values())}."
        )
    if key == "who":
        is_supplier = line is not None and line.kind == LineKind.THIRD_PARTY
        return ("supplier" if is_supplier else "role"), value
    if key in ("description", "unit"):
        return key, value
    if key == "optional":
        if value.casefold() in _YES:
            return key, True
        if value.casefold() in _NO:
            return key, False
        raise ValidationError("optional", f"'{value}' is not yes or no.")
    if key in (
        "quantity",
        "unit_price",
        "unit_cost",
        "discount_percent",
        "tax_rate",
        "markup_percent",
    ):
        return key, read_decimal(value or "0", field=key)
    raise ValidationError(key, _t("This column is calculated."))


def display(row: GridRow, key: str, currency: str) -> str:
    line, section = row.line, row.section
    if line is None:
        if key == "description":
            return section.name
        if key == "amount":
            return money_text(section.subtotal, currency)
        if key == "cost":
            return money_text(section.cost, currency)
        if key == "margin":
            return money_text(section.subtotal - section.cost, currency)
        return ""
    if key == "kind":
        return kind_labels().get(line.kind, line.kind)
    if key == "who":
        return line.supplier if line.kind == LineKind.THIRD_PARTY else line.role
    if key in ("description", "unit"):
        return str(getattr(line, key))
    if key == "quantity":
        return quantity_text(line.quantity)
    if key in ("unit_price", "unit_cost", "amount", "cost"):
        return money_text(getattr(line, key), currency)
    if key == "margin":
        return money_text(line.amount - line.cost, currency)
    if key in ("discount_percent", "tax_rate", "markup_percent"):
        return percent_text(getattr(line, key))
    if key == "optional":
        return _t("optional") if line.optional else ""
    return ""


class EstimateGridModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.document: PricedRecord | None = None
        self.rows: list[GridRow] = []
        self.refs: dict[int, str] = {}  # grid row id -> its number in the row header
        self.columns = grid_columns(internal=True)
        self.collapsed: set[int] = set()
        self.errors: dict[tuple[int, str], str] = {}  # (row id, key) -> message
        self.on_edit: Callable[[GridRow, str, Any], str | None] | None = None

    # -- content ---------------------------------------------------------------------------

    def set_document(self, document: PricedRecord | None, *, internal: bool) -> None:
        """Show ``document``; when only values changed, update in place (keeps the cursor)."""
        columns = grid_columns(internal=internal)
        rows = build_rows(document, self.collapsed) if document is not None else []
        same_shape = [r.id for r in rows] == [r.id for r in self.rows] and columns == self.columns
        self.document = document
        self.refs = row_refs(document) if document is not None else {}
        if same_shape and rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self.rows, self.columns = rows, columns
        self.errors.clear()
        self.endResetModel()

    def toggle_section(self, section_id: int) -> None:
        self.collapsed ^= {section_id}
        self.set_document(self.document, internal=any(c.internal for c in self.columns))

    def column_of(self, key: str) -> int:
        return next((i for i, c in enumerate(self.columns) if c.key == key), -1)

    def row_of_line(self, line_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.line and r.line.id == line_id), -1)

    def row_of_section(self, section_id: int) -> int:
        return next(
            (i for i, r in enumerate(self.rows) if r.is_section and r.section.id == section_id), -1
        )

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        row = self.rows[section] if 0 <= section < len(self.rows) else None
        return self.refs.get(row.id, "") if row is not None else ""

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or self.document is None or not self.document.editable:
            return flags
        row, column = self.rows[index.row()], self.columns[index.column()]
        if column.editable and cell_editable(row, column.key):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.document is None:
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        error = self.errors.get((row.id, column.key))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            text = display(row, column.key, self.document.currency)
            if row.is_section and column.key == "kind" and role == Qt.ItemDataRole.DisplayRole:
                return "▸" if row.section.id in self.collapsed else "▾"
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.is_section:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.line is not None and row.line.optional:
            return OPTIONAL_COLOUR  # shown, priced, but not in the total
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return ERROR_BRUSH
            if row.is_section:
                return SECTION_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return error
            if row.line is not None and row.line.optional and column.key == "amount":
                return _t("Optional: shown to the client, not in the total")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_edit is None:
            return False
        row, column = self.rows[index.row()], self.columns[index.column()]
        if isinstance(value, str) and value == display(
            row, column.key, self.document.currency if self.document else "USD"
        ):
            self.errors.pop((row.id, column.key), None)
            return False  # unchanged
        error = self.on_edit(row, column.key, value)
        if error:
            self.errors[(row.id, column.key)] = error
            self.dataChanged.emit(index, index)
            return False
        self.errors.pop((row.id, column.key), None)
        return True
