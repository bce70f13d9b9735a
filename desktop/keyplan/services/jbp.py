"""Joint business plans: the plan itself, its objectives, measures (growth targets and KPIs),
investments and activities, and its quarterly and monthly plans (QBPs and MBPs).

One live JBP per account and year. Every call is one transaction and returns what undo needs:
an update returns a :class:`~keyplan.services.records.Change` (``update_*(..., exact=True)``
puts a former state back), a create takes the id to re-create with (redo), a delete of a part
returns the :class:`RemovedRows` that :meth:`JbpService.restore_rows` puts back, and deleting
the plan is a soft delete listed in Deleted items (kind "jbp").

Sign-off: a plan whose status is signed, active or closed has both signatures (names and
dates); setting such a status without them, or clearing one while it holds, is refused with a
message that says what is missing.

:meth:`JbpService.derive_periods` creates the QBPs or MBPs with the year's targets split (see
:mod:`keyplan.domain.jbp`). Deriving again replaces the derived targets but never an actual,
a commentary or an action; :meth:`JbpService.preview_derivation` says beforehand how many
targets that already hold a value would change, so the UI can ask first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as text_rules
from keyplan.domain import jbp as rules
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.money import Currency
from keyplan.domain.periods import parse_period
from keyplan.services.base import (
    Cleaner,
    EntityService,
    clean_day,
    clean_required_day,
    live_account,
)
from keyplan.services.jbp_records import (
    ActivityDraft,
    BusinessReview,
    InvestmentDraft,
    JbpActivityRecord,
    JbpInvestmentRecord,
    JbpMeasureRecord,
    JbpObjectiveRecord,
    JbpPeriodActionRecord,
    JbpPeriodRecord,
    JbpPeriodValueRecord,
    JbpRecord,
    JbpSummary,
    MeasureDraft,
    ObjectiveDraft,
    PeriodActionDraft,
    PeriodDerivation,
    RemovedRows,
    ScorecardRow,
    business_review,
    scorecard,
)
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.services.records import Change
from keyplan.store.models import (
    Account,
    JbpActivity,
    JbpInvestment,
    JbpMeasure,
    JbpObjective,
    JbpPeriod,
    JbpPeriodAction,
    JbpPeriodValue,
    JointBusinessPlan,
)

__all__ = [
    "ActivityDraft",
    "InvestmentDraft",
    "JbpActivityRecord",
    "JbpRecord",
    "JbpService",
    "MeasureDraft",
    "ObjectiveDraft",
    "PeriodActionDraft",
    "PeriodDerivation",
    "RemovedRows",
]

_MAX = Decimal(10) ** 15
_SIGNATURES = {
    "client_signatory": "the client's signatory",
    "client_signed_on": "the day the client signed",
    "agency_signatory": "the agency's signatory",
    "agency_signed_on": "the day the agency signed",
}
_TABLES: dict[str, type[Any]] = {
    model.__tablename__: model
    for model in (
        JbpObjective,
        JbpMeasure,
        JbpInvestment,
        JbpActivity,
        JbpPeriod,
        JbpPeriodValue,
        JbpPeriodAction,
    )
}


# -- cleaners ------------------------------------------------------------------------------------


def _statement(value: str, field: str) -> str:
    text = text_rules.clean_text(value, field, max_length=2000)
    if not text:
        raise ValidationError(field, "Write what it is: it cannot be empty.")
    return text


def _number(value: Any, field: str) -> Decimal | None:
    """A measure's figure: an exact number below 10^15 with at most 4 decimals, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(field, "Enter a number.")
    number = Decimal(value)
    if not number.is_finite():
        raise ValidationError(field, "Enter a number.")
    if abs(number) >= _MAX:
        raise ValidationError(field, "The number is too large.")
    if rules.value_places(number) > 4:
        raise ValidationError(field, "Use at most 4 decimals.")
    return number


