"""The one way the UI changes data.

``WorkspaceSession`` holds the open workspace's services and its undo stack.
A change is a ``ServiceCommand``: ``run`` applies it once (errors come back to
the caller as a message, nothing is pushed), then pushes it on the undo stack.
Every change, undo and redo ends by emitting ``changed(kind)``; views refresh
from that signal only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from keyplan.domain.errors import DomainError, ValidationError
from keyplan.services.workspace import WorkspaceError, WorkspaceServices

UserError = (DomainError, WorkspaceError)


class ServiceCommand(QUndoCommand):
    """An undoable change made through the services.

    Subclasses implement ``apply`` (the first do and every redo) and ``revert``.
    Both run inside ``WorkspaceSession``; they must not touch widgets.
    """

    kind = "workspace"  # what changed, for the ``changed`` signal

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.session: WorkspaceSession | None = None
        self._applied_once = False

    @property
    def is_noop(self) -> bool:
        """True when applying changed nothing: such a command is not pushed."""
        return False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    # QUndoStack calls redo() on push: the first apply already happened in run().
    def redo(self) -> None:
        if not self._applied_once:
            self._applied_once = True
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def _guarded(self, step: Callable[[], None]) -> None:
        assert self.session is not None
        try:
            step()
        except UserError as exc:  # e.g. the disk filled up between edits
            self.session.fail_undo(str(exc))
        finally:
            self.session.changed.emit(self.kind)


class WorkspaceSession(QObject):
    """An open workspace as the UI sees it."""

    changed = Signal(str)  # kind of data that changed: "account", "contact", ...
    error = Signal(str)  # a message for the user

    def __init__(self, services: WorkspaceServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.undo_stack = QUndoStack(self)

    def run(self, command: ServiceCommand, *, inline: bool = False) -> str | None:
        """Apply ``command`` and put it on the undo stack.

        Returns None on success, else the message. A ``ValidationError`` is
        left to the caller when ``inline`` (it shows the message next to the
        field); anything else is also reported through ``error``.
        """
        command.session = self
        try:
            command.apply()
        except ValidationError as exc:
            if not inline:
                self.error.emit(str(exc))
            return str(exc)
        except UserError as exc:
            self.error.emit(str(exc))
            return str(exc)
        if not command.is_noop:
            self.undo_stack.push(command)
            self.changed.emit(command.kind)
        return None

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run a service call that is not undoable (e.g. a copy); None on error."""
        try:
            return function(*args)
        except UserError as exc:
            self.error.emit(str(exc))
            return None

    def fail_undo(self, message: str) -> None:
        self.error.emit(message + "\nThe undo history was cleared so it cannot go wrong again.")
        QTimer.singleShot(0, self.undo_stack.clear)  # not while the stack is mid-undo

    def close(self) -> None:
        self.undo_stack.clear()
        self.services.close()
