"""The review queue: list, decide, apply now and in later imports, undo."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from atlas.ingest.batches import undo_batch
from atlas.ingest.pipeline import import_file
from atlas.ingest.review import Decision, ReviewError, decide, list_queue

from .conftest import FIXTURES


def q(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_pick_a_candidate_imports_the_row_and_is_remembered(db: Path) -> None:
    import_file(FIXTURES / "national_export.csv", db)
    items = list_queue(db)
    assert [(i["row"], i["side"], i["value"]) for i in items] == [(12, "french", "Saint-Denis")]
    item = items[0]
    n = next(k for k, c in enumerate(item["candidates"], 1) if c["id"] == "commune:93066")
    result = decide(db, [Decision(item["id"][:8], pick=n)])
    assert result["settled"] == 1 and result["rows"] == 1 and result["links"] == 1
    assert q(db, "SELECT format FROM import_batches WHERE id = ?", [result["batch_id"]]) == [("review",)]
    assert q(db, "SELECT count(*) FROM partnerships WHERE fr_id = 'commune:93066' AND partner_id = 'geonames:2467454'") == [(1,)]
    assert list_queue(db) == []
    # the decision applies to a later import of another file with the same value
    report = import_file(FIXTURES / "wikipedia_pairs.csv", db)
    assert report.french_methods.get("decision") == 1 and not report.ambiguous
    # undoing the review batch puts the row back to "decided, not imported"
    undo_batch(db, result["batch_id"])
    assert q(db, "SELECT status FROM review_queue WHERE id = ?", [item["id"]]) == [("resolved",)]


def test_place_a_partner_by_coordinates(db: Path) -> None:
    import_file(FIXTURES / "annuaire_jumelages.txt", db)
    item = next(i for i in list_queue(db) if i["value"] == "FRIEDBERG")
    result = decide(db, [Decision(item["id"], lat=48.356, lon=10.984, name="Friedberg (Bayern)")])
    assert result["rows"] == 1
    assert q(db, "SELECT id, geo_precision, lat FROM authorities WHERE id = 'place:DE:friedbergbayern'") == [
        ("place:DE:friedbergbayern", "manual", 48.356)]


def test_ignore_a_row(db: Path) -> None:
    import_file(FIXTURES / "annuaire_jumelages.txt", db)
    item = list_queue(db)[0]
    result = decide(db, [Decision(item["id"], ignore=True)])
    assert result["rows"] == 0 and list_queue(db) == []
    assert q(db, "SELECT status FROM review_queue") == [("ignored",)]


def test_bad_decisions_are_refused(db: Path) -> None:
    import_file(FIXTURES / "national_export.csv", db)
    item = list_queue(db)[0]
    n = len(item["candidates"])
    with pytest.raises(ReviewError, match=f"has {n} candidate"):
        decide(db, [Decision(item["id"], pick=n + 1)])
    with pytest.raises(ReviewError, match="not a French authority id"):
        decide(db, [Decision(item["id"], authority_id="geonames:2643743")])
    with pytest.raises(ReviewError, match="coordinates can place a foreign partner only"):
        decide(db, [Decision(item["id"], lat=1.0, lon=2.0)])
    with pytest.raises(ReviewError, match="no review item 'zzzz'"):
        decide(db, [Decision("zzzz", pick=1)])
    assert len(list_queue(db)) == 1


def test_requeue_is_idempotent(db: Path) -> None:
    import_file(FIXTURES / "national_export.csv", db)
    import_file(FIXTURES / "national_export.csv", db)
    assert len(list_queue(db)) == 1


def test_country_only_rows_with_an_unclear_country_are_queued_then_settled(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "aide.csv"
    f.write_text("Collectivité;Département;Pays;Collectivité partenaire;Intitulé du projet;Montant\n"
                 "Toulouse;31;Congo;;Aide d'urgence;10000\n"
                 "Toulouse;31;Atlantide;;Secours;5000\n"
                 "Toulouse;31;Haïti;;Reconstruction;20000\n", encoding="utf-8")
    report = import_file(f, db)
    assert report.partner_methods == {"country only": 1} and report.projects_imported == 1
    assert [(i.row, i.value, i.reason) for i in report.ambiguous] == [
        (2, "", "no partner name, and the country 'Congo' may be several countries")]
    assert [c["id"] for c in report.ambiguous[0].candidates] == ["country:CD", "country:CG"]
    assert [(i.row, i.reason) for i in report.unmatched] == [
        (3, "no partner name, and the country 'Atlantide' is not recognised")]
    assert q(db, "SELECT count(*) FROM project_parties WHERE authority_id = 'country:HT'") == [(1,)]
    item = next(i for i in list_queue(db) if i["row"] == 2)
    n = next(k for k, c in enumerate(item["candidates"], 1) if c["id"] == "country:CG")
    result = decide(db, [Decision(item["id"][:8], pick=n)])
    assert result["rows"] == 1
    assert q(db, "SELECT level, name FROM authorities WHERE id = 'country:CG'") == [("country", "République du Congo")]
