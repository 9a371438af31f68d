"""Admin-1 areas of the world (states, provinces, regions…) from Natural Earth 1:10m."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from atlas.reference.geometry import parquet_bytes, polygonal, simplify_by_group
from atlas.reference.sources import log

#: admin1_shapes.parquet is written only below this size; it is a convenience, not a need.
MAX_SHAPES_BYTES = 6_000_000


def read_admin1(path: Path) -> gpd.GeoDataFrame:
    """The Natural Earth admin-1 GeoJSON (4,596 areas), with valid polygons, in EPSG:4326."""
    cols = ["iso_a2", "iso_3166_2", "adm1_code", "name", "name_fr", "name_en", "type", "type_en",
            "wikidataid", "latitude", "longitude", "region_code", "region", "name_alt"]
    gdf = gpd.read_file(path, columns=cols)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    gdf["geometry"] = [polygonal(g) for g in gdf.geometry]
    return gdf


def _none_if_blank(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return None if isinstance(value, str) and value.strip() in ("", "-1", "-99") else value


def build_admin1(admin1: gpd.GeoDataFrame, tolerance: float) -> tuple[pd.DataFrame, gpd.GeoDataFrame | None]:
    """admin1 table (no geometry) and, if small enough, simplified shapes keyed by the same id.

    France is left out: its départements have their own file. The id is the ISO 3166-2 code
    when Natural Earth gives one that no other area shares (a few areas share one code, e.g.
    the 17 parts of Metro Manila), else Natural Earth's own ``adm1_code``.
    """
    gdf = admin1[admin1["iso_a2"] != "FR"].copy()
    # Six minor islands have no name in any language: nothing to match or label them with.
    unnamed = gdf[["name", "name_en", "name_fr"]].map(_none_if_blank).isna().all(axis=1)
    gdf = gdf[~unnamed]
    iso = gdf["iso_3166_2"].fillna("")
    # Natural Earth fills gaps with placeholders such as "CO-X01~" or "AI-X00": not ISO codes.
    valid_iso = iso.str.match(r"^[A-Z]{2}-[A-Z0-9]{1,3}$") & ~iso.str.match(r"^[A-Z]{2}-X\d\d")
    unique_iso = ~iso.duplicated(keep=False)
    gdf["id"] = iso.where(valid_iso & unique_iso, gdf["adm1_code"])
    if not gdf["id"].is_unique:
        dup = gdf.loc[gdf["id"].duplicated(keep=False), "id"].tolist()
        raise ValueError(f"admin-1 ids not unique: {dup[:10]}")
    table = pd.DataFrame({
        "id": gdf["id"],
        "country_iso2": gdf["iso_a2"],
        "name": gdf["name"].map(_none_if_blank).fillna(gdf["name_en"]),
        "name_fr": gdf["name_fr"].map(_none_if_blank),
        "name_en": gdf["name_en"].map(_none_if_blank),
        "type": gdf["type_en"].map(_none_if_blank).fillna(gdf["type"].map(_none_if_blank)),
        "wikidata": gdf["wikidataid"].map(_none_if_blank),
        # the larger region an area belongs to (Italian provinces: 'Lazio') and other names
        # ('Aosta Valley'): what files write after a town's name ('Colonna, Lazio')
        "region": gdf["region"].map(_none_if_blank),
        "alt_names": [sorted({n.strip() for n in str(v).split("|") if n.strip()}) if _none_if_blank(v) else []
                      for v in gdf["name_alt"]],
        "lon": gdf["longitude"].astype(float).round(5),
        "lat": gdf["latitude"].astype(float).round(5),
    }).sort_values("id", ignore_index=True)
    log(f"admin1: {len(table)} areas outside France in {table.country_iso2.nunique()} countries "
        f"({int(unnamed.sum())} unnamed islands left out); {int((~(valid_iso & unique_iso)).sum())} "
        "keyed by adm1_code")

    shapes = gpd.GeoDataFrame({"id": gdf["id"], "country_iso2": gdf["iso_a2"]}, geometry=gdf.geometry, crs=4326)
    shapes["geometry"], methods = simplify_by_group(shapes, "country_iso2", tolerance)
    log(f"admin1_shapes: simplified at {tolerance}° per country: "
        + ", ".join(f"{m} {n}" for m, n in methods.items()))
    shapes = shapes[shapes.geometry.notna()].sort_values("id", ignore_index=True)
    size = parquet_bytes(shapes)
    if size > MAX_SHAPES_BYTES:
        log(f"admin1_shapes: {size / 1e6:.1f} MB at {tolerance}° exceeds {MAX_SHAPES_BYTES / 1e6:.0f} MB; not written")
        return table, None
    shapes.attrs["simplify"] = ", ".join(f"{m} for {n} countries" for m, n in methods.items() if n)
    return table, shapes
