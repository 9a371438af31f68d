"""French places of the gazetteer that are not names of communes: foreign names of French towns
(Dunkirk, Lyons, Marseilles), quarters and resorts (Juan-les-Pins, Serre Chevalier). Such a name
is read as the commune the GeoNames place lies in: a commune within ``PLACE_KM`` of the place
whose name is one of the place's names (Dunkirk -> Dunkerque), else the commune whose point is
nearest to the place (Juan-les-Pins -> Antibes). The matcher flags every such reading."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np

from atlas.ingest.geocode.keys import KEYS_VERSION
from atlas.ingest.normalize import name_key, raw_key
from atlas.ingest.records import Entity

#: Countries of the gazetteer whose places are French communes' (metropolitan France and the
#: overseas départements, which ISO 3166-1 codes apart).
FRENCH_CC = ("FR", "GP", "MQ", "GF", "RE", "YT")
#: A commune is the place's when its point is this close (km) to the place's point.
PLACE_KM = 5.0
#: A commune bearing one of the place's names may be this far (km) from it (large communes).
NAMED_KM = 12.0


@dataclass(frozen=True)
class Place:
    """One GeoNames place of France."""

    geonames_id: int
    name: str
    population: int
    lon: float
    lat: float
    keys: frozenset[str]  # keys of all its names


def _km(lon1: np.ndarray, lat1: np.ndarray, lon2: float, lat2: float) -> np.ndarray:
    """Great-circle distances (km) from many points to one (vectorised haversine)."""
    p1, p2 = np.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dlon / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _place_names(con: duckdb.DuckDBPyConnection) -> dict[int, set[str]]:
    """Keys of every name of every French place: the stored gazetteer keys when they are current
    (every alternate name of the package: 'Lyons'), else the keys of the names the gazetteer table
    keeps (name, ASCII name, a dozen alternate names: 'Dunkirk', 'Marseilles'). Databases built by
    ``atlas init`` store the keys; reading all alternate names here would take ~13 s."""
    ccs = ", ".join(f"'{c}'" for c in FRENCH_CC)
    stored = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gazetteer_keys'").fetchall()[0][0]
    version = con.execute("SELECT max(value) FROM meta WHERE key = 'gazetteer_keys_version'").fetchall()[0][0] \
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta'").fetchall()[0][0] else None
    keys: dict[int, set[str]] = {}
    if stored and version == KEYS_VERSION:
        for gid, key in con.execute(f"SELECT geonames_id, key FROM gazetteer_keys WHERE cc IN ({ccs})").fetchall():
            keys.setdefault(int(gid), set()).add(key)
        return keys
    rows = con.execute(f"SELECT geonames_id, name, ascii_name, alt_names FROM gazetteer "
                       f"WHERE country_iso2 IN ({ccs})").fetchall()
    for gid, name, ascii_name, alts in rows:
        keys[int(gid)] = {name_key(n) for n in (name, ascii_name, *(alts or ())) if n} - {""}
    return keys


class FrenchPlaces:
    """French GeoNames places by name key, and the commune each one lies in."""

    def __init__(self, con: duckdb.DuckDBPyConnection, communes: list[Entity]) -> None:
        ccs = ", ".join(f"'{c}'" for c in FRENCH_CC)
        names = _place_names(con)
        self.by_key: dict[str, list[Place]] = {}
        for gid, name, pop, lon, lat in con.execute(
                f"SELECT geonames_id, name, population, lon, lat FROM gazetteer WHERE country_iso2 IN ({ccs}) "
                "AND lon IS NOT NULL AND lat IS NOT NULL ORDER BY geonames_id").fetchall():
            keys = frozenset(names.get(int(gid), set()) | {name_key(name)})
            place = Place(int(gid), name, int(pop or 0), float(lon), float(lat), keys)
            for k in keys:
                self.by_key.setdefault(k, []).append(place)
        self._communes = [c for c in communes if c.lon is not None and c.lat is not None]
        self._lon = np.array([c.lon for c in self._communes], dtype=float)
        self._lat = np.array([c.lat for c in self._communes], dtype=float)
        self._keys = [{name_key(c.name), raw_key(c.name)} for c in self._communes]

    def places(self, name: str) -> list[Place]:
        """GeoNames places of France that go by this name."""
        out: dict[int, Place] = {}
        for key in dict.fromkeys((name_key(name), raw_key(name))):
            for p in self.by_key.get(key, ()):
                out[p.geonames_id] = p
        return list(out.values())

    def commune_of(self, place: Place) -> tuple[Entity, float] | None:
        """The commune a place lies in, and the distance (km) from the place to its point."""
        if not len(self._lon):
            return None
        d = _km(self._lon, self._lat, place.lon, place.lat)
        near = np.flatnonzero(d <= NAMED_KM)
        named = [int(i) for i in near if self._keys[int(i)] & place.keys]
        if named:
            i = min(named, key=lambda j: d[j])
            return self._communes[i], float(d[i])
        i = int(np.argmin(d))
        if d[i] <= PLACE_KM:
            return self._communes[i], float(d[i])
        return None
