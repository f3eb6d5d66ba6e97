"""The query syntax of the search page, read the same way whatever engine answers.

Words, ``"exact phrases"``, ``"near words"~3``, ``prefix*``, ``AND`` / ``OR`` / ``NOT`` with
parentheses, and the fields of :data:`QUERY_FIELDS` (``forum:osce``). Whoosh's query parser
reads it for both backends (a parser library here: the Whoosh index is not involved), each
backend giving it its own schema for the text, so both accept and refuse the same queries
with the same messages; each then turns the parsed tree into its engine's query.
"""

from __future__ import annotations

import re

from whoosh import query
from whoosh.analysis import IDAnalyzer
from whoosh.fields import ID, FieldType, Schema
from whoosh.qparser import QueryParser

from multilateral.search.gateway import QueryError

__all__ = [
    "MAX_EXPANSION",
    "MAX_QUERY_TERMS",
    "QUERY_FIELDS",
    "WORD",
    "WORDS",
    "check_expansion",
    "parse",
    "query_schema",
]

#: More words than this in one query is refused: no real look-up needs it, and each word is
#: a posting list to read.
MAX_QUERY_TERMS = 64
#: A prefix or wildcard may stand for at most this many indexed words ("traffick*" is 7;
#: "t*" is thousands and would read most of the index).
MAX_EXPANSION = 256

#: A word as the tokenizers see it: letters/digits, with inner dots ("U.N.", "1.5").
WORD = r"\w+(\.?\w+)*"
WORDS = re.compile(WORD)

#: Fields a user may name in a query (``forum:osce``) besides the text itself; any other
#: "name:" is refused.
QUERY_FIELDS = ("forum", "symbol", "year", "status", "kind", "paragraph_kind", "label")
#: "name:" directly followed by a value, outside quotes (a field specification).
_FIELD_PREFIX = re.compile(r'(?<![\w"])([A-Za-z_]+):(?=[^\s:])')


def query_schema(text: FieldType) -> Schema:
    """The fields a query may name, with ``text`` as the backend analyses it."""
    return Schema(
        text=text,
        forum=ID(),
        symbol=ID(analyzer=IDAnalyzer(lowercase=True)),
        year=ID(),
        status=ID(),
        kind=ID(),
        paragraph_kind=ID(),
        label=ID(),
    )


def parse(parser: QueryParser, text: str) -> query.Query:
    """``text`` parsed by ``parser``, or :class:`~multilateral.search.gateway.QueryError`
    saying what to change: too many words, an unknown field, nothing left to search for,
    or a lone ``*`` that would match every paragraph."""
    words = len(WORDS.findall(text))
    if words > MAX_QUERY_TERMS:
        raise QueryError(
            f"The query has {words} words; at most {MAX_QUERY_TERMS} are searched. "
            "To find where a passage was agreed before, use the precedents look-up."
        )
    for name in _FIELD_PREFIX.findall(text):
        if name not in QUERY_FIELDS and name != "text":
            raise QueryError(
                f"{name}: is not a field to search; use one of "
                + ", ".join(f"{f}:" for f in QUERY_FIELDS)
                + ", or leave out the colon."
            )
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # Whoosh raises assorted errors on odd syntax
        raise QueryError(f"The query could not be read: {exc}") from None
    if parsed is query.NullQuery:
        raise QueryError("The query holds no word to search for.")
    if isinstance(parsed, query.Every) or any(isinstance(x, query.Every) for x in parsed.leaves()):
        raise QueryError("A lone * would match every paragraph; add words to search for.")
    return parsed


def check_expansion(what: str, count: int) -> None:
    """Refuse a prefix or wildcard ``what`` ("traffick*") that stands for ``count`` words
    when that is more than :data:`MAX_EXPANSION`."""
    if count > MAX_EXPANSION:
        raise QueryError(
            f"{what} stands for more than {MAX_EXPANSION} different words; "
            "give more letters before the * or narrow the range."
        )
