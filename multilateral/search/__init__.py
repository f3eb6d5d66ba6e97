"""The one gateway to the search index.

Services call :func:`backend` for the engine-neutral interface of
:mod:`multilateral.search.gateway` and never import the engine. ``SEARCH_BACKEND`` chooses
it: ``whoosh`` (the default: an index on this node's disk) or ``postgres`` (PostgreSQL's
full-text search over generated columns of ``paragraphs``, for several app servers on one
database; :mod:`multilateral.search.postgres_backend`).

For Whoosh, index work travels through the transactional outbox
(:mod:`multilateral.search.outbox`): it is recorded with the change that needs it and
applied after commit, so the index never holds a paragraph the database rolled back and
never silently misses one it committed. PostgreSQL writes its search columns in the
paragraph's own transaction: no outbox work is recorded for it, and rows found in the
outbox (left from a time with Whoosh, or queued by ``reanalyse``) are discarded by the next
drain, as nothing remains to apply.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from multilateral.extensions import db
from multilateral.search import outbox
from multilateral.search.gateway import IndexBusy, SearchBackend
from multilateral.search.whoosh_backend import WhooshBackend

__all__ = [
    "BACKENDS",
    "STALE_AFTER",
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

#: Seconds index work may wait in the outbox before the index counts as stale. A commit's own
#: drain applies its work at once, or within ``AFTER_COMMIT_TIMEOUT`` when another process
#: is writing; older work was left by a crashed, busy or failing drain.
STALE_AFTER = 5.0

#: The values of ``SEARCH_BACKEND`` (``MULTILATERAL_SEARCH_BACKEND``).
BACKENDS = ("whoosh", "postgres")


def init_search(app: Flask) -> None:
    """Bind this app's backend (``SEARCH_BACKEND``); for Whoosh, create the index directory
    and hook the outbox to commits. A backend the database cannot serve stops start-up."""
    name = app.config.get("SEARCH_BACKEND") or "whoosh"
    if name not in BACKENDS:
        raise RuntimeError(
            f"SEARCH_BACKEND={name!r} is not a search backend: use one of {', '.join(BACKENDS)} "
            "(MULTILATERAL_SEARCH_BACKEND)"
        )
    if name == "postgres":
        from multilateral.search.postgres_backend import PostgresBackend

        dialect = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
        if dialect != "postgresql":
            raise RuntimeError(
                "SEARCH_BACKEND=postgres searches with PostgreSQL's full text, but the "
                f"database is {dialect}: set DATABASE_URL to a PostgreSQL database, or "
                "MULTILATERAL_SEARCH_BACKEND=whoosh"
            )
        # db.engine is the engine of the app whose context is current when it is asked.
        app.extensions["search"] = PostgresBackend(lambda: db.engine)
        return
    os.makedirs(app.config["INDEX_DIR"], exist_ok=True)
    app.extensions["search"] = WhooshBackend(app.config["INDEX_DIR"])
    outbox.install_outbox_listener(db.session, _drain_after_commit)


def backend() -> SearchBackend:
    """This app's search backend (one per process, its searchers reused)."""
    return current_app.extensions["search"]


def _drain_after_commit() -> None:
    try:
        outbox.drain(
            backend(),
            timeout=outbox.AFTER_COMMIT_TIMEOUT,
            batch_size=outbox.REQUEST_BATCH,
            budget=outbox.REQUEST_BUDGET,
        )
    except IndexBusy:
        log.warning("search index busy after commit; the outbox keeps the work for later")


def drain_outbox(*, timeout: float = outbox.AFTER_COMMIT_TIMEOUT) -> int:
    """Apply all pending index work now (commands); returns how many outbox rows were
    applied."""
    return outbox.drain(backend(), timeout=timeout)


