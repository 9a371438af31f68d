"""Every record says where it comes from; real and invented records are never mixed silently.

On the default atlas (real Wikidata twinnings + invented demonstration records, built as
`atlas init` builds it), each figure is compared with distinct counts in SQL.
"""

from __future__ import annotations

import duckdb
import pytest

from atlas.db import provenance
from atlas.db.connection import ReadOnlyDatabase
from atlas.models import Filters


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def db(demo_db):
    d = ReadOnlyDatabase(demo_db)
    yield d
    d.close()


def one(con, q, params=None):
    return con.execute(q, params or []).fetchone()[0]


def test_every_record_belongs_to_a_batch_with_a_source(con):
    for table in ("partnerships", "projects"):
        orphans = one(con, f"""SELECT count(*) FROM {table} t LEFT JOIN import_batches b ON b.id = t.batch_id
                               WHERE b.id IS NULL OR b.source IS NULL OR b.source_date IS NULL""")
        assert orphans == 0, table


def test_real_twinnings_come_from_wikidata_cc0_2017(con):
    rows = con.execute("""SELECT b.source, b.source_date, b.licence, count(*) FROM partnerships s
                          JOIN import_batches b ON b.id = s.batch_id WHERE NOT b.is_demo GROUP BY ALL""").fetchall()
    assert rows, "the default atlas holds no real partnership"
    assert all("Wikidata" in r[0] and r[1] == "2017-05-29" and r[2] == "CC0 1.0" for r in rows), rows
    assert sum(r[3] for r in rows) > 3000


def test_no_town_gets_invented_twinnings(con):
    assert one(con, """SELECT count(*) FROM partnerships s JOIN import_batches b ON b.id = s.batch_id
                       WHERE b.is_demo AND s.kind = 'jumelage'""") == 0
    assert one(con, """SELECT count(*) FROM projects p JOIN import_batches b ON b.id = p.batch_id
                       WHERE b.is_demo AND p.kind = 'jumelage'""") == 0


def test_totals_by_origin_are_distinct_counts(db, con):
    totals = provenance.totals(db)
    for origin, demo in (("real", False), ("demo", True)):
        assert totals[origin]["partnerships"] == one(con, """SELECT count(DISTINCT s.id) FROM partnerships s
            JOIN import_batches b ON b.id = s.batch_id WHERE b.is_demo = ?""", [demo])
        assert totals[origin]["projects"] == one(con, """SELECT count(DISTINCT p.id) FROM projects p
            JOIN import_batches b ON b.id = p.batch_id WHERE b.is_demo = ?""", [demo])
    assert totals["real"]["partnerships"] > 0 and totals["demo"]["projects"] > 0


@pytest.mark.parametrize("origin", ["real", "demo"])
def test_the_source_filter_selects_one_origin(atlas_handle, con, origin):
    demo = origin == "demo"
    got = atlas_handle.counts(Filters(sources=[origin]))
    assert got["partnerships"] == one(con, """SELECT count(DISTINCT s.id) FROM partnerships s
        JOIN import_batches b ON b.id = s.batch_id WHERE b.is_demo = ?""", [demo])
    assert got["projects"] == one(con, """SELECT count(DISTINCT p.id) FROM projects p
        JOIN import_batches b ON b.id = p.batch_id WHERE b.is_demo = ?""", [demo])
    links = atlas_handle.links_frame(Filters(sources=[origin]))
    assert len(links) > 0 and all(list(o) == [origin] for o in links["origins"])


def test_unknown_source_value_is_refused():
    with pytest.raises(ValueError, match="expected 'real'"):
        Filters(sources=["invented"])


def test_a_town_with_real_twinnings_shows_their_source(atlas_handle):
    links = atlas_handle.links_frame(Filters(authorities=["commune:26198"], sources=["real"]))  # Montélimar
    assert len(links) >= 5
    assert set(links["source"]) == {"Wikidata (2017, CC0 1.0)"}
    assert {"Ravensburg", "Rivoli"} <= set(links["partner_name"])


def test_selection_source_line_names_only_the_sources_shown(atlas_handle):
    real = atlas_handle.select(Filters(sources=["real"]))
    assert "Wikidata (2017, CC0 1.0)" in real.source and "invent" not in real.source
    demo = atlas_handle.select(Filters(sources=["demo"]))
    assert "Wikidata" not in demo.source and "inventées" in demo.source
    both = atlas_handle.select(Filters())
    assert "Wikidata" in both.source and "inventées" in both.source


def test_data_export_carries_the_source(atlas_handle, tmp_path):
    import pandas as pd

    out = tmp_path / "montelimar.csv"
    atlas_handle.export_data(Filters(authorities=["commune:26198"]), out)
    df = pd.read_csv(out)
    assert "source" in df.columns and df["source"].notna().all()
    assert (df["source"] == "Wikidata (2017, CC0 1.0)").any()


@pytest.mark.parametrize("sources,expected,absent", [
    (["real"], "Wikidata (2017, CC0 1.0)", "inventées"),
    ([], "données inventées", None),
])
def test_print_map_source_line_names_the_sources(atlas_handle, tmp_path, sources, expected, absent):
    from pypdf import PdfReader

    out = tmp_path / "carte.pdf"
    atlas_handle.export_map(Filters(countries=["DE"], sources=sources), out)
    text = " ".join((p.extract_text() or "") for p in PdfReader(str(out)).pages)
    text = " ".join(text.split())
    assert expected in text, text[-600:]
    if absent:
        assert absent not in text


def test_data_readme_lists_what_the_import_of_the_real_sources_left_unplaced(demo_db):
    from pathlib import Path

    from atlas.ingest.defaults import UNPLACED_END, UNPLACED_START, unplaced_markdown

    readme = (Path(__file__).resolve().parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    assert UNPLACED_START in readme and UNPLACED_END in readme
    listed = readme.split(UNPLACED_START, 1)[1].split(UNPLACED_END, 1)[0].strip()
    # regenerate with: python -m atlas.ingest.defaults data/atlas.duckdb (after `make db`)
    assert listed == unplaced_markdown(demo_db).strip()
