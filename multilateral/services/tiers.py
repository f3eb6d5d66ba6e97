"""TIP Report tier placements: which years are on record, a year's placements, one history."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import TIERS, TipPlacement

__all__ = [
    "TierYear",
    "load_placements",
    "parse_tier_filter",
    "tier_history",
    "tier_years",
    "tiers_in",
]


@dataclass(frozen=True, slots=True)
class TierYear:
    year: int
    #: How many countries the data place that year, and in which tiers: a year with only
    #: Watch List and Tier 3 rows is partial (Tier 1 and 2 placements are "not known").
    countries: int
    tiers: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return {"Tier 1", "Tier 2", "Tier 3"} <= set(self.tiers)


def load_placements(paths: list[Path]) -> int:
    """Add the placements in the shipped CSV files that are not stored yet; returns how many.

    Rows are matched on (iso3, year, tier); a changed source is updated in place.
    """
    have = {(p.iso3, p.year, p.tier): p for p in db.session.scalars(db.select(TipPlacement))}
    added = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                if row["tier"] not in TIERS:
                    raise ValueError(f"{path.name}:{line}: unknown tier {row['tier']!r}")
                key = (row["iso3"], int(row["year"]), row["tier"])
                placement = have.get(key)
                if placement is None:
                    placement = TipPlacement(
                        iso3=key[0], year=key[1], tier=key[2], country=row["country"], source=""
                    )
                    db.session.add(placement)
                    have[key] = placement
                    added += 1
                if placement.source != row["source"]:
                    placement.source = row["source"]
                if placement.country != row["country"]:
                    placement.country = row["country"]
    db.session.flush()
    return added


def tier_years() -> list[TierYear]:
    """Every report year with at least one placement on record, newest first."""
    rows = db.session.execute(
        db.select(TipPlacement.year, TipPlacement.tier, TipPlacement.iso3)
    ).all()
    years: dict[int, tuple[set[str], set[str]]] = {}
    for year, tier, iso3 in rows:
        countries, tiers = years.setdefault(year, (set(), set()))
        countries.add(iso3)
        tiers.add(tier)
    return [
        TierYear(year, len(countries), tuple(t for t in TIERS if t in tiers))
        for year, (countries, tiers) in sorted(years.items(), reverse=True)
    ]


def tiers_in(year: int) -> dict[str, list[TipPlacement]]:
    """The placements of one report year by ISO code (two rows where sources conflict)."""
    placements: dict[str, list[TipPlacement]] = {}
    for p in db.session.scalars(db.select(TipPlacement).filter_by(year=year)):
        placements.setdefault(p.iso3, []).append(p)
    return placements


def tier_history(iso3: str) -> list[TipPlacement]:
    return list(
        db.session.scalars(db.select(TipPlacement).filter_by(iso3=iso3).order_by(TipPlacement.year))
    )


def parse_tier_filter(values: list[str]) -> tuple[str, ...]:
    """Tier names from a query string (``tier=Tier 3&tier=Tier 2 Watch List``); 400 if unknown.

    "not known" selects countries the report year does not place.
    """
    chosen = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if part not in (*TIERS, "not known"):
                raise ServiceError(
                    400,
                    "bad-tier",
                    f"tier must be one of {', '.join(TIERS)} or 'not known', not {part!r}.",
                )
            chosen.append(part)
    return tuple(dict.fromkeys(chosen))
