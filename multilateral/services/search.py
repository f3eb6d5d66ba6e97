"""Searching every text, and finding where language was agreed before.

The service checks the filters against the vocabularies, asks the database which versions
are each text's newest (the index does not store "latest": it changes with every upload),
and speaks to the search gateway only through :func:`multilateral.search.backend`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document, Forum, Version
from multilateral.search import backend, drain_quietly
from multilateral.search.gateway import IndexEntry, QueryError, SearchQuery, SearchResult
from multilateral.text.clauses import LABELS
from multilateral.text.precedents import Candidate, lookup_words, rank
from multilateral.text.units import KINDS

__all__ = [
    "MAX_PRECEDENT_CHARS",
    "PrecedentHit",
    "SearchParams",
    "latest_version_ids",
    "precedents",
    "search",
    "version_precedents",
]

log = logging.getLogger(__name__)

#: Pasted text longer than this is refused by the precedents look-up (about ten pages).
MAX_PRECEDENT_CHARS = 20_000
#: Candidates fetched from the index for re-ranking.
PRECEDENT_POOL = 200
#: A smaller pool per paragraph when a whole version is looked up for its page: the source
#: of reused language shares the paragraph's rarest words and comes early.
VERSION_PRECEDENT_POOL = 40
VERSION_CHOICES = ("latest", "all")


@dataclass(slots=True)
class SearchParams:
    q: str
    forum: str | None = None
    year: str | None = None
    status: str | None = None
    label: str | None = None
    kind: str | None = None
    paragraph_kind: str | None = None
    versions: str = "latest"
    page: int = 1
    per_page: int = 20


def latest_version_ids() -> frozenset[int]:
    """The id of each document's newest version, asked of the database."""
    newest = (
        select(Version.document_id, func.max(Version.number).label("number"))
        .group_by(Version.document_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(Version.id).join(
            newest,
            (Version.document_id == newest.c.document_id) & (Version.number == newest.c.number),
        )
    ).all()
    return frozenset(rows)


def _one_of(name: str, value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ServiceError(400, "bad-parameter", f"{name} must be one of: {', '.join(allowed)}.")
    return value


def _check(params: SearchParams) -> SearchQuery:
    text = (params.q or "").strip()
    if not text:
        raise ServiceError(
            400, "empty-query", 'Type words to search for, e.g. trafficking or "forced labour".'
        )
    forums = db.session.scalars(select(Forum.slug).order_by(Forum.slug)).all()
    year: int | None = None
    if params.year not in (None, ""):
        try:
            year = int(str(params.year))
        except ValueError:
            raise ServiceError(400, "bad-parameter", "year must be a year such as 2024.") from None
    return SearchQuery(
        text=text,
        forum=_one_of("forum", params.forum, list(forums)),
        year=year,
        status=_one_of("status", params.status, DOCUMENT_STATUSES),
        label=_one_of("label", params.label, LABELS),
        kind=_one_of("kind", params.kind, DOCUMENT_KINDS),
        paragraph_kind=_one_of("paragraph_kind", params.paragraph_kind, KINDS),
        allowed_versions=(
            latest_version_ids()
            if _one_of("versions", params.versions, VERSION_CHOICES) != "all"
            else None
        ),
        page=params.page,
        per_page=params.per_page,
    )


def _ask(call: Any, *args: Any, **kwargs: Any) -> Any:
    drain_quietly()
    try:
        return call(*args, **kwargs)
    except QueryError as exc:
        raise ServiceError(400, "bad-query", str(exc)) from None
    except Exception:
        log.exception("search index unreadable")
        raise ServiceError(
            503,
            "index-unavailable",
            "The search index cannot be read just now. An administrator can rebuild it "
            "with: flask --app app reindex",
        ) from None


def search(params: SearchParams) -> SearchResult:
    """Paragraphs matching the query, best first, with facet counts over all matches."""
    return _ask(backend().search, _check(params))


@dataclass(frozen=True, slots=True)
class PrecedentHit:
    entry: IndexEntry
    similarity: float
    #: Word diff from the earlier paragraph to the pasted text, as (op, text) pairs.
    diff: list[tuple[int, str]]
    #: Other versions of the same text holding the same wording.
    also_in_versions: tuple[int, ...]


def precedents(
    text: str,
    *,
    limit: int = 10,
    exclude_document: int | None = None,
    pool: int = PRECEDENT_POOL,
) -> list[PrecedentHit]:
    """Earlier paragraphs closest to ``text``: adopted texts first, then drafts, each by
    similarity. The text is matched word by word, never read as query syntax."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(400, "empty", "Paste the language to look up.")
    if len(text) > MAX_PRECEDENT_CHARS:
        raise ServiceError(
            413,
            "too-large",
            f"The text is {len(text):,} characters; look up at most {MAX_PRECEDENT_CHARS:,} "
            "at a time (a paragraph or two).",
        )
    started = time.perf_counter()
    words = lookup_words(text)
    if not words:
        return []
    the_backend = backend()
    found = _ask(the_backend.candidates, words, limit=pool)
    # One candidate per wording of a text: the newest version holding it, the others named.
    groups: dict[tuple[int, str], list[IndexEntry]] = {}
    for entry, _score in found:
        if exclude_document is not None and entry.document_id == exclude_document:
            continue
        groups.setdefault((entry.document_id, " ".join(entry.text.split())), []).append(entry)
    newest: dict[int, tuple[IndexEntry, tuple[int, ...]]] = {}
    for group in groups.values():
        top = max(group, key=lambda e: e.version_number)
        others = tuple(sorted(e.version_number for e in group if e is not top))
        newest[top.paragraph_id] = (top, others)
    ranked = rank(
        text,
        [Candidate(e.paragraph_id, e.text, e.status == "adopted") for e, _ in newest.values()],
        idf=the_backend.word_weight(),
        limit=limit,
    )
    hits = [
        PrecedentHit(
            entry=newest[p.key][0],
            similarity=p.similarity,
            diff=p.diff,
            also_in_versions=newest[p.key][1],
        )
        for p in ranked
    ]
    # Of the closest, adopted texts come first, then drafts (each by similarity).
    hits.sort(key=lambda h: (h.entry.status != "adopted", -h.similarity, h.entry.paragraph_id))
    log.debug("precedents: %d hits in %.1f ms", len(hits), (time.perf_counter() - started) * 1e3)
    return hits


#: Paragraph kinds that carry language worth looking up.
_LOOKED_UP = frozenset(KINDS) - {"title", "chapter", "article", "heading", "annex"}
#: Fewer words than this is a heading or a fragment, not agreed language.
_MIN_WORDS = 6
_version_cache: dict[tuple[Any, ...], dict[int, list[PrecedentHit]]] = {}


def version_precedents(
    version: Version, *, per_paragraph: int = 3
) -> dict[int, list[PrecedentHit]]:
    """For each paragraph of ``version``, the closest language in other texts ("agreed
    before in …"). Cached per version until the index changes."""
    # A text changing status or title (no new paragraph) must not leave stale labels cached.
    changed = db.session.scalar(db.select(db.func.max(Document.updated_at)))
    key = (version.id, backend().state().paragraphs, changed)
    cached = _version_cache.get(key)
    if cached is not None:
        return cached
    found: dict[int, list[PrecedentHit]] = {}
    for paragraph in version.paragraphs:
        if paragraph.kind not in _LOOKED_UP or len(paragraph.text.split()) < _MIN_WORDS:
            continue
        found[paragraph.id] = precedents(
            paragraph.text[:MAX_PRECEDENT_CHARS],
            limit=per_paragraph,
            exclude_document=version.document_id,
            pool=VERSION_PRECEDENT_POOL,
        )
    if len(_version_cache) > 64:
        _version_cache.clear()
    _version_cache[key] = found
    return found
