"""The search outbox: index work recorded in the same transaction as the change itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from multilateral.extensions import db
from multilateral.models.base import one_of, utcnow

__all__ = ["OUTBOX_OPS", "IndexOutbox"]

#: What an outbox row asks of the index: add a new version's paragraphs, re-index every
#: paragraph of a document whose indexed fields changed, or drop a deleted document.
OUTBOX_OPS = ("version", "document", "remove-document")


class IndexOutbox(db.Model):
    """One unit of index work, committed with the change that needs it and deleted once the
    index has it. A row that stays here is work the index has not done yet: the index is
    stale until it is drained."""

    __tablename__ = "search_outbox"
    __table_args__ = (one_of("op", OUTBOX_OPS, "ck_search_outbox_op"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of OUTBOX_OPS.
    op: Mapped[str] = mapped_column(String(20))
    #: The version to index (op "version"), or the document (the other ops). No foreign key:
    #: a removal must outlive the row it names.
    target_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Failed attempts to apply this row; the row stays until one succeeds.
    attempts: Mapped[int] = mapped_column(default=0)
    #: The last failure, for the health check and the logs.
    last_error: Mapped[str] = mapped_column(Text, default="")
