"""Dated notes and learnings per account."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import select

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.base import Cleaner, EntityService, live_account
from keyplan.services.records import NoteDraft, NoteRecord
from keyplan.store.models import Note


def _note_date(value: date) -> date:
    if not isinstance(value, date):
        raise ValidationError("noted_on", "Enter a date.")
    if not 1900 <= value.year <= 2200:
        raise ValidationError("noted_on", f"{value.isoformat()} is out of range.")
    return value


class NoteService(EntityService[Note]):
    model = Note
    label = "note"
    deleted_kind = "note"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "title": partial(rules.clean_name, field="title"),
        "noted_on": _note_date,
        "kind": partial(rules.clean_enum, rules.NoteKind, field="kind"),
        "body": partial(rules.clean_text, field="body"),
    }

    def for_account(self, account_id: int) -> list[NoteRecord]:
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(Note)
                .where(Note.account_id == account_id, Note.deleted_at.is_(None))
                .order_by(Note.noted_on.desc(), Note.id.desc())
            ).all()
            return [self._record(row) for row in rows]

    def get(self, note_id: int) -> NoteRecord:
        with self.workspace.reading() as session:
            return self._record(self._get(session, note_id))

    @staticmethod
    def _record(row: Note) -> NoteRecord:
        return NoteRecord(**{f.name: getattr(row, f.name) for f in dataclasses.fields(NoteRecord)})

    def create(self, account_id: int, draft: NoteDraft, *, note_id: int | None = None) -> int:
        cleaned = self._clean(dataclasses.asdict(draft))
        with self.workspace.transaction() as session:
            live_account(session, account_id)
            row = Note(id=note_id, account_id=account_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def purge(self, note_id: int) -> None:
        with self.workspace.transaction() as session:
            session.delete(self._get(session, note_id, deleted_ok=True))

    def deleted_name(self, row: Any) -> str:
        return str(row.title)
