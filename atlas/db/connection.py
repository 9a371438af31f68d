"""Read-only connections that follow the database file when it is swapped.

Writers (``atlas init``, imports) build a new file and ``os.replace`` it over the old one, so a
reader never sees a half-written database. A reader notices the swap (inode or mtime changed)
before its next query and reconnects: the app moves to the new data without a restart.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

# SCHEMA_VERSION and check_database_file are imported from here by the builder and the importer.
from atlas.db.check import SCHEMA_VERSION, check_database_file, connect_checked, database_path  # noqa: F401

#: Entries kept by ReadOnlyDatabase.memo (derived arrays per level, authority tables…).
MEMO_LIMIT = 128

T = TypeVar("T")

def _shared_lists(column: pa.ChunkedArray | pa.Array) -> np.ndarray | None:
    """A list column as numpy arrays (what ``to_pandas`` gives), one array per distinct list shared
    by every row that holds it, read-only so that no row can change another's.

    A million links hold a few thousand distinct theme lists: this converts them in about a
    third of the time and a small part of the memory of one array per row. None when a list
    holds a null (those columns are converted as usual)."""
    import pyarrow.compute as pc

    whole = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    col = whole
    if len(col) == 0 or col.null_count == len(col):
        return None
    flat = pc.list_flatten(col)
    if not pa.types.is_string(flat.type):
        flat = flat.cast(pa.string())
        col = type(col).from_arrays(col.offsets, flat, mask=col.is_null())
    if flat.null_count or (len(flat) and (pc.any(pc.equal(flat, "")).as_py()
                                          or pc.any(pc.match_substring(flat, "\x1f")).as_py())):
        return None  # a null, an empty item or the separator would make two lists look alike below
    # one key per distinct list: its items joined ("eau\x1fsante"; "" is the empty list, a null list null)
    index = pc.binary_join(col, "\x1f").dictionary_encode(null_encoding="encode").indices.to_numpy(
        zero_copy_only=False)
    # a row of each distinct list, in one pass (codes run from 0 to their count - 1)
    first = np.empty(int(index.max()) + 1, dtype=np.int64)
    first[index] = np.arange(len(index))
    distinct = whole.take(pa.array(first)).to_numpy(zero_copy_only=False)
    for arr in distinct:
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return distinct[index]


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as DuckDB's ``.df()`` would give it (integer columns holding nulls become
    nullable Int32/Int64, other integers stay numpy; lists are numpy arrays, shared read-only
    between the rows that hold the same list, see :func:`_shared_lists`)."""
    nullable = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                pa.int64(): pd.Int64Dtype()}
    with_nulls = {f.name for i, f in enumerate(table.schema) if f.type in nullable and table.column(i).null_count}
    original_schema = table.schema
    lists = {}
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type) or pa.types.is_large_list(f.type):
            shared = _shared_lists(table.column(i))
            if shared is not None:
                lists[f.name] = shared
    if lists:
        table = table.drop_columns(list(lists))
    schema = table.schema
    # split_blocks + self_destruct: each column is freed once converted (a lower peak at 1M links)
    df = table.to_pandas(types_mapper=nullable.get, split_blocks=True, self_destruct=True)
    del table
    for f in schema:
        if f.type in nullable and f.name not in with_nulls:
            df[f.name] = df[f.name].to_numpy(dtype=nullable[f.type].numpy_dtype)
    for pos, f in enumerate(original_schema):  # the lists back in their places
        if f.name in lists:
            df.insert(pos, f.name, pd.Series(lists[f.name], index=df.index, dtype=object))
    return df


def _signature(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


#: Every open handle of this process (weakly: a handle dropped is forgotten).
_HANDLES: weakref.WeakSet[ReadOnlyDatabase] = weakref.WeakSet()


def release_stale(path: str | os.PathLike[str], keep: object = None) -> None:
    """Close the connections of this process's handles on ``path`` that still read a file since
    replaced (an import, an undo: os.replace). DuckDB keeps one database instance per path and
    process: while a connection to the old file is open, every new ``duckdb.connect(path)`` gets
    the old file. The handles reopen on their next query. A handle busy in another thread is
    left alone (it reopens itself when its query is done)."""
    try:
        resolved = Path(path).expanduser().resolve()
        sig = _signature(resolved)
    except OSError:
        return
    for handle in list(_HANDLES):
        if handle is keep or handle.path != resolved or handle._sig == sig or handle._con is None:
            continue
        if handle._lock.acquire(blocking=False):
            try:
                if handle._con is not None and handle._sig != sig:
                    handle._con.close()
                    handle._con = None
            finally:
                handle._lock.release()


class ReadOnlyDatabase:
    """A read-only DuckDB connection on one file, reopened when the file is replaced."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = database_path(path)
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._sig: tuple[int, int, int] | None = None
        self._memo: dict[Hashable, Any] = {}
        self._connect()
        _HANDLES.add(self)

    def _connect(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        release_stale(self.path, keep=self)  # or DuckDB would hand back another handle's old file
        con = connect_checked(self.path)
        self._con = con
        self._sig = _signature(self.path)
        self._memo = {}  # what was derived from the old file is stale

    def _fresh(self) -> duckdb.DuckDBPyConnection:
        """The connection, reopened first if the file was swapped since it was opened."""
        try:
            sig = _signature(self.path)
        except FileNotFoundError:
            sig = self._sig  # mid-swap or removed: keep reading what we have
        if self._con is None or sig != self._sig:
            self._connect()
        assert self._con is not None
        return self._con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current file, held alone (one query at a time on the shared connection)."""
        with self._lock:
            cur = self._fresh().cursor()
            try:
                yield cur
            finally:
                cur.close()

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """A value derived from this database, made once per file version by ``make()``.

        The cache belongs to the handle and is emptied when the file is swapped (an import), so
        no caller keys its own cache on private state. At most ``MEMO_LIMIT`` entries are kept.
        """
        with self._lock:
            self._fresh()
            if key not in self._memo:
                if len(self._memo) >= MEMO_LIMIT:
                    self._memo.clear()
                self._memo[key] = make()
            return self._memo[key]

    @property
    def version(self) -> tuple[int, int, int] | None:
        """Changes whenever the file is swapped: (inode, mtime ns, size) of the file read."""
        with self._lock:
            self._fresh()
            return self._sig

    def df(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> pd.DataFrame:
        """Run a query with bound parameters and return a pandas DataFrame."""
        with self._lock:
            con = self._fresh().cursor()
            try:
                return con.execute(query, params or {}).df() if params else con.execute(query).df()
            finally:
                con.close()

    def arrow_df(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> pd.DataFrame:
        """Like :meth:`df`, through Arrow: 3-5x faster on wide results with list columns (a
        million links). Same dtypes as ``df``: lists as numpy arrays, integers with nulls as
        pandas' nullable integers."""
        return arrow_to_pandas(self.arrow_table(query, params))

    def arrow_table(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> pa.Table:
        """The result as an Arrow table (:func:`arrow_to_pandas` makes it the frame of ``arrow_df``)."""
        with self._lock:
            con = self._fresh().cursor()
            try:
                return con.sql(query, params=params or None).to_arrow_table()
            finally:
                con.close()

    def rows(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> list[tuple]:
        with self._lock:
            con = self._fresh().cursor()
            try:
                return con.execute(query, params or {}).fetchall() if params else con.execute(query).fetchall()
            finally:
                con.close()

    def scalar(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
        rows = self.rows(query, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
