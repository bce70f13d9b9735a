"""Errors raised when a workspace file cannot be created, opened or written.

Each carries a message meant for the user: what is wrong and with which file.
The UI shows ``str(error)``; the CLI prints it on one line.
"""

from __future__ import annotations

from pathlib import Path


class WorkspaceError(Exception):
    """Base class: something is wrong with a workspace file."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WorkspaceNotFoundError(WorkspaceError):
    """The file does not exist (or its drive has vanished)."""


class WorkspaceExistsError(WorkspaceError):
    """Creating a workspace where a file already exists."""


class NotAWorkspaceError(WorkspaceError):
    """The file is not a Keyplan workspace (another SQLite database or not SQLite at all)."""


class CorruptWorkspaceError(WorkspaceError):
    """The file is a damaged or truncated Keyplan workspace."""


class WorkspaceTooNewError(WorkspaceError):
    """The workspace was written by a newer Keyplan whose schema this version does not know."""


class WorkspaceLockedError(WorkspaceError):
    """Another running Keyplan has the workspace open for writing."""


class WorkspaceReadOnlyError(WorkspaceError):
    """The file or its folder cannot be written."""


class WorkspaceWriteError(WorkspaceError):
    """A write failed (disk full, I/O error); the transaction was rolled back."""
