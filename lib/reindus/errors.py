"""Errors a user can act on. Each carries its message in French, ready to be shown as is.

Forms, imports and the UI catch `UserError` (or a subclass), never a bare `ValueError`: anything else is
a bug and goes to the server log, not to the screen.
"""

from __future__ import annotations


class UserError(Exception):
    """A refused input or action; `message` is French and names the file, line, column or field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """A value that breaks a rule of the programme (a form field or a cell of an imported file)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PermissionDeniedError(UserError):
    """The signed-in person may not do this, whatever the page showed."""
