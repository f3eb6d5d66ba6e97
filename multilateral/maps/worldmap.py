"""Server-side choropleth world map as one SVG string.

Pure: no Flask, no database.  The geometry is ``static/geo/world.json`` (Natural Earth in
the Equal Earth projection, built by :mod:`multilateral.maps.convert`), read once per
process.  A view turns its rows into :class:`MapCountry` values and calls
:func:`render_world_map`; the same SVG goes inline into a page, or, standalone, to a file
or through :func:`render_png`.

Styling does not rest on colour alone: every category has a fill whose grey value differs
from the others and, except the two extremes, a pattern (hatching, dots, cross-hatching).
Fills are presentation attributes, so the map looks the same without a ``<style>`` and in
CairoSVG. Only a standalone map carries one (hover and focus outlines); inline in a page the
same rules come from the site's CSS, since the page's Content-Security-Policy allows no
inline style.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DOT_RADIUS",
    "WORLD_JSON",
    "MapCategory",
    "MapCountry",
    "Style",
    "category_style",
    "dot_positions",
    "render_png",
    "render_world_map",
    "world",
]

WORLD_JSON = Path(__file__).resolve().parent.parent / "static" / "geo" / "world.json"

#: Radius of the dot that marks a small state, in viewBox units (1 unit = 1 px when the
#: map is shown at its natural 1000 px width).
DOT_RADIUS = 3.0


@dataclass(frozen=True, slots=True)
class MapCategory:
    """One legend entry; ``key`` selects the style (see :data:`STYLES`)."""

    key: str  #: e.g. "party", "signatory", "participant", "non-party", "not-known", "outside"
    label: str  #: legend text, e.g. "Party (151)"


@dataclass(frozen=True, slots=True)
class MapCountry:
    """One country to colour; countries not passed are drawn as plain land."""

    iso3: str
    category: str  #: a MapCategory.key
    title: str  #: tooltip text, e.g. "France — party since 29 October 2002"
    href: str | None  #: link target, e.g. "/countries/FRA"; None draws no link


@dataclass(frozen=True, slots=True)
class Style:
    """Fill of a category: base colour, mark colour and the pattern drawn over it."""

    fill: str
    ink: str
    pattern: str  #: "none", "hatch", "back-hatch", "dots", "cross", "lines"


#: Base colours follow viridis (colour-blind safe) with grey values kept apart: party ≈ 82,
#: participant ≈ 111, signatory ≈ 157, not-known ≈ 189, non-party ≈ 215, plain land ≈ 226,
#: outside ≈ 247 (out of 255); the patterns make each category recognisable in grey-scale
#: print and for any colour vision without relying on the colour at all.
STYLES: dict[str, Style] = {
    "party": Style("#3b528b", "#ffffff", "none"),
    "participant": Style("#21918c", "#ffffff", "dots"),
    "signatory": Style("#5ec962", "#1d4a2a", "hatch"),
    "non-party": Style("#fde725", "#5c5200", "cross"),
    "not-known": Style("#bdbdbd", "#5e5e5e", "back-hatch"),
    "outside": Style("#f7f7f4", "#f7f7f4", "none"),
}
#: For category keys not in STYLES.
FALLBACK = Style("#a0a0a0", "#4d4d4d", "lines")

OCEAN = "#e6eff6"
LAND = "#e2e2e2"  #: countries that were not passed in
BORDER = "#7f7f7f"
TILE = 6  #: pattern tile size in user units

_MARKS = {
    "hatch": '<path d="M0 6L6 0M-1.5 1.5l3-3M4.5 7.5l3-3" stroke="{ink}" stroke-width="1.2"/>',
    "back-hatch": '<path d="M0 0l6 6M-1.5 4.5l3 3M4.5-1.5l3 3" stroke="{ink}" stroke-width="1"/>',
    "cross": '<path d="M0 6L6 0M-1.5 1.5l3-3M4.5 7.5l3-3M0 0l6 6M-1.5 4.5l3 3M4.5-1.5l3 3" '
    'stroke="{ink}" stroke-width=".7"/>',
    "dots": '<circle cx="3" cy="3" r="1.3" fill="{ink}"/>',
    "lines": '<path d="M0 3h6" stroke="{ink}" stroke-width="1.2"/>',
}

_CSS = (
    ".wm a:hover path,.wm a:focus path{stroke:#000;stroke-width:1.2}"
    ".wm a:hover circle,.wm a:focus circle{stroke:#000;stroke-width:1.5}"
    ".wm a:focus{outline:none}"
)
_FONT = "DejaVu Sans,Verdana,Arial,sans-serif"
#: Characters XML 1.0 forbids even as references; dropped from any text we are given.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def category_style(key: str) -> Style:
    """The fixed style of a category key (the fallback for keys the map does not know)."""
    return STYLES.get(key, FALLBACK)


@functools.cache
def world() -> dict[str, Any]:
    """world.json, parsed once per process."""
    return json.loads(WORLD_JSON.read_text(encoding="utf-8"))


def _esc(text: str) -> str:
    return html.escape(_INVALID_XML.sub("", text), quote=True)


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "x"


def _pattern(pid: str, style: Style) -> str:
    if style.pattern == "none":
        return ""
    marks = _MARKS.get(style.pattern, _MARKS["lines"]).format(ink=style.ink)
    return (
        f'<pattern id="{pid}" width="{TILE}" height="{TILE}" patternUnits="userSpaceOnUse">'
        f'<rect width="{TILE}" height="{TILE}" fill="{style.fill}"/>{marks}</pattern>'
    )


def render_world_map(
    countries: Iterable[MapCountry],
    categories: Sequence[MapCategory],
    *,
    title: str,
    standalone: bool = False,
) -> str:
    """The map as SVG text: one linked, titled shape (and dot, for small states) per
    country given, plain land for the rest, and a legend of ``categories`` in the order
    given.  ``standalone`` adds the XML declaration and a pixel size, for a file or PNG.

    Countries unknown to world.json (e.g. "EU") are skipped; a country given twice is a
    ValueError, since one of the two statuses would silently be lost.
    """
    geo = world()
    shapes: dict[str, dict[str, Any]] = geo["countries"]
    chosen: dict[str, MapCountry] = {}
    for c in countries:
        if c.iso3 in chosen:
            raise ValueError(f"{c.iso3} given twice")
        chosen[c.iso3] = c
    width, height = geo["width"], geo["height"]
    # Ids must be unique in a page that shows several maps: the title's and description's
    # come from the content; a pattern's id names its style, so two maps that both define
    # it define the same thing.
    text = "\n".join([title, *(k.label for k in categories)])
    prefix = (
        "wm" + hashlib.sha1(text.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()[:8]
    )

    keys = list(
        dict.fromkeys([*(k.key for k in categories), *(c.category for c in chosen.values())])
    )
    fills: dict[str, str] = {}
    defs: dict[str, str] = {}
    for key in keys:
        style = category_style(key)
        pid = "wm-pat-" + (_slug(key) if key in STYLES else "other")
        pattern = _pattern(pid, style)
        if pattern:
            defs[pid] = pattern
        fills[key] = f"url(#{pid})" if pattern else style.fill

    out: list[str] = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    size = f' width="{width}" height="{height}"' if standalone else ""
    # An image has no interactive parts for assistive technology: a map whose countries are
    # links is a group of them (named by its title), so each link stays reachable.
    role = "group" if any(c.href is not None for c in chosen.values()) else "img"
    # Inline in a page, the site's CSS (scoped to .wm) styles the map: the page's CSP allows
    # no inline <style>. A standalone file carries its own.
    style = f"<style>{_CSS}</style>" if standalone else ""
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' viewBox="0 0 {width} {height}"{size} class="wm" role="{role}"'
        f' aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{_esc(title)}</title>'
        f'<desc id="{prefix}-desc">{_esc(_description(categories))}</desc>'
        f"<defs>{style}{''.join(defs.values())}</defs>"
        f'<path d="{geo["sphere"]}" fill="{OCEAN}" stroke="#b3c3cf" stroke-width=".8"/>'
    )

    out.append(f'<g fill="{LAND}" stroke="#ffffff" stroke-width=".4" fill-rule="evenodd">')
    for iso3, shape in shapes.items():
        if iso3 not in chosen and shape["d"]:
            out.append(f'<path d="{shape["d"]}"/>')
    for feature in geo["unlinked"]:
        out.append(f'<path d="{feature["d"]}"/>')
    out.append("</g>")

    # Small states (those with a dot) last and smallest on top, so no neighbour hides them.
    drawn = [c for c in chosen.values() if c.iso3 in shapes]
    drawn.sort(key=lambda c: ("dot" in shapes[c.iso3], -shapes[c.iso3]["area"], c.iso3))
    dots = dot_positions(frozenset(c.iso3 for c in drawn if "dot" in shapes[c.iso3]))
    out.append(
        f'<g class="wm-countries" stroke="{BORDER}" stroke-width=".35"'
        f' stroke-linejoin="round" fill-rule="evenodd">'
    )
    for c in drawn:
        out.append(_country(c, shapes[c.iso3], fills[c.category], dots.get(c.iso3)))
    out.append("</g>")
    out.append(_legend(categories, fills, height))
    out.append("</svg>")
    return "".join(out)


def _country(
    c: MapCountry, shape: dict[str, Any], fill: str, dot: tuple[float, float] | None
) -> str:
    attrs = (
        f'class="wm-c wm-c-{_slug(c.category)}" data-iso3="{_esc(c.iso3)}"'
        f' data-category="{_esc(c.category)}"'
    )
    body = [f"<title>{_esc(c.title)}</title>"]
    if shape["d"]:
        body.append(f'<path d="{shape["d"]}" fill="{fill}"/>')
    if dot is not None:
        x, y = dot
        ax, ay = shape["dot"]
        if math.hypot(x - ax, y - ay) > DOT_RADIUS:  # moved off its place: a leader line
            body.append(
                f'<path d="M{ax} {ay}L{x} {y}" fill="none" stroke="#222222" stroke-width=".5"/>'
            )
        body.append(
            f'<circle cx="{x}" cy="{y}" r="{DOT_RADIUS}" fill="{fill}"'
            f' stroke="#222222" stroke-width=".8"/>'
        )
    inner = "".join(body)
    if c.href is None:
        return f"<g {attrs}>{inner}</g>"
    href = _esc(c.href)
    return f'<a href="{href}" xlink:href="{href}" {attrs}>{inner}</a>'


@functools.lru_cache(maxsize=64)
def dot_positions(iso3s: frozenset[str]) -> dict[str, tuple[float, float]]:
    """Where to draw the dots of these countries: at their label points, pushed apart just
    enough that no two overlap (the eight states of the Lesser Antilles would otherwise be
    one blot).  Cached: a page draws the same set of countries again and again."""
    geo = world()
    shapes = geo["countries"]
    codes = sorted(iso3s)
    pos = [list(map(float, shapes[code]["dot"])) for code in codes]
    gap = 2 * DOT_RADIUS + 1.0
    lo, hi = DOT_RADIUS + 1, (geo["width"] - DOT_RADIUS - 1, geo["height"] - DOT_RADIUS - 1)
    for _ in range(200):
        moved = False
        for i in range(len(pos)):
            for j in range(i + 1, len(pos)):
                dx, dy = pos[j][0] - pos[i][0], pos[j][1] - pos[i][1]
                dist = math.hypot(dx, dy)
                if dist >= gap:
                    continue
                if dist < 1e-6:  # same place: split along a fixed direction
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (gap - dist) / 2 + 0.01
                ux, uy = dx / dist * push, dy / dist * push
                pos[i][0] -= ux
                pos[i][1] -= uy
                pos[j][0] += ux
                pos[j][1] += uy
                moved = True
        for p in pos:
            p[0] = min(max(p[0], lo), hi[0])
            p[1] = min(max(p[1], lo), hi[1])
        if not moved:
            break
    return {code: (round(x, 1), round(y, 1)) for code, (x, y) in zip(codes, pos, strict=True)}


def _description(categories: Sequence[MapCategory]) -> str:
    parts = "; ".join(k.label for k in categories)
    return (
        "World map in the Equal Earth projection"
        + (f": {parts}." if parts else ".")
        + " Small states are marked with a dot."
    )


#: Legend geometry, in user units.
_ROW, _SWATCH_W, _SWATCH_H, _FONT_SIZE, _MARGIN = 14, 16, 10, 10, 6


def _legend(categories: Sequence[MapCategory], fills: dict[str, str], height: int) -> str:
    """Lower left, over the South Pacific (no state lies there south of 20°S)."""
    rows = [(fills[k.key], k.label) for k in categories]
    n = len(rows) + 1  # the last row explains the dots
    longest = max([len(label) for _, label in rows] + [len("Small state")])
    w = round(_MARGIN * 2 + _SWATCH_W + 6 + longest * _FONT_SIZE * 0.6)
    h = _MARGIN * 2 + n * _ROW - (_ROW - _SWATCH_H)
    x0, y0 = 5, height - 5 - h
    out = [
        f'<g class="wm-legend" transform="translate({x0} {y0})" font-family="{_FONT}"'
        f' font-size="{_FONT_SIZE}" fill="#1a1a1a">'
        f'<rect width="{w}" height="{h}" rx="3" fill="#ffffff" fill-opacity=".88"'
        f' stroke="#b3b3b3" stroke-width=".6"/>'
    ]
    ty = _MARGIN + _SWATCH_H - 1.5
    tx = _MARGIN + _SWATCH_W + 6
    for i, (fill, label) in enumerate(rows):
        y = _MARGIN + i * _ROW
        out.append(
            f'<rect x="{_MARGIN}" y="{y}" width="{_SWATCH_W}" height="{_SWATCH_H}"'
            f' fill="{fill}" stroke="{BORDER}" stroke-width=".6"/>'
            f'<text x="{tx}" y="{y + ty - _MARGIN}">{_esc(label)}</text>'
        )
    y = _MARGIN + (n - 1) * _ROW
    out.append(
        f'<circle cx="{_MARGIN + _SWATCH_W / 2}" cy="{y + _SWATCH_H / 2}" r="{DOT_RADIUS}"'
        f' fill="#ffffff" stroke="#222222" stroke-width=".8"/>'
        f'<text x="{tx}" y="{y + ty - _MARGIN}">Small state</text>'
    )
    out.append("</g>")
    return "".join(out)


def render_png(svg: str, width: int = 2000) -> bytes:
    """PNG of a standalone map, ``width`` pixels wide (height keeps the aspect ratio), for
    downloads and documents where SVG is not accepted."""
    import cairosvg  # here, not at the top: it loads libcairo, which only PNG export needs

    return cairosvg.svg2png(
        bytestring=svg.encode("utf-8"), output_width=width, background_color="#ffffff"
    )
