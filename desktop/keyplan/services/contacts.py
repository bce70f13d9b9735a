"""Contacts at the client and the reports-to lines of the relationship map."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.base import Cleaner, EntityService, live_account
from keyplan.services.records import Change, ContactDraft, ContactRecord
from keyplan.store.models import Contact


def _reports_to(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError("reports_to_id", "Choose a contact from the list.")
    return value


class ContactService(EntityService[Contact]):
    model = Contact
    label = "contact"
    deleted_kind = "contact"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": rules.clean_name,
        "title": partial(rules.clean_line, field="title"),
        "email": rules.clean_email,
        "phone": rules.clean_phone,
        "location": partial(rules.clean_line, field="location"),
        "time_zone": rules.clean_time_zone,
        "buying_role": partial(rules.clean_enum, rules.BuyingRole, field="buying_role"),
        "influence": partial(rules.clean_rating, field="influence"),
        "relationship_strength": partial(rules.clean_rating, field="relationship_strength"),
        "reports_to_id": _reports_to,
        "notes": partial(rules.clean_text, field="notes"),
    }

    def for_account(self, account_id: int) -> list[ContactRecord]:
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(Contact)
                .where(Contact.account_id == account_id, Contact.deleted_at.is_(None))
                .order_by(func.lower(Contact.name), Contact.id)
            ).all()
            live = {row.id for row in rows}
            return [self._record(row, live) for row in rows]

    def get(self, contact_id: int) -> ContactRecord:
        with self.workspace.reading() as session:
            row = self._get(session, contact_id)
            manager = session.get(Contact, row.reports_to_id) if row.reports_to_id else None
            live = {manager.id} if manager is not None and manager.deleted_at is None else set()
            return self._record(row, live)

    @staticmethod
    def _record(row: Contact, live_ids: set[int]) -> ContactRecord:
        values = {f.name: getattr(row, f.name) for f in dataclasses.fields(ContactRecord)}
        if values["reports_to_id"] not in live_ids:
            values["reports_to_id"] = None  # the manager was deleted: show at the top
        return ContactRecord(**values)

    def create(self, account_id: int, draft: ContactDraft, *, contact_id: int | None = None) -> int:
        cleaned = self._clean(dataclasses.asdict(draft))
        with self.workspace.transaction() as session:
            live_account(session, account_id)
            self._check_manager(session, account_id, contact_id, cleaned.get("reports_to_id"))
            row = Contact(id=contact_id, account_id=account_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def update(self, entity_id: int, changes: Mapping[str, Any], *, exact: bool = False) -> Change:
        if "reports_to_id" in changes:
            with self.workspace.reading() as session:
                row = self._get(session, entity_id)
                self._check_manager(
                    session,
                    row.account_id,
                    entity_id,
                    _reports_to(changes["reports_to_id"]),
                    restoring=exact,
                )
        return super().update(entity_id, changes, exact=exact)

    @staticmethod
    def _check_manager(
        session: Session,
        account_id: int,
        contact_id: int | None,
        manager_id: int | None,
        *,
        restoring: bool = False,
    ) -> None:
        """Same account and no loop; ``restoring`` (undo/redo) accepts a deleted manager."""
        if manager_id is None:
            return
        manager = session.get(Contact, manager_id)
        gone = manager is None or (manager.deleted_at is not None and not restoring)
        if gone or manager is None or manager.account_id != account_id:
            raise ValidationError("reports_to_id", "Choose a contact of the same account.")
        seen: set[int] = set()
        current: Contact | None = manager
        while current is not None and current.id not in seen:  # walk up: no loops
            if current.id == contact_id:
                raise ValidationError(
                    "reports_to_id", "That would make a loop: they already report to this contact."
                )
            seen.add(current.id)
            current = session.get(Contact, current.reports_to_id) if current.reports_to_id else None

    def purge(self, contact_id: int) -> None:
        """Remove a just-created contact for good (undo of create)."""
        with self.workspace.transaction() as session:
            session.delete(self._get(session, contact_id, deleted_ok=True))
