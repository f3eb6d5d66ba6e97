"""The mandate registry: refresh from adopted texts, filter, calendar, delivery, exports, and
the duplication flag a draft's page shows.

Mandates are derived from stored paragraphs (:mod:`multilateral.text.mandates`), one row per
ask of an operative paragraph of an *adopted* text: the newest version of an adopted
resolution or decision, and every text a series records as adopted. People edit only the
delivery; a refresh keeps it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.limits import check_length
from multilateral.models import Document, Forum, Paragraph, Version
from multilateral.models.mandates import Mandate
from multilateral.services.analysis import current_lexicon
from multilateral.text.cells import spreadsheet_safe
from multilateral.text.mandates import ACTION_KINDS, ADDRESSEE_KINDS, extract_mandates

__all__ = [
    "PER_PAGE",
    "Duplicate",
    "RegistryFilter",
    "adopted_versions",
    "calendar",
    "deliver",
    "duplicates",
    "refresh",
    "refresh_all",
    "registry",
    "to_csv",
    "to_ics",
]

PER_PAGE = 100
#: Paragraph kinds whose clauses can ask anything of anyone.
_ASKING_KINDS = ("operative", "paragraph", "subparagraph")
#: Document kinds adopted by a body that can mandate (a treaty binds its parties instead).
_MANDATING_KINDS = ("resolution", "decision", "declaration")
#: Fields a refresh derives from the text (the rest is the delivery, kept).
_DERIVED = (
    "verb",
    "addressee",
    "addressee_kind",
    "action",
    "action_kind",
    "deadline",
    "deadline_kind",
    "due",
    "due_precision",
    "session",
    "review",
    "binding",
)


def adopted_versions() -> list[Version]:
    """The adopted texts mandates are read from: the newest version of each adopted
    resolution, decision or declaration, and every version a series marks adopted."""
    newest = {
        document.latest_version.id: document.latest_version
        for document in db.session.scalars(
            select(Document).filter(
                Document.status == "adopted", Document.kind.in_(_MANDATING_KINDS)
            )
        )
        if document.latest_version is not None
    }
    for version in _series_adopted():
        newest.setdefault(version.id, version)
    return sorted(newest.values(), key=lambda v: v.id)


def _series_adopted() -> list[Version]:
    try:  # the series models arrive with the series part of the product
        from multilateral.models.series import SeriesText
    except ImportError:
        return []
    return list(
        db.session.scalars(
            select(Version)
            .join(SeriesText, SeriesText.version_id == Version.id)
            .filter(SeriesText.stage == "adopted")
        )
    )


def refresh(version: Version) -> int:
    """Derive the mandates of one adopted version again; returns how many rows it holds.

    A mandate whose clause is gone is removed unless someone recorded its delivery."""
    existing = {
        (m.paragraph_id, m.clause): m
        for m in db.session.scalars(select(Mandate).filter_by(version_id=version.id))
    }
    seen: set[tuple[int, int]] = set()
    for paragraph in version.paragraphs:
        if paragraph.kind not in _ASKING_KINDS or not paragraph.text.strip():
            continue
        # The clauses only: a mandate needs no strength, cues or explanation of the paragraph.
        for ask in extract_mandates(paragraph.text, lexicon=current_lexicon()):
            key = (paragraph.id, ask.clause)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                row = Mandate(version_id=version.id, paragraph_id=paragraph.id, clause=ask.clause)
                db.session.add(row)
            values = ask.to_dict() | {"due": ask.due, "verb": ask.verb[:60]}
            for name in _DERIVED:
                if getattr(row, name) != values[name]:
                    setattr(row, name, values[name])
    for key, row in existing.items():
        if key not in seen and row.status == "active" and not row.delivered_symbol:
            db.session.delete(row)
    return len(seen)


def refresh_all() -> tuple[int, int]:
    """Refresh every adopted text; returns (versions, mandates). The caller commits."""
    versions = adopted_versions()
    return len(versions), sum(refresh(version) for version in versions)


@dataclass(frozen=True, slots=True)
class RegistryFilter:
    addressee_kind: str | None = None
    #: Words of the addressee as written ("Rapporteur").
    addressee: str | None = None
    action_kind: str | None = None
    forum: str | None = None
    document: int | None = None
    series: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    binding: bool | None = None
    status: str | None = None
    page: int = 1

    def check(self) -> RegistryFilter:
        for name, value, allowed in (
            ("addressee_kind", self.addressee_kind, ADDRESSEE_KINDS),
            ("action_kind", self.action_kind, ACTION_KINDS),
            ("status", self.status, ("active", "delivered")),
        ):
            if value and value not in allowed:
                raise ServiceError(
                    400, "bad-filter", f"Unknown {name} {value!r}; use one of {', '.join(allowed)}."
                )
        if self.due_from and self.due_to and self.due_from > self.due_to:
            raise ServiceError(400, "bad-filter", "The due period ends before it starts.")
        if self.page < 1:
            raise ServiceError(400, "bad-filter", "Pages are numbered from 1.")
        return self


def _query(where: RegistryFilter):
    query = select(Mandate).join(Version, Mandate.version_id == Version.id)
    query = query.join(Document, Version.document_id == Document.id)
    if where.addressee_kind:
        query = query.filter(Mandate.addressee_kind == where.addressee_kind)
    if where.addressee:
        query = query.filter(Mandate.addressee.ilike(f"%{_like(where.addressee)}%", escape="\\"))
    if where.action_kind:
        query = query.filter(Mandate.action_kind == where.action_kind)
    if where.forum:
        query = query.join(Forum, Document.forum_id == Forum.id).filter(Forum.slug == where.forum)
    if where.document:
        query = query.filter(Version.document_id == where.document)
    if where.series:
        from multilateral.models.series import SeriesText

        query = query.filter(
            Mandate.version_id.in_(
                select(SeriesText.version_id).filter(SeriesText.series_id == where.series)
            )
        )
    if where.due_from:
        query = query.filter(Mandate.due >= where.due_from)
    if where.due_to:
        query = query.filter(Mandate.due <= where.due_to)
    if where.binding is not None:
        query = query.filter(Mandate.binding == where.binding)
    if where.status:
        query = query.filter(Mandate.status == where.status)
    return query


def _like(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def registry(where: RegistryFilter) -> tuple[list[Mandate], int]:
    """One page of mandates matching ``where`` (due first, undated last) and the total."""
    where.check()
    query = _query(where)
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(
            joinedload(Mandate.version).joinedload(Version.document).joinedload(Document.forum),
            joinedload(Mandate.paragraph),
        )
        .order_by(Mandate.due.is_(None), Mandate.due, Mandate.id)
        .limit(PER_PAGE)
        .offset((where.page - 1) * PER_PAGE)
    ).all()
    return list(rows), total


def calendar(today: date, *, months: int = 24) -> list[tuple[str, list[Mandate]]]:
    """Binding mandates still owed, falling due from this month for ``months`` months, by
    month ("2027-09" → the reports owed to the eighty-second session)."""
    start = today.replace(day=1)
    end_year, end_month = divmod(start.month - 1 + months, 12)
    end = date(start.year + end_year, end_month + 1, 1)
    rows = db.session.scalars(
        select(Mandate)
        .options(joinedload(Mandate.version).joinedload(Version.document))
        .filter(
            Mandate.binding.is_(True),
            Mandate.status == "active",
            Mandate.due >= start,
            Mandate.due < end,
        )
        .order_by(Mandate.due, Mandate.id)
    ).all()
    months_seen: dict[str, list[Mandate]] = {}
    for row in rows:
        months_seen.setdefault(f"{row.due:%Y-%m}", []).append(row)
    return list(months_seen.items())


def deliver(mandate_id: int, *, symbol: str, delivered_on: date | None, note: str = "") -> Mandate:
    """Record that a mandate was met by a report or act (its symbol); "" reopens it."""
    row = db.session.get(Mandate, mandate_id)
    if row is None:
        raise ServiceError(404, "not-found", f"There is no mandate {mandate_id}.")
    symbol = (symbol or "").strip()
    check_length("symbol", symbol, Mandate.delivered_symbol)
    if delivered_on and delivered_on > date.today():
        raise ServiceError(400, "bad-date", "A delivery cannot be dated in the future.")
    row.delivered_symbol = symbol
    row.delivered_on = delivered_on if symbol else None
    row.note = (note or "").strip()
    row.status = "delivered" if symbol else "active"
    return row


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A mandate a draft would create next to an active one like it."""

    paragraph: Paragraph
    clause: int
    action: str
    active: Mandate
    similarity: float


