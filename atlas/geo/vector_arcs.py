"""Great-circle lines for many links at once: numpy in chunks, shapely 2's vectorised constructors.

:func:`atlas.geo.arcs.great_circle_lines` asks pyproj for every point of every arc (``Geod.fwd``
once per point: about 1 µs each, 32 million points at a million links) and builds the lines one
by one in Python as soon as one of them crosses the antimeridian. Here:

- the points come from a spherical interpolation on the *auxiliary sphere* of the WGS84
  ellipsoid (reduced latitudes): the ellipsoid's geodesic is a great circle there, up to a small
  longitude term, so the points stay within a few kilometres of pyproj's geodesic (see the tests)
  while costing a handful of numpy operations per chunk;
- end points are the inputs exactly; lengths still come from ``Geod.inv`` (exact, one call);
- lines that stay within [-180, 180] are built in one ``shapely.linestrings`` call per chunk; the
  few that cross the antimeridian are split one by one (:func:`atlas.geo.arcs.split_antimeridian`);
- links are processed in chunks so temporary arrays stay small whatever the number of links.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from pyproj import Geod

from atlas.geo.arcs import split_antimeridian

_GEOD = Geod(ellps="WGS84")
#: Flattening of WGS84, and 1 - f: tan(reduced latitude) = (1 - f) tan(latitude).
_F = 1.0 / 298.257223563
_ONE_MINUS_F = 1.0 - _F
#: Arcs longer than this angle on the auxiliary sphere (from about 18,400 km) are left to pyproj.
NEAR_ANTIPODES = np.pi - 0.25
#: Links per chunk: the (chunk, npts) temporaries stay at 2.5 MB each at 32 points. (Against 200,000
#: per chunk, no difference in time could be told apart from the noise of a busy 2-core machine.)
CHUNK = 10_000
#: From this many links, great_circle_lines shares them among threads, at most this many.
PARALLEL_MIN = 50_000
PARALLEL_MAX = 4


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Unit vectors (n, 3) of points given in degrees, on the auxiliary sphere (reduced latitude)."""
    lam = np.radians(lon)
    beta = np.arctan(_ONE_MINUS_F * np.tan(np.radians(lat)))
    cb = np.cos(beta)
    return np.stack([cb * np.cos(lam), cb * np.sin(lam), np.sin(beta)], axis=-1)


