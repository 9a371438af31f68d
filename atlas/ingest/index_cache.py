"""An on-disk cache of the French matching index (atlas.ingest.match_fr.FrenchIndex).

Building the index from the reference tables takes a few seconds (35,000 communes, their old
names and keys): every `atlas review pick` or import in a new process paid it. The index is kept
as a pickle in the user's cache folder, keyed by the reference tables it was built from *and*
the source code that builds it, so a new reference build or a code change rebuilds it. The
folder is the user's own (``$XDG_CACHE_HOME/atlas-aect`` or ``~/.cache/atlas-aect``);
``ATLAS_NO_CACHE=1`` turns the cache off. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

from atlas.cache import paused_gc
from atlas.config import cache_dir

T = TypeVar("T")

_CODE = ("match_fr/index.py", "match_fr/places.py", "match_fr/names.py", "normalize.py", "records.py")


def _key(ident: Hashable) -> str:
    h = hashlib.sha256(repr(ident).encode())
    root = Path(__file__).resolve().parent
    for rel in _CODE:
        path = root / rel
        if path.is_file():
            h.update(path.read_bytes())
    h.update((Path(__file__).resolve().parents[1] / "text.py").read_bytes())
    return h.hexdigest()[:24]


def load_or_build(ident: Hashable, build: Callable[[], T]) -> T:
    """The cached object for ``ident``, else ``build()`` (then stored for the next process)."""
    if os.environ.get("ATLAS_NO_CACHE") == "1":
        return build()
    path = cache_dir() / f"french-index-{_key(ident)}.pickle"
    try:
        # a million objects unpickled: a quarter of the time with the cyclic collector off
        with path.open("rb") as fh, paused_gc():
            return pickle.load(fh)  # noqa: S301 - the user's own cache file, written below
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = build()
    _store(path, value)
    return value


def _store(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("french-index-*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
