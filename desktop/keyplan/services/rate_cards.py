"""Rate cards: roles with cost and bill rates, the agency's and per-account overrides.

A line copies the rate when it is created, so changing a card never changes an
estimate that already uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.money import Currency
from keyplan.services.base import Cleaner, EntityService, live_account
from keyplan.services.estimate_records import RateCardRecord, RateOption, RateRecord
from keyplan.services.records import Change
from keyplan.store.models import Account, Rate, RateCard

RATE_UNITS = ("hour", "day")


def to_minor(amount: Decimal, currency: Currency, field: str) -> int:
    """Exact integer minor units; refuses more decimals than the currency has."""
    if isinstance(amount, float | bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"{field}: money is never a float")
    scaled = Decimal(amount).scaleb(currency.minor_units)
    if scaled != scaled.to_integral_value():
        places = currency.minor_units
        detail = "no decimals" if places == 0 else f"{places} decimals"
        raise ValidationError(field, f"{currency.code} has {detail}.")
    if abs(scaled) >= 10**15:
        raise ValidationError(field, "The amount is too large.")
    return int(scaled)


def from_minor(units: int, currency: Currency) -> Decimal:
    return Decimal(units).scaleb(-currency.minor_units)


def _rate_unit(value: str) -> str:
    if value not in RATE_UNITS:
        raise ValidationError("unit", "Rates are per hour or per day.")
    return value


def _valid_from(value: date) -> date:
    if not isinstance(value, date) or not 1990 <= value.year <= 2200:
        raise ValidationError("valid_from", "Enter a date from 1990 on.")
    return value


class RateCardService(EntityService[RateCard]):
    model = RateCard
    label = "rate card"
    deleted_kind = "rate_card"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": rules.clean_name,
        "currency": rules.clean_currency,
    }

    # -- cards ---------------------------------------------------------------------------

    def cards(self) -> list[RateCardRecord]:
        with self.workspace.reading() as session:
            rows = session.execute(
                select(RateCard, Account.name)
                .outerjoin(Account, Account.id == RateCard.account_id)
                .where(RateCard.deleted_at.is_(None), Account.deleted_at.is_(None))
                .order_by(RateCard.account_id.is_not(None), RateCard.name)
            ).all()
            return [
                RateCardRecord(card.id, card.name, card.account_id, name or "", card.currency)
                for card, name in rows
            ]

    def create_card(
        self, name: str, currency: str, account_id: int | None = None, *, card_id: int | None = None
    ) -> int:
        cleaned = self._clean({"name": name, "currency": currency})
        with self.workspace.transaction() as session:
            if account_id is not None:
                live_account(session, account_id)
            row = RateCard(id=card_id, account_id=account_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def _derive(self, session: Session, row: RateCard, cleaned: dict[str, Any]) -> dict[str, Any]:
        if cleaned.get("currency", row.currency) != row.currency and session.scalar(
            select(Rate.id).where(Rate.rate_card_id == row.id).limit(1)
        ):
            raise ValidationError(
                "currency", "This card has rates in its currency: make a new card instead."
            )
        return cleaned

    def purge(self, card_id: int) -> None:
        with self.workspace.transaction() as session:
            session.delete(self._get(session, card_id, deleted_ok=True))

    # -- rates ---------------------------------------------------------------------------

    def rates(self, card_id: int) -> list[RateRecord]:
        with self.workspace.reading() as session:
            card = self._get(session, card_id)
            currency = Currency.get(card.currency)
            rows = session.scalars(
                select(Rate)
                .where(Rate.rate_card_id == card_id)
                .order_by(Rate.role, Rate.valid_from)
            ).all()
            return [self._rate_record(row, currency) for row in rows]

    @staticmethod
    def _rate_record(row: Rate, currency: Currency) -> RateRecord:
        return RateRecord(
            row.id,
            row.rate_card_id,
            row.role,
            row.unit,
            from_minor(row.cost_rate_minor, currency),
            from_minor(row.bill_rate_minor, currency),
            row.valid_from,
        )

    def _rate_values(self, currency: Currency, values: Mapping[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for name, value in values.items():
            if name == "role":
                cleaned["role"] = rules.clean_name(value, "role", max_length=120)
            elif name == "unit":
                cleaned["unit"] = _rate_unit(value)
            elif name == "valid_from":
                cleaned["valid_from"] = _valid_from(value)
            elif name in ("cost_rate", "bill_rate"):
                if value < 0:
                    raise ValidationError(name, "A rate cannot be negative.")
                cleaned[f"{name}_minor"] = to_minor(value, currency, name)
            else:
                raise ValidationError(name, f"{name} is not part of a rate.")
        return cleaned

    def add_rate(
        self,
        card_id: int,
        role: str,
        bill_rate: Decimal,
        cost_rate: Decimal,
        *,
        unit: str = "hour",
        valid_from: date | None = None,
        rate_id: int | None = None,
    ) -> int:
        with self.workspace.transaction() as session:
            card = self._get(session, card_id)
            cleaned = self._rate_values(
                Currency.get(card.currency),
                {
                    "role": role,
                    "bill_rate": bill_rate,
                    "cost_rate": cost_rate,
                    "unit": unit,
                    "valid_from": valid_from or date.today(),
                },
            )
            row = Rate(id=rate_id, rate_card_id=card_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def update_rate(
        self, rate_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        with self.workspace.transaction() as session:
            row = self._rate(session, rate_id)
            card = self._get(session, row.rate_card_id)
            currency = Currency.get(card.currency)
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, value in self._rate_values(currency, changes).items():
                old = getattr(row, name)
                if old != value:
                    public = name.removesuffix("_minor")
                    convert = name.endswith("_minor")
                    before[public] = from_minor(old, currency) if convert else old
                    after[public] = from_minor(value, currency) if convert else value
                    setattr(row, name, value)
            return Change(before, after)

    def delete_rate(self, rate_id: int) -> RateRecord:
        """Remove a rate; returns it so undo can put it back (``add_rate`` with its id)."""
        with self.workspace.transaction() as session:
            row = self._rate(session, rate_id)
            currency = Currency.get(self._get(session, row.rate_card_id).currency)
            record = self._rate_record(row, currency)
            session.delete(row)
            return record

    @staticmethod
    def _rate(session: Session, rate_id: int) -> Rate:
        row = session.get(Rate, rate_id)
        if row is None:
            raise NotFoundError(f"No rate with id {rate_id}.")
        return row

    # -- what an estimate line can use ---------------------------------------------------

    def options(self, account_id: int, currency: str, on: date) -> list[RateOption]:
        """Roles for a labour line: the account's override wins over the agency's rate.

        Only cards in the estimate's currency count; within a card, the rate with the
        latest ``valid_from`` on or before ``on``.
        """
        code = Currency.get(currency)
        with self.workspace.reading() as session:
            cards = session.scalars(
                select(RateCard).where(
                    RateCard.deleted_at.is_(None),
                    RateCard.currency == code.code,
                    (RateCard.account_id.is_(None)) | (RateCard.account_id == account_id),
                )
            ).all()
            chosen: dict[str, tuple[bool, Rate]] = {}  # role -> (from the account?, rate)
            is_account = {card.id: card.account_id is not None for card in cards}
            rows = session.scalars(select(Rate).where(Rate.rate_card_id.in_(is_account))).all()
            in_force = [r for r in rows if r.valid_from <= on]
            # agency rates first, then the account's; within each, by date: the last one wins
            for row in sorted(
                in_force, key=lambda r: (is_account[r.rate_card_id], r.valid_from, r.id)
            ):
                chosen[row.role.casefold()] = (is_account[row.rate_card_id], row)
            # a role whose first rate starts after ``on`` is still offered, at that first rate
            for row in sorted(rows, key=lambda r: (r.valid_from, r.id)):
                chosen.setdefault(row.role.casefold(), (is_account[row.rate_card_id], row))
            return sorted(
                (
                    RateOption(
                        row.role,
                        row.unit,
                        from_minor(row.bill_rate_minor, code),
                        from_minor(row.cost_rate_minor, code),
                        "account" if is_account else "agency",
                        row.id,
                    )
                    for is_account, row in chosen.values()
                ),
                key=lambda option: option.role.casefold(),
            )

    def deleted_name(self, row: Any) -> str:
        return f"{row.name} ({row.currency})"
