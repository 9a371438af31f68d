"""The gazetteer's name keys: every name, ASCII name and alternate name of every GeoNames place,
as a matching key computed in SQL (``atlas_key``, the twin of normalize.name_key), stored in the
database by a writing import and reused by later ones."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from atlas.text import SAINTS, fold_sql


def _key_sql(x: str, ascii_shortcut: bool = True) -> str:
    """SQL twin of normalize.name_key for the expression ``x``: the text folded (atlas.text), its
    words of letters and digits, Saint abbreviations spelled out, a leading article dropped, the
    words joined.

    Nine names in ten are printable ASCII: folding them is lowering them (atlas.text maps no ASCII
    character but the backquote, which is not a letter and becomes a space like the apostrophe
    it stands for), so they skip the folding's two dozen replacements (2.5 times faster on the
    gazetteer's names; tests/ingest/test_geocode_keys.py compares both on all of them)."""
    def words(folded: str) -> str:
        s = f"' ' || trim(regexp_replace({folded}, '[^a-z0-9]+', ' ', 'g')) || ' '"
        for short, full in SAINTS.items():
            s = f"regexp_replace({s}, ' {short} ', ' {full} ', 'g')"
        s = f"regexp_replace({s}, '^ (le|la|les|l|the) (\\S)', ' \\2')"
        return f"replace({s}, ' ', '')"

    folded = words(fold_sql(x, spaces=False))
    if not ascii_shortcut:
        return folded
    return f"CASE WHEN regexp_full_match({x}, '[ -~]*') THEN {words(f'lower({x})')} ELSE {folded} END"


#: ``atlas_key(x)``: normalize.name_key in SQL, for the gazetteer side (kept equal by a test).
KEY_MACRO = f"CREATE OR REPLACE TEMP MACRO atlas_key(x) AS ({_key_sql('x')})"


def install_key_macro(con: duckdb.DuckDBPyConnection) -> None:
    """Define ``atlas_key(x)`` on this connection (a temporary macro)."""
    con.execute(KEY_MACRO)


#: Version of the persisted name keys: bump when KEY_MACRO or the name sources change.
KEYS_VERSION = "2"  # 2: folding by atlas.text (ħ, ŧ, ĳ, invisible characters)


def ensure_gazetteer_keys(con: duckdb.DuckDBPyConnection, persist: bool) -> None:
    """Make table ``gazetteer_keys`` (geonames_id, cc, key, is_primary) available.

    Computing the keys of ~1.5 million names takes ~10 s, so a writing import stores them in the
    database (with their version in ``meta``) and later imports reuse them; a read-only run
    (dry run) computes them into a temporary table.
    """
    install_key_macro(con)
    have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gazetteer_keys'").fetchall()[0][0]
    version = con.execute("SELECT max(value) FROM meta WHERE key = 'gazetteer_keys_version'").fetchall()[0][0]
    if have and version == KEYS_VERSION:
        return
    target = "TABLE gazetteer_keys" if persist else "TEMP TABLE gazetteer_keys"
    ident = tuple(con.execute("SELECT count(*), sum(geonames_id) FROM gazetteer").fetchall()[0])
    cached = _KEYS_CACHE.get(ident)
    if cached is not None:
        # same gazetteer as an earlier import of this process: reuse its keys (~1 s, not ~12 s)
        con.register("keys_df", cached)
        con.execute(f"CREATE OR REPLACE {target} AS SELECT * FROM keys_df")
        con.unregister("keys_df")
    elif not _from_disk(con, target, ident):
        _compute_keys(con, target)
        _to_disk(con, ident)
        _KEYS_CACHE.clear()
        _KEYS_CACHE[ident] = con.execute("SELECT * FROM gazetteer_keys").df()
    if persist:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('gazetteer_keys_version', ?)", [KEYS_VERSION])


_KEYS_CACHE: dict[tuple[Any, ...], pd.DataFrame] = {}


def _disk_key(ident: tuple[Any, ...]) -> str:
    from pathlib import Path

    from atlas import text
    from atlas.cache import cache_key
    from atlas.reference.gazetteer import cities_file

    return cache_key(KEYS_VERSION, ident, files=[cities_file(500)], code=[Path(__file__), Path(text.__file__)])


def _from_disk(con: duckdb.DuckDBPyConnection, target: str, ident: tuple[Any, ...]) -> bool:
    """Keys of the same gazetteer computed by an earlier process (atlas.cache): ~1 s, not ~20 s."""
    from atlas.config import cache_dir, cache_enabled

    if not cache_enabled():
        return False
    path = cache_dir() / f"gazetteer-keys-{_disk_key(ident)}.parquet"
    if not path.is_file():
        return False
    try:
        con.execute(f"CREATE OR REPLACE {target} AS SELECT * FROM read_parquet(?)", [str(path)])
    except duckdb.Error:
        return False
    return True


def _to_disk(con: duckdb.DuckDBPyConnection, ident: tuple[Any, ...]) -> None:
    from atlas.cache import cached_file

    def write(path) -> None:  # noqa: ANN001 - a Path
        con.execute("COPY gazetteer_keys TO ? (FORMAT parquet)", [str(path)])

    try:
        cached_file("gazetteer-keys", _disk_key(ident), write)
    except duckdb.Error:
        pass


def _compute_keys(con: duckdb.DuckDBPyConnection, target: str) -> None:
    from atlas.reference.gazetteer import all_alternates

    con.register("alt_df", all_alternates(500))
    # The key of each distinct name once (1.2 million of 2.1 million names: the folding macro is
    # most of the time), then joined back to every place carrying the name. MATERIALIZED: each
    # CTE is computed once; DuckDB inlines them otherwise, and the names (unnested lists and the
    # alternates' frame) were read twice and the keys recomputed: 7.1 s -> 3.7 s on 2 cores.
    con.execute(f"""CREATE OR REPLACE {target} AS
        WITH names AS MATERIALIZED (
            SELECT geonames_id, unnest(list_distinct([name, ascii_name] || coalesce(alt_names, []::VARCHAR[]))) AS n
            FROM gazetteer
            UNION ALL SELECT geonames_id, n FROM alt_df),
        keyed AS MATERIALIZED (SELECT n, atlas_key(n) AS key FROM (SELECT DISTINCT n FROM names))
        SELECT geonames_id, cc, key, bool_or(is_primary) AS is_primary FROM (
            SELECT g.geonames_id, g.country_iso2 AS cc, k.key, names.n = g.name AS is_primary
            FROM names JOIN keyed k ON k.n = names.n JOIN gazetteer g USING (geonames_id))
        WHERE key <> '' GROUP BY ALL ORDER BY cc, key""")
    con.unregister("alt_df")
