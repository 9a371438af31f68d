"""Atlas of the international action of French local authorities.

Public API::

    import atlas
    a = atlas.open()                       # read-only handle on data/atlas.duckdb
    f = atlas.Filters(themes=["eau"], countries=["SN"])
    gdf = a.links(f)                       # GeoDataFrame of links with great-circle lines
"""

from typing import Any

from atlas.errors import (
    AtlasError,
    DatabaseError,
    DatabaseNotFoundError,
    ImportFileError,
    MatchError,
    QueryError,
    ReferenceDataError,
)
from atlas.models import Filters

#: Loaded on first use: ``import atlas`` (and every CLI command) stays light; the map stack
#: (geopandas, folium, matplotlib) and the importer load only when asked for.
_LAZY = {"Atlas": "atlas.api", "open": "atlas.api", "ImportReport": "atlas.ingest", "import_file": "atlas.ingest"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'atlas' has no attribute {name!r}")


__all__ = [
    "Atlas",
    "AtlasError",
    "DatabaseError",
    "DatabaseNotFoundError",
    "Filters",
    "ImportFileError",
    "ImportReport",
    "MatchError",
    "QueryError",
    "ReferenceDataError",
    "import_file",
    "open",
]
__version__ = "0.1.0"
