"""Readers of the committed reference files in atlas/data/reference/ (see data/README.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from atlas import config
from atlas.errors import ReferenceDataError

if TYPE_CHECKING:  # geopandas loads when shapes are read, not with the tables
    import geopandas as gpd

#: Files with polygons (GeoParquet) and plain tables (Parquet).
GEO_FILES = ("countries", "regions", "departements")
TABLE_FILES = ("countries_all", "communes", "epci", "old_communes", "admin1")


def reference_path(name: str, directory: Path | None = None) -> Path:
    """Path of atlas/data/reference/<name>.parquet, checked to exist."""
    path = (directory or config.reference_dir()) / f"{name}.parquet"
    if not path.exists():
        raise ReferenceDataError(
            f"reference file missing: {path} (expected one of the committed files listed in "
            "data/README.md; rebuild them with `make reference`)"
        )
    return path


@cache
def read_table(name: str) -> pd.DataFrame:
    """A reference table without geometry (a GeoParquet file's geometry column is dropped)."""
    df = pd.read_parquet(reference_path(name))
    if "geometry" in df.columns:
        df = df.drop(columns="geometry")
    return df


@cache
def read_shapes(name: str) -> gpd.GeoDataFrame:
    """Polygons of countries, régions or départements in EPSG:4326."""
    if name not in GEO_FILES:
        raise ValueError(f"no polygons for {name!r}; expected one of {GEO_FILES}")
    import geopandas as gpd

    gdf = gpd.read_parquet(reference_path(name))
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    return gdf
