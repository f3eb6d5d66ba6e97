"""Reading the audit log: filtered, newest first, a page at a time or all of it.

The log is written by :mod:`multilateral.models.audit` and never changed; nothing here
writes to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import AuditEntry

__all__ = ["AuditFilter", "AuditPage", "audit_choices", "audit_entries", "audit_page"]

#: Rows fetched at a time when the whole filtered log is read (CSV export).
STREAM_BATCH = 1000


@dataclass(frozen=True, slots=True)
class AuditFilter:
    #: Table name of the changed rows ("positions", "treaty_actions" …).
    entity: str | None = None
    #: Who acted: a user name, or "seed", "cli" … for commands.
    actor: str | None = None
    #: First day included (UTC).
    since: date | None = None
    #: Last day included (UTC).
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ServiceError(400, "bad-date", "The start date is after the end date.")

    def select(self) -> Select[Any]:
        query = db.select(AuditEntry)
        if self.entity:
            query = query.where(AuditEntry.entity == self.entity)
        if self.actor:
            query = query.where(AuditEntry.actor == self.actor)
        if self.since:
            query = query.where(AuditEntry.at >= datetime.combine(self.since, time.min))
        if self.until:
            after = datetime.combine(self.until + timedelta(days=1), time.min)
            query = query.where(AuditEntry.at < after)
        return query


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def audit_page(audit_filter: AuditFilter, *, page: int = 1, per_page: int = 50) -> AuditPage:
    """One page of the filtered log, newest first, with the total it is part of."""
    query = audit_filter.select()
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        _newest_first(query).limit(per_page).offset((max(1, page) - 1) * per_page)
    ).all()
    return AuditPage(list(rows), total, max(1, page), per_page)


def audit_entries(audit_filter: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry the filter selects, newest first, read in batches (for exports)."""
    query = _newest_first(audit_filter.select()).execution_options(yield_per=STREAM_BATCH)
    yield from db.session.scalars(query)


def audit_choices() -> tuple[list[str], list[str]]:
    """The entities and the actors that occur in the log, for the filter form."""
    entities = db.session.scalars(db.select(AuditEntry.entity).distinct().order_by("entity"))
    actors = db.session.scalars(db.select(AuditEntry.actor).distinct().order_by("actor"))
    return list(entities), list(actors)
