"""Creating and listing negotiated texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Select, func

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.limits import MAX_TAG_LENGTH, MAX_TAGS, check_length, column_length
from multilateral.models import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document, Forum, User, Version

__all__ = [
    "create_document",
    "get_document",
    "forum_by_slug",
    "list_documents",
    "get_version",
    "latest_versions_elsewhere",
    "list_forums",
    "recent_documents",
    "update_document",
]


def forum_by_slug(slug: str, *, status: int = 404) -> Forum:
    """The forum with this slug; ``status`` 404 for a path, 400 for a field or filter."""
    if len(slug) > column_length(Forum.slug):
        raise ServiceError(
            status,
            "unknown-forum",
            f"There is no such forum: forum must be at most {column_length(Forum.slug)} "
            f"characters (it has {len(slug):,}).",
        )
    forum = db.session.scalar(db.select(Forum).filter_by(slug=slug))
    if forum is None:
        raise ServiceError(status, "unknown-forum", f"There is no forum {slug!r}.")
    return forum


def create_document(
    *,
    title: str,
    forum: str,
    kind: str,
    symbol: str | None = None,
    status: str = "draft",
    tags: Sequence[str] = (),
    created_by: User | None = None,
) -> Document:
    """A new document; its versions come later. Refuses a symbol already in use (409)."""
    title = (title or "").strip()
    if not title:
        raise ServiceError(400, "missing-field", "A title is required.")
    check_length("title", title, Document.title)
    if kind not in DOCUMENT_KINDS:
        raise ServiceError(400, "bad-kind", f"kind must be one of: {', '.join(DOCUMENT_KINDS)}.")
    if status not in DOCUMENT_STATUSES:
        raise ServiceError(
            400, "bad-status", f"status must be one of: {', '.join(DOCUMENT_STATUSES)}."
        )
    the_forum = forum_by_slug(forum, status=400)
    symbol = (symbol or "").strip() or None
    check_length("symbol", symbol, Document.symbol)
    tags = _tags(tags)
    if symbol and db.session.scalar(db.select(Document.id).filter_by(symbol=symbol)):
        raise ServiceError(409, "duplicate-symbol", f"A document with symbol {symbol!r} exists.")
    document = Document(
        title=title,
        forum=the_forum,
        symbol=symbol,
        kind=kind,
        status=status,
        tags=tags,
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(document)
    db.session.flush()
    return document


def _tags(tags: Sequence[str]) -> list[str]:
    """Subject tags trimmed, empty ones dropped; 400 for a non-string, a long list or tag."""
    if len(tags) > MAX_TAGS:
        raise ServiceError(
            400,
            "bad-field",
            f"tags: at most {MAX_TAGS} tags per document (there are {len(tags):,}).",
        )
    if not all(isinstance(tag, str) for tag in tags):
        raise ServiceError(400, "bad-field", "tags must be a list of strings.")
    trimmed = [tag.strip() for tag in tags if tag.strip()]
    for tag in trimmed:
        check_length("a tag", tag, MAX_TAG_LENGTH)
    return trimmed


#: Fields a negotiator may change on an existing document.
EDITABLE_FIELDS = ("title", "forum", "symbol", "kind", "status")


def update_document(document: Document, changes: dict[str, Any]) -> Document:
    """Change a document's title, forum, symbol, kind or status (flushed, not committed).

    The search outbox sees the change in the same flush and re-indexes the document's
    paragraphs after commit, so a text marked adopted is found under "adopted"."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ServiceError(
            400,
            "bad-field",
            f"Cannot change {', '.join(unknown)}; only {', '.join(EDITABLE_FIELDS)}.",
        )
    for name, value in changes.items():
        if name != "symbol" and (not isinstance(value, str) or not value.strip()):
            raise ServiceError(400, "bad-field", f"{name} must be a non-empty string.")
    if "title" in changes:
        check_length("title", changes["title"].strip(), Document.title)
        document.title = changes["title"].strip()
    if "kind" in changes:
        if changes["kind"] not in DOCUMENT_KINDS:
            raise ServiceError(
                400, "bad-kind", f"kind must be one of: {', '.join(DOCUMENT_KINDS)}."
            )
        document.kind = changes["kind"]
    if "status" in changes:
        if changes["status"] not in DOCUMENT_STATUSES:
            raise ServiceError(
                400, "bad-status", f"status must be one of: {', '.join(DOCUMENT_STATUSES)}."
            )
        document.status = changes["status"]
    if "forum" in changes:
        document.forum = forum_by_slug(changes["forum"], status=400)
    if "symbol" in changes:
        symbol = changes["symbol"]
        if symbol is not None and not isinstance(symbol, str):
            raise ServiceError(400, "bad-field", "symbol must be a string or null.")
        symbol = (symbol or "").strip() or None
        check_length("symbol", symbol, Document.symbol)
        taken = symbol and db.session.scalar(
            db.select(Document.id).where(Document.symbol == symbol, Document.id != document.id)
        )
        if taken:
            raise ServiceError(
                409, "duplicate-symbol", f"A document with symbol {symbol!r} exists."
            )
        document.symbol = symbol
    db.session.flush()
    return document


def get_document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        raise ServiceError(404, "not-found", f"There is no document {document_id}.")
    return document


def get_version(document: Document, number: int) -> Version:
    version = db.session.scalar(
        db.select(Version).filter_by(document_id=document.id, number=number)
    )
    if version is None:
        raise ServiceError(404, "not-found", f"Document {document.id} has no version {number}.")
    return version


def list_forums(*, order: Literal["name", "slug"] = "name") -> list[Forum]:
    """Every forum, by name (for people) or by slug (for the API)."""
    column = Forum.slug if order == "slug" else Forum.name
    return list(db.session.scalars(db.select(Forum).order_by(column)))


def recent_documents(limit: int = 10) -> list[Document]:
    """The documents changed most recently, newest first."""
    return list(
        db.session.scalars(
            db.select(Document)
            .order_by(Document.updated_at.desc(), Document.id.desc())
            .limit(limit)
        )
    )


def latest_versions_elsewhere(document: Document) -> list[Version]:
    """The newest version of every other document, by title: what a version of ``document``
    can be compared with besides its own versions (this year's text with last year's)."""
    newest = (
        db.select(Version.document_id, func.max(Version.number).label("number"))
        .where(Version.document_id != document.id)
        .group_by(Version.document_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            db.select(Version)
            .join(
                newest,
                (Version.document_id == newest.c.document_id) & (Version.number == newest.c.number),
            )
            .join(Document, Document.id == Version.document_id)
            .order_by(Document.title, Document.id)
        )
    )


def list_documents(
    *,
    forum: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Document], int]:
    """Documents newest first, filtered; returns (page of documents, total)."""
    query: Select[Any] = db.select(Document)
    if forum:
        query = query.where(Document.forum_id == forum_by_slug(forum, status=400).id)
    if kind:
        query = query.where(Document.kind == kind)
    if status:
        query = query.where(Document.status == status)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(Document.title.ilike(like) | Document.symbol.ilike(like))
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Document.updated_at.desc(), Document.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total
