"""Errors that services raise; views, the API and commands turn them into messages."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ConflictError", "NotFound", "PermissionDenied", "ValidationError"]


class NotFound(Exception):
    """The object does not exist or the user may not see it (the two look the same)."""


class ConflictError(Exception):
    """Someone else saved a newer version of the object since the user loaded it."""

    def __init__(self, message: str, *, current: object = None) -> None:
        super().__init__(message)
        self.current = current
