"""What every view needs from a request: its JSON body, whole numbers from the query string,
string fields of a JSON object. The one home of these helpers; a view that needs another such
helper adds it here."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, request

from multilateral.errors import ServiceError
from multilateral.limits import MAX_ROW_ID

__all__ = ["int_arg", "json_body", "parse_int", "string_field"]


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 415/400 error that says what is wrong.

    The app's JSON provider (:class:`~multilateral.limits.StrictJSONProvider`) already
    refuses what parses but cannot be used: nesting too deep, lone surrogates."""
    if not request.is_json:
        raise ServiceError(
            415, "unsupported-media-type", "Send JSON (Content-Type: application/json)."
        )
    try:
        data = current_app.json.loads(request.get_data(cache=True))
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ServiceError(
            400, "malformed-json", f"The request body is not valid JSON: {str(exc)[:200]}."
        ) from None
    if not isinstance(data, dict):
        raise ServiceError(400, "malformed-json", "The request body must be a JSON object.")
    return data


def string_field(data: dict[str, Any], name: str) -> str:
    """The string field ``name`` of a JSON object, "" when absent or null; 400 otherwise."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError(400, "bad-field", f"{name} must be a string.")
    return value


#: An optional sign and digits: what ``int()`` would also take (spaces, "1_000") is refused.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def parse_int(name: str, raw: str, *, minimum: int = 1, maximum: int = MAX_ROW_ID) -> int:
    """A whole number from a query parameter, between ``minimum`` and ``maximum``; the one
    parser of integers in query strings (ids and version numbers default to what the
    database can hold), so none reaches a query as a number no column holds."""
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise ServiceError(400, "bad-parameter", f"{name} must be a whole number.")
    # Past 20 characters no bound of ours is in reach (and Python refuses int() of 4,300+
    # digits with a ValueError of its own).
    value = int(raw) if len(raw) <= 20 else None
    if value is None or not minimum <= value <= maximum:
        raise ServiceError(400, "bad-parameter", f"{name} must be between {minimum} and {maximum}.")
    return value


def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int = 10_000) -> int:
    """The query parameter ``name`` as a whole number in range; ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    return parse_int(name, raw, minimum=minimum, maximum=maximum)
