"""Errors that services raise for the caller to show: a command, a view or the admin maps them to its output."""


class ApplicationError(Exception):
    """A domain rule refused an action. `message` is written for the person who asked for it."""

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
