"""Account plans: one per account and year, with their sections, snapshots and templates.

Every call is one transaction and returns what undo needs:

- plan fields: :meth:`PlanService.update` returns a ``Change`` (``UpdateCommand`` takes it);
- list sections (:class:`PlanSection`: SWOT items, objectives, KPIs, actions, whitespace rows
  and columns, risks, relationship goals, reviews): :meth:`~PlanService.add_item` takes an
  ``item_id`` so redo re-creates the same row, :meth:`~PlanService.update_item` returns a
  ``Change``, :meth:`~PlanService.delete_item` returns a :class:`RemovedItem` (every value of
  the row, the whitespace cells of a removed row or column, the KPIs and actions that pointed
  at a removed objective) that :meth:`~PlanService.restore_item` puts back with the same ids,
  and :meth:`~PlanService.move_item` returns the index the item had;
- whitespace cells: :meth:`~PlanService.set_cell` returns the cell's previous state for
  :meth:`~PlanService.restore_cell`;
- a new plan: undo is :meth:`~PlanService.purge`, which returns the whole plan
  (:class:`RemovedPlan`) that :meth:`~PlanService.reinsert` brings back with the same ids;
- snapshots: :meth:`~PlanService.delete_snapshot` / :meth:`~PlanService.restore_snapshot`.

A deleted plan is soft-deleted and listed under Deleted items (kind ``account_plan``);
restoring it is refused while another live plan holds its account and year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as account_rules
from keyplan.domain import plans as rules
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.money import Currency
from keyplan.services.base import (
    Cleaner,
    EntityService,
    clean_day,
    clean_required_day,
    live_account,
)
from keyplan.services.plan_records import (
    AxisRecord,
    CellRecord,
    GoalRecord,
    KpiRecord,
    ObjectiveRecord,
    PlanActionRecord,
    PlanRecord,
    PlanSummary,
    ReviewRecord,
    RiskRecord,
    SnapshotRecord,
    SwotItemRecord,
    plan_from_json,
    plan_to_json,
)
from keyplan.services.plan_templates import PlanTemplateService, TemplateChoice
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.services.records import Change
from keyplan.store.models import (
    Account,
    AccountPlan,
    Contact,
    PlanAction,
    PlanKpi,
    PlanObjective,
    PlanRelationshipGoal,
    PlanReview,
    PlanRisk,
    PlanSnapshot,
    PlanSwotItem,
    PlanWhitespaceAxis,
    PlanWhitespaceCell,
    TeamMember,
)
from keyplan.store.types import utc_now

__all__ = [
    "CellChange",
    "PlanSection",
    "PlanService",
    "RemovedItem",
    "RemovedPlan",
    "RemovedSnapshot",
]

MAX_SEGMENTS_FROM_ACCOUNTS = 12
"""A new plan takes the account's business units as whitespace columns, at most this many."""


class PlanSection(StrEnum):
    SWOT = "swot"
    OBJECTIVE = "objective"
    KPI = "kpi"
    ACTION = "action"
    WHITESPACE_AXIS = "whitespace_axis"
    RISK = "risk"
    RELATIONSHIP_GOAL = "relationship_goal"
    REVIEW = "review"


@dataclass(frozen=True)
class RemovedItem:
    """A deleted list item: enough to put it back exactly (same id and position)."""

    section: str
    plan_id: int
    values: Mapping[str, Any]  # every column, id and position included
    cells: tuple[Mapping[str, Any], ...] = ()  # the cells of a removed whitespace row/column
    linked: tuple[tuple[str, int], ...] = ()  # (section, id) that pointed at an objective


@dataclass(frozen=True)
class CellChange:
    """What :meth:`PlanService.set_cell` replaced: (status, note), or None (no cell)."""

    service_id: int
    segment_id: int
    before: tuple[str, str] | None
    after: tuple[str, str] | None


@dataclass(frozen=True)
class RemovedSnapshot:
    values: Mapping[str, Any]


@dataclass(frozen=True)
class RemovedPlan:
    """Every row of a purged plan: :meth:`PlanService.reinsert` brings them back."""

    plan: Mapping[str, Any]
    rows: tuple[tuple[str, Mapping[str, Any]], ...] = field(default=())  # (table, values)


# -- cleaners ------------------------------------------------------------------------------------


def _required_text(value: Any, field: str, what: str, most: int = 4000) -> str:
    text = account_rules.clean_text(str(value or ""), field, max_length=most)
    if not text:
        raise ValidationError(field, f"Write the {what}.")
    return text


def _text(value: Any, field: str, most: int = account_rules.TEXT_MAX) -> str:
    return account_rules.clean_text(str(value or ""), field, max_length=most)


def _line(value: Any, field: str, most: int) -> str:
    return account_rules.clean_line(str(value or ""), field, max_length=most)


def _required_line(value: Any, field: str, most: int) -> str:
    return account_rules.clean_name(str(value or ""), field, max_length=most)


