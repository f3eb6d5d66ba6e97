"""The server-side world map: the vendored geometry (world.json) covers every state, the
converter is reproducible, and the SVG is well-formed, accessible and styled per category.

Pure tests: no app, no database (the map package imports neither)."""

from __future__ import annotations

import csv
import itertools
import math
import re
import statistics
import time
from pathlib import Path

import pycountry
import pytest
from lxml import etree

from multilateral.maps import (
    MapCategory,
    MapCountry,
    convert,
    render_png,
    render_world_map,
    worldmap,
)
from multilateral.maps.projection import MAX_X, MAX_Y, equal_earth

ROOT = Path(__file__).resolve().parent.parent
STATES_CSV = ROOT / "multilateral" / "seed" / "states.csv"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
KEYS = ("party", "signatory", "participant", "non-party", "not-known", "outside")
NUMBER = re.compile(r"[A-Za-z]|-?(?:\d+(?:\.\d*)?|\.\d+)")


def _states() -> list[dict[str, str]]:
    with STATES_CSV.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["iso3"] != "EU"]


def _all_states() -> tuple[list[MapCountry], list[MapCategory]]:
    """Every state, cycling through the categories, with labels that need escaping."""
    countries = [
        MapCountry(row["iso3"], KEYS[i % len(KEYS)], row["name"], f"/countries/{row['iso3']}")
        for i, row in enumerate(_states())
    ]
    categories = [
        MapCategory(key, f"{key} <{sum(c.category == key for c in countries)}> & co")
        for key in KEYS
    ]
    return countries, categories


