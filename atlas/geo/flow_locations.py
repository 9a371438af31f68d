"""Where flows start and end: French authorities and partners placed at a level.

A *location* is a point with an id and a name: an authority, an EPCI, a département, a région,
France, a foreign admin-1 area, a country or a zone. :class:`Ends` holds the distinct French
authorities and partners of a set of links; :func:`origin_locations` and :func:`dest_locations`
give each of them its location at a level, with names and points from the reference tables.
Location codes are small integers: :func:`factorise_codes` turns them into dense indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from atlas.geo.admin1 import admin1_table, assign_admin1
from atlas.reference import loaders

from atlas.models import DEST_LEVELS, ORIGIN_LEVELS  # noqa: F401,E402 - levels, re-exported

#: Metropolitan France's usual map anchor (near the geographic centre).
FRANCE_POINT = (2.45, 46.6)


#: Reference table, code column and name column behind each kind of location.
_REF_TABLES = {"epci": ("epci", "siren", "name"), "departement": ("departements", "code", "name"),
               "region": ("regions", "code", "name"), "country": ("countries_all", "iso2", "name_fr")}


@cache
def _ref_frame(kind: str) -> pd.DataFrame:
    """Name and point (columns name, lon, lat) of the EPCI, départements, régions, countries, zones
    or admin-1 areas, indexed by code: read column by column when first needed (a national map
    needs the countries only)."""
    if kind == "zone":
        countries = loaders.read_table("countries_all").dropna(subset=["lon", "lat"])
        zones = countries.groupby("zone").agg(lon=("lon", "median"), lat=("lat", "median"))
        df = pd.DataFrame({"name": zones.index.to_numpy(dtype=object), "lon": zones["lon"].to_numpy(float),
                           "lat": zones["lat"].to_numpy(float)}, index=pd.Index(zones.index, dtype=object))
    else:
        if kind == "admin1":
            table, code, name = admin1_table(), "id", "name"
        else:
            source, code, name = _REF_TABLES[kind]
            table = loaders.read_table(source)
        df = pd.DataFrame({"name": table[name].to_numpy(dtype=object), "lon": table["lon"].to_numpy(dtype=float),
                           "lat": table["lat"].to_numpy(dtype=float)},
                          index=pd.Index(table[code].to_numpy(dtype=object), dtype=object))
    return df[~df.index.duplicated(keep="last")]


#: (location key, kind of location, reference code) of each authority: see origin_keys, dest_keys.
LocationKeys = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass
class Ends:
    """The distinct French authorities and partners of a set of links.

    ``fr`` columns: id, name, lon, lat, departement, region, epci.
    ``partner`` columns: id, name, lon, lat, level, admin1, country_iso2, zone.
    """

    fr: pd.DataFrame
    partner: pd.DataFrame


def location_codes(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Location code of each row (dense, in order of first appearance) and the number of
    locations: what :func:`origin_locations` and :func:`dest_locations` give, without the names
    and points (choosing levels needs only these)."""
    code_of_row, uniq = _factorise(keys)
    return code_of_row.astype(np.int64), len(uniq)


def _factorise(keys: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    return pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=False)


