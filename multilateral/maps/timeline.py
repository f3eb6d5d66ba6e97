"""Parties and signatories over time, drawn as a small SVG chart (pure: no Flask, no database).

Two recorded series (parties; signatories that are not yet parties) as step lines told apart by
dash pattern and marker shape as well as colour, and the counts that outside sources reported
at given dates as hollow diamonds, each with its source in a tooltip: where the recorded line
runs below a diamond, the record is missing acts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

__all__ = ["ReportedCount", "SeriesPoint", "render_timeline"]

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 36


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    on: date
    parties: int
    signatories: int


@dataclass(frozen=True, slots=True)
class ReportedCount:
    """A count an outside source gives for a date (e.g. the UN Treaty Collection's)."""

    on: date
    parties: int | None
    signatories: int | None
    source: str


def _x(day: date, start: date, end: date) -> float:
    span = max((end - start).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span


def _y(value: int, top: int) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / max(top, 1)


def _nice_top(value: int) -> int:
    step = 50 if value > 100 else 20 if value > 40 else 10
    return max(step, -(-value // step) * step)


def render_timeline(
    points: Sequence[SeriesPoint], reported: Sequence[ReportedCount] = (), *, title: str
) -> str:
    """The chart as an inline ``<svg>`` element with a title, axes, legend and tooltips."""
    if not points:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 720 40">'
            f"<title>{escape(title)}</title>"
            '<text x="8" y="24">No acts on record.</text></svg>'
        )
    start = date(points[0].on.year, 1, 1)
    end = max(p.on for p in points)
    highest = max(
        [p.parties for p in points]
        + [p.signatories for p in points]
        + [r.parties or 0 for r in reported]
        + [r.signatories or 0 for r in reported]
    )
    top = _nice_top(highest)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{escape(title)}</title>',
        '<g class="axis" font-size="11" fill="#333">',
    ]
    for tick in range(0, top + 1, top // 5 if top >= 50 else 10):
        y = _y(tick, top)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    years = [p.on.year for p in points]
    every = 1 if len(years) <= 12 else 2 if len(years) <= 24 else 5
    for year in years:
        if (year - years[0]) % every:
            continue
        x = _x(date(year, 1, 1), start, end)
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{year}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#333"/></g>'
    )
    for name, colour, dash, marker in (
        ("parties", "#0b4f8a", "", "circle"),
        ("signatories", "#b35900", "6 4", "square"),
    ):
        path = []
        previous_y = None
        for point in points:
            x = _x(point.on, start, end)
            y = _y(getattr(point, name), top)
            if previous_y is None:
                path.append(f"M{_x(start, start, end):.1f},{y:.1f}")
            else:
                path.append(f"V{y:.1f}")
            path.append(f"H{x:.1f}")
            previous_y = y
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<path class="series-{name}" d="{"".join(path)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        for point in points:
            x, y = _x(point.on, start, end), _y(getattr(point, name), top)
            label = escape(f"{getattr(point, name)} {name} on record by {point.on:%d %B %Y}")
            shape = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5"'
                if marker == "circle"
                else f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6"'
            )
            out.append(
                f'{shape} fill="{colour}" data-series="{name}" data-year="{point.on.year}" '
                f'data-count="{getattr(point, name)}"><title>{label}</title>'
                + ("</circle>" if marker == "circle" else "</rect>")
            )
    for count in reported:
        for name, value in (("parties", count.parties), ("signatories", count.signatories)):
            if value is None or count.on < start or count.on > end:
                continue
            x, y = _x(count.on, start, end), _y(value, top)
            label = escape(f"{value} {name} reported for {count.on:%d %B %Y} — {count.source}")
            out.append(
                f'<path class="reported" d="M{x:.1f},{y - 5:.1f}l5,5l-5,5l-5,-5z" fill="#fff" '
                f'stroke="#222" stroke-width="1.5" data-series="reported-{name}" '
                f'data-count="{value}"><title>{label}</title></path>'
            )
    legend_x = WIDTH - RIGHT + 14
    out.append(f'<g class="legend" font-size="12" transform="translate({legend_x},{TOP + 8})">')
    out.append(
        '<line x1="0" x2="22" y1="0" y2="0" stroke="#0b4f8a" stroke-width="2"/>'
        '<circle cx="11" cy="0" r="3.5" fill="#0b4f8a"/>'
        '<text x="28" y="4">Parties on record</text>'
        '<line x1="0" x2="22" y1="22" y2="22" stroke="#b35900" stroke-width="2" '
        'stroke-dasharray="6 4"/><rect x="8" y="19" width="6" height="6" fill="#b35900"/>'
        '<text x="28" y="26">Signed, not party</text>'
    )
    if reported:
        out.append(
            '<path d="M11,39l5,5l-5,5l-5,-5z" fill="#fff" stroke="#222" stroke-width="1.5"/>'
            '<text x="28" y="48">Reported count</text>'
        )
    out.append("</g></svg>")
    return "".join(out)
