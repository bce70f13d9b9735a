"""The Portfolio page's six-month look-ahead: a timeline of month columns with a lane per kind
of item (projects, deals, estimates, JBP activities, reviews); each item a marker, or a bar for
an activity that spans days. Hovering says what it is; a click emits the item's index."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from keyplan.services.portfolio_records import LookAheadItem, LookAheadKind
from keyplan.ui.formatting import money_with_symbol
from keyplan.ui.labels import fill

# what changes never show on this page: no reload for them
from keyplan.ui.views.portfolio_widgets import month_label


def _t(text: str) -> str:
    return QCoreApplication.translate("PortfolioView", text)


def look_ahead_labels() -> dict[str, str]:
    return {
        LookAheadKind.PROJECT_START: _t("Project starts"),
        LookAheadKind.PROJECT_END: _t("Project ends"),
        LookAheadKind.RENEWAL: _t("Renewal"),
        LookAheadKind.CLOSE: _t("Expected close"),
        LookAheadKind.ESTIMATE_EXPIRY: _t("Estimate valid until"),
        LookAheadKind.JBP_ACTIVITY: _t("JBP activity"),
        LookAheadKind.MILESTONE: _t("JBP milestone"),
        LookAheadKind.REVIEW: _t("Business review"),
    }


def activity_kind_labels() -> dict[str, str]:
    return {
        "campaign": _t("campaign"),
        "initiative": _t("initiative"),
        "event": _t("event"),
        "milestone": _t("milestone"),
        "review": _t("review"),
    }


KIND_COLOURS = {
    LookAheadKind.PROJECT_START: "#1565C0",
    LookAheadKind.PROJECT_END: "#0D47A1",
    LookAheadKind.RENEWAL: "#8E24AA",
    LookAheadKind.CLOSE: "#00897B",
    LookAheadKind.ESTIMATE_EXPIRY: "#EF6C00",
    LookAheadKind.JBP_ACTIVITY: "#2E7D32",
    LookAheadKind.MILESTONE: "#1B5E20",
    LookAheadKind.REVIEW: "#C62828",
}


# -- the look-ahead timeline -------------------------------------------------------------------


LANES: tuple[tuple[str, frozenset[str]], ...] = (
    ("projects", frozenset({LookAheadKind.PROJECT_START, LookAheadKind.PROJECT_END})),
    ("deals", frozenset({LookAheadKind.RENEWAL, LookAheadKind.CLOSE})),
    ("estimates", frozenset({LookAheadKind.ESTIMATE_EXPIRY})),
    ("jbp", frozenset({LookAheadKind.JBP_ACTIVITY, LookAheadKind.MILESTONE})),
    ("reviews", frozenset({LookAheadKind.REVIEW})),
)


def lane_labels() -> dict[str, str]:
    return {
        "projects": _t("Projects"),
        "deals": _t("Renewals, closes"),
        "estimates": _t("Estimates"),
        "jbp": _t("JBP activities"),
        "reviews": _t("Reviews"),
    }


DIAMONDS = frozenset({LookAheadKind.RENEWAL, LookAheadKind.MILESTONE, LookAheadKind.REVIEW})
SHAPES = {  # what the timeline draws for each kind, for its legend
    LookAheadKind.PROJECT_START: "▶",
    LookAheadKind.PROJECT_END: "■",
    **dict.fromkeys(DIAMONDS, "◆"),
}


def legend_html() -> str:
    """The timeline's legend: each kind's shape in its colour, then its name."""
    return "&nbsp;&nbsp; ".join(
        f'<span style="color:{KIND_COLOURS[LookAheadKind(kind)]}">'
        f"{SHAPES.get(LookAheadKind(kind), '●')}</span>&nbsp;{html.escape(label)}"
        for kind, label in look_ahead_labels().items()
    )


@dataclass(frozen=True)
class _Placed:
    index: int  # into the timeline's items
    rect: QRectF  # where the marker or bar is drawn, and where a click hits it


class LookAheadTimeline(QWidget):
    """Month columns from today on; each item a marker (or a bar for an activity that spans
    days) in the lane of its kind. Hover shows what it is, a click emits its index."""

    item_clicked = Signal(int)

    ROW = 18  # height of one row of markers
    MARK = 6  # marker radius

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("look_ahead_timeline")
        self.setMouseTracking(True)
        self.start = date.today()
        self.end = date.today()
        self.items: list[LookAheadItem] = []
        self._placed: list[_Placed] = []
        self._lanes: list[tuple[str, float, float]] = []  # (label, top, height)
        self._laid_for = -1
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(_t("Look-ahead timeline"))

    def set_items(self, start: date, end: date, items: Sequence[LookAheadItem]) -> None:
        self.start, self.end, self.items = start, end, list(items)
        self._laid_for = -1
        self.updateGeometry()
        self.update()

    # geometry

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return min(120, max(metrics.horizontalAdvance(t) for t in lane_labels().values()) + 12)

    def _header(self) -> int:
        return self.fontMetrics().height() + 8

    def x_of(self, day: date, width: int | None = None) -> float:
        width = self.width() if width is None else width
        left = self._label_width()
        span = max((self.end - self.start).days, 1)
        fraction = min(max((day - self.start).days / span, 0.0), 1.0)
        return left + self.MARK + fraction * (width - left - 2 * self.MARK - 2)

    def _layout(self, width: int) -> float:
        """Place every item; returns the height all lanes need at ``width``."""
        placed: list[_Placed] = []
        lanes: list[tuple[str, float, float]] = []
        labels = lane_labels()
        top = float(self._header())
        for key, kinds in LANES:
            members = sorted(
                (i for i, item in enumerate(self.items) if item.kind in kinds),
                key=lambda i: (self.items[i].day, self.items[i].until or self.items[i].day),
            )
            row_ends: list[float] = []  # right edge of what each row holds so far
            for index in members:
                item = self.items[index]
                x0 = self.x_of(max(item.day, self.start), width)
                x1 = self.x_of(min(item.until, self.end), width) if item.until else x0
                left, right = min(x0, x1) - self.MARK, max(x0, x1) + self.MARK
                row = next((r for r, end in enumerate(row_ends) if end + 2 < left), None)
                if row is None:
                    row = len(row_ends)
                    row_ends.append(right)
                row_ends[row] = right
                y = top + 3 + row * self.ROW + (self.ROW - 2 * self.MARK) / 2
                placed.append(_Placed(index, QRectF(left, y, right - left, 2 * self.MARK)))
            height = max(1, len(row_ends)) * self.ROW + 6
            lanes.append((labels[key], top, float(height)))
            top += height
        self._placed, self._lanes, self._laid_for = placed, lanes, width
        return top + 2

    def _ensure_layout(self) -> None:
        if self._laid_for != self.width():
            self._layout(self.width())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        laid = (self._placed, self._lanes, self._laid_for)
        height = int(self._layout(width))
        self._placed, self._lanes, self._laid_for = laid
        return height

    def sizeHint(self) -> QSize:
        return QSize(600, self.heightForWidth(600))

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.heightForWidth(300))

    def item_rect(self, index: int) -> QRectF:
        """Where item ``index`` is drawn (for tests and tooltips)."""
        self._ensure_layout()
        return next((p.rect for p in self._placed if p.index == index), QRectF())

    def item_at(self, point: QPointF) -> int | None:
        self._ensure_layout()
        for placed in self._placed:
            if placed.rect.adjusted(-2, -2, 2, 2).contains(point):
                return placed.index
        return None

    # painting and the mouse

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._laid_for = -1
        super().resizeEvent(event)

    def paintEvent(self, _event: object) -> None:
        self._ensure_layout()
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = palette.color(QPalette.ColorRole.Mid)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left = self._label_width()
        bottom = self._lanes[-1][1] + self._lanes[-1][2] if self._lanes else self.height()
        # month columns: a line where each month begins, its name centred in its column
        edges = [self.start]
        month = date(self.start.year, self.start.month, 1)
        while True:
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if month > self.end:
                break
            edges.append(month)
        edges.append(self.end)
        metrics = self.fontMetrics()
        for number, (begin, finish) in enumerate(pairwise(edges)):
            x0, x1 = self.x_of(begin), self.x_of(finish)
            if begin.day == 1:
                painter.setPen(QPen(grid, 1))
                painter.drawLine(QPointF(x0, self._header() - 2), QPointF(x0, bottom))
            label = month_label(begin, with_year=number == 0 or begin.month == 1)
            if metrics.horizontalAdvance(label) > x1 - x0 - 2:
                label = month_label(begin)
            if metrics.horizontalAdvance(label) <= x1 - x0 - 2:
                painter.setPen(text)
                painter.drawText(
                    QRectF(x0, 0, x1 - x0, self._header()), Qt.AlignmentFlag.AlignCenter, label
                )
        # lanes
        for number, (label, top, height) in enumerate(self._lanes):
            if number % 2 == 0:
                painter.fillRect(
                    QRectF(0, top, self.width(), height),
                    palette.color(QPalette.ColorRole.AlternateBase),
                )
            painter.setPen(text)
            painter.drawText(
                QRectF(4, top, left - 8, min(height, self.ROW + 6)),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, left - 8),
            )
        # items
        outline = palette.color(QPalette.ColorRole.Base)
        for placed in self._placed:
            item = self.items[placed.index]
            colour = QColor(KIND_COLOURS.get(LookAheadKind(item.kind), "#757575"))
            painter.setPen(QPen(outline, 1))
            painter.setBrush(QBrush(colour))
            rect = placed.rect
            if item.until is not None and rect.width() > 2 * self.MARK + 1:
                painter.drawRoundedRect(rect, self.MARK, self.MARK)
            else:
                painter.drawPath(self._marker(item.kind, rect.center()))
        painter.end()

    def _marker(self, kind: str, centre: QPointF) -> QPainterPath:
        """A shape per kind, so colour is not the only cue (see :data:`SHAPES`)."""
        r = float(self.MARK)
        x, y = centre.x(), centre.y()
        path = QPainterPath()
        if kind == LookAheadKind.PROJECT_START:
            path.moveTo(x - r, y - r)
            path.lineTo(x + r, y)
            path.lineTo(x - r, y + r)
            path.closeSubpath()
        elif kind == LookAheadKind.PROJECT_END:
            path.addRect(QRectF(x - r + 1, y - r + 1, 2 * r - 2, 2 * r - 2))
        elif kind in DIAMONDS:
            path.moveTo(x, y - r)
            path.lineTo(x + r, y)
            path.lineTo(x, y + r)
            path.lineTo(x - r, y)
            path.closeSubpath()
        else:
            path.addEllipse(centre, r - 1, r - 1)
        return path

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            position = event.position() if hasattr(event, "position") else QPointF(event.pos())  # type: ignore[attr-defined]
            index = self.item_at(QPointF(position))
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), item_text(self.items[index]), self)  # type: ignore[attr-defined]
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self.item_at(event.position()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.item_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and index is not None:
            self.item_clicked.emit(index)
            return
        super().mousePressEvent(event)


def item_text(item: LookAheadItem) -> str:
    """'2026-09-30 · Business review · Aurora Group: JBP 2026 (2026-Q3)'."""
    kind = look_ahead_labels().get(item.kind, item.kind)
    when = item.day.isoformat()
    if item.until is not None and item.until != item.day:
        when = f"{when} – {item.until.isoformat()}"
    return f"{when} · {kind} · {item.account_name}: {item_title(item)}"


def item_title(item: LookAheadItem) -> str:
    """The item's title with its detail: a project code, an estimate number, an amount."""
    detail = item.detail
    if item.amount is not None and item.currency:
        detail = money_with_symbol(item.amount, item.currency)
    elif item.kind == LookAheadKind.REVIEW and item.detail:
        detail = fill(_t("review of %1"), item.detail)
    elif item.kind == LookAheadKind.JBP_ACTIVITY:
        detail = activity_kind_labels().get(item.detail, item.detail)
    return f"{item.title} ({detail})" if detail else item.title
