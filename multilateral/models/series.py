"""Recurring resolutions: a series, its texts through each cycle, what happened to each text
(introduced, revised, adopted …), who sponsored it, how states voted, and what the
delegation did.

Most UN texts come back every one, two or three years under the same title: the 78th
session's resolution is the base of the 80th session's draft, which the Assembly adopts as
the 80th session's resolution. A :class:`SeriesText` is one such text, pointing at a stored
:class:`~multilateral.models.documents.Version` (a version of a document shared by the
whole cycle, or the only version of a document of its own), so the texts of a series compare
like any two versions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = [
    "ADOPTION_METHODS",
    "EVENT_KINDS",
    "OWN_ACTIONS",
    "PERIODICITIES",
    "SPONSOR_JOINED",
    "SPONSOR_ROLES",
    "TEXT_STAGES",
    "VOTE_CHOICES",
    "OwnAction",
    "Series",
    "SeriesLeadSponsor",
    "SeriesText",
    "Sponsorship",
    "StateVote",
    "TextEvent",
]

PERIODICITIES = ("annual", "biennial", "triennial", "irregular")
#: The stages of a text, in the order a cycle goes through them: a zero draft circulated by
#: the main sponsors, the draft issued as an L. document, its revisions (L./Rev.n), the
#: adopted resolution (A/RES), or a draft withdrawn.
TEXT_STAGES = ("zero-draft", "draft", "revised-draft", "adopted", "withdrawn")
EVENT_KINDS = ("introduced", "revised", "orally-revised", "adopted", "withdrawn")
#: How an adoption was made: without a vote (by consensus), or by a recorded vote.
ADOPTION_METHODS = ("without-a-vote", "recorded-vote")
VOTE_CHOICES = ("yes", "no", "abstain", "absent")
SPONSOR_ROLES = ("main-sponsor", "co-sponsor")
#: A sponsor named when the text was issued, or one that joined later (the committee's
#: report and meeting records list them).
SPONSOR_JOINED = ("initial", "later")
#: What the delegation did about a text.
OWN_ACTIONS = ("co-sponsored", "joined-consensus", "voted-yes", "voted-no", "abstained")


class Series(db.Model):
    """A recurring text: "Violence against women migrant workers", biennial, in the GA."""

    __tablename__ = "series"
    __table_args__ = (
        UniqueConstraint("forum_id", "title", name="uq_series_forum_title"),
        one_of("periodicity", PERIODICITIES, "ck_series_periodicity"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    forum_id: Mapped[int] = mapped_column(
        ForeignKey("forums.id", name="fk_series_forum_id"), index=True
    )
    #: One of PERIODICITIES.
    periodicity: Mapped[str] = mapped_column(String(20), server_default="irregular")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_series_created_by_id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    forum = relationship("Forum")
    lead_sponsors: Mapped[list[SeriesLeadSponsor]] = relationship(
        back_populates="series",
        order_by="SeriesLeadSponsor.position",
        cascade="all, delete-orphan",
    )
    texts: Mapped[list[SeriesText]] = relationship(
        back_populates="series", order_by="SeriesText.id", cascade="all, delete-orphan"
    )

    @property
    def cycle(self) -> list[SeriesText]:
        """The texts in the order of the series: by session, then stage (see
        :meth:`SeriesText.cycle_key`)."""
        return sorted(self.texts, key=SeriesText.cycle_key)


class SeriesLeadSponsor(db.Model):
    """A state that leads the series from cycle to cycle (its pen-holder)."""

    __tablename__ = "series_lead_sponsors"
    __table_args__ = (UniqueConstraint("series_id", "state_id", name="uq_series_lead_sponsor"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE", name="fk_series_lead_sponsors_series_id"),
        index=True,
    )
    state_id: Mapped[int] = mapped_column(
        ForeignKey("states.id", name="fk_series_lead_sponsors_state_id")
    )
    #: 0-based order as given.
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    series: Mapped[Series] = relationship(back_populates="lead_sponsors")
    state = relationship("State")


class SeriesText(db.Model):
    """One text of a series: a stored version with its symbol, stage, session and date."""

    __tablename__ = "series_texts"
    __table_args__ = (
        UniqueConstraint("series_id", "version_id", name="uq_series_text_version"),
        UniqueConstraint("series_id", "symbol", name="uq_series_text_symbol"),
        one_of("stage", TEXT_STAGES, "ck_series_texts_stage"),
        CheckConstraint(
            "(stage = 'revised-draft' AND revision IS NOT NULL AND revision >= 1)"
            " OR (stage <> 'revised-draft' AND revision IS NULL)",
            name="ck_series_texts_revision",
        ),
        CheckConstraint("session IS NULL OR session >= 1", name="ck_series_texts_session"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE", name="fk_series_texts_series_id"), index=True
    )
    #: The stored text (a version of a shared document, or of a document of its own).
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE", name="fk_series_texts_version_id"),
        index=True,
    )
    #: "A/C.3/80/L.18", "A/RES/80/185"; None for a zero draft, which has none.
    symbol: Mapped[str | None] = mapped_column(String(100))
    #: One of TEXT_STAGES.
    stage: Mapped[str] = mapped_column(String(20), index=True)
    #: n of L./Rev.n, for a revised draft only.
    revision: Mapped[int | None] = mapped_column(Integer)
    #: The session the text belongs to (80 for A/C.3/80/L.18); None when not known.
    session: Mapped[int | None] = mapped_column(Integer)
    #: The date the text bears: the issue date of a draft, the adoption date of a resolution.
    date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_series_texts_created_by_id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    series: Mapped[Series] = relationship(back_populates="texts")
    version = relationship("Version")
    events: Mapped[list[TextEvent]] = relationship(
        back_populates="text", order_by="TextEvent.id", cascade="all, delete-orphan"
    )
    sponsorships: Mapped[list[Sponsorship]] = relationship(
        back_populates="text", order_by="Sponsorship.id", cascade="all, delete-orphan"
    )
    own_action: Mapped[OwnAction | None] = relationship(
        back_populates="text", cascade="all, delete-orphan", uselist=False
    )

    def cycle_key(self) -> tuple[Any, ...]:
        """Session (unknown last), stage in cycle order, revision, date, then arrival."""
        return (
            self.session is None,
            self.session or 0,
            TEXT_STAGES.index(self.stage),
            self.revision or 0,
            self.date or date.max,
            self.id or 0,
        )

    @property
    def name(self) -> str:
        """How people name the text: its symbol, or its stage and session."""
        if self.symbol:
            return self.symbol
        session = f", session {self.session}" if self.session else ""
        return f"{self.stage.replace('-', ' ')}{session}"


class TextEvent(db.Model):
    """Something that happened to a text: introduced, revised, orally revised, adopted …"""

    __tablename__ = "text_events"
    __table_args__ = (
        one_of("kind", EVENT_KINDS, "ck_text_events_kind"),
        one_of("method", ADOPTION_METHODS, "ck_text_events_method"),
        CheckConstraint("method IS NULL OR kind = 'adopted'", name="ck_text_events_method_kind"),
        CheckConstraint(
            "(method = 'recorded-vote' AND yes_count IS NOT NULL AND no_count IS NOT NULL"
            " AND abstain_count IS NOT NULL)"
            " OR ((method IS NULL OR method <> 'recorded-vote') AND yes_count IS NULL"
            " AND no_count IS NULL AND abstain_count IS NULL)",
            name="ck_text_events_counts",
        ),
        CheckConstraint(
            "(yes_count IS NULL OR yes_count >= 0) AND (no_count IS NULL OR no_count >= 0)"
            " AND (abstain_count IS NULL OR abstain_count >= 0)",
            name="ck_text_events_counts_non_negative",
        ),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(
        ForeignKey("series_texts.id", ondelete="CASCADE", name="fk_text_events_text_id"),
        index=True,
    )
    #: One of EVENT_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    #: The day it happened; None when the sources do not say.
    date: Mapped[date | None] = mapped_column(Date)
    #: "62nd plenary meeting", "Third Committee, 20th meeting"; "" when not known.
    meeting: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: The symbol the event concerns: the draft introduced, the revision (L.18/Rev.1), the
    #: resolution adopted (A/RES/80/185); "" when none.
    symbol: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: For an adoption: without-a-vote or recorded-vote; None when not known.
    method: Mapped[str | None] = mapped_column(String(20))
    #: Counts of a recorded vote (all three, or none).
    yes_count: Mapped[int | None] = mapped_column(Integer)
    no_count: Mapped[int | None] = mapped_column(Integer)
    abstain_count: Mapped[int | None] = mapped_column(Integer)
    #: Where this is recorded: the text, a meeting record, a press release (URL).
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_text_events_created_by_id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    text: Mapped[SeriesText] = relationship(back_populates="events")
    votes: Mapped[list[StateVote]] = relationship(
        back_populates="event", order_by="StateVote.id", cascade="all, delete-orphan"
    )


class StateVote(db.Model):
    """How one state voted in a recorded vote, where the record says."""

    __tablename__ = "state_votes"
    __table_args__ = (
        UniqueConstraint("event_id", "state_id", name="uq_state_vote"),
        one_of("vote", VOTE_CHOICES, "ck_state_votes_vote"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("text_events.id", ondelete="CASCADE", name="fk_state_votes_event_id"),
        index=True,
    )
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id", name="fk_state_votes_state_id"))
    #: One of VOTE_CHOICES.
    vote: Mapped[str] = mapped_column(String(10))

    event: Mapped[TextEvent] = relationship(back_populates="votes")
    state = relationship("State")


class Sponsorship(db.Model):
    """A state sponsoring a text: a main sponsor or a co-sponsor, from the start or later."""

    __tablename__ = "sponsorships"
    __table_args__ = (
        UniqueConstraint("text_id", "state_id", name="uq_sponsorship"),
        one_of("role", SPONSOR_ROLES, "ck_sponsorships_role"),
        one_of("joined", SPONSOR_JOINED, "ck_sponsorships_joined"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(
        ForeignKey("series_texts.id", ondelete="CASCADE", name="fk_sponsorships_text_id"),
        index=True,
    )
    state_id: Mapped[int] = mapped_column(
        ForeignKey("states.id", name="fk_sponsorships_state_id"), index=True
    )
    #: One of SPONSOR_ROLES.
    role: Mapped[str] = mapped_column(String(20))
    #: One of SPONSOR_JOINED.
    joined: Mapped[str] = mapped_column(String(10), server_default="initial")
    #: Where it is recorded: the sponsor line, the committee's report, a meeting record.
    source: Mapped[str] = mapped_column(Text, default="", server_default="")

    text: Mapped[SeriesText] = relationship(back_populates="sponsorships")
    state = relationship("State")


class OwnAction(db.Model):
    """What the delegation did about one text, with its explanation of position or vote."""

    __tablename__ = "own_actions"
    __table_args__ = (
        UniqueConstraint("text_id", name="uq_own_action_text"),
        one_of("action", OWN_ACTIONS, "ck_own_actions_action"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(
        ForeignKey("series_texts.id", ondelete="CASCADE", name="fk_own_actions_text_id")
    )
    #: One of OWN_ACTIONS.
    action: Mapped[str] = mapped_column(String(20))
    #: The explanation of position or of vote, as delivered or planned.
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_own_actions_author_id")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    text: Mapped[SeriesText] = relationship(back_populates="own_action")
    author = relationship("User")