def _parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Absolute points of each subpath of a path written as ``M x y l dx dy … z``."""
    tokens = NUMBER.findall(d)
    rings: list[list[tuple[float, float]]] = []
    i, cmd = 0, ""
    x = y = 0.0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd == "z":
                continue
        assert cmd in "Ml", f"unexpected path command {cmd!r}"
        a, b = float(tokens[i]), float(tokens[i + 1])
        i += 2
        if cmd == "M":
            x, y = a, b
            rings.append([(x, y)])
        else:
            x, y = x + a, y + b
            rings[-1].append((x, y))
    assert d.count("M") == d.count("z") == len(rings)
    return rings


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _country_elements(root: etree._Element) -> dict[str, etree._Element]:
    return {el.get("data-iso3"): el for el in root.iter() if el.get("data-iso3") is not None}


# --- world.json ------------------------------------------------------------------------


def test_every_state_is_drawn_as_a_shape_or_a_dot():
    countries = worldmap.world()["countries"]
    states = _states()
    assert len(states) == 196  # 193 UN members, the Holy See, Palestine, the Cook Islands
    missing = [s["iso3"] for s in states if s["iso3"] not in countries]
    assert missing == []
    blank = [
        s["iso3"]
        for s in states
        if not countries[s["iso3"]]["d"] and "dot" not in countries[s["iso3"]]
    ]
    assert blank == []
    assert "EU" not in countries


@pytest.mark.parametrize("iso3", ["TUV", "NRU", "MCO", "SMR", "VAT", "LIE", "MLT"])
def test_small_states_have_dots(iso3):
    shape = worldmap.world()["countries"][iso3]
    w, h = worldmap.world()["width"], worldmap.world()["height"]
    x, y = shape["dot"]
    assert 0 < x < w and 0 < y < h
    assert shape["area"] < convert.DOT_AREA


def test_dot_rule_follows_the_area_threshold():
    for iso3, shape in worldmap.world()["countries"].items():
        if shape["area"] < convert.DOT_AREA or not shape["d"] or shape["source"] != "110m":
            assert "dot" in shape, iso3
        else:
            assert "dot" not in shape, iso3


def test_ids_are_iso_alpha3():
    countries = worldmap.world()["countries"]
    bad = [k for k in countries if k != "XKX" and pycountry.countries.get(alpha_3=k) is None]
    assert bad == []
    assert "XKX" in countries  # Kosovo has no numeric id in world-atlas
    assert "ATA" not in countries  # Antarctica is cropped away
    assert {f["name"] for f in worldmap.world()["unlinked"]} == {"N. Cyprus", "Somaliland"}


def test_world_json_is_small():
    assert worldmap.WORLD_JSON.stat().st_size < 300_000


def test_paths_are_closed_and_inside_the_viewbox():
    geo = worldmap.world()
    w, h = geo["width"], geo["height"]
    features = [*geo["countries"].values(), *geo["unlinked"], {"d": geo["sphere"]}]
    for feature in features:
        for ring in _subpaths(feature["d"]):
            assert len(ring) >= 3
            x0, y0, x1, y1 = _bbox(ring)
            assert -0.1 <= x0 and x1 <= w + 0.1 and -0.1 <= y0 and y1 <= h + 0.1, feature.get(
                "name"
            )


def _inside(rings: list[list[tuple[float, float]]], x: float, y: float) -> bool:
    crossings = 0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def test_label_points_lie_inside_their_country():
    for iso3, shape in worldmap.world()["countries"].items():
        if shape["area"] >= convert.DOT_AREA:
            assert _inside(_subpaths(shape["d"]), *shape["label"]), iso3


def test_converter_reproduces_the_committed_world_json(tmp_path):
    out = tmp_path / "world.json"
    assert convert.main(["-o", str(out)]) == 0
    assert out.read_bytes() == worldmap.WORLD_JSON.read_bytes()


# --- converter pieces on small made-up input --------------------------------------------


def test_decode_arcs_undoes_quantization_and_deltas():
    topo = {
        "transform": {"scale": [0.5, 2.0], "translate": [10, -5]},
        "arcs": [[[2, 3], [1, -1], [-3, 0]]],
    }
    assert convert.decode_arcs(topo) == [[(11.0, 1.0), (11.5, -1.0), (10.0, -1.0)]]


def test_cut_antimeridian_splits_a_ring_without_losing_area():
    # A box from 170°E eastwards to -170° (= 190°E), written as a spherical ring would be.
    ring = [(170.0, -10.0), (-170.0, -10.0), (-170.0, 10.0), (170.0, 10.0), (170.0, -10.0)]
    pieces = convert.cut_antimeridian(ring)
    assert len(pieces) == 2
    spans = sorted(_bbox(p)[::2] for p in pieces)
    assert spans == [(-180.0, -170.0), (170.0, 180.0)]
    assert sum(abs(convert.ring_area(p)) for p in pieces) == pytest.approx(400.0)
    # Not crossing: unchanged.
    assert convert.cut_antimeridian([(0, 0), (1, 0), (1, 1)]) == [[(0, 0), (1, 0), (1, 1)]]


def test_simplify_keeps_ends_and_far_points():
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]
    assert convert.simplify(line, 0.1) == [(0.0, 0.0), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]


def test_build_world_on_a_tiny_topology():
    topo = {
        "type": "Topology",
        "arcs": [[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "250", "properties": {"name": "F"}},
                    {"type": "Polygon", "arcs": [[~0]], "properties": {"name": "Nowhere"}},
                ],
            }
        },
    }
    world = convert.build_world([topo], ["test"])
    assert list(world["countries"]) == ["FRA"]
    france = world["countries"]["FRA"]
    x, y = france["label"]
    x0, y0, x1, y1 = france["bbox"]
    assert x0 < x < x1 and y0 < y < y1
    assert france["area"] > convert.DOT_AREA and "dot" not in france
    assert world["unlinked"][0]["name"] == "Nowhere"


# --- projection --------------------------------------------------------------------------


def test_projection_centre_and_monotone_in_longitude():
    assert equal_earth(0.0, 0.0) == (0.0, 0.0)
    frame = convert.Frame.default()
    assert frame.to_view(0.0, 0.0)[0] == pytest.approx(frame.width / 2)
    assert (
        equal_earth(180.0, 0.0)[0]
        == pytest.approx(MAX_X)
        == pytest.approx(-equal_earth(-180.0, 0.0)[0])
    )
    assert equal_earth(0.0, 90.0)[1] == pytest.approx(MAX_Y)
    for lat in (-60.0, -20.0, 0.0, 35.0, 84.0):
        xs = [equal_earth(lon, lat)[0] for lon in range(-180, 181, 5)]
        assert all(a < b for a, b in itertools.pairwise(xs))
        assert len({round(equal_earth(lon, lat)[1], 12) for lon in range(-180, 181, 30)}) == 1
    ys = [equal_earth(0.0, lat)[1] for lat in range(-90, 91, 5)]
    assert all(a < b for a, b in itertools.pairwise(ys))


def test_projection_is_equal_area():
    """A lat/lon cell keeps its area on the unit sphere: Δλ · (sin φ2 − sin φ1)."""
    for lon0, lat0, lon1, lat1 in [(0, 0, 10, 10), (100, 50, 130, 70), (-180, -60, -150, -30)]:
        n = 200
        edge = [(lon0 + (lon1 - lon0) * i / n, lat0) for i in range(n)]
        edge += [(lon1, lat0 + (lat1 - lat0) * i / n) for i in range(n)]
        edge += [(lon1 - (lon1 - lon0) * i / n, lat1) for i in range(n)]
        edge += [(lon0, lat1 - (lat1 - lat0) * i / n) for i in range(n)]
        projected = convert.ring_area([equal_earth(lon, lat) for lon, lat in edge])
        sphere = math.radians(lon1 - lon0) * (
            math.sin(math.radians(lat1)) - math.sin(math.radians(lat0))
        )
        assert abs(projected) == pytest.approx(sphere, rel=2e-3)


# --- the rendered SVG -----------------------------------------------------------------------


def test_svg_parses_and_is_labelled():
    countries, categories = _all_states()
    for standalone in (False, True):
        svg = render_world_map(
            countries, categories, title="Palermo <Protocol>", standalone=standalone
        )
        assert svg.startswith("<?xml") is standalone
        root = _parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "group"  # its countries are links
        assert (
            root.get("viewBox") == f"0 0 {worldmap.world()['width']} {worldmap.world()['height']}"
        )
        assert (root.get("width") is not None) is standalone
        assert "xmlns:xlink" in svg and 'xmlns="http://www.w3.org/2000/svg"' in svg
        ids = root.get("aria-labelledby").split()
        assert [root.find(f".//*[@id='{i}']").tag for i in ids] == [f"{SVG}title", f"{SVG}desc"]
        assert root.find(f"{SVG}title").text == "Palermo <Protocol>"
        # Inline, the page's CSS styles the map (its CSP allows no inline <style>).
        assert (root.find(f".//{SVG}style") is not None) is standalone


def test_a_map_without_links_is_an_image():
    countries, categories = _all_states()
    unlinked = [MapCountry(c.iso3, c.category, c.title, None) for c in countries]
    linked_once = [*unlinked[1:], countries[0]]
    assert _parse(render_world_map(unlinked, categories, title="T")).get("role") == "img"
    assert _parse(render_world_map(linked_once, categories, title="T")).get("role") == "group"


def test_one_escaped_title_per_country():
    tricky = 'Côte d\'Ivoire <&> "party" since 2002'
    countries = [
        MapCountry("CIV", "party", tricky, "/countries/CIV?a=1&b=2"),
        MapCountry("FRA", "signatory", "France", None),
        MapCountry("EU", "party", "European Union", "/countries/EU"),  # not drawn
    ]
    svg = render_world_map(countries, [MapCategory("party", "Party")], title="t")
    assert "&lt;&amp;&gt; &quot;party&quot;" in svg
    assert "/countries/CIV?a=1&amp;b=2" in svg
    elements = _country_elements(_parse(svg))
    assert sorted(elements) == ["CIV", "FRA"]
    for iso3, el in elements.items():
        titles = el.findall(f"{SVG}title")
        assert len(titles) == 1
        expected = next(c.title for c in countries if c.iso3 == iso3)
        assert titles[0].text == expected


def test_href_and_category_land_on_the_right_country():
    countries, categories = _all_states()
    root = _parse(render_world_map(countries, categories, title="t"))
    elements = _country_elements(root)
    assert len(elements) == len(countries)
    for c in countries:
        el = elements[c.iso3]
        assert el.tag == f"{SVG}a"
        assert el.get("href") == el.get(f"{XLINK}href") == c.href
        assert el.get("data-category") == c.category
        assert f"wm-c-{c.category}" in el.get("class").split()
        assert el.find(f"{SVG}path") is not None or el.find(f"{SVG}circle") is not None


def test_no_link_when_href_is_none_and_neutral_land_for_the_rest():
    root = _parse(render_world_map([MapCountry("FRA", "party", "France", None)], [], title="t"))
    france = _country_elements(root)["FRA"]
    assert france.tag == f"{SVG}g" and root.find(f".//{SVG}a") is None
    # Every other feature is drawn once, as plain land without a title.
    geo = worldmap.world()
    drawn = [p for p in root.iter(f"{SVG}path") if p.getparent().get("fill") == worldmap.LAND]
    expected = sum(1 for k, v in geo["countries"].items() if k != "FRA" and v["d"])
    assert len(drawn) == expected + len(geo["unlinked"])


def test_legend_lists_every_label_with_its_fill():
    countries, categories = _all_states()
    root = _parse(render_world_map(countries, categories, title="t"))
    legend = root.find(f".//{SVG}g[@class='wm-legend']")
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts[: len(categories)] == [k.label for k in categories]
    swatches = legend.findall(f"{SVG}rect")[1:]  # the first rect is the background
    elements = _country_elements(root)
    for category, swatch in zip(categories, swatches, strict=True):
        example = next(c for c in countries if c.category == category.key)
        shape = elements[example.iso3].find(f"{SVG}path")
        shape = shape if shape is not None else elements[example.iso3].find(f"{SVG}circle")
        assert swatch.get("fill") == shape.get("fill")


def test_patterns_are_referenced_by_category_fills():
    countries, categories = _all_states()
    countries.append(MapCountry("GRL", "mystery", "Greenland", None))  # an unknown key
    root = _parse(render_world_map(countries, categories, title="t"))
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    elements = _country_elements(root)
    fills: dict[str, str] = {}
    for c in countries:
        shape = elements[c.iso3].find(f"{SVG}path")
        shape = shape if shape is not None else elements[c.iso3].find(f"{SVG}circle")
        fills.setdefault(c.category, shape.get("fill"))
        assert shape.get("fill") == fills[c.category]
    assert len(set(fills.values())) == len(fills)  # categories never share a fill
    for key, fill in fills.items():
        style = worldmap.category_style(key)
        if style.pattern == "none":
            assert fill == style.fill
            continue
        m = re.fullmatch(r"url\(#([\w-]+)\)", fill)
        assert m, (key, fill)
        pattern = patterns[m.group(1)]
        assert pattern.find(f"{SVG}rect").get("fill") == style.fill
        assert len(pattern) >= 2  # the base colour plus its marks
    assert worldmap.category_style("mystery") == worldmap.FALLBACK
    # Only the two extremes (party, outside) are plain colours; the rest carry a pattern.
    assert [k for k in KEYS if worldmap.STYLES[k].pattern == "none"] == ["party", "outside"]


def _grey(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_plain_fills_are_apart_in_grey_scale():
    greys = sorted(_grey(c) for c in [worldmap.LAND, *(worldmap.STYLES[k].fill for k in KEYS)])
    assert min(b - a for a, b in itertools.pairwise(greys)) >= 10


def test_legend_hides_no_land_and_no_dot():
    countries, categories = _all_states()
    root = _parse(render_world_map(countries, categories, title="t"))
    legend = root.find(f".//{SVG}g[@class='wm-legend']")
    tx, ty = map(float, re.findall(r"[\d.]+", legend.get("transform")))
    box = legend.find(f"{SVG}rect")
    lx0, ly0 = tx, ty
    lx1, ly1 = tx + float(box.get("width")), ty + float(box.get("height"))
    geo = worldmap.world()
    for feature in [*geo["countries"].values(), *geo["unlinked"]]:
        for ring in _subpaths(feature["d"]):
            x0, y0, x1, y1 = _bbox(ring)
            assert x1 < lx0 or x0 > lx1 or y1 < ly0 or y0 > ly1, feature["name"]
    for circle in root.find(f".//{SVG}g[@class='wm-countries']").iter(f"{SVG}circle"):
        cx, cy, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
        assert cx + r < lx0 or cx - r > lx1 or cy + r < ly0 or cy - r > ly1


def test_dots_are_big_enough_and_do_not_overlap():
    countries, categories = _all_states()
    root = _parse(render_world_map(countries, categories, title="t"))
    circles = []
    for iso3, el in _country_elements(root).items():
        circle = el.find(f"{SVG}circle")
        if circle is not None:
            circles.append((iso3, float(circle.get("cx")), float(circle.get("cy"))))
            assert float(circle.get("r")) >= 3 and circle.get("stroke")
    assert len(circles) >= 30
    for (a, ax, ay), (b, bx, by) in itertools.combinations(circles, 2):
        assert math.hypot(ax - bx, ay - by) >= 2 * worldmap.DOT_RADIUS, (a, b)


def test_a_country_given_twice_is_an_error():
    twice = [MapCountry("FRA", "party", "a", None), MapCountry("FRA", "outside", "b", None)]
    with pytest.raises(ValueError, match="FRA"):
        render_world_map(twice, [], title="t")


def test_control_characters_are_dropped():
    svg = render_world_map([MapCountry("FRA", "party", "bell\x07", None)], [], title="t\x00")
    assert _country_elements(_parse(svg))["FRA"].find(f"{SVG}title").text == "bell"


def test_rendering_every_state_is_fast():
    countries, categories = _all_states()
    render_world_map(countries, categories, title="warm-up")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        render_world_map(countries, categories, title="Palermo", standalone=True)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.1


def test_png_has_signature_and_requested_width():
    countries, categories = _all_states()
    svg = render_world_map(countries, categories, title="Palermo", standalone=True)
    png = render_png(svg, width=640)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    geo = worldmap.world()
    assert width == 640
    assert height == pytest.approx(640 * geo["height"] / geo["width"], abs=1)


def test_world_json_matches_states_csv_names_loosely():
    """A cheap guard against a wrong numeric→alpha-3 mapping: the world-atlas name and the
    states.csv name share a word for most states."""
    countries = worldmap.world()["countries"]
    words = re.compile(r"[a-z]{4,}")
    mismatched = []
    for row in _states():
        ours = set(words.findall(row["name"].lower()))
        theirs = set(words.findall(countries[row["iso3"]]["name"].lower()))
        if ours and theirs and not ours & theirs:
            mismatched.append((row["iso3"], row["name"], countries[row["iso3"]]["name"]))
    assert len(mismatched) <= 12, mismatched
