"""Undoable changes of the estimate editor; each calls EstimateService to do and undo."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from keyplan.services import estimate_import
from keyplan.services.estimate_records import LineDraft
from keyplan.services.estimates import (
    BatchResult,
    BatchValidationError,
    EstimateService,
    LineEdit,
    SectionSnapshot,
)
from keyplan.ui.operations import ServiceCommand


class EstimateCommand(ServiceCommand):
    kind = "estimate"

    def __init__(self, text: str, estimates: EstimateService) -> None:
        super().__init__(text)
        self.estimates = estimates


class AddLineCommand(EstimateCommand):
    def __init__(
        self,
        text: str,
        estimates: EstimateService,
        section_id: int,
        draft: LineDraft,
        position: int | None,
    ) -> None:
        super().__init__(text, estimates)
        self.section_id, self.draft, self.position = section_id, draft, position
        self.key = str(uuid.uuid4())  # the same line (and key) on redo
        self.line_id: int | None = None

    def apply(self) -> None:
        self.line_id = self.estimates.add_line(
            self.section_id, self.draft, position=self.position, line_id=self.line_id, key=self.key
        )

    def revert(self) -> None:
        assert self.line_id is not None
        self.estimates.purge_line(self.line_id)


class DeleteLinesCommand(EstimateCommand):
    def __init__(self, text: str, estimates: EstimateService, line_ids: Sequence[int]) -> None:
        super().__init__(text, estimates)
        self.line_ids = list(line_ids)
        self.snapshots: tuple[dict[str, Any], ...] = ()

    def apply(self) -> None:
        self.snapshots = self.estimates.delete_lines(self.line_ids)

    def revert(self) -> None:
        self.estimates.restore_lines(self.snapshots)


class MoveLineCommand(EstimateCommand):
    def __init__(
        self, text: str, estimates: EstimateService, line_id: int, section_id: int, position: int
    ) -> None:
        super().__init__(text, estimates)
        self.line_id, self.target = line_id, (section_id, position)
        self.origin: tuple[int, int] | None = None

    def apply(self) -> None:
        self.origin = self.estimates.move_line(self.line_id, *self.target)

    def revert(self) -> None:
        assert self.origin is not None
        self.estimates.move_line(self.line_id, *self.origin)


class AddSectionCommand(EstimateCommand):
    def __init__(
        self,
        text: str,
        estimates: EstimateService,
        name: str,
        *,
        revision_id: int | None,
        change_order_id: int | None,
        position: int | None,
    ) -> None:
        super().__init__(text, estimates)
        self.name, self.position = name, position
        self.revision_id, self.change_order_id = revision_id, change_order_id
        self.key = str(uuid.uuid4())
        self.section_id: int | None = None

    def apply(self) -> None:
        self.section_id = self.estimates.add_section(
            self.name,
            revision_id=self.revision_id,
            change_order_id=self.change_order_id,
            position=self.position,
            section_id=self.section_id,
            key=self.key,
        )

    def revert(self) -> None:
        assert self.section_id is not None
        self.estimates.delete_section(self.section_id)


class DeleteSectionCommand(EstimateCommand):
    def __init__(self, text: str, estimates: EstimateService, section_id: int) -> None:
        super().__init__(text, estimates)
        self.section_id = section_id
        self.snapshot: SectionSnapshot | None = None

    def apply(self) -> None:
        self.snapshot = self.estimates.delete_section(self.section_id)

    def revert(self) -> None:
        assert self.snapshot is not None
        self.estimates.restore_section(self.snapshot)


class MoveSectionCommand(EstimateCommand):
    def __init__(self, text: str, estimates: EstimateService, section_id: int, position: int):
        super().__init__(text, estimates)
        self.section_id, self.position = section_id, position
        self.origin: int | None = None

    def apply(self) -> None:
        self.origin = self.estimates.move_section(self.section_id, self.position)

    def revert(self) -> None:
        assert self.origin is not None
        self.estimates.move_section(self.section_id, self.origin)


class BatchCommand(EstimateCommand):
    """A paste or a multi-cell clear: all edits at once, undone at once."""

    def __init__(self, text: str, estimates: EstimateService, edits: Sequence[LineEdit]) -> None:
        super().__init__(text, estimates)
        self.edits = list(edits)
        self.result: BatchResult | None = None
        self.problems: list[tuple[int, str, str]] = []

    @property
    def is_noop(self) -> bool:
        return (
            self.result is not None
            and not self.result.created
            and all(change.is_empty for _, change in self.result.changes)
        )

    def apply(self) -> None:
        if self.result is None:
            try:
                self.result = self.estimates.apply_batch(self.edits)
            except BatchValidationError as exc:
                self.problems = exc.problems  # (edit index, field, message) for the caller
                raise
        else:
            self.estimates.reapply_batch(self.result)

    def revert(self) -> None:
        assert self.result is not None
        self.estimates.revert_batch(self.result)


class SendCommand(EstimateCommand):
    def __init__(self, text: str, estimates: EstimateService, revision_id: int, on: date):
        super().__init__(text, estimates)
        self.revision_id, self.on = revision_id, on
        self.token = ""  # what the service handed out: only this undo may thaw it

    def apply(self) -> None:
        self.token = self.estimates.send(self.revision_id, self.on)

    def revert(self) -> None:
        self.estimates.unsend(self.revision_id, token=self.token)


class ReviseCommand(EstimateCommand):
    def __init__(self, text: str, estimates: EstimateService, estimate_id: int, previous: str):
        super().__init__(text, estimates)
        self.estimate_id, self.previous_status = estimate_id, previous
        self.revision_id: int | None = None

    def apply(self) -> None:
        self.revision_id = self.estimates.revise(self.estimate_id, revision_id=self.revision_id)

    def revert(self) -> None:
        assert self.revision_id is not None
        self.estimates.unrevise(self.revision_id, self.previous_status)


class DecisionCommand(EstimateCommand):
    """Approval or rejection of a sent revision; undo forgets the decision."""

    def __init__(
        self,
        text: str,
        estimates: EstimateService,
        revision_id: int,
        *,
        approve: bool,
        values: tuple[Any, ...],
    ) -> None:
        super().__init__(text, estimates)
        self.revision_id, self.approve, self.values = revision_id, approve, values
        self.token = ""

    def apply(self) -> None:
        if self.approve:
            self.token = self.estimates.approve(self.revision_id, *self.values)
        else:
            self.token = self.estimates.reject(self.revision_id, *self.values)

    def revert(self) -> None:
        self.estimates.reopen_decision(self.revision_id, token=self.token)


class CreateChangeOrderCommand(EstimateCommand):
    def __init__(self, text: str, estimates: EstimateService, estimate_id: int, title: str):
        super().__init__(text, estimates)
        self.estimate_id, self.title = estimate_id, title
        self.change_order_id: int | None = None

    def apply(self) -> None:
        self.change_order_id = self.estimates.create_change_order(
            self.estimate_id, self.title, change_order_id=self.change_order_id
        )

    def revert(self) -> None:
        assert self.change_order_id is not None
        self.estimates.purge_change_order(self.change_order_id)


class ChangeOrderStatusCommand(EstimateCommand):
    """Send, approve or reject a change order; undo steps its status back."""

    def __init__(
        self,
        text: str,
        estimates: EstimateService,
        change_order_id: int,
        *,
        step: str,  # "send", "approve" or "reject"
        values: tuple[Any, ...],
    ) -> None:
        super().__init__(text, estimates)
        self.change_order_id, self.step, self.values = change_order_id, step, values
        self.token = ""

    def apply(self) -> None:
        action = {
            "send": self.estimates.send_change_order,
            "approve": self.estimates.approve_change_order,
            "reject": self.estimates.reject_change_order,
        }[self.step]
        self.token = action(self.change_order_id, *self.values)

    def revert(self) -> None:
        back = "draft" if self.step == "send" else "sent"
        self.estimates.reset_change_order(self.change_order_id, back, token=self.token)


class RoundTripCommand(EstimateCommand):
    """A client-edited workbook made into the next draft revision; undo removes it."""

    def __init__(
        self,
        text: str,
        estimates: EstimateService,
        services: Any,
        revision_id: int,
        plan: Any,
        previous_status: str,
    ) -> None:
        super().__init__(text, estimates)
        self.services, self.revision_id, self.plan = services, revision_id, plan
        self.previous_status = previous_status
        self.new_revision_id: int | None = None

    def apply(self) -> None:
        self.new_revision_id = estimate_import.apply_round_trip(
            self.services, self.revision_id, self.plan
        )

    def revert(self) -> None:
        assert self.new_revision_id is not None
        self.estimates.unrevise(self.new_revision_id, self.previous_status)
