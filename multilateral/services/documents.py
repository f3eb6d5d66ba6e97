"""Creating and listing negotiated texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document, Forum, User, Version

__all__ = ["create_document", "get_document", "forum_by_slug", "list_documents", "get_version"]


def forum_by_slug(slug: str, *, status: int = 404) -> Forum:
    """The forum with this slug; ``status`` 404 for a path, 400 for a field or filter."""
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
    if kind not in DOCUMENT_KINDS:
        raise ServiceError(400, "bad-kind", f"kind must be one of: {', '.join(DOCUMENT_KINDS)}.")
    if status not in DOCUMENT_STATUSES:
        raise ServiceError(
            400, "bad-status", f"status must be one of: {', '.join(DOCUMENT_STATUSES)}."
        )
    the_forum = forum_by_slug(forum, status=400)
    symbol = (symbol or "").strip() or None
    if symbol and db.session.scalar(db.select(Document.id).filter_by(symbol=symbol)):
        raise ServiceError(409, "duplicate-symbol", f"A document with symbol {symbol!r} exists.")
    document = Document(
        title=title,
        forum=the_forum,
        symbol=symbol,
        kind=kind,
        status=status,
        tags=[str(t).strip() for t in tags if str(t).strip()],
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(document)
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
