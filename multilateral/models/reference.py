"""States and the forums they sit in."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of
from multilateral.text.refdata import STATE_KINDS

__all__ = ["STATE_KINDS", "State", "Forum", "ForumMembership"]


class State(db.Model):
    """A participant in forums and treaties: a state, or the EU."""

    __tablename__ = "states"
    __table_args__ = (one_of("kind", STATE_KINDS, "ck_states_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166-1 alpha-3; "EU" for the European Union.
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    #: ISO 3166-1 alpha-2.
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    #: Short English name as the UN lists it.
    name: Mapped[str] = mapped_column(String(200))
    #: One of :data:`~multilateral.text.refdata.STATE_KINDS`: un-member, un-observer,
    #: organization (the EU) or other (e.g. the Cook Islands).
    kind: Mapped[str] = mapped_column(String(20))
    #: Where the row comes from.
    source: Mapped[str] = mapped_column(String(500), default="")

    memberships: Mapped[list[ForumMembership]] = relationship(back_populates="state")


class Forum(db.Model):
    """A negotiating body: UN General Assembly, ILO, EU, OSCE, OAS, RCM …"""

    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL name: un-ga, ilo, eu, osce, oas, rcm …
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The body this one belongs to (the Third Committee belongs to the General Assembly).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    #: False for bodies with elected, changing membership (HRC, ECOSOC, CCPCJ, Security Council).
    has_membership_list: Mapped[bool] = mapped_column(default=True)
    #: Where the membership list comes from.
    source: Mapped[str] = mapped_column(String(500), default="")

    parent: Mapped[Forum | None] = relationship(remote_side=[id])
    memberships: Mapped[list[ForumMembership]] = relationship(
        back_populates="forum", cascade="all, delete-orphan"
    )


class ForumMembership(db.Model):
    __tablename__ = "forum_memberships"
    __table_args__ = (UniqueConstraint("forum_id", "state_id", name="uq_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="CASCADE"), index=True)
    #: A remark the source makes (e.g. a suspended participation).
    note: Mapped[str] = mapped_column(String(500), default="")

    forum: Mapped[Forum] = relationship(back_populates="memberships")
    state: Mapped[State] = relationship(back_populates="memberships")
