"""World maps drawn on the server as SVG (and PNG), from vendored Natural Earth geometry.

Pure package: no Flask and no database, so it can be used from views, the CLI and tests
alike.  ``convert`` builds ``static/geo/world.json`` from the TopoJSON sources once;
``worldmap`` renders from that file.
"""

from multilateral.maps.worldmap import MapCategory, MapCountry, render_png, render_world_map

__all__ = ["MapCategory", "MapCountry", "render_png", "render_world_map"]