def _enum(kind: type[StrEnum], value: Any, field: str) -> str:
    return account_rules.clean_enum(kind, str(value), field).value


def _rating(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(field, "Choose a value from 1 to 5.")
    return value


def _optional_rating(value: Any, field: str) -> int | None:
    return None if value is None else _rating(value, field)


def _ref(value: Any, field: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(field, "Choose one from the list.")
    return value


def _required_ref(value: Any, field: str) -> int:
    checked = _ref(value, field)
    if checked is None:
        raise ValidationError(field, "Choose one from the list.")
    return checked


def _kpi_number(value: Any, field: str) -> Decimal | None:
    return rules.clean_kpi_number(value, field)


def _revenue(value: Any) -> Decimal | None:
    amount = rules.clean_kpi_number(value, "revenue_target")
    if amount is not None and amount < 0:
        raise ValidationError("revenue_target", "Enter the revenue target, 0 or more.")
    return amount


@dataclass(frozen=True)
class _Spec:
    """How one list section is stored and checked."""

    model: type[Any]
    cleaners: Mapping[str, Cleaner]
    required: tuple[str, ...]  # fields an added item must have
    scope: tuple[str, ...] = ()  # columns that group positions (the SWOT quadrant, the axis)
    ordered: bool = True  # has a position column
    fixed: tuple[str, ...] = ()  # fields set when added and never changed after


_SPECS: Mapping[PlanSection, _Spec] = {
    PlanSection.SWOT: _Spec(
        PlanSwotItem,
        {
            "quadrant": partial(_enum, rules.SwotQuadrant, field="quadrant"),
            "text": partial(_required_text, field="text", what="item", most=2000),
        },
        ("quadrant", "text"),
        scope=("quadrant",),
    ),
    PlanSection.OBJECTIVE: _Spec(
        PlanObjective,
        {
            "statement": partial(_required_text, field="statement", what="objective", most=2000),
            "owner_id": partial(_ref, field="owner_id"),
            "due": partial(clean_day, field="due"),
            "status": partial(_enum, rules.ObjectiveStatus, field="status"),
        },
        ("statement",),
    ),
    PlanSection.KPI: _Spec(
        PlanKpi,
        {
            "objective_id": partial(_ref, field="objective_id"),
            "metric": partial(_required_line, field="metric", most=200),
            "unit": partial(_line, field="unit", most=20),
            "period": partial(rules.clean_kpi_period, field="period"),
            "baseline": partial(_kpi_number, field="baseline"),
            "target": partial(_kpi_number, field="target"),
            "actual": partial(_kpi_number, field="actual"),
            "due": partial(clean_day, field="due"),
        },
        ("metric",),
    ),
    PlanSection.ACTION: _Spec(
        PlanAction,
        {
            "objective_id": partial(_ref, field="objective_id"),
            "description": partial(_required_text, field="description", what="action", most=2000),
            "owner_id": partial(_ref, field="owner_id"),
            "due": partial(clean_day, field="due"),
            "status": partial(_enum, rules.ActionStatus, field="status"),
        },
        ("description",),
    ),
    PlanSection.WHITESPACE_AXIS: _Spec(
        PlanWhitespaceAxis,
        {
            "axis": partial(_enum, rules.WhitespaceAxis, field="axis"),
            "label": partial(_required_line, field="label", most=120),
        },
        ("axis", "label"),
        scope=("axis",),
        fixed=("axis",),
    ),
    PlanSection.RISK: _Spec(
        PlanRisk,
        {
            "description": partial(_required_text, field="description", what="risk", most=2000),
            "likelihood": partial(_rating, field="likelihood"),
            "impact": partial(_rating, field="impact"),
            "mitigation": partial(_text, field="mitigation", most=4000),
            "owner_id": partial(_ref, field="owner_id"),
            "status": partial(_enum, rules.RiskStatus, field="status"),
        },
        ("description",),
    ),
    PlanSection.RELATIONSHIP_GOAL: _Spec(
        PlanRelationshipGoal,
        {
            "contact_id": partial(_required_ref, field="contact_id"),
            "goal": partial(_text, field="goal", most=2000),
            "target_strength": partial(_optional_rating, field="target_strength"),
        },
        ("contact_id",),
        ordered=False,
        fixed=("contact_id",),
    ),
    PlanSection.REVIEW: _Spec(
        PlanReview,
        {
            "reviewed_on": partial(clean_required_day, field="reviewed_on"),
            "reviewer": partial(_required_line, field="reviewer", most=200),
            "notes": partial(_text, field="notes", most=8000),
        },
        ("reviewed_on", "reviewer"),
        ordered=False,
    ),
}

_PLAN_CLEANERS: Mapping[str, Cleaner] = {
    "status": partial(_enum, rules.PlanStatus, field="status"),
    "year": partial(rules.clean_year, field="year"),
    "situation": partial(_text, field="situation"),
    "vision": partial(_text, field="vision"),
    "strategies": partial(_text, field="strategies"),
    "internal_notes": partial(_text, field="internal_notes"),
    "revenue_target": _revenue,
}

# the tables below a plan, in the order reinsert puts them back (parents first)
_CHILD_TABLES: tuple[tuple[str, type[Any]], ...] = (
    ("swot", PlanSwotItem),
    ("objective", PlanObjective),
    ("kpi", PlanKpi),
    ("action", PlanAction),
    ("axis", PlanWhitespaceAxis),
    ("cell", PlanWhitespaceCell),
    ("risk", PlanRisk),
    ("goal", PlanRelationshipGoal),
    ("review", PlanReview),
    ("snapshot", PlanSnapshot),
)


def _values(row: Any) -> dict[str, Any]:
    """Every column of an ORM row (to put it back later)."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _subtree(session: Session, account_id: int) -> list[int]:
    """The live accounts under ``account_id`` (its business units and subsidiaries)."""
    found: list[int] = []
    frontier = [account_id]
    while frontier:
        kids = list(
            session.scalars(
                select(Account.id).where(
                    Account.parent_id.in_(frontier), Account.deleted_at.is_(None)
                )
            ).all()
        )
        found.extend(kids)
        frontier = kids
    return found


def _section(value: PlanSection | str) -> PlanSection:
    try:
        return PlanSection(value)
    except ValueError:
        raise ValidationError("section", f"'{value}' is not a section of a plan.") from None


class PlanService(EntityService[AccountPlan]):
    """Account plans (the facade's ``services.plans``); ``templates`` are the plan templates."""

    model = AccountPlan
    label = "account plan"
    deleted_kind = "account_plan"
    cleaners: ClassVar[Mapping[str, Cleaner]] = _PLAN_CLEANERS

    def __init__(self, workspace: Any) -> None:
        super().__init__(workspace)
        self.templates = PlanTemplateService(workspace)

    # -- helpers -----------------------------------------------------------------------------

    def deleted_name(self, row: Any) -> str:
        return f"Account plan {row.year}"

    @staticmethod
    def _check_year_free(
        session: Session, account_id: int, year: int, plan_id: int | None = None
    ) -> None:
        clash = session.scalar(
            select(AccountPlan.id).where(
                AccountPlan.account_id == account_id,
                AccountPlan.year == year,
                AccountPlan.deleted_at.is_(None),
                AccountPlan.id != (plan_id or -1),
            )
        )
        if clash is not None:
            account = session.get(Account, account_id)
            name = account.name if account else "The account"
            raise ValidationError(
                "year",
                f"{name} already has a plan for {year}: open it, or delete it first.",
            )

    def _plan_of(self, session: Session, model: type[Any], item_id: int) -> tuple[Any, Any]:
        """A section row and the live plan it belongs to."""
        row = session.get(model, item_id)
        if row is None:
            raise NotFoundError(f"No such item in the plan (id {item_id}).")
        plan_id = row.plan_id if hasattr(row, "plan_id") else None
        if plan_id is None:  # a cell: its plan through its row
            axis = session.get(PlanWhitespaceAxis, row.service_id)
            plan_id = axis.plan_id if axis else -1
        return row, self._get(session, plan_id)

    @staticmethod
    def _check_refs(session: Session, plan: AccountPlan, values: Mapping[str, Any]) -> None:
        owner = values.get("owner_id")
        if owner is not None:
            member = session.get(TeamMember, owner)
            if member is None or member.deleted_at is not None:
                raise ValidationError("owner_id", "Choose a member of the team.")
        objective = values.get("objective_id")
        if objective is not None:
            row = session.get(PlanObjective, objective)
            if row is None or row.plan_id != plan.id:
                raise ValidationError("objective_id", "Choose an objective of this plan.")
        contact_id = values.get("contact_id")
        if contact_id is not None:
            contact = session.get(Contact, contact_id)
            accounts = {plan.account_id, *_subtree(session, plan.account_id)}
            if (
                contact is None
                or contact.deleted_at is not None
                or contact.account_id not in accounts
            ):
                raise ValidationError("contact_id", "Choose a contact of this account.")

    @staticmethod
    def _check_unique(
        session: Session,
        section: PlanSection,
        plan: AccountPlan,
        values: Mapping[str, Any],
        row: Any = None,
    ) -> None:
        own = row.id if row is not None else -1
        if section is PlanSection.WHITESPACE_AXIS and "label" in values:
            axis = values.get("axis", row.axis if row is not None else "")
            labels = session.scalars(
                select(PlanWhitespaceAxis.label).where(
                    PlanWhitespaceAxis.plan_id == plan.id,
                    PlanWhitespaceAxis.axis == axis,
                    PlanWhitespaceAxis.id != own,
                )
            ).all()
            if values["label"].casefold() in {label.casefold() for label in labels}:
                what = "row" if axis == rules.WhitespaceAxis.SERVICE else "column"
                raise ValidationError("label", f"There is already a {what} '{values['label']}'.")
        if section is PlanSection.RELATIONSHIP_GOAL and "contact_id" in values:
            clash = session.scalar(
                select(PlanRelationshipGoal.id).where(
                    PlanRelationshipGoal.plan_id == plan.id,
                    PlanRelationshipGoal.contact_id == values["contact_id"],
                    PlanRelationshipGoal.id != own,
                )
            )
            if clash is not None:
                contact = session.get(Contact, values["contact_id"])
                name = contact.name if contact else "this contact"
                raise ValidationError("contact_id", f"There is already a goal for {name}.")

    @staticmethod
    def _clean_values(spec: _Spec, values: Mapping[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for name, value in values.items():
            cleaner = spec.cleaners.get(name)
            if cleaner is None:
                raise ValidationError(name, f"{name} cannot be set on this item.")
            cleaned[name] = cleaner(value)
        return cleaned

    @staticmethod
    def _scope_rows(
        session: Session, spec: _Spec, plan_id: int, scope: Mapping[str, Any]
    ) -> list[Any]:
        model = spec.model
        query = select(model).where(model.plan_id == plan_id)
        for name in spec.scope:
            query = query.where(getattr(model, name) == scope[name])
        return list(session.scalars(query.order_by(model.position, model.id)).all())

    # -- the plan ------------------------------------------------------------------------------

    def create_plan(
        self,
        account_id: int,
        year: int,
        template: TemplateChoice = None,
        *,
        status: str = rules.PlanStatus.DRAFT.value,
        plan_id: int | None = None,
    ) -> int:
        """A plan for ``account_id`` and ``year``, filled from ``template`` (a user template's
        id, a template's name, its content, or None for a blank plan). One live plan per
        account and year: another is refused with a ``ValidationError`` on "year"."""
        year = rules.clean_year(year)
        status = _enum(rules.PlanStatus, status, "status")
        content = self.templates.resolve(template)
        with self.workspace.transaction() as session:
            account = live_account(session, account_id)
            self._check_year_free(session, account_id, year)
            plan = AccountPlan(
                id=plan_id,
                account_id=account_id,
                year=year,
                status=status,
                template=content.name if content else "",
                currency=account.currency,
            )
            if content is not None:
                plan.situation = content.situation
                plan.vision = content.vision
                plan.strategies = content.strategies
            session.add(plan)
            session.flush()
            if content is not None:
                self._fill(session, plan, content)
            return plan.id

    def _fill(self, session: Session, plan: AccountPlan, content: rules.TemplateContent) -> None:
        for quadrant, texts in content.swot.items():
            for position, text in enumerate(texts, 1):
                session.add(
                    PlanSwotItem(plan_id=plan.id, quadrant=quadrant, text=text, position=position)
                )
        kpi_position = 0
        for position, objective in enumerate(content.objectives, 1):
            row = PlanObjective(plan_id=plan.id, statement=objective.statement, position=position)
            session.add(row)
            session.flush()
            for kpi in objective.kpis:
                kpi_position += 1
                unit = plan.currency if kpi.unit == rules.CURRENCY_UNIT else kpi.unit
                session.add(
                    PlanKpi(
                        plan_id=plan.id,
                        objective_id=row.id,
                        metric=kpi.metric,
                        unit=unit,
                        baseline=kpi.baseline,
                        target=kpi.target,
                        position=kpi_position,
                    )
                )
        for position, text in enumerate(content.actions, 1):
            session.add(PlanAction(plan_id=plan.id, description=text, position=position))
        units = session.scalars(
            select(Account.name)
            .where(Account.parent_id == plan.account_id, Account.deleted_at.is_(None))
            .order_by(func.lower(Account.name))
        ).all()
        segments = tuple(units[:MAX_SEGMENTS_FROM_ACCOUNTS]) or content.segments
        for axis, labels in (
            (rules.WhitespaceAxis.SERVICE, content.services),
            (rules.WhitespaceAxis.SEGMENT, segments),
        ):
            seen: set[str] = set()
            for label in labels:
                if label.casefold() in seen:
                    continue
                seen.add(label.casefold())
                session.add(
                    PlanWhitespaceAxis(
                        plan_id=plan.id, axis=axis.value, label=label[:120], position=len(seen)
                    )
                )
        for position, risk in enumerate(content.risks, 1):
            session.add(
                PlanRisk(
                    plan_id=plan.id,
                    description=risk.description,
                    likelihood=risk.likelihood,
                    impact=risk.impact,
                    mitigation=risk.mitigation,
                    position=position,
                )
            )

    def update(self, entity_id: int, changes: Mapping[str, Any], *, exact: bool = False) -> Change:
        """Edit the plan's own fields (status, year, situation, vision, strategies,
        revenue_target, internal_notes); returns the change for undo."""
        cleaned = self._clean(changes)
        with self.workspace.transaction() as session:
            row = self._get(session, entity_id)
            if "year" in cleaned:
                self._check_year_free(session, row.account_id, cleaned["year"], row.id)
            currency = Currency.get(row.currency)
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, value in cleaned.items():
                if name == "revenue_target":
                    minor = None if value is None else to_minor(value, currency, name)
                    if minor != row.revenue_target_minor:
                        old = row.revenue_target_minor
                        before[name] = None if old is None else from_minor(old, currency)
                        after[name] = None if minor is None else from_minor(minor, currency)
                        row.revenue_target_minor = minor
                    continue
                old_value = getattr(row, name)
                if old_value != value:
                    before[name], after[name] = old_value, value
                    setattr(row, name, value)
        return Change(before, after)

    def restore(self, deletion_id: str) -> list[int]:
        """Bring back a deleted plan, unless another live plan has its account and year."""
        with self.workspace.transaction() as session:
            rows = session.scalars(
                select(AccountPlan).where(AccountPlan.deletion_id == deletion_id)
            ).all()
            if not rows:
                raise NotFoundError("Nothing to restore: it was restored already.")
            for row in rows:
                self._check_year_free(session, row.account_id, row.year, row.id)
            return self._restore_rows(session, deletion_id)

    def purge(self, plan_id: int) -> RemovedPlan:
        """Remove a plan and everything in it for good (undo of its creation); returns all of
        it for :meth:`reinsert`."""
        with self.workspace.transaction() as session:
            plan = self._get(session, plan_id, deleted_ok=True)
            axis_ids = select(PlanWhitespaceAxis.id).where(PlanWhitespaceAxis.plan_id == plan_id)
            rows: list[tuple[str, Mapping[str, Any]]] = []
            for table, model in _CHILD_TABLES:
                if model is PlanWhitespaceCell:
                    query = select(model).where(model.service_id.in_(axis_ids))
                else:
                    query = select(model).where(model.plan_id == plan_id)
                for row in session.scalars(query.order_by(model.id)).all():
                    rows.append((table, _values(row)))
            removed = RemovedPlan(_values(plan), tuple(rows))
            for table, model in reversed(_CHILD_TABLES):  # children first, in SQL order
                ids = [values["id"] for name, values in rows if name == table]
                if ids:
                    session.execute(delete(model).where(model.id.in_(ids)))
            session.delete(plan)
            return removed

    def reinsert(self, removed: RemovedPlan) -> int:
        """Put back a purged plan with the same ids (redo of its creation)."""
        models = dict(_CHILD_TABLES)
        with self.workspace.transaction() as session:
            values = dict(removed.plan)
            live_account(session, values["account_id"])
            if values.get("deleted_at") is None:
                self._check_year_free(session, values["account_id"], values["year"])
            session.add(AccountPlan(**values))
            session.flush()
            for table, row in removed.rows:
                session.add(models[table](**row))
                session.flush()
            return int(values["id"])

    # -- list sections -------------------------------------------------------------------------

    def add_item(
        self,
        section: PlanSection | str,
        plan_id: int,
        values: Mapping[str, Any],
        *,
        item_id: int | None = None,
    ) -> int:
        """Add an item to a section of the plan (at its end); ``item_id`` re-creates a removed
        one with its id (redo). Returns the new item's id."""
        kind = _section(section)
        spec = _SPECS[kind]
        cleaned = self._clean_values(spec, values)
        for name in spec.required:
            if name not in cleaned:
                raise ValidationError(name, f"{name.replace('_', ' ').capitalize()} is required.")
        with self.workspace.transaction() as session:
            plan = self._get(session, plan_id)
            self._check_refs(session, plan, cleaned)
            self._check_unique(session, kind, plan, cleaned)
            if spec.ordered:
                last = self._scope_rows(session, spec, plan.id, cleaned)
                cleaned["position"] = (last[-1].position if last else 0) + 1
            row = spec.model(id=item_id, plan_id=plan.id, **cleaned)
            session.add(row)
            session.flush()
            plan.updated_at = utc_now()
            return int(row.id)

    def update_item(
        self,
        section: PlanSection | str,
        item_id: int,
        changes: Mapping[str, Any],
        *,
        exact: bool = False,
    ) -> Change:
        """Edit fields of an item; returns the change for undo. A SWOT item moved to another
        quadrant goes to its end (its position is in the change, so undo puts it back)."""
        kind = _section(section)
        spec = _SPECS[kind]
        position = changes.get("position") if exact else None
        cleaned = self._clean_values(spec, {k: v for k, v in changes.items() if k != "position"})
        with self.workspace.transaction() as session:
            row, plan = self._plan_of(session, spec.model, item_id)
            for name in spec.fixed:
                if name in cleaned and cleaned[name] != getattr(row, name):
                    raise ValidationError(name, f"The {name.replace('_', ' ')} cannot be changed.")
            self._check_refs(session, plan, cleaned)
            self._check_unique(session, kind, plan, cleaned, row)
            if isinstance(position, int) and not isinstance(position, bool):
                cleaned["position"] = position
            elif spec.scope and any(
                name in cleaned and cleaned[name] != getattr(row, name) for name in spec.scope
            ):
                scope = {name: cleaned.get(name, getattr(row, name)) for name in spec.scope}
                last = self._scope_rows(session, spec, plan.id, scope)
                cleaned["position"] = (last[-1].position if last else 0) + 1
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, value in cleaned.items():
                old = getattr(row, name)
                if old != value:
                    before[name], after[name] = old, value
                    setattr(row, name, value)
            if after:
                plan.updated_at = utc_now()
        return Change(before, after)

    def delete_item(self, section: PlanSection | str, item_id: int) -> RemovedItem:
        """Remove an item (and the cells of a whitespace row or column); returns it all for
        :meth:`restore_item`."""
        kind = _section(section)
        spec = _SPECS[kind]
        with self.workspace.transaction() as session:
            row, plan = self._plan_of(session, spec.model, item_id)
            values = _values(row)
            cells: list[Mapping[str, Any]] = []
            linked: list[tuple[str, int]] = []
            if kind is PlanSection.WHITESPACE_AXIS:
                column = (
                    PlanWhitespaceCell.service_id
                    if row.axis == rules.WhitespaceAxis.SERVICE
                    else PlanWhitespaceCell.segment_id
                )
                for cell in session.scalars(select(PlanWhitespaceCell).where(column == row.id)):
                    cells.append(_values(cell))
                    session.delete(cell)
            if kind is PlanSection.OBJECTIVE:
                children: tuple[tuple[PlanSection, Any], ...] = (
                    (PlanSection.KPI, PlanKpi),
                    (PlanSection.ACTION, PlanAction),
                )
                for name, model in children:
                    for child in session.scalars(select(model).where(model.objective_id == row.id)):
                        linked.append((name.value, child.id))
                        child.objective_id = None
            session.flush()
            session.delete(row)
            plan.updated_at = utc_now()
            return RemovedItem(kind.value, plan.id, values, tuple(cells), tuple(linked))

    def restore_item(self, removed: RemovedItem) -> int:
        """Put a removed item back with its id and position (undo of a delete)."""
        kind = _section(removed.section)
        spec = _SPECS[kind]
        with self.workspace.transaction() as session:
            plan = self._get(session, removed.plan_id)
            session.add(spec.model(**removed.values))
            session.flush()
            for cell in removed.cells:
                session.add(PlanWhitespaceCell(**cell))
            for name, child_id in removed.linked:
                model: Any = PlanKpi if name == PlanSection.KPI else PlanAction
                child = session.get(model, child_id)
                if child is not None:
                    child.objective_id = removed.values["id"]
            plan.updated_at = utc_now()
            return int(removed.values["id"])

    def move_item(self, section: PlanSection | str, item_id: int, index: int) -> int:
        """Move an item to ``index`` (0 = first) among its siblings (its SWOT quadrant, its
        whitespace axis, else the plan's list); returns the index it had, for undo."""
        kind = _section(section)
        spec = _SPECS[kind]
        if not spec.ordered:
            raise ValidationError("section", "The items of this section are not ordered by hand.")
        with self.workspace.transaction() as session:
            row, plan = self._plan_of(session, spec.model, item_id)
            siblings = self._scope_rows(
                session, spec, plan.id, {name: getattr(row, name) for name in spec.scope}
            )
            old = next(i for i, sibling in enumerate(siblings) if sibling.id == row.id)
            siblings.pop(old)
            siblings.insert(max(0, min(index, len(siblings))), row)
            for position, sibling in enumerate(siblings, 1):
                sibling.position = position
            plan.updated_at = utc_now()
            return old

    # -- whitespace cells ----------------------------------------------------------------------

    def set_cell(
        self, service_id: int, segment_id: int, status: str, note: str | None = None
    ) -> CellChange:
        """Set a whitespace cell's status (and note, when given); returns what it replaced."""
        status = _enum(rules.WhitespaceStatus, status, "status")
        with self.workspace.transaction() as session:
            cell = self._cell(session, service_id, segment_id)
            before = (cell.status, cell.note) if cell is not None else None
            after = (
                status,
                _text(note, "note", 2000) if note is not None else (before or ("", ""))[1],
            )
        change = CellChange(service_id, segment_id, before, after)
        self.put_cell(service_id, segment_id, after)
        return change

    def put_cell(self, service_id: int, segment_id: int, state: tuple[str, str] | None) -> None:
        """Make a cell exactly ``state`` (status, note), or remove it (None): undo and redo."""
        with self.workspace.transaction() as session:
            service = session.get(PlanWhitespaceAxis, service_id)
            segment = session.get(PlanWhitespaceAxis, segment_id)
            if (
                service is None
                or segment is None
                or service.axis != rules.WhitespaceAxis.SERVICE
                or segment.axis != rules.WhitespaceAxis.SEGMENT
                or service.plan_id != segment.plan_id
            ):
                raise ValidationError("cell", "Choose a row and a column of the same plan.")
            plan = self._get(session, service.plan_id)
            cell = self._cell(session, service_id, segment_id)
            if state is None:
                if cell is not None:
                    session.delete(cell)
            else:
                status = _enum(rules.WhitespaceStatus, state[0], "status")
                note = _text(state[1], "note", 2000)
                if cell is None:
                    session.add(
                        PlanWhitespaceCell(
                            service_id=service_id, segment_id=segment_id, status=status, note=note
                        )
                    )
                else:
                    cell.status, cell.note = status, note
            plan.updated_at = utc_now()

    def restore_cell(self, change: CellChange) -> None:
        """Undo :meth:`set_cell`."""
        self.put_cell(change.service_id, change.segment_id, change.before)

    @staticmethod
    def _cell(session: Session, service_id: int, segment_id: int) -> PlanWhitespaceCell | None:
        return session.scalars(
            select(PlanWhitespaceCell).where(
                PlanWhitespaceCell.service_id == service_id,
                PlanWhitespaceCell.segment_id == segment_id,
            )
        ).first()

    # -- reading -------------------------------------------------------------------------------

    def _record(self, session: Session, plan: AccountPlan) -> PlanRecord:
        members = {m.id: m.name for m in session.scalars(select(TeamMember)).all()}

        def owner(member_id: int | None) -> str:
            return members.get(member_id, "") if member_id is not None else ""

        def rows(model: type[Any], *order: Any) -> list[Any]:
            query = select(model).where(model.plan_id == plan.id)
            return list(session.scalars(query.order_by(*order, model.id)).all())

        quadrants = {q.value: i for i, q in enumerate(rules.SwotQuadrant)}
        swot = sorted(
            rows(PlanSwotItem, PlanSwotItem.position), key=lambda r: quadrants.get(r.quadrant, 9)
        )
        axes = rows(PlanWhitespaceAxis, PlanWhitespaceAxis.position)
        axis_ids = [a.id for a in axes]
        cells = session.scalars(
            select(PlanWhitespaceCell)
            .where(PlanWhitespaceCell.service_id.in_(axis_ids))
            .order_by(PlanWhitespaceCell.id)
        ).all()
        goals = []
        for goal in rows(PlanRelationshipGoal):
            contact = session.get(Contact, goal.contact_id)
            if contact is None or contact.deleted_at is not None:
                continue
            goals.append(
                GoalRecord(
                    goal.id,
                    goal.contact_id,
                    contact.name,
                    contact.title,
                    contact.relationship_strength,
                    goal.target_strength,
                    goal.goal,
                )
            )
        goals.sort(key=lambda g: (g.contact_name.casefold(), g.id))
        account = session.get(Account, plan.account_id)
        currency = Currency.get(plan.currency)
        return PlanRecord(
            id=plan.id,
            account_id=plan.account_id,
            account_name=account.name if account else "",
            year=plan.year,
            status=plan.status,
            template=plan.template,
            situation=plan.situation,
            vision=plan.vision,
            strategies=plan.strategies,
            currency=plan.currency,
            revenue_target=None
            if plan.revenue_target_minor is None
            else from_minor(plan.revenue_target_minor, currency),
            internal_notes=plan.internal_notes,
            swot=tuple(SwotItemRecord(r.id, r.quadrant, r.text, r.position) for r in swot),
            objectives=tuple(
                ObjectiveRecord(
                    r.id, r.statement, r.owner_id, owner(r.owner_id), r.due, r.status, r.position
                )
                for r in rows(PlanObjective, PlanObjective.position)
            ),
            kpis=tuple(
                KpiRecord(
                    r.id,
                    r.objective_id,
                    r.metric,
                    r.unit,
                    r.period,
                    r.baseline,
                    r.target,
                    r.actual,
                    r.due,
                    r.position,
                )
                for r in rows(PlanKpi, PlanKpi.position)
            ),
            actions=tuple(
                PlanActionRecord(
                    r.id,
                    r.objective_id,
                    r.description,
                    r.owner_id,
                    owner(r.owner_id),
                    r.due,
                    r.status,
                    r.position,
                )
                for r in rows(PlanAction, PlanAction.position)
            ),
            services=tuple(
                AxisRecord(a.id, a.axis, a.label, a.position)
                for a in axes
                if a.axis == rules.WhitespaceAxis.SERVICE
            ),
            segments=tuple(
                AxisRecord(a.id, a.axis, a.label, a.position)
                for a in axes
                if a.axis == rules.WhitespaceAxis.SEGMENT
            ),
            cells=tuple(
                CellRecord(c.id, c.service_id, c.segment_id, c.status, c.note) for c in cells
            ),
            risks=tuple(
                RiskRecord(
                    r.id,
                    r.description,
                    r.likelihood,
                    r.impact,
                    r.mitigation,
                    r.owner_id,
                    owner(r.owner_id),
                    r.status,
                    r.position,
                )
                for r in rows(PlanRisk, PlanRisk.position)
            ),
            goals=tuple(goals),
            reviews=tuple(
                ReviewRecord(r.id, r.reviewed_on, r.reviewer, r.notes)
                for r in rows(PlanReview, PlanReview.reviewed_on)
            ),
            updated_at=plan.updated_at,
        )

    def get(self, plan_id: int) -> PlanRecord:
        """The whole plan as it is now."""
        with self.workspace.reading() as session:
            return self._record(session, self._get(session, plan_id))

    def find(self, account_id: int, year: int) -> int | None:
        """The live plan of ``account_id`` for ``year``, if there is one."""
        with self.workspace.reading() as session:
            return session.scalar(
                select(AccountPlan.id).where(
                    AccountPlan.account_id == account_id,
                    AccountPlan.year == year,
                    AccountPlan.deleted_at.is_(None),
                )
            )

    def _summaries(self, session: Session, plans: list[AccountPlan]) -> list[PlanSummary]:
        summaries = []
        for plan in plans:
            record = self._record(session, plan)
            score = record.completeness
            count = session.scalar(
                select(func.count())
                .select_from(PlanSnapshot)
                .where(PlanSnapshot.plan_id == plan.id)
            )
            summaries.append(
                PlanSummary(
                    plan.id,
                    plan.account_id,
                    record.account_name,
                    plan.year,
                    plan.status,
                    plan.template,
                    score.score,
                    score.missing,
                    count or 0,
                    plan.updated_at,
                )
            )
        return summaries

    def plans_for(self, account_id: int) -> list[PlanSummary]:
        """The account's live plans, newest year first."""
        with self.workspace.reading() as session:
            plans = session.scalars(
                select(AccountPlan)
                .where(AccountPlan.account_id == account_id, AccountPlan.deleted_at.is_(None))
                .order_by(AccountPlan.year.desc())
            ).all()
            return self._summaries(session, list(plans))

    def all_plans(self, *, year: int | None = None) -> list[PlanSummary]:
        """Live plans of live accounts (of ``year`` when given), by account then newest year."""
        with self.workspace.reading() as session:
            query = (
                select(AccountPlan)
                .join(Account, Account.id == AccountPlan.account_id)
                .where(AccountPlan.deleted_at.is_(None), Account.deleted_at.is_(None))
                .order_by(func.lower(Account.name), AccountPlan.year.desc())
            )
            if year is not None:
                query = query.where(AccountPlan.year == year)
            return self._summaries(session, list(session.scalars(query).all()))

    def completeness(self, plan_id: int) -> rules.Completeness:
        return self.get(plan_id).completeness

    def prompts(self, plan_id: int) -> Mapping[str, str]:
        """Hints for the plan's empty sections, from the template it started from."""
        with self.workspace.reading() as session:
            name = self._get(session, plan_id).template
        return self.templates.prompts(name)

    # -- snapshots -----------------------------------------------------------------------------

    def snapshot(
        self, plan_id: int, taken_on: date, label: str = "", *, snapshot_id: int | None = None
    ) -> int:
        """Freeze the whole plan as it is now, dated ``taken_on`` (e.g. before a business
        review); returns the snapshot's id. Later edits never change it."""
        day = clean_required_day(taken_on, "taken_on")
        text = _line(label, "label", 200)
        with self.workspace.transaction() as session:
            plan = self._get(session, plan_id)
            content = plan_to_json(self._record(session, plan), taken_on=day, label=text)
            row = PlanSnapshot(
                id=snapshot_id, plan_id=plan.id, taken_on=day, label=text, content=content
            )
            session.add(row)
            session.flush()
            return row.id

    def snapshots(self, plan_id: int) -> list[SnapshotRecord]:
        """The plan's snapshots, newest first."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(PlanSnapshot)
                .where(PlanSnapshot.plan_id == plan_id)
                .order_by(PlanSnapshot.taken_on.desc(), PlanSnapshot.id.desc())
            ).all()
            return [
                SnapshotRecord(r.id, r.plan_id, r.taken_on, r.label, r.created_at) for r in rows
            ]

    def snapshot_document(self, snapshot_id: int) -> PlanRecord:
        """The plan exactly as it was frozen."""
        with self.workspace.reading() as session:
            row = session.get(PlanSnapshot, snapshot_id)
            if row is None:
                raise NotFoundError(f"No snapshot with id {snapshot_id}.")
            return plan_from_json(row.content)

    def delete_snapshot(self, snapshot_id: int) -> RemovedSnapshot:
        with self.workspace.transaction() as session:
            row = session.get(PlanSnapshot, snapshot_id)
            if row is None:
                raise NotFoundError(f"No snapshot with id {snapshot_id}.")
            removed = RemovedSnapshot(_values(row))
            session.delete(row)
            return removed

    def restore_snapshot(self, removed: RemovedSnapshot) -> int:
        with self.workspace.transaction() as session:
            self._get(session, removed.values["plan_id"])
            session.add(PlanSnapshot(**removed.values))
            return int(removed.values["id"])
