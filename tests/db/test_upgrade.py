"""`atlas upgrade`: a database of schema 2 becomes schema 3 in place, keeping what it stores."""

from __future__ import annotations

import shutil

import duckdb
import pytest

import atlas
from atlas.cli import main
from atlas.db.connection import SCHEMA_VERSION
from atlas.ingest.upgrade import upgrade

NEW_TABLES = ("actor_sectors", "actor_countries", "actor_sdgs", "actor_supports", "exchange_posts",
              "exchange_post_themes")


def _as_schema_2(src, dst):
    """A copy of ``src`` as an atlas of schema 2 had it: no observatory or exchange tables."""
    shutil.copyfile(src, dst)
    con = duckdb.connect(str(dst))
    for t in ("exchange_post_themes", "exchange_posts", "actor_supports", "actor_sdgs", "actor_countries",
              "actor_sectors"):
        con.execute(f"DROP TABLE {t}")
    con.execute("CREATE TEMP TABLE pa AS SELECT * FROM project_actors")
    con.execute("CREATE TEMP TABLE a AS SELECT id, name, type, batch_id FROM actors")
    con.execute("DROP TABLE project_actors")
    con.execute("DROP TABLE actors")
    con.execute("CREATE TABLE actors (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR, batch_id VARCHAR)")
    con.execute("""CREATE TABLE project_actors (project_id VARCHAR NOT NULL REFERENCES projects(id),
                   actor_id VARCHAR NOT NULL REFERENCES actors(id), role VARCHAR, PRIMARY KEY (project_id, actor_id))""")
    con.execute("INSERT INTO actors SELECT * FROM a")
    con.execute("INSERT INTO project_actors SELECT * FROM pa")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


def test_upgrade_keeps_every_row_and_adds_the_new_tables(demo_db, tmp_path):
    old = tmp_path / "old.duckdb"
    _as_schema_2(demo_db, old)
    con = duckdb.connect(str(old), read_only=True)
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("authorities", "partnerships", "projects", "actors", "project_actors", "import_batches")}
    con.close()
    with pytest.raises(atlas.DatabaseError, match="atlas upgrade"):
        atlas.open(old)

    assert upgrade(old) == ("2", SCHEMA_VERSION)

    con = duckdb.connect(str(old), read_only=True)
    after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'actors'").fetchall()}
    con.close()
    assert after == before
    assert set(NEW_TABLES) <= tables
    assert {"commune", "region", "lon", "lat", "since"} <= cols
    atlas.open(old)  # the reader accepts it now
    assert upgrade(old) == (SCHEMA_VERSION, SCHEMA_VERSION)  # a second run changes nothing


def test_cli_upgrade_says_what_it_did_and_refuses_unknown_versions(demo_db, tmp_path, capsys):
    old = tmp_path / "old.duckdb"
    _as_schema_2(demo_db, old)
    assert main(["upgrade", "--db", str(old)]) == 0
    assert f"schema version 2 → {SCHEMA_VERSION}" in capsys.readouterr().out
    con = duckdb.connect(str(old))
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    assert main(["upgrade", "--db", str(old)]) == 1
    err = capsys.readouterr().err
    assert "schema version '0'" in err and "atlas init --force" in err
