"""The one gateway to the Whoosh index of paragraphs.

Writes reach the index only after the database commits: services queue
operations with :func:`queue_version` / :func:`queue_removal`, an ``after_commit``
listener applies them and an ``after_rollback`` listener drops them, so the index
never holds a paragraph the database rolled back (Microblog's pattern).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import QueryParser

from multilateral.extensions import db

__all__ = [
    "init_search",
    "queue_version",
    "index_state",
    "query_index",
    "reindex",
]

SCHEMA = Schema(
    paragraph_id=ID(stored=True, unique=True),
    version_id=ID(stored=True),
    document_id=NUMERIC(stored=True),
    version_number=NUMERIC(stored=True),
    forum=ID(stored=True),
    status=ID(stored=True),
    kind=ID(stored=True),
    label=ID(stored=True),
    year=NUMERIC(stored=True),
    number=STORED,
    text=TEXT(analyzer=StemmingAnalyzer(), stored=True),
)

_PENDING = "search_pending"
_READY = "search_ready"


def init_search(app: Flask) -> None:
    """Create the index directory if needed and hook the index to commits."""
    os.makedirs(app.config["INDEX_DIR"], exist_ok=True)
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "before_commit", _before_commit)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_soft_rollback", _after_rollback)


def _open() -> index.Index:
    path = current_app.config["INDEX_DIR"]
    if index.exists_in(path):
        return index.open_dir(path)
    os.makedirs(path, exist_ok=True)
    return index.create_in(path, SCHEMA)


def queue_version(session: Session, version: Any) -> None:
    """Index this version's paragraphs once the transaction commits."""
    session.info.setdefault(_PENDING, []).append(version)


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_READY, None)


def _before_commit(session: Session) -> None:
    # The index documents are read from the database now, inside the transaction; they are
    # written to the index only after the commit succeeds.
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()
    ready = [_documents_for(version) for version in pending]
    session.info.setdefault(_READY, []).extend(ready)


def _after_commit(session: Session) -> None:
    ready = session.info.pop(_READY, None)
    if ready:
        _write(ready)


def _documents_for(version: Any) -> list[dict[str, Any]]:
    """Index documents for a version's paragraphs. Which version is a document's latest is
    not stored: it changes with every upload, and re-indexing the previous version each
    time doubled the cost of an import; searches ask the database instead."""
    document = version.document
    year = (version.date or version.created_at).year
    return [
        {
            "paragraph_id": str(p.id),
            "version_id": str(version.id),
            "document_id": document.id,
            "version_number": version.number,
            "forum": document.forum.slug,
            "status": document.status,
            "kind": p.kind,
            "label": p.label,
            "year": year,
            "number": p.number,
            "text": p.text,
        }
        for p in version.paragraphs
    ]


def _write(ready: list[list[dict[str, Any]]]) -> None:
    ix = _open()
    with ix.writer() as writer:
        # A version is added once, when it is stored (versions are append-only): its
        # paragraphs are all new, so nothing needs deleting first.
        for docs in ready:
            for doc in docs:
                writer.add_document(**doc)


def index_state() -> dict[str, Any]:
    """For the health check: is the index readable, and how many paragraphs does it hold."""
    try:
        ix = _open()
        with ix.searcher() as searcher:
            return {"status": "ok", "paragraphs": searcher.doc_count()}
    except Exception as exc:  # the health check reports, it does not crash
        return {"status": "error", "message": str(exc)}


def query_index(text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Stored fields of the paragraphs best matching ``text`` (Whoosh query syntax)."""
    ix = _open()
    with ix.searcher() as searcher:
        query = QueryParser("text", ix.schema).parse(text)
        return [dict(hit) for hit in searcher.search(query, limit=limit)]


def reindex() -> int:
    """Rebuild the index from the database (recovery); returns paragraphs indexed."""
    from multilateral.models import Version

    ix = index.create_in(current_app.config["INDEX_DIR"], SCHEMA)
    count = 0
    with ix.writer() as writer:
        for version in db.session.scalars(db.select(Version)):
            for doc in _documents_for(version):
                writer.add_document(**doc)
                count += 1
    return count
