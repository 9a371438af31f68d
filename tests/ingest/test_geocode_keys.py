"""atlas_key's shortcut for printable-ASCII names gives the key of the full folding."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from atlas.ingest.geocode.keys import _key_sql

_EDGES = ["Saint`Denis", "l`Isle", "St. Gallen", "Le Havre", "THE HAGUE", "Tab\there", "new\nline",
          "  spaced  out ", "A-B_C", "~tilde~", "O'Brien", "Ste-Foy", "", "123", "Kraków", "Straße"]


@pytest.mark.slow  # the keys of the gazetteer's 900,000 distinct names, twice (a few seconds)
def test_the_ascii_shortcut_gives_the_full_key_on_every_gazetteer_name(demo_db: Path):
    con = duckdb.connect()
    con.execute(f"ATTACH '{demo_db}' AS d (READ_ONLY)")
    con.execute(f"CREATE MACRO key_fast(x) AS ({_key_sql('x')})")
    con.execute(f"CREATE MACRO key_full(x) AS ({_key_sql('x', ascii_shortcut=False)})")
    con.execute("""CREATE TABLE names AS SELECT DISTINCT unnest(list_distinct(
                       [name, ascii_name] || coalesce(alt_names, []::VARCHAR[]))) AS n FROM d.gazetteer
                   UNION SELECT unnest(?)""", [_EDGES])
    n, ascii_share = con.execute(
        "SELECT count(*), avg(regexp_full_match(n, '[ -~]*')::INT) FROM names").fetchone()
    assert n > 500_000 and ascii_share > 0.5  # the shortcut is taken, and on most names
    diff = con.execute("""SELECT n, key_fast(n), key_full(n) FROM names
                          WHERE key_fast(n) IS DISTINCT FROM key_full(n) LIMIT 10""").fetchall()
    assert diff == []
    con.close()
