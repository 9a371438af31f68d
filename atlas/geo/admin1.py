"""Which foreign admin-1 area (state, province, region…) each partner lies in.

Partners that are admin-1 areas carry the area's id. Places carry a GeoNames admin-1 code
(``DE.07``) that does not match the Natural Earth ids of atlas/data/reference/admin1.parquet, so they
are located by point in polygon on admin1_shapes.parquet (same country only), or, for points the
simplified polygons miss (coasts, islands), by the nearest area label point of their country.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from atlas.reference import loaders

if TYPE_CHECKING:  # geopandas loads when shapes are read, not with the tables
    import geopandas as gpd


@cache
def admin1_table() -> pd.DataFrame:
    """id, country_iso2, name (French when known), lon, lat of every foreign admin-1 area."""
    df = loaders.read_table("admin1").copy()
    df["label"] = df["name_fr"].fillna(df["name"])
    return df[["id", "country_iso2", "label", "lon", "lat"]].rename(columns={"label": "name"}).reset_index(drop=True)


@cache
def _shapes() -> tuple[shapely.STRtree, np.ndarray, np.ndarray]:
    import geopandas as gpd

    gdf = gpd.read_parquet(loaders.reference_path("admin1_shapes"))
    geoms = gdf.geometry.to_numpy()
    return shapely.STRtree(geoms), gdf["id"].to_numpy(dtype=object), gdf["country_iso2"].to_numpy(dtype=object)


#: Admin-1 id of points already located, by (level, admin1, country, lon, lat): the same partner
#: comes back at every map, and point in polygon is the slow part.
_CACHE: dict[tuple, object] = {}


def assign_admin1(level: np.ndarray, admin1: np.ndarray, country: np.ndarray,
                  lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Admin-1 id for each partner (object array; None where the country has no admin-1 area)."""
    keys = list(zip(level, admin1, country, np.round(np.asarray(lon, dtype=float), 6),
                    np.round(np.asarray(lat, dtype=float), 6)))
    missing = [i for i, k in enumerate(keys) if k not in _CACHE]
    if missing:
        idx = np.asarray(missing)
        found = _assign(np.asarray(level, dtype=object)[idx], np.asarray(admin1, dtype=object)[idx],
                        np.asarray(country, dtype=object)[idx], np.asarray(lon, dtype=float)[idx],
                        np.asarray(lat, dtype=float)[idx])
        if len(_CACHE) > 2_000_000:
            _CACHE.clear()
        for i, value in zip(missing, found):
            _CACHE[keys[i]] = value
    return np.array([_CACHE[k] for k in keys], dtype=object)


def _assign(level: np.ndarray, admin1: np.ndarray, country: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    n = len(level)
    out = np.full(n, None, dtype=object)
    table = admin1_table()
    known = set(table["id"])
    level = np.asarray(level, dtype=object)
    admin1 = np.asarray(admin1, dtype=object)
    country = np.asarray(country, dtype=object)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    own = (level == "admin1") & np.array([a in known for a in admin1], dtype=bool)
    out[own] = admin1[own]
    todo = np.flatnonzero(~own & np.isfinite(lon) & np.isfinite(lat))
    if todo.size == 0:
        return out
    tree, ids, countries = _shapes()
    points = shapely.points(lon[todo], lat[todo])
    pt_idx, poly_idx = tree.query(points, predicate="intersects")
    same = countries[poly_idx] == country[todo[pt_idx]]
    pt_idx, poly_idx = pt_idx[same], poly_idx[same]
    # First match per point (a point on a shared border belongs to either: both are right).
    first = np.unique(pt_idx, return_index=True)[1]
    out[todo[pt_idx[first]]] = ids[poly_idx[first]]
    missing = todo[np.array([out[i] is None for i in todo], dtype=bool)]
    if missing.size:
        by_country = {cc: g for cc, g in table.groupby("country_iso2")}
        for i in missing:
            g = by_country.get(country[i])
            if g is None or g.empty:
                continue
            d2 = (g["lon"].to_numpy() - lon[i]) ** 2 * np.cos(np.radians(lat[i])) ** 2 + (g["lat"].to_numpy() - lat[i]) ** 2
            out[i] = g["id"].iloc[int(np.nanargmin(d2))]
    return out
