"""Projects: the client work an estimate prices."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.base import Cleaner, EntityService, live_account
from keyplan.services.estimate_records import ProjectDraft, ProjectRecord
from keyplan.store.models import Project


class ProjectStatus(StrEnum):
    BRIEFED = "briefed"
    ESTIMATING = "estimating"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _optional_date(field: str) -> Cleaner:
    def clean(value: date | None) -> date | None:
        if value is not None and (not isinstance(value, date) or not 1990 <= value.year <= 2200):
            raise ValidationError(field, "Enter a date from 1990 on.")
        return value

    return clean


class ProjectService(EntityService[Project]):
    model = Project
    label = "project"
    deleted_kind = "project"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": rules.clean_name,
        "code": partial(rules.clean_line, field="code", max_length=40),
        "brief": partial(rules.clean_text, field="brief"),
        "scope": partial(rules.clean_text, field="scope"),
        "po_number": partial(rules.clean_line, field="po_number", max_length=60),
        "start_date": _optional_date("start_date"),
        "end_date": _optional_date("end_date"),
        "status": partial(rules.clean_enum, ProjectStatus, field="status"),
    }

    def for_account(self, account_id: int) -> list[ProjectRecord]:
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(Project)
                .where(Project.account_id == account_id, Project.deleted_at.is_(None))
                .order_by(func.lower(Project.name))
            ).all()
            return [self._record(row) for row in rows]

    def get(self, project_id: int) -> ProjectRecord:
        with self.workspace.reading() as session:
            return self._record(self._get(session, project_id))

    @staticmethod
    def _record(row: Project) -> ProjectRecord:
        return ProjectRecord(
            **{f.name: getattr(row, f.name) for f in dataclasses.fields(ProjectRecord)}
        )

    def create(self, account_id: int, draft: ProjectDraft, *, project_id: int | None = None) -> int:
        cleaned = self._clean(dataclasses.asdict(draft))
        self._check_dates(cleaned)
        with self.workspace.transaction() as session:
            live_account(session, account_id)
            row = Project(id=project_id, account_id=account_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def _derive(self, session: Session, row: Project, cleaned: dict[str, Any]) -> dict[str, Any]:
        self._check_dates(
            {
                "start_date": cleaned.get("start_date", row.start_date),
                "end_date": cleaned.get("end_date", row.end_date),
            }
        )
        return cleaned

    @staticmethod
    def _check_dates(values: Mapping[str, object]) -> None:
        start, end = values.get("start_date"), values.get("end_date")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise ValidationError("end_date", "The project cannot end before it starts.")

    def purge(self, project_id: int) -> None:
        with self.workspace.transaction() as session:
            session.delete(self._get(session, project_id, deleted_ok=True))
