"""Atomic, serialised writes to the database file, and undo of an import batch.

A writer (import, undo, review decision) takes an exclusive lock on ``<db>.lock``, copies the
database to a temporary file beside it, works on the copy, checkpoints, closes and moves the copy
over the original with ``os.replace``. So:

- an import is all or nothing: a failure or a kill leaves the original file untouched (the next
  writer removes the orphaned copy);
- readers (the app) are never blocked and never see a half-written file; a
  :class:`atlas.db.connection.ReadOnlyDatabase` notices the swap and reopens;
- two writers never interleave: the second waits for the lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

from atlas.db.connection import SCHEMA_VERSION, check_database_file, release_stale
from atlas.db.sqlfiles import sql
from atlas.errors import DatabaseError, DatabaseNotFoundError, show_path

TEMP_SUFFIX = ".importing"
#: How long a writer waits for another one to finish (seconds).
LOCK_TIMEOUT = 300.0


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _temp_files(db: Path) -> list[Path]:
    return [p for p in db.parent.glob(f".{db.name}.*{TEMP_SUFFIX}*")]


@contextmanager
def write_lock(db: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Exclusive advisory lock on the sidecar lock file; released when the process dies."""
    path = lock_path(db)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                    raise DatabaseError(
                        f"another import, undo or review is writing to {db.name} (process {holder}); "
                        f"waited {timeout:.0f} s — try again when it has finished") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def clean_stale(db: Path) -> list[Path]:
    """Remove copies left by a killed writer. Only called while holding the lock, so any
    temporary file present belongs to a dead writer."""
    removed = []
    for p in _temp_files(db):
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


#: What to do with a database of another schema version (same words everywhere).
UPGRADE_HINT = "upgrade it with `atlas upgrade` (keeps everything stored) or rebuild it with `atlas init --force`"


def check_database(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.Error as exc:
        raise DatabaseError(f"{db} is not an atlas database (no meta table); build one with `atlas init`") from exc
    if not row or row[0][0] != SCHEMA_VERSION:
        raise DatabaseError(f"{db} has schema version {row[0][0] if row else None!r}, expected {SCHEMA_VERSION!r}; "
                            + UPGRADE_HINT)


def ensure_ingest_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Tables added after a database was built (review queue…): schema.sql is idempotent."""
    con.execute(sql("schema"))


@dataclass
class Txn:
    """An open write: the connection on the copy; set ``commit = False`` to discard it."""

    con: duckdb.DuckDBPyConnection
    db: Path
    commit: bool = True


def database_path(db: str | Path) -> Path:
    """The database file, checked: it exists and is a file. One-line errors for a missing file, a
    folder, or a path the system cannot use (too long…), before any lock or copy is made."""
    from atlas.ingest.headers import shown_path

    try:
        path = Path(db).expanduser().resolve()
        st = os.stat(path)
    except FileNotFoundError:
        raise DatabaseNotFoundError(f"database file not found: {shown_path(db)} (build it first with `atlas init`)") from None
    except NotADirectoryError:
        raise DatabaseNotFoundError(f"database file not found: {shown_path(db)} (a part of the path is a file, "
                                    "not a folder)") from None
    except (OSError, RuntimeError) as exc:
        raise DatabaseError(f"cannot use {shown_path(db)} as the database: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DatabaseError(f"{shown_path(path)} is a folder; expected the database file (such as data/atlas.duckdb)")
    if not stat.S_ISREG(st.st_mode):
        raise DatabaseError(f"{shown_path(path)} is not a regular file; expected the database file "
                            "(such as data/atlas.duckdb)")
    check_database_file(path)  # a CSV, an empty or truncated file: refused before any lock or copy
    return path


@contextmanager
def atomic_write(db: str | Path, timeout: float = LOCK_TIMEOUT, check: bool = True) -> Iterator[Txn]:
    """Work on a copy of ``db``; it replaces ``db`` only if the block ends normally with
    ``txn.commit`` true. ``check=False``: any schema version (atlas.db.upgrade)."""
    db = database_path(db)
    with write_lock(db, timeout):
        clean_stale(db)
        tmp = db.with_name(f".{db.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{TEMP_SUFFIX}")
        wal = Path(str(db) + ".wal")
        try:
            shutil.copyfile(db, tmp)
            if wal.exists():  # a writer that died before checkpointing left committed data there
                shutil.copyfile(wal, Path(str(tmp) + ".wal"))
            # no DuckDB progress bar: the CLI draws its own on stderr
            con = duckdb.connect(str(tmp))
            con.execute("SET enable_progress_bar = false")
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            if isinstance(exc, duckdb.Error):  # a damaged or truncated file: nothing was changed
                raise DatabaseError(f"cannot open {show_path(db, quoted=False)} as a DuckDB database: "
                                    f"{str(exc).splitlines()[0]}") from None
            if isinstance(exc, OSError):
                raise DatabaseError(f"cannot copy {show_path(db, quoted=False)} to work on it: "
                                    f"{exc.strerror or exc}") from None
            raise
        txn = Txn(con, db)
        try:
            if check:
                check_database(con, db)
                ensure_ingest_tables(con)
            yield txn
            if txn.commit:
                con.execute("CHECKPOINT")
            con.close()
            if txn.commit:
                with open(tmp, "rb") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, db)
                wal.unlink(missing_ok=True)
                dir_fd = os.open(db.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        finally:
            try:
                con.close()
            except duckdb.Error:
                pass
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)


@contextmanager
def read_only(db: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for dry runs and listings (never blocks writers or readers)."""
    db = database_path(db)
    release_stale(db)  # a handle of this process on a replaced file would hand back the old one
    try:
        con = duckdb.connect(str(db), read_only=True)
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot open {show_path(db, quoted=False)} as a DuckDB database: "
                            f"{str(exc).splitlines()[0]}") from exc
    try:
        check_database(con, db)
        yield con
    finally:
        con.close()


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall()[0][0])
