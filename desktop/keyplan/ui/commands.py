"""Undoable changes. Each one calls services to do and undo; none touches a session."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from keyplan.services.records import Change
from keyplan.ui.operations import ServiceCommand


class UpdateCommand(ServiceCommand):
    """Change fields of one entity: ``update(changes, exact) -> Change``."""

    def __init__(
        self,
        text: str,
        kind: str,
        update: Callable[..., Change],
        changes: Mapping[str, Any],
    ) -> None:
        super().__init__(text)
        self.kind = kind
        self._update = update
        self._changes = dict(changes)
        self.change: Change | None = None

    @property
    def is_noop(self) -> bool:
        return self.change is not None and self.change.is_empty

    def apply(self) -> None:
        if self.change is None:
            self.change = self._update(self._changes)
        else:
            self._update(self.change.after, exact=True)

    def revert(self) -> None:
        assert self.change is not None
        self._update(self.change.before, exact=True)


class CreateCommand(ServiceCommand):
    """Create an entity; undo removes it, redo re-creates it with the same id."""

    def __init__(
        self,
        text: str,
        kind: str,
        create: Callable[[int | None], int],
        purge: Callable[[int], None],
    ) -> None:
        super().__init__(text)
        self.kind = kind
        self._create = create
        self._purge = purge
        self.entity_id: int | None = None

    def apply(self) -> None:
        self.entity_id = self._create(self.entity_id)

    def revert(self) -> None:
        assert self.entity_id is not None
        self._purge(self.entity_id)


class DeleteCommand(ServiceCommand):
    """Soft delete; undo restores exactly what the delete took away.

    ``delete(deletion_id=...)`` is called with the first delete's id on redo, so
    the deletion keeps one id for every command on the stack that refers to it.
    """

    def __init__(
        self,
        text: str,
        kind: str,
        delete: Callable[..., str],
        restore: Callable[[str], object],
    ) -> None:
        super().__init__(text)
        self.kind = kind
        self._delete = delete
        self._restore = restore
        self.deletion_id = ""

    def apply(self) -> None:
        self.deletion_id = self._delete(deletion_id=self.deletion_id or None)

    def revert(self) -> None:
        self._restore(self.deletion_id)


class RestoreCommand(ServiceCommand):
    """Restore a deletion from the Deleted items page; undo deletes it again."""

    def __init__(
        self,
        text: str,
        kind: str,
        deletion_id: str,
        restore: Callable[[str], object],
        delete: Callable[..., str],
    ) -> None:
        super().__init__(text)
        self.kind = kind
        self.deletion_id = deletion_id
        self._restore = restore
        self._delete = delete

    def apply(self) -> None:
        self._restore(self.deletion_id)

    def revert(self) -> None:
        self._delete(deletion_id=self.deletion_id)


class SetLogoCommand(ServiceCommand):
    kind = "agency"

    def __init__(self, text: str, set_logo: Callable[[bytes | None], Any], image: bytes | None):
        super().__init__(text)
        self._set_logo = set_logo
        self._image = image
        self._previous: bytes | None = None

    def apply(self) -> None:
        previous = self._set_logo(self._image)
        self._previous = previous[0] if previous else None

    def revert(self) -> None:
        self._set_logo(self._previous)