def _circle(p1: np.ndarray, p2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Angle between unit vectors (accurate when small) and sin(α0) of the circle from p1 to p2."""
    normal = np.cross(p1, p2)
    norm = np.linalg.norm(normal, axis=1)
    omega = np.arctan2(norm, np.einsum("ij,ij->i", p1, p2))
    return omega, np.divide(normal[:, 2], norm, out=np.zeros_like(norm), where=norm > 0)


def _cos_sin_steps(omega: np.ndarray, npts: int) -> tuple[np.ndarray, np.ndarray]:
    """cos(kθ) and sin(kθ) for θ = ω / (npts - 1), k = 0 … npts - 1: (n, npts) each.

    By rotation steps (angle addition) rather than np.cos/np.sin on every point: about 3x
    faster, and the rounding error grows by about one unit in the last place per step.
    """
    theta = omega / (npts - 1)
    ct, st = np.cos(theta), np.sin(theta)
    c = np.empty((omega.size, npts))
    s = np.empty((omega.size, npts))
    c[:, 0], s[:, 0] = 1.0, 0.0
    for k in range(1, npts):
        c[:, k] = c[:, k - 1] * ct - s[:, k - 1] * st
        s[:, k] = s[:, k - 1] * ct + c[:, k - 1] * st
    return c, s


def arc_points(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray,
               npts: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(lons, lats), each (n, npts), along the arcs from (lon1, lat1) to (lon2, lat2).

    Same layout as :func:`atlas.geo.arcs.arc_coordinates`: end points exact, longitudes unwrapped
    (continuous, may leave [-180, 180]).
    """
    lon1, lat1, lon2, lat2 = (np.asarray(a, dtype=float).ravel() for a in (lon1, lat1, lon2, lat2))
    if not (lon1.shape == lat1.shape == lon2.shape == lat2.shape):
        raise ValueError("arc_points: the four coordinate arrays must have the same length")
    if npts < 2:
        raise ValueError(f"arc_points: npts must be at least 2, got {npts}")
    # On the auxiliary sphere the geodesic is a great circle in (reduced latitude, ω), where the
    # longitude λ = ω - f sin(α0) σ to first order in the flattening f (α0: azimuth at the
    # equator, σ: arc length on the sphere). First pass: the circle through the ends as given,
    # for sin(α0) and σ; second pass: the circle ending at ω2 = λ2 + f sin(α0) σ12, whose points
    # get their longitudes back with λ = ω - f sin(α0) σ.
    p1 = _xyz(lon1, lat1)
    beta2 = np.arctan(_ONE_MINUS_F * np.tan(np.radians(lat2)))
    omega, sin_a0 = _circle(p1, _xyz(lon2, lat2))
    # Near the antipodes the ellipsoid's geodesics fan out (over a pole rather than along the
    # equator…): the first-order formula no longer holds there, pyproj draws those few lines.
    near_antipodes = omega > NEAR_ANTIPODES
    shift = _F * sin_a0 * omega
    cb2 = np.cos(beta2)
    lam2 = np.radians(lon2) + shift
    p2 = np.stack([cb2 * np.cos(lam2), cb2 * np.sin(lam2), np.sin(beta2)], axis=-1)
    omega, sin_a0 = _circle(p1, p2)
    # Points p1 cos(tω) + u sin(tω), u the unit vector orthogonal to p1 towards p2, in a frame
    # turned by -λ1 about the pole: atan2 then gives the longitude relative to the start, which
    # along an arc never passes ±180° (it changes monotonically, by at most 180°), so the
    # longitudes come out continuous ("unwrapped") with no extra pass.
    sin_omega = np.sin(omega)
    same = sin_omega < 1e-12  # the same point (antipodes are handled below)
    u = (p2 - p1 * np.cos(omega)[:, None]) / np.where(same, 1.0, sin_omega)[:, None]
    u[same] = 0.0
    lam1 = np.radians(lon1)
    cl, sl = np.cos(lam1), np.sin(lam1)
    p1, u = (np.stack([v[:, 0] * cl + v[:, 1] * sl, v[:, 1] * cl - v[:, 0] * sl, v[:, 2]], axis=1) for v in (p1, u))
    c, s = _cos_sin_steps(omega, npts)
    x = p1[:, None, 0] * c + u[:, None, 0] * s
    y = p1[:, None, 1] * c + u[:, None, 1] * s
    z = p1[:, None, 2] * c + u[:, None, 2] * s
    del c, s
    lons = np.arctan2(y, x)
    lons -= (_F * sin_a0 * omega)[:, None] * np.linspace(0.0, 1.0, npts)
    np.degrees(lons, out=lons)
    lons += lon1[:, None]
    # Back from the reduced latitude: tan(latitude) = tan(β) / (1 - f). (sqrt rather than
    # np.hypot: the same here, where x² + y² <= 1, and several times faster.)
    lats = np.degrees(np.arctan2(z, _ONE_MINUS_F * np.sqrt(x * x + y * y)))
    del x, y, z
    if near_antipodes.any():
        idx = np.flatnonzero(near_antipodes)
        az, _baz, dist = _GEOD.inv(lon1[idx], lat1[idx], lon2[idx], lat2[idx])
        for j, frac in enumerate(np.linspace(0.0, 1.0, npts)):
            lo, la, _ = _GEOD.fwd(lon1[idx], lat1[idx], az, dist * frac)
            lons[idx, j], lats[idx, j] = lo, la
        lons[idx, 0] = lon1[idx]
        # pyproj's longitudes are in [-180, 180]: unwrap them by whole turns.
        sub = lons[idx]
        lons[idx] = sub + 360.0 * np.round((np.unwrap(sub, period=360.0, axis=1) - sub) / 360.0)
    # Exact end points; the last one by whole turns from where the arc arrives (unwrapped).
    lons[:, 0], lats[:, 0], lats[:, -1] = lon1, lat1, lat2
    lons[:, -1] = lon2 + 360.0 * np.round((lons[:, -1] - lon2) / 360.0)
    return lons, lats


def _split(lons: np.ndarray, lats: np.ndarray, end_lon: float) -> shapely.Geometry:
    """A line crossing the antimeridian as a MultiLineString whose ends are the inputs exactly."""
    geom = split_antimeridian(lons, lats)
    if geom.geom_type != "MultiLineString":
        return geom
    parts = [np.array(p.coords) for p in geom.geoms]
    # Shifting by ±360° can round the ends: put the exact inputs back.
    parts[0][0] = (lons[0], lats[0])
    parts[-1][-1] = (end_lon, lats[-1])
    return shapely.MultiLineString([shapely.LineString(p) for p in parts])


def point_counts(dist_m: np.ndarray, npts: int, max_step_km: float | None) -> np.ndarray:
    """Points per arc: ``npts`` each, or with ``max_step_km`` as many as keep every segment under
    that length (at least 2: the ends; at most ``npts``)."""
    if npts < 2:
        raise ValueError(f"great_circle_lines: npts must be at least 2, got {npts}")
    if max_step_km is None:
        return np.full(np.shape(dist_m), npts, dtype=np.int64)
    if not max_step_km > 0:
        raise ValueError(f"great_circle_lines: max_step_km must be a positive number of km, got {max_step_km!r}")
    steps = np.ceil(np.asarray(dist_m, dtype=float) / (1000.0 * max_step_km))
    return np.clip(np.nan_to_num(steps, nan=1.0).astype(np.int64) + 1, 2, npts)


def great_circle_lines(lon1, lat1, lon2, lat2, npts: int = 32, chunk: int = CHUNK,
                       max_step_km: float | None = None, workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lines (numpy array of shapely geometries) split at the antimeridian, and geodesic lengths (m).

    A drop-in for :func:`atlas.geo.arcs.great_circle_lines` at any number of links. With
    ``max_step_km``, ``npts`` is a ceiling: each arc gets as many points as keep its segments under
    that length (a 500 km link needs 3 points at 250 km, not 32), which divides the points, the
    time and the memory of a million links by about 2.5 with no visible change (see
    :func:`point_counts`).

    ``workers``: threads sharing the links (default: one per core, up to PARALLEL_MAX, from
    PARALLEL_MIN links). pyproj, numpy and shapely release the GIL in their loops, and every link
    is computed on its own, so the result is the same whatever the number of threads.
    """
    lon1, lat1, lon2, lat2 = (np.asarray(a, dtype=float).ravel() for a in (lon1, lat1, lon2, lat2))
    if not (lon1.shape == lat1.shape == lon2.shape == lat2.shape):
        raise ValueError("great_circle_lines: the four coordinate arrays must have the same length")
    point_counts(np.zeros(0), npts, max_step_km)  # checks npts and max_step_km before any thread starts
    n = lon1.size
    if workers is None:
        workers = min(os.cpu_count() or 1, PARALLEL_MAX) if n >= PARALLEL_MIN else 1
    workers = max(1, min(int(workers), n))
    if workers == 1:
        return _lines(lon1, lat1, lon2, lat2, npts, chunk, max_step_km)
    bounds = np.linspace(0, n, workers + 1).astype(int)
    with ThreadPoolExecutor(workers, thread_name_prefix="atlas-arcs") as pool:
        parts = list(pool.map(lambda ab: _lines(lon1[ab[0]:ab[1]], lat1[ab[0]:ab[1]], lon2[ab[0]:ab[1]],
                                                lat2[ab[0]:ab[1]], npts, chunk, max_step_km),
                              zip(bounds[:-1], bounds[1:])))
    return np.concatenate([g for g, _d in parts]), np.concatenate([d for _g, d in parts])


def _lines(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray, npts: int, chunk: int,
           max_step_km: float | None) -> tuple[np.ndarray, np.ndarray]:
    """great_circle_lines in one thread."""
    n = lon1.size
    _az, _baz, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    dist = np.asarray(dist, dtype=float)
    counts = point_counts(dist, npts, max_step_km)
    geoms = np.empty(n, dtype=object)
    for k in np.unique(counts):
        idx = np.flatnonzero(counts == k) if max_step_km is not None else np.arange(n)
        size = max(chunk * npts // int(k), 1)  # the same temporaries per chunk whatever the count
        for start in range(0, idx.size, size):
            sub = idx[start:start + size]
            lons, lats = arc_points(lon1[sub], lat1[sub], lon2[sub], lat2[sub], int(k))
            simple = np.all((lons >= -180.0) & (lons <= 180.0), axis=1)
            if simple.any():
                geoms[sub[simple]] = shapely.linestrings(np.stack([lons[simple], lats[simple]], axis=2))
            for i in np.flatnonzero(~simple):
                geoms[sub[i]] = _split(lons[i], lats[i], float(lon2[sub[i]]))
    return geoms, dist
