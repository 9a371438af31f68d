"""Project and partnership sheets: every figure from the base tables, one A4 page with names."""

from __future__ import annotations

import pytest

from atlas.db import sheets


@pytest.fixture(scope="module")
def db(atlas_handle):
    return atlas_handle.db


@pytest.fixture(scope="module")
def busy_project(db):
    # the project with the most parties (several French authorities and partners)
    return db.scalar("SELECT project_id FROM project_parties GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")


def test_project_sheet_matches_the_base_tables(db, busy_project):
    s = sheets.project_sheet(db, busy_project)
    assert s["id"] == busy_project and s["title"] == db.scalar("SELECT title FROM projects WHERE id = $i",
                                                               {"i": busy_project})
    parties = db.rows("""SELECT r.authority_id, a.is_french FROM project_parties r JOIN authorities a
                         ON a.id = r.authority_id WHERE r.project_id = $i""", {"i": busy_project})
    assert {p["id"] for p in s["french"]} == {a for a, fr in parties if fr}
    assert {p["id"] for p in s["partners"]} == {a for a, fr in parties if not fr}
    assert s["funding_total"] == pytest.approx(db.scalar(
        "SELECT coalesce(sum(amount_eur), 0) FROM project_funding WHERE project_id = $i", {"i": busy_project}))
    assert [d["number"] for d in s["sdgs"]] == [r[0] for r in db.rows(
        "SELECT sdg FROM project_sdgs WHERE project_id = $i ORDER BY sdg", {"i": busy_project})]
    assert s["provenance"]["batch_id"] == db.scalar("SELECT batch_id FROM projects WHERE id = $i", {"i": busy_project})
    siblings = db.rows("SELECT id FROM projects WHERE partnership_id = (SELECT partnership_id FROM projects "
                       "WHERE id = $i) AND id <> $i", {"i": busy_project})
    assert {p["id"] for p in s["siblings"]} == {r[0] for r in siblings}


def test_partnership_sheet_lists_its_projects_and_source(db):
    sid = db.scalar("SELECT partnership_id FROM projects WHERE partnership_id IS NOT NULL "
                    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    s = sheets.partnership_sheet(db, sid)
    assert {p["id"] for p in s["projects"]} == {r[0] for r in db.rows(
        "SELECT id FROM projects WHERE partnership_id = $s", {"s": sid})}
    real = db.scalar("""SELECT s.id FROM partnerships s JOIN import_batches b ON b.id = s.batch_id
                        WHERE NOT b.is_demo ORDER BY s.id LIMIT 1""")
    r = sheets.partnership_sheet(db, real)
    assert r["provenance"]["licence"] == "CC0 1.0" and r["projects"] == []


def test_unknown_ids_have_no_sheet(db):
    assert sheets.project_sheet(db, "nope") is None
    assert sheets.partnership_sheet(db, "'; DROP TABLE projects; --") is None


def test_sheet_pdf_is_one_page_with_its_names(db, busy_project, tmp_path):
    from pypdf import PdfReader

    from atlas.maps.print_sheet import write_sheet

    s = sheets.project_sheet(db, busy_project)
    out = write_sheet(s, tmp_path / "fiche.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for p in s["french"] + s["partners"]:
        assert p["name"] in text, p["name"]
    assert " ".join(str(s["title"]).split()) in text


def test_sheet_text_is_data_not_markup(db, busy_project, tmp_path):
    from pypdf import PdfReader

    from atlas.maps.print_sheet import write_sheet

    s = dict(sheets.project_sheet(db, busy_project))
    s["title"] = "Coût $x^2$ {{ 7*7 }} <b>gras</b>"
    s["french"] = [*s["french"]] * 20  # a long list is cut, the page stays one page
    out = write_sheet(s, tmp_path / "hostile.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "$x^2$" in text and "{{ 7*7 }}" in text and "<b>gras</b>" in text
    assert "autres" in text
