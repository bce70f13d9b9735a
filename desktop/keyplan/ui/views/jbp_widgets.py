"""What the JBP tab's pages share: translated labels, number formatting, the undo commands,
an editable table of a plan's parts, the phase stepper and the calendar strip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain import jbp as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.jbp import JbpActivityRecord, PeriodDerivation, RemovedRows
from keyplan.services.records import Change
from keyplan.ui.commands import CreateCommand, UpdateCommand
from keyplan.ui.formatting import money_text, quantity_text, read_decimal
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.views.contact_reports_panel import ActionDelegate
from keyplan.ui.widgets.editable_table import editable_table

Index = QModelIndex | QPersistentModelIndex
KIND = "jbp"  # what the JBP tab's commands change, for ``changed``
RAG_BACKGROUNDS = {"green": "#C8E6C9", "amber": "#FFE0B2", "red": "#FFCDD2"}
RAG_INK = {"green": "#1B5E20", "amber": "#7A4A00", "red": "#8E1B1B"}


def _t(text: str) -> str:
    return QCoreApplication.translate("jbp", text)


# -- labels ------------------------------------------------------------------------------------


def phase_labels() -> dict[str, str]:
    return {
        rules.Phase.FOUNDATION: _t("Foundation"),
        rules.Phase.DISCOVER_ALIGN: _t("Discover and align"),
        rules.Phase.INITIATIVE_PLANNING: _t("Initiative planning"),
        rules.Phase.EXECUTE: _t("Execute"),
        rules.Phase.MONITOR_RENEW: _t("Monitor and renew"),
    }


def status_labels() -> dict[str, str]:
    return {
        rules.JbpStatus.DRAFT: _t("Draft"),
        rules.JbpStatus.IN_NEGOTIATION: _t("In negotiation"),
        rules.JbpStatus.SIGNED: _t("Signed"),
        rules.JbpStatus.ACTIVE: _t("Active"),
        rules.JbpStatus.CLOSED: _t("Closed"),
    }


def cadence_labels() -> dict[str, str]:
    return {
        rules.ReviewCadence.MONTHLY: _t("Monthly"),
        rules.ReviewCadence.QUARTERLY: _t("Quarterly"),
        rules.ReviewCadence.HALF_YEARLY: _t("Half-yearly"),
    }


def metric_labels() -> dict[str, str]:
    return {
        rules.Metric.TURNOVER: _t("Turnover"),
        rules.Metric.VOLUME: _t("Volume"),
        rules.Metric.CASH_MARGIN: _t("Cash margin"),
        rules.Metric.MARGIN_PCT: _t("Margin %"),
        rules.Metric.SHARE: _t("Share"),
        rules.Metric.MEDIA_SPEND: _t("Media spend"),
        rules.Metric.CUSTOM: _t("Custom"),
    }


def measure_kind_labels() -> dict[str, str]:
    return {rules.MeasureKind.TARGET: _t("Growth target"), rules.MeasureKind.KPI: _t("KPI")}


def funder_labels() -> dict[str, str]:
    return {
        rules.Funder.CLIENT: _t("Client"),
        rules.Funder.AGENCY: _t("Agency"),
        rules.Funder.SHARED: _t("Shared"),
    }


def objective_status_labels() -> dict[str, str]:
    return {
        rules.ObjectiveStatus.NOT_STARTED: _t("Not started"),
        rules.ObjectiveStatus.ON_TRACK: _t("On track"),
        rules.ObjectiveStatus.AT_RISK: _t("At risk"),
        rules.ObjectiveStatus.OFF_TRACK: _t("Off track"),
        rules.ObjectiveStatus.DONE: _t("Done"),
    }


def activity_kind_labels() -> dict[str, str]:
    return {
        rules.ActivityKind.CAMPAIGN: _t("Campaign"),
        rules.ActivityKind.INITIATIVE: _t("Initiative"),
        rules.ActivityKind.EVENT: _t("Event"),
        rules.ActivityKind.MILESTONE: _t("Milestone"),
        rules.ActivityKind.REVIEW: _t("Review"),
    }


def activity_status_labels() -> dict[str, str]:
    return {
        rules.ActivityStatus.PLANNED: _t("Planned"),
        rules.ActivityStatus.IN_PROGRESS: _t("In progress"),
        rules.ActivityStatus.DONE: _t("Done"),
        rules.ActivityStatus.CANCELLED: _t("Cancelled"),
    }


def action_status_labels() -> dict[str, str]:
    return {"open": _t("Open"), "in_progress": _t("In progress"), "done": _t("Done")}


def rag_labels() -> dict[str, str]:
    return {"green": _t("Green"), "amber": _t("Amber"), "red": _t("Red")}


# -- numbers -----------------------------------------------------------------------------------


def figure_text(value: Decimal | None, unit: str, is_money: bool) -> str:
    """A measure's figure as the UI shows it: money with its currency's decimals."""
    if value is None:
        return ""
    if is_money:
        try:
            return money_text(value, unit)
        except ValidationError:
            return quantity_text(value)
    return quantity_text(value.normalize() if value == value.to_integral_value() else value)


def percent_text(value: Decimal | None) -> str:
    return "" if value is None else f"{quantity_text(value)} %"


def parse_number(text: Any, field: str) -> Decimal | None:
    """What a number cell's editor gave: empty clears it; otherwise the locale's number."""
    if text is None or isinstance(text, Decimal):
        return text  # type: ignore[no-any-return]
    cleaned = str(text).strip()
    return None if not cleaned else read_decimal(cleaned, field)


def number_parsers(*keys: str) -> dict[str, Callable[[Any], Any]]:
    """``PartActions.parse`` for number columns: each key read by :func:`parse_number`."""
    return {key: partial(parse_number, field=key) for key in keys}


# -- commands ----------------------------------------------------------------------------------


class RemovePartCommand(ServiceCommand):
    """Delete a part of a plan (an objective, a measure, a QBP...); undo puts back exactly what
    the delete removed, with the same ids."""

    kind = KIND

    def __init__(
        self,
        text: str,
        delete: Callable[[], RemovedRows],
        restore: Callable[[RemovedRows], None],
    ) -> None:
        super().__init__(text)
        self._delete = delete
        self._restore = restore
        self.removed: RemovedRows | None = None

    def apply(self) -> None:
        self.removed = self._delete()

    def revert(self) -> None:
        assert self.removed is not None
        self._restore(self.removed)


class DeriveCommand(ServiceCommand):
    """Derive QBPs or MBPs; undo takes the new plans and figures away and puts back the
    targets it replaced; redo derives again with the same ids."""

    kind = KIND

    def __init__(
        self,
        text: str,
        derive: Callable[..., PeriodDerivation],
        undo: Callable[[PeriodDerivation], None],
    ) -> None:
        super().__init__(text)
        self._derive = derive
        self._undo = undo
        self.derivation: PeriodDerivation | None = None

    @property
    def is_noop(self) -> bool:
        return self.derivation is not None and self.derivation.is_empty

    def apply(self) -> None:
        self.derivation = self._derive(again=self.derivation)

    def revert(self) -> None:
        assert self.derivation is not None
        self._undo(self.derivation)


def update_command(
    session: WorkspaceSession, text: str, update: Callable[..., Change], changes: dict[str, Any]
) -> str | None:
    """Run an undoable update; a validation error comes back as the message (shown inline)."""
    return session.run(UpdateCommand(text, KIND, update, changes), inline=True)


# -- an editable table of parts ----------------------------------------------------------------


class PartModel(RecordTableModel):
    """Number cells are edited as the text they show (the locale's number), and a cell may
    colour its background (a RAG)."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: Any = None,
        *,
        background: Callable[[Any, str], str | None] | None = None,
    ) -> None:
        super().__init__(columns, parent)
        self.background = background

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid():
            column = self.columns[index.column()]
            if role == Qt.ItemDataRole.EditRole and column.editor == "number":
                return column.text(self.records[index.row()])
            if role == Qt.ItemDataRole.BackgroundRole and self.background is not None:
                error = super().data(index, role)
                colour = self.background(self.records[index.row()], column.key)
                if error is None and colour:
                    return QBrush(QColor(colour))
            if role == Qt.ItemDataRole.TextAlignmentRole and column.editor == "number":
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            if role == Qt.ItemDataRole.ToolTipRole:  # an error, else a long text in full
                text = column.text(self.records[index.row()])
                return super().data(index, role) or (text if len(text) > 30 else None)
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.EditRole and index.isValid() and self.on_edit is not None:
            column = self.columns[index.column()]
            if column.editor == "number" and value == column.text(self.records[index.row()]):
                return False  # the text was not changed
        return super().setData(index, value, role)


