"""Build ``multilateral/static/geo/world.json`` from the vendored world-atlas TopoJSON.

Run once when the source geometry changes (the output is committed, the web process never
parses TopoJSON)::

    .venv/bin/python -m multilateral.maps.convert \\
        multilateral/static/geo/source/countries-110m.json \\
        multilateral/static/geo/source/countries-50m.json \\
        multilateral/static/geo/source/tuvalu-10m.json \\
        -o multilateral/static/geo/world.json

The first source gives the shapes; each later source only adds the countries that the
earlier ones lack (the 1:110m file has no Malta, Singapore or Pacific island states).
``--extract 798`` instead writes a TopoJSON holding only the listed numeric ids, which is
how the one-country 1:10m extract for Tuvalu (absent even from 1:50m) was made.

Steps, all in plain Python: decode the quantized, delta-encoded arcs; project them with
Equal Earth into the SVG viewBox; simplify each *arc* once (Douglas–Peucker), so borders
shared by two countries stay identical and no slivers open between them; round to tenths
of a unit; join arcs into rings and rings into a relative SVG path.  See SOURCE.md for the
rules (dots, unlinked features, the crop) this module applies.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry

from multilateral.maps.projection import MAX_X, equal_earth

__all__ = [
    "DOT_AREA",
    "Frame",
    "build_world",
    "cut_antimeridian",
    "cut_polygon",
    "decode_arcs",
    "extract_topology",
    "iso3_for",
    "label_point",
    "main",
    "ring_area",
    "simplify",
    "simplify_indices",
]

Point = tuple[float, float]
IntPoint = tuple[int, int]

GEO_DIR = Path(__file__).resolve().parent.parent / "static" / "geo"
DEFAULT_SOURCES = (
    GEO_DIR / "source" / "countries-110m.json",
    GEO_DIR / "source" / "countries-50m.json",
    GEO_DIR / "source" / "tuvalu-10m.json",
)
DEFAULT_OUTPUT = GEO_DIR / "world.json"

#: Width of the viewBox in SVG user units; the height follows from the crop.
WIDTH = 1000
#: Empty margin around the projected world, in user units.
PAD = 4.0
#: Latitude crop: the northern tip of Greenland is at 83.6°N; south of 60°S there is only
#: Antarctica, which is not drawn (no state, and it would take a fifth of the height).
LAT_MAX = 84.0
LAT_MIN = -60.0
#: Douglas–Peucker tolerance in user units (one unit is about 40 km at the equator).
TOLERANCE = 0.2
#: Projected area (user units²) under which a country also gets a clickable dot: about
#: 12,000 km², i.e. smaller than about a 3 × 3 px square at the default scale.
DOT_AREA = 10.0
#: Features without an ISO 3166-1 numeric code that still have a well-known code.
NAME_CODES = {"Kosovo": "XKX"}
#: Features never drawn.
SKIP = {"ATA"}


@dataclass(frozen=True, slots=True)
class Frame:
    """Maps longitude/latitude to viewBox user units (x right, y down)."""

    scale: float
    top: float  # projected y of LAT_MAX
    width: int
    height: int

    @classmethod
    def default(cls) -> Frame:
        scale = (WIDTH - 2 * PAD) / (2 * MAX_X)
        top = equal_earth(0.0, LAT_MAX)[1]
        bottom = equal_earth(0.0, LAT_MIN)[1]
        return cls(scale, top, WIDTH, math.ceil((top - bottom) * scale + 2 * PAD))

    def to_view(self, lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat)
        return (x + MAX_X) * self.scale + PAD, (self.top - y) * self.scale + PAD


# --- TopoJSON -------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute longitude/latitude for every arc (undoing quantization and delta coding)."""
    transform = topology.get("transform")
    out: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        qx = qy = 0
        points: list[Point] = []
        for p in arc:
            qx += p[0]
            qy += p[1]
            points.append((qx * sx + tx, qy * sy + ty))
        out.append(points)
    return out


