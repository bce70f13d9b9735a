"""The agency profile (one per workspace) and the agency's team members."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import func, select

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.base import Cleaner, EntityService
from keyplan.services.records import (
    AgencyProfileRecord,
    Change,
    TeamMemberRecord,
)
from keyplan.store.models import AgencyProfile, TeamMember

LOGO_MAX_BYTES = 2 * 1024 * 1024
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _month(value: int) -> int:
    cleaned = rules.clean_rating(value, "fiscal_year_start_month", low=1, high=12)
    if cleaned is None:
        raise ValidationError("fiscal_year_start_month", "Choose a month.")
    return cleaned


NUMBER_FIELDS = frozenset({"year", "seq", "account"})


def _number_pattern(value: str) -> str:
    """An estimate number pattern such as ``KP-{year}-{seq:04}``."""
    text = rules.clean_name(value, "estimate_number_pattern", max_length=80)
    problem = f"'{text}' is not a number pattern: use {{year}}, {{seq:04}} and {{account}}."
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        if not fields <= NUMBER_FIELDS:  # also refuses '{seq.x}' and '{year[0]}'
            raise ValidationError("estimate_number_pattern", problem)
        text.format(year=2026, seq=1, account="X")
    except (ValueError, TypeError) as exc:
        raise ValidationError("estimate_number_pattern", problem) from exc
    if "seq" not in fields:
        raise ValidationError("estimate_number_pattern", "The pattern needs {seq} to be unique.")
    return text


def _hours_per_day(value: Any) -> Decimal:
    """Working hours in a day: compares day-priced lines with hours booked as actuals."""
    if isinstance(value, float | bool):
        raise TypeError("hours are never floats")
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError("hours_per_day", f"'{value}' is not a number of hours.") from None
    if not hours.is_finite() or not Decimal(1) <= hours <= Decimal(24):
        raise ValidationError("hours_per_day", "Enter the hours of a working day, from 1 to 24.")
    if hours.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError("hours_per_day", "Use at most 2 decimals for the hours.")
    return hours


class AgencyService:
    """Reads and edits the agency profile; the row always exists (id 1)."""

    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": rules.clean_name,
        "legal_name": partial(rules.clean_line, field="legal_name", max_length=rules.NAME_MAX),
        "address": partial(rules.clean_text, field="address", max_length=1000),
        "tax_id": partial(rules.clean_line, field="tax_id", max_length=60),
        "brand_colour": rules.clean_colour,
        "default_currency": partial(rules.clean_currency, field="default_currency"),
        "default_tax_rate": partial(rules.clean_percent, field="default_tax_rate"),
        "paper_size": partial(rules.clean_enum, rules.PaperSize, field="paper_size"),
        "margin_floor_percent": partial(
            rules.clean_percent, field="margin_floor_percent", low=Decimal(-100)
        ),
        "estimate_number_pattern": _number_pattern,
        "payment_terms": partial(rules.clean_text, field="payment_terms", max_length=5000),
        "fiscal_year_start_month": _month,
        "hours_per_day": _hours_per_day,
    }

    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace

    def _row(self, session: Any) -> AgencyProfile:
        row = session.get(AgencyProfile, 1)
        if row is None:  # a new workspace: create the profile on first use
            row = AgencyProfile(id=1, name="My agency")
            session.add(row)
            session.flush()
        return row  # type: ignore[no-any-return]

    def get(self) -> AgencyProfileRecord:
        with self.workspace.reading() as session:
            row = session.get(AgencyProfile, 1)
            if row is None:  # only a workspace whose creation was cut short
                with self.workspace.transaction() as writer:
                    self._row(writer)
                row = session.get(AgencyProfile, 1)
            values = {
                f.name: getattr(row, f.name)
                for f in dataclasses.fields(AgencyProfileRecord)
                if f.name != "has_logo"
            }
            return AgencyProfileRecord(has_logo=row.logo is not None, **values)

    def update(self, changes: Mapping[str, Any], *, exact: bool = False) -> Change:
        cleaned = {name: self._cleaner(name)(value) for name, value in changes.items()}
        with self.workspace.transaction() as session:
            row = self._row(session)
            before, after = {}, {}
            for name, value in cleaned.items():
                if getattr(row, name) != value:
                    before[name], after[name] = getattr(row, name), value
                    setattr(row, name, value)
        return Change(before, after)

    def _cleaner(self, name: str) -> Cleaner:
        if name not in self.cleaners:
            raise ValidationError(name, f"{name} is not part of the agency profile.")
        return self.cleaners[name]

    def logo(self) -> tuple[bytes, str] | None:
        with self.workspace.reading() as session:
            row = session.get(AgencyProfile, 1)
            if row is None or row.logo is None:
                return None
            return row.logo, row.logo_mime

    def set_logo(self, image: bytes | None) -> tuple[bytes, str] | None:
        """Store a PNG or JPEG logo (or remove it); returns the previous one for undo."""
        mime = ""
        if image is not None:
            if len(image) > LOGO_MAX_BYTES:
                raise ValidationError("logo", "The logo is larger than 2 MB; use a smaller image.")
            mime = next((m for magic, m in _LOGO_TYPES.items() if image.startswith(magic)), "")
            if not mime:
                raise ValidationError("logo", "The logo must be a PNG or JPEG image.")
        previous = self.logo()
        with self.workspace.transaction() as session:
            row = self._row(session)
            row.logo, row.logo_mime = image, mime
        return previous

    def set_logo_from_file(self, path: Path) -> tuple[bytes, str] | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise ValidationError("logo", f"{path} does not exist.") from exc
        except OSError as exc:
            raise ValidationError("logo", f"{path} cannot be read: {exc.strerror}.") from exc
        return self.set_logo(data)


class TeamService(EntityService[TeamMember]):
    model = TeamMember
    label = "team member"
    deleted_kind = "team_member"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {
        "name": rules.clean_name,
        "role": partial(rules.clean_line, field="role"),
        "email": rules.clean_email,
    }

    def all(self) -> list[TeamMemberRecord]:
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(TeamMember)
                .where(TeamMember.deleted_at.is_(None))
                .order_by(func.lower(TeamMember.name))
            ).all()
            return [TeamMemberRecord(r.id, r.name, r.role, r.email) for r in rows]

    def create(
        self, name: str, role: str = "", email: str = "", *, member_id: int | None = None
    ) -> int:
        cleaned = self._clean({"name": name, "role": role, "email": email})
        with self.workspace.transaction() as session:
            row = TeamMember(id=member_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def purge(self, member_id: int) -> None:
        with self.workspace.transaction() as session:
            session.delete(self._get(session, member_id, deleted_ok=True))
