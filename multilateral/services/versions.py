"""Adding a version to a document: segmenting, lineage, clause analysis, storage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import Document, IndexOutbox, Paragraph, User, Version
from multilateral.models.base import utcnow
from multilateral.services.analysis import analyse_units
from multilateral.services.positions import carry_over
from multilateral.text.align import align, lineage
from multilateral.text.clauses import Analysis
from multilateral.text.units import Segmented, Unit

__all__ = ["add_version", "duplicate_of", "lock_document", "parse_date", "reanalyse", "units_of"]


def parse_date(value: str | None) -> date | None:
    """An ISO date from a form or JSON field; a clear 400 when it is not one."""
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(400, "bad-date", f"date must be YYYY-MM-DD, not {value!r}.") from None


def units_of(version: Version) -> list[Unit]:
    """A stored version as the units the text layer works on."""
    return units_from(version.paragraphs)


def units_from(paragraphs: Sequence[Any]) -> list[Unit]:
    """Stored paragraphs in order (ORM rows, or rows of their columns ``id``, ``kind``,
    ``number``, ``text``, ``parent_id``, ``heading`` and ``bracketed``) as units."""
    position_of = {p.id: i for i, p in enumerate(paragraphs)}
    return [
        Unit(
            kind=p.kind,
            number=p.number,
            text=p.text,
            parent=position_of.get(p.parent_id) if p.parent_id else None,
            heading=p.heading,
            bracketed=p.bracketed,
        )
        for p in paragraphs
    ]


def duplicate_of(document: Document, sha256: str) -> int | None:
    """The number of the version of ``document`` stored from these very bytes, if any."""
    return db.session.scalar(
        db.select(Version.number).filter_by(document_id=document.id, sha256=sha256)
    )


def lock_document(document: Document) -> Version | None:
    """Lock ``document``'s row until the transaction ends; then its newest version.

    The lock is the UPDATE of the row's ``updated_at`` (a new version changes the document),
    flushed at once; it serialises writers on both databases. PostgreSQL holds the row lock
    to the end of the transaction: a second upload waits here, and in READ COMMITTED its
    next statement sees the version the first one committed. SQLite has one write lock per
    database: pysqlite begins the transaction at this first write (the reads before it ran
    outside any transaction), so the write lock and a fresh snapshot come together, after
    waiting for another writer up to ``busy_timeout``. Everything read after this (the
    newest number, the duplicate check, the paragraphs the new version is aligned against)
    is what the last committed upload left.
    """
    document.updated_at = utcnow()
    db.session.flush()
    # The versions loaded before the lock may be missing one committed meanwhile.
    db.session.expire(document, ["versions"])
    return db.session.scalar(
        select(Version)
        .where(Version.document_id == document.id)
        .order_by(Version.number.desc())
        .limit(1)
    )


def _new_lineage() -> str:
    return uuid.uuid4().hex


def add_version(
    document: Document,
    segmented: Segmented,
    *,
    sha256: str,
    label: str = "",
    version_date: date | None = None,
    source_filename: str = "",
    created_by: User | None = None,
) -> Version:
    """Store the next version of ``document``; refuses a file already stored (409).

    Paragraphs inherit the lineage ids of the previous version's paragraphs they are
    aligned with, so positions and comments follow a paragraph through revisions.

    Concurrent uploads to one document are numbered 1, 2, 3 … without gaps: the number,
    the duplicate check and the alignment all read the document under its row lock
    (:func:`lock_document`), held until the caller commits or rolls back.
    """
    if not segmented.units:
        raise ServiceError(400, "empty", "The text holds no paragraph.")
    units = segmented.units
    analyses = analyse_units(units)  # the text alone: done before the lock, to keep it short
    previous = lock_document(document)
    duplicate = duplicate_of(document, sha256)
    if duplicate is not None:
        raise ServiceError(
            409,
            "duplicate-version",
            f"This file is identical to version {duplicate} of this document.",
        )
    if previous is not None:
        pairs = align(units_of(previous), units)
        lineages = lineage(
            pairs, [p.lineage for p in previous.paragraphs], len(units), _new_lineage
        )
    else:
        lineages = [_new_lineage() for _ in units]
    version = Version(
        document=document,
        number=(previous.number + 1) if previous else 1,
        label=label.strip(),
        date=version_date,
        source_filename=source_filename,
        sha256=sha256,
        warnings=list(segmented.warnings),
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(version)
    paragraphs: list[Paragraph] = []
    for position, (unit, lineage_id, analysis) in enumerate(
        zip(units, lineages, analyses, strict=True)
    ):
        paragraph = Paragraph(
            version=version,
            position=position,
            kind=unit.kind,
            number=unit.number[:40],
            heading=unit.heading[:500],
            text=unit.text,
            parent=paragraphs[unit.parent] if unit.parent is not None else None,
            lineage=lineage_id,
            bracketed=unit.bracketed,
            **_verdict(analysis),
        )
        paragraphs.append(paragraph)
    db.session.add_all(paragraphs)
    db.session.flush()  # the outbox records the index work in this same flush
    if previous is not None:
        carry_over(previous, version)
    return version


def _verdict(analysis: Analysis | None) -> dict[str, Any]:
    """The stored columns of a paragraph's analysis (a unit with no text is descriptive)."""
    return {
        "label": analysis.label if analysis else "descriptive",
        "strength": analysis.strength if analysis else 0,
        "cues": [c.to_dict() for c in analysis.cues] if analysis else [],
        "explanation": analysis.explanation if analysis else "",
    }


def reanalyse() -> tuple[int, int]:
    """Analyse every stored paragraph again with the configured lexicon (after the lexicon or
    the analysis changed) and queue the changed versions for the search index, whose label
    field must follow. Returns (paragraphs changed, versions changed); the caller commits."""
    paragraphs_changed = versions_changed = 0
    for version in db.session.scalars(db.select(Version).order_by(Version.id)):
        changed = 0
        for paragraph, analysis in zip(
            version.paragraphs, analyse_units(units_of(version)), strict=True
        ):
            fields = _verdict(analysis)
            if any(getattr(paragraph, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(paragraph, name, value)
                changed += 1
        if changed:
            paragraphs_changed += changed
            versions_changed += 1
            db.session.add(IndexOutbox(op="version", target_id=version.id))
    return paragraphs_changed, versions_changed
