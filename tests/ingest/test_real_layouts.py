"""Layouts of real twin-town files are recognised by themselves, and a mapping reaches every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.errors import ImportFileError
from atlas.ingest import import_file
from atlas.ingest.defaults import SOURCES_DIR

WIKIDATA = SOURCES_DIR / "wikidata-twinnings" / "france.tsv"


def test_wikidata_export_is_read_as_a_pair_list_with_both_points(db: Path, tmp_path: Path) -> None:
    lines = WIKIDATA.read_text(encoding="utf-8").splitlines()
    sample = tmp_path / "wikidata.tsv"
    sample.write_text("\n".join(lines[:41]) + "\n", encoding="utf-8")  # header + 40 real rows
    report = import_file(sample, db, dry_run=True)
    assert report.format == "pairs"
    used = set(report.columns.values())
    assert {"city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"} <= used, report.columns
    assert report.french_matched >= 38 and report.partners_matched >= 38
    # the French side's point decided homonyms and checked the match
    assert any(m.startswith("name") for m in report.french_methods)


def test_a_mapping_file_reaches_pair_fields_and_coordinates(db: Path, tmp_path: Path) -> None:
    src = tmp_path / "jumelages.csv"
    src.write_text("Ville A;Pays A;Lat A;Lon A;Ville B;Pays B;Lat B;Lon B\n"
                   "Montélimar;France;44.5586;4.7508;Ravensburg;Allemagne;47.7831;9.6114\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"Ville A" = "city1"\n"Pays A" = "country1"\n"Lat A" = "lat1"\n"Lon A" = "lng1"\n'
                       '"Ville B" = "city2"\n"Pays B" = "country2"\n"Lat B" = "lat2"\n"Lon B" = "lng2"\n',
                       encoding="utf-8")
    report = import_file(src, db, mapping=mapping, dry_run=True)
    assert report.format == "pairs" and report.links_imported == 1
    assert report.partner_methods == {"name+coordinates": 1}


def test_a_mapping_to_an_unknown_field_names_the_pair_fields(db: Path, tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"a" = "town_one"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="unknown field 'town_one'.*for pair lists: city1, country1"):
        import_file(src, db, mapping=mapping, dry_run=True)
