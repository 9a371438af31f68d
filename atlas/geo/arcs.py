"""Great-circle (geodesic) arcs between link ends, with pyproj.Geod on the WGS84 ellipsoid."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")


def arc_coordinates(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray,
                    npts: int = 32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points along the geodesics from (lon1, lat1) to (lon2, lat2), vectorised over links.

    Returns (lons, lats, distance_m) where lons and lats have shape (n_links, npts) and run from
    the origin to the destination inclusive. Longitudes are unwrapped (continuous, may leave
    [-180, 180]) so that a line across the antimeridian has no jump; see split_antimeridian.
    """
    lon1, lat1, lon2, lat2 = (np.asarray(a, dtype=float) for a in (lon1, lat1, lon2, lat2))
    if not (lon1.shape == lat1.shape == lon2.shape == lat2.shape):
        raise ValueError("arc_coordinates: the four coordinate arrays must have the same length")
    if npts < 2:
        raise ValueError(f"arc_coordinates: npts must be at least 2, got {npts}")
    az12, _az21, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    fractions = np.linspace(0.0, 1.0, npts)
    n = lon1.size
    lons = np.empty((n, npts))
    lats = np.empty((n, npts))
    for j, f in enumerate(fractions):
        lo, la, _ = _GEOD.fwd(lon1, lat1, az12, dist * f)
        lons[:, j] = lo
        lats[:, j] = la
    lons[:, 0] = lon1  # exact end points despite rounding in fwd
    lats[:, 0] = lat1
    lons[:, -1] = lon2
    lats[:, -1] = lat2
    # Unwrap by whole turns, in degrees: points that need no shift keep their exact values
    # (a round trip through radians would move them by a few ulps).
    turns = np.round((np.unwrap(lons, period=360.0, axis=1) - lons) / 360.0)
    lons = lons + 360.0 * turns
    return lons, lats, np.asarray(dist)


def split_antimeridian(lons: np.ndarray, lats: np.ndarray) -> shapely.Geometry:
    """A LineString in [-180, 180], or a MultiLineString cut where it crosses the antimeridian."""
    # Shift the whole line so it starts within [-180, 180].
    shift = np.floor((lons[0] + 180.0) / 360.0) * 360.0
    lons = lons - shift
    if np.all((lons >= -180.0) & (lons <= 180.0)):
        return shapely.LineString(np.column_stack([lons, lats]))
    parts: list[np.ndarray] = []
    current = [(lons[0], lats[0])]
    for i in range(1, len(lons)):
        x0, y0, x1, y1 = lons[i - 1], lats[i - 1], lons[i], lats[i]
        k0, k1 = np.floor((x0 + 180) / 360), np.floor((x1 + 180) / 360)
        if k0 != k1:
            edge = 180.0 + 360.0 * min(k0, k1)  # the antimeridian crossed, in unwrapped degrees
            t = (edge - x0) / (x1 - x0)
            ycross = y0 + t * (y1 - y0)
            current.append((edge, ycross))
            parts.append(np.array(current) - [360.0 * k0, 0.0])
            current = [(edge, ycross)]
        current.append((x1, y1))
    parts.append(np.array(current) - [360.0 * np.floor((current[-1][0] + 180) / 360), 0.0])
    parts = [p for p in parts if len(p) >= 2]
    return shapely.MultiLineString([shapely.LineString(p) for p in parts])


def great_circle_lines(lon1, lat1, lon2, lat2, npts: int = 32) -> tuple[list[shapely.Geometry], np.ndarray]:
    """Geodesic lines split at the antimeridian, and their lengths in metres."""
    lons, lats, dist = arc_coordinates(lon1, lat1, lon2, lat2, npts)
    geoms: list[shapely.Geometry] = []
    simple = np.all((lons >= -180.0) & (lons <= 180.0), axis=1)
    if simple.all():
        coords = np.stack([lons, lats], axis=2)
        return list(shapely.linestrings(coords)), dist
    end_lons = np.asarray(lon2, dtype=float).ravel()
    for i in range(lons.shape[0]):
        if simple[i]:
            geoms.append(shapely.LineString(np.column_stack([lons[i], lats[i]])))
        else:
            geoms.append(_pin_ends(split_antimeridian(lons[i], lats[i]),
                                   (float(lons[i, 0]), float(lats[i, 0])),
                                   (float(end_lons[i]), float(lats[i, -1]))))
    return geoms, dist


def _pin_ends(geom: shapely.Geometry, start: tuple[float, float], end: tuple[float, float]) -> shapely.Geometry:
    """Put the exact input end points back on a split line (shifting by ±360° rounds them)."""
    if geom.geom_type != "MultiLineString":
        return geom
    parts = [np.array(p.coords) for p in geom.geoms]
    for coords, i, point in ((parts[0], 0, start), (parts[-1], -1, end)):
        if np.allclose(coords[i], point, atol=1e-6):
            coords[i] = point
    return shapely.MultiLineString([shapely.LineString(p) for p in parts])
