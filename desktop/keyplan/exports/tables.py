"""Plain table documents for list exports (the estimates list, a rate card).

Like the estimate documents, a table holds only what its audience may see: the
service that builds it leaves internal columns out of a client table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

CellValue = str | Decimal | date | None
ColumnKind = Literal["text", "money", "percent", "date", "number"]


@dataclass(frozen=True)
class TableColumn:
    title: str
    kind: ColumnKind = "text"
    width: int = 14


@dataclass(frozen=True)
class TableRow:
    cells: tuple[CellValue, ...]
    currency_minor_units: int = 2  # for the row's money cells


@dataclass(frozen=True)
class TableDocument:
    """One sheet: a title, a subtitle (the filter or card shown), columns and rows.

    ``currency_column`` and ``total_column`` (indexes) ask for a total per currency
    under the table, as live SUMIFS formulas; amounts of different currencies are
    never added together.
    """

    agency_name: str
    sheet_name: str
    title: str
    subtitle: str
    columns: tuple[TableColumn, ...]
    rows: tuple[TableRow, ...]
    currency_column: int | None = None
    total_column: int | None = None
    internal: bool = False