def _share(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError("client_share", "Enter the client's share as a percentage, 0 to 100.")
    return text_rules.clean_percent(value, "client_share")


def _enum(enum_type: Any, field: str) -> Cleaner:
    return lambda value: text_rules.clean_enum(enum_type, value, field).value


def _flag(value: Any) -> int:
    if not isinstance(value, bool | int) or value not in (0, 1):
        raise ValidationError("higher_is_better", "Choose whether higher or lower is better.")
    return int(value)


def _line(field: str, most: int = 200) -> Cleaner:
    return partial(text_rules.clean_line, field=field, max_length=most)


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2200:
        raise ValidationError("year", "Choose a year from 1990 to 2200.")
    return value


class _ActionStatus(StrEnum):
    """The statuses a QBP/MBP action may have (the table's check constraint)."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class _Part:
    """A table of a JBP's parts: its model, the column naming its parent, its cleaners."""

    model: type[Any]
    parent: str  # "jbp_id" or "period_id"
    label: str
    cleaners: Mapping[str, Cleaner]


_OBJECTIVES = _Part(
    JbpObjective,
    "jbp_id",
    "objective",
    {
        "statement": partial(_statement, field="statement"),
        "client_owner": _line("client_owner"),
        "agency_owner": _line("agency_owner"),
        "status": _enum(rules.ObjectiveStatus, "status"),
    },
)
_MEASURES = _Part(
    JbpMeasure,
    "jbp_id",
    "measure",
    {
        "name": partial(text_rules.clean_name, field="name"),
        "kind": _enum(rules.MeasureKind, "kind"),
        "metric": _enum(rules.Metric, "metric"),
        "unit": _line("unit", 20),
        "baseline": partial(_number, field="baseline"),
        "target": partial(_number, field="target"),
        "higher_is_better": _flag,
    },
)
_INVESTMENTS = _Part(
    JbpInvestment,
    "jbp_id",
    "investment",
    {
        "description": partial(_statement, field="description"),
        "funded_by": _enum(rules.Funder, "funded_by"),
        "client_share": _share,
        "currency": partial(text_rules.clean_currency, field="currency"),
        "amount": partial(_number, field="amount"),
        "starts_on": partial(clean_day, field="starts_on"),
        "ends_on": partial(clean_day, field="ends_on"),
    },
)
_ACTIVITIES = _Part(
    JbpActivity,
    "jbp_id",
    "activity",
    {
        "name": partial(text_rules.clean_name, field="name"),
        "kind": _enum(rules.ActivityKind, "kind"),
        "starts_on": partial(clean_required_day, field="starts_on"),
        "ends_on": partial(clean_day, field="ends_on"),
        "owner": _line("owner"),
        "status": _enum(rules.ActivityStatus, "status"),
    },
)
_PERIODS = _Part(
    JbpPeriod,
    "jbp_id",
    "period plan",
    {
        "focus": partial(text_rules.clean_text, field="focus", max_length=4000),
        "commentary": partial(text_rules.clean_text, field="commentary"),
    },
)
_ACTIONS = _Part(
    JbpPeriodAction,
    "period_id",
    "action",
    {
        "description": partial(_statement, field="description"),
        "owner": _line("owner"),
        "due": partial(clean_day, field="due"),
        "status": lambda value: text_rules.clean_enum(_ActionStatus, value, "status").value,
    },
)
_VALUE_CLEANERS: Mapping[str, Cleaner] = {
    "target": partial(_number, field="target"),
    "actual": partial(_number, field="actual"),
}


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _clean(
    part: _Part | None, cleaners: Mapping[str, Cleaner], changes: Mapping[str, Any]
) -> dict[str, Any]:
    label = part.label if part else "value"
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        cleaner = cleaners.get(name)
        if cleaner is None:
            raise ValidationError(name, f"{name} cannot be edited on a {label}.")
        cleaned[name] = cleaner(value)
    return cleaned


def _fits(value: Decimal | None, currency: Currency, field: str) -> None:
    """A money figure must have no more decimals than its currency."""
    if value is not None:
        to_minor(value, currency, field)


def _money_unit(metric: str, unit: str) -> Currency | None:
    """The currency of a money measure (its unit), None for other measures."""
    if not rules.is_money_metric(metric):
        return None
    try:
        return Currency.get(unit)
    except ValidationError:
        raise ValidationError(
            "unit", f"A {metric.replace('_', ' ')} measure is money: its unit is a currency code."
        ) from None


# -- the service ---------------------------------------------------------------------------------


class JbpService(EntityService[JointBusinessPlan]):
    model = JointBusinessPlan
    label = "joint business plan"
    deleted_kind = "jbp"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "title": partial(text_rules.clean_name, field="title"),
        "status": _enum(rules.JbpStatus, "status"),
        "phase": _enum(rules.Phase, "phase"),
        "vision": partial(text_rules.clean_text, field="vision", max_length=4000),
        "review_cadence": _enum(rules.ReviewCadence, "review_cadence"),
        "client_signatory": _line("client_signatory"),
        "client_signed_on": partial(clean_day, field="client_signed_on"),
        "agency_signatory": _line("agency_signatory"),
        "agency_signed_on": partial(clean_day, field="agency_signed_on"),
        "internal_notes": partial(text_rules.clean_text, field="internal_notes"),
    }

    # -- the plan -------------------------------------------------------------------------------

    def create(
        self,
        account_id: int,
        year: int,
        title: str = "",
        *,
        currency: str = "",
        vision: str = "",
        standard_targets: bool = True,
        jbp_id: int | None = None,
    ) -> int:
        """A draft JBP for the account's ``year`` (its currency unless ``currency``), with
        the standard growth targets (turnover, volume, cash margin, margin %) still empty
        unless ``standard_targets`` is false. ``jbp_id`` re-creates one (redo)."""
        year = _year(year)
        heading = text_rules.clean_name(title or f"Joint business plan {year}", "title")
        vision = text_rules.clean_text(vision, "vision", max_length=4000)
        with self.workspace.transaction() as session:
            account = live_account(session, account_id)
            code = text_rules.clean_currency(currency or account.currency)
            self._check_unique(session, account_id, year, account.name)
            row = JointBusinessPlan(
                id=jbp_id,
                account_id=account_id,
                year=year,
                title=heading,
                vision=vision,
                currency=code,
            )
            session.add(row)
            session.flush()
            if standard_targets:
                standard = (
                    ("Turnover", rules.Metric.TURNOVER),
                    ("Volume", rules.Metric.VOLUME),
                    ("Cash margin", rules.Metric.CASH_MARGIN),
                    ("Margin %", rules.Metric.MARGIN_PCT),
                )
                for position, (name, metric) in enumerate(standard):
                    session.add(
                        JbpMeasure(
                            jbp_id=row.id,
                            kind=rules.MeasureKind.TARGET.value,
                            metric=metric.value,
                            name=name,
                            unit=rules.default_unit(metric, code),
                            position=position,
                        )
                    )
            return row.id

    @staticmethod
    def _check_unique(
        session: Session, account_id: int, year: int, name: str, *, but: int | None = None
    ) -> None:
        query = select(JointBusinessPlan.id).where(
            JointBusinessPlan.account_id == account_id,
            JointBusinessPlan.year == year,
            JointBusinessPlan.deleted_at.is_(None),
        )
        if but is not None:
            query = query.where(JointBusinessPlan.id != but)
        if session.scalars(query).first() is not None:
            raise ValidationError("year", f"{name} already has a joint business plan for {year}.")

    def purge(self, jbp_id: int) -> None:
        """Remove a JBP and all its parts for good (the undo of :meth:`create`)."""
        with self.workspace.transaction() as session:
            session.delete(self._get(session, jbp_id, deleted_ok=True))

    def _restore_rows(self, session: Session, deletion_id: str) -> list[int]:
        rows = session.scalars(
            select(JointBusinessPlan).where(JointBusinessPlan.deletion_id == deletion_id)
        ).all()
        for row in rows:
            account = session.get(Account, row.account_id)
            self._check_unique(
                session, row.account_id, row.year, account.name if account else "", but=row.id
            )
        return super()._restore_rows(session, deletion_id)

    def deleted_name(self, row: Any) -> str:
        title = str(row.title)
        return title if str(row.year) in title else f"{title} ({row.year})"

    def _derive(
        self, session: Session, row: JointBusinessPlan, cleaned: dict[str, Any]
    ) -> dict[str, Any]:
        """A signed status needs both signatures and dates (and keeps them)."""
        state = {name: cleaned.get(name, getattr(row, name)) for name in (*_SIGNATURES, "status")}
        if rules.JbpStatus(state["status"]) not in rules.SIGNED_STATUSES:
            return cleaned
        missing = [name for name in _SIGNATURES if not state[name]]
        if not missing:
            return cleaned
        if "status" in cleaned and cleaned["status"] != row.status:
            names = [_SIGNATURES[name] for name in missing]
            wanted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            raise ValidationError(
                "status", f"A signed plan needs both signatures and dates: enter {wanted} first."
            )
        field = next(name for name in missing if name in cleaned)
        raise ValidationError(
            field,
            "The plan is signed: it keeps both signatures and dates. "
            "Set its status back to In negotiation to change this.",
        )

    def find(self, account_id: int, year: int) -> int | None:
        """The live JBP of the account for ``year``, if there is one."""
        with self.workspace.reading() as session:
            return session.scalars(
                select(JointBusinessPlan.id).where(
                    JointBusinessPlan.account_id == account_id,
                    JointBusinessPlan.year == year,
                    JointBusinessPlan.deleted_at.is_(None),
                )
            ).first()

    def for_account(self, account_id: int) -> list[JbpSummary]:
        """The account's live JBPs, newest year first."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(JointBusinessPlan)
                .where(
                    JointBusinessPlan.account_id == account_id,
                    JointBusinessPlan.deleted_at.is_(None),
                )
                .order_by(JointBusinessPlan.year.desc())
            ).all()
            return [
                JbpSummary(r.id, r.account_id, r.year, r.title, r.status, r.phase, r.currency)
                for r in rows
            ]

    def get(self, jbp_id: int) -> JbpRecord:
        with self.workspace.reading() as session:
            return self._record(session, self._get(session, jbp_id))

    def business_review(self, jbp_id: int, period: str) -> BusinessReview:
        """Plan against actual for the quarter ("2026-Q2") or month ("2026-05")."""
        return business_review(self.get(jbp_id), period)

    def scorecard(self, jbp_id: int) -> tuple[ScorecardRow, ...]:
        return scorecard(self.get(jbp_id))

    def activities_between(
        self, start: date, end: date, *, account_id: int | None = None
    ) -> list[JbpActivityRecord]:
        """Activities of live JBPs (of live accounts) that overlap ``start``..``end``; an
        activity without an end is the day it starts. By start, account, name."""
        with self.workspace.reading() as session:
            ends = func.coalesce(JbpActivity.ends_on, JbpActivity.starts_on)
            query = (
                select(JbpActivity, JointBusinessPlan.account_id, Account.name)
                .join(JointBusinessPlan, JointBusinessPlan.id == JbpActivity.jbp_id)
                .join(Account, Account.id == JointBusinessPlan.account_id)
                .where(
                    JointBusinessPlan.deleted_at.is_(None),
                    Account.deleted_at.is_(None),
                    JbpActivity.starts_on <= end,
                    ends >= start,
                )
            )
            if account_id is not None:
                query = query.where(JointBusinessPlan.account_id == account_id)
            records = [
                _activity(row, owner_id, name) for row, owner_id, name in session.execute(query)
            ]
        return sorted(records, key=lambda a: (a.starts_on, a.account_name.casefold(), a.name))

    # -- reading a plan -------------------------------------------------------------------------

    def _record(self, session: Session, row: JointBusinessPlan) -> JbpRecord:
        account = session.get(Account, row.account_id)
        account_name = account.name if account else ""

        def parts(model: Any, *order: Any) -> list[Any]:
            return list(
                session.scalars(
                    select(model).where(model.jbp_id == row.id).order_by(*order, model.id)
                ).all()
            )

        objectives = parts(JbpObjective, JbpObjective.position)
        kind_order = (JbpMeasure.kind != rules.MeasureKind.TARGET.value, JbpMeasure.position)
        measures = [_measure(m) for m in parts(JbpMeasure, *kind_order)]
        investments = [_investment(i) for i in parts(JbpInvestment, JbpInvestment.position)]
        activities = [
            _activity(a, row.account_id, account_name)
            for a in parts(JbpActivity, JbpActivity.starts_on, JbpActivity.position)
        ]
        periods = [self._period(session, p) for p in parts(JbpPeriod)]
        periods.sort(key=lambda p: (p.kind != "quarter", p.period))
        totals = rules.funder_totals(
            (i.funded_by, i.client_share, Currency.get(i.currency), i.amount) for i in investments
        )
        return JbpRecord(
            id=row.id,
            account_id=row.account_id,
            account_name=account_name,
            year=row.year,
            title=row.title,
            status=row.status,
            phase=row.phase,
            vision=row.vision,
            currency=row.currency,
            review_cadence=row.review_cadence,
            client_signatory=row.client_signatory,
            client_signed_on=row.client_signed_on,
            agency_signatory=row.agency_signatory,
            agency_signed_on=row.agency_signed_on,
            internal_notes=row.internal_notes,
            objectives=tuple(
                JbpObjectiveRecord(
                    o.id,
                    o.jbp_id,
                    o.statement,
                    o.client_owner,
                    o.agency_owner,
                    o.status,
                    o.position,
                )
                for o in objectives
            ),
            measures=tuple(measures),
            investments=tuple(investments),
            activities=tuple(activities),
            periods=tuple(periods),
            funder_totals=tuple(totals),
        )

    @staticmethod
    def _period(session: Session, row: JbpPeriod) -> JbpPeriodRecord:
        period = parse_period(row.period)
        values = session.scalars(
            select(JbpPeriodValue)
            .where(JbpPeriodValue.period_id == row.id)
            .order_by(JbpPeriodValue.measure_id)
        ).all()
        actions = session.scalars(
            select(JbpPeriodAction)
            .where(JbpPeriodAction.period_id == row.id)
            .order_by(JbpPeriodAction.position, JbpPeriodAction.id)
        ).all()
        return JbpPeriodRecord(
            id=row.id,
            jbp_id=row.jbp_id,
            period=period.code,
            kind=period.kind.value,
            label=period.label,
            starts_on=period.start,
            ends_on=period.end,
            focus=row.focus,
            commentary=row.commentary,
            values=tuple(JbpPeriodValueRecord(v.measure_id, v.target, v.actual) for v in values),
            actions=tuple(
                JbpPeriodActionRecord(
                    a.id, a.period_id, a.description, a.owner, a.due, a.status, a.position
                )
                for a in actions
            ),
        )

    # -- parts: objectives, measures, investments, activities -----------------------------------

    def _plan_of(self, session: Session, part: _Part, row: Any) -> JointBusinessPlan:
        """The live JBP a part belongs to (a deleted plan's parts cannot be changed)."""
        if part.parent == "jbp_id":
            return self._get(session, row.jbp_id)
        period = session.get(JbpPeriod, row.period_id)
        if period is None:
            raise NotFoundError(f"No period plan with id {row.period_id}.")
        return self._get(session, period.jbp_id)

    def _part(self, session: Session, part: _Part, item_id: int) -> tuple[Any, JointBusinessPlan]:
        row = session.get(part.model, item_id)
        if row is None:
            raise NotFoundError(f"No {part.label} with id {item_id}.")
        return row, self._plan_of(session, part, row)

    def _add(
        self, part: _Part, parent_id: int, values: Mapping[str, Any], item_id: int | None
    ) -> int:
        cleaned = _clean(part, part.cleaners, values)
        with self.workspace.transaction() as session:
            if part.parent == "jbp_id":
                plan = self._get(session, parent_id)
            else:
                period = session.get(JbpPeriod, parent_id)
                if period is None:
                    raise NotFoundError(f"No period plan with id {parent_id}.")
                plan = self._get(session, period.jbp_id)
            parent = getattr(part.model, part.parent)
            last = session.scalar(select(func.max(part.model.position)).where(parent == parent_id))
            row = part.model(id=item_id, position=0 if last is None else last + 1)
            setattr(row, part.parent, parent_id)
            self._apply(session, part, row, plan, cleaned, derive=True, new=True)
            session.add(row)
            session.flush()
            return int(row.id)

    def _update(self, part: _Part, item_id: int, changes: Mapping[str, Any], exact: bool) -> Change:
        cleaned = _clean(part, part.cleaners, changes)
        with self.workspace.transaction() as session:
            row, plan = self._part(session, part, item_id)
            before = {name: _read(row, name) for name in cleaned}
            extra = self._apply(session, part, row, plan, cleaned, derive=not exact, new=False)
            after = {name: _read(row, name) for name in (*cleaned, *extra)}
            for name in extra:
                before.setdefault(name, extra[name])
        changed = [name for name in after if before[name] != after[name]]
        return Change({n: before[n] for n in changed}, {n: after[n] for n in changed})

    def _apply(
        self,
        session: Session,
        part: _Part,
        row: Any,
        plan: JointBusinessPlan,
        cleaned: dict[str, Any],
        *,
        derive: bool,
        new: bool,
    ) -> dict[str, Any]:
        """Write ``cleaned`` on ``row`` and check the part's cross-field rules; returns the
        fields it changed on its own (name -> value before), which undo must put back too."""
        extra: dict[str, Any] = {}
        if part is _INVESTMENTS:
            extra = self._apply_investment(row, plan, cleaned, derive, new)
        elif part is _MEASURES:
            extra = self._apply_measure(session, row, plan, cleaned, derive, new)
        else:
            for name, value in cleaned.items():
                setattr(row, name, value)
        if part is _ACTIVITIES and row.ends_on is not None and row.ends_on < row.starts_on:
            field = (
                "starts_on" if "starts_on" in cleaned and "ends_on" not in cleaned else "ends_on"
            )
            raise ValidationError(field, "An activity cannot end before it starts.")
        return extra

    @staticmethod
    def _apply_measure(
        session: Session,
        row: JbpMeasure,
        plan: JointBusinessPlan,
        cleaned: dict[str, Any],
        derive: bool,
        new: bool,
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        old_metric = row.metric or rules.Metric.CUSTOM.value
        new_metric = cleaned.get("metric", old_metric)
        if derive and "unit" not in cleaned and ("metric" in cleaned or new):
            # a new metric brings its own unit unless the unit was one the user chose
            unit = row.unit or ""
            chosen = unit and unit != rules.default_unit(old_metric, plan.currency)
            fits = not rules.is_money_metric(new_metric) or _is_currency(unit)
            if new or not chosen or not fits:
                extra["unit"] = unit
                cleaned = {**cleaned, "unit": rules.default_unit(new_metric, plan.currency)}
        for name, value in cleaned.items():
            setattr(row, name, value)
        if row.kind is None:
            row.kind = rules.MeasureKind.TARGET.value
        currency = _money_unit(row.metric or "custom", row.unit or "")
        if currency is not None:
            row.unit = currency.code
            for field in ("baseline", "target"):
                _fits(getattr(row, field), currency, field)
            if not new:
                values = session.scalars(
                    select(JbpPeriodValue).where(JbpPeriodValue.measure_id == row.id)
                ).all()
                for value in values:
                    for field in ("target", "actual"):
                        try:
                            _fits(getattr(value, field), currency, field)
                        except ValidationError as exc:
                            raise ValidationError(
                                "unit", f"Its period figures do not fit: {exc.message}"
                            ) from None
        return {name: value for name, value in extra.items() if value != getattr(row, name)}

    @staticmethod
    def _apply_investment(
        row: JbpInvestment,
        plan: JointBusinessPlan,
        cleaned: dict[str, Any],
        derive: bool,
        new: bool,
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if new and "currency" not in cleaned:
            cleaned = {**cleaned, "currency": plan.currency}
        amount = cleaned.get("amount", None if new else _read(row, "amount"))
        if amount is None:
            amount = Decimal(0)
        if amount < 0:
            raise ValidationError("amount", "Enter the amount, 0 or more.")
        code = cleaned.get("currency", row.currency)
        currency = Currency.get(code)
        try:
            minor = to_minor(amount, currency, "amount")
        except ValidationError as exc:
            field = "amount" if "amount" in cleaned else "currency"
            raise ValidationError(field, exc.message) from None
        funder = cleaned.get("funded_by", row.funded_by or rules.Funder.SHARED.value)
        given = cleaned.get("client_share")
        if given is not None and funder != rules.Funder.SHARED:
            raise ValidationError(
                "client_share", "Only a shared investment has a client's share: choose Shared."
            )
        if derive:
            # a shared investment needs a share (half each to begin with); the others none
            wanted = cleaned.get("client_share", row.client_share)
            if funder == rules.Funder.SHARED and wanted is None:
                wanted = Decimal(50)
            elif funder != rules.Funder.SHARED:
                wanted = None
            if wanted != cleaned.get("client_share", row.client_share) or new:
                if not new and "client_share" not in cleaned:
                    extra["client_share"] = row.client_share
                cleaned = {**cleaned, "client_share": wanted}
        for name, value in cleaned.items():
            if name != "amount":
                setattr(row, name, value)
        row.funded_by = funder
        row.amount_minor = minor
        if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
            raise ValidationError("ends_on", "An investment's period cannot end before it starts.")
        return extra

    def _delete(self, part: _Part, item_id: int) -> RemovedRows:
        with self.workspace.transaction() as session:
            row, _plan = self._part(session, part, item_id)
            tables: list[tuple[str, tuple[dict[str, Any], ...]]] = [
                (part.model.__tablename__, (_columns(row),))
            ]
            dependents: list[tuple[type[Any], Any]] = []
            if part is _MEASURES:
                dependents.append((JbpPeriodValue, JbpPeriodValue.measure_id == item_id))
            if part is _PERIODS:
                dependents.append((JbpPeriodValue, JbpPeriodValue.period_id == item_id))
                dependents.append((JbpPeriodAction, JbpPeriodAction.period_id == item_id))
            for model, condition in dependents:
                rows = session.scalars(select(model).where(condition)).all()
                if rows:
                    tables.append((model.__tablename__, tuple(_columns(r) for r in rows)))
            session.delete(row)
        return RemovedRows(tuple(tables))

    def restore_rows(self, removed: RemovedRows) -> None:
        """Put back exactly what a delete of a part took away (the undo of ``delete_*``)."""
        with self.workspace.transaction() as session:
            for table, rows in removed.tables:
                model = _TABLES[table]
                for values in rows:
                    session.add(model(**values))
                session.flush()

    # objectives
    def add_objective(
        self, jbp_id: int, draft: ObjectiveDraft, *, objective_id: int | None = None
    ) -> int:
        return self._add(_OBJECTIVES, jbp_id, dataclasses.asdict(draft), objective_id)

    def update_objective(
        self, objective_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        return self._update(_OBJECTIVES, objective_id, changes, exact)

    def delete_objective(self, objective_id: int) -> RemovedRows:
        return self._delete(_OBJECTIVES, objective_id)

    # measures: growth targets and KPIs
    def add_measure(
        self, jbp_id: int, draft: MeasureDraft, *, measure_id: int | None = None
    ) -> int:
        values = dataclasses.asdict(draft)
        if values["unit"] is None:
            del values["unit"]
        return self._add(_MEASURES, jbp_id, values, measure_id)

    def update_measure(
        self, measure_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        return self._update(_MEASURES, measure_id, changes, exact)

    def delete_measure(self, measure_id: int) -> RemovedRows:
        """The measure and its figures in every QBP/MBP."""
        return self._delete(_MEASURES, measure_id)

    # investments
    def add_investment(
        self, jbp_id: int, draft: InvestmentDraft, *, investment_id: int | None = None
    ) -> int:
        values = dataclasses.asdict(draft)
        if not values["currency"]:
            del values["currency"]
        return self._add(_INVESTMENTS, jbp_id, values, investment_id)

    def update_investment(
        self, investment_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        return self._update(_INVESTMENTS, investment_id, changes, exact)

    def delete_investment(self, investment_id: int) -> RemovedRows:
        return self._delete(_INVESTMENTS, investment_id)

    # activities
    def add_activity(
        self, jbp_id: int, draft: ActivityDraft, *, activity_id: int | None = None
    ) -> int:
        return self._add(_ACTIVITIES, jbp_id, dataclasses.asdict(draft), activity_id)

    def update_activity(
        self, activity_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        return self._update(_ACTIVITIES, activity_id, changes, exact)

    def delete_activity(self, activity_id: int) -> RemovedRows:
        return self._delete(_ACTIVITIES, activity_id)

    # -- QBPs and MBPs --------------------------------------------------------------------------

    def derive_periods(
        self,
        jbp_id: int,
        grain: str = "quarter",
        profile: Sequence[Decimal | int] | None = None,
        *,
        again: PeriodDerivation | None = None,
    ) -> PeriodDerivation:
        """Create the QBPs (``grain`` "quarter") or MBPs ("month") of the plan's year that do
        not exist, and set their targets from the year's: split by ``profile`` (12 monthly or
        4 quarterly weights; None: evenly) or carried (ratios). Targets of measures without a
        year target, actuals, commentary and actions are left as they are.

        ``again`` replays an undone derivation with the same ids (redo)."""
        with self.workspace.transaction() as session:
            return self._derive_periods(session, jbp_id, grain, profile, again)

    def preview_derivation(
        self, jbp_id: int, grain: str = "quarter", profile: Sequence[Decimal | int] | None = None
    ) -> PeriodDerivation:
        """What :meth:`derive_periods` would do, without doing it (ids are not final)."""
        with self.workspace.reading() as session:
            return self._derive_periods(session, jbp_id, grain, profile, None)

    def _derive_periods(
        self,
        session: Session,
        jbp_id: int,
        grain: str,
        profile: Sequence[Decimal | int] | None,
        again: PeriodDerivation | None,
    ) -> PeriodDerivation:
        chosen = text_rules.clean_enum(rules.Grain, grain, "grain")
        plan = self._get(session, jbp_id)
        codes = rules.period_codes(plan.year, chosen)
        rules.profile_weights(chosen, profile)  # a bad profile is refused before anything
        measures = session.scalars(select(JbpMeasure).where(JbpMeasure.jbp_id == jbp_id)).all()
        split: dict[int, list[Decimal | None]] = {}
        for measure in measures:
            currency = _money_unit(measure.metric, measure.unit)
            if currency is not None:
                places = currency.minor_units
            else:
                places = rules.value_places(measure.target) if measure.target is not None else 0
            split[measure.id] = rules.derive_targets(
                measure.target,
                additive=rules.is_additive(measure.metric, measure.unit),
                grain=chosen,
                places=places,
                profile=profile,
            )
        period_ids = dict(again.created_periods) if again else {}
        value_ids = {(p, m): v for v, p, m in again.created_values} if again else {}
        existing = {
            p.period: p
            for p in session.scalars(select(JbpPeriod).where(JbpPeriod.jbp_id == jbp_id)).all()
        }
        created_periods: list[tuple[str, int]] = []
        created_values: list[tuple[int, int, int]] = []
        replaced: list[tuple[int, Decimal | None, Decimal | None]] = []
        kept = 0
        for index, code in enumerate(codes):
            period = existing.get(code)
            if period is None:
                period = JbpPeriod(id=period_ids.get(code), jbp_id=jbp_id, period=code)
                session.add(period)
                session.flush()
                created_periods.append((code, period.id))
            values = {
                v.measure_id: v
                for v in session.scalars(
                    select(JbpPeriodValue).where(JbpPeriodValue.period_id == period.id)
                ).all()
            }
            for measure in measures:
                target = split[measure.id][index]
                value = values.get(measure.id)
                if value is not None and value.actual is not None:
                    kept += 1
                if target is None:
                    continue  # no year target: a period target typed in stays
                if value is None:
                    value = JbpPeriodValue(
                        id=value_ids.get((period.id, measure.id)),
                        period_id=period.id,
                        measure_id=measure.id,
                        target=target,
                    )
                    session.add(value)
                    session.flush()
                    created_values.append((value.id, period.id, measure.id))
                elif value.target != target:
                    replaced.append((value.id, value.target, target))
                    value.target = target
        return PeriodDerivation(
            jbp_id=jbp_id,
            grain=chosen.value,
            profile=None if not profile else tuple(Decimal(w) for w in profile),
            created_periods=tuple(created_periods),
            created_values=tuple(created_values),
            replaced_targets=tuple(replaced),
            actuals_kept=kept,
        )

    def undo_derivation(self, derivation: PeriodDerivation) -> None:
        """Take back what :meth:`derive_periods` did: its periods and figures go, the targets
        it replaced come back."""
        with self.workspace.transaction() as session:
            for value_id, _period_id, _measure_id in derivation.created_values:
                value = session.get(JbpPeriodValue, value_id)
                if value is not None:
                    session.delete(value)
            for _code, period_id in derivation.created_periods:
                period = session.get(JbpPeriod, period_id)
                if period is not None:
                    session.delete(period)
            for value_id, before, _after in derivation.replaced_targets:
                value = session.get(JbpPeriodValue, value_id)
                if value is not None:
                    value.target = before

    def update_period(
        self, period_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        """The QBP/MBP's focus and commentary."""
        return self._update(_PERIODS, period_id, changes, exact)

    def delete_period(self, period_id: int) -> RemovedRows:
        """A QBP/MBP with its figures and actions."""
        return self._delete(_PERIODS, period_id)

    def update_period_value(
        self,
        period_id: int,
        measure_id: int,
        changes: Mapping[str, Any],
        *,
        exact: bool = False,
    ) -> Change:
        """A measure's ``target`` and/or ``actual`` in one QBP/MBP (None clears it)."""
        cleaned = _clean(None, _VALUE_CLEANERS, changes)
        with self.workspace.transaction() as session:
            period = session.get(JbpPeriod, period_id)
            if period is None:
                raise NotFoundError(f"No period plan with id {period_id}.")
            self._get(session, period.jbp_id)
            measure = session.get(JbpMeasure, measure_id)
            if measure is None or measure.jbp_id != period.jbp_id:
                raise NotFoundError(f"No measure with id {measure_id} in this plan.")
            currency = _money_unit(measure.metric, measure.unit)
            if currency is not None:
                for name, value in cleaned.items():
                    _fits(value, currency, name)
            value = session.scalars(
                select(JbpPeriodValue).where(
                    JbpPeriodValue.period_id == period_id, JbpPeriodValue.measure_id == measure_id
                )
            ).first()
            if value is None:
                value = JbpPeriodValue(period_id=period_id, measure_id=measure_id)
                session.add(value)
            before = {name: getattr(value, name) for name in cleaned}
            for name, figure in cleaned.items():
                setattr(value, name, figure)
        changed = [name for name in cleaned if before[name] != cleaned[name]]
        return Change({n: before[n] for n in changed}, {n: cleaned[n] for n in changed})

    def add_period_action(
        self, period_id: int, draft: PeriodActionDraft, *, action_id: int | None = None
    ) -> int:
        return self._add(_ACTIONS, period_id, dataclasses.asdict(draft), action_id)

    def update_period_action(
        self, action_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        return self._update(_ACTIONS, action_id, changes, exact)

    def delete_period_action(self, action_id: int) -> RemovedRows:
        return self._delete(_ACTIONS, action_id)

    # -- for the UI: live validation of a part's field -----------------------------------------

    def check_part(self, part: str, name: str, value: Any) -> None:
        """Validate one field of an "objective", "measure", "investment", "activity",
        "period" or "action" without saving it."""
        parts = {
            "objective": _OBJECTIVES,
            "measure": _MEASURES,
            "investment": _INVESTMENTS,
            "activity": _ACTIVITIES,
            "period": _PERIODS,
            "action": _ACTIONS,
        }
        spec = parts.get(part)
        if spec is None:
            raise ValueError(f"no part {part!r}")
        _clean(spec, spec.cleaners, {name: value})


# -- rows into records -------------------------------------------------------------------------


def _is_currency(code: str) -> bool:
    try:
        Currency.get(code)
    except ValidationError:
        return False
    return len(code.strip()) == 3


def _read(row: Any, name: str) -> Any:
    """A field as the service speaks of it (an investment's amount as a Decimal)."""
    if name == "amount" and isinstance(row, JbpInvestment):
        return from_minor(row.amount_minor, Currency.get(row.currency))
    if name == "higher_is_better" and isinstance(row, JbpMeasure):
        return int(row.higher_is_better)
    return getattr(row, name)


def _measure(row: JbpMeasure) -> JbpMeasureRecord:
    return JbpMeasureRecord(
        id=row.id,
        jbp_id=row.jbp_id,
        kind=row.kind,
        metric=row.metric,
        name=row.name,
        unit=row.unit,
        baseline=row.baseline,
        target=row.target,
        higher_is_better=bool(row.higher_is_better),
        position=row.position,
        additive=rules.is_additive(row.metric, row.unit),
        is_money=rules.is_money_metric(row.metric),
    )


def _investment(row: JbpInvestment) -> JbpInvestmentRecord:
    currency = Currency.get(row.currency)
    amount = from_minor(row.amount_minor, currency)
    client = rules.client_part(amount, row.funded_by, row.client_share, currency.minor_units)
    return JbpInvestmentRecord(
        id=row.id,
        jbp_id=row.jbp_id,
        description=row.description,
        funded_by=row.funded_by,
        client_share=row.client_share,
        currency=row.currency,
        amount=amount,
        client_pays=client,
        agency_pays=amount - client,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        position=row.position,
    )


def _activity(row: JbpActivity, account_id: int, account_name: str) -> JbpActivityRecord:
    return JbpActivityRecord(
        id=row.id,
        jbp_id=row.jbp_id,
        account_id=account_id,
        account_name=account_name,
        name=row.name,
        kind=row.kind,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        owner=row.owner,
        status=row.status,
    )
