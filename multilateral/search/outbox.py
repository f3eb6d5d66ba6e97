"""The transactional outbox between the database and the search index.

The flush that stores a version, changes a document's indexed fields (status, forum, kind,
title, symbol) or deletes a document also inserts an :class:`IndexOutbox` row, in the same
transaction: if the transaction rolls back, so does the row, and the index never hears of
it; if it commits, the row stays until the index has applied it. After each commit the
process tries to drain the outbox (a writer that waits a little for Whoosh's lock, then
gives up and leaves the rows for the next drain); any process may drain, since a drain
reads the rows and the rows' current database state *while it holds the index lock*, so
two processes never write stale state over fresh. Applying a row is idempotent (a version's
paragraphs are deleted by version id before they are added again), so a crash between the
index commit and the row's deletion only repeats work.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, event, func, inspect, select, update
from sqlalchemy.orm import Session, selectinload

from multilateral.extensions import db
from multilateral.models import Document, IndexOutbox, Paragraph, Version
from multilateral.search.gateway import IndexBusy, IndexEntry, SearchBackend

__all__ = [
    "INDEXED_DOCUMENT_FIELDS",
    "deferred",
    "drain",
    "entries_for_version",
    "install_outbox_listener",
    "outbox_length",
    "paragraph_count",
]

log = logging.getLogger(__name__)

#: Document columns copied into every index entry: a change to one re-indexes the document.
INDEXED_DOCUMENT_FIELDS = ("status", "forum_id", "kind", "title", "symbol")
#: Outbox rows applied under one writer.
DRAIN_BATCH = 200
#: How long a drain after a commit waits for another writer before leaving the work.
AFTER_COMMIT_TIMEOUT = 2.0

_DIRTY = "search_outbox_written"
_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("outbox_deferred", default=False)


def install_outbox_listener(session: Any, drain_after_commit: Any) -> None:
    """Record index work on every flush through ``session``; drain after each commit."""
    if event.contains(session, "after_flush", _after_flush):
        return
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "after_commit", _make_after_commit(drain_after_commit))


def _after_flush(session: Session, _context: Any) -> None:
    # Here ids are assigned but new/dirty/deleted and attribute history still describe the
    # flush, and the rows go in through the flush's own connection and transaction.
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Version):
            rows.append({"op": "version", "target_id": obj.id})
    for obj in session.dirty:
        if isinstance(obj, Document) and obj not in session.deleted:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in INDEXED_DOCUMENT_FIELDS):
                rows.append({"op": "document", "target_id": obj.id})
    for obj in session.deleted:
        if isinstance(obj, Document):
            rows.append({"op": "remove-document", "target_id": obj.id})
    if rows:
        session.execute(IndexOutbox.__table__.insert(), rows)
        session.info[_DIRTY] = True


def _make_after_commit(drain_after_commit: Any) -> Any:
    def after_commit(session: Session) -> None:
        if not session.info.pop(_DIRTY, False) or _deferred.get():
            return
        try:
            drain_after_commit()
        except Exception:  # the commit stands; the rows wait for the next drain
            log.exception("search index drain after commit failed; work left in the outbox")

    return after_commit


@contextmanager
def deferred() -> Iterator[None]:
    """Commits inside this block leave their index work in the outbox (batch imports drain
    once for many versions)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def outbox_length(session: Session | None = None) -> int:
    s = session or db.session
    return s.scalar(select(func.count()).select_from(IndexOutbox)) or 0


def entries_for_version(version: Version) -> list[IndexEntry]:
    """Index entries for a version's paragraphs, with its document's indexed fields."""
    document = version.document
    year = (version.date or version.created_at).year
    return [
        IndexEntry(
            paragraph_id=p.id,
            version_id=version.id,
            document_id=document.id,
            version_number=version.number,
            forum=document.forum.slug,
            symbol=document.symbol or "",
            title=document.title,
            year=year,
            status=document.status,
            kind=document.kind,
            paragraph_kind=p.kind,
            label=p.label,
            strength=p.strength,
            number=p.number,
            text=p.text,
        )
        for p in version.paragraphs
    ]


def all_entries(session: Session) -> Iterator[IndexEntry]:
    """Every paragraph of every version, version by version (for a rebuild)."""
    ids = session.scalars(select(Version.id).order_by(Version.id)).all()
    for start in range(0, len(ids), 100):
        versions = session.scalars(
            select(Version)
            .where(Version.id.in_(ids[start : start + 100]))
            .options(selectinload(Version.paragraphs), selectinload(Version.document))
        ).all()
        for version in versions:
            yield from entries_for_version(version)
        session.expunge_all()


def _versions(session: Session, ids: list[int]) -> list[Version]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(Version)
            .where(Version.id.in_(ids))
            .options(selectinload(Version.paragraphs), selectinload(Version.document))
        ).all()
    )


def drain(backend: SearchBackend, *, timeout: float = AFTER_COMMIT_TIMEOUT) -> int:
    """Apply the outbox to the index, a batch at a time; returns rows applied.

    Raises :class:`IndexBusy` when another writer holds the index longer than ``timeout``
    (the rows stay). A batch that fails is rolled back in the index, its rows get their
    attempt counted and the error logged, and the exception propagates.
    """
    applied = 0
    while True:
        with Session(db.engine) as session:
            if not session.scalar(select(IndexOutbox.id).limit(1)):
                return applied
        ids: list[int] = []
        try:
            with backend.batch(timeout=timeout) as batch, Session(db.engine) as session:
                rows = session.scalars(
                    select(IndexOutbox).order_by(IndexOutbox.id).limit(DRAIN_BATCH)
                ).all()
                ids = [row.id for row in rows]
                version_ids = {r.target_id for r in rows if r.op == "version"}
                document_ids = {r.target_id for r in rows if r.op != "version"}
                for document_id in sorted(document_ids):
                    batch.remove_document(document_id)
                for version_id in sorted(version_ids):
                    batch.remove_version(version_id)
                reindexed = [r.target_id for r in rows if r.op == "document"]
                if reindexed:
                    version_ids.update(
                        session.scalars(
                            select(Version.id).where(Version.document_id.in_(reindexed))
                        ).all()
                    )
                for version in _versions(session, sorted(version_ids)):
                    batch.add(entries_for_version(version))
        except IndexBusy:
            raise
        except Exception as exc:
            _count_failure(ids, exc)
            raise
        with Session(db.engine) as session:
            session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_(ids)))
            session.commit()
        applied += len(ids)


def _count_failure(ids: list[int], exc: Exception) -> None:
    log.error("search index: %d outbox rows failed: %s", len(ids), exc)
    if not ids:
        return
    with Session(db.engine) as session:
        session.execute(
            update(IndexOutbox)
            .where(IndexOutbox.id.in_(ids))
            .values(
                attempts=IndexOutbox.attempts + 1,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        )
        session.commit()


def paragraph_count(session: Session) -> int:
    """Paragraphs in the database: what a complete index holds."""
    return session.scalar(select(func.count()).select_from(Paragraph)) or 0
