"""The relationship map's layout and coverage rules (keyplan.domain.relationships)."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyplan.domain.relationships import (
    GAP,
    STACK_FROM,
    STRENGTH_COLOURS,
    Box,
    ChartPerson,
    Geometry,
    chart_size,
    connectors,
    days_since,
    is_overdue,
    last_reached,
    layout_chart,
    place,
    strength_bucket,
)

P = ChartPerson
GEOMETRY = Geometry(box_width=100.0, box_height=40.0, row_gap=20.0)


def _overlap(a: Box, b: Box) -> bool:
    return (
        a.x < b.x + b.width - 1e-6
        and b.x < a.x + a.width - 1e-6
        and a.y < b.y + b.height - 1e-6
        and b.y < a.y + a.height - 1e-6
    )


@st.composite
def forests(draw: st.DrawFn) -> list[ChartPerson]:
    """Up to 40 people, each reporting to someone earlier (or nobody, or someone absent)."""
    count = draw(st.integers(0, 40))
    people = []
    for index in range(count):
        choice = draw(st.integers(-2, index - 1)) if index else -1
        manager = None if choice == -1 else (999 if choice == -2 else choice + 1)
        name = draw(st.sampled_from(["An", "Bảo", "Chen", "田中", "Zoe", "an"]))
        people.append(P(index + 1, name, manager))
    return people


@settings(max_examples=150, deadline=None)
@given(forests())
def test_boxes_never_overlap_and_reports_sit_below_their_manager(people: list[ChartPerson]) -> None:
    layout = layout_chart(people)
    boxes = place(layout, GEOMETRY)
    assert set(boxes) == {p.id for p in people}
    ordered = sorted(boxes.items())
    for index, (first, a) in enumerate(ordered):
        for second, b in ordered[index + 1 :]:
            assert not _overlap(a, b), (first, second, layout.slots[first], layout.slots[second])
    for person, manager in layout.managers.items():
        assert layout.slots[person].row > layout.slots[manager].row
    width, height = chart_size(layout, GEOMETRY)
    for box in boxes.values():  # everything inside the chart's size, starting at 0
        assert box.x >= -1e-6 and box.x + box.width <= width + 1e-6
        assert box.y >= 0 and box.bottom <= height + 1e-6
    if boxes:
        assert min(box.x for box in boxes.values()) == pytest.approx(0)


@settings(max_examples=80, deadline=None)
@given(forests(), st.randoms(use_true_random=False))
def test_the_layout_does_not_depend_on_the_input_order(
    people: list[ChartPerson], shuffler: random.Random
) -> None:
    shuffled = list(people)
    shuffler.shuffle(shuffled)
    first, second = layout_chart(people), layout_chart(shuffled)
    assert dict(first.slots) == dict(second.slots)
    assert dict(first.managers) == dict(second.managers)
    assert (first.width, first.rows) == (second.width, second.rows)


def test_a_small_org_chart_is_tidy() -> None:
    people = [
        P(1, "CEO"),
        P(2, "CFO", 1),
        P(3, "CMO", 1),
        P(4, "Controller", 2),
        P(5, "Brand lead", 3),
        P(6, "Media lead", 3),
    ]
    layout = layout_chart(people)
    slots = layout.slots
    assert [slots[i].row for i in range(1, 7)] == [0, 1, 1, 2, 2, 2]
    # siblings in name order, left to right, one box and a gap apart at least
    assert slots[2].x < slots[3].x and slots[5].x < slots[6].x
    assert slots[6].x - slots[5].x == pytest.approx(1 + GAP)
    # a manager is centred over its first and last report
    assert slots[3].x == pytest.approx((slots[5].x + slots[6].x) / 2)
    assert slots[1].x == pytest.approx((slots[2].x + slots[3].x) / 2)
    assert slots[2].x == pytest.approx(slots[4].x)  # a single report right under
    assert layout.rows == 3
    assert not any(slot.stacked for slot in slots.values())


def test_many_reports_without_reports_of_their_own_are_stacked_in_a_column() -> None:
    assistants = [P(10 + i, f"Assistant {i}", 1) for i in range(STACK_FROM)]
    layout = layout_chart([P(1, "Director"), *assistants])
    rows = sorted(layout.slots[p.id].row for p in assistants)
    assert rows == list(range(1, STACK_FROM + 1))
    assert all(layout.slots[p.id].stacked for p in assistants)
    assert layout.width < 1.5  # one column, not four boxes wide
    lines = connectors(layout, GEOMETRY)
    boxes = place(layout, GEOMETRY)
    for person in assistants:  # down the manager's side, into the report's left edge
        line = lines[person.id]
        assert line[0][1] == pytest.approx(boxes[1].bottom)
        assert boxes[1].x < line[0][0] < boxes[1].x + boxes[1].width
        assert line[-1][0] == pytest.approx(boxes[person.id].x)

    fewer = layout_chart([P(1, "Director"), *assistants[: STACK_FROM - 1]])
    assert {fewer.slots[p.id].row for p in assistants[: STACK_FROM - 1]} == {1}


def test_lines_run_from_the_managers_bottom_to_the_reports_top() -> None:
    layout = layout_chart([P(1, "Boss"), P(2, "Ann", 1), P(3, "Ben", 1)])
    boxes, lines = place(layout, GEOMETRY), connectors(layout, GEOMETRY)
    assert set(lines) == {2, 3}
    for person in (2, 3):
        start, *_, end = lines[person]
        assert start == (boxes[1].centre_x, boxes[1].bottom)
        assert end == (boxes[person].centre_x, boxes[person].y)
        # across half-way between the rows
        assert lines[person][1][1] == pytest.approx(boxes[1].bottom + GEOMETRY.row_gap / 2)


def test_loose_contacts_go_in_a_compact_grid_right_of_the_trees() -> None:
    loose = [P(100 + i, f"Loose {i:02}") for i in range(10)]
    only_loose = layout_chart(loose)
    assert only_loose.rows == 3 and only_loose.width < 5  # 3 rows of 4, not 1 row of 10
    assert not only_loose.managers

    tree = [P(1, "Boss"), P(2, "Ann", 1)]
    mixed = layout_chart([*tree, *loose[:2]])
    right_of_tree = max(mixed.slots[1].x, mixed.slots[2].x) + 0.5
    assert all(mixed.slots[p.id].x - 0.5 > right_of_tree for p in loose[:2])
    assert mixed.rows == 2  # the two loose contacts stack beside a two-row tree


def test_a_missing_manager_makes_a_root_and_a_loop_is_cut_at_the_lowest_id() -> None:
    layout = layout_chart([P(5, "Eve", 4), P(4, "Dan", 6), P(6, "Fay", 5), P(7, "Gus", 42)])
    assert 4 not in layout.managers  # the loop 4 -> 6 -> 5 -> 4 is cut at 4
    assert dict(layout.managers) == {5: 4, 6: 5}
    assert [layout.slots[i].row for i in (4, 5, 6)] == [0, 1, 2]
    assert layout.slots[7].row == 0  # reports to someone not in the chart: a root
    own = layout_chart([P(1, "Self", 1)])
    assert not own.managers and own.slots[1].row == 0


def test_an_empty_chart_and_a_long_chain() -> None:
    empty = layout_chart([])
    assert not empty.slots and empty.rows == 0 and chart_size(empty, GEOMETRY) == (0.0, 0.0)
    chain = [P(1, "Top")] + [P(i, f"Level {i}", i - 1) for i in range(2, 3001)]
    layout = layout_chart(chain)  # no recursion limit
    assert layout.rows == 3000 and layout.width == pytest.approx(1.0)


# -- coverage ----------------------------------------------------------------------------------

TODAY = date(2026, 10, 20)


def test_overdue_only_with_a_cadence_and_never_reached_counts() -> None:
    assert not is_overdue(None, None, TODAY)
    assert not is_overdue(date(2020, 1, 1), None, TODAY)
    assert is_overdue(None, 14, TODAY)
    assert not is_overdue(date(2026, 10, 6), 14, TODAY)  # exactly 14 days ago: in time
    assert is_overdue(date(2026, 10, 5), 14, TODAY)  # 15 days ago
    assert not is_overdue(TODAY, 1, TODAY)


def test_last_reached_is_the_latest_meeting_up_to_today() -> None:
    meetings = [
        (1, date(2026, 9, 1)),
        (1, date(2026, 10, 12)),
        (1, date(2026, 8, 30)),
        (2, date(2026, 10, 21)),  # planned for tomorrow: not reached yet
        (3, date(2026, 10, 21)),
        (3, date(2026, 10, 1)),
    ]
    assert last_reached(meetings, TODAY) == {1: date(2026, 10, 12), 3: date(2026, 10, 1)}
    assert last_reached(meetings)[2] == date(2026, 10, 21)  # without a today: everything
    assert days_since(date(2026, 10, 12), TODAY) == 8
    assert days_since(None, TODAY) is None


@pytest.mark.parametrize(
    ("strength", "bucket"), [(None, 0), (1, 1), (3, 3), (5, 5), (0, 0), (6, 0), (True, 0)]
)
def test_strength_buckets(strength: int | None, bucket: int) -> None:
    assert strength_bucket(strength) == bucket
    assert STRENGTH_COLOURS[bucket].startswith("#")