def locations(keys: LocationKeys, own: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """The locations of ``keys`` (from :func:`origin_keys` or :func:`dest_keys` of ``own``): each
    row's location code (as :func:`location_codes` gives it) and the locations (id, name, lon, lat)."""
    return _locations(*keys, own)


def _locations(keys: np.ndarray, kinds: np.ndarray, codes: np.ndarray, own: pd.DataFrame
               ) -> tuple[np.ndarray, pd.DataFrame]:
    """Factorise location keys; name and point from the reference tables (or the row itself)."""
    code_of_row, uniq = _factorise(keys)
    first_row = np.full(len(uniq), -1, dtype=np.int64)
    first_row[code_of_row[::-1]] = np.arange(len(code_of_row))[::-1]
    kind = np.asarray(kinds, dtype=object)[first_row]
    code = np.asarray(codes, dtype=object)[first_row]
    name = np.array([str(c) for c in code], dtype=object)
    lon = np.full(len(uniq), np.nan)
    lat = np.full(len(uniq), np.nan)
    own_rows = kind == "self"
    if own_rows.any():
        name[own_rows] = own["name"].to_numpy(dtype=object)[first_row[own_rows]]
        lon[own_rows] = own["lon"].to_numpy(dtype=float)[first_row[own_rows]]
        lat[own_rows] = own["lat"].to_numpy(dtype=float)[first_row[own_rows]]
    fr_rows = kind == "france"
    name[fr_rows], lon[fr_rows], lat[fr_rows] = "France", FRANCE_POINT[0], FRANCE_POINT[1]
    for k in set(kind[~own_rows & ~fr_rows]):
        rows = np.flatnonzero(kind == k)
        ref = _ref_frame(k)
        pos = ref.index.get_indexer(pd.Index(code[rows], dtype=object))
        found = pos >= 0
        name[rows[found]] = ref["name"].to_numpy(dtype=object)[pos[found]]
        lon[rows[found]] = ref["lon"].to_numpy(dtype=float)[pos[found]]
        lat[rows[found]] = ref["lat"].to_numpy(dtype=float)[pos[found]]
    locs = pd.DataFrame({"id": np.asarray(uniq, dtype=object), "name": name, "lon": lon, "lat": lat})
    return code_of_row.astype(np.int64), locs


def origin_keys(fr: pd.DataFrame, level: str) -> LocationKeys:
    """(location key, kind, code) of each French authority at ``level`` (see origin_locations)."""
    n = len(fr)
    ids = fr["id"].to_numpy(dtype=object)
    if level == "authority":
        return ids, np.full(n, "self", dtype=object), ids
    if level == "france":
        return np.full(n, "FR", dtype=object), np.full(n, "france", dtype=object), ids
    dep = fr["departement"].to_numpy(dtype=object)
    reg = fr["region"].to_numpy(dtype=object)
    if level == "epci":
        # Authorities outside any EPCI (départements, régions) stay at their own point.
        epci = fr["epci"].to_numpy(dtype=object)
        has = pd.notna(epci)
        keys = np.where(has, "epci:" + pd.Series(epci, dtype=object).fillna("").astype(str).to_numpy(), ids)
        return keys, np.where(has, "epci", "self"), np.where(has, epci, ids)
    if level == "departement":
        # Régions have no département: they stay at their own point.
        has = pd.notna(dep)
        codes = np.where(has, dep, reg)
        kinds = np.where(has, "departement", "region")
        keys = np.array([f"{k}:{c}" for k, c in zip(kinds, codes)], dtype=object)
        return keys, kinds, codes
    if level == "region":
        keys = np.array([f"region:{c}" for c in reg], dtype=object)
        return keys, np.full(n, "region", dtype=object), reg
    raise ValueError(f"origin level must be one of {ORIGIN_LEVELS}, got {level!r}")


def origin_locations(fr: pd.DataFrame, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Location code of each French authority at ``level``, and the locations (id, name, lon, lat)."""
    return _locations(*origin_keys(fr, level), fr)


def dest_keys(partner: pd.DataFrame, level: str) -> LocationKeys:
    """(location key, kind, code) of each partner at ``level`` (see dest_locations)."""
    n = len(partner)
    ids = partner["id"].to_numpy(dtype=object)
    country = partner["country_iso2"].to_numpy(dtype=object)
    if level == "authority":
        return ids, np.full(n, "self", dtype=object), ids
    if level == "country":
        keys = np.array([f"country:{c}" for c in country], dtype=object)
        return keys, np.full(n, "country", dtype=object), country
    if level == "zone":
        zone = partner["zone"].to_numpy(dtype=object)
        keys = np.array([f"zone:{z}" for z in zone], dtype=object)
        return keys, np.full(n, "zone", dtype=object), zone
    if level == "admin1":
        adm = assign_admin1(partner["level"].to_numpy(dtype=object), partner["admin1"].to_numpy(dtype=object),
                            country, partner["lon"].to_numpy(dtype=float), partner["lat"].to_numpy(dtype=float))
        # A country without admin-1 areas (small islands) is its own area.
        has = pd.notna(adm)
        keys = np.array([f"admin1:{a}" if h else f"country:{c}" for a, c, h in zip(adm, country, has)], dtype=object)
        return keys, np.where(has, "admin1", "country"), np.where(has, adm, country)
    raise ValueError(f"destination level must be one of {DEST_LEVELS}, got {level!r}")


def dest_locations(partner: pd.DataFrame, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Location code of each partner at ``level``, and the locations (id, name, lon, lat)."""
    return _locations(*dest_keys(partner, level), partner)


def ends_from_links(links: pd.DataFrame) -> tuple[Ends, np.ndarray, np.ndarray]:
    """Ends of a links frame, and each link's row in ``ends.fr`` and ``ends.partner``."""
    fr_idx, fr_uniq = pd.factorize(links["fr_id"])
    pa_idx, pa_uniq = pd.factorize(links["partner_id"])
    first_fr = pd.Series(np.arange(len(links))).groupby(fr_idx).first().to_numpy()
    first_pa = pd.Series(np.arange(len(links))).groupby(pa_idx).first().to_numpy()

    def col(name: str, rows: np.ndarray) -> np.ndarray:
        if name in links.columns:
            return links[name].to_numpy(dtype=object)[rows]
        return np.full(len(rows), None, dtype=object)

    fr = pd.DataFrame({"id": fr_uniq.to_numpy(dtype=object), "name": col("fr_name", first_fr),
                       "lon": links["fr_lon"].to_numpy(dtype=float)[first_fr],
                       "lat": links["fr_lat"].to_numpy(dtype=float)[first_fr],
                       "departement": col("fr_departement", first_fr), "region": col("fr_region", first_fr),
                       "epci": col("fr_epci", first_fr)})
    level = col("partner_level", first_pa)
    partner = pd.DataFrame({"id": pa_uniq.to_numpy(dtype=object), "name": col("partner_name", first_pa),
                            "lon": links["partner_lon"].to_numpy(dtype=float)[first_pa],
                            "lat": links["partner_lat"].to_numpy(dtype=float)[first_pa],
                            "level": level, "admin1": col("partner_admin1", first_pa),
                            "country_iso2": col("country_iso2", first_pa), "zone": col("zone", first_pa)})
    return Ends(fr, partner), fr_idx.astype(np.int64), pa_idx.astype(np.int64)


def ends_from_authorities(authorities: pd.DataFrame) -> Ends:
    """Ends indexed by authority key (atlas.db.flow_queries.authority_table): row i is key i.

    Both tables hold every authority, so the database's keys index them directly.
    """
    a = authorities
    fr = pd.DataFrame({"id": a["id"], "name": a["name"], "lon": a["lon"], "lat": a["lat"],
                       "departement": a["departement"], "region": a["region"], "epci": a["epci"]})
    partner = pd.DataFrame({"id": a["id"], "name": a["name"], "lon": a["lon"], "lat": a["lat"], "level": a["level"],
                            "admin1": a["admin1"], "country_iso2": a["country_iso2"], "zone": a["zone"]})
    return Ends(fr, partner)


def used_ends(ends: Ends, fr_key: np.ndarray, partner_key: np.ndarray) -> tuple[Ends, np.ndarray, np.ndarray]:
    """Only the authorities that occur in the rows (keys remapped): cost follows the selection."""
    n = len(ends.fr)

    def remap(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen = np.zeros(n, dtype=bool)
        seen[keys] = True
        used = np.flatnonzero(seen)
        lookup = np.full(n, -1, dtype=np.int64)
        lookup[used] = np.arange(used.size)
        return used, lookup[keys]

    used_fr, fr_idx = remap(fr_key)
    used_pa, pa_idx = remap(partner_key)
    sub = Ends(ends.fr.iloc[used_fr].reset_index(drop=True), ends.partner.iloc[used_pa].reset_index(drop=True))
    return sub, fr_idx, pa_idx


def factorise_codes(code: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """(unique codes, index of each row's code in them): bincount when the space is small."""
    if n_bins <= 8_000_000:
        seen = np.zeros(n_bins, dtype=bool)
        seen[code] = True
        uniq = np.flatnonzero(seen)
        lookup = np.empty(n_bins, dtype=np.int64)
        lookup[uniq] = np.arange(uniq.size)
        return uniq, lookup[code]
    inv, uniq = pd.factorize(code, sort=True)
    return np.asarray(uniq, dtype=np.int64), inv.astype(np.int64)
