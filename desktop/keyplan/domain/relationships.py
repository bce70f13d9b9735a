"""The relationship map: the layout of an account's org chart and the coverage rules.

Pure geometry and dates, shared by the screen (Qt) and the plan PDF (reportlab), so both draw
the same chart.

Layout
------
The contacts form a forest: a contact whose manager is not in the chart (none, deleted, or of
another account) is a root. :func:`layout_chart` gives each contact a *slot*: ``x``, the centre
of its box in box widths from the chart's left edge, and ``row``, its row from the top.

- Reports sit one row below their manager, in name order, each subtree packed as close to the
  left as its outline (contour) allows with :data:`GAP` between boxes; a manager is centred
  over its first and last report (a tidy tree, after Reingold and Tilford).
- A manager whose reports are all leaves and who has :data:`STACK_FROM` or more of them gets
  them in a column under it, indented by :data:`STACK_INDENT`: ten assistants of one director
  do not make the chart ten boxes wide.
- Trees go left to right by their root's name; contacts with neither manager nor reports go in
  a grid to the right of the trees (at most as many rows as the trees are tall unless they are
  many), so an account where nobody has filled in "reports to" is a compact block, not one
  endless row.
- A loop in the data (never made by the services, but a file may hold one) is cut at its
  contact with the lowest id, who becomes a root.

Everything is deterministic: the same contacts give the same slots. :func:`place` turns slots
into boxes for a renderer's box size, and :func:`connectors` gives the lines to the managers.

Coverage
--------
A contact was *last reached* on the day (in the meeting's own time zone) of the latest contact
report they attended; a report dated after today (a meeting planned ahead) does not count.
With a contact cadence on the account, a contact is overdue when not reached within that many
days, or never reached at all (:func:`is_overdue`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

__all__ = [
    "GAP",
    "STACK_FROM",
    "STACK_INDENT",
    "STRENGTH_COLOURS",
    "STRENGTH_NAMES",
    "TREE_GAP",
    "Box",
    "ChartLayout",
    "ChartPerson",
    "Geometry",
    "Point",
    "Slot",
    "chart_size",
    "connectors",
    "days_since",
    "is_overdue",
    "last_reached",
    "layout_chart",
    "place",
    "strength_bucket",
]

GAP = 0.15
"""Space between two boxes side by side, in box widths."""
TREE_GAP = 0.4
"""Space between two trees of the forest (and before the grid of loose contacts)."""
STACK_FROM = 4
"""A manager with this many reports or more, none of them a manager, gets them in a column."""
STACK_INDENT = 0.2
"""How far a stacked column of reports is set in from its manager's box, in box widths."""

STRENGTH_COLOURS: Mapping[int, str] = MappingProxyType(
    {
        0: "#AEB6C1",  # not rated
        1: "#C8372D",
        2: "#E8833A",
        3: "#E3B505",
        4: "#7BB662",
        5: "#2E8B57",
    }
)
"""Relationship strength bucket (:func:`strength_bucket`) -> colour, weak (red) to strong
(green); renderers fill a box with a pale tint of it and draw its edge in it."""

STRENGTH_NAMES: Mapping[int, str] = MappingProxyType(
    {0: "Not rated", 1: "Very weak", 2: "Weak", 3: "Neutral", 4: "Good", 5: "Strong"}
)
"""The printed names of the buckets (the screen has its own, translated)."""


def strength_bucket(strength: int | None) -> int:
    """The colour bucket of a relationship strength: 1..5 as rated, 0 when not rated (or out
    of range, which the services never store)."""
    if strength is None or isinstance(strength, bool) or not 1 <= strength <= 5:
        return 0
    return strength


# -- coverage ----------------------------------------------------------------------------------


def last_reached(
    meetings: Iterable[tuple[int, date]], today: date | None = None
) -> dict[int, date]:
    """Contact id -> the latest meeting day among ``(contact id, local meeting day)`` pairs;
    days after ``today`` (planned meetings) are left out when ``today`` is given."""
    latest: dict[int, date] = {}
    for contact_id, day in meetings:
        if today is not None and day > today:
            continue
        if contact_id not in latest or day > latest[contact_id]:
            latest[contact_id] = day
    return latest


def days_since(reached: date | None, today: date) -> int | None:
    """Whole days from ``reached`` to ``today`` (0 on the day), ``None`` when never reached."""
    return None if reached is None else (today - reached).days