def iso3_for(geometry: dict[str, Any]) -> str | None:
    """ISO 3166-1 alpha-3 code of a world-atlas feature, from its numeric ``id``."""
    numeric = geometry.get("id")
    if numeric is None:
        return NAME_CODES.get(geometry.get("properties", {}).get("name", ""))
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return country.alpha_3 if country is not None else None


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """Arc-index rings of a (Multi)Polygon, as a list of polygons."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def extract_topology(topology: dict[str, Any], ids: Iterable[str]) -> dict[str, Any]:
    """A TopoJSON holding only the ``countries`` with these numeric ids and their arcs."""
    wanted = {str(i).zfill(3) for i in ids}
    chosen = [
        g for g in topology["objects"]["countries"]["geometries"] if str(g.get("id")) in wanted
    ]
    remap: dict[int, int] = {}
    arcs: list[Any] = []

    def renumber(index: int) -> int:
        old = index if index >= 0 else ~index
        if old not in remap:
            remap[old] = len(arcs)
            arcs.append(topology["arcs"][old])
        return remap[old] if index >= 0 else ~remap[old]

    geometries = []
    for g in chosen:
        polys = [[[renumber(i) for i in ring] for ring in poly] for poly in polygons_of(g)]
        arcs_field = polys[0] if g["type"] == "Polygon" else polys
        geometries.append({**g, "arcs": arcs_field})
    out: dict[str, Any] = {"type": "Topology"}
    if "transform" in topology:
        out["transform"] = topology["transform"]
    out["objects"] = {"countries": {"type": "GeometryCollection", "geometries": geometries}}
    out["arcs"] = arcs
    return out


# --- planar geometry ------------------------------------------------------------------


def simplify_indices(points: Sequence[Point], tolerance: float) -> list[int]:
    """Douglas–Peucker with an explicit stack: the indices of the points to keep.  Both
    ends are always kept (arc endpoints are where countries meet, so they must not move)."""
    n = len(points)
    if n < 3:
        return list(range(n))
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        worst, worst_d2 = -1, tol2
        for i in range(first + 1, last):
            px, py = points[i]
            if seg2 == 0.0:  # closed arc: distance to the single end point
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d2 = cross * cross / seg2
            if d2 > worst_d2:
                worst, worst_d2 = i, d2
        if worst >= 0:
            keep[worst] = True
            stack.append((first, worst))
            stack.append((worst, last))
    return [i for i, k in enumerate(keep) if k]


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The points that :func:`simplify_indices` keeps."""
    return [points[i] for i in simplify_indices(points, tolerance)]


