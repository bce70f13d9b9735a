"""The relationship map as a vector drawing for PDFs (reportlab graphics).

:func:`org_chart_drawing` draws an :class:`~keyplan.exports.org_chart_document.OrgChartDocument`
into a ``Drawing`` of a given size (a flowable: the plan PDF puts it in its story): the boxes
where the shared layout (:mod:`keyplan.domain.relationships`) puts them, lines to the managers,
scaled down to fit (never up, so text is never larger than on a full page).

Each box holds the name, title, buying role and "Last reached 12 Oct 2026"; its fill and edge
are the relationship strength's colour, a dark disc in its top-right corner holds the influence
(1-5) and a red dot marks a contact not reached within the account's cadence; a legend below
the chart explains the colours and marks. A client-safe document has none of those values, and
the drawing shows plain boxes with name and title, and no legend.

All text goes through :func:`~keyplan.exports.pdf.layout.label_shapes`: Noto Sans with the CJK
fallback, cut with "…" to the box.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from reportlab.graphics.shapes import Circle, Group, PolyLine, Rect  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]

from keyplan.domain.relationships import (
    STRENGTH_COLOURS,
    STRENGTH_NAMES,
    Box,
    Geometry,
    chart_size,
    connectors,
    place,
    strength_bucket,
)
from keyplan.exports.org_chart_document import OrgChartDocument, OrgChartNode
from keyplan.exports.pdf.fonts import SANS, SANS_BOLD, register_fonts, text_width
from keyplan.exports.pdf.layout import ALERT, MUTED, RULE, TEXT, drawing, label_shapes, tint

__all__ = ["CLIENT_GEOMETRY", "INTERNAL_GEOMETRY", "fitting_height", "org_chart_drawing"]

INTERNAL_GEOMETRY = Geometry(box_width=132.0, box_height=52.0, row_gap=18.0)
"""Box size in points at full scale: four lines of text."""
CLIENT_GEOMETRY = Geometry(box_width=132.0, box_height=30.0, row_gap=16.0)
"""The client-safe boxes hold two lines (name and title)."""

_LEGEND_HEIGHT = 16.0
_PAD = 5.0
_BADGE_RADIUS = 5.2
_INK = colors.HexColor("#33414F")  # the influence disc
_LINE = colors.HexColor("#8A94A3")


def _colour(bucket: int) -> Any:
    return colors.HexColor(STRENGTH_COLOURS[bucket])


def _day(value: date, locale: str) -> str:
    return str(format_date(value, "d MMM y", locale=locale))


def _coverage(node: OrgChartNode, locale: str) -> str:
    if node.last_reached is None:
        return "Never reached"
    return f"Last reached {_day(node.last_reached, locale)}"


def _node_shapes(node: OrgChartNode, box: Box, top: float, client_safe: bool, locale: str) -> Group:
    """One box, ``top`` its upper edge in drawing coordinates (y up)."""
    group = Group()
    x, width, height = box.x, box.width, box.height
    bottom = top - height
    if client_safe:
        fill, edge = colors.white, RULE
    else:
        edge = _colour(strength_bucket(node.strength))
        fill = tint(edge, 0.82)
    group.add(Rect(x, bottom, width, height, rx=4, ry=4, fillColor=fill, strokeColor=edge,
                   strokeWidth=0.9))  # fmt: skip
    text_width_room = width - 2 * _PAD
    name_room = text_width_room - (2 * _BADGE_RADIUS + 2 if node.influence is not None else 0)
    group.add(label_shapes(x + _PAD, top - 11, node.name, SANS_BOLD, 7.5, TEXT, width=name_room))
    if node.title:
        group.add(label_shapes(x + _PAD, top - 20.5, node.title, SANS, 6.5, MUTED,
                               width=text_width_room))  # fmt: skip
    if client_safe:
        return group
    if node.buying_role:
        group.add(label_shapes(x + _PAD, top - 30, node.buying_role, SANS, 6.5, TEXT,
                               width=text_width_room))  # fmt: skip
    if node.influence is not None:
        cx, cy = x + width - _PAD - _BADGE_RADIUS + 1, top - _PAD - _BADGE_RADIUS + 1
        group.add(Circle(cx, cy, _BADGE_RADIUS, fillColor=_INK, strokeColor=None))
        group.add(label_shapes(cx, cy - 2.2, str(node.influence), SANS_BOLD, 6.3, colors.white,
                               align="centre"))  # fmt: skip
    coverage = _coverage(node, locale)
    if node.overdue:
        group.add(Circle(x + _PAD + 2.2, bottom + 7.6, 2.4, fillColor=ALERT, strokeColor=None))
        group.add(label_shapes(x + _PAD + 7, bottom + 5.5, coverage, SANS_BOLD, 6, ALERT,
                               width=text_width_room - 7))  # fmt: skip
    else:
        group.add(label_shapes(x + _PAD, bottom + 5.5, coverage, SANS, 6, MUTED,
                               width=text_width_room))  # fmt: skip
    return group


def _legend(document: OrgChartDocument, width: float) -> Group:
    """Strength colours, the influence disc and the overdue dot, on one line (y 0..16)."""
    group = Group()
    x, y, size = 0.0, 4.0, 6.5
    items: list[tuple[str, Any]] = [(STRENGTH_NAMES[b], b) for b in (5, 4, 3, 2, 1, 0)]
    group.add(label_shapes(x, y + 0.8, "Relationship:", SANS_BOLD, size, TEXT))
    x += text_width("Relationship:", SANS_BOLD, size) + 5
    for name, bucket in items:
        colour = _colour(bucket)
        group.add(Rect(x, y, 8, 7, rx=1.5, ry=1.5, fillColor=tint(colour, 0.82),
                       strokeColor=colour, strokeWidth=0.8))  # fmt: skip
        group.add(label_shapes(x + 10.5, y + 0.8, name, SANS, size, MUTED))
        x += 10.5 + text_width(name, SANS, size) + 7
    x += 4
    group.add(Circle(x + 4, y + 3.5, 4, fillColor=_INK, strokeColor=None))
    group.add(label_shapes(x + 4, y + 1.3, "n", SANS_BOLD, 5.5, colors.white, align="centre"))
    group.add(label_shapes(x + 10.5, y + 0.8, "influence 1–5", SANS, size, MUTED))
    x += 10.5 + text_width("influence 1–5", SANS, size) + 11
    if document.cadence_days is not None:
        group.add(Circle(x + 2.5, y + 3.5, 2.5, fillColor=ALERT, strokeColor=None))
        text = f"not reached within {document.cadence_days} days"
        group.add(label_shapes(x + 8, y + 0.8, text, SANS, size, MUTED))
        x += 8 + text_width(text, SANS, size)
    if x > width:  # a narrow column: the legend shrinks with it
        scale = width / x
        group.transform = (scale, 0, 0, scale, 0, y * (1 - scale))
    return group


def fitting_height(chart_document: OrgChartDocument, width: float) -> float:
    """The height of a drawing ``width`` wide that holds the chart at the largest scale the
    width allows (at most full size), with its legend: no empty band below the chart."""
    geometry = CLIENT_GEOMETRY if chart_document.client_safe else INTERNAL_GEOMETRY
    legend = 0.0 if chart_document.client_safe else _LEGEND_HEIGHT
    if not chart_document.nodes:
        return 16.0
    natural_width, natural_height = chart_size(chart_document.layout, geometry)
    scale = min(1.0, (width - 2) / natural_width)
    return natural_height * scale + 2 + legend + 4


def org_chart_drawing(
    chart_document: OrgChartDocument, width: float, height: float, *, locale: str = "en"
) -> Any:
    """The org chart of ``chart_document`` as a ``Drawing`` of ``width`` x ``height`` points:
    scaled down to fit (top-aligned and centred), a legend along the bottom unless the
    document is client-safe. Dates are written for ``locale`` ("d MMM y")."""
    register_fonts()
    client_safe = chart_document.client_safe
    geometry = CLIENT_GEOMETRY if client_safe else INTERNAL_GEOMETRY
    canvas = drawing(width, height)
    legend = 0.0 if client_safe else _LEGEND_HEIGHT
    room_height = max(height - legend - 4, 1.0)
    nodes = {node.contact_id: node for node in chart_document.nodes}
    layout = chart_document.layout
    if not nodes:
        canvas.add(label_shapes(0, height - 12, "No contacts yet.", SANS, 8, MUTED, width=width))
        return canvas
    natural_width, natural_height = chart_size(layout, geometry)
    # a point of room all round: the boxes' edges are stroked half outside them
    scale = min(1.0, (width - 2) / natural_width, (room_height - 2) / natural_height)
    chart = Group()
    for line in connectors(layout, geometry).values():
        points: list[float] = []
        for px, py in line:
            points += [px, natural_height - py]
        chart.add(PolyLine(points, strokeColor=_LINE, strokeWidth=0.8))
    for contact_id, box in sorted(place(layout, geometry).items()):
        if contact_id in nodes:
            chart.add(
                _node_shapes(nodes[contact_id], box, natural_height - box.y, client_safe, locale)
            )
    left = (width - natural_width * scale) / 2
    bottom = height - 1 - natural_height * scale
    chart.transform = (scale, 0, 0, scale, left, bottom)
    canvas.add(chart)
    if not client_safe:
        canvas.add(_legend(chart_document, width))
    return canvas
