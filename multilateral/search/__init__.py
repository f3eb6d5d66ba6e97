"""The one gateway to the search index.

Services call :func:`backend` for the engine-neutral interface of
:mod:`multilateral.search.gateway` and never import Whoosh. Index work travels through the
transactional outbox (:mod:`multilateral.search.outbox`): it is recorded with the change
that needs it and applied after commit, so the index never holds a paragraph the database
rolled back and never silently misses one it committed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from multilateral.extensions import db
from multilateral.search import outbox
from multilateral.search.gateway import IndexBusy, SearchBackend
from multilateral.search.whoosh_backend import WhooshBackend

__all__ = [
    "HealthReport",
    "IndexBusy",
    "IndexCheck",
    "backend",
    "check_index",
    "drain_outbox",
    "drain_quietly",
    "health",
    "init_search",
    "rebuild_index",
]

log = logging.getLogger(__name__)


def init_search(app: Flask) -> None:
    """Create the index directory, bind this app's backend and hook the outbox to commits."""
    os.makedirs(app.config["INDEX_DIR"], exist_ok=True)
    app.extensions["search"] = WhooshBackend(app.config["INDEX_DIR"])
    outbox.install_outbox_listener(db.session, _drain_after_commit)


def backend() -> SearchBackend:
    """This app's search backend (one per process, its searchers reused)."""
    return current_app.extensions["search"]


def _drain_after_commit() -> None:
    try:
        drain_outbox(timeout=outbox.AFTER_COMMIT_TIMEOUT)
    except IndexBusy:
        log.warning("search index busy after commit; the outbox keeps the work for later")


def drain_outbox(*, timeout: float = outbox.AFTER_COMMIT_TIMEOUT) -> int:
    """Apply pending index work now; returns how many outbox rows were applied."""
    return outbox.drain(backend(), timeout=timeout)


def drain_quietly() -> None:
    """Before a search: apply pending work if the index is free, never fail the search."""
    try:
        if outbox.outbox_length():
            drain_outbox(timeout=0.2)
    except Exception:  # a busy or broken index is reported by health, not by a search
        log.warning("search index: pending work not applied before a search", exc_info=True)


@dataclass(frozen=True, slots=True)
class HealthReport:
    status: str
    paragraphs: int
    database_paragraphs: int
    outbox: int
    stale: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def health() -> HealthReport:
    """Index state for ``/api/health``: readable? as many paragraphs as the database? work
    waiting in the outbox? ``stale`` is true when either count disagrees."""
    state = backend().state()
    pending = outbox.outbox_length()
    in_db = outbox.paragraph_count(db.session)
    stale = state.status == "ok" and (pending > 0 or state.paragraphs != in_db)
    status = state.status if state.status != "ok" else ("stale" if stale else "ok")
    message = state.message
    if stale:
        message = (
            f"{pending} changes wait to be indexed; the index holds {state.paragraphs} of "
            f"{in_db} paragraphs. Run: flask --app app reindex --check"
        )
    return HealthReport(status, state.paragraphs, in_db, pending, stale, message)


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from the database (recovery); returns paragraphs indexed.

    Outbox rows present when the rebuild starts are covered by it and cleared; rows that
    arrive meanwhile stay for the next drain (applying them twice is harmless)."""
    with Session(db.engine) as session:
        # Rows visible now were committed before the rebuild reads anything: it covers them.
        covered = list(session.scalars(db.select(outbox.IndexOutbox.id)).all())

        def entries() -> Any:
            for n, entry in enumerate(outbox.all_entries(session), 1):
                if progress is not None:
                    progress(n)
                yield entry

        count = backend().rebuild(entries())
        for start in range(0, len(covered), 500):
            chunk = covered[start : start + 500]
            session.execute(db.delete(outbox.IndexOutbox).where(outbox.IndexOutbox.id.in_(chunk)))
        session.commit()
    return count


@dataclass(frozen=True, slots=True)
class IndexCheck:
    missing: int
    extra: int
    repaired: bool


def check_index(*, repair: bool = True) -> IndexCheck:
    """Compare the paragraph ids in the index with the database; rebuild when they differ."""
    with Session(db.engine) as session:
        in_db = set(session.scalars(db.select(outbox.Paragraph.id)).all())
    try:
        in_index = backend().paragraph_ids()
    except Exception:  # an unreadable index holds nothing we can use: rebuild it
        log.warning("search index unreadable; --check rebuilds it", exc_info=True)
        in_index = set()
    missing, extra = len(in_db - in_index), len(in_index - in_db)
    repaired = False
    if repair and (missing or extra):
        rebuild_index()
        repaired = True
    return IndexCheck(missing, extra, repaired)
