"""Undoable changes of an account plan. Each calls ``PlanService`` to do and to undo, and
keeps what the service returned (a removed item, a purged plan, a cell's former state) so that
undo and redo put back exactly the same rows with the same ids."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from keyplan.services.plan_templates import TemplateChoice
from keyplan.services.plans import (
    CellChange,
    PlanService,
    RemovedItem,
    RemovedPlan,
    RemovedSnapshot,
)
from keyplan.ui.operations import ServiceCommand

KIND = "account_plan"  # what the changed signal names


class CreatePlanCommand(ServiceCommand):
    kind = KIND

    def __init__(
        self, text: str, plans: PlanService, account_id: int, year: int, template: TemplateChoice
    ) -> None:
        super().__init__(text)
        self._plans = plans
        self._args = (account_id, year, template)
        self.plan_id: int | None = None
        self._removed: RemovedPlan | None = None

    def apply(self) -> None:
        if self._removed is None:
            self.plan_id = self._plans.create_plan(*self._args)
        else:
            self.plan_id = self._plans.reinsert(self._removed)

    def revert(self) -> None:
        assert self.plan_id is not None
        self._removed = self._plans.purge(self.plan_id)


class AddItemCommand(ServiceCommand):
    """Add an item to a section; redo re-creates it with the same id."""

    kind = KIND

    def __init__(
        self, text: str, plans: PlanService, section: str, plan_id: int, values: Mapping[str, Any]
    ) -> None:
        super().__init__(text)
        self._plans = plans
        self._section = section
        self._plan_id = plan_id
        self._values = dict(values)
        self.item_id: int | None = None

    def apply(self) -> None:
        self.item_id = self._plans.add_item(
            self._section, self._plan_id, self._values, item_id=self.item_id
        )

    def revert(self) -> None:
        assert self.item_id is not None
        self._plans.delete_item(self._section, self.item_id)


class DeleteItemCommand(ServiceCommand):
    """Remove an item; undo puts it back with its id, position, cells and links."""

    kind = KIND

    def __init__(self, text: str, plans: PlanService, section: str, item_id: int) -> None:
        super().__init__(text)
        self._plans = plans
        self._section = section
        self._item_id = item_id
        self._removed: RemovedItem | None = None

    def apply(self) -> None:
        self._removed = self._plans.delete_item(self._section, self._item_id)

    def revert(self) -> None:
        assert self._removed is not None
        self._plans.restore_item(self._removed)


class MoveItemCommand(ServiceCommand):
    kind = KIND

    def __init__(
        self, text: str, plans: PlanService, section: str, item_id: int, index: int
    ) -> None:
        super().__init__(text)
        self._plans = plans
        self._section = section
        self._item_id = item_id
        self._index = index
        self._old: int | None = None

    @property
    def is_noop(self) -> bool:
        return self._old == self._index

    def apply(self) -> None:
        self._old = self._plans.move_item(self._section, self._item_id, self._index)

    def revert(self) -> None:
        assert self._old is not None
        self._plans.move_item(self._section, self._item_id, self._old)


class SetCellCommand(ServiceCommand):
    """A whitespace cell's status; undo puts back the cell as it was (or no cell)."""

    kind = KIND

    def __init__(
        self, text: str, plans: PlanService, service_id: int, segment_id: int, status: str
    ) -> None:
        super().__init__(text)
        self._plans = plans
        self._cell = (service_id, segment_id)
        self._status = status
        self.change: CellChange | None = None

    @property
    def is_noop(self) -> bool:
        return self.change is not None and self.change.before == self.change.after

    def apply(self) -> None:
        if self.change is None:
            self.change = self._plans.set_cell(*self._cell, self._status)
        else:
            self._plans.put_cell(*self._cell, self.change.after)

    def revert(self) -> None:
        assert self.change is not None
        self._plans.restore_cell(self.change)


class SnapshotCommand(ServiceCommand):
    """Freeze the plan; undo removes the snapshot, redo brings back the same frozen copy."""

    kind = KIND

    def __init__(
        self, text: str, plans: PlanService, plan_id: int, taken_on: date, label: str
    ) -> None:
        super().__init__(text)
        self._plans = plans
        self._args = (plan_id, taken_on, label)
        self.snapshot_id: int | None = None
        self._removed: RemovedSnapshot | None = None

    def apply(self) -> None:
        if self._removed is None:
            self.snapshot_id = self._plans.snapshot(*self._args)
        else:
            self.snapshot_id = self._plans.restore_snapshot(self._removed)

    def revert(self) -> None:
        assert self.snapshot_id is not None
        self._removed = self._plans.delete_snapshot(self.snapshot_id)


class DeleteSnapshotCommand(ServiceCommand):
    kind = KIND

    def __init__(self, text: str, plans: PlanService, snapshot_id: int) -> None:
        super().__init__(text)
        self._plans = plans
        self._snapshot_id = snapshot_id
        self._removed: RemovedSnapshot | None = None

    def apply(self) -> None:
        self._removed = self._plans.delete_snapshot(self._snapshot_id)

    def revert(self) -> None:
        assert self._removed is not None
        self._plans.restore_snapshot(self._removed)