def part_table(name: str, model: PartModel) -> QTableView:
    table = editable_table(name, model, ActionDelegate)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


@dataclass(frozen=True)
class PartActions:
    """How a :class:`PartsEditor` adds, changes and removes its parts."""

    kind: str  # the part as a user names it: "objective"
    add: Callable[[int, int | None], int]  # (jbp id, forced id) -> new id
    update: Callable[..., Change]  # (part id, changes, exact=...) -> Change
    delete: Callable[[int], RemovedRows]
    restore: Callable[[RemovedRows], None]
    parse: dict[str, Callable[[Any], Any]]  # column key -> the value the service takes


class PartsEditor(QWidget):
    """A table of one kind of part of a plan, edited in place, with Add and Remove."""

    added = Signal(int)

    def __init__(
        self,
        session: WorkspaceSession,
        name: str,
        columns: Sequence[Column],
        actions: PartActions,
        *,
        add_text: str,
        remove_text: str,
        first_column: str,
        background: Callable[[Any, str], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.actions = actions
        self.jbp_id: int | None = None
        self.first_column = first_column
        self.model = PartModel(columns, self, background=background)
        self.model.on_edit = self._edit
        self.table = part_table(f"{name}_table", self.model)
        self.add_button = QPushButton(add_text)
        self.add_button.setObjectName(f"add_{name}")
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button = QPushButton(remove_text)
        self.remove_button.setObjectName(f"remove_{name}")
        self.remove_button.clicked.connect(self.remove_current)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.buttons)
        layout.addWidget(self.table, 1)

    def show_parts(self, jbp_id: int | None, records: Sequence[Any]) -> None:
        first = self.jbp_id != jbp_id or not self.model.records
        self.jbp_id = jbp_id
        self.model.set_records(records)
        if first:
            self.table.resizeColumnsToContents()
            for column in range(self.model.columnCount()):
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self.add_button.setEnabled(jbp_id is not None)

    def _edit(self, record: Any, key: str, value: Any) -> str | None:
        try:
            parse = self.actions.parse.get(key)
            value = parse(value) if parse is not None else value
        except ValidationError as exc:
            return exc.message
        text = _t("Edit %1").replace("%1", _t(self.actions.kind))
        return update_command(
            self.session, text, partial(self.actions.update, record.id), {key: value}
        )

    def add(self) -> int | None:
        if self.jbp_id is None:
            return None
        jbp_id, actions = self.jbp_id, self.actions
        command = CreateCommand(
            _t("Add %1").replace("%1", _t(actions.kind)),
            KIND,
            lambda forced: actions.add(jbp_id, forced),
            actions.delete,
        )
        if self.session.run(command) is not None or command.entity_id is None:
            return None
        row = self.model.row_of(command.entity_id)
        if row >= 0:
            index = self.model.index(row, self.model.column_of(self.first_column))
            self.table.setCurrentIndex(index)
            self.table.edit(index)
        self.added.emit(command.entity_id)
        return command.entity_id

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return int(self.model.record(index.row()).id)

    def remove_current(self) -> None:
        part_id = self.current_id()
        if part_id is None:
            return
        actions = self.actions
        self.session.run(
            RemovePartCommand(
                _t("Remove %1").replace("%1", _t(actions.kind)),
                partial(actions.delete, part_id),
                actions.restore,
            )
        )

    def edit_cell(self, part_id: int, key: str) -> None:
        """Open the editor of one cell (for keyboard users and tests)."""
        index = self.model.index(self.model.row_of(part_id), self.model.column_of(key))
        self.table.setCurrentIndex(index)
        self.table.edit(index)


# -- the phase stepper -------------------------------------------------------------------------


class PhaseStepper(QWidget):
    """The five JBP phases as chevrons; the current one filled. A click moves the plan there."""

    phase_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phase_stepper")
        self.phase = rules.Phase.FOUNDATION.value
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._update_tooltip()

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        self._update_tooltip()
        self.update()

    def _update_tooltip(self) -> None:
        labels = phase_labels()
        current = labels.get(self.phase, self.phase)
        self.setToolTip(
            _t("Phase: %1. Click a phase to move the plan there.").replace("%1", current)
        )

    def sizeHint(self) -> QSize:
        return QSize(620, self.fontMetrics().height() + 18)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.fontMetrics().height() + 18)

    def _segment(self, index: int) -> tuple[float, float]:
        step = self.width() / len(rules.PHASES)
        return index * step, step

    def phase_at(self, x: float) -> str:
        step = self.width() / len(rules.PHASES)
        index = max(0, min(len(rules.PHASES) - 1, int(x // step)))
        return rules.PHASES[index].value

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            wanted = self.phase_at(event.position().x())
            if wanted != self.phase:
                self.phase_clicked.emit(wanted)
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        brand = palette.highlight().color()
        done_fill = QColor(brand)
        done_fill.setAlpha(70)
        future = palette.mid().color()
        future.setAlpha(60)
        labels = phase_labels()
        current = rules.PHASES.index(rules.Phase(self.phase)) if self.phase in labels else 0
        height, tip, gap = float(self.height() - 2), 8.0, 2.0
        top, bottom, middle = 1.0, 1.0 + height, 1.0 + height / 2
        for index, phase in enumerate(rules.PHASES):
            x, step = self._segment(index)
            last = index == len(rules.PHASES) - 1
            notch = tip if index else 0.0
            right = x + step - (0 if last else gap)
            path = QPainterPath()
            path.moveTo(x, top)
            path.lineTo(right, top)
            if not last:  # the point reaches into the next phase's notch
                path.lineTo(right + tip, middle)
            path.lineTo(right, bottom)
            path.lineTo(x, bottom)
            path.lineTo(x + notch, middle)
            path.closeSubpath()
            fill = brand if index == current else (done_fill if index < current else future)
            painter.fillPath(path, fill)
            ink = (
                palette.highlightedText().color()
                if index == current
                else palette.windowText().color()
            )
            painter.setPen(QPen(ink))
            font = painter.font()
            font.setBold(index == current)
            painter.setFont(font)
            text = f"{index + 1}. {labels[phase]}"
            room = QRectF(x + notch + 2, top, right - x - notch - 2, height)
            elided = painter.fontMetrics().elidedText(
                text, Qt.TextElideMode.ElideRight, int(room.width())
            )
            painter.drawText(room, Qt.AlignmentFlag.AlignCenter, elided)
        painter.end()


# -- the calendar strip ------------------------------------------------------------------------


def month_starts(year: int, activities: Sequence[JbpActivityRecord], most: int = 18) -> list[date]:
    """January to December of ``year``, widened to the activities (at most ``most`` months)."""
    first, last = date(year, 1, 1), date(year, 12, 1)
    for activity in activities:
        first = min(first, activity.starts_on.replace(day=1))
        last = max(last, (activity.ends_on or activity.starts_on).replace(day=1))
    months = [first]
    while months[-1] < last and len(months) < most:
        month = months[-1]
        months.append(date(month.year + month.month // 12, month.month % 12 + 1, 1))
    return months


class CalendarStrip(QWidget):
    """The activities as bars across the months of the plan's year (a little Gantt chart)."""

    ROW = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_strip")
        self.year = date.today().year
        self.activities: list[JbpActivityRecord] = []
        self.today = date.today()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_activities(self, year: int, activities: Sequence[JbpActivityRecord]) -> None:
        self.year = year
        self.activities = list(activities)
        self.updateGeometry()
        self.update()

    def _height(self) -> int:
        return 22 + self.ROW * max(1, len(self.activities)) + 4

    def sizeHint(self) -> QSize:
        return QSize(640, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self._height())

    def label_width(self) -> int:
        return min(180, max(80, self.width() // 4))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        months = month_starts(self.year, self.activities)
        left = self.label_width()
        column = (self.width() - left - 2) / len(months)
        top = 20
        stripe = palette.alternateBase().color()
        metrics = painter.fontMetrics()
        for index, month in enumerate(months):
            x = left + index * column
            if index % 2:
                painter.fillRect(QRectF(x, top, column, self.height() - top), stripe)
            name = month.strftime("%b")[: 3 if column > 24 else 1]
            if month.month == 1 and index and column > 40:  # a strip into the next year
                name += month.strftime(" %y")
            painter.setPen(palette.windowText().color())
            painter.drawText(QRectF(x, 0, column, top), Qt.AlignmentFlag.AlignCenter, name)
        first = months[0]
        span = (
            date(months[-1].year + months[-1].month // 12, months[-1].month % 12 + 1, 1) - first
        ).days
        scale = (self.width() - left - 2) / span
        if first <= self.today < first.replace(year=first.year + 2):
            x = left + (self.today - first).days * scale
            if x <= self.width():
                painter.setPen(QPen(QColor("#C62828"), 1, Qt.PenStyle.DashLine))
                painter.drawLine(int(x), top, int(x), self.height())
        brand = palette.highlight().color()
        for row, activity in enumerate(self.activities):
            y = top + row * self.ROW
            painter.setPen(palette.windowText().color())
            text = metrics.elidedText(activity.name, Qt.TextElideMode.ElideRight, left - 6)
            painter.drawText(QRectF(0, y, left - 4, self.ROW), Qt.AlignmentFlag.AlignVCenter, text)
            ends = activity.ends_on or activity.starts_on
            x0 = left + max(0, (activity.starts_on - first).days) * scale
            x1 = left + min(span, (ends - first).days + 1) * scale
            if x1 <= left or x0 >= self.width():
                continue
            colour = QColor(brand)
            if activity.status == rules.ActivityStatus.CANCELLED:
                colour = palette.mid().color()
            elif activity.status == rules.ActivityStatus.DONE:
                colour.setAlpha(120)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x0, y + 4, max(x1 - x0, 4), self.ROW - 8), 3, 3)
        painter.end()


def hint(text: str) -> QLabel:
    """A muted line of help under a table."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(mid);")
    return label
