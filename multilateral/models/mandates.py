"""The mandate registry: what adopted texts ask, of whom, by when, and whether it was done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow
from multilateral.text.mandates import ACTION_KINDS, ADDRESSEE_KINDS, DEADLINE_KINDS

__all__ = ["MANDATE_STATUSES", "Mandate"]

#: An active mandate is still owed; a delivered one names the report or act that met it.
MANDATE_STATUSES = ("active", "delivered")


class Mandate(db.Model):
    """One ask of an operative paragraph of an adopted text (see multilateral.text.mandates).

    Rows are derived from the text by :func:`multilateral.services.mandates.refresh`; only the
    delivery (status, symbol, date, note) is edited by people, and it survives a refresh.
    """

    __tablename__ = "mandates"
    __audited__ = True
    __table_args__ = (
        one_of("status", MANDATE_STATUSES, "ck_mandates_status"),
        one_of("addressee_kind", ADDRESSEE_KINDS, "ck_mandates_addressee_kind"),
        one_of("action_kind", ACTION_KINDS, "ck_mandates_action_kind"),
        one_of("deadline_kind", DEADLINE_KINDS, "ck_mandates_deadline_kind"),
        Index("ix_mandates_due", "binding", "due"),
        Index("ix_mandates_paragraph_clause", "paragraph_id", "clause", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id", ondelete="CASCADE"))
    #: Which clause of the paragraph (0-based).
    clause: Mapped[int]
    verb: Mapped[str] = mapped_column(String(60))
    addressee: Mapped[str] = mapped_column(String(500))
    addressee_kind: Mapped[str] = mapped_column(String(20), index=True)
    action: Mapped[str] = mapped_column(Text)
    action_kind: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[str] = mapped_column(String(200), default="")
    deadline_kind: Mapped[str] = mapped_column(String(20), default="none")
    due: Mapped[date | None]
    due_precision: Mapped[str] = mapped_column(String(10), default="")
    session: Mapped[int | None]
    review: Mapped[bool] = mapped_column(default=False)
    binding: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: The symbol of the report or act that delivered it ("A/80/298").
    delivered_symbol: Mapped[str] = mapped_column(String(100), default="")
    delivered_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version = relationship("Version")
    paragraph = relationship("Paragraph")

    def to_dict(self) -> dict[str, Any]:
        version = self.version
        return {
            "id": self.id,
            "document": version.document_id,
            "title": version.document.title,
            "version": version.number,
            "version_label": version.label,
            "forum": version.document.forum.slug,
            "paragraph": self.paragraph.number,
            "paragraph_id": self.paragraph_id,
            "clause": self.clause,
            "verb": self.verb,
            "addressee": self.addressee,
            "addressee_kind": self.addressee_kind,
            "action": self.action,
            "action_kind": self.action_kind,
            "deadline": self.deadline,
            "deadline_kind": self.deadline_kind,
            "due": self.due.isoformat() if self.due else None,
            "due_precision": self.due_precision,
            "session": self.session,
            "review": self.review,
            "binding": self.binding,
            "status": self.status,
            "delivered_symbol": self.delivered_symbol,
            "delivered_on": self.delivered_on.isoformat() if self.delivered_on else None,
            "note": self.note,
        }
