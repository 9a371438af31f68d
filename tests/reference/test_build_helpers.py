"""Unit tests of the pure helpers of the reference build (no source packages needed)."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from atlas.reference.communes import gazetteer_key
from atlas.reference.countries import zone_for
from atlas.reference.france import insee_departement
from atlas.reference.geometry import label_point, polygonal, split_antimeridian
from atlas.reference.sources import NPM_SOURCES


@pytest.mark.parametrize(("iso2", "continent", "zone"), [
    ("EG", "AF", "Afrique du Nord"), ("SN", "AF", "Afrique subsaharienne"), ("LB", "AS", "Proche et Moyen-Orient"),
    ("TR", "AS", "Europe"), ("KZ", "AS", "Asie"), ("CA", "NA", "Amériques"), ("BR", "SA", "Amériques"),
    ("FJ", "OC", "Océanie"), ("AQ", "AN", "Antarctique"), ("DE", "EU", "Europe"),
])
def test_zone_for(iso2: str, continent: str, zone: str) -> None:
    assert zone_for(iso2, continent) == zone


def test_zone_for_unknown_continent_says_what_it_got() -> None:
    with pytest.raises(ValueError, match=r"unknown continent code 'XX'"):
        zone_for("ZZ", "XX")


@pytest.mark.parametrize(("ne_code", "insee"), [
    ("FR-01", "01"), ("FR-2A", "2A"), ("FR-2B", "2B"), ("FR-95", "95"), ("FR-GP", "971"), ("FR-MQ", "972"),
    ("FR-GF", "973"), ("FR-RE", "974"), ("FR-YT", "976"), ("-99-X02~", None), ("FR-ARA", None),
])
def test_insee_departement(ne_code: str, insee: str | None) -> None:
    assert insee_departement(ne_code) == insee


def test_split_antimeridian_cuts_a_wrapping_ring() -> None:
    # An island from 179°E to 179°W, written the way spherical TopoJSON has it (lon jumps).
    wrapped = Polygon([(179, -17), (-179, -17), (-179, -16), (179, -16), (179, -17)])
    fixed = split_antimeridian(wrapped)
    assert fixed.is_valid
    parts = list(shapely.get_parts(fixed))
    assert len(parts) == 2
    assert max(p.bounds[2] - p.bounds[0] for p in parts) == pytest.approx(1.0)
    assert fixed.area == pytest.approx(2.0)


def test_split_antimeridian_leaves_ordinary_polygons_alone() -> None:
    square = box(0, 0, 1, 1)
    assert split_antimeridian(square).equals(square)


def test_label_point_is_in_the_largest_part() -> None:
    big, small = box(0, 40, 10, 50), box(20, 40, 21, 41)
    lon, lat = label_point(MultiPolygon([small, big]))
    assert big.contains(shapely.Point(lon, lat))
    # A crescent: the centroid is outside, the point must not be.
    crescent = box(0, 0, 10, 10).difference(box(2, 2, 12, 8))
    lon, lat = label_point(crescent)
    assert crescent.contains(shapely.Point(lon, lat))


def test_polygonal_drops_stray_lines_of_make_valid() -> None:
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    fixed = polygonal(bowtie)
    assert fixed.is_valid and fixed.geom_type in ("Polygon", "MultiPolygon")
    assert fixed.area == pytest.approx(0.5)


def test_gazetteer_key_folds_accents_articles_and_punctuation() -> None:
    assert gazetteer_key("Le Mont-Dore") == gazetteer_key("Mont-Dore") == "mont dore"
    assert gazetteer_key("Kaala-Gomen") == gazetteer_key("Kaala-Gomén")


def test_npm_archive_names_match_npm_pack() -> None:
    stems = {s.name: s.archive_stem for s in NPM_SOURCES}
    assert stems["@etalab/decoupage-administratif"] == "etalab-decoupage-administratif-6.0.0"
    assert stems["world-atlas"] == "world-atlas-2.0.2"
