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
    stems = {s.key: s.archive_stem for s in NPM_SOURCES}
    assert stems["decoupage"] == "etalab-decoupage-administratif-6.0.0"
    assert stems["decoupage_history"] == "etalab-decoupage-administratif-0.5.1"
    assert stems["world_atlas"] == "world-atlas-2.0.2"
    assert len(set(stems.values())) == len(stems)  # each release unpacks into its own folder


def _readme(path) -> None:  # noqa: ANN001
    from atlas.reference.docs import FileInfo, write_readme

    info = FileInfo("x.parquet", "A file.", ["decoupage"], rows=3, bytes=1000, columns=["a"])
    write_readme(path, [info], list(NPM_SOURCES), "2026-12-02")


def test_readme_keeps_the_hand_written_part_after_the_marker(tmp_path) -> None:  # noqa: ANN001
    from atlas.reference.docs import HAND_WRITTEN_MARKER

    path = tmp_path / "README.md"
    _readme(path)
    generated = path.read_text(encoding="utf-8")
    assert HAND_WRITTEN_MARKER not in generated and "x.parquet" in generated
    hand = f"{HAND_WRITTEN_MARKER}\n\n## Real data\n\nWritten by a person: `kept`.\n"
    path.write_text(generated.replace("A file.", "An old description.") + "\n" + hand, encoding="utf-8")
    _readme(path)
    again = path.read_text(encoding="utf-8")
    assert again.endswith(hand)
    assert again.count(HAND_WRITTEN_MARKER) == 1
    assert "An old description." not in again and "A file." in again  # the generated part is rewritten
    _readme(path)
    assert path.read_text(encoding="utf-8") == again  # stable over rebuilds


def test_readme_without_marker_is_all_generated(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "README.md"
    path.write_text("old text by hand without a marker\n", encoding="utf-8")
    _readme(path)
    assert "old text by hand" not in path.read_text(encoding="utf-8")


def _state(sid: str, nom: str, **kw) -> dict:  # noqa: ANN003
    typ, rest = sid.split("-", 1)
    return {"id": sid, "nom": nom, "type": typ, "code": rest.split("@")[0], **kw}


def test_history_walks_mergers_renamings_and_code_changes() -> None:
    from atlas.reference.history import historical_names, terminal_state

    history = [
        # renamed, then merged as a déléguée of another commune, which changed its code later
        _state("COM-78001@1943-01-01", "Vieux", dateFin="1960-01-01", successeur="COM-78001@1960-01-01"),
        _state("COM-78001@1960-01-01", "Nouveau", dateFin="1968-01-01", successeur="COM-91001@1968-01-01"),
        _state("COM-91001@1968-01-01", "Nouveau", dateFin="2016-01-01", successeur="COMD-91001@2016-01-01"),
        _state("COMD-91001@2016-01-01", "Nouveau", pole="COM-91002@2016-01-01"),
        _state("COM-91002@2016-01-01", "Grand"),
        # a commune whose 2019 code is now a déléguée of a commune nouvelle created after 2019
        _state("COM-44001@1943-01-01", "Ancien"),
        # a broken chain leads nowhere
        _state("COM-12001@1943-01-01", "Perdu", dateFin="1970-01-01", successeur="COM-99999@1970-01-01"),
        # a loop is not followed forever
        _state("COM-13001@1943-01-01", "A", successeur="COM-13002@1943-01-01"),
        _state("COM-13002@1943-01-01", "B", successeur="COM-13001@1943-01-01"),
    ]
    cog = [
        {"code": "91002", "nom": "Grand", "type": "commune-actuelle", "anciensCodes": ["91001"]},
        {"code": "44999", "nom": "Nouvelle", "type": "commune-actuelle"},
        {"code": "44001", "nom": "Ancien", "type": "commune-deleguee", "chefLieu": "44999"},
    ]
    by_id = {r["id"]: r for r in history}
    assert terminal_state(history[0], by_id)["id"] == "COM-91002@2016-01-01"
    assert terminal_state(history[7], by_id) is None
    rows, lost = historical_names(history, cog)
    found = {(code, name): (insee, year) for code, name, insee, year in rows}
    assert found[("78001", "Vieux")] == ("91002", 1960)
    assert found[("78001", "Nouveau")] == ("91002", 1968)
    assert found[("91001", "Nouveau")] == ("91002", 2016)  # the déléguée state has no end: 2016 is kept
    assert found[("91002", "Grand")] == ("91002", None)
    assert found[("44001", "Ancien")] == ("44999", None)
    assert lost == 3 and ("12001", "Perdu") not in found
