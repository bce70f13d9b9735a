"""The revenue forecast and the exchange-rate table.

:class:`ForecastService` keeps, per account, business unit and month, the target, the forecast
and the actual in the account's currency (integer minor units). Every edit is one transaction
and returns a :class:`~keyplan.services.records.Change` of the figures it replaced, so that
``update_month(..., change.before, exact=True)`` puts them back exactly (undo). A row whose
three figures are all empty is removed: a business unit exists while it has a figure.

Weekly snapshots: :meth:`ForecastService.freeze_week` copies the whole portfolio's figures
under the Monday of the ISO week (one snapshot per week; freezing the week again replaces it);
:meth:`ForecastService.compare` shows per month how the forecast moved since a snapshot.
Deleting a snapshot returns a :class:`FrozenSnapshot` that :meth:`restore_snapshot` puts back
with the same id and values (undo).

Roll-ups convert through :class:`ExchangeRateService`'s table by the rules of
:mod:`keyplan.domain.forecast` (the rate in force on the month's last day, either direction of
a pair, round per account-month, a missing rate is a message and never 1.0).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain import forecast as calc
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.forecast import (
    FIGURES,
    AccountMonth,
    ForecastRollUp,
    FxRate,
    MonthFigures,
    Movement,
    RateTable,
    RateUsed,
)
from keyplan.domain.money import Currency, is_known
from keyplan.services.base import Cleaner, EntityService
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.services.records import Change
from keyplan.store.models import (
    Account,
    AgencyProfile,
    ExchangeRate,
    ForecastSnapshot,
    ForecastSnapshotValue,
    RevenueMonth,
)
from keyplan.store.workspace import Workspace

__all__ = [
    "FIGURES",
    "AccountForecast",
    "ExchangeRateRecord",
    "ExchangeRateService",
    "ForecastComparison",
    "ForecastRollUp",
    "ForecastService",
    "FrozenSnapshot",
    "FrozenValue",
    "MonthFigures",
    "Movement",
    "RateUsed",
    "SnapshotRecord",
]

UNIT_MAX = 120  # the column's width


# -- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountForecast:
    """An account's months in its currency: one business unit (``""``: figures not split
    by unit) or, with ``business_unit`` None, all of them added."""

    account_id: int
    account_name: str
    currency: str
    minor_units: int
    business_unit: str | None
    business_units: tuple[str, ...]  # the named units the account has figures for
    months: tuple[MonthFigures, ...]

    def totals(self) -> dict[str, Decimal | None]:
        return {name: calc.total(m.get(name) for m in self.months) for name in FIGURES}


@dataclass(frozen=True)
class SnapshotRecord:
    id: int
    week_start: date  # the Monday of its ISO week
    label: str
    created_at: datetime
    values: int  # account-unit-months frozen

    @property
    def week(self) -> str:
        """ "2026-W12"."""
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02}"


@dataclass(frozen=True)
class FrozenValue:
    account_id: int
    business_unit: str
    month: date
    currency: str
    target_minor: int | None
    forecast_minor: int | None
    actual_minor: int | None


@dataclass(frozen=True)
class FrozenSnapshot:
    """A snapshot with every value: what a delete took away, for its undo."""

    id: int
    week_start: date
    label: str
    created_at: datetime
    values: tuple[FrozenValue, ...]


@dataclass(frozen=True)
class ForecastComparison:
    """The forecast now against a snapshot, per month, in ``currency``."""

    snapshot: SnapshotRecord
    currency: str
    minor_units: int
    months: tuple[Movement, ...]
    rates_used: tuple[RateUsed, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ExchangeRateRecord:
    id: int
    base: str
    quote: str
    rate: Decimal
    valid_from: date
    source: str

    def as_rate(self) -> FxRate:
        return FxRate(self.base, self.quote, self.rate, self.valid_from, self.source)


# -- cleaning ----------------------------------------------------------------------------------


def clean_month(value: Any, field: str = "month") -> date:
    if not isinstance(value, date) or not 1990 <= value.year <= 2200:
        raise ValidationError(field, "Choose a month from 1990 to 2200.")
    return calc.first_of_month(value)


def clean_unit(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError("business_unit", "A business unit is a name.")
    return rules.clean_line(value, "business_unit", max_length=UNIT_MAX)


def _figure_name(name: str) -> str:
    if name not in FIGURES:
        raise ValidationError(name, f"{name} is not a forecast figure: target, forecast or actual.")
    return name


def _figure(name: str, value: Any, currency: Currency) -> int | None:
    """The minor units of an entered figure; ``None`` clears it."""
    if value is None:
        return None
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise ValidationError(name, "Enter an amount.")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError(name, "Enter an amount.")
    if amount < 0 and name != "actual":  # a credit note can take a month's billing below 0
        raise ValidationError(name, f"The {name} cannot be below 0.")
    return to_minor(amount, currency, name)


def _amount(units: int | None, currency: Currency) -> Decimal | None:
    return None if units is None else from_minor(units, currency)


# -- the forecast ------------------------------------------------------------------------------


class ForecastService:
    """Targets, forecasts and actuals per account and month; snapshots; roll-ups."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _account(session: Session, account_id: int, *, deleted_ok: bool = False) -> Account:
        row = session.get(Account, account_id)
        if row is None or (row.deleted_at is not None and not deleted_ok):
            raise NotFoundError(f"No account with id {account_id}.")
        return row

    @staticmethod
    def _live_accounts(session: Session) -> dict[int, Account]:
        rows = session.scalars(select(Account).where(Account.deleted_at.is_(None))).all()
        return {row.id: row for row in rows}

    @staticmethod
    def _scope(session: Session, account_id: int | None, *, children: bool = True) -> set[int]:
        """Live account ids: all of them, or ``account_id`` (and its subtree)."""
        live = ForecastService._live_accounts(session)
        if account_id is None:
            return set(live)
        if account_id not in live:
            raise NotFoundError(f"No account with id {account_id}.")
        found = {account_id}
        if children:
            frontier = [account_id]
            while frontier:
                frontier = [
                    row.id
                    for row in live.values()
                    if row.parent_id in frontier and row.id not in found
                ]
                found.update(frontier)
        return found

    @staticmethod
    def _default_currency(session: Session) -> str:
        profile = session.get(AgencyProfile, 1)
        return profile.default_currency if profile else "USD"

    @staticmethod
    def _rate_table(session: Session) -> RateTable:
        rows = session.scalars(select(ExchangeRate).where(ExchangeRate.deleted_at.is_(None))).all()
        return RateTable(
            FxRate(row.base, row.quote, row.rate, row.valid_from, row.source) for row in rows
        )

    # -- editing -------------------------------------------------------------------------------

    def update_month(
        self,
        account_id: int,
        month: date,
        business_unit: str,
        changes: Mapping[str, Decimal | int | None],
        *,
        exact: bool = False,
    ) -> Change:
        """Set figures (``{"forecast": Decimal("1200.00")}``, ``None`` clears one) of an
        account's business unit (``""``: not split by unit) for a month, in the account's
        currency. Returns what changed; ``exact`` (undo, redo) accepts a deleted account."""
        day = clean_month(month)
        unit = clean_unit(business_unit)
        names = [_figure_name(name) for name in changes]
        with self.workspace.transaction() as session:
            account = self._account(session, account_id, deleted_ok=exact)
            currency = Currency.get(account.currency)
            wanted = {name: _figure(name, changes[name], currency) for name in names}
            row = session.scalars(
                select(RevenueMonth).where(
                    RevenueMonth.account_id == account_id,
                    RevenueMonth.business_unit == unit,
                    RevenueMonth.month == day,
                    RevenueMonth.currency == currency.code,
                )
            ).first()
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, units in wanted.items():
                old = getattr(row, f"{name}_minor") if row is not None else None
                if old != units:
                    before[name] = _amount(old, currency)
                    after[name] = _amount(units, currency)
            if not after:
                return Change({}, {})
            if row is None:
                row = RevenueMonth(
                    account_id=account_id, business_unit=unit, month=day, currency=currency.code
                )
                session.add(row)
            for name in after:
                setattr(row, f"{name}_minor", wanted[name])
            if row.target_minor is None and row.forecast_minor is None and row.actual_minor is None:
                if row in session.new:
                    session.expunge(row)
                else:
                    session.delete(row)
        return Change(before, after)

    def set_month(
        self,
        account_id: int,
        month: date,
        business_unit: str,
        field: str,
        value: Decimal | int | None,
    ) -> Change:
        """One figure (``field`` target, forecast or actual); ``None`` clears it."""
        return self.update_month(account_id, month, business_unit, {field: value})

    def check(self, account_id: int, field: str, value: Decimal | int | None) -> None:
        """Validate a figure for the account's currency without saving it."""
        with self.workspace.reading() as session:
            currency = Currency.get(self._account(session, account_id).currency)
        _figure(_figure_name(field), value, currency)

    # -- reading an account ----------------------------------------------------------------------

    def business_units(self, account_id: int) -> list[str]:
        """The named business units an account has figures for, by name."""
        with self.workspace.reading() as session:
            self._account(session, account_id, deleted_ok=True)
            names = session.scalars(
                select(RevenueMonth.business_unit)
                .where(RevenueMonth.account_id == account_id, RevenueMonth.business_unit != "")
                .distinct()
            ).all()
        return sorted(names, key=lambda n: (n.casefold(), n))

    def account_months(
        self,
        account_id: int,
        first: date | int,
        count: int = 12,
        *,
        business_unit: str | None = None,
    ) -> AccountForecast:
        """``count`` months from ``first`` (a month, or a year: its January) of one business
        unit, or of all of them added (``business_unit`` None), in the account's currency."""
        start = date(first, 1, 1) if isinstance(first, int) else clean_month(first, "first")
        if count < 1:
            raise ValidationError("count", "Show at least one month.")
        months = calc.month_range(start, count)
        unit = None if business_unit is None else clean_unit(business_unit)
        with self.workspace.reading() as session:
            account = self._account(session, account_id, deleted_ok=True)
            currency = Currency.get(account.currency)
            query = select(RevenueMonth).where(
                RevenueMonth.account_id == account_id,
                RevenueMonth.currency == currency.code,
                RevenueMonth.month >= months[0],
                RevenueMonth.month <= months[-1],
            )
            if unit is not None:
                query = query.where(RevenueMonth.business_unit == unit)
            by_month: dict[date, list[tuple[int | None, int | None, int | None]]] = {}
            for row in session.scalars(query).all():
                figures = (row.target_minor, row.forecast_minor, row.actual_minor)
                by_month.setdefault(row.month, []).append(figures)
            name = account.name
        units = tuple(self.business_units(account_id))
        months_figures = tuple(
            MonthFigures(
                month,
                *(
                    calc.total(_amount(parts[index], currency) for parts in by_month.get(month, []))
                    for index in range(len(FIGURES))
                ),
            )
            for month in months
        )
        return AccountForecast(
            account_id, name, currency.code, currency.minor_units, unit, units, months_figures
        )

    # -- roll-ups --------------------------------------------------------------------------------

    @staticmethod
    def _entries(rows: Iterable[RevenueMonth | ForecastSnapshotValue]) -> list[AccountMonth]:
        entries = []
        for row in rows:
            currency = Currency.get(row.currency)
            entries.append(
                AccountMonth(
                    row.account_id,
                    row.month,
                    row.currency,
                    _amount(row.target_minor, currency),
                    _amount(row.forecast_minor, currency),
                    _amount(row.actual_minor, currency),
                )
            )
        return entries

    def _reporting_currency(
        self, session: Session, currency: str | None, account_id: int | None
    ) -> Currency:
        if currency:
            return Currency.get(rules.clean_currency(currency))
        if account_id is not None:
            return Currency.get(self._account(session, account_id).currency)
        return Currency.get(self._default_currency(session))

    def roll_up(
        self,
        first_month: date,
        months: int,
        *,
        currency: str | None = None,
        account_id: int | None = None,
    ) -> ForecastRollUp:
        """``months`` months from ``first_month`` of the whole portfolio (``account_id`` None)
        or of an account with its child accounts, converted into ``currency`` (None: the
        agency's default currency). A month that needs a missing rate has no figures, and
        ``missing`` says which rate to add; nothing is converted at a made-up 1.0."""
        wanted = calc.month_range(clean_month(first_month, "first_month"), months)
        with self.workspace.reading() as session:
            target = self._reporting_currency(session, currency, None)
            scope = self._scope(session, account_id)
            rows = self._revenue_rows(session, scope, wanted)
            table = self._rate_table(session)
            entries = self._entries(rows)
        return calc.roll_up(entries, wanted, target, table)

    @staticmethod
    def _revenue_rows(
        session: Session, scope: set[int], months: Sequence[date]
    ) -> Sequence[RevenueMonth]:
        if not months or not scope:
            return []
        return session.scalars(
            select(RevenueMonth).where(
                RevenueMonth.account_id.in_(scope),
                RevenueMonth.month >= months[0],
                RevenueMonth.month <= months[-1],
            )
        ).all()

    def scope(self, account_id: int | None) -> list[int]:
        """The live accounts a roll-up of ``account_id`` covers (None: every one)."""
        with self.workspace.reading() as session:
            return sorted(self._scope(session, account_id))

    def month_entries(
        self, months: Sequence[date], *, account_id: int | None = None
    ) -> list[tuple[int, str, AccountMonth]]:
        """(account id, business unit, figures) of every revenue row of the months, for
        the exports that show the parts of a roll-up."""
        with self.workspace.reading() as session:
            scope = self._scope(session, account_id)
            rows = self._revenue_rows(session, scope, list(months))
            return [
                (row.account_id, row.business_unit, entry)
                for row, entry in zip(rows, self._entries(rows), strict=True)
            ]

    def rate_table(self) -> RateTable:
        with self.workspace.reading() as session:
            return self._rate_table(session)

    # -- snapshots -------------------------------------------------------------------------------

    @staticmethod
    def _snapshot_record(session: Session, row: ForecastSnapshot) -> SnapshotRecord:
        count = len(
            session.scalars(
                select(ForecastSnapshotValue.id).where(ForecastSnapshotValue.snapshot_id == row.id)
            ).all()
        )
        return SnapshotRecord(row.id, row.week_start, row.label, row.created_at, count)

    def freeze_week(self, today: date, label: str = "") -> int:
        """Freeze every live account's figures as the snapshot of ``today``'s ISO week;
        a snapshot of that week is replaced. Returns the new snapshot's id."""
        if not isinstance(today, date):
            raise ValidationError("today", "Choose a day.")
        week = calc.week_start(today)
        text = rules.clean_line(label, "label", max_length=200)
        with self.workspace.transaction() as session:
            old = session.scalars(
                select(ForecastSnapshot).where(ForecastSnapshot.week_start == week)
            ).first()
            if old is not None:
                session.execute(
                    delete(ForecastSnapshotValue).where(ForecastSnapshotValue.snapshot_id == old.id)
                )
                session.delete(old)
                session.flush()
            snapshot = ForecastSnapshot(week_start=week, label=text)
            session.add(snapshot)
            session.flush()
            live = set(self._live_accounts(session))
            rows = session.scalars(
                select(RevenueMonth).where(RevenueMonth.account_id.in_(live))
            ).all()
            session.add_all(
                ForecastSnapshotValue(
                    snapshot_id=snapshot.id,
                    account_id=row.account_id,
                    business_unit=row.business_unit,
                    month=row.month,
                    currency=row.currency,
                    target_minor=row.target_minor,
                    forecast_minor=row.forecast_minor,
                    actual_minor=row.actual_minor,
                )
                for row in rows
            )
            return snapshot.id

    def snapshots(self) -> list[SnapshotRecord]:
        """Every snapshot, newest week first (two queries, however many weeks were frozen)."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(ForecastSnapshot).order_by(ForecastSnapshot.week_start.desc())
            ).all()
            counts: dict[int, int] = dict(
                session.execute(
                    select(ForecastSnapshotValue.snapshot_id, func.count()).group_by(
                        ForecastSnapshotValue.snapshot_id
                    )
                ).all()
            )
            return [
                SnapshotRecord(r.id, r.week_start, r.label, r.created_at, counts.get(r.id, 0))
                for r in rows
            ]

    def snapshot(self, snapshot_id: int) -> SnapshotRecord:
        with self.workspace.reading() as session:
            row = session.get(ForecastSnapshot, snapshot_id)
            if row is None:
                raise NotFoundError(f"No forecast snapshot with id {snapshot_id}.")
            return self._snapshot_record(session, row)

    def snapshot_for_week(self, day: date) -> SnapshotRecord | None:
        """The snapshot of ``day``'s ISO week, if it was frozen."""
        with self.workspace.reading() as session:
            row = session.scalars(
                select(ForecastSnapshot).where(ForecastSnapshot.week_start == calc.week_start(day))
            ).first()
            return self._snapshot_record(session, row) if row is not None else None

    def frozen(self, snapshot_id: int) -> FrozenSnapshot:
        """A snapshot with all its values."""
        with self.workspace.reading() as session:
            row = session.get(ForecastSnapshot, snapshot_id)
            if row is None:
                raise NotFoundError(f"No forecast snapshot with id {snapshot_id}.")
            values = session.scalars(
                select(ForecastSnapshotValue)
                .where(ForecastSnapshotValue.snapshot_id == snapshot_id)
                .order_by(ForecastSnapshotValue.id)
            ).all()
            return FrozenSnapshot(
                row.id,
                row.week_start,
                row.label,
                row.created_at,
                tuple(
                    FrozenValue(
                        v.account_id,
                        v.business_unit,
                        v.month,
                        v.currency,
                        v.target_minor,
                        v.forecast_minor,
                        v.actual_minor,
                    )
                    for v in values
                ),
            )

    def delete_snapshot(self, snapshot_id: int) -> FrozenSnapshot:
        """Remove a snapshot for good; returns it whole, for :meth:`restore_snapshot`."""
        frozen = self.frozen(snapshot_id)
        with self.workspace.transaction() as session:
            session.execute(
                delete(ForecastSnapshotValue).where(
                    ForecastSnapshotValue.snapshot_id == snapshot_id
                )
            )
            row = session.get(ForecastSnapshot, snapshot_id)
            if row is not None:
                session.delete(row)
        return frozen

    def restore_snapshot(self, frozen: FrozenSnapshot) -> int:
        """Put back a deleted snapshot with its id, week, label, time and values."""
        with self.workspace.transaction() as session:
            taken = session.scalars(
                select(ForecastSnapshot).where(ForecastSnapshot.week_start == frozen.week_start)
            ).first()
            if taken is not None:
                raise ValidationError(
                    "week_start",
                    f"The week of {frozen.week_start.isoformat()} has a snapshot already.",
                )
            session.add(
                ForecastSnapshot(
                    id=frozen.id,
                    week_start=frozen.week_start,
                    label=frozen.label,
                    created_at=frozen.created_at,
                )
            )
            session.flush()
            existing = set(session.scalars(select(Account.id)).all())
            session.add_all(
                ForecastSnapshotValue(snapshot_id=frozen.id, **dataclasses.asdict(value))
                for value in frozen.values
                if value.account_id in existing
            )
        return frozen.id

    def compare(
        self,
        snapshot_id: int,
        account_id: int | None = None,
        *,
        first_month: date | None = None,
        months: int = 12,
        currency: str | None = None,
        business_unit: str | None = None,
        include_children: bool = False,
    ) -> ForecastComparison:
        """The forecast now against snapshot ``snapshot_id`` per month, from ``first_month``
        (default: January of the snapshot's year) for ``months`` months.

        ``account_id`` None compares the portfolio in ``currency`` (default: the agency's);
        an account is compared alone (with ``include_children`` its child accounts too) in
        its own currency unless ``currency`` says otherwise, and ``business_unit`` narrows it
        to one unit. Both sides convert at today's rate table, so the movement is the
        forecast's and not the exchange rate's.
        """
        unit = None if business_unit is None else clean_unit(business_unit)
        with self.workspace.reading() as session:
            row = session.get(ForecastSnapshot, snapshot_id)
            if row is None:
                raise NotFoundError(f"No forecast snapshot with id {snapshot_id}.")
            record = self._snapshot_record(session, row)
            start = clean_month(first_month or date(row.week_start.year, 1, 1), "first_month")
            wanted = calc.month_range(start, months)
            target = self._reporting_currency(session, currency, account_id)
            scope = self._scope(session, account_id, children=include_children)
            now = [
                r for r in self._revenue_rows(session, scope, wanted)
                if unit is None or r.business_unit == unit
            ]  # fmt: skip
            frozen = session.scalars(
                select(ForecastSnapshotValue).where(
                    ForecastSnapshotValue.snapshot_id == snapshot_id,
                    ForecastSnapshotValue.account_id.in_(scope),
                )
            ).all()
            then = [v for v in frozen if unit is None or v.business_unit == unit]
            table = self._rate_table(session)
            before = calc.roll_up(self._entries(then), wanted, target, table)
            after = calc.roll_up(self._entries(now), wanted, target, table)
        missing = tuple(dict.fromkeys((*before.missing, *after.missing)))
        used = tuple(dict.fromkeys((*before.rates_used, *after.rates_used)))
        return ForecastComparison(
            snapshot=record,
            currency=target.code,
            minor_units=target.minor_units,
            months=calc.movement(before.months, after.months),
            rates_used=used,
            missing=missing,
        )