def ring_area(ring: Sequence[Point]) -> float:
    """Signed shoelace area (the sign depends on the winding)."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x0 * y1 - x1 * y0
    return total / 2.0


def _centroid(ring: Sequence[Point]) -> Point:
    a = ring_area(ring)
    if abs(a) < 1e-12:
        xs, ys = zip(*ring, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        f = x0 * y1 - x1 * y0
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
    return cx / (6.0 * a), cy / (6.0 * a)


def _crossings(rings: Sequence[Sequence[Point]], y: float) -> list[float]:
    xs: list[float] = []
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    return xs


def _inside(rings: Sequence[Sequence[Point]], x: float, y: float) -> bool:
    return sum(1 for cx in _crossings(rings, y) if cx < x) % 2 == 1


def label_point(rings: Sequence[Sequence[Point]]) -> Point:
    """A point inside a polygon (outer ring first, then holes): the centroid of the outer
    ring when it falls inside, else the middle of the widest horizontal run through it."""
    outer = rings[0]
    cx, cy = _centroid(outer)
    if _inside(rings, cx, cy):
        return cx, cy
    ys = [p[1] for p in outer]
    lo, hi = min(ys), max(ys)
    best: tuple[float, Point] = (-1.0, (cx, cy))
    for y in (cy, *(lo + (hi - lo) * k / 8 for k in range(1, 8))):
        xs = _crossings(rings, y)
        for a, b in zip(xs[::2], xs[1::2], strict=False):
            if b - a > best[0]:
                best = (b - a, ((a + b) / 2, y))
    return best[1]


# --- the antimeridian -----------------------------------------------------------------
# world-atlas 2 rings are spherical: Fiji's and Chukotka's rings cross ±180° (an edge from
# 179.4° to -180°).  On a flat map such an edge would run across the whole world, so those
# rings are unwrapped into one continuous longitude range and cut at ±180° into pieces.


def _jumps(ring: Sequence[Point]) -> bool:
    return any(abs(p[0] - q[0]) > 180.0 for p, q in zip(ring, [*ring[1:], ring[0]], strict=True))


def _unwrap(ring: Sequence[Point]) -> list[Point]:
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        while lon - prev > 180.0:
            lon -= 360.0
        while lon - prev < -180.0:
            lon += 360.0
        out.append((lon, lat))
    return out


def _meridian_cross(p: Point, q: Point, lon: float) -> Point:
    a, b = sorted((p, q))  # the same point whichever way a shared edge is walked
    t = (lon - a[0]) / (b[0] - a[0])
    return lon, a[1] + t * (b[1] - a[1])


def _clip_side(ring: Sequence[Point], lon: float, keep_west: bool) -> list[Point]:
    """Sutherland–Hodgman against one meridian (a convex half-plane)."""

    def inside(p: Point) -> bool:
        return p[0] <= lon if keep_west else p[0] >= lon

    out: list[Point] = []
    for p, q in zip(ring, [*ring[1:], ring[0]], strict=True):
        if inside(p):
            out.append(p)
            if not inside(q):
                out.append(_meridian_cross(p, q, lon))
        elif inside(q):
            out.append(_meridian_cross(p, q, lon))
    return out


def cut_antimeridian(ring: Sequence[Point]) -> list[list[Point]]:
    """The pieces of a lon/lat ring that lie in [-180°, 180°] (the ring itself if it does
    not cross the antimeridian)."""
    if not _jumps(ring):
        return [list(ring)]
    flat = _unwrap(ring)
    lons = [p[0] for p in flat]
    pieces: list[list[Point]] = []
    for shift in (-360.0, 0.0, 360.0):
        if max(lons) + shift <= -180.0 or min(lons) + shift >= 180.0:
            continue
        moved = [(lon + shift, lat) for lon, lat in flat]
        piece = _clip_side(_clip_side(moved, 180.0, True), -180.0, False)
        if len(piece) >= 3 and abs(ring_area(piece)) > 0.0:
            pieces.append(piece)
    return pieces


def cut_polygon(rings: Sequence[Sequence[Point]]) -> list[list[list[Point]]]:
    """A lon/lat polygon (outer ring, then holes) as one or more polygons, cut at ±180°."""
    if not any(_jumps(r) for r in rings):
        return [[list(r) for r in rings]]
    polygons = [[piece] for piece in cut_antimeridian(rings[0])]
    for hole in rings[1:]:
        for piece in cut_antimeridian(hole):
            for polygon in polygons:
                if _inside(polygon[:1], *piece[0]):
                    polygon.append(piece)
                    break
    return polygons


# --- SVG path text --------------------------------------------------------------------


def _tenths(v: int) -> str:
    """A coordinate kept in tenths as the shortest decimal text: 15 → "1.5", -5 → "-.5"."""
    q, r = divmod(abs(v), 10)
    body = (str(q) if q else "") + (f".{r}" if r else "") if (q or r) else "0"
    return "-" + body if v < 0 else body


def _join(numbers: Iterable[int]) -> str:
    out: list[str] = []
    for n in numbers:
        text = _tenths(n)
        if out and not text.startswith("-"):
            out.append(" ")
        out.append(text)
    return "".join(out)


def path_d(rings: Iterable[Sequence[IntPoint]]) -> str:
    """Closed subpaths, absolute move then relative lines, coordinates in tenths."""
    parts: list[str] = []
    for ring in rings:
        x0, y0 = ring[0]
        deltas: list[int] = []
        px, py = x0, y0
        for x, y in ring[1:]:
            deltas += (x - px, y - py)
            px, py = x, y
        parts.append(f"M{_join((x0, y0))}l{_join(deltas)}z")
    return "".join(parts)


def _clean(ring: Iterable[IntPoint]) -> list[IntPoint]:
    out: list[IntPoint] = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


# --- world.json -----------------------------------------------------------------------


def _assemble(ring: Sequence[int], arcs: Sequence[Sequence[Any]]) -> list[Any]:
    points: list[Any] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def _r1(v: float) -> float:
    return round(v, 1)


def _simplify_arc(arc: Sequence[Point], frame: Frame) -> list[Point]:
    """Simplify an arc in map units; an antimeridian jump splits it into runs simplified
    separately, so the two points on either side of the jump stay for the cut."""
    projected = [frame.to_view(lon, lat) for lon, lat in arc]
    tolerance = TOLERANCE
    if arc[0] == arc[-1]:  # a whole island: a small one keeps its outline, not a line
        xs, ys = zip(*projected, strict=True)
        tolerance = min(tolerance, 0.15 * max(max(xs) - min(xs), max(ys) - min(ys)))
    starts = [0, *(i + 1 for i in range(len(arc) - 1) if abs(arc[i][0] - arc[i + 1][0]) > 180)]
    kept: list[int] = []
    for a, b in zip(starts, [*starts[1:], len(arc)], strict=True):
        kept += (a + i for i in simplify_indices(projected[a:b], tolerance))
    return [arc[i] for i in kept]


def _project(
    polygons: Sequence[Sequence[Sequence[Point]]], frame: Frame
) -> list[list[list[Point]]]:
    return [[[frame.to_view(lon, lat) for lon, lat in ring] for ring in p] for p in polygons]


def _geometry(
    rings_of: Sequence[Sequence[int]] | Any, arcs: Sequence[Sequence[Point]]
) -> list[list[list[Point]]]:
    """Lon/lat polygons of one feature, assembled from arcs and cut at the antimeridian."""
    out: list[list[list[Point]]] = []
    for polygon in rings_of:
        out.extend(cut_polygon([_assemble(ring, arcs) for ring in polygon]))
    return out


def build_world(
    topologies: Sequence[dict[str, Any]], labels: Sequence[str], frame: Frame | None = None
) -> dict[str, Any]:
    """The world.json document from the sources, first source first (see module doc)."""
    frame = frame or Frame.default()
    countries: dict[str, dict[str, Any]] = {}
    unlinked: list[dict[str, Any]] = []
    for source_no, (topology, label) in enumerate(zip(topologies, labels, strict=True)):
        lonlat = decode_arcs(topology)
        simple = [_simplify_arc(arc, frame) for arc in lonlat]
        for geometry in topology["objects"]["countries"]["geometries"]:
            polygons = polygons_of(geometry)
            if not polygons:
                continue
            name = geometry.get("properties", {}).get("name", "")
            iso3 = iso3_for(geometry)
            if iso3 in SKIP or (iso3 is not None and iso3 in countries):
                continue
            if iso3 is None and source_no > 0:
                continue  # the first source already had it (or it is not a country)
            exact = _project(_geometry(polygons, lonlat), frame)
            rings: list[list[IntPoint]] = []
            for poly in _project(_geometry(polygons, simple), frame):
                drawn = [_clean((round(x * 10), round(y * 10)) for x, y in r) for r in poly]
                if len(drawn[0]) >= 3:  # an outer ring that rounding collapsed takes its holes
                    rings.extend(r for r in drawn if len(r) >= 3)
            d = path_d(rings)
            if iso3 is None:
                unlinked.append({"name": name, "d": d})
                continue
            areas = [abs(ring_area(p[0])) - sum(abs(ring_area(h)) for h in p[1:]) for p in exact]
            largest = exact[max(range(len(exact)), key=areas.__getitem__)]
            lx, ly = label_point(largest)
            xs = [x for p in exact for x, _ in p[0]]
            ys = [y for p in exact for _, y in p[0]]
            area = sum(areas)
            entry: dict[str, Any] = {
                "name": name,
                "numeric": geometry.get("id"),
                "source": label,
                "d": d,
                "label": [_r1(lx), _r1(ly)],
                "area": round(area, 3),
                "bbox": [_r1(min(xs)), _r1(min(ys)), _r1(max(xs)), _r1(max(ys))],
            }
            if area < DOT_AREA or not d or source_no > 0:
                entry["dot"] = [_r1(lx), _r1(ly)]
            countries[iso3] = entry
    return {
        "about": (
            "Natural Earth (public domain) via world-atlas (ISC); Equal Earth projection. "
            "Generated by multilateral/maps/convert.py, see SOURCE.md."
        ),
        "projection": "equal-earth",
        "width": frame.width,
        "height": frame.height,
        "viewBox": [0, 0, frame.width, frame.height],
        "transform": {
            "scale": frame.scale,
            "top": frame.top,
            "pad": PAD,
            "maxX": MAX_X,
            "lat": [LAT_MIN, LAT_MAX],
        },
        "dotArea": DOT_AREA,
        "sphere": _sphere(frame),
        "countries": dict(sorted(countries.items())),
        "unlinked": unlinked,
    }


def _sphere(frame: Frame) -> str:
    """Outline of the cropped globe: the ±180° meridians joined by the crop latitudes."""
    lats = [LAT_MIN + (LAT_MAX - LAT_MIN) * i / 72 for i in range(73)]
    west = [frame.to_view(-180.0, lat) for lat in lats]
    east = [frame.to_view(180.0, lat) for lat in reversed(lats)]
    ring = simplify([*west, *east], TOLERANCE)
    return path_d([_clean((round(x * 10), round(y * 10)) for x, y in ring)])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: sources in priority order, ``-o`` output; or ``--extract IDS``."""
    parser = argparse.ArgumentParser(
        prog="python -m multilateral.maps.convert", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "sources",
        nargs="*",
        type=Path,
        default=list(DEFAULT_SOURCES),
        help="world-atlas TopoJSON files, most detailed shapes last (default: the vendored ones)",
    )
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--extract",
        metavar="IDS",
        help="comma-separated numeric ids: write a TopoJSON with only these from the "
        "single source instead of building world.json",
    )
    args = parser.parse_args(argv)
    topologies = [json.loads(p.read_text(encoding="utf-8")) for p in args.sources]
    if args.extract:
        if len(topologies) != 1:
            parser.error("--extract takes exactly one source")
        subset = extract_topology(topologies[0], args.extract.split(","))
        args.output.write_text(json.dumps(subset, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {args.output}: {len(subset['objects']['countries']['geometries'])} ids")
        return 0
    world = build_world(topologies, [p.stem.rsplit("-", 1)[-1] for p in args.sources])
    text = json.dumps(world, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    dots = sum("dot" in c for c in world["countries"].values())
    print(
        f"wrote {args.output}: {len(text.encode()):,} bytes, {len(world['countries'])} "
        f"countries ({dots} with a dot), {len(world['unlinked'])} unlinked"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
