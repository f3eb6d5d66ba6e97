"""Helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint

__all__ = ["DATABASE_ONLY", "include_object", "one_of", "utcnow"]

#: Columns and indexes the database maintains on its own, outside the models: PostgreSQL's
#: generated full-text vectors of paragraphs (see the migration 7154102feab9). Autogenerate
#: must neither drop them nor report them as drift.
DATABASE_ONLY = frozenset(
    {
        "search_vector",
        "exact_vector",
        "ix_paragraphs_search_vector",
        "ix_paragraphs_exact_vector",
    }
)


def utcnow() -> datetime:
    """Timestamps default to this callable, never to a value computed at import."""
    return datetime.now(UTC).replace(tzinfo=None)


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A CHECK constraint keeping ``column`` inside a closed vocabulary."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: leave the database-only full-text columns and indexes alone."""
    return not (reflected and compare_to is None and name in DATABASE_ONLY)