def duplicates(version: Version, *, today: date | None = None) -> list[Duplicate]:
    """Binding asks of ``version`` that repeat an active mandate: same kind of addressee, same
    kind of action, found among the closest earlier language (the precedent look-up)."""
    from multilateral.services.search import precedents

    today = today or date.today()
    found: list[Duplicate] = []
    for paragraph in version.paragraphs:
        if paragraph.kind not in _ASKING_KINDS or paragraph.label != "actionable":
            continue
        asks = [a for a in extract_mandates(paragraph.text) if a.binding]
        if not asks:
            continue
        hits = {
            h.entry.paragraph_id: h.similarity
            for h in precedents(paragraph.text[:4000], limit=10)
            if h.entry.version_id != version.id
        }
        if not hits:
            continue
        active = db.session.scalars(
            select(Mandate).filter(
                Mandate.paragraph_id.in_(hits),
                Mandate.status == "active",
                or_(Mandate.due.is_(None), Mandate.due >= today),
            )
        ).all()
        for ask in asks:
            for row in active:
                if (row.addressee_kind, row.action_kind) == (ask.addressee_kind, ask.action_kind):
                    found.append(
                        Duplicate(paragraph, ask.clause, ask.action, row, hits[row.paragraph_id])
                    )
    return found


_CSV_COLUMNS = (
    "id",
    "title",
    "version_label",
    "paragraph",
    "verb",
    "addressee",
    "addressee_kind",
    "action",
    "action_kind",
    "deadline",
    "due",
    "due_precision",
    "review",
    "binding",
    "status",
    "delivered_symbol",
    "delivered_on",
)


def to_csv(rows: Iterable[Mandate]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for row in rows:
        data = row.to_dict()
        writer.writerow(
            [
                spreadsheet_safe(str(data[name] if data[name] is not None else ""))
                for name in _CSV_COLUMNS
            ]
        )
    return out.getvalue()


def to_ics(rows: Sequence[Mandate], *, now: datetime, host: str) -> bytes:
    """The deadlines as an iCalendar file: one all-day event per dated mandate."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Multilateral//mandate deadlines//EN")
    cal.add("version", "2.0")
    for row in rows:
        if row.due is None:
            continue
        event = Event()
        event.add("uid", f"mandate-{row.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", row.due)
        title = row.version.label or row.version.document.title
        event.add(
            "summary", f"{row.addressee}: {row.action_kind} ({title}, para. {row.paragraph.number})"
        )
        precision = {"month": " (month only)", "year": " (year only)"}.get(row.due_precision, "")
        event.add(
            "description",
            f"{row.verb} {row.addressee} to {row.action}\nDeadline: {row.deadline}{precision}",
        )
        cal.add_component(event)
    return cal.to_ical()