# -- exchange rates ----------------------------------------------------------------------------


def _code(field: str) -> Cleaner:
    def clean(value: Any) -> str:
        code = value.strip().upper() if isinstance(value, str) else ""
        if len(code) != 3 or not is_known(code):
            shown = value.strip() if isinstance(value, str) else repr(value)
            raise ValidationError(field, f"'{shown}' is not a known currency code (e.g. USD).")
        return code

    return clean


def _valid_from(value: Any) -> date:
    if not isinstance(value, date) or not 1990 <= value.year <= 2200:
        raise ValidationError("valid_from", "Enter a date from 1990 to 2200.")
    return value


class ExchangeRateService(EntityService[ExchangeRate]):
    """The user's exchange-rate table (the app never fetches rates)."""

    model = ExchangeRate
    label = "exchange rate"
    deleted_kind = "exchange_rate"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "base": _code("base"),
        "quote": _code("quote"),
        "rate": calc.clean_rate,
        "valid_from": _valid_from,
        "source": partial(rules.clean_line, field="source", max_length=200),
    }

    def _derive(
        self, session: Session, row: ExchangeRate, cleaned: dict[str, Any]
    ) -> dict[str, Any]:
        base = cleaned.get("base", row.base)
        quote = cleaned.get("quote", row.quote)
        day = cleaned.get("valid_from", row.valid_from)
        calc.clean_pair(base, quote)
        clash = session.scalars(
            select(ExchangeRate).where(
                ExchangeRate.deleted_at.is_(None),
                ExchangeRate.valid_from == day,
                ((ExchangeRate.base == base) & (ExchangeRate.quote == quote))
                | ((ExchangeRate.base == quote) & (ExchangeRate.quote == base)),
            )
        ).first()
        if clash is not None and clash.id != row.id:
            raise ValidationError(
                "valid_from",
                f"There is a {clash.base}→{clash.quote} rate from {day.isoformat()} already: "
                "change that one, or choose another date.",
            )
        return cleaned

    def create(
        self,
        base: str,
        quote: str,
        rate: Decimal | int,
        valid_from: date,
        source: str = "",
        *,
        rate_id: int | None = None,
    ) -> int:
        """Add a rate: one ``base`` is worth ``rate`` ``quote`` from ``valid_from`` on;
        ``rate_id`` re-creates one with the same id (redo)."""
        cleaned = self._clean(
            {"base": base, "quote": quote, "rate": rate, "valid_from": valid_from, "source": source}
        )
        with self.workspace.transaction() as session:
            row = ExchangeRate(id=rate_id, **self._derive(session, ExchangeRate(), cleaned))
            session.add(row)
            session.flush()
            return row.id

    def purge(self, rate_id: int) -> None:
        """Remove a just-added rate for good (undo of create)."""
        with self.workspace.transaction() as session:
            session.delete(self._get(session, rate_id, deleted_ok=True))

    @staticmethod
    def _record(row: ExchangeRate) -> ExchangeRateRecord:
        return ExchangeRateRecord(row.id, row.base, row.quote, row.rate, row.valid_from, row.source)

    def get(self, rate_id: int) -> ExchangeRateRecord:
        with self.workspace.reading() as session:
            return self._record(self._get(session, rate_id))

    def rates(self) -> list[ExchangeRateRecord]:
        """Every rate, by pair and newest first within a pair."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(ExchangeRate).where(ExchangeRate.deleted_at.is_(None))
            ).all()
            records = [self._record(row) for row in rows]
        records.sort(key=lambda r: r.valid_from, reverse=True)
        return sorted(records, key=lambda r: (r.base, r.quote))

    def table(self) -> RateTable:
        return RateTable(record.as_rate() for record in self.rates())

    def deleted_name(self, row: Any) -> str:
        return f"{row.base}→{row.quote} {row.rate} from {row.valid_from.isoformat()}"
