"""Undoable changes to opportunities: create, delete, edit, move to a stage, price in an estimate.

Each command calls :class:`keyplan.services.opportunities.OpportunityService` to do and to undo;
none touches a widget. Field edits are ``UpdateCommand``\\ s (:func:`update_command`); the
amount goes with its currency through :meth:`OpportunityService.set_amount`
(:func:`money_command`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from keyplan.services.opportunities import (
    EstimateLink,
    OpportunityDraft,
    OpportunityService,
    StageMove,
)
from keyplan.services.records import Change
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.operations import ServiceCommand

KIND = "opportunity"


class MoveStageCommand(ServiceCommand):
    """Move an opportunity to ``stage`` on ``on`` (today); undo puts back its stage and its
    stage history exactly, redo moves it again on the same day."""

    kind = KIND

    def __init__(
        self,
        text: str,
        opportunities: OpportunityService,
        opportunity_id: int,
        stage: str,
        on: date | None = None,
    ) -> None:
        super().__init__(text)
        self._service = opportunities
        self.opportunity_id = opportunity_id
        self.stage = stage
        self.on = on or date.today()  # a redo tomorrow keeps the day it really moved
        self.move: StageMove | None = None

    @property
    def is_noop(self) -> bool:
        return self.move is not None and self.move.stage == self.stage

    def apply(self) -> None:
        self.move = self._service.move(self.opportunity_id, self.stage, self.on)

    def revert(self) -> None:
        assert self.move is not None
        self._service.undo_move(self.move)


class CreateEstimateCommand(ServiceCommand):
    """Create the estimate that prices an opportunity (and its project, unless one is given)
    and link it; undo removes both for good, redo re-creates them with the same number."""

    kind = "estimate"  # the estimates list and the projects show it; the panel listens too

    def __init__(
        self,
        text: str,
        opportunities: OpportunityService,
        opportunity_id: int,
        project_id: int | None,
        title: str = "",
    ) -> None:
        super().__init__(text)
        self._service = opportunities
        self.opportunity_id = opportunity_id
        self.project_id = project_id
        self.title = title
        self.link: EstimateLink | None = None

    def apply(self) -> None:
        self.link = self._service.create_estimate(
            self.opportunity_id, self.project_id, title=self.title, again=self.link
        )

    def revert(self) -> None:
        assert self.link is not None
        self._service.remove_estimate(self.link)


def create_command(
    text: str,
    opportunities: OpportunityService,
    account_id: int,
    draft: OpportunityDraft,
    on: date | None = None,
) -> CreateCommand:
    """A new opportunity; redo re-creates it with the same id and the same first day."""
    day = on or date.today()
    return CreateCommand(
        text,
        KIND,
        lambda forced_id: opportunities.create(account_id, draft, on=day, opportunity_id=forced_id),
        opportunities.purge,
    )


def delete_command(
    text: str, opportunities: OpportunityService, opportunity_id: int
) -> DeleteCommand:
    """Soft delete (Deleted items lists it); undo restores it."""
    return DeleteCommand(
        text, KIND, partial(opportunities.delete, opportunity_id), opportunities.restore
    )


def update_command(
    text: str, opportunities: OpportunityService, opportunity_id: int, changes: Mapping[str, Any]
) -> UpdateCommand:
    """Fields that ``OpportunityService.update`` cleans: name, kind, probability, dates..."""
    return UpdateCommand(text, KIND, partial(opportunities.update, opportunity_id), changes)


def money_command(
    text: str,
    opportunities: OpportunityService,
    opportunity_id: int,
    amount: Decimal,
    currency: str | None = None,
) -> UpdateCommand:
    """The amount, and the currency if given; undo puts back both."""

    def update(changes: Mapping[str, Any], exact: bool = False) -> Change:
        return opportunities.set_amount(opportunity_id, changes["amount"], changes.get("currency"))

    changes: dict[str, Any] = {"amount": amount}
    if currency:
        changes["currency"] = currency
    return UpdateCommand(text, KIND, update, changes)
