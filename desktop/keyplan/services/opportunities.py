"""Opportunities and the pipeline across accounts.

Every change is one transaction. Moving an opportunity to another stage records the day it
entered the stage; :meth:`OpportunityService.move` returns what it replaced so that undo puts
the stage and its history back exactly. :meth:`OpportunityService.create_estimate` makes the
estimate that prices an opportunity (in a new project or an existing one) and links it, in one
transaction; :meth:`OpportunityService.remove_estimate` takes all of it back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain import pipeline as calc
from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency
from keyplan.services.base import Cleaner, EntityService, clean_day, live_account
from keyplan.services.estimate_records import ProjectDraft
from keyplan.services.estimates import EstimateRef, EstimateService
from keyplan.services.projects import ProjectService, ProjectStatus
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.services.records import Change
from keyplan.store.models import Account, Opportunity, OpportunityStage, TeamMember

__all__ = [
    "EstimateLink",
    "OpportunityDraft",
    "OpportunityRecord",
    "OpportunityService",
    "PipelineFilter",
    "StageMove",
]


@dataclass(frozen=True)
class OpportunityDraft:
    name: str
    amount: Decimal
    currency: str = ""  # empty: the account's currency
    kind: str = "new_business"
    stage: str = "identified"
    probability: Decimal | None = None  # None: the stage's default
    expected_close: date | None = None
    owner_id: int | None = None
    service_line: str = ""
    next_step: str = ""
    notes: str = ""


@dataclass(frozen=True)
class OpportunityRecord:
    id: int
    account_id: int
    account_name: str
    name: str
    kind: str
    stage: str
    currency: str
    amount: Decimal
    probability: Decimal  # the one in force (set, or the stage's default)
    probability_set: bool
    weighted: Decimal
    expected_close: date | None
    owner_id: int | None
    owner_name: str
    service_line: str
    next_step: str
    estimate_id: int | None
    notes: str
    stages: tuple[tuple[str, date], ...]  # (stage, day entered), oldest first


@dataclass(frozen=True)
class StageMove:
    """What :meth:`OpportunityService.move` replaced: enough to undo it exactly."""

    opportunity_id: int
    stage: str
    history: tuple[tuple[str, date], ...]


@dataclass(frozen=True)
class PipelineFilter:
    """What the pipeline page (and its workbook) shows; the defaults show everything.

    A date bound leaves out the opportunities without an expected close.
    """

    account_id: int | None = None
    owner_id: int | None = None
    kind: str = ""  # an OpportunityType value, or "" for every type
    currency: str = ""
    close_from: date | None = None
    close_to: date | None = None
    open_only: bool = False

    def accepts(self, record: OpportunityRecord) -> bool:
        if self.account_id is not None and record.account_id != self.account_id:
            return False
        if self.owner_id is not None and record.owner_id != self.owner_id:
            return False
        if self.kind and record.kind != self.kind:
            return False
        if self.currency and record.currency != self.currency:
            return False
        if self.open_only and not calc.Stage(record.stage).is_open:
            return False
        close = record.expected_close
        if self.close_from is not None and (close is None or close < self.close_from):
            return False
        return self.close_to is None or (close is not None and close <= self.close_to)


@dataclass(frozen=True)
class EstimateLink:
    """What :meth:`OpportunityService.create_estimate` made: enough to undo it, and to redo
    it with the same ids and estimate number."""

    opportunity_id: int
    project_id: int
    project_created: bool
    estimate: EstimateRef
    previous_estimate_id: int | None
    title: str
    issued_on: date


def _amount_ok(amount: Any) -> bool:
    """A Decimal or int, 0 or more; NaN is refused before it is compared (``NaN < 0`` raises)."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        return False
    return not (isinstance(amount, Decimal) and amount.is_nan()) and amount >= 0


def _probability(value: Any) -> Decimal | None:
    return None if value is None else calc.clean_probability(value)