def is_overdue(reached: date | None, cadence_days: int | None, today: date) -> bool:
    """Whether a contact is past the account's cadence: not reached within ``cadence_days``
    days of ``today`` (reached exactly ``cadence_days`` ago is still in time), or never
    reached. Without a cadence nobody is overdue."""
    if cadence_days is None:
        return False
    if reached is None:
        return True
    return (today - reached).days > cadence_days


# -- layout ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartPerson:
    """What the layout needs of a contact: who, their name (the order of siblings), manager."""

    id: int
    name: str
    manager_id: int | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a box goes: ``x`` its centre in box widths from the left, ``row`` from the top;
    ``stacked`` when it is in a column under its manager."""

    x: float
    row: int
    stacked: bool = False


@dataclass(frozen=True)
class ChartLayout:
    """The slots of every contact, the managers the chart draws lines to, and its size."""

    slots: Mapping[int, Slot]
    managers: Mapping[int, int]  # contact id -> manager id, for each line drawn
    width: float  # box widths, from the left edge of the leftmost box to the right of the last
    rows: int

    @property
    def stacked_managers(self) -> frozenset[int]:
        return frozenset(
            manager for person, manager in self.managers.items() if self.slots[person].stacked
        )


_Contour = dict[int, tuple[float, float]]  # row offset -> (left, right) edge, in box widths


def _sort_key(person: ChartPerson) -> tuple[str, str, int]:
    return (person.name.casefold(), person.name, person.id)


def _managers(people: Mapping[int, ChartPerson]) -> dict[int, int]:
    """Person -> manager for the links that stay in the chart (manager present, no loop)."""
    links = {
        p.id: p.manager_id
        for p in people.values()
        if p.manager_id is not None and p.manager_id in people and p.manager_id != p.id
    }
    state: dict[int, int] = {}  # 1: on the current walk, 2: done
    for start in sorted(people):
        walk: list[int] = []
        node: int | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = links.get(node)
        if node is not None and state[node] == 1:  # came back onto this walk: a loop
            loop = walk[walk.index(node) :]
            del links[min(loop)]
        for visited in walk:
            state[visited] = 2
    return links


def _merge(into: _Contour, contour: _Contour, shift: float, rows: int) -> None:
    for row, (left, right) in contour.items():
        row += rows
        if row in into:
            old_left, old_right = into[row]
            into[row] = (min(old_left, left + shift), max(old_right, right + shift))
        else:
            into[row] = (left + shift, right + shift)


def _pack(contours: Sequence[_Contour], gap: float) -> list[float]:
    """Offsets that put each contour to the right of those before it, ``gap`` apart."""
    offsets: list[float] = []
    outline: _Contour = {}
    for contour in contours:  # every contour has row 0, so there is always a common row
        offset = max(
            (outline[row][1] + gap - left for row, (left, _) in contour.items() if row in outline),
            default=0.0,
        )
        offsets.append(offset)
        _merge(outline, contour, offset, 0)
    return offsets


def layout_chart(people: Iterable[ChartPerson]) -> ChartLayout:
    """The tidy layout of the forest of ``people`` (see the module's notes)."""
    by_id = {person.id: person for person in people}
    managers = _managers(by_id)
    reports: dict[int, list[int]] = {}
    for person in sorted(by_id.values(), key=_sort_key):
        manager = managers.get(person.id)
        if manager is not None:
            reports.setdefault(manager, []).append(person.id)

    # Post-order without recursion (a chain of thousands must not hit the recursion limit):
    # each subtree gets its contour relative to its root, each child its offset and row offset.
    offset: dict[int, float] = {}
    row_offset: dict[int, int] = {}
    stacked: set[int] = set()
    contours: dict[int, _Contour] = {}
    roots = [p.id for p in sorted(by_id.values(), key=_sort_key) if p.id not in managers]
    order: list[int] = []
    pending = list(reversed(roots))
    while pending:
        node = pending.pop()
        order.append(node)
        pending.extend(reversed(reports.get(node, [])))
    for node in reversed(order):
        children = reports.get(node, [])
        contour: _Contour = {0: (-0.5, 0.5)}
        if children and len(children) >= STACK_FROM and not any(c in reports for c in children):
            for index, child in enumerate(children, start=1):
                offset[child], row_offset[child] = STACK_INDENT, index
                stacked.add(child)
                contour[index] = (-0.5, STACK_INDENT + 0.5)  # from the line down its side
        elif children:
            shifts = _pack([contours[c] for c in children], GAP)
            middle = (shifts[0] + shifts[-1]) / 2
            for child, shift in zip(children, shifts, strict=True):
                offset[child], row_offset[child] = shift - middle, 1
                _merge(contour, contours[child], shift - middle, 1)
        for child in children:
            del contours[child]  # no longer needed: keeps memory linear
        contours[node] = contour

    trees = [root for root in roots if root in reports]
    loose = [root for root in roots if root not in reports]
    tree_shifts = _pack([contours[root] for root in trees], TREE_GAP)
    slots: dict[int, Slot] = {}
    for root, shift in zip(trees, tree_shifts, strict=True):
        slots[root] = Slot(shift, 0)
        for node in _descendants(root, reports):
            parent = managers[node]
            slots[node] = Slot(
                slots[parent].x + offset[node],
                slots[parent].row + row_offset[node],
                node in stacked,
            )
    tree_rows = max((slot.row + 1 for slot in slots.values()), default=0)
    if loose:
        grid_rows = max(min(tree_rows, len(loose)), math.ceil(math.sqrt(len(loose) / 2)))
        columns = math.ceil(len(loose) / grid_rows)
        right = max((slot.x + 0.5 for slot in slots.values()), default=-0.5 - TREE_GAP)
        first = right + TREE_GAP + 0.5
        for index, loner in enumerate(loose):
            row, column = divmod(index, columns)
            slots[loner] = Slot(first + column * (1 + GAP), row)
    if not slots:
        return ChartLayout(MappingProxyType({}), MappingProxyType({}), 0.0, 0)
    left = min(slot.x for slot in slots.values()) - 0.5
    moved = {
        key: Slot(round(slot.x - left, 9), slot.row, slot.stacked) for key, slot in slots.items()
    }  # rounded: float noise must not make two runs differ in the last bit
    width = max(slot.x for slot in moved.values()) + 0.5
    rows = max(slot.row for slot in moved.values()) + 1
    return ChartLayout(
        MappingProxyType(moved), MappingProxyType(dict(managers)), round(width, 9), rows
    )


def _descendants(root: int, reports: Mapping[int, Sequence[int]]) -> list[int]:
    """Everyone under ``root``, each after their manager."""
    found: list[int] = []
    pending = list(reports.get(root, []))
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(reports.get(node, []))
    return found


# -- placing boxes for a renderer --------------------------------------------------------------

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Geometry:
    """A renderer's box size and the gap between rows, in its units (pixels, points)."""

    box_width: float
    box_height: float
    row_gap: float

    @property
    def row_pitch(self) -> float:
        return self.box_height + self.row_gap


@dataclass(frozen=True, slots=True)
class Box:
    """A box in a renderer's units, ``x`` and ``y`` its top-left corner, y growing down."""

    x: float
    y: float
    width: float
    height: float

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


def chart_size(layout: ChartLayout, geometry: Geometry) -> tuple[float, float]:
    """Width and height of the whole chart in the renderer's units."""
    if not layout.slots:
        return 0.0, 0.0
    return layout.width * geometry.box_width, layout.rows * geometry.row_pitch - geometry.row_gap


def place(layout: ChartLayout, geometry: Geometry) -> dict[int, Box]:
    """Contact id -> its box, the chart's top-left corner at (0, 0)."""
    return {
        key: Box(
            (slot.x - 0.5) * geometry.box_width,
            slot.row * geometry.row_pitch,
            geometry.box_width,
            geometry.box_height,
        )
        for key, slot in layout.slots.items()
    }


def connectors(layout: ChartLayout, geometry: Geometry) -> dict[int, tuple[Point, ...]]:
    """Contact id -> the line from their manager's box to theirs (y down): down from the
    manager, across half-way between the rows, down into the report's top; for a stacked
    column, down the manager's left side and across into the report's left edge."""
    boxes = place(layout, geometry)
    lines: dict[int, tuple[Point, ...]] = {}
    for person, manager in sorted(layout.managers.items()):
        top, low = boxes[manager], boxes[person]
        if layout.slots[person].stacked:
            spine = top.x + STACK_INDENT * geometry.box_width / 2
            middle = low.y + low.height / 2
            lines[person] = ((spine, top.bottom), (spine, middle), (low.x, middle))
        else:
            between = top.bottom + geometry.row_gap / 2
            lines[person] = (
                (top.centre_x, top.bottom),
                (top.centre_x, between),
                (low.centre_x, between),
                (low.centre_x, low.y),
            )
    return lines
