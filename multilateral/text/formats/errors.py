"""The one error every importer raises for input it refuses."""

from __future__ import annotations

__all__ = ["ImportProblem"]

#: HTTP status per problem code; everything not listed is a plain bad request.
_STATUS = {"too-large": 413, "too-many-paragraphs": 413, "unsupported-type": 415}


class ImportProblem(Exception):
    """An uploaded file that cannot be imported, told so the negotiator can fix it.

    ``code`` is a short slug for clients ("encrypted", "zip-bomb" …), ``message`` a sentence
    naming the file and what to do, ``status`` the HTTP status the API answers with.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = _STATUS.get(code, 400)

    def __repr__(self) -> str:
        return f"ImportProblem({self.code!r}, {self.message!r})"
