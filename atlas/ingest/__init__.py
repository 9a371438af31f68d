"""Importing real-world files into the atlas: readers, formats, matching, geocoding, atomic load.

Public API::

    from atlas.ingest import import_file
    report = import_file("jumelages.csv", "data/atlas.duckdb")   # or atlas.import_file(...)
    print(report.summary())

Heavier modules (pandas, rapidfuzz, DuckDB work) are imported on first use, so ``import atlas``
stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlas.ingest.pipeline import import_file
    from atlas.ingest.report import ImportReport

__all__ = ["ImportReport", "import_file"]


def __getattr__(name: str) -> Any:
    if name == "import_file":
        from atlas.ingest.pipeline import import_file

        return import_file
    if name == "ImportReport":
        from atlas.ingest.report import ImportReport

        return ImportReport
    raise AttributeError(f"module 'atlas.ingest' has no attribute {name!r}")
