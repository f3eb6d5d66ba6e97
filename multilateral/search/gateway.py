"""The search interface services speak to, whatever engine answers.

A backend indexes :class:`IndexEntry` values (one per paragraph), answers
:class:`SearchQuery` with a :class:`SearchResult`, fetches precedent candidates and reports
its :class:`IndexState`. Services never import the engine (Whoosh on one node's disk, or
PostgreSQL's full-text search for several app servers; ``SEARCH_BACKEND``): they call
:func:`multilateral.search.backend`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "FACETS",
    "Batch",
    "Hit",
    "IndexBusy",
    "IndexEntry",
    "IndexState",
    "QueryError",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
]

#: The facets every search counts, in the order pages show them.
FACETS = ("forum", "year", "status", "label", "kind")


class QueryError(ValueError):
    """A query the engine will not run; the message says what to change."""


class IndexBusy(RuntimeError):
    """Another writer held the index for longer than we were willing to wait."""


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A paragraph as the index sees it, with the fields of its version and document."""

    paragraph_id: int
    version_id: int
    document_id: int
    version_number: int
    #: Forum slug ("un-ga", "osce" …).
    forum: str
    symbol: str
    #: Title of the document.
    title: str
    #: The version's date, else the year it was stored.
    year: int
    #: Document status: draft, adopted, withdrawn.
    status: str
    #: Document kind: resolution, convention, protocol …
    kind: str
    #: Paragraph kind: preambular, operative, article …
    paragraph_kind: str
    label: str
    strength: int
    number: str
    text: str


@dataclass(slots=True)
class SearchQuery:
    """What a user asked: query text in the engine-neutral syntax of the search page, plus
    exact-value filters. ``allowed_versions`` (ids) restricts hits to those versions: the
    service passes each text's newest version for ``versions=latest``."""

    text: str
    forum: str | None = None
    year: int | None = None
    status: str | None = None
    label: str | None = None
    kind: str | None = None
    paragraph_kind: str | None = None
    allowed_versions: frozenset[int] | None = None
    page: int = 1
    per_page: int = 20
    facets: bool = True


@dataclass(frozen=True, slots=True)
class Hit:
    entry: IndexEntry
    score: float
    #: An escaped HTML excerpt with the matched words in ``<mark>``.
    snippet: str


@dataclass(slots=True)
class SearchResult:
    hits: list[Hit]
    total: int
    #: facet name → [(value, count)], most frequent first (years newest first).
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexState:
    #: "ok", "rebuilding" (a rebuild is under way in some process), "missing" (never
    #: built) or "error" (unreadable, locked for good …).
    status: str
    paragraphs: int = 0
    message: str = ""


class Batch(Protocol):
    """Index work applied together, committed when the ``with`` block ends without error."""

    def add(self, entries: Iterable[IndexEntry]) -> None: ...

    def remove_version(self, version_id: int) -> None: ...

    def remove_document(self, document_id: int) -> None: ...


class SearchBackend(Protocol):
    #: True when the database keeps the index in step within each transaction (PostgreSQL):
    #: no outbox work is recorded for it, and :meth:`batch` has nothing to apply.
    transactional: bool

    def batch(self, *, timeout: float) -> AbstractContextManager[Batch]:
        """A writing session; raises :class:`IndexBusy` when another holds it past
        ``timeout`` seconds."""
        ...

    def rebuild(self, entries: Iterator[IndexEntry]) -> int:
        """Replace the whole index with ``entries``; returns how many were indexed."""
        ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def candidates(self, words: Sequence[str], *, limit: int) -> list[tuple[IndexEntry, float]]:
        """Paragraphs sharing the most (rarest) of ``words``, with their engine score: the
        pool precedents are ranked from. The words are never parsed as query syntax."""
        ...

    def word_weight(self) -> Callable[[str], float]:
        """Inverse document frequency of a lowercase word across the index."""
        ...

    def paragraph_ids(self) -> set[int]:
        """Every paragraph id the index holds (for ``reindex --check``)."""
        ...

    def rebuilding(self) -> bool:
        """Whether a :meth:`rebuild` is under way, in this process or another."""
        ...

    def state(self) -> IndexState: ...
