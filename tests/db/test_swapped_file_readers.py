"""A database file replaced by a writer (imports, undo, review: os.replace) is read anew by every
reader of the process, also while a long-lived handle on the old file is open.

DuckDB keeps one database instance per path and process: while any connection to the old file
is open, a new ``duckdb.connect(path)`` reads the old file. The app keeps such a handle for good
(atlas.ui.data.handle, opened at start by the warm-up), so without care the import page listed
the batches of the file it had just replaced."""

from __future__ import annotations

import os
import shutil

import duckdb

from atlas.db.connection import ReadOnlyDatabase
from atlas.ingest.load import read_only


def _batches(con) -> int:
    return con.execute("SELECT count(*) FROM import_batches").fetchone()[0]


def test_a_fresh_reader_sees_the_new_file_while_a_handle_holds_the_old(demo_db, tmp_path):
    path = tmp_path / "atlas.duckdb"
    shutil.copy(demo_db, path)
    handle = ReadOnlyDatabase(path)
    before = handle.rows("SELECT count(*) FROM import_batches")[0][0]
    # a writer works on a copy and swaps it in (as atlas.ingest.load.atomic_write does)
    new = tmp_path / ".atlas.duckdb.new"
    shutil.copy(path, new)
    con = duckdb.connect(str(new))
    con.execute("INSERT INTO import_batches (id, file_name, format, imported_at, is_demo) "
                "VALUES ('imp-test', 'x.csv', 'csv', now(), false)")
    con.close()
    os.replace(new, path)

    with read_only(path) as fresh:  # the listing of the import page
        assert _batches(fresh) == before + 1
    assert handle.rows("SELECT count(*) FROM import_batches")[0][0] == before + 1  # the handle follows
    other = ReadOnlyDatabase(path)
    assert other.rows("SELECT count(*) FROM import_batches")[0][0] == before + 1
    handle.close()
    other.close()
