"""What every entity service shares: field updates that report their change,
soft delete grouped by a deletion id, restore, and purge (undo of a create).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.records import Change, DeletedItem
from keyplan.store.models import Account, Base
from keyplan.store.types import utc_now
from keyplan.store.workspace import Workspace

ModelT = TypeVar("ModelT", bound=Base)
Cleaner = Callable[[Any], Any]


def live_account(session: Session, account_id: int) -> Account:
    """The account ``account_id``; ``ValidationError`` when it does not exist or is in the
    bin (nothing new is filed under a deleted account)."""
    account = session.get(Account, account_id)
    if account is None or account.deleted_at is not None:
        raise ValidationError("account_id", "The account does not exist.")
    return account


def clean_day(value: Any, field: str) -> date | None:
    """An optional day: None, or a date from 1990 to 2200 (``ValidationError`` on ``field``
    for anything else), the one rule every dated field of a plan, JBP or deal follows."""
    if value is None:
        return None
    if not isinstance(value, date) or not 1990 <= value.year <= 2200:
        raise ValidationError(field, "Enter a date from 1990 to 2200.")
    return value


def clean_required_day(value: Any, field: str) -> date:
    """A day that must be given: :func:`clean_day`, and None is refused."""
    day = clean_day(value, field)
    if day is None:
        raise ValidationError(field, "Enter the date.")
    return day


class EntityService(Generic[ModelT]):
    """Field-level editing of one table, one transaction per call."""

    model: type[ModelT]
    label: ClassVar[str] = "item"
    #: the kind a deletion of this table shows under in Deleted items
    deleted_kind: ClassVar[str] = ""
    #: field -> function that validates and normalises a value for it
    cleaners: ClassVar[Mapping[str, Cleaner]] = {}

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    # -- helpers for subclasses ------------------------------------------------------

    def _get(self, session: Session, entity_id: int, *, deleted_ok: bool = False) -> ModelT:
        row = session.get(self.model, entity_id)
        if row is None or (not deleted_ok and getattr(row, "deleted_at", None) is not None):
            raise NotFoundError(f"No {self.label} with id {entity_id}.")
        return row

    def _clean(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for name, value in changes.items():
            cleaner = self.cleaners.get(name)
            if cleaner is None:
                raise ValidationError(name, f"{name} cannot be edited on a {self.label}.")
            cleaned[name] = cleaner(value)
        return cleaned

    def _derive(self, session: Session, row: ModelT, cleaned: dict[str, Any]) -> dict[str, Any]:
        """Hook: add fields that follow from an edit (e.g. health date); check cross rules."""
        return cleaned

    # -- the operations ----------------------------------------------------------------

    def update(self, entity_id: int, changes: Mapping[str, Any], *, exact: bool = False) -> Change:
        """Validate and write ``changes``; return what changed so it can be undone.

        ``exact`` writes the values as given (still validated) without deriving
        other fields: undo and redo use it to put back precisely a former state.
        """
        cleaned = self._clean(changes)
        with self.workspace.transaction() as session:
            row = self._get(session, entity_id)
            if not exact:
                cleaned = self._derive(session, row, cleaned)
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, value in cleaned.items():
                old = getattr(row, name)
                if old != value:
                    before[name] = old
                    after[name] = value
                    setattr(row, name, value)
        return Change(before, after)

    def soft_delete(
        self, session: Session, rows: Iterable[Any], deletion_id: str | None = None
    ) -> str:
        """Mark ``rows`` deleted under one deletion id (a new one unless given)."""
        deletion_id = deletion_id or str(uuid.uuid4())
        now = utc_now()
        for row in rows:
            row.deleted_at = now
            row.deletion_id = deletion_id
        return deletion_id

    def delete(self, entity_id: int, *, deletion_id: str | None = None) -> str:
        """Soft delete; returns the deletion id that ``restore`` takes.

        Undo/redo pass the ``deletion_id`` of the first delete so that every
        command on the undo stack keeps referring to the same deletion.
        """
        with self.workspace.transaction() as session:
            row = self._get(session, entity_id)
            return self.soft_delete(session, [row], deletion_id)

    def restore(self, deletion_id: str) -> list[int]:
        """Bring back everything one delete took away; returns the ids restored."""
        with self.workspace.transaction() as session:
            return self._restore_rows(session, deletion_id)

    def _restore_rows(self, session: Session, deletion_id: str) -> list[int]:
        model: Any = self.model
        rows = session.scalars(select(model).where(model.deletion_id == deletion_id)).all()
        for row in rows:
            row.deleted_at = None
            row.deletion_id = None
        return [row.id for row in rows]

    def check(self, name: str, value: Any) -> None:
        """Validate one field's value without saving it (live validation as you type)."""
        self._clean({name: value})

    def deleted_name(self, row: Any) -> str:
        """How a deleted row is named in Deleted items."""
        return str(row.name)

    def deleted_items(self) -> list[DeletedItem]:
        """Every deletion of this table, newest first; rows of a deleted account are left
        out (they come back with their account)."""
        model: Any = self.model
        query = select(model).where(model.deleted_at.is_not(None))
        has_account = hasattr(model, "account_id")
        with self.workspace.reading() as session:
            if has_account:
                query = (
                    select(model, Account.name)
                    .join(Account, Account.id == model.account_id)
                    .where(model.deleted_at.is_not(None), Account.deleted_at.is_(None))
                )
            rows = session.execute(query.order_by(model.deleted_at.desc())).all()
            return [
                DeletedItem(
                    deletion_id=row[0].deletion_id or "",
                    kind=self.deleted_kind,
                    name=self.deleted_name(row[0]),
                    account_name=row[1] if has_account else "",
                    deleted_at=row[0].deleted_at,
                    entity_id=row[0].id,
                )
                for row in rows
            ]
