"""Links aggregated to flows between locations, the way flowmap.gl models them.

A *location* is a point with an id and a name (an authority, a département, a région, France, a
country, a zone); a *flow* is (origin, destination, magnitude). Choosing coarser levels keeps a
national view readable and fast to draw.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.geo.arcs import great_circle_lines
from atlas.reference import loaders

ORIGIN_LEVELS = ("authority", "departement", "region", "france")
DEST_LEVELS = ("authority", "country", "zone")
MAGNITUDES = ("links", "projects", "budget")

#: Metropolitan France's usual map anchor (near the geographic centre).
FRANCE_POINT = (2.45, 46.6)

#: Level pairs tried, finest first, when the level is "auto".
AUTO_LEVELS: tuple[tuple[str, str], ...] = (
    ("authority", "authority"),
    ("departement", "authority"),
    ("authority", "country"),
    ("departement", "country"),
    ("region", "country"),
    # France → each country reads better than région → zone centroids (arbitrary points).
    ("france", "country"),
    ("region", "zone"),
    ("france", "zone"),
)


@cache
def _names() -> dict[str, dict[str, tuple[str, float, float]]]:
    """Name and point of départements, régions, countries and zones, by code."""
    deps = loaders.read_table("departements")
    regs = loaders.read_table("regions")
    countries = loaders.read_table("countries_all")
    zones = countries.dropna(subset=["lon", "lat"]).groupby("zone").agg(lon=("lon", "median"), lat=("lat", "median"))
    return {
        "departement": {r.code: (r.name, r.lon, r.lat) for r in deps.itertuples()},
        "region": {r.code: (r.name, r.lon, r.lat) for r in regs.itertuples()},
        "country": {r.iso2: (r.name_fr, r.lon, r.lat) for r in countries.itertuples()},
        "zone": {z: (z, r.lon, r.lat) for z, r in zones.iterrows()},
    }


def _origin_keys(links: pd.DataFrame, level: str) -> pd.DataFrame:
    names = _names()
    if level == "authority":
        return pd.DataFrame({"origin": links["fr_id"], "origin_name": links["fr_name"],
                             "origin_lon": links["fr_lon"], "origin_lat": links["fr_lat"]})
    if level == "departement":
        # Régions have no département: they stay at their own point.
        has_dep = links["fr_departement"].notna()
        codes = np.where(has_dep, links["fr_departement"], links["fr_region"])
        kinds = np.where(has_dep, "departement", "region")
        rows = [names[k].get(c, (c, np.nan, np.nan)) for k, c in zip(kinds, codes)]
        return pd.DataFrame({"origin": [f"{k}:{c}" for k, c in zip(kinds, codes)],
                             "origin_name": [r[0] for r in rows],
                             "origin_lon": [r[1] for r in rows], "origin_lat": [r[2] for r in rows]},
                            index=links.index)
    if level == "region":
        rows = [names["region"].get(c, (c, np.nan, np.nan)) for c in links["fr_region"]]
        return pd.DataFrame({"origin": "region:" + links["fr_region"].astype(str),
                             "origin_name": [r[0] for r in rows],
                             "origin_lon": [r[1] for r in rows], "origin_lat": [r[2] for r in rows]},
                            index=links.index)
    if level == "france":
        return pd.DataFrame({"origin": "FR", "origin_name": "France", "origin_lon": FRANCE_POINT[0],
                             "origin_lat": FRANCE_POINT[1]}, index=links.index)
    raise ValueError(f"origin level must be one of {ORIGIN_LEVELS}, got {level!r}")


def _dest_keys(links: pd.DataFrame, level: str) -> pd.DataFrame:
    names = _names()
    if level == "authority":
        return pd.DataFrame({"dest": links["partner_id"], "dest_name": links["partner_name"],
                             "dest_lon": links["partner_lon"], "dest_lat": links["partner_lat"]})
    if level == "country":
        rows = [names["country"].get(c, (c, np.nan, np.nan)) for c in links["country_iso2"]]
        return pd.DataFrame({"dest": "country:" + links["country_iso2"].astype(str),
                             "dest_name": [r[0] for r in rows],
                             "dest_lon": [r[1] for r in rows], "dest_lat": [r[2] for r in rows]},
                            index=links.index)
    if level == "zone":
        rows = [names["zone"].get(z, (z, np.nan, np.nan)) for z in links["zone"]]
        return pd.DataFrame({"dest": "zone:" + links["zone"].astype(str), "dest_name": [r[0] for r in rows],
                             "dest_lon": [r[1] for r in rows], "dest_lat": [r[2] for r in rows]},
                            index=links.index)
    raise ValueError(f"destination level must be one of {DEST_LEVELS}, got {level!r}")


def aggregate(links: pd.DataFrame, origin_level: str = "authority", dest_level: str = "authority") -> pd.DataFrame:
    """Flows between locations: one row per (origin, dest) with n_links, n_projects, budget_eur.

    ``links`` is the frame returned by the links query (one row per French × partner authority).
    The main partner country and zone of each flow are kept for colouring.
    """
    cols = ["origin", "origin_name", "origin_lon", "origin_lat", "dest", "dest_name", "dest_lon", "dest_lat",
            "n_links", "n_projects", "budget_eur", "country_iso2", "zone"]
    if links.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.concat([_origin_keys(links, origin_level), _dest_keys(links, dest_level),
                       links[["n_projects", "budget_eur", "country_iso2", "zone"]]], axis=1)
    frame = frame.dropna(subset=["origin_lon", "origin_lat", "dest_lon", "dest_lat"])
    out = (frame.groupby(["origin", "dest"], sort=False)
           .agg(origin_name=("origin_name", "first"), origin_lon=("origin_lon", "first"),
                origin_lat=("origin_lat", "first"), dest_name=("dest_name", "first"),
                dest_lon=("dest_lon", "first"), dest_lat=("dest_lat", "first"),
                n_links=("n_projects", "size"), n_projects=("n_projects", "sum"),
                budget_eur=("budget_eur", "sum"), country_iso2=("country_iso2", "first"),
                zone=("zone", "first"))
           .reset_index())
    out["n_links"] = out["n_links"].astype(int)
    out["n_projects"] = out["n_projects"].astype(int)
    return out[cols].sort_values("n_links", ascending=False, ignore_index=True)


def choose_levels(links: pd.DataFrame, max_flows: int) -> tuple[str, str]:
    """The finest (origin, destination) level pair whose flow count stays within ``max_flows``."""
    for origin_level, dest_level in AUTO_LEVELS:
        if origin_level == "authority" and dest_level == "authority":
            n = len(links)
        else:
            o = _origin_keys(links, origin_level)["origin"]
            d = _dest_keys(links, dest_level)["dest"]
            n = len(pd.DataFrame({"o": o.values, "d": d.values}).drop_duplicates())
        if n <= max_flows:
            return origin_level, dest_level
    return AUTO_LEVELS[-1]


def location_totals(flows: pd.DataFrame) -> pd.DataFrame:
    """Per location: outgoing and incoming totals of links (flowmap.gl's location totals)."""
    cols = ["id", "name", "lon", "lat", "outgoing", "incoming", "side"]
    if flows.empty:
        return pd.DataFrame(columns=cols)
    out = flows.groupby("origin").agg(name=("origin_name", "first"), lon=("origin_lon", "first"),
                                      lat=("origin_lat", "first"), outgoing=("n_links", "sum")).reset_index()
    out = out.rename(columns={"origin": "id"}).assign(incoming=0, side="fr")
    inc = flows.groupby("dest").agg(name=("dest_name", "first"), lon=("dest_lon", "first"),
                                    lat=("dest_lat", "first"), incoming=("n_links", "sum")).reset_index()
    inc = inc.rename(columns={"dest": "id"}).assign(outgoing=0, side="partner")
    return pd.concat([out, inc], ignore_index=True)[cols]


def flows_to_geodataframe(flows: pd.DataFrame, npts: int = 32) -> gpd.GeoDataFrame:
    """Flows with great-circle geometry (EPSG:4326, split at the antimeridian)."""
    if flows.empty:
        return gpd.GeoDataFrame(flows.assign(length_km=[]), geometry=[], crs=4326)
    geoms, dist = great_circle_lines(flows["origin_lon"].to_numpy(), flows["origin_lat"].to_numpy(),
                                     flows["dest_lon"].to_numpy(), flows["dest_lat"].to_numpy(), npts=npts)
    return gpd.GeoDataFrame(flows.assign(length_km=np.round(dist / 1000, 1)), geometry=geoms, crs=4326)
