"""The French index's disk cache is keyed by what the index is built from, not by when."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from atlas.ingest.pipeline import index_fingerprint


def test_same_reference_same_key_and_any_changed_row_a_new_one(demo_db: Path, tmp_path: Path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy))
    try:
        before = index_fingerprint(con)
        # another build time, other imports: the same reference tables
        con.execute("INSERT OR REPLACE INTO meta VALUES ('built_at', '1999-01-01T00:00:00+00:00')")
        assert index_fingerprint(con) == before
        for change in ("UPDATE ref_communes SET name = name || 'x' WHERE insee = '69123'",
                       "DELETE FROM ref_old_communes WHERE rowid = (SELECT min(rowid) FROM ref_old_communes)",
                       "UPDATE gazetteer SET population = population + 1 WHERE geonames_id = "
                       "(SELECT min(geonames_id) FROM gazetteer WHERE country_iso2 = 'FR')",
                       "UPDATE ref_epci SET lon = lon + 0.01 WHERE siren = (SELECT min(siren) FROM ref_epci)"):
            con.execute(change)
            after = index_fingerprint(con)
            assert after != before, change
            before = after
    finally:
        con.close()
