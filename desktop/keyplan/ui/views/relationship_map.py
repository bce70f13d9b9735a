"""The relationship map: the account's contacts as an org chart you can zoom, edit and export.

Boxes sit where the shared layout (``keyplan.domain.relationships``) puts them; the plan PDF
draws the same chart. A box is coloured by relationship strength (legend under the chart),
carries a disc with the influence (1-5), the buying role and when the contact was last
reached; a red dot marks one not reached within the account's cadence (the tooltip says by how
much). Lines run up to each contact's manager.

Editing: drag a box onto another to make that contact the manager, or use the box's menu
("Reports to ▸"). Both go through ``ContactService.update`` as an undoable ``UpdateCommand``;
a refused change (a loop) is shown in the message line and the box goes back where it was.

Zoom with the buttons or Ctrl+wheel; "Fit" shows the whole chart. "Export PNG…" writes the
chart at twice the screen's resolution, in one of two versions (PNGs end up in client decks):
"for the client", plain boxes with names and titles only (no ratings, roles or coverage, no
legend), or "internal", the chart as on screen with its legend and an INTERNAL banner. Both are
drawn in a scene of their own (:meth:`RelationshipMapView.export_scene`); the screen's scene is
left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QStyleOptionGraphicsItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import NotFoundError
from keyplan.domain.relationships import (
    STRENGTH_COLOURS,
    Geometry,
    chart_size,
    connectors,
    days_since,
    place,
    strength_bucket,
)
from keyplan.exports.files import ExportError, atomic_write, clean_file_name
from keyplan.services.relationships import MapNode, RelationshipMap
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.labels import buying_role_labels, fill
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.sending import export_folder, remember_folder
from keyplan.ui.views.contacts_panel import ContactsPanel

GEOMETRY = Geometry(box_width=184.0, box_height=78.0, row_gap=34.0)
"""Box size and row gap in scene pixels at 100 %."""
MIN_ZOOM, MAX_ZOOM = 0.15, 3.0
ZOOM_STEP = 1.25
PNG_SCALE = 2.0
ALERT = QColor("#C62828")
INK = QColor("#33414F")  # the influence disc
LINE = QColor("#8A94A3")
TEXT = QColor("#1F2933")
MUTED = QColor("#5B6472")
PLAIN_EDGE = QColor("#5B6472")  # client boxes: a neutral edge, nothing like a strength colour
_PAD = 8.0
_BADGE = 9.0  # radius of the influence disc


def _tinted(colour: QColor, amount: float) -> QColor:
    """``colour`` mixed with white (``amount`` 0..1 of white)."""
    return QColor.fromRgbF(
        colour.redF() + (1 - colour.redF()) * amount,
        colour.greenF() + (1 - colour.greenF()) * amount,
        colour.blueF() + (1 - colour.blueF()) * amount,
    )


def strength_colour(strength: int | None) -> QColor:
    return QColor(STRENGTH_COLOURS[strength_bucket(strength)])


class ContactBox(QGraphicsObject):
    """One contact's box. Dragging it onto another box asks the view to change the manager;
    wherever it is dropped, it goes back to its place (the chart is redrawn after a change)."""

    def __init__(
        self, view: RelationshipMapView, node: MapNode, texts: list[str], *, plain: bool = False
    ) -> None:
        super().__init__()
        self.view = view
        self.node = node
        self.plain = plain  # the client version: name and title in a neutral box, nothing else
        self.texts = texts  # name, title, role, coverage line (role and coverage "" if plain)
        self.home = QPointF()
        self.target: ContactBox | None = None  # the box a drag is over
        self.highlighted = False
        if not plain:  # plain boxes only go into an exported image
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
            self.setCursor(Qt.CursorShape.OpenHandCursor)

    @property
    def contact_id(self) -> int:
        return self.node.contact_id

    def boundingRect(self) -> QRectF:
        return QRectF(-1, -_BADGE / 2 - 1, GEOMETRY.box_width + 2, GEOMETRY.box_height + _BADGE)

    def box_rect(self) -> QRectF:
        return QRectF(0, 0, GEOMETRY.box_width, GEOMETRY.box_height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.plain:
            self._paint_plain(painter)
            return
        node, rect = self.node, self.box_rect()
        edge = strength_colour(node.strength)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QBrush(_tinted(edge, 0.82)))
        width = 3.0 if self.highlighted else 1.4
        painter.setPen(QPen(INK if self.highlighted else edge, width))
        painter.drawRoundedRect(rect.adjusted(0.7, 0.7, -0.7, -0.7), 7, 7)

        room = rect.width() - 2 * _PAD
        fonts = self.view.fonts
        name_room = room - (2 * _BADGE + 4 if node.influence is not None else 0)
        lines = [
            (fonts["name"], TEXT, self.texts[0], name_room),
            (fonts["small"], MUTED, self.texts[1], room),
            (fonts["small"], TEXT, self.texts[2], room),
        ]
        y = _PAD - 1
        for font, colour, text, width_room in lines:
            metrics = QFontMetricsF(font)
            if text:
                painter.setFont(font)
                painter.setPen(colour)
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width_room)
                painter.drawText(QPointF(_PAD, y + metrics.ascent()), shown)
            y += metrics.height() + 1
        coverage_font = fonts["bold_small"] if node.overdue else fonts["small"]
        metrics = QFontMetricsF(coverage_font)
        baseline = rect.height() - _PAD + 1 - metrics.descent()
        x = _PAD
        if node.overdue:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ALERT)
            middle = baseline - metrics.ascent() / 2 + 1
            painter.drawEllipse(QPointF(x + 4, middle), 4.5, 4.5)
            x += 13
        painter.setFont(coverage_font)
        painter.setPen(ALERT if node.overdue else MUTED)
        painter.drawText(
            QPointF(x, baseline),
            metrics.elidedText(self.texts[3], Qt.TextElideMode.ElideRight, rect.width() - x - 6),
        )
        if node.influence is not None:
            centre = QPointF(rect.width() - _PAD - _BADGE + 2, _PAD + _BADGE - 3)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(INK)
            painter.drawEllipse(centre, _BADGE, _BADGE)
            painter.setPen(QColor("white"))
            painter.setFont(fonts["badge"])
            badge = QRectF(centre.x() - _BADGE, centre.y() - _BADGE, 2 * _BADGE, 2 * _BADGE)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(node.influence))

    def _paint_plain(self, painter: QPainter) -> None:
        """Name and title in a white box: what the client may see of the chart."""
        rect = self.box_rect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QBrush(QColor("white")))
        painter.setPen(QPen(PLAIN_EDGE, 1.2))
        painter.drawRoundedRect(rect.adjusted(0.6, 0.6, -0.6, -0.6), 7, 7)
        fonts = self.view.fonts
        room = rect.width() - 2 * _PAD
        lines = [(font, colour, text)
                 for font, colour, text in ((fonts["name"], TEXT, self.texts[0]),
                                            (fonts["small"], MUTED, self.texts[1]))
                 if text]  # fmt: skip
        heights = [QFontMetricsF(font).height() for font, _colour, _text in lines]
        y = (rect.height() - sum(heights) - 3 * (len(lines) - 1)) / 2  # centred in the box
        for (font, colour, text), height in zip(lines, heights, strict=True):
            metrics = QFontMetricsF(font)
            painter.setFont(font)
            painter.setPen(colour)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            painter.drawText(QPointF(_PAD, y + metrics.ascent()), shown)
            y += height + 3

    # -- dragging onto another box -----------------------------------------------------------

    def _box_under(self, scene_pos: QPointF) -> ContactBox | None:
        scene = self.scene()
        if scene is None:
            return None
        for item in scene.items(scene_pos):
            if isinstance(item, ContactBox) and item is not self:
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.home = self.pos()
        self.setZValue(10)
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseMoveEvent(event)
        target = self._box_under(event.scenePos())
        if target is not self.target:
            for box in (self.target, target):
                if box is not None:
                    box.highlighted = box is target
                    box.update()
            self.target = target

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        target = self._box_under(event.scenePos())
        if self.target is not None:
            self.target.highlighted = False
            self.target.update()
        self.target = None
        self.setZValue(0)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setPos(self.home)  # back in place; a change redraws the chart anyway
        if target is not None:
            self.view.set_manager(self.contact_id, target.contact_id)

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        menu = self.view.box_menu(self.contact_id)
        menu.exec(event.screenPos())
        menu.deleteLater()


class _ChartView(QGraphicsView):
    """The canvas: drag the background to pan, Ctrl+wheel to zoom."""

    def __init__(self, owner: RelationshipMapView) -> None:
        super().__init__()
        self.owner = owner
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMinimumSize(200, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.owner.zoom_by(ZOOM_STEP**steps)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.owner.auto_fit:
            self.owner.fit()


class RelationshipMapView(QWidget):
    """The org chart of one account's contacts (``show_account``)."""

    open_contact = Signal(int)  # "Open contact" on a box: the contact's id

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.chart: RelationshipMap | None = None
        self.boxes: dict[int, ContactBox] = {}
        self._retired: list[ContactBox] = []
        self.auto_fit = True  # until the user zooms, the chart is fitted to the view
        self._stale = False  # data changed while hidden
        self.today: Callable[[], date] = date.today
        base = QFont(self.font())
        self.fonts = {
            "name": self._font(base, 1.08, bold=True),
            "small": self._font(base, 0.88),
            "bold_small": self._font(base, 0.88, bold=True),
            "badge": self._font(base, 0.8, bold=True),
            "legend": self._font(base, 0.88),
            "mark": self._font(base, 1.3, bold=True),
        }

        self.scene = QGraphicsScene(self)
        self.view = _ChartView(self)
        self.view.setObjectName("relationship_map_canvas")
        self.view.setScene(self.scene)

        def tool(name: str, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
            button = QToolButton()
            button.setObjectName(name)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda: slot())
            return button

        self.zoom_out_button = tool("zoom_out", "−", self.tr("Zoom out (Ctrl+wheel)"),
                                    lambda: self.zoom_by(1 / ZOOM_STEP))  # fmt: skip
        self.zoom_in_button = tool("zoom_in", "+", self.tr("Zoom in (Ctrl+wheel)"),
                                   lambda: self.zoom_by(ZOOM_STEP))  # fmt: skip
        self.fit_button = tool("zoom_fit", self.tr("Fit"), self.tr("Show the whole chart"),
                               self.fit)  # fmt: skip
        # Two versions, asked every time: a PNG gets pasted into client decks.
        self.export_button = QToolButton()
        self.export_button.setObjectName("export_png")
        self.export_button.setText(self.tr("Export PNG…"))
        self.export_button.setToolTip(
            self.tr("Save the chart as a PNG image: for the client, or internal with ratings")
        )
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self.export_button)
        self.export_menu.setObjectName("export_png_menu")
        client = self.export_menu.addAction(self.tr("For the client (names and titles only)…"))
        client.setObjectName("export_png_client")
        client.triggered.connect(lambda: self.export_png_dialog(client_safe=True))
        internal = self.export_menu.addAction(self.tr("Internal (with ratings)…"))
        internal.setObjectName("export_png_internal")
        internal.triggered.connect(lambda: self.export_png_dialog(client_safe=False))
        self.export_button.setMenu(self.export_menu)
        self.summary = QLabel()
        self.summary.setObjectName("relationship_summary")
        self.summary.setStyleSheet("color: palette(mid);")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(80)
        self.message = QLabel()
        self.message.setObjectName("relationship_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #C62828;")
        self.message.hide()

        tools = QHBoxLayout()
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            tools.addWidget(button)
        tools.addWidget(self.summary, 1)
        tools.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        session.changed.connect(self._changed)

    @staticmethod
    def _font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
        """A scene font in pixels: a point size would grow with the device's resolution and
        the PNG (rendered at twice the size) would get text twice too large for its boxes."""
        font = QFont(base)
        pixels = QFontInfo(base).pixelSize() or 12
        font.setPixelSize(max(6, round(pixels * factor)))
        font.setBold(bold)
        return font

    # -- data --------------------------------------------------------------------------------

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.auto_fit = True
            self.message.hide()
        self.account_id = account_id
        if self.isVisible():
            self._stale = False
            self.reload()
        else:  # another tab is showing: lay the chart out when this one is shown
            self._stale = True

    def reload(self) -> None:
        if self.account_id is None:
            return
        try:
            chart = self.session.services.relationships.relationship_map(
                self.account_id, self.today()
            )
        except NotFoundError:  # the account was deleted: nothing to draw
            chart = None
        self.chart = chart
        self._draw()

    def _changed(self, kind: str) -> None:
        if kind not in ("contact", "contact_report", "account", "workspace"):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # redrawn when shown: edits elsewhere cost no chart layout

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    # -- drawing -----------------------------------------------------------------------------

    def _draw(self) -> None:
        # A box may be inside its own event handler (its drop or its menu changed the data):
        # take the boxes out of the scene and keep them until the next redraw, rather than let
        # clear() delete one under its running handler.
        self._retired = list(self.boxes.values())
        for box in self._retired:
            self.scene.removeItem(box)
        self.scene.clear()
        self.boxes = {}
        chart = self.chart
        if chart is None or not chart.nodes:
            self.summary.setText(self.tr("No contacts yet: add them in the Contacts tab."))
            self.scene.setSceneRect(QRectF(0, 0, 1, 1))
            return
        self.boxes = self._draw_chart(self.scene, chart, plain=False)
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-16, -16, 16, 16))
        self.summary.setText(self._summary(chart))
        if self.auto_fit:
            self.fit()

    def _draw_chart(
        self, scene: QGraphicsScene, chart: RelationshipMap, *, plain: bool
    ) -> dict[int, ContactBox]:
        """Lines and boxes into ``scene``; the legend too unless ``plain`` (the client version,
        whose boxes carry no ratings to explain)."""
        pen = QPen(LINE, 1.3)
        for points in connectors(chart.layout, GEOMETRY).values():
            path = QPainterPath(QPointF(*points[0]))
            for point in points[1:]:
                path.lineTo(QPointF(*point))
            line = QGraphicsPathItem(path)
            line.setPen(pen)
            line.setZValue(-1)
            scene.addItem(line)
        boxes: dict[int, ContactBox] = {}
        for contact_id, box in place(chart.layout, GEOMETRY).items():
            node = chart.node(contact_id)
            texts = [node.name, node.title, "", ""] if plain else self._texts(node)
            item = ContactBox(self, node, texts, plain=plain)
            item.setPos(box.x, box.y)
            if not plain:
                item.setToolTip(self._tooltip(node))
            scene.addItem(item)
            boxes[contact_id] = item
        if not plain:
            width, height = chart_size(chart.layout, GEOMETRY)
            self._draw_legend(scene, chart, height + 26, max(width, 560.0))
        return boxes

    def _texts(self, node: MapNode) -> list[str]:
        role = "" if node.buying_role == "unknown" else node.buying_role
        role = buying_role_labels().get(role, role) if role else ""
        if node.last_reached is None:
            coverage = self.tr("Never reached")
        else:
            coverage = fill(self.tr("Last reached %1"), self._day(node.last_reached))
        return [node.name, node.title, role, coverage]

    def _day(self, value: date) -> str:
        """ "12 Oct", with the year when it is not this year's."""
        pattern = "d MMM" if value.year == self.today().year else "d MMM yyyy"
        return QLocale().toString(QDate(value.year, value.month, value.day), pattern)

    def _tooltip(self, node: MapNode) -> str:
        chart = self.chart
        assert chart is not None
        lines = [node.name]
        if node.title:
            lines.append(node.title)
        role = buying_role_labels().get(node.buying_role, node.buying_role)
        lines.append(fill(self.tr("Buying role: %1"), role))
        not_rated = self.tr("not rated")
        influence = str(node.influence) if node.influence is not None else not_rated
        strength = str(node.strength) if node.strength is not None else not_rated
        lines.append(fill(self.tr("Influence: %1 · Relationship: %2"), influence, strength))
        days = days_since(node.last_reached, chart.today)
        if node.last_reached is None:
            lines.append(self.tr("Never reached in a contact report"))
        else:
            lines.append(
                fill(
                    self.tr("Last reached %1 (%2 days ago)"),
                    self._day(node.last_reached),
                    str(days),
                )
            )
        if node.overdue and chart.cadence_days is not None:
            lines.append(
                fill(
                    self.tr("Overdue: the account's cadence is every %1 days"),
                    str(chart.cadence_days),
                )
            )
        lines.append(self.tr("Drag onto another contact to change who they report to."))
        return "\n".join(lines)

    def _summary(self, chart: RelationshipMap) -> str:
        count = len(chart.nodes)
        if chart.cadence_days is None:
            return fill(self.tr("%1 contacts · no contact cadence set"), str(count))
        return fill(
            self.tr("%1 of %2 contacts not reached within %3 days"),
            str(chart.overdue_count),
            str(count),
            str(chart.cadence_days),
        )

    def _draw_legend(
        self, scene: QGraphicsScene, chart: RelationshipMap, top: float, width: float
    ) -> None:
        """The legend as scene items (so the PNG has it), wrapped to ``width``."""
        font = self.fonts["legend"]
        height = QFontMetricsF(font).height()
        names = {
            5: self.tr("Strong"),
            4: self.tr("Good"),
            3: self.tr("Neutral"),
            2: self.tr("Weak"),
            1: self.tr("Very weak"),
            0: self.tr("Not rated"),
        }
        entries: list[tuple[str, Callable[[float, float], None]]] = []

        def swatch(bucket: int) -> Callable[[float, float], None]:
            def add(x: float, y: float) -> None:
                colour = QColor(STRENGTH_COLOURS[bucket])
                item = scene.addRect(QRectF(x, y + 2, 14, height - 4), QPen(colour, 1.2),
                                          QBrush(_tinted(colour, 0.82)))  # fmt: skip
                item.setData(0, "legend")

            return add

        def disc(colour: QColor, radius: float, label: str) -> Callable[[float, float], None]:
            def add(x: float, y: float) -> None:
                item = scene.addEllipse(
                    QRectF(x + 7 - radius, y + height / 2 - radius, 2 * radius, 2 * radius),
                    QPen(Qt.PenStyle.NoPen),
                    QBrush(colour),
                )
                item.setData(0, "legend")
                if label:
                    text = QGraphicsSimpleTextItem(label)
                    text.setFont(self.fonts["badge"])
                    text.setBrush(QColor("white"))
                    box = text.boundingRect()
                    text.setPos(x + 7 - box.width() / 2, y + (height - box.height()) / 2)
                    scene.addItem(text)

            return add

        entries.append((self.tr("Relationship:"), lambda x, y: None))
        for bucket in (5, 4, 3, 2, 1, 0):
            entries.append((names[bucket], swatch(bucket)))
        entries.append((self.tr("influence 1–5"), disc(INK, 8, "n")))
        if chart.cadence_days is not None:
            entries.append(
                (
                    fill(self.tr("not reached within %1 days"), str(chart.cadence_days)),
                    disc(ALERT, 4.5, ""),
                )
            )
        x, y = 0.0, top
        metrics = QFontMetricsF(font)
        for index, (label, mark) in enumerate(entries):
            mark_width = 0.0 if index == 0 else 19.0
            needed = mark_width + metrics.horizontalAdvance(label) + 14
            if x > 0 and x + needed > width:
                x, y = 0.0, y + height + 6
            mark(x, y)
            text = scene.addSimpleText(label, font)
            text.setBrush(MUTED if index else TEXT)
            text.setPos(x + mark_width, y)
            x += needed

    # -- zoom --------------------------------------------------------------------------------

    def zoom(self) -> float:
        return float(self.view.transform().m11())

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.view.resetTransform()
        self.view.scale(factor, factor)

    def zoom_by(self, factor: float) -> None:
        self.auto_fit = False
        self.set_zoom(self.zoom() * factor)

    def fit(self) -> None:
        """The whole chart in view, never larger than 100 %; it stays fitted as the view is
        resized until the user zooms."""
        self.auto_fit = True
        rect = self.scene.sceneRect()
        viewport = self.view.viewport().rect()
        if rect.width() <= 1 or viewport.width() <= 1:
            return
        factor = min(viewport.width() / rect.width(), viewport.height() / rect.height(), 1.0)
        self.set_zoom(factor)
        self.view.centerOn(rect.center())

    # -- editing -----------------------------------------------------------------------------

    def set_manager(self, contact_id: int, manager_id: int | None) -> str | None:
        """Make ``manager_id`` (None: nobody) the manager of ``contact_id``, undoably.
        Returns the message when refused (shown in the message line), else None."""
        chart = self.chart
        if chart is None:
            return None
        node = chart.node(contact_id)
        if node.reports_to_id == manager_id:
            return None
        services = self.session.services
        command = UpdateCommand(
            fill(self.tr("Change who %1 reports to"), node.name),
            "contact",
            partial(services.contacts.update, contact_id),
            {"reports_to_id": manager_id},
        )
        error = self.session.run(command, inline=True)
        if error:
            self.message.setText(error)
            self.message.show()
            if contact_id in self.boxes:  # it went back already; make sure
                self.boxes[contact_id].setPos(self.boxes[contact_id].home)
        else:
            self.message.hide()
        return error

    def box_menu(self, contact_id: int) -> QMenu:
        """The menu of a box: "Reports to ▸" (everyone else, and nobody), "Open contact"."""
        chart = self.chart
        assert chart is not None
        node = chart.node(contact_id)
        menu = QMenu(self)
        reports_to = menu.addMenu(self.tr("Reports to"))
        reports_to.setObjectName("reports_to_menu")
        nobody = reports_to.addAction(self.tr("Nobody (top)"))
        nobody.setCheckable(True)
        nobody.setChecked(node.reports_to_id is None)
        nobody.setData(None)
        nobody.triggered.connect(lambda: self.set_manager(contact_id, None))
        reports_to.addSeparator()
        for other in chart.nodes:
            if other.contact_id == contact_id:
                continue
            action = reports_to.addAction(other.name)
            action.setCheckable(True)
            action.setChecked(other.contact_id == node.reports_to_id)
            action.setData(other.contact_id)
            action.triggered.connect(partial(self._menu_manager, contact_id, other.contact_id))
        open_action = menu.addAction(self.tr("Open contact"))
        open_action.setObjectName("open_contact")
        open_action.triggered.connect(lambda: self.open_contact.emit(contact_id))
        return menu

    def _menu_manager(self, contact_id: int, manager_id: int, _checked: bool = False) -> None:
        self.set_manager(contact_id, manager_id)

    # -- PNG ---------------------------------------------------------------------------------

    def export_scene(self, *, client_safe: bool) -> QGraphicsScene:
        """A scene of its own with the chart as exported: ``client_safe``, plain boxes with
        names and titles (no strength colours, influence, buying role, coverage or legend);
        otherwise the chart as on screen, its legend and an INTERNAL banner above it."""
        scene = QGraphicsScene()
        chart = self.chart
        if chart is None or not chart.nodes:
            return scene
        self._draw_chart(scene, chart, plain=client_safe)
        if not client_safe:
            self._draw_internal_mark(scene, scene.itemsBoundingRect().top())
        return scene

    def _draw_internal_mark(self, scene: QGraphicsScene, chart_top: float) -> None:
        """A red-framed banner above the chart, so a pasted image says what it is."""
        text = QGraphicsSimpleTextItem(self.tr("INTERNAL · relationship ratings, not for clients"))
        text.setFont(self.fonts["mark"])
        text.setBrush(ALERT)
        text.setData(0, "internal_mark")
        box = text.boundingRect()
        top = chart_top - box.height() - 2 * _PAD - 14
        frame = scene.addRect(
            QRectF(0, top, box.width() + 2 * _PAD, box.height() + 2 * _PAD),
            QPen(ALERT, 2.0),
            QBrush(Qt.BrushStyle.NoBrush),
        )
        frame.setData(0, "internal_mark")
        text.setPos(_PAD, top + _PAD)
        scene.addItem(text)

    def render_image(self, *, client_safe: bool, scale: float = PNG_SCALE) -> QImage:
        """The exported chart (:meth:`export_scene`) on white, ``scale`` times the 100 %
        size."""
        scene = self.export_scene(client_safe=client_safe)
        source = scene.itemsBoundingRect().adjusted(-16, -16, 16, 16)
        if source.width() < 2:
            source = QRectF(0, 0, 320, 120)
        image = QImage(
            max(1, round(source.width() * scale)),
            max(1, round(source.height() * scale)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDotsPerMeterX(round(3780 * scale))  # 96 dpi times the scale
        image.setDotsPerMeterY(round(3780 * scale))
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        scene.render(painter, QRectF(image.rect()), source)
        painter.end()
        scene.clear()
        return image

    def export_png(self, path: Path | str, *, client_safe: bool, overwrite: bool = True) -> Path:
        """Write the chart as a PNG at ``path`` (atomically), the client version when
        ``client_safe``, else the internal one; returns the path written.
        Raises ``ExportError`` with a message for the user when it cannot be written."""
        image = self.render_image(client_safe=client_safe)

        def write(temp: Path) -> None:
            if not image.save(str(temp), "PNG"):
                raise ExportError(fill(self.tr("The image could not be written to %1."),
                                       str(Path(path).parent)))  # fmt: skip

        return atomic_write(Path(path), write, overwrite=overwrite)

    def suggested_file_name(self, *, client_safe: bool = True) -> str:
        name = self.chart.account_name if self.chart is not None else ""
        if client_safe:
            stem = fill(self.tr("%1 relationship map"), name).strip()
        else:
            stem = fill(self.tr("%1 relationship map (internal)"), name).strip()
        return clean_file_name(stem, extension=".png", fallback="relationship-map")

    def export_png_dialog(self, *, client_safe: bool) -> Path | None:
        if self.chart is None:
            return None
        title = (
            self.tr("Export the relationship map for the client")
            if client_safe
            else self.tr("Export the internal relationship map")
        )
        name, _ = QFileDialog.getSaveFileName(
            self,
            title,
            str(export_folder() / self.suggested_file_name(client_safe=client_safe)),
            self.tr("PNG images (*.png)"),
        )
        if not name:
            return None
        path = Path(name)
        overwrite = path.suffix.lower() == ".png"  # the dialog asked about replacing it
        if not overwrite:
            path = path.with_name(path.name + ".png")
        remember_folder(path.parent)
        try:
            return self.export_png(path, client_safe=client_safe, overwrite=overwrite)
        except ExportError as exc:
            self.session.error.emit(str(exc))
            return None


def reveal_contact(tabs: QTabWidget, panel: ContactsPanel, contact_id: int) -> None:
    """ "Open contact": the Contacts tab, with the contact's row selected and in view."""
    tabs.setCurrentWidget(panel)
    row = panel.model.row_of(contact_id)
    proxy = panel.table.model()
    if row < 0 or not isinstance(proxy, QSortFilterProxyModel):
        return
    index = proxy.mapFromSource(panel.model.index(row, 0))
    panel.table.setCurrentIndex(index)
    panel.table.scrollTo(index)
    panel.table.setFocus()
