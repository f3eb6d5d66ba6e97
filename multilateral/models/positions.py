"""The delegation's position on each paragraph."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = ["POSITION_STATES", "PRIORITIES", "STANCES", "Position"]

STANCES = ("support", "oppose", "amend", "reserve", "none")
PRIORITIES = ("red-line", "important", "flexible")
#: current: recorded on this version's paragraph; carried-over: copied from the previous
#: version onto a paragraph whose text changed (to review); paragraph-deleted: the paragraph
#: is gone from this version, and the position is kept so that nothing is silently dropped.
POSITION_STATES = ("current", "carried-over", "paragraph-deleted")


class Position(db.Model):
    """A position on one paragraph lineage in one version.

    ``revision`` counts saves (SQLAlchemy's ``version_id_col``: every UPDATE checks it, so
    two saves racing on one revision cannot both succeed); a save based on an older revision
    is refused (409).
    """

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("version_id", "lineage", name="uq_position_version_lineage"),
        one_of("stance", STANCES, "ck_positions_stance"),
        one_of("priority", PRIORITIES, "ck_positions_priority"),
        one_of("state", POSITION_STATES, "ck_positions_state"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    #: The paragraph's lineage id, so the position follows it through revisions.
    lineage: Mapped[str] = mapped_column(String(32))
    stance: Mapped[str] = mapped_column(String(10), default="none")
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(10), default="flexible")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Incremented on every save; clients send the revision they edited.
    revision: Mapped[int] = mapped_column(default=1)
    #: One of POSITION_STATES.
    state: Mapped[str] = mapped_column(String(20), default="current")
    #: The position on the previous version this one was carried over from.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="SET NULL")
    )

    author = relationship("User")
    carried_from: Mapped[Position | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": revision}

    def to_dict(self) -> dict[str, Any]:
        return {
            "lineage": self.lineage,
            "stance": self.stance,
            "proposed_text": self.proposed_text,
            "rationale": self.rationale,
            "priority": self.priority,
            "revision": self.revision,
            "state": self.state,
            "author": self.author.username if self.author else None,
            "updated_at": self.updated_at.isoformat() + "Z",
        }
