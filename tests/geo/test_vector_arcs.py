"""Vectorised great-circle lines (atlas.geo.vector_arcs) against pyproj's geodesics and arcs.py."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from atlas.geo import arcs, vector_arcs

GEOD = Geod(ellps="WGS84")

PARIS = (2.3522, 48.8566)
DAKAR = (-17.4467, 14.6928)
NOUMEA = (166.45, -22.27)
PAPEETE = (-149.57, -17.53)
TOKYO = (139.69, 35.69)
SAN_FRANCISCO = (-122.42, 37.77)
PAIRS = [
    (PARIS, DAKAR),
    ((170.0, -40.0), (-170.0, -14.0)),
    (NOUMEA, PAPEETE),
    (PAPEETE, NOUMEA),
    (TOKYO, SAN_FRANCISCO),
    ((-1.55, 47.22), (-1.55, 47.22)),  # zero length
    ((7.75, 48.58), (8.4, 49.0)),  # short
    ((0.0, 0.0), (180.0, 0.0)),  # antipodes on the equator: no single great circle
    ((0.0, 90.0), (10.0, -45.0)),  # from the pole
]


def _columns(pairs):
    return ([a[0] for a, _ in pairs], [a[1] for a, _ in pairs], [b[0] for _, b in pairs], [b[1] for _, b in pairs])


def _parts(geom):
    return list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]


def _random_links(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-5, 9, n), rng.uniform(42, 51, n), rng.uniform(-180, 180, n), rng.uniform(-55, 70, n))


def _cross_track_km(lon, lat, ref_lon, ref_lat) -> float:
    """Largest distance (km) of the points (lon, lat) to the dense reference line, in a local projection."""
    from pyproj import Transformer

    lon0, lat0 = float(np.mean(ref_lon)), float(np.mean(ref_lat))
    t = Transformer.from_crs(4326, f"+proj=aeqd +lon_0={lon0} +lat_0={lat0} +units=km", always_xy=True)
    line = shapely.LineString(np.column_stack(t.transform(ref_lon, ref_lat)))
    return max(line.distance(shapely.Point(p)) for p in zip(*t.transform(lon, lat)))


def test_same_geometry_kinds_and_exact_ends_as_arcs():
    cols = _columns(PAIRS)
    fast, dist = vector_arcs.great_circle_lines(*cols, npts=32)
    slow, slow_dist = arcs.great_circle_lines(*cols, npts=32)
    assert len(fast) == len(PAIRS)
    np.testing.assert_array_equal(dist, slow_dist)  # lengths: the same Geod.inv
    for (a, b), g, ref in zip(PAIRS, fast, slow):
        assert g.geom_type == ref.geom_type, (a, b)
        assert len(_parts(g)) == len(_parts(ref))
        assert _parts(g)[0].coords[0] == a and _parts(g)[-1].coords[-1] == b
        coords = np.concatenate([np.asarray(p.coords) for p in _parts(g)])
        assert np.all(np.abs(coords[:, 0]) <= 180.0) and np.all(np.abs(coords[:, 1]) <= 90.0)


@pytest.mark.parametrize("a,b", [((170.0, -40.0), (-170.0, -14.0)), (NOUMEA, PAPEETE), (PAPEETE, NOUMEA),
                                 (TOKYO, SAN_FRANCISCO)])
def test_antimeridian_parts_meet_on_the_antimeridian(a, b):
    (g,), _ = vector_arcs.great_circle_lines(*_columns([(a, b)]))
    first, second = _parts(g)
    assert abs(first.coords[-1][0]) == 180.0 and first.coords[-1][0] == -second.coords[0][0]
    assert first.coords[-1][1] == pytest.approx(second.coords[0][1], abs=1e-9)


def test_points_follow_the_ellipsoid_geodesic():
    # Random links from France, and some towards New Zealand and the antipodes of Paris.
    far = [(150.0, -35.0), (160.0, -40.0), (-150.0, -40.0), (174.78, -41.29), (-176.0, -45.0), (-177.0, -48.0), (-177.6, -48.8), (-178.5, -47.0), (175.0, -50.0)]
    lon1, lat1, lon2, lat2 = (np.concatenate([a, b]) for a, b in zip(
        _random_links(200), ([PARIS[0]] * len(far), [PARIS[1]] * len(far), [p[0] for p in far], [p[1] for p in far])))
    _az, _baz, length = GEOD.inv(lon1, lat1, lon2, lat2)
    lons, lats = vector_arcs.arc_points(lon1, lat1, lon2, lat2, npts=32)
    ref_lons, ref_lats, _ = arcs.arc_coordinates(lon1, lat1, lon2, lat2, npts=2049)
    assert length.max() > 19_500_000  # some lines reach near the antipodes, where geodesics fan out
    worst = [_cross_track_km(lons[i], lats[i], ref_lons[i], ref_lats[i]) for i in range(len(lon1))]
    # A spherical great circle with geodetic latitudes strays by tens of km on such lines.
    assert max(worst) < 2.0, max(worst)
    lines, _ = vector_arcs.great_circle_lines(lon1, lat1, lon2, lat2, npts=64)
    for g, d in zip(lines, length):
        assert GEOD.geometry_length(g) == pytest.approx(d, rel=2e-3, abs=1.0)


def test_chunks_do_not_change_the_result():
    cols = _random_links(257, seed=3)
    whole, d1 = vector_arcs.great_circle_lines(*cols, chunk=10_000)
    chunked, d2 = vector_arcs.great_circle_lines(*cols, chunk=10)
    np.testing.assert_array_equal(d1, d2)
    assert all(a.equals_exact(b, 0.0) for a, b in zip(whole, chunked))


def test_threads_do_not_change_the_result():
    """Links shared among threads: the same lines, in the same order, and the same lengths (with
    the antimeridian cases in every share)."""
    cols = [np.concatenate([np.asarray(a, float)] * 3 + [np.asarray(b, float)])
            for a, b in zip(_columns(PAIRS), _random_links(300, seed=5))]
    for step in (None, 250.0):
        one, d1 = vector_arcs.great_circle_lines(*cols, max_step_km=step, workers=1)
        for workers in (2, 3, 7):
            many, d2 = vector_arcs.great_circle_lines(*cols, max_step_km=step, workers=workers)
            np.testing.assert_array_equal(d1, d2)
            assert len(many) == len(one) and all(a.equals_exact(b, 0.0) for a, b in zip(one, many))
    # the default shares big inputs among the cores, and errors still come out of the threads
    assert vector_arcs.PARALLEL_MIN <= 100_000
    with pytest.raises(ValueError, match="max_step_km must be a positive number of km"):
        vector_arcs.great_circle_lines(*cols, max_step_km=-1.0, workers=2)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="the four coordinate arrays must have the same length"):
        vector_arcs.great_circle_lines([0.0, 1.0], [0.0, 1.0], [10.0], [10.0])
    with pytest.raises(ValueError, match="npts must be at least 2, got 1"):
        vector_arcs.arc_points([0.0], [0.0], [10.0], [10.0], npts=1)


def test_lines_thinned_by_step_keep_their_ends_and_stay_on_the_geodesic():
    """max_step_km: as many points as keep each segment under the step (2 to npts), the same ends,
    the same antimeridian splits and lengths, the points still on the geodesic."""
    lon1, lat1, lon2, lat2 = (np.concatenate([np.asarray(a, float), np.asarray(b, float)])
                              for a, b in zip(_random_links(150, seed=11), _columns(PAIRS)))
    full, d_full = vector_arcs.great_circle_lines(lon1, lat1, lon2, lat2, npts=32)
    thin, d_thin = vector_arcs.great_circle_lines(lon1, lat1, lon2, lat2, npts=32, max_step_km=250.0)
    np.testing.assert_array_equal(d_full, d_thin)
    counts = vector_arcs.point_counts(d_thin, 32, 250.0)
    assert counts.min() == 2 and counts.max() == 32 and (counts < 32).sum() >= 10
    ref_lons, ref_lats, _ = arcs.arc_coordinates(lon1, lat1, lon2, lat2, npts=513)
    for i, (f, t) in enumerate(zip(full, thin)):
        assert f.geom_type == t.geom_type and len(_parts(f)) == len(_parts(t))
        assert _parts(t)[0].coords[0] == _parts(f)[0].coords[0]
        assert _parts(t)[-1].coords[-1] == _parts(f)[-1].coords[-1]
        pts = np.concatenate([np.asarray(p.coords) for p in _parts(t)])
        assert len(pts) == counts[i] + (len(_parts(t)) - 1) * 2  # a split adds a point on each side
        if counts[i] < 32:  # each segment under the step (the geodesic between its ends)
            _a, _b, seg = GEOD.inv(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])
            assert seg.max() <= 250_000 * 1.001
        if d_thin[i] > 0 and d_thin[i] < 19_000_000:
            assert _cross_track_km(pts[:, 0], pts[:, 1], ref_lons[i], ref_lats[i]) < 2.0


def test_step_must_be_a_positive_length():
    for bad in (0, -5.0, float("nan")):
        with pytest.raises(ValueError, match="max_step_km must be a positive number of km"):
            vector_arcs.great_circle_lines([0.0], [0.0], [10.0], [10.0], max_step_km=bad)
