"""Treaties and what each participant did about them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = ["ACTION_KINDS", "CONSENT_KINDS", "DATE_PRECISIONS", "Treaty", "TreatyAction"]

#: Acts by which a participant becomes a party. "consent" is an act the source records
#: without saying which of these it was (the Dutch treaty series' "R" lumps ratification,
#: acceptance and approval; some sources show no kind at all).
CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession", "succession", "consent")
ACTION_KINDS = (
    "signature",
    *CONSENT_KINDS,
    "reservation",
    "declaration",
    "objection",
    "withdrawal",
    "denunciation",
)
DATE_PRECISIONS = ("day", "year")


class Treaty(db.Model):
    __tablename__ = "treaties"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL name, e.g. "palermo-protocol".
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    #: UN Treaty Collection reference, e.g. "XVIII-12-a".
    untc_reference: Mapped[str] = mapped_column(String(40), default="")
    #: Where the participant data come from, and how complete they are.
    data_note: Mapped[str] = mapped_column(Text, default="")
    #: The latest date the participant data are known to be current for.
    data_as_of: Mapped[date | None] = mapped_column(Date)
    #: The treaty's own document, when it is stored.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    actions: Mapped[list[TreatyAction]] = relationship(
        back_populates="treaty", cascade="all, delete-orphan"
    )


class TreatyAction(db.Model):
    """A signature, ratification, accession, reservation … by one participant."""

    __tablename__ = "treaty_actions"
    __table_args__ = (
        one_of("kind", ACTION_KINDS, "ck_treaty_actions_kind"),
        one_of("date_precision", DATE_PRECISIONS, "ck_treaty_actions_precision"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    treaty_id: Mapped[int] = mapped_column(
        ForeignKey("treaties.id", ondelete="CASCADE"), index=True
    )
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"), index=True)
    #: One of ACTION_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    #: The code the source used for the kind of act ("R", "a", "A", "AA", "d"), if any.
    source_code: Mapped[str] = mapped_column(String(10), default="")
    #: The day of the act; for year precision, 31 December of that year (done by then).
    date: Mapped[date | None] = mapped_column(Date)
    #: "day" or "year": how much of ``date`` the source gives.
    date_precision: Mapped[str] = mapped_column(String(4), default="day")
    #: Text of a reservation or declaration.
    text: Mapped[str] = mapped_column(Text, default="")
    #: Where the fact comes from.
    source: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    treaty: Mapped[Treaty] = relationship(back_populates="actions")
    state = relationship("State")

    @property
    def date_label(self) -> str:
        if self.date is None:
            return ""
        return str(self.date.year) if self.date_precision == "year" else self.date.isoformat()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source_code": self.source_code,
            "date": self.date_label or None,
            "date_precision": self.date_precision,
            "text": self.text,
            "source": self.source,
        }
