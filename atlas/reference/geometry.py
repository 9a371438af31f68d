"""Geometry helpers of the reference build: repair, simplification, label points, file sizes."""

from __future__ import annotations

import io
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry


def polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Repair a geometry and keep only its polygons.

    ``make_valid`` can return a GeometryCollection with stray lines or points where a ring
    touched itself; those are not areas and would break GeoParquet consumers expecting
    (Multi)Polygons.
    """
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _crosses_antimeridian(poly: BaseGeometry) -> bool:
    """True if a ring jumps from one side of the ±180° meridian to the other (lon step > 180°)."""
    for ring in (poly.exterior, *poly.interiors):
        xs = shapely.get_coordinates(ring)[:, 0]
        if len(xs) > 1 and np.abs(np.diff(xs)).max() > 180:
            return True
    return False


def _shift_east(coords: np.ndarray) -> np.ndarray:
    return np.column_stack([np.where(coords[:, 0] < 0, coords[:, 0] + 360.0, coords[:, 0]), coords[:, 1]])


def split_antimeridian(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Cut polygons whose rings wrap across the ±180° meridian into valid parts on each side.

    world-atlas' TopoJSON is made for spherical (d3) rendering: Russia's Chukotka, Fiji and
    Antarctica have rings jumping from 180° to -180°, which planar tools read as bands across
    the whole map, and which ``make_valid`` turns into garbage. Such polygons are moved to
    0-360° longitudes, repaired there, cut at 180° and the eastern piece moved back.
    """
    if geom is None or geom.is_empty:
        return geom
    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or not _crosses_antimeridian(poly):
            out.append(poly)
            continue
        shifted = shapely.make_valid(shapely.transform(poly, _shift_east))
        west = shapely.intersection(shifted, shapely.box(-180, -90, 180, 90))
        east = shapely.intersection(shifted, shapely.box(180, -90, 540, 90))
        east = shapely.transform(east, lambda c: c - np.array([360.0, 0.0]))
        out += [p for g in (west, east) for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.union_all(out)


def _approx_area(geom: BaseGeometry) -> float:
    """Area in square degrees scaled by cos(latitude): proportional to true area, no projection.

    Good enough to rank the parts of one country (Alaska vs the contiguous United States,
    Corsica vs metropolitan France) and robust near the poles where projections misbehave.
    """
    return geom.area * math.cos(math.radians(geom.centroid.y))


def largest_part(geom: BaseGeometry) -> BaseGeometry:
    """The polygon of a (multi)polygon with the largest (approximate) true area."""
    parts = list(shapely.get_parts(geom))
    return max(parts, key=_approx_area)


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """A point to draw a flow end or a label: inside the largest part of the geometry.

    The centroid of the largest part looks most natural; when it falls outside (crescent or
    hollow shapes such as Norway or Chile), shapely's representative point, which is always
    inside, is used instead.
    """
    part = largest_part(geom)
    c = part.centroid
    p = c if part.contains(c) else part.representative_point()
    return round(p.x, 5), round(p.y, 5)


def simplify_coverage(geoms: gpd.GeoSeries, tolerance: float) -> tuple[gpd.GeoSeries, str]:
    """Simplify polygons that tile a territory without opening gaps between neighbours.

    When the polygons form a valid coverage (shared edges identical, no overlaps) GEOS'
    coverage simplification keeps neighbouring borders identical after simplification, so
    départements still tile their région with no slivers when zoomed in. Its tolerance is a
    length (square root of the removed triangle areas), comparable to Douglas-Peucker's.
    Otherwise each polygon is simplified on its own with ``preserve_topology=True``.
    Returns the simplified shapes and the method used ("coverage" or "douglas-peucker").
    """
    values = geoms.values
    simplified: np.ndarray | None = None
    method = "coverage"
    if len(values) > 1 and shapely.coverage_is_valid(values):
        simplified = shapely.coverage_simplify(values, tolerance)
        if not shapely.is_valid(simplified).all() or shapely.is_empty(simplified).any():
            simplified = None
    if simplified is None:
        method = "douglas-peucker"
        simplified = shapely.simplify(values, tolerance, preserve_topology=True)
    out = [polygonal(g) for g in simplified]
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs), method


def simplify_by_group(gdf: gpd.GeoDataFrame, group: str, tolerance: float) -> tuple[gpd.GeoSeries, dict[str, int]]:
    """``simplify_coverage`` applied group by group (one country's admin-1 areas at a time).

    A worldwide coverage check fails on a handful of disputed borders; per country most
    groups are valid coverages and keep seamless borders. Also returns how many groups used
    each method.
    """
    pieces, methods = [], {"coverage": 0, "douglas-peucker": 0}
    for _, sub in gdf.groupby(group, sort=False):
        shapes, method = simplify_coverage(sub.geometry, tolerance)
        pieces.append(shapes)
        methods[method] += 1
    return gpd.GeoSeries(pd.concat(pieces), crs=gdf.crs).reindex(gdf.index), methods


def parquet_bytes(gdf: gpd.GeoDataFrame) -> int:
    """Size the frame would take as zstd GeoParquet (to report and compare tolerances)."""
    buf = io.BytesIO()
    gdf.to_parquet(buf, compression="zstd")
    return len(buf.getvalue())
