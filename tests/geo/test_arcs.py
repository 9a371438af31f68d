"""Great-circle arcs: exact end points, geodesic length, antimeridian splitting."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from atlas.geo.arcs import arc_coordinates, great_circle_lines

GEOD = Geod(ellps="WGS84")

PARIS = (2.3522, 48.8566)
DAKAR = (-17.4467, 14.6928)
NOUMEA = (166.45, -22.27)
PAPEETE = (-149.57, -17.53)
TOKYO = (139.69, 35.69)
SAN_FRANCISCO = (-122.42, 37.77)


def _lines(pairs, npts=32):
    lon1 = [a[0] for a, _ in pairs]
    lat1 = [a[1] for a, _ in pairs]
    lon2 = [b[0] for _, b in pairs]
    lat2 = [b[1] for _, b in pairs]
    return great_circle_lines(lon1, lat1, lon2, lat2, npts=npts)


def _parts(geom):
    return list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]


PAIRS = [
    (PARIS, DAKAR),
    ((170.0, -40.0), (-170.0, -14.0)),
    (NOUMEA, PAPEETE),
    (PAPEETE, NOUMEA),  # crossing westwards
    (TOKYO, SAN_FRANCISCO),
    ((-1.55, 47.22), (-1.55, 47.22)),  # a link to the same point (zero length)
    ((7.75, 48.58), (8.4, 49.0)),  # short: Strasbourg → Karlsruhe
]


def test_end_points_are_exact():
    geoms, _ = _lines(PAIRS)
    assert len(geoms) == len(PAIRS)
    for (a, b), g in zip(PAIRS, geoms):
        parts = _parts(g)
        assert parts[0].coords[0] == a, g.wkt[:120]
        assert parts[-1].coords[-1] == b, g.wkt[-120:]


def test_length_agrees_with_pyproj_geod_inv():
    geoms, dist = _lines(PAIRS, npts=64)
    for (a, b), g, d in zip(PAIRS, geoms, dist):
        _, _, expected = GEOD.inv(a[0], a[1], b[0], b[1])
        assert d == pytest.approx(expected, rel=1e-9, abs=1e-6)
        # The drawn line follows the geodesic: its own geodesic length is the same distance.
        assert GEOD.geometry_length(g) == pytest.approx(expected, rel=2e-3, abs=1.0)


def test_known_distance_paris_dakar():
    _, dist = _lines([(PARIS, DAKAR)])
    assert 4_150_000 < dist[0] < 4_250_000  # about 4,200 km


def test_paris_dakar_stays_between_the_end_latitudes_and_is_not_straight():
    (g,), _ = _lines([(PARIS, DAKAR)], npts=40)
    assert g.geom_type == "LineString"
    xy = np.asarray(g.coords)
    assert len(xy) == 40
    assert np.all(xy[:, 1] <= PARIS[1]) and np.all(xy[:, 1] >= DAKAR[1])
    assert np.all(xy[:, 0] <= PARIS[0]) and np.all(xy[:, 0] >= DAKAR[0])
    # A geodesic, not a straight lon/lat segment: the midpoint is off the chord.
    mid = xy[20]
    chord = shapely.LineString([PARIS, DAKAR])
    assert chord.distance(shapely.Point(mid)) > 0.1


@pytest.mark.parametrize("a,b", [((170.0, -40.0), (-170.0, -14.0)), (NOUMEA, PAPEETE), (PAPEETE, NOUMEA),
                                 (TOKYO, SAN_FRANCISCO)])
def test_antimeridian_lines_are_split(a, b):
    (g,), _ = _lines([(a, b)])
    assert g.geom_type == "MultiLineString"
    parts = _parts(g)
    assert len(parts) == 2
    coords = np.concatenate([np.asarray(p.coords) for p in parts])
    assert np.all(coords[:, 0] >= -180.0) and np.all(coords[:, 0] <= 180.0)
    assert np.all(np.abs(coords[:, 1]) <= 90.0)
    # The parts meet on the antimeridian, at the same latitude, on opposite sides.
    end_first, start_second = parts[0].coords[-1], parts[1].coords[0]
    assert abs(end_first[0]) == 180.0 and abs(start_second[0]) == 180.0
    assert end_first[0] == -start_second[0]
    assert end_first[1] == pytest.approx(start_second[1], abs=1e-9)
    # No part jumps across the map: consecutive points stay close in longitude.
    for p in parts:
        assert np.max(np.abs(np.diff(np.asarray(p.coords)[:, 0]))) < 20


def test_non_crossing_lines_are_single_linestrings_within_range():
    geoms, _ = _lines([(PARIS, DAKAR), ((-1.55, 47.22), (-1.55, 47.22)), ((7.75, 48.58), (8.4, 49.0))])
    for g in geoms:
        assert g.geom_type == "LineString"
        xy = np.asarray(g.coords)
        assert np.all(np.abs(xy[:, 0]) <= 180)


def test_arc_coordinates_are_continuous_across_the_antimeridian():
    lons, lats, _ = arc_coordinates([NOUMEA[0]], [NOUMEA[1]], [PAPEETE[0]], [PAPEETE[1]], npts=16)
    assert lons.shape == lats.shape == (1, 16)
    assert np.max(np.abs(np.diff(lons[0]))) < 30  # unwrapped: no 360° jump
    assert lons[0, -1] == pytest.approx(PAPEETE[0] + 360.0)


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="the four coordinate arrays must have the same length"):
        great_circle_lines([0.0, 1.0], [0.0, 1.0], [10.0], [10.0])


def test_too_few_points_raise():
    with pytest.raises(ValueError, match="npts must be at least 2, got 1"):
        great_circle_lines([0.0], [0.0], [10.0], [10.0], npts=1)
