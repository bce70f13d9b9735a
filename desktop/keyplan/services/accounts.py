"""Accounts: the client groups, subsidiaries and business units of a portfolio."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain.errors import DomainError, NotFoundError, ValidationError
from keyplan.services.base import Cleaner, EntityService
from keyplan.services.records import AccountDraft, AccountRecord, Change, DeletedItem
from keyplan.store.models import Account as AccountRow
from keyplan.store.models import AgencyProfile, Contact, Note, RevenueMonth, TeamMember


def _optional_date(value: date | None) -> date | None:
    if value is not None and not isinstance(value, date):
        raise ValidationError("health_date", "Enter a date.")
    return value


def _optional_id(field: str) -> Cleaner:
    def clean(value: int | None) -> int | None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValidationError(field, "Choose from the list.")
        return value

    return clean


class AccountService(EntityService[AccountRow]):
    model = AccountRow
    label = "account"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": rules.clean_name,
        "legal_name": partial(rules.clean_line, field="legal_name", max_length=rules.NAME_MAX),
        "parent_id": _optional_id("parent_id"),
        "kind": partial(rules.clean_enum, rules.AccountKind, field="kind"),
        "industry": partial(rules.clean_line, field="industry"),
        "market": rules.clean_country,
        "tier": rules.clean_tier,
        "currency": rules.clean_currency,
        "owner_id": _optional_id("owner_id"),
        "status": partial(rules.clean_enum, rules.AccountStatus, field="status"),
        "health": partial(rules.clean_enum, rules.Health, field="health"),
        "health_reason": partial(rules.clean_text, field="health_reason"),
        "health_date": _optional_date,
        "contact_cadence_days": rules.clean_cadence,
        "notes": partial(rules.clean_text, field="notes"),
    }

    # -- reading -----------------------------------------------------------------------

    def get(self, account_id: int, *, deleted_ok: bool = False) -> AccountRecord:
        with self.workspace.reading() as session:
            return self._record(session, self._get(session, account_id, deleted_ok=deleted_ok))

    def all(self) -> list[AccountRecord]:
        """All accounts that are not deleted, by name (parents before nothing in particular)."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(AccountRow)
                .where(AccountRow.deleted_at.is_(None))
                .order_by(func.lower(AccountRow.name), AccountRow.id)
            ).all()
            owners = self._owner_names(session)
            return [self._record(session, row, owners) for row in rows]

    def descendant_ids(self, session: Session, account_id: int) -> list[int]:
        """``account_id``'s live subtree below it, breadth first."""
        found: list[int] = []
        frontier = [account_id]
        while frontier:
            kids = session.scalars(
                select(AccountRow.id).where(
                    AccountRow.parent_id.in_(frontier), AccountRow.deleted_at.is_(None)
                )
            ).all()
            found.extend(kids)
            frontier = list(kids)
        return found

    @staticmethod
    def _owner_names(session: Session) -> dict[int, str]:
        return {row.id: row.name for row in session.execute(select(TeamMember.id, TeamMember.name))}

    @staticmethod
    def _record(
        session: Session, row: AccountRow, owners: dict[int, str] | None = None
    ) -> AccountRecord:
        if owners is None:
            owner = session.get(TeamMember, row.owner_id) if row.owner_id else None
            owner_name = owner.name if owner else ""
        else:
            owner_name = owners.get(row.owner_id, "") if row.owner_id else ""
        values = {
            f.name: getattr(row, f.name)
            for f in dataclasses.fields(AccountRecord)
            if f.name != "owner_name"
        }
        return AccountRecord(owner_name=owner_name, **values)

    # -- writing -----------------------------------------------------------------------

    def create(self, draft: AccountDraft, *, account_id: int | None = None) -> int:
        """Create an account; ``account_id`` re-creates one with the same id (redo)."""
        values = dataclasses.asdict(draft)
        with self.workspace.transaction() as session:
            if not values["currency"]:
                profile = session.get(AgencyProfile, 1)
                values["currency"] = profile.default_currency if profile else "USD"
            if not values["kind"]:
                values["kind"] = "subsidiary" if values["parent_id"] else "standalone"
            cleaned = self._clean(values)
            self._check_links(session, None, cleaned)
            row = AccountRow(id=account_id, health_date=date.today(), **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def _derive(self, session: Session, row: AccountRow, cleaned: dict[str, Any]) -> dict[str, Any]:
        self._check_links(session, row.id, cleaned)
        if cleaned.get("currency", row.currency) != row.currency:
            self._check_revenue_currency(session, row)
        if "health" in cleaned and cleaned["health"] != row.health and "health_date" not in cleaned:
            cleaned["health_date"] = date.today()
        if "kind" not in cleaned and "parent_id" in cleaned:  # the kind follows the place
            if cleaned["parent_id"] and row.kind in ("standalone", "global"):
                cleaned["kind"] = "subsidiary"
            elif cleaned["parent_id"] is None and row.kind in ("subsidiary", "business_unit"):
                cleaned["kind"] = "standalone"
        return cleaned

    @staticmethod
    def _check_revenue_currency(session: Session, row: AccountRow) -> None:
        """The forecast grid edits the account's currency: figures kept in the old one would
        drop out of sight while still counting in roll-ups, so the currency stays."""
        recorded = session.scalar(
            select(func.count())
            .select_from(RevenueMonth)
            .where(RevenueMonth.account_id == row.id, RevenueMonth.currency == row.currency)
        )
        if recorded:
            raise ValidationError(
                "currency",
                f"The account's revenue forecast is kept in {row.currency}, so its currency "
                "can't change.",
            )

    def update(self, entity_id: int, changes: Mapping[str, Any], *, exact: bool = False) -> Change:
        if exact:  # undo/redo put back a state that was valid: links must still exist
            with self.workspace.reading() as session:
                self._check_links(session, entity_id, self._clean(changes), restoring=True)
        return super().update(entity_id, changes, exact=exact)

    def _check_links(
        self,
        session: Session,
        account_id: int | None,
        cleaned: Mapping[str, Any],
        *,
        restoring: bool = False,
    ) -> None:
        """Parent and owner must exist; ``restoring`` (undo/redo) accepts soft-deleted ones.

        An undo puts back a link that was valid when it was made, even if the
        parent or owner has been deleted since: refusing it would break the undo
        history, and a restore of that record brings it back into view.
        """
        parent_id = cleaned.get("parent_id")
        if parent_id is not None:
            parent = session.get(AccountRow, parent_id)
            if parent is None or (parent.deleted_at is not None and not restoring):
                raise ValidationError("parent_id", "The parent account does not exist.")
            if account_id is not None and (
                parent_id == account_id or parent_id in self.descendant_ids(session, account_id)
            ):
                raise ValidationError(
                    "parent_id", "An account cannot sit under itself or one of its own units."
                )
        owner_id = cleaned.get("owner_id")
        if owner_id is not None:
            owner = session.get(TeamMember, owner_id)
            if owner is None or (owner.deleted_at is not None and not restoring):
                raise ValidationError("owner_id", "That team member does not exist.")

    def delete(self, entity_id: int, *, deletion_id: str | None = None) -> str:
        """Soft delete the account and the live accounts under it, as one deletion."""
        with self.workspace.transaction() as session:
            row = self._get(session, entity_id)
            ids = [row.id, *self.descendant_ids(session, row.id)]
            rows = session.scalars(select(AccountRow).where(AccountRow.id.in_(ids))).all()
            return self.soft_delete(session, rows, deletion_id)

    def restore(self, deletion_id: str) -> list[int]:
        with self.workspace.transaction() as session:
            rows = session.scalars(
                select(AccountRow).where(AccountRow.deletion_id == deletion_id)
            ).all()
            if not rows:
                raise NotFoundError("Nothing to restore: it was restored already.")
            ids = {row.id for row in rows}
            for row in rows:
                parent = session.get(AccountRow, row.parent_id) if row.parent_id else None
                if parent is not None and parent.id not in ids and parent.deleted_at is not None:
                    raise ValidationError(
                        "parent_id",
                        f"'{row.name}' belongs to '{parent.name}', which is deleted too: "
                        f"restore '{parent.name}' first.",
                    )
            return self._restore_rows(session, deletion_id)

    def purge(self, account_id: int) -> None:
        """Remove a just-created account for good (undo of create); it must be empty."""
        with self.workspace.transaction() as session:
            row = self._get(session, account_id, deleted_ok=True)
            for model, column in (
                (AccountRow, AccountRow.parent_id),
                (Contact, Contact.account_id),
                (Note, Note.account_id),
            ):
                if session.scalar(select(func.count()).select_from(model).where(column == row.id)):
                    raise DomainError(f"'{row.name}' holds data and can only be deleted softly.")
            session.delete(row)

    def deleted_items(self) -> list[DeletedItem]:
        """One entry per account deletion, newest first."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(AccountRow)
                .where(AccountRow.deleted_at.is_not(None))
                .order_by(AccountRow.deleted_at.desc(), AccountRow.id)
            ).all()
            groups: dict[str, list[AccountRow]] = {}
            for row in rows:
                groups.setdefault(row.deletion_id or "", []).append(row)
            items = []
            for deletion_id, members in groups.items():
                ids = {m.id for m in members}
                root = next((m for m in members if m.parent_id not in ids), members[0])
                assert root.deleted_at is not None
                items.append(
                    DeletedItem(
                        deletion_id=deletion_id,
                        kind="account",
                        name=root.name,
                        account_name=root.name,
                        deleted_at=root.deleted_at,
                        item_count=len(members),
                        entity_id=root.id,
                    )
                )
            return items
