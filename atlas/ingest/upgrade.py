"""Bring a database built by an older version of the atlas to the current schema, in place.

Schema 2 → 3 (the observatory of actors and the partnership exchange): ``actors`` gains the
seat and the years of an actor. DuckDB cannot add a column to a table another one references, so
``actors`` and ``project_actors`` are copied aside, recreated from schema.sql and refilled; the
new tables come from schema.sql (idempotent). The work is done on a copy swapped in at the end
(atlas.ingest.load.atomic_write), so a failed upgrade leaves the file as it was.
"""

from __future__ import annotations

from pathlib import Path

from atlas.db.connection import SCHEMA_VERSION
from atlas.errors import DatabaseError

#: Versions this module knows how to bring to SCHEMA_VERSION.
UPGRADABLE = ("2",)


def upgrade(db: str | Path) -> tuple[str, str]:
    """Upgrade ``db`` in place; returns (version before, version after)."""
    import duckdb

    from atlas.db.build import refresh_derived
    from atlas.db.sqlfiles import sql
    from atlas.ingest.load import atomic_write, database_path

    path = database_path(db)
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error as exc:
        raise DatabaseError(f"{path} is not an atlas database (no meta table); build one with `atlas init`") from exc
    finally:
        con.close()
    before = row[0] if row else None
    if before == SCHEMA_VERSION:
        return before, before
    if before not in UPGRADABLE:
        raise DatabaseError(f"{path} has schema version {before!r}; `atlas upgrade` knows versions "
                            f"{', '.join(UPGRADABLE)} → {SCHEMA_VERSION}. Rebuild it with `atlas init --force`")
    with atomic_write(path, check=False) as txn:
        con = txn.con
        con.execute("CREATE TEMP TABLE old_actors AS SELECT * FROM actors")
        con.execute("CREATE TEMP TABLE old_project_actors AS SELECT * FROM project_actors")
        con.execute("DROP TABLE project_actors")
        con.execute("DROP TABLE actors")
        con.execute(sql("schema"))
        con.execute("INSERT INTO actors (id, name, type, batch_id) SELECT id, name, type, batch_id FROM old_actors")
        con.execute("INSERT INTO project_actors SELECT * FROM old_project_actors")
        refresh_derived(con)  # derived tables of this version (link_summary…)
        txn.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    return before, SCHEMA_VERSION
