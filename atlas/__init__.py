"""Atlas of the international action of French local authorities.

Public API::

    import atlas
    a = atlas.open()                       # read-only handle on data/atlas.duckdb
    f = atlas.Filters(themes=["eau"], countries=["SN"])
    gdf = a.links(f)                       # GeoDataFrame of links with great-circle lines
"""

from atlas.api import Atlas, open
from atlas.errors import (
    AtlasError,
    DatabaseError,
    DatabaseNotFoundError,
    ImportFileError,
    MatchError,
    QueryError,
    ReferenceDataError,
)
from atlas.ingest import ImportReport, import_file
from atlas.models import Filters

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