def drain_quietly() -> None:
    """Before a search: apply pending work if the index is free, never fail the search."""
    if backend().transactional:  # nothing for a search to wait for
        return
    try:
        if outbox.outbox_length():
            # One small batch: a backlog is worked off by many searches, not by one.
            outbox.drain(backend(), timeout=0.2, batch_size=outbox.REQUEST_BATCH, budget=0.0)
    except IndexBusy:  # another process is writing: its drain or the next one applies it
        log.debug("search index busy; pending work left for the next drain")
    except Exception:  # a broken index is reported by health, not by a search
        log.warning("search index: pending work not applied", exc_info=True)


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The index as ``/api/health`` reports it.

    ``status`` is "ok" (readable, as many paragraphs as the database, no work waiting longer
    than :data:`STALE_AFTER`), "stale" (readable, but the counts differ or older work waits
    in the outbox), "rebuilding" (a rebuild is under way; searches answer from the previous
    index until it commits), "missing" or "error". ``stale`` is true when the index is
    readable and disagrees with the database, rebuilding or not.
    """

    status: str
    paragraphs: int
    database_paragraphs: int
    outbox: int
    #: Seconds the oldest outbox row has waited (0 when the outbox is empty).
    outbox_oldest_seconds: float
    #: Outbox rows whose last attempt failed.
    outbox_failed: int
    stale: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def health() -> HealthReport:
    """Index state for ``/api/health``, compared with the database.

    Read-only and quick (a probe must not wait for index writes): work left in the outbox
    is applied by the next commit, search or ``reindex --check``, not here. A disagreement
    is looked at twice before it is reported, since the two counts are read a moment apart
    and an upload may commit in between.
    """
    report = _measure()
    if report.stale and report.status != "rebuilding":
        time.sleep(0.1)
        report = _measure()
    return report


def _measure() -> HealthReport:
    # The database first, then the index: a version committed after the first read is in
    # neither count, and one committed before it is in the index once its drain is done.
    with Session(db.engine) as session:
        waiting = outbox.pending(session)
        in_db = outbox.paragraph_count(session)
    the_backend = backend()
    state = the_backend.state()
    readable = state.status in ("ok", "rebuilding")
    differs = state.paragraphs != in_db
    # Outbox rows are work for an index that applies it; a transactional one has none.
    old_work = (
        not the_backend.transactional and waiting.rows > 0 and waiting.oldest_seconds > STALE_AFTER
    )
    stale = readable and (differs or old_work)
    status = state.status if state.status != "ok" else ("stale" if stale else "ok")
    message = state.message
    if status == "stale":
        message = (
            f"The index holds {state.paragraphs} of {in_db} paragraphs; {waiting.rows} "
            f"changes wait to be indexed (the oldest for {waiting.oldest_seconds:.0f} s"
            + (f", {waiting.failed} failed" if waiting.failed else "")
            + "). Run: flask --app app reindex --check"
        )
    return HealthReport(
        status,
        state.paragraphs,
        in_db,
        waiting.rows,
        round(waiting.oldest_seconds, 1),
        waiting.failed,
        stale,
        message,
    )


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from the database (recovery); returns paragraphs indexed.

    Outbox rows present when the rebuild starts are covered by it and cleared; rows that
    arrive meanwhile stay for the next drain (applying them twice is harmless). A
    transactional backend reads nothing from here: its rows are the index, and it rebuilds
    what it derives from them (PostgreSQL: its GIN indexes)."""
    if backend().transactional:
        count = backend().rebuild(iter(()))
        _apply_leftovers("the outbox")
        return count
    with Session(db.engine) as session:
        # Rows visible now were committed before the rebuild reads anything: it covers them.
        covered = [outbox.key_of(row) for row in outbox.snapshot(session)]

        def entries() -> Any:
            for n, entry in enumerate(outbox.all_entries(session), 1):
                if progress is not None:
                    progress(n)
                yield entry

        count = backend().rebuild(entries())
        outbox.remove_applied(session, covered)
        session.commit()
    _apply_leftovers("work committed during the rebuild")
    return count


def _apply_leftovers(what: str) -> None:
    try:
        drain_outbox(timeout=10.0)
    except Exception:  # the rows stay in the outbox; health reports them
        log.warning("search index: %s was not applied", what, exc_info=True)


@dataclass(frozen=True, slots=True)
class IndexCheck:
    missing: int
    extra: int
    repaired: bool


def check_index(*, repair: bool = True) -> IndexCheck:
    """Apply the outbox, then compare the paragraph ids in the index with the database;
    rebuild when they differ (the outbox is empty afterwards unless the index stays busy)."""
    _apply_leftovers("work waiting in the outbox")
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
