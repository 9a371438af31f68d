"""Which département or country holds a point: turns a map click into a filter."""

from __future__ import annotations

from functools import cache

import shapely
from shapely import STRtree

from atlas.reference import loaders


@cache
def _index(name: str) -> tuple[STRtree, list[str]]:
    shapes = loaders.read_shapes(name)
    key = "iso2" if name == "countries" else "code"
    geoms = list(shapes.geometry.values)
    return STRtree(geoms), [str(k) for k in shapes[key]]


def locate(lon: float, lat: float) -> tuple[str, str] | None:
    """("departement", code) for a point in a French département, else ("country", iso2), else None."""
    point = shapely.Point(lon, lat)
    for name, kind in (("departements", "departement"), ("countries", "country")):
        tree, keys = _index(name)
        hits = tree.query(point, predicate="intersects")
        if len(hits):
            return kind, keys[int(hits[0])]
    return None
