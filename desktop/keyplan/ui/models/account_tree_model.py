"""The account tree: global accounts with their subsidiaries and business units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from keyplan.services.records import AccountRecord
from keyplan.ui.labels import health_labels
from keyplan.ui.widgets.rag_badge import rag_icon

ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)  # identity, not field-by-field comparison: the tree has thousands
class _Node:
    record: AccountRecord | None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    index: int = 0  # row under the parent, set once the tree is built

    def row(self) -> int:
        return self.index


class AccountTreeModel(QAbstractItemModel):
    COLUMNS = ("name", "tier", "currency")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node(None)
        self._by_id: dict[int, _Node] = {}

    def set_accounts(self, records: list[AccountRecord]) -> None:
        self.beginResetModel()
        self._root = _Node(None)
        self._by_id = {r.id: _Node(r) for r in records}
        for node in self._by_id.values():
            assert node.record is not None
            parent = self._by_id.get(node.record.parent_id or -1, self._root)
            node.parent = parent
            node.index = len(parent.children)
            parent.children.append(node)
        self.endResetModel()

    def index_of(self, account_id: int) -> QModelIndex:
        node = self._by_id.get(account_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def _node(self, index: Index) -> _Node:
        if index.isValid():
            node: _Node = index.internalPointer()
            return node
        return self._root

    # -- QAbstractItemModel ------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(self.COLUMNS):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Account"), self.tr("Tier"), self.tr("Cur."))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self._node(index).record
        if record is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return getattr(record, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "name":
            return rag_icon(record.health)
        if role == Qt.ItemDataRole.ToolTipRole:
            health = health_labels().get(record.health, record.health)
            reason = f": {record.health_reason}" if record.health_reason else ""
            return f"{record.name}\n{health}{reason}"
        if role == ACCOUNT_ID_ROLE:
            return record.id
        return None
