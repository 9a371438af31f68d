"""End-to-end imports of the realistic fixtures: formats, idempotence, undo, dry run, reports."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import atlas
from atlas.ingest.batches import list_batches, undo_batch
from atlas.ingest.formats.template import write_template
from atlas.ingest.pipeline import import_file

from .conftest import FIXTURES, counts, digest


def rows(db: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("name,fmt,links,projects", [
    ("national_export.csv", "projects", 9, 10),
    ("regional_network.xlsx", "projects", 0, 6),
    ("regional_network.ods", "projects", 0, 6),
    ("regional_network.xls", "projects", 0, 6),
    ("wikipedia_pairs.csv", "pairs", 15, 0),
    ("pairs_fr_noheader.csv", "pairs", 10, 0),
    ("annuaire_jumelages.txt", "directory", 11, 0),
])
def test_each_format_imports(db: Path, name: str, fmt: str, links: int, projects: int) -> None:
    before = counts(db)
    report = import_file(FIXTURES / name, db)
    assert report.format == fmt
    assert (report.links_imported, report.projects_imported) == (links, projects), report.summary()
    after = counts(db)
    assert after["partnerships"] - before["partnerships"] == links
    assert after["projects"] - before["projects"] == projects
    assert after["import_batches"] == before["import_batches"] + 1
    assert report.batch_id and not report.errors


def test_national_export_details(db: Path) -> None:
    report = import_file(FIXTURES / "national_export.csv", db)
    assert report.encoding == "cp1252" and report.rows_read == 22
    reasons = report.skipped_by_reason
    assert reasons == {"duplicate of an earlier row": 1, "partner is in France (not an international link)": 1}
    # humanitarian aid to a country, no authority named: the partner is the country, at its point
    assert rows(db, "SELECT fr_id, kinds, themes, budget_eur FROM links WHERE partner_id LIKE 'country:%'") == [
        ("commune:33063", ["humanitaire"], ["humanitaire"], 50000.0)]
    assert rows(db, "SELECT level, name, country_iso2, geo_precision, round(lon), round(lat) FROM authorities "
                    "WHERE id = 'country:LB'") == [("country", "Liban", "LB", "country", 36.0, 34.0)]
    assert report.partner_methods["country only"] == 1
    assert [(i.row, i.value) for i in report.ambiguous] == [(12, "Saint-Denis")]
    # the merged commune: current code, historical name kept as an alias
    assert rows(db, "SELECT fr_id, kind FROM partnerships WHERE batch_id = ? AND partner_id = 'geonames:3166018'",
                [report.batch_id]) == [("commune:73290", "jumelage")]
    assert ("commune:73290", "LANSLEVILLARD", "historical") in rows(
        db, "SELECT authority_id, alias, kind FROM authority_aliases")
    # a région with a province, a project with themes, SDGs, co-funding with amounts and an actor
    assert rows(db, "SELECT partner_id FROM partnerships WHERE fr_id = 'region:53' AND batch_id = ?",
                [report.batch_id]) == [("admin1:ML-5",)]
    pid = rows(db, "SELECT id FROM projects WHERE title = 'Accès à l''eau potable'")[0][0]
    assert rows(db, "SELECT theme_code FROM project_themes WHERE project_id = ?", [pid]) == [("eau",)]
    assert rows(db, "SELECT sdg FROM project_sdgs WHERE project_id = ?", [pid]) == [(6,)]
    assert sorted(rows(db, "SELECT funding_code, amount_eur FROM project_funding WHERE project_id = ?", [pid])) == [
        ("afd", 50000.0), ("agence_eau", 30000.0)]
    assert rows(db, "SELECT a.name, a.type FROM project_actors pa JOIN actors a ON a.id = pa.actor_id "
                    "WHERE pa.project_id = ?", [pid]) == [("Association Chambéry-Ouahigouya", "association")]
    assert rows(db, "SELECT budget_eur, year_start, year_end, status FROM projects WHERE id = ?", [pid]) == [
        (120000.0, 2018, 2022, "termine")]
    # the new links are in the public view
    assert rows(db, "SELECT count(*) FROM links WHERE fr_id = 'commune:73065' AND partner_id = 'geonames:2357043'") == [(1,)]


def test_same_file_twice_adds_nothing(db: Path) -> None:
    first = import_file(FIXTURES / "national_export.csv", db)
    snapshot, before = digest(db), counts(db)
    second = import_file(FIXTURES / "national_export.csv", db)
    assert second.nothing_new and second.batch_id is None
    assert second.previous_batches == [first.batch_id]
    assert second.already_present == first.links_imported + first.projects_imported
    assert digest(db) == snapshot and counts(db) == before


def test_same_links_from_another_file_are_not_duplicated(db: Path) -> None:
    import_file(FIXTURES / "regional_network.xlsx", db)
    report = import_file(FIXTURES / "regional_network.ods", db)
    assert report.nothing_new and report.already_present == 6
    report = import_file(FIXTURES / "regional_network.xls", db)
    assert report.nothing_new and report.already_present == 6


def test_import_then_undo_restores_counts_exactly(demo_copy: Path) -> None:
    db = demo_copy  # at the scale of the national atlas, with the demonstration batch
    before = counts(db)
    links_before = rows(db, "SELECT count(*) FROM links")
    batches = [import_file(FIXTURES / n, db).batch_id for n in ("national_export.csv", "wikipedia_pairs.csv")]
    assert counts(db) != before
    for b in reversed(batches):
        undo_batch(db, b)
    assert counts(db) == before
    assert rows(db, "SELECT count(*) FROM links") == links_before


def test_undo_in_any_order_keeps_shared_authorities(db: Path, tmp_path: Path) -> None:
    before = counts(db)
    head = "Collectivité;Département;Pays;Collectivité partenaire;Intitulé du projet\n"
    (tmp_path / "a.csv").write_text(head + "Bessans;73;Italie;Susa;\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(head + "Bessans;73;Italie;Susa;Échanges de skieurs\n", encoding="utf-8")
    a = import_file(tmp_path / "a.csv", db).batch_id
    owned = rows(db, "SELECT id FROM authorities WHERE batch_id = ? ORDER BY id", [a])
    assert owned == [("commune:73040",), ("geonames:3166018",)]
    b = import_file(tmp_path / "b.csv", db).batch_id  # uses the same two authorities
    undo_batch(db, a)
    assert rows(db, "SELECT id, batch_id FROM authorities WHERE list_contains(?, id) ORDER BY id",
                [[o[0] for o in owned]]) == [(o[0], b) for o in owned]
    assert rows(db, "SELECT count(*) FROM project_parties pp LEFT JOIN authorities a ON a.id = pp.authority_id "
                    "WHERE a.id IS NULL") == [(0,)]
    undo_batch(db, b)
    assert counts(db) == before


def test_undo_unknown_batch(db: Path) -> None:
    with pytest.raises(atlas.AtlasError, match="no import batch 'nope'.*atlas batches"):
        undo_batch(db, "nope")


def test_dry_run_writes_nothing(db: Path) -> None:
    snapshot = digest(db)
    report = import_file(FIXTURES / "national_export.csv", db, dry_run=True)
    assert report.dry_run and report.projects_imported == 10 and report.batch_id is None
    assert digest(db) == snapshot


def test_json_report(db: Path, tmp_path: Path) -> None:
    report = import_file(FIXTURES / "national_export.csv", db)
    data = json.loads(report.write(tmp_path / "r.json").read_text(encoding="utf-8"))
    for key in ("rows_read", "links_imported", "projects_imported", "french_matched", "partners_matched",
                "skipped", "skipped_by_reason", "ambiguous", "unmatched", "errors", "french_match_rate"):
        assert key in data
    amb = data["ambiguous"][0]
    assert amb["row"] == 12 and amb["value"] == "Saint-Denis"
    # every current commune named Saint-Denis is a candidate (former communes of that name may follow)
    current = {f"commune:{r[0]}" for r in rows(db, "SELECT insee FROM ref_communes WHERE name = 'Saint-Denis'")}
    assert len(current) == 4 and current <= {c["id"] for c in amb["candidates"]}
    stored = rows(db, "SELECT report FROM import_batches WHERE id = ?", [report.batch_id])[0][0]
    assert json.loads(stored)["rows_read"] == 22


def test_batches_are_listed(db: Path) -> None:
    b = import_file(FIXTURES / "wikipedia_pairs.csv", db).batch_id
    listed = {r["id"]: r for r in list_batches(db)}
    assert listed[b]["format"] == "pairs" and listed[b]["n_links"] == 15
    assert listed[b]["queued"] == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_template_round_trip(db: Path, tmp_path: Path, suffix: str) -> None:
    path = write_template(tmp_path / f"modele{suffix}")
    report = import_file(path, db)
    assert report.format == "template"
    assert (report.projects_imported, report.links_imported) == (1, 2), report.summary()
    assert report.french_matched == 3 and report.partners_matched == 3


def test_mapping_file(db: Path) -> None:
    report = import_file(FIXTURES / "odd_export.csv", db, mapping=FIXTURES / "odd_export.mapping.toml")
    assert report.encoding == "latin-1" and report.links_imported == 3
    assert report.ignored_columns == ["Obs."]
    assert rows(db, "SELECT kind, since FROM partnerships WHERE batch_id = ? AND fr_id = 'commune:56260'",
                [report.batch_id]) == [("jumelage", 1977)]


def test_public_api_and_readers_see_new_data(db: Path) -> None:
    handle = atlas.open(db)
    try:
        n0 = handle.counts(atlas.Filters(authorities=["commune:73065"]))
        report = atlas.import_file(FIXTURES / "regional_network.xlsx", db)
        assert isinstance(report, atlas.ImportReport)
        n1 = handle.counts(atlas.Filters(authorities=["commune:73065"]))
        assert n1 != n0
    finally:
        handle.close()
