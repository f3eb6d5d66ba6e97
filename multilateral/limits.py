"""Bounds on what one request may ask of the service, so hostile input gets a 4xx, never a 500.

- Integers in URLs: ids and version numbers are ``Integer`` columns, 32-bit on PostgreSQL,
  so nothing past :data:`MAX_ROW_ID` can exist; ``<int:…>`` answers 404 for them, on SQLite
  (which would raise OverflowError past 64 bits) as on PostgreSQL.
- JSON bodies: too deep (the parser's RecursionError), lone surrogates (valid JSON escapes
  that no database or UTF-8 encoder takes) and more nesting than any of our bodies has are
  refused as malformed, wherever the body is read (``json_body`` and Flask-WTF forms alike).
- Pages take forms, never JSON (Flask-WTF would read a JSON body as the form): 415.
- Field lengths: checked in the services against the model columns, so SQLite (which stores
  any length) and PostgreSQL (which refuses with an error) behave the same.

:func:`init_app` must run before the blueprints are registered: routes take their
converters when they are added.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map

from multilateral.errors import ServiceError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_JSON_INT",
    "MAX_ROW_ID",
    "MAX_TAG_LENGTH",
    "MAX_TAGS",
    "RowIdConverter",
    "StrictJSONProvider",
    "check_length",
    "column_length",
    "init_app",
]

#: The largest value of an ``Integer`` column on every database we run on (PostgreSQL's
#: ``integer`` is 32-bit; SQLite's would hold 64 bits).
MAX_ROW_ID = 2**31 - 1
#: The largest integer a JSON body may carry: what a double holds exactly (I-JSON).
MAX_JSON_INT = 2**53 - 1
#: Nesting no request body of ours comes near (positions: object > list > object).
MAX_JSON_DEPTH = 32
#: Tags are a JSON list, not a column: these bounds are ours, not the schema's.
MAX_TAGS = 50
MAX_TAG_LENGTH = 100

#: A UTF-16 surrogate code point: only a lone one survives JSON decoding (a pair becomes
#: one character), and it cannot be encoded as UTF-8 for the database or a response.
_SURROGATE = re.compile("[\ud800-\udfff]")


class RowIdConverter(IntegerConverter):
    """``<int:…>`` for ids and version numbers: 1 … :data:`MAX_ROW_ID`.

    Past that the route still matches and the answer is 404, before any query is built.
    It raises NotFound rather than Werkzeug's ValidationError: that one makes the matcher
    answer 405 when another method's rule shares the path (PUT …/positions beside GET)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ROW_ID,
                 signed: bool = False) -> None:  # fmt: skip
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> Any:
        # Length first: no int() of 5,000 digits.
        if len(value.lstrip("0")) > len(str(self.max)) or not (self.min <= int(value) <= self.max):
            shown = value if len(value) <= 30 else value[:30] + "…"
            raise NotFound(
                f"Nothing has the number {shown}: ids and version numbers run from "
                f"{self.min} to {self.max:,}."
            )
        return int(value)


def _check_parsed(data: Any) -> None:
    """Raise ValueError for a lone surrogate anywhere (keys too) or nesting past the limit."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ValueError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff)")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"nested too deep (more than {MAX_JSON_DEPTH} levels)")
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > len(str(MAX_JSON_INT)) or abs(int(text)) > MAX_JSON_INT:
        raise ValueError(f"the number {text[:30]} is larger than JSON carries exactly (2**53)")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:30]} is out of range")
    return value


def _json_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a body it cannot safely use is a ValueError like any bad JSON:
    ``request.get_json`` answers 400, ``get_json(silent=True)`` None. Numbers follow I-JSON
    (RFC 7493): integers within ±2**53, no NaN or Infinity, so no id in a body overflows
    SQLite's INTEGER."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_int", _json_int)
        kwargs.setdefault("parse_float", _json_float)
        kwargs.setdefault("parse_constant", _json_constant)
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(f"nested too deep (more than {MAX_JSON_DEPTH} levels)") from None
        _check_parsed(data)
        return data


def column_length(column: InstrumentedAttribute[Any]) -> int:
    """The length a ``String(n)`` column holds: the one source of truth for a field's limit."""
    length = getattr(column.type, "length", None)
    if not length:
        raise TypeError(f"{column} has no length")
    return int(length)


def check_length(field: str, value: str | None, limit: int | InstrumentedAttribute[Any]) -> None:
    """400 naming ``field`` and its limit when ``value`` is longer than ``limit`` characters
    (a number, or the column whose length it is)."""
    most = limit if isinstance(limit, int) else column_length(limit)
    if value is not None and len(value) > most:
        raise ServiceError(
            400,
            "bad-field",
            f"{field} must be at most {most:,} characters (it has {len(value):,}).",
        )


def _refuse_json_to_pages() -> None:
    """Pages take forms and JSON goes to /api: a JSON body posted to a page would be read
    by Flask-WTF in place of the form fields (a list or a string there is a 500)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.is_json:
        if not (request.path.startswith("/api/") or request.path == "/api"):
            raise ServiceError(
                415,
                "unsupported-media-type",
                "This page takes a form, not JSON; the JSON API is under /api.",
            )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter
    app.json = StrictJSONProvider(app)
    app.before_request(_refuse_json_to_pages)
