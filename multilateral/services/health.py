"""Is the database answering? The database half of ``GET /api/health``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from multilateral.extensions import db

__all__ = ["database_health"]


def database_health() -> dict[str, Any]:
    """``{"status": "ok", "dialect": …}``, or ``{"status": "error", "message": …}``: reported,
    never raised, since this is what the health check is for."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # reported, not raised: this is the health check
        return {"status": "error", "message": str(exc)}
    return {"status": "ok", "dialect": db.engine.dialect.name}
