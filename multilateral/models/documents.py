"""Negotiated texts, their successive versions and the paragraphs of each version."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = [
    "DOCUMENT_KINDS",
    "DOCUMENT_STATUSES",
    "STRUCTURAL_KINDS",
    "Document",
    "Version",
    "Paragraph",
]

DOCUMENT_KINDS = (
    "resolution",
    "decision",
    "declaration",
    "convention",
    "protocol",
    "treaty",
    "work-plan",
    "action-plan",
    "directive",
    "other",
)
DOCUMENT_STATUSES = ("draft", "adopted", "withdrawn")
#: Paragraph kinds that give a text its structure rather than say something: no clause
#: label or strength is shown, compared or summed for them. A subset of
#: :data:`multilateral.text.units.KINDS`; templates see it as ``structural_kinds``.
STRUCTURAL_KINDS = ("title", "chapter", "article", "heading", "annex")


class Document(db.Model):
    """A negotiated text: a resolution, a convention, a work plan …"""

    __tablename__ = "documents"
    __table_args__ = (
        one_of("kind", DOCUMENT_KINDS, "ck_documents_kind"),
        one_of("status", DOCUMENT_STATUSES, "ck_documents_status"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    #: Official symbol such as "A/C.3/79/L.12"; unique when given.
    symbol: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: One of DOCUMENT_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    #: draft, adopted or withdrawn.
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Subject tags, a list of short strings ("trafficking", "forced labour").
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    forum = relationship("Forum")
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", order_by="Version.number", cascade="all, delete-orphan"
    )

    @property
    def latest_version(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def to_dict(self, *, with_versions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "forum": self.forum.slug,
            "symbol": self.symbol,
            "kind": self.kind,
            "status": self.status,
            "tags": list(self.tags or []),
            "created_at": self.created_at.isoformat() + "Z",
            "updated_at": self.updated_at.isoformat() + "Z",
            "version_count": len(self.versions),
        }
        if with_versions:
            data["versions"] = [v.to_dict() for v in self.versions]
        return data


class Version(db.Model):
    """One revision of a document, as received: append-only."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_version_number"),
        UniqueConstraint("document_id", "sha256", name="uq_version_sha256"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 … in order of arrival.
    number: Mapped[int]
    #: "zero draft", "Rev.1", "adopted" …
    label: Mapped[str] = mapped_column(String(100), default="")
    #: Date the revision bears, if known.
    date: Mapped[date | None] = mapped_column(Date)
    #: File name as uploaded ("" for pasted text).
    source_filename: Mapped[str] = mapped_column(String(300), default="")
    #: SHA-256 of the uploaded bytes: the same file twice is refused.
    sha256: Mapped[str] = mapped_column(String(64))
    #: What the importer wants the reader to know (dropped translation, tracked changes …).
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    created_by = relationship("User")
    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="version",
        order_by="Paragraph.position",
        cascade="all, delete-orphan",
        foreign_keys="Paragraph.version_id",
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "label": self.label,
            "date": self.date.isoformat() if self.date else None,
            "source_filename": self.source_filename,
            "sha256": self.sha256,
            "warnings": list(self.warnings or []),
            "created_by": self.created_by.username if self.created_by else None,
            "created_at": self.created_at.isoformat() + "Z",
        }


class Paragraph(db.Model):
    """One unit of a version: title, preambular or operative paragraph, article …"""

    __tablename__ = "paragraphs"
    __table_args__ = (
        UniqueConstraint("version_id", "position", name="uq_paragraph_position"),
        Index("ix_paragraphs_lineage", "lineage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    #: 0-based order within the version.
    position: Mapped[int]
    #: One of multilateral.text.units.KINDS (title, preambular, operative, article …).
    kind: Mapped[str] = mapped_column(String(20))
    #: Number label as printed: "1", "5 bis", "(a)", "Article 6"; "" when none.
    number: Mapped[str] = mapped_column(String(40), default="")
    #: Article heading or other caption.
    heading: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text)
    #: The enclosing unit (article of a paragraph, paragraph of a sub-paragraph).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("paragraphs.id", ondelete="CASCADE"))
    #: Stable id of this paragraph across all versions of its document (set by alignment).
    lineage: Mapped[str] = mapped_column(String(32))
    #: True when the text holds unagreed [square-bracketed] language.
    bracketed: Mapped[bool] = mapped_column(default=False)
    #: actionable, hortatory or descriptive (clause analysis).
    label: Mapped[str] = mapped_column(String(20), default="descriptive")
    #: 0–100, how firmly the paragraph commits someone to act.
    strength: Mapped[int] = mapped_column(default=0)
    #: The spans that decided label and strength.
    cues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: A sentence explaining label and strength.
    explanation: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[Version] = relationship(back_populates="paragraphs", foreign_keys=[version_id])
    parent: Mapped[Paragraph | None] = relationship(remote_side=[id])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "kind": self.kind,
            "number": self.number,
            "heading": self.heading,
            "text": self.text,
            "parent_id": self.parent_id,
            "lineage": self.lineage,
            "bracketed": self.bracketed,
            "label": self.label,
            "strength": self.strength,
            "cues": list(self.cues or []),
            "explanation": self.explanation,
        }
