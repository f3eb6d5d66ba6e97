"""Treaties and what each participant did about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = [
    "ACTION_KINDS",
    "ActView",
    "CONSENT_KINDS",
    "DATE_PRECISIONS",
    "ENDING_KINDS",
    "STATEMENT_KINDS",
    "Treaty",
    "TreatyAction",
    "date_label",
    "date_value",
]

#: Acts by which a participant becomes a party. "consent" is an act the source records
#: without saying which of these it was (the Dutch treaty series' "R" lumps ratification,
#: acceptance and approval; some sources show no kind at all).
CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession", "succession", "consent")
#: Acts that end a participant's consent to be bound.
ENDING_KINDS = ("withdrawal", "denunciation")
#: Texts attached to a participation: listed with the participant, they change no status.
STATEMENT_KINDS = ("reservation", "declaration", "objection")
ACTION_KINDS = (
    "signature",
    *CONSENT_KINDS,
    *STATEMENT_KINDS,
    *ENDING_KINDS,
    #: A source lists the state among the treaty's "participants" (the UN Treaty Series
    #: registration record does): it signed or consented, the source does not say which.
    "participation",
    #: A dated source says the state is not a party: the one case where "no action" is shown.
    "non-party",
)
#: How much of ``TreatyAction.date`` the source gives. A month or year act is dated the last
#: day of its period (done by then); an "unknown" act has no date at all.
DATE_PRECISIONS = ("day", "month", "year", "unknown")


def date_value(when: date | None, precision: str) -> str | None:
    """A date as precise as its source: "2005-11-03", "2019-09", "2004" or None."""
    if when is None:
        return None
    if precision == "year":
        return f"{when.year:04d}"
    if precision == "month":
        return f"{when.year:04d}-{when.month:02d}"
    return when.isoformat()


def date_label(when: date | None, precision: str) -> str:
    """For people: "3 November 2005", "September 2019 (month only)", "2004 (year only)"."""
    if when is None:
        return "date not known"
    if precision == "year":
        return f"{when.year} (year only)"
    if precision == "month":
        return f"{when:%B %Y} (month only)"
    return f"{when.day} {when:%B %Y}"


class Treaty(db.Model):
    __tablename__ = "treaties"
    __audited__ = True

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
    #: Adopted by (e.g. GA resolution 55/25 of 15 November 2000).
    adopted_on: Mapped[date | None] = mapped_column(Date)
    #: Opened for signature: no act can be dated before this day.
    opened_on: Mapped[date | None] = mapped_column(Date)
    entry_into_force_on: Mapped[date | None] = mapped_column(Date)
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
    #: The day of the act; for month or year precision the last day of the period (done
    #: by then); None when the source gives no date.
    date: Mapped[date | None] = mapped_column(Date)
    #: One of DATE_PRECISIONS: how much of ``date`` the source gives.
    date_precision: Mapped[str] = mapped_column(String(10), default="day")
    #: Text of a reservation or declaration.
    text: Mapped[str] = mapped_column(Text, default="")
    #: Where the fact comes from.
    source: Mapped[str] = mapped_column(Text, default="")
    #: What the source says beyond the act, e.g. "not a party as of 9 Nov 2020 per …".
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    treaty: Mapped[Treaty] = relationship(back_populates="actions")
    state = relationship("State")

    @property
    def date_value(self) -> str | None:
        return date_value(self.date, self.date_precision)

    @property
    def date_label(self) -> str:
        return date_label(self.date, self.date_precision)

    def to_dict(self) -> dict[str, Any]:
        return ActView.of(self).to_dict()


@dataclass(slots=True)
class ActView:
    """A copy of one act, for reading many at once without the ORM's cost.

    Not frozen: a frozen dataclass's ``__init__`` is ten times slower, and thousands are
    built per status request. Nothing writes to one; changes go through ``TreatyAction``.
    """

    id: int
    state_id: int
    kind: str
    source_code: str
    date: date | None
    date_precision: str
    text: str
    note: str
    source: str

    #: The columns to select, in field order.
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "state_id",
        "kind",
        "source_code",
        "date",
        "date_precision",
        "text",
        "note",
        "source",
    )

    @classmethod
    def of(cls, action: TreatyAction) -> ActView:
        return cls(*(getattr(action, name) for name in cls.COLUMNS))

    @property
    def date_value(self) -> str | None:
        return date_value(self.date, self.date_precision)

    @property
    def date_label(self) -> str:
        return date_label(self.date, self.date_precision)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source_code": self.source_code,
            "date": self.date_value,
            "date_precision": self.date_precision,
            "text": self.text,
            "note": self.note,
            "source": self.source,
        }
