"""U.S. TIP Report tier placements, one row per country, report year and tier."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from multilateral.extensions import db
from multilateral.models.base import one_of

__all__ = ["TIERS", "TipPlacement"]

#: The placements the TIP Report makes, most to least compliant.
TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")


class TipPlacement(db.Model):
    """One placement as a source gives it.

    Keyed by ISO code, not by ``State``: the report also rates territories (Taiwan, Hong Kong,
    Curaçao …) and Kosovo, which are not in the states list. A country-year with two rows is
    a conflict between sources; both are kept. A country-year with no row is "not known".
    """

    __tablename__ = "tip_placements"
    __table_args__ = (
        one_of("tier", TIERS, "ck_tip_placements_tier"),
        UniqueConstraint("iso3", "year", "tier", name="uq_tip_placement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166-1 alpha-3 (XKX for Kosovo, ANT for the former Netherlands Antilles).
    iso3: Mapped[str] = mapped_column(String(3), index=True)
    #: The country's name as the shipped data normalise it.
    country: Mapped[str] = mapped_column(String(200))
    #: Year of the report (published each June), not of the period it covers.
    year: Mapped[int] = mapped_column(index=True)
    tier: Mapped[str] = mapped_column(String(20))
    #: Every source that gives this value; "CONFLICT (…)" when another source disagrees.
    source: Mapped[str] = mapped_column(Text, default="")

    @property
    def conflict(self) -> bool:
        return self.source.startswith("CONFLICT")
