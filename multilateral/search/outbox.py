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

A drain inside a request (after a commit, before a search) applies a few rows per writer and
starts no new batch once its time budget is spent: under sustained uploads it never holds a
request for as long as others keep writing, and a backlog (after an index outage) is worked
off by many requests a little at a time, never by one that the server's worker timeout would
kill mid-write, again and again. Commands (``import``, ``reindex``) drain to the end.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, inspect, select, tuple_, update
from sqlalchemy.orm import Session, selectinload

from multilateral.extensions import db
from multilateral.models import Document, IndexOutbox, Paragraph, Version
from multilateral.models.base import utcnow
from multilateral.search.gateway import Batch, IndexBusy, IndexEntry, SearchBackend

__all__ = [
    "INDEXED_DOCUMENT_FIELDS",
    "Pending",
    "deferred",
    "drain",
    "entries_for_version",
    "install_outbox_listener",
    "key_of",
    "outbox_length",
    "paragraph_count",
    "pending",
    "remove_applied",
    "snapshot",
]

log = logging.getLogger(__name__)

#: Document columns copied into every index entry: a change to one re-indexes the document.
INDEXED_DOCUMENT_FIELDS = ("status", "forum_id", "kind", "title", "symbol")
#: Outbox rows applied under one writer by a command.
DRAIN_BATCH = 200
#: Outbox rows applied under one writer inside a request (a version of a hundred paragraphs
#: takes the index about half a second, less when several are written together).
REQUEST_BATCH = 10
#: Seconds after which a drain inside a request starts no further batch.
REQUEST_BUDGET = 3.0
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
    if _transactional():
        return
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


def _transactional() -> bool:
    """Whether this app's search backend keeps itself in step (the listener is installed
    once per process; another app in it, such as a test's, may search with PostgreSQL)."""
    if not has_app_context():
        return False
    return bool(getattr(current_app.extensions.get("search"), "transactional", False))


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


#: An outbox row as a drain saw it: id, op, target and creation time.
RowKey = tuple[int, str, int, datetime]


def snapshot(session: Session, limit: int | None = None) -> list[IndexOutbox]:
    """The oldest outbox rows (all of them without ``limit``)."""
    query = select(IndexOutbox).order_by(IndexOutbox.id)
    return list(session.scalars(query if limit is None else query.limit(limit)).all())


def remove_applied(session: Session, keys: list[RowKey]) -> None:
    """Delete the rows whose work the index now holds, matched by their whole identity.

    Not by id alone: SQLite gives the id of a deleted row to the next row inserted, so
    between a drain's index commit and this deletion another drain may have applied and
    deleted the same rows and a new commit taken one of their ids; that row's work is not
    done and must stay.
    """
    identity = tuple_(IndexOutbox.id, IndexOutbox.op, IndexOutbox.target_id, IndexOutbox.created_at)
    for start in range(0, len(keys), 200):
        session.execute(delete(IndexOutbox).where(identity.in_(keys[start : start + 200])))


def key_of(row: IndexOutbox) -> RowKey:
    return (row.id, row.op, row.target_id, row.created_at)


def outbox_length(session: Session | None = None) -> int:
    s = session or db.session
    return s.scalar(select(func.count()).select_from(IndexOutbox)) or 0


@dataclass(frozen=True, slots=True)
class Pending:
    """The outbox at a glance: rows waiting, and how long the oldest has waited."""

    rows: int
    oldest_seconds: float
    #: Rows whose last attempt failed (the error is in the row and in the log).
    failed: int


def pending(session: Session | None = None) -> Pending:
    s = session or db.session
    rows, oldest, failed = s.execute(
        select(
            func.count(),
            func.min(IndexOutbox.created_at),
            func.count().filter(IndexOutbox.attempts > 0),
        ).select_from(IndexOutbox)
    ).one()
    waited = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
    return Pending(rows or 0, max(0.0, waited), failed or 0)


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


def drain(
    backend: SearchBackend,
    *,
    timeout: float = AFTER_COMMIT_TIMEOUT,
    batch_size: int = DRAIN_BATCH,
    budget: float | None = None,
) -> int:
    """Apply the outbox to the index, ``batch_size`` rows per writer, until it is empty or,
    with ``budget``, until a batch ends ``budget`` seconds after the start (at least one
    batch is applied); returns rows applied.

    Raises :class:`IndexBusy` when another writer holds the index longer than ``timeout``,
    or at once while a rebuild runs (the rows stay; the rebuild covers them or leaves them
    for the next drain). A batch that fails is rolled back in the index, its rows get their
    attempt counted and the error logged, and the exception propagates.
    """
    if backend.transactional:
        return _discard()
    if backend.rebuilding():
        raise IndexBusy("the search index is being rebuilt")
    started = time.monotonic()
    applied = 0
    seen: set[RowKey] = set()
    while applied == 0 or budget is None or time.monotonic() - started < budget:
        with Session(db.engine) as session:
            if session.scalar(select(IndexOutbox.id).limit(1)) is None:
                break
        keys: list[RowKey] = []
        try:
            with backend.batch(timeout=timeout) as batch, Session(db.engine) as session:
                rows = snapshot(session, batch_size)
                keys = [key_of(row) for row in rows]
                if not seen.issuperset(keys):
                    _apply(batch, session, rows)
        except IndexBusy:
            raise
        except Exception as exc:
            _count_failure([key[0] for key in keys], exc)
            raise
        # None left (another process applied them meanwhile), or only rows this drain has
        # applied and could not delete: never loop on them.
        if seen.issuperset(keys):
            break
        with Session(db.engine) as session:
            remove_applied(session, keys)
            session.commit()
        seen.update(keys)
        applied += len(keys)
    return applied


def _discard() -> int:
    """Delete every outbox row: a transactional backend has applied their work already
    (returns how many there were)."""
    with Session(db.engine) as session:
        removed = session.execute(delete(IndexOutbox)).rowcount or 0
        session.commit()
    return removed


def _apply(batch: Batch, session: Session, rows: list[IndexOutbox]) -> None:
    """Write the index work of ``rows``, reading the versions and documents as they are now."""
    version_ids = {r.target_id for r in rows if r.op == "version"}
    document_ids = {r.target_id for r in rows if r.op != "version"}
    for document_id in sorted(document_ids):
        batch.remove_document(document_id)
    for version_id in sorted(version_ids):
        batch.remove_version(version_id)
    reindexed = [r.target_id for r in rows if r.op == "document"]
    if reindexed:
        version_ids.update(
            session.scalars(select(Version.id).where(Version.document_id.in_(reindexed))).all()
        )
    for version in _versions(session, sorted(version_ids)):
        batch.add(entries_for_version(version))


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
