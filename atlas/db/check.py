"""The checks that make a file an atlas database, with DuckDB alone (no pandas): what `atlas serve`
runs before it starts the server, and what every read-only handle (atlas.db.connection) runs when
it opens a file."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from atlas.errors import DatabaseError, DatabaseNotFoundError, show_path

#: Schema version written in meta by the builder; readers refuse other versions.
SCHEMA_VERSION = "3"


def check_database_file(path: Path) -> None:
    """DatabaseError unless ``path`` is a file that starts like a DuckDB database.

    DuckDB's own messages for a CSV, an empty file or a folder ("Cannot launch in-memory
    database in read-only mode!") do not say what is wrong; the file header does.
    """
    shown = show_path(path)
    if path.is_dir():
        raise DatabaseError(f"{shown} is a folder; expected a DuckDB database file built by `atlas init`")
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise DatabaseError(f"cannot read {shown}: {exc.strerror or exc}") from exc
    if not head:
        raise DatabaseError(f"{shown} is empty; expected a DuckDB database file built by `atlas init`")
    if head[8:12] != b"DUCK":
        raise DatabaseError(f"{shown} is not a DuckDB database (wrong file header); expected a file built "
                            "by `atlas init`, e.g. data/atlas.duckdb")


def database_path(path: str | os.PathLike[str]) -> Path:
    """``path`` resolved, once it is known to be a file that starts like a DuckDB database."""
    try:
        resolved = Path(path).expanduser().resolve()
        found = resolved.exists()
    except (OSError, RuntimeError) as exc:  # a name longer than the file system allows, a symlink loop
        raise DatabaseError(f"cannot use {show_path(path)} as the database: "
                            f"{getattr(exc, 'strerror', None) or exc}") from exc
    if not found:
        raise DatabaseNotFoundError(
            f"database file not found: {show_path(resolved)} (expected a DuckDB file built by `atlas init`)"
        )
    check_database_file(resolved)
    return resolved


def connect_checked(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection on ``path``, once its meta table says it is an atlas database of
    this schema version (DatabaseError otherwise, the connection closed)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot open {show_path(path)} as a DuckDB database: "
                            f"{str(exc).splitlines()[0]}") from exc
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error as exc:
        con.close()
        raise DatabaseError(
            f"{path} is a DuckDB file but not an atlas database (no meta table); "
            "rebuild it with `atlas init`"
        ) from exc
    if row is None or row[0] != SCHEMA_VERSION:
        con.close()
        raise DatabaseError(
            f"{path} has schema version {row[0] if row else None!r}, expected "
            f"{SCHEMA_VERSION!r}; upgrade it with `atlas upgrade` (keeps everything stored) "
            "or rebuild it with `atlas init --force`"
        )
    return con


def check_database(path: str | os.PathLike[str]) -> Path:
    """The checks of opening ``path`` read-only as an atlas database, the file left closed."""
    resolved = database_path(path)
    connect_checked(resolved).close()
    return resolved