class OpportunityService(EntityService[Opportunity]):
    model = Opportunity
    label = "opportunity"
    deleted_kind = "opportunity"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": partial(rules.clean_name, field="name"),
        "kind": lambda value: rules.clean_enum(calc.OpportunityType, value, "kind").value,
        "probability": _probability,
        "expected_close": partial(clean_day, field="expected_close"),
        "owner_id": lambda value: value,
        "service_line": partial(rules.clean_line, field="service_line", max_length=120),
        "next_step": partial(rules.clean_line, field="next_step", max_length=300),
        "notes": partial(rules.clean_text, field="notes"),
    }

    # -- writing -------------------------------------------------------------------------------

    def _derive(
        self, session: Session, row: Opportunity, cleaned: dict[str, Any]
    ) -> dict[str, Any]:
        owner = cleaned.get("owner_id")
        if owner is not None and session.get(TeamMember, owner) is None:
            raise ValidationError("owner_id", "Choose a member of the team.")
        return cleaned

    def create(
        self,
        account_id: int,
        draft: OpportunityDraft,
        *,
        on: date | None = None,
        opportunity_id: int | None = None,
    ) -> int:
        values = dataclasses.asdict(draft)
        amount, currency_code, stage = (
            values.pop("amount"),
            values.pop("currency"),
            values.pop("stage"),
        )
        cleaned = self._clean(values)
        stage = rules.clean_enum(calc.Stage, stage, "stage").value
        with self.workspace.transaction() as session:
            account = live_account(session, account_id)
            currency = Currency.get(rules.clean_currency(currency_code or account.currency))
            if not _amount_ok(amount):
                raise ValidationError("amount", "Enter the amount, 0 or more.")
            row = Opportunity(
                id=opportunity_id,
                account_id=account_id,
                stage=stage,
                currency=currency.code,
                amount_minor=to_minor(Decimal(amount), currency, "amount"),
                **self._derive(session, Opportunity(), cleaned),
            )
            session.add(row)
            session.flush()
            session.add(
                OpportunityStage(opportunity_id=row.id, stage=stage, entered_on=on or date.today())
            )
            return row.id

    def purge(self, opportunity_id: int) -> None:
        with self.workspace.transaction() as session:
            session.delete(self._get(session, opportunity_id, deleted_ok=True))

    def set_amount(
        self, opportunity_id: int, amount: Decimal, currency: str | None = None
    ) -> Change:
        """The amount, in ``currency`` (None: the opportunity's own); returns the change for
        undo, with ``amount`` and, if it changed, ``currency``."""
        with self.workspace.transaction() as session:
            row = self._get(session, opportunity_id)
            money = Currency.get(rules.clean_currency(currency) if currency else row.currency)
            if not _amount_ok(amount):
                raise ValidationError("amount", "Enter the amount, 0 or more.")
            before: dict[str, Any] = {
                "amount": from_minor(row.amount_minor, Currency.get(row.currency)),
                "currency": row.currency,
            }
            row.amount_minor = to_minor(Decimal(amount), money, "amount")
            row.currency = money.code
            after = {"amount": from_minor(row.amount_minor, money), "currency": money.code}
        if after == before:
            return Change({}, {})
        # an amount means nothing without its currency: a new currency is reported with it
        keys = ("amount",) if after["currency"] == before["currency"] else ("amount", "currency")
        return Change({k: before[k] for k in keys}, {k: after[k] for k in keys})

    @staticmethod
    def _history(session: Session, opportunity_id: int) -> list[OpportunityStage]:
        return list(
            session.scalars(
                select(OpportunityStage)
                .where(OpportunityStage.opportunity_id == opportunity_id)
                .order_by(OpportunityStage.entered_on, OpportunityStage.id)
            ).all()
        )

    def move(self, opportunity_id: int, stage: str, on: date | None = None) -> StageMove:
        """Move to ``stage`` on day ``on`` (today); returns what to give :meth:`undo_move`."""
        target = rules.clean_enum(calc.Stage, stage, "stage").value
        day = clean_day(on or date.today(), "on")
        assert day is not None
        with self.workspace.transaction() as session:
            row = self._get(session, opportunity_id)
            history = self._history(session, opportunity_id)
            before = StageMove(
                opportunity_id, row.stage, tuple((h.stage, h.entered_on) for h in history)
            )
            if history and day < history[-1].entered_on:
                raise ValidationError(
                    "on",
                    f"It entered {history[-1].stage} on {history[-1].entered_on.isoformat()}: "
                    "a later stage cannot start before that.",
                )
            if target != row.stage:
                row.stage = target
                session.add(
                    OpportunityStage(opportunity_id=opportunity_id, stage=target, entered_on=day)
                )
            return before

    def undo_move(self, move: StageMove) -> None:
        with self.workspace.transaction() as session:
            row = self._get(session, move.opportunity_id)
            row.stage = move.stage
            for entry in self._history(session, move.opportunity_id):
                session.delete(entry)
            session.flush()
            for stage, day in move.history:
                session.add(
                    OpportunityStage(
                        opportunity_id=move.opportunity_id, stage=stage, entered_on=day
                    )
                )

    # -- the estimate that prices it -----------------------------------------------------------

    def create_estimate(
        self,
        opportunity_id: int,
        project_id: int | None = None,
        *,
        title: str = "",
        issued_on: date | None = None,
        again: EstimateLink | None = None,
    ) -> EstimateLink:
        """A draft estimate for the opportunity, in its currency and titled after it (or
        ``title``), in ``project_id`` or, when None, in a new project named after it; the
        opportunity is linked to it. One transaction: all of it or nothing.

        ``again`` re-creates exactly what an undone call made (same ids and number): redo.
        """
        day = clean_day(issued_on or (again.issued_on if again else date.today()), "issued_on")
        assert day is not None
        projects, estimates = ProjectService(self.workspace), EstimateService(self.workspace)
        with self.workspace.atomic():
            with self.workspace.transaction() as session:
                row = self._get(session, opportunity_id)
                account_id, currency, name = row.account_id, row.currency, row.name
                previous = row.estimate_id
            heading = (again.title if again else title.strip()) or name
            created = project_id is None if again is None else again.project_created
            if again is not None:
                project_id = again.project_id
            if created:
                project_id = projects.create(
                    account_id,
                    ProjectDraft(name=name, status=ProjectStatus.ESTIMATING.value),
                    project_id=again.project_id if again else None,
                )
            assert project_id is not None
            ref = estimates.create(
                account_id,
                heading,
                project_id=project_id,
                currency=currency,
                issued_on=day,
                estimate_id=again.estimate.estimate_id if again else None,
                number=again.estimate.number if again else None,
                number_seq=again.estimate.number_seq if again else 0,
            )
            with self.workspace.transaction() as session:
                self._get(session, opportunity_id).estimate_id = ref.estimate_id
        return EstimateLink(opportunity_id, project_id, created, ref, previous, heading, day)

    def remove_estimate(self, link: EstimateLink) -> None:
        """Undo :meth:`create_estimate`: the estimate (and the project it made) go for good,
        and the opportunity points at the estimate it had before."""
        with self.workspace.atomic():
            with self.workspace.transaction() as session:
                row = self._get(session, link.opportunity_id, deleted_ok=True)
                row.estimate_id = link.previous_estimate_id
            EstimateService(self.workspace).purge(link.estimate.estimate_id)
            if link.project_created:
                ProjectService(self.workspace).purge(link.project_id)

    # -- reading -------------------------------------------------------------------------------

    def _record(
        self,
        session: Session,
        row: Opportunity,
        history: Sequence[OpportunityStage] | None = None,
    ) -> OpportunityRecord:
        """``history``: the row's stage history when the caller read it already (the
        pipeline reads every row's in one query); None reads it here."""
        currency = Currency.get(row.currency)
        amount = from_minor(row.amount_minor, currency)
        probability = (
            row.probability
            if row.probability is not None
            else calc.DEFAULT_PROBABILITY[calc.Stage(row.stage)]
        )
        account = session.get(Account, row.account_id)
        owner = session.get(TeamMember, row.owner_id) if row.owner_id else None
        return OpportunityRecord(
            id=row.id,
            account_id=row.account_id,
            account_name=account.name if account else "",
            name=row.name,
            kind=row.kind,
            stage=row.stage,
            currency=row.currency,
            amount=amount,
            probability=probability,
            probability_set=row.probability is not None,
            weighted=calc.weighted_value(amount, probability, currency),
            expected_close=row.expected_close,
            owner_id=row.owner_id,
            owner_name=owner.name if owner else "",
            service_line=row.service_line,
            next_step=row.next_step,
            estimate_id=row.estimate_id,
            notes=row.notes,
            stages=tuple(
                (h.stage, h.entered_on)
                for h in (self._history(session, row.id) if history is None else history)
            ),
        )

    def get(self, opportunity_id: int) -> OpportunityRecord:
        with self.workspace.reading() as session:
            return self._record(session, self._get(session, opportunity_id))

    def pipeline(
        self,
        *,
        account_id: int | None = None,
        stages: Sequence[str] = (),
        owner_id: int | None = None,
    ) -> list[OpportunityRecord]:
        """Opportunities of live accounts (or one), by expected close then name."""
        with self.workspace.reading() as session:
            query = (
                select(Opportunity)
                .join(Account, Account.id == Opportunity.account_id)
                .where(Opportunity.deleted_at.is_(None), Account.deleted_at.is_(None))
            )
            if account_id is not None:
                query = query.where(Opportunity.account_id == account_id)
            if stages:
                query = query.where(Opportunity.stage.in_(tuple(stages)))
            if owner_id is not None:
                query = query.where(Opportunity.owner_id == owner_id)
            rows = session.scalars(query).all()
            # one query each for the accounts, owners and stage histories of all the rows,
            # never one per opportunity: session.get in _record then finds them in the
            # session (``loaded`` holds them: the identity map keeps only weak references)
            ids = [row.id for row in rows]
            loaded: list[Account | TeamMember] = []
            accounts = {r.account_id for r in rows}
            if accounts:
                loaded += session.scalars(select(Account).where(Account.id.in_(accounts))).all()
            owners = {r.owner_id for r in rows if r.owner_id is not None}
            if owners:
                loaded += session.scalars(select(TeamMember).where(TeamMember.id.in_(owners))).all()
            histories: dict[int, list[OpportunityStage]] = {i: [] for i in ids}
            if ids:
                for stage in session.scalars(
                    select(OpportunityStage)
                    .where(OpportunityStage.opportunity_id.in_(ids))
                    .order_by(OpportunityStage.entered_on, OpportunityStage.id)
                ):
                    histories[stage.opportunity_id].append(stage)
            records = [self._record(session, row, histories[row.id]) for row in rows]
        return sorted(records, key=lambda r: (r.expected_close or date.max, r.name.casefold()))

    def filtered(self, filters: PipelineFilter) -> list[OpportunityRecord]:
        """The pipeline as ``filters`` narrow it, by expected close then name."""
        records = self.pipeline(
            account_id=filters.account_id,
            stages=calc.OPEN_STAGES if filters.open_only else (),
            owner_id=filters.owner_id,
        )
        return [record for record in records if filters.accepts(record)]

    def by_stage(self, records: Sequence[OpportunityRecord]) -> list[calc.StageTotal]:
        return calc.pipeline_by_stage(
            (calc.Stage(r.stage), Currency.get(r.currency), r.amount, r.probability)
            for r in records
        )
