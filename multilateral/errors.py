"""The one error type services raise; views turn it into the JSON error shape or a page."""

from __future__ import annotations

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """A request that cannot be carried out, with the HTTP status that says why.

    ``code`` is a short slug clients can test ("unknown-forum", "duplicate-symbol" …);
    ``message`` is a sentence for people.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
