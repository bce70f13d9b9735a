"""Plan templates: the built-in ones that ship with the app (read-only) and the user's own,
stored as JSON in the workspace and edited like any other entity (undoable, soft-deleted).

A user template starts as a copy of a built-in one (:meth:`PlanTemplateService.create` with
no content copies the first built-in), so there is always something sensible to edit. Names
are unique among the user's templates and the built-in ones, whatever the case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import plans as rules
from keyplan.domain.accounts import clean_name
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.base import Cleaner, EntityService
from keyplan.services.plan_records import TemplateRecord
from keyplan.store.models import PlanTemplate

__all__ = ["PlanTemplateService", "TemplateChoice"]

TemplateChoice = int | str | rules.TemplateContent | None
"""How a plan names its template: a user template's id, a name (the user's templates first,
then the built-in ones), the content itself, or None for a blank plan."""


def _name(value: Any) -> str:
    return clean_name(str(value), "name", max_length=120)


def _content(value: Any) -> str:
    """Validated, normalised JSON (a ``TemplateContent`` is written as JSON)."""
    if isinstance(value, rules.TemplateContent):
        return rules.template_to_json(value)
    if not isinstance(value, str):
        raise rules.TemplateError("The template must be JSON text.")
    return rules.template_to_json(rules.template_from_json(value))


class PlanTemplateService(EntityService[PlanTemplate]):
    model = PlanTemplate
    label = "plan template"
    deleted_kind = "plan_template"
    cleaners: ClassVar[Mapping[str, Cleaner]] = {"name": _name, "content": _content}

    # -- rules -------------------------------------------------------------------------------

    def _check_name(self, session: Session, name: str, template_id: int | None) -> None:
        if rules.builtin_template(name) is not None:
            raise ValidationError("name", f"'{name}' is the name of a built-in template.")
        clash = session.scalar(
            select(PlanTemplate.id).where(
                func.lower(PlanTemplate.name) == name.casefold(),
                PlanTemplate.deleted_at.is_(None),
                PlanTemplate.id != (template_id or -1),
            )
        )
        if clash is not None:
            raise ValidationError("name", f"There is already a template named '{name}'.")

    def _derive(
        self, session: Session, row: PlanTemplate, cleaned: dict[str, Any]
    ) -> dict[str, Any]:
        if "name" in cleaned:
            self._check_name(session, cleaned["name"], row.id)
        return cleaned

    # -- writing -----------------------------------------------------------------------------

    def create(
        self,
        name: str,
        content: rules.TemplateContent | str | None = None,
        *,
        template_id: int | None = None,
    ) -> int:
        """A user template named ``name`` holding ``content`` (JSON or a ``TemplateContent``;
        None: a copy of the first built-in template)."""
        cleaned = self._clean(
            {"name": name, "content": rules.BUILTIN_TEMPLATES[0] if content is None else content}
        )
        with self.workspace.transaction() as session:
            self._check_name(session, cleaned["name"], None)
            row = PlanTemplate(id=template_id, **cleaned)
            session.add(row)
            session.flush()
            return row.id

    def purge(self, template_id: int) -> None:
        with self.workspace.transaction() as session:
            session.delete(self._get(session, template_id, deleted_ok=True))

    def restore(self, deletion_id: str) -> list[int]:
        with self.workspace.transaction() as session:
            rows = session.scalars(
                select(PlanTemplate).where(PlanTemplate.deletion_id == deletion_id)
            ).all()
            for row in rows:
                self._check_name(session, row.name, row.id)
            return self._restore_rows(session, deletion_id)

    # -- reading -----------------------------------------------------------------------------

    @staticmethod
    def _record(row: PlanTemplate) -> TemplateRecord:
        try:
            content = rules.template_from_json(row.content)
        except rules.TemplateError:  # stored by hand or by a newer app: show it empty
            content = rules.TemplateContent(name=row.name)
        return TemplateRecord(row.id, row.name, False, dataclasses.replace(content, name=row.name))

    def all(self) -> list[TemplateRecord]:
        """The built-in templates, then the user's own by name."""
        builtins = [TemplateRecord(None, t.name, True, t) for t in rules.BUILTIN_TEMPLATES]
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(PlanTemplate)
                .where(PlanTemplate.deleted_at.is_(None))
                .order_by(func.lower(PlanTemplate.name), PlanTemplate.id)
            ).all()
            return [*builtins, *(self._record(row) for row in rows)]

    def get(self, template_id: int) -> TemplateRecord:
        with self.workspace.reading() as session:
            return self._record(self._get(session, template_id))

    def resolve(self, choice: TemplateChoice) -> rules.TemplateContent | None:
        """The content a plan starts from (see :data:`TemplateChoice`)."""
        if choice is None or isinstance(choice, rules.TemplateContent):
            return choice
        if isinstance(choice, bool) or not isinstance(choice, int | str):
            raise ValidationError("template", "Choose a template from the list.")
        if isinstance(choice, int):
            try:
                return self.get(choice).content
            except NotFoundError:
                raise ValidationError("template", "That template no longer exists.") from None
        wanted = choice.strip().casefold()
        for record in self.all()[len(rules.BUILTIN_TEMPLATES) :]:
            if record.name.casefold() == wanted:
                return record.content
        found = rules.builtin_template(choice)
        if found is None:
            names = ", ".join(t.name for t in self.all())
            raise ValidationError("template", f"No template named '{choice}'. There are: {names}.")
        return found

    def prompts(self, name: str) -> Mapping[str, str]:
        """The prompts of the template named ``name`` (the first built-in's when it is gone)."""
        try:
            content = self.resolve(name) if name.strip() else None
        except ValidationError:
            content = None
        return (content or rules.BUILTIN_TEMPLATES[0]).prompts or rules.BUILTIN_TEMPLATES[0].prompts
