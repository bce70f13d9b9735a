"""Typed errors of the domain layer; the UI turns them into messages next to fields."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken."""


class ValidationError(DomainError):
    """A value entered for ``field`` is not acceptable; ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(DomainError):
    """The thing asked for does not exist (or was deleted)."""


class FrozenError(DomainError):
    """A sent, approved or rejected estimate revision (or change order) cannot be changed."""
