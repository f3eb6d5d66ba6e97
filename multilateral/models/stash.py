"""Uploads waiting between the upload page's preview and its Save, shared by every app server."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from multilateral.extensions import db
from multilateral.models.base import utcnow

__all__ = ["UploadStash"]


class UploadStash(db.Model):
    """The bytes of one previewed upload, named by their SHA-256 (never by anything the user
    sent). Kept in the database so a preview made on one app server can be saved on another;
    removed by the Save, whatever its outcome, or swept when older than a day."""

    __tablename__ = "upload_stash"

    #: Lowercase hex SHA-256 of ``data``.
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
