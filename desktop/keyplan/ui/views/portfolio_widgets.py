"""Building blocks of the Portfolio page: KPI tiles, a grid that re-flows to the width, chart
views that keep their labels legible, and the colours and number formats the charts use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_compact_currency
from PySide6.QtCharts import QBarCategoryAxis, QChartView
from PySide6.QtCore import QCoreApplication, QDate, QLocale, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QTableView, QVBoxLayout, QWidget

from keyplan.services.portfolio_records import MoneyTile
from keyplan.ui.formatting import money_with_symbol
from keyplan.ui.labels import fill
from keyplan.ui.locale import ui_locale
from keyplan.ui.widgets.rag_badge import RAG_COLOURS

# what changes never show on this page: no reload for them


def _t(text: str) -> str:
    return QCoreApplication.translate("PortfolioView", text)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def series_colours(palette: QPalette) -> dict[str, QColor]:
    """Chart colours that read on the palette's background, light or dark."""
    dark = is_dark(palette)
    return {
        "target": QColor("#78909C" if dark else "#B0BEC5"),
        "actual": QColor("#64B5F6" if dark else "#1F4E79"),
        "forecast": QColor("#FFB74D" if dark else "#E65100"),
        "amount": QColor("#546E7A" if dark else "#B0BEC5"),
        "weighted": QColor("#64B5F6" if dark else "#1F4E79"),
    }


# -- small formatting helpers -----------------------------------------------------------------


def compact_money(amount: Decimal, currency: str) -> str:
    """'$1.2M', '₫12.3B' as the locale abbreviates; small amounts in full."""
    if abs(amount) < 10_000:
        return money_with_symbol(amount, currency)
    return format_compact_currency(amount, currency, locale=ui_locale(), fraction_digits=1)


def money_lines(tile: MoneyTile) -> str:
    return "\n".join(money_with_symbol(part.amount, part.currency) for part in tile.by_currency)


def month_label(month: date, with_year: bool = False) -> str:
    locale = QLocale()
    text = locale.toString(QDate(month.year, month.month, 1), "MMM")
    return f"{text} {month:%y}" if with_year else text


def axis_scale(maximum: float, currency: str) -> tuple[float, str]:
    """Divide chart values so the axis reads 1.2 rather than 1200000, and say so in its title."""
    if maximum >= 1_000_000_000:
        return 1_000_000_000.0, fill(_t("%1 billions"), currency)
    if maximum >= 1_000_000:
        return 1_000_000.0, fill(_t("%1 millions"), currency)
    if maximum >= 10_000:
        return 1000.0, fill(_t("%1 thousands"), currency)
    return 1.0, currency


def fit_rows(table: QTableView, most: int) -> None:
    """As tall as its rows (at most ``most``, then it scrolls): no empty box under two rows."""
    rows = min(max(table.model().rowCount(), 1), most)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += rows * table.verticalHeader().defaultSectionSize()
    scroll = table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height + scroll)


# -- layout: tiles and charts that wrap to the width ---------------------------------------------


class WrapGrid(QWidget):
    """Widgets in as many equal columns as fit (at least ``column_width`` each), one column at
    the narrowest: the page stays usable at 450 px and uses the room of a wide window."""

    def __init__(self, column_width: int, max_columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column_width = column_width
        self.max_columns = max_columns
        self.items: list[QWidget] = []
        self.columns = 0
        self.grid = QGridLayout(self)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)

    def add(self, widget: QWidget) -> None:
        self.items.append(widget)
        self.columns = 0
        self._arrange(max(self.width(), self.column_width))

    def _arrange(self, width: int) -> None:
        spacing = self.grid.horizontalSpacing()
        fit = max(1, (width + spacing) // (self.column_width + spacing))
        columns = max(1, min(self.max_columns, fit, len(self.items) or 1))
        if columns == self.columns:
            return
        self.columns = columns
        for widget in self.items:
            self.grid.removeWidget(widget)
        for index, widget in enumerate(self.items):
            self.grid.addWidget(widget, index // columns, index % columns)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        # as narrow as one column: the grid re-flows instead of forcing a scroll bar
        return QSize(self.column_width, super().minimumSizeHint().height())


class ChartView(QChartView):
    """A chart view that turns the category labels upright when they no longer fit side by
    side (twelve month names in a narrow window), rather than eliding them to "..."."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_labels()

    def fit_labels(self) -> None:
        for axis in self.chart().axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QBarCategoryAxis) and axis.count():
                metrics = QFontMetrics(axis.labelsFont())
                widest = max(metrics.horizontalAdvance(c) for c in axis.categories())
                room = (self.width() - 80) / axis.count()  # less the value axis and margins
                axis.setLabelsAngle(-90 if widest + 6 > room else 0)


class Tile(QFrame):
    """One KPI: a caption, a big value and a line of detail."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"tile_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.caption = QLabel(caption)
        self.caption.setObjectName("caption")
        self.value = QLabel()
        self.value.setObjectName("value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch()

    def set(self, value: str, detail: str = "", *, warn: bool = False, tooltip: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.value.setStyleSheet(f"color: {RAG_COLOURS['red']};" if warn else "")
        self.setToolTip(tooltip)
